"""The command line: --help, --version, usage errors, and the demo job on small inputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from jaxresample import cli


def test_help_lists_commands_without_importing_jax() -> None:
    code = (
        "import sys; from jaxresample import cli\n"
        "try:\n    cli.main(['--help'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
        "print(sorted(m for m in ('jax', 'nibabel', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert "demo" in out.stdout
    assert out.stdout.strip().endswith("[]")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import jaxresample

    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"jaxresample {jaxresample.__version__}"


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert "usage: jaxresample" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["demo", "--spacing", "1", "0", "1"], "must be a positive finite number, got '0'"),
        (["demo", "--spacing", "1", "nan", "1"], "must be a positive finite number"),
        (["demo", "--spacing", "1", "x", "1"], "not a number: 'x'"),
        (["demo", "--order", "7"], "invalid choice: 7"),
    ],
)
def test_usage_errors(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_demo_missing_input_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["demo", "--input", str(tmp_path / "nope.nii.gz"), "--out-dir", str(tmp_path)])
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert (
        err.startswith("jaxresample demo: cannot run the demo, no such file")
        and "nope.nii.gz" in err
    )
    assert len(err.splitlines()) == 1


# ------------------------------------------------------------------ resample / info


def _write(path: Path, data: Any, affine: Any) -> Path:
    import nibabel as nib

    nib.save(nib.Nifti1Image(np.asarray(data), np.asarray(affine, np.float64)), str(path))
    return path


def test_resample_spacing_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import nibabel as nib

    rng = np.random.default_rng(0)
    src = _write(
        tmp_path / "in.nii.gz",
        rng.normal(size=(10, 8, 6)).astype(np.float32),
        np.diag([0.5, 0.5, 1.0, 1.0]),
    )
    out = tmp_path / "out.nii.gz"
    assert cli.main(["resample", str(src), str(out), "--spacing", "1", "--order", "1"]) == 0
    img = nib.load(str(out))
    assert isinstance(img, nib.Nifti1Image)
    assert img.shape == (5, 4, 6)
    np.testing.assert_allclose(img.header.get_zooms(), (1.0, 1.0, 1.0))
    assert img.get_data_dtype() == np.float32
    assert "(5 x 4 x 6" not in capsys.readouterr().out  # one summary line, shapes with ' x '
    # Refuses to overwrite without --force, then replaces with it.
    assert cli.main(["resample", str(src), str(out), "--spacing", "2"]) == 1
    assert "exists (pass --force to replace it)" in capsys.readouterr().err
    assert cli.main(["resample", str(src), str(out), "--spacing", "2", "--force"]) == 0
    # Back onto the original grid: exact shape and affine.
    back = tmp_path / "back.nii"
    assert cli.main(["resample", str(out), str(back), "--reference", str(src)]) == 0
    back_img = nib.load(str(back))
    assert isinstance(back_img, nib.Nifti1Image)
    assert back_img.shape == (10, 8, 6)
    np.testing.assert_allclose(back_img.affine, np.diag([0.5, 0.5, 1.0, 1.0]), atol=1e-6)


def test_resample_labels(tmp_path: Path) -> None:
    import nibabel as nib

    seg = np.zeros((12, 12, 6), np.int16)
    seg[3:9, 3:9, 1:5] = 3
    seg[5:7, 5:7, 2:4] = 8
    src = _write(tmp_path / "seg.nii.gz", seg, np.eye(4))
    out = tmp_path / "seg2.nii.gz"
    assert cli.main(["resample", str(src), str(out), "--spacing", "0.5", "--labels"]) == 0
    img = nib.load(str(out))
    assert isinstance(img, nib.Nifti1Image)
    assert img.get_data_dtype() == np.int16
    assert set(np.unique(np.asarray(img.dataobj))) <= {0, 3, 8}


def test_info(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write(tmp_path / "v.nii", np.zeros((4, 5, 6), np.int16), np.diag([-1.0, 2.0, 3.0, 1.0]))
    assert cli.main(["info", str(src)]) == 0
    out = capsys.readouterr().out
    assert "4 x 5 x 6 voxels" in out and "1 x 2 x 3 mm" in out
    assert "LAS" in out and "int16" in out


@pytest.mark.parametrize("case", ["missing", "not-nifti", "6d", "non-finite"])
def test_bad_input_is_a_one_line_error(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.nii"
    if case == "not-nifti":
        path = tmp_path / "x.txt"
        path.write_text("hello")
    elif case == "6d":
        _write(path, np.zeros((2, 2, 2, 2, 2, 2), np.float32), np.eye(4))
    elif case == "non-finite":
        import nibabel as nib

        hdr = nib.Nifti1Header()
        hdr.set_data_shape((2, 2, 2))
        hdr.set_data_dtype(np.float32)
        hdr.set_sform(np.eye(4), code=2)
        hdr["srow_x"] = [np.nan, 0, 0, 0]  # affine=None below keeps the header's sform
        nib.save(nib.Nifti1Image(np.zeros((2, 2, 2), np.float32), None, header=hdr), str(path))
    for argv in (
        ["info", str(path)],
        ["resample", str(path), str(tmp_path / "o.nii"), "--spacing", "1"],
    ):
        assert cli.main(argv) == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"jaxresample {argv[0]}: cannot read {path}, "), err
        assert len(err.splitlines()) == 1


def test_gh14_labels_of_a_big_endian_nifti(tmp_path: Path) -> None:
    """nibabel's anatomical.nii is big-endian: its labels resample (they used to crash JAX)."""
    import nibabel as nib
    from nibabel.testing import data_path

    src = Path(str(data_path)) / "anatomical.nii"
    image: Any = nib.load(src)
    assert not np.asanyarray(image.dataobj).dtype.isnative
    out = tmp_path / "labels.nii.gz"
    assert cli.main(["resample", str(src), str(out), "--spacing", "1", "--labels"]) == 0
    result: Any = nib.load(out)
    got = np.asanyarray(result.dataobj)
    assert got.shape == (66, 82, 50)
    values = np.unique(np.asanyarray(image.dataobj))
    assert set(np.unique(got)) <= set(values)


def test_gh15_demo_finds_nibabels_example_without_pytest() -> None:
    """The demo's environment has no pytest: nibabel.testing (which imports it) is not used."""
    code = (
        "import sys; sys.modules['pytest'] = None  # importing pytest now fails\n"
        "from jaxresample.cli._demo import nibabel_example\n"
        "print(nibabel_example('example4d.nii.gz'))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip().endswith("example4d.nii.gz")
