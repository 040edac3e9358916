"""``spline_filter`` and ``spline_filter1d``: scipy's B-spline prefilters, in JAX.

The wrappers check their arguments and call the engine's exact prefilter
(:mod:`jaxresample._engine.prefilter`).
"""

from __future__ import annotations

import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtypes, _modes
from .._engine.prefilter import _spline_filter_jit
from .._validation import ScipyRuntimeError, single_axis, static_int

__all__ = ["spline_filter", "spline_filter1d"]


# --------------------------------------------------------------------------------------------
# Public wrappers
# --------------------------------------------------------------------------------------------


def _prepare(input: Any, order: Any, output: Any, mode: Any, *, fn: str, lowest: int):
    order = static_int(order, fn=fn, name="order")
    if not lowest <= order <= 5:
        raise ScipyRuntimeError(
            f"{fn}: spline order not supported: order={order}; allowed values are "
            f"{list(range(lowest, 6))}"
        )
    x = _dtypes.as_array(input, fn=fn)
    behaviour = _modes.resolve(mode, family="interp", fn=fn)
    out = _dtypes.output_dtype(output, x.dtype, fn=fn)
    if jnp.issubdtype(x.dtype, jnp.complexfloating) and out.kind != "c":
        warnings.warn("promoting specified output dtype to complex", UserWarning, stacklevel=3)
        out = np.dtype(jax.dtypes.canonicalize_dtype(np.promote_types(out, np.complex64)))
    compute = _dtypes.twin_dtype(x.dtype, out)
    return x, order, behaviour, out, compute


def spline_filter1d(
    input: Any, order: int = 3, axis: int = -1, output: Any = np.float64, mode: str = "mirror"
) -> jax.Array:
    """Compute the B-spline coefficients of ``input`` along one axis.

    SciPy equivalent: :func:`scipy.ndimage.spline_filter1d`

    Each line along ``axis`` is replaced by the coefficients of the interpolating B-spline of
    degree ``order``, with the boundary condition of ``mode`` (see :ref:`modes`), exactly as
    scipy's recursive filter computes them. Orders 0 and 1 return a copy.

    Args:
      input: array of any shape; integer, floating or complex dtype (complex: the real and
        imaginary parts are filtered separately).
      order: spline order, 0-5. Static.
      axis: the axis to filter. Static.
      output: dtype of the result. Default float64, which is float32 unless x64 is enabled.
        Integer outputs truncate toward zero (and saturate).
      mode: boundary mode, one of scipy's interpolation modes. Static.

    Returns:
      Array with the shape of ``input`` and dtype ``output``.

    Raises:
      ScipyRuntimeError: ``order`` outside 0-5 ("spline order not supported"), or an unknown
        ``mode`` (both are ``RuntimeError`` in scipy).
      TypeError: ``output`` is an array, or ``order``/``axis`` is not an integer.
      ValueError: ``axis`` out of range.

    Differences from SciPy:
      ``output`` cannot be an array (JAX arrays are immutable). float32 inputs are filtered
      in float32 (scipy always works in float64); the error is a few float32 ulps of
      ``max|input|``. For ``mode='reflect'``/``'grid-mirror'``/``'nearest'`` on lines of 2-4
      samples, scipy <= 1.17 returns slightly wrong coefficients (scipy gh-24550); we return
      the exact ones (scipy's fixed behaviour). Integer outputs saturate where scipy's C
      cast wraps around.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample.ndimage import spline_filter1d
      >>> spline_filter1d(jnp.array([1.0, 2.0]), mode="reflect", output=jnp.float32)
      Array([0.75, 2.25], dtype=float32)
    """
    fn = "spline_filter1d"
    x, order, behaviour, out, compute = _prepare(input, order, output, mode, fn=fn, lowest=0)
    if x.ndim == 0:
        x = x.reshape(1)
        single_axis(axis, 1, fn=fn)
        return _spline_filter_jit(
            x, order=order, behaviour=behaviour, axes=(), out_dtype=out, compute=compute
        ).reshape(())
    ax = single_axis(axis, x.ndim, fn=fn)
    return _spline_filter_jit(
        x, order=order, behaviour=behaviour, axes=(ax,), out_dtype=out, compute=compute
    )


def spline_filter(
    input: Any, order: int = 3, output: Any = np.float64, mode: str = "mirror"
) -> jax.Array:
    """Compute the B-spline coefficients of ``input`` along every axis.

    SciPy equivalent: :func:`scipy.ndimage.spline_filter`

    Applies :func:`spline_filter1d` along each axis in turn: the result is the array of
    coefficients whose B-spline of degree ``order`` interpolates ``input`` with the boundary
    condition of ``mode`` (see :ref:`modes`).

    Args:
      input: array of any shape; integer, floating or complex dtype (complex: the real and
        imaginary parts are filtered separately).
      order: spline order, 2-5. Static.
      output: dtype of the result. Default float64, which is float32 unless x64 is enabled.
        Integer outputs truncate toward zero after each axis, as scipy's intermediate
        results do.
      mode: boundary mode, one of scipy's interpolation modes. Static.

    Returns:
      Array with the shape of ``input`` and dtype ``output``.

    Raises:
      ScipyRuntimeError: ``order`` outside 2-5 ("spline order not supported"), or an unknown
        ``mode`` (both are ``RuntimeError`` in scipy).
      TypeError: ``output`` is an array, or ``order`` is not an integer.

    Differences from SciPy:
      As for :func:`spline_filter1d`: no output arrays, float32 compute for float32 inputs,
      the exact result where scipy <= 1.17 has gh-24550, saturating integer outputs.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample.ndimage import spline_filter
      >>> spline_filter(jnp.eye(3), order=3, output=jnp.float32)
      Array([[ 4.125, -3.   ,  1.875],
             [-3.   ,  4.5  , -3.   ],
             [ 1.875, -3.   ,  4.125]], dtype=float32)
    """
    fn = "spline_filter"
    x, order, behaviour, out, compute = _prepare(input, order, output, mode, fn=fn, lowest=2)
    axes = tuple(range(x.ndim))
    return _spline_filter_jit(
        x, order=order, behaviour=behaviour, axes=axes, out_dtype=out, compute=compute
    )
