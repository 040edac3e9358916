"""One function over a batch of volumes, the batch axis sharded over a mesh of devices.

The batch is padded to a multiple of the number of devices (with copies of its last
volume, values the function is sure to accept), placed with a
:class:`jax.sharding.NamedSharding` that splits axis 0 over the mesh's ``"batch"`` axis,
and trimmed after. Each device runs ``lax.map`` over its own volumes inside
:func:`jax.shard_map`: one volume at a time, the program a single volume compiles to, so
the results are bitwise those of one device (a ``vmap`` would batch the products and
change their rounding, by about 1 float32 ulp) and a device holds the temporaries of one
volume, not of its whole share.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from .._validation import fmt

__all__ = ["AXIS", "batch_mesh", "check_mesh", "map_sharded", "place", "sharded_program", "unstack"]

#: The name of the mesh axis the batch is split over.
AXIS = "batch"


def batch_mesh(*, devices: Sequence[Any] | None = None) -> Mesh:
    """A one-axis mesh named ``"batch"`` over the devices of this process.

    Args:
      devices: the devices to use; None (default) takes every device of this process
        (``jax.local_devices()``): with several processes (``jax.distributed``) each one
        works on its own share of a dataset with its own devices.

    Returns:
      A :class:`jax.sharding.Mesh` with the single axis ``"batch"``.

    Raises:
      ValueError: an empty list of devices, or one device given twice.
      TypeError: something that is not a JAX device.

    Examples:
      >>> from jaxresample.batch import batch_mesh
      >>> mesh = batch_mesh()
      >>> mesh.axis_names, mesh.size == len(jax.local_devices())
      (('batch',), True)
    """
    fn = "batch_mesh"
    if devices is None:
        found = list(jax.local_devices())
    else:
        if isinstance(devices, (str, bytes)) or not isinstance(devices, Sequence):
            raise TypeError(f"{fn}: devices must be a sequence of JAX devices; got {fmt(devices)}")
        found = list(devices)
        if not found:
            raise ValueError(f"{fn}: devices must hold at least one device; got an empty list")
        bad = [d for d in found if not isinstance(d, jax.Device)]
        if bad:
            raise TypeError(f"{fn}: devices must be JAX devices; got {fmt(bad[0])}")
        if len({d.id for d in found}) != len(found):
            raise ValueError(f"{fn}: devices lists a device twice; got {found}")
    return Mesh(np.array(found, dtype=object), (AXIS,))


def check_mesh(mesh: Any, *, fn: str) -> Mesh:
    """``mesh``, or the default one when None; a mesh without a ``"batch"`` axis is refused."""
    if mesh is None:
        return batch_mesh()
    if not isinstance(mesh, Mesh):
        raise TypeError(f"{fn}: mesh must be a jax.sharding.Mesh or None; got {fmt(mesh)}")
    if mesh.axis_names != (AXIS,):
        raise ValueError(
            f"{fn}: mesh must have the single axis {AXIS!r} (see batch_mesh); got axes "
            f"{mesh.axis_names}"
        )
    return mesh


def _build(fn: Callable[[Any], Any], mesh: Mesh) -> Callable[[Any], Any]:
    spec = PartitionSpec(AXIS)
    mapped = jax.shard_map(
        lambda local: jax.lax.map(fn, local), mesh=mesh, in_specs=spec, out_specs=spec
    )
    sharding = NamedSharding(mesh, spec)
    return jax.jit(mapped, in_shardings=sharding, out_shardings=sharding)


_cached = functools.lru_cache(maxsize=64)(_build)


def sharded_program(fn: Callable[[Any], Any], mesh: Mesh) -> Callable[[Any], Any]:
    """``fn`` mapped over axis 0, that axis sharded over ``mesh``: compiled once per shape.

    The program is cached by ``(fn, mesh)``: a stable, hashable ``fn`` (a module-level
    function or a :func:`functools.partial` of one with hashable arguments) compiles once
    per shape; an unhashable one gets a program of its own.
    """
    try:
        return _cached(fn, mesh)
    except TypeError:  # unhashable (a partial holding an array, ...)
        return _build(fn, mesh)


def unstack(out: jax.Array, n: int) -> list[jax.Array]:
    """The first ``n`` volumes of a sharded batch, each on the device that computed it."""
    parts: list[Any] = [None] * n
    for shard in out.addressable_shards:
        start = shard.index[0].start or 0
        for k in range(shard.data.shape[0]):
            if start + k < n:
                parts[start + k] = shard.data[k]
    return parts


def _padded(batch: Any, size: int) -> tuple[Any, int]:
    leaves = jax.tree_util.tree_leaves(batch)
    n = int(np.shape(leaves[0])[0])
    extra = -n % size
    if extra == 0:
        return batch, n

    def pad(x: Any) -> Any:
        tail = x[-1:]
        reps = (extra,) + (1,) * (np.ndim(x) - 1)
        xp = np if isinstance(x, np.ndarray) else jax.numpy
        return xp.concatenate([x, xp.tile(tail, reps)], axis=0)

    return jax.tree_util.tree_map(pad, batch), n


def place(batch: Any, mesh: Mesh) -> tuple[Any, int]:
    """Pad ``batch`` (a pytree of arrays with the volumes on axis 0) and shard it."""
    padded, n = _padded(batch, mesh.size)
    sharding = NamedSharding(mesh, PartitionSpec(AXIS))
    return jax.device_put(padded, sharding), n


def map_sharded(fn: Callable[[Any], Any], batch: Any, *, mesh: Mesh | None = None) -> Any:
    """Apply ``fn`` to every volume of a batch, the batch split over the devices of a mesh.

    The batch (axis 0 of every leaf) is padded to a multiple of the number of devices,
    sharded with ``NamedSharding(mesh, PartitionSpec("batch"))``, mapped and trimmed. Each
    device runs ``fn`` on its volumes one after the other (``lax.map`` inside
    :func:`jax.shard_map`), so the result is bitwise the result on a single device and a
    device needs the memory of one call of ``fn`` at a time, plus its share of the batch.

    Args:
      fn: a function of one volume (a pytree of arrays), returning a pytree of arrays of
        shapes that do not depend on the values. For the compiled program to be reused
        across calls, pass the same function object (a module-level function, or a
        :func:`functools.partial` of one with hashable arguments); a new lambda per call
        compiles again.
      batch: a pytree of arrays whose leaves all hold the volumes along axis 0 (same
        length).
      mesh: a mesh with the single axis ``"batch"`` (see :func:`batch_mesh`); None: every
        device of this process.

    Returns:
      ``fn``'s outputs stacked along axis 0, one per volume, sharded over the mesh.

    Raises:
      TypeError: ``fn`` is not callable, or ``mesh`` is not a mesh.
      ValueError: an empty batch, leaves of different lengths, or a mesh with other axes.

    Examples:
      >>> import functools
      >>> import jax.numpy as jnp
      >>> from jaxresample import smooth
      >>> from jaxresample.batch import map_sharded
      >>> volumes = jnp.ones((3, 8, 8, 4))
      >>> blur = functools.partial(smooth, fwhm_mm=2.0, spacing=(1.0, 1.0, 2.0))
      >>> out = map_sharded(blur, volumes)
      >>> out.shape, bool(jnp.allclose(out, 1.0))
      ((3, 8, 8, 4), True)
    """
    name = "map_sharded"
    if not callable(fn):
        raise TypeError(f"{name}: fn must be callable; got {fmt(fn)}")
    m = check_mesh(mesh, fn=name)
    leaves = jax.tree_util.tree_leaves(batch)
    if not leaves:
        raise ValueError(f"{name}: batch must hold at least one array; got {fmt(batch)}")
    lengths = {int(np.shape(x)[0]) if np.ndim(x) else -1 for x in leaves}
    if -1 in lengths:
        raise ValueError(f"{name}: every leaf of batch needs a batch axis 0; got a scalar")
    if len(lengths) != 1:
        raise ValueError(
            f"{name}: every leaf of batch must hold the same number of volumes; got "
            f"{sorted(lengths)}"
        )
    if lengths == {0}:
        raise ValueError(f"{name}: batch must hold at least one volume; got 0")
    placed, n = place(batch, m)
    out = sharded_program(fn, m)(placed)
    return jax.tree_util.tree_map(lambda y: y[:n], out) if n % m.size else out
