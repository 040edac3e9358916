"""Shared test utilities: the tolerance table and comparison helpers.

Tolerances are stated once, keyed by dtype, relative to the largest magnitude of the
expected result. Integer and nearest-neighbour results are compared exactly.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

#: Relative tolerance per dtype (scaled by max |expected|). Results computed in float32 from
#: scipy's float64 oracle differ by accumulated rounding of O(taps) operations: 2e-5 is ~170 eps.
TOL: dict[np.dtype, float] = {
    np.dtype("float16"): 2e-3,
    np.dtype(jax.dtypes.bfloat16): 2e-2,
    np.dtype("float32"): 2e-5,
    np.dtype("complex64"): 2e-5,
    np.dtype("float64"): 1e-12,
    np.dtype("complex128"): 1e-12,
}

X64 = bool(jax.config.read("jax_enable_x64"))


def tol(dtype: Any) -> float:
    """Relative tolerance for results of ``dtype`` (0 for integer dtypes: exact)."""
    dt = np.dtype(dtype)
    if dt.kind in "iub":
        return 0.0
    return TOL[dt]


def assert_close(
    actual: Any,
    expected: Any,
    *,
    dtype: Any = None,
    rtol: float | None = None,
    check_dtype: bool = False,
) -> None:
    """Assert ``actual`` ≈ ``expected`` within the table tolerance of ``dtype``.

    The absolute tolerance is ``rtol * max(|expected|, 1e-30)`` so values near zero are not
    compared relatively. Integer dtypes are compared exactly. ``dtype`` defaults to the
    dtype of ``actual``. ``check_dtype`` also asserts that the dtypes are equal.
    """
    a = np.asarray(actual)
    e = np.asarray(expected)
    if check_dtype:
        assert a.dtype == e.dtype, f"dtype {a.dtype} != expected {e.dtype}"
    assert a.shape == e.shape, f"shape {a.shape} != expected {e.shape}"
    dt = np.dtype(dtype) if dtype is not None else a.dtype
    r = tol(dt) if rtol is None else rtol
    if r == 0.0:
        np.testing.assert_array_equal(a, e)
        return
    finite = np.isfinite(e)
    scale = float(np.max(np.abs(e[finite]))) if finite.any() else 1.0
    np.testing.assert_allclose(
        a.astype(np.complex128 if a.dtype.kind == "c" else np.float64),
        e.astype(np.complex128 if e.dtype.kind == "c" else np.float64),
        rtol=r,
        atol=r * max(scale, 1e-30),
        equal_nan=True,
    )


def float_dtypes() -> list[np.dtype]:
    """The floating dtypes that exist in this run (float64 only under JAX_ENABLE_X64)."""
    out: list[np.dtype] = [np.dtype("float32")]
    if X64:
        out.append(np.dtype("float64"))
    return out


INT_DTYPES = [np.dtype(t) for t in ("int8", "uint8", "int16", "uint16", "int32", "uint32")]
