"""Combining the outputs of several segmentation models.

Softmax is for mutually exclusive classes (each voxel is exactly one label, background
included): the members' class probabilities are averaged and still sum to 1. Sigmoid is for
labels or regions that may overlap: each channel is its own yes/no, averaged on its own and
thresholded on its own, never normalised across channels. The two are separate functions, so
no call can ask for both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from .. import _dtypes
from .._casting import numeric_dtype
from .._engine.jit import cpu_tuned_jit
from .._validation import check_choice, fmt, is_traced, single_axis, static_int
from .members import (
    Members,
    class_slices,
    compute_dtype,
    label_dtype,
    member_channel,
    member_weight,
    members,
    normalised_weights,
    positive_scalar,
    softmax_slices,
    stack_classes,
)
from .stream import stream

__all__ = ["regions_to_labels", "sigmoid_ensemble", "softmax_ensemble", "to_labels", "vote"]

Space = Literal["prob", "logit"]
SPACES: tuple[Space, ...] = ("prob", "logit")


def _class_mask(where: Any, group: Members, *, fn: str) -> jax.Array | None:
    if where is None:
        return None
    mask = jnp.asarray(where)
    c = group.classes()
    if mask.dtype != jnp.bool_ or mask.shape != (c,):
        raise ValueError(f"{fn}: where must be a bool vector of the {c} classes; got {fmt(where)}")
    if not is_traced(mask) and not bool(np.any(np.asarray(mask))):
        raise ValueError(f"{fn}: where must keep at least one class; got all False")
    return mask


def softmax_ensemble(
    logits: ArrayLike | Sequence[ArrayLike],
    *,
    axis: int,
    member_axis: int = 0,
    weights: ArrayLike | None = None,
    space: Space = "prob",
    temperature: ArrayLike = 1.0,
    where: ArrayLike | None = None,
) -> jax.Array:
    """Class probabilities of an ensemble of softmax models (mutually exclusive classes).

    ``space='prob'`` (default) averages the members' softmax probabilities, the classic
    ensemble (weighted when ``weights`` are given); ``space='logit'`` is the softmax of the
    averaged logits (nnU-Net's fold averaging). With ``[members, classes]`` weights the
    per-class mixture is renormalised to sum to 1.

    Args:
      logits: the members' logits, stacked along ``member_axis`` (any float dtype;
        bfloat16/float16 are accumulated in float32); or a list or tuple of the members'
        arrays, added one at a time with :class:`EnsembleAccumulator` and never stacked
        (memory of one member; the axes are numbered as if stacked on ``member_axis``).
      axis: the class axis, in ``logits``'s numbering (it must have at least 2 classes).
        Static.
      member_axis: the axis that stacks the members. Static.
      weights: ``[members]`` or ``[members, classes]`` nonnegative weights, normalised over
        the members; None for equal weights. Traced (differentiable, vmappable).
      space: ``'prob'`` or ``'logit'``. Static.
      temperature: the logits are divided by it (> 0). Traced.
      where: a bool vector over the classes: the classes allowed; the others get
        probability 0 and the softmax runs over the rest. Traced.

    Returns:
      Probabilities, the member axis removed, summing to 1 along the class axis.

    Raises:
      ValueError: one class (use :func:`sigmoid_ensemble` for a single yes/no channel), the
        class axis equal to the member axis, weights of the wrong shape or negative, an
        unknown space, a non-positive temperature, an all-False ``where``.
      TypeError: integer, bool or complex logits.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample import softmax_ensemble
      >>> logits = jnp.log(jnp.array([[0.9, 0.1], [0.5, 0.5]]))  # 2 members, 2 classes
      >>> print(softmax_ensemble(logits, axis=1))
      [0.7 0.3]
    """
    fn = "softmax_ensemble"
    space = check_choice(space, SPACES, fn=fn, name="space")
    if isinstance(logits, (list, tuple)):  # members one at a time: never stacked
        return stream(logits, kind="softmax", axis=axis, member_axis=member_axis,
                      weights=weights, space=space, temperature=temperature, where=where,
                      fn=fn)  # fmt: skip
    group = members(logits, axis=axis, member_axis=member_axis, fn=fn, needs_axis=True)
    if group.classes() < 2:
        raise ValueError(
            f"{fn}: the class axis {axis} has {group.classes()} class; a softmax over one class "
            "is 1 everywhere. For a single yes/no channel use sigmoid_ensemble"
        )
    w = normalised_weights(weights, group, fn=fn)
    t = positive_scalar(temperature, compute_dtype(group), fn=fn, name="temperature")
    mask = _class_mask(where, group, fn=fn)
    # Called eagerly, the probabilities are the result: computed with the classes on the
    # minor axis (row reductions), ~1.7x faster on CPU. Traced (inside the caller's jit,
    # vmap or grad), the class slices let XLA fuse the ensemble into what consumes it
    # (to_labels: one pass, no probabilities stored). Docs: Performance.
    program = _softmax_ensemble if is_traced(group.x) else _softmax_ensemble_minor
    return program(
        group.x, w, t, mask, member_axis=group.member_axis, channel=group.channel, space=space
    )


@cpu_tuned_jit(static_argnames=("member_axis", "channel", "space"))
def _softmax_ensemble(x, w, t, mask, *, member_axis, channel, space):
    group = Members(x, member_axis, channel)
    dt, n = compute_dtype(group), group.n
    acc: list[Any] = []
    for m in range(n):
        logits = class_slices(group.member(m, dt) / t, channel)
        if mask is not None and space == "prob":
            logits = [jnp.where(mask[c], v, -jnp.inf) for c, v in enumerate(logits)]
        terms = logits if space == "logit" else softmax_slices(logits)[0]
        terms = [member_weight(w, m, c, n) * v for c, v in enumerate(terms)]
        acc = terms if not acc else [a + v for a, v in zip(acc, terms, strict=True)]
    if space == "logit":
        if mask is not None:  # after the mean: a zero weight times -inf would be NaN
            acc = [jnp.where(mask[c], v, -jnp.inf) for c, v in enumerate(acc)]
        acc = softmax_slices(acc)[0]
    elif w is not None and w.ndim == 2:  # per-class weights: renormalise the mixture
        total = acc[0]
        for v in acc[1:]:
            total = total + v
        acc = [v / total for v in acc]
    return stack_classes(acc, channel)


@cpu_tuned_jit(static_argnames=("member_axis", "channel", "space"))
def _softmax_ensemble_minor(x, w, t, mask, *, member_axis, channel, space):
    group = Members(x, member_axis, channel)
    dt, n = compute_dtype(group), group.n
    acc: Any = None
    for m in range(n):
        z = jnp.moveaxis(group.member(m, dt), channel, -1) / t
        minor = (1,) * (z.ndim - 1) + (-1,)  # a class vector along the minor axis
        if mask is not None and space == "prob":
            z = jnp.where(mask.reshape(minor), z, -jnp.inf)
        term = z if space == "logit" else jax.nn.softmax(z, axis=-1)
        wm = 1.0 / n if w is None else (w[m] if w.ndim == 1 else w[m].reshape(minor))
        acc = wm * term if acc is None else acc + wm * term
    if space == "logit":
        if mask is not None:  # after the mean: a zero weight times -inf would be NaN
            acc = jnp.where(mask.reshape((1,) * (acc.ndim - 1) + (-1,)), acc, -jnp.inf)
        acc = jax.nn.softmax(acc, axis=-1)
    elif w is not None and w.ndim == 2:  # per-class weights: renormalise the mixture
        acc = acc / jnp.sum(acc, axis=-1, keepdims=True)
    return jnp.moveaxis(acc, -1, channel)


def sigmoid_ensemble(
    logits: ArrayLike | Sequence[ArrayLike],
    *,
    member_axis: int = 0,
    axis: int | None = None,
    weights: ArrayLike | None = None,
    space: Space = "prob",
    threshold: ArrayLike | None = None,
) -> jax.Array:
    """Per-channel probabilities of an ensemble of sigmoid models (labels that may overlap).

    Each channel is averaged on its own (``space='prob'``: the mean of the members'
    sigmoids; ``'logit'``: the sigmoid of the mean logit) and never normalised across
    channels. With ``threshold`` the result is the masks ``probability > threshold``: the
    threshold is always a probability, never a logit.

    Args:
      logits: the members' logits, stacked along ``member_axis``; or a list or tuple of
        the members' arrays, added one at a time and never stacked.
      member_axis: the axis that stacks the members. Static.
      axis: the channel axis (in ``logits``'s numbering), needed for ``[members, channels]``
        weights or per-channel thresholds; None otherwise. Static.
      weights: ``[members]`` or ``[members, channels]`` nonnegative weights. Traced.
      space: ``'prob'`` or ``'logit'``. Static.
      threshold: None for probabilities; a probability in ``[0, 1]``, or one per channel,
        for bool masks. Traced.

    Returns:
      Probabilities (the member axis removed), or bool masks with ``threshold``.

    Raises:
      ValueError: a threshold outside ``[0, 1]`` (a logit?), per-channel values without
        ``axis``, the channel axis equal to the member axis, bad weights.
      TypeError: integer, bool or complex logits.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample import sigmoid_ensemble
      >>> logits = jnp.array([[2.0, -1.0], [0.0, -3.0]])  # 2 members, 2 overlapping labels
      >>> print(sigmoid_ensemble(logits, threshold=0.5))
      [ True False]
    """
    fn = "sigmoid_ensemble"
    space = check_choice(space, SPACES, fn=fn, name="space")
    if isinstance(logits, (list, tuple)):  # members one at a time: never stacked
        p = stream(logits, kind="sigmoid", axis=axis, member_axis=member_axis,
                   weights=weights, space=space, temperature=1.0, where=None, fn=fn)  # fmt: skip
        if threshold is None:
            return p
        channel = member_channel(axis, member_axis, p.ndim, fn=fn)
        return p > _threshold(threshold, Members(p[None], 0, channel), fn=fn)
    group = members(logits, axis=axis, member_axis=member_axis, fn=fn)
    w = normalised_weights(weights, group, fn=fn)
    t = None if threshold is None else _threshold(threshold, group, fn=fn)
    return _sigmoid_ensemble(
        group.x, w, t, member_axis=group.member_axis, channel=group.channel, space=space
    )


def _threshold(threshold: Any, group: Members, *, fn: str) -> jax.Array:
    t = jnp.asarray(threshold)
    if not jnp.issubdtype(t.dtype, jnp.number) or jnp.issubdtype(t.dtype, jnp.complexfloating):
        raise TypeError(f"{fn}: threshold must be a real probability; got {fmt(threshold)}")
    if t.ndim > 1 or (t.ndim == 1 and (group.channel is None or t.shape[0] != group.classes())):
        raise ValueError(
            f"{fn}: threshold must be one probability, or one per channel of the channel axis "
            f"(pass axis=); got shape {t.shape}"
        )
    if not is_traced(t):
        host = np.asarray(t, np.float64)
        if not np.all((host >= 0) & (host <= 1)):
            raise ValueError(
                f"{fn}: threshold is a probability in [0, 1] (thresholds apply to the "
                f"probabilities, never to the logits); got {fmt(threshold)}"
            )
    t = t.astype(compute_dtype(group))
    if t.ndim == 1:
        shape = [1] * (group.x.ndim - 1)
        shape[group.channel] = -1  # type: ignore[index]
        t = t.reshape(shape)
    return t


@cpu_tuned_jit(static_argnames=("member_axis", "channel", "space"))
def _sigmoid_ensemble(x, w, t, *, member_axis, channel, space):
    group = Members(x, member_axis, channel)
    dt, n = compute_dtype(group), group.n
    acc: Any = None
    for m in range(n):
        one = group.member(m, dt)
        term = one if space == "logit" else jax.nn.sigmoid(one)
        if w is None:
            term = term / n
        elif w.ndim == 1:
            term = term * w[m]
        else:  # per channel, along the channel axis
            shape = [1] * one.ndim
            shape[channel] = -1
            term = term * w[m].reshape(shape)
        acc = term if acc is None else acc + term
    p = jax.nn.sigmoid(acc) if space == "logit" else acc
    return p if t is None else p > t


def _label_dtype(dtype: Any, count: int, *, fn: str, signed: bool = False) -> np.dtype:
    if dtype is None:
        return label_dtype(count, signed=signed)
    dt = numeric_dtype(dtype, fn=fn)
    if dt.kind not in "iu" or count - 1 > np.iinfo(dt).max or (signed and dt.kind == "u"):
        raise ValueError(
            f"{fn}: dtype must be an integer dtype holding the labels 0..{count - 1}"
            f"{' and -1' if signed else ''}; got {fmt(dtype)}"
        )
    return dt


def to_labels(probabilities: ArrayLike, *, axis: int, dtype: Any = None) -> jax.Array:
    """The most probable class along ``axis``, in the smallest integer dtype that holds it.

    Ties go to the lowest class (``argmax``). NaN probabilities count as the largest.

    Args:
      probabilities: probabilities (or logits: the argmax is the same) with a class axis.
      axis: the class axis. Static.
      dtype: the label dtype; default uint8 up to 256 classes, then uint16, then int32.

    Returns:
      Labels, the class axis removed.

    Raises:
      ValueError: a dtype that cannot hold the labels, a bad axis.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample import to_labels
      >>> to_labels(jnp.array([[0.2, 0.7], [0.8, 0.3]]), axis=0)
      Array([1, 0], dtype=uint8)
    """
    fn = "to_labels"
    x = _dtypes.as_array(probabilities, fn=fn, name="probabilities", complex_ok=False)
    if x.ndim == 0:
        raise ValueError(f"{fn}: probabilities need a class axis; got a scalar")
    a = single_axis(axis, x.ndim, fn=fn, name="axis")
    if x.shape[a] == 0:
        raise ValueError(f"{fn}: the class axis {axis} of shape {x.shape} holds no classes")
    dt = _label_dtype(dtype, x.shape[a], fn=fn)
    return _to_labels(x, axis=a, out_dtype=dt)


#: Up to this many classes the argmax is a chain of compares over the class slices (fusable
#: with the program that makes the probabilities); above it, ``jnp.argmax``.
_UNROLLED_CLASSES = 64


@cpu_tuned_jit(static_argnames=("axis", "out_dtype"))
def _to_labels(x, *, axis, out_dtype):
    if x.shape[axis] > _UNROLLED_CLASSES:
        return jnp.argmax(x, axis=axis).astype(out_dtype)
    classes = class_slices(x, axis)
    best, label = classes[0], jnp.zeros(classes[0].shape, out_dtype)
    for c, v in enumerate(classes[1:], start=1):
        # strictly greater keeps ties at the lowest class; a NaN wins, as in argmax
        better = (v > best) | (jnp.isnan(v) & ~jnp.isnan(best))
        best, label = (
            jnp.where(better, v, best),
            jnp.where(better, jnp.asarray(c, out_dtype), label),
        )
    return label


def vote(
    labels: ArrayLike,
    *,
    num_classes: int,
    member_axis: int = 0,
    weights: ArrayLike | None = None,
    ties: Literal["lowest", "undecided"] = "lowest",
) -> jax.Array:
    """Majority vote of the members' label maps.

    Each member votes for its label with its weight; the label with the largest total wins.
    ``ties='lowest'`` gives a tie to the lowest label; ``'undecided'`` marks it -1 (the
    result is then a signed dtype). Labels outside ``[0, num_classes)`` cast no vote.

    Args:
      labels: integer or bool label maps stacked along ``member_axis``.
      num_classes: the number of labels. Static.
      member_axis: the axis that stacks the members. Static.
      weights: ``[members]`` nonnegative weights; None for one vote each. Traced.
      ties: ``'lowest'`` or ``'undecided'``. Static.

    Returns:
      Labels, the member axis removed (uint8 up to 256 classes; int8 with ``'undecided'``
      up to 128).

    Raises:
      ValueError: a bad ``num_classes``, ``ties`` or weights; float labels.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample import vote
      >>> maps = jnp.array([[0, 1, 2], [1, 1, 2], [0, 2, 1]])  # 3 members, 3 voxels
      >>> vote(maps, num_classes=3)
      Array([0, 1, 2], dtype=uint8)
      >>> vote(maps[:2], num_classes=3, ties="undecided")
      Array([-1,  1,  2], dtype=int8)
    """
    fn = "vote"
    ties = check_choice(ties, ("lowest", "undecided"), fn=fn, name="ties")
    k = static_int(num_classes, fn=fn, name="num_classes", minimum=1)
    group = members(
        labels, axis=None, member_axis=member_axis, fn=fn, name="labels", floating=False
    )
    if group.x.dtype.kind not in "iub":
        raise ValueError(f"{fn}: labels must be integers or bools; got dtype {group.x.dtype}")
    w = normalised_weights(weights, group, fn=fn)
    dt = label_dtype(k, signed=ties == "undecided")
    return _vote(group.x, w, member_axis=group.member_axis, k=k, undecided=ties == "undecided",
                 out_dtype=dt)  # fmt: skip


@cpu_tuned_jit(static_argnames=("member_axis", "k", "undecided", "out_dtype"))
def _vote(x, w, *, member_axis, k, undecided, out_dtype):
    group = Members(x, member_axis, None)
    n = group.n
    maps = [group.member(m) for m in range(n)]
    counts: list[Any] = []
    for c in range(k):
        total: Any = None
        for m, v in enumerate(maps):
            term = jnp.where(v == c, jnp.asarray(member_weight(w, m, None, n), jnp.float32), 0.0)
            total = term if total is None else total + term
        counts.append(total)
    best, label = counts[0], jnp.zeros(counts[0].shape, out_dtype)
    tied = jnp.zeros(counts[0].shape, bool)
    for c, v in enumerate(counts[1:], start=1):
        tied = jnp.where(v > best, False, tied | (v == best))
        better = v > best
        best, label = (
            jnp.where(better, v, best),
            jnp.where(better, jnp.asarray(c, out_dtype), label),
        )
    if undecided:
        label = jnp.where(tied, jnp.asarray(-1, out_dtype), label)
    return label


def regions_to_labels(
    masks: ArrayLike, *, axis: int, order: Sequence[int] | None = None
) -> jax.Array:
    """Paint region masks into one label map, later regions over earlier ones (nnU-Net).

    Region-based training predicts overlapping regions (e.g. whole tumour, tumour core,
    enhancing tumour); the label map paints channel ``i`` with label ``order[i]`` in
    channel order, so a nested region overrides the one that contains it.

    Args:
      masks: bool masks with a channel axis (threshold probabilities first, e.g. with
        :func:`sigmoid_ensemble`'s ``threshold``).
      axis: the channel axis. Static.
      order: the label painted for each channel (default ``1, 2, ...``); 0 is background.
        Static.

    Returns:
      Labels, the channel axis removed, in the smallest unsigned dtype that holds them.

    Raises:
      ValueError: ``order`` of the wrong length or with negative labels.
      TypeError: masks that are not bool.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample import regions_to_labels
      >>> masks = jnp.array([[True, True, False], [False, True, False]])  # 2 regions, 3 voxels
      >>> regions_to_labels(masks, axis=0, order=(1, 2))
      Array([1, 2, 0], dtype=uint8)
    """
    fn = "regions_to_labels"
    x = _dtypes.as_array(masks, fn=fn, name="masks", bool_ok=True)
    if x.dtype != jnp.bool_:
        raise TypeError(
            f"{fn}: masks must be bool; got dtype {x.dtype} (threshold probabilities first, "
            "e.g. sigmoid_ensemble(..., threshold=0.5))"
        )
    if x.ndim == 0:
        raise ValueError(f"{fn}: masks need a channel axis; got a scalar")
    a = single_axis(axis, x.ndim, fn=fn, name="axis")
    n = x.shape[a]
    if order is None:
        values = tuple(range(1, n + 1))
    else:
        if isinstance(order, (str, bytes)) or np.ndim(order) != 1 or len(order) != n:
            raise ValueError(f"{fn}: order must give one label per channel ({n}); got {fmt(order)}")
        values = tuple(static_int(v, fn=fn, name="order", minimum=0) for v in order)
    dt = label_dtype(max(values, default=0) + 1)
    out = jnp.zeros(x.shape[:a] + x.shape[a + 1 :], dt)
    for i, v in enumerate(values):
        out = jnp.where(jnp.take(x, i, axis=a), jnp.asarray(v, dt), out)
    return out
