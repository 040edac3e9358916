"""Host-side planning of the pyramid steps: level shapes and strided reduce steps.

Every rule here works on static shapes and concrete parameters, in float64, and is cached:
a pyramid's whole geometry is known before anything is traced.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .. import _modes
from .._engine.strided import StridedStep
from .._engine.taps import axis_taps
from .._kernels import SIGMA_ZERO, kernel_radius

__all__ = [
    "BINOMIAL",
    "TRUNCATE",
    "binomial_expand_step",
    "binomial_reduce_step",
    "gaussian_taps",
    "grid_coordinates",
    "reduced_size",
    "strided_reduce_step",
]

#: OpenCV's 5-tap binomial kernel ``[1 4 6 4 1] / 16`` (``pyrDown``; ``pyrUp`` uses 2x it per
#: axis, 4x in 2-D, to make up for the inserted zeros).
BINOMIAL = (1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16)
#: Gaussian kernels reach ``int(TRUNCATE * sigma + 0.5)`` samples (scipy's and scikit-image's
#: default).
TRUNCATE = 4.0


def reduced_size(n: int, factor: float, kernel: str) -> int:
    """The length of an axis of ``n`` samples after one reduce step.

    ``ceil(n / factor)`` (scikit-image); for the binomial kernel OpenCV's ``(n + 1) // 2``,
    the same number for ``factor = 2``.
    """
    if kernel == "binomial":
        return (n + 1) // 2
    return max(1, math.ceil(n / factor))


def grid_coordinates(n: int, m: int) -> np.ndarray:
    """Input coordinates of ``m`` output samples spread over ``n`` input samples.

    The samples are cell centres anchored at the outer edges (``scipy.ndimage.zoom`` with
    ``grid_mode=True``, scikit-image's ``resize``): ``(k + 0.5) * n / m - 0.5``.
    """
    k = np.arange(m, dtype=np.float64)
    return (k + 0.5) * (n / m) - 0.5


def gaussian_taps(sigma: float) -> np.ndarray:
    """Scipy's sampled, normalised Gaussian of ``sigma`` (float64), radius ``4 sigma``."""
    if sigma <= SIGMA_ZERO:
        return np.ones(1)
    r = kernel_radius(sigma, TRUNCATE)
    x = np.arange(-r, r + 1, dtype=np.float64)
    phi = np.exp(-0.5 / (sigma * sigma) * x * x)
    return phi / phi.sum()


@functools.lru_cache(maxsize=256)
def strided_reduce_step(
    n: int, m: int, axis: int, *, sigma: float, order: int, mode: str
) -> StridedStep | None:
    """Blur-then-sample of one axis as one strided correlation, when it is one.

    The reduce step blurs with a Gaussian of ``sigma`` (extended with ``mode``) and samples
    the blurred axis at :func:`grid_coordinates` with a spline of ``order``. When ``n`` is a
    multiple of ``m`` and the spline needs no prefilter (orders 0 and 1), every output
    sample reads the same taps one stride further: the two kernels then fuse into one,
    evaluated only at the kept samples. None otherwise (the caller blurs, then samples).
    """
    if order > 1 or n % m:
        return None
    stride = n // m
    interp = _modes.resolve(mode, family="interp", fn="pyramid_reduce")
    idx, w, ok, outside, nan = axis_taps(grid_coordinates(n, m), n, interp, order)
    if ok is not None or outside is not None or np.any(nan):
        return None
    steps = stride * np.arange(m)[:, None]
    same_weights = np.array_equal(w, np.broadcast_to(w[:1], w.shape))
    if not (same_weights and np.array_equal(idx, idx[:1] + steps)):
        return None
    g = gaussian_taps(sigma)
    r = (g.shape[0] - 1) // 2
    base = int(idx[0].min())
    fused = np.zeros(int(idx[0].max()) - base + g.shape[0])
    for j in range(idx.shape[1]):
        start = int(idx[0, j]) - base
        fused[start : start + g.shape[0]] += w[0, j] * g
    behaviour = _modes.resolve(mode, family="filter", fn="pyramid_reduce")
    kernel = tuple(float(v) for v in fused)
    return StridedStep(axis, kernel, stride, base - r, m, behaviour)


def binomial_reduce_step(n: int, axis: int, *, mode: str) -> StridedStep:
    """OpenCV's ``pyrDown`` along one axis: the binomial blur at the even samples."""
    behaviour = _modes.resolve(mode, family="filter", fn="pyramid_reduce")
    return StridedStep(axis, BINOMIAL, 2, -2, (n + 1) // 2, behaviour)


def binomial_expand_step(m: int, axis: int, *, mode: str) -> StridedStep:
    """OpenCV's ``pyrUp`` along one axis, applied to the zero-inserted axis of ``m = 2 n``.

    The input's samples sit at the even positions of a zero-filled axis of ``m`` samples,
    which is extended with ``mode`` and correlated with 2x the binomial kernel (half the
    samples are zeros).
    """
    behaviour = _modes.resolve(mode, family="filter", fn="pyramid_expand")
    return StridedStep(axis, tuple(2 * v for v in BINOMIAL), 1, -2, m, behaviour)
