"""``resize`` and ``rescale``: reconstruct a continuous image from the samples, then sample it.

Per axis, output sample ``o`` reads the input at ``c o + d`` (the anchor's grid map,
:func:`jaxresample._affine.grid_map`) through a reconstruction kernel: ``nearest``,
``linear``, Keys ``cubic`` (a = -0.5), ``lanczos3``/``lanczos5``, the prefiltered B-splines
``bspline2``..``bspline5`` (the interpolation engine), or ``area`` (the exact box integral
of the output cell). Downsampling with ``antialias=True`` widens the interpolating kernels
by the factor (``jax.image.resize``'s rule); the B-splines are blurred first with the
Gaussian whose FWHM is the factor (:func:`jaxresample.antialias_sigma`). The boundary mode
extends the input before the kernel reads it, the same way for every method.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from .. import _choices, _dtypes, _modes
from .._affine import grid_map
from .._engine.filtering import gaussian
from .._engine.reconstruction import kernel_axis_resampling, kernel_taps
from .._engine.sampler import Sampling
from .._engine.separable import resample_separable, run_separable
from .._kernels import antialias_sigma
from .._limits import check_array
from .._validation import check_choice, concrete_float, fmt, per_axis, static_int
from .scale import as_cval, as_image, spatial_axes

__all__ = ["axis_grid", "resize", "rescale", "sample_spline"]

#: The interpolating kernels that ``antialias`` widens.
_WIDENED = ("linear", "cubic", "lanczos3", "lanczos5")


def axis_grid(n: int, m: int, anchor: str) -> tuple[np.ndarray, float]:
    """The input coordinates of ``m`` output samples over ``n``, and the output spacing."""
    c, d = grid_map(n, m, anchor)
    return c * np.arange(m, dtype=np.float64) + d, c


def _out_shape(
    shape: Any, in_shape: tuple[int, ...], spatial: tuple[int, ...], *, fn: str
) -> tuple[int, ...]:
    """``shape`` checked: one size per axis, or one per spatial axis; channels kept."""
    if isinstance(shape, (str, bytes)) or np.ndim(shape) != 1:
        raise TypeError(f"{fn}: shape must be a sequence of ints; got {fmt(shape)}")
    sizes = tuple(static_int(s, fn=fn, name="shape", minimum=0) for s in shape)
    nd = len(in_shape)
    if len(sizes) == len(spatial) and len(sizes) != nd:
        full = list(in_shape)
        for a, s in zip(spatial, sizes, strict=True):
            full[a] = s
        sizes = tuple(full)
    if len(sizes) != nd:
        raise ValueError(
            f"{fn}: shape must have one entry per axis ({nd}) or per spatial axis "
            f"({len(spatial)}); got {fmt(shape)}"
        )
    for a in range(nd):
        if a not in spatial and sizes[a] != in_shape[a]:
            raise ValueError(
                f"{fn}: shape must keep the channel axis {a} ({in_shape[a]}); got {fmt(shape)}"
            )
        if in_shape[a] == 0 and sizes[a] > 0:
            raise ValueError(
                f"{fn}: axis {a} has no samples to reconstruct {sizes[a]} from; got shape "
                f"{fmt(shape)} for an image of shape {in_shape}"
            )
    return sizes


def sample_spline(
    x: jax.Array,
    cval: jax.Array,
    out_shape: tuple[int, ...],
    *,
    order: int,
    behaviour: str,
    anchor: str,
    sigmas: dict[int, float],
    out_dtype: Any,
    fn: str,
) -> jax.Array:
    """Blur axis ``a`` with ``sigmas[a]`` (extended with ``behaviour``), then spline-sample.

    ``behaviour`` is a filter behaviour; it names the same extension in the spline sampling
    (a filter behaviour is never one of scipy's legacy interpolation behaviours).
    """
    blur = {a: s for a, s in sigmas.items() if s > 0}
    if blur:
        axes = tuple(sorted(blur))
        x = gaussian(
            x, tuple(blur[a] for a in axes), axes=axes, orders=(0,) * len(axes),
            mode=_modes.filter_name(behaviour), cval=cval, fn=fn, native=True,
        )  # fmt: skip
    coords = [
        axis_grid(n, m, anchor)[0] if n != m or anchor != "edges" else np.arange(n, dtype=float)
        for n, m in zip(x.shape, out_shape, strict=True)
    ]
    sampling = Sampling(x, np.dtype(out_dtype), order, behaviour, x.dtype, cval)
    return resample_separable(sampling, coords, out_shape, prefilter=True)


def _resize(
    image: ArrayLike,
    shape: Any,
    *,
    method: Any,
    antialias: Any,
    anchor: Any,
    mode: Any,
    cval: Any,
    channel_axis: Any,
    fn: str,
) -> jax.Array:
    method = check_choice(method, _choices.RESIZE_METHODS, fn=fn, name="method")
    anchor = check_choice(anchor, _choices.RESIZE_ANCHORS, fn=fn, name="anchor")
    if not isinstance(antialias, bool):
        raise TypeError(f"{fn}: antialias must be a bool; got {fmt(antialias)}")
    behaviour = _modes.resolve(mode, family="filter", fn=fn)
    if method == "nearest":  # index selection: any dtype, kept
        x = _dtypes.as_array(image, fn=fn, name="image", bool_ok=True)
    else:
        x = as_image(image, fn=fn)
    if x.ndim == 0:
        raise ValueError(f"{fn}: image must have at least one dimension; got a scalar")
    spatial = spatial_axes(x.ndim, channel_axis, fn=fn)
    out_shape = _out_shape(shape, x.shape, spatial, fn=fn)
    cv = as_cval(cval, x.dtype, fn=fn)
    check_array(out_shape, x.dtype, fn=fn)
    if 0 in out_shape or x.size == 0:
        return jnp.zeros(out_shape, x.dtype)
    grids = {a: axis_grid(x.shape[a], out_shape[a], anchor) for a in spatial}
    if method == "nearest":
        return _nearest(x, cv, grids, behaviour)
    if method.startswith("bspline"):
        sigmas = {a: antialias_sigma(grids[a][1]) if antialias else 0.0 for a in spatial}
        return sample_spline(
            x, cv, out_shape, order=int(method[-1]), behaviour=behaviour, anchor=anchor,
            sigmas=sigmas, out_dtype=x.dtype, fn=fn,
        )  # fmt: skip
    plans = []
    for a in spatial:
        coords, spacing = grids[a]
        width = max(spacing, 1.0) if antialias and method in _WIDENED else 1.0
        plan = kernel_axis_resampling(
            coords, x.shape[a], kernel=method, width=width, cell=spacing, behaviour=behaviour,
            compute=x.dtype, axis=a, minor=a == x.ndim - 1,
        )  # fmt: skip
        if plan is not None:
            plans.append(plan)
    return run_separable(x, cv, plans, out_dtype=x.dtype)


def _nearest(
    x: jax.Array, cval: jax.Array, grids: dict[int, tuple[np.ndarray, float]], behaviour: str
) -> jax.Array:
    outside = None
    for a, (coords, spacing) in grids.items():
        idx, _, cw = kernel_taps(
            coords, x.shape[a], kernel="nearest", width=1.0, cell=spacing, behaviour=behaviour
        )
        if np.array_equal(idx[:, 0], np.arange(x.shape[a])):
            continue
        x = jnp.take(x, jnp.asarray(idx[:, 0], np.int32), axis=a)
        if cw is not None and cw.any():
            shape = [1] * x.ndim
            shape[a] = -1
            m = jnp.asarray(cw > 0).reshape(shape)
            outside = m if outside is None else outside | m
    return x if outside is None else jnp.where(outside, cval, x)


def resize(
    image: ArrayLike,
    shape: Sequence[int],
    *,
    method: _choices.ResizeMethod = "linear",
    antialias: bool = True,
    anchor: _choices.ResizeAnchor = "edges",
    mode: str = "reflect",
    cval: ArrayLike = 0.0,
    channel_axis: int | None = None,
) -> jax.Array:
    """Resample ``image`` to ``shape``: reconstruct with ``method``, then sample.

    Per axis of ``n`` samples resized to ``m``, output sample ``o`` reads input coordinate
    ``c o + d``: ``anchor='edges'`` keeps the outer edges of the grid (``c = n / m``, cell
    centres; ``jax.image.resize``, scikit-image, torch ``align_corners=False``),
    ``'centers'`` the centres of the first and last samples (``c = (n - 1) / (m - 1)``;
    torch ``align_corners=True``). The kernels:

    * ``nearest``: the sample whose cell holds the coordinate (ties upwards); keeps the
      dtype, never anti-aliased;
    * ``linear``, ``cubic`` (Keys, a = -0.5), ``lanczos3``, ``lanczos5``: weights
      normalised to sum to 1; downsampling with ``antialias=True`` widens the kernel by
      ``c`` (``jax.image.resize``'s rule);
    * ``bspline2`` .. ``bspline5``: the exactly prefiltered B-spline of that order
      (``scipy.ndimage.zoom``); with ``antialias=True`` a downsampled axis is first blurred
      by the Gaussian whose FWHM is ``c`` samples;
    * ``area``: the mean of the input over each output cell (exact box integration; its own
      anti-aliasing).

    ``mode`` extends the input beyond its samples before any kernel reads it, so the
    border rows are the interior kernel applied to the extended image (``jax.image.resize``
    instead renormalises the kernel over the samples inside; the two agree wherever the
    kernel stays inside, and for ``linear`` upsampling with ``'reflect'`` or ``'nearest'``
    everywhere).

    Args:
      image: array (``nearest`` keeps its dtype; the other methods compute in float32,
        float64 under x64, and return that).
      shape: the output size of every axis, or of every spatial axis (the channel axis
        keeps its size). Static.
      method: the reconstruction kernel, see above. Static.
      antialias: whether downsampling low-pass filters first (see above). Static.
      anchor: ``'edges'`` or ``'centers'``. Static.
      mode: boundary mode, scipy's name for the extension (``'reflect'``: ``dcba|abcd``;
        ``'mirror'``, ``'nearest'``, ``'wrap'``, ``'constant'``; the ``grid-`` names are
        the same extensions). Static.
      cval: value beyond the edges for ``'constant'``. Traced.
      channel_axis: an axis that is not resized, or None. Static.

    Returns:
      The resized image.

    Raises:
      ValueError: an unknown method, anchor or mode, a negative size, a wrong number of
        sizes, a changed channel axis, an empty axis asked to produce samples.
      TypeError: non-integer sizes; complex data.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample import resize

      Halving with the triangle widened to 2 samples, reflected at the edges:

      >>> print(resize(jnp.array([0.0, 1.0, 2.0, 3.0]), (2,)))
      [0.625 2.375]
      >>> print(resize(jnp.array([0.0, 1.0, 2.0, 3.0]), (2,), antialias=False))
      [0.5 2.5]
      >>> print(resize(jnp.array([0.0, 4.0]), (4,), method="linear"))
      [0. 1. 3. 4.]
      >>> resize(jnp.ones((12, 9, 3)), (8, 6), method="lanczos3", channel_axis=-1).shape
      (8, 6, 3)
    """
    return _resize(
        image, shape, method=method, antialias=antialias, anchor=anchor, mode=mode,
        cval=cval, channel_axis=channel_axis, fn="resize",
    )  # fmt: skip


def rescale(
    image: ArrayLike,
    scale: float | Sequence[float],
    *,
    method: _choices.ResizeMethod = "linear",
    antialias: bool = True,
    anchor: _choices.ResizeAnchor = "edges",
    mode: str = "reflect",
    cval: ArrayLike = 0.0,
    channel_axis: int | None = None,
) -> jax.Array:
    """:func:`resize` to ``round(n * scale)`` samples per spatial axis (at least 1).

    The size is rounded half to even (``np.round``, scikit-image's ``rescale``); the grid
    is then that of the rounded size (``c = n / m``), so the image keeps its extent
    exactly and the sample spacing is ``n / m``, within half a sample of ``1 / scale``.

    Args:
      image: array, as for :func:`resize`.
      scale: the factor, > 0: one, or one per spatial axis. Static.
      method: the reconstruction kernel (:func:`resize`). Static.
      antialias: whether downsampling low-pass filters first. Static.
      anchor: ``'edges'`` or ``'centers'``. Static.
      mode: boundary mode, as for :func:`resize`. Static.
      cval: value beyond the edges for ``'constant'``. Traced.
      channel_axis: an axis that is not rescaled, or None. Static.

    Returns:
      The rescaled image.

    Raises:
      ValueError: a non-positive or non-finite scale, a wrong number of scales, and
        :func:`resize`'s errors.
      TypeError: a traced scale.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample import rescale
      >>> rescale(jnp.ones((12, 9)), 2 / 3).shape
      (8, 6)
    """
    fn = "rescale"
    x = _dtypes.as_array(image, fn=fn, name="image", bool_ok=True)
    if x.ndim == 0:
        raise ValueError(f"{fn}: image must have at least one dimension; got a scalar")
    spatial = spatial_axes(x.ndim, channel_axis, fn=fn)
    scales = per_axis(scale, len(spatial), fn=fn, name="scale")
    sizes = []
    for a, s in zip(spatial, scales, strict=True):
        f = concrete_float(s, fn=fn, name="scale", fix="scale sets the output shape")
        if not f > 0:
            raise ValueError(f"{fn}: scale must be positive and finite; got {fmt(scale)}")
        sizes.append(max(1, int(np.round(x.shape[a] * f))) if x.shape[a] else 0)
    return _resize(
        x, tuple(sizes), method=method, antialias=antialias, anchor=anchor, mode=mode,
        cval=cval, channel_axis=channel_axis, fn=fn,
    )  # fmt: skip
