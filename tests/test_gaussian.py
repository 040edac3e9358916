"""Derived Gaussian filters with scipy.ndimage as the oracle: Laplace, gradient magnitude,
Fourier-domain Gaussian, the FFT path and smoothing in millimetres.
"""

from __future__ import annotations

import jax
import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given, settings
from hypothesis import strategies as st

from jaxresample import (
    fourier_gaussian,
    gaussian_filter_fft,
    gaussian_gradient_magnitude,
    gaussian_laplace,
    smooth,
)
from tests._filtering import FLOAT, MODES, close_to, data, gaussian_case, shapes
from tests._helpers import assert_close

# ----------------------------------------------------------------------------- derived


@settings(max_examples=3)
@given(shape=shapes(max_dims=2), mode=st.sampled_from(MODES), sigma=st.floats(0.3, 3.0))
def test_laplace_and_gradient_magnitude_match_scipy(shape, mode, sigma) -> None:
    x = data(np.random.default_rng(15), shape)
    xd = x.astype(np.float64)
    axes = tuple(range(len(shape)))[::2]
    for ours, theirs in [
        (gaussian_laplace, ndi.gaussian_laplace),
        (gaussian_gradient_magnitude, ndi.gaussian_gradient_magnitude),
    ]:
        got = ours(x, sigma, None, mode, 0.5, truncate=3.0)
        close_to(got, theirs(xd, sigma, None, mode, 0.5, truncate=3.0), x)
        got = ours(x, sigma, None, mode, 0.5, axes=axes)
        close_to(got, theirs(xd, sigma, None, mode, 0.5, axes=axes), x)


def test_laplace_integers_and_radius() -> None:
    x = data(np.random.default_rng(16), (6, 7), np.int16)
    np.testing.assert_array_equal(gaussian_laplace(x, 1.2), ndi.gaussian_laplace(x, 1.2))
    xf = x.astype(FLOAT)
    assert_close(
        gaussian_laplace(xf, (1.0, 2.0), radius=3),
        ndi.gaussian_laplace(x.astype(float), (1.0, 2.0), radius=3),
        dtype=FLOAT,
    )


@pytest.mark.parametrize("dtype", [np.float32, np.complex64, np.int16])
@pytest.mark.parametrize("n", [-1, 9])
def test_fourier_gaussian_matches_scipy(dtype, n) -> None:
    x = data(np.random.default_rng(17), (6, 5), dtype)
    got = fourier_gaussian(x, (0.7, 1.5), n=n, axis=0)
    want = ndi.fourier_gaussian(x, (0.7, 1.5), n=n, axis=0)
    assert got.dtype == jax.dtypes.canonicalize_dtype(want.dtype)
    assert_close(got, want, dtype=got.dtype)


def test_fourier_gaussian_errors() -> None:
    with pytest.raises(RuntimeError, match="sequence argument must have length"):
        fourier_gaussian(np.ones((3, 4), np.float32), (1.0, 2.0, 3.0))
    with pytest.raises(RuntimeError, match="output type not supported"):
        fourier_gaussian(np.ones((3, 4), np.float32), 1.0, output=np.int16)


# ----------------------------------------------------------------------------- native


@settings(max_examples=6)
@given(case=gaussian_case(), sigma=st.floats(0.3, 12.0))
def test_fft_path_equals_direct(case, sigma) -> None:
    shape, _, order, mode, truncate, radius = case
    x = data(np.random.default_rng(18), shape)
    got = gaussian_filter_fft(
        x, sigma, order=order, mode=mode, cval=0.25, truncate=truncate, radius=radius
    )
    want = ndi.gaussian_filter(
        x.astype(np.float64), sigma, order, None, mode, 0.25, truncate, radius=radius
    )
    assert got.dtype == FLOAT
    close_to(got, want, x, factor=10.0)  # FFT rounding: ~eps log2(n), larger than direct


def test_fft_path_integers() -> None:
    x = data(np.random.default_rng(19), (8, 9), np.uint8)
    got = gaussian_filter_fft(x, 1.5, mode="nearest")
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, ndi.gaussian_filter(x, 1.5, mode="nearest"))


def test_smooth_mm_conventions() -> None:
    x = data(np.random.default_rng(20), (6, 7, 5))
    aff = np.array(
        [[0.0, 2.0, 0.0, 5.0], [1.0, 0.0, 0.0, 1.0], [0.0, 0.0, 3.0, 0.0], [0.0, 0.0, 0.0, 1.0]]
    )  # voxel sizes (1, 2, 3): columns' norms
    fwhm_per_sigma = np.sqrt(8 * np.log(2))
    want = ndi.gaussian_filter(
        x.astype(float), np.array([6.0, 3.0, 2.0]) / fwhm_per_sigma, mode="nearest"
    )
    assert_close(smooth(x, fwhm_mm=6.0, affine=aff), want, dtype=FLOAT)
    assert_close(smooth(x, fwhm_mm=6.0, spacing=(1.0, 2.0, 3.0)), want, dtype=FLOAT)
    want = ndi.gaussian_filter(x.astype(float), (1.0, 0.0, 0.5), mode="reflect")
    assert_close(
        smooth(x, sigma_mm=(1.0, 1.0), spacing=(1.0, 2.0), channel_axis=1, mode="reflect"),
        ndi.gaussian_filter(x.astype(float), (1.0, 0.0, 0.5), mode="reflect"),
        dtype=FLOAT,
    )
    xi = data(np.random.default_rng(20), (6, 7), np.int16)
    got = smooth(xi, sigma_mm=1.0)
    assert got.dtype == np.float32  # integers of 32 bits or fewer compute in float32
    assert_close(got, ndi.gaussian_filter(xi.astype(float), 1.0, mode="nearest"), dtype=np.float32)


def test_smooth_errors() -> None:
    x = np.ones((4, 5), np.float32)
    with pytest.raises(ValueError, match="exactly one of sigma_mm and fwhm_mm"):
        smooth(x)
    with pytest.raises(ValueError, match="exactly one of sigma_mm and fwhm_mm"):
        smooth(x, sigma_mm=1.0, fwhm_mm=1.0)
    with pytest.raises(ValueError, match="affine or spacing, not both"):
        smooth(x, sigma_mm=1.0, affine=np.eye(3), spacing=1.0)
    with pytest.raises(ValueError, match="smooth: sigma_mm must be nonnegative; got -1.0"):
        smooth(x, sigma_mm=-1.0)
    with pytest.raises(ValueError, match="voxel sizes must be positive"):
        smooth(x, sigma_mm=1.0, spacing=(1.0, 0.0))
    with pytest.raises(TypeError, match="must be concrete"):
        jax.jit(lambda s: smooth(x, sigma_mm=s))(1.0)


# ----------------------------------------------------------------------------- issue 14


@pytest.mark.parametrize("fn", [gaussian_laplace, gaussian_gradient_magnitude])
@pytest.mark.parametrize(
    ("dtype", "output"),
    [(np.uint8, np.int16), (np.int16, None), (np.int16, np.int32), (np.int32, None),
     (np.uint16, np.int32), (np.float32, np.int16)],
)  # fmt: skip
def test_gh14_integer_outputs_match_scipy_exactly(fn, dtype, output) -> None:
    """Each axis's derivative cast to the output dtype, combined there (generic_laplace)."""
    # Every value fits the output dtype: where it does not (a negative derivative into an
    # unsigned type), scipy's C cast is undefined (x86-64 builds wrap) and ours saturates.
    x = (np.random.default_rng(4).random((9, 8)) * 200).astype(dtype)
    want = getattr(ndi, fn.__name__)(x, 1.3, output=output)
    got = fn(x, 1.3, output=output)
    assert np.asarray(got).dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_gh14_derived_filter_errors_name_the_function() -> None:
    x = np.ones((4, 5), np.float32)
    with pytest.raises(ValueError, match="^gaussian_laplace: boundary mode not supported"):
        gaussian_laplace(x, 1.0, mode="foo")
    with pytest.raises(ValueError, match="^gaussian_gradient_magnitude: sigma must be finite"):
        gaussian_gradient_magnitude(x, np.nan)
    with pytest.raises(ValueError, match="^gaussian_laplace: cval must be a scalar"):
        gaussian_laplace(x, 1.0, cval=[1, 2])  # type: ignore[arg-type]


def test_gh14_fourier_gaussian_of_a_huge_sigma_is_finite() -> None:
    x = np.ones(6, np.float32)
    for n in (-1, 10):
        want = ndi.fourier_gaussian(np.ones(6), 1e30, n=n)
        np.testing.assert_array_equal(fourier_gaussian(x, 1e30, n=n), want.astype(np.float32))
