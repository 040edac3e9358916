"""dtype policy: output-dtype resolution, compute dtypes, and scipy's integer rules.

* scipy-named functions return the input dtype (or the dtype given as ``output``).
* Filters **truncate** toward zero into integer outputs; interpolation **rounds half away
  from zero**. Both saturate at the integer type's range (scipy's C cast is undefined
  there; saturation is the only safe choice and what scipy gives in practice for uint8).
* Work happens in float32 for every input of 32 bits or fewer (integers, float16,
  bfloat16, float32) and in float64 only for float64/int64 inputs under ``JAX_ENABLE_X64``.
  Nothing is upcast to float64 by the library.
* ``output=np.float64`` with x64 disabled gives float32, like every JAX function (JAX
  canonicalises 64-bit dtypes to 32-bit ones unless ``jax_enable_x64`` is set).
"""

from __future__ import annotations

import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._casting import Rule, cast
from ._validation import fmt, is_traced

__all__ = [
    "as_array",
    "as_scalar",
    "cast_result",
    "check_input_dtype",
    "compute_dtype",
    "host_array",
    "output_dtype",
    "twin_dtype",
    "x64_enabled",
]


def check_input_dtype(dtype: Any, *, fn: str, name: str = "input", complex_ok: bool = True):
    """Refuse dtypes the library does not handle (bool; complex where ``complex_ok`` is False).

    Raises:
      TypeError: with the dtype received and what to do instead.
    """
    dt = np.dtype(dtype)
    if dt == np.bool_:
        raise TypeError(
            f"{fn}: {name} has dtype bool, which is not supported; "
            "cast it to uint8 or float32 first"
        )
    if not (
        jnp.issubdtype(dt, jnp.integer)
        or jnp.issubdtype(dt, jnp.floating)
        or (complex_ok and jnp.issubdtype(dt, jnp.complexfloating))
    ):
        kinds = "integer, floating or complex" if complex_ok else "integer or floating"
        raise TypeError(f"{fn}: {name} must have an {kinds} dtype; got {dt}")
    return dt


def host_array(value: Any, *, fn: str, name: str) -> Any:
    """``value`` as a NumPy array of numbers in native byte order, or a JAX array as it is.

    NIfTI files are often big-endian, and JAX refuses non-native byte orders: they are
    converted here, once, as scipy accepts them. Arrays of objects, strings, dates or
    records are refused with a message naming the function.
    """
    if isinstance(value, jax.Array):
        return value
    if is_traced(value):  # a list or tuple holding tracers
        try:
            return jnp.asarray(value)
        except (TypeError, ValueError) as err:
            raise TypeError(
                f"{fn}: {name} must be an array of numbers; got {fmt(value)} ({err})"
            ) from None
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as err:  # ragged nested lists and the like
        raise TypeError(
            f"{fn}: {name} must be an array of numbers; got {fmt(value)} ({err})"
        ) from None
    # ml_dtypes' floats (bfloat16, float8...) have kind 'V' in NumPy; JAX knows them
    if arr.dtype.kind not in "biufc" and not jnp.issubdtype(arr.dtype, jnp.floating):
        raise TypeError(
            f"{fn}: {name} must hold numbers (an integer, floating or complex dtype); got "
            f"dtype {arr.dtype}"
        )
    if not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))
    return arr


def as_array(
    value: Any, *, fn: str, name: str = "input", complex_ok: bool = True, bool_ok: bool = False
) -> jax.Array:
    """Convert a user array to a JAX array, checking its dtype (see :func:`check_input_dtype`).

    Raises:
      TypeError: not numbers (objects, strings, dates), bool (unless ``bool_ok``), or
        complex where refused.
    """
    arr = host_array(value, fn=fn, name=name)
    if not (bool_ok and np.dtype(arr.dtype) == np.bool_):
        check_input_dtype(arr.dtype, fn=fn, name=name, complex_ok=complex_ok)
    return jnp.asarray(arr)


def as_scalar(value: Any, *, fn: str, name: str, complex_ok: bool = True) -> jax.Array:
    """A numeric scalar argument (``cval``...) as a 0-d JAX array; traced values pass through.

    Raises:
      TypeError: None, a string, or a non-numeric value.
      ValueError: not a scalar; complex when ``complex_ok`` is False (scipy's message).
    """
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{fn}: {name} must be a number; got {fmt(value)}")
    arr = host_array(value, fn=fn, name=name)
    if np.ndim(arr) != 0:
        raise ValueError(f"{fn}: {name} must be a scalar; got {fmt(value)} (shape {np.shape(arr)})")
    if not complex_ok and np.dtype(arr.dtype).kind == "c":
        raise ValueError(
            f"{fn}: Cannot provide a complex-valued {name} when the input is real; got {fmt(value)}"
        )
    return jnp.asarray(arr)


def output_dtype(output: Any, input_dtype: Any, *, fn: str) -> np.dtype:
    """Resolve scipy's ``output`` argument (None or a dtype) to a canonical JAX dtype.

    Raises:
      TypeError: ``output`` is an array (JAX arrays are immutable) or not a dtype.
    """
    if output is None:
        return np.dtype(jax.dtypes.canonicalize_dtype(input_dtype))
    if isinstance(output, (np.ndarray, jax.Array)):
        raise TypeError(
            f"{fn}: output must be None or a dtype; got {fmt(output)}. JAX arrays are "
            "immutable, so the result cannot be written into an existing array: use the "
            "return value"
        )
    try:
        dt = np.dtype(output)
    except TypeError:
        raise TypeError(f"{fn}: output must be None or a dtype; got {fmt(output)}") from None
    check_input_dtype(dt, fn=fn, name="output")
    if not dt.isnative:  # e.g. '>f8': JAX arrays are in native byte order
        dt = dt.newbyteorder("=")
    return np.dtype(jax.dtypes.canonicalize_dtype(dt))


def complex_output(out: np.dtype, complex_input: bool) -> np.dtype:
    """Scipy's rule for complex data and a real ``output``: promote it, with a warning.

    (scipy refuses a real output *array*; JAX has none, so the dtype is promoted.)
    """
    if not complex_input or out.kind == "c":
        return out
    warnings.warn("promoting specified output dtype to complex", UserWarning, stacklevel=4)
    return np.dtype(jax.dtypes.canonicalize_dtype(np.promote_types(out, np.complex64)))


def compute_dtype(*dtypes: Any) -> np.dtype:
    """The dtype arithmetic happens in, for inputs (and outputs) of the given dtypes.

    float32 (or complex64) unless one of them is a 64-bit type and x64 is enabled.
    """
    wide = any(np.dtype(d).itemsize >= 8 and np.dtype(d).kind in "iuf" for d in dtypes)
    wide = wide or any(np.dtype(d) == np.complex128 for d in dtypes)
    cplx = any(np.dtype(d).kind == "c" for d in dtypes)
    base: type[np.inexact]
    if cplx:
        base = np.complex128 if wide else np.complex64
    else:
        base = np.float64 if wide else np.float32
    return np.dtype(jax.dtypes.canonicalize_dtype(base))


def x64_enabled() -> bool:
    """Whether 64-bit types are enabled (``JAX_ENABLE_X64``)."""
    return bool(jax.config.read("jax_enable_x64"))


def twin_dtype(*dtypes: Any) -> np.dtype:
    """The dtype the scipy twins compute in.

    With x64 enabled: float64 (complex128 for complex data) for every input, as scipy does,
    so a float32 result is scipy's float64 result rounded once. Otherwise
    :func:`compute_dtype` (float32 for every input of 32 bits or fewer). Native functions
    use :func:`compute_dtype` always: float32 data stays float32 under x64 too.
    """
    if not x64_enabled():
        return compute_dtype(*dtypes)
    cplx = any(np.dtype(d).kind == "c" for d in dtypes)
    return np.dtype(np.complex128 if cplx else np.float64)


def cast_result(x: jax.Array, out_dtype: Any, *, rule: Rule) -> jax.Array:
    """Cast a result to ``out_dtype`` with scipy's rule for integer outputs.

    ``rule='truncate'`` (filters) rounds toward zero, ``rule='round'`` (interpolation) rounds
    half away from zero. Integer outputs saturate at their range; NaN becomes 0.
    Complex results cast to a real dtype keep the real part (:func:`jaxresample._casting.cast`).
    """
    return cast(x, out_dtype, rule=rule, xp=jnp)
