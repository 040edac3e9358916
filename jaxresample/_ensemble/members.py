"""The checked arguments every ensembling function starts with, and the member-by-class slices.

Axes are given in the input's numbering (the member axis included). The data stay as given
(dtype and layout) until the compiled program: there each member and each class is a slice
of the input, cast to the compute dtype (float32; float64 under x64 for float64 data;
bfloat16 and float16 accumulate in float32), and the reductions over the members and the
classes are written out slice by slice. XLA then fuses the whole ensemble into one pass over
the input, whatever the layout, instead of materialising each member's softmax (a reduction
over a major class axis is ~10x slower on CPU than this, docs: Performance).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtypes
from .._validation import fmt, is_traced, single_axis

__all__ = [
    "Members",
    "checked_weights",
    "class_slices",
    "label_dtype",
    "member_channel",
    "member_weight",
    "members",
    "normalised_weights",
    "positive_scalar",
    "softmax_slices",
    "stack_classes",
]


class Members(NamedTuple):
    """Stacked members as given, with their axes (hashable statics apart from ``x``)."""

    x: jax.Array
    member_axis: int
    channel: int | None  # the class/channel axis of one member (member axis removed)

    @property
    def n(self) -> int:
        return int(self.x.shape[self.member_axis])

    def classes(self) -> int:
        if self.channel is None:
            raise ValueError("no class axis")  # internal: callers check first
        return int(self.member(0).shape[self.channel])

    def member(self, m: int, dtype: Any = None) -> jax.Array:
        """Member ``m`` (the member axis removed), cast to ``dtype`` if given."""
        one = jax.lax.index_in_dim(self.x, m, self.member_axis, keepdims=False)
        return one if dtype is None else one.astype(dtype)


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
    """Check the stacked members and their axes.

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
    return Members(x, m, None if c is None else c - (c > m))


def member_channel(axis: Any, member_axis: Any, member_ndim: int, *, fn: str) -> int | None:
    """The class axis of one member, from axes numbered as in the stacked members."""
    nd = member_ndim + 1
    m = single_axis(member_axis, nd, fn=fn, name="member_axis")
    if axis is None:
        return None
    c = single_axis(axis, nd, fn=fn, name="axis")
    if c == m:
        raise ValueError(
            f"{fn}: the class axis must not be the member axis; got axis={fmt(axis)} and "
            f"member_axis={fmt(member_axis)}"
        )
    return c - (c > m)


def compute_dtype(group: Members) -> np.dtype:
    return _dtypes.compute_dtype(group.x.dtype)


def normalised_weights(weights: Any, group: Members, *, fn: str) -> jax.Array | None:
    """:func:`checked_weights` of stacked members."""
    classes = None if group.channel is None else group.classes()
    return checked_weights(weights, group.n, classes, compute_dtype(group), fn=fn)


def checked_weights(
    weights: Any, n: int, classes: int | None, dtype: Any, *, fn: str
) -> jax.Array | None:
    """Weights of shape ``[n]`` or ``[n, classes]``, normalised over the members.

    Concrete weights must be finite, nonnegative, and give every class a positive total;
    traced weights are used as given (their total must not be 0).
    """
    if weights is None:
        return None
    w = jnp.asarray(weights)
    if not jnp.issubdtype(w.dtype, jnp.number) or jnp.issubdtype(w.dtype, jnp.complexfloating):
        raise TypeError(f"{fn}: weights must be real numbers; got dtype {w.dtype}")
    shapes = [(n,)] + ([(n, classes)] if classes is not None else [])
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
    w = w.astype(dtype)
    return w / jnp.sum(w, axis=0, keepdims=True)


def positive_scalar(value: Any, dtype: Any, *, fn: str, name: str) -> jax.Array:
    """A scalar such as ``temperature`` in ``dtype``; concrete values must be > 0."""
    v = _dtypes.as_scalar(value, fn=fn, name=name, complex_ok=False).astype(dtype)
    if not is_traced(v) and not float(v) > 0:
        raise ValueError(f"{fn}: {name} must be positive; got {fmt(value)}")
    return v


def member_weight(w: jax.Array | None, m: int, c: int | None, n: int) -> Any:
    """The weight of member ``m`` (for class ``c`` when the weights are per class)."""
    if w is None:
        return 1.0 / n
    return w[m] if w.ndim == 1 else w[m, c]


def stack_classes(parts: list[jax.Array], channel: int) -> jax.Array:
    """The class slices stacked back along ``channel``.

    Inside a larger program (``to_labels(softmax_ensemble(...))`` under ``jit``) XLA fuses
    the slices into their consumer and the stack is never stored.
    """
    return jnp.stack(parts, axis=channel)


def class_slices(one: jax.Array, channel: int) -> list[jax.Array]:
    """The classes of one member, each a slice without the class axis."""
    return [
        jax.lax.index_in_dim(one, c, channel, keepdims=False) for c in range(one.shape[channel])
    ]


def softmax_slices(logits: list[jax.Array]) -> tuple[list[jax.Array], list[jax.Array]]:
    """``(probabilities, log-probabilities)`` of one member's class slices, stably."""
    top = logits[0]
    for v in logits[1:]:
        top = jnp.maximum(top, v)
    shifted = [v - top for v in logits]
    exps = [jnp.exp(v) for v in shifted]
    total = exps[0]
    for e in exps[1:]:
        total = total + e
    inv, log_total = 1.0 / total, jnp.log(total)
    return [e * inv for e in exps], [v - log_total for v in shifted]


def label_dtype(count: int, *, signed: bool = False) -> np.dtype:
    """The smallest integer dtype holding labels ``0 .. count - 1`` (and -1 when ``signed``)."""
    kinds = (np.int8, np.int16, np.int32) if signed else (np.uint8, np.uint16, np.int32)
    for dt in kinds:
        if count - 1 <= np.iinfo(dt).max:
            return np.dtype(dt)
    return np.dtype(np.int32)
