"""Data and comparison helpers shared by the filter tests."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from jaxresample import _modes
from tests._helpers import X64, tol

MODES = _modes.FILTER_MODES
FLOAT = np.dtype(np.float64) if X64 else np.dtype(np.float32)


def data(rng: np.random.Generator, shape, dtype=FLOAT) -> np.ndarray:
    dt = np.dtype(dtype)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        lo, hi = max(int(info.min), -1000), min(int(info.max), 1000)
        return rng.integers(lo, hi, size=shape, endpoint=True).astype(dt)
    if dt.kind == "c":
        return (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(dt)
    return rng.normal(size=shape).astype(dt)


def close_to(got, want, x, *, dtype=FLOAT, factor: float = 1.0) -> None:
    """Like assert_close, with the absolute tolerance scaled by the *input* magnitude.

    Derivative filters cancel (a constant line gives ~0), so the result's own magnitude is
    no scale for rounding errors; the input's is.
    """
    r = factor * tol(dtype)
    scale = max(float(np.max(np.abs(x), initial=0.0)), float(np.max(np.abs(want), initial=0.0)))
    np.testing.assert_allclose(
        np.asarray(got, np.complex128 if np.iscomplexobj(got) else float),
        want,
        rtol=r,
        atol=r * max(scale, 1e-30),
    )


@st.composite
def shapes(draw, max_dims=3, max_side=24):
    nd = draw(st.integers(1, max_dims))
    side = max_side if nd < 3 else 9
    return tuple(draw(st.integers(1, side)) for _ in range(nd))


@st.composite
def gaussian_case(draw):
    shape = draw(shapes())
    nd = len(shape)
    per_axis = draw(st.booleans())
    sig = st.floats(0.0, 4.0).map(lambda s: 0.0 if s < 0.05 else round(s, 3))
    sigma = tuple(draw(sig) for _ in range(nd)) if per_axis else draw(sig)
    order = (
        tuple(draw(st.integers(0, 3)) for _ in range(nd)) if per_axis else draw(st.integers(0, 3))
    )
    mode = (
        tuple(draw(st.sampled_from(MODES)) for _ in range(nd))
        if per_axis
        else draw(st.sampled_from(MODES))
    )
    truncate = draw(st.sampled_from([1.0, 2.5, 4.0, 5.5]))
    radius = draw(st.one_of(st.none(), st.integers(0, 6)))
    return shape, sigma, order, mode, truncate, radius
