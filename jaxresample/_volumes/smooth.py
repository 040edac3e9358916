"""Native Gaussian smoothing: ``smooth`` (sigma or FWHM in mm) and the FFT path."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from .. import _dtypes, _modes, _validation
from .._affine import voxel_sizes
from .._engine.correlate import fold_kernel
from .._engine.filtering import (
    GaussianSpec,
    _cast,
    _check_input,
    _truncating,
    gaussian,
    gaussian_spec,
)
from .._kernels import check_order, sampled_kernel
from .._validation import fmt, is_traced

__all__ = ["FWHM_PER_SIGMA", "gaussian_filter_fft", "smooth"]

#: ``fwhm = FWHM_PER_SIGMA * sigma`` for a Gaussian: ``sqrt(8 ln 2)`` (nibabel's fwhm2sigma).
FWHM_PER_SIGMA = math.sqrt(8.0 * math.log(2.0))
#: FFT rounding is larger than the direct sum's: snap integer results within this many ulps.
_FFT_ULPS = 64


def _require_concrete(value: Any, *, fn: str, name: str) -> None:
    """Refuse a traced geometry or width: it sets the kernel size, a static shape."""
    if is_traced(value):
        raise TypeError(f"{fn}: {name} must be concrete (it sets the kernel size)")


def _voxel_sizes(affine: Any, spacing: Any, n: int, *, fn: str) -> tuple[float, ...]:
    if affine is not None and spacing is not None:
        raise ValueError(f"{fn}: give affine or spacing, not both")
    if spacing is not None:
        _require_concrete(spacing, fn=fn, name="spacing")
        vox = tuple(
            _validation.concrete_float(v, fn=fn, name="spacing", finite=False)
            for v in _validation.per_axis(spacing, n, fn=fn, name="spacing")
        )
    elif affine is not None:
        _require_concrete(affine, fn=fn, name="affine")
        a = _validation.real_array(affine, fn=fn, name="affine")
        if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 2:
            raise ValueError(f"{fn}: affine must be a square (d+1, d+1) matrix; got {fmt(a)}")
        cols = voxel_sizes(a)
        if cols.shape[0] < n:
            raise ValueError(
                f"{fn}: affine {a.shape} describes {cols.shape[0]} spatial axes; the image has {n}"
            )
        vox = tuple(float(c) for c in cols[:n])
    else:
        vox = (1.0,) * n
    if any(not (v > 0 and math.isfinite(v)) for v in vox):
        raise ValueError(f"{fn}: voxel sizes must be positive and finite; got {vox}")
    return vox


def smooth(
    image: ArrayLike,
    *,
    sigma_mm: ArrayLike | Sequence[float] | None = None,
    fwhm_mm: ArrayLike | Sequence[float] | None = None,
    affine: ArrayLike | None = None,
    spacing: Sequence[float] | float | None = None,
    mode: str = "nearest",
    cval: ArrayLike = 0.0,
    truncate: float = 4.0,
    channel_axis: int | None = None,
) -> jax.Array:
    """Smooth an image with a Gaussian whose width is given in millimetres.

    The width per spatial axis in voxels is ``sigma_mm / voxel_size`` (or
    ``fwhm_mm / sqrt(8 ln 2) / voxel_size``), as in :func:`nibabel.processing.smooth_image`;
    then :func:`gaussian_filter` runs on the spatial axes (a width of 0 skips an axis).

    Convention:
      Voxel sizes come from ``spacing`` (one per spatial axis), or from ``affine`` as the
      Euclidean norms of the columns of its linear part (nibabel's
      ``sqrt(sum(affine[:3, :3]**2, axis=0))``), or are 1 (widths in voxels). A 4×4 affine
      serves images with up to 3 spatial axes (the first columns are used). The default
      ``mode='nearest'`` is nibabel's.

    Args:
      image: array whose axes are spatial, plus ``channel_axis`` if given; integer or
        floating dtype.
      sigma_mm: standard deviation in mm, a scalar or one per spatial axis. Static.
      fwhm_mm: full width at half maximum in mm (alternative to ``sigma_mm``). Static.
      affine: ``(d+1, d+1)`` voxel-to-world matrix (concrete). Static.
      spacing: voxel sizes in mm (alternative to ``affine``). Static.
      mode: boundary mode, from :data:`jaxresample._modes.FILTER_MODES`. Static.
      cval: the value outside the edges for the constant modes. Traced.
      truncate: kernel radius in standard deviations. Static.
      channel_axis: an axis that is not smoothed, or None. Static.

    Returns:
      Floating array of the image's shape: integer images give float32 (float64 for 64-bit
      integers under x64); floating images keep their dtype.

    Raises:
      ValueError: neither or both of ``sigma_mm``/``fwhm_mm``, or both ``affine`` and
        ``spacing``; negative widths; a malformed affine.
      TypeError: traced widths, affine or spacing.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample import smooth
      >>> img = jnp.zeros((5, 5), jnp.float32).at[2, 2].set(1.0)
      >>> import numpy as np
      >>> y = smooth(img, fwhm_mm=2.0, spacing=(1.0, 2.0))[2]
      >>> str(y.dtype)
      'float32'
      >>> print(np.asarray(y).round(4))
      [0.     0.0261 0.4175 0.0261 0.    ]
    """
    fn = "smooth"
    x = _check_input(image, fn=fn)
    if (sigma_mm is None) == (fwhm_mm is None):
        raise ValueError(
            f"{fn}: give exactly one of sigma_mm and fwhm_mm; got sigma_mm={fmt(sigma_mm)}, "
            f"fwhm_mm={fmt(fwhm_mm)}"
        )
    spatial = tuple(range(x.ndim))
    if channel_axis is not None:
        c = _validation.axes_tuple(channel_axis, x.ndim, fn=fn, name="channel_axis")[0]
        spatial = tuple(a for a in spatial if a != c)
    n = len(spatial)
    width = sigma_mm if sigma_mm is not None else fwhm_mm
    wname = "sigma_mm" if sigma_mm is not None else "fwhm_mm"
    _require_concrete(width, fn=fn, name=wname)
    widths = [
        _validation.concrete_float(w, fn=fn, name=wname, fix="it sets the kernel size")
        for w in _validation.per_axis(width, n, fn=fn, name=wname)
    ]
    if any(w < 0 for w in widths):
        raise ValueError(f"{fn}: {wname} must be nonnegative; got {fmt(width)}")
    if fwhm_mm is not None:
        widths = [w / FWHM_PER_SIGMA for w in widths]
    vox = _voxel_sizes(affine, spacing, n, fn=fn)
    sigma = tuple(w / v for w, v in zip(widths, vox, strict=True))
    out = x.dtype if jnp.issubdtype(x.dtype, jnp.inexact) else _dtypes.compute_dtype(x.dtype)
    orders = (0,) * n
    return gaussian(
        x, sigma, axes=spatial, orders=orders, output=out, mode=mode, cval=cval,
        truncate=truncate, fn=fn, native=True,
    )  # fmt: skip


def gaussian_filter_fft(
    image: ArrayLike,
    sigma: ArrayLike | Sequence[ArrayLike],
    *,
    order: int | Sequence[int] = 0,
    mode: str | Sequence[str] = "grid-wrap",
    cval: ArrayLike = 0.0,
    truncate: float = 4.0,
    radius: int | Sequence[int] | None = None,
    axes: int | Sequence[int] | None = None,
) -> jax.Array:
    """Gaussian filter through FFTs: :func:`gaussian_filter`'s result, faster for large sigma.

    Each axis is extended by the kernel radius with ``mode``, transformed, multiplied by
    the transform of the kernel (scipy's sampled kernel, the same as :func:`gaussian_filter`)
    and transformed back; the extension is then cropped. With ``mode='grid-wrap'`` nothing
    is extended: the circular convolution *is* the periodic boundary (a kernel longer than
    the axis wraps around it, as scipy's periodic extension does). So the result equals
    :func:`gaussian_filter` up to FFT rounding (about ``eps * log2(n)`` relative) for every
    mode. The cost is ``O(n log n)`` per line independent of ``sigma``, against
    ``O(n sigma)`` for the direct filter; it pays off from sigma of roughly 10 to 20 on
    CPU.

    Args:
      image: array of any shape; integer, floating or complex dtype.
      sigma: standard deviation per axis, in samples. Traced when ``radius`` is given.
      order: derivative order per axis. Static.
      mode: boundary mode (or one per axis), from :data:`jaxresample._modes.FILTER_MODES`.
        Static.
      cval: the value outside the edges for the constant modes. Traced.
      truncate: radius in standard deviations when ``radius`` is None. Static.
      radius: kernel half-length per axis. Static.
      axes: the axes to filter (default all). Static.

    Returns:
      Array of the image's shape and dtype (integers truncated toward zero, as
      :func:`gaussian_filter`).

    Raises:
      ValueError, RuntimeError, TypeError: as :func:`gaussian_filter`.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample import gaussian_filter_fft
      >>> import numpy as np
      >>> y = gaussian_filter_fft(jnp.array([0.0, 0.0, 1.0, 0.0, 0.0], jnp.float32), 1.0)
      >>> str(y.dtype)
      'float32'
      >>> print(np.asarray(y).round(4))
      [0.0584 0.2421 0.3989 0.2421 0.0584]
    """
    fn = "gaussian_filter_fft"
    x = _check_input(image, fn=fn)
    ax = _validation.axes_tuple(axes, x.ndim, fn=fn)
    n = len(ax)
    orders = tuple(
        check_order(o, fn=fn) for o in _validation.per_axis(order, n, fn=fn, name="order")
    )
    spec, sig, cv = gaussian_spec(
        x, sigma, axes=ax, orders=orders, mode=mode, cval=cval, truncate=truncate,
        radius=radius, fn=fn, native=True,
    )  # fmt: skip
    return _fft_filter(x, sig, cv, spec=spec)


@functools.partial(jax.jit, static_argnames=("spec",))
def _fft_filter(x, sigmas, cval, *, spec: GaussianSpec):
    compute, out_dtype = spec.compute, spec.out_dtype
    behaviours, radii, orders = spec.behaviours, spec.radii, spec.orders
    y = x.astype(compute)
    if y.size == 0:  # nothing to filter
        return y.astype(out_dtype)
    cplx = np.dtype(compute).kind == "c"
    intermediate = _truncating(np.dtype(out_dtype), np.dtype(compute), _FFT_ULPS)
    for i, axis in enumerate(spec.axes):
        if i and intermediate is not None:
            y = intermediate(y)
        r = radii[i]
        n = y.shape[axis]
        # correlation weights (the reversed kernel), folded onto the axis: at most 2 n + 1
        # taps whatever the radius (jaxresample.fold_kernel)
        w = sampled_kernel(sigmas[i], orders[i], r, sigmas.dtype)[::-1]
        w, centre = fold_kernel(w, r, n, behaviours[i])
        after = w.shape[0] - 1 - centre
        periodic = behaviours[i] == "periodic"
        lo, hi = (0, 0) if periodic else (centre, after)
        yp = _modes.pad(y, lo, hi, axis=axis, behaviour=behaviours[i], cval=cval.astype(compute))
        m = n + lo + hi
        # Circular convolution kernel of length m: the tap at offset d = j - centre reads
        # x[i + d], so it lands at index -d mod m (taps that wrap sum: the periodic case).
        pos = np.mod(centre - np.arange(w.shape[0]), m)
        circ = jnp.zeros(m, w.dtype).at[jnp.asarray(pos)].add(w)
        ext = lo
        shape = [1] * y.ndim
        if cplx:
            spectrum = jnp.fft.fft(circ).reshape([m if a == axis else 1 for a in range(y.ndim)])
            z = jnp.fft.ifft(jnp.fft.fft(yp, axis=axis) * spectrum.astype(compute), axis=axis)
        else:
            h = jnp.fft.rfft(circ)
            shape[axis] = h.shape[0]
            z = jnp.fft.irfft(jnp.fft.rfft(yp, axis=axis) * h.reshape(shape), n=m, axis=axis)
        y = jax.lax.slice_in_dim(z, ext, ext + n, axis=axis).astype(compute)
    return _cast(y, np.dtype(out_dtype), _FFT_ULPS)
