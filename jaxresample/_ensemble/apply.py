"""Running the members: N models with stacked parameters, and flip test-time augmentation.

``ensemble_apply`` runs one model function with parameters stacked along a leading member
axis, under ``vmap`` (all members at once) or ``lax.map`` (one at a time, when memory is
tight), and combines the outputs. ``flip_tta`` runs a model on every combination of flips
of the given axes in one program, flips each prediction back and combines them (nnU-Net's
mirroring, which it runs as a Python loop).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp

from .._engine.jit import cpu_tuned_jit
from .._validation import axes_tuple, fmt

__all__ = ["ensemble_apply", "flip_tta"]


def ensemble_apply(
    apply_fn: Callable[[Any, Any], Any],
    stacked_params: Any,
    x: Any,
    *,
    combine: Callable[[Any], Any] | None = None,
    sequential: bool = False,
) -> Any:
    """Run ``apply_fn(params_m, x)`` for every member ``m`` and combine the outputs.

    Args:
      apply_fn: the model, ``(params, x) -> output`` (a pure JAX function).
      stacked_params: the members' parameters, a pytree whose every leaf has the members
        on axis 0 (``jax.tree.map(lambda *p: jnp.stack(p), *params)``). Traced.
      x: the input, shared by every member. Traced.
      combine: applied to the stacked outputs (members on axis 0), e.g.
        ``functools.partial(softmax_ensemble, axis=1)``; None returns them stacked.
      sequential: run the members one after the other (``lax.map``: memory of one member's
        activations) instead of all at once (``vmap``). Static.

    Returns:
      ``combine(outputs)``, or the outputs with the members on axis 0.

    Raises:
      ValueError: parameters without a common member axis.
      TypeError: a ``combine`` or ``apply_fn`` that is not callable.

    Examples:
      >>> import functools, jax.numpy as jnp
      >>> from jaxresample import ensemble_apply, softmax_ensemble
      >>> weights = jnp.stack([jnp.eye(2), 2 * jnp.eye(2)])  # 2 members of a linear model
      >>> model = lambda w, x: w @ x
      >>> probs = ensemble_apply(model, weights, jnp.array([1.0, 0.0]),
      ...                        combine=functools.partial(softmax_ensemble, axis=1))
      >>> probs.shape
      (2,)
    """
    fn = "ensemble_apply"
    if not callable(apply_fn):
        raise TypeError(f"{fn}: apply_fn must be callable; got {fmt(apply_fn)}")
    if not isinstance(sequential, bool):
        raise TypeError(f"{fn}: sequential must be a bool; got {fmt(sequential)}")
    leaves = jax.tree_util.tree_leaves(stacked_params)
    sizes = {jnp.shape(leaf)[0] if jnp.ndim(leaf) else None for leaf in leaves}
    if not leaves or len(sizes) != 1 or None in sizes or 0 in sizes:
        raise ValueError(
            f"{fn}: stacked_params must be a pytree of arrays that all stack the members on "
            f"axis 0; got leading sizes {sorted(map(str, sizes))}"
        )
    if combine is not None and not callable(combine):
        raise TypeError(f"{fn}: combine must be None or a callable; got {fmt(combine)}")
    return _members_program(stacked_params, x, apply_fn=apply_fn, combine=combine,
                            sequential=sequential)  # fmt: skip


@cpu_tuned_jit(static_argnames=("apply_fn", "combine", "sequential"))
def _members_program(
    stacked_params: Any, x: Any, *, apply_fn: Any, combine: Any, sequential: bool
) -> Any:
    # one compiled program per (apply_fn, combine) pair: pass the same function objects to
    # reuse it
    if sequential:
        outputs = jax.lax.map(lambda p: apply_fn(p, x), stacked_params)
    else:
        outputs = jax.vmap(apply_fn, in_axes=(0, None))(stacked_params, x)
    return outputs if combine is None else combine(outputs)


def flip_tta(
    apply_fn: Callable[[Any], Any],
    x: Any,
    *,
    axes: int | Sequence[int],
    combine: Callable[[Any], Any] | None = None,
) -> Any:
    """Predict on every combination of flips of ``axes``, flip back, and combine.

    ``apply_fn`` must keep the flipped axes where they are (a segmentation network maps an
    image to a map of the same spatial axes); each prediction is flipped back along the same
    axes before the outputs are stacked on a new axis 0, the identity first. ``2 ** len(axes)``
    predictions run in one program.

    Args:
      apply_fn: the model, ``x -> output``.
      x: the input. Traced.
      axes: the axes of ``x`` (and of the output) to mirror. Static.
      combine: applied to the stacked predictions (axis 0), e.g.
        ``functools.partial(softmax_ensemble, axis=1)``; None returns them stacked.

    Returns:
      ``combine(predictions)``, or the ``2 ** len(axes)`` predictions stacked on axis 0.

    Raises:
      ValueError: repeated or out-of-range axes; an output that lacks an axis of ``axes``.
      TypeError: a ``combine`` or ``apply_fn`` that is not callable.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample import flip_tta
      >>> smooth = lambda v: (v + jnp.roll(v, 1) + jnp.roll(v, -1)) / 3
      >>> flip_tta(smooth, jnp.arange(5.0), axes=0).shape
      (2, 5)
    """
    fn = "flip_tta"
    if not callable(apply_fn):
        raise TypeError(f"{fn}: apply_fn must be callable; got {fmt(apply_fn)}")
    if combine is not None and not callable(combine):
        raise TypeError(f"{fn}: combine must be None or a callable; got {fmt(combine)}")
    x = jnp.asarray(x)
    ax = axes_tuple(axes, x.ndim, fn=fn)  # refuses repeated axes
    return _flips_program(x, apply_fn=apply_fn, combine=combine, axes=ax)


@cpu_tuned_jit(static_argnames=("apply_fn", "combine", "axes"))
def _flips_program(x: Any, *, apply_fn: Any, combine: Any, axes: tuple[int, ...]) -> Any:
    outputs = []
    for k in range(len(axes) + 1):
        for subset in itertools.combinations(axes, k):
            y = apply_fn(jnp.flip(x, subset) if subset else x)
            if subset and jnp.ndim(y) <= max(subset):
                raise ValueError(
                    f"flip_tta: apply_fn's output of shape {jnp.shape(y)} lacks the flipped "
                    f"axes {subset}; the model must keep the spatial axes of its input"
                )
            outputs.append(jnp.flip(y, subset) if subset else y)
    stacked = jnp.stack(outputs)
    return stacked if combine is None else combine(stacked)
