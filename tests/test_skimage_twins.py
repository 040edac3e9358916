"""jaxresample.transform against the installed scikit-image: values, shapes, dtypes, stops.

scikit-image's pyramids blur with its ``mode`` string handed to scipy untranslated (so
``'reflect'`` blurs as scipy's half-sample reflection but samples as ``'mirror'``, and
``'edge'``/``'symmetric'`` raise); ours translate ``numpy.pad``'s names once, for both. Where
scikit-image is self-consistent (``'constant'``, ``'wrap'``) the results are compared with its
own; for the other modes with scikit-image's ``resize`` after a blur in the translated mode.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.ndimage as ndi
import skimage.transform as skt

import jaxresample.transform as jtf
from tests._helpers import X64

NUMPY_MODES = ["constant", "edge", "symmetric", "reflect", "wrap"]
SCIPY_NAME = {"constant": "constant", "edge": "nearest", "symmetric": "reflect",
              "reflect": "mirror", "wrap": "wrap"}  # fmt: skip
#: Against scikit-image's float64 results (float32 arithmetic without x64).
TOL = 1e-12 if X64 else 2e-6


def _close(ours, theirs, tol=TOL):
    ours = np.asarray(ours)
    assert ours.shape == theirs.shape
    scale = max(1.0, float(np.nanmax(np.abs(theirs))) if theirs.size else 1.0)
    np.testing.assert_allclose(ours, theirs, atol=tol * scale, rtol=0)


def _float_dtype(dtype):
    """scikit-image's float result dtype, as JAX can hold it (float64 needs x64)."""
    if np.dtype(dtype) in (np.float32, np.float16):
        return np.float32
    return np.float64 if X64 else np.float32


@pytest.mark.parametrize("mode", NUMPY_MODES)
@pytest.mark.parametrize("order", [0, 1, 2, 3, 5])
@pytest.mark.parametrize("shape", [(17, 40), (9, 7), (37, 29)])
def test_resize_matches_skimage(rng, mode, order, shape):
    x = rng.random((37, 29))
    ours = jtf.resize(x, shape, order=order, mode=mode, cval=0.3)
    theirs = skt.resize(x, shape, order=order, mode=mode, cval=0.3)
    _close(ours, theirs)


@pytest.mark.parametrize(
    ("dtype", "order", "preserve_range"),
    [(np.uint8, 1, False), (np.uint8, 0, False), (np.int16, 1, False), (np.int16, 3, True),
     (np.float32, 1, False), (np.bool_, 0, False), (np.uint16, 1, True)],
)  # fmt: skip
def test_resize_dtypes_and_ranges(rng, dtype, order, preserve_range):
    x = (rng.random((20, 15)) * 250 - (100 if dtype == np.int16 else 0)).astype(dtype)
    ours = np.asarray(jtf.resize(x, (7, 9), order=order, preserve_range=preserve_range))
    theirs = skt.resize(x, (7, 9), order=order, preserve_range=preserve_range)
    want = theirs.dtype if order == 0 else _float_dtype(theirs.dtype)
    assert ours.dtype == want
    # a float32 result is float32-rounded whatever we compute in; _close scales by the range
    tol = 2e-6 if ours.dtype == np.float32 else TOL
    _close(ours.astype(np.float64), theirs.astype(np.float64), tol=tol)


def test_resize_options(rng):
    x = rng.random((12, 10, 3))
    _close(jtf.resize(x, (6, 5)), skt.resize(x, (6, 5)))  # the last axis keeps its size
    _close(jtf.resize(x[..., 0], (6, 5, 2)), skt.resize(x[..., 0], (6, 5, 2)))  # appended axis
    # cval outside the input's range, brought in by 'constant', widens the clip range
    _close(jtf.resize(x, (20, 19, 3), mode="constant", cval=2.0, order=3),
           skt.resize(x, (20, 19, 3), mode="constant", cval=2.0, order=3))  # fmt: skip
    _close(jtf.resize(x, (5, 4, 3), anti_aliasing_sigma=(1.5, 0.5, 0.0)),
           skt.resize(x, (5, 4, 3), anti_aliasing_sigma=(1.5, 0.5, 0.0)))  # fmt: skip
    _close(
        jtf.resize(x, (5, 4, 3), clip=False, order=3), skt.resize(x, (5, 4, 3), clip=False, order=3)
    )
    with pytest.warns(UserWarning, match="not down-sampling along all axes"):
        jtf.resize(x, (24, 4, 3), anti_aliasing_sigma=1.0)
    with pytest.raises(ValueError, match="resize: anti_aliasing must be False for boolean"):
        jtf.resize(x > 0.5, (5, 4, 3), anti_aliasing=True)
    with pytest.raises(ValueError, match="resize: order=1 is not defined for a bool image"):
        jtf.resize(x > 0.5, (5, 4, 3), order=1)
    with pytest.raises(ValueError, match="resize: mode must be one of numpy.pad's names"):
        jtf.resize(x, (5, 4, 3), mode="mirror")
    with pytest.raises(ValueError, match="cannot be smaller"):
        jtf.resize(x, (5,))


@pytest.mark.parametrize("channel_axis", [None, 0, -1])
@pytest.mark.parametrize("scale", [0.5, 2 / 3, 1.7, (0.5, 1.25)])
def test_rescale_matches_skimage(rng, channel_axis, scale):
    x = rng.random((12, 9, 4)) if channel_axis is not None else rng.random((12, 9))
    if channel_axis == 0:
        x = np.moveaxis(x, -1, 0)
    ours = jtf.rescale(x, scale, channel_axis=channel_axis, order=3)
    theirs = skt.rescale(x, scale, channel_axis=channel_axis, order=3)
    _close(ours, theirs)


def _blur(x, sigma, mode, channel_axis):
    sig = [0.0 if a == (channel_axis % x.ndim if channel_axis is not None else None) else sigma
           for a in range(x.ndim)]  # fmt: skip
    return ndi.gaussian_filter(x, sig, mode=SCIPY_NAME[mode], cval=0.25)


def _reduce_oracle(x, factor, mode, order, channel_axis=None):
    """scikit-image's pyramid_reduce, with the blur in the translated mode."""
    c = None if channel_axis is None else channel_axis % x.ndim
    shape = tuple(n if a == c else math.ceil(n / factor) for a, n in enumerate(x.shape))
    return skt.resize(_blur(x, 2 * factor / 6, mode, c), shape, order=order, mode=mode,
                      cval=0.25, anti_aliasing=False)  # fmt: skip


@pytest.mark.parametrize("mode", NUMPY_MODES)
@pytest.mark.parametrize("order", [1, 3])
@pytest.mark.parametrize("factor", [2, 1.5, 3])
def test_pyramid_reduce_and_expand(rng, mode, order, factor):
    x = rng.random((23, 16))
    _close(jtf.pyramid_reduce(x, factor, order=order, mode=mode, cval=0.25),
           _reduce_oracle(x, factor, mode, order))  # fmt: skip
    shape = tuple(math.ceil(n * factor) for n in x.shape)
    up = skt.resize(x, shape, order=order, mode=mode, cval=0.25, anti_aliasing=False)
    _close(jtf.pyramid_expand(x, factor, order=order, mode=mode, cval=0.25),
           _blur(up, 2 * factor / 6, mode, None))  # fmt: skip
    if mode in ("constant", "wrap"):  # scikit-image itself agrees: its blur reads them alike
        _close(jtf.pyramid_reduce(x, factor, order=order, mode=mode, cval=0.25),
               skt.pyramid_reduce(x, factor, order=order, mode=mode, cval=0.25))  # fmt: skip
        _close(jtf.pyramid_expand(x, factor, order=order, mode=mode, cval=0.25),
               skt.pyramid_expand(x, factor, order=order, mode=mode, cval=0.25))  # fmt: skip


def test_skimage_pyramids_misread_numpy_mode_names(rng):
    """What the twins fix: scikit-image's pyramid blur takes numpy's names as scipy's."""
    x = rng.random((16, 16))
    with pytest.raises(RuntimeError):
        skt.pyramid_reduce(x, mode="edge")
    _close(jtf.pyramid_reduce(x, mode="edge"), _reduce_oracle(x, 2, "edge", 1))
    mixed = skt.pyramid_reduce(x, mode="reflect")  # blur 'reflect', sample 'mirror'
    ours = np.asarray(jtf.pyramid_reduce(x, mode="reflect"))  # 'mirror' for both
    assert np.abs(ours - mixed).max() > 1e-3
    np.testing.assert_allclose(ours[2:-2, 2:-2], mixed[2:-2, 2:-2], atol=TOL)


@pytest.mark.parametrize("shape", [(37, 29), (5, 3), (1, 8), (64,), (6, 4, 3)])
@pytest.mark.parametrize("max_layer", [-1, 0, 2])
@pytest.mark.parametrize("channel_axis", [None, -1])
def test_pyramid_generators_match_skimage(rng, shape, max_layer, channel_axis):
    if channel_axis is not None and len(shape) < 2:
        return
    x = rng.random(shape)
    for ours_fn, theirs_fn in ((jtf.pyramid_gaussian, skt.pyramid_gaussian),
                               (jtf.pyramid_laplacian, skt.pyramid_laplacian)):  # fmt: skip
        ours = list(ours_fn(x, max_layer=max_layer, mode="wrap", channel_axis=channel_axis))
        theirs = list(theirs_fn(x, max_layer=max_layer, mode="wrap", channel_axis=channel_axis))
        assert [o.shape for o in ours] == [t.shape for t in theirs]
        for o, t in zip(ours, theirs, strict=True):
            _close(o, t)


def test_pyramid_arguments_are_checked_on_the_call():
    x = np.ones((8, 8))
    with pytest.raises(ValueError, match="pyramid_gaussian: downscale must be greater than 1"):
        jtf.pyramid_gaussian(x, downscale=1)
    with pytest.raises(ValueError, match="pyramid_laplacian: max_layer"):
        jtf.pyramid_laplacian(x, max_layer=-2)
    with pytest.raises(ValueError, match="pyramid_reduce: mode must be one of"):
        jtf.pyramid_reduce(x, mode="grid-wrap")
