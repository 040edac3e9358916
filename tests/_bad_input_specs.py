"""One Hypothesis strategy per public function: the calls of the bad-input test.

:data:`SPECS` maps each public function's qualified name (``"ndimage.zoom"``,
``"io.load_volume"``...) to a strategy drawing a :class:`~tests._bad_input_cases.Call`.
Every parameter is drawn with :func:`~tests._bad_input_cases.mostly`: usually a good value
(often an extreme one: huge radii, kernels of 100 000 taps, a zoom of 10 000), one time in
twelve a bad one, so most calls reach the computation and most bad calls are bad in one
way. ``tests/test_bad_inputs.py`` checks that every public function has a strategy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from tests._bad_input_cases import (
    Call,
    File,
    Mapping,
    _finite,
    _huge,
    _ndim,
    _shape,
    arrays,
    axes_,
    coordinates,
    cvals,
    floats,
    matrices,
    modes,
    mostly,
    orders,
    output_shapes,
    outputs,
)

SPECS: dict[str, st.SearchStrategy[Call]] = {}
#: Public callables that are not functions to call with data, and why.
NOT_CALLED = {
    "ScipyRuntimeError": "an exception class",
    "ResamplePlan": "made by plan_resample and plan_to_reference, which are drawn",
    "LaplacianPyramid": "made by laplacian_pyramid, which is drawn",
    "EnsembleUncertainty": "made by ensemble_uncertainty, which is drawn",
    "EnsembleAccumulator": "built by its init; its bad inputs are in tests/test_ensemble.py",
    "VolumeRecord": "a plain record made by batch.resample_files, which is drawn",
}


def spec(*names: str):
    def register(fn: Any) -> Any:
        for name in names:
            SPECS[name] = st.composite(fn)()
        return fn

    return register


def one(good: list[Any], bad: list[Any]) -> st.SearchStrategy[Any]:
    """A good value from ``good``, or (one time in twelve) a bad one from ``bad``."""
    return mostly(st.sampled_from(good), st.sampled_from(bad))


def _call(args: tuple, kwargs: dict, *, oracle: bool = True, jit: Any = False) -> Call:
    return Call(args, kwargs, finite=_finite(*args, *kwargs.values()), oracle=oracle, jit=jit)


# ----------------------------------------------------------------------------- filters


@spec("ndimage.correlate1d", "ndimage.convolve1d")
def _correlate(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    w = draw(one(["short", "short", "long", "huge"], ["2d", "empty", "complex", "str"]))
    rng = np.random.default_rng(draw(st.integers(0, 99)))
    weights: Any = {
        "short": lambda: rng.normal(size=draw(st.integers(1, 6))),
        "long": lambda: rng.normal(size=101),
        "huge": lambda: rng.random(100_000),
        "2d": lambda: np.ones((3, 3)),
        "empty": lambda: np.zeros(0),
        "complex": lambda: np.array([1, 1 + 1j]),
        "str": lambda: "abc",
    }[w]()
    kw = dict(axis=draw(axes_), mode=draw(modes), cval=draw(cvals), output=draw(outputs))
    size = np.size(weights) if not isinstance(weights, str) else 3
    kw["origin"] = draw(one([0, 0, size // 2, -(size // 2)], [100, 1.5, None]))
    return _call((x, weights), kw, jit=numeric and draw(st.booleans()))


def _gaussian_kwargs(draw: Any, *, per_axis: bool) -> dict[str, Any]:
    kw: dict[str, Any] = dict(mode=draw(modes), cval=draw(cvals), output=draw(outputs))
    kw["truncate"] = draw(one([4.0, 4.0, 4.0, 0.0, 1e6, 2.5], [-1.0, np.nan, np.inf, [4.0], "4"]))
    kw["radius"] = draw(one([None, None, None, 0, 3, 10**6, 10**9], [-1, 2.5, "3"]))
    if per_axis:
        kw["axes"] = draw(one([None, None, 0, -1], [(0, 1), (0, 0), 5, 1.0]))
    return kw


def _big(kw: dict[str, Any], sigma: Any) -> bool:
    """Whether scipy would build a huge kernel (so it is not asked)."""
    try:
        sig = [float(s) for s in np.atleast_1d(np.asarray(sigma, dtype=object))]
    except (TypeError, ValueError):
        sig = []
    return (
        kw.get("radius") in (10**6, 10**9)
        or kw.get("truncate") == 1e6
        or any(s >= 1e3 for s in sig)
    )


@spec("ndimage.gaussian_filter1d")
def _gaussian_filter1d(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    kw = _gaussian_kwargs(draw, per_axis=False)
    kw.update(axis=draw(axes_), order=draw(one([0, 0, 1, 2, 3], [-1, 40, 10**6, 1.0])))
    sigma = draw(floats(1e6))
    return _call((x, sigma), kw, oracle=not _big(kw, sigma), jit=numeric and draw(st.booleans()))


@spec("ndimage.gaussian_filter", "ndimage.gaussian_laplace", "ndimage.gaussian_gradient_magnitude")
def _gaussian_filter(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    kw = _gaussian_kwargs(draw, per_axis=True)
    sigma = draw(st.one_of(floats(1e6), st.sampled_from([(1.0, 2.0), (0.0, 1.0), [1.0, 0.5, 2.0]])))
    if draw(st.integers(0, 3)) == 0:  # gaussian_filter's: the others refuse the keyword
        kw["order"] = draw(st.sampled_from([0, 1, (0, 1), 2, -1, 40, 1.5]))
    if draw(st.integers(0, 19)) == 0:
        kw["bogus"] = 1  # an unknown keyword
    return _call((x, sigma), kw, oracle=not _big(kw, sigma), jit=numeric and draw(st.booleans()))


@spec("ndimage.fourier_gaussian")
def _fourier_gaussian(draw: Any) -> Call:
    x, _, _ = draw(arrays())
    kw = dict(
        n=draw(one([-1, -1, 10], [0, 2.5])),
        axis=draw(axes_),
        output=draw(one([None, None, np.float32, np.complex64], [np.int8, "x"])),
    )
    return _call((x, draw(floats())), kw)


@spec("gaussian_kernel1d")
def _kernel(draw: Any) -> Call:
    kw = dict(
        order=draw(one([0, 1, 2, 5], [-1, 33, 10**6, 1.0])),
        radius=draw(one([None, None, 0, 4, 10**6], [10**9, -2, 1.5])),
        truncate=draw(one([4.0, 0.0, 1e3], [np.nan, -1.0, 1e9])),
        method=draw(one(["sampled", "erf", "bessel"], ["box"])),
    )
    sigma = draw(st.one_of(floats(1e6), st.just([1.0, 2.0])))
    return _call((sigma,), kw, oracle=False)


@spec("smooth")
def _smooth(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    kw: dict[str, Any] = {
        draw(st.sampled_from(["sigma_mm", "fwhm_mm"])): draw(floats(1e4, (1.0, 2.0)))
    }
    if draw(st.integers(0, 19)) == 0:
        kw["sigma_mm"] = kw["fwhm_mm"] = 1.0  # both: refused
    which = draw(one(["spacing", "affine", "none"], ["both"]))
    if which in ("spacing", "both"):
        kw["spacing"] = draw(one([1.0, 2.0, 0.7], [(1.0, 0.5, 2.0, 1.0), 0.0, -1.0, np.inf, "a"]))
    if which in ("affine", "both"):
        kw["affine"] = draw(
            one([np.diag([1.0, 2.0, 3.0, 1.0])], [np.eye(2), np.zeros((4, 4)), "x"])
        )
    kw.update(
        mode=draw(modes), cval=draw(cvals), channel_axis=draw(one([None, None, 0, -1], [5, 1.0]))
    )
    return _call((x,), kw, oracle=False, jit=numeric and draw(st.booleans()))


@spec("gaussian_filter_fft")
def _fft(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    kw = _gaussian_kwargs(draw, per_axis=True)
    del kw["output"]
    kw["order"] = draw(one([0, 0, 1, 2], [-1, 40]))
    return _call((x, draw(floats(1e6))), kw, oracle=False, jit=numeric and draw(st.booleans()))


# ----------------------------------------------------------------------------- interpolation


def _interp_kwargs(draw: Any) -> dict[str, Any]:
    return dict(order=draw(orders), mode=draw(modes), cval=draw(cvals), output=draw(outputs),
                prefilter=draw(st.booleans()))  # fmt: skip


@spec("ndimage.map_coordinates")
def _map_coordinates(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    coords = draw(coordinates(_shape(x)))
    return _call((x, coords), _interp_kwargs(draw), jit=numeric and draw(st.booleans()))


@spec("map_coordinates_adjoint")
def _adjoint(draw: Any) -> Call:
    shape = draw(one([(5,), (4, 3), (1, 1, 1)], [(0,), (2, 0)]))
    coords = draw(coordinates(shape))
    pts = _shape(coords)[1:] if len(_shape(coords)) > 1 else (3,)
    values, _, _ = draw(arrays(shapes=[pts]))
    kw = dict(order=draw(orders), mode=draw(modes), prefilter=draw(st.booleans()))
    shp = draw(mostly(st.just(shape), st.sampled_from([(3, 3, 3), (0,), (-1,), "a"])))
    return _call((values, coords, shp), kw, oracle=False)


@spec("ndimage.spline_filter", "ndimage.spline_filter1d")
def _spline_filter(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    output = draw(one([np.float64, np.float32, np.int16], [np.uint8, None, "x"]))
    kw = dict(order=draw(orders), mode=draw(modes), output=output)
    if draw(st.integers(0, 3)) == 0:
        kw["axis"] = draw(axes_)  # spline_filter1d's: spline_filter refuses the keyword
    return _call((x,), kw, jit=numeric and draw(st.booleans()))


@spec("ndimage.zoom")
def _zoom(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    z = draw(floats(1e4, 1e6, 0.3, (1.0, 2.0), (0.5, 1.0, 2.0)))
    kw = _interp_kwargs(draw)
    kw["grid_mode"] = draw(st.booleans())
    zs = [v for v in np.atleast_1d(np.asarray(z, dtype=object)) if isinstance(v, (int, float))]
    huge = any(abs(v) > 100 for v in zs if np.isfinite(v))
    # No jit twin for a huge zoom either: a million-sample output of a 6-sample input is
    # answered eagerly in 0.2 s, but its jit twin spends 5 s compiling the tap tables as
    # constants, and the comparison says nothing a small zoom does not.
    return _call((x, z), kw, oracle=not huge, jit=numeric and not huge and draw(st.booleans()))


@spec("ndimage.shift")
def _shift(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    s = draw(floats((1.5, -0.25), (0.5, 1.0, 2.0)))
    # scipy's C code overflows its integer tap positions on a shift of 1e30 (a segfault)
    far = any(
        isinstance(v, float) and abs(v) > 1e6 for v in np.atleast_1d(np.asarray(s, dtype=object))
    )
    return _call((x, s), _interp_kwargs(draw), oracle=not far, jit=numeric and draw(st.booleans()))


@spec("ndimage.affine_transform")
def _affine(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    nd = max(1, _ndim(x))
    m = draw(matrices(nd))
    kw = _interp_kwargs(draw)
    kw["offset"] = draw(one([0.0, 0.5, (0.25,) * nd, -1.25], [(0.25, -0.5), np.nan, "0"]))
    kw["output_shape"] = draw(
        mostly(st.sampled_from([None, None, (4,) * nd, (2,) * nd]), output_shapes)
    )
    return _call(
        (x, m), kw, oracle=not _huge(kw["output_shape"]), jit=numeric and draw(st.booleans())
    )


@spec("ndimage.geometric_transform")
def _geometric(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    nd = max(1, _ndim(x))
    name = draw(
        one(["identity", "shift", "shift"], ["python_if", "scalar", "too_few", "not_callable"])
    )
    kw = _interp_kwargs(draw)
    kw["output_shape"] = draw(
        mostly(st.sampled_from([None, None, (4,) * nd, (3,) * nd]), output_shapes)
    )
    ok = name in ("identity", "shift") and not _huge(kw["output_shape"])
    return _call((x, Mapping(name)), kw, oracle=ok, jit=numeric and draw(st.booleans()))


# ----------------------------------------------------------------------------- volumes

affines = one(
    [np.diag([0.8, 0.8, 2.0, 1.0]), np.eye(4), np.diag([1.0, -1.2, 1.5, 1.0])],
    [np.diag([1e30, 1.0, 1.0, 1.0]), np.diag([1.0, 0.0, 1.0, 1.0]), np.full((4, 4), np.nan),
     np.eye(3), "a", None],
)  # fmt: skip
spacings = one(
    [1.0, 1.5, (1.0, 1.0, 2.0), 0.6], [0.0, -1.0, np.nan, 1e-6, 1e-3, "a", None, (1.0, 2.0)]
)


def _volume(draw: Any, **kw: Any) -> Any:
    shapes = draw(one([[(6, 5, 4), (4, 3, 5), (2, 3, 4, 2)]], [[(6, 5), (0, 3, 3), (1, 1, 1), ()]]))
    return draw(arrays(shapes=shapes, **kw))


@spec("plan_resample")
def _plan(draw: Any) -> Call:
    kw: dict[str, Any] = dict(
        anchor=draw(one(["edges", "centers", "first-voxel", "first-voxel-centers"], ["x"])),
        rounding=draw(one(["round", "half-even", "floor", "ceil"], ["up"])),
    )
    if draw(st.booleans()):
        kw["spacing"] = draw(spacings)
    else:
        kw["out_shape"] = draw(one([(3, 3, 3), 4], [(0, 1, 1), (2.0, 3, 3), "a"]))
    shape = draw(one([(6, 5, 4)], [(6, 5), (0, 2, 2), (6.0, 5, 4), "x"]))
    return _call((shape, draw(affines)), kw, oracle=False)


@spec("plan_to_reference")
def _plan_ref(draw: Any) -> Call:
    kw = dict(reference_shape=draw(one([(3, 3, 3)], [(3, 3), None, (0, 3, 3), "a"])),
              reference_affine=draw(affines))  # fmt: skip
    return _call(((6, 5, 4), draw(affines)), kw, oracle=False)


@spec("resample_to_spacing")
def _respacing(draw: Any) -> Call:
    x, _, _ = _volume(draw)
    kw = dict(order=draw(orders), mode=draw(modes), cval=draw(cvals), antialias=draw(st.booleans()),
              order_z=draw(one([None, None, 1], [9])), clip=draw(one([False, True], [1, "yes"])),
              dtype=draw(one([None, None, "int16", "float32"], ["bool", "x"])))  # fmt: skip
    return _call((x, draw(affines), draw(spacings)), kw, oracle=False)


@spec("resample_to_reference")
def _reference(draw: Any) -> Call:
    x, _, _ = _volume(draw)
    kw = dict(reference_shape=draw(one([(3, 4, 2)], [(3, 4), None, (10**4,) * 3])),
              reference_affine=draw(affines), order=draw(orders), mode=draw(modes),
              cval=draw(cvals), clip=draw(one([False, True], [None])),
              dtype=draw(one([None, None, "int8"], ["str"])))  # fmt: skip
    return _call((x, draw(affines)), kw, oracle=False)


@spec("resample_labels")
def _labels(draw: Any) -> Call:
    x, _, _ = _volume(draw, dtypes=["int16", "uint8", "int8", "float32", "bool"],
                      good_dtypes=("int16", "uint8", "int8"))  # fmt: skip
    if isinstance(x, np.ndarray) and x.dtype.kind in "iu":
        x = np.abs(x) % 4
    kw: dict[str, Any] = dict(method=draw(one(["nearest", "linear", "gaussian"], ["x"])))
    if draw(st.booleans()):
        kw["spacing"] = draw(spacings)
    else:
        kw["reference_shape"] = draw(one([(3, 4, 2)], [None, (10**4,) * 3]))
        kw["reference_affine"] = draw(affines)
    kw["label_values"] = draw(one([None, None, (0, 1, 2)], [(), "abc", (300,), (1.5,)]))
    return _call((x, draw(affines)), kw, oracle=False)


@spec("antialias_sigma")
def _antialias(draw: Any) -> Call:
    kw = dict(rule=draw(one(["fwhm", "skimage"], ["box"])))
    return _call((draw(floats(1e308, 0.25)),), kw, oracle=False)


# ----------------------------------------------------------------------------- pyramids


def _pyramid_kwargs(draw: Any, factor: str) -> dict[str, Any]:
    kernel = draw(one(["gaussian", "gaussian", "binomial"], ["box", None, 3]))
    kw: dict[str, Any] = {
        factor: draw(one([2, 2.0, 3, 1.5, 2.5], [1, 0.5, -2, np.nan, np.inf, "2", None, 1e9])),
        "order": draw(orders),
        "mode": draw(
            one(
                [None, "reflect", "mirror", "nearest", "constant", "grid-wrap"],
                ["edge", "symmetric", 3, ["reflect"]],
            )
        ),  # fmt: skip
        "cval": draw(cvals),
        "channel_axis": draw(one([None, None, 0, -1], [7, 1.0, "c"])),
        "kernel": kernel,
    }
    if draw(st.integers(0, 3)) == 0:
        kw["sigma"] = draw(floats(1e3, 40.0))
    return kw


@spec("pyramid_reduce")
def _pyramid_reduce(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    return _call((x,), _pyramid_kwargs(draw, "downscale"), oracle=False,
                 jit=numeric and draw(st.booleans()))  # fmt: skip


@spec("pyramid_expand")
def _pyramid_expand(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    kw = _pyramid_kwargs(draw, "upscale")
    if draw(st.integers(0, 3)) == 0:
        kw["output_shape"] = draw(output_shapes)
    return _call((x,), kw, oracle=False, jit=numeric and draw(st.booleans()))


@spec("gaussian_pyramid", "laplacian_pyramid")
def _pyramids(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    kw = _pyramid_kwargs(draw, "downscale")
    kw["levels"] = draw(one([1, 2, 3, 4], [0, -1, 2.5, 40, None, "3", 10**6]))
    return _call((x,), kw, oracle=False)  # tuples of levels: compared under jit elsewhere


@spec("collapse_laplacian")
def _collapse(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    return _call((draw(one([x], [(x,), [x, x], None])),), {}, oracle=False)


@spec("subsample")
def _subsample(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    kw = {
        "factor": draw(one([1, 2, 3, 10**6], [0, -1, 1.5, "2", None, np.nan])),
        "axes": draw(axes_),
        "offset": draw(one([0, 0, 1], [-1, 10**6, 0.5])),
    }
    return _call((x,), kw, oracle=False, jit=numeric and draw(st.booleans()))


def _resize_kwargs(draw: Any) -> dict[str, Any]:
    return {
        "method": draw(one(["linear", "nearest", "cubic", "lanczos5", "bspline3", "area"],
                           ["bicubic", None, 3])),
        "antialias": draw(one([True, False], [1, "yes", None])),
        "anchor": draw(one(["edges", "centers"], ["first-voxel", None])),
        "mode": draw(one(["reflect", "mirror", "nearest", "constant", "grid-wrap"],
                         ["edge", "symmetric", 3, None])),
        "cval": draw(cvals),
        "channel_axis": draw(one([None, None, 0, -1], [7, 1.0, "c"])),
    }  # fmt: skip


@spec("resize")
def _resize(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    shape = draw(one([(3, 4), (5,), (2, 3, 4), (6, 1, 2), (1,)],
                     [None, 3, (-1, 2), (2.5,), "ab", (10**9, 10**9)]))  # fmt: skip
    return _call((x, shape), _resize_kwargs(draw), oracle=False,
                 jit=numeric and draw(st.booleans()))  # fmt: skip


@spec("rescale")
def _rescale(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    scale = draw(one([0.5, 2, 1.5, (0.5, 2.0)], [0, -1.0, np.nan, np.inf, "2", None, 1e9]))
    return _call((x, scale), _resize_kwargs(draw), oracle=False,
                 jit=numeric and draw(st.booleans()))  # fmt: skip


# ----------------------------------------------------------------------------- transform

NUMPY_MODES = ["reflect", "constant", "edge", "symmetric", "wrap"]


def _skimage_kwargs(draw: Any) -> dict[str, Any]:
    return {
        "order": draw(one([None, 0, 1, 3], [6, -1, 1.5, "1"])),
        "mode": draw(one(NUMPY_MODES, ["mirror", "nearest", "grid-wrap", None, 3])),
        "cval": draw(cvals),
        "preserve_range": draw(one([False, True], ["yes", None])),
    }


@spec("transform.resize", "transform.rescale")
def _skimage_resize(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    kw = _skimage_kwargs(draw)
    kw["clip"] = draw(one([True, False], ["no"]))
    kw["anti_aliasing"] = draw(one([None, True, False], ["x"]))
    if draw(st.integers(0, 3)) == 0:
        kw["anti_aliasing_sigma"] = draw(one([0.5, (1.0, 0.0)], [-1.0, np.nan, "s"]))
    target = draw(one([(3, 4), (5,), (2, 3, 4), (6, 1, 2)],
                      [None, 3, (0, 2), (2.5,), "ab", (10**9, 10**9)]))  # fmt: skip
    scale = draw(one([0.5, 2, (0.5, 2.0)], [0, -1.0, np.nan, "2", None]))
    return _call((x, target if draw(st.booleans()) else scale), kw, oracle=False,
                 jit=numeric and draw(st.booleans()))  # fmt: skip


@spec("transform.pyramid_reduce", "transform.pyramid_expand")
def _skimage_step(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    kw = _skimage_kwargs(draw)
    kw["order"] = draw(one([0, 1, 3], [None, 6, -1]))
    kw["sigma"] = draw(one([None, None, 1.0], [-1.0, np.nan, "s"]))
    kw["channel_axis"] = draw(one([None, None, 0, -1], [7, 1.0]))
    factor = draw(one([2, 1.5, 3], [1, 0.5, -2, np.nan, "2", None]))
    return _call((x, factor), kw, oracle=False, jit=numeric and draw(st.booleans()))


@spec("transform.pyramid_gaussian", "transform.pyramid_laplacian")
def _skimage_pyramids(draw: Any) -> Call:
    x, _, numeric = draw(arrays())
    kw = _skimage_kwargs(draw)
    kw["order"] = draw(one([0, 1, 3], [None, 6, -1]))
    kw["max_layer"] = draw(one([-1, 0, 2, 3], [-2, 2.5, None, "3"]))
    kw["downscale"] = draw(one([2, 1.5, 3], [1, 0.5, np.nan, None]))
    kw["channel_axis"] = draw(one([None, None, 0, -1], [7, 1.0]))
    return _call((x,), kw, oracle=False)


# ----------------------------------------------------------------------------- io


@spec("io.load_volume")
def _load(draw: Any) -> Call:
    kind = draw(one(["good", "big-endian", "mgz", "complex"],
                    ["missing", "directory", "garbage", "truncated", "huge-header",
                     "not-nifti-name", "negative-dim"]))  # fmt: skip
    dtype = draw(one([np.float32, None, np.int16, np.uint8, "complex64"], ["x", bool]))
    return _call((File(kind),), dict(dtype=dtype), oracle=False)


@spec("io.save_volume")
def _save(draw: Any) -> Call:
    data, _, _ = _volume(draw)
    kind = draw(one(["new", "new-mgz"], ["exists", "no-directory", "bad-suffix", "directory"]))
    kw = dict(dtype=draw(one([None, None, np.int16, np.float64], [np.float16, "x"])),
              overwrite=draw(one([False, True], ["yes"])))  # fmt: skip
    return _call((File(kind), data, draw(affines)), kw, oracle=False)


@spec("io.describe", "io.Volume")
def _describe(draw: Any) -> Call:
    data, _, _ = _volume(draw)
    return _call((data, draw(affines)), {}, oracle=False)
