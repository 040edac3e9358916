"""The correlation engine (``_engine.correlate``): kernels of any length, folded onto the axis.

Regression tests for issue 14: long kernels (a 100 000-tap ``correlate1d``, ``radius=10**9``,
``truncate=1e6``, huge sigmas on tiny axes) hung at compile time or exhausted memory.
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given, settings
from hypothesis import strategies as st

import jaxresample as jr
import jaxresample.ndimage as jndi
from jaxresample import _modes
from jaxresample._engine import correlate as _correlate
from tests._helpers import X64

WORK = np.dtype(np.float64 if X64 else np.float32)
RTOL = 1e-10 if X64 else 2e-5


def _close(got, want):
    scale = max(1.0, float(np.abs(want).max()))
    np.testing.assert_allclose(np.asarray(got), want, rtol=0, atol=RTOL * scale)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 9),
    taps=st.sampled_from([1, 2, 5, 17, 19, 40, 71, 90]),
    mode=st.sampled_from(_modes.FILTER_MODES),
    origin_at=st.sampled_from(["centre", "left", "right"]),
    seed=st.integers(0, 99),
)
def test_gh14_kernels_longer_than_the_axis_match_scipy(n, taps, mode, origin_at, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(3, n))
    w = rng.normal(size=taps)
    origin = {"centre": 0, "left": -(taps // 2), "right": (taps - 1) // 2}[origin_at]
    want = ndi.correlate1d(x, w, mode=mode, cval=0.7, origin=origin)
    got = jndi.correlate1d(x.astype(WORK), w.astype(WORK), mode=mode, cval=0.7, origin=origin)
    _close(got, want)


@pytest.mark.parametrize("mode", _modes.FILTER_MODES)
def test_long_kernels_on_long_axes_loop_over_taps(mode):
    """More than UNROLL_TAPS taps after folding: the loop over blocks of taps."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(70, 3))
    w = rng.normal(size=_correlate.UNROLL_TAPS + _correlate.TAP_BLOCK + 3)
    want = ndi.correlate1d(x, w, axis=0, mode=mode, cval=-2.0)
    _close(jndi.correlate1d(x.astype(WORK), w.astype(WORK), axis=0, mode=mode, cval=-2.0), want)
    # traced weights, and their gradient (the loop is differentiable)
    f = jax.jit(lambda w: jndi.correlate1d(x.astype(WORK), w, axis=0, mode=mode, cval=-2.0))
    _close(f(w.astype(WORK)), want)
    g = jax.grad(lambda w: f(w).sum())(w.astype(WORK))
    assert np.all(np.isfinite(g))


def test_fold_kernel_shapes():
    w = jnp.arange(1.0, 12.0)
    for behaviour, n, length in [("periodic", 3, 3), ("half-symmetric", 3, 6),
                                 ("whole-symmetric", 3, 4), ("whole-symmetric", 1, 1),
                                 ("edge", 3, 7), ("constant", 2, 5)]:  # fmt: skip
        folded, before = _correlate.fold_kernel(w, 5, n, behaviour)
        assert folded.shape == (length,)
        assert 0 <= before < length
        np.testing.assert_allclose(folded.sum(), w.sum())
    same, before = _correlate.fold_kernel(w[:3], 1, 8, "edge")
    assert same.shape == (3,) and before == 1


@pytest.mark.parametrize(
    "call",
    [
        lambda x: jndi.correlate1d(x, np.random.default_rng(0).random(100000)),
        lambda x: jndi.convolve1d(x, np.random.default_rng(0).random(100000), axis=0),
        lambda x: jndi.gaussian_filter(x, 1.0, radius=10**6),
        lambda x: jndi.gaussian_filter(x, 1.0, radius=10**9),
        lambda x: jndi.gaussian_filter(x, 1.0, truncate=1e6),
        lambda x: jndi.gaussian_laplace(x, 3e5),
        lambda x: jr.smooth(x[:1, :1], sigma_mm=1e4, spacing=2.0),
        lambda x: jr.gaussian_filter_fft(x, 2.0, radius=10**6),
        lambda x: jr.gaussian_filter_fft(x, 2.0, radius=10**6, mode="reflect"),
    ],
)
def test_gh14_long_kernels_answer_quickly(call):
    x = np.random.default_rng(2).normal(size=(5, 6)).astype(WORK)
    start = time.perf_counter()
    out = np.asarray(call(x))
    assert time.perf_counter() - start < 10.0
    assert np.all(np.isfinite(out))


def test_gh14_huge_radius_equals_scipy_with_the_nonzero_taps():
    x = np.random.default_rng(3).normal(size=(5, 6))
    for mode in _modes.FILTER_MODES:
        want = ndi.gaussian_filter(x, 1.3, mode=mode, radius=60)  # 60 > 40 sigma: all nonzero taps
        _close(jndi.gaussian_filter(x.astype(WORK), 1.3, mode=mode, radius=10**9), want)
        fft = jr.gaussian_filter_fft(x.astype(WORK), 1.3, mode=mode, radius=10**5)
        np.testing.assert_allclose(np.asarray(fft), want, rtol=0, atol=1e-5 if not X64 else 1e-9)


def test_gh14_sigma_beyond_the_kernel_limit_is_refused():
    x = np.ones(5, WORK)
    start = time.perf_counter()
    with pytest.raises(ValueError, match="gaussian_filter1d: a Gaussian kernel of radius"):
        jndi.gaussian_filter1d(x, 1e30)
    with pytest.raises(ValueError, match="longer than the 16777217 taps supported"):
        jax.jit(lambda s: jndi.gaussian_filter1d(x, s, radius=10**8))(1.0)
    assert time.perf_counter() - start < 5.0
