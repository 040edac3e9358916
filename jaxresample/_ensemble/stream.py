"""Streaming ensembles: add members one at a time, in memory that does not grow with them.

:class:`EnsembleAccumulator` keeps the running weighted sum of the members' probabilities
(or logits, in logit space) and the weight so far. It is a pytree, so it can be the carry
of a ``lax.scan`` over the members (or over model parameters, one member per step), and
``finalize`` gives what :func:`jaxresample.softmax_ensemble` or
:func:`jaxresample.sigmoid_ensemble` give for the stacked members.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from .. import _dtypes
from .._validation import check_choice, fmt, is_traced, single_axis, static_int
from .members import (
    checked_weights,
    class_slices,
    member_channel,
    positive_scalar,
    softmax_slices,
    stack_classes,
)

__all__ = ["EnsembleAccumulator", "stream"]

Kind = Literal["softmax", "sigmoid"]


@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class EnsembleAccumulator:
    """The running state of an ensemble that receives its members one at a time.

    Build it with :meth:`init`, add members with :meth:`update` (pure: it returns a new
    accumulator), read the result with :meth:`finalize`. Memory is one member's size plus
    a weight per class, however many members are added.

    Attributes:
      total: the weighted sum of the members' probabilities (``space='prob'``) or logits.
      weight: the weight added so far, per class along the class axis (or a scalar).
      temperature: the logits are divided by it.
      mask: the classes allowed (a bool per class), or None for all.
      kind: ``'softmax'`` (mutually exclusive classes) or ``'sigmoid'`` (overlapping
        labels). Static.
      space: ``'prob'`` or ``'logit'``. Static.
      channel: the class axis of one member (None for a sigmoid ensemble without one).
        Static.

    Examples:
      >>> import jax, jax.numpy as jnp
      >>> from jaxresample import EnsembleAccumulator, softmax_ensemble
      >>> logits = jax.random.normal(jax.random.key(0), (4, 3, 8), jnp.float32)  # 4 members
      >>> acc = EnsembleAccumulator.init((3, 8), kind="softmax", axis=0)
      >>> acc, _ = jax.lax.scan(lambda a, z: (a.update(z), None), acc, logits)
      >>> bool(jnp.allclose(acc.finalize(), softmax_ensemble(logits, axis=1), atol=1e-6))
      True
    """

    total: jax.Array
    weight: jax.Array
    temperature: jax.Array
    mask: jax.Array | None = None
    kind: str = dataclasses.field(default="softmax", metadata=dict(static=True))
    space: str = dataclasses.field(default="prob", metadata=dict(static=True))
    channel: int | None = dataclasses.field(default=None, metadata=dict(static=True))

    @classmethod
    def init(
        cls,
        shape: Sequence[int],
        *,
        kind: Kind,
        axis: int | None = None,
        space: Literal["prob", "logit"] = "prob",
        temperature: ArrayLike = 1.0,
        dtype: Any = np.float32,
        where: ArrayLike | None = None,
    ) -> EnsembleAccumulator:
        """An empty accumulator for members of ``shape``.

        Args:
          shape: one member's shape. Static.
          kind: ``'softmax'`` or ``'sigmoid'`` (there is no accumulator for both). Static.
          axis: the class axis of a member: required for softmax, optional for sigmoid
            (needed for per-channel weights). Static.
          space: ``'prob'`` (average probabilities) or ``'logit'`` (average logits).
            Static.
          temperature: the logits are divided by it (> 0). Traced.
          dtype: the accumulation dtype (float32 default; float64 under x64). Static.
          where: softmax only: a bool per class, the classes allowed (the others get
            probability 0). Traced.

        Returns:
          An accumulator with nothing added.

        Raises:
          ValueError: an unknown kind or space, a softmax without a class axis or with one
            class, a bad shape, a non-positive temperature.
        """
        return cls._checked(shape, kind=kind, axis=axis, space=space, temperature=temperature,
                            dtype=dtype, where=where, fn="EnsembleAccumulator.init")  # fmt: skip

    @classmethod
    def _checked(
        cls, shape: Any, *, kind: Any, axis: Any, space: Any, temperature: Any, dtype: Any,
        where: Any, fn: str,
    ) -> EnsembleAccumulator:  # fmt: skip
        """:meth:`init`, its errors naming ``fn`` (the array functions stream through it)."""
        kind = check_choice(kind, ("softmax", "sigmoid"), fn=fn, name="kind")
        space = check_choice(space, ("prob", "logit"), fn=fn, name="space")
        if isinstance(shape, (str, bytes)) or np.ndim(shape) != 1:
            raise TypeError(f"{fn}: shape must be a sequence of ints; got {fmt(shape)}")
        dims = tuple(static_int(s, fn=fn, name="shape", minimum=0) for s in shape)
        channel = None if axis is None else single_axis(axis, len(dims), fn=fn, name="axis")
        if kind == "softmax" and (channel is None or dims[channel] < 2):
            raise ValueError(
                f"{fn}: a softmax ensemble needs a class axis of at least 2 classes; got "
                f"axis={fmt(axis)} for shape {dims}"
            )
        dt = np.dtype(dtype)
        if dt.kind != "f":
            raise TypeError(f"{fn}: dtype must be a floating dtype; got {fmt(dtype)}")
        dt = _dtypes.compute_dtype(dt)
        t = positive_scalar(temperature, dt, fn=fn, name="temperature")
        weight = jnp.zeros(() if channel is None else (dims[channel],), dt)
        mask = None
        if where is not None:
            mask = jnp.asarray(where)
            if kind != "softmax" or mask.dtype != jnp.bool_ or mask.shape != weight.shape:
                raise ValueError(
                    f"{fn}: where must be a bool per class of a softmax ensemble "
                    f"({weight.shape}); got {fmt(where)}"
                )
        return cls(jnp.zeros(dims, dt), weight, t, mask, kind, space, channel)

    def _along(self, v: jax.Array) -> jax.Array:
        if v.ndim == 0 or self.channel is None:
            return v
        shape = [1] * self.total.ndim
        shape[self.channel] = -1
        return v.reshape(shape)

    def _classes(self, fn: str) -> int:
        if self.channel is None:
            raise ValueError(f"{fn}: a softmax accumulator needs a class axis (use init)")
        return self.channel

    def update(self, logits: ArrayLike, weight: ArrayLike = 1.0) -> EnsembleAccumulator:
        """Add one member's logits with ``weight`` (a scalar, or one per class). Traced.

        Raises:
          ValueError: logits of another shape than the accumulator's, a weight of the
            wrong shape or negative.
          TypeError: integer or complex logits.
        """
        fn = "EnsembleAccumulator.update"
        z = _dtypes.as_array(logits, fn=fn, name="logits", complex_ok=False)
        if not jnp.issubdtype(z.dtype, jnp.floating):
            raise TypeError(f"{fn}: logits must be floating point; got dtype {z.dtype}")
        if z.shape != self.total.shape:
            raise ValueError(
                f"{fn}: logits must have the accumulator's shape {self.total.shape}; got {z.shape}"
            )
        w = jnp.asarray(weight, self.total.dtype)
        if w.shape not in ((), self.weight.shape):
            raise ValueError(
                f"{fn}: weight must be a scalar or of shape {self.weight.shape}; got {w.shape}"
            )
        if not is_traced(w) and bool(np.any(np.asarray(w) < 0)):
            raise ValueError(f"{fn}: weight must be nonnegative; got {fmt(weight)}")
        z = z.astype(self.total.dtype) / self.temperature
        if self.mask is not None:  # masked classes add nothing (their logits are set at the end)
            z = jnp.where(self._along(self.mask), z, -jnp.inf if self.space == "prob" else 0.0)
        if self.space == "logit":
            term = z
        elif self.kind == "sigmoid":
            term = jax.nn.sigmoid(z)
        else:
            parts = softmax_slices(class_slices(z, self._classes(fn)))[0]
            term = stack_classes(parts, self._classes(fn))
        return dataclasses.replace(
            self,
            total=self.total + self._along(w) * term,
            weight=self.weight + jnp.broadcast_to(w, self.weight.shape),
        )

    def finalize(self) -> jax.Array:
        """The ensemble's probabilities: the weighted mean of the members added.

        Raises:
          ValueError: no weight added yet (traced, the result is NaN there).
        """
        fn = "EnsembleAccumulator.finalize"
        if not is_traced(self.weight) and not bool(np.all(np.asarray(self.weight) > 0)):
            raise ValueError(f"{fn}: no member (or only zero weights) was added")
        mean = self.total / self._along(self.weight)
        if self.kind == "sigmoid":
            return jax.nn.sigmoid(mean) if self.space == "logit" else mean
        c = self._classes(fn)
        if self.space == "logit":
            if self.mask is not None:
                mean = jnp.where(self._along(self.mask), mean, -jnp.inf)
            return stack_classes(softmax_slices(class_slices(mean, c))[0], c)
        # per-class weights make the mixture sum to other than 1: renormalise it
        return mean / jnp.sum(mean, axis=c, keepdims=True)


@jax.jit
def _add(acc: EnsembleAccumulator, z: jax.Array, w: jax.Array) -> EnsembleAccumulator:
    return acc.update(z, w)


def stream(
    seq: Sequence[Any],
    *,
    kind: Kind,
    axis: Any,
    member_axis: Any,
    weights: Any,
    space: Any,
    temperature: Any,
    where: Any,
    fn: str,
) -> jax.Array:
    """The ensemble of a sequence of members, added one at a time (never stacked).

    ``axis`` and ``member_axis`` are in the numbering of the members stacked on
    ``member_axis``, as for stacked input.
    """
    if len(seq) == 0:
        raise ValueError(f"{fn}: logits has no members (an empty sequence)")
    members = [_dtypes.as_array(z, fn=fn, name="logits", complex_ok=False) for z in seq]
    first = members[0]
    for k, z in enumerate(members):
        if not jnp.issubdtype(z.dtype, jnp.floating):
            raise TypeError(f"{fn}: logits must be floating point; member {k} has {z.dtype}")
        if z.shape != first.shape:
            raise ValueError(
                f"{fn}: every member must have the shape of the first {first.shape}; "
                f"member {k} has {z.shape}"
            )
    channel = member_channel(axis, member_axis, first.ndim, fn=fn)
    if kind == "softmax" and (channel is None or first.shape[channel] < 2):
        raise ValueError(
            f"{fn}: the class axis has fewer than 2 classes; a softmax over one class is 1 "
            "everywhere. For a single yes/no channel use sigmoid_ensemble"
        )
    dt = _dtypes.compute_dtype(first.dtype)
    n = len(members)
    classes = None if channel is None else first.shape[channel]
    w = checked_weights(weights, n, classes, dt, fn=fn)
    w = jnp.ones((n,), dt) if w is None else w
    acc = EnsembleAccumulator._checked(
        first.shape, kind=kind, axis=channel, space=space, temperature=temperature, dtype=dt,
        where=where, fn=fn,
    )  # fmt: skip
    for k, z in enumerate(members):
        acc = _add(acc, z, w[k])
    return acc.finalize()
