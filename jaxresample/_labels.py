"""Label-map resampling: outputs are always labels that exist in the input."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np

from ._plan import Anchor, Rounding, plan_resample, plan_to_reference
from ._validation import check_choice, fmt, is_traced

__all__ = ["resample_labels"]

Method = Literal["nearest", "linear", "gaussian"]
METHODS: tuple[Method, ...] = ("nearest", "linear", "gaussian")


def resample_labels(
    labels: Any,
    affine: Any,
    *,
    spacing: float | Sequence[float] | None = None,
    reference_shape: Sequence[int] | None = None,
    reference_affine: Any = None,
    method: Method = "linear",
    label_values: Sequence[int] | None = None,
    anchor: Anchor = "edges",
    rounding: Rounding = "round",
) -> tuple[jax.Array, np.ndarray]:
    """Resample an integer label map; every output value is one of the input's labels.

    Give either ``spacing`` (a new voxel size, as :func:`resample_to_spacing`) or
    ``reference_shape`` and ``reference_affine`` (a target grid, as
    :func:`resample_to_reference`). Images and label maps of one grid planned with the
    same arguments always get the same output shape.

    The ``method`` decides how labels are carried to the new grid:

    * ``'nearest'``: each output voxel takes the label of the nearest input voxel. Exact
      and cheap, but thin structures can vanish or become jagged.
    * ``'linear'`` (default): each label's indicator (one-hot channel) is interpolated
      linearly, and the label with the highest value wins (SimpleITK's ``LabelLinear``,
      nnU-Net's segmentation resampling). Smooth boundaries; non-contiguous labels such as
      ``{0, 2, 5}`` are fine. Ties go to the smaller label value. The labels are
      processed one at a time with ``lax.scan`` keeping a running maximum, so memory stays
      at two output-sized arrays whatever the number of labels.
    * ``'gaussian'``: like ``'linear'``, but each indicator is first smoothed by a Gaussian
      of σ = half an output voxel (SimpleITK's ``LabelGaussian``): smoother boundaries when
      upsampling a lot.

    Args:
      labels: integer array of spatial shape (2-D or 3-D) in nibabel order.
      affine: voxel-to-world matrix (3x3 or 4x4). Concrete.
      spacing: output voxel size in mm. Static.
      reference_shape: output shape, with ``reference_affine``. Static.
      reference_affine: output grid's voxel-to-world matrix. Concrete.
      method: ``'nearest'``, ``'linear'`` or ``'gaussian'``. Static.
      label_values: the labels to consider (static); default: the distinct values of
        ``labels``, which must then be concrete. Voxels of other values count as none of
        them (they take a listed label).
      anchor: grid anchor for ``spacing`` (see :func:`plan_resample`). Static.
      rounding: size rounding for ``spacing``. Static.

    Returns:
      ``(labels, affine)``: the resampled labels, in the input's dtype, and the output affine.

    Raises:
      ValueError: neither or both of ``spacing`` and the reference; a non-integer map;
        unknown method.
      TypeError: traced labels without ``label_values``.

    Examples:
      >>> import numpy as np
      >>> from jaxresample import resample_labels
      >>> seg = np.zeros((8, 8, 4), np.uint8)
      >>> seg[2:6, 2:6, :] = 5
      >>> seg[3:5, 3:5, 1:3] = 2
      >>> out, aff = resample_labels(seg, np.eye(4), spacing=0.5)
      >>> out.shape, str(out.dtype), sorted(np.unique(np.asarray(out)).tolist())
      ((16, 16, 8), 'uint8', [0, 2, 5])

    .. versionadded:: 0.1
    """
    fn = "resample_labels"
    check_choice(method, METHODS, fn=fn, name="method")
    x = jnp.asarray(labels)
    if x.dtype.kind not in "iu":
        raise ValueError(f"{fn}: labels must have an integer dtype; got {x.dtype}")
    nd = np.shape(affine)[0] - 1 if np.ndim(affine) == 2 else -1
    if nd not in (2, 3) or x.ndim != nd:
        raise ValueError(
            f"{fn}: labels must be 2-D or 3-D with a matching 3x3 or 4x4 affine; got labels "
            f"of shape {x.shape} and an affine of shape {np.shape(affine)}"
        )
    if (spacing is None) == (reference_shape is None):
        raise ValueError(f"{fn}: give exactly one of spacing and reference_shape")
    if spacing is not None:
        plan = plan_resample(x.shape, affine, spacing=spacing, anchor=anchor, rounding=rounding)
    else:
        if reference_affine is None or reference_shape is None:
            raise ValueError(f"{fn}: reference_shape needs reference_affine")
        plan = plan_to_reference(
            x.shape, affine, reference_shape=reference_shape, reference_affine=reference_affine
        )
    if label_values is None:
        if is_traced(labels):
            raise TypeError(
                f"{fn}: labels are traced, so their distinct values are unknown; pass "
                "label_values=(...) with the labels to consider"
            )
        values = tuple(int(v) for v in np.unique(np.asarray(labels)))
    else:
        values = tuple(sorted({int(v) for v in label_values}))
        if not values:
            raise ValueError(f"{fn}: label_values must not be empty; got {fmt(label_values)}")

    sigma: tuple[float, ...] | None = None
    if method == "gaussian":
        from . import _affine

        s_in = _affine.voxel_sizes(plan.in_affine)
        sigma = tuple(float(s) for s in 0.5 * np.asarray(plan.spacing) / s_in)
    geometry = (tuple(map(tuple, np.asarray(plan.index_map).tolist())), plan.out_shape)
    table = np.asarray(values, dtype=np.int64).astype(x.dtype)
    out = _resample_labels(x, jnp.asarray(table), geometry=geometry, method=method, sigma=sigma)
    return out, np.array(plan.out_affine)


@functools.partial(jax.jit, static_argnames=("geometry", "method", "sigma"))
def _resample_labels(
    x: jax.Array,
    table: jax.Array,
    *,
    geometry: tuple[tuple[tuple[float, ...], ...], tuple[int, ...]],
    method: Method,
    sigma: tuple[float, ...] | None,
) -> jax.Array:
    """Jitted core; ``geometry`` = (voxel map as nested tuples, output shape), static."""
    from ._resample import _resample_grid

    index_map = np.asarray(geometry[0])
    out_shape = geometry[1]
    if method == "nearest":
        return _resample_grid(x, index_map, out_shape, order=0, mode="nearest").astype(x.dtype)

    def indicator(value: jax.Array) -> jax.Array:
        onehot = (x == value).astype(jnp.float32)
        if sigma is not None:
            from ._filters import gaussian_filter

            onehot = gaussian_filter(onehot, sigma, mode="nearest")
        return _resample_grid(onehot, index_map, out_shape, order=1, mode="nearest")

    def step(carry: tuple[jax.Array, jax.Array], k: jax.Array):
        best, arg = carry
        p = indicator(table[k])
        better = p > best  # strict: ties keep the earlier (smaller) label
        return (jnp.where(better, p, best), jnp.where(better, k, arg)), None

    init = (indicator(table[0]), jnp.zeros(out_shape, jnp.int32))
    (_, arg), _ = jax.lax.scan(step, init, jnp.arange(1, table.shape[0], dtype=jnp.int32))
    return table[arg]
