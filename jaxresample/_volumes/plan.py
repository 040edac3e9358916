"""Resampling plans: the output grid of a respacing, decided on the host.

A plan fixes everything about a resampling that is geometry, before any data is touched:
the output shape (static Python ints), the output affine and the map from output voxel
indices to input voxel indices. The interpolation engine then only has to evaluate
``input[index_map @ [o, 1]]`` for every output voxel ``o``.

Conventions (see ``docs/conventions.md``): voxel centres sit at integer indices, the outer
edges of an axis of ``n`` voxels at ``-0.5`` and ``n - 0.5``; affines map voxel indices
(nibabel order ``(i, j, k)``) to world millimetres; nothing is ever reoriented.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import jax
import numpy as np

from .. import _choices
from .._affine import (
    check_affine,
    grid_map,
    invert,
    is_axis_aligned,
    voxel_sizes,
    voxel_to_voxel,
)
from .._choices import Anchor, Rounding
from .._validation import check_choice, concrete_float, fmt, per_axis, static_int

__all__ = [
    "ANCHORS",
    "ROUNDINGS",
    "ResamplePlan",
    "plan_resample",
    "plan_to_reference",
    "reference_plan",
    "respacing_plan",
]


#: The ways an output grid can be anchored to the input grid.
ANCHORS: tuple[Anchor, ...] = _choices.ANCHORS
#: The rules turning a fractional output size into a number of voxels.
ROUNDINGS: tuple[Rounding, ...] = _choices.ROUNDINGS

#: A fractional size within this relative distance of an integer counts as that integer, so
#: float noise (``399.99999999999994``) neither floors to 399 nor ceils ``2.0000000001`` to 3.
_SNAP_SIZE = 1e-9
#: Entries of a voxel map this close to an integer are snapped to it (exact identities).
_SNAP_MAP = 1e-12

_ARRAY_FIELDS = ("in_affine", "out_affine", "index_map", "spacing", "requested_spacing")


def _frozen(a: Any) -> np.ndarray:
    out = np.array(a, dtype=np.float64)
    out.setflags(write=False)
    return out


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class ResamplePlan:
    """The geometry of one resampling: output grid and output-to-input voxel map.

    Made by :func:`plan_resample` or :func:`plan_to_reference`; immutable. A plan is a JAX
    pytree: ``in_shape`` and ``out_shape`` are static metadata, the five arrays are leaves,
    so a plan can be passed to jitted functions and plans of equal shapes can be stacked
    (``jax.tree.map(np.stack, *plans)``) and ``vmap``-ed over, e.g. many volumes with
    different affines resampled onto one common grid.

    Attributes:
      in_shape: shape of the input grid (Python ints).
      out_shape: shape of the output grid (Python ints); static.
      in_affine: ``(n + 1, n + 1)`` float64 voxel-to-world affine of the input grid.
      out_affine: ``(n + 1, n + 1)`` float64 voxel-to-world affine of the output grid,
        ``in_affine @ index_map``.
      index_map: ``(n + 1, n + 1)`` float64 map from output voxel indices to input voxel
        indices (homogeneous; ``matrix`` and ``offset`` are its parts).
      spacing: the voxel sizes of the output grid actually reached (``n`` float64), which
        may differ from the requested ones because the output size is a whole number.
      requested_spacing: the spacing asked for (``n`` float64); equal to ``spacing`` for
        plans made from an output shape or a reference grid.

    Examples:
      >>> from jaxresample import plan_resample
      >>> plan = plan_resample((4, 6), np.diag([1.0, 1.0, 1.0]), spacing=2.0)
      >>> plan
      ResamplePlan(in_shape=(4, 6), out_shape=(2, 3), spacing=(2, 2), index_map=diagonal)
      >>> plan.matrix, plan.offset
      (array([[2., 0.],
             [0., 2.]]), array([0.5, 0.5]))
    """

    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]
    in_affine: np.ndarray
    out_affine: np.ndarray
    index_map: np.ndarray
    spacing: np.ndarray
    requested_spacing: np.ndarray

    @property
    def ndim(self) -> int:
        """Number of spatial axes."""
        return len(self.out_shape)

    @property
    def matrix(self) -> np.ndarray:
        """The linear part of :attr:`index_map` (``affine_transform``'s ``matrix``)."""
        return self.index_map[: self.ndim, : self.ndim]

    @property
    def offset(self) -> np.ndarray:
        """The translation of :attr:`index_map` (``affine_transform``'s ``offset``)."""
        return self.index_map[: self.ndim, self.ndim]

    def inverse(self) -> ResamplePlan:
        """The plan back onto the input grid: exactly the original shape and affine.

        ``plan.inverse().out_shape == plan.in_shape`` and ``plan.inverse().out_affine`` is
        ``plan.in_affine`` itself (not recomputed), so predictions made on a resampled grid
        go back to the original grid without a one-voxel or round-off drift. Host-side: the
        plan must hold concrete arrays.

        Returns:
          A :class:`ResamplePlan` from ``out_shape`` to ``in_shape``.

        Examples:
          >>> from jaxresample import plan_resample
          >>> plan = plan_resample((5, 7), np.diag([1.0, 1.0, 1.0]), spacing=(2.0, 3.0))
          >>> back = plan.inverse()
          >>> back.out_shape, bool(np.array_equal(back.out_affine, plan.in_affine))
          ((5, 7), True)
        """
        back = _snap_index_map(invert(self.index_map, fn="ResamplePlan.inverse", name="index_map"))
        reached = voxel_sizes(self.in_affine)
        return ResamplePlan(
            in_shape=self.out_shape,
            out_shape=self.in_shape,
            in_affine=self.out_affine,
            out_affine=self.in_affine,
            index_map=_frozen(back),
            spacing=_frozen(reached),
            requested_spacing=_frozen(reached),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ResamplePlan):
            return NotImplemented
        return (
            self.in_shape == other.in_shape
            and self.out_shape == other.out_shape
            and all(np.array_equal(getattr(self, f), getattr(other, f)) for f in _ARRAY_FIELDS)
        )

    __hash__ = None  # type: ignore[assignment]  # holds arrays: unhashable, like ndarray

    def __repr__(self) -> str:
        try:
            spacing = np.asarray(self.spacing, dtype=np.float64)
            index_map = np.asarray(self.index_map, dtype=np.float64)
        except (TypeError, ValueError):  # traced leaves (inside jit or vmap)
            return f"ResamplePlan(in_shape={self.in_shape}, out_shape={self.out_shape}, <traced>)"
        if spacing.ndim != 1 or index_map.ndim != 2:  # a stacked batch of plans
            return (
                f"ResamplePlan(in_shape={self.in_shape}, out_shape={self.out_shape}, "
                f"batch={spacing.shape[:-1]})"
            )
        sp = (
            "("
            + ", ".join(f"{float(v):.6g}" for v in spacing)
            + ("," if spacing.size == 1 else "")
            + ")"
        )
        kind = "diagonal" if is_axis_aligned(index_map, atol=0.0) else "general"
        return (
            f"ResamplePlan(in_shape={self.in_shape}, out_shape={self.out_shape}, "
            f"spacing={sp}, index_map={kind})"
        )


jax.tree_util.register_dataclass(
    ResamplePlan,
    data_fields=list(_ARRAY_FIELDS),
    meta_fields=["in_shape", "out_shape"],
)


def _shape_tuple(value: Any, *, fn: str, name: str, ndim: int | None = None) -> tuple[int, ...]:
    if ndim is None:
        if isinstance(value, (str, bytes)) or np.ndim(value) != 1:
            raise TypeError(f"{fn}: {name} must be a sequence of integers; got {fmt(value)}")
        items = tuple(value)
    else:
        items = per_axis(value, ndim, fn=fn, name=name)
    if not items:
        raise ValueError(f"{fn}: {name} must have at least one axis; got {fmt(value)}")
    return tuple(static_int(v, fn=fn, name=f"{name} entry", minimum=1) for v in items)


def _spacing_tuple(value: Any, ndim: int, *, fn: str, name: str) -> tuple[float, ...]:
    fix = "the spacing decides the output shape, which must be static"
    out = []
    for v in per_axis(value, ndim, fn=fn, name=name):
        if isinstance(v, (bool, str, bytes)):
            raise TypeError(f"{fn}: {name} must be positive numbers; got {fmt(value)}")
        try:
            f = concrete_float(v, fn=fn, name=name, fix=fix, finite=False)
        except ValueError:
            raise TypeError(f"{fn}: {name} must be positive numbers; got {fmt(value)}") from None
        if not (math.isfinite(f) and f > 0):
            raise ValueError(f"{fn}: {name} must be positive and finite (mm); got {fmt(value)}")
        out.append(f)
    return tuple(out)


def _snap_count(x: float) -> float:
    """``x`` itself, or the nearest integer when ``x`` is within float noise of it."""
    r = round(x)
    return float(r) if abs(x - r) <= _SNAP_SIZE * max(1.0, abs(x)) else x


def _count(x: float, rounding: str, *, minimum: int = 1) -> int:
    """Rounded count for a fractional count ``x >= 0``; never less than ``minimum``."""
    x = _snap_count(x)
    if rounding == "round":
        m = math.floor(x + 0.5)  # half up: 123.5 -> 124 (247 slices of 1 mm to 2 mm)
    elif rounding == "half-even":
        m = round(x)  # Python's and NumPy's round: 48.5 -> 48, 49.5 -> 50
    elif rounding == "floor":
        m = math.floor(x)
    else:
        m = math.ceil(x)
    return max(minimum, int(m))


def _snap_index_map(m: np.ndarray) -> np.ndarray:
    """``m`` with entries within float noise of an integer set to it."""
    r = np.round(m)
    return np.where(np.abs(m - r) <= _SNAP_MAP * np.maximum(1.0, np.abs(m)), r, m)


def plan_resample(
    shape: Sequence[int],
    affine: Any,
    *,
    spacing: float | Sequence[float] | None = None,
    out_shape: int | Sequence[int] | None = None,
    anchor: Anchor = "edges",
    rounding: Rounding = "round",
) -> ResamplePlan:
    """Plan a respacing of a grid: output shape, output affine and voxel map.

    Give exactly one of ``spacing`` (the output voxel size; the shape follows from the
    rounding rule) or ``out_shape`` (the output size; the spacing follows).

    Convention:
      Per axis, with ``n`` input voxels of size ``s`` (the affine's column norm) and ``m``
      output voxels, output index ``o`` reads input index ``c * o + d``:

      * ``anchor='edges'`` (default): the outer voxel edges coincide, so the physical
        extent ``n * s`` and the world position of the field-of-view centre are kept.
        ``m = rounding(n * (s / spacing))``, ``c = n / m``, ``d = (c - 1) / 2``; the spacing
        reached is ``s * n / m`` (``jax.image.resize``, ``scipy.ndimage.zoom(...,
        grid_mode=True)``, torch ``align_corners=False``).
      * ``anchor='centers'``: the centres of the first and last voxels coincide (torch
        ``align_corners=True``, ``scipy.ndimage.zoom`` default), so the span between
        them, ``(n - 1) * s``, and the field-of-view centre are kept.
        ``m - 1 = rounding((n - 1) * s / spacing)``, ``c = (n - 1) / (m - 1)``, ``d = 0``;
        the spacing reached is ``s * c``. An axis with one input or one output voxel has
        no span: it follows the ``'edges'`` rule (one output voxel sits at the centre).
      * ``anchor='first-voxel'``: the first voxel centre (the affine's origin) is kept and
        the spacing is exactly the requested one (SimpleITK's ``ResampleImageFilter``
        default); ``m = rounding(n * (s / spacing))``, ``c = spacing / s``, ``d = 0``. The
        far edge moves by up to half an output voxel ('round').
      * ``anchor='first-voxel-centers'``: as ``'first-voxel'`` (origin kept, exact
        spacing), but the size counts the voxel centres that fit in the span of the input's
        centres, ``m = rounding((n - 1) * s / spacing + 1)``: MONAI's ``Spacing`` grid
        (its ``compute_shape_offset``, with ``rounding='half-even'``).

      ``rounding='round'`` rounds half up (``floor(x + 0.5)``: 123.5 gives 124);
      ``'half-even'`` rounds half to even as Python's ``round`` and ``np.round`` (48.5 gives
      48), the rule of the SimpleITK recipe (``int(round(n * (s / t)))``), nnU-Net and MONAI;
      ``'floor'`` and ``'ceil'`` as named. A count within ``1e-9`` (relative) of an integer
      is taken as that integer first, so float noise never adds or drops a voxel. An output
      axis always has at least one voxel. The output shape depends only on the shape, affine and
      options: an image and its label map on the same grid always get the same plan.

      Oblique affines: ``spacing`` is the voxel size along the affine's own voxel axes;
      the direction cosines are kept (``out_affine = affine @ index_map``), nothing is
      reoriented.

    Args:
      shape: the input's spatial shape, ``n`` positive ints (for a 4-D ``(i, j, k, t)``
        volume pass ``data.shape[:3]``).
      affine: ``(n + 1, n + 1)`` voxel-to-world affine of the input (``4 x 4`` for 3-D,
        ``3 x 3`` for 2-D). Concrete (host-side).
      spacing: output voxel size in world units (mm), one per axis or one for all.
        Static: it decides the output shape.
      out_shape: output shape, one positive int per axis or one for all. Static. (Named
        ``out_shape`` rather than ``shape`` because ``shape`` is the input's.)
      anchor: ``'edges'``, ``'centers'``, ``'first-voxel'`` or ``'first-voxel-centers'``,
        see above. Static.
      rounding: ``'round'``, ``'half-even'``, ``'floor'`` or ``'ceil'``, see above; unused
        with ``out_shape``. Static.

    Returns:
      A :class:`ResamplePlan`.

    Raises:
      ValueError: a bad affine (shape, non-finite, singular), both or neither of
        ``spacing`` and ``out_shape``, non-positive sizes, an unknown ``anchor`` or
        ``rounding``.
      TypeError: non-integer shapes, or traced ``spacing``/``affine``.

    Examples:
      A CT of 512 x 512 x 247 voxels of 0.78125 x 0.78125 x 1 mm, to 1 x 1 x 2 mm:

      >>> from jaxresample import plan_resample
      >>> affine = np.diag([0.78125, 0.78125, 1.0, 1.0])
      >>> plan = plan_resample((512, 512, 247), affine, spacing=(1.0, 1.0, 2.0))
      >>> plan.out_shape
      (400, 400, 124)
      >>> plan.spacing  # 247 mm / 124 voxels along k
      array([1.        , 1.        , 1.99193548])
      >>> plan.out_affine
      array([[1.        , 0.        , 0.        , 0.109375  ],
             [0.        , 1.        , 0.        , 0.109375  ],
             [0.        , 0.        , 1.99193548, 0.49596774],
             [0.        , 0.        , 0.        , 1.        ]])
    """
    return respacing_plan(
        shape, affine, spacing=spacing, out_shape=out_shape, anchor=anchor, rounding=rounding,
        fn="plan_resample",
    )  # fmt: skip


def respacing_plan(
    shape: Sequence[int],
    affine: Any,
    *,
    spacing: float | Sequence[float] | None,
    out_shape: int | Sequence[int] | None,
    anchor: Anchor,
    rounding: Rounding,
    fn: str,
) -> ResamplePlan:
    """:func:`plan_resample` for callers inside the library, whose errors name ``fn``."""
    in_shape = _shape_tuple(shape, fn=fn, name="shape")
    nd = len(in_shape)
    a = check_affine(affine, fn=fn, ndim=nd)
    check_choice(anchor, ANCHORS, fn=fn, name="anchor")
    check_choice(rounding, ROUNDINGS, fn=fn, name="rounding")
    if (spacing is None) == (out_shape is None):
        raise ValueError(
            f"{fn}: pass exactly one of spacing= and out_shape=; got spacing={fmt(spacing)}, "
            f"out_shape={fmt(out_shape)}"
        )
    s_in = voxel_sizes(a)
    target: tuple[float, ...] | None = None
    if spacing is not None:
        target = _spacing_tuple(spacing, nd, fn=fn, name="spacing")
        sizes = []
        for n, s, t in zip(in_shape, s_in, target, strict=True):
            if anchor == "first-voxel-centers" or (anchor == "centers" and n > 1):
                sizes.append(_count((n - 1) * s / t + 1.0, rounding))
            else:
                # n * (s / t), the SimpleITK recipe's and nnU-Net's order of operations: at
                # a decimal half (6 voxels of 0.9 mm to 1.2 mm: 4.5) float rounding decides
                # the side, and the same operations decide it the same way.
                sizes.append(_count(n * (s / t), rounding))
        m_shape = tuple(sizes)
    else:
        m_shape = _shape_tuple(out_shape, fn=fn, name="out_shape", ndim=nd)

    index_map = np.eye(nd + 1)
    reached = np.empty(nd)
    for ax, (n, m, s) in enumerate(zip(in_shape, m_shape, s_in, strict=True)):
        if anchor in ("first-voxel", "first-voxel-centers"):
            if target is not None and abs(target[ax] - s) > 1e-12 * s:
                c, d, r = target[ax] / s, 0.0, target[ax]
            elif target is not None:
                c, d, r = 1.0, 0.0, s
            elif anchor == "first-voxel-centers" and n > 1 and m > 1:
                c, d, r = (n - 1) / (m - 1), 0.0, s * (n - 1) / (m - 1)
            else:
                c, d, r = n / m, 0.0, s * n / m
        else:
            c, d = grid_map(n, m, anchor)
            r = s * c
        index_map[ax, ax] = c
        index_map[ax, nd] = d
        reached[ax] = r
    out_affine = a.copy() if np.array_equal(index_map, np.eye(nd + 1)) else a @ index_map
    return ResamplePlan(
        in_shape=in_shape,
        out_shape=m_shape,
        in_affine=_frozen(a),
        out_affine=_frozen(out_affine),
        index_map=_frozen(index_map),
        spacing=_frozen(reached),
        requested_spacing=_frozen(reached if target is None else target),
    )


def plan_to_reference(
    shape: Sequence[int],
    affine: Any,
    *,
    reference_shape: Sequence[int],
    reference_affine: Any,
) -> ResamplePlan:
    """Plan resampling a grid onto a reference grid (``resample_to_reference``).

    The output grid is the reference grid itself: ``out_shape == reference_shape`` and
    ``out_affine`` equals ``reference_affine``; the voxel map is
    ``inv(affine) @ reference_affine`` (nibabel's ``resample_from_to``). Entries of the map
    within ``1e-12`` of an integer are snapped to it, so a reference equal to the input grid
    (or shifted by whole voxels) gives an exact identity (or shift).

    Args:
      shape: the input's spatial shape (``n`` positive ints).
      affine: ``(n + 1, n + 1)`` voxel-to-world affine of the input.
      reference_shape: spatial shape of the reference grid (``n`` positive ints). Static.
      reference_affine: ``(n + 1, n + 1)`` voxel-to-world affine of the reference grid.

    Returns:
      A :class:`ResamplePlan`; its ``spacing`` and ``requested_spacing`` are the
      reference's voxel sizes.

    Raises:
      ValueError: a bad affine, or shapes/affines of different dimensionality.
      TypeError: non-integer shapes or traced affines.

    Examples:
      >>> from jaxresample import plan_to_reference
      >>> plan = plan_to_reference(
      ...     (10, 10), np.diag([1.0, 1.0, 1.0]),
      ...     reference_shape=(5, 5), reference_affine=np.diag([2.0, 2.0, 1.0]))
      >>> plan.index_map
      array([[2., 0., 0.],
             [0., 2., 0.],
             [0., 0., 1.]])
    """
    return reference_plan(
        shape, affine, reference_shape=reference_shape, reference_affine=reference_affine,
        fn="plan_to_reference",
    )  # fmt: skip


def reference_plan(
    shape: Sequence[int],
    affine: Any,
    *,
    reference_shape: Sequence[int],
    reference_affine: Any,
    fn: str,
) -> ResamplePlan:
    """:func:`plan_to_reference` for callers inside the library, whose errors name ``fn``."""
    in_shape = _shape_tuple(shape, fn=fn, name="shape")
    nd = len(in_shape)
    ref_shape = _shape_tuple(reference_shape, fn=fn, name="reference_shape")
    if len(ref_shape) != nd:
        raise ValueError(
            f"{fn}: reference_shape must have {nd} axes like shape {in_shape}; got {ref_shape}"
        )
    a = check_affine(affine, fn=fn, ndim=nd)
    ref = check_affine(reference_affine, fn=fn, ndim=nd, name="reference_affine")
    index_map = _snap_index_map(voxel_to_voxel(ref, a))
    reached = voxel_sizes(ref)
    return ResamplePlan(
        in_shape=in_shape,
        out_shape=ref_shape,
        in_affine=_frozen(a),
        out_affine=_frozen(ref),
        index_map=_frozen(index_map),
        spacing=_frozen(reached),
        requested_spacing=_frozen(reached),
    )
