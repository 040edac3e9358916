"""The checked arguments every ensembling function starts with: members, axes, weights.

Axes are given in the input's numbering (the member axis included); the functions move the
member axis to the front and work on ``(members, ...)`` arrays whose class or channel axis is
``channel + 1``. Arithmetic is float32 (float64 under x64 for float64 data); bfloat16 and
float16 logits are accumulated in float32.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtypes
from .._validation import fmt, is_traced, single_axis

__all__ = ["Members", "label_dtype", "members", "normalised_weights", "per_class"]


class Members(NamedTuple):
    """Members stacked on axis 0 (compute dtype), and where the class axis went."""

    x: jax.Array
    channel: int | None  # the class/channel axis of one member (member axis removed)

    @property
    def n(self) -> int:
        return int(self.x.shape[0])

    def classes(self) -> int:
        assert self.channel is not None
        return int(self.x.shape[self.channel + 1])


def members(
    value: Any,
    *,
    axis: Any,
    member_axis: Any,
    fn: str,
    name: str = "logits",
    floating: bool = True,
    needs_axis: bool = False,
) -> Members:
    """Check the stacked members and their axes; move the member axis first.

    ``axis`` (the class or channel axis) may be None unless ``needs_axis``.
    """
    if needs_axis and axis is None:
        raise TypeError(f"{fn}: axis (the class axis) must be an integer; got None")
    x = _dtypes.as_array(value, fn=fn, name=name, complex_ok=False, bool_ok=not floating)
    if floating and not jnp.issubdtype(x.dtype, jnp.floating):
        raise TypeError(
            f"{fn}: {name} must be floating point (logits or probabilities); got dtype "
            f"{x.dtype} (label maps are combined with vote)"
        )
    if x.ndim < (2 if axis is not None else 1):
        raise ValueError(
            f"{fn}: {name} needs a member axis{' and a class axis' if axis is not None else ''}; "
            f"got shape {x.shape}"
        )
    m = single_axis(member_axis, x.ndim, fn=fn, name="member_axis")
    c = None
    if axis is not None:
        c = single_axis(axis, x.ndim, fn=fn, name="axis")
        if c == m:
            raise ValueError(
                f"{fn}: the class axis must not be the member axis; got axis={fmt(axis)} and "
                f"member_axis={fmt(member_axis)} for shape {x.shape}"
            )
    if x.shape[m] == 0:
        raise ValueError(f"{fn}: {name} has no members (axis {m} of shape {x.shape} is empty)")
    stacked = jnp.moveaxis(x, m, 0)
    if floating:
        stacked = stacked.astype(_dtypes.compute_dtype(x.dtype))
    return Members(stacked, None if c is None else c - (c > m))


def normalised_weights(weights: Any, group: Members, *, fn: str) -> jax.Array | None:
    """Weights of shape ``[members]`` or ``[members, classes]``, normalised over the members.

    Concrete weights must be finite, nonnegative, and give every class a positive total;
    traced weights are used as given (their total must not be 0).
    """
    if weights is None:
        return None
    w = jnp.asarray(weights)
    if not jnp.issubdtype(w.dtype, jnp.number) or jnp.issubdtype(w.dtype, jnp.complexfloating):
        raise TypeError(f"{fn}: weights must be real numbers; got dtype {w.dtype}")
    n = group.n
    shapes = [(n,)] + ([(n, group.classes())] if group.channel is not None else [])
    if tuple(w.shape) not in shapes:
        raise ValueError(
            f"{fn}: weights must have shape {' or '.join(str(s) for s in shapes)} (one per "
            f"member{', or per member and class' if len(shapes) > 1 else ''}); got shape "
            f"{tuple(w.shape)}"
        )
    if not is_traced(w):
        host = np.asarray(w, dtype=np.float64)
        if not np.all(np.isfinite(host)) or np.any(host < 0):
            raise ValueError(f"{fn}: weights must be finite and nonnegative; got {fmt(weights)}")
        if np.any(host.sum(axis=0) <= 0):
            raise ValueError(f"{fn}: the weights of some class sum to 0; got {fmt(weights)}")
    w = w.astype(group.x.dtype)
    return w / jnp.sum(w, axis=0, keepdims=True)


def per_class(w: jax.Array, group: Members) -> jax.Array:
    """Weights shaped to broadcast against the stacked members ``(members, ...)``."""
    shape = [1] * group.x.ndim
    shape[0] = group.n
    if w.ndim == 2:
        assert group.channel is not None
        shape[group.channel + 1] = w.shape[1]
    return w.reshape(shape)


def label_dtype(count: int, *, signed: bool = False) -> np.dtype:
    """The smallest integer dtype holding labels ``0 .. count - 1`` (and -1 when ``signed``)."""
    kinds = (np.int8, np.int16, np.int32) if signed else (np.uint8, np.uint16, np.int32)
    for dt in kinds:
        if count - 1 <= np.iinfo(dt).max:
            return np.dtype(dt)
    return np.dtype(np.int32)
