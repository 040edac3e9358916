"""Homogeneous-matrix helpers for voxel-to-world geometry (host-side NumPy, float64).

An *affine* maps voxel indices to world coordinates in millimetres: for an image with ``n``
spatial axes it is an ``(n + 1, n + 1)`` matrix whose last row is ``[0, ..., 0, 1]`` (a
``3 x 3`` matrix for 2-D images, ``4 x 4`` for 3-D volumes, nibabel's convention). Voxel
``(i, j, k)`` has its *centre* at ``affine @ [i, j, k, 1]``.

Everything here runs on the host in float64, before any tracing: geometry decides output
shapes, which must be static. Nothing imports JAX.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "check_affine",
    "compose",
    "grid_map",
    "invert",
    "is_axis_aligned",
    "voxel_sizes",
    "voxel_to_voxel",
]


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    if isinstance(value, np.ndarray) and value.size > 4:
        # One line (command-line errors are one line): rows separated by "; ".
        rows = "; ".join(" ".join(f"{v:.6g}" for v in row) for row in np.atleast_2d(value))
        return f"[{rows}]"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_affine(
    affine: Any, *, fn: str, ndim: int | None = None, name: str = "affine"
) -> np.ndarray:
    """Validate a homogeneous voxel-to-world matrix and return it as a float64 copy.

    Args:
      affine: array-like of shape ``(ndim + 1, ndim + 1)``.
      fn: name of the public function, for the message.
      ndim: the number of spatial axes expected; ``None`` accepts any square matrix of
        size 2 or more.
      name: name of the parameter, for the message.

    Returns:
      A new, writeable ``float64`` array (the last row is set to exactly ``[0, ..., 0, 1]``).

    Raises:
      TypeError: ``affine`` is not numeric, or is a traced JAX value (geometry is planned
        on the host, outside ``jit``).
      ValueError: wrong shape, non-finite entries, a last row other than ``[0, ..., 0, 1]``,
        or a singular (rank-deficient) linear part.
    """
    try:
        a = np.array(affine, dtype=np.float64)
    except TypeError as err:
        if type(err).__name__ == "TracerArrayConversionError":
            raise TypeError(
                f"{fn}: {name} must be a concrete array, not a traced value: voxel geometry "
                "is planned on the host (it decides output shapes), outside jit"
            ) from None
        raise TypeError(f"{fn}: {name} must be a numeric array; got {_short(affine)}") from None
    except ValueError:
        raise TypeError(f"{fn}: {name} must be a numeric array; got {_short(affine)}") from None
    if ndim is None:
        ok = a.ndim == 2 and a.shape[0] == a.shape[1] and a.shape[0] >= 2
        want = "a square (n + 1, n + 1) matrix"
    else:
        ok = a.shape == (ndim + 1, ndim + 1)
        want = f"of shape {(ndim + 1, ndim + 1)} for {ndim} spatial axes"
    if not ok:
        raise ValueError(f"{fn}: {name} must be {want}; got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{fn}: {name} has non-finite entries: {_short(a)}")
    n = a.shape[0] - 1
    last = np.zeros(n + 1)
    last[n] = 1.0
    if not np.allclose(a[n], last, rtol=0.0, atol=1e-12):
        raise ValueError(
            f"{fn}: the last row of {name} must be {last.tolist()} (a homogeneous affine); "
            f"got {a[n].tolist()}"
        )
    a[n] = last
    rank = _scaled_rank(a[:n, :n])
    if rank < n:
        raise ValueError(
            f"{fn}: {name} is singular (its {n}x{n} linear part has rank {rank}): {_short(a)}"
        )
    return a


def _scaled_rank(lin: np.ndarray) -> int:
    """Rank of a linear part, independent of the voxel sizes (the column norms).

    ``matrix_rank`` compares singular values with the largest one, so ``diag(1e30, 1, 1)``
    (full rank) would count as rank 1. The direction cosines (columns scaled to unit norm)
    decide instead; a zero column is rank-deficient at any scale.
    """
    norms = np.sqrt(np.sum(lin * lin, axis=0))
    if not np.all(np.isfinite(norms)):  # entries near the float64 limit: scale them first
        lin = lin / np.max(np.abs(lin))
        norms = np.sqrt(np.sum(lin * lin, axis=0))
    keep = norms > 0
    if not np.all(keep):
        return int(np.linalg.matrix_rank(lin[:, keep] / norms[keep])) if keep.any() else 0
    return int(np.linalg.matrix_rank(lin / norms))


def voxel_sizes(affine: Any) -> np.ndarray:
    """Voxel sizes along each voxel axis: the column norms of the linear part.

    The same as :func:`nibabel.affines.voxel_sizes`. For an oblique affine these are the
    distances, in world units, between neighbouring voxel centres along each voxel axis.

    Args:
      affine: ``(n + 1, n + 1)`` homogeneous matrix.

    Returns:
      float64 array of ``n`` sizes.
    """
    a = np.asarray(affine, dtype=np.float64)
    n = a.shape[0] - 1
    return np.sqrt(np.sum(a[:n, :n] ** 2, axis=0))


def compose(*matrices: Any) -> np.ndarray:
    """Product of homogeneous matrices, applied right to left: ``compose(a, b) = a @ b``.

    ``compose(world_from_out, out_from_in)`` maps input voxels to world, as in function
    composition.

    Args:
      *matrices: one or more square matrices of the same size.

    Returns:
      float64 array.

    Raises:
      ValueError: no matrices, or matrices of different shapes.
    """
    if not matrices:
        raise ValueError("compose: at least one matrix is required")
    mats = [np.asarray(m, dtype=np.float64) for m in matrices]
    shapes = {m.shape for m in mats}
    if len(shapes) != 1 or mats[0].ndim != 2 or mats[0].shape[0] != mats[0].shape[1]:
        raise ValueError(f"compose: matrices must be square and of one shape; got {shapes}")
    out = mats[0]
    for m in mats[1:]:
        out = out @ m
    return out


def invert(affine: Any, *, fn: str = "invert", name: str = "affine") -> np.ndarray:
    """Inverse of a homogeneous affine, with a clear error when it is singular.

    Args:
      affine: ``(n + 1, n + 1)`` homogeneous matrix.
      fn: name of the public function, for the message.
      name: name of the parameter, for the message.

    Returns:
      float64 array; its last row is exactly ``[0, ..., 0, 1]``.

    Raises:
      ValueError: as :func:`check_affine` (singular, non-finite, not homogeneous).
    """
    a = check_affine(affine, fn=fn, name=name)
    n = a.shape[0] - 1
    out = np.zeros_like(a)
    if is_axis_aligned(a, atol=0.0):
        # Exact reciprocal for diagonal maps: no LU round-off in the common case.
        d = np.diag(a)[:n]
        out[:n, :n] = np.diag(1.0 / d)
        out[:n, n] = -a[:n, n] / d
    else:
        lin = np.linalg.inv(a[:n, :n])
        out[:n, :n] = lin
        out[:n, n] = -lin @ a[:n, n]
    out[n, n] = 1.0
    return out


def voxel_to_voxel(out_affine: Any, in_affine: Any) -> np.ndarray:
    """The map from output voxel indices to input voxel indices: ``inv(in_affine) @ out_affine``.

    Both affines map their own voxel indices to the same world space; the result is the
    ``matrix``/``offset`` pair that :func:`scipy.ndimage.affine_transform` expects (nibabel's
    ``resample_from_to`` builds the same matrix).

    Args:
      out_affine: voxel-to-world affine of the output grid.
      in_affine: voxel-to-world affine of the input grid.

    Returns:
      float64 ``(n + 1, n + 1)`` array.

    Raises:
      ValueError: either affine is invalid, or their sizes differ.
    """
    out_a = check_affine(out_affine, fn="voxel_to_voxel", name="out_affine")
    in_a = check_affine(in_affine, fn="voxel_to_voxel", name="in_affine")
    if out_a.shape != in_a.shape:
        raise ValueError(
            f"voxel_to_voxel: out_affine and in_affine must have one shape; got "
            f"{out_a.shape} and {in_a.shape}"
        )
    return invert(in_a, fn="voxel_to_voxel", name="in_affine") @ out_a


def is_oblique(affine: Any, *, atol: float = 1e-6) -> bool:
    """Whether the voxel axes of a voxel-to-world affine are rotated against the world axes.

    True when some direction cosine (a column of the linear part over its norm) is neither
    0 nor ±1 within ``atol``; flips and axis permutations are not oblique.
    """
    a = np.asarray(affine, dtype=np.float64)
    cosines = np.abs(a[:-1, :-1] / voxel_sizes(a))
    return bool(np.any((cosines > atol) & (cosines < 1 - atol)))


def is_axis_aligned(matrix: Any, *, atol: float = 1e-12) -> bool:
    """Whether a voxel-to-voxel map is diagonal: each output axis reads one input axis.

    This is the condition for the separable fast path (one 1-D resampling per axis). The
    translation column and the diagonal are free; only the off-diagonal entries of the
    linear part must be within ``atol`` of zero. Axis permutations are *not* axis-aligned
    in this sense.

    Args:
      matrix: ``(n + 1, n + 1)`` homogeneous matrix (its last column is the translation).
      atol: absolute tolerance on the off-diagonal entries.

    Returns:
      A Python bool.
    """
    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] < 2:
        raise ValueError(
            f"is_axis_aligned: matrix must be a square (n + 1, n + 1) homogeneous matrix; "
            f"got shape {m.shape}"
        )
    n = m.shape[0] - 1
    lin = m[:n, :n]
    off = lin - np.diag(np.diag(lin))
    return bool(np.all(np.abs(off) <= atol))


def grid_map(n: int, m: int, anchor: str) -> tuple[float, float]:
    """``(c, d)``: output index ``o`` of ``m`` samples over ``n`` reads input index ``c o + d``.

    ``'edges'``: the outer edges of the first and last samples coincide (``c = n / m``,
    ``d = (c - 1) / 2``; cell centres). ``'centers'``: the first and last sample centres
    coincide (``c = (n - 1) / (m - 1)``, ``d = 0``); an axis with one input or one output
    sample has no span and follows ``'edges'``.
    """
    if anchor == "centers" and n > 1 and m > 1:
        return (n - 1) / (m - 1), 0.0
    return n / m, (n - m) / (2 * m)
