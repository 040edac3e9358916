"""scipy twins of the 1-D correlation and Gaussian filters, with scipy.ndimage as the oracle.

float32 results are compared with scipy's float64 result on the same data (table tolerance);
under JAX_ENABLE_X64=1 float64 results are compared at the float64 tolerance. Integer results
must match scipy exactly, dtype included.
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
from jax.test_util import check_grads

from jaxresample import (
    ScipyRuntimeError,
    _modes,
    convolve1d,
    correlate1d,
    fourier_gaussian,
    gaussian_filter,
    gaussian_filter1d,
    gaussian_gradient_magnitude,
    gaussian_kernel1d,
    gaussian_laplace,
)
from jaxresample._engine import correlate as _correlate
from tests._filtering import FLOAT, MODES, close_to, data, gaussian_case, shapes
from tests._helpers import INT_DTYPES, X64, assert_close

TWINS = {
    "correlate1d": (correlate1d, ndi.correlate1d),
    "convolve1d": (convolve1d, ndi.convolve1d),
    "gaussian_filter1d": (gaussian_filter1d, ndi.gaussian_filter1d),
    "gaussian_filter": (gaussian_filter, ndi.gaussian_filter),
    "gaussian_laplace": (gaussian_laplace, ndi.gaussian_laplace),
    "gaussian_gradient_magnitude": (gaussian_gradient_magnitude, ndi.gaussian_gradient_magnitude),
    "fourier_gaussian": (fourier_gaussian, ndi.fourier_gaussian),
}

# ----------------------------------------------------------------------------- signatures


@pytest.mark.parametrize("name", sorted(TWINS))
def test_signature_matches_scipy(name: str) -> None:
    ours, theirs = TWINS[name]
    a, b = inspect.signature(ours), inspect.signature(theirs)  # type: ignore[arg-type]
    assert [(p.name, p.kind, p.default) for p in a.parameters.values()] == [
        (p.name, p.kind, p.default) for p in b.parameters.values()
    ]


# ----------------------------------------------------------------------------- correlate1d


@settings(max_examples=25)
@given(
    shape=shapes(),
    size=st.integers(1, 7),
    mode=st.sampled_from(MODES),
    convolve=st.booleans(),
    data_=st.data(),
)
def test_correlate1d_matches_scipy(shape, size, mode, convolve, data_) -> None:
    rng = np.random.default_rng(size)
    x = data(rng, shape)
    w = rng.normal(size=size)
    axis = data_.draw(st.integers(-len(shape), len(shape) - 1))
    origin = data_.draw(st.integers(-(size // 2), (size - 1) // 2))
    ours, theirs = (convolve1d, ndi.convolve1d) if convolve else (correlate1d, ndi.correlate1d)
    got = ours(x, w.astype(FLOAT), axis, None, mode, 0.75, origin)
    want = theirs(x.astype(np.float64), w, axis, None, mode, 0.75, origin)
    assert got.dtype == FLOAT
    close_to(got, want, x)


@pytest.mark.parametrize("fn", [correlate1d, convolve1d])
def test_correlate1d_docstring_examples(fn) -> None:
    x = np.array([2, 8, 0, 4, 1, 9, 9, 0])
    got = fn(x, np.array([1, 3]))
    want = getattr(ndi, fn.__name__)(x, [1, 3])
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", INT_DTYPES)
@pytest.mark.parametrize("mode", MODES)
def test_correlate1d_integers_exact(dtype, mode) -> None:
    rng = np.random.default_rng(3)
    x = data(rng, (5, 8), dtype)
    w = np.array([0.25, 0.5, 0.25])
    got = correlate1d(x, w, 0, None, mode, 1.0)
    want = ndi.correlate1d(x, w, 0, None, mode, 1.0)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_correlate1d_complex() -> None:
    rng = np.random.default_rng(4)
    x = data(rng, (6, 5), np.complex64)
    wc = np.array([1 + 2j, 0.5 - 1j, -0.25 + 0.5j])
    for fn in (correlate1d, convolve1d):
        ref = getattr(ndi, fn.__name__)
        assert_close(
            fn(x, wc, 0, None, "mirror", 0.5),
            ref(x.astype(complex), wc, 0, None, "mirror", 0.5),
            dtype=np.complex64,
        )
        assert_close(fn(x, wc.real), ref(x.astype(complex), wc.real), dtype=np.complex64)
        xr = x.real.astype(np.float32)
        got = fn(xr, wc)
        assert got.dtype == np.complex64
        assert_close(got, ref(xr.astype(np.float64), wc), dtype=np.complex64)


def test_correlate1d_errors() -> None:
    x = np.ones((4, 5), np.float32)
    with pytest.raises(RuntimeError, match="no filter weights given"):
        correlate1d(x, np.zeros(0))
    with pytest.raises(ScipyRuntimeError, match=r"weights must be a 1-D sequence .* \(2, 2\)"):
        correlate1d(x, np.ones((2, 2)))
    with pytest.raises(ValueError, match="Invalid origin"):
        correlate1d(x, np.ones(3), origin=2)
    with pytest.raises(ValueError, match="Invalid origin"):
        convolve1d(x, np.ones(4), origin=2)
    with pytest.raises(RuntimeError, match="boundary mode not supported"):
        correlate1d(x, np.ones(3), mode="edge")
    with pytest.raises(TypeError, match="axis must be integers"):
        correlate1d(x, np.ones(3), axis=1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="out of range"):
        correlate1d(x, np.ones(3), axis=2)
    with pytest.raises(ValueError, match="complex-valued cval"):
        correlate1d(x, np.ones(3), mode="constant", cval=1j)
    with pytest.raises(TypeError, match="immutable"):
        correlate1d(x, np.ones(3), output=np.zeros((4, 5)))
    with pytest.raises(TypeError, match="bool"):
        correlate1d(x > 0, np.ones(3))


# ----------------------------------------------------------------------------- Gaussian


@settings(max_examples=25)
@given(case=gaussian_case(), cval=st.sampled_from([0.0, -1.5]))
def test_gaussian_filter_matches_scipy(case, cval) -> None:
    shape, sigma, order, mode, truncate, radius = case
    x = data(np.random.default_rng(len(shape)), shape)
    got = gaussian_filter(x, sigma, order, None, mode, cval, truncate, radius=radius)
    want = ndi.gaussian_filter(
        x.astype(np.float64), sigma, order, None, mode, cval, truncate, radius=radius
    )
    assert got.dtype == FLOAT
    close_to(got, want, x)


@settings(max_examples=15)
@given(
    shape=shapes(max_dims=2),
    sigma=st.floats(0.1, 6.0),
    order=st.integers(0, 3),
    mode=st.sampled_from(MODES),
    radius=st.one_of(st.none(), st.integers(0, 30)),
    data_=st.data(),
)
def test_gaussian_filter1d_matches_scipy(shape, sigma, order, mode, radius, data_) -> None:
    axis = data_.draw(st.integers(-len(shape), len(shape) - 1))
    x = data(np.random.default_rng(order), shape)
    got = gaussian_filter1d(x, sigma, axis, order, None, mode, 2.0, 3.0, radius=radius)
    want = ndi.gaussian_filter1d(
        x.astype(np.float64), sigma, axis, order, None, mode, 2.0, 3.0, radius=radius
    )
    close_to(got, want, x)


@settings(max_examples=10)
@given(shape=shapes(), mode=st.sampled_from(MODES), sigma=st.floats(0.3, 3.0))
def test_gaussian_axes_matches_scipy(shape, mode, sigma) -> None:
    x = data(np.random.default_rng(7), shape)
    axes = tuple(range(len(shape)))[::-2]
    got = gaussian_filter(x, sigma, 1, None, mode, 0.0, axes=axes)
    want = ndi.gaussian_filter(x.astype(np.float64), sigma, 1, None, mode, 0.0, axes=axes)
    close_to(got, want, x)


def near_integer(v: np.ndarray) -> np.ndarray:
    """Where float32 rounding can decide which side of an integer a float64 value lies."""
    return np.abs(v - np.round(v)) <= 1e-5 * np.maximum(np.abs(v), 1.0)


def modes_for(dtype) -> tuple[str, ...]:
    """Three modes per integer dtype, rotating so that the dtypes together cover them all."""
    k = INT_DTYPES.index(np.dtype(dtype))
    return tuple(MODES[(3 * k + j) % len(MODES)] for j in range(3))


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_gaussian_filter1d_integers_exact(dtype) -> None:
    # One pass: exact, dtype included, except where scipy's float64 value is within float32
    # rounding of an integer (documented), where the two may differ by one.
    rng = np.random.default_rng(11)
    orders = (0, 1, 2) if np.dtype(dtype).kind == "i" else (0,)  # derivatives: signed only
    for mode in modes_for(dtype):
        for order in orders:
            x = data(rng, (6, 9), dtype)
            got = np.asarray(gaussian_filter1d(x, 1.7, 1, order, None, mode, 3.0))
            want = ndi.gaussian_filter1d(x, 1.7, 1, order, None, mode, 3.0)
            assert got.dtype == want.dtype
            exact = ndi.gaussian_filter1d(x.astype(np.float64), 1.7, 1, order, None, mode, 3.0)
            free = near_integer(exact)
            np.testing.assert_array_equal(got[~free], want[~free])
            assert np.all(np.abs(got.astype(np.int64) - want.astype(np.int64)) <= 1)


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_gaussian_filter_integers(dtype) -> None:
    # Several passes, each truncated to the output dtype as scipy stores it: a one-off at an
    # ambiguous intermediate may move a neighbour by one; everything else is exact.
    rng = np.random.default_rng(12)
    for mode in modes_for(dtype):
        x = data(rng, (7, 6, 5), dtype)
        got = np.asarray(gaussian_filter(x, (1.5, 0.8, 2.0), 0, None, mode, 3.0))
        want = ndi.gaussian_filter(x, (1.5, 0.8, 2.0), 0, None, mode, 3.0)
        assert got.dtype == want.dtype
        diff = np.abs(got.astype(np.int64) - want.astype(np.int64))
        assert diff.max() <= 1 and (diff == 0).mean() >= 0.98


def test_gaussian_filter_integer_ramp_is_exact() -> None:
    # scipy's own docstring example: exact integers must not become n - 1 in float32.
    a = np.arange(0, 50, 2).reshape(5, 5)
    np.testing.assert_array_equal(gaussian_filter(a, sigma=1), ndi.gaussian_filter(a, 1))
    c = np.full((6, 7), 100, np.uint8)
    np.testing.assert_array_equal(gaussian_filter(c, 1.3), c)


@pytest.mark.parametrize("dtype", [jnp.float16, jnp.bfloat16])
def test_gaussian_filter_half_precision(dtype) -> None:
    x = np.random.default_rng(5).normal(size=(9, 8)).astype(np.float32)
    xh = jnp.asarray(x, dtype)
    got = gaussian_filter(xh, 1.3, mode="nearest")
    assert got.dtype == dtype
    want = ndi.gaussian_filter(np.asarray(xh, np.float64), 1.3, mode="nearest")
    assert_close(got, want, dtype=dtype)


def test_gaussian_filter_output_dtype() -> None:
    x = data(np.random.default_rng(2), (6, 6), np.int16)
    got = gaussian_filter(x, 1.0, output=np.float32)
    assert got.dtype == np.float32
    assert_close(got, ndi.gaussian_filter(x, 1.0, output=np.float64), dtype=np.float32)
    got = gaussian_filter(x.astype(np.float32) * 0.37, 1.0, output=np.int16)
    want = ndi.gaussian_filter(x.astype(np.float64) * np.float32(0.37), 1.0, output=np.int16)
    assert got.dtype == np.int16
    np.testing.assert_array_equal(got, want)


def test_gaussian_filter_complex() -> None:
    x = data(np.random.default_rng(6), (7, 5), np.complex64)
    got = gaussian_filter(x, (1.0, 0.6), (0, 1), mode="constant", cval=0.5)
    assert got.dtype == np.complex64
    want = ndi.gaussian_filter(x.astype(complex), (1.0, 0.6), (0, 1), mode="constant", cval=0.5)
    assert_close(got, want, dtype=np.complex64)


def _tiled_case(x, spec, axes, mode, tiles, cval=0.3):
    """correlate_axes with Gaussian (derivative) kernels ``spec`` = [(sigma, order, radius)]."""
    from jaxresample._kernels import sampled_kernel

    b = _modes.resolve(mode, family="filter", fn="test")

    def f(x, cval, sigmas):
        ws = [sampled_kernel(sigmas[i], o, r, x.dtype)[::-1] for i, (_, o, r) in enumerate(spec)]
        return _correlate.correlate_axes(
            x, ws, axes=axes, centres=tuple(r for _, _, r in spec), behaviours=(b,) * len(axes),
            cval=cval, symmetries=tuple(-1 if o % 2 else 1 for _, o, _ in spec), tiles=tiles,
        )  # fmt: skip

    args = (jnp.asarray(x), jnp.asarray(cval, x.dtype), jnp.asarray([s for s, _, _ in spec]))
    return f, args


def _tiled_want(x, spec, axes, mode, cval=0.3):
    # scipy filters the axes in the order given, which matters for the constant mode.
    sigma, order, radius = ([t[k] for t in spec] for k in range(3))
    return ndi.gaussian_filter(
        x.astype(float), sigma, order, mode=mode, cval=cval, radius=radius, axes=axes
    )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("shape", "axes", "tiles"),
    [
        ((3, 6, 5), (0, 1, 2), (4, 3)),  # the reach is wider than the axis: every tile extended
        ((11, 6, 5), (0, 1, 2), (4, 3)),  # border and interior tiles, overlapping last tiles
        ((40, 9, 5), (2, 0, 1), (4, 3)),  # a non-tiled axis filtered first
        ((40, 7), (1, 0), (6,)),  # 2-D: tiles of whole rows
        ((5, 12, 4, 3), (1, 2, 3), (2, 5)),  # 4-D: the first tiled axis is not filtered
    ],
)
def test_tiled_path_matches_scipy(mode, shape, axes, tiles) -> None:
    # Large arrays run tile by tile (a fori_loop over tiles of the leading axes); force it on
    # small arrays, with border tiles (extended by a gather), interior tiles and a last tile
    # that overlaps its neighbour.
    x = data(np.random.default_rng(sum(shape)), shape)
    spec = [(1.5, 1, 3), (0.7, 0, 2), (1.0, 2, 14)][: len(axes)]
    f, args = _tiled_case(x, spec, axes, mode, tiles)
    close_to(jax.jit(f)(*args), _tiled_want(x, spec, axes, mode), x)


def test_tiled_path_equals_whole_passes_under_vmap_and_grad() -> None:
    x = data(np.random.default_rng(3), (2, 13, 10, 6))
    spec, axes = [(1.2, 0, 3), (0.8, 1, 2), (1.0, 0, 4)], (0, 1, 2)
    tiled, args = _tiled_case(x[0], spec, axes, "reflect", (4, 3))
    whole, _ = _tiled_case(x[0], spec, axes, "reflect", ())
    batch = jnp.asarray(x)
    got = jax.jit(jax.vmap(tiled, in_axes=(0, None, None)))(batch, *args[1:])
    for k in range(x.shape[0]):
        close_to(got[k], whole(batch[k], *args[1:]), x[k])

    def loss(f):
        return lambda x, cval, sigmas: jnp.sum(jnp.sin(f(x, cval, sigmas)))

    g_tiled = jax.jit(jax.grad(loss(tiled), argnums=(0, 1, 2)))(*args)
    g_whole = jax.grad(loss(whole), argnums=(0, 1, 2))(*args)
    for a, b in zip(g_tiled, g_whole, strict=True):
        close_to(a, b, b, factor=10.0)  # sums over many terms: rounding grows with their count


@pytest.mark.parametrize("mode", ["constant", "nearest"])
def test_tiled_path_truncates_integers_between_passes(monkeypatch, mode) -> None:
    # scipy truncates every intermediate to an integer output dtype; the tiled path must too.
    monkeypatch.setattr(_correlate, "TILED_MIN_SIZE", 1)
    monkeypatch.setattr(_correlate, "TILE_ELEMS", 40)
    x = data(np.random.default_rng(4), (9, 11, 7), np.int16)
    got = gaussian_filter(x, (1.3, 0.9, 2.0), mode=mode, cval=5)
    want = ndi.gaussian_filter(x, (1.3, 0.9, 2.0), mode=mode, cval=5)
    assert got.dtype == np.int16
    # As test_gaussian_filter_integers: an ambiguous intermediate may move a value by one.
    diff = np.abs(np.asarray(got, np.int64) - want)
    assert diff.max() <= 1 and (diff == 0).mean() >= 0.99
    assert _correlate._tile_sizes(x.shape, (0, 1, 2)) == (1, 11)


# ----------------------------------------------------------------------------- properties


@settings(max_examples=10)
@given(
    sigma=st.floats(0.3, 3.0),
    order=st.integers(0, 3),
    truncate=st.sampled_from([2.0, 4.0]),
)
def test_impulse_reproduces_kernel(sigma, order, truncate) -> None:
    k = np.asarray(gaussian_kernel1d(sigma, order=order, truncate=truncate))
    r = (len(k) - 1) // 2
    x = np.zeros(2 * r + 9, FLOAT)
    x[r + 4] = 1.0
    got = np.asarray(gaussian_filter(x, sigma, order, mode="constant", truncate=truncate))
    assert_close(got[4 : 4 + 2 * r + 1], k, dtype=FLOAT)
    if order == 0:
        assert abs(got.sum() - 1.0) < 1e-5


@pytest.mark.parametrize("sigma", [0.0, 1e-16, (0.0, 0.0)])
def test_sigma_zero_is_identity(sigma) -> None:
    x = data(np.random.default_rng(8), (5, 6))
    np.testing.assert_array_equal(gaussian_filter(x, sigma, mode="constant", cval=9.0), x)
    xi = data(np.random.default_rng(8), (5, 6), np.int16)
    got = gaussian_filter(xi, sigma, output=np.int32)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, ndi.gaussian_filter(xi, sigma, output=np.int32))


def test_small_sigma_tends_to_identity() -> None:
    x = data(np.random.default_rng(8), (5, 6))
    assert_close(gaussian_filter(x, 0.1), x, dtype=FLOAT)


@settings(max_examples=6)
@given(case=gaussian_case())
def test_per_axis_is_composition(case) -> None:
    shape, sigma, order, mode, truncate, radius = case
    nd = len(shape)
    x = data(np.random.default_rng(9), shape)
    sig = sigma if isinstance(sigma, tuple) else (sigma,) * nd
    ords = order if isinstance(order, tuple) else (order,) * nd
    modes = mode if isinstance(mode, tuple) else (mode,) * nd
    want = jnp.asarray(x)
    for a in range(nd):
        if sig[a] > 1e-15:
            want = gaussian_filter1d(
                want, sig[a], a, ords[a], None, modes[a], 0.0, truncate, radius=radius
            )
    got = gaussian_filter(x, sigma, order, None, mode, 0.0, truncate, radius=radius)
    close_to(got, want, x)


@settings(max_examples=10)
@given(shape=shapes(), sigma=st.floats(0.2, 8.0))
def test_grid_wrap_preserves_sum(shape, sigma) -> None:
    x = data(np.random.default_rng(10), shape)
    got = np.asarray(gaussian_filter(x, sigma, mode="grid-wrap"), np.float64)
    assert abs(got.sum() - x.astype(np.float64).sum()) <= 1e-5 * (1 + np.abs(x).sum())


def test_nan_stays_local() -> None:
    x = np.zeros(40, np.float32)
    x[20] = np.nan
    got = np.asarray(gaussian_filter1d(x, 1.0, truncate=3.0))  # radius 3
    assert np.isnan(got[17:24]).all()
    assert np.isfinite(got[:17]).all() and np.isfinite(got[24:]).all()


# ----------------------------------------------------------------------------- traced sigma


def test_traced_sigma_needs_radius() -> None:
    x = jnp.ones((5, 5))
    msg = (
        r"gaussian_filter: sigma must be a concrete number when radius is None \(it sets the "
        r"kernel size\); pass radius=\.\.\. to use a traced sigma"
    )
    with pytest.raises(TypeError, match=msg):
        jax.jit(lambda s: gaussian_filter(x, s))(1.0)
    got = jax.jit(lambda s: gaussian_filter(x * 2.0, s, radius=3))(1.0)
    assert_close(got, gaussian_filter(x * 2.0, 1.0, radius=3), dtype=FLOAT)


def test_vmap_over_sigma() -> None:
    x = data(np.random.default_rng(12), (8, 7))
    sigmas = jnp.asarray([0.5, 1.0, 2.0], FLOAT)
    got = jax.vmap(lambda s: gaussian_filter(x, s, mode="mirror", radius=4))(sigmas)
    for i, s in enumerate([0.5, 1.0, 2.0]):
        want = ndi.gaussian_filter(x.astype(np.float64), s, mode="mirror", radius=4)
        assert_close(got[i], want, dtype=FLOAT)


def test_grad_sigma_finite_differences() -> None:
    x = data(np.random.default_rng(13), (9, 8))

    def f(s):
        return jnp.sum(gaussian_filter(x, (s, 0.7 * s), (0, 1), mode="reflect", radius=5) ** 2)

    s0, h = 1.3, 1e-3
    g = float(jax.grad(f)(jnp.asarray(s0, FLOAT)))
    fd = (float(f(s0 + h)) - float(f(s0 - h))) / (2 * h)
    assert abs(g - fd) <= 1e-2 * max(1.0, abs(fd))


@pytest.mark.skipif(not X64, reason="check_grads needs float64 (JAX_ENABLE_X64=1)")
def test_check_grads_x64() -> None:
    x = data(np.random.default_rng(14), (6, 7))
    check_grads(
        lambda s: gaussian_filter(x, s, 1, None, "nearest", 0.0, radius=4),
        (1.1,),
        order=1,
        modes=("fwd", "rev"),
    )
    check_grads(
        lambda s, c: gaussian_filter1d(x, s, 0, 0, None, "constant", c, radius=3),
        (0.9, 0.3),
        order=1,
        modes=("rev",),
    )
    check_grads(
        lambda w: correlate1d(x, w, 1, None, "wrap"), (np.ones(4) / 3,), order=1, modes=("rev",)
    )


# ----------------------------------------------------------------------------- errors


def test_gaussian_errors() -> None:
    x = np.ones((4, 5), np.float32)
    with pytest.raises(ValueError, match="sigma must be nonnegative"):
        gaussian_filter(x, -1.0)
    with pytest.raises(ValueError, match="sigma must be nonnegative"):
        gaussian_filter1d(x, -0.01)
    with pytest.raises(ValueError, match="radius must be a nonnegative integer"):
        gaussian_filter(x, 1.0, radius=-1)
    with pytest.raises(ValueError, match="radius must be a nonnegative integer"):
        gaussian_filter1d(x, 1.0, radius=2.0)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="sequence argument must have length equal to input"):
        gaussian_filter(x, [1.0, 2.0, 3.0])
    with pytest.raises(ScipyRuntimeError, match="sequence argument must have length"):
        gaussian_filter(x, 1.0, mode=["reflect"])
    with pytest.raises(ScipyRuntimeError, match="sequence argument must have length"):
        gaussian_filter(x, 1.0, order=[0, 1, 2])
    with pytest.raises(ScipyRuntimeError, match="sequence argument must have length"):
        gaussian_filter(x, 1.0, radius=[1], axes=(0, 1))
    with pytest.raises(TypeError, match="axes must be integers"):
        gaussian_filter(x, 1.0, axes=(0.0,))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="out of range"):
        gaussian_filter(x, 1.0, axes=(2,))
    with pytest.raises(ValueError, match="order must be in"):
        gaussian_filter(x, 1.0, order=-1)
    with pytest.raises(TypeError, match="bool"):
        gaussian_filter(x > 0, 1.0)
    with pytest.raises(TypeError, match="immutable"):
        gaussian_filter(x, 1.0, output=x)
    with pytest.raises(RuntimeError, match="boundary mode not supported"):
        gaussian_filter1d(x, 1.0, mode="symmetric")
    with pytest.raises(TypeError, match="unexpected keyword"):
        gaussian_laplace(x, 1.0, order=1)


# ----------------------------------------------------------------------------- issue 14


@pytest.mark.parametrize("order", [0, 1, 2])
def test_gh14_zero_sigma_is_the_identity_eager_and_jitted(order: int) -> None:
    x = np.random.default_rng(0).normal(size=(5, 6)).astype(FLOAT)
    np.testing.assert_array_equal(gaussian_filter1d(x, 0.0, order=order), x)
    np.testing.assert_array_equal(gaussian_filter(x, 0.0, order=order), x)
    eager = gaussian_filter(x, 0.0, order=order, radius=2)
    jitted = jax.jit(lambda s: gaussian_filter(x, s, order=order, radius=2))(0.0)
    np.testing.assert_array_equal(eager, x)
    np.testing.assert_array_equal(jitted, x)
    per_axis = jax.jit(lambda s: gaussian_filter(x, s, radius=2))(jnp.array([0.0, 1.0]))
    assert_close(per_axis, ndi.gaussian_filter(x.astype(np.float64), (0.0, 1.0), radius=2))
    g = jax.grad(lambda s: gaussian_filter(x, s, radius=2).sum())(0.0)
    assert np.isfinite(g)


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda x: gaussian_filter1d(x, np.inf), ValueError, "^gaussian_filter1d: sigma must b"),
        (lambda x: gaussian_filter1d(x, np.nan), ValueError, "^gaussian_filter1d: sigma must b"),
        (lambda x: gaussian_filter(x, 1.0, truncate=np.inf), ValueError, "truncate must be finite"),
        (lambda x: gaussian_filter(x, 1.0, truncate=np.nan), ValueError, "truncate must be finite"),
        (lambda x: gaussian_filter(x, 1.0, truncate=-1.0), ValueError, "truncate must be nonneg"),
        (lambda x: gaussian_filter(x, 1.0, truncate=[4.0]), TypeError, "truncate must be a single"),  # type: ignore[arg-type]
        (lambda x: gaussian_filter(x, None), TypeError, "gaussian_filter: sigma must be a real"),  # type: ignore[arg-type]
        (lambda x: gaussian_filter(x, 1.0, order=40), ValueError, r"order must be in \[0, 32\]"),
        (lambda x: gaussian_laplace(x, np.inf), ValueError, "^gaussian_laplace: sigma must be fin"),
    ],
)  # fmt: skip
def test_gh14_non_finite_parameters_are_refused(call, exc, match) -> None:
    with pytest.raises(exc, match=match):
        call(np.ones((4, 5), FLOAT))
