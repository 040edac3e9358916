"""How much an ensemble of softmax models agrees: entropies, mutual information, variance.

For members' class probabilities ``p_m`` (weights ``w_m``, mean ``p̄ = Σ w_m p_m``), in nats:

* predictive entropy ``H(p̄)``: total uncertainty;
* expected entropy ``Σ w_m H(p_m)``: what each member is unsure of (aleatoric);
* mutual information ``H(p̄) - Σ w_m H(p_m)`` (BALD): where the members disagree
  (epistemic); two confident members that disagree give ``ln 2``;
* variance ``Σ w_m (p_m - p̄)²`` per class.

All are computed in one pass over the members; from logits the entropies use
``log_softmax``, so confident members (probabilities that round to 0) stay exact.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

import jax
import jax.numpy as jnp
from jax.scipy.special import entr
from jax.typing import ArrayLike

from .._engine.jit import cpu_tuned_jit
from .._validation import check_choice
from .members import (
    Members,
    class_slices,
    compute_dtype,
    member_weight,
    members,
    normalised_weights,
    softmax_slices,
)

__all__ = ["EnsembleUncertainty", "ensemble_uncertainty"]


class EnsembleUncertainty(NamedTuple):
    """The uncertainty maps of an ensemble (a pytree: jit, vmap and grad pass it through).

    Attributes:
      mean: the ensemble's class probabilities (the class axis kept).
      predictive_entropy: ``H(mean)`` per voxel, in nats.
      expected_entropy: the members' mean entropy per voxel.
      mutual_information: their difference (BALD), ``>= 0``.
      variance: the members' variance per class (the shape of ``mean``).
    """

    mean: jax.Array
    predictive_entropy: jax.Array
    expected_entropy: jax.Array
    mutual_information: jax.Array
    variance: jax.Array


def ensemble_uncertainty(
    logits_or_probs: ArrayLike,
    *,
    axis: int,
    member_axis: int = 0,
    inputs: Literal["logits", "probs"] = "logits",
    weights: ArrayLike | None = None,
) -> EnsembleUncertainty:
    """Entropies, mutual information and variance of an ensemble of softmax models.

    Args:
      logits_or_probs: the members' logits (``inputs='logits'``) or class probabilities
        (``'probs'``), stacked along ``member_axis``.
      axis: the class axis, in the input's numbering. Static.
      member_axis: the axis that stacks the members. Static.
      inputs: ``'logits'`` or ``'probs'``. Static.
      weights: ``[members]`` nonnegative weights; None for equal weights. Traced.

    Returns:
      An :class:`EnsembleUncertainty`; the member axis removed, the class axis removed from
      the entropies and the mutual information.

    Raises:
      ValueError: the class axis equal to the member axis, bad weights, an unknown
        ``inputs``.

    Examples:
      Two confident members that disagree: the mutual information is ``ln 2``.

      >>> import jax.numpy as jnp
      >>> from jaxresample import ensemble_uncertainty
      >>> u = ensemble_uncertainty(jnp.array([[1.0, 0.0], [0.0, 1.0]]), axis=1, inputs="probs")
      >>> print(round(float(u.mutual_information), 4), round(float(jnp.log(2.0)), 4))
      0.6931 0.6931
    """
    fn = "ensemble_uncertainty"
    inputs = check_choice(inputs, ("logits", "probs"), fn=fn, name="inputs")
    group = members(logits_or_probs, axis=axis, member_axis=member_axis, fn=fn,
                    name="logits_or_probs", needs_axis=True)  # fmt: skip
    w = normalised_weights(weights, group, fn=fn)
    if w is not None and w.ndim != 1:
        raise ValueError(f"{fn}: weights must be one per member; got shape {tuple(w.shape)}")
    return _uncertainty(group.x, w, member_axis=group.member_axis, channel=group.channel,
                        logits=inputs == "logits")  # fmt: skip


@cpu_tuned_jit(static_argnames=("member_axis", "channel", "logits"))
def _uncertainty(
    x: jax.Array, w: Any, *, member_axis: int, channel: int, logits: bool
) -> EnsembleUncertainty:
    group = Members(x, member_axis, channel)
    dt, n = compute_dtype(group), group.n
    mean: list[Any] = []
    square: list[Any] = []
    expected: Any = 0.0
    for m in range(n):
        one = class_slices(group.member(m, dt), channel)
        if logits:
            p, logp = softmax_slices(one)
            entropy = -sum(v * lv for v, lv in zip(p, logp, strict=True))
        else:
            p = one
            entropy = sum(entr(v) for v in p)
        wm = member_weight(w, m, None, n)
        expected = expected + wm * entropy
        mean = (
            [wm * v for v in p] if not mean else [a + wm * v for a, v in zip(mean, p, strict=True)]
        )
        sq = [wm * v * v for v in p]
        square = sq if not square else [a + b for a, b in zip(square, sq, strict=True)]
    predictive: Any = sum(entr(v) for v in mean)
    # E[p^2] - E[p]^2 in one pass; the members' p lie in [0, 1], so the cancellation is at
    # most a rounding of 1 (clamped at 0)
    variance = [jnp.maximum(q - v * v, 0.0) for q, v in zip(square, mean, strict=True)]
    mi = jnp.maximum(predictive - expected, 0.0)
    stack = jnp.stack
    return EnsembleUncertainty(
        stack(mean, axis=channel), predictive, expected, mi, stack(variance, axis=channel)
    )
