"""Reconstruction kernels: per-axis weights of ``resize`` over an axis extended with a mode.

Output sample ``o`` sits at input coordinate ``c_o``. A kernel ``K`` of radius ``R``,
widened by ``w >= 1`` when anti-aliasing a downsampling (``w`` input samples per output
sample), gives the taps ``j`` within ``R w`` of ``c_o`` the weights ``K((j - c_o) / w)``,
normalised to sum to 1 over all taps. Taps outside ``[0, n)`` are then folded back onto the
samples the boundary behaviour names (for ``constant`` their weight multiplies ``cval``),
so the border rows are the same kernel applied to the extended axis: no renormalisation
over the taps that happen to be inside, no row that loses weight. ``area`` integrates the
box of the output cell over the input cells exactly.

Weights are computed on the host in float64 and cached; the executors are the separable
engine's (gathers, or a matrix product for wide rows).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .. import _modes
from .separable import AxisResampling, Gather, dense_axis_resampling

__all__ = ["RADIUS", "kernel_axis_resampling", "kernel_taps", "kernel_weights"]

#: The support radius of each kernel, in input samples (before widening).
RADIUS: dict[str, float] = {
    "nearest": 0.5,
    "linear": 1.0,
    "cubic": 2.0,
    "lanczos3": 3.0,
    "lanczos5": 5.0,
    "area": 0.5,
}

#: Above this many ``n_out * n`` entries an axis keeps its taps as a gather.
_DENSE_LIMIT = 1 << 22


def kernel_weights(kernel: str, t: np.ndarray) -> np.ndarray:
    """``K(t)`` of the interpolating kernels (``linear``, ``cubic``, ``lanczos3/5``)."""
    a = np.abs(t)
    if kernel == "linear":
        return np.maximum(0.0, 1.0 - a)
    if kernel == "cubic":  # Keys (1981) with a = -0.5, as jax.image.resize and Pillow
        inner = (1.5 * a - 2.5) * a * a + 1.0
        outer = ((-0.5 * a + 2.5) * a - 4.0) * a + 2.0
        return np.where(a < 1.0, inner, np.where(a < 2.0, outer, 0.0))
    radius = RADIUS[kernel]  # lanczos: sinc(t) sinc(t / r) inside the radius
    return np.where(a < radius, np.sinc(t) * np.sinc(t / radius), 0.0)


def kernel_taps(
    coords: np.ndarray, n: int, *, kernel: str, width: float, cell: float, behaviour: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``(index, weights, cval_weights)``: the taps of each output sample, folded into ``[0, n)``.

    ``width``: the kernel's widening (1 for interpolation); ``cell``: the output sample's
    size in input samples (``area``). ``cval_weights`` is None unless the behaviour reads
    ``cval``.
    """
    c = np.asarray(coords, dtype=np.float64)[:, None]
    if kernel == "nearest":  # the sample whose cell holds c (ties go up, as jax's floor(c + 0.5))
        t = c + 0.5
        r = np.round(t)
        # a tie computed as 4.4999999 is still a tie: float noise must not move a sample
        j = np.floor(np.where(np.abs(t - r) <= 1e-9 * np.maximum(1.0, np.abs(t)), r, t))
        w = np.ones_like(j)
    elif kernel == "area":
        half = cell / 2
        lo, hi = c - half, c + half
        k = int(math.ceil(cell)) + 2
        j = np.floor(lo + 0.5) + np.arange(k)[None, :]
        w = np.clip(np.minimum(hi, j + 0.5) - np.maximum(lo, j - 0.5), 0.0, None) / cell
    else:
        reach = RADIUS[kernel] * width
        k = int(math.ceil(2 * reach)) + 1
        j = np.floor(c - reach) + np.arange(k + 1)[None, :]
        w = kernel_weights(kernel, (j - c) / width)
    w = w / w.sum(axis=1, keepdims=True)
    idx = _modes.extend_index(behaviour, j.astype(np.int64), n)  # type: ignore[arg-type]
    cw = None
    if behaviour == "constant":
        cw = np.where(idx < 0, w, 0.0).sum(axis=1)
        w = np.where(idx < 0, 0.0, w)
        idx = np.maximum(idx, 0)
    return idx, w, cw


def kernel_axis_resampling(
    coords: np.ndarray,
    n: int,
    *,
    kernel: str,
    width: float,
    cell: float,
    behaviour: str,
    compute: np.dtype,
    axis: int,
    minor: bool,
) -> AxisResampling | None:
    """Plan one axis of a resize; None when it is the identity. Cached by its inputs."""
    cc = np.ascontiguousarray(coords, dtype=np.float64)
    return _cached(
        cc.tobytes(), n, kernel, float(width), float(cell), behaviour, np.dtype(compute).str,
        axis, minor,
    )  # fmt: skip


@functools.lru_cache(maxsize=64)
def _cached(
    cc_bytes: bytes,
    n: int,
    kernel: str,
    width: float,
    cell: float,
    behaviour: str,
    compute_str: str,
    axis: int,
    minor: bool,
) -> AxisResampling | None:
    coords = np.frombuffer(cc_bytes, dtype=np.float64)
    compute = np.dtype(compute_str)
    idx, w, cw = kernel_taps(coords, n, kernel=kernel, width=width, cell=cell, behaviour=behaviour)
    m = coords.shape[0]
    if m * n > _DENSE_LIMIT:
        cwc = None if cw is None else cw.astype(compute)
        return AxisResampling(Gather(idx.astype(np.int32), w.astype(compute), cwc), axis=axis)
    dense = np.zeros((m, n))
    np.add.at(dense, (np.arange(m)[:, None], idx), w)
    if m == n and (cw is None or not cw.any()) and np.array_equal(dense, np.eye(n)):
        return None
    return dense_axis_resampling(
        dense, None if cw is None else cw.astype(compute), beta=cw, outside=None, nan=None,
        axis=axis, compute=compute, minor=minor, behaviour=behaviour,
    )  # fmt: skip
