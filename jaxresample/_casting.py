"""The one rule for storing a result in an output dtype, for NumPy and for JAX arrays.

Floats go to integer outputs rounded (``rule='round'``, half away from zero, as scipy's
interpolation does) or truncated toward zero (``rule='truncate'``, scipy's filters), then
saturated at the integer range; NaN becomes 0. Complex results cast to a real dtype keep
the real part. The same code runs with ``xp=numpy`` (the file writers, which do not need
JAX) and ``xp=jax.numpy`` (every compiled program).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

__all__ = ["Rule", "cast", "numeric_dtype"]

Rule = Literal["round", "truncate"]


def cast(x: Any, out_dtype: Any, *, rule: Rule, xp: Any = np) -> Any:
    """``x`` (a NumPy or JAX array, as ``xp``) stored in ``out_dtype`` with ``rule``."""
    dt = np.dtype(out_dtype)
    if np.dtype(x.dtype) == dt:
        return x
    if np.dtype(x.dtype).kind == "c" and dt.kind != "c":
        x = xp.real(x)
    if dt.kind not in "iu":
        return x.astype(dt)
    info = np.iinfo(dt)
    src = np.dtype(x.dtype)
    if src.kind == "b":
        return x.astype(dt)
    if src.kind in "iu":
        s = np.iinfo(src)
        if s.min >= info.min and s.max <= info.max:
            return x.astype(dt)
        return xp.clip(x, max(info.min, s.min), min(info.max, s.max)).astype(dt)
    if src.itemsize < 4:  # half precision: round in float32, whose range holds every int16
        x = x.astype(np.float32)
    if rule == "round":
        # Not floor(|x| + 0.5): in float32 the addition itself rounds (0.49999997 + 0.5 == 1,
        # and every x above 2**23 gains 1). The fractional part |x| - floor(|x|) is exact.
        a = xp.abs(x)
        f = xp.floor(a)
        with np.errstate(invalid="ignore"):  # NumPy: inf - inf; inf stays inf
            x = xp.sign(x) * xp.where(a - f >= 0.5, f + 1, f)
    else:
        x = xp.trunc(x)
    lo = np.asarray(info.min, x.dtype)
    hi = np.asarray(info.max, x.dtype)  # may round up to 2**k in float32: handled below
    x = xp.where(xp.isnan(x), xp.zeros((), x.dtype), x)
    safe = xp.clip(x, lo, hi)
    big, small = safe >= hi, safe <= lo
    # only in-range values are converted (out-of-range float -> int conversion is undefined)
    out = xp.where(big | small, xp.zeros((), x.dtype), safe).astype(dt)
    out = xp.where(big, np.asarray(info.max, dt), out)
    return xp.where(small, np.asarray(info.min, dt), out)


def numeric_dtype(dtype: Any, *, fn: str, allowed: tuple[str, ...] | None = None) -> np.dtype:
    """``np.dtype(dtype)`` for a ``dtype=`` argument: numeric and, if given, in ``allowed``."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{fn}: dtype must be None or a NumPy dtype; got {dtype!r}") from None
    if dt.kind not in "iufc":
        raise TypeError(f"{fn}: dtype must be a numeric dtype; got {dt.name}")
    if allowed is not None and dt.name not in allowed:
        raise ValueError(
            f"{fn}: dtype must be one that the file can store, one of {sorted(allowed)}; "
            f"got {dt.name}"
        )
    return dt
