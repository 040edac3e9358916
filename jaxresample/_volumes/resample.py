"""Physical-space resampling of volumes: to a new voxel spacing, or onto a reference grid.

The geometry comes from :mod:`jaxresample._volumes.plan` (host-side, static shapes); the sampling
from the scipy-exact interpolation engine (:func:`jaxresample.ndimage.affine_transform`),
which takes its separable per-axis path whenever the voxel map is axis-aligned and concrete.
Spatial axes come first, in nibabel order; extra trailing axes (time, channels) are carried
along untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _affine, _choices
from .._casting import numeric_dtype
from .._dtypes import as_array, cast_result, compute_dtype
from .._engine.filtering import gaussian
from .._engine.transform import transform_affine
from .._kernels import antialias_sigma
from .._limits import check_array
from .._validation import check_choice, fmt, is_traced, static_int
from .plan import Anchor, ResamplePlan, Rounding, reference_plan, respacing_plan

__all__ = ["resample_to_reference", "resample_to_spacing"]

SigmaRule = _choices.SigmaRule
SIGMA_RULES: tuple[SigmaRule, ...] = _choices.SIGMA_RULES


def _as_float_image(image: Any, *, fn: str) -> jax.Array:
    x = as_array(image, fn=fn, name="image")
    return x.astype(compute_dtype(x.dtype)) if x.dtype.kind in "iu" else x


def _result_dtype(dtype: Any, image_dtype: np.dtype, *, clip: Any, fn: str) -> np.dtype | None:
    """Check ``dtype=`` and ``clip=`` before any work; None keeps the floating result."""
    if not isinstance(clip, bool):
        raise TypeError(f"{fn}: clip must be a bool; got {fmt(clip)}")
    is_complex = image_dtype.kind == "c"
    if clip and is_complex:
        raise ValueError(f"{fn}: clip=True needs a real image; got dtype {image_dtype}")
    if dtype is None:
        return None
    dt = numeric_dtype(dtype, fn=fn)
    if is_complex and dt.kind != "c":
        raise ValueError(
            f"{fn}: dtype {dt} would drop the imaginary part of the complex image; pass a "
            "complex dtype or None"
        )
    return dt


def _finish(
    out: jax.Array, image: jax.Array, dt: np.dtype | None, *, clip: bool, mode: str, cval: Any
) -> jax.Array:
    """Clip to the input's range (with ``cval`` for the constant modes), then cast."""
    if clip:
        lo, hi = jnp.nanmin(image).astype(out.dtype), jnp.nanmax(image).astype(out.dtype)
        if mode in ("constant", "grid-constant"):  # the fill value is part of the range
            c = jnp.asarray(cval, out.dtype)
            lo, hi = jnp.minimum(lo, c), jnp.maximum(hi, c)
        out = jnp.clip(out, lo, hi)
    return out if dt is None else cast_result(out, dt, rule="round")


def _spatial_ndim(affine: Any, image_ndim: int, *, fn: str) -> int:
    shape = np.shape(affine)
    if len(shape) != 2 or shape[0] != shape[1] or shape[0] not in (3, 4):
        raise ValueError(f"{fn}: affine must be 3x3 (2-D) or 4x4 (3-D); got shape {shape}")
    nd = shape[0] - 1
    if image_ndim < nd:
        raise ValueError(
            f"{fn}: image has {image_ndim} dimensions, fewer than the {nd} spatial axes of "
            f"a {shape[0]}x{shape[0]} affine"
        )
    return nd


def _per_axis_transform(
    x: jax.Array,
    matrix: Any,
    offset: Any,
    out_shape: tuple[int, ...],
    *,
    order: int,
    mode: str,
    cval: Any,
    fn: str,
) -> jax.Array:
    """Interpolate the leading ``len(out_shape)`` axes of ``x``; trailing axes are mapped."""
    nd = len(out_shape)

    def one(v: jax.Array) -> jax.Array:
        return transform_affine(
            v, matrix, offset, out_shape, None, order, mode, cval, True, fn=fn, native=True
        )

    if x.ndim == nd:
        return one(x)
    # Carry extra trailing axes (time, channels) along: vmap them, one volume at a time.
    flat = x.reshape(*x.shape[:nd], -1)
    out = jax.vmap(one, in_axes=nd, out_axes=nd)(flat)
    return out.reshape(*out_shape, *x.shape[nd:])


def _apply_axis_aligned(
    x: jax.Array,
    index_map: np.ndarray,
    out_shape: tuple[int, ...],
    *,
    orders: tuple[int, ...],
    mode: str,
    cval: Any,
    fn: str,
) -> jax.Array:
    """Resample with a diagonal voxel map (concrete), one group of axes per distinct order."""
    nd = len(out_shape)
    scale = np.diag(index_map)[:nd]
    shift = index_map[:nd, nd]
    shape = list(x.shape[:nd])
    for order in sorted(set(orders)):
        axes = [a for a in range(nd) if orders[a] == order]
        s = np.ones(nd)
        d = np.zeros(nd)
        s[axes] = scale[axes]
        d[axes] = shift[axes]
        for a in axes:
            shape[a] = out_shape[a]
        x = _per_axis_transform(x, s, d, tuple(shape), order=order, mode=mode, cval=cval, fn=fn)
    return x


def resample_to_spacing(
    image: Any,
    affine: Any,
    spacing: float | Sequence[float],
    *,
    order: int = 3,
    order_z: int | None = None,
    anisotropy_threshold: float = 3.0,
    mode: str = "nearest",
    cval: Any = 0.0,
    anchor: Anchor = "edges",
    rounding: Rounding = "round",
    antialias: bool = False,
    sigma_rule: SigmaRule = "fwhm",
    clip: bool = False,
    dtype: Any = None,
) -> tuple[jax.Array, np.ndarray]:
    """Resample a volume to a new voxel spacing, preserving its physical extent.

    Convention:
      The output grid is :func:`jaxresample.plan_resample`'s: with the default
      ``anchor='edges'`` the outer voxel edges of input and output coincide, so the extent
      (size × spacing) and the world position of the field-of-view centre are kept; the
      output size is ``round(n * (s_in / spacing))`` (half up, never 0) and the spacing
      actually reached, ``s_in * n / m``, is written in the returned affine. Spatial axes
      come first in nibabel order; extra trailing axes (time, channels) are carried along.

    Args:
      image: array of shape ``(*spatial, *extra)``; integer inputs are computed in float,
        complex ones (MRI k-space images, phase) per part.
      affine: ``(ndim + 1, ndim + 1)`` voxel-to-world matrix (3x3 for 2-D, 4x4 for 3-D);
        concrete (it decides the output shape).
      spacing: output voxel size in mm, one value or one per spatial axis. Static.
      order: B-spline order 0–5. Static.
      order_z: B-spline order for thick-slice axes, those whose input spacing is at least
        ``anisotropy_threshold`` times the finest one (nnU-Net's "separate z": e.g. cubic
        in-plane, linear or nearest across slices, which avoids spline ringing between
        distant slices at the price of a smoother profile along z). None: ``order``. Static.
      anisotropy_threshold: the spacing ratio that makes an axis thick-slice. Static.
      mode: boundary mode (scipy's names, see :ref:`modes`); the default ``'nearest'``
        continues the edge voxels, so no rim of ``cval`` appears. Static.
      cval: fill value of the constant modes (e.g. -1024 for CT air). Traced.
      anchor: ``'edges'``, ``'centers'``, ``'first-voxel'`` or ``'first-voxel-centers'``
        (see :func:`jaxresample.plan_resample`). Static.
      rounding: ``'round'``, ``'half-even'``, ``'floor'`` or ``'ceil'``. Static.
      antialias: smooth the downsampled axes with a Gaussian first (reflecting borders,
        never zero padding). Static.
      sigma_rule: σ rule of the anti-aliasing, see :func:`antialias_sigma`. Static.
      clip: clip the result to the input's range (with ``cval`` for the constant modes),
        as scikit-image's ``clip=True``: spline overshoot never leaves it (a cubic spline
        takes -1024 HU air next to bone below -1024 otherwise). Static.
      dtype: dtype of the result; None (default) keeps the floating result. Integer dtypes
        are rounded half away from zero and saturated (``dtype=image.dtype`` keeps an int16
        CT int16, SimpleITK's default). Static.

    Returns:
      ``(data, affine)``: the resampled array and its 4x4 (or 3x3) affine.

    Raises:
      ValueError: bad affine, spacing, order, anchor, rounding or mode; a real ``dtype`` or
        ``clip=True`` for a complex image.
      TypeError: a traced affine or spacing (they decide the output shape; use
        :func:`resample_to_reference` for traced geometry).

    Examples:
      >>> import numpy as np
      >>> from jaxresample import resample_to_spacing
      >>> vol = np.zeros((512, 512, 247), np.float32)
      >>> affine = np.diag([0.78125, 0.78125, 1.0, 1.0])
      >>> out, new_affine = resample_to_spacing(vol, affine, (1.0, 1.0, 2.0), order=1)
      >>> out.shape
      (400, 400, 124)
      >>> np.round(np.diag(new_affine), 4)
      array([1.    , 1.    , 1.9919, 1.    ])

    .. versionadded:: 0.1
    """
    fn = "resample_to_spacing"
    if is_traced(affine) or is_traced(spacing):
        raise TypeError(
            f"{fn}: affine and spacing must be concrete (they decide the output shape); "
            "to resample with traced geometry, plan the grid first and call "
            "resample_to_reference"
        )
    x = _as_float_image(image, fn=fn)
    dt = _result_dtype(dtype, np.dtype(x.dtype), clip=clip, fn=fn)
    nd = _spatial_ndim(affine, x.ndim, fn=fn)
    order = static_int(order, fn=fn, name="order", minimum=0, maximum=5)
    oz = order if order_z is None else static_int(order_z, fn=fn, name="order_z", minimum=0)
    if oz > 5:
        raise ValueError(f"{fn}: order_z must be in [0, 5]; got {oz}")
    check_choice(sigma_rule, SIGMA_RULES, fn=fn, name="sigma_rule")
    plan = respacing_plan(
        x.shape[:nd],
        affine,
        spacing=spacing,
        out_shape=None,
        anchor=anchor,
        rounding=rounding,
        fn=fn,
    )
    check_array((*plan.out_shape, *x.shape[nd:]), compute_dtype(x.dtype), fn=fn)
    s_in = _affine.voxel_sizes(plan.in_affine)
    thick = s_in >= float(anisotropy_threshold) * s_in.min()
    orders = tuple(oz if (thick[a] and not thick.all()) else order for a in range(nd))
    source = x
    if antialias:
        x = _antialias(x, s_in, plan, rule=sigma_rule, fn=fn)
    out = _apply_axis_aligned(
        x, plan.index_map, plan.out_shape, orders=orders, mode=mode, cval=cval, fn=fn
    )
    return _finish(out, source, dt, clip=clip, mode=mode, cval=cval), np.array(plan.out_affine)


def _antialias(
    x: jax.Array, s_in: np.ndarray, plan: ResamplePlan, *, rule: SigmaRule, fn: str
) -> jax.Array:
    factors = np.asarray(plan.spacing) / s_in
    sigmas = tuple(antialias_sigma(k, rule=rule) for k in factors)
    axes = tuple(a for a, s in enumerate(sigmas) if s > 0)
    if not axes:
        return x
    sigma = tuple(sigmas[a] for a in axes)
    return gaussian(x, sigma, axes=axes, orders=(0,) * len(axes), fn=fn, native=True)


def _resample_grid(
    x: jax.Array,
    index_map: np.ndarray,
    out_shape: tuple[int, ...],
    *,
    order: int,
    mode: str,
    fn: str,
) -> jax.Array:
    """Resample the leading axes of ``x`` with a concrete voxel map (either path)."""
    nd = len(out_shape)
    if _affine.is_axis_aligned(index_map):
        return _apply_axis_aligned(
            x, index_map, out_shape, orders=(order,) * nd, mode=mode, cval=0.0, fn=fn
        )
    m = index_map
    return _per_axis_transform(
        x, m[:nd, :nd], m[:nd, nd], out_shape, order=order, mode=mode, cval=0.0, fn=fn
    )


def resample_to_reference(
    image: Any,
    affine: Any,
    *,
    reference_shape: Sequence[int],
    reference_affine: Any,
    order: int = 3,
    mode: str = "nearest",
    cval: Any = 0.0,
    clip: bool = False,
    dtype: Any = None,
) -> jax.Array:
    """Resample a volume onto the grid of a reference volume (any affines).

    Output voxel ``o`` takes the value of the input at world point
    ``reference_affine @ o``: flipped (LAS/LPS), oblique and sheared grids are handled, and
    nothing is reoriented. This is also how predictions go back to the exact original grid
    (pass the original shape and affine as the reference).

    When both affines are concrete and the voxel map is axis-aligned, the separable fast
    path is taken. Traced affines (inside ``jit``, ``vmap`` over a batch of volumes with
    different affines, or ``grad`` with respect to the affine) go through the general path.

    Args:
      image: array of shape ``(*spatial, *extra)``; extra trailing axes are carried along.
      affine: the image's voxel-to-world matrix, 3x3 or 4x4. Traced or concrete.
      reference_shape: spatial shape of the output grid. Static.
      reference_affine: voxel-to-world matrix of the output grid. Traced or concrete.
      order: B-spline order 0–5. Static.
      mode: boundary mode (scipy's names). Static.
      cval: fill value of the constant modes. Traced.
      clip: clip the result to the input's range, see :func:`resample_to_spacing`. Static.
      dtype: dtype of the result, see :func:`resample_to_spacing`. Static.

    Returns:
      An array of shape ``(*reference_shape, *extra)``, floating unless ``dtype`` is given.

    Raises:
      ValueError: bad or singular affines, a reference shape of the wrong length.

    Examples:
      >>> import numpy as np
      >>> from jaxresample import resample_to_reference
      >>> vol = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4)
      >>> flipped = np.diag([-1.0, 1.0, 1.0, 1.0])
      >>> flipped[0, 3] = 1.0  # voxel 0 of the reference is voxel 1 of the image
      >>> out = resample_to_reference(vol, np.eye(4), reference_shape=(2, 3, 4),
      ...                             reference_affine=flipped, order=1)
      >>> bool(np.array_equal(out, vol[::-1]))
      True

    .. versionadded:: 0.1
    """
    fn = "resample_to_reference"
    x = _as_float_image(image, fn=fn)
    dt = _result_dtype(dtype, np.dtype(x.dtype), clip=clip, fn=fn)
    nd = _spatial_ndim(affine, x.ndim, fn=fn)
    if isinstance(reference_shape, (str, bytes)) or np.ndim(reference_shape) != 1:
        raise TypeError(
            f"{fn}: reference_shape must be a sequence of {nd} integers; got {fmt(reference_shape)}"
        )
    ref_shape = tuple(
        static_int(n, fn=fn, name="reference_shape", minimum=1) for n in reference_shape
    )
    if len(ref_shape) != nd:
        raise ValueError(
            f"{fn}: reference_shape must have {nd} entries (the spatial axes); got {ref_shape}"
        )
    order = static_int(order, fn=fn, name="order", minimum=0, maximum=5)
    check_array((*ref_shape, *x.shape[nd:]), compute_dtype(x.dtype), fn=fn)
    if np.shape(reference_affine) != np.shape(affine):
        raise ValueError(
            f"{fn}: reference_affine must have the shape of affine {np.shape(affine)}; "
            f"got {np.shape(reference_affine)}"
        )
    if not (is_traced(affine) or is_traced(reference_affine)):
        plan = reference_plan(
            x.shape[:nd],
            affine,
            reference_shape=ref_shape,
            reference_affine=reference_affine,
            fn=fn,
        )
        if _affine.is_axis_aligned(plan.index_map):
            out = _apply_axis_aligned(
                x, plan.index_map, plan.out_shape, orders=(order,) * nd, mode=mode, cval=cval,
                fn=fn,
            )  # fmt: skip
            return _finish(out, x, dt, clip=clip, mode=mode, cval=cval)
        index_map: Any = plan.index_map
    else:
        a = jnp.asarray(affine, np.finfo(compute_dtype(x.dtype)).dtype)
        r = jnp.asarray(reference_affine, np.finfo(compute_dtype(x.dtype)).dtype)
        index_map = jnp.linalg.solve(a, r)  # output voxel -> input voxel
    matrix = index_map[:nd, :nd]
    offset = index_map[:nd, nd]
    out = _per_axis_transform(
        x, matrix, offset, ref_shape, order=order, mode=mode, cval=cval, fn=fn
    )
    return _finish(out, x, dt, clip=clip, mode=mode, cval=cval)
