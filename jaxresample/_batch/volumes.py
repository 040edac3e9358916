"""Many volumes resampled to one spacing: grouped by plan, each group one compiled program.

Two volumes whose input shape, dtype and voxel-to-voxel map (the plan's ``index_map``,
with its thick-slice orders and anti-aliasing sigmas, all decided by the voxel sizes) agree
run the same program: only their output affines differ, and those are computed on the
host. Each group runs in steps of one volume per device, sharded over the mesh
(:mod:`jaxresample._batch.sharding`); the last step of a group is padded, so a group
compiles once whatever its size.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import jax
import numpy as np
from jax.sharding import Mesh

from .._affine import check_affine, voxel_sizes
from .._casting import numeric_dtype
from .._dtypes import as_array
from .._validation import fmt, is_traced, static_int
from .._volumes.labels import resample_labels
from .._volumes.plan import ResamplePlan, respacing_plan
from .._volumes.resample import resample_to_spacing
from .sharding import check_mesh, place, sharded_program, unstack

__all__ = [
    "ResampleOptions",
    "VolumeProgram",
    "group_key",
    "plan_volume",
    "resample_batch",
    "volume_program",
]


def _frozen_affine(affine: np.ndarray) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(v) for v in row) for row in np.asarray(affine, np.float64))


@dataclasses.dataclass(frozen=True)
class ResampleOptions:
    """Everything of a respacing but the data and the affine: hashable, part of a program."""

    spacing: float | tuple[float, ...]
    order: int = 3
    order_z: int | None = None
    anisotropy_threshold: float = 3.0
    mode: str = "nearest"
    cval: float = 0.0
    anchor: str = "edges"
    rounding: str = "round"
    antialias: bool = False
    sigma_rule: str = "fwhm"
    clip: bool = False
    dtype: str | None = None
    #: Label maps: the label method (None for images) and the labels present.
    label_method: str | None = None

    def image_keywords(self) -> dict[str, Any]:
        """The keywords of :func:`resample_to_spacing` (all but image, affine, spacing)."""
        names = ("order", "order_z", "anisotropy_threshold", "mode", "cval", "anchor",
                 "rounding", "antialias", "sigma_rule", "clip", "dtype")  # fmt: skip
        return {n: getattr(self, n) for n in names}


@dataclasses.dataclass(frozen=True)
class VolumeProgram:
    """The resampling of one volume of a group, as a function of its data alone.

    Equal (and hashing equal) for equal geometry and options, so the compiled sharded
    program is found again by a later call or run in the same process.
    """

    affine: tuple[tuple[float, ...], ...]
    options: ResampleOptions
    label_values: tuple[int, ...] = ()

    def __call__(self, v: jax.Array) -> jax.Array:
        """Resample ``v`` (one volume)."""
        o, affine = self.options, np.array(self.affine)
        if o.label_method is None:
            return resample_to_spacing(v, affine, o.spacing, **o.image_keywords())[0]
        return resample_labels(
            v, affine, spacing=o.spacing, method=o.label_method,  # type: ignore[arg-type]
            label_values=self.label_values, anchor=o.anchor, rounding=o.rounding,  # type: ignore[arg-type]
        )[0]  # fmt: skip


def volume_program(
    affine: np.ndarray, options: ResampleOptions, label_values: tuple[int, ...] = ()
) -> VolumeProgram:
    """The resampling of one volume of a group, as a hashable function of its data."""
    return VolumeProgram(_frozen_affine(affine), options, tuple(label_values))


def plan_volume(
    shape: tuple[int, ...], affine: np.ndarray, options: ResampleOptions, *, fn: str
) -> ResamplePlan:
    """The plan of one volume (host-side; raises as ``fn``)."""
    nd = np.shape(affine)[0] - 1
    return respacing_plan(
        shape[:nd], affine, spacing=options.spacing, out_shape=None,
        anchor=options.anchor, rounding=options.rounding, fn=fn,  # type: ignore[arg-type]
    )  # fmt: skip


def group_key(
    shape: tuple[int, ...], dtype: Any, affine: np.ndarray, plan: ResamplePlan
) -> tuple[Any, ...]:
    """Volumes with equal keys run the same program (the plan's geometry, not the origin)."""
    return (
        tuple(shape),
        np.dtype(dtype).str,
        plan.out_shape,
        np.asarray(plan.index_map).tobytes(),
        voxel_sizes(affine).tobytes(),  # the thick-slice orders and anti-aliasing sigmas
    )


def _renamed(err: Exception, fn: str) -> Exception:
    """The same error, its message naming ``fn`` instead of the function it came from."""
    text = str(err)
    for inner in ("resample_to_spacing: ", "resample_labels: "):
        if text.startswith(inner):
            return type(err)(fn + ": " + text[len(inner) :])
    return err


def check_program(
    program: Callable[[jax.Array], jax.Array], shape: tuple[int, ...], dtype: Any, *, fn: str
) -> jax.ShapeDtypeStruct:
    """Trace ``program`` once on the host: bad options raise here, named ``fn``."""
    try:
        out = jax.eval_shape(program, jax.ShapeDtypeStruct(shape, dtype))
    except (ValueError, TypeError) as err:
        raise _renamed(err, fn) from None
    return out


def resample_batch(
    images: Sequence[Any] | np.ndarray | jax.Array,
    affines: Any,
    spacing: float | Sequence[float],
    *,
    order: int = 3,
    order_z: int | None = None,
    anisotropy_threshold: float = 3.0,
    mode: str = "nearest",
    cval: float = 0.0,
    anchor: str = "edges",
    rounding: str = "round",
    antialias: bool = False,
    sigma_rule: str = "fwhm",
    clip: bool = False,
    dtype: Any = None,
    mesh: Mesh | None = None,
) -> list[tuple[jax.Array, np.ndarray]]:
    """Resample many volumes to one voxel spacing, sharded over the devices of a mesh.

    Each volume gets exactly what :func:`jaxresample.resample_to_spacing` gives it (same
    grid, same affine, bitwise the same values as the same program on one device). The
    volumes are grouped by their plan (input shape, dtype and voxel sizes, which decide the
    output grid and the voxel map); each group compiles once and runs in steps of one
    volume per device, the batch axis sharded with
    ``NamedSharding(mesh, PartitionSpec("batch"))``, the last step padded and trimmed.

    Args:
      images: the volumes, a sequence of arrays ``(*spatial, *extra)`` (shapes may differ),
        or one stacked array with the volumes on axis 0.
      affines: one ``(ndim + 1, ndim + 1)`` affine per volume (a sequence, or an array
        ``(n, ndim + 1, ndim + 1)``), or a single affine shared by all. Concrete.
      spacing: output voxel size in mm, one value or one per spatial axis.
      order: B-spline order 0-5, see :func:`jaxresample.resample_to_spacing`, as are
        ``order_z``, ``anisotropy_threshold``, ``mode``, ``anchor``, ``rounding``,
        ``antialias``, ``sigma_rule``, ``clip`` and ``dtype``.
      order_z: B-spline order across thick slices; None: ``order``.
      anisotropy_threshold: the spacing ratio that makes an axis thick-slice.
      mode: boundary mode (scipy's names).
      cval: fill value of the constant modes, a Python number (it is part of the program).
      anchor: grid anchor.
      rounding: output size rounding.
      antialias: Gaussian anti-aliasing of the downsampled axes.
      sigma_rule: σ rule of the anti-aliasing.
      clip: clip to the input's range.
      dtype: dtype of the results; None keeps the floating result.
      mesh: a mesh with the single axis ``"batch"`` (:func:`batch_mesh`); None: every
        device of this process.

    Returns:
      One ``(data, affine)`` per volume, in input order: ``data`` a :class:`jax.Array` on
      the device that computed it, ``affine`` the float64 output affine.

    Raises:
      ValueError: no volumes, a number of affines that does not match, or a bad option
        (named as :func:`jaxresample.resample_to_spacing` would name it).
      TypeError: traced affines or spacing (they decide the output shapes), a bad mesh.

    Examples:
      >>> import numpy as np
      >>> from jaxresample.batch import resample_batch
      >>> vols = [np.zeros((8, 8, 6), np.float32), np.ones((10, 8, 6), np.float32)]
      >>> affine = np.diag([0.5, 0.5, 1.0, 1.0])
      >>> [(d.shape, np.diag(a)[:3].tolist()) for d, a in resample_batch(vols, affine, 1.0)]
      [((4, 4, 6), [1.0, 1.0, 1.0]), ((5, 4, 6), [1.0, 1.0, 1.0])]

    .. versionadded:: 0.1
    """
    fn = "resample_batch"
    if is_traced(affines) or is_traced(spacing):
        raise TypeError(f"{fn}: affines and spacing must be concrete (they decide the output "
                        "shapes)")  # fmt: skip
    m = check_mesh(mesh, fn=fn)
    if isinstance(images, (str, bytes)) or not hasattr(images, "__len__"):
        raise TypeError(f"{fn}: images must be a sequence of arrays; got {fmt(images)}")
    vols = [as_array(v, fn=fn, name="images") for v in images]
    if not vols:
        raise ValueError(f"{fn}: images must hold at least one volume; got none")
    given = np.asarray(affines, dtype=np.float64) if not isinstance(affines, (str, bytes)) else None
    if given is None or given.ndim not in (2, 3):
        raise ValueError(f"{fn}: affines must be one affine or one per volume; got {fmt(affines)}")
    if given.ndim == 2:
        given = np.broadcast_to(given, (len(vols), *given.shape))
    if given.shape[0] != len(vols):
        raise ValueError(
            f"{fn}: affines must hold one affine per volume ({len(vols)}); got {given.shape[0]}"
        )
    nd = given.shape[1] - 1
    if given.shape[1:] not in ((3, 3), (4, 4)):
        raise ValueError(f"{fn}: each affine must be 3x3 (2-D) or 4x4 (3-D); got shape "
                         f"{given.shape[1:]}")  # fmt: skip
    if isinstance(spacing, (str, bytes)):
        raise TypeError(f"{fn}: spacing must be a number or a sequence of numbers; got "
                        f"{fmt(spacing)}")  # fmt: skip
    sp = tuple(float(s) for s in np.atleast_1d(np.asarray(spacing, dtype=np.float64)))
    options = ResampleOptions(
        spacing=sp[0] if len(sp) == 1 else sp, order=static_int(order, fn=fn, name="order"),
        order_z=order_z, anisotropy_threshold=float(anisotropy_threshold), mode=mode,
        cval=float(cval), anchor=anchor, rounding=rounding, antialias=antialias,
        sigma_rule=sigma_rule, clip=clip,
        dtype=None if dtype is None else numeric_dtype(dtype, fn=fn).name,
    )  # fmt: skip
    groups: dict[tuple[Any, ...], list[int]] = {}
    plans: list[ResamplePlan] = []
    for i, (v, a) in enumerate(zip(vols, given, strict=True)):
        check_affine(a, fn=fn, ndim=nd)
        if v.ndim < nd:
            raise ValueError(f"{fn}: images[{i}] has {v.ndim} dimensions, fewer than the {nd} "
                             "spatial axes of its affine")  # fmt: skip
        plan = plan_volume(tuple(v.shape), a, options, fn=fn)
        plans.append(plan)
        groups.setdefault(group_key(tuple(v.shape), v.dtype, a, plan), []).append(i)
    results: list[Any] = [None] * len(vols)
    for members in groups.values():
        first = members[0]
        program = volume_program(given[first], options)
        check_program(program, tuple(vols[first].shape), vols[first].dtype, fn=fn)
        run = sharded_program(program, m)
        for start in range(0, len(members), m.size):
            step = members[start : start + m.size]
            batch, n = place(jax.numpy.stack([vols[i] for i in step]), m)
            for i, out in zip(step, unstack(run(batch), n), strict=True):
                results[i] = (out, np.array(plans[i].out_affine))
    return results
