"""One pyramid step: ``subsample``, ``pyramid_reduce`` (blur, then sample) and ``pyramid_expand``.

Downsampling without aliasing is a low-pass filter followed by sub-sampling (Nyquist: the
blur removes what the coarser grid cannot hold). ``pyramid_reduce`` blurs with a Gaussian of
``sigma = 2 * downscale / 6`` (scikit-image's default) and samples the result at the cell
centres of the coarser grid; ``pyramid_expand`` samples at the finer grid, then blurs. With
``kernel='binomial'`` both are OpenCV's ``pyrDown`` / ``pyrUp`` (the 5-tap ``[1 4 6 4 1]/16``
kernel, even samples kept; expansion by zero insertion and 2x the kernel per axis).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from .. import _choices, _dtypes, _modes
from .._engine.filtering import gaussian
from .._engine.sampler import Sampling
from .._engine.separable import resample_separable
from .._engine.strided import strided_correlate
from .._limits import check_array
from .._validation import (
    axes_tuple,
    check_choice,
    concrete_float,
    fmt,
    per_axis,
    single_axis,
    static_int,
)
from .steps import (
    binomial_expand_step,
    binomial_reduce_step,
    grid_coordinates,
    reduced_size,
    strided_reduce_step,
)

__all__ = [
    "Step",
    "as_cval",
    "as_image",
    "spatial_axes",
    "prepare",
    "expand",
    "expanded_shape",
    "pyramid_expand",
    "pyramid_reduce",
    "reduce",
    "step_options",
    "subsample",
]


@dataclasses.dataclass(frozen=True)
class Step:
    """The checked options of a reduce or expand step (static; ``cval`` is traced apart)."""

    factor: float
    sigma: float
    order: int
    mode: str
    kernel: str
    spatial: tuple[int, ...]


def as_image(image: ArrayLike, *, fn: str) -> jax.Array:
    """The image as a float array in the library's compute dtype (float32, float64 under x64)."""
    x = _dtypes.as_array(image, fn=fn, name="image", complex_ok=False, bool_ok=True)
    if x.ndim == 0:
        raise ValueError(f"{fn}: image must have at least one dimension; got a scalar")
    return x.astype(_dtypes.compute_dtype(x.dtype))


def step_options(
    x: jax.Array,
    *,
    factor: Any,
    sigma: Any,
    order: Any,
    mode: Any,
    channel_axis: Any,
    kernel: Any,
    fn: str,
    name: str,
) -> Step:
    """Check the options shared by the reduce and expand steps and the pyramids."""
    kernel = check_choice(kernel, _choices.PYRAMID_KERNELS, fn=fn, name="kernel")
    f = concrete_float(factor, fn=fn, name=name, fix=f"{name} sets the output shape")
    if not f > 1:
        raise ValueError(f"{fn}: {name} must be greater than 1; got {fmt(factor)}")
    if kernel == "binomial" and f != 2:
        raise ValueError(f"{fn}: kernel='binomial' needs {name}=2 (OpenCV's); got {fmt(factor)}")
    if sigma is None:
        s = 2 * f / 6
    else:
        s = concrete_float(sigma, fn=fn, name="sigma", fix="sigma sets the kernel size")
        if s < 0:
            raise ValueError(f"{fn}: sigma must be nonnegative; got {fmt(sigma)}")
    if kernel == "binomial" and sigma is not None:
        raise ValueError(f"{fn}: sigma applies to kernel='gaussian' only; got sigma={fmt(sigma)}")
    o = static_int(order, fn=fn, name="order", minimum=0, maximum=5)
    if mode is None:
        mode = "mirror" if kernel == "binomial" else "reflect"
    _modes.resolve(mode, family="filter", fn=fn)
    return Step(f, s, o, mode, kernel, spatial_axes(x.ndim, channel_axis, fn=fn))


def spatial_axes(ndim: int, channel_axis: Any, *, fn: str) -> tuple[int, ...]:
    """Every axis but ``channel_axis`` (None: every axis)."""
    if channel_axis is None:
        return tuple(range(ndim))
    c = single_axis(channel_axis, ndim, fn=fn, name="channel_axis")
    return tuple(a for a in range(ndim) if a != c)


def as_cval(cval: Any, dtype: Any, *, fn: str) -> jax.Array:
    return _dtypes.as_scalar(cval, fn=fn, name="cval", complex_ok=False).astype(dtype)


def prepare(
    image: ArrayLike, cval: Any, *, fn: str, **options: Any
) -> tuple[jax.Array, Step, jax.Array]:
    """What every public pyramid function starts with.

    Returns the image as a float array, the checked step (``options`` are
    :func:`step_options`'s keywords) and ``cval`` in the image's dtype.
    """
    x = as_image(image, fn=fn)
    step = step_options(x, fn=fn, **options)
    return x, step, as_cval(cval, x.dtype, fn=fn)


def reduce(x: jax.Array, cval: jax.Array, step: Step, *, fn: str) -> jax.Array:
    """One reduce step of a float image ``x`` (options already checked)."""
    shape = list(x.shape)
    for a in step.spatial:
        shape[a] = reduced_size(x.shape[a], step.factor, step.kernel)
    if x.size == 0:
        return jnp.zeros(shape, x.dtype)
    if step.kernel == "binomial":
        steps = [binomial_reduce_step(x.shape[a], a, mode=step.mode) for a in step.spatial]
        return strided_correlate(x, cval, steps, out_dtype=x.dtype)
    fused = [
        strided_reduce_step(
            x.shape[a], shape[a], a, sigma=step.sigma, order=step.order, mode=step.mode
        )
        for a in step.spatial
    ]
    found = [s for s in fused if s is not None]
    if len(found) == len(fused):
        # most shrinking axis first, so the later axes work on less data
        found.sort(key=lambda s: (s.size / x.shape[s.axis], s.axis))
        return strided_correlate(x, cval, found, out_dtype=x.dtype)
    # A size that the stride does not divide, or a spline that needs its prefilter: blur
    # everywhere, then sample the cell centres of the coarser grid.
    blurred = _blur(x, cval, step, fn=fn)
    return _sample(blurred, cval, tuple(shape), step)


def expand(
    x: jax.Array, cval: jax.Array, step: Step, out_shape: tuple[int, ...], *, fn: str
) -> jax.Array:
    """One expand step of a float image ``x`` to ``out_shape`` (options already checked)."""
    if x.size == 0 or math.prod(out_shape) == 0:
        return jnp.zeros(out_shape, x.dtype)
    if step.kernel == "binomial":
        # OpenCV's pyrUp: the 2n-sample result, cropped to 2n - 1 where asked
        z = x
        for a in step.spatial:
            z = _zero_insert(z, a)
        steps = [binomial_expand_step(z.shape[a], a, mode=step.mode) for a in step.spatial]
        full = strided_correlate(z, cval, steps, out_dtype=x.dtype)
        return full[tuple(slice(0, m) for m in out_shape)]
    return _blur(_sample(x, cval, out_shape, step), cval, step, fn=fn)


def _zero_insert(x: jax.Array, axis: int) -> jax.Array:
    """``x``'s samples at the even positions of a zero-filled axis twice as long."""
    z = jnp.stack([x, jnp.zeros_like(x)], axis=axis + 1)
    shape = list(x.shape)
    shape[axis] = 2 * x.shape[axis]
    return z.reshape(shape)


def _blur(x: jax.Array, cval: jax.Array, step: Step, *, fn: str) -> jax.Array:
    n = len(step.spatial)
    return gaussian(
        x, (step.sigma,) * n, axes=step.spatial, orders=(0,) * n, mode=step.mode, cval=cval,
        fn=fn, native=True,
    )  # fmt: skip


def _sample(x: jax.Array, cval: jax.Array, shape: tuple[int, ...], step: Step) -> jax.Array:
    """``x`` sampled at the cell centres of a grid of ``shape`` over the same extent."""
    behaviour = _modes.resolve(step.mode, family="interp", fn="pyramid")
    coords = [
        grid_coordinates(x.shape[a], shape[a]) if a in step.spatial
        else np.arange(x.shape[a], dtype=np.float64)
        for a in range(x.ndim)
    ]  # fmt: skip
    sampling = Sampling(x, x.dtype, step.order, behaviour, x.dtype, cval)
    return resample_separable(sampling, coords, shape, prefilter=True)


def subsample(
    image: ArrayLike,
    *,
    factor: int | Sequence[int] = 2,
    axes: int | Sequence[int] | None = None,
    offset: int | Sequence[int] = 0,
) -> jax.Array:
    """Keep every ``factor``-th sample along ``axes``, starting at ``offset``.

    No filter: frequencies above the new Nyquist limit fold back as aliasing (a fine
    stripe pattern can come out as a coarse one). To downsample an image, blur first:
    :func:`pyramid_reduce`.

    Args:
      image: array of any shape and dtype (kept).
      factor: the step, one positive integer or one per axis of ``axes``. Static.
      axes: the axes subsampled (default: all). Static.
      offset: the first sample kept, in ``[0, factor)``, one or per axis. Static.

    Returns:
      ``image[offset::factor]`` along each axis of ``axes``.

    Raises:
      ValueError: a factor below 1, an offset outside ``[0, factor)``, a bad axis.
      TypeError: non-integer factors or offsets.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample import subsample
      >>> print(subsample(jnp.arange(7.0), factor=3, offset=1))
      [1. 4.]
    """
    fn = "subsample"
    x = _dtypes.as_array(image, fn=fn, name="image", bool_ok=True)
    ax = axes_tuple(axes, x.ndim, fn=fn)
    factors = [
        static_int(f, fn=fn, name="factor", minimum=1)
        for f in per_axis(factor, len(ax), fn=fn, name="factor")
    ]
    offsets = per_axis(offset, len(ax), fn=fn, name="offset")
    index: list[Any] = [slice(None)] * x.ndim
    for a, f, o in zip(ax, factors, offsets, strict=True):
        start = static_int(o, fn=fn, name="offset", minimum=0, maximum=f - 1)
        index[a] = slice(start, None, f)
    return x[tuple(index)]


def pyramid_reduce(
    image: ArrayLike,
    *,
    downscale: float = 2,
    sigma: float | None = None,
    order: int = 1,
    mode: str | None = None,
    cval: ArrayLike = 0.0,
    channel_axis: int | None = None,
    kernel: _choices.PyramidKernel = "gaussian",
) -> jax.Array:
    """Blur, then sample every axis on a grid ``downscale`` times coarser.

    The output has ``ceil(n / downscale)`` samples per axis (scikit-image's rule; OpenCV's
    ``(n + 1) // 2`` is the same number for ``downscale=2``), centred in the cells of the
    coarser grid over the same extent. The blur is a Gaussian of ``sigma`` (default
    ``2 * downscale / 6``, which puts 99 % of the kernel within ``downscale`` samples); the
    coarser samples are read from the blurred image with a B-spline of ``order``. Where the
    stride divides the axis and ``order <= 1`` the blur is computed only at the samples kept.

    Args:
      image: array, integer or floating (computed in float32; float64 under x64).
      downscale: the factor, > 1. Static.
      sigma: the Gaussian's standard deviation in input samples; None for the default.
        Static (it sets the kernel size).
      order: B-spline order (0-5) of the sampling. Static.
      mode: boundary mode (scipy's names) of the blur and of the sampling, the same
        convention for both; default ``'reflect'`` (``'mirror'``, OpenCV's reflect-101,
        for ``kernel='binomial'``). Static.
      cval: value outside the image for the constant modes. Traced.
      channel_axis: an axis that is not spatial (kept whole), or None. Static.
      kernel: ``'gaussian'``, or ``'binomial'`` for OpenCV's ``pyrDown`` (``downscale=2``,
        no ``sigma``; the even samples kept). Static.

    Returns:
      The reduced image, float.

    Raises:
      ValueError: ``downscale <= 1``, a negative sigma, a bad axis, binomial with another
        factor or with a sigma.
      TypeError: traced ``downscale`` or ``sigma``; complex data.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample import pyramid_reduce
      >>> pyramid_reduce(jnp.ones((6, 5))).shape
      (3, 3)
      >>> print(pyramid_reduce(jnp.arange(8.0), sigma=0.0))
      [0.5 2.5 4.5 6.5]
    """
    fn = "pyramid_reduce"
    x, step, cv = prepare(
        image, cval, fn=fn, name="downscale", factor=downscale, sigma=sigma, order=order,
        mode=mode, channel_axis=channel_axis, kernel=kernel,
    )  # fmt: skip
    return reduce(x, cv, step, fn=fn)


def pyramid_expand(
    image: ArrayLike,
    *,
    upscale: float = 2,
    output_shape: Sequence[int] | None = None,
    sigma: float | None = None,
    order: int = 1,
    mode: str | None = None,
    cval: ArrayLike = 0.0,
    channel_axis: int | None = None,
    kernel: _choices.PyramidKernel = "gaussian",
) -> jax.Array:
    """Sample every axis on a grid ``upscale`` times finer, then blur.

    The output has ``round(n * upscale)`` samples per axis unless ``output_shape`` says
    otherwise (a Laplacian pyramid expands each level to the shape of the one below). The
    finer samples are read with a B-spline of ``order`` at the cell centres of the finer
    grid over the same extent, then blurred with a Gaussian of ``sigma`` (default
    ``2 * upscale / 6``, scikit-image's ``pyramid_expand``). ``kernel='binomial'`` is
    OpenCV's ``pyrUp``: zeros inserted between the samples, then 2x the binomial kernel
    per axis (4x in 2-D).

    Args:
      image: array, integer or floating (computed in float32; float64 under x64).
      upscale: the factor, > 1. Static.
      output_shape: the output's shape (the channel axis keeps its size); for the
        binomial kernel each axis must be ``2 n`` or ``2 n - 1``. Static.
      sigma: the Gaussian's standard deviation in output samples; None for the default.
        Static.
      order: B-spline order (0-5) of the sampling. Static.
      mode: boundary mode (scipy's names) of the sampling and of the blur; default
        ``'reflect'`` (``'mirror'`` for the binomial kernel). Static.
      cval: value outside the image for the constant modes. Traced.
      channel_axis: an axis that is not spatial, or None. Static.
      kernel: ``'gaussian'`` or ``'binomial'`` (OpenCV's ``pyrUp``, ``upscale=2``). Static.

    Returns:
      The expanded image, float.

    Raises:
      ValueError: ``upscale <= 1``, a bad ``output_shape``, a negative sigma, a bad axis.
      TypeError: traced ``upscale`` or ``sigma``; complex data.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample import pyramid_expand
      >>> pyramid_expand(jnp.ones((3, 2))).shape
      (6, 4)
      >>> print(pyramid_expand(jnp.array([0.0, 4.0]), sigma=0.0))
      [0. 1. 3. 4.]
    """
    fn = "pyramid_expand"
    x, step, cv = prepare(
        image, cval, fn=fn, name="upscale", factor=upscale, sigma=sigma, order=order,
        mode=mode, channel_axis=channel_axis, kernel=kernel,
    )  # fmt: skip
    shape = expanded_shape(x.shape, step, output_shape, fn=fn)
    check_array(shape, x.dtype, fn=fn)
    return expand(x, cv, step, shape, fn=fn)


def expanded_shape(
    shape: tuple[int, ...], step: Step, output_shape: Any, *, fn: str
) -> tuple[int, ...]:
    """The shape an expand step produces: ``round(n * factor)``, or ``output_shape`` checked."""
    if output_shape is None:
        out = list(shape)
        for a in step.spatial:
            out[a] = int(round(shape[a] * step.factor))
        return tuple(out)
    if isinstance(output_shape, (str, bytes)) or np.ndim(output_shape) != 1:
        raise TypeError(f"{fn}: output_shape must be a sequence of ints; got {fmt(output_shape)}")
    out_shape = tuple(static_int(s, fn=fn, name="output_shape", minimum=0) for s in output_shape)
    if len(out_shape) != len(shape):
        raise ValueError(
            f"{fn}: output_shape must have one entry per axis of the image ({len(shape)}); "
            f"got {fmt(output_shape)}"
        )
    for a in range(len(shape)):
        if a not in step.spatial and out_shape[a] != shape[a]:
            raise ValueError(
                f"{fn}: output_shape must keep the channel axis {a} ({shape[a]}); "
                f"got {fmt(output_shape)}"
            )
        if step.kernel == "binomial" and a in step.spatial:
            if out_shape[a] not in (2 * shape[a], 2 * shape[a] - 1):
                raise ValueError(
                    f"{fn}: with kernel='binomial' each axis must become 2n or 2n - 1 samples "
                    f"(OpenCV's pyrUp); got output_shape={fmt(output_shape)} for shape {shape}"
                )
    return out_shape
