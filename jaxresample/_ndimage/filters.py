"""scipy.ndimage's 1-D correlation and Gaussian filters, in JAX.

Each public function validates and normalises its static arguments, then calls a private
function of the engine jitted on the structural parameters only. ``weights``, ``sigma``
(once ``radius`` is known) and ``cval`` are traced: differentiable and vmappable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import numpy as np
from jax.typing import ArrayLike

from .. import _validation
from .._engine.filtering import (
    _axis,
    _check_input,
    _correlate1d_checked,
    gaussian,
)
from .._kernels import (
    check_order,
)
from .._validation import fmt

__all__ = ["convolve1d", "correlate1d", "gaussian_filter", "gaussian_filter1d"]

# ----------------------------------------------------------------------------- correlate1d


def correlate1d(
    input: ArrayLike,
    weights: ArrayLike,
    axis: int = -1,
    output: Any = None,
    mode: str = "reflect",
    cval: ArrayLike = 0.0,
    origin: int = 0,
) -> jax.Array:
    """Correlate along one axis with the given weights.

    SciPy equivalent: :func:`scipy.ndimage.correlate1d`

    ``out[i] = sum_j weights[j] * input[i + j - len(weights) // 2 - origin]``, with samples
    outside the axis given by ``mode``.

    Args:
      input: array of any shape; integer, floating or complex dtype.
      weights: 1-D array of at least one weight. Traced (differentiable). Complex weights are
        conjugated, as scipy does.
      axis: the axis to filter. Static.
      output: None or a dtype (the result's dtype; default the input's). Static.
      mode: boundary mode, one of :data:`jaxresample._modes.FILTER_MODES`. Static.
      cval: the value outside the edges for ``'constant'``/``'grid-constant'``. Traced.
      origin: shift of the filter's centre, ``-(len(weights) // 2) <= origin <=
        (len(weights) - 1) // 2``. Static.

    Returns:
      Array of the input's shape, of dtype ``output`` (integers truncated toward zero).

    Raises:
      ValueError: bad ``origin`` or ``axis``; complex ``cval`` with real input.
      RuntimeError: (a :class:`ScipyRuntimeError`, also a ValueError) no weights, or an
        unknown ``mode``.
      TypeError: bool input, float ``axis``, an array as ``output``.

    Differences from SciPy:
      float16/bfloat16 inputs are accepted (computed in float32); scipy refuses float16.
      Work happens in float32 unless x64 is enabled (scipy: float64), so integer results can
      differ by one where the exact result lies within float32 rounding of an integer.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample.ndimage import correlate1d
      >>> correlate1d(jnp.array([2, 8, 0, 4, 1, 9, 9, 0], jnp.int32), jnp.array([1, 3]))
      Array([ 8, 26,  8, 12,  7, 28, 36,  9], dtype=int32)
    """
    fn = "correlate1d"
    return _correlate1d_checked(input, weights, axis, output, mode, cval, origin, fn=fn)


def convolve1d(
    input: ArrayLike,
    weights: ArrayLike,
    axis: int = -1,
    output: Any = None,
    mode: str = "reflect",
    cval: ArrayLike = 0.0,
    origin: int = 0,
) -> jax.Array:
    """Convolve along one axis with the given weights.

    SciPy equivalent: :func:`scipy.ndimage.convolve1d`

    The same as :func:`correlate1d` with the weights reversed and the origin mirrored
    (``-origin``, and one more to the left for an even number of weights), as scipy does.
    Complex weights are not conjugated.

    Args:
      input: array of any shape; integer, floating or complex dtype.
      weights: 1-D array of at least one weight. Traced (differentiable).
      axis: the axis to filter. Static.
      output: None or a dtype. Static.
      mode: boundary mode, one of :data:`jaxresample._modes.FILTER_MODES`. Static.
      cval: the value outside the edges for the constant modes. Traced.
      origin: shift of the filter's centre. Static.

    Returns:
      Array of the input's shape, of dtype ``output`` (integers truncated toward zero).

    Raises:
      ValueError: bad ``origin`` or ``axis``; complex ``cval`` with real input.
      RuntimeError: (:class:`ScipyRuntimeError`) no weights, or an unknown ``mode``.
      TypeError: bool input, float ``axis``, an array as ``output``.

    Differences from SciPy:
      As for :func:`correlate1d`.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample.ndimage import convolve1d
      >>> convolve1d(jnp.array([2, 8, 0, 4, 1, 9, 9, 0], jnp.int32), jnp.array([1, 3]))
      Array([14, 24,  4, 13, 12, 36, 27,  0], dtype=int32)
    """
    return _correlate1d_checked(
        input, weights, axis, output, mode, cval, origin, fn="convolve1d", flip=True
    )


# ----------------------------------------------------------------------------- Gaussian


def gaussian_filter1d(
    input: ArrayLike,
    sigma: ArrayLike,
    axis: int = -1,
    order: int = 0,
    output: Any = None,
    mode: str = "reflect",
    cval: ArrayLike = 0.0,
    truncate: float = 4.0,
    *,
    radius: int | None = None,
) -> jax.Array:
    """Filter along one axis with a Gaussian (or a Gaussian derivative) kernel.

    SciPy equivalent: :func:`scipy.ndimage.gaussian_filter1d`

    The kernel is :func:`jaxresample.gaussian_kernel1d` (``method='sampled'``) of length
    ``2 * radius + 1``, ``radius = int(truncate * sigma + 0.5)`` unless given.

    Args:
      input: array of any shape; integer, floating or complex dtype.
      sigma: standard deviation in samples. Traced (differentiable, vmappable) when
        ``radius`` is given; otherwise it must be concrete (it sets the kernel size).
      axis: the axis to filter. Static.
      order: derivative order, ``>= 0``. Static.
      output: None or a dtype. Static.
      mode: boundary mode, one of :data:`jaxresample._modes.FILTER_MODES`. Static.
      cval: the value outside the edges for the constant modes. Traced.
      truncate: radius in standard deviations when ``radius`` is None. Static.
      radius: kernel half-length, a nonnegative integer. Static.

    Returns:
      Array of the input's shape, of dtype ``output`` (integers truncated toward zero).

    Raises:
      ValueError: negative ``sigma``; negative or non-integer ``radius``; bad ``axis``.
      TypeError: traced ``sigma`` with ``radius=None``; bool input; float ``axis``.
      RuntimeError: (:class:`ScipyRuntimeError`) unknown ``mode``.

    Differences from SciPy:
      Any negative ``sigma`` is a ValueError (scipy accepts small negative values and
      refuses others through the radius check). float16/bfloat16 inputs are accepted.
      Work happens in float32 unless x64 is enabled. A NaN spreads over the kernel's
      support only, as in scipy.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample.ndimage import gaussian_filter1d
      >>> import numpy as np
      >>> y = gaussian_filter1d(jnp.array([1.0, 2.0, 3.0, 4.0, 5.0], jnp.float32), 1)
      >>> str(y.dtype)
      'float32'
      >>> print(np.asarray(y).round(4))
      [1.427  2.0678 3.     3.9322 4.573 ]
    """
    fn = "gaussian_filter1d"
    x = _check_input(input, fn=fn)
    if x.ndim == 0:
        raise ValueError(f"{fn}: input must have at least one dimension")
    ax = _axis(axis, x.ndim, fn=fn)
    if np.ndim(sigma) != 0:
        raise ValueError(f"{fn}: sigma must be a scalar; got {fmt(sigma)}")
    order = check_order(order, fn=fn)
    return gaussian(
        x, (sigma,), axes=(ax,), orders=(order,), output=output, mode=(mode,), cval=cval,
        truncate=truncate, radius=(radius,), fn=fn, skip_zero=False,
    )  # fmt: skip


def gaussian_filter(
    input: ArrayLike,
    sigma: ArrayLike | Sequence[ArrayLike],
    order: int | Sequence[int] = 0,
    output: Any = None,
    mode: str | Sequence[str] = "reflect",
    cval: ArrayLike = 0.0,
    truncate: float = 4.0,
    *,
    radius: int | Sequence[int] | None = None,
    axes: int | Sequence[int] | None = None,
) -> jax.Array:
    """Filter with a separable n-D Gaussian (or Gaussian derivative) kernel.

    SciPy equivalent: :func:`scipy.ndimage.gaussian_filter`

    One :func:`gaussian_filter1d` per axis, in the order of ``axes``; axes with
    ``sigma <= 1e-15`` are skipped, as scipy does. For integer outputs each intermediate
    result is truncated to the output dtype, as scipy stores it there.

    Args:
      input: array of any shape; integer, floating or complex dtype.
      sigma: standard deviation per axis in samples (a scalar or one per axis). Traced
        (differentiable, vmappable) when ``radius`` is given, else concrete.
      order: derivative order per axis, ``>= 0``. Static.
      output: None or a dtype. Static.
      mode: boundary mode (or one per axis), from :data:`jaxresample._modes.FILTER_MODES`.
        Static.
      cval: the value outside the edges for the constant modes. Traced.
      truncate: radius in standard deviations when ``radius`` is None. Static.
      radius: kernel half-length per axis, nonnegative integers. Static.
      axes: the axes to filter (default all). Per-axis sequences follow its order. Static.

    Returns:
      Array of the input's shape, of dtype ``output`` (integers truncated toward zero).

    Raises:
      ValueError: negative ``sigma``; negative or non-integer ``radius``; out-of-range or
        repeated ``axes``.
      RuntimeError: (:class:`ScipyRuntimeError`, also a ValueError) a per-axis sequence whose
        length is not the number of axes; an unknown ``mode``.
      TypeError: traced ``sigma`` with ``radius=None``; bool input; float ``axes``; an array
        as ``output``.

    Differences from SciPy:
      A negative ``sigma`` is a ValueError (scipy silently skips the axis). A traced
      ``sigma`` is never skipped, even if it is 0 (use a concrete 0 to skip an axis).
      float16/bfloat16 inputs are accepted (computed in float32, cast back; scipy refuses
      float16). Work happens in float32 unless x64 is enabled (scipy: float64), so integer
      results can differ by one where the exact value is within float32 rounding of an
      integer. NaN or inf in the input spreads over the kernel's support only.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample.ndimage import gaussian_filter
      >>> a = jnp.arange(0, 50, 2, dtype=jnp.int32).reshape(5, 5)
      >>> gaussian_filter(a, sigma=1)
      Array([[ 4,  6,  8,  9, 11],
             [10, 12, 14, 15, 17],
             [20, 22, 24, 25, 27],
             [29, 31, 33, 34, 36],
             [35, 37, 39, 40, 42]], dtype=int32)
    """
    fn = "gaussian_filter"
    x = _check_input(input, fn=fn)
    ax = _validation.axes_tuple(axes, x.ndim, fn=fn)
    orders = tuple(
        check_order(o, fn=fn) for o in _validation.per_axis(order, len(ax), fn=fn, name="order")
    )
    return gaussian(
        x, sigma, axes=ax, orders=orders, output=output, mode=mode, cval=cval,
        truncate=truncate, radius=radius, fn=fn,
    )  # fmt: skip
