"""``jaxresample batch`` in this process: names, resume, failures, the summary, usage errors.

The runs over several devices and processes, the kill and the compilation cache are in
``tests/test_batch_devices.py`` (subprocesses).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from jaxresample import cli, resample_to_spacing
from jaxresample.io import load_volume, save_volume

AFFINE = np.diag([0.8, 0.8, 1.5, 1.0])


def _inputs(folder: Path, n: int = 3) -> list[np.ndarray]:
    folder.mkdir()
    rng = np.random.default_rng(0)
    vols = [rng.normal(size=(10, 9, 6)).astype(np.float32) for _ in range(n)]
    for i, v in enumerate(vols):
        save_volume(folder / f"v{i}.nii.gz", v, AFFINE)
    return vols


def test_outputs_keep_the_names_and_a_second_run_skips_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vols = _inputs(tmp_path / "in")
    out = tmp_path / "out" / "nested"  # created
    assert cli.main(["batch", str(tmp_path / "in" / "v*.nii.gz"), "-o", str(out),
                     "--spacing", "1", "--order", "1", "--dtype", "int16"]) == 0  # fmt: skip
    captured = capsys.readouterr()
    assert captured.err == ""  # no progress bar when stderr is not a terminal
    assert captured.out.startswith("3 inputs: 3 done, 0 skipped, 0 failed")
    assert sorted(p.name for p in out.iterdir()) == [
        "batch-summary.json", "v0.nii.gz", "v1.nii.gz", "v2.nii.gz",
    ]  # fmt: skip
    for i, v in enumerate(vols):
        want, affine = resample_to_spacing(v, AFFINE, 1.0, order=1, dtype=np.int16)
        got = load_volume(out / f"v{i}.nii.gz", dtype=None)
        assert got.data.dtype == np.int16
        np.testing.assert_array_equal(got.data, np.asarray(want))
        np.testing.assert_allclose(got.affine, affine, atol=1e-6)
    summary = json.loads((out / "batch-summary.json").read_text())
    assert summary["counts"] == {"done": 3, "skipped": 0, "failed": 0}
    record = summary["volumes"][0]
    assert record["in_shape"] == [10, 9, 6] and record["out_shape"] == [8, 7, 9]
    assert np.allclose(record["affine"], np.asarray(resample_to_spacing(vols[0], AFFINE, 1.0)[1]))
    assert record["status"] == "done" and record["read_s"] > 0 and record["write_s"] > 0
    stamp = (out / "v1.nii.gz").stat().st_mtime_ns
    assert cli.main(["batch", str(tmp_path / "in"), "-o", str(out), "--spacing", "1"]) == 0
    assert "0 done, 3 skipped" in capsys.readouterr().out
    assert (out / "v1.nii.gz").stat().st_mtime_ns == stamp
    assert cli.main(["batch", str(tmp_path / "in"), "-o", str(out), "--spacing", "1",
                     "--force", "--summary", str(tmp_path / "s.json")]) == 0  # fmt: skip
    assert "3 done, 0 skipped" in capsys.readouterr().out
    assert json.loads((tmp_path / "s.json").read_text())["counts"]["done"] == 3


def test_a_failing_input_is_reported_and_the_others_are_done(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _inputs(tmp_path / "in")
    (tmp_path / "in" / "broken.nii.gz").write_bytes(b"\x1f\x8b truncated")
    out = tmp_path / "out"
    assert cli.main(["batch", str(tmp_path / "in"), "-o", str(out), "--spacing", "1"]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"jaxresample batch: {tmp_path / 'in' / 'broken.nii.gz'} failed, ")
    assert lines[1] == ("jaxresample batch: 1 of 4 inputs failed (see above and the summary)")
    assert "3 done, 0 skipped, 1 failed" in captured.out
    assert sorted(p.name for p in out.glob("*.nii.gz")) == ["v0.nii.gz", "v1.nii.gz", "v2.nii.gz"]
    summary = json.loads((out / "batch-summary.json").read_text())
    failed = [r for r in summary["volumes"] if r["status"] == "failed"]
    assert [Path(r["input"]).name for r in failed] == ["broken.nii.gz"] and failed[0]["reason"]


def test_a_missing_input_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["batch", str(tmp_path / "nope.nii.gz"), "-o", str(tmp_path / "o"), "--spacing", "1"]
    assert cli.main(args) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("jaxresample batch: cannot resample the inputs, ") and "nope" in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "argv, message",
    [
        (["batch", "x", "--spacing", "1"], "the following arguments are required: -o"),
        (["batch", "x", "-o", "o"], "the following arguments are required: --spacing"),
        (["batch", "x", "-o", "o", "--spacing", "1", "--order", "6"], "invalid choice: 6"),
        (["batch", "x", "-o", "o", "--spacing", "1", "--devices", "0"], "positive integer"),
        (["batch", "x", "-o", "o", "--spacing", "1", "--readers", "x"], "not an integer"),
        (["batch", "x", "-o", "o", "--spacing", "1", "--label-method", "mode"], "invalid choice"),
    ],
)  # fmt: skip
def test_usage_errors(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
