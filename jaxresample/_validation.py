"""Argument validation shared by every public function.

Every message names the function, the parameter, the value received and what is allowed.
Nothing here is jitted: these helpers run in the public wrappers, before tracing, so errors
surface early and with context.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import jax
import numpy as np

__all__ = [
    "ScipyRuntimeError",
    "axes_tuple",
    "check_choice",
    "concrete_float",
    "fmt",
    "is_traced",
    "per_axis",
    "real_array",
    "real_or_traced",
    "single_axis",
    "static_int",
]

#: numpy dtype kinds that hold numbers (bool included; callers refuse it where needed)
_NUMERIC_KINDS = "biufc"

T = TypeVar("T")


class ScipyRuntimeError(ValueError, RuntimeError):
    """A bad argument where scipy.ndimage raises ``RuntimeError``.

    It is both a :class:`ValueError` (the library's rule for bad values) and a
    :class:`RuntimeError` (so ``except RuntimeError`` written for scipy keeps working), and
    its message contains scipy's text, e.g. ``"boundary mode not supported"`` or
    ``"sequence argument must have length equal to input rank"``.
    """


def fmt(value: Any, limit: int = 60) -> str:
    """Short ``repr`` of a user value for an error message (arrays by shape and dtype)."""
    if isinstance(value, jax.core.Tracer):
        return f"a traced value of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (np.ndarray, jax.Array)) and value.size > 8:
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_traced(value: Any) -> bool:
    """Whether ``value`` (or any leaf of it) is an abstract JAX tracer."""
    return any(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree_util.tree_leaves(value))


def check_choice(value: Any, allowed: Sequence[Any], *, fn: str, name: str) -> Any:
    """Return ``value`` if it is one of ``allowed``; raise a ValueError naming the choices."""
    try:
        ok = bool(value in allowed)
    except (TypeError, ValueError):  # unhashable, or an array (ambiguous truth value)
        ok = False
    if not ok:
        shown = sorted(allowed, key=repr)
        raise ValueError(f"{fn}: {name} must be one of {shown}; got {fmt(value)}")
    return value


def _concrete(value: Any, convert: Callable[[Any], T], *, fn: str, name: str, fix: str) -> T:
    if is_traced(value):
        raise TypeError(f"{fn}: {name} must be a concrete (static) value; {fix}")
    try:
        return convert(value)
    except jax.errors.ConcretizationTypeError:
        raise TypeError(f"{fn}: {name} must be a concrete (static) value; {fix}") from None


def _real_scalar(value: Any, *, fn: str, name: str) -> float:
    """``value`` as a Python float: one real number (not a string, None, complex or array)."""
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{fn}: {name} must be a real number; got {fmt(value)}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise TypeError(f"{fn}: {name} must be a real number; got {fmt(value)}") from None
    if arr.ndim != 0:
        raise TypeError(f"{fn}: {name} must be a single real number; got {fmt(value)}")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{fn}: {name} must be a real number; got {fmt(value)} (dtype {arr.dtype})")
    return float(arr)


def concrete_float(value: Any, *, fn: str, name: str, fix: str = "", finite: bool = True) -> float:
    """Return ``value`` as a Python float, or raise TypeError when it is traced.

    ``fix`` tells the user how to change the call (e.g. "pass radius=... to use a traced
    sigma"); it is appended to the message.

    Raises:
      TypeError: traced, or not one real number (None, a string, complex, a sequence).
      ValueError: not finite (unless ``finite=False``).
    """
    out = _concrete(value, lambda v: _real_scalar(v, fn=fn, name=name), fn=fn, name=name, fix=fix)
    if finite and not math.isfinite(out):
        raise ValueError(f"{fn}: {name} must be finite; got {out}")
    return out


def real_or_traced(value: Any, *, fn: str, name: str) -> Any:
    """A traced real scalar as it is, or a concrete one as a finite Python float.

    Raises:
      TypeError: not a real number (None, a string, complex), or a traced complex value.
      ValueError: a concrete value that is not finite.
    """
    if is_traced(value):
        dt = np.dtype(getattr(value, "dtype", np.float32))
        if dt.kind not in "biuf" or np.ndim(value) != 0:
            raise TypeError(f"{fn}: {name} must be a real scalar; got {fmt(value)}")
        return value
    return concrete_float(value, fn=fn, name=name)


def real_array(value: Any, *, fn: str, name: str) -> Any:
    """A real array argument (``matrix``...): float64 NumPy when concrete, else the tracer.

    Raises:
      TypeError: not numbers (strings, objects, None) or complex.
      ValueError: concrete with non-finite entries.
    """
    if is_traced(value):
        if np.dtype(value.dtype).kind not in "biuf":
            raise TypeError(f"{fn}: {name} must be real; got {fmt(value)}")
        return value
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{fn}: {name} must be an array of real numbers; got {fmt(value)}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"{fn}: {name} must be an array of real numbers; got {fmt(value)}"
        ) from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{fn}: {name} must be an array of real numbers; got {fmt(value)} (dtype {arr.dtype})"
        )
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{fn}: {name} must be finite; got {fmt(arr)}")
    return arr


def static_int(
    value: Any, *, fn: str, name: str, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return ``value`` as a Python int within ``[minimum, maximum]``.

    Raises:
      TypeError: ``value`` is not an integer (floats such as ``2.0`` are refused as scipy does
        for axes; bools are refused).
      ValueError: out of range.
    """
    if isinstance(value, bool) or is_traced(value):
        raise TypeError(f"{fn}: {name} must be a static integer; got {fmt(value)}")
    try:
        out = operator.index(value)
    except TypeError:
        raise TypeError(
            f"{fn}: {name} must be an integer; got {fmt(value)} "
            f"('{type(value).__name__}' object cannot be interpreted as an integer)"
        ) from None
    if (minimum is not None and out < minimum) or (maximum is not None and out > maximum):
        lo = "-inf" if minimum is None else minimum
        hi = "inf" if maximum is None else maximum
        raise ValueError(f"{fn}: {name} must be in [{lo}, {hi}]; got {out}")
    return out


def _ndim(value: Any) -> int:
    # np.ndim of a list/tuple converts it to an array, which fails on traced entries.
    if isinstance(value, (list, tuple)):
        return 1 + max((_ndim(v) for v in value), default=0)
    return int(np.ndim(value))


def per_axis(value: Any, n: int, *, fn: str, name: str) -> tuple[Any, ...]:
    """Normalise a scalar, or one value per axis, to a tuple of ``n`` values.

    Strings and 0-d arrays count as scalars. Traced values are kept as they are (a traced
    1-D array of length ``n`` becomes a tuple of traced scalars).

    Raises:
      ScipyRuntimeError: a sequence whose length is not ``n`` (scipy's ``RuntimeError``).
    """
    if isinstance(value, (str, bytes, numbers.Number)) or _ndim(value) == 0:
        return (value,) * n
    if _ndim(value) > 1:
        raise ValueError(f"{fn}: {name} must be a scalar or a 1-D sequence; got {fmt(value)}")
    items = tuple(value[i] for i in range(len(value)))
    if len(items) != n:
        raise ScipyRuntimeError(
            f"{fn}: sequence argument must have length equal to input rank: "
            f"{name} has {len(items)} entries for {n} axes"
        )
    return items


def single_axis(axis: Any, ndim: int, *, fn: str, name: str = "axis") -> int:
    """One axis (an integer, negative counting from the end) as a non-negative int.

    Raises:
      TypeError: None, a sequence or a non-integer (scipy: "... cannot be interpreted as an
        integer").
      ValueError: out of range.
    """
    if axis is None or isinstance(axis, (str, bytes)) or np.ndim(axis) != 0:
        raise TypeError(f"{fn}: {name} must be one integer; got {fmt(axis)}")
    return axes_tuple(axis, ndim, fn=fn, name=name)[0]


def axes_tuple(axes: Any, ndim: int, *, fn: str, name: str = "axes") -> tuple[int, ...]:
    """Canonicalise ``axes`` (None, an int or a sequence of ints) to sorted-as-given tuple.

    Negative axes count from the end. ``None`` means every axis.

    Raises:
      TypeError: an axis is not an integer (e.g. ``1.0``).
      ValueError: an axis is out of range, or repeated.
    """
    if axes is None:
        return tuple(range(ndim))
    if isinstance(axes, (str, bytes)) or is_traced(axes):
        raise TypeError(f"{fn}: {name} must be static integers; got {fmt(axes)}")
    try:
        items = (axes,) if np.ndim(axes) == 0 else tuple(axes)
    except (TypeError, ValueError):
        raise TypeError(
            f"{fn}: {name} must be an integer or a sequence of integers; got {fmt(axes)}"
        ) from None
    out = []
    for a in items:
        if isinstance(a, bool) or not isinstance(a, (numbers.Integral, np.integer)):
            raise TypeError(
                f"{fn}: {name} must be integers; got {fmt(axes)} "
                f"('{type(a).__name__}' object cannot be interpreted as an integer)"
            )
        a = int(a)
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{fn}: {name} entry {a} is out of range for an input with {ndim} dimensions "
                f"(allowed: {-ndim} to {ndim - 1})"
            )
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{fn}: {name} must be unique; got {fmt(axes)}")
    return tuple(out)
