"""``jaxresample ensemble``: a good run, mismatched grids, one class, existing outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nibabel as nib
import numpy as np
import pytest

from jaxresample import cli, sigmoid_ensemble, softmax_ensemble

AFFINE = np.diag([1.5, 1.5, 2.0, 1.0])


def _img(path: Any) -> Any:
    """The image nibabel reads (typed loosely: nibabel's stubs give a FileBasedImage)."""
    return nib.load(path)


def _members(tmp_path: Path, n: int = 3, shape=(6, 5, 4, 3), affine=AFFINE, seed=0) -> list[str]:
    rng = np.random.default_rng(seed)
    paths = []
    for m in range(n):
        path = tmp_path / f"member{m}.nii.gz"
        nib.save(nib.Nifti1Image((2 * rng.standard_normal(shape)).astype(np.float32), affine), path)
        paths.append(str(path))
    return paths


def _stacked(paths: list[str]) -> np.ndarray:
    return np.stack([np.asarray(_img(p).dataobj, np.float32) for p in paths])


def test_softmax_probabilities_labels_and_uncertainty(tmp_path: Path, capsys) -> None:
    paths = _members(tmp_path)
    out = tmp_path / "probs.nii.gz"
    assert (
        cli.main(["ensemble", *paths, "-o", str(out), "--softmax", "--weights", "1", "2", "1"]) == 0
    )
    img = _img(out)
    np.testing.assert_allclose(img.affine, AFFINE)
    want = softmax_ensemble(_stacked(paths), axis=-1, weights=np.array([1.0, 2.0, 1.0]))
    np.testing.assert_allclose(np.asarray(img.dataobj), np.asarray(want), atol=1e-6)
    labels, mi = tmp_path / "labels.nii.gz", tmp_path / "mi.nii.gz"
    argv = [
        "ensemble",
        *paths,
        "-o",
        str(labels),
        "--softmax",
        "--labels",
        "--uncertainty",
        str(mi),
    ]
    assert cli.main(argv) == 0
    plain = np.asarray(softmax_ensemble(_stacked(paths), axis=-1))
    np.testing.assert_array_equal(np.asarray(_img(labels).dataobj), plain.argmax(-1))
    assert _img(labels).get_data_dtype() == np.uint8
    assert _img(mi).shape == (6, 5, 4)
    assert "3 members" in capsys.readouterr().out


def test_sigmoid_regions_and_probability_inputs(tmp_path: Path) -> None:
    paths = _members(tmp_path)
    out = tmp_path / "regions.nii.gz"
    assert cli.main(["ensemble", *paths, "-o", str(out), "--sigmoid", "--labels"]) == 0
    masks = np.asarray(sigmoid_ensemble(_stacked(paths), axis=-1, threshold=0.5))
    painted = np.zeros(masks.shape[:-1], np.uint8)
    for c in range(3):
        painted[masks[..., c]] = c + 1
    np.testing.assert_array_equal(np.asarray(_img(out).dataobj), painted)
    # members given as probabilities: the same ensemble
    probs = []
    for m, p in enumerate(paths):
        q = tmp_path / f"p{m}.nii.gz"
        z = np.asarray(_img(p).dataobj, np.float32)
        e = np.exp(z - z.max(-1, keepdims=True))
        nib.save(nib.Nifti1Image(e / e.sum(-1, keepdims=True), AFFINE), q)
        probs.append(str(q))
    a, b = tmp_path / "a.nii.gz", tmp_path / "b.nii.gz"
    assert cli.main(["ensemble", *paths, "-o", str(a), "--softmax"]) == 0
    assert cli.main(["ensemble", *probs, "-o", str(b), "--softmax", "--input", "probs"]) == 0
    np.testing.assert_allclose(np.asarray(_img(a).dataobj), np.asarray(_img(b).dataobj), atol=1e-6)


@pytest.mark.parametrize(
    ("make", "argv", "message"),
    [
        (lambda t: _members(t) + _members(t / "x", 1, shape=(6, 5, 3, 3)), ["--softmax"],
         "has shape 6 x 5 x 3 x 3 but"),
        (lambda t: _members(t) + _members(t / "x", 1, affine=np.diag([1.5, 1.5, 2.5, 1.0])),
         ["--softmax"], "is on another grid"),
        (lambda t: _members(t, shape=(6, 5, 4, 1)), ["--softmax"], "has 1 class"),
        (lambda t: _members(t), ["--sigmoid", "--uncertainty", "u.nii"],
         "--uncertainty needs --softmax"),
        (lambda t: _members(t), ["--sigmoid", "--threshold", "2"], "threshold is a probability"),
        (lambda t: _members(t), ["--softmax", "--weights", "1", "2"],
         "gives 2 values for 3 members"),
    ],
)  # fmt: skip
def test_refusals(tmp_path: Path, capsys, make, argv, message) -> None:
    (tmp_path / "x").mkdir()
    paths = make(tmp_path)
    out = tmp_path / "out.nii.gz"
    assert cli.main(["ensemble", *paths, "-o", str(out), *argv]) == 1
    err = capsys.readouterr().err
    assert err.startswith("jaxresample ensemble: ") and message in err, err
    assert not out.exists()


def test_existing_output_needs_force(tmp_path: Path, capsys) -> None:
    paths = _members(tmp_path)
    out = tmp_path / "out.nii.gz"
    out.write_bytes(b"keep")
    assert cli.main(["ensemble", *paths, "-o", str(out), "--softmax"]) == 1
    assert "pass --force" in capsys.readouterr().err and out.read_bytes() == b"keep"
    assert cli.main(["ensemble", *paths, "-o", str(out), "--softmax", "--force"]) == 0
    assert _img(out).shape == (6, 5, 4, 3)


def test_softmax_and_sigmoid_cannot_both_be_asked(tmp_path: Path, capsys) -> None:
    paths = _members(tmp_path)
    with pytest.raises(SystemExit) as exc:
        cli.main(["ensemble", *paths, "-o", str(tmp_path / "o.nii"), "--softmax", "--sigmoid"])
    assert exc.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
