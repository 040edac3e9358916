"""Registry-driven conformance: every public function under jit, vmap and grad.

Each public function appears in :data:`CASES` with example arguments. For every case:
jit equals eager, vmap equals a Python loop, a second call with new data of the same shape
compiles nothing, and gradients are finite with respect to the differentiable arguments.
``test_every_public_function_is_registered`` fails when a public name is missing.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxresample
import jaxresample.batch as jbatch
import jaxresample.io as jio
import jaxresample.ndimage as jndi
import jaxresample.transform as jtf
from tests._helpers import assert_close

Args = tuple[Any, ...]


@dataclass(frozen=True)
class Case:
    """One conformance case.

    Attributes:
      fn: the public function.
      make_args: ``rng -> positional arguments`` (NumPy arrays; float32 unless stated).
      kwargs: keyword arguments (static options and fixed numeric values).
      grad_argnums: positions of the arguments the result is differentiable in.
      id: a label, when one function has several cases.
      output: selects the traced result from what ``fn`` returns (e.g. the data of a
        ``(data, affine)`` pair whose affine is host-side NumPy).
      inputs: builds ``fn``'s positional arguments from the drawn ones (e.g. a pyramid
        from an image), inside the transformation.
      keywords: the names of the last drawn arguments, passed as keywords (traced
        keyword-only options such as ``weights``).
    """

    fn: Callable[..., Any]
    make_args: Callable[[np.random.Generator], Args]
    kwargs: dict[str, Any] = field(default_factory=dict)
    grad_argnums: tuple[int, ...] = (0,)
    id: str = ""
    output: Callable[[Any], Any] = lambda out: out
    inputs: Callable[..., Args] = lambda *args: args
    keywords: tuple[str, ...] = ()

    def call(self, *args: Any) -> Any:
        split = len(args) - len(self.keywords)
        traced = dict(zip(self.keywords, args[split:], strict=True))
        return self.output(self.fn(*self.inputs(*args[:split]), **self.kwargs, **traced))

    def __str__(self) -> str:
        return self.fn.__name__ + (f"[{self.id}]" if self.id else "")


def _f32(*shape: int) -> Callable[[np.random.Generator], Args]:
    return lambda r: (r.normal(size=shape).astype(np.float32),)


#: Public functions that are host-side by design, with the reason; everything else is in CASES.
HOST_SIDE: dict[Callable[..., Any], str] = {
    jaxresample.plan_resample: "computes static output shapes from concrete geometry",
    jaxresample.plan_to_reference: "computes a static output shape from concrete geometry",
    jio.load_volume: "file input",
    jio.save_volume: "file output",
    jio.describe: "reports host-side metadata of a loaded volume",
    jaxresample.antialias_sigma: "a scalar rule evaluated on the host (returns a float)",
    jbatch.batch_mesh: "builds a mesh of devices",
    jbatch.resample_batch: "plans and groups concrete volumes on the host (map_sharded is traced)",
    jbatch.resample_files: "file input and output",
}


def _f32_and(taps: int) -> Callable[[np.random.Generator], Args]:
    """An image and a traced weight vector of ``taps`` entries."""
    return lambda r: (
        r.normal(size=(9, 7)).astype(np.float32),
        r.normal(size=taps).astype(np.float32),
    )


def _f32_and_scalar(
    value: float, shape: tuple[int, ...] = (9, 7)
) -> Callable[[np.random.Generator], Args]:
    """An image and a traced positive scalar near ``value`` (e.g. sigma)."""
    return lambda r: (
        r.normal(size=shape).astype(np.float32),
        np.float32(value * (1 + 0.1 * r.random())),
    )


def _image_and_coords(r: np.random.Generator) -> Args:
    """An image and coordinates of 5x4 points, some outside it."""
    return r.normal(size=(7, 6)).astype(np.float32), r.uniform(-1, 7, (2, 5, 4)).astype(np.float32)


def _volume_and_affine(r: np.random.Generator) -> Args:
    """A volume and a slightly oblique, anisotropic affine (float32, traced under vmap)."""
    affine = np.diag([1.1, 0.9, 1.6, 1.0]) + np.pad(0.05 * r.normal(size=(3, 4)), ((0, 1), (0, 0)))
    return r.normal(size=(8, 7, 5)).astype(np.float32), affine.astype(np.float32)


def _labels(r: np.random.Generator) -> Args:
    return (r.integers(0, 3, size=(6, 5, 4)).astype(np.int32),)


def _linear(w: Any, x: Any) -> Any:
    """A linear model for ensemble_apply: (classes, features) @ (features, n)."""
    return w @ x


def _smooth(x: Any) -> Any:
    """A model for flip_tta that keeps the axes: a 3-tap blur along the last axis."""
    return x + 0.5 * jnp.roll(x, 1, axis=-1) + 0.25 * jnp.roll(x, -1, axis=-1)


CASES: list[Case] = [
    Case(jndi.spline_filter, _f32(9, 7), dict(order=3, mode="mirror")),
    # n = 90 on axis 0 takes the long-line (truncated inverse filter) path.
    Case(jndi.spline_filter1d, _f32(90, 5), dict(order=5, axis=0, mode="grid-wrap")),
    Case(jndi.correlate1d, _f32_and(5), dict(axis=0, mode="mirror", origin=1), (0, 1)),
    Case(jndi.convolve1d, _f32_and(4), dict(axis=-1, mode="wrap", origin=-1), (0, 1)),
    # A traced sigma (radius given) is differentiable and vmappable.
    Case(
        jndi.gaussian_filter1d,
        _f32_and_scalar(1.3),
        dict(axis=0, order=1, mode="nearest", radius=4),
        (0, 1),
    ),
    Case(
        jndi.gaussian_filter,
        _f32_and_scalar(1.5),
        dict(mode="mirror", radius=5),
        (0, 1),
        "traced-sigma",
    ),
    Case(
        jndi.gaussian_filter,
        _f32(9, 7, 5),
        dict(sigma=(1.0, 0.0, 2.0), order=(0, 1, 0), mode="constant", cval=0.5),
        id="per-axis",
    ),
    Case(jndi.gaussian_laplace, _f32(9, 7), dict(sigma=1.2, mode="reflect")),
    Case(jndi.gaussian_gradient_magnitude, _f32(9, 7), dict(sigma=1.2, mode="nearest")),
    Case(jndi.fourier_gaussian, _f32_and_scalar(1.1, shape=(8, 5)), dict(n=14, axis=0), (0, 1)),
    Case(
        jaxresample.gaussian_kernel1d,
        lambda r: (np.float32(1.3 + 0.1 * r.random()),),
        dict(order=1, radius=4, method="bessel"),
    ),
    Case(jaxresample.smooth, _f32(9, 8, 7), dict(fwhm_mm=3.0, spacing=(1.0, 1.5, 2.0))),
    Case(
        jaxresample.gaussian_filter_fft,
        _f32_and_scalar(2.0, shape=(16, 12)),
        dict(radius=8, mode="reflect"),
        (0, 1),
    ),
    Case(jndi.map_coordinates, _image_and_coords, dict(order=3, mode="grid-wrap"), (0, 1)),
    Case(
        jndi.map_coordinates,
        _image_and_coords,
        dict(order=1, mode="constant", cval=0.5),
        (0, 1),
        "order1-constant",
    ),
    Case(jndi.zoom, _f32(9, 8), dict(zoom=(1.5, 0.6), order=3, mode="nearest")),
    Case(jndi.shift, _f32(9, 8), dict(shift=(1.3, -0.4), order=1, mode="reflect")),
    Case(
        jndi.affine_transform,
        lambda r: (
            r.normal(size=(9, 8)).astype(np.float32),
            (np.eye(2) + 0.1 * r.normal(size=(2, 2))).astype(np.float32),
        ),
        dict(offset=(0.5, -0.25), order=3, mode="mirror"),
        (0, 1),
    ),
    Case(
        jndi.geometric_transform,
        _f32(9, 8),
        dict(mapping=lambda c: (c[0] * 0.9, c[1] + 0.3), order=1, mode="nearest"),
    ),
    Case(
        jaxresample.map_coordinates_adjoint,
        lambda r: (
            r.normal(size=(5, 4)).astype(np.float32),
            r.uniform(-1, 7, (2, 5, 4)).astype(np.float32),
        ),
        dict(shape=(7, 6), order=1, mode="grid-constant"),
        (0, 1),
    ),
    Case(
        jaxresample.resample_to_spacing,
        _f32(9, 8, 7),
        dict(affine=np.diag([0.8, 0.8, 2.0, 1.0]), spacing=(1.0, 1.1, 1.5), order=3),
        output=lambda out: out[0],
    ),
    # Eager: concrete affines (host plan); jit and vmap: traced affines (in-jit voxel map).
    Case(
        jaxresample.resample_to_reference,
        _volume_and_affine,
        dict(reference_shape=(6, 6, 4), reference_affine=np.diag([1.3, 1.2, 2.0, 1.0]), order=1),
        grad_argnums=(0, 1),
    ),
    Case(jaxresample.subsample, _f32(9, 8), dict(factor=(2, 3), offset=(1, 0))),
    Case(jaxresample.pyramid_reduce, _f32(9, 8), dict(order=1, mode="reflect")),
    Case(jaxresample.pyramid_reduce, _f32(8, 6), dict(kernel="binomial"), id="binomial"),
    Case(
        jaxresample.pyramid_reduce,
        _f32(7, 3, 6),
        dict(downscale=1.5, order=3, mode="constant", cval=0.5, channel_axis=1),
        id="cubic-constant-channels",
    ),
    Case(jaxresample.pyramid_expand, _f32(5, 4), dict(output_shape=(9, 8), mode="nearest")),
    Case(jaxresample.pyramid_expand, _f32(5, 4), dict(kernel="binomial"), id="binomial"),
    Case(jaxresample.resize, _f32(12, 9), dict(shape=(8, 6), method="cubic")),
    Case(
        jaxresample.resize,
        _f32(7, 3, 6),
        dict(shape=(11, 4), method="lanczos3", mode="constant", cval=0.5, channel_axis=1),
        id="lanczos-constant-channels",
    ),
    Case(jaxresample.resize, _f32(9, 8), dict(shape=(5, 13), method="bspline3"), id="bspline"),
    Case(jaxresample.resize, _f32(9, 8), dict(shape=(4, 5), method="area"), id="area"),
    Case(jaxresample.resize, _f32(9, 8), dict(shape=(4, 13), method="nearest"), id="nearest"),
    Case(jaxresample.rescale, _f32(12, 9), dict(scale=0.5, anchor="centers")),
    Case(jtf.resize, _f32(12, 9), dict(output_shape=(8, 6), order=3, mode="edge")),
    Case(jtf.rescale, _f32(7, 3, 6), dict(scale=1.5, mode="constant", cval=0.5, channel_axis=1)),
    Case(jtf.pyramid_reduce, _f32(9, 8), dict(order=1, mode="symmetric")),
    Case(jtf.pyramid_expand, _f32(5, 4), dict(upscale=1.5, mode="wrap")),
    Case(jtf.pyramid_gaussian, _f32(9, 8), dict(max_layer=2), output=tuple),
    Case(jtf.pyramid_laplacian, _f32(9, 8), dict(max_layer=2), output=tuple),
    Case(
        jaxresample.softmax_ensemble,
        lambda r: (
            r.normal(size=(3, 4, 5, 2)).astype(np.float32),
            r.random(3).astype(np.float32) + 0.5,
        ),
        dict(axis=1),
        grad_argnums=(0, 1),
        keywords=("weights",),
    ),
    Case(
        jaxresample.softmax_ensemble,
        lambda r: (
            r.normal(size=(5, 3, 4)).astype(np.float32),
            r.random((3, 4)).astype(np.float32) + 0.5,
        ),
        dict(axis=-1, member_axis=1, space="logit", temperature=1.5),
        grad_argnums=(0, 1),
        keywords=("weights",),
        id="logit-per-class",
    ),
    Case(
        jaxresample.sigmoid_ensemble,
        lambda r: (
            r.normal(size=(3, 4, 5)).astype(np.float32),
            r.random(3).astype(np.float32) + 0.5,
        ),
        dict(space="logit"),
        grad_argnums=(0, 1),
        keywords=("weights",),
    ),
    Case(
        jaxresample.sigmoid_ensemble,
        _f32(3, 4, 5),
        dict(axis=1, threshold=np.array([0.2, 0.4, 0.6, 0.8])),
        grad_argnums=(),
        id="threshold",
    ),
    Case(jaxresample.to_labels, _f32(4, 5, 6), dict(axis=0), grad_argnums=()),
    Case(
        jaxresample.vote,
        lambda r: (r.integers(0, 3, (4, 6, 5)).astype(np.int32),),
        dict(num_classes=3, ties="undecided"),
        grad_argnums=(),
    ),
    Case(
        jaxresample.regions_to_labels,
        lambda r: (r.random((3, 6, 5)) > 0.5,),
        dict(axis=0, order=(1, 2, 4)),
        grad_argnums=(),
    ),
    Case(jaxresample.ensemble_uncertainty, _f32(3, 4, 5, 2), dict(axis=1)),
    Case(
        jaxresample.ensemble_apply,
        lambda r: (
            r.normal(size=(3, 4, 5)).astype(np.float32),
            r.normal(size=(5, 6)).astype(np.float32),
        ),
        dict(combine=functools.partial(jaxresample.softmax_ensemble, axis=1), sequential=True),
        grad_argnums=(0, 1),
        inputs=lambda w, x: (_linear, w, x),
    ),
    Case(
        jaxresample.flip_tta,
        _f32(4, 6),
        dict(axes=(0, 1), combine=functools.partial(jaxresample.softmax_ensemble, axis=1)),
        inputs=lambda x: (_smooth, x),
    ),
    Case(jbatch.map_sharded, _f32(3, 6, 5), inputs=lambda x: (_smooth, x)),
    Case(jaxresample.gaussian_pyramid, _f32(13, 8), dict(levels=3)),
    Case(jaxresample.laplacian_pyramid, _f32(13, 8), dict(levels=3, downscale=2.5)),
    Case(
        jaxresample.collapse_laplacian,
        _f32(11, 7),
        inputs=lambda x: (jaxresample.laplacian_pyramid(x, levels=3),),
    ),
    Case(
        jaxresample.resample_labels,
        _labels,
        dict(affine=np.eye(4), spacing=0.7, label_values=(0, 1, 2)),
        grad_argnums=(),
        output=lambda out: out[0],
    ),
]


def _public_functions() -> set[Callable[..., Any]]:
    out: set[Callable[..., Any]] = set()
    for module in (jaxresample, jndi, jio, jtf, jbatch):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                out.add(obj)
    return out


def test_every_public_function_is_registered() -> None:
    registered = {c.fn for c in CASES} | set(HOST_SIDE)
    missing = sorted(f.__name__ for f in _public_functions() - registered)
    assert not missing, f"public functions without a conformance case: {missing}"


def _leaves_close(actual: Any, expected: Any) -> None:
    a_leaves = jax.tree_util.tree_leaves(actual)
    e_leaves = jax.tree_util.tree_leaves(expected)
    assert len(a_leaves) == len(e_leaves)
    for a, e in zip(a_leaves, e_leaves, strict=True):
        assert np.asarray(a).dtype == np.asarray(e).dtype
        # jit may fuse and reorder floating-point operations: eager and jit are compared at
        # the dtype's table tolerance, integers exactly.
        assert_close(a, e)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_jit_matches_eager(case: Case, rng: np.random.Generator) -> None:
    args = case.make_args(rng)
    eager = case.call(*args)
    jitted = jax.jit(case.call)(*args)
    _leaves_close(jitted, eager)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_vmap_matches_loop(case: Case, rng: np.random.Generator) -> None:
    batches = [case.make_args(rng) for _ in range(3)]
    stacked = tuple(np.stack(parts) for parts in zip(*batches, strict=True))
    mapped = jax.vmap(case.call)(*stacked)
    looped = [case.call(*args) for args in batches]
    expected = jax.tree_util.tree_map(lambda *xs: np.stack(xs), *looped)
    _leaves_close(mapped, expected)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_same_static_arguments_never_recompile(
    case: Case, rng: np.random.Generator, caplog: pytest.LogCaptureFixture
) -> None:
    case.call(*case.make_args(rng))  # warm-up: compiles whatever it needs
    fresh = case.make_args(rng)
    with caplog.at_level(logging.WARNING), jax.log_compiles(True):
        out = case.call(*fresh)
        jax.block_until_ready(out)
    compiled = [r.getMessage() for r in caplog.records if "Compiling" in r.getMessage()]
    assert not compiled, compiled


@pytest.mark.parametrize("case", [c for c in CASES if c.grad_argnums], ids=str)
def test_gradients_are_finite(case: Case, rng: np.random.Generator) -> None:
    args = case.make_args(rng)
    wrt = tuple(case.grad_argnums)

    def loss(*diff: Any) -> jax.Array:
        # The arguments not differentiated stay the concrete arrays they are in an eager
        # jax.grad, so the function takes the same path (a concrete affine: the separable
        # one); the whole gradient is one compiled program instead of one per eager op.
        a = list(args)
        for i, d in zip(wrt, diff, strict=True):
            a[i] = d
        out = case.call(*a)
        leaves = jax.tree_util.tree_leaves(out)
        return sum(jnp.sum(jnp.real(leaf) ** 2) for leaf in leaves)  # type: ignore[return-value]

    grads = jax.jit(jax.grad(loss, argnums=tuple(range(len(wrt)))))(*(args[i] for i in wrt))
    for g in grads:
        assert np.all(np.isfinite(np.asarray(g)))
