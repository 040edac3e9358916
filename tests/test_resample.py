"""Physical-space resampling: resample_to_spacing, resample_to_reference, resample_labels."""

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
from tests._helpers import X64, assert_close

# ------------------------------------------------------------------ helpers


def _affine(spacing: Any, origin: Any = None) -> np.ndarray:
    nd = len(spacing)
    a = np.eye(nd + 1)
    a[:nd, :nd] = np.diag(spacing)
    if origin is not None:
        a[:nd, nd] = origin
    return a


def _world_grid(shape: tuple[int, ...], affine: np.ndarray) -> np.ndarray:
    """World coordinates of every voxel centre, shape (*shape, nd)."""
    idx = np.stack(np.meshgrid(*[np.arange(n) for n in shape], indexing="ij"), axis=-1)
    nd = len(shape)
    return idx @ affine[:nd, :nd].T + affine[:nd, nd]


spacings3 = st.lists(st.floats(0.3, 3.0), min_size=3, max_size=3)
shapes3 = st.lists(st.integers(2, 12), min_size=3, max_size=3).map(tuple)

# ------------------------------------------------------------------ resample_to_spacing


def test_seed_geometry() -> None:
    vol = np.zeros((512, 512, 247), np.float32)
    aff = _affine((0.78125, 0.78125, 1.0))
    out, new = jr.resample_to_spacing(vol, aff, (1.0, 1.0, 2.0), order=1)
    assert out.shape == (400, 400, 124)
    assert out.dtype == np.float32
    np.testing.assert_allclose(np.diag(new)[:3], (1.0, 1.0, 247 / 124), rtol=1e-15)
    extent_in = np.array(vol.shape) * (0.78125, 0.78125, 1.0)
    np.testing.assert_allclose(np.array(out.shape) * np.diag(new)[:3], extent_in, rtol=1e-15)


@pytest.mark.parametrize("order", [0, 1, 3, 5])
def test_matches_scipy_zoom_grid_mode(order: int, rng: np.random.Generator) -> None:
    """anchor='edges' is scipy's zoom(grid_mode=True) with factors m / n."""
    vol = rng.normal(size=(13, 11, 9)).astype(np.float32)
    aff = _affine((0.7, 0.9, 1.3))
    out, _ = jr.resample_to_spacing(vol, aff, (1.0, 0.6, 2.0), order=order, mode="nearest")
    factors = [m / n for m, n in zip(out.shape, vol.shape, strict=True)]
    expected = ndi.zoom(
        vol.astype(np.float64), factors, order=order, mode="nearest", grid_mode=True
    )
    assert_close(out, expected, dtype=np.float32)


@settings(max_examples=12)  # each example compiles new static shapes
@given(shapes3, spacings3, st.sampled_from([0, 1, 3]), st.sampled_from(["edges", "centers"]))
def test_same_spacing_is_identity(shape: Any, spacing: Any, order: int, anchor: Any) -> None:
    vol = np.random.default_rng(1).normal(size=shape).astype(np.float32)
    aff = _affine(spacing, origin=(3.0, -2.0, 7.0))
    out, new = jr.resample_to_spacing(vol, aff, spacing, order=order, anchor=anchor)
    np.testing.assert_array_equal(np.asarray(out), vol)
    np.testing.assert_array_equal(new, aff)


@settings(max_examples=12)  # each example compiles new static shapes
@given(shapes3, spacings3, spacings3)
def test_linear_ramp_in_world_coordinates(shape: Any, s_in: Any, s_out: Any) -> None:
    """Order 1 reproduces f(world) = a . world + b wherever no edge voxel is involved."""
    aff = _affine(s_in, origin=(-4.0, 1.0, 2.5))
    a = np.array([0.5, -1.25, 2.0])
    vol = (_world_grid(shape, aff) @ a + 3.0).astype(np.float32)
    out, new = jr.resample_to_spacing(vol, aff, s_out, order=1)
    expected = _world_grid(out.shape, new) @ a + 3.0
    # Inside the convex hull of the input voxel centres, linear interpolation is exact.
    inv = np.linalg.inv(aff)
    pos = _world_grid(out.shape, new) @ inv[:3, :3].T + inv[:3, 3]
    inside = np.all((pos >= 0) & (pos <= np.array(shape) - 1), axis=-1)
    got = np.asarray(out, np.float64)
    scale = np.abs(expected).max() + 1.0
    np.testing.assert_allclose(got[inside], expected[inside], atol=2e-5 * scale)


@settings(max_examples=10)  # each example compiles new static shapes
@given(shapes3, spacings3, spacings3, st.integers(0, 2), st.sampled_from([1, 3]))
def test_flip_commutes(shape: Any, s_in: Any, s_out: Any, axis: int, order: int) -> None:
    vol = np.random.default_rng(2).normal(size=shape).astype(np.float32)
    aff = _affine(s_in, origin=(1.0, 2.0, 3.0))
    flip = np.eye(4)
    flip[axis, axis] = -1.0
    flip[axis, 3] = shape[axis] - 1  # voxel i of the flipped array is voxel n-1-i
    out, new = jr.resample_to_spacing(vol, aff, s_out, order=order)
    out_f, new_f = jr.resample_to_spacing(np.flip(vol, axis), aff @ flip, s_out, order=order)
    assert_close(np.flip(np.asarray(out_f), axis), out, dtype=np.float32)
    m = out.shape[axis]
    back = np.eye(4)
    back[axis, axis] = -1.0
    back[axis, 3] = m - 1
    np.testing.assert_allclose(new_f @ back, new, atol=1e-9)


@settings(max_examples=8)  # each example compiles new static shapes
@given(shapes3, spacings3, spacings3)
def test_there_and_back_restores_grid(shape: Any, s_in: Any, s_out: Any) -> None:
    vol = np.random.default_rng(3).normal(size=shape).astype(np.float32)
    aff = _affine(s_in, origin=(5.0, 0.0, -1.0))
    out, new = jr.resample_to_spacing(vol, aff, s_out, order=1)
    back = jr.resample_to_reference(out, new, reference_shape=shape, reference_affine=aff, order=1)
    assert back.shape == vol.shape
    labels, lab_aff = jr.resample_labels((vol > 0).astype(np.uint8), aff, spacing=s_out)
    assert labels.shape == out.shape  # image and label of one grid: same output shape
    np.testing.assert_array_equal(lab_aff, new)


def test_trailing_axes_are_carried(rng: np.random.Generator) -> None:
    vol = rng.normal(size=(9, 8, 5, 3)).astype(np.float32)
    aff = _affine((1.0, 1.0, 2.0))
    out, _ = jr.resample_to_spacing(vol, aff, 1.5, order=3)
    for t in range(3):
        one, _ = jr.resample_to_spacing(vol[..., t], aff, 1.5, order=3)
        assert_close(out[..., t], one, dtype=np.float32)


def test_order_z_for_thick_slices(rng: np.random.Generator) -> None:
    vol = rng.normal(size=(12, 10, 6)).astype(np.float32)
    aff = _affine((0.8, 0.8, 4.0))  # axis 2 is 5x thicker: thick-slice axis
    out, new = jr.resample_to_spacing(vol, aff, (1.0, 1.0, 2.0), order=3, order_z=0)
    f = [m / n for m, n in zip(out.shape, vol.shape, strict=True)]
    inplane = ndi.zoom(
        vol.astype(np.float64), [f[0], f[1], 1], order=3, mode="nearest", grid_mode=True
    )
    expected = ndi.zoom(inplane, [1, 1, f[2]], order=0, mode="nearest", grid_mode=True)
    assert_close(out, expected, dtype=np.float32)


def test_antialias(rng: np.random.Generator) -> None:
    checker = (np.indices((33, 33, 8)).sum(axis=0) % 2).astype(np.float32)
    aff = _affine((1.0, 1.0, 1.0))
    # Factor 3 with edges aligned samples at 3 o + 1: integer positions, so without
    # smoothing the output picks raw 0/1 samples (aliasing).
    aliased, _ = jr.resample_to_spacing(checker, aff, (3.0, 3.0, 1.0), order=1)
    smooth, _ = jr.resample_to_spacing(checker, aff, (3.0, 3.0, 1.0), order=1, antialias=True)
    # The checkerboard's mean is 0.5: anti-aliasing brings every voxel close to it.
    assert np.abs(np.asarray(smooth) - 0.5).max() < 0.1
    assert np.abs(np.asarray(aliased) - 0.5).max() > 0.4
    const = np.full((16, 16, 8), 7.0, np.float32)
    out, _ = jr.resample_to_spacing(const, aff, 3.0, antialias=True, sigma_rule="skimage")
    assert_close(out, np.full(out.shape, 7.0), dtype=np.float32)


def test_antialias_sigma_rules() -> None:
    assert jr.antialias_sigma(1.0) == 0.0
    assert jr.antialias_sigma(0.5) == 0.0
    assert jr.antialias_sigma(3.0, rule="skimage") == 1.0
    np.testing.assert_allclose(jr.antialias_sigma(2.0), np.sqrt(3 / (8 * np.log(2))))
    with pytest.raises(ValueError, match="antialias_sigma: rule must be one of"):
        jr.antialias_sigma(2.0, rule="box")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="factor must be positive and finite"):
        jr.antialias_sigma(float("nan"))


def test_integer_input_gives_float(rng: np.random.Generator) -> None:
    ct = rng.integers(-1024, 2000, size=(10, 10, 6)).astype(np.int16)
    out, _ = jr.resample_to_spacing(ct, np.eye(4), 2.0, order=3)
    assert out.dtype == np.float32


def test_gh15_clip_keeps_the_input_range(rng: np.random.Generator) -> None:
    """``clip=True`` (scikit-image's): a cubic spline takes -1024 HU air below -1024."""
    ct = np.full((10, 10, 6), -1024.0, np.float32)
    ct[5:] = 1500.0
    plain, _ = jr.resample_to_spacing(ct, np.eye(4), 0.4, order=3)
    assert float(plain.min()) < -1100 and float(plain.max()) > 1550
    clipped, _ = jr.resample_to_spacing(ct, np.eye(4), 0.4, order=3, clip=True)
    np.testing.assert_array_equal(np.asarray(clipped), np.clip(np.asarray(plain), -1024, 1500))
    # The constant modes' fill value is part of the range, as in scikit-image.
    wide, _ = jr.resample_to_spacing(ct, np.eye(4), 0.4, mode="grid-constant", cval=-2000.0,
                                     clip=True)  # fmt: skip
    assert float(wide.min()) >= -2000.0 and float(wide.max()) <= 1500.0
    grid = np.diag([0.4, 0.4, 0.4, 1.0])
    ref = jr.resample_to_reference(ct, np.eye(4), reference_shape=(25, 25, 15),
                                   reference_affine=grid, clip=True)  # fmt: skip
    assert float(ref.min()) >= -1024 and float(ref.max()) <= 1500
    traced = jax.jit(lambda v: jr.resample_to_spacing(v, np.eye(4), 0.4, clip=True)[0])(ct)
    np.testing.assert_array_equal(np.asarray(traced), np.asarray(clipped))


def test_gh15_dtype_keeps_integers_rounded_and_saturated() -> None:
    ct = np.zeros((6, 6, 6), np.int16)
    ct[2:4, 2:4, 2:4] = 32767
    out, _ = jr.resample_to_spacing(ct, np.eye(4), 0.5, dtype=ct.dtype)
    assert out.dtype == np.int16
    f32, _ = jr.resample_to_spacing(ct, np.eye(4), 0.5)
    f = np.asarray(f32, np.float64)
    assert f.max() > 32767  # saturated, not wrapped around
    want = np.clip(np.sign(f) * np.floor(np.abs(f) + 0.5), -32768, 32767)
    np.testing.assert_allclose(np.asarray(out), want, atol=1)
    with pytest.raises(TypeError, match="resample_to_spacing: dtype must be a numeric dtype"):
        jr.resample_to_spacing(ct, np.eye(4), 0.5, dtype=bool)
    with pytest.raises(TypeError, match="resample_to_reference: clip must be a bool"):
        jr.resample_to_reference(ct, np.eye(4), reference_shape=(3, 3, 3),
                                 reference_affine=np.eye(4), clip=1)  # type: ignore[arg-type]  # fmt: skip


def test_gh15_complex_images_are_resampled_per_part(rng: np.random.Generator) -> None:
    z = (rng.normal(size=(7, 6, 5)) + 1j * rng.normal(size=(7, 6, 5))).astype(np.complex64)
    out, _ = jr.resample_to_spacing(z, np.eye(4), 0.7, order=3)
    re, _ = jr.resample_to_spacing(z.real, np.eye(4), 0.7, order=3)
    im, _ = jr.resample_to_spacing(z.imag, np.eye(4), 0.7, order=3)
    assert out.dtype == np.complex64
    np.testing.assert_allclose(np.asarray(out), np.asarray(re) + 1j * np.asarray(im), atol=1e-5)
    with pytest.raises(ValueError, match="would drop the imaginary part"):
        jr.resample_to_spacing(z, np.eye(4), 0.7, dtype=np.float32)
    with pytest.raises(ValueError, match="clip=True needs a real image"):
        jr.resample_to_spacing(z, np.eye(4), 0.7, clip=True)


def test_spacing_errors() -> None:
    vol = np.zeros((4, 4, 4), np.float32)
    with pytest.raises(ValueError, match="affine must be 3x3 .* or 4x4"):
        jr.resample_to_spacing(vol, np.eye(5), 1.0)
    with pytest.raises(ValueError, match="order must be in"):
        jr.resample_to_spacing(vol, np.eye(4), 1.0, order=6)
    with pytest.raises(TypeError, match="affine and spacing must be concrete"):
        jax.jit(lambda a: jr.resample_to_spacing(vol, a, 1.0)[0])(np.eye(4))
    with pytest.raises(TypeError, match="image has dtype bool"):
        jr.resample_to_spacing(vol > 0, np.eye(4), 1.0)


# ------------------------------------------------------------------ resample_to_reference


def test_reference_matches_scipy_affine_transform(rng: np.random.Generator) -> None:
    vol = rng.normal(size=(10, 9, 8)).astype(np.float32)
    theta = 0.3
    rot = np.array(
        [[np.cos(theta), -np.sin(theta), 0], [np.sin(theta), np.cos(theta), 0], [0, 0, 1]]
    )
    aff = _affine((1.0, 1.2, 2.0), origin=(-5, -5, -8))
    ref = np.eye(4)
    ref[:3, :3] = rot * 1.1
    ref[:3, 3] = (-4, -6, -7)
    out = jr.resample_to_reference(vol, aff, reference_shape=(7, 8, 6), reference_affine=ref)
    m = np.linalg.inv(aff) @ ref
    expected = ndi.affine_transform(
        vol.astype(np.float64), m[:3, :3], m[:3, 3], output_shape=(7, 8, 6), order=3, mode="nearest"
    )
    assert_close(out, expected, dtype=np.float32)


def test_reference_vmaps_over_affines(rng: np.random.Generator) -> None:
    """Volumes with different affines onto one common grid, in a single vmap."""
    vols = rng.normal(size=(3, 8, 7, 6)).astype(np.float32)
    affs = np.stack([_affine((1.0 + 0.1 * i, 1.0, 1.5), origin=(i, -i, 0.5)) for i in range(3)])
    ref = _affine((1.5, 1.5, 1.5))
    dtype = np.float64 if X64 else np.float32

    def one(v: Any, a: Any) -> jax.Array:
        return jr.resample_to_reference(v, a, reference_shape=(5, 5, 6), reference_affine=ref)

    batched = jax.vmap(one)(vols, affs.astype(dtype))
    for i in range(3):
        assert_close(batched[i], one(vols[i], affs[i]), dtype=np.float32)


def test_reference_gradient_wrt_affine_translation(rng: np.random.Generator) -> None:
    vol = ndi.gaussian_filter(rng.normal(size=(12, 12, 8)), 2.0).astype(np.float32)
    ref = _affine((1.3, 1.3, 1.3), origin=(1.0, 1.0, 1.0))

    def loss(t: jax.Array) -> jax.Array:
        a = jnp.eye(4, dtype=t.dtype).at[:3, 3].set(t)
        out = jr.resample_to_reference(
            vol, a, reference_shape=(6, 6, 4), reference_affine=ref, order=3
        )
        return jnp.sum(out**2)

    t0 = jnp.asarray([0.2, -0.1, 0.3], jnp.float32)
    g = np.asarray(jax.grad(loss)(t0))
    eps = 1e-2
    for k in range(3):
        e = np.zeros(3, np.float32)
        e[k] = eps
        fd = (float(loss(t0 + e)) - float(loss(t0 - e))) / (2 * eps)
        # float32 central differences of a smooth function: ~1e-3 relative agreement.
        np.testing.assert_allclose(g[k], fd, rtol=2e-2, atol=1e-3 * abs(fd) + 1e-3)


def test_reference_errors() -> None:
    vol = np.zeros((4, 4, 4), np.float32)
    with pytest.raises(ValueError, match="reference_shape must have 3 entries"):
        jr.resample_to_reference(vol, np.eye(4), reference_shape=(4, 4), reference_affine=np.eye(4))
    with pytest.raises(ValueError, match="reference_affine must have the shape of affine"):
        jr.resample_to_reference(
            vol, np.eye(4), reference_shape=(4, 4, 4), reference_affine=np.eye(3)
        )


# ------------------------------------------------------------------ resample_labels


@pytest.mark.parametrize("method", ["nearest", "linear", "gaussian"])
@settings(max_examples=6)  # each example compiles new static shapes
@given(shapes3, spacings3)
def test_labels_are_a_subset(method: Any, shape: Any, s_out: Any) -> None:
    rng = np.random.default_rng(4)
    seg = rng.choice(np.array([0, 2, 5], np.int16), size=shape)
    out, _ = jr.resample_labels(seg, np.eye(4), spacing=s_out, method=method)
    assert out.dtype == seg.dtype
    assert set(np.unique(np.asarray(out))) <= {0, 2, 5}


def test_labels_linear_matches_onehot_argmax(rng: np.random.Generator) -> None:
    seg = rng.choice(np.array([0, 2, 5, 9], np.uint8), size=(9, 8, 7))
    out, _ = jr.resample_labels(seg, np.eye(4), spacing=(0.7, 1.3, 0.9))
    onehot = [(seg == v).astype(np.float64) for v in (0, 2, 5, 9)]
    f = [m / n for m, n in zip(out.shape, seg.shape, strict=True)]
    probs = np.stack([ndi.zoom(c, f, order=1, mode="nearest", grid_mode=True) for c in onehot])
    expected = np.array([0, 2, 5, 9], np.uint8)[np.argmax(probs, axis=0)]
    # Exact ties between two labels are decided by float rounding in both implementations.
    top = np.sort(probs, axis=0)
    clear = (top[-1] - top[-2]) > 1e-5
    np.testing.assert_array_equal(np.asarray(out)[clear], expected[clear])


def _onehot_argmax(
    seg: np.ndarray, values: Any, coords: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The per-label reference: linear interpolation of each indicator, first maximum wins.

    Returns the labels and a mask of the voxels whose top two scores are clearly apart
    (exact ties are decided by float rounding in any implementation).
    """
    probs = np.stack(
        [ndi.map_coordinates((seg == v).astype(np.float64), coords, order=1, mode="nearest")
         for v in values]
    )  # fmt: skip
    top = np.sort(probs, axis=0)
    clear = (top[-1] - top[-2]) > 1e-5 if len(values) > 1 else np.ones(top[-1].shape, bool)
    return np.asarray(values)[np.argmax(probs, axis=0)], clear


@pytest.mark.parametrize(
    "values",
    [(0, 2, 5, 9), (1, 2, 3), (2, 9), (0, 700)],  # lookup table, range, subset, wide int16
    ids=["lut", "range", "subset", "wide"],
)
def test_labels_linear_oblique_matches_onehot_argmax(rng: np.random.Generator, values: Any) -> None:
    """Oblique reference grids, label subsets (unlisted labels count for none)."""
    seg = rng.choice(np.array([0, 1, 2, 3, 5, 9, 700], np.int16), size=(9, 8, 7))
    theta = 0.4
    rot = np.array(
        [[np.cos(theta), -np.sin(theta), 0], [np.sin(theta), np.cos(theta), 0], [0, 0, 1]]
    )
    ref_affine = np.eye(4)
    ref_affine[:3, :3] = rot @ np.diag([0.8, 1.1, 0.7])
    ref_affine[:3, 3] = (1.0, -0.5, 0.3)
    ref_shape = (10, 9, 8)
    out, _ = jr.resample_labels(
        seg, np.eye(4), reference_shape=ref_shape, reference_affine=ref_affine,
        label_values=values,
    )  # fmt: skip
    grid = np.stack(np.meshgrid(*map(np.arange, ref_shape), indexing="ij"))
    coords = (
        np.einsum("ab,b...->a...", ref_affine[:3, :3], grid) + ref_affine[:3, 3, None, None, None]
    )
    expected, clear = _onehot_argmax(seg, values, coords)
    assert clear.mean() > 0.5  # the comparison is not vacuous
    np.testing.assert_array_equal(np.asarray(out)[clear], expected[clear])


def test_labels_linear_no_listed_weight_takes_first_label() -> None:
    seg = np.full((4, 4), 7, np.uint8)
    seg[:, 2:] = 3
    res, _ = jr.resample_labels(seg, np.eye(3), spacing=0.5, label_values=(1, 3))
    out = np.asarray(res)
    # columns left of the 7|3 border see only 7 (unlisted): every listed label scores 0
    assert (out[:, :3] == 1).all()
    assert (out[:, -3:] == 3).all()
    assert set(np.unique(out)) == {1, 3}


@pytest.mark.parametrize("left,right", [(5, 2), (2, 5)])
def test_labels_linear_exact_tie_takes_smaller_label(left: int, right: int) -> None:
    seg = np.array([[left, right], [left, right]], np.uint8)
    out, _ = jr.resample_labels(seg, np.eye(3), spacing=2.0)  # one voxel, weights 1/4 each
    assert np.asarray(out).tolist() == [[2]]


def test_labels_identity_and_reference(rng: np.random.Generator) -> None:
    seg = rng.integers(0, 4, size=(6, 7, 5)).astype(np.int32)
    for method in ("nearest", "linear"):
        out, _ = jr.resample_labels(seg, np.eye(4), spacing=1.0, method=method)
        np.testing.assert_array_equal(np.asarray(out), seg)
        out, _ = jr.resample_labels(
            seg,
            np.eye(4),
            reference_shape=seg.shape,
            reference_affine=np.eye(4),
            method=method,
        )
        np.testing.assert_array_equal(np.asarray(out), seg)


def test_labels_errors() -> None:
    seg = np.zeros((4, 4, 4), np.uint8)
    with pytest.raises(ValueError, match="labels must have an integer dtype"):
        jr.resample_labels(seg.astype(np.float32), np.eye(4), spacing=1.0)
    with pytest.raises(ValueError, match="give exactly one of spacing and reference_shape"):
        jr.resample_labels(seg, np.eye(4))
    with pytest.raises(ValueError, match="method must be one of"):
        jr.resample_labels(seg, np.eye(4), spacing=1.0, method="cubic")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="representable in the labels' dtype uint8"):
        jr.resample_labels(seg, np.eye(4), spacing=1.0, label_values=(0, 300))
    with pytest.raises(TypeError, match="pass label_values"):
        jax.jit(lambda s: jr.resample_labels(s, np.eye(4), spacing=2.0)[0])(seg)
    traced = jax.jit(
        lambda s: jr.resample_labels(s, np.eye(4), spacing=2.0, label_values=(0, 1))[0]
    )
    assert traced(seg).shape == (2, 2, 2)


def test_gh16_labels_compile_once_per_shape(rng: np.random.Generator) -> None:
    """A new affine with the same shapes reuses the compiled program (it used to be static)."""
    from jaxresample._volumes.labels import _resample_labels

    seg = rng.integers(0, 4, size=(9, 8, 7)).astype(np.int16)
    c, s = np.cos(0.2), np.sin(0.2)
    oblique = np.eye(4)
    oblique[:3, :3] = [[c, -s, 0], [s, c, 0], [0, 0, 1]]
    for method in ("nearest", "linear"):
        for kind in ("aligned", "oblique"):
            sizes = []
            for k in range(3):  # same shapes, different origins and spacings
                a = (
                    np.diag([1.0 + 0.01 * k, 1.0, 1.0, 1.0])
                    if kind == "aligned"
                    else oblique.copy()
                )
                a[:3, 3] = [0.3 * k, -0.1 * k, 0.2]
                jr.resample_labels(seg, a, reference_shape=(6, 5, 4), reference_affine=np.eye(4),
                                   method=method)  # fmt: skip
                sizes.append(_resample_labels._cache_size())  # type: ignore[attr-defined]
            assert sizes[2] == sizes[0], (method, kind, sizes)
