"""Read and write volumes as plain NumPy arrays plus a 4 x 4 affine.

The only bridge between files and the library: a volume in memory is ``data`` in nibabel's
voxel order ``(i, j, k[, t[, c]])`` and a float64 affine mapping voxel indices to world
millimetres (RAS+, nibabel's convention). Nothing is reoriented.

* :func:`load_volume` reads every image format nibabel reads (NIfTI-1/2, NIfTI pairs,
  Analyze, MGH/MGZ, MINC 1 and 2, PAR/REC, AFNI BRIK) into float32 by default. The geometry
  is nibabel's image affine (for NIfTI the sform when its code is set, else the qform),
  never the ``pixdim`` field alone.
* :func:`save_volume` writes NIfTI-1 (``.nii``, ``.nii.gz``), a NIfTI-1 pair (``.hdr`` +
  ``.img``) or MGH (``.mgh``, ``.mgz``), chosen by the suffix; sets the on-disk dtype
  explicitly, updates the zooms from the affine, keeps the qform/sform codes of a ``like``
  header, writes through a temporary file and a rename, and never overwrites unless asked.
* :func:`describe` summarises a volume, or a file from its header alone.

nibabel is imported inside the functions, so ``import jaxresample.io`` stays cheap.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import numpy as np

from ._affine import check_affine, is_oblique, voxel_sizes
from ._casting import numeric_dtype
from ._files import remove_stale, write_atomically
from ._formats import (
    FLOAT32_MAX,
    Format,
    check_destination,
    fspath,
    open_image,
    output_format,
    scaling,
    to_dtype,
)
from ._limits import check_array

__all__ = ["Volume", "describe", "load_volume", "save_volume"]


@dataclasses.dataclass(frozen=True, eq=False)
class Volume:
    """A volume read from (or to be written to) an image file.

    Attributes:
      data: NumPy array in nibabel voxel order ``(i, j, k[, t[, c]])``.
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


def load_volume(path: str | os.PathLike[str], *, dtype: Any = np.float32) -> Volume:
    """Read an image file nibabel reads (NIfTI, NIfTI pair, Analyze, MGH/MGZ, MINC, ...).

    Convention:
      ``data`` keeps nibabel's voxel order ``(i, j, k[, t[, c]])``; ``affine`` is nibabel's
      ``img.affine`` (for NIfTI the sform if its code is non-zero, else the qform if its
      code is non-zero, else a scaling built from the zooms). No reorientation.

    Args:
      path: the file.
      dtype: dtype of ``data``; float32 by default (the library's working dtype). ``None``
        keeps the on-disk dtype (in native byte order) after scaling: integer data with a
        ``scl_slope``/``scl_inter`` becomes floating. Integer dtypes are rounded half away
        from zero and saturated. Complex data needs a complex dtype or None.

    Returns:
      A :class:`Volume` (``data``, ``affine`` as float64, ``header``, ``path``).

    Raises:
      FileNotFoundError: ``path`` does not exist.
      ValueError: not a file nibabel reads, more than 5 dimensions, a header declaring
        more data than memory holds, a non-finite or singular affine, or complex data and
        a real ``dtype`` (the imaginary part would be lost).
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
    dt = None if dtype is None else numeric_dtype(dtype, fn=fn)
    img = open_image(path, fn=fn)
    p = fspath(path, fn)
    stored = np.dtype(img.get_data_dtype())
    if stored.kind == "c" and dt is not None and dt.kind != "c":
        raise ValueError(
            f"{fn}: {str(p)!r} holds complex data ({stored.name}); pass dtype=None or a "
            f"complex dtype to keep its imaginary part (got dtype={dt.name})"
        )
    if dt is not None:  # the converted copy is what has to fit
        check_array(img.shape, dt, fn=fn, what="data")
    try:
        raw = np.asanyarray(img.dataobj)
    except MemoryError:
        raise ValueError(f"{fn}: not enough memory to read the data of {str(p)!r}") from None
    except Exception as err:  # truncated or corrupt payload (OSError, EOFError, zlib, ...)
        raise ValueError(f"{fn}: cannot read the data of {str(p)!r} ({err})") from None
    data = np.asarray(raw)
    if dt is None:  # native byte order (JAX refuses big-endian arrays)
        data = data.astype(data.dtype.newbyteorder("="), copy=False)
    else:
        data = to_dtype(data, dt)
    affine = np.asarray(img.affine, dtype=np.float64)
    return Volume(data=data, affine=affine, header=img.header, path=p)


def _nifti_header_of(like: Any, fn: str) -> Any:
    """The NIfTI header whose metadata to keep (None when ``like`` has none)."""
    import nibabel as nib

    if like is None:
        return None
    header = like.header if isinstance(like, Volume) else like
    if header is None:
        return None
    if not hasattr(header, "get_data_dtype"):  # what every nibabel header has
        raise TypeError(
            f"{fn}: like must be a Volume, a nibabel header or None; got {type(like).__name__}"
        )
    return header if isinstance(header, nib.Nifti1Header) else None  # Nifti2Header too


def _code(header: Any, key: str) -> int:
    return int(np.asarray(header[key]).item())


def _default_dtype(x: np.ndarray, form: Format, fn: str) -> np.dtype:
    if x.dtype.kind == "b":
        return np.dtype(np.uint8)
    if x.dtype.kind in "iu":
        if x.dtype.name in form.dtypes:
            return x.dtype
        fits = [d for d in form.dtypes if np.dtype(d).kind in "iu" and np.can_cast(x.dtype, d)]
        return np.dtype(fits[0]) if fits else np.dtype(np.float32)
    if x.dtype.kind == "c":
        if "complex64" not in form.dtypes:
            raise ValueError(
                f"{fn}: {form.name} files cannot store complex data (the file can store "
                f"{', '.join(form.dtypes)}); write NIfTI (.nii, .nii.gz)"
            )
        return np.dtype(np.complex64)
    if x.dtype.kind == "f":
        return np.dtype(np.float32)
    raise TypeError(f"{fn}: data must be numeric; got dtype {x.dtype}")


def save_volume(
    path: str | os.PathLike[str],
    data: Any,
    affine: Any,
    *,
    dtype: Any = None,
    like: Any = None,
    overwrite: bool = False,
) -> Path:
    """Write a volume as NIfTI-1, a NIfTI-1 pair or MGH, chosen by the suffix.

    Convention:
      ``.nii`` and ``.nii.gz`` write NIfTI-1, ``.hdr`` or ``.img`` a NIfTI-1 pair (both
      files), ``.mgh`` and ``.mgz`` MGH. The on-disk dtype is set explicitly: floating (and
      float16) data is stored as float32 unless ``dtype`` asks otherwise; integer data keeps
      its dtype (MGH: the smallest of its integer types that holds it); bool becomes uint8;
      complex data complex64 (NIfTI only). Into an integer ``dtype`` floats are rounded
      half away from zero and saturated at the type's range (NaN becomes 0). No
      ``scl_slope``/``scl_inter`` scaling is written.

      NIfTI: the affine is written to both the qform and the sform (NIfTI stores them in
      float32; the qform cannot hold shears and keeps the closest rigid part), with the
      codes of ``like`` (both 2, "aligned", without ``like``, or when ``like`` has both at
      0), and the zooms (``pixdim``) are recomputed from the affine. From ``like`` only the
      codes, the ``xyzt`` units, the description, the intent (vector and displacement
      fields keep theirs) and the time step and offset are kept: dimensions, scaling, slice
      timing and display range never go stale.

      The file is written under a temporary name beside it
      (``NAME.jaxresample-partial-<pid>-<hex>.nii.gz``) and renamed into place, so a reader
      never sees half a file, a failure or an interrupt leaves nothing behind and an
      existing file is untouched until the rename. Temporaries of earlier writes of the same
      file whose process was killed are removed first.

    Args:
      path: destination ending in ``.nii``, ``.nii.gz``, ``.hdr``, ``.img``, ``.mgh`` or
        ``.mgz``.
      data: array-like (NumPy or JAX) of 1 to 5 dimensions (MGH: 4), voxel order
        ``(i, j, k[, t[, c]])``.
      affine: ``(4, 4)`` voxel-to-world affine; a ``(3, 3)`` affine is accepted for 2-D
        data (the third axis gets unit size at the origin). Its entries must fit float32.
      dtype: on-disk dtype, one the format can store; None follows the rule above.
      like: a :class:`Volume` or a nibabel header whose metadata to keep (NIfTI headers).
      overwrite: replace an existing file. False by default.

    Returns:
      The path written.

    Raises:
      FileExistsError: ``path`` exists and ``overwrite`` is False.
      FileNotFoundError: the destination directory does not exist.
      IsADirectoryError: ``path`` is a directory.
      ValueError: a bad suffix, affine (also one float32 cannot store) or dtype, a real
        ``dtype`` for complex data, or data of 0 or too many dimensions or with an empty axis.
      TypeError: ``like`` is not a Volume or header, or ``dtype`` is not numeric.

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
    p, suffix, form = output_format(path, fn=fn)
    x = np.asarray(data)
    if x.ndim < 1 or x.ndim > form.max_ndim:
        raise ValueError(
            f"{fn}: {form.name} data must have 1 to {form.max_ndim} dimensions "
            f"(i, j, k, t, c); got shape {x.shape}"
        )
    if x.size == 0:  # NIfTI has no empty axes: nibabel would write a shape it cannot read back
        raise ValueError(f"{fn}: data must have at least one voxel along every axis; got {x.shape}")
    a = np.asarray(affine)
    if x.ndim == 2 and a.shape == (3, 3):
        a2 = check_affine(a, fn=fn, ndim=2)
        a = np.eye(4)
        a[:2, :2], a[:2, 3] = a2[:2, :2], a2[:2, 2]
    a = check_affine(a, fn=fn, ndim=3)
    if np.abs(a).max() > FLOAT32_MAX:  # the header stores float32: it would read back inf
        raise ValueError(
            f"{fn}: the affine's entries must fit float32 (|a| <= {FLOAT32_MAX:.4g}), which "
            f"the file stores; got a largest entry of {np.abs(a).max():.4g}"
        )
    dt = (
        _default_dtype(x, form, fn)
        if dtype is None
        else numeric_dtype(dtype, fn=fn, allowed=form.dtypes)
    )
    if x.dtype.kind == "c" and dt.kind != "c":
        raise ValueError(
            f"{fn}: {dt.name} would drop the imaginary part of complex data; "
            + (
                "pass a complex dtype or None"
                if "complex64" in form.dtypes
                else f"{form.name} files cannot store complex data"
            )
        )
    header_like = _nifti_header_of(like, fn)
    if not isinstance(overwrite, bool):
        raise TypeError(f"{fn}: overwrite must be a bool; got {overwrite!r}")
    dests = [p.with_name(p.name[: -len(suffix)] + s) for s in form.suffixes]
    check_destination(dests, overwrite=overwrite, fn=fn)

    import nibabel as nib

    out = to_dtype(x, dt)
    if form.name == "MGH":
        img: Any = nib.MGHImage(out, a)
    else:
        img = _nifti_image(out, a, dt, header_like, pair=form.name.endswith("pair"))
    remove_stale(p, form.suffixes)
    write_atomically(
        [(d, s) for d, s in zip(dests, form.suffixes, strict=True)],
        lambda tmp: nib.save(img, tmp),
        overwrite=overwrite,
        fn=fn,
    )
    return p


def _nifti_image(out: np.ndarray, a: np.ndarray, dt: np.dtype, like: Any, *, pair: bool) -> Any:
    import nibabel as nib

    header = nib.Nifti1Header()
    header.set_data_dtype(dt)
    qcode = scode = 2
    if like is not None:
        qcode, scode = _code(like, "qform_code"), _code(like, "sform_code")
        if qcode == 0 and scode == 0:
            scode = 2
        header.set_xyzt_units(*like.get_xyzt_units())
        header["descrip"] = like["descrip"]
        header["intent_code"] = like["intent_code"]
        header["intent_name"] = like["intent_name"]
        for key in ("intent_p1", "intent_p2", "intent_p3", "toffset"):
            header[key] = like[key]
    else:
        header.set_xyzt_units("mm", "sec")
    cls = nib.Nifti1Pair if pair else nib.Nifti1Image
    img = cls(out, a, header=header)
    hdr = img.header
    hdr.set_data_dtype(dt)
    hdr.set_qform(a, code=qcode)
    hdr.set_sform(a, code=scode)
    hdr.set_slope_inter(None, None)
    zooms = [float(z) for z in voxel_sizes(a)[: min(out.ndim, 3)]]
    like_zooms = [] if like is None else [float(z) for z in like.get_zooms()]
    for axis in range(3, out.ndim):  # time step and vector axes: the like's, else 1
        zooms.append(like_zooms[axis] if axis < len(like_zooms) else 1.0)
    hdr.set_zooms(zooms)
    return img


def describe(volume: Volume | str | os.PathLike[str]) -> dict[str, Any]:
    """Summarise a volume's geometry and storage, for ``jaxresample info``.

    Args:
      volume: a :class:`Volume`, or the path of a file, which is then described from its
        header alone (its data is never read).

    Returns:
      A dict with ``shape`` (tuple), ``spacing`` (mm per spatial axis), ``orientation``
      (nibabel axis codes, e.g. ``"RAS"``, of the spatial axes), ``dtype`` (str: of the data
      in memory for a Volume, the stored one for a path), ``stored_dtype`` (the file's
      on-disk dtype, or None without a header), ``scaling`` (``(slope, intercept)`` applied
      to stored values, or None; known for a path only, loaded data is already scaled),
      ``format`` (nibabel's image class, or None),
      ``extent`` (mm per spatial axis: shape times spacing, edge to edge), ``origin``
      (world position of voxel ``(0, 0, 0)``), ``oblique`` (whether the voxel axes are
      rotated against the world axes), ``qform_code``/``sform_code`` (None without a
      NIfTI header) and ``path`` (str or None).

    Raises:
      TypeError: ``volume`` is neither a :class:`Volume` nor a path.
      FileNotFoundError, ValueError: as :func:`load_volume`, for a path.

    Examples:
      >>> from jaxresample.io import Volume, describe
      >>> info = describe(Volume(np.zeros((4, 5, 6), np.int16), np.diag([-2.0, 2.0, 3.0, 1.0])))
      >>> info["orientation"], info["spacing"], info["extent"]
      ('LAS', (2.0, 2.0, 3.0), (8.0, 10.0, 18.0))
    """
    import nibabel as nib
    from nibabel.orientations import aff2axcodes

    stored: str | None = None
    scale: tuple[float, float] | None = None
    form: str | None = None
    if isinstance(volume, Volume):
        shape, affine, header, path = volume.shape, volume.affine, volume.header, volume.path
        dtype = str(np.asarray(volume.data).dtype)
        if header is not None and hasattr(header, "get_data_dtype"):
            stored = np.dtype(header.get_data_dtype()).newbyteorder("=").name
    elif isinstance(volume, (str, os.PathLike)):
        img = open_image(volume, fn="describe", check_size=False)
        shape = tuple(int(n) for n in img.shape)
        affine = np.asarray(img.affine, dtype=np.float64)
        header, path = img.header, Path(os.fspath(volume))
        stored = np.dtype(img.get_data_dtype()).newbyteorder("=").name
        scale = scaling(img)
        dtype, form = stored, type(img).__name__
    else:
        raise TypeError(f"describe: volume must be a Volume or a path; got {type(volume).__name__}")
    n = min(len(shape), 3)
    spacing = tuple(float(s) for s in voxel_sizes(affine)[:n])
    codes = "".join(str(c) for c in aff2axcodes(affine))[:n]
    oblique = is_oblique(affine)
    has_codes = isinstance(header, nib.Nifti1Header)
    return {
        "shape": shape,
        "spacing": spacing,
        "orientation": codes,
        "dtype": dtype,
        "stored_dtype": stored,
        "scaling": scale,
        "format": form,
        "extent": tuple(float(k * s) for k, s in zip(shape[:n], spacing, strict=True)),
        "origin": tuple(float(v) for v in affine[:3, 3]),
        "oblique": oblique,
        "qform_code": _code(header, "qform_code") if has_codes else None,
        "sform_code": _code(header, "sform_code") if has_codes else None,
        "path": None if path is None else str(path),
    }
