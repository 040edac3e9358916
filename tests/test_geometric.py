"""Tests of zoom, shift, affine_transform and geometric_transform against scipy.ndimage.

As in ``test_interp.py``, ``reflect``/``grid-mirror`` with a prefilter on short axes hit
scipy's gh-24550; there the oracle samples exact coefficients with scipy's own sampler
(``prefilter=False``), which is exactly what scipy computes once gh-24550 is fixed.
"""

from __future__ import annotations

import inspect
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given, settings
from hypothesis import strategies as st

from jaxresample import (
    ScipyRuntimeError,
    _modes,
    affine_transform,
    geometric_transform,
    shift,
    zoom,
)
from jaxresample._engine import separable as _separable
from tests._helpers import X64, assert_close, float_dtypes
from tests.test_interp import GH24550_MODES, exact_coefficients

ORDERS = range(6)
MODES = _modes.INTERP_MODES


def oracle(fn, x, *args, order, mode, prefilter=True, **kw):
    """Call scipy's ``fn``, with exact coefficients where scipy has gh-24550."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if prefilter and order > 1 and mode in GH24550_MODES:
            x = exact_coefficients(x, order, mode)
            prefilter = False
        if fn is ndi.zoom and not prefilter and all(np.atleast_1d(args[0]) == 1):
            # scipy's zoom-by-1 early exit needs prefilter=True; a zoom by 1 returns the
            # samples, which is the identity on the spline's values
            return ndi.zoom(x, 1.000000001, order=order, mode=mode, prefilter=False, **kw)
        return fn(x, *args, order=order, mode=mode, prefilter=prefilter, **kw)


def check(got, expected, dt):
    assert got.shape == expected.shape
    assert_close(got, expected, dtype=dt, rtol=1e-10 if dt == np.float64 else None)


shapes = st.lists(st.sampled_from([1, 2, 3, 5, 8, 13]), min_size=1, max_size=3).map(tuple)


# --------------------------------------------------------------------------------------------
# zoom
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ORDERS)
@settings(max_examples=8, deadline=None)
@given(
    shape=shapes,
    factor=st.sampled_from([0.5, 0.7, 1.0, 1.5, 2.0, 2.6]),
    mode=st.sampled_from(MODES),
    grid_mode=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_zoom_matches_scipy(order, shape, factor, mode, grid_mode, seed):
    x = np.random.default_rng(seed).normal(size=shape)
    expected = oracle(ndi.zoom, x, factor, order=order, mode=mode, cval=0.5, grid_mode=grid_mode)
    for dt in float_dtypes()[-1:]:  # x64 job: float64 only
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            got = zoom(x.astype(dt), factor, order=order, mode=mode, cval=0.5, grid_mode=grid_mode)
        assert got.dtype == dt
        check(got, expected, dt)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 9, 13, 247])
@pytest.mark.parametrize("factor", [0.3, 0.5, 1 / 3, 0.7, 1.5, 2.5, 400 / 512])
def test_zoom_output_shape(n, factor):
    x = np.zeros((n, 3), np.float32)
    assert zoom(x, (factor, 1), order=0).shape == ndi.zoom(x, (factor, 1), order=0).shape


def test_zoom_grid_mode_warning():
    x = np.ones((4, 4), np.float32)
    for mode, suggest in (("constant", "grid-constant"), ("wrap", "grid-wrap")):
        with pytest.warns(UserWarning, match=f"use mode = {suggest} instead of {mode}"):
            zoom(x, 2, mode=mode, grid_mode=True)
    zoom(x, 2, mode="grid-constant", grid_mode=True)  # no warning (filterwarnings=error)


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int32])
def test_zoom_integer_and_complex(dtype):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 200, size=(6, 5)).astype(dtype)
    x[0, 0] = 0
    for order in (0, 1):
        expected = ndi.zoom(x, 2.0, order=order)  # zoom 2 on 6 -> 12: scale 5/11
        got = zoom(x, 2.0, order=order)
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(np.asarray(got), expected)
    xc = rng.normal(size=(5, 4)) + 1j * rng.normal(size=(5, 4))
    expected = ndi.zoom(xc, 1.6, order=3, mode="nearest")
    assert_close(
        zoom(xc.astype(np.complex64), 1.6, order=3, mode="nearest"), expected, dtype=np.complex64
    )


def test_zoom_shift_under_jit_and_vmap():
    xs = np.random.default_rng(7).normal(size=(3, 9, 8)).astype(np.float32)
    for fn, arg in ((zoom, (1.5, 0.6)), (shift, (1.3, -0.4))):
        eager = fn(xs[0], arg, order=3, mode="nearest")
        assert_close(
            jax.jit(lambda x, fn=fn, arg=arg: fn(x, arg, order=3, mode="nearest"))(xs[0]),
            eager,
            dtype=np.float32,
        )
        batched = jax.vmap(lambda x, fn=fn, arg=arg: fn(x, arg, order=3, mode="nearest"))(xs)
        assert_close(batched[0], eager, dtype=np.float32)


@pytest.mark.parametrize("mode", ["constant", "grid-constant", "nearest", "mirror", "grid-wrap"])
def test_zoom_unfused_path_matches_scipy(monkeypatch, mode):
    """Long axes are prefiltered in JAX and planned from taps instead of a fused matrix."""

    # Host plans are cached: clear the cache so this call plans with the patched limit (and
    # again afterwards, so no unfused plan leaks into other tests).
    _separable._cached_axis_resampling.cache_clear()
    monkeypatch.setattr(_separable, "_DENSE_LIMIT", 0)
    try:
        x = np.random.default_rng(9).normal(size=(11, 10))
        expected = ndi.zoom(x, (1.4, 0.7), order=3, mode=mode, cval=0.5)
        got = zoom(x.astype(np.float32), (1.4, 0.7), order=3, mode=mode, cval=0.5)
        assert_close(got, expected, dtype=np.float32)
    finally:
        _separable._cached_axis_resampling.cache_clear()


@pytest.mark.parametrize("order", [2, 3, 5])
def test_zoom_banded_blocks_match_scipy(monkeypatch, order):
    """The banded matrix form, with many row blocks on every axis position of a 4-D array.

    The first axis is a plain GEMM per block, the middle axes a GEMM batched over the leading
    axes, the last axis one dense product: all must match scipy.
    """

    _separable._cached_axis_resampling.cache_clear()
    monkeypatch.setattr(_separable, "_BAND", 5)
    try:
        x = np.random.default_rng(4).normal(size=(23, 19, 17, 14))
        factors = (0.8, 1.3, 0.6, 0.75)
        expected = ndi.zoom(x, factors, order=order, mode="nearest", grid_mode=True)
        got = zoom(x.astype(np.float32), factors, order=order, mode="nearest", grid_mode=True)
        assert_close(got, expected, dtype=np.float32)
        if X64:
            got64 = zoom(x, factors, order=order, mode="nearest", grid_mode=True)
            assert_close(got64, expected, dtype=np.float64, rtol=1e-10)
    finally:
        _separable._cached_axis_resampling.cache_clear()


def test_zoom_identity_and_zero_size():
    x = np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(zoom(x, 1.0)), x)
    assert zoom(x, 0.1).shape == ndi.zoom(x, 0.1).shape


# --------------------------------------------------------------------------------------------
# shift
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ORDERS)
@settings(max_examples=6, deadline=None)
@given(shape=shapes, mode=st.sampled_from(MODES), seed=st.integers(0, 1000))
def test_shift_matches_scipy(order, shape, mode, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    s = list(rng.uniform(-4, 4, len(shape)))
    s[0] = float(np.round(s[0]))  # integer shifts (taps exactly on samples) too
    expected = oracle(ndi.shift, x, s, order=order, mode=mode, cval=-1.0)
    for dt in float_dtypes()[-1:]:  # x64 job: float64 only
        check(shift(x.astype(dt), s, order=order, mode=mode, cval=-1.0), expected, dt)


def test_shift_traced_matches_concrete():
    rng = np.random.default_rng(1)
    x = jnp.asarray(rng.normal(size=(9, 8)), jnp.float32)
    s = jnp.array([1.3, -2.6], jnp.float32)
    for mode in ("constant", "nearest", "grid-constant", "reflect"):
        f = jax.jit(lambda x, s, mode=mode: shift(x, s, order=3, mode=mode, cval=0.25))
        assert_close(
            f(x, s), shift(x, np.asarray(s), order=3, mode=mode, cval=0.25), dtype=np.float32
        )


def test_shift_roundtrip_interior():
    x = np.random.default_rng(2).normal(size=(20, 18)).astype(np.float32)
    y = shift(shift(x, (2.0, -3.0), order=1), (-2.0, 3.0), order=1)
    np.testing.assert_allclose(np.asarray(y)[2:-2, 3:-3], x[2:-2, 3:-3], rtol=1e-6, atol=1e-6)
    i, j = np.meshgrid(np.arange(20), np.arange(18), indexing="ij")
    smooth = (np.sin(0.3 * i) * np.cos(0.2 * j)).astype(np.float32)
    y = shift(
        shift(smooth, (1.25, -0.5), order=3, mode="mirror"), (-1.25, 0.5), order=3, mode="mirror"
    )
    np.testing.assert_allclose(np.asarray(y)[4:-4, 4:-4], smooth[4:-4, 4:-4], atol=2e-3)


def test_shift_gradient():
    x = jnp.asarray(2.0 * np.arange(10.0) + 1.0, jnp.float32)
    g = jax.jit(jax.grad(lambda s: shift(x, s, order=1)[3:7].sum()))(jnp.float32(1.0))
    np.testing.assert_allclose(float(g), -8.0, rtol=1e-6)  # d/ds x(k - s) = -slope per sample
    f3 = jax.jit(lambda s: shift(x, s, order=3, mode="nearest")[4])
    g3 = jax.jit(jax.grad(f3))(jnp.float32(0.3))
    eps = 1e-2
    fd = (f3(jnp.float32(0.3 + eps)) - f3(jnp.float32(0.3 - eps))) / (2 * eps)
    np.testing.assert_allclose(float(g3), float(fd), rtol=1e-2)


# every mode whose shifted fused kernels can take the correlation form (legacy ``wrap``,
# period n - 1, cannot)
FIR_MODES = (
    "reflect",
    "grid-mirror",
    "mirror",
    "nearest",
    "grid-wrap",
    "constant",
    "grid-constant",
)


def _fir_axes(shape, shifts, order, mode, work):
    """Which axes of ``shift(x, shifts)`` are planned as one correlation kernel."""

    b = _modes.resolve(mode, family="interp", fn="test")
    out = []
    for i, (n, s) in enumerate(zip(shape, shifts, strict=True)):
        kw = dict(order=order, behaviour=b, prefilter=True, compute=work, axis=i)
        planned = _separable.axis_resampling(np.arange(n) - s, n, **kw)
        assert planned is not None  # a fractional shift is never the identity
        out.append(isinstance(planned.step, _separable.Correlation))
    return out


@pytest.mark.parametrize("order", [2, 3, 4, 5])
@pytest.mark.parametrize("mode", FIR_MODES)
def test_shift_correlation_path_matches_scipy(order, mode):
    """Axes whose fused kernels are one correlation (the shift of every sample is the same)
    run through the correlation engine, with the axis extended by the mode, and still match
    scipy. Which axes qualify is checked row by row on the host; float32 plans qualify for
    these shifts on every axis up to order 3, and on the two longer axes for orders 4-5."""
    shape, s = (41, 37, 30), (0.3, -1.7, 2.45)
    fir = _fir_axes(shape, s, order, mode, np.dtype("float32"))
    assert fir[:2] == [True, True] and (order > 3 or fir[2])
    x = np.random.default_rng(order).normal(size=shape)
    expected = oracle(ndi.shift, x, s, order=order, mode=mode, cval=-1.5)
    for dt in float_dtypes():
        got = shift(x.astype(dt), s, order=order, mode=mode, cval=-1.5)
        assert_close(got, expected, dtype=dt, rtol=1e-10 if dt == np.float64 else None)


@settings(max_examples=12, deadline=None)
@given(
    shape=st.tuples(st.integers(26, 48), st.integers(26, 48)),
    shifts=st.tuples(st.floats(-6, 6), st.floats(-6, 6)),
    order=st.integers(2, 5),
    mode=st.sampled_from(FIR_MODES),
)
def test_shift_and_unit_affine_correlation_path_property(shape, shifts, order, mode):
    """Drawn shapes, shifts, orders and modes: ``shift`` and the equivalent unit-scale
    diagonal ``affine_transform`` match scipy, whichever axes the host check sends to the
    correlation path (most of them in float32: the draws land on both paths)."""
    x = np.random.default_rng(len(shape) + order).normal(size=shape)
    expected = oracle(ndi.shift, x, shifts, order=order, mode=mode)
    offset = [-s for s in shifts]
    expected_affine = oracle(ndi.affine_transform, x, np.ones(2), offset, order=order, mode=mode)
    for dt in float_dtypes():
        rtol = 1e-10 if dt == np.float64 else None
        assert_close(
            shift(x.astype(dt), shifts, order=order, mode=mode), expected, dtype=dt, rtol=rtol
        )
        got = affine_transform(x.astype(dt), np.ones(2), offset, order=order, mode=mode)
        assert_close(got, expected_affine, dtype=dt, rtol=rtol)


@pytest.mark.parametrize("mode", ["reflect", "constant", "grid-constant"])
def test_shift_correlation_path_vmap_and_vjp_equal_the_matrix_path(monkeypatch, mode):
    """The correlation path against the banded/dense matrix path it replaces: batched
    (vmap vs loop) and transposed (the VJP w.r.t. the data and ``cval``, which ``grad``
    uses)."""

    shape, s = (33, 29), (0.7, -2.2)
    assert all(_fir_axes(shape, s, 3, mode, np.dtype("float32")))
    rng = np.random.default_rng(5)
    xs = jnp.asarray(rng.normal(size=(3, *shape)), jnp.float32)
    ct = jnp.asarray(rng.normal(size=shape), jnp.float32)
    cval = jnp.float32(0.75)

    def run():
        _separable._cached_axis_resampling.cache_clear()
        f = jax.jit(lambda x, c: shift(x, s, order=3, mode=mode, cval=c))
        batched = jax.vmap(f, in_axes=(0, None))(xs, cval)
        for i in range(xs.shape[0]):
            assert_close(batched[i], f(xs[i], cval), dtype=np.float32)
        return batched, jax.vjp(f, xs[0], cval)[1](ct)

    fir_out, fir_vjp = run()
    monkeypatch.setattr(_separable, "_shift_invariant", lambda *a, **k: None)
    mat_out, mat_vjp = run()
    _separable._cached_axis_resampling.cache_clear()
    assert_close(fir_out, mat_out, dtype=np.float32)
    assert_close(fir_vjp[0], mat_vjp[0], dtype=np.float32)
    assert_close(fir_vjp[1], mat_vjp[1], dtype=np.float32)


def test_shift_invariant_detection():
    """``_shift_invariant`` accepts a correlation with the extension's borders and rejects a
    matrix with one border row off the model, a non-square matrix and legacy ``wrap`` given
    a plain periodic matrix."""

    n, g = 20, np.array([0.05, -0.2, 0.9, 0.3, -0.05])
    pos = np.arange(n)[:, None] - 2 + np.arange(5)[None, :]
    for behaviour in ("periodic", "half-symmetric", "edge"):
        dense = np.zeros((n, n))
        np.add.at(
            dense, (np.arange(n)[:, None].repeat(5, 1), _modes.extend_index(behaviour, pos, n)), g
        )
        got = _separable._shift_invariant(dense, behaviour, 1e-14)
        assert got is not None
        np.testing.assert_array_equal(got[0], g)
        assert got[1] == 2
        off = dense.copy()
        off[0, 0] += 1e-9
        assert _separable._shift_invariant(off, behaviour, 1e-14) is None
        assert _separable._shift_invariant(dense[:-1], behaviour, 1e-14) is None
    dense = np.zeros((n, n))
    np.add.at(
        dense, (np.arange(n)[:, None].repeat(5, 1), _modes.extend_index("periodic", pos, n)), g
    )
    assert _separable._shift_invariant(dense, "periodic-legacy", 1e-14) is None
    # constant: the taps past the ends weigh cval, and those weights must match too
    idx = _modes.extend_index("constant", pos, n)
    rows = np.arange(n)[:, None].repeat(5, 1)
    inside = idx >= 0
    dense = np.zeros((n, n))
    np.add.at(dense, (rows[inside], idx[inside]), np.broadcast_to(g, idx.shape)[inside])
    beta = (g * ~inside).sum(axis=1)
    got = _separable._shift_invariant(dense, "constant", 1e-14, beta=beta)
    assert got is not None and got[1:] == (2, "constant")
    assert _separable._shift_invariant(dense, "constant", 1e-14, beta=beta + 1e-9) is None
    # legacy constant: mirrored taps inside, any rows at all where the plan returns cval
    dense = np.zeros((n, n))
    np.add.at(dense, (rows, _modes.extend_index("whole-symmetric", pos, n)), g)
    outside = np.zeros(n, bool)
    outside[-3:] = True
    dense[-3:] = 0.0
    got = _separable._shift_invariant(dense, "constant-legacy", 1e-14, outside=outside)
    assert got is not None and got[2] == "whole-symmetric"
    assert _separable._shift_invariant(dense, "constant-legacy", 1e-14) is None


# --------------------------------------------------------------------------------------------
# affine_transform
# --------------------------------------------------------------------------------------------


def _matrices(ndim, rng):
    m = rng.uniform(-1.2, 1.2, (ndim, ndim)) + np.eye(ndim)
    off = rng.uniform(-2, 2, ndim)
    d = np.diag(rng.uniform(0.4, 1.6, ndim))
    homog = np.eye(ndim + 1)
    homog[:ndim, :ndim] = m
    homog[:ndim, ndim] = off
    return [
        (m, off),
        (d, off),
        (np.diag(d), off),
        (homog, 0.0),
        (homog[:ndim], 0.0),
    ]


@pytest.mark.parametrize("order", ORDERS)
@settings(max_examples=3, deadline=None)
@given(shape=shapes, mode=st.sampled_from(MODES), seed=st.integers(0, 1000))
def test_affine_matches_scipy(order, shape, mode, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    out_shape = tuple(int(s) for s in rng.integers(1, 9, len(shape)))
    for matrix, offset in _matrices(len(shape), rng):
        expected = oracle(
            ndi.affine_transform, x, matrix, offset, out_shape, order=order, mode=mode, cval=0.5
        )
        for dt in float_dtypes()[-1:]:  # x64 job: float64 only
            got = affine_transform(
                x.astype(dt), matrix, offset, out_shape, order=order, mode=mode, cval=0.5
            )
            check(got, expected, dt)


def test_affine_traced_matrix_and_identity():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(7, 6))
    m = np.array([[0.8, 0.3], [-0.25, 1.1]])
    off = np.array([0.5, -1.0])
    f = jax.jit(lambda m, o: affine_transform(x.astype(np.float32), m, o, order=3, mode="mirror"))
    expected = ndi.affine_transform(x, m, off, order=3, mode="mirror")
    assert_close(
        f(jnp.asarray(m, jnp.float32), jnp.asarray(off, jnp.float32)), expected, dtype=np.float32
    )
    for order in ORDERS:
        y = affine_transform(x.astype(np.float32), np.eye(2), order=order)
        assert_close(y, x, dtype=np.float32)
    # the separable (diagonal) and general paths agree
    d = np.diag([0.7, 1.3])
    sep = affine_transform(x.astype(np.float32), d, off, order=3, mode="nearest")
    gen = jax.jit(
        lambda m: affine_transform(x.astype(np.float32), m, off, order=3, mode="nearest")
    )(jnp.asarray(d, jnp.float32))
    assert_close(sep, gen, dtype=np.float32)


def test_affine_gradient_wrt_matrix():
    x = jnp.asarray(np.random.default_rng(4).normal(size=(6, 6)), jnp.float32)

    @jax.jit
    def f(m):
        return jnp.sum(affine_transform(x, m, (0.2, 0.3), order=3, mode="nearest") ** 2)

    m = jnp.array([[0.9, 0.1], [0.05, 0.8]], jnp.float32)
    g = jax.jit(jax.grad(f))(m)
    eps = 1e-2
    dm = jnp.zeros((2, 2), jnp.float32).at[0, 1].set(eps)
    fd = (f(m + dm) - f(m - dm)) / (2 * eps)
    np.testing.assert_allclose(float(g[0, 1]), float(fd), rtol=3e-2)


def test_affine_exceptions():
    x = np.zeros((4, 5), np.float32)
    with pytest.raises(RuntimeError, match="no proper affine matrix provided"):
        affine_transform(x, np.zeros((2, 2, 2)))
    with pytest.raises(RuntimeError, match="affine matrix has wrong number of rows"):
        affine_transform(x, np.eye(4))
    with pytest.raises(RuntimeError, match="affine matrix has wrong number of rows"):
        affine_transform(x, np.ones(3))
    with pytest.raises(RuntimeError, match="affine matrix has wrong number of columns"):
        affine_transform(x, np.ones((2, 4)))
    bad = np.eye(3)
    bad[2, 0] = 1.0
    with pytest.raises(ValueError, match="bottom row was not equal to"):
        affine_transform(x, bad)
    with pytest.raises(RuntimeError, match="sequence argument must have length equal to input"):
        affine_transform(x, np.eye(2), offset=(1.0, 2.0, 3.0))


# --------------------------------------------------------------------------------------------
# geometric_transform
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", [0, 1, 3, 5])
@pytest.mark.parametrize("mode", ["constant", "nearest", "grid-wrap", "reflect"])
def test_geometric_transform_matches_scipy(order, mode):
    rng = np.random.default_rng(order)
    x = rng.normal(size=(8, 7))

    def mapping(c, a, b=0.0):
        return (c[0] * a - 0.5, c[1] * 0.8 + b + 0.1 * c[0])

    expected = oracle(
        ndi.geometric_transform,
        x,
        mapping,
        (9, 6),
        order=order,
        mode=mode,
        cval=0.3,
        extra_arguments=(0.9,),
        extra_keywords={"b": 0.25},
    )
    got = geometric_transform(
        x.astype(np.float32),
        mapping,
        (9, 6),
        order=order,
        mode=mode,
        cval=0.3,
        extra_arguments=(0.9,),
        extra_keywords={"b": 0.25},
    )
    assert_close(got, expected, dtype=np.float32)
    with pytest.raises(RuntimeError, match="mapping must return 2 coordinates"):
        geometric_transform(x, lambda c: (c[0],))


# --------------------------------------------------------------------------------------------
# Errors and signatures
# --------------------------------------------------------------------------------------------


def test_exceptions():
    x = np.zeros((4, 5), np.float32)
    for fn, arg in ((zoom, 2.0), (shift, 1.0)):
        with pytest.raises(RuntimeError, match="spline order not supported"):
            fn(x, arg, order=6)
        with pytest.raises(RuntimeError, match="boundary mode not supported"):
            fn(x, arg, mode="edge")
        with pytest.raises(RuntimeError, match="sequence argument must have length equal"):
            fn(x, (arg, arg, arg))
        with pytest.raises(TypeError, match="immutable"):
            fn(x, arg, output=np.zeros(3))
    with pytest.raises(TypeError, match="zoom must be a concrete"):
        jax.jit(lambda z: zoom(x, z))(2.0)
    with pytest.raises(ScipyRuntimeError, match="input and output rank must be > 0"):
        zoom(np.float32(1.0), 2.0)


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (zoom, ndi.zoom),
        (shift, ndi.shift),
        (affine_transform, ndi.affine_transform),
        (geometric_transform, ndi.geometric_transform),
    ],
)
def test_signature_matches_scipy(ours, theirs):
    def sig(fn):
        return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]

    assert sig(ours) == sig(theirs)


@pytest.mark.skipif(not X64, reason="check_grads needs float64: run with JAX_ENABLE_X64=1")
@pytest.mark.parametrize("order", [1, 3])
def test_check_grads_affine(order):
    from jax.test_util import check_grads

    x = jnp.asarray(np.random.default_rng(5).normal(size=(6, 5)))
    m = jnp.array([[0.93, 0.11], [0.07, 0.81]])

    def f(x, m, off, cval):
        return affine_transform(x, m, off, order=order, mode="grid-constant", cval=cval)

    check_grads(f, (x, m, jnp.array([0.137, 0.271]), 0.4), order=1, modes=["fwd", "rev"], eps=1e-6)
