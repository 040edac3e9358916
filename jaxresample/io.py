"""Read and write NIfTI volumes as plain NumPy arrays plus a 4 x 4 affine.

The only bridge between files and the library: a volume in memory is ``data`` in nibabel's
voxel order ``(i, j, k[, t])`` and a float64 affine mapping voxel indices to world
millimetres (RAS+, nibabel's convention). Nothing is reoriented.

* :func:`load_volume` reads NIfTI-1 and NIfTI-2 (``.nii``, ``.nii.gz``) into float32 by
  default. The geometry is nibabel's image affine (the sform when its code is set, else
  the qform), never the ``pixdim`` field alone.
* :func:`save_volume` writes NIfTI-1, sets the on-disk dtype explicitly (float results as
  float32; integers only when asked, rounded half away from zero and saturated), updates
  the zooms from the affine, keeps the qform/sform codes of a ``like`` header, writes
  through a temporary file and a rename, and never overwrites unless asked.

nibabel is imported inside the functions, so ``import jaxresample.io`` stays cheap.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import secrets
from pathlib import Path
from typing import Any

import numpy as np

from ._affine import check_affine, voxel_sizes
from ._limits import check_array

__all__ = ["Volume", "describe", "load_volume", "save_volume"]

#: dtypes a NIfTI-1 file can store (float16 and bool have no NIfTI code).
NIFTI_DTYPES: tuple[str, ...] = (
    "complex128",
    "complex64",
    "float32",
    "float64",
    "int16",
    "int32",
    "int64",
    "int8",
    "uint16",
    "uint32",
    "uint64",
    "uint8",
)
_SUFFIXES = (".nii.gz", ".nii")
_MAX_NDIM = 4


@dataclasses.dataclass(frozen=True, eq=False)
class Volume:
    """A volume read from (or to be written to) a NIfTI file.

    Attributes:
      data: NumPy array in nibabel voxel order ``(i, j, k[, t])``.
      affine: ``(4, 4)`` float64 voxel-to-world (RAS+ mm) affine.
      header: the nibabel header it was read with, or None. Pass the volume as ``like=`` to
        :func:`save_volume` to keep its qform/sform codes, units and description.
      path: the file it was read from, or None.

    Examples:
      >>> from jaxresample.io import Volume
      >>> vol = Volume(np.zeros((4, 5, 6), np.float32), np.diag([2.0, 2.0, 3.0, 1.0]))
      >>> vol.shape, vol.spacing
      ((4, 5, 6), (2.0, 2.0, 3.0))
    """

    data: np.ndarray
    affine: np.ndarray
    header: Any = None
    path: Path | None = None

    def __post_init__(self) -> None:
        affine = check_affine(self.affine, fn="Volume", ndim=3)
        affine.setflags(write=False)
        object.__setattr__(self, "affine", affine)
        if self.path is not None:
            object.__setattr__(self, "path", Path(self.path))

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of :attr:`data`."""
        return tuple(int(n) for n in np.shape(self.data))

    @property
    def spacing(self) -> tuple[float, ...]:
        """Voxel sizes (mm) along the spatial axes of :attr:`data` (at most three)."""
        n = min(len(self.shape), 3)
        return tuple(float(s) for s in voxel_sizes(self.affine)[:n])


def _fspath(path: Any, fn: str) -> Path:
    try:
        return Path(os.fspath(path))
    except TypeError:
        raise TypeError(f"{fn}: path must be a str or os.PathLike; got {path!r}") from None


def _nifti_suffix(p: Path, fn: str) -> str:
    name = p.name.lower()
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return p.name[-len(suffix) :]
    raise ValueError(f"{fn}: path must end with one of {sorted(_SUFFIXES)}; got {str(p)!r}")


def _check_dtype(dtype: Any, fn: str, *, allowed: tuple[str, ...] | None) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{fn}: dtype must be None or a NumPy dtype; got {dtype!r}") from None
    if allowed is not None and dt.name not in allowed:
        raise ValueError(
            f"{fn}: dtype must be one that a NIfTI file can store, one of {sorted(allowed)}; "
            f"got {dt.name}"
        )
    if dt.kind not in "iufc":
        raise TypeError(f"{fn}: dtype must be a numeric dtype; got {dt.name}")
    return dt


def _to_dtype(x: np.ndarray, dt: np.dtype) -> np.ndarray:
    """Cast ``x`` to ``dt``; into integers, round half away from zero and saturate.

    NaN becomes 0 (as :func:`jaxresample._dtypes.cast_result`). The rounding is exact for
    every float (no ``x + 0.5`` round-off at ``2**23`` in float32).
    """
    if dt.kind not in "iu":
        if x.dtype.kind == "c" and dt.kind != "c":
            x = x.real
        return x.astype(dt, copy=False)
    info = np.iinfo(dt)
    if x.dtype.kind in "iub":
        if x.dtype.kind == "b":
            return x.astype(dt)
        src = np.iinfo(x.dtype)
        if src.min >= info.min and src.max <= info.max:
            return x.astype(dt)
        lo, hi = max(info.min, src.min), min(info.max, src.max)
        return np.clip(x, lo, hi).astype(dt)
    if x.dtype.kind == "c":
        x = x.real
    x = np.asarray(x, dtype=np.result_type(x.dtype, np.float32))
    mag = np.abs(x)
    whole = np.floor(mag)
    with np.errstate(invalid="ignore"):  # inf - inf: inf stays inf
        whole += mag - whole >= 0.5
    r = np.copysign(whole, x)
    r[np.isnan(r)] = 0
    big = r >= np.asarray(info.max, dtype=r.dtype)  # may round up to 2**k: >= saturates
    small = r <= np.asarray(info.min, dtype=r.dtype)
    out = np.where(big | small, 0, r).astype(dt)  # only in-range values are cast
    out[big] = info.max
    out[small] = info.min
    return out


def load_volume(path: str | os.PathLike[str], *, dtype: Any = np.float32) -> Volume:
    """Read a NIfTI-1 or NIfTI-2 file (``.nii`` or ``.nii.gz``).

    Convention:
      ``data`` keeps nibabel's voxel order ``(i, j, k[, t])``; ``affine`` is nibabel's
      ``img.affine``: the sform if its code is non-zero, else the qform if its code is
      non-zero, else a scaling built from the zooms. No reorientation.

    Args:
      path: the file.
      dtype: dtype of ``data``; float32 by default (the library's working dtype). ``None``
        keeps the on-disk dtype after scaling: integer data with a ``scl_slope``/
        ``scl_inter`` becomes floating. Integer dtypes are rounded half away from zero and
        saturated.

    Returns:
      A :class:`Volume` (``data``, ``affine`` as float64, ``header``, ``path``).

    Raises:
      FileNotFoundError: ``path`` does not exist.
      ValueError: not a NIfTI-1/2 file, more than 4 dimensions, or a non-finite or
        singular affine.
      TypeError: ``dtype`` is not a numeric dtype.

    Examples:
      >>> import os
      >>> from nibabel.testing import data_path
      >>> from jaxresample.io import load_volume
      >>> vol = load_volume(os.path.join(data_path, "example4d.nii.gz"))
      >>> vol.data.shape, vol.data.dtype, vol.spacing
      ((128, 96, 24, 2), dtype('float32'), (2.0, 2.0, 2.2))
    """
    fn = "load_volume"
    p = _fspath(path, fn)
    dt = None if dtype is None else _check_dtype(dtype, fn, allowed=None)
    if not p.exists():
        raise FileNotFoundError(errno.ENOENT, f"{fn}: no such file", str(p))
    if p.is_dir():
        raise IsADirectoryError(errno.EISDIR, f"{fn}: a directory, not a NIfTI file", str(p))

    import nibabel as nib
    from nibabel.filebasedimages import ImageFileError
    from nibabel.spatialimages import HeaderDataError

    try:
        img = nib.load(p)
    except (ImageFileError, HeaderDataError) as err:
        raise ValueError(f"{fn}: {str(p)!r} is not a readable NIfTI file ({err})") from None
    if not isinstance(img, nib.Nifti1Image):  # Nifti2Image is a subclass
        raise ValueError(
            f"{fn}: {str(p)!r} is not a NIfTI-1/2 file (.nii or .nii.gz); nibabel read it "
            f"as {type(img).__name__}"
        )
    if len(img.shape) > _MAX_NDIM:
        raise ValueError(
            f"{fn}: {str(p)!r} has {len(img.shape)} dimensions (shape {img.shape}); at most "
            f"{_MAX_NDIM} (i, j, k, t) are supported"
        )
    try:  # a header may declare more voxels than memory can hold (or the file does)
        check_array(img.shape, dt or img.get_data_dtype(), fn=fn, what="data")
    except ValueError as err:
        raise ValueError(f"{err} (declared by the header of {str(p)!r})") from None
    affine = np.asarray(img.affine, dtype=np.float64)
    try:
        affine = check_affine(affine, fn=fn, ndim=3)
    except ValueError as err:
        raise ValueError(f"{err} (read from {str(p)!r})") from None
    try:
        raw = np.asanyarray(img.dataobj)
    except (OSError, EOFError, ValueError) as err:  # truncated or corrupt payload
        raise ValueError(f"{fn}: cannot read the data of {str(p)!r} ({err})") from None
    data = np.asarray(raw) if dt is None else _to_dtype(np.asarray(raw), dt)
    return Volume(data=data, affine=affine, header=img.header, path=p)


def _header_of(like: Any, fn: str) -> Any:
    import nibabel as nib

    if like is None:
        return None
    header = like.header if isinstance(like, Volume) else like
    if header is None:
        return None
    if not isinstance(header, nib.Nifti1Header):  # Nifti2Header is a subclass
        raise TypeError(
            f"{fn}: like must be a Volume, a NIfTI header or None; got "
            f"{type(like).__name__}" + (" with a non-NIfTI header" if header is not like else "")
        )
    return header


def _code(header: Any, key: str) -> int:
    return int(np.asarray(header[key]).item())


def save_volume(
    path: str | os.PathLike[str],
    data: Any,
    affine: Any,
    *,
    dtype: Any = None,
    like: Any = None,
    overwrite: bool = False,
) -> Path:
    """Write a volume as NIfTI-1 (``.nii`` or ``.nii.gz``, chosen by the suffix).

    Convention:
      The on-disk dtype is set explicitly: floating (and float16) data is stored as float32
      unless ``dtype`` asks otherwise; integer data keeps its dtype; bool becomes uint8.
      Into an integer ``dtype`` floats are rounded half away from zero and saturated at the
      type's range (NaN becomes 0) — an int16 CT resampled with a spline is stored as
      float32 unless ``dtype=np.int16`` is asked for. No ``scl_slope``/``scl_inter``
      scaling is written.

      The affine is written to both the qform and the sform (NIfTI stores them in float32;
      the qform cannot hold shears and keeps the closest rigid part), with the codes of
      ``like`` (both 2, "aligned", without ``like``, or when ``like`` has both at 0), and the
      zooms (``pixdim``) are recomputed from the affine. From ``like`` only the codes, the
      ``xyzt`` units, the description, the intent and, for 4-D data, the time step and
      offset are kept: dimensions, scaling, slice timing and display range never go stale.

      The file is written under a temporary name in the same directory and renamed into
      place, so a reader never sees half a file and a failure leaves nothing behind.

    Args:
      path: destination ending in ``.nii`` or ``.nii.gz``.
      data: array-like (NumPy or JAX) of 1 to 4 dimensions, voxel order ``(i, j, k[, t])``.
      affine: ``(4, 4)`` voxel-to-world affine; a ``(3, 3)`` affine is accepted for 2-D
        data (the third axis gets unit size at the origin).
      dtype: on-disk dtype, one NIfTI can store; None follows the rule above.
      like: a :class:`Volume` or a nibabel NIfTI header whose metadata to keep.
      overwrite: replace an existing file. False by default.

    Returns:
      The path written.

    Raises:
      FileExistsError: ``path`` exists and ``overwrite`` is False.
      FileNotFoundError: the destination directory does not exist.
      ValueError: a bad suffix, affine or dtype, or data of 0 or more than 4 dimensions.
      TypeError: ``like`` is not a Volume or NIfTI header, or ``dtype`` is not numeric.

    Examples:
      >>> import tempfile, pathlib
      >>> from jaxresample.io import load_volume, save_volume
      >>> with tempfile.TemporaryDirectory() as tmp:
      ...     out = save_volume(pathlib.Path(tmp) / "ct.nii.gz",
      ...                       np.array([[[-1000.4, 40.5]]]), np.diag([1.0, 1.0, 2.0, 1.0]),
      ...                       dtype=np.int16)
      ...     load_volume(out, dtype=None).data
      array([[[-1000,    41]]], dtype=int16)
    """
    fn = "save_volume"
    p = _fspath(path, fn)
    suffix = _nifti_suffix(p, fn)
    x = np.asarray(data)
    if x.ndim < 1 or x.ndim > _MAX_NDIM:
        raise ValueError(
            f"{fn}: data must have 1 to {_MAX_NDIM} dimensions (i, j, k, t); got shape {x.shape}"
        )
    if x.size == 0:  # NIfTI has no empty axes: nibabel would write a shape it cannot read back
        raise ValueError(f"{fn}: data must have at least one voxel along every axis; got {x.shape}")
    a = np.asarray(affine)
    if x.ndim == 2 and a.shape == (3, 3):
        a2 = check_affine(a, fn=fn, ndim=2)
        a = np.eye(4)
        a[:2, :2], a[:2, 3] = a2[:2, :2], a2[:2, 2]
    a = check_affine(a, fn=fn, ndim=3)
    dt: np.dtype[Any]
    if dtype is None:
        if x.dtype.kind == "b":
            dt = np.dtype(np.uint8)
        elif x.dtype.kind in "iu":
            dt = x.dtype
        elif x.dtype.kind == "c":
            dt = np.dtype(np.complex64)
        elif x.dtype.kind == "f":
            dt = np.dtype(np.float32)
        else:
            raise TypeError(f"{fn}: data must be numeric; got dtype {x.dtype}")
    else:
        dt = _check_dtype(dtype, fn, allowed=NIFTI_DTYPES)
    header_like = _header_of(like, fn)
    if not isinstance(overwrite, bool):
        raise TypeError(f"{fn}: overwrite must be a bool; got {overwrite!r}")
    if not p.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"{fn}: no such directory", str(p.parent))
    if p.exists() and not overwrite:
        raise FileExistsError(
            errno.EEXIST, f"{fn}: file exists (pass overwrite=True to replace it)", str(p)
        )

    import nibabel as nib

    out = _to_dtype(x, dt)
    header = nib.Nifti1Header()
    header.set_data_dtype(dt)
    qcode = scode = 2
    if header_like is not None:
        qcode, scode = _code(header_like, "qform_code"), _code(header_like, "sform_code")
        if qcode == 0 and scode == 0:
            scode = 2
        header.set_xyzt_units(*header_like.get_xyzt_units())
        header["descrip"] = header_like["descrip"]
        header["intent_code"] = header_like["intent_code"]
        header["intent_name"] = header_like["intent_name"]
        for key in ("intent_p1", "intent_p2", "intent_p3", "toffset"):
            header[key] = header_like[key]
    else:
        header.set_xyzt_units("mm", "sec")
    img = nib.Nifti1Image(out, a, header=header)
    hdr = img.header
    hdr.set_data_dtype(dt)
    hdr.set_qform(a, code=qcode)
    hdr.set_sform(a, code=scode)
    hdr.set_slope_inter(None, None)
    zooms = [float(z) for z in voxel_sizes(a)[: min(out.ndim, 3)]]
    if out.ndim == 4:
        t_zoom = 1.0
        if header_like is not None and len(header_like.get_zooms()) >= 4:
            t_zoom = float(header_like.get_zooms()[3])
        zooms.append(t_zoom)
    hdr.set_zooms(zooms)

    tmp = p.with_name(f".{p.name[: -len(suffix)]}.{secrets.token_hex(6)}.tmp{suffix}")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # umask applies
    try:
        nib.save(img, tmp)
        if overwrite:
            os.replace(tmp, p)
        else:
            _rename_no_clobber(tmp, p, fn)
    finally:
        if tmp.exists():
            tmp.unlink()
    return p


def _rename_no_clobber(tmp: Path, dest: Path, fn: str) -> None:
    """Move ``tmp`` to ``dest`` atomically, failing if ``dest`` appeared in the meantime."""
    try:
        os.link(tmp, dest)  # atomic and refuses an existing destination
    except FileExistsError:
        raise FileExistsError(
            errno.EEXIST, f"{fn}: file exists (pass overwrite=True to replace it)", str(dest)
        ) from None
    except OSError:  # no hard links on this file system: check, then rename
        if dest.exists():
            raise FileExistsError(
                errno.EEXIST, f"{fn}: file exists (pass overwrite=True to replace it)", str(dest)
            ) from None
        os.replace(tmp, dest)
        return
    tmp.unlink()


def describe(volume: Volume) -> dict[str, Any]:
    """Summarise a volume's geometry, for ``jaxresample info``.

    Args:
      volume: a :class:`Volume`.

    Returns:
      A dict with ``shape`` (tuple), ``spacing`` (mm per spatial axis), ``orientation``
      (nibabel axis codes, e.g. ``"RAS"``, of the spatial axes), ``dtype`` (str),
      ``extent`` (mm per spatial axis: shape times spacing, edge to edge), ``origin``
      (world position of voxel ``(0, 0, 0)``), ``oblique`` (whether the voxel axes are
      rotated against the world axes), ``qform_code``/``sform_code`` (None without a
      header) and ``path`` (str or None).

    Raises:
      TypeError: ``volume`` is not a :class:`Volume`.

    Examples:
      >>> from jaxresample.io import Volume, describe
      >>> info = describe(Volume(np.zeros((4, 5, 6), np.int16), np.diag([-2.0, 2.0, 3.0, 1.0])))
      >>> info["orientation"], info["spacing"], info["extent"]
      ('LAS', (2.0, 2.0, 3.0), (8.0, 10.0, 18.0))
    """
    if not isinstance(volume, Volume):
        raise TypeError(f"describe: volume must be a Volume; got {type(volume).__name__}")
    import nibabel as nib
    from nibabel.orientations import aff2axcodes

    shape = volume.shape
    n = min(len(shape), 3)
    spacing = volume.spacing
    codes = "".join(str(c) for c in aff2axcodes(volume.affine))[:n]
    lin = volume.affine[:3, :3] / voxel_sizes(volume.affine)
    oblique = bool(np.any((np.abs(lin) > 1e-6) & (np.abs(lin) < 1 - 1e-6)))
    header = volume.header
    has_codes = isinstance(header, nib.Nifti1Header)
    return {
        "shape": shape,
        "spacing": spacing,
        "orientation": codes,
        "dtype": str(np.asarray(volume.data).dtype),
        "extent": tuple(float(k * s) for k, s in zip(shape[:n], spacing, strict=True)),
        "origin": tuple(float(v) for v in volume.affine[:3, 3]),
        "oblique": oblique,
        "qform_code": _code(header, "qform_code") if has_codes else None,
        "sform_code": _code(header, "sform_code") if has_codes else None,
        "path": None if volume.path is None else str(volume.path),
    }
