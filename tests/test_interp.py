"""Tests of map_coordinates and its adjoint against scipy.ndimage.

scipy <= 1.17 has gh-24550 (a wrong causal *reflect* initialisation of the spline prefilter,
visible on short lines). We return the exact coefficients, so for ``reflect``/``grid-mirror``
with a prefilter the oracle is scipy's sampler (``prefilter=False``) applied to exact
coefficients (:func:`exact_coefficients`, a dense solve against scipy's own sampling of unit
coefficients); every other case compares with scipy directly.
"""

from __future__ import annotations

import inspect

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given, settings
from hypothesis import strategies as st

from jaxresample import ScipyRuntimeError, _modes, map_coordinates, map_coordinates_adjoint
from jaxresample._engine import sampler
from tests._helpers import INT_DTYPES, X64, assert_close, float_dtypes

ORDERS = range(6)
MODES = _modes.INTERP_MODES
GH24550_MODES = ("reflect", "grid-mirror")


def exact_coefficients(x: np.ndarray, order: int, mode: str) -> np.ndarray:
    """B-spline coefficients of ``x`` (float64) with no gh-24550 error, via a dense solve."""
    c = np.asarray(x, dtype=np.float64)
    for ax in range(c.ndim):
        n = c.shape[ax]
        pts = np.arange(n, dtype=np.float64)[None]
        s = np.stack(
            [
                ndi.map_coordinates(np.eye(n)[j], pts, order=order, mode=mode, prefilter=False)
                for j in range(n)
            ],
            axis=1,
        )  # s[i, j]: spline with unit coefficient j sampled at i
        c = np.moveaxis(np.tensordot(np.linalg.inv(s), np.moveaxis(c, ax, 0), axes=1), 0, ax)
    return c


def oracle_map(x, coords, *, order, mode, cval=0.0, prefilter=True, output=None):
    """scipy's map_coordinates, with exact coefficients where scipy has gh-24550."""
    if prefilter and order > 1 and mode in GH24550_MODES:
        coef = exact_coefficients(x, order, mode)
        return ndi.map_coordinates(
            coef, coords, order=order, mode=mode, cval=cval, prefilter=False, output=output
        )
    return ndi.map_coordinates(
        x, coords, order=order, mode=mode, cval=cval, prefilter=prefilter, output=output
    )


@st.composite
def image_and_coords(draw, max_ndim=3, max_side=12):
    ndim = draw(st.integers(1, max_ndim))
    shape = tuple(
        draw(st.lists(st.sampled_from([1, 2, 3, 5, 8, 12]), min_size=ndim, max_size=ndim))
    )
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    npts = 15
    cols = []
    for n in shape:
        inside = rng.uniform(0, n - 1, npts)
        outside = rng.uniform(-3, n + 2, npts)
        special = np.array([0.0, n - 1.0, -0.5, n - 0.5, -1.0, float(n)])
        cols.append(np.concatenate([inside, outside, special, rng.integers(-2, n + 2, 4)]))
    return x, np.stack(cols).astype(np.float64)


# --------------------------------------------------------------------------------------------
# Oracle
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=2, deadline=None)
@given(data=image_and_coords())
def test_matches_scipy(order, mode, data):
    x, coords = data
    expected = oracle_map(x, coords, order=order, mode=mode, cval=-0.75)
    for dt in float_dtypes()[-1:]:  # x64 job: float64 only
        got = map_coordinates(x.astype(dt), coords.astype(dt), order=order, mode=mode, cval=-0.75)
        assert got.dtype == dt
        rtol = 1e-10 if dt == np.float64 else None
        assert_close(got, expected, dtype=dt, rtol=rtol)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("order", [2, 3, 5])
def test_prefilter_false_matches_scipy(order, mode):
    x, coords = _fixed_case(order)
    expected = ndi.map_coordinates(x, coords, order=order, mode=mode, cval=2.0, prefilter=False)
    got = map_coordinates(
        x.astype(np.float32), coords, order=order, mode=mode, cval=2.0, prefilter=False
    )
    assert_close(got, expected, dtype=np.float32)


def _fixed_case(seed, shape=(6, 5)):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    coords = np.stack([rng.uniform(-2.5, n + 1.5, 40) for n in shape])
    return x, coords


@pytest.mark.parametrize("dtype", INT_DTYPES)
@pytest.mark.parametrize("order", ORDERS)
def test_integer_dtypes_exact(dtype, order):
    """Integer outputs equal scipy's, dtype included (rounded half away from zero, saturated).

    Orders 0-1 at dyadic coordinates are exact in float32. For orders >= 2 we compute in
    float32 and scipy in float64, so a value within float32 rounding of a .5 tie may round
    the other way: those points (only) may differ by one.
    """
    rng = np.random.default_rng(order)
    info = np.iinfo(dtype)
    lo, hi = max(info.min, -(2**16)), min(info.max, 2**16)
    x = rng.integers(lo, hi, size=(7, 6), endpoint=True).astype(dtype)
    x[0, :3] = [lo, hi, hi]  # spline overshoot saturates
    coords = np.stack([rng.integers(-8, 36, 50) / 4.0, rng.integers(-8, 30, 50) / 4.0])
    modes = ("constant", "nearest", "mirror", "grid-wrap")
    for mode in modes[(order + INT_DTYPES.index(dtype)) % 4 :: 4]:
        expected = ndi.map_coordinates(x, coords, order=order, mode=mode, cval=3)
        got = map_coordinates(x, coords, order=order, mode=mode, cval=3)
        assert got.dtype == expected.dtype
        diff = np.abs(np.asarray(got).astype(np.int64) - expected.astype(np.int64))
        if order <= 1:
            np.testing.assert_array_equal(diff, 0)
            continue
        ref = ndi.map_coordinates(x, coords, order=order, mode=mode, cval=3, output=np.float64)
        near_tie = np.abs(np.abs(ref) % 1.0 - 0.5) < 2e-6 * order * max(abs(lo), hi)
        assert np.all(diff[~near_tie] == 0) and np.all(diff <= 1)


def test_output_dtype_and_complex():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 4)) + 1j * rng.normal(size=(5, 4))
    coords = np.stack([rng.uniform(-1, 5, 20), rng.uniform(-1, 4, 20)])
    for order in (0, 1, 3):
        expected = ndi.map_coordinates(x, coords, order=order, cval=1 - 2j, mode="nearest")
        got = map_coordinates(
            x.astype(np.complex64), coords, order=order, cval=1 - 2j, mode="nearest"
        )
        assert got.dtype == np.complex64
        assert_close(got, expected, dtype=np.complex64)
    with pytest.warns(UserWarning, match="promoting specified output dtype to complex"):
        out = map_coordinates(x.astype(np.complex64), coords, output=np.float32)
    assert out.dtype == np.complex64
    real = map_coordinates(np.arange(5.0, dtype=np.float32), [[1.25]], output=np.uint8, order=1)
    assert real.dtype == np.uint8 and int(real[0]) == 1


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ORDERS)
def test_integer_coordinates_return_samples(order):
    x = np.random.default_rng(2).normal(size=(6, 7)).astype(np.float32)
    ii, jj = np.meshgrid(np.arange(6), np.arange(7), indexing="ij")
    got = map_coordinates(x, np.stack([ii, jj]).astype(np.float32), order=order, mode="mirror")
    if order <= 1:
        np.testing.assert_array_equal(np.asarray(got), x)
    else:
        assert_close(got, x, dtype=np.float32)


@settings(max_examples=20, deadline=None)
@given(st.floats(0, 10), st.floats(-5, 5), st.lists(st.floats(0, 14), min_size=8, max_size=8))
def test_linear_reproduces_ramp(slope, intercept, pts):
    x = (slope * np.arange(15) + intercept).astype(np.float32)
    c = np.asarray(pts, np.float32)[None]
    got = map_coordinates(x, c, order=1)
    np.testing.assert_allclose(np.asarray(got), slope * c[0] + intercept, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("mode", MODES)
def test_gradient_at_integer_coordinate_is_slope(mode):
    x = jnp.asarray(3.0 * np.arange(8.0) + 1.0, jnp.float32)

    def f(c):
        return map_coordinates(x, c[None], order=1, mode=mode).sum()

    for c0 in (1.0, 3.0, 6.0):
        g = jax.grad(f)(jnp.array([c0], jnp.float32))
        np.testing.assert_allclose(np.asarray(g), [3.0], rtol=1e-6)


def test_gradients_image_coordinates_cval():
    rng = np.random.default_rng(3)
    x = jnp.asarray(rng.normal(size=(5, 6)), jnp.float32)
    c = jnp.asarray(np.stack([rng.uniform(-1, 5, 9), rng.uniform(-1, 6, 9)]), jnp.float32)

    @jax.jit
    def f(x, c, cval):
        return jnp.sum(map_coordinates(x, c, order=3, mode="grid-constant", cval=cval) ** 2)

    gx, gc, gv = jax.jit(jax.grad(f, argnums=(0, 1, 2)))(x, c, jnp.float32(0.5))
    assert np.all(np.isfinite(gx)) and np.all(np.isfinite(gc)) and np.isfinite(gv)
    eps = 1e-2  # float32 central differences
    for i in range(3):
        dc = jnp.zeros_like(c).at[0, i].set(eps)
        fd = (f(x, c + dc, 0.5) - f(x, c - dc, 0.5)) / (2 * eps)
        np.testing.assert_allclose(gc[0, i], fd, rtol=2e-2, atol=2e-3)
    fd = (f(x, c, 0.5 + eps) - f(x, c, 0.5 - eps)) / (2 * eps)
    np.testing.assert_allclose(gv, fd, rtol=2e-2, atol=2e-3)


@pytest.mark.skipif(not X64, reason="check_grads needs float64: run with JAX_ENABLE_X64=1")
@pytest.mark.parametrize("order", [1, 3])
@pytest.mark.parametrize("mode", ["constant", "grid-constant", "mirror", "grid-wrap"])
def test_check_grads(order, mode):
    from jax.test_util import check_grads

    rng = np.random.default_rng(4)
    x = jnp.asarray(rng.normal(size=(5, 4)))
    # non-integer coordinates away from the kinks of the piecewise polynomial
    c = jnp.asarray(np.stack([rng.uniform(0.1, 3.9, 7), rng.uniform(0.1, 2.9, 7)]))
    c = c + 0.05 * (np.abs(c - np.round(c)) < 0.05)

    def f(x, c, cval):
        return map_coordinates(x, c, order=order, mode=mode, cval=cval)

    check_grads(f, (x, c, 0.3), order=1, modes=["fwd", "rev"], eps=1e-6)


def test_cval_traced_under_jit():
    x = jnp.arange(4.0, dtype=jnp.float32)
    f = jax.jit(lambda cv: map_coordinates(x, jnp.array([[-1.0, 1.0]]), order=1, cval=cv))
    np.testing.assert_array_equal(np.asarray(f(jnp.float32(7.0))), [7.0, 1.0])


def test_nan_and_inf_coordinates():
    x = jnp.arange(1.0, 6.0, dtype=jnp.float32)
    c = jnp.array([[jnp.nan, 1.5, jnp.inf, -jnp.inf]], jnp.float32)
    for order in (0, 1, 3):
        got = np.asarray(map_coordinates(x, c, order=order, cval=-1.0))
        finite = map_coordinates(x, c[:, 1:2], order=order, cval=-1.0)
        assert np.isnan(got[0]) and got[1] == finite[0]
        np.testing.assert_array_equal(got[2:], [-1.0, -1.0])
        got = np.asarray(map_coordinates(x, c, order=order, mode="nearest"))
        assert np.isnan(got[0])
        np.testing.assert_allclose(got[2:], [5.0, 1.0], rtol=1e-6)
        got = np.asarray(map_coordinates(x, c, order=order, mode="grid-wrap"))
        assert np.isnan(got[0]) and np.all(np.isfinite(got[1:]))


def test_chunked_sampling_matches(monkeypatch):
    """The gathered sampler (order 4 in 3-D: beyond the unrolled form) chunk by chunk, and
    the gradient of the unrolled one (order 3), whose JVP is the chunked gathered form's:
    equal to scipy and to the adjoint."""

    monkeypatch.setattr(sampler, "_CHUNK_TAPS", 1000)  # force lax.map over point chunks
    rng = np.random.default_rng(8)
    x = rng.normal(size=(9, 8, 7))
    c = np.stack([rng.uniform(-1, n, (13, 11)) for n in x.shape])
    expected = ndi.map_coordinates(x, c, order=4, mode="mirror")
    got = map_coordinates(x.astype(np.float32), c, order=4, mode="mirror")
    assert_close(got, expected, dtype=np.float32)
    y = jnp.asarray(rng.normal(size=(13, 11)), jnp.float32)
    cj = jnp.asarray(c, jnp.float32)
    grad = jax.grad(lambda v: jnp.sum(map_coordinates(v, cj, order=3, mode="mirror") * y))
    adjoint = map_coordinates_adjoint(y, cj, x.shape, order=3, mode="mirror")
    assert_close(grad(jnp.asarray(x, jnp.float32)), adjoint, dtype=np.float32)


def test_vmap_matches_loop():
    rng = np.random.default_rng(5)
    xs = jnp.asarray(rng.normal(size=(3, 5, 5)), jnp.float32)
    c = jnp.asarray(rng.uniform(0, 4, (2, 6)), jnp.float32)
    got = jax.vmap(lambda x: map_coordinates(x, c, order=3, mode="reflect"))(xs)
    for i in range(3):
        assert_close(got[i], map_coordinates(xs[i], c, order=3, mode="reflect"), dtype=np.float32)


# --------------------------------------------------------------------------------------------
# Adjoint
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", [1, 3])
@pytest.mark.parametrize("mode", MODES)
def test_adjoint_identity(order, mode):
    rng = np.random.default_rng(6)
    shape = (5, 7)
    x = jnp.asarray(rng.normal(size=shape), jnp.float32)
    c = jnp.asarray(np.stack([rng.uniform(-2, 6, 30), rng.uniform(-2, 8, 30)]), jnp.float32)
    y = jnp.asarray(rng.normal(size=30), jnp.float32)
    ax = map_coordinates(x, c, order=order, mode=mode, cval=0.0)
    aty = map_coordinates_adjoint(y, c, shape, order=order, mode=mode)
    assert aty.shape == shape
    lhs, rhs = float(jnp.vdot(ax, y)), float(jnp.vdot(x, aty))
    assert lhs == pytest.approx(rhs, rel=1e-4, abs=1e-4)


def test_adjoint_errors():
    with pytest.raises(ValueError, match="values must have shape"):
        map_coordinates_adjoint(jnp.ones(3), jnp.zeros((1, 4)), (5,))
    with pytest.raises(ScipyRuntimeError, match="invalid shape for coordinate array"):
        map_coordinates_adjoint(jnp.ones(3), jnp.zeros((2, 3)), (5,))


# --------------------------------------------------------------------------------------------
# Errors and signature
# --------------------------------------------------------------------------------------------


def test_exceptions():
    x = np.zeros((4, 4), np.float32)
    with pytest.raises(RuntimeError, match="invalid shape for coordinate array"):
        map_coordinates(x, np.zeros((3, 5)))
    with pytest.raises(ScipyRuntimeError, match="input and output rank must be > 0"):
        map_coordinates(x, np.zeros(2))
    with pytest.raises(RuntimeError, match="spline order not supported"):
        map_coordinates(x, np.zeros((2, 1)), order=6)
    with pytest.raises(ValueError, match="spline order not supported"):
        map_coordinates(x, np.zeros((2, 1)), order=-1)
    with pytest.raises(RuntimeError, match="boundary mode not supported"):
        map_coordinates(x, np.zeros((2, 1)), mode="edge")
    with pytest.raises(TypeError, match="Complex type not supported"):
        map_coordinates(x, np.zeros((2, 1), np.complex64))
    with pytest.raises(TypeError, match="immutable"):
        map_coordinates(x, np.zeros((2, 1)), output=np.zeros(1))
    with pytest.raises(TypeError, match="order must be"):
        map_coordinates(x, np.zeros((2, 1)), order=1.5)  # type: ignore[arg-type]


def signature(fn):
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


def test_signature_matches_scipy():
    assert signature(map_coordinates) == signature(ndi.map_coordinates)


@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize("order", [0, 1, 2, 3])
@pytest.mark.parametrize("mode", ["constant", "grid-constant", "mirror", "nearest", "wrap"])
def test_unrolled_and_gathered_samplers_agree(ndim, order, mode):
    """The sampler's two formulations (taps summed unrolled, or one gather of the whole tap
    block) are the same sum: points inside, outside, far outside and NaN, every per-tap
    and per-point cval rule; under vmap too. Their derivatives are one rule (the gathered
    form's JVP), checked by the gradient tests above."""

    rng = np.random.default_rng(order * 10 + ndim)
    x = jnp.asarray(rng.normal(size=(7, 6, 5)[:ndim]), jnp.float32)
    c = rng.uniform(-3, 9, size=(ndim, 40))
    c[:, 0] = np.nan
    c[0, 1] = 1e9
    coords = jnp.asarray(c, jnp.float32)
    cval = jnp.float32(-2.5)
    behaviour = _modes.resolve(mode, family="interp", fn="test")

    def both(coords):
        return [
            sampler._sample(x, coords, cval, order=order, behaviour=behaviour, unroll=u)
            for u in (True, False)
        ]

    unrolled, gathered = both(coords)
    assert_close(unrolled, gathered, dtype=np.float32)
    assert np.isnan(np.asarray(unrolled)[0])
    batched = jax.vmap(both, in_axes=1)(coords.reshape(ndim, 4, 10))
    assert_close(batched[0], unrolled.reshape(4, 10), dtype=np.float32)
    assert_close(batched[1], unrolled.reshape(4, 10), dtype=np.float32)


@pytest.mark.parametrize("order", [2, 3])
def test_unrolled_chunks_match_scipy(monkeypatch, order):
    """Large point sets at orders 2-5 are sampled in chunks in a loop (``map_coordinates``)
    or in slabs of output rows with their coordinates computed per slab
    (``affine_transform``); chunks that do not divide the points, the last one overlapping."""
    from jaxresample import affine_transform

    monkeypatch.setattr(sampler, "UNROLL_CHUNK", 37)
    rng = np.random.default_rng(9)
    x = rng.normal(size=(11, 9, 8))
    c = np.stack([rng.uniform(-1, n, (13, 11)) for n in x.shape])
    expected = ndi.map_coordinates(x, c, order=order, mode="nearest")
    got = map_coordinates(x.astype(np.float32), c, order=order, mode="nearest")
    assert_close(got, expected, dtype=np.float32)
    monkeypatch.setattr(sampler, "UNROLL_CHUNK", 300)  # slabs of 4 of the 11 output rows
    th = 0.4
    m = np.eye(3)
    m[:2, :2] = [[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]]
    expected = ndi.affine_transform(x, m, (1.0, -0.5, 0.25), order=order, cval=0.5)
    got = affine_transform(x.astype(np.float32), m, (1.0, -0.5, 0.25), order=order, cval=0.5)
    assert_close(got, expected, dtype=np.float32)
    grad = jax.grad(lambda v: affine_transform(v, m, order=order, mode="mirror").sum())
    y = jnp.ones(x.shape, jnp.float32)
    adjoint = map_coordinates_adjoint(
        y,
        jnp.asarray(np.tensordot(m, np.indices(x.shape), axes=1), jnp.float32),
        x.shape,
        order=order,
        mode="mirror",
    )
    assert_close(grad(jnp.asarray(x, jnp.float32)), adjoint, dtype=np.float32)
