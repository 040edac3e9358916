"""NIfTI input and output (`jaxresample.io`), with nibabel as the oracle.

Every volume is made in ``tmp_path``; the only real files are the two that ship inside
nibabel's wheel (``anatomical.nii``, ``example4d.nii.gz``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jax.numpy as jnp
import nibabel as nib
import numpy as np
import pytest
from nibabel.testing import data_path

from jaxresample import _formats
from jaxresample.io import Volume, describe, load_volume, save_volume

ANATOMICAL = Path(str(data_path)) / "anatomical.nii"  # 33 x 41 x 25 int16, LAS, codes 2/2
EXAMPLE4D = Path(str(data_path)) / "example4d.nii.gz"  # 128 x 96 x 24 x 2 int16, oblique, 1/1


def _affine(spacing=(0.75, 0.5, 2.0), origin=(-90.0, 12.5, -33.0), flip=(1, 1, 1)):
    """A float32-representable affine (NIfTI stores affines in float32)."""
    a = np.diag([*(s * f for s, f in zip(spacing, flip, strict=True)), 1.0])
    a[:3, 3] = origin
    return a


def _oblique() -> np.ndarray:
    c, s = np.cos(0.3), np.sin(0.3)
    rot = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    a = np.eye(4)
    a[:3, :3] = rot @ np.diag([0.9, 1.1, 2.5])
    a[:3, 3] = [10.0, -20.0, 30.0]
    return a


def _nload(path: Any) -> nib.Nifti1Image:
    img = nib.load(path)
    assert isinstance(img, nib.Nifti1Image)
    return img


def _files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# ---------------------------------------------------------------------------------------
# round trips


@pytest.mark.parametrize("suffix", [".nii", ".nii.gz"])
@pytest.mark.parametrize("shape", [(7, 5), (6, 5, 4), (6, 5, 4, 3)], ids=["2d", "3d", "4d"])
def test_round_trip(tmp_path: Path, rng, suffix: str, shape: tuple[int, ...]) -> None:
    data = rng.normal(size=shape).astype(np.float32)
    affine = _affine(flip=(-1, 1, 1))
    path = save_volume(tmp_path / f"vol{suffix}", data, affine)
    assert path == tmp_path / f"vol{suffix}"
    vol = load_volume(path)
    np.testing.assert_array_equal(vol.data, data)
    assert vol.data.dtype == np.float32
    np.testing.assert_array_equal(vol.affine, affine)
    assert vol.affine.dtype == np.float64 and vol.affine.shape == (4, 4)
    assert vol.path == path
    # nibabel reads the same file the same way; the zooms follow the affine.
    img = _nload(path)
    np.testing.assert_array_equal(img.get_fdata(), data)
    assert img.header.get_data_dtype() == np.float32
    assert img.header.get_zooms()[: min(len(shape), 3)] == vol.spacing
    assert (int(img.header["qform_code"]), int(img.header["sform_code"])) == (2, 2)
    assert img.header.get_xyzt_units() == ("mm", "sec")
    if suffix == ".nii.gz":
        assert path.read_bytes()[:2] == b"\x1f\x8b"  # gzip magic


def test_round_trip_oblique_affine(tmp_path: Path, rng) -> None:
    data = rng.normal(size=(5, 6, 7)).astype(np.float32)
    affine = _oblique()
    vol = load_volume(save_volume(tmp_path / "o.nii.gz", data, affine))
    np.testing.assert_allclose(vol.affine, affine, rtol=0, atol=1e-5)  # float32 srow
    np.testing.assert_allclose(vol.header.get_zooms(), [0.9, 1.1, 2.5], rtol=1e-6)
    # Both forms are written: the qform (rigid) agrees with the sform here.
    np.testing.assert_allclose(vol.header.get_qform(), vol.header.get_sform(), atol=1e-5)


def test_two_d_data_with_a_3x3_affine(tmp_path: Path) -> None:
    a2 = np.array([[0.5, 0.0, -4.0], [0.0, -0.25, 8.0], [0.0, 0.0, 1.0]])
    vol = load_volume(save_volume(tmp_path / "s.nii", np.ones((3, 4)), a2))
    expected = np.array(
        [[0.5, 0, 0, -4.0], [0, -0.25, 0, 8.0], [0, 0, 1.0, 0], [0, 0, 0, 1.0]], dtype=float
    )
    np.testing.assert_array_equal(vol.affine, expected)
    assert vol.spacing == (0.5, 0.25)


def test_jax_array_and_float64_data(tmp_path: Path) -> None:
    data = jnp.arange(24.0).reshape(2, 3, 4)
    vol = load_volume(save_volume(tmp_path / "j.nii", data, np.eye(4)))
    np.testing.assert_array_equal(vol.data, np.arange(24.0).reshape(2, 3, 4))
    f64 = np.linspace(0, 1, 8).reshape(2, 2, 2)
    img = _nload(save_volume(tmp_path / "d.nii", f64, np.eye(4)))
    assert img.header.get_data_dtype() == np.float32  # float results are stored as float32


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int32, np.int64, np.uint16])
def test_integer_data_keeps_its_dtype(tmp_path: Path, dtype: Any) -> None:
    labels = np.array([[[0, 2], [5, 7]]], dtype=dtype)
    path = save_volume(tmp_path / "labels.nii.gz", labels, np.eye(4))
    assert _nload(path).header.get_data_dtype() == dtype
    back = load_volume(path, dtype=None)
    np.testing.assert_array_equal(back.data, labels)
    assert back.data.dtype == dtype
    assert load_volume(path).data.dtype == np.float32  # the default working dtype


def test_bool_data_is_stored_as_uint8(tmp_path: Path) -> None:
    mask = np.array([[[True, False]]])
    back = load_volume(save_volume(tmp_path / "m.nii", mask, np.eye(4)), dtype=None)
    assert back.data.dtype == np.uint8
    np.testing.assert_array_equal(back.data, [[[1, 0]]])


def test_resampled_ct_is_float32_unless_an_integer_dtype_is_asked(tmp_path: Path) -> None:
    # An int16 CT after order >= 1 resampling holds fractional values.
    ct = np.array([[[-1024.0, -1000.5, -2.5, 2.5, 40.5, 40.49, 4e4, -4e4, np.nan]]])
    img = _nload(save_volume(tmp_path / "f.nii.gz", ct, np.eye(4)))
    assert img.header.get_data_dtype() == np.float32
    np.testing.assert_array_equal(np.asanyarray(img.dataobj), ct.astype(np.float32))
    path = save_volume(tmp_path / "i.nii.gz", ct, np.eye(4), dtype=np.int16)
    img = _nload(path)
    assert img.header.get_data_dtype() == np.int16
    assert img.header.get_slope_inter() == (None, None)  # no hidden scaling
    # Rounded half away from zero, saturated, NaN -> 0.
    expected = [[[-1024, -1001, -3, 3, 41, 40, 32767, -32768, 0]]]
    np.testing.assert_array_equal(np.asanyarray(img.dataobj), np.array(expected, np.int16))


def test_integer_cast_is_exact_and_saturates_without_warnings() -> None:
    x = np.array([8388609.0, -8388609.0, 2.0**31, -(2.0**31) - 5, 2147483520.0], np.float32)
    got = _formats.to_dtype(x, np.dtype(np.int32))
    assert got.tolist() == [8388609, -8388609, 2**31 - 1, -(2**31), 2147483520]
    assert _formats.to_dtype(np.array([300, -5], np.int32), np.dtype(np.uint8)).tolist() == [255, 0]
    assert _formats.to_dtype(np.array([1.0 + 2j]), np.dtype(np.float32)).tolist() == [1.0]
    assert _formats.to_dtype(np.array([2.5 + 2j]), np.dtype(np.int8)).tolist() == [3]
    assert _formats.to_dtype(np.array([np.inf, -np.inf]), np.dtype(np.int64)).tolist() == [
        2**63 - 1,
        -(2**63),
    ]


# ---------------------------------------------------------------------------------------
# like=: header fields kept, zooms updated


def test_like_keeps_codes_units_description(tmp_path: Path) -> None:
    ref = load_volume(EXAMPLE4D)  # qform/sform codes 1/1, FSL description, TR 2000
    data = np.zeros((10, 8, 6, 2), np.float32)
    new_affine = ref.affine @ np.diag([2.0, 2.0, 2.0, 1.0])  # a coarser grid
    path = save_volume(tmp_path / "like.nii.gz", data, new_affine, like=ref)
    hdr = _nload(path).header
    assert (int(hdr["qform_code"]), int(hdr["sform_code"])) == (1, 1)
    assert hdr.get_xyzt_units() == ref.header.get_xyzt_units()
    assert hdr["descrip"] == ref.header["descrip"]
    zooms = hdr.get_zooms()
    np.testing.assert_allclose(zooms[:3], np.array(ref.spacing) * 2, rtol=1e-6)  # updated
    assert zooms[3] == ref.header.get_zooms()[3]  # time step kept
    assert hdr.get_data_shape() == data.shape  # never stale
    np.testing.assert_allclose(load_volume(path).affine, new_affine, atol=1e-4)


def test_like_accepts_a_header_and_codes_zero(tmp_path: Path) -> None:
    hdr = nib.Nifti1Header()
    hdr.set_xyzt_units("micron", "msec")
    hdr["descrip"] = b"microscopy"
    hdr.set_slope_inter(2.0, 10.0)  # stale scaling must not leak into the new file
    path = save_volume(tmp_path / "h.nii", np.ones((2, 2, 2)), _affine(), like=hdr)
    out = _nload(path)
    # Both codes were 0: the sform gets 'aligned' (2) so the affine is not lost.
    assert (int(out.header["qform_code"]), int(out.header["sform_code"])) == (0, 2)
    assert out.header.get_xyzt_units() == ("micron", "msec")
    assert out.header["descrip"] == b"microscopy"
    np.testing.assert_array_equal(out.get_fdata(), 1.0)
    np.testing.assert_array_equal(out.affine, _affine())
    vol = Volume(np.ones((2, 2, 2)), np.eye(4), header=None)
    save_volume(tmp_path / "none.nii", vol.data, vol.affine, like=vol)  # header None: defaults


def test_like_with_anatomical_lps(tmp_path: Path) -> None:
    ref = load_volume(ANATOMICAL)
    path = save_volume(tmp_path / "a.nii.gz", ref.data, ref.affine, like=ref)
    back = load_volume(path)
    np.testing.assert_array_equal(back.data, ref.data)
    np.testing.assert_array_equal(back.affine, ref.affine)
    assert describe(back)["orientation"] == "LAS"
    assert (describe(back)["qform_code"], describe(back)["sform_code"]) == (2, 2)


# ---------------------------------------------------------------------------------------
# reading real files: nibabel as the oracle


@pytest.mark.parametrize("path", [ANATOMICAL, EXAMPLE4D], ids=lambda p: p.name)
def test_load_matches_nibabel(path: Path) -> None:
    img = _nload(path)
    vol = load_volume(path)
    np.testing.assert_array_equal(vol.data, img.get_fdata().astype(np.float32))
    np.testing.assert_array_equal(vol.affine, img.affine)
    raw = load_volume(path, dtype=None)
    assert raw.data.dtype == img.get_data_dtype().newbyteorder("=")  # native byte order
    assert raw.data.dtype.isnative
    np.testing.assert_array_equal(raw.data, np.asanyarray(img.dataobj))
    assert isinstance(vol.header, nib.Nifti1Header)
    f64 = load_volume(str(path), dtype=np.float64)
    assert f64.data.dtype == np.float64


def test_geometry_from_affine_not_stale_pixdim(tmp_path: Path) -> None:
    affine = _affine(spacing=(2.0, 3.0, 4.0))
    img = nib.Nifti1Image(np.zeros((2, 2, 2), np.float32), affine)
    img.header.set_sform(affine, code=1)
    img.header.set_zooms((1.0, 1.0, 1.0))  # stale pixdim, as MONAI #7529
    nib.save(img, tmp_path / "stale.nii")
    vol = load_volume(tmp_path / "stale.nii")
    assert vol.spacing == (2.0, 3.0, 4.0)
    np.testing.assert_array_equal(vol.affine, affine)


def test_scaled_integers(tmp_path: Path) -> None:
    img = nib.Nifti1Image(np.array([[[1, 2, 3]]], np.int16), np.eye(4))
    img.header.set_slope_inter(0.5, -1.0)
    nib.save(img, tmp_path / "scaled.nii")
    raw = load_volume(tmp_path / "scaled.nii", dtype=None)
    assert raw.data.dtype.kind == "f"  # scaling makes it floating
    np.testing.assert_allclose(raw.data, [[[-0.5, 0.0, 0.5]]])
    ints = load_volume(tmp_path / "scaled.nii", dtype=np.int16)
    assert ints.data.tolist() == [[[-1, 0, 1]]]  # half away from zero


def test_nifti2(tmp_path: Path) -> None:
    img = nib.Nifti2Image(np.arange(8, dtype=np.float32).reshape(2, 2, 2), _oblique())
    nib.save(img, tmp_path / "two.nii")
    vol = load_volume(tmp_path / "two.nii")
    np.testing.assert_array_equal(vol.data, np.arange(8).reshape(2, 2, 2))
    np.testing.assert_allclose(vol.affine, _oblique(), atol=1e-6)


# ---------------------------------------------------------------------------------------
# overwrite refusal and atomic writes


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    path = save_volume(tmp_path / "v.nii.gz", np.zeros((2, 2, 2)), np.eye(4))
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match="overwrite=True") as info:
        save_volume(path, np.ones((2, 2, 2)), np.eye(4))
    assert info.value.filename == str(path)
    assert path.read_bytes() == before
    save_volume(path, np.ones((2, 2, 2)), np.eye(4), overwrite=True)
    np.testing.assert_array_equal(load_volume(path).data, 1.0)
    assert _files(tmp_path) == ["v.nii.gz"]  # no temporary file left
    with pytest.raises(TypeError, match="overwrite must be a bool"):
        save_volume(path, np.ones((2, 2, 2)), np.eye(4), overwrite="yes")  # type: ignore[arg-type]


def test_failed_write_leaves_nothing_behind(tmp_path: Path, monkeypatch) -> None:
    target = save_volume(tmp_path / "keep.nii", np.zeros((2, 2, 2)), np.eye(4))
    before = target.read_bytes()

    def broken_save(img: Any, filename: Any) -> None:
        Path(filename).write_bytes(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(nib, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_volume(tmp_path / "new.nii.gz", np.ones((2, 2, 2)), np.eye(4))
    with pytest.raises(OSError, match="disk full"):
        save_volume(target, np.ones((2, 2, 2)), np.eye(4), overwrite=True)
    assert _files(tmp_path) == ["keep.nii"]
    assert target.read_bytes() == before


def test_race_on_no_clobber_rename(tmp_path: Path, monkeypatch) -> None:
    # Another writer creates the file between the check and the rename: still refused.
    real_save = nib.save

    def racing_save(img: Any, filename: Any) -> None:
        real_save(img, filename)
        (tmp_path / "r.nii").write_bytes(b"other writer")

    monkeypatch.setattr(nib, "save", racing_save)
    with pytest.raises(FileExistsError):
        save_volume(tmp_path / "r.nii", np.ones((2, 2, 2)), np.eye(4))
    assert (tmp_path / "r.nii").read_bytes() == b"other writer"
    assert _files(tmp_path) == ["r.nii"]


def test_written_file_gets_normal_permissions(tmp_path: Path) -> None:
    path = save_volume(tmp_path / "p.nii", np.ones((2, 2, 2)), np.eye(4))
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    assert path.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777  # umask, not 0600


# ---------------------------------------------------------------------------------------
# errors


def test_load_errors(tmp_path: Path) -> None:
    missing = tmp_path / "missing.nii.gz"
    with pytest.raises(FileNotFoundError, match="load_volume: no such file") as info:
        load_volume(missing)
    assert info.value.filename == str(missing) and str(missing) in str(info.value)
    (tmp_path / "text.nii").write_text("not a nifti file at all" * 20)
    with pytest.raises(ValueError, match="load_volume: .*text.nii.*not an image file nibabel"):
        load_volume(tmp_path / "text.nii")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ValueError, match="not an image file nibabel can read"):
        load_volume(tmp_path / "notes.txt")
    with pytest.raises(IsADirectoryError):
        load_volume(tmp_path)
    with pytest.raises(TypeError, match="load_volume: path must be a str"):
        load_volume(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="load_volume: dtype must be a numeric dtype"):
        load_volume(ANATOMICAL, dtype=np.bool_)


def test_load_refuses_six_dimensions(tmp_path: Path) -> None:
    data = np.zeros((2, 2, 2, 1, 3, 2), np.float32)
    nib.save(nib.Nifti1Image(data, np.eye(4)), tmp_path / "v.nii")
    with pytest.raises(ValueError, match=r"6 dimensions \(shape \(2, 2, 2, 1, 3, 2\)\); at most 5"):
        load_volume(tmp_path / "v.nii")


def test_load_refuses_non_finite_affine(tmp_path: Path) -> None:
    path = save_volume(tmp_path / "nan.nii", np.zeros((2, 2, 2)), np.eye(4))
    raw = bytearray(path.read_bytes())
    raw[280:284] = np.float32(np.nan).tobytes()  # srow_x[0] of the NIfTI-1 header
    path.write_bytes(bytes(raw))
    assert np.isnan(_nload(path).affine[0, 0])
    with pytest.raises(ValueError, match="(?s)load_volume: affine has non-finite entries.*nan.nii"):
        load_volume(path)


def test_load_truncated_file(tmp_path: Path) -> None:
    path = save_volume(tmp_path / "t.nii.gz", np.ones((20, 20, 20)), np.eye(4))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="load_volume: cannot read the data"):
        load_volume(path)


_D2, _D3, _E4 = np.ones((2, 2)), np.ones((2, 2, 2)), np.eye(4)


@pytest.mark.parametrize(
    ("name", "data", "affine", "kwargs", "exc", "match"),
    [
        ("v.txt", _D2, _E4, {}, ValueError, "must end with one of .nii.gz, .nii, .hdr"),
        (".nii", _D2, _E4, {}, ValueError, "must end with one of"),
        ("v.mnc", _D2, _E4, {}, ValueError, "nibabel reads MINC files but cannot write them"),
        ("v.nii", np.ones((1,) * 6), _E4, {}, ValueError, "1 to 5 dimensions"),
        ("v.mgz", np.ones((1,) * 5), _E4, {}, ValueError, "MGH data must have 1 to 4"),
        ("v.nii", np.float32(1.0), _E4, {}, ValueError, "1 to 5 dimensions"),
        ("v.nii", np.zeros((0, 4, 4)), _E4, {}, ValueError, "at least one voxel along every"),
        ("v.nii", _D3, np.diag([1e39, 1, 1, 1]), {}, ValueError, "entries must fit float32"),
        ("v.nii", _D3 * 1j, _E4, dict(dtype=np.float32), ValueError, "drop the imaginary part"),
        ("v.mgz", _D3 * 1j, _E4, {}, ValueError, "the file can store"),
        ("v.mgz", _D3, _E4, dict(dtype=np.float64), ValueError, r"one of \['float32', 'int16'"),
        ("v.nii", _D3, np.eye(3), {}, ValueError, r"affine must be of shape \(4"),
        ("v.nii", _D3, np.zeros((4, 4)), {}, ValueError, "last row of affine"),
        ("v.nii", _D3, np.diag([1, 1, 0, 1.0]), {}, ValueError, "singular"),
        ("v.nii", _D3, np.diag([1, np.nan, 1, 1.0]), {}, ValueError, "non-finite"),
        ("v.nii", _D2, _E4, dict(dtype=np.float16), ValueError, "the file can store"),
        ("v.nii", _D2, _E4, dict(dtype="nope"), TypeError, "must be None or a NumPy"),
        ("v.nii", _D2, _E4, dict(like=_E4), TypeError, "like must be a"),
        ("v.nii", np.array([["a"]]), _E4, {}, TypeError, "data must be numeric"),
        ("missing/v.nii", _D2, _E4, {}, FileNotFoundError, "no such directory"),
    ],
)  # fmt: skip
def test_save_errors(
    tmp_path: Path, name: str, data: Any, affine: Any, kwargs: dict, exc: type, match: str
) -> None:
    with pytest.raises(exc, match=match) as info:
        save_volume(tmp_path / name, data, affine, **kwargs)
    assert "save_volume" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_like_with_a_non_nifti_header(tmp_path: Path) -> None:
    """An MGH volume as ``like`` keeps no NIfTI metadata (it has none): default codes."""
    mgh = nib.MGHImage(np.zeros((2, 2, 2), np.float32), np.eye(4))
    vol = Volume(np.ones((2, 2, 2)), np.eye(4), header=mgh.header)
    for like in (mgh.header, vol):
        out = save_volume(tmp_path / "v.nii", np.ones((2, 2, 2)), np.eye(4), like=like,
                          overwrite=True)  # fmt: skip
        hdr: Any = _nload(out).header
        assert (int(hdr["qform_code"]), int(hdr["sform_code"])) == (2, 2)


# ---------------------------------------------------------------------------------------
# Volume and describe


def test_volume() -> None:
    vol = Volume(np.zeros((4, 5, 6, 2)), np.diag([2, 3, 4, 1]), path="x.nii")  # type: ignore[arg-type]
    assert vol.shape == (4, 5, 6, 2) and vol.spacing == (2.0, 3.0, 4.0)
    assert vol.path == Path("x.nii")
    assert vol.affine.dtype == np.float64 and not vol.affine.flags.writeable
    assert Volume(np.zeros(3), np.eye(4)).spacing == (1.0,)
    with pytest.raises(ValueError, match=r"Volume: affine must be of shape \(4, 4\)"):
        Volume(np.zeros((2, 2)), np.eye(3))
    with pytest.raises(AttributeError):
        vol.data = np.ones(3)  # type: ignore[misc]


def test_describe() -> None:
    info = describe(load_volume(EXAMPLE4D))
    img = _nload(EXAMPLE4D)
    assert info["shape"] == (128, 96, 24, 2)
    assert info["orientation"] == "".join(nib.aff2axcodes(img.affine)) == "LAS"
    np.testing.assert_allclose(info["spacing"], img.header.get_zooms()[:3], rtol=1e-6)
    np.testing.assert_allclose(info["extent"], np.multiply(info["shape"][:3], info["spacing"]))
    np.testing.assert_allclose(info["origin"], img.affine[:3, 3])
    assert info["oblique"] is True and info["dtype"] == "float32"
    assert (info["qform_code"], info["sform_code"]) == (1, 1)
    assert info["path"] == str(EXAMPLE4D)
    plain = describe(Volume(np.zeros((3, 4), np.uint8), _affine(flip=(1, -1, 1))))
    assert plain["orientation"] == "RP" and plain["oblique"] is False
    assert plain["qform_code"] is None and plain["path"] is None
    assert plain["spacing"] == (0.75, 0.5) and plain["extent"] == (2.25, 2.0)
    with pytest.raises(TypeError, match="describe: volume must be a Volume"):
        describe(np.zeros(3))  # type: ignore[arg-type]


def test_io_does_not_import_nibabel_or_jax_at_import() -> None:
    import subprocess
    import sys

    code = "import sys, jaxresample.io; print('nibabel' in sys.modules, 'jax' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )  # fmt: skip
    assert out.stdout.split() == ["False", "False"]


def test_gh14_empty_data_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"^save_volume: data must have at least one voxel"):
        save_volume(tmp_path / "e.nii.gz", np.zeros((0, 4, 4), np.float32), np.eye(4))
    assert not list(tmp_path.iterdir())


def test_gh14_a_header_declaring_too_many_voxels_is_refused(tmp_path: Path) -> None:
    import nibabel as nib

    header = nib.Nifti1Header()
    header.set_data_shape((30000, 30000, 30000))
    header.set_data_dtype(np.float32)
    path = tmp_path / "huge.nii"
    path.write_bytes(header.binaryblock + b"\0" * 4)
    with pytest.raises(ValueError, match=r"^load_volume: the data of shape \(30000, 30000, 3"):
        load_volume(path)


# ---------------------------------------------------------------------------------------
# atomic writes (gh15: partial files)


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_gh15_a_failed_write_names_the_destination_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    dest = tmp_path / "out.nii.gz"
    dest.write_bytes(b"an earlier result")

    def broken_save(img: Any, filename: Any) -> None:
        Path(filename).write_bytes(b"half a gzip")  # the partial file exists when it fails
        raise failure

    monkeypatch.setattr(nib, "save", broken_save)
    expected = type(failure)
    with pytest.raises(expected) as info:
        save_volume(dest, np.ones((2, 2, 2)), np.eye(4), overwrite=True)
    if isinstance(failure, OSError):
        assert isinstance(info.value, OSError)
        assert info.value.filename == str(dest)  # not the temporary
        assert "save_volume: cannot write (No space left on device)" in str(info.value)
    assert _files(tmp_path) == ["out.nii.gz"]
    assert dest.read_bytes() == b"an earlier result"


def test_gh15_stale_temporaries_of_dead_processes_are_removed(tmp_path: Path) -> None:
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(dead.stdout)
    stale = tmp_path / f"out.jaxresample-partial-{pid}-0123abcd.nii.gz"
    stale.write_bytes(b"truncated")
    alive = tmp_path / f"out.jaxresample-partial-{os.getpid()}-89abcdef.nii.gz"
    alive.write_bytes(b"being written by a live process")
    other = tmp_path / f"other.jaxresample-partial-{pid}-0123abcd.nii.gz"
    other.write_bytes(b"another file's: not ours to judge")
    save_volume(tmp_path / "out.nii.gz", np.ones((2, 2, 2)), np.eye(4))
    assert _files(tmp_path) == sorted(["out.nii.gz", alive.name, other.name])


def test_gh15_pairs_and_mgh_round_trip(tmp_path: Path, rng) -> None:
    data = rng.normal(size=(5, 4, 3)).astype(np.float32)
    affine = _affine(flip=(-1, 1, 1))
    pair = save_volume(tmp_path / "v.img", data, affine)
    assert _files(tmp_path) == ["v.hdr", "v.img"]
    back = load_volume(pair)
    np.testing.assert_array_equal(back.data, data)
    np.testing.assert_allclose(back.affine, affine, atol=1e-6)
    mgz = save_volume(tmp_path / "v.mgz", data.astype(np.int16), affine)
    img: Any = nib.load(mgz)
    assert type(img).__name__ == "MGHImage" and img.get_data_dtype() == ">i2"  # MGH: big-endian
    np.testing.assert_allclose(load_volume(mgz).affine, affine, atol=1e-5)
    with pytest.raises(FileExistsError):
        save_volume(tmp_path / "v.hdr", data, affine)  # the pair exists


def test_gh15_complex_and_five_dimensional_data(tmp_path: Path, rng) -> None:
    z = (rng.normal(size=(3, 4, 5)) + 1j * rng.normal(size=(3, 4, 5))).astype(np.complex64)
    path = save_volume(tmp_path / "z.nii", z, np.eye(4))
    with pytest.raises(ValueError, match="holds complex data .* pass dtype=None or a complex"):
        load_volume(path)
    np.testing.assert_array_equal(load_volume(path, dtype=None).data, z)
    np.testing.assert_array_equal(load_volume(path, dtype=np.complex64).data, z)
    field = rng.normal(size=(3, 4, 5, 1, 3)).astype(np.float32)
    like = nib.Nifti1Header()
    like["intent_code"] = 1007  # a vector field
    out = save_volume(tmp_path / "f.nii.gz", field, np.eye(4), like=like)
    back = load_volume(out)
    assert back.shape == (3, 4, 5, 1, 3) and int(back.header["intent_code"]) == 1007
    np.testing.assert_array_equal(back.data, field)


def test_gh15_describe_a_path_reads_the_header_only(tmp_path: Path) -> None:
    img = nib.Nifti1Image(np.arange(8, dtype=np.int16).reshape(2, 2, 2), np.eye(4))
    img.header.set_slope_inter(0.5, 3.0)
    nib.save(img, tmp_path / "s.nii")
    d = describe(tmp_path / "s.nii")
    assert (d["dtype"], d["stored_dtype"], d["scaling"]) == ("int16", "int16", (0.5, 3.0))
    assert d["format"] == "Nifti1Image" and d["shape"] == (2, 2, 2)
    big = describe(ANATOMICAL)
    assert big["stored_dtype"] == "int16"  # stored '>i2': the byte order is not a dtype
