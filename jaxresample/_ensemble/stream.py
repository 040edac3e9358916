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
from .members import class_slices, softmax_slices, stack_classes

__all__ = ["EnsembleAccumulator"]

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
      kind: ``'softmax'`` (mutually exclusive classes) or ``'sigmoid'`` (overlapping
        labels). Static.
      space: ``'prob'`` or ``'logit'``. Static.
      channel: the class axis of one member (None for a sigmoid ensemble without one).
        Static.

    Examples:
      >>> import jax, jax.numpy as jnp
      >>> from jaxresample import EnsembleAccumulator, softmax_ensemble
      >>> logits = jax.random.normal(jax.random.key(0), (4, 3, 8))  # 4 members, 3 classes
      >>> acc = EnsembleAccumulator.init((3, 8), kind="softmax", axis=0)
      >>> acc, _ = jax.lax.scan(lambda a, z: (a.update(z), None), acc, logits)
      >>> bool(jnp.allclose(acc.finalize(), softmax_ensemble(logits, axis=1), atol=1e-6))
      True
    """

    total: jax.Array
    weight: jax.Array
    temperature: jax.Array
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

        Returns:
          An accumulator with nothing added.

        Raises:
          ValueError: an unknown kind or space, a softmax without a class axis or with one
            class, a bad shape, a non-positive temperature.
        """
        fn = "EnsembleAccumulator.init"
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
        t = _dtypes.as_scalar(temperature, fn=fn, name="temperature", complex_ok=False)
        if not is_traced(t) and not float(t) > 0:
            raise ValueError(f"{fn}: temperature must be positive; got {fmt(temperature)}")
        weight = jnp.zeros(() if channel is None else (dims[channel],), dt)
        return cls(jnp.zeros(dims, dt), weight, t.astype(dt), kind, space, channel)

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
            return stack_classes(softmax_slices(class_slices(mean, c))[0], c)
        # per-class weights make the mixture sum to other than 1: renormalise it
        return mean / jnp.sum(mean, axis=c, keepdims=True)
