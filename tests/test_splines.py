"""Tests of the B-spline machinery (jaxresample._ndimage.splines) against scipy.ndimage.

scipy <= 1.17 has gh-24550: its causal *reflect* initialisation (used by ``reflect``,
``grid-mirror`` and ``nearest``) reads ``c[0]`` after it started overwriting it. The error
scales like ``z**(2n)``, so it matters on short lines. We return the exact coefficients. For
those modes and short lines the oracle is an independent NumPy transcription of scipy's
recursion (:func:`ref_filter`), checked against scipy itself with ``buggy=True``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given, settings
from hypothesis import strategies as st

from jaxresample import ScipyRuntimeError, _modes, spline_filter, spline_filter1d
from jaxresample._bspline import _bspline_weights
from jaxresample._engine import correlate as _correlate
from jaxresample._engine.prefilter import _pre_pad_width, _prefilter, _prefilter1d
from tests._bspline_taps import _first_tap, _frac
from tests._helpers import X64, assert_close, float_dtypes, tol

ORDERS = range(6)
REFLECT_INIT = ("reflect", "grid-mirror", "nearest")
#: Below this length scipy's gh-24550 error can exceed the float64 tolerance
#: (order 5: |z|**(2n) = 0.43**(2*24) ~ 3e-18; 0.43**(2*16) ~ 2e-12).
GH24550_N = 24
POLES = {
    2: [np.sqrt(8.0) - 3.0],
    3: [np.sqrt(3.0) - 2.0],
    4: [
        np.sqrt(664.0 - np.sqrt(438976.0)) + np.sqrt(304.0) - 19.0,
        np.sqrt(664.0 + np.sqrt(438976.0)) - np.sqrt(304.0) - 19.0,
    ],
    5: [
        np.sqrt(67.5 - np.sqrt(4436.25)) + np.sqrt(26.25) - 6.5,
        np.sqrt(67.5 + np.sqrt(4436.25)) - np.sqrt(26.25) - 6.5,
    ],
}


def ref_filter(line: np.ndarray, order: int, *, buggy: bool) -> np.ndarray:
    """scipy's recursive prefilter with the reflect initialisation, on one float64 line."""
    c = np.array(line, dtype=np.float64)
    n = len(c)
    if n < 2 or order < 2:
        return c
    for z in POLES[order]:
        c *= (1.0 - z) * (1.0 - 1.0 / z)
    for z in POLES[order]:
        zn = z**n
        acc = c[0] + zn * c[n - 1]
        for i in range(1, n):
            back = acc if (buggy and i == n - 1) else c[n - 1 - i]  # the gh-24550 alias
            acc += z**i * (c[i] + zn * back)
        c[0] = c[0] + acc * z / (1.0 - zn * zn)
        for i in range(1, n):
            c[i] += z * c[i - 1]
        c[n - 1] *= z / (z - 1.0)
        for i in range(n - 2, -1, -1):
            c[i] = z * (c[i + 1] - c[i])
    return c


def oracle1d(x: np.ndarray, order: int, axis: int, mode: str) -> np.ndarray:
    """scipy's spline_filter1d in float64, with gh-24550 fixed (see the module docstring)."""
    if mode in REFLECT_INIT and order >= 2 and x.shape[axis] < GH24550_N:
        return np.apply_along_axis(ref_filter, axis, x.astype(np.float64), order, buggy=False)
    return ndi.spline_filter1d(x, order=order, axis=axis, mode=mode)


def shapes(max_dims: int = 2):
    return st.lists(
        st.one_of(st.sampled_from([1, 2, 3, 5]), st.integers(1, 24)), min_size=1, max_size=max_dims
    )


# ---------------------------------------------------------------------------------------------
# weights and taps
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ORDERS)
def test_first_tap(order):
    x = np.array([-1.5, -0.5, -0.2, 0.0, 0.49, 0.5, 0.51, 1.0, 2.7, 7.5])
    base = np.floor(x) if order % 2 else np.floor(x + 0.5)
    np.testing.assert_array_equal(np.asarray(_first_tap(x, order)), base - order // 2)
    assert _first_tap(x, order).dtype == jnp.int32


@pytest.mark.parametrize("order", ORDERS)
def test_weights_sum_to_one(order):
    x = np.linspace(-3, 3, 101, dtype=np.float32)
    w = _bspline_weights(_frac(x, order), order)
    assert w.shape == (101, order + 1) and w.dtype == jnp.float32
    assert_close(np.sum(np.asarray(w, np.float64), -1), np.ones(101), dtype=np.float32)
    assert np.all(np.asarray(w) >= -1e-6)  # last weight = 1 - sum: rounding


@pytest.mark.parametrize("order", ORDERS)
def test_weights_match_scipy(order):
    # scipy's interpolation without prefilter of a unit impulse at sample j returns the weight
    # of tap j at each coordinate.
    n = 14
    x = np.concatenate([np.linspace(5.0, 7.0, 41), [5.5, 6.0, 6.5]])
    first = np.asarray(_first_tap(x, order))
    w = np.asarray(_bspline_weights(_frac(x.astype(np.float32), order), order))
    expect = np.zeros_like(w, dtype=np.float64)
    for j in range(n):
        ref = ndi.map_coordinates(np.eye(n)[j], [x], order=order, prefilter=False, mode="mirror")
        k = j - first
        ok = (k >= 0) & (k <= order)
        expect[ok, k[ok]] = ref[ok]
    assert_close(w, expect, dtype=np.float32)


@pytest.mark.parametrize("order", range(1, 6))
def test_weights_gradient_at_integers(order):
    # B-splines reproduce straight lines: interpolating a ramp of slope 2.5 has derivative 2.5
    # everywhere, integer and half-integer coordinates included (no dead spots).
    ramp = 2.5 * jnp.arange(16.0)

    def f(x):
        w = _bspline_weights(_frac(x, order), order)
        idx = _first_tap(x, order) + jnp.arange(order + 1, dtype=jnp.int32)
        return jnp.sum(w * ramp[idx])

    for x0 in (4.0, 4.5, 5.0, 6.25, 7.0):
        assert abs(float(f(x0)) - 2.5 * x0) < 1e-4
        assert abs(float(jax.grad(f)(x0)) - 2.5) < 1e-4


def test_weights_bad_order():
    with pytest.raises(ScipyRuntimeError, match="spline order not supported"):
        _bspline_weights(jnp.zeros(3), 6)


def test_pre_pad_width():
    for order in ORDERS:
        for mode in _modes.INTERP_MODES:
            b = _modes.resolve(mode, family="interp", fn="t")
            want = 12 if order > 1 and mode in ("nearest", "grid-constant") else 0
            assert _pre_pad_width(order, b) == want


# ---------------------------------------------------------------------------------------------
# spline_filter1d / spline_filter against scipy
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", _modes.INTERP_MODES)
@pytest.mark.parametrize("order", ORDERS)
@settings(max_examples=6)
@given(data=st.data())
def test_spline_filter1d_matches_scipy(order, mode, data):
    shape = tuple(data.draw(shapes()))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    dtype = data.draw(st.sampled_from(float_dtypes()))
    seed = data.draw(st.integers(0, 2**16))
    x = np.random.default_rng(seed).normal(size=shape).astype(dtype)
    got = spline_filter1d(x, order=order, axis=axis, mode=mode, output=dtype)
    assert got.dtype == dtype and got.shape == shape
    assert_close(got, oracle1d(x, order, axis, mode), dtype=dtype)


@pytest.mark.parametrize("mode", _modes.INTERP_MODES)
@pytest.mark.parametrize("order", range(2, 6))
@settings(max_examples=4)
@given(data=st.data())
def test_spline_filter_matches_scipy(order, mode, data):
    shape = tuple(data.draw(shapes(3)))
    seed = data.draw(st.integers(0, 2**16))
    x = np.random.default_rng(seed).normal(size=shape)
    expect = x
    for ax in range(x.ndim):
        expect = oracle1d(expect, order, ax, mode)
    got = spline_filter(x.astype(np.float32), order=order, mode=mode)
    out = np.float64 if X64 else np.float32
    assert got.dtype == out
    assert_close(got, expect, dtype=np.float32)  # float32 input: float32 precision


def test_gh_24550_reflect_short_lines():
    # The exact coefficients of [1, 2] with half-sample symmetric extension (scipy <= 1.17
    # gives [0.75126, 2.24975]).
    got = spline_filter1d(np.array([1.0, 2.0]), mode="reflect")
    assert_close(got, [0.75, 2.25], dtype=got.dtype)
    # scipy's deviation is exactly the gh-24550 alias: our transcription reproduces it ...
    rng = np.random.default_rng(1)
    for order in range(2, 6):
        for n in (2, 3, 4, 9):
            x = rng.normal(size=n)
            bug = ref_filter(x, order, buggy=True)
            assert_close(ndi.spline_filter1d(x, order=order, mode="reflect"), bug, dtype=np.float64)
            # ... and we return the fixed result, for every reflect-initialised mode.
            for mode in REFLECT_INIT:
                got = spline_filter1d(x.astype(np.float32), order=order, mode=mode)
                assert_close(got, ref_filter(x, order, buggy=False), dtype=np.float32)


@pytest.mark.parametrize("order", range(2, 6))
@pytest.mark.parametrize("mode", ["mirror", "reflect", "grid-wrap"])
def test_interpolation_condition(order, mode):
    # Independent of scipy: the coefficients, extended by the mode and sampled through the
    # B-spline kernel, give back the input (the definition of the prefilter).
    n = 7
    x = np.random.default_rng(order).normal(size=n)
    got = spline_filter1d(x, order=order, mode=mode)
    c = np.asarray(got, np.float64)
    b = _modes.resolve(mode, family="filter", fn="t")
    taps = np.asarray(_bspline_weights(jnp.zeros(()), order), np.float64)
    first = -(order // 2)
    back = np.zeros(n)
    for j, wj in enumerate(taps):
        back += wj * c[_modes.extend_index(b, np.arange(n) + first + j, n)]
    assert_close(back, x, dtype=got.dtype)


@pytest.mark.parametrize("order", [3, 4, 5])
@pytest.mark.parametrize("mode", ["mirror", "reflect", "grid-wrap", "nearest"])
def test_float32_long_lines(order, mode):
    # Long lines use the truncated inverse filter; float32 must stay within a few ulps of
    # scipy's float64 result even at order 5 (the recursion's gain is ~120 there).
    x = np.random.default_rng(5).normal(size=(4, 1000)) * 100.0
    got = np.asarray(
        spline_filter1d(x.astype(np.float32), order=order, mode=mode, output=np.float32)
    )
    expect = ndi.spline_filter1d(x, order=order, mode=mode)
    err = np.max(np.abs(got - expect)) / np.max(np.abs(x))
    assert err < 2e-6, err


@pytest.mark.parametrize("mode", _modes.INTERP_MODES)
@pytest.mark.parametrize("order", range(2, 6))
def test_spline_filter_tiled_path_matches_scipy(monkeypatch, order, mode):
    # Large arrays whose lines are all long run the FIRs of every axis tile by tile; force
    # that path on a small array (tiles of 12 x 16 rows: border, interior and overlapping
    # last tiles) and check that it was taken.
    monkeypatch.setattr(_correlate, "TILED_MIN_SIZE", 1)
    monkeypatch.setattr(_correlate, "TILE_WIDTH", 16)
    shape = (100, 97, 96) if X64 else (50, 49, 48)  # every line longer than the FIR
    monkeypatch.setattr(_correlate, "TILE_ELEMS", 16 * shape[2] * 12)
    calls = []
    real = _correlate._tiled

    def spy(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(_correlate, "_tiled", spy)
    x = np.random.default_rng(order).normal(size=shape)
    expect = x
    for ax in range(x.ndim):
        expect = oracle1d(expect, order, ax, mode)
    dt = np.float64 if X64 else np.float32
    got = jax.jit(
        lambda x: _prefilter(
            x, order=order, behaviour=_modes.resolve(mode, family="interp", fn="t"), axes=(0, 1, 2)
        )
    )(x.astype(dt))
    assert calls, "the tiled path was not taken"
    assert_close(got, expect, dtype=dt)


def test_spline_filter_tiled_path_transposes(monkeypatch):
    # map_coordinates_adjoint transposes the prefilter: the tiled loop must be transposable.
    # <A x, y> = <x, A^T y> for random x, y.
    monkeypatch.setattr(_correlate, "TILED_MIN_SIZE", 1)
    monkeypatch.setattr(_correlate, "TILE_WIDTH", 16)
    monkeypatch.setattr(_correlate, "TILE_ELEMS", 16 * 48 * 12)
    dt = np.float64 if X64 else np.float32
    rng = np.random.default_rng(0)
    shape = (100, 97, 96) if X64 else (50, 49, 48)
    x, y = (jnp.asarray(rng.normal(size=shape).astype(dt)) for _ in range(2))

    def f(x):
        return _prefilter(x, order=3, behaviour="whole-symmetric", axes=(0, 1, 2))

    (aty,) = jax.linear_transpose(f, x)(y)
    fx = f(x)
    lhs, rhs = float(jnp.vdot(fx, y)), float(jnp.vdot(x, aty))
    # Both sums cancel (random signs): bound the rounding by the sums of absolute terms.
    scale = float(jnp.sum(jnp.abs(fx * y)) + jnp.sum(jnp.abs(x * aty)))
    assert abs(lhs - rhs) <= tol(dt) * scale, (lhs, rhs, scale)


@pytest.mark.parametrize("order", ORDERS)
def test_integer_input(order):
    x = np.random.default_rng(order).integers(-300, 300, size=(6, 11)).astype(np.int16)
    got = spline_filter1d(x, order=order, axis=0, mode="mirror")
    assert got.dtype == (np.float64 if X64 else np.float32)  # scipy: float64 by default
    assert_close(got, ndi.spline_filter1d(x, order=order, axis=0), dtype=got.dtype)


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("out", [np.int32, np.int16])
def test_integer_output_truncates(order, out):
    x = np.random.default_rng(order).normal(size=(5, 9)) * 50.0
    expect = (
        ndi.spline_filter(x, order=order, output=out)
        if order >= 2
        else ndi.spline_filter1d(x, order=order, output=out)
    )
    fn = spline_filter if order >= 2 else spline_filter1d
    got = np.asarray(fn(x.astype(np.float32), order=order, output=out))
    assert got.dtype == out
    # Truncation is exact except where the float coefficient is within rounding of an
    # integer (float32 work vs scipy's float64): allow 1 there only.
    exact = ndi.spline_filter(x, order=order) if order >= 2 else ndi.spline_filter1d(x, order=order)
    near = np.abs(exact - np.round(exact)) < 1e-3
    np.testing.assert_array_equal(got[~near], expect[~near])
    assert np.all(np.abs(got[near].astype(np.int64) - expect[near]) <= 1)


@pytest.mark.parametrize("order", [0, 3, 5])
def test_complex(order):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(7, 9)) + 1j * rng.normal(size=(7, 9))
    for dt in [np.complex64] + ([np.complex128] if X64 else []):
        got = spline_filter1d(x.astype(dt), order=order, mode="mirror", output=dt)
        assert got.dtype == dt
        assert_close(got, ndi.spline_filter1d(x, order=order, output=np.complex128), dtype=dt)
    with pytest.warns(UserWarning, match="promoting"):
        got = spline_filter1d(x.astype(np.complex64), order=order, output=np.float32)
    assert got.dtype == np.complex64


def test_identity_orders_and_trivial_shapes():
    x = np.arange(12.0).reshape(3, 4)
    for order in (0, 1):
        assert_close(spline_filter1d(x, order=order), x)
    assert_close(spline_filter(np.float32(3.0)), np.float32(3.0))
    assert_close(spline_filter1d(np.float32(3.0)), np.float32(3.0))
    assert spline_filter(np.zeros((0, 3))).shape == (0, 3)
    assert_close(spline_filter(np.ones((1, 1, 5)) * 4.0, order=5), np.ones((1, 1, 5)) * 4.0)


# ---------------------------------------------------------------------------------------------
# errors, private cores, transforms
# ---------------------------------------------------------------------------------------------


def test_errors():
    x = np.ones(5)
    for bad in (-1, 6):
        with pytest.raises(RuntimeError, match="spline order not supported"):
            spline_filter1d(x, order=bad)
    for bad in (0, 1, 6):
        with pytest.raises(ScipyRuntimeError, match="spline order not supported"):
            spline_filter(x, order=bad)
    with pytest.raises(RuntimeError, match="boundary mode not supported"):
        spline_filter1d(x, mode="bogus")
    with pytest.raises(RuntimeError, match="boundary mode not supported"):
        spline_filter(x, mode="symmetric")
    with pytest.raises(ValueError, match="axis"):
        spline_filter1d(x, axis=1)
    with pytest.raises(TypeError, match="order"):
        spline_filter1d(x, order=3.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="output"):
        spline_filter(x, output=np.zeros(5))
    with pytest.raises(TypeError, match="bool"):
        spline_filter(np.ones(3, bool))


def test_prefilter_core_matches_public():
    x = np.random.default_rng(0).normal(size=(9, 70, 5)).astype(np.float32)
    for mode in ("mirror", "grid-wrap", "nearest"):
        b = _modes.resolve(mode, family="interp", fn="t")
        core = jax.jit(_prefilter, static_argnames=("order", "behaviour", "axes"))
        got = core(jnp.asarray(x), order=4, behaviour=b, axes=(0, 1, 2))
        assert_close(got, spline_filter(x, order=4, mode=mode, output=np.float32))
        one = _prefilter1d(jnp.asarray(x), order=4, behaviour=b, axis=1)
        assert_close(one, spline_filter1d(x, order=4, axis=1, mode=mode, output=np.float32))
        assert _prefilter(jnp.asarray(x), order=1, behaviour=b, axes=(0,)) is not None


@pytest.mark.parametrize("n", [6, 90])
def test_grad_and_transpose(n):
    # The filter is linear: its gradient is the transposed operator.
    x = np.random.default_rng(2).normal(size=(4, n)).astype(np.float32)
    ct = np.random.default_rng(3).normal(size=(4, n)).astype(np.float32)

    def f(v):
        return spline_filter(v, order=5, mode="grid-wrap", output=np.float32)

    g = jax.grad(lambda v: jnp.sum(f(v) * ct))(jnp.asarray(x))
    (t,) = jax.linear_transpose(f, jnp.asarray(x))(jnp.asarray(ct))
    assert_close(g, t)
    # <f(e), ct> computed directly for a few basis vectors
    for i, j in [(0, 0), (2, n - 1), (3, n // 2)]:
        e = np.zeros_like(x)
        e[i, j] = 1.0
        assert abs(float(jnp.sum(f(e) * ct)) - float(g[i, j])) < 1e-4 * (1 + abs(float(g[i, j])))


def test_jit_vmap():
    x = np.random.default_rng(4).normal(size=(3, 8, 6)).astype(np.float32)
    f = jax.jit(lambda v: spline_filter(v, order=3, mode="reflect", output=np.float32))
    batched = jax.vmap(f)(jnp.asarray(x))
    for k in range(3):
        assert_close(batched[k], spline_filter(x[k], order=3, mode="reflect", output=np.float32))
    assert tol(np.float32) > 0
