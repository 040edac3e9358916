"""gaussian_kernel1d: scipy's sampled kernel, the pixel-integrated kernel, the Bessel kernel."""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jax.test_util import check_grads
from numpy.polynomial.hermite_e import hermeval
from scipy.ndimage._filters import _gaussian_kernel1d
from scipy.special import erf, ive

from jaxresample import gaussian_kernel1d
from jaxresample._kernels import KERNEL_METHODS, kernel_radius
from tests._helpers import X64, assert_close

FLOAT = np.dtype(np.float64) if X64 else np.dtype(np.float32)


def gauss_derivative(x: np.ndarray, sigma: float, j: int) -> np.ndarray:
    """d^j/dx^j of the normalised Gaussian density, via probabilists' Hermite polynomials."""
    u = x / sigma
    coef = np.zeros(j + 1)
    coef[j] = 1.0
    pdf = np.exp(-0.5 * u * u) / (sigma * np.sqrt(2 * np.pi))
    return (-1) ** j * hermeval(u, coef) * pdf / sigma**j


def erf_reference(sigma: float, order: int, radius: int) -> np.ndarray:
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    s2 = sigma * np.sqrt(2.0)
    mass = 0.5 * (erf((x + 0.5) / s2) - erf((x - 0.5) / s2))
    if order == 0:
        return mass / mass.sum()
    edge = gauss_derivative(x + 0.5, sigma, order - 1) - gauss_derivative(x - 0.5, sigma, order - 1)
    return edge / mass.sum()


def bessel_reference(sigma: float, order: int, radius: int) -> np.ndarray:
    ext = radius + order
    n = np.arange(-ext, ext + 1)
    k = ive(np.abs(n), sigma * sigma)
    k = k / k[order : order + 2 * radius + 1].sum()
    for _ in range(order // 2):
        k = k[2:] - 2 * k[1:-1] + k[:-2]
    if order % 2:
        k = 0.5 * (k[2:] - k[:-2])
    m = (len(k) - (2 * radius + 1)) // 2
    return k[m : m + 2 * radius + 1]


REFERENCES = {
    "sampled": lambda s, o, r: _gaussian_kernel1d(s, o, r),
    "erf": erf_reference,
    "bessel": bessel_reference,
}


@settings(max_examples=20)
@given(
    sigma=st.floats(0.2, 12.0),
    order=st.integers(0, 3),
    method=st.sampled_from(KERNEL_METHODS),
    radius=st.one_of(st.none(), st.integers(0, 25)),
    truncate=st.sampled_from([1.0, 4.0]),
)
def test_matches_reference(sigma, order, method, radius, truncate) -> None:
    got = gaussian_kernel1d(sigma, order=order, radius=radius, truncate=truncate, method=method)
    r = kernel_radius(sigma, truncate) if radius is None else radius
    assert got.shape == (2 * r + 1,)
    assert got.dtype == FLOAT
    want = REFERENCES[method](sigma, order, r)
    # Derivative kernels are differences of order-0 values (~1/sigma): rounding scales so.
    scale = np.abs(want).max(initial=0.0) + 1.0 / sigma
    np.testing.assert_allclose(
        got,
        want,
        rtol=1e-5 if FLOAT == np.float32 else 1e-10,
        atol=(2e-6 if FLOAT == np.float32 else 1e-12) * scale,
    )


@pytest.mark.parametrize("method", KERNEL_METHODS)
def test_order0_normalised_and_symmetric(method) -> None:
    k = np.asarray(gaussian_kernel1d(2.3, method=method), np.float64)
    assert abs(k.sum() - 1.0) < 1e-6
    np.testing.assert_allclose(k, k[::-1], rtol=1e-6)
    k1 = np.asarray(gaussian_kernel1d(2.3, order=1, method=method), np.float64)
    np.testing.assert_allclose(k1, -k1[::-1], rtol=1e-5, atol=1e-8)


def test_docstring_values() -> None:
    assert_close(gaussian_kernel1d(1.0, radius=2), _gaussian_kernel1d(1.0, 0, 2), dtype=FLOAT)


def test_bessel_large_sigma_small_radius() -> None:
    got = gaussian_kernel1d(100.0, radius=10, method="bessel")
    assert_close(got, bessel_reference(100.0, 0, 10), dtype=FLOAT)


@pytest.mark.parametrize("method", KERNEL_METHODS)
def test_traced_sigma_with_radius(method) -> None:
    f = jax.jit(lambda s: gaussian_kernel1d(s, order=1, radius=6, method=method))
    assert_close(f(jnp.asarray(1.7, FLOAT)), REFERENCES[method](1.7, 1, 6), dtype=FLOAT)
    got = jax.vmap(lambda s: gaussian_kernel1d(s, radius=4, method=method))(
        jnp.asarray([0.8, 1.6], FLOAT)
    )
    assert_close(got[1], REFERENCES[method](1.6, 0, 4), dtype=FLOAT)


@pytest.mark.parametrize("method", KERNEL_METHODS)
@pytest.mark.parametrize("order", [0, 2])
def test_grad_sigma_finite_differences(method, order) -> None:
    def f(s):
        k = gaussian_kernel1d(s, order=order, radius=5, method=method)
        return jnp.sum(k * jnp.arange(11.0, dtype=k.dtype) ** 2)

    s0, h = 1.4, 1e-3
    g = float(jax.grad(f)(jnp.asarray(s0, FLOAT)))
    fd = (float(f(s0 + h)) - float(f(s0 - h))) / (2 * h)
    assert abs(g - fd) <= 2e-3 * max(1.0, abs(fd))


@pytest.mark.skipif(not X64, reason="check_grads needs float64 (JAX_ENABLE_X64=1)")
@pytest.mark.parametrize("method", KERNEL_METHODS)
def test_check_grads_x64(method) -> None:
    check_grads(
        lambda s: gaussian_kernel1d(s, order=1, radius=4, method=method),
        (1.3,),
        order=1,
        modes=("fwd", "rev"),
    )


def test_errors() -> None:
    with pytest.raises(ValueError, match="method must be one of"):
        gaussian_kernel1d(1.0, method="gauss")
    with pytest.raises(ValueError, match="radius must be a nonnegative integer"):
        gaussian_kernel1d(1.0, radius=-2)
    with pytest.raises(ValueError, match="radius must be a nonnegative integer"):
        gaussian_kernel1d(1.0, radius=2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sigma must be nonnegative"):
        gaussian_kernel1d(-1.0, radius=2)
    with pytest.raises(ValueError, match="order must be in"):
        gaussian_kernel1d(1.0, order=-1)
    with pytest.raises(TypeError, match="sigma must be a concrete number when radius is None"):
        jax.jit(lambda s: gaussian_kernel1d(s))(1.0)


# ---------------------------------------------------------------- issue 14: degenerate sigma


@pytest.mark.parametrize("method", ["sampled", "erf", "bessel"])
@pytest.mark.parametrize("order", [0, 1, 2])
def test_gh14_zero_sigma_is_the_unit_impulse(method: str, order: int) -> None:
    want = np.zeros(5)
    want[2] = 1.0
    eager = gaussian_kernel1d(0.0, order=order, radius=2, method=method)
    traced = jax.jit(lambda s: gaussian_kernel1d(s, order=order, radius=2, method=method))(0.0)
    np.testing.assert_array_equal(eager, want)
    np.testing.assert_array_equal(traced, want)
    np.testing.assert_array_equal(gaussian_kernel1d(0.0, method=method), [1.0])
    g = jax.grad(lambda s: gaussian_kernel1d(s, order=order, radius=2, method=method).sum())(0.0)
    assert np.isfinite(g)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(sigma=np.inf), "gaussian_kernel1d: sigma must be finite; got inf"),
        (dict(sigma=np.nan), "gaussian_kernel1d: sigma must be finite; got nan"),
        (dict(sigma=-1.0), "gaussian_kernel1d: sigma must be nonnegative"),
        (dict(sigma=1.0, truncate=np.inf), "gaussian_kernel1d: truncate must be finite"),
        (dict(sigma=1.0, order=10**6), r"gaussian_kernel1d: order must be in \[0, 32\]"),
        (dict(sigma=1.0, radius=10**9), "longer than the 16777217 taps supported"),
        (dict(sigma=1e-12, order=30, radius=3), "order-30 derivative kernel .* overflows"),
        (dict(sigma=1e6, radius=3, method="bessel"), "method='bessel' needs"),
        (dict(sigma=[1.0, 2.0]), r"gaussian_kernel1d: sigma must be a scalar; got \[1.0, 2.0\]"),
    ],
)
def test_gh14_kernel_refuses_degenerate_parameters(kwargs: dict, match: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ValueError, match=match):
        gaussian_kernel1d(**kwargs)
    assert time.perf_counter() - start < 5.0


@pytest.mark.parametrize("order", [5, 9])
def test_high_orders_match_scipy(order: int) -> None:
    for sigma in (0.7, 1.5, 4.0):
        r = int(4 * sigma + 0.5) + order
        want = _gaussian_kernel1d(sigma, order, r)
        got = np.asarray(gaussian_kernel1d(sigma, order=order, radius=r))
        rtol = 1e-10 if FLOAT == np.float64 else 2e-5
        np.testing.assert_allclose(got, want, rtol=0, atol=rtol * np.abs(want).max())


def test_gh14_bessel_kernel_of_a_long_radius_compiles_quickly() -> None:
    start = time.perf_counter()
    k = gaussian_kernel1d(1.7, order=2, truncate=1000.0, method="bessel")  # radius 1700
    assert k.shape == (3401,)
    assert np.all(np.isfinite(np.asarray(k)))
    assert time.perf_counter() - start < 10.0
