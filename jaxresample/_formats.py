"""Image formats through nibabel: what can be read and written where, checked up front.

The format table (suffix to format, the dtypes and dimensions each stores), opening a file
and checking its header without reading its data, the stored values' scaling, the checks
of a destination, and the exact cast into an on-disk dtype. Used by :mod:`jaxresample.io`
and the command line, which checks everything here before it reads a volume.
"""

from __future__ import annotations

import dataclasses
import errno
import os
from pathlib import Path
from typing import Any

import numpy as np

from ._affine import check_affine
from ._casting import cast
from ._limits import check_array

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
#: dtypes an MGH/MGZ file can store.
MGH_DTYPES: tuple[str, ...] = ("float32", "int16", "int32", "uint8")


@dataclasses.dataclass(frozen=True)
class Format:
    """A format :func:`jaxresample.io.save_volume` writes."""

    name: str
    suffixes: tuple[str, ...]  # the files written: the destination's suffix first
    dtypes: tuple[str, ...]
    max_ndim: int


NIFTI = Format("NIfTI-1", (), NIFTI_DTYPES, 5)
#: Writable formats by (lower-case) suffix; a pair's suffixes name both of its files.
WRITABLE: dict[str, Format] = {
    ".nii.gz": dataclasses.replace(NIFTI, suffixes=(".nii.gz",)),
    ".nii": dataclasses.replace(NIFTI, suffixes=(".nii",)),
    ".hdr": Format("NIfTI-1 pair", (".hdr", ".img"), NIFTI_DTYPES, 5),
    ".img": Format("NIfTI-1 pair", (".img", ".hdr"), NIFTI_DTYPES, 5),
    ".mgz": Format("MGH", (".mgz",), MGH_DTYPES, 4),
    ".mgh": Format("MGH", (".mgh",), MGH_DTYPES, 4),
}
#: Formats nibabel reads but cannot write.
READ_ONLY = {".mnc": "MINC", ".par": "PAR/REC", ".rec": "PAR/REC", ".brik": "AFNI BRIK",
              ".brik.gz": "AFNI BRIK", ".head": "AFNI BRIK"}  # fmt: skip
#: Axes a volume may have: (i, j, k, t, c), c for vector fields and channels.
MAX_NDIM = 5
FLOAT32_MAX = float(np.finfo(np.float32).max)


def fspath(path: Any, fn: str) -> Path:
    try:
        return Path(os.fspath(path))
    except TypeError:
        raise TypeError(f"{fn}: path must be a str or os.PathLike; got {path!r}") from None


def output_format(path: Any, *, fn: str) -> tuple[Path, str, Format]:
    """The destination, its suffix and the format :func:`save_volume` writes there.

    Raises:
      ValueError: a suffix of no format nibabel writes (naming those it does), or of one
        nibabel reads but cannot write (MINC, PAR/REC, AFNI).
    """
    p = fspath(path, fn)
    name = p.name.lower()
    for suffix, form in WRITABLE.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            return p, p.name[-len(suffix) :], form
    writable = ", ".join(WRITABLE)
    for suffix, what in READ_ONLY.items():
        if name.endswith(suffix):
            raise ValueError(
                f"{fn}: nibabel reads {what} files but cannot write them; got {str(p)!r}. "
                f"Write one of {writable}"
            )
    raise ValueError(f"{fn}: path must end with one of {writable}; got {str(p)!r}")


def to_dtype(x: np.ndarray, dt: np.dtype) -> np.ndarray:
    """Cast ``x`` to ``dt``; into integers, round half away from zero and saturate.

    The library's rule (:func:`jaxresample._casting.cast`), in NumPy: NaN becomes 0, and
    the rounding is exact for every float (no ``x + 0.5`` round-off at ``2**23``).
    """
    return cast(x, dt, rule="round")


def open_image(path: Any, *, fn: str, check_size: bool = True) -> Any:
    """Open ``path`` with nibabel and check its header, without reading the data.

    Returns:
      The nibabel image (a ``SpatialImage``): shape at most 5-D and non-negative, a size
      that fits in memory (unless not ``check_size``), a finite invertible affine.

    Raises:
      FileNotFoundError, IsADirectoryError: no such file, or a directory.
      ValueError: nibabel cannot read it, or its header is unusable (each named).
    """
    p = fspath(path, fn)
    if not p.exists():
        raise FileNotFoundError(errno.ENOENT, f"{fn}: no such file", str(p))
    if p.is_dir():
        raise IsADirectoryError(errno.EISDIR, f"{fn}: a directory, not an image file", str(p))

    import nibabel as nib
    from nibabel.spatialimages import SpatialImage

    try:
        img = nib.load(p)
    except ImportError as err:  # MINC 2 needs h5py
        raise ValueError(
            f"{fn}: reading {str(p)!r} needs a package not installed ({err})"
        ) from None
    except Exception as err:  # nibabel's many readers raise many kinds of errors
        raise ValueError(
            f"{fn}: {str(p)!r} is not an image file nibabel can read ({err})"
        ) from None
    where = f"(declared by the header of {str(p)!r})"
    if not isinstance(img, SpatialImage) or getattr(img, "affine", None) is None:
        raise ValueError(
            f"{fn}: {str(p)!r} is a {type(img).__name__}, which has no voxel-to-world affine"
        )
    shape = tuple(int(n) for n in img.shape)
    if len(shape) > MAX_NDIM:
        raise ValueError(
            f"{fn}: {str(p)!r} has {len(shape)} dimensions (shape {shape}); at most "
            f"{MAX_NDIM} (i, j, k, t, c) are supported"
        )
    if not shape or min(shape) < 1:
        raise ValueError(
            f"{fn}: the shape must have at least one voxel per axis; got {shape} {where}"
        )
    try:  # a header may declare more voxels than memory can hold (or the file does)
        if check_size:
            check_array(shape, img.get_data_dtype(), fn=fn, what="data")
    except ValueError as err:
        raise ValueError(f"{err} {where}") from None
    try:
        check_affine(np.asarray(img.affine, dtype=np.float64), fn=fn, ndim=3)
    except ValueError as err:
        raise ValueError(f"{err} (read from {str(p)!r})") from None
    return img


def scaling(img: Any) -> tuple[float, float] | None:
    """``(slope, intercept)`` of an image's stored values, or None when they are not scaled.

    nibabel moves a NIfTI's ``scl_slope``/``scl_inter`` from the header to the data proxy
    when it loads a file; an image made in memory keeps them in its header.
    """
    proxy: Any = getattr(img, "dataobj", None)
    if hasattr(proxy, "slope") and hasattr(proxy, "inter"):
        slope, inter = proxy.slope, proxy.inter
    else:
        try:
            slope, inter = img.header.get_slope_inter()
        except (AttributeError, NotImplementedError, TypeError, ValueError):
            return None
    slope = 1.0 if slope is None or not np.isfinite(slope) or slope == 0 else float(slope)
    inter = 0.0 if inter is None or not np.isfinite(inter) else float(inter)
    return None if (slope, inter) == (1.0, 0.0) else (slope, inter)


def check_destination(dests: list[Path], *, overwrite: bool, fn: str) -> None:
    """Refuse what would make writing ``dests`` fail, before any work.

    A missing directory, a directory in the way, an existing file unless ``overwrite``.
    """
    for d in dests:
        if not d.parent.is_dir():
            raise FileNotFoundError(errno.ENOENT, f"{fn}: no such directory", str(d.parent))
        if d.is_dir():
            raise IsADirectoryError(errno.EISDIR, f"{fn}: a directory is in the way", str(d))
        if d.exists() and not overwrite:
            raise FileExistsError(
                errno.EEXIST, f"{fn}: file exists (pass overwrite=True to replace it)", str(d)
            )


def spatial_affine(affine4: np.ndarray, nd: int) -> np.ndarray:
    """The ``(nd + 1)``-square affine of a file's spatial axes (2-D files drop the k axis)."""
    return affine4 if nd == 3 else np.delete(np.delete(affine4, 2, 0), 2, 1)


def file_affine(out_affine: np.ndarray, nd: int, in_affine4: np.ndarray) -> np.ndarray:
    """The 4 x 4 affine to write for an ``(nd + 1)``-square one, the k axis kept from the input."""
    if nd == 3:
        return np.asarray(out_affine, dtype=np.float64)
    full = np.eye(4)  # back to a 4 x 4 affine for the file
    full[np.ix_([0, 1, 3], [0, 1, 3])] = out_affine
    full[2, 2] = in_affine4[2, 2]
    return full
