"""The scikit-image twins of :mod:`jaxresample.transform`: resize, rescale and the pyramids.

Same names, signatures, defaults, output shapes and dtype rules as ``skimage.transform``:
``resize`` is a Gaussian anti-aliasing blur (σ = ``(factor - 1) / 2``) followed by
``scipy.ndimage.zoom(..., grid_mode=True)``; the pyramids blur and resize as scikit-image's
do, and the generators stop where scikit-image's stop. ``mode`` takes ``numpy.pad``'s names,
translated through the one mode registry for the blur *and* the sampling (scikit-image's
pyramids pass them untranslated to its blur, so ``'reflect'`` there blurs as scipy's
``'reflect'`` but samples as ``'mirror'``, and ``'edge'``/``'symmetric'`` fail).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from .. import _dtypes, _modes
from .._engine.filtering import gaussian
from .._limits import check_array
from .._validation import concrete_float, fmt, per_axis, single_axis, static_int
from .resize import sample_spline
from .scale import spatial_axes

__all__ = [
    "pyramid_expand",
    "pyramid_gaussian",
    "pyramid_laplacian",
    "pyramid_reduce",
    "rescale",
    "resize",
]

#: numpy.pad's names (scikit-image's ``mode``) -> filter behaviour, read from the registry.
_NUMPY_MODES: dict[str, _modes.Behaviour] = {m.numpy: m.filter for m in _modes.MODES.values()}


def _behaviour(mode: Any, *, fn: str) -> _modes.Behaviour:
    if not isinstance(mode, str) or mode not in _NUMPY_MODES:
        raise ValueError(
            f"{fn}: mode must be one of numpy.pad's names {sorted(_NUMPY_MODES)} "
            f"(scikit-image's convention); got {fmt(mode)}"
        )
    return _NUMPY_MODES[mode]


def _to_float(x: jax.Array, preserve_range: Any, *, fn: str) -> jax.Array:
    """scikit-image's ``convert_to_float``: ``img_as_float`` unless ``preserve_range``."""
    if not isinstance(preserve_range, bool):
        raise TypeError(f"{fn}: preserve_range must be a bool; got {fmt(preserve_range)}")
    dt = np.dtype(x.dtype)
    if dt == np.float16:
        return x.astype(np.float32)
    if dt.kind == "f":
        return x
    out = _dtypes.twin_dtype(dt)
    if preserve_range or dt.kind == "b":
        return x.astype(out)
    info = np.iinfo(dt)
    y = x.astype(out) * (1.0 / info.max)
    return jnp.maximum(y, -1.0) if dt.kind == "i" else y


def _image(image: ArrayLike, *, fn: str) -> jax.Array:
    x = _dtypes.as_array(image, fn=fn, name="image", complex_ok=False, bool_ok=True)
    if x.ndim == 0:
        raise ValueError(f"{fn}: image must have at least one dimension; got a scalar")
    return x


def _blur(
    x: jax.Array, sigmas: Sequence[float], behaviour: str, cval: Any, *, fn: str
) -> jax.Array:
    axes = tuple(a for a, s in enumerate(sigmas) if s > 0)
    if not axes:
        return x
    return gaussian(
        x, tuple(sigmas[a] for a in axes), axes=axes, orders=(0,) * len(axes),
        mode=_modes.filter_name(behaviour), cval=cval, fn=fn,
    )  # fmt: skip


def _clip(image: jax.Array, out: jax.Array, cval: jax.Array, behaviour: str) -> jax.Array:
    """scikit-image's ``_clip_warp_output``: clip to the input's range (NaNs ignored).

    The range is widened to ``cval`` when the constant mode brought it in.
    """
    lo, hi = jnp.nanmin(image).astype(out.dtype), jnp.nanmax(image).astype(out.dtype)
    if behaviour == "constant":
        c = cval.astype(out.dtype)
        seen = (jnp.nanmin(out) <= c) & (c <= jnp.nanmax(out)) & ~((lo <= c) & (c <= hi))
        lo, hi = jnp.where(seen, jnp.minimum(lo, c), lo), jnp.where(seen, jnp.maximum(hi, c), hi)
    return jnp.clip(out, lo, hi)


def _resize(
    x: jax.Array,
    output_shape: Any,
    *,
    order: Any,
    mode: Any,
    cval: Any,
    clip: Any,
    preserve_range: Any,
    anti_aliasing: Any,
    anti_aliasing_sigma: Any,
    fn: str,
) -> jax.Array:
    if isinstance(output_shape, (str, bytes)) or np.ndim(output_shape) != 1:
        raise TypeError(f"{fn}: output_shape must be a sequence of ints; got {fmt(output_shape)}")
    shape = tuple(static_int(s, fn=fn, name="output_shape", minimum=1) for s in output_shape)
    if len(shape) > x.ndim:  # scikit-image appends unit axes to the image
        x = x.reshape(x.shape + (1,) * (len(shape) - x.ndim))
    elif len(shape) == x.ndim - 1:  # the last axis keeps its size
        shape = (*shape, x.shape[-1])
    elif len(shape) < x.ndim:
        raise ValueError(
            f"{fn}: output_shape length cannot be smaller than the image number of dimensions "
            f"minus one; got {fmt(output_shape)} for an image of shape {x.shape}"
        )
    behaviour = _behaviour(mode, fn=fn)
    if not isinstance(clip, bool):
        raise TypeError(f"{fn}: clip must be a bool; got {fmt(clip)}")
    dt = np.dtype(x.dtype)
    if dt == np.float16:
        x = x.astype(np.float32)
    if anti_aliasing is None:
        anti_aliasing = (
            dt != np.bool_ and not (dt.kind in "iu" and order == 0)
            and any(m < n for m, n in zip(shape, x.shape, strict=True))
        )  # fmt: skip
    if not isinstance(anti_aliasing, (bool, np.bool_)):
        raise TypeError(f"{fn}: anti_aliasing must be a bool or None; got {fmt(anti_aliasing)}")
    if dt == np.bool_ and anti_aliasing:
        raise ValueError(f"{fn}: anti_aliasing must be False for boolean images")
    if order is None:
        order = 0 if dt == np.bool_ else 1
    order = static_int(order, fn=fn, name="order", minimum=0, maximum=5)
    if dt == np.bool_ and order != 0:
        raise ValueError(
            f"{fn}: order={order} is not defined for a bool image (scikit-image: set order to "
            "0 or cast the image to another dtype)"
        )
    if x.size == 0:
        raise ValueError(f"{fn}: cannot resize an empty image of shape {x.shape} to {shape}")
    check_array(shape, x.dtype, fn=fn)
    if order > 0:
        x = _to_float(x, preserve_range, fn=fn)
    factors = np.divide(x.shape, shape)
    sigmas = np.zeros(x.ndim)
    if anti_aliasing:
        if anti_aliasing_sigma is None:
            sigmas = np.maximum(0.0, (factors - 1) / 2)
        else:
            given = [
                float(s)
                for s in per_axis(anti_aliasing_sigma, x.ndim, fn=fn, name="anti_aliasing_sigma")
            ]
            sigmas = np.asarray(given) * np.ones_like(factors)
            if np.any(sigmas < 0) or not np.all(np.isfinite(sigmas)):
                raise ValueError(
                    f"{fn}: anti_aliasing_sigma must be finite and >= 0; "
                    f"got {fmt(anti_aliasing_sigma)}"
                )
            if np.any((sigmas > 0) & (factors <= 1)):
                warnings.warn(
                    "Anti-aliasing standard deviation greater than zero but not down-sampling "
                    "along all axes", UserWarning, stacklevel=3,
                )  # fmt: skip
    out_dtype = x.dtype
    cv = _dtypes.as_scalar(cval, fn=fn, name="cval", complex_ok=False)
    image = x
    x = x.astype(_dtypes.twin_dtype(x.dtype))  # scipy computes in float64 (x64)
    x = _blur(x, [float(s) for s in sigmas], behaviour, cv.astype(x.dtype), fn=fn)
    out = sample_spline(
        x, cv.astype(x.dtype), shape, order=order, behaviour=behaviour, anchor="edges",
        sigmas={}, out_dtype=x.dtype, fn=fn,
    )  # fmt: skip
    if clip:
        out = _clip(image.astype(out.dtype), out, cv, behaviour)
    return _dtypes.cast_result(out, out_dtype, rule="round")


def resize(
    image: ArrayLike,
    output_shape: Sequence[int],
    order: int | None = None,
    mode: str = "reflect",
    cval: float = 0,
    clip: bool = True,
    preserve_range: bool = False,
    anti_aliasing: bool | None = None,
    anti_aliasing_sigma: float | Sequence[float] | None = None,
) -> jax.Array:
    """``skimage.transform.resize``: blur (when downsampling), then ``zoom`` in grid mode.

    Args:
      image: the image (``img_as_float`` conversion unless ``preserve_range``; order 0
        keeps the dtype).
      output_shape: the output size per axis; one entry fewer keeps the last axis's size.
        Static.
      order: B-spline order 0-5 (default 0 for bool images, else 1). Static.
      mode: ``numpy.pad``'s name: ``'constant'``, ``'edge'``, ``'symmetric'``,
        ``'reflect'`` or ``'wrap'``. Static.
      cval: value beyond the edges for ``'constant'``. Traced.
      clip: clip the result to the input's range (and ``cval``). Static.
      preserve_range: keep the input's values instead of ``img_as_float``'s. Static.
      anti_aliasing: blur before downsampling (default: when any axis shrinks, except for
        bool images and integer images with ``order=0``). Static.
      anti_aliasing_sigma: the blur's σ per axis (default ``(factor - 1) / 2``). Static.

    Returns:
      The resized image (float, or the input's dtype with ``order=0``).

    Raises:
      ValueError: a bad shape, order or mode; anti-aliasing or ``order > 0`` for a bool
        image; a negative σ.
      TypeError: non-integer sizes; complex data.

    Examples:
      >>> import numpy as np
      >>> from jaxresample.transform import resize
      >>> resize(np.zeros((512, 512), np.uint8), (100, 100)).shape
      (100, 100)
    """
    fn = "resize"
    return _resize(
        _image(image, fn=fn), output_shape, order=order, mode=mode, cval=cval, clip=clip,
        preserve_range=preserve_range, anti_aliasing=anti_aliasing,
        anti_aliasing_sigma=anti_aliasing_sigma, fn=fn,
    )  # fmt: skip


def rescale(
    image: ArrayLike,
    scale: float | Sequence[float],
    order: int | None = None,
    mode: str = "reflect",
    cval: float = 0,
    clip: bool = True,
    preserve_range: bool = False,
    anti_aliasing: bool | None = None,
    anti_aliasing_sigma: float | Sequence[float] | None = None,
    *,
    channel_axis: int | None = None,
) -> jax.Array:
    """``skimage.transform.rescale``: :func:`resize` to ``max(1, round(n * scale))`` samples.

    Args:
      image: the image.
      scale: one factor, or one per spatial axis. Static.
      order: B-spline order 0-5, as for :func:`resize`. Static.
      mode: ``numpy.pad``'s name, as for :func:`resize`. Static.
      cval: value beyond the edges for ``'constant'``. Traced.
      clip: clip the result to the input's range. Static.
      preserve_range: keep the input's values. Static.
      anti_aliasing: blur before downsampling, as for :func:`resize`. Static.
      anti_aliasing_sigma: the blur's σ. Static.
      channel_axis: the axis that is not scaled, or None. Static.

    Returns:
      The rescaled image.

    Raises:
      ValueError: a wrong number of scales, and :func:`resize`'s errors.

    Examples:
      >>> import numpy as np
      >>> from jaxresample.transform import rescale
      >>> rescale(np.zeros((512, 512)), 0.1).shape
      (51, 51)
    """
    fn = "rescale"
    x = _image(image, fn=fn)
    c = (
        None
        if channel_axis is None
        else single_axis(channel_axis, x.ndim, fn=fn, name="channel_axis")
    )
    if c is not None:
        x = jnp.moveaxis(x, c, -1)
    scales = np.atleast_1d(np.asarray(scale, dtype=np.float64))
    spatial = x.ndim - (c is not None)
    if scales.ndim != 1 or (scales.size > 1 and scales.size != spatial):
        raise ValueError(
            f"{fn}: supply a single scale, or one value per spatial axis ({spatial}); "
            f"got {fmt(scale)}"
        )
    scales = np.broadcast_to(scales, (spatial,))
    shape = [max(1, int(v)) for v in np.round(scales * np.asarray(x.shape[:spatial]))]
    if c is not None:
        shape.append(x.shape[-1])
    out = _resize(
        x, tuple(shape), order=order, mode=mode, cval=cval, clip=clip,
        preserve_range=preserve_range, anti_aliasing=anti_aliasing,
        anti_aliasing_sigma=anti_aliasing_sigma, fn=fn,
    )  # fmt: skip
    return out if c is None else jnp.moveaxis(out, -1, c)


def _factor(factor: Any, *, fn: str, name: str) -> float:
    f = concrete_float(factor, fn=fn, name=name, fix=f"{name} sets the output shape")
    if not f > 1:
        raise ValueError(
            f"{fn}: {name} must be greater than 1 (scikit-image: scale factor must be greater "
            f"than 1); got {fmt(factor)}"
        )
    return f


def _sigma(sigma: Any, factor: float, *, fn: str) -> float:
    if sigma is None:
        return 2 * factor / 6.0  # scikit-image: the kernel covers > 99 % within the factor
    s = concrete_float(sigma, fn=fn, name="sigma", fix="sigma sets the kernel size")
    if s < 0:
        raise ValueError(f"{fn}: sigma must be nonnegative; got {fmt(sigma)}")
    return s


class _Pyramid:
    """The checked arguments shared by the pyramid twins."""

    def __init__(
        self, image: ArrayLike, factor: Any, sigma: Any, order: Any, mode: Any, cval: Any,
        preserve_range: Any, channel_axis: Any, *, fn: str, name: str,
    ) -> None:  # fmt: skip
        x = _image(image, fn=fn)
        self.factor = _factor(factor, fn=fn, name=name)
        self.sigma = _sigma(sigma, self.factor, fn=fn)
        self.order = static_int(order, fn=fn, name="order", minimum=0, maximum=5)
        self.mode = mode
        self.behaviour = _behaviour(mode, fn=fn)
        self.cval = cval
        self.spatial = spatial_axes(x.ndim, channel_axis, fn=fn)
        self.fn = fn
        self.x = _to_float(x, preserve_range, fn=fn)

    def shape(self, shape: tuple[int, ...], *, up: bool) -> tuple[int, ...]:
        f = self.factor
        return tuple(
            (math.ceil(f * n) if up else math.ceil(n / f)) if a in self.spatial else n
            for a, n in enumerate(shape)
        )

    def smooth(self, x: jax.Array) -> jax.Array:
        sigmas = [self.sigma if a in self.spatial else 0.0 for a in range(x.ndim)]
        cv = _dtypes.as_scalar(self.cval, fn=self.fn, name="cval", complex_ok=False)
        return _blur(x, sigmas, self.behaviour, cv.astype(x.dtype), fn=self.fn)

    def resize(self, x: jax.Array, shape: tuple[int, ...]) -> jax.Array:
        return _resize(
            x, shape, order=self.order, mode=self.mode, cval=self.cval, clip=True,
            preserve_range=False, anti_aliasing=False, anti_aliasing_sigma=None, fn=self.fn,
        )  # fmt: skip

    def reduce(self, x: jax.Array) -> jax.Array:
        return self.resize(self.smooth(x), self.shape(x.shape, up=False))


def pyramid_reduce(
    image: ArrayLike,
    downscale: float = 2,
    sigma: float | None = None,
    order: int = 1,
    mode: str = "reflect",
    cval: float = 0,
    preserve_range: bool = False,
    *,
    channel_axis: int | None = None,
) -> jax.Array:
    """``skimage.transform.pyramid_reduce``: smooth, then :func:`resize` to ``ceil(n / downscale)``.

    Args:
      image: the image (``img_as_float`` unless ``preserve_range``).
      downscale: the factor, > 1. Static.
      sigma: the Gaussian's σ (default ``2 * downscale / 6``). Static.
      order: B-spline order 0-5 of the resize. Static.
      mode: ``numpy.pad``'s name, for the blur and the resize alike. Static.
      cval: value beyond the edges for ``'constant'``. Traced.
      preserve_range: keep the input's values. Static.
      channel_axis: the axis that is not reduced, or None. Static.

    Returns:
      The reduced image, float.

    Raises:
      ValueError: ``downscale <= 1``, a bad order, mode or axis.

    Examples:
      >>> import numpy as np
      >>> from jaxresample.transform import pyramid_reduce
      >>> pyramid_reduce(np.zeros((9, 4))).shape
      (5, 2)
    """
    p = _Pyramid(image, downscale, sigma, order, mode, cval, preserve_range, channel_axis,
                 fn="pyramid_reduce", name="downscale")  # fmt: skip
    return p.reduce(p.x)


def pyramid_expand(
    image: ArrayLike,
    upscale: float = 2,
    sigma: float | None = None,
    order: int = 1,
    mode: str = "reflect",
    cval: float = 0,
    preserve_range: bool = False,
    *,
    channel_axis: int | None = None,
) -> jax.Array:
    """``skimage.transform.pyramid_expand``: :func:`resize` to ``ceil(n * upscale)``, then smooth.

    Args:
      image: the image (``img_as_float`` unless ``preserve_range``).
      upscale: the factor, > 1. Static.
      sigma: the Gaussian's σ (default ``2 * upscale / 6``). Static.
      order: B-spline order 0-5 of the resize. Static.
      mode: ``numpy.pad``'s name, for the resize and the blur alike. Static.
      cval: value beyond the edges for ``'constant'``. Traced.
      preserve_range: keep the input's values. Static.
      channel_axis: the axis that is not expanded, or None. Static.

    Returns:
      The expanded image, float.

    Raises:
      ValueError: ``upscale <= 1``, a bad order, mode or axis.

    Examples:
      >>> import numpy as np
      >>> from jaxresample.transform import pyramid_expand
      >>> pyramid_expand(np.zeros((5, 2)), upscale=1.5).shape
      (8, 3)
    """
    p = _Pyramid(image, upscale, sigma, order, mode, cval, preserve_range, channel_axis,
                 fn="pyramid_expand", name="upscale")  # fmt: skip
    return p.smooth(p.resize(p.x, p.shape(p.x.shape, up=True)))


def _max_layer(max_layer: Any, *, fn: str) -> int:
    return static_int(max_layer, fn=fn, name="max_layer", minimum=-1)


def pyramid_gaussian(
    image: ArrayLike,
    max_layer: int = -1,
    downscale: float = 2,
    sigma: float | None = None,
    order: int = 1,
    mode: str = "reflect",
    cval: float = 0,
    preserve_range: bool = False,
    *,
    channel_axis: int | None = None,
) -> Iterator[jax.Array]:
    """``skimage.transform.pyramid_gaussian``: a generator of the image and its reductions.

    Layer 0 is the image; each next layer is :func:`pyramid_reduce` of the previous, until
    ``max_layer`` layers were reduced (-1: no limit) or the shape stops changing. For a
    jit-friendly pyramid with a static number of levels use
    :func:`jaxresample.gaussian_pyramid`.

    Args:
      image: the image (``img_as_float`` unless ``preserve_range``).
      max_layer: the number of reductions, -1 for as many as change the shape. Static.
      downscale: the factor, > 1. Static.
      sigma: the Gaussian's σ (default ``2 * downscale / 6``). Static.
      order: B-spline order 0-5 of the resize. Static.
      mode: ``numpy.pad``'s name. Static.
      cval: value beyond the edges for ``'constant'``. Traced.
      preserve_range: keep the input's values. Static.
      channel_axis: the axis that is not reduced, or None. Static.

    Returns:
      A generator of the layers.

    Raises:
      ValueError: ``downscale <= 1``, ``max_layer < -1``, a bad order, mode or axis (on
        the call, before the first layer).

    Examples:
      >>> import numpy as np
      >>> from jaxresample.transform import pyramid_gaussian
      >>> [layer.shape for layer in pyramid_gaussian(np.zeros((5, 3)))]
      [(5, 3), (3, 2), (2, 1), (1, 1)]
    """
    fn = "pyramid_gaussian"
    top = _max_layer(max_layer, fn=fn)
    p = _Pyramid(image, downscale, sigma, order, mode, cval, preserve_range, channel_axis,
                 fn=fn, name="downscale")  # fmt: skip
    return _gaussian_layers(p, top)


def _gaussian_layers(p: _Pyramid, max_layer: int) -> Iterator[jax.Array]:
    layer, x = 0, p.x
    yield x
    while layer != max_layer:
        layer += 1
        y = p.reduce(x)
        if y.shape == x.shape:  # no change: scikit-image stops
            break
        x = y
        yield y


def pyramid_laplacian(
    image: ArrayLike,
    max_layer: int = -1,
    downscale: float = 2,
    sigma: float | None = None,
    order: int = 1,
    mode: str = "reflect",
    cval: float = 0,
    preserve_range: bool = False,
    *,
    channel_axis: int | None = None,
) -> Iterator[jax.Array]:
    """``skimage.transform.pyramid_laplacian``: a generator of differences of Gaussians.

    Layer ``i`` is ``g_i - smooth(g_i)``, with ``g_0`` the image and ``g_{i+1}`` the resized
    ``smooth(g_i)``; ``max_layer=-1`` gives ``ceil(log_downscale(max spatial size))``
    layers after the first. This is scikit-image's band-pass stack; it has no inverse (use
    :func:`jaxresample.laplacian_pyramid` and :func:`jaxresample.collapse_laplacian` for a
    pyramid that reconstructs the image exactly).

    Args:
      image: the image (``img_as_float`` unless ``preserve_range``).
      max_layer: the number of layers after the first, -1 for scikit-image's rule. Static.
      downscale: the factor, > 1. Static.
      sigma: the Gaussian's σ (default ``2 * downscale / 6``). Static.
      order: B-spline order 0-5 of the resize. Static.
      mode: ``numpy.pad``'s name. Static.
      cval: value beyond the edges for ``'constant'``. Traced.
      preserve_range: keep the input's values. Static.
      channel_axis: the axis that is not reduced, or None. Static.

    Returns:
      A generator of the layers.

    Raises:
      ValueError: ``downscale <= 1``, ``max_layer < -1``, a bad order, mode or axis.

    Examples:
      >>> import numpy as np
      >>> from jaxresample.transform import pyramid_laplacian
      >>> [layer.shape for layer in pyramid_laplacian(np.zeros((5, 3)))]
      [(5, 3), (3, 2), (2, 1), (1, 1)]
    """
    fn = "pyramid_laplacian"
    top = _max_layer(max_layer, fn=fn)
    p = _Pyramid(image, downscale, sigma, order, mode, cval, preserve_range, channel_axis,
                 fn=fn, name="downscale")  # fmt: skip
    if top == -1:
        top = math.ceil(math.log(max(p.x.shape[a] for a in p.spatial), p.factor))
    return _laplacian_layers(p, top)


def _laplacian_layers(p: _Pyramid, max_layer: int) -> Iterator[jax.Array]:
    smoothed = p.smooth(p.x)
    yield p.x - smoothed
    for _ in range(max_layer):
        resized = p.resize(smoothed, p.shape(smoothed.shape, up=False))
        smoothed = p.smooth(resized)
        yield resized - smoothed
