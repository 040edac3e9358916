"""Resampling plans (`_plan.py`) and the affine helpers (`_affine.py`) they stand on."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import jax
import jax.numpy as jnp
import nibabel as nib
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaxresample import ResamplePlan, plan_resample, plan_to_reference
from jaxresample._affine import (
    check_affine,
    compose,
    invert,
    is_axis_aligned,
    voxel_sizes,
    voxel_to_voxel,
)
from jaxresample._volumes.plan import ANCHORS, ROUNDINGS
from jaxresample.cli._demo import CT_SHAPE, CT_SPACING
from tests._helpers import assert_close

# ---------------------------------------------------------------------------------------
# strategies


def _rotation(seed: int, nd: int) -> np.ndarray:
    """A random orthogonal matrix (rotations and reflections: LPS, LAS, ... included)."""
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(nd, nd)))
    return q * np.sign(np.diag(r))


@st.composite
def grids(draw: Any, *, oblique: bool | None = None) -> tuple[tuple[int, ...], np.ndarray]:
    """A shape (1-64 per axis, 2-D or 3-D) and an affine with spacings 0.1-5 mm."""
    nd = draw(st.sampled_from([2, 3]))
    shape = tuple(draw(st.lists(st.integers(1, 64), min_size=nd, max_size=nd)))
    spacing = draw(st.lists(st.floats(0.1, 5.0), min_size=nd, max_size=nd))
    origin = draw(st.lists(st.floats(-200.0, 200.0), min_size=nd, max_size=nd))
    rotate = draw(st.booleans()) if oblique is None else oblique
    direction = _rotation(draw(st.integers(0, 2**31)), nd) if rotate else np.eye(nd)
    affine = np.eye(nd + 1)
    affine[:nd, :nd] = direction * np.asarray(spacing)
    affine[:nd, nd] = origin
    return shape, affine


targets = st.lists(st.floats(0.1, 5.0), min_size=3, max_size=3)
anchors = st.sampled_from(ANCHORS)
roundings = st.sampled_from(ROUNDINGS)


def _centre(affine: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return affine @ np.array([(n - 1) / 2 for n in shape] + [1.0])


def _flip(n: int, axis: int, nd: int) -> np.ndarray:
    """Index map of ``x[::-1]`` along ``axis``: i -> n - 1 - i."""
    f = np.eye(nd + 1)
    f[axis, axis] = -1.0
    f[axis, nd] = n - 1
    return f


# ---------------------------------------------------------------------------------------
# properties (Hypothesis)


@given(grids(), targets, roundings)
def test_edges_extent_and_centre(grid, target, rounding) -> None:
    shape, affine = grid
    nd = len(shape)
    t = target[:nd]
    plan = plan_resample(shape, affine, spacing=t, anchor="edges", rounding=rounding)
    s = voxel_sizes(affine)
    for n, m, si, ti, r in zip(shape, plan.out_shape, s, t, plan.spacing, strict=True):
        assert m >= 1
        assert math.isclose(m * r, n * si, rel_tol=1e-12)  # reached spacing: extent exact
        gap = m * ti - n * si  # the requested spacing misses the extent by < one voxel
        assert abs(gap) <= ti * (1 + 1e-9)
        if rounding == "round" and m > 1:
            assert abs(gap) <= ti / 2 * (1 + 1e-9)
        if rounding == "floor" and m > 1:
            assert gap <= 1e-9 * ti
        if rounding == "ceil":
            assert gap >= -1e-9 * ti
    scale = float(np.abs(affine).max()) * 64
    np.testing.assert_allclose(
        _centre(plan.out_affine, plan.out_shape), _centre(affine, shape), atol=1e-12 * scale
    )


@given(grids(), targets, roundings)
def test_centers_span_and_centre(grid, target, rounding) -> None:
    shape, affine = grid
    nd = len(shape)
    t = target[:nd]
    plan = plan_resample(shape, affine, spacing=t, anchor="centers", rounding=rounding)
    for n, m, si, ti, r in zip(
        shape, plan.out_shape, voxel_sizes(affine), t, plan.spacing, strict=True
    ):
        if n > 1 and m > 1:  # first and last centres coincide
            assert math.isclose((m - 1) * r, (n - 1) * si, rel_tol=1e-12)
        if n > 1:
            gap = (m - 1) * ti - (n - 1) * si
            assert abs(gap) <= ti * (1 if rounding != "round" else 0.5) * (1 + 1e-9)
        else:
            assert abs(m * ti - si) <= ti * (1 + 1e-9) or m == 1  # no span: 'edges' rule
    scale = float(np.abs(affine).max()) * 64
    np.testing.assert_allclose(
        _centre(plan.out_affine, plan.out_shape), _centre(affine, shape), atol=1e-12 * scale
    )


@given(grids(), targets, roundings)
def test_first_voxel_keeps_origin_and_spacing(grid, target, rounding) -> None:
    shape, affine = grid
    nd = len(shape)
    t = target[:nd]
    plan = plan_resample(shape, affine, spacing=t, anchor="first-voxel", rounding=rounding)
    np.testing.assert_array_equal(plan.out_affine[:, nd], affine[:, nd])
    np.testing.assert_allclose(plan.spacing, t, rtol=1e-12)
    np.testing.assert_allclose(voxel_sizes(plan.out_affine), t, rtol=1e-12)
    for n, m, si, ti in zip(shape, plan.out_shape, voxel_sizes(affine), t, strict=True):
        assert abs(m * ti - n * si) <= ti * (1 + 1e-9) or m == 1


@given(grids(), targets, anchors, roundings)
def test_plan_invariants(grid, target, anchor, rounding) -> None:
    shape, affine = grid
    nd = len(shape)
    plan = plan_resample(shape, affine, spacing=target[:nd], anchor=anchor, rounding=rounding)
    assert all(type(m) is int for m in plan.out_shape)
    assert min(plan.out_shape) >= 1
    assert plan.in_shape == shape
    np.testing.assert_array_equal(plan.in_affine, affine)
    np.testing.assert_allclose(plan.out_affine, affine @ plan.index_map, rtol=0, atol=1e-12)
    assert is_axis_aligned(plan.index_map, atol=0.0)
    # Direction cosines kept (never reoriented); the reached spacing is the affine's.
    np.testing.assert_allclose(voxel_sizes(plan.out_affine), plan.spacing, rtol=1e-12)
    np.testing.assert_allclose(
        plan.out_affine[:nd, :nd] / plan.spacing,
        affine[:nd, :nd] / voxel_sizes(affine),
        atol=1e-12,
    )
    np.testing.assert_allclose(plan.requested_spacing, target[:nd])
    for arr in (plan.in_affine, plan.out_affine, plan.index_map, plan.spacing):
        assert arr.dtype == np.float64 and not arr.flags.writeable


@given(grids(), anchors, roundings)
def test_same_spacing_is_identity(grid, anchor, rounding) -> None:
    shape, affine = grid
    spacing = tuple(float(s) for s in voxel_sizes(affine))
    plan = plan_resample(shape, affine, spacing=spacing, anchor=anchor, rounding=rounding)
    assert plan.out_shape == shape
    np.testing.assert_array_equal(plan.index_map, np.eye(len(shape) + 1))
    np.testing.assert_array_equal(plan.out_affine, affine)
    np.testing.assert_array_equal(plan.spacing, spacing)


@given(grids(), targets, st.sampled_from(["edges", "centers"]), roundings, st.data())
def test_flip_commutes(grid, target, anchor, rounding, data) -> None:
    # x[::-1] with affine @ F describes the same world grid: the flipped plan's output grid
    # is the original output grid, flipped.
    shape, affine = grid
    nd = len(shape)
    axis = data.draw(st.integers(0, nd - 1))
    kw: dict[str, Any] = dict(spacing=target[:nd], anchor=anchor, rounding=rounding)
    plan = plan_resample(shape, affine, **kw)
    flipped = plan_resample(shape, affine @ _flip(shape[axis], axis, nd), **kw)
    assert flipped.out_shape == plan.out_shape
    expected = plan.out_affine @ _flip(plan.out_shape[axis], axis, nd)
    scale = float(np.abs(affine).max()) * 64
    np.testing.assert_allclose(flipped.out_affine, expected, rtol=0, atol=1e-12 * scale)


@given(grids(), targets, anchors, roundings)
def test_inverse_restores_exact_grid(grid, target, anchor, rounding) -> None:
    shape, affine = grid
    nd = len(shape)
    plan = plan_resample(shape, affine, spacing=target[:nd], anchor=anchor, rounding=rounding)
    back = plan.inverse()
    assert back.out_shape == shape and back.in_shape == plan.out_shape
    np.testing.assert_array_equal(back.out_affine, affine)
    np.testing.assert_array_equal(back.in_affine, plan.out_affine)
    np.testing.assert_allclose(back.index_map @ plan.index_map, np.eye(nd + 1), atol=1e-12)
    np.testing.assert_allclose(
        plan.out_affine @ back.index_map, affine, atol=1e-12 * float(np.abs(affine).max()) * 64
    )
    assert back.inverse().out_shape == plan.out_shape
    np.testing.assert_array_equal(back.inverse().out_affine, plan.out_affine)


@given(st.sampled_from([2, 3]), st.data(), anchors, roundings)
def test_exact_extent_when_ratio_divides(nd, data, anchor, rounding) -> None:
    ks = data.draw(st.lists(st.integers(1, 8), min_size=nd, max_size=nd))  # input voxels/out
    qs = data.draw(st.lists(st.integers(1, 8), min_size=nd, max_size=nd))  # output voxels
    s = data.draw(st.lists(st.floats(0.1, 5.0), min_size=nd, max_size=nd))
    extra = 1 if anchor in ("centers", "first-voxel-centers") else 0  # these count centres
    shape = tuple(k * q + extra for k, q in zip(ks, qs, strict=True))
    affine = np.diag([*s, 1.0])
    t = [si * k for si, k in zip(s, ks, strict=True)]
    plan = plan_resample(shape, affine, spacing=t, anchor=anchor, rounding=rounding)
    assert plan.out_shape == tuple(q + extra for q in qs)
    np.testing.assert_allclose(plan.spacing, t, rtol=1e-12)


@given(grids(), st.lists(st.integers(1, 64), min_size=3, max_size=3), anchors)
def test_out_shape_plans(grid, out, anchor) -> None:
    shape, affine = grid
    nd = len(shape)
    plan = plan_resample(shape, affine, out_shape=out[:nd], anchor=anchor)
    assert plan.out_shape == tuple(out[:nd])
    np.testing.assert_array_equal(plan.requested_spacing, plan.spacing)
    s = voxel_sizes(affine)
    for ax, (n, m) in enumerate(zip(shape, plan.out_shape, strict=True)):
        if anchor in ("centers", "first-voxel-centers") and n > 1 and m > 1:
            assert math.isclose(plan.spacing[ax], s[ax] * (n - 1) / (m - 1), rel_tol=1e-12)
        else:
            assert math.isclose(plan.spacing[ax], s[ax] * n / m, rel_tol=1e-12)


@given(grids(), targets, anchors, roundings)
def test_plan_to_reference_matches_plan(grid, target, anchor, rounding) -> None:
    shape, affine = grid
    nd = len(shape)
    plan = plan_resample(shape, affine, spacing=target[:nd], anchor=anchor, rounding=rounding)
    ref = plan_to_reference(
        shape, affine, reference_shape=plan.out_shape, reference_affine=plan.out_affine
    )
    assert ref.out_shape == plan.out_shape
    np.testing.assert_array_equal(ref.out_affine, plan.out_affine)
    np.testing.assert_allclose(ref.index_map, plan.index_map, atol=1e-9)
    same = plan_to_reference(shape, affine, reference_shape=shape, reference_affine=affine)
    np.testing.assert_array_equal(same.index_map, np.eye(nd + 1))  # snapped: exact identity


# ---------------------------------------------------------------------------------------
# examples


def test_seed_geometry() -> None:
    affine = np.diag([*CT_SPACING, 1.0])  # ct_phantom's affine, without the 260 MB volume
    affine[:3, 3] = [-(n - 1) / 2 * s for n, s in zip(CT_SHAPE, CT_SPACING, strict=True)]
    plan = plan_resample(CT_SHAPE, affine, spacing=(1.0, 1.0, 2.0))
    assert plan.out_shape == (400, 400, 124)
    np.testing.assert_allclose(plan.spacing, (1.0, 1.0, 247 / 124), rtol=1e-15)
    np.testing.assert_array_equal(plan.requested_spacing, (1.0, 1.0, 2.0))
    # Edges rule by hand: c = n / m, d = (c - 1) / 2, new origin = old origin + s * d.
    c = np.array([512 / 400, 512 / 400, 247 / 124])
    expected = np.eye(4)
    expected[:3, :3] = np.diag(np.array(CT_SPACING) * c)
    expected[:3, 3] = affine[:3, 3] + np.array(CT_SPACING) * (c - 1) / 2
    np.testing.assert_allclose(expected[:3, 3], [-199.5, -199.5, -123 + (247 / 124 - 1) / 2])
    assert_close(plan.out_affine, expected, rtol=1e-15)
    # The field of view is centred on the world origin before and after.
    np.testing.assert_allclose(_centre(plan.out_affine, plan.out_shape), [0, 0, 0, 1], atol=1e-12)


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, 1), (2, 1), (3, 2), (5, 3), (7, 4), (247, 124)],  # x.5 -> up (5/2 -> 3, not 2)
)
def test_round_half_up(n: int, expected: int) -> None:
    plan = plan_resample((n,), np.eye(2), spacing=2.0)
    assert plan.out_shape == (expected,)


@pytest.mark.parametrize(
    ("rounding", "expected"), [("round", (3, 2)), ("floor", (2, 2)), ("ceil", (3, 2))]
)
def test_rounding_modes(rounding: Any, expected: tuple[int, int]) -> None:
    plan = plan_resample((5, 4), np.eye(3), spacing=2.0, rounding=rounding)  # 2.5, 2.0
    assert plan.out_shape == expected


def test_float_noise_never_adds_or_drops_a_voxel() -> None:
    s = 0.1 * 3  # 0.30000000000000004
    assert 10 * s / 0.3 > 10  # ceil would give 11 without snapping
    plan = plan_resample((10,), np.diag([s, 1.0]), spacing=0.3, rounding="ceil")
    assert plan.out_shape == (10,)
    s = 0.7 * 0.1 / 0.1  # 0.7 with noise
    x = 40 * 0.7 / s
    plan = plan_resample((40,), np.diag([0.7, 1.0]), spacing=s, rounding="floor")
    assert plan.out_shape == (round(x),)


def test_output_axis_never_empty() -> None:
    for rounding in ROUNDINGS:
        for anchor in ANCHORS:
            plan = plan_resample(
                (1, 2, 3), np.diag([0.1, 0.1, 0.1, 1]), spacing=5.0, anchor=anchor,
                rounding=rounding,
            )  # fmt: skip
            assert min(plan.out_shape) >= 1
            assert plan.out_shape == (1, 1, 1) or rounding == "ceil"


def test_centers_single_voxel_axes() -> None:
    # One output voxel sits at the centre of the input; one input voxel keeps its centre.
    plan = plan_resample((9, 1), np.eye(3), out_shape=(1, 4), anchor="centers")
    assert plan.index_map[0, 2] == 4.0 and plan.index_map[0, 0] == 9.0
    np.testing.assert_allclose(plan.index_map[1], [0, 0.25, -0.375])
    assert np.all(plan.spacing > 0)


def test_image_and_label_get_the_same_plan(rng) -> None:
    affine = np.diag([0.8, 0.8, 3.0, 1.0])
    image = rng.normal(size=(33, 20, 7)).astype(np.float32)
    label = (image > 0).astype(np.uint8)
    kw: dict[str, Any] = dict(spacing=(1.0, 1.0, 1.5))
    a = plan_resample(image.shape, affine, **kw)
    b = plan_resample(label.shape, affine, **kw)
    assert a == b and a.out_shape == b.out_shape
    assert a != plan_resample(image.shape, affine, spacing=2.0)
    assert a != "plan"


def test_one_dimensional_grid() -> None:
    plan = plan_resample((10,), np.array([[-2.0, 5.0], [0.0, 1.0]]), spacing=4.0)
    assert plan.out_shape == (5,)
    np.testing.assert_allclose(plan.out_affine, [[-4.0, 4.0], [0.0, 1.0]])


def test_repr() -> None:
    plan = plan_resample((4, 6), np.eye(3), spacing=2.0)
    assert repr(plan) == (
        "ResamplePlan(in_shape=(4, 6), out_shape=(2, 3), spacing=(2, 2), index_map=diagonal)"
    )
    rot = np.eye(3)
    rot[:2, :2] = [[0.0, 1.0], [1.0, 0.0]]
    ref = plan_to_reference((4, 6), np.eye(3), reference_shape=(6, 4), reference_affine=rot)
    assert "index_map=general" in repr(ref)


# ---------------------------------------------------------------------------------------
# JAX: plans are pytrees with static shapes


def _stack(plans: list[ResamplePlan]) -> ResamplePlan:
    return jax.tree.map(lambda *xs: np.stack(xs), *plans)


def test_plan_is_a_pytree_with_static_shapes() -> None:
    plan = plan_resample((8, 6, 4), np.diag([1.0, 2.0, 3.0, 1.0]), spacing=2.0)
    leaves, treedef = jax.tree.flatten(plan)
    assert len(leaves) == 5
    assert jax.tree.unflatten(treedef, leaves) == plan
    traces = []

    @jax.jit
    def centre(p: ResamplePlan) -> Any:
        traces.append(p.out_shape)
        mid = jnp.array([(m - 1) / 2 for m in p.out_shape] + [1.0], dtype=p.out_affine.dtype)
        return p.out_affine @ mid

    got = centre(plan)
    np.testing.assert_allclose(got, _centre(plan.out_affine, plan.out_shape), rtol=1e-6)
    other = plan_resample((8, 6, 4), np.diag([1.5, 2.0, 3.0, 1.0]), out_shape=plan.out_shape)
    centre(other)
    assert traces == [(4, 6, 6)]  # new matrices, same shapes: no retrace


def test_vmap_over_a_batch_of_plans() -> None:
    # Volumes with different spacings onto one common output shape, in one vmap.
    plans = [plan_resample((16, 12), np.diag([s, 1.0, 1.0]), out_shape=(8, 8)) for s in (0.5, 1, 2)]
    batch = _stack(plans)
    assert batch.out_shape == (8, 8) and batch.index_map.shape == (3, 3, 3)
    assert "batch=(3,)" in repr(batch)
    out = jax.vmap(lambda p: p.spacing * 2)(batch)
    np.testing.assert_allclose(out, np.stack([p.spacing * 2 for p in plans]), rtol=1e-6)
    mats = jax.vmap(lambda p: (p.matrix, p.offset))(batch)
    np.testing.assert_allclose(mats[0], np.stack([p.matrix for p in plans]), rtol=1e-6)


# ---------------------------------------------------------------------------------------
# errors


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (dict(), ValueError, "exactly one of spacing= and out_shape="),
        (dict(spacing=1.0, out_shape=3), ValueError, "exactly one of spacing= and out_shape="),
        (dict(spacing=1.0, anchor="corner"), ValueError, r"anchor must be one of \['centers'"),
        (dict(spacing=1.0, rounding="up"), ValueError, r"rounding must be one of \['ceil'"),
        (dict(spacing=-1.0), ValueError, "spacing must be positive and finite"),
        (dict(spacing=float("nan")), ValueError, "spacing must be positive and finite"),
        (dict(spacing=(1.0, 2.0)), ValueError, "spacing has 2 entries for 3 axes"),
        (dict(spacing="1"), TypeError, "spacing must be positive numbers"),
        (dict(spacing=True), TypeError, "spacing must be positive numbers"),
        (dict(out_shape=0), ValueError, r"out_shape entry must be in \[1, inf\]; got 0"),
        (dict(out_shape=2.5), TypeError, "out_shape entry must be an integer"),
    ],
)
def test_plan_resample_errors(kwargs: dict, exc: type, match: str) -> None:
    with pytest.raises(exc, match=match) as info:
        plan_resample((4, 5, 6), np.eye(4), **kwargs)
    assert "plan_resample" in str(info.value)


@pytest.mark.parametrize(
    ("shape", "affine", "exc", "match"),
    [
        ((4, 5, 6), np.eye(3), ValueError, r"affine must be of shape \(4, 4\) for 3 spatial"),
        ((4, 5), np.eye(4), ValueError, r"affine must be of shape \(3, 3\) for 2 spatial"),
        ((4, 5, 0), np.eye(4), ValueError, r"shape entry must be in \[1, inf\]; got 0"),
        ((4, 5, 6.0), np.eye(4), TypeError, "shape entry must be an integer"),
        (7, np.eye(2), TypeError, "shape must be a sequence of integers"),
        ((), np.eye(1), ValueError, "shape must have at least one axis"),
        ((4, 5, 6), np.diag([1.0, 1.0, 0.0, 1.0]), ValueError, "affine is singular"),
        ((4, 5, 6), np.diag([1.0, np.inf, 1.0, 1.0]), ValueError, "non-finite"),
        ((4, 5, 6), np.ones((4, 4)), ValueError, "last row of affine must be"),
        ((4, 5, 6), [["a"] * 4] * 4, TypeError, "affine must be a numeric array"),
    ],
)
def test_plan_resample_bad_grids(shape: Any, affine: Any, exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        plan_resample(shape, affine, spacing=1.0)


def test_traced_geometry_is_refused() -> None:
    with pytest.raises(TypeError, match="spacing must be a concrete"):
        jax.jit(lambda s: plan_resample((4, 4), np.eye(3), spacing=s).out_shape)(1.0)
    with pytest.raises(TypeError, match="affine must be a concrete array"):
        jax.jit(lambda a: plan_resample((4, 4), a, spacing=1.0).out_affine)(jnp.eye(3))


def test_plan_to_reference_errors() -> None:
    with pytest.raises(ValueError, match="reference_shape must have 3 axes"):
        plan_to_reference((4, 5, 6), np.eye(4), reference_shape=(4, 5), reference_affine=np.eye(3))
    with pytest.raises(ValueError, match="plan_to_reference: reference_affine is singular"):
        singular = np.diag([0.0, 0.0, 1.0])
        plan_to_reference((4, 5), np.eye(3), reference_shape=(4, 5), reference_affine=singular)


# ---------------------------------------------------------------------------------------
# _affine helpers (nibabel is the oracle)


@given(grids())
def test_voxel_sizes_match_nibabel(grid) -> None:
    _, affine = grid
    np.testing.assert_allclose(voxel_sizes(affine), nib.affines.voxel_sizes(affine), rtol=1e-15)


@given(grids(), grids())
def test_invert_and_voxel_to_voxel(grid, other) -> None:
    _, a = grid
    _, b = other
    np.testing.assert_allclose(invert(a) @ a, np.eye(len(a)), atol=1e-12)
    assert invert(a)[-1].tolist() == [0.0] * (len(a) - 1) + [1.0]
    if b.shape == a.shape:
        expected = np.linalg.inv(a) @ b
        np.testing.assert_allclose(voxel_to_voxel(b, a), expected, atol=1e-9)
        np.testing.assert_allclose(compose(a, voxel_to_voxel(b, a)), b, atol=1e-9)


def test_invert_exact_for_diagonal() -> None:
    m = np.array([[1.28, 0.0, 0.14], [0.0, 2.0, 0.5], [0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(
        invert(m), [[1 / 1.28, 0, -0.14 / 1.28], [0, 0.5, -0.25], [0, 0, 1]]
    )


def test_affine_helper_errors() -> None:
    with pytest.raises(ValueError, match="invert: affine is singular"):
        invert(np.diag([1.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match="compose: at least one matrix"):
        compose()
    with pytest.raises(ValueError, match="one shape"):
        compose(np.eye(3), np.eye(4))
    with pytest.raises(ValueError, match="voxel_to_voxel: out_affine and in_affine must have one"):
        voxel_to_voxel(np.eye(3), np.eye(4))
    with pytest.raises(ValueError, match="is_axis_aligned: matrix must be a square"):
        is_axis_aligned(np.eye(3)[:2])
    with pytest.raises(ValueError, match="fn: affine must be a square"):
        check_affine(np.eye(1), fn="fn")
    assert compose(np.eye(3)).tolist() == np.eye(3).tolist()


def test_is_axis_aligned() -> None:
    m = np.eye(4)
    m[:3, 3] = [5.0, -2.0, 0.5]
    assert is_axis_aligned(m)
    m[0, 1] = 1e-13
    assert is_axis_aligned(m) and not is_axis_aligned(m, atol=0.0)
    m[0, 1] = 1e-3
    assert not is_axis_aligned(m)


def test_gh15_half_even_rounding_as_the_simpleitk_recipe() -> None:
    """``int(round(n * s / t))`` of the SimpleITK recipe and nnU-Net: 48.5 gives 48."""
    affine = np.diag([1.0, 1.0, 1.0, 1.0])
    for n, want_up, want_even in ((97, 49, 48), (99, 50, 50), (5, 3, 2)):
        up = plan_resample((n, 4, 4), affine, spacing=(2.0, 1.0, 1.0))
        even = plan_resample((n, 4, 4), affine, spacing=(2.0, 1.0, 1.0), rounding="half-even")
        assert (up.out_shape[0], even.out_shape[0]) == (want_up, want_even)
        assert even.out_shape[0] == int(round(n * 1.0 / 2.0))  # the recipe's own formula


def test_gh15_first_voxel_centers_is_monais_spacing_grid() -> None:
    """MONAI's ``Spacing`` (``compute_shape_offset``), worked by hand from its formula.

    Corners at the first and last voxel centres, ``m = np.round((n - 1) * s / t + 1)``;
    the first voxel's world position is kept and the spacing is the requested one.
    """
    affine = np.diag([1.5, 1.0, 2.5, 1.0])
    affine[:3, 3] = [-20.0, 7.0, 3.5]
    target = (1.0, 2.0, 1.0)
    plan = plan_resample((10, 7, 5), affine, spacing=target, anchor="first-voxel-centers",
                         rounding="half-even")  # fmt: skip
    # (10 - 1) * 1.5 / 1 + 1 = 14.5 -> 14 (half to even); 6 * 1 / 2 + 1 = 4; 4 * 2.5 + 1 = 11
    assert plan.out_shape == (14, 4, 11)
    np.testing.assert_array_equal(plan.out_affine[:3, 3], affine[:3, 3])
    np.testing.assert_allclose(np.diag(plan.out_affine)[:3], target)
    np.testing.assert_allclose(plan.spacing, target)
    half_up = plan_resample((10, 7, 5), affine, spacing=target, anchor="first-voxel-centers")
    assert half_up.out_shape == (15, 4, 11)
    # SimpleITK's recipe counts the extent instead: round(10 * 1.5 / 1) = 15
    sitk = plan_resample((10, 7, 5), affine, spacing=target, anchor="first-voxel",
                         rounding="half-even")  # fmt: skip
    assert sitk.out_shape == (15, 4, 12)  # 7 * 1 / 2 = 3.5 -> 4; 5 * 2.5 = 12.5 -> 12


def test_is_oblique_one_rule_for_info_and_the_demo() -> None:
    from jaxresample._affine import is_oblique

    c, s = np.cos(0.2), np.sin(0.2)
    rotated = np.eye(4)
    rotated[:3, :3] = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]]) @ np.diag([0.5, 2.0, 3.0])
    permuted = np.array([[0, -2.0, 0, 1], [1.5, 0, 0, 2], [0, 0, 3.0, 3], [0, 0, 0, 1]])
    assert is_oblique(rotated)
    assert not is_oblique(permuted) and not is_oblique(np.diag([-1.0, 2.0, 3.0, 1.0]))


def test_half_voxel_sizes_fall_where_the_simpleitk_recipe_and_nnunet_put_them() -> None:
    """At a decimal half (6 voxels of 0.9 mm to 1.2 mm is 4.5) float rounding of the count
    decides the side; both peers compute ``n * (s / t)`` (the recipe's
    ``size * (spacing / out_spacing)``, nnU-Net's ``spacing / new_spacing * shape``), and so
    must the plan to give their sizes everywhere, not only where the count is exact."""
    sizes = [round(0.1 * k, 1) for k in range(3, 31)]
    halves = differ = 0
    for n in range(1, 60):
        for s in sizes:
            for t in sizes:
                exact = Fraction(n) * Fraction(str(s)) / Fraction(str(t))
                recipe = int(np.round(n * (s / t)))
                if exact.denominator != 2 or recipe == 0:  # 0.5 voxels: the recipe's 0 is
                    continue  # no image; the plan keeps one voxel
                halves += 1
                affine = np.diag([s, 1.0, 1.0, 1.0])
                for anchor in ("first-voxel", "edges"):
                    plan = plan_resample((n, 2, 2), affine, spacing=(t, 1.0, 1.0),
                                         anchor=anchor, rounding="half-even")  # fmt: skip
                    differ += plan.out_shape[0] != recipe
    assert halves > 2000 and differ == 0
    assert plan_resample((6,), np.diag([0.9, 1.0]), spacing=1.2, anchor="first-voxel",
                         rounding="half-even").out_shape == (4,)  # fmt: skip
