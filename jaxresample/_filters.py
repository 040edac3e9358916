"""scipy.ndimage's 1-D correlation and Gaussian filters, in JAX.

Each public function validates and normalises its static arguments, then calls a private
function jitted on the structural parameters only (DESIGN §2.3a). ``weights``, ``sigma``
(once ``radius`` is known) and ``cval`` are traced: differentiable and vmappable.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from . import _dtypes, _modes, _validation
from ._compile import cpu_tuned_jit
from ._correlate import correlate_axes
from ._kernels import (
    SIGMA_ZERO,
    check_finite_kernel,
    check_order,
    check_sigma,
    check_truncate,
    filter_radius,
    sampled_kernel,
)
from ._validation import ScipyRuntimeError, fmt, is_traced

__all__ = ["convolve1d", "correlate1d", "gaussian_filter", "gaussian_filter1d"]

# ----------------------------------------------------------------------------- helpers


def _axis(axis: Any, ndim: int, *, fn: str) -> int:
    return _validation.single_axis(axis, ndim, fn=fn) if ndim else 0


def _check_input(input: ArrayLike, *, fn: str) -> jax.Array:
    return _dtypes.as_array(input, fn=fn)


def _check_cval(cval: Any, x_dtype: Any, *, fn: str) -> jax.Array:
    """``cval`` as a 0-d array; complex only for complex inputs (scipy's rule)."""
    return _dtypes.as_scalar(cval, fn=fn, name="cval", complex_ok=np.dtype(x_dtype).kind == "c")


def _snap(y: jax.Array, out_dtype: np.dtype, ulps: int = 8) -> jax.Array:
    """Snap results within a few ulps of an integer onto it, for integer outputs.

    scipy computes in float64 and truncates toward zero, so an exact result of 14 (a linear
    ramp, a constant region) stays 14; float32 rounding (or float64 rounding in another
    order of operations) would often give 13.999999 -> 13.
    Snapping within ``ulps * eps * |y|`` restores the exact value; a result that is *not* an integer
    but lies that close to one (rare) may then differ from scipy by one.
    """
    if out_dtype.kind not in "iu" or not jnp.issubdtype(y.dtype, jnp.floating):
        return y
    r = jnp.round(y)
    tol = ulps * float(np.finfo(y.dtype).eps)
    close = jnp.abs(y - r) <= tol * jnp.maximum(jnp.abs(y), 1.0)
    return jnp.where(close, r, y)


def _cast(y: jax.Array, out_dtype: np.dtype, ulps: int = 8) -> jax.Array:
    """Cast a float result to the output dtype with scipy's filter rule (truncation)."""
    return _dtypes.cast_result(_snap(y, out_dtype, ulps), out_dtype, rule="truncate")


def _truncating(out_dtype: np.dtype, work: np.dtype, ulps: int = 8):
    """Scipy stores each intermediate pass in the output dtype: mimic it for integer outputs."""
    if out_dtype.kind not in "iu":
        return None

    def between(y: jax.Array) -> jax.Array:
        return _cast(y, out_dtype, ulps).astype(work)

    return between


def _sigmas(sigma: Any, n: int, radius: Any, truncate: Any, *, fn: str):
    """Normalise ``sigma``/``radius`` to per-axis tuples; return (sigmas, radii, skip mask).

    Concrete sigmas must be finite and nonnegative; the radius of each axis is
    :func:`jaxresample._kernels.filter_radius` (never longer than the Gaussian's nonzero
    taps for a concrete sigma).
    """
    sigmas = tuple(
        check_sigma(s, fn=fn) for s in _validation.per_axis(sigma, n, fn=fn, name="sigma")
    )
    radii_in = _validation.per_axis(radius, n, fn=fn, name="radius")
    trunc = check_truncate(truncate, fn=fn) if any(r is None for r in radii_in) else 4.0
    radii = tuple(filter_radius(s, trunc, r, fn=fn) for s, r in zip(sigmas, radii_in, strict=True))
    keep = tuple(is_traced(s) or s > SIGMA_ZERO for s in sigmas)
    return sigmas, radii, keep


def _sigma_array(sigmas: Sequence[Any], work: np.dtype) -> jax.Array:
    real = np.dtype(work).type(0).real.dtype
    return jnp.stack([jnp.asarray(s, real) for s in sigmas]) if sigmas else jnp.zeros(0, real)


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
      >>> from jaxresample._filters import correlate1d
      >>> correlate1d(jnp.array([2, 8, 0, 4, 1, 9, 9, 0], jnp.int32), jnp.array([1, 3]))
      Array([ 8, 26,  8, 12,  7, 28, 36,  9], dtype=int32)
    """
    fn = "correlate1d"
    return _correlate1d_checked(input, weights, axis, output, mode, cval, origin, fn=fn)


def _correlate1d_checked(input, weights, axis, output, mode, cval, origin, *, fn, flip=False):
    x = _check_input(input, fn=fn)
    w = _dtypes.as_array(weights, fn=fn, name="weights")
    if w.ndim != 1:
        raise ScipyRuntimeError(
            f"{fn}: weights must be a 1-D sequence of at least one weight; got shape {w.shape}"
        )
    if w.shape[0] < 1:
        raise ScipyRuntimeError(f"{fn}: no filter weights given (weights has shape {w.shape})")
    ax = _axis(axis, x.ndim, fn=fn)
    origin = _validation.static_int(origin, fn=fn, name="origin")
    size = w.shape[0]
    if flip:  # convolve1d: scipy reverses the weights and mirrors the origin
        w = w[::-1]
        origin = -origin - (0 if size & 1 else 1)
    if origin < -(size // 2) or origin > (size - 1) // 2:
        raise ValueError(
            f"{fn}: Invalid origin; origin must satisfy -(len(weights) // 2) <= origin <= "
            f"(len(weights)-1) // 2; got origin={origin} for {size} weights"
        )
    (behaviour,) = _modes.per_axis(mode, 1, family="filter", fn=fn)
    cplx_w = jnp.issubdtype(w.dtype, jnp.complexfloating)
    if cplx_w and not flip:
        w = jnp.conj(w)
    cv = _check_cval(cval, x.dtype, fn=fn)
    default = np.promote_types(x.dtype, np.complex64) if cplx_w and x.dtype.kind != "c" else None
    out = _dtypes.output_dtype(output if output is not None else default, x.dtype, fn=fn)
    if (cplx_w or x.dtype.kind == "c") and out.kind != "c":
        # scipy: a real output dtype is promoted (an output array would be refused)
        warnings.warn("promoting specified output dtype to complex", UserWarning, stacklevel=3)
        out = np.dtype(jax.dtypes.canonicalize_dtype(np.promote_types(out, np.complex64)))
    work = _dtypes.twin_dtype(x.dtype, out, w.dtype)
    if x.ndim == 0:
        raise ValueError(f"{fn}: input must have at least one dimension")
    return _correlate1d(
        x, w, cv, axis=ax, before=size // 2 + origin, behaviour=behaviour,
        out_dtype=out, work=work,
    )  # fmt: skip


@cpu_tuned_jit(static_argnames=("axis", "before", "behaviour", "out_dtype", "work"))
def _correlate1d(x, w, cval, *, axis, before, behaviour, out_dtype, work):
    y = correlate_axes(
        x.astype(work),
        (w.astype(work),),
        axes=(axis,),
        befores=(before,),
        behaviours=(behaviour,),
        cval=cval.astype(work),
        symmetries=(0,),
    )
    return _cast(y, np.dtype(out_dtype))


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
      >>> from jaxresample._filters import convolve1d
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
      >>> from jaxresample._filters import gaussian_filter1d
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
    return _gaussian(
        x, (sigma,), (ax,), (order,), output, (mode,), cval, truncate, (radius,),
        fn=fn, skip=False,
    )  # fmt: skip


def _gaussian_statics(
    x, sigma, axes, orders, output, mode, cval, truncate, radius, *, fn, skip, native=False
):
    """Host-side preparation shared by the Gaussian wrappers (direct and FFT).

    Returns ``(sigmas, cval, statics, traced)``: the traced sigmas of the kept axes, ``cval``
    as an array, the static keyword arguments of the jitted cores, and whether each kept
    axis's sigma is traced.
    """
    n = len(axes)
    sigmas, radii, keep = _sigmas(sigma, n, radius, truncate, fn=fn)
    modes = _modes.per_axis(mode, n, family="filter", fn=fn)
    cv = _check_cval(cval, x.dtype, fn=fn)
    out = _dtypes.output_dtype(output, x.dtype, fn=fn)
    work = (_dtypes.compute_dtype if native else _dtypes.twin_dtype)(x.dtype, out)
    idx = [i for i in range(n) if keep[i] or not skip]
    for i in idx:
        check_finite_kernel(sigmas[i], orders[i], radii[i], work, fn=fn)
    statics = dict(
        axes=tuple(axes[i] for i in idx),
        orders=tuple(orders[i] for i in idx),
        radii=tuple(radii[i] for i in idx),
        behaviours=tuple(modes[i] for i in idx),
        out_dtype=out,
        work=work,
    )
    traced = tuple(is_traced(sigmas[i]) for i in idx)
    return _sigma_array([sigmas[i] for i in idx], work), cv, statics, traced


def _gaussian(
    x, sigma, axes, orders, output, mode, cval, truncate, radius, *, fn, skip=True, native=False
):
    """Shared tail of the Gaussian filters; every per-axis argument already has len(axes).

    ``fn`` names the public function in errors; ``native`` selects the library's dtype rule
    (float32 for float32 data under x64 too) instead of the scipy twins'.
    """
    sig, cv, statics, traced = _gaussian_statics(
        x, sigma, axes, orders, output, mode, cval, truncate, radius, fn=fn, skip=skip,
        native=native,
    )  # fmt: skip
    # Odd orders have antisymmetric kernels (the centre tap is 0), except for a traced sigma
    # that may be 0, whose kernel is the unit impulse: no symmetry is assumed then.
    symmetries = tuple(
        (0 if t else -1) if o % 2 else 1 for o, t in zip(statics["orders"], traced, strict=True)
    )
    return _gaussian_filter(x, sig, cv, symmetries=symmetries, **statics)


@cpu_tuned_jit(
    static_argnames=("axes", "orders", "radii", "behaviours", "out_dtype", "work", "symmetries")
)
def _gaussian_filter(
    x, sigmas, cval, *, axes, orders, radii, behaviours, out_dtype, work, symmetries
):
    real = sigmas.dtype
    # Correlate with the reversed kernel, as scipy does: reversing is free for the folded
    # (anti)symmetric kernels, up to the sign of odd orders.
    weights = tuple(
        sampled_kernel(sigmas[i], orders[i], radii[i], real)[::-1] for i in range(len(axes))
    )
    if not axes:
        return _cast(x.astype(work), np.dtype(out_dtype))
    y = correlate_axes(
        x.astype(work),
        weights,
        axes=axes,
        befores=radii,
        behaviours=behaviours,
        cval=cval.astype(work),
        symmetries=symmetries,
        between=_truncating(np.dtype(out_dtype), np.dtype(work)),
    )
    return _cast(y, np.dtype(out_dtype))


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
      >>> from jaxresample._filters import gaussian_filter
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
    return _gaussian(x, sigma, ax, orders, output, mode, cval, truncate, radius, fn=fn)
