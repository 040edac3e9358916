"""resize and rescale: every reconstruction kernel, anti-aliasing, anchors, boundary modes.

Oracles: a NumPy evaluation of each kernel on the input extended with ``numpy.pad`` (the
definition), ``jax.image.resize`` where its conventions are ours (the interior, and linear
upsampling), scipy's ``zoom(grid_mode=True)`` for the B-splines, and block means for
``area``.
"""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given, settings
from hypothesis import strategies as st

from jaxresample import antialias_sigma, rescale, resize
from jaxresample._modes import MODES
from tests._helpers import X64
from tests.test_pyramid import _zoom

FLOAT = np.float64 if X64 else np.float32
#: Against float64 oracles, relative to the data range (float32 rounding of weights and sums).
TOL = 1e-12 if X64 else 2e-6
KERNELS = ["linear", "cubic", "lanczos3", "lanczos5"]
RADIUS = {"linear": 1, "cubic": 2, "lanczos3": 3, "lanczos5": 5}
BSPLINES: dict[int, Any] = {k: f"bspline{k}" for k in (2, 3, 4, 5)}
EXTENSIONS = ["reflect", "mirror", "nearest", "constant", "wrap"]


def _kernel(method, t):
    a = np.abs(t)
    if method == "linear":
        return np.maximum(0, 1 - a)
    if method == "cubic":
        return np.where(
            a < 1,
            1.5 * a**3 - 2.5 * a**2 + 1,
            np.where(a < 2, -0.5 * a**3 + 2.5 * a**2 - 4 * a + 2, 0),
        )
    r = RADIUS[method]
    return np.where(a < r, np.sinc(t) * np.sinc(t / r), 0)


def _oracle_1d(x, m, *, method, antialias, mode, cval=0.0, anchor="edges"):
    """The definition: the kernel's weights over the input padded with ``numpy.pad``."""
    n = x.shape[0]
    if anchor == "centers" and n > 1 and m > 1:
        c, d = (n - 1) / (m - 1), 0.0
    else:
        c, d = n / m, (n - m) / (2 * m)
    width = max(c, 1.0) if antialias else 1.0
    pad = int(math.ceil(RADIUS[method] * width)) + 2
    kw = {"constant_values": cval} if mode == "constant" else {}
    ext = np.pad(x.astype(np.float64), pad, mode=MODES[mode].numpy, **kw)  # type: ignore[call-overload]
    out = np.empty(m)
    j = np.arange(-pad, n + pad)
    for o in range(m):
        w = _kernel(method, (j - (c * o + d)) / width)
        out[o] = (w * ext).sum() / w.sum()
    return out


@pytest.mark.parametrize("method", KERNELS)
@pytest.mark.parametrize("mode", EXTENSIONS)
@pytest.mark.parametrize(("n", "m"), [(12, 8), (9, 6), (7, 16), (5, 5), (13, 3), (2, 7)])
@pytest.mark.parametrize("antialias", [True, False])
def test_kernels_match_their_definition_on_the_extended_input(rng, method, mode, n, m, antialias):
    x = rng.standard_normal(n)
    got = np.asarray(
        resize(x.astype(FLOAT), (m,), method=method, antialias=antialias, mode=mode, cval=0.7)
    )
    want = _oracle_1d(x, m, method=method, antialias=antialias, mode=mode, cval=0.7)
    np.testing.assert_allclose(got, want, atol=TOL * 8, rtol=0)


@pytest.mark.parametrize("method", ["linear", "cubic"])
def test_centers_anchor(rng, method):
    x = rng.standard_normal(9)
    got = np.asarray(resize(x.astype(FLOAT), (17,), method=method, anchor="centers"))
    want = _oracle_1d(x, 17, method=method, antialias=True, mode="reflect", anchor="centers")
    np.testing.assert_allclose(got, want, atol=TOL * 8)
    # torch's align_corners=True: the end samples are kept, linear is np.interp
    assert got[0] == pytest.approx(x[0], abs=TOL) and got[-1] == pytest.approx(x[-1], abs=TOL)
    if method == "linear":
        np.testing.assert_allclose(
            got, np.interp(np.linspace(0, 8, 17), np.arange(9), x), atol=1e-6
        )


def _inside(n, m, method, antialias):
    """The output samples whose kernel reads no sample beyond the edges."""
    c, d = n / m, (n - m) / (2 * m)
    width = max(c, 1.0) if antialias else 1.0
    o = np.arange(m)
    reach = RADIUS.get(method, 0) * width
    return (c * o + d - reach >= 0) & (c * o + d + reach <= n - 1)


@pytest.mark.parametrize("method", [*KERNELS, "area", "nearest"])
@pytest.mark.parametrize("antialias", [True, False])
@pytest.mark.parametrize(
    ("shape", "out"), [((40, 36), (17, 24)), ((12, 9), (8, 6)), ((10, 7), (23, 15))]
)
def test_matches_jax_image_resize_where_the_kernel_stays_inside(rng, method, antialias, shape, out):
    x = rng.random(shape).astype(FLOAT)
    got = np.asarray(resize(x, out, method=method, antialias=antialias))
    want = np.asarray(jax.image.resize(x, out, method=method, antialias=antialias))
    if method in ("area", "nearest"):
        # no kernel reaches past the edges with the 'edges' anchor: equal everywhere
        np.testing.assert_allclose(got, want, atol=TOL * 4)
        return
    rows = _inside(shape[0], out[0], method, antialias)
    cols = _inside(shape[1], out[1], method, antialias)
    # jax computes its weights in float32 (coordinates rounded to float32 too)
    tol = 1e-5 if not X64 else 1e-12
    np.testing.assert_allclose(got[np.ix_(rows, cols)], want[np.ix_(rows, cols)], atol=tol)


@pytest.mark.parametrize("mode", ["reflect", "nearest"])
def test_linear_upsampling_matches_jax_everywhere(rng, mode):
    x = rng.random((7, 10)).astype(FLOAT)
    got = np.asarray(resize(x, (19, 31), mode=mode))
    np.testing.assert_allclose(
        got, np.asarray(jax.image.resize(x, (19, 31), "linear")), atol=TOL * 4
    )


@pytest.mark.parametrize("method", [*KERNELS, "area", "nearest", "bspline3"])
@pytest.mark.parametrize("mode", ["reflect", "mirror", "nearest", "wrap", "constant"])
def test_no_border_sample_loses_weight(method, mode):
    """Border samples keep the interior kernel's full weight (the border weighting of
    anti-aliased resizing is the subject of jax #24106)."""
    # a constant image stays constant under every extension (cval = the constant)
    x = np.full((37, 23), 3.0, FLOAT)
    y = np.asarray(resize(x, (11, 8), method=method, mode=mode, cval=3.0))
    np.testing.assert_allclose(y, 3.0, rtol=TOL * 8)


@pytest.mark.parametrize("order", [2, 3, 4, 5])
@pytest.mark.parametrize("mode", ["reflect", "mirror", "nearest", "wrap", "constant"])
def test_bsplines_are_scipy_zoom_in_grid_mode(rng, order, mode):
    x = rng.standard_normal((11, 8))
    scipy_mode = {"wrap": "grid-wrap", "constant": "grid-constant"}.get(mode, mode)
    got = np.asarray(
        resize(x.astype(FLOAT), (17, 5), method=BSPLINES[order], antialias=False, mode=mode)
    )
    want = _zoom(x, (17, 5), order=order, mode=scipy_mode, cval=0.0)
    np.testing.assert_allclose(got, want, atol=TOL * 40)
    # anti-aliased: the downsampled axis is blurred first by the FWHM Gaussian
    got = np.asarray(resize(x.astype(FLOAT), (17, 5), method=BSPLINES[order], mode=mode))
    blurred = ndi.gaussian_filter1d(x, antialias_sigma(8 / 5), axis=1, mode=MODES[scipy_mode].name)
    want = _zoom(blurred, (17, 5), order=order, mode=scipy_mode, cval=0.0)
    np.testing.assert_allclose(got, want, atol=TOL * 40)


def test_area_is_the_exact_box_integral(rng):
    x = rng.random((12, 9))
    got = np.asarray(resize(x.astype(FLOAT), (8, 6), method="area"))
    # the piecewise-constant image at 8x6 times the resolution, averaged over 12x9 blocks
    fine = np.repeat(np.repeat(x, 8, axis=0), 6, axis=1)
    want = fine.reshape(8, 12, 6, 9).mean(axis=(1, 3))
    np.testing.assert_allclose(got, want, atol=TOL * 4)
    # an integer factor is the block mean
    y = np.asarray(resize(x.astype(FLOAT), (4, 3), method="area"))
    np.testing.assert_allclose(y, x.reshape(4, 3, 3, 3).mean(axis=(1, 3)), atol=TOL * 4)


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.bool_, np.float32])
def test_nearest_keeps_the_dtype_and_values(rng, dtype):
    x = (rng.random((6, 5)) * 200).astype(dtype)
    y = resize(x, (9, 3), method="nearest")
    assert y.dtype == x.dtype
    rows = np.floor((np.arange(9) + 0.5) * 6 / 9).astype(int)
    cols = np.floor((np.arange(3) + 0.5) * 5 / 3).astype(int)
    np.testing.assert_array_equal(np.asarray(y), x[np.ix_(rows, cols)])
    big = np.array([2**31 - 1, 5, 16_777_217], np.int32)  # not representable in float32
    np.testing.assert_array_equal(
        np.asarray(resize(big, (6,), method="nearest")), np.repeat(big, 2)
    )


def test_channel_axis_and_shape_forms(rng):
    x = rng.random((12, 3, 9)).astype(FLOAT)
    a = resize(x, (8, 6), channel_axis=1, method="cubic")
    b = resize(x, (8, 3, 6), channel_axis=1, method="cubic")
    assert a.shape == (8, 3, 6)
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    for k in range(3):
        np.testing.assert_allclose(
            np.asarray(a)[:, k], np.asarray(resize(x[:, k], (8, 6), method="cubic")), atol=TOL
        )


def test_rescale_rounds_half_to_even_like_skimage():
    assert rescale(jnp.ones((12, 9)), 2 / 3).shape == (8, 6)
    assert rescale(jnp.ones((5, 7)), 0.5).shape == (2, 4)  # 2.5 -> 2, 3.5 -> 4
    assert rescale(jnp.ones((5, 4)), (2.0, 0.1)).shape == (10, 1)  # at least one sample
    assert rescale(jnp.ones((5, 4, 3)), 2, channel_axis=-1).shape == (10, 8, 3)


def test_nan_stays_local():
    x = np.zeros((40, 40), FLOAT)
    x[5, 6] = np.nan
    y = np.asarray(resize(x, (20, 20), method="cubic"))
    assert np.isnan(y[2, 3]) and np.isfinite(y[8:]).all() and np.isfinite(y[:, 8:]).all()


def test_bad_arguments():
    x = jnp.ones((6, 5))
    with pytest.raises(ValueError, match="resize: method must be one of"):
        resize(x, (3, 3), method="bicubic")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="resize: anchor must be one of"):
        resize(x, (3, 3), anchor="first-voxel")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="one entry per axis"):
        resize(x, (3,))
    with pytest.raises(ValueError, match="channel axis 1"):
        resize(x, (3, 4), channel_axis=1)
    with pytest.raises(ValueError, match="no samples to reconstruct"):
        resize(jnp.ones((0, 5)), (3, 5))
    with pytest.raises(ValueError, match="resize: shape must be"):
        resize(x, (3, -1))
    with pytest.raises(TypeError, match="resize: antialias must be a bool"):
        resize(x, (3, 3), antialias=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rescale: scale must be positive"):
        rescale(x, -2.0)
    with pytest.raises(TypeError, match="rescale: scale"):
        jax.jit(lambda s: rescale(x, s))(2.0)
    assert resize(x, (0, 3)).shape == (0, 3)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 30),
    m=st.integers(1, 30),
    method=st.sampled_from(KERNELS),
    mode=st.sampled_from(EXTENSIONS),
    antialias=st.booleans(),
)
def test_any_size_matches_the_definition(n, m, method, mode, antialias):
    x = np.random.default_rng(n * 31 + m).standard_normal(n)
    got = np.asarray(resize(x.astype(FLOAT), (m,), method=method, antialias=antialias, mode=mode))
    want = _oracle_1d(x, m, method=method, antialias=antialias, mode=mode)
    np.testing.assert_allclose(got, want, atol=TOL * 16)
