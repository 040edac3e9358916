"""Pyramids: reduce and expand steps, Gaussian and Laplacian pyramids, exact collapse.

Oracles: scipy.ndimage composed as the steps are defined (blur, then zoom with
``grid_mode=True``, and the reverse), scikit-image's pyramids where its conventions are
ours, and OpenCV's ``pyrDown``/``pyrUp`` for the binomial kernel.
"""

from __future__ import annotations

import math

import cv2
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.ndimage as ndi
import skimage.transform as transform
from hypothesis import given, settings
from hypothesis import strategies as st

from jaxresample import (
    LaplacianPyramid,
    collapse_laplacian,
    gaussian_pyramid,
    laplacian_pyramid,
    pyramid_expand,
    pyramid_reduce,
    subsample,
)
from tests._helpers import X64
from tests.test_interp import GH24550_MODES, exact_coefficients

FLOAT = np.float64 if X64 else np.float32
#: Tolerance against float64 oracles, relative to the data range (float32 rounding).
TOL = 1e-12 if X64 else 2e-6
MODES = ["reflect", "mirror", "nearest", "constant", "grid-constant", "wrap", "grid-wrap"]


def _zoom(x, shape, *, order, mode, cval):
    """scipy's grid-mode zoom to ``shape``; for the modes of scipy gh-24550 (a wrong
    prefilter initialisation on short lines) from the exact B-spline coefficients."""
    zoom = np.divide(shape, x.shape)
    if order > 1 and mode in GH24550_MODES:
        coef = exact_coefficients(x, order, mode)
        return ndi.zoom(coef, zoom, order=order, mode=mode, grid_mode=True, prefilter=False)
    return ndi.zoom(x, zoom, order=order, mode=mode, cval=cval, grid_mode=True)


def _reduce_oracle(x, factor, *, order, mode, cval=0.0, sigma=None):
    sigma = 2 * factor / 6 if sigma is None else sigma
    out = tuple(math.ceil(n / factor) for n in x.shape)
    blurred = ndi.gaussian_filter(x, sigma, mode=mode, cval=cval)
    return _zoom(blurred, out, order=order, mode=mode, cval=cval)


def _expand_oracle(x, shape, *, order, mode, cval=0.0, factor=2):
    up = _zoom(x, shape, order=order, mode=mode, cval=cval)
    return ndi.gaussian_filter(up, 2 * factor / 6, mode=mode, cval=cval)


@pytest.mark.filterwarnings("ignore:It is recommended to use mode")
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("order", [0, 1, 3])
@pytest.mark.parametrize("shape", [(8, 6), (9, 7), (5,), (1, 4), (6, 5, 4)])
def test_reduce_and_expand_are_blur_and_zoom(shape, order, mode, rng) -> None:
    """Each step is scipy's blur and grid-mode zoom composed, with one mode for both; the
    strided (fused) path and the blur-then-sample path alike."""
    x = rng.random(shape)
    # the float32 B-spline prefilter (orders 2-5) amplifies rounding: the zoom tests' 2e-5
    tol = TOL * 4 if order < 2 or X64 else 2e-5
    got = np.asarray(pyramid_reduce(x.astype(FLOAT), order=order, mode=mode, cval=0.3))
    want = _reduce_oracle(x, 2, order=order, mode=mode, cval=0.3)
    np.testing.assert_allclose(got, want, atol=tol, rtol=0)
    up = tuple(2 * n for n in shape)
    got = np.asarray(pyramid_expand(x.astype(FLOAT), order=order, mode=mode, cval=0.3))
    want = _expand_oracle(x, up, order=order, mode=mode, cval=0.3)
    np.testing.assert_allclose(got, want, atol=tol, rtol=0)


@pytest.mark.parametrize("factor", [1.5, 2.5, 3, 4])
def test_other_factors_match_blur_and_zoom(factor, rng) -> None:
    x = rng.random((13, 17))
    got = np.asarray(pyramid_reduce(x.astype(FLOAT), downscale=factor))
    want = _reduce_oracle(x, factor, order=1, mode="reflect")
    np.testing.assert_allclose(got, want, atol=TOL * 4, rtol=0)


def test_matches_scikit_image_pyramid_gaussian(rng) -> None:
    """scikit-image blurs with scipy's 'reflect' and samples inside the image when reducing
    by 2, so its pyramid is ours for every shape."""
    for shape in [(64, 48), (37, 53), (9, 1), (5, 6, 7)]:
        x = rng.random(shape)
        theirs = list(transform.pyramid_gaussian(x, max_layer=4, downscale=2))
        ours = gaussian_pyramid(x.astype(FLOAT), levels=len(theirs))
        assert [o.shape for o in ours] == [t.shape for t in theirs]
        for o, t in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(np.asarray(o), t, atol=TOL * 4, rtol=0)


def test_binomial_kernel_is_opencv(rng) -> None:
    for shape in [(8, 6), (9, 7), (5, 3), (2, 2), (3, 1), (1, 1), (33, 20)]:
        x = rng.random(shape).astype(np.float32)
        np.testing.assert_allclose(
            np.asarray(pyramid_reduce(x, kernel="binomial")), cv2.pyrDown(x), atol=1e-6
        )
        np.testing.assert_allclose(
            np.asarray(pyramid_expand(x, kernel="binomial")), cv2.pyrUp(x), atol=1e-6
        )
        if min(shape) > 1:
            odd = (2 * shape[0] - 1, 2 * shape[1] - 1)
            np.testing.assert_allclose(
                np.asarray(pyramid_expand(x, kernel="binomial", output_shape=odd)),
                cv2.pyrUp(x, dstsize=odd[::-1]),
                atol=1e-6,
            )


def test_binomial_kernel_by_hand() -> None:
    """pyrDown keeps the even samples of the [1 4 6 4 1]/16 blur (reflect-101 borders);
    pyrUp inserts zeros and blurs with twice the kernel."""
    x = np.array([0.0, 16.0, 32.0, 0.0, 16.0])
    ext = np.concatenate([x[2:0:-1], x, x[-2:-4:-1]])  # reflect-101 by two samples
    blur = np.convolve(ext, np.array([1, 4, 6, 4, 1]) / 16, mode="valid")
    np.testing.assert_allclose(np.asarray(pyramid_reduce(x, kernel="binomial")), blur[::2])
    z = np.zeros(10)
    z[::2] = x
    zext = np.concatenate([z[2:0:-1], z, z[-2:-4:-1]])
    up = np.convolve(zext, np.array([1, 4, 6, 4, 1]) / 8, mode="valid")
    np.testing.assert_allclose(np.asarray(pyramid_expand(x, kernel="binomial")), up, atol=1e-5)


sizes = st.integers(1, 13)


@settings(max_examples=25, deadline=None)
@given(
    shape=st.lists(sizes, min_size=1, max_size=3).map(tuple),
    factor=st.sampled_from([2, 3, 1.5, 2.5]),
    order=st.sampled_from([0, 1, 3]),
    mode=st.sampled_from(["reflect", "mirror", "nearest", "constant"]),
    kernel=st.sampled_from(["gaussian", "binomial"]),
    channels=st.sampled_from([None, 0, -1]),
    seed=st.integers(0, 2**16),
)
def test_laplacian_pyramid_collapses_exactly(shape, factor, order, mode, kernel, channels, seed):
    """Any shape (odd, prime, size-1 axes), 1-3 dimensions, any factor, with or without a
    channel axis: collapsing gives the image back up to float rounding."""
    if kernel == "binomial":
        factor = 2
    if channels is not None and len(shape) == 1:
        channels = None
    x = np.random.default_rng(seed).normal(size=shape).astype(FLOAT) * 100
    probe = laplacian_pyramid(x, levels=1, downscale=factor, channel_axis=channels)
    most = _most_levels(shape, factor, kernel, channels)
    levels = min(most, 4)
    pyr = laplacian_pyramid(
        x, levels=levels, downscale=factor, order=order, mode=mode, kernel=kernel,
        channel_axis=channels,
    )  # fmt: skip
    assert len(pyr) == levels and len(probe) == 1
    back = np.asarray(collapse_laplacian(pyr))
    span = float(np.ptp(x)) or 1.0
    assert back.shape == x.shape
    assert np.abs(back - x).max() <= TOL / 2 * span * 2


def _most_levels(shape, factor, kernel, channels):
    spatial = [a for a in range(len(shape)) if channels is None or a != channels % len(shape)]
    levels, s = 1, list(shape)
    while True:
        nxt = list(s)
        for a in spatial:
            nxt[a] = (s[a] + 1) // 2 if kernel == "binomial" else math.ceil(s[a] / factor)
        if nxt == s:
            return levels
        levels, s = levels + 1, nxt


def test_worst_reconstruction_error_is_reported(rng) -> None:
    """The figures of the docs: the worst relative error over odd and prime shapes."""
    worst = 0.0
    for shape in [(37, 53), (1, 97), (31, 1, 7), (64, 64), (5, 5, 5, 5)]:
        x = rng.normal(size=shape).astype(FLOAT)
        pyr = laplacian_pyramid(x, levels=3, downscale=2)
        err = float(np.abs(np.asarray(collapse_laplacian(pyr)) - x).max() / np.ptp(x))
        worst = max(worst, err)
    assert worst <= (1e-12 if X64 else 1e-6)


def test_level_shapes_round_up() -> None:
    levels = gaussian_pyramid(jnp.ones((37, 53, 1)), levels=4)
    assert [lv.shape for lv in levels] == [(37, 53, 1), (19, 27, 1), (10, 14, 1), (5, 7, 1)]
    levels = gaussian_pyramid(jnp.ones((10, 3)), levels=3, downscale=3)
    assert [lv.shape for lv in levels] == [(10, 3), (4, 1), (2, 1)]


def test_too_many_levels_names_the_largest(rng) -> None:
    x = rng.random((37, 53)).astype(np.float32)
    assert len(gaussian_pyramid(x, levels=7)) == 7  # 37x53 ... 1x1 after six steps
    with pytest.raises(ValueError, match=r"gaussian_pyramid: levels=8 .* at most 7"):
        gaussian_pyramid(x, levels=8)
    with pytest.raises(ValueError, match=r"laplacian_pyramid: levels=40 .* at most 7"):
        laplacian_pyramid(x, levels=40)
    # below a factor of 2, ceil(n / factor) can stop shrinking an axis: ceil(2 / 1.5) = 2
    assert len(gaussian_pyramid(x[:2, :2], levels=1, downscale=1.5)) == 1
    with pytest.raises(ValueError, match=r"at most 1 .*the shape stops changing"):
        gaussian_pyramid(x[:2, :2], levels=2, downscale=1.5)
    with pytest.raises(ValueError, match="levels"):
        gaussian_pyramid(x, levels=0)
    with pytest.raises(TypeError, match="levels"):
        gaussian_pyramid(x, levels=2.5)  # type: ignore[arg-type]


def test_bad_options_are_refused(rng) -> None:
    x = rng.random((8, 8)).astype(np.float32)
    with pytest.raises(ValueError, match="pyramid_reduce: downscale must be greater than 1"):
        pyramid_reduce(x, downscale=1)
    with pytest.raises(ValueError, match="pyramid_expand: upscale must be greater than 1"):
        pyramid_expand(x, upscale=0.5)
    with pytest.raises(ValueError, match="kernel='binomial' needs downscale=2"):
        pyramid_reduce(x, downscale=3, kernel="binomial")
    with pytest.raises(ValueError, match="kernel must be one of"):
        pyramid_reduce(x, kernel="box")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sigma must be nonnegative"):
        pyramid_reduce(x, sigma=-1.0)
    with pytest.raises(TypeError, match="complex"):
        pyramid_reduce(x.astype(np.complex64))
    with pytest.raises(ValueError, match="2n or 2n - 1"):
        pyramid_expand(x, kernel="binomial", output_shape=(15, 14))
    with pytest.raises(ValueError, match="channel axis"):
        pyramid_expand(x, output_shape=(16, 9), channel_axis=1)
    with pytest.raises(TypeError, match="collapse_laplacian: pyramid must be a LaplacianPyramid"):
        collapse_laplacian((x,))  # type: ignore[arg-type]


def test_nan_stays_local() -> None:
    x = np.zeros((32, 32), np.float32)
    x[3, 4] = np.nan
    y = np.asarray(pyramid_reduce(x))
    # the fused 8-tap kernel at stride 2 reaches at most 4 outputs per axis
    assert np.isnan(y[1, 2]) and np.isnan(y).sum() <= 16
    assert np.isfinite(y[6:, :]).all() and np.isfinite(y[:, 6:]).all()


def test_channel_axis_is_equivariant(rng) -> None:
    """Moving the channel axis before the call and back after gives the same levels."""
    x = rng.random((9, 3, 11)).astype(np.float32)
    a = gaussian_pyramid(x, levels=3, channel_axis=1)
    b = gaussian_pyramid(np.moveaxis(x, 1, -1), levels=3, channel_axis=-1)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_allclose(np.asarray(u), np.moveaxis(np.asarray(v), -1, 1), atol=1e-6)
    # and each channel is the channel's own pyramid
    single = gaussian_pyramid(x[:, 0], levels=3)
    for u, s in zip(a, single, strict=True):
        np.testing.assert_allclose(np.asarray(u)[:, 0], np.asarray(s), atol=1e-6)


def test_pyramid_is_one_jitted_computation_under_vmap_and_grad(rng) -> None:
    x = rng.random((4, 16, 12)).astype(np.float32)
    pyr = jax.jit(lambda v: laplacian_pyramid(v, levels=3))(x[0])
    assert isinstance(pyr, LaplacianPyramid)
    batched = jax.vmap(lambda v: collapse_laplacian(laplacian_pyramid(v, levels=3)))(x)
    np.testing.assert_allclose(np.asarray(batched), x, atol=1e-5)

    def loss(v, cval):
        levels = gaussian_pyramid(v, levels=3, mode="constant", cval=cval)
        return sum(jnp.sum(lv**2) for lv in levels)

    gx, gc = jax.grad(loss, argnums=(0, 1))(x[0], jnp.float32(0.5))
    assert np.isfinite(np.asarray(gx)).all() and np.isfinite(float(gc)) and float(gc) != 0.0


def test_subsample_keeps_every_nth_sample() -> None:
    x = np.arange(60, dtype=np.int32).reshape(6, 10)
    np.testing.assert_array_equal(np.asarray(subsample(x)), x[::2, ::2])
    np.testing.assert_array_equal(np.asarray(subsample(x, factor=3, axes=1, offset=2)), x[:, 2::3])
    assert subsample(x).dtype == x.dtype
    with pytest.raises(ValueError, match="subsample: offset"):
        subsample(x, factor=2, offset=2)
    with pytest.raises(ValueError, match="subsample: factor"):
        subsample(x, factor=0)
