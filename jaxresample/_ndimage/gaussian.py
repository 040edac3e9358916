"""Filters built on the Gaussian (scipy twins).

The Laplacian, the gradient magnitude, and the Gaussian multiplier of a Fourier transform.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from .. import _dtypes, _validation
from .._engine.filtering import _cast, _check_input, _sigma_array, gaussian
from .._validation import ScipyRuntimeError

__all__ = ["fourier_gaussian", "gaussian_gradient_magnitude", "gaussian_laplace"]

_GAUSSIAN_KWARGS = ("truncate", "radius")


def _check_kwargs(kwargs: dict[str, Any], *, fn: str) -> None:
    bad = sorted(set(kwargs) - set(_GAUSSIAN_KWARGS))
    if bad:
        raise TypeError(
            f"{fn}: unexpected keyword argument(s) {bad}; the extra keywords passed on to "
            f"gaussian_filter are {list(_GAUSSIAN_KWARGS)}"
        )


class _Terms(NamedTuple):
    """The per-axis derivative terms of :func:`_derivative_terms`, and the output dtype.

    ``unchanged`` is the input cast to ``out`` when there is no axis to differentiate (the
    result then), else None.
    """

    terms: list[jax.Array]
    out: np.dtype
    unchanged: jax.Array | None = None


def _derivative_terms(input, sigma, output, mode, cval, axes, kwargs, *, fn, order_d) -> _Terms:
    """The per-axis derivative terms, each a ``gaussian_filter`` into the output dtype.

    scipy's ``generic_laplace`` / ``generic_gradient_magnitude``: the derivative along each
    axis of ``axes`` (smoothing every axis of the input), cast to the output dtype, then
    combined in that dtype. Errors name ``fn``.
    """
    x = _check_input(input, fn=fn)
    _check_kwargs(kwargs, fn=fn)
    ax = _validation.axes_tuple(axes, x.ndim, fn=fn)
    out = _dtypes.output_dtype(output, x.dtype, fn=fn)
    if not ax:
        return _Terms([], out, _cast(x.astype(_dtypes.twin_dtype(x.dtype, out)), out))
    modes = _validation.per_axis(mode, len(ax), fn=fn, name="mode")
    everything = tuple(range(x.ndim))
    sigmas = [
        _validation.real_or_traced(s, fn=fn, name="sigma")
        for s in _validation.per_axis(sigma, x.ndim, fn=fn, name="sigma")
    ]
    truncate = kwargs.get("truncate", 4.0)
    radius = kwargs.get("radius")
    terms = []
    for ii, a in enumerate(ax):
        order = [0] * x.ndim
        order[a] = order_d
        terms.append(
            gaussian(
                x,
                sigmas,
                axes=everything,
                orders=tuple(order),
                output=out,
                mode=modes[ii],
                cval=cval,
                truncate=truncate,
                radius=_validation.per_axis(radius, x.ndim, fn=fn, name="radius"),
                fn=fn,
            )
        )
    return _Terms(terms, out)


def gaussian_laplace(
    input: ArrayLike,
    sigma: ArrayLike | Sequence[ArrayLike],
    output: Any = None,
    mode: str | Sequence[str] = "reflect",
    cval: ArrayLike = 0.0,
    *,
    axes: int | Sequence[int] | None = None,
    **kwargs: Any,
) -> jax.Array:
    """Sum of the second Gaussian derivatives along each axis (Laplacian of Gaussian).

    SciPy equivalent: :func:`scipy.ndimage.gaussian_laplace`

    Args:
      input: array of any shape; integer, floating or complex dtype.
      sigma: standard deviation per filtered axis, in samples. Traced when ``radius`` is
        passed in ``kwargs``.
      output: None or a dtype. Static.
      mode: boundary mode, or one per axis of ``axes``. Static.
      cval: the value outside the edges for the constant modes. Traced.
      axes: the axes to differentiate and smooth (default all). Static.
      **kwargs: ``truncate`` or ``radius``, passed to :func:`gaussian_filter`. Static.

    Returns:
      Array of the input's shape and dtype ``output``; for integer outputs each term is
      truncated and the sum wraps, as in scipy.

    Raises:
      ValueError, RuntimeError, TypeError: as :func:`gaussian_filter`; TypeError for an
        unknown keyword.

    Differences from SciPy:
      As :func:`gaussian_filter`.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample.ndimage import gaussian_laplace
      >>> import numpy as np
      >>> y = gaussian_laplace(jnp.array([0.0, 0.0, 1.0, 0.0, 0.0], jnp.float32), 1.0)
      >>> str(y.dtype)
      'float32'
      >>> print(np.asarray(y).round(4))
      [ 0.1974  0.002  -0.3989  0.002   0.1974]
    """
    fn = "gaussian_laplace"
    x = _check_input(input, fn=fn)
    ax = _validation.axes_tuple(axes, x.ndim, fn=fn)
    sig = _validation.per_axis(sigma, len(ax), fn=fn, name="sigma")
    full: list[Any] = [0] * x.ndim
    for s, a in zip(sig, ax, strict=True):
        full[a] = s
    res = _derivative_terms(x, tuple(full), output, mode, cval, axes, kwargs, fn=fn, order_d=2)
    if res.unchanged is not None:
        return res.unchanged
    terms = res.terms
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def gaussian_gradient_magnitude(
    input: ArrayLike,
    sigma: ArrayLike | Sequence[ArrayLike],
    output: Any = None,
    mode: str | Sequence[str] = "reflect",
    cval: ArrayLike = 0.0,
    *,
    axes: int | Sequence[int] | None = None,
    **kwargs: Any,
) -> jax.Array:
    """Magnitude of the gradient computed with Gaussian first derivatives.

    SciPy equivalent: :func:`scipy.ndimage.gaussian_gradient_magnitude`

    ``sqrt(sum_a gaussian_filter(input, sigma, order=e_a)**2)`` over the axes ``a`` of
    ``axes``. As in scipy, ``sigma`` is passed to :func:`gaussian_filter` unchanged, so
    every axis of the input is smoothed (a per-axis ``sigma`` has one entry per input axis).

    Args:
      input: array of any shape; integer or floating dtype.
      sigma: standard deviation (scalar or one per input axis), in samples. Traced when
        ``radius`` is passed in ``kwargs``.
      output: None or a dtype. Static.
      mode: boundary mode, or one per axis of ``axes``. Static.
      cval: the value outside the edges for the constant modes. Traced.
      axes: the axes along which the gradient is taken (default all). Static.
      **kwargs: ``truncate`` or ``radius``, passed to :func:`gaussian_filter`. Static.

    Returns:
      Array of the input's shape and dtype ``output``.

    Raises:
      ValueError, RuntimeError, TypeError: as :func:`gaussian_filter`; TypeError for an
        unknown keyword.

    Differences from SciPy:
      As :func:`gaussian_filter`. For integer outputs the squares and their sum wrap in the
      integer dtype and the square root is taken in the smallest float type that holds it
      (float16 for 8-bit outputs), as in scipy.
      The gradient of the magnitude is NaN where the magnitude is exactly 0.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample.ndimage import gaussian_gradient_magnitude
      >>> import numpy as np
      >>> y = gaussian_gradient_magnitude(jnp.arange(5, dtype=jnp.float32), 1.0)
      >>> str(y.dtype)
      'float32'
      >>> print(np.asarray(y).round(4))
      [0.3638 0.8488 0.9701 0.8488 0.3638]
    """
    fn = "gaussian_gradient_magnitude"
    res = _derivative_terms(input, sigma, output, mode, cval, axes, kwargs, fn=fn, order_d=1)
    if res.unchanged is not None:
        return res.unchanged
    terms, out = res.terms, res.out
    total = terms[0] * terms[0]
    for t in terms[1:]:
        total = total + t * t
    if out.kind in "iu":
        # numpy's sqrt of an integer array: in the smallest float type that holds it
        # (float16 for 8-bit, float32 for 16-bit, float64 for 32/64-bit integers)
        ftype = jax.dtypes.canonicalize_dtype(np.result_type(out, np.float16))
        root = jnp.sqrt(total.astype(ftype))
        return _dtypes.cast_result(root, out, rule="truncate")
    return jnp.sqrt(total)


# ----------------------------------------------------------------------------- Fourier


def fourier_gaussian(
    input: ArrayLike,
    sigma: ArrayLike | Sequence[ArrayLike],
    n: int = -1,
    axis: int = -1,
    output: Any = None,
) -> jax.Array:
    """Multiply a Fourier transform by the transform of a Gaussian.

    SciPy equivalent: :func:`scipy.ndimage.fourier_gaussian`

    Each axis is multiplied by ``exp(-2 pi**2 sigma**2 f**2)`` with ``f`` the FFT frequency
    (cycles per sample) of each index. If ``n > 0`` the input is taken to be the result of a
    real FFT (``rfft``) of length ``n`` along ``axis``, whose frequencies are ``k / n``.

    Args:
      input: the transform, any shape; floating or complex dtype (integers promote).
      sigma: standard deviation per axis (scalar or one per axis), in samples. Traced.
      n: length of the real transform along ``axis``, or ``-1`` for a complex transform.
        Static.
      axis: the axis of the real transform. Static.
      output: None, or one of float32, float64, complex64, complex128. Static.

    Returns:
      Array of the input's shape: complex inputs keep their dtype, float32 stays float32,
      anything else gives float64 (float32 when x64 is disabled), as scipy.

    Raises:
      RuntimeError: (:class:`ScipyRuntimeError`) ``sigma`` of the wrong length, or an
        unsupported ``output`` type.
      TypeError: bool input; an array as ``output``.

    Differences from SciPy:
      None beyond JAX's float64 canonicalisation.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample.ndimage import fourier_gaussian
      >>> import numpy as np
      >>> y = fourier_gaussian(jnp.ones(4, jnp.complex64), 0.5)
      >>> str(y.dtype)
      'complex64'
      >>> print(np.asarray(y).round(4))
      [1.    +0.j 0.7346+0.j 0.2912+0.j 0.7346+0.j]
    """
    fn = "fourier_gaussian"
    x = _check_input(input, fn=fn)
    if x.ndim == 0:
        raise ValueError(f"{fn}: input must have at least one dimension")
    ax = _validation.single_axis(axis, x.ndim, fn=fn)
    n = _validation.static_int(n, fn=fn, name="n")
    sigmas = [
        _validation.real_or_traced(s, fn=fn, name="sigma")
        for s in _validation.per_axis(sigma, x.ndim, fn=fn, name="sigma")
    ]
    if output is None:
        default = x.dtype if x.dtype in (np.complex64, np.complex128, np.float32) else np.float64
        out = _dtypes.output_dtype(default, x.dtype, fn=fn)
    else:
        out = _dtypes.output_dtype(output, x.dtype, fn=fn)
        allowed = [np.dtype(t) for t in (np.float32, np.float64, np.complex64, np.complex128)]
        if out not in allowed:
            raise ScipyRuntimeError(
                f"{fn}: output type not supported: {out}; allowed are {[str(a) for a in allowed]}"
            )
    compute = _dtypes.twin_dtype(x.dtype, out)
    return _fourier_gaussian(
        x, _sigma_array(sigmas, compute), axis=ax, n=n, out_dtype=out, compute=compute
    )


@functools.partial(jax.jit, static_argnames=("axis", "n", "out_dtype", "compute"))
def _fourier_gaussian(x, sigmas, *, axis, n, out_dtype, compute):
    y = x.astype(compute)
    real_dtype = sigmas.dtype
    for a in range(x.ndim):
        size = x.shape[a]
        k = np.arange(size, dtype=np.float64)
        if a == axis and n > 0:
            f = k / n
        else:
            f = np.where(k < (size + 1) // 2, k, k - size) / size
        # A sigma beyond 1e15 gives the same factors (exp underflows to 0 at every nonzero
        # frequency, f >= 1 / n): clamping it keeps sigma**2 finite, so the zero frequency
        # gets exp(-inf * 0) = 1, not NaN.
        sig = jnp.minimum(jnp.abs(sigmas[a]), jnp.asarray(1e15, real_dtype))
        factor = jnp.exp(-2.0 * math.pi**2 * sig**2 * jnp.asarray(f * f, real_dtype))
        shape = [1] * x.ndim
        shape[a] = size
        y = y * factor.reshape(shape).astype(y.dtype)
    return _dtypes.cast_result(y, out_dtype, rule="truncate")
