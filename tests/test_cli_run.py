"""The ``jaxresample`` command run on real files.

Commands run in this process through :func:`jaxresample.cli.main` (what the console script
calls), with stdout and stderr captured; those that depend on the process itself (signals,
being killed) run ``python -m jaxresample.cli`` in a subprocess, as a user would.

nibabel's own test data (NIfTI-1/2, MGZ, MINC 1, Analyze, AFNI) and files the tests write.
Every failure must be one line ``jaxresample <command>: <what>, <why>`` with a non-zero exit
status; nothing is checked after the work that could be checked before it.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nibabel as nib
import numpy as np
import pytest

from jaxresample import cli, resample_labels, resample_to_spacing
from jaxresample.cli._demo import nibabel_example

#: Seconds a command may take here (JAX's import and a compilation included).
TIMEOUT = 240


def _example(name: str) -> Path:
    path = nibabel_example(name)
    assert path is not None, f"nibabel's {name} is missing"
    return path


def jr(*argv: Any, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``jaxresample ARGV`` in this process: exit status, stdout and stderr."""
    args = [str(a) for a in argv]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd or Path.cwd()), contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):  # fmt: skip
        try:
            code = cli.main(args)
        except SystemExit as exc:  # argparse's usage errors and --help
            code = exc.code if isinstance(exc.code, int) else 1
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def jr_process(*argv: Any, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``jaxresample ARGV`` as a user would (``python -m jaxresample.cli``)."""
    return subprocess.run(
        [sys.executable, "-m", "jaxresample.cli", *map(str, argv)],
        capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd,
    )  # fmt: skip


def one_line_error(proc: subprocess.CompletedProcess[str], command: str, *needles: str) -> str:
    """The single stderr line of a failed command, checked for ``needles``."""
    assert proc.returncode != 0, proc.stdout
    err = proc.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"jaxresample {command}: "), err
    assert "Traceback" not in err and ".jaxresample-partial-" not in err, err
    for needle in needles:
        assert needle in err, err
    return err


def _save(path: Path, data: Any, affine: Any = None, **header: Any) -> Path:
    img = nib.Nifti1Image(np.asarray(data), np.eye(4) if affine is None else affine)
    for key, value in header.items():
        img.header[key] = value
    nib.save(img, path)
    return path


def _unreadable_data(path: Path, shape: tuple[int, ...] = (64, 64, 64)) -> Path:
    """A NIfTI whose header is fine but whose data is missing: reading it fails."""
    _save(path, np.zeros(shape, np.int16), np.diag([0.5, 0.5, 2.0, 1.0]))
    raw = path.read_bytes()
    path.write_bytes(raw[:400])  # the 352-byte header and a few voxels
    return path


def _load(path: Path) -> Any:
    img: Any = nib.load(path)
    return img


# ------------------------------------------------------------------ item 2: checks first


@pytest.mark.parametrize(
    ("extra", "needles"),
    [
        (["--dtype", "float16"], ["--dtype float16 is not one a NIfTI-1 file stores"]),
        (["--dtype", "nonsense"], ["--dtype 'nonsense' is not a NumPy dtype"]),
        (["--spacing", "1", "2"], ["--spacing takes 1 or 3 values"]),
        (["--labels", "--antialias"], ["cannot combine --labels with --antialias"]),
    ],
)
def test_gh15_options_are_checked_before_the_data_is_read(
    tmp_path: Path, extra: list[str], needles: list[str]
) -> None:
    src = _unreadable_data(tmp_path / "in.nii")
    args = ["resample", src, tmp_path / "out.nii.gz", *extra]
    if "--spacing" not in extra:
        args += ["--spacing", "1"]
    proc = jr(*args)
    one_line_error(proc, "resample", *needles)
    assert "cannot read the data" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.nii"]


def test_gh15_output_problems_are_found_before_the_data_is_read(tmp_path: Path) -> None:
    src = _unreadable_data(tmp_path / "in.nii")
    out = tmp_path / "out.nii.gz"
    one_line_error(jr("resample", src, tmp_path / "nodir" / "o.nii", "--spacing", "1"),
                   "resample", "cannot write", "no such directory", "nodir")  # fmt: skip
    out.write_bytes(b"keep")
    one_line_error(jr("resample", src, out, "--spacing", "1"), "resample",
                   f"cannot write {out}", "exists (pass --force to replace it)")  # fmt: skip
    (tmp_path / "adir.nii.gz").mkdir()
    one_line_error(jr("resample", src, tmp_path / "adir.nii.gz", "--spacing", "1", "--force"),
                   "resample", "adir.nii.gz", "a directory is in the way")  # fmt: skip
    one_line_error(jr("resample", src, tmp_path / "o.mnc", "--spacing", "1"), "resample",
                   "nibabel reads MINC files but cannot write them")  # fmt: skip
    one_line_error(jr("resample", src, tmp_path / "o.txt", "--spacing", "1"), "resample",
                   "must end with one of .nii.gz, .nii, .hdr, .img, .mgz, .mgh")  # fmt: skip
    assert out.read_bytes() == b"keep"
    # With everything right, the unreadable data is what fails, and it is named.
    one_line_error(jr("resample", src, out, "--spacing", "1", "--force"), "resample",
                   f"cannot read {src}", "cannot read the data")  # fmt: skip
    assert out.read_bytes() == b"keep"


def test_gh15_dtype_same_refuses_scaled_input_before_reading(tmp_path: Path) -> None:
    src = _unreadable_data(tmp_path / "in.nii")
    img = _load(src)
    img.header.set_slope_inter(0.5, -10)
    raw = bytearray(src.read_bytes())
    raw[:348] = img.header.binaryblock
    src.write_bytes(bytes(raw))
    one_line_error(jr("resample", src, tmp_path / "o.nii", "--spacing", "1", "--dtype", "same"),
                   "resample", "--dtype same would store the values in int16 without IN's "
                   "scaling (slope 0.5, intercept -10)")  # fmt: skip


# ------------------------------------------------------------------ item 3: messages


def test_gh15_usage_errors_are_one_line(tmp_path: Path) -> None:
    src = _save(tmp_path / "in.nii", np.zeros((4, 4, 4), np.float32))
    proc = jr("resample", src, tmp_path / "o.nii", "--spacing", "1", "--mode", "bogus")
    err = one_line_error(proc, "resample", "usage error", "--mode", "'bogus'", "grid-wrap")
    assert proc.returncode == 2 and "affine_transform" not in err
    proc = jr("resample", src, tmp_path / "o.nii", "--spacing", "1", "--order", "9")
    assert proc.returncode == 2
    one_line_error(proc, "resample", "invalid choice: 9")
    one_line_error(jr("resample", src, tmp_path / "o.nii", "--spacing", "1", "--cval", "nan"),
                   "resample", "must be a finite number")  # fmt: skip


def _header_only(path: Path, dims: list[int]) -> Path:
    """A NIfTI-1 file of 352 bytes whose header declares ``dims`` (no data follows)."""
    hdr = nib.Nifti1Header()
    hdr.set_data_dtype(np.float32)
    hdr.set_data_shape((2, 2, 2))
    hdr["dim"][1:4] = dims  # raw values, also ones nibabel's setter refuses
    hdr["vox_offset"] = 352
    path.write_bytes(hdr.binaryblock + b"\0" * 4)
    return path


def test_gh15_huge_or_negative_headers_are_one_line_errors(tmp_path: Path) -> None:
    huge = _header_only(tmp_path / "huge.nii", [30000, 30000, 30000])
    info = jr("info", huge)  # the header alone is described: no data is read
    assert info.returncode == 0, info.stderr
    assert "30000 x 30000 x 30000 voxels" in info.stdout
    one_line_error(jr("resample", huge, tmp_path / "o.nii", "--spacing", "2"), "resample",
                   f"cannot read {huge}", "declared by the header")  # fmt: skip
    negative = _header_only(tmp_path / "neg.nii", [-5, 2, 2])
    for argv in (["info", negative], ["resample", negative, tmp_path / "o.nii", "--spacing", "1"]):
        one_line_error(jr(*argv), str(argv[0]), "at least one voxel per axis", "(-5, 2, 2)")
    assert not (tmp_path / "o.nii").exists()


# ------------------------------------------------------------------ item 4: partial files


def _run_and_signal(argv: list[Any], directory: Path, sig: int | None) -> tuple[Any, list[str]]:
    """Start the command, wait until its temporary file has data, send ``sig``."""
    # A shell without job control starts background jobs with SIGINT ignored, and the
    # command (rightly) keeps an ignored SIGINT ignored: give it the handler a user's
    # terminal gives, whatever started this test run (not with preexec_fn: a fork of a
    # process running JAX threads).
    start = (
        "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "sys.argv = ['jaxresample', *sys.argv[1:]]; "
        "runpy.run_module('jaxresample.cli', run_name='__main__', alter_sys=True)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", start, *map(str, argv)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    seen: list[str] = []
    deadline = time.monotonic() + TIMEOUT
    while proc.poll() is None and time.monotonic() < deadline:
        temps = list(directory.glob(f"*.jaxresample-partial-{proc.pid}-*"))
        if temps and temps[0].stat().st_size > 0:
            seen = [t.name for t in temps]
            if sig is not None:
                proc.send_signal(sig)
            break
        time.sleep(0.001)
    out, err = proc.communicate(timeout=TIMEOUT)
    return (proc.returncode, out, err), seen


def test_gh15_killed_mid_write_never_damages_the_output(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    src = _save(tmp_path / "in.nii", rng.normal(size=(150, 150, 150)).astype(np.float32))
    out = tmp_path / "out.nii.gz"
    out.write_bytes(b"an earlier result")
    argv = ["resample", src, out, "--spacing", "1", "--force", "--order", "1"]
    for sig, code in ((signal.SIGTERM, 143), (signal.SIGINT, 130)):
        (rc, _, err), seen = _run_and_signal(argv, tmp_path, sig)
        assert seen and seen[0].startswith("out.jaxresample-partial-"), (rc, err)
        assert rc == code, err
        assert err.strip().splitlines() == [
            f"jaxresample resample: stopped, {'terminated' if code == 143 else 'interrupted'} "
            f"({signal.Signals(sig).name}); no partial file is left"
        ]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["in.nii", "out.nii.gz"]
        assert out.read_bytes() == b"an earlier result"
    # SIGKILL cannot be caught: the temporary stays, recognisably named, the output intact.
    (rc, _, _), seen = _run_and_signal(argv, tmp_path, signal.SIGKILL)
    assert rc == -signal.SIGKILL and seen
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in.nii", "out.nii.gz", *seen])
    assert out.read_bytes() == b"an earlier result"
    # The next run for the same output removes it, and replaces the output whole.
    done = jr(*argv)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.nii", "out.nii.gz"]
    np.testing.assert_array_equal(np.asanyarray(_load(out).dataobj), _load(src).get_fdata())


# ------------------------------------------------------------------ item 5: labels


def test_gh15_labels_refuse_spline_options_and_keep_a_float_dtype(tmp_path: Path) -> None:
    seg = np.zeros((12, 12, 6), np.float32)
    seg[3:9, 3:9, 1:5] = 3
    seg[5:7, 5:7, 2:4] = 8
    src = _save(tmp_path / "seg.nii.gz", seg)
    out = tmp_path / "seg2.nii.gz"
    for flags in (["--order", "3"], ["--antialias"], ["--clip"], ["--mode", "wrap"]):
        one_line_error(jr("resample", src, out, "--spacing", "0.5", "--labels", *flags),
                       "resample", f"cannot combine --labels with {flags[0]}")  # fmt: skip
    proc = jr("resample", src, out, "--spacing", "0.5", "--labels")
    assert proc.returncode == 0, proc.stderr
    img = _load(out)
    assert img.get_data_dtype() == np.float32  # the input's dtype, as --help says
    got = np.asanyarray(img.dataobj)
    want, _ = resample_labels(seg.astype(np.int32), np.eye(4), spacing=0.5)
    np.testing.assert_array_equal(got, np.asarray(want))
    fractional = _save(tmp_path / "frac.nii", seg + 0.5)
    one_line_error(jr("resample", fractional, out, "--spacing", "1", "--labels", "--force"),
                   "resample", "--labels needs integer values")  # fmt: skip


# ------------------------------------------------------------------ item 6: info


def test_gh15_info_shows_the_stored_dtype_and_the_scaling(tmp_path: Path) -> None:
    anatomical = jr("info", _example("anatomical.nii"))  # stored big-endian int16
    assert "dtype:       int16 (stored)" in anatomical.stdout, anatomical.stdout
    assert ">i2" not in anatomical.stdout and "scaling" not in anatomical.stdout
    epi = jr("info", _example("example4d.nii.gz"))
    assert "dtype:       int16 (stored)" in epi.stdout and "(oblique)" in epi.stdout
    scaled = nib.Nifti1Image(np.arange(8, dtype=np.int16).reshape(2, 2, 2), np.eye(4))
    scaled.header.set_slope_inter(2.0, -1.0)
    nib.save(scaled, tmp_path / "scaled.nii")
    out = jr("info", tmp_path / "scaled.nii").stdout
    assert "dtype:       int16 (stored)" in out and "float64" not in out
    assert "scaling:     value = 2 * stored + -1" in out


# ------------------------------------------------------------------ item 7: complex data


def test_gh15_complex_data_is_carried_through(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    data = (rng.normal(size=(8, 6, 4)) + 1j * rng.normal(size=(8, 6, 4))).astype(np.complex64)
    src = _save(tmp_path / "c.nii", data, np.diag([1.0, 1.0, 2.0, 1.0]))
    out = tmp_path / "c2.nii"
    proc = jr("resample", src, out, "--spacing", "0.5", "--order", "3")
    assert proc.returncode == 0, proc.stderr
    got = np.asanyarray(_load(out).dataobj)
    assert got.dtype == np.complex64
    affine = np.diag([1.0, 1.0, 2.0, 1.0])
    re, _ = resample_to_spacing(data.real, affine, 0.5, order=3)
    im, _ = resample_to_spacing(data.imag, affine, 0.5, order=3)
    np.testing.assert_allclose(got.real, np.asarray(re), atol=1e-5)
    np.testing.assert_allclose(got.imag, np.asarray(im), atol=1e-5)
    one_line_error(jr("resample", src, tmp_path / "r.nii", "--spacing", "1", "--dtype", "float32"),
                   "resample", "would drop the imaginary part")  # fmt: skip
    one_line_error(jr("resample", src, tmp_path / "r.mgz", "--spacing", "1"), "resample",
                   "is not one a MGH file stores")  # fmt: skip


# ------------------------------------------------------------------ item 8: the demo


def test_gh15_demo_checks_its_input_before_creating_the_folder(tmp_path: Path) -> None:
    bad = tmp_path / "notgz.nii.gz"
    bad.write_bytes(b"this is not gzip data" * 10)
    out_dir = tmp_path / "X"
    one_line_error(jr("demo", "--input", bad, "--out-dir", out_dir), "demo",
                   "cannot run the demo", "notgz.nii.gz")  # fmt: skip
    assert not out_dir.exists()
    one_line_error(jr("demo", "--spacing", "1", "2", "--out-dir", out_dir), "demo",
                   "--spacing takes one value or three; got 2")  # fmt: skip
    assert not out_dir.exists()


def test_gh15_demo_takes_one_spacing_value(tmp_path: Path) -> None:
    src = _save(tmp_path / "v.nii.gz", np.ones((12, 10, 8), np.float32) * 40.0)
    proc = jr("demo", "--input", src, "--spacing", "2", "--out-dir", tmp_path / "d", "-v")
    assert proc.returncode == 0, proc.stderr
    assert "spacing 2 x 2 x 2 mm" in proc.stdout
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == [
        "v_resampled.nii.gz", "v_resampled.png"]  # fmt: skip
    assert "resample" in proc.stderr and " s " in proc.stderr  # the stages, timed


# ------------------------------------------------------------------ items 9-11: options


def test_gh15_cli_options_match_the_api(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    data = (rng.normal(size=(13, 11, 7)) * 300).astype(np.int16)
    affine = np.diag([0.75, 0.75, 3.0, 1.0])  # float32-exact, as the file stores it
    src = _save(tmp_path / "in.nii", data, affine)
    cases: list[tuple[list[str], dict[str, Any]]] = [
        (["--order", "3", "--order-z", "1", "--anisotropy-threshold", "2.5"],
         dict(order=3, order_z=1, anisotropy_threshold=2.5)),
        (["--antialias", "--sigma-rule", "skimage"], dict(antialias=True, sigma_rule="skimage")),
        (["--mode", "constant", "--cval", "-1024"], dict(mode="constant", cval=-1024.0)),
        (["--rounding", "half-even", "--anchor", "first-voxel"],
         dict(rounding="half-even", anchor="first-voxel")),
        (["--clip"], dict(clip=True)),
    ]  # fmt: skip
    spacing = (1.5, 1.0, 1.5)  # 13 * 0.75 / 1.5 = 6.5: half up gives 7, half-even 6
    for i, (flags, kwargs) in enumerate(cases):
        out = tmp_path / f"o{i}.nii"
        proc = jr("resample", src, out, "--spacing", *spacing, *flags)
        assert proc.returncode == 0, (flags, proc.stderr)
        want, want_affine = resample_to_spacing(data, affine, spacing, **kwargs)
        img = _load(out)
        np.testing.assert_allclose(np.asanyarray(img.dataobj), np.asarray(want), atol=2e-3,
                                   err_msg=str(flags))  # fmt: skip
        np.testing.assert_allclose(img.affine, want_affine, atol=1e-5)
    # Air next to bone: a cubic spline undershoots -1024 HU, --clip keeps the range.
    step = np.full((8, 8, 8), -1024, np.int16)
    step[4:] = 1000
    ct = _save(tmp_path / "step.nii", step)
    for flags in ([], ["--clip"]):
        out = tmp_path / f"step{len(flags)}.nii"
        assert jr("resample", ct, out, "--spacing", "0.4", *flags).returncode == 0
        got = np.asanyarray(_load(out).dataobj)
        if flags:
            assert got.min() == -1024 and got.max() == 1000
        else:
            assert got.min() < -1100 and got.max() > 1050
    one_line_error(jr("resample", src, tmp_path / "x.nii", "--reference", src, "--order-z", "1"),
                   "resample", "cannot combine --reference with --order-z")  # fmt: skip


def test_gh15_dtype_same_keeps_int16_rounded_and_saturated(tmp_path: Path) -> None:
    data = np.zeros((6, 6, 6), np.int16)
    data[2:4, 2:4, 2:4] = 32767  # a cubic spline overshoots past int16's range
    data[0, 0, 0] = -32768
    src = _save(tmp_path / "in.nii", data)
    out = tmp_path / "o.nii"
    proc = jr("resample", src, out, "--spacing", "0.6", "--dtype", "same")
    assert proc.returncode == 0, proc.stderr
    img = _load(out)
    assert img.get_data_dtype() == np.int16
    want32, _ = resample_to_spacing(data, np.eye(4), 0.6)
    want = np.asarray(want32, np.float64)
    assert want.max() > 32767 and want.min() < -32768
    expect = np.clip(np.sign(want) * np.floor(np.abs(want) + 0.5), -32768, 32767)
    np.testing.assert_allclose(np.asanyarray(img.dataobj), expect, atol=1)


# ------------------------------------------------------------------ items 12-13: formats


def test_gh15_five_dimensional_vector_field(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    field = rng.normal(size=(8, 6, 4, 1, 3)).astype(np.float32)  # (i, j, k, t, c)
    src = _save(tmp_path / "warp.nii.gz", field, np.diag([2.0, 2.0, 2.0, 1.0]), intent_code=1007)
    out = tmp_path / "warp1.nii.gz"
    proc = jr("resample", src, out, "--spacing", "1", "--order", "1")
    assert proc.returncode == 0, proc.stderr
    img = _load(out)
    assert img.shape == (16, 12, 8, 1, 3)
    assert int(img.header["intent_code"]) == 1007  # a vector field stays one
    want, _ = resample_to_spacing(field, np.diag([2.0, 2.0, 2.0, 1.0]), 1.0, order=1)
    np.testing.assert_allclose(np.asanyarray(img.dataobj), np.asarray(want), atol=1e-6)


@pytest.mark.parametrize(
    ("name", "cls"),
    [("test.mgz", "MGHImage"), ("tiny.mnc", "Minc1Image"), ("analyze", "Spm2AnalyzeImage"),
     ("example_nifti2.nii.gz", "Nifti2Image"), ("example4d+orig.BRIK.gz", "AFNIImage")],
)  # fmt: skip
def test_gh15_every_format_nibabel_reads(tmp_path: Path, name: str, cls: str) -> None:
    if name == "analyze":  # nibabel ships an Analyze header without its .img: write one
        src = tmp_path / "in.hdr"
        nib.save(nib.AnalyzeImage(np.ones((9, 8, 7), np.int16), np.diag([2, 2, 2, 1.0])), src)
    else:
        src = _example(name)
    info = jr("info", src)
    assert info.returncode == 0 and f"format:      {cls}" in info.stdout, info.stderr
    original: Any = nib.load(src)
    for suffix in (".nii.gz", ".mgz", ".hdr"):
        out = tmp_path / f"out{suffix}"
        proc = jr("resample", src, out, "--spacing", "3", "--order", "1", "--force")
        assert proc.returncode == 0, (suffix, proc.stderr)
        img: Any = nib.load(out)
        zooms = np.sqrt((img.affine[:3, :3] ** 2).sum(axis=0))
        np.testing.assert_allclose(zooms, 3.0, rtol=0.2)  # the spacing reached, per axis
        assert img.shape[3:] == original.shape[3:]  # extra axes carried along
        if suffix == ".hdr":
            assert (tmp_path / "out.img").exists()


def test_gh15_verbose_and_dry_run(tmp_path: Path) -> None:
    src = _unreadable_data(tmp_path / "in.nii")  # a dry run never reads the data
    dry = jr("resample", src, tmp_path / "o.nii", "--spacing", "1", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "output:  32 x 32 x 128 voxels @ 1 x 1 x 1 mm, float32" in dry.stdout
    assert "affine:  [[ 1.    0.    0.    0.25]" in dry.stdout, dry.stdout
    assert "nothing read or written" in dry.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.nii"]
    good = _save(tmp_path / "good.nii", np.ones((8, 8, 4), np.float32), np.diag([2, 2, 2, 1.0]))
    proc = jr("resample", good, tmp_path / "o.nii", "--spacing", "1", "-v")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    stages = [ln.split()[2] for ln in lines if ln.startswith("jaxresample resample: ")]
    for stage in ("header", "plan", "load", "compile", "resample", "save"):
        assert stage in stages, proc.stderr
    grid = next(i for i, ln in enumerate(lines) if ln.startswith("output:"))
    assert grid < next(i for i, ln in enumerate(lines) if " load " in ln)  # grid first


def test_gh15_demo_module_runs_without_test_dependencies() -> None:
    """The README's main job imports nothing that only the tests install."""
    code = (
        "import sys\n"
        "for name in ('pytest', 'hypothesis', 'scipy', 'skimage'):\n"
        "    sys.modules[name] = None  # importing them now fails\n"
        "from jaxresample.cli import demo, resample, info\n"
        "import jaxresample.cli._demo, jaxresample.io\n"
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


def test_gh15_gzip_helper_sanity(tmp_path: Path) -> None:
    """The unreadable-data fixture really is unreadable (the tests above rely on it)."""
    src = _unreadable_data(tmp_path / "in.nii")
    img: Any = nib.load(src)
    assert img.shape == (64, 64, 64)
    with pytest.raises(Exception):  # noqa: B017  # nibabel raises several kinds here
        np.asanyarray(img.dataobj)
    assert os.path.getsize(src) == 400


def test_gh15_the_command_runs_as_its_own_process(tmp_path: Path) -> None:
    """``python -m jaxresample.cli``, as a user types it: exit statuses and streams."""
    src = _save(tmp_path / "in.nii", np.arange(6 * 5 * 4, dtype=np.int16).reshape(6, 5, 4))
    out = tmp_path / "o.nii.gz"
    proc = jr_process("resample", src, out, "--spacing", "2", "--order", "1")
    assert proc.returncode == 0, proc.stderr
    assert _load(out).shape == (3, 3, 2)
    assert jr_process("info", out).stdout == jr("info", out).stdout
    one_line_error(jr_process("resample", src, out, "--spacing", "2"), "resample", "exists")
    usage = jr_process("resample", src)
    assert usage.returncode == 2
    assert usage.stderr.startswith("jaxresample resample: usage error, the following arguments")
