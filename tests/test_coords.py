"""Coordinates whose taps and weights agree (jaxresample._engine.coords), and what depends on them.

Regression tests for the affine_transform defects of issue 14: wrong values where an input
coordinate lands on (or within rounding of) an integer or a half-integer, ``prefilter=False``
ignored on identity transforms, degenerate matrices.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given, settings
from hypothesis import strategies as st

import jaxresample as jr
import jaxresample.ndimage as jndi
from jaxresample import _modes
from jaxresample._engine.coords import affine_coordinates, fence
from tests._helpers import X64, assert_close
from tests.test_geometric import oracle

WORK = np.dtype(np.float64 if X64 else np.float32)
#: Behaviours whose interpolant jumps at some coordinates: at those points the result depends
#: on the last bit of the coordinate (nearest neighbour at half-integers; scipy's legacy
#: ``constant`` at the edge samples and legacy ``wrap`` at its period), so scipy agrees only
#: where both compute the same coordinate bits.
DISCONTINUOUS = ("constant", "wrap")


def numpy_coordinates(matrix: np.ndarray, offset: np.ndarray, shape, dtype) -> np.ndarray:
    """``offset + matrix @ o`` in ``dtype``, left to right, each product rounded (scipy's order)."""
    m = np.asarray(matrix, dtype)
    off = np.asarray(offset, dtype)
    grid = np.indices(shape).astype(dtype)
    rows = []
    for h in range(m.shape[0]):
        t = None
        for d in range(len(shape)):
            p = m[h, d] * grid[d]
            t = p if t is None else t + p
        rows.append(t + off[h])
    return np.stack(rows)


def _tol(order: int) -> float:
    # results of one formula in another summation order (gathered vs unrolled taps)
    return 1e-12 if X64 else 2e-5 * (1 + order)


@pytest.mark.parametrize(
    ("matrix", "offset", "shape", "order", "mode"),
    [
        # the two examples of the issue: coordinates (10.3, 2.0, 7.458) and (6.0, 8.58, 7.63)
        ([[0.93, 0.21, 0.01], [-0.19, 0.88, 0.11], [0.02, 0.047, 1.13]], (1.03, -0.47, 0.31),
         (17, 13, 11), 5, "nearest"),
        ([[1.21, 0.09, 0.1], [0.18, 0.81, 0.21], [0.2, -0.16, 0.82]], (0.64, 0.06, -0.87),
         (8, 8, 17), 3, "reflect"),
    ],
)  # fmt: skip
def test_gh14_affine_at_exact_grid_points_matches_scipy(matrix, offset, shape, order, mode):
    x = np.random.default_rng(0).normal(size=shape)
    want = oracle(ndi.affine_transform, x, np.asarray(matrix), offset, order=order, mode=mode)
    got = jndi.affine_transform(x.astype(WORK), np.asarray(matrix), offset, order=order, mode=mode)
    assert_close(got, want, dtype=WORK, rtol=1e-10 if X64 else 5e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_affine_coordinates_are_scipys_rounded_products(dtype):
    if dtype == np.float64 and not X64:
        pytest.skip("float64 needs JAX_ENABLE_X64=1")
    rng = np.random.default_rng(3)
    m = np.round(rng.normal(size=(3, 3)), 2).astype(dtype)
    off = rng.normal(size=3).astype(dtype)
    shape = (7, 300, 5)
    got = np.asarray(jax.jit(lambda a, b: affine_coordinates(a, b, shape))(m, off))
    np.testing.assert_array_equal(got, numpy_coordinates(m, off, shape, dtype))


def test_fence_is_identity_under_transformations():
    x = jnp.arange(6.0, dtype=jnp.float32).reshape(2, 3)
    np.testing.assert_array_equal(jax.jit(fence)(x), x)
    np.testing.assert_array_equal(jax.vmap(fence)(x), x)
    g = jax.grad(lambda v: jnp.sum(fence(v) ** 2))(x)
    np.testing.assert_array_equal(g, 2 * x)
    assert fence(jnp.zeros((0, 3))).shape == (0, 3)


@st.composite
def affine_cases(draw):
    """A matrix (two decimals, or multiples of 1/8) and an offset that puts some output point
    exactly on an integer or a half-integer (or within 1e-9 of one) along every axis."""
    ndim = draw(st.sampled_from([2, 3, 3]))
    shape = tuple(draw(st.lists(st.integers(5, 11), min_size=ndim, max_size=ndim)))
    dyadic = draw(st.booleans())
    entries = st.integers(-40, 40).map(lambda k: k / 8) if dyadic else st.integers(-60, 60)
    noise = np.array(draw(st.lists(entries, min_size=ndim * ndim, max_size=ndim * ndim)))
    matrix = np.eye(ndim) + (noise if dyadic else noise / 100).reshape(ndim, ndim) * 0.5
    matrix = np.round(matrix, 3)
    point = np.array([draw(st.integers(0, n - 1)) for n in shape], dtype=float)
    kinds = draw(st.lists(st.sampled_from(["k", "half", "k+eps", "k-eps"]), min_size=ndim,
                          max_size=ndim))  # fmt: skip
    target = np.array([draw(st.integers(0, n - 1)) for n in shape], dtype=float)
    target += [0.5 if k == "half" else 1e-9 if k == "k+eps" else -1e-9 if k == "k-eps" else 0
               for k in kinds]  # fmt: skip
    offset = target - matrix @ point
    order = draw(st.sampled_from([0, 1, 2, 3, 4, 5, 3, 4, 5]))
    mode = draw(st.sampled_from(_modes.INTERP_MODES))
    prefilter = draw(st.booleans())
    exact = dyadic and not any(k.endswith("eps") for k in kinds)
    return shape, matrix, offset, order, mode, prefilter, exact, draw(st.integers(0, 99))


@settings(max_examples=60, deadline=None)
@given(case=affine_cases())
def test_gh14_affine_equals_map_coordinates_on_the_same_coordinates(case):
    shape, matrix, offset, order, mode, prefilter, exact, seed = case
    x = np.random.default_rng(seed).normal(size=shape).astype(WORK)
    kw: dict[str, Any] = dict(order=order, mode=mode, prefilter=prefilter)
    got = np.asarray(jndi.affine_transform(x, matrix, offset, **kw))
    coords = numpy_coordinates(matrix, offset, shape, WORK)
    same = np.asarray(jndi.map_coordinates(x, coords, **kw))
    np.testing.assert_allclose(got, same, rtol=0, atol=_tol(order) * max(1.0, np.abs(same).max()))
    # scipy computes its own coordinates in float64: where the interpolant jumps, only
    # coordinates that every formula computes exactly can be compared
    continuous = order > 0 and mode not in DISCONTINUOUS
    if continuous or (exact and (X64 or order > 0 or mode not in DISCONTINUOUS)):
        want = oracle(ndi.affine_transform, x.astype(np.float64), matrix, offset, **kw)
        scale = max(1.0, np.abs(want).max())
        atol = 1e-10 * scale if X64 else 5e-5 * (1 + order) * scale
        np.testing.assert_allclose(got, want, rtol=0, atol=atol)


@pytest.mark.parametrize("order", [1, 3, 5])
@pytest.mark.parametrize("mode", ["nearest", "reflect", "grid-wrap", "mirror"])
def test_gh14_map_coordinates_inside_a_users_jit(order, mode):
    """Coordinates computed in the same program as the sampler (FMA-prone multiply-adds)."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(9, 8, 7)).astype(WORK)
    m = np.round(np.eye(3) + rng.normal(scale=0.2, size=(3, 3)), 2).astype(WORK)
    off = np.round(rng.normal(size=3), 2).astype(WORK)
    grid = jnp.asarray(np.indices(x.shape).astype(WORK))

    def coordinates(m, off):  # elementwise multiply-adds, which XLA fuses and may contract
        return jnp.stack([sum(m[h, d] * grid[d] for d in range(3)) + off[h] for h in range(3)])

    fused = jax.jit(
        lambda x, m, off: jndi.map_coordinates(x, coordinates(m, off), order=order, mode=mode)
    )(x, m, off)
    coords = np.asarray(jax.jit(coordinates)(m, off))
    separate = jndi.map_coordinates(x, coords, order=order, mode=mode)
    np.testing.assert_allclose(fused, separate, rtol=0, atol=_tol(order) * 10)


@pytest.mark.parametrize("order", [2, 3, 4, 5])
def test_gh14_prefilter_false_on_identity_transforms(order):
    x = np.random.default_rng(1).normal(size=(6, 7)).astype(WORK)
    kw: dict[str, Any] = dict(order=order, prefilter=False)
    cases = [
        (jndi.zoom(x, 1.0, **kw), ndi.zoom(x, 1.0, **kw)),
        (jndi.shift(x, 0.0, **kw), ndi.shift(x, 0.0, **kw)),
        (jndi.affine_transform(x, np.eye(2), **kw), ndi.affine_transform(x, np.eye(2), **kw)),
        (jndi.affine_transform(x, np.ones(2), **kw), ndi.affine_transform(x, np.ones(2), **kw)),
    ]
    for got, want in cases:
        assert np.abs(want - x).max() > 0.1  # the spline of unfiltered samples smooths them
        assert_close(got, want, dtype=WORK, rtol=1e-10 if X64 else 1e-5)


@pytest.mark.parametrize("mode", ["nearest", "reflect", "grid-wrap"])
def test_gh14_order4_rotation_without_prefilter(mode):
    x = np.random.default_rng(0).normal(size=(4, 5, 6))
    m = np.array([[0.9, -0.3, 0], [0.3, 0.9, 0], [0, 0, 1]])
    kw: dict[str, Any] = dict(order=4, mode=mode, prefilter=False)
    want = ndi.affine_transform(x, m, 0.5, **kw)
    got = jndi.affine_transform(x.astype(WORK), m, 0.5, **kw)
    assert_close(got, want, dtype=WORK, rtol=1e-10 if X64 else 1e-5)


@pytest.mark.parametrize("offset", [0.0, 1.5])
def test_gh14_zero_diagonal_matrix_reads_the_offset(offset):
    y = np.arange(64.0, dtype=WORK).reshape(4, 4, 4)
    kw: dict[str, Any] = dict(output_shape=(4, 4, 4), order=1)
    diag = jndi.affine_transform(y, np.zeros(3), offset, **kw)
    full = jndi.affine_transform(y, np.zeros((3, 3)), offset, **kw)
    assert np.all(np.isfinite(diag))
    np.testing.assert_allclose(diag, full, rtol=1e-6)
    want = ndi.map_coordinates(y.astype(np.float64), np.full((3, 1), offset), order=1)
    np.testing.assert_allclose(np.asarray(diag).ravel(), np.full(64, want[0]), rtol=1e-6)


def test_gh14_huge_voxels_resample_to_finite_values():
    x = np.zeros((4, 5, 6), np.float32)
    for order in (0, 1, 3):
        out = jr.resample_to_reference(
            x, np.diag([1e30, 1e30, 1e30, 1.0]), reference_shape=(3, 3, 3),
            reference_affine=np.eye(4), order=order,
        )  # fmt: skip
        np.testing.assert_array_equal(out, np.zeros((3, 3, 3), np.float32))


@pytest.mark.parametrize(
    "affine", [np.diag([1e30, 1.0, 1.0, 1.0]), np.diag([1e-30, 2.0, 1.0, 1.0])]
)
def test_gh14_full_rank_affines_of_any_scale_are_accepted(affine, tmp_path):
    from jaxresample import io

    plan = jr.plan_resample((4, 5, 6), affine, out_shape=(2, 5, 6))
    assert plan.out_shape == (2, 5, 6)
    path = io.save_volume(tmp_path / "v.nii.gz", np.zeros((4, 5, 6), np.float32), affine)
    np.testing.assert_allclose(np.diag(io.load_volume(path).affine), np.diag(affine), rtol=1e-6)


def test_singular_affines_are_still_refused():
    singular = np.diag([1.0, 0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="plan_resample: affine is singular"):
        jr.plan_resample((4, 5, 6), singular, spacing=1.0)
    parallel = np.eye(4)
    parallel[:3, 1] = parallel[:3, 0] * 1e20
    with pytest.raises(ValueError, match="rank 2"):
        jr.plan_resample((4, 5, 6), parallel, spacing=1.0)
