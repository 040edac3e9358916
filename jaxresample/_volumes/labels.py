"""Label-map resampling: outputs are always labels that exist in the input."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _affine, _choices
from .._dtypes import host_array
from .._engine.coords import affine_coordinates
from .._engine.filtering import gaussian
from .._engine.taps import axis_taps
from .._limits import check_array
from .._validation import check_choice, fmt, is_traced, static_int
from .plan import Anchor, Rounding, reference_plan, respacing_plan

__all__ = ["integer_labels", "resample_labels"]

Method = _choices.LabelMethod
METHODS: tuple[Method, ...] = _choices.LABEL_METHODS


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
      linearly, and the label with the highest value wins (SimpleITK's ``LabelLinear``;
      nnU-Net instead paints, in ascending label order, each label whose interpolated
      indicator reaches 0.5, which differs at ties and leaves 0 where none reaches it).
      Smooth boundaries; non-contiguous labels such as
      ``{0, 2, 5}`` are fine. Ties go to the smaller label value; when no listed label
      has any weight, the first listed label is taken. Only the 2^n corner labels of an
      output voxel can win, so the result is computed in one pass from them: time and
      memory do not grow with the number of labels (no one-hot channels are built).
    * ``'gaussian'``: like ``'linear'``, but each indicator is first smoothed by a Gaussian
      of σ = half an output voxel (an idea of SimpleITK's ``LabelGaussian``, whose σ
      differs): when downsampling, the anti-aliasing of label maps, which removes
      structures much thinner than an output voxel instead of leaving them jagged; when
      upsampling, σ is a fraction of an input voxel and the result is ``'linear'``'s.

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
        unknown method; ``label_values`` empty or not representable in the map's dtype.
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
    x = host_array(labels, fn=fn, name="labels")
    if np.dtype(x.dtype).kind not in "iu":
        raise ValueError(f"{fn}: labels must have an integer dtype; got {x.dtype}")
    x = jnp.asarray(x)
    nd = np.shape(affine)[0] - 1 if np.ndim(affine) == 2 else -1
    if nd not in (2, 3) or x.ndim != nd:
        raise ValueError(
            f"{fn}: labels must be 2-D or 3-D with a matching 3x3 or 4x4 affine; got labels "
            f"of shape {x.shape} and an affine of shape {np.shape(affine)}"
        )
    if (spacing is None) == (reference_shape is None):
        raise ValueError(f"{fn}: give exactly one of spacing and reference_shape")
    if spacing is not None:
        plan = respacing_plan(
            x.shape,
            affine,
            spacing=spacing,
            out_shape=None,
            anchor=anchor,
            rounding=rounding,
            fn=fn,
        )
    else:
        if reference_affine is None or reference_shape is None:
            raise ValueError(f"{fn}: reference_shape needs reference_affine")
        plan = reference_plan(
            x.shape,
            affine,
            reference_shape=reference_shape,
            reference_affine=reference_affine,
            fn=fn,
        )
    # the corner labels and weights of 'linear', or one indicator per label: ~4 arrays
    check_array(plan.out_shape, np.float32, fn=fn, factor=4)
    if label_values is None:
        if is_traced(labels):
            raise TypeError(
                f"{fn}: labels are traced, so their distinct values are unknown; pass "
                "label_values=(...) with the labels to consider"
            )
        values = tuple(int(v) for v in np.unique(np.asarray(labels)))
    else:
        if isinstance(label_values, (str, bytes)) or is_traced(label_values):
            raise TypeError(
                f"{fn}: label_values must be a static sequence of integers; got {fmt(label_values)}"
            )
        try:
            items = [static_int(v, fn=fn, name="label_values entry") for v in label_values]
        except TypeError:
            raise TypeError(
                f"{fn}: label_values must be a sequence of integers; got {fmt(label_values)}"
            ) from None
        values = tuple(sorted(set(items)))
        if not values:
            raise ValueError(f"{fn}: label_values must not be empty; got {fmt(label_values)}")
        info = np.iinfo(x.dtype)
        if values[0] < info.min or values[-1] > info.max:
            raise ValueError(
                f"{fn}: label_values must be representable in the labels' dtype {x.dtype} "
                f"([{info.min}, {info.max}]); got {fmt(label_values)}"
            )

    sigma: tuple[float, ...] | None = None
    if method == "gaussian":
        s_in = _affine.voxel_sizes(plan.in_affine)
        sigma = tuple(float(s) for s in 0.5 * np.asarray(plan.spacing) / s_in)
    table = np.asarray(values, dtype=np.int64).astype(x.dtype)
    out = _resample_labels(
        x, jnp.asarray(table), _grid(plan, x.shape, order=0 if method == "nearest" else 1),
        out_shape=plan.out_shape, method=method, sigma=sigma, values=values,
    )  # fmt: skip
    return out, np.array(plan.out_affine)


#: How a label map is sampled: per-axis taps and weights (an axis-aligned voxel map,
#: planned on the host in float64), or the voxel map itself (oblique: coordinates in-graph).
Grid = tuple[tuple[np.ndarray, np.ndarray], ...] | np.ndarray


def _grid(plan: Any, in_shape: tuple[int, ...], *, order: int) -> Grid:
    """The sampling of ``plan`` as arrays, so the jitted core compiles once per shape.

    Only the shapes of these arrays reach the compiled program: a new affine with the same
    input and output shapes reuses it.
    """
    index_map = np.asarray(plan.index_map)
    nd = len(in_shape)
    if not _affine.is_axis_aligned(index_map):
        return index_map.astype(np.float32)
    taps = []
    for a in range(nd):
        cc = index_map[a, a] * np.arange(plan.out_shape[a]) + index_map[a, nd]
        idx, w, *_ = axis_taps(cc, in_shape[a], "edge", order)
        taps.append((idx.astype(np.int32), w.astype(np.float32)))
    return tuple(taps)


@functools.partial(jax.jit, static_argnames=("out_shape", "method", "sigma", "values"))
def _resample_labels(
    x: jax.Array,
    table: jax.Array,
    grid: Grid,
    *,
    out_shape: tuple[int, ...],
    method: Method,
    sigma: tuple[float, ...] | None,
    values: tuple[int, ...],
) -> jax.Array:
    """Jitted core: ``grid`` is traced (see :func:`_grid`), shapes and options static."""
    fn = "resample_labels"
    taps = _corner_taps(grid, x.shape, out_shape, order=0 if method == "nearest" else 1)
    if method == "nearest":  # one tap per axis: the nearest voxel
        return x[tuple(jnp.broadcast_to(idx[..., 0], out_shape) for idx, _ in taps)]
    if method == "linear":
        return _linear_vote(x, values, taps, out_shape)

    def indicator(value: jax.Array) -> jax.Array:
        onehot = (x == value).astype(jnp.float32)
        if sigma is not None:
            axes = tuple(range(onehot.ndim))
            onehot = gaussian(
                onehot, sigma, axes=axes, orders=(0,) * len(axes), mode="nearest", fn=fn,
                native=True,
            )  # fmt: skip
        return _interpolate(onehot, taps, out_shape)

    def step(carry: tuple[jax.Array, jax.Array], k: jax.Array):
        best, arg = carry
        p = indicator(table[k])
        better = p > best  # strict: ties keep the earlier (smaller) label
        return (jnp.where(better, p, best), jnp.where(better, k, arg)), None

    init = (indicator(table[0]), jnp.zeros(out_shape, jnp.int32))
    (_, arg), _ = jax.lax.scan(step, init, jnp.arange(1, table.shape[0], dtype=jnp.int32))
    return table[arg]


def _corner_taps(
    grid: Any, in_shape: tuple[int, ...], out_shape: tuple[int, ...], *, order: int
) -> list[tuple[jax.Array, jax.Array]]:
    """Per-axis ``(idx, w)`` of B-spline ``order`` (0 or 1), broadcastable to the output."""
    nd = len(out_shape)
    if isinstance(grid, tuple):  # axis-aligned: one row of taps per axis, broadcast
        taps = []
        for a, (idx, w) in enumerate(grid):
            shape = [1] * nd + [idx.shape[-1]]
            shape[a] = out_shape[a]
            taps.append((idx.reshape(shape), w.reshape(shape)))
        return taps
    coords = affine_coordinates(grid[:nd, :nd], grid[:nd, nd], out_shape)
    return [axis_taps(coords[a], in_shape[a], "edge", order)[:2] for a in range(nd)]


def _interpolate(
    field: jax.Array, taps: list[tuple[jax.Array, jax.Array]], out_shape: tuple[int, ...]
) -> jax.Array:
    """Multilinear interpolation of ``field`` from the corner taps."""
    out = jnp.zeros(out_shape, jnp.float32)
    for index, wt in _corners(taps):
        out = out + jnp.broadcast_to(wt * field[index], out_shape)
    return out


def _corners(taps: list[tuple[jax.Array, jax.Array]]):
    """The ``2^n`` corners of the multilinear taps: ``(index, weight)`` of each."""
    for bits in np.ndindex(*(2,) * len(taps)):
        index, wt = [], jnp.ones((), jnp.float32)
        for (idx, w), b in zip(taps, bits, strict=True):
            index.append(idx[..., b])
            wt = wt * jnp.asarray(w[..., b], jnp.float32)
        yield tuple(index), wt


def _listed(lab: jax.Array, values: tuple[int, ...]) -> jax.Array:
    """Whether each entry of ``lab`` is one of the (sorted, distinct, static) ``values``."""
    lo, hi = values[0], values[-1]  # representable in lab's dtype (checked by the caller)
    info = np.iinfo(lab.dtype)
    if lo == info.min and hi == info.max and len(values) == hi - lo + 1:
        return jnp.ones(lab.shape, bool)
    inside = (lab >= lo) & (lab <= hi)
    if len(values) == hi - lo + 1:  # a contiguous range
        return inside
    if hi - lo < 1 << 16 and -(1 << 31) <= lo and hi < 1 << 31:  # a lookup table
        lut = np.zeros(hi - lo + 1, bool)
        lut[np.asarray(values) - lo] = True
        # where ``inside`` holds, ``lab - lo`` fits int32; elsewhere the clipped index is unused
        off = jnp.clip(lab.astype(jnp.int32) - np.int32(lo), 0, hi - lo)
        return inside & jnp.asarray(lut)[off]
    return functools.reduce(jnp.logical_or, (lab == v for v in values))


def _linear_vote(
    x: jax.Array,
    values: tuple[int, ...],
    taps: list[tuple[jax.Array, jax.Array]],
    out_shape: tuple[int, ...],
) -> jax.Array:
    """``'linear'`` in one pass: the winning label is one of the 2^n corner labels.

    The linear interpolation of label ``v``'s indicator is the total weight of the corners
    holding ``v``, so only corner labels can beat 0: each corner scores the weight of the
    corners sharing its label, and the best listed corner wins (ties: smaller label); when
    no listed label has weight, every label scores 0 and the first one wins, as in the
    per-label formulation. Cost and memory do not grow with the number of labels.
    """
    labs, wts = [], []
    for index, wt in _corners(taps):
        labs.append(jnp.broadcast_to(x[index], out_shape))
        wts.append(jnp.broadcast_to(wt, out_shape))
    zero = jnp.zeros(out_shape, jnp.float32)
    best_s = zero
    best_l = jnp.full(out_shape, values[0], x.dtype)
    for lab in labs:
        score = zero  # the weight of the corners sharing this corner's label
        for other, w in zip(labs, wts, strict=True):
            score = score + jnp.where(other == lab, w, zero)
        better = (score > best_s) | ((score == best_s) & (score > 0) & (lab < best_l))
        better = better & _listed(lab, values)
        best_s = jnp.where(better, score, best_s)
        best_l = jnp.where(better, lab, best_l)
    return best_l


def integer_labels(
    data: np.ndarray, *, need: str, where: str
) -> tuple[np.ndarray, tuple[int, ...]]:
    """A label map read from a file as integers, and the labels it holds (host-side).

    Floating files must hold whole numbers below 2**31 in magnitude (they become int32).
    ``need`` and ``where`` word the refusal: ``f"{need} integer values; {where} ..."``.
    """
    if data.dtype.kind == "f":
        if not np.all(np.isfinite(data)) or not np.all(data == np.round(data)):
            raise ValueError(f"{need} integer values; {where} holds fractional ones")
        if np.abs(data).max(initial=0) >= 2**31:
            raise ValueError(f"{need} labels below 2**31 in magnitude; {where} has larger")
        data = data.astype(np.int32)
    if data.dtype.kind not in "iu":
        raise ValueError(f"{need} integer labels; {where} holds {data.dtype}")
    return data, tuple(int(v) for v in np.unique(data))
