"""Ensembling: softmax and sigmoid ensembles, labels, votes, regions, uncertainty.

NumPy references (float64) and the properties an ensemble must have: member order does not
matter, identical members equal one, probabilities sum to 1, masked classes get 0, weights
are the explicit weighted sums, one member in both spaces agrees.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaxresample import (
    EnsembleAccumulator,
    ensemble_uncertainty,
    regions_to_labels,
    sigmoid_ensemble,
    softmax_ensemble,
    to_labels,
    vote,
)
from tests._helpers import X64

FLOAT = np.float64 if X64 else np.float32
TOL = 1e-12 if X64 else 2e-6


def _softmax(z, axis):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.fixture
def logits(rng):
    """4 members x 5 classes x 6 x 7, member axis 0, class axis 1."""
    return (3 * rng.standard_normal((4, 5, 6, 7))).astype(FLOAT)


def test_softmax_ensemble_is_the_mean_of_the_softmaxes(logits):
    got = np.asarray(softmax_ensemble(logits, axis=1))
    want = _softmax(logits.astype(np.float64), 1).mean(axis=0)
    np.testing.assert_allclose(got, want, atol=TOL)
    np.testing.assert_allclose(got.sum(axis=0), 1.0, atol=TOL * 4)
    got = np.asarray(softmax_ensemble(logits, axis=1, space="logit"))
    np.testing.assert_allclose(got, _softmax(logits.astype(np.float64).mean(axis=0), 0), atol=TOL)


@pytest.mark.parametrize("space", ["prob", "logit"])
def test_member_axis_and_order_do_not_matter(logits, space):
    ref = np.asarray(softmax_ensemble(logits, axis=1, space=space))
    moved = np.moveaxis(logits, 0, -1)  # members last: the classes move to axis 0
    np.testing.assert_allclose(
        np.asarray(softmax_ensemble(moved, axis=0, member_axis=-1, space=space)), ref, atol=TOL
    )
    perm = logits[[2, 0, 3, 1]]
    np.testing.assert_allclose(
        np.asarray(softmax_ensemble(perm, axis=1, space=space)), ref, atol=TOL
    )
    same = np.repeat(logits[:1], 3, axis=0)
    np.testing.assert_allclose(
        np.asarray(softmax_ensemble(same, axis=1, space=space)),
        np.asarray(softmax_ensemble(logits[:1], axis=1, space=space)),
        atol=TOL,
    )


def test_one_member_agrees_in_both_spaces(logits):
    a = softmax_ensemble(logits[:1], axis=1, space="prob")
    b = softmax_ensemble(logits[:1], axis=1, space="logit")
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=TOL)


def test_weights_are_the_explicit_weighted_sums(logits):
    p = _softmax(logits.astype(np.float64), 1)
    w = np.array([1.0, 2.0, 0.0, 3.0])
    got = np.asarray(softmax_ensemble(logits, axis=1, weights=w))
    np.testing.assert_allclose(got, np.einsum("m,mc...->c...", w / w.sum(), p), atol=TOL)
    wc = np.abs(np.random.default_rng(3).standard_normal((4, 5))) + 0.1
    got = np.asarray(softmax_ensemble(logits, axis=1, weights=wc))
    mix = np.einsum("mc,mc...->c...", wc / wc.sum(axis=0), p)
    np.testing.assert_allclose(got, mix / mix.sum(axis=0), atol=TOL)
    # [E] weights given as [E, C] with equal columns are the same ensemble
    same = np.asarray(softmax_ensemble(logits, axis=1, weights=np.repeat(w[:, None], 5, axis=1)))
    np.testing.assert_allclose(
        same, np.asarray(softmax_ensemble(logits, axis=1, weights=w)), atol=TOL
    )
    lw = np.asarray(softmax_ensemble(logits, axis=1, weights=w, space="logit"))
    want = _softmax(np.einsum("m,mc...->c...", w / w.sum(), logits.astype(np.float64)), 0)
    np.testing.assert_allclose(lw, want, atol=TOL)


def test_where_masks_classes_and_temperature_divides(logits):
    keep = np.array([True, False, True, True, False])
    got = np.asarray(softmax_ensemble(logits, axis=1, where=keep))
    assert np.all(got[~keep] == 0)
    z = np.where(keep[None, :, None, None], logits.astype(np.float64), -np.inf)
    np.testing.assert_allclose(got, _softmax(z, 1).mean(axis=0), atol=TOL)
    hot = np.asarray(softmax_ensemble(logits, axis=1, temperature=2.5))
    np.testing.assert_allclose(
        hot, _softmax(logits.astype(np.float64) / 2.5, 1).mean(axis=0), atol=TOL
    )


def test_low_precision_logits_accumulate_in_float32(logits):
    got = softmax_ensemble(logits.astype(jnp.bfloat16), axis=1)
    assert got.dtype == jnp.float32
    want = _softmax(np.asarray(logits.astype(jnp.bfloat16), np.float64), 1).mean(axis=0)
    np.testing.assert_allclose(np.asarray(got), want, atol=2e-6)


def test_gradients_flow_through_logits_and_weights(logits):
    w = jnp.array([1.0, 2.0, 0.5, 1.0], logits.dtype)

    def loss(z, w):
        return jnp.sum(softmax_ensemble(z, axis=1, weights=w)[0] ** 2) + jnp.sum(
            sigmoid_ensemble(z, weights=w) ** 2
        )

    gz, gw = jax.grad(loss, argnums=(0, 1))(jnp.asarray(logits), w)
    assert np.all(np.isfinite(np.asarray(gz))) and np.abs(np.asarray(gw)).sum() > 0
    # the weights' gradient against central differences
    eps = 1e-3 if not X64 else 1e-6
    e = jnp.zeros(4, w.dtype).at[1].set(eps)
    fd = (loss(jnp.asarray(logits), w + e) - loss(jnp.asarray(logits), w - e)) / (2 * eps)
    np.testing.assert_allclose(float(gw[1]), float(fd), rtol=1e-2 if not X64 else 1e-6)


def test_sigmoid_ensemble_is_per_channel(logits):
    got = np.asarray(sigmoid_ensemble(logits))
    np.testing.assert_allclose(got, _sigmoid(logits.astype(np.float64)).mean(axis=0), atol=TOL)
    lg = np.asarray(sigmoid_ensemble(logits, space="logit"))
    np.testing.assert_allclose(lg, _sigmoid(logits.astype(np.float64).mean(axis=0)), atol=TOL)
    # channels are never normalised against each other
    assert np.abs(got.sum(axis=0) - 1).max() > 0.1
    t = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    masks = np.asarray(sigmoid_ensemble(logits, axis=1, threshold=t))
    np.testing.assert_array_equal(masks, got > t[:, None, None])
    w = np.array([[1, 0, 1, 1, 1], [1, 1, 0, 1, 1], [1, 1, 1, 0, 1], [1, 1, 1, 1, 0.0]])
    wg = np.asarray(sigmoid_ensemble(logits, axis=1, weights=w))
    want = np.einsum("mc,mc...->c...", w / w.sum(axis=0), _sigmoid(logits.astype(np.float64)))
    np.testing.assert_allclose(wg, want, atol=TOL)


def test_guards():
    z = jnp.zeros((3, 1, 4))
    with pytest.raises(ValueError, match="softmax_ensemble: the class axis 1 has 1 class"):
        softmax_ensemble(z, axis=1)
    with pytest.raises(ValueError, match="must not be the member axis"):
        softmax_ensemble(jnp.zeros((3, 2)), axis=0)
    with pytest.raises(ValueError, match=r"weights must have shape \(3,\) or \(3, 2\)"):
        softmax_ensemble(jnp.zeros((3, 2)), axis=1, weights=jnp.ones(2))
    with pytest.raises(ValueError, match="finite and nonnegative"):
        softmax_ensemble(jnp.zeros((3, 2)), axis=1, weights=np.array([1.0, -1.0, 1.0]))
    with pytest.raises(ValueError, match="sigmoid_ensemble: threshold is a probability"):
        sigmoid_ensemble(jnp.zeros((3, 2)), threshold=2.0)
    with pytest.raises(ValueError, match="pass axis="):
        sigmoid_ensemble(jnp.zeros((3, 2)), threshold=np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="at least one class"):
        softmax_ensemble(jnp.zeros((3, 2)), axis=1, where=np.array([False, False]))
    with pytest.raises(TypeError, match="softmax_ensemble: logits"):
        softmax_ensemble(jnp.zeros((3, 2), jnp.int32), axis=1)
    with pytest.raises(ValueError, match="temperature must be positive"):
        softmax_ensemble(jnp.zeros((3, 2)), axis=1, temperature=0.0)


def test_to_labels_picks_the_smallest_dtype(rng):
    p = rng.random((300, 4, 5))
    labels = to_labels(p, axis=0)
    assert labels.dtype == jnp.uint16
    np.testing.assert_array_equal(np.asarray(labels), p.argmax(axis=0))
    assert to_labels(p[:256], axis=0).dtype == jnp.uint8
    assert to_labels(p[:10], axis=0, dtype=np.int32).dtype == jnp.int32
    with pytest.raises(ValueError, match="to_labels: dtype must be an integer dtype"):
        to_labels(p, axis=0, dtype=np.uint8)
    # ties go to the lowest class and a NaN wins, as numpy's argmax (the unrolled chain)
    q = np.array([[0.5, 0.2, np.nan, 0.1], [0.5, 0.7, 0.3, np.nan], [0.1, 0.7, np.nan, 0.2]])
    np.testing.assert_array_equal(np.asarray(to_labels(q, axis=0)), np.argmax(q, axis=0))


def test_vote_tie_rules():
    maps = np.array([[0, 1, 2, 2], [1, 1, 0, 2], [1, 0, 0, 1]])
    np.testing.assert_array_equal(np.asarray(vote(maps, num_classes=3)), [1, 1, 0, 2])
    two = maps[:2]
    np.testing.assert_array_equal(np.asarray(vote(two, num_classes=3)), [0, 1, 0, 2])
    np.testing.assert_array_equal(
        np.asarray(vote(two, num_classes=3, ties="undecided")), [-1, 1, -1, 2]
    )
    # a heavier member breaks the tie
    np.testing.assert_array_equal(
        np.asarray(vote(two, num_classes=3, weights=np.array([1.0, 2.0]))), [1, 1, 0, 2]
    )
    # labels outside [0, num_classes) cast no vote
    np.testing.assert_array_equal(np.asarray(vote(np.array([[5], [1], [5]]), num_classes=3)), [1])
    with pytest.raises(ValueError, match="vote: labels must be integers"):
        vote(np.zeros((2, 3)), num_classes=3)


def test_regions_paint_in_order():
    whole = np.array([1, 1, 1, 0], bool)
    core = np.array([0, 1, 1, 0], bool)
    enhancing = np.array([0, 0, 1, 0], bool)
    masks = np.stack([whole, core, enhancing])
    np.testing.assert_array_equal(np.asarray(regions_to_labels(masks, axis=0)), [1, 2, 3, 0])
    np.testing.assert_array_equal(
        np.asarray(regions_to_labels(masks, axis=0, order=(2, 1, 4))), [2, 1, 4, 0]
    )
    with pytest.raises(TypeError, match="regions_to_labels: masks must be bool"):
        regions_to_labels(masks.astype(np.float32), axis=0)
    with pytest.raises(ValueError, match="one label per channel"):
        regions_to_labels(masks, axis=0, order=(1, 2))


def test_uncertainty_hand_computed_cases():
    # two confident members that disagree: MI = ln 2, expected entropy 0
    u = ensemble_uncertainty(np.array([[1.0, 0.0], [0.0, 1.0]]), axis=1, inputs="probs")
    assert float(u.mutual_information) == pytest.approx(np.log(2), abs=1e-6)
    assert float(u.expected_entropy) == pytest.approx(0.0, abs=1e-7)
    np.testing.assert_allclose(np.asarray(u.variance), [0.25, 0.25], atol=1e-7)
    # two members that agree on (0.5, 0.5): all entropy is aleatoric, MI 0
    u = ensemble_uncertainty(np.array([[0.5, 0.5], [0.5, 0.5]]), axis=1, inputs="probs")
    assert float(u.mutual_information) == pytest.approx(0.0, abs=1e-7)
    assert float(u.predictive_entropy) == pytest.approx(np.log(2), abs=1e-6)


def test_uncertainty_matches_numpy(logits):
    u = ensemble_uncertainty(logits, axis=1)
    p = _softmax(logits.astype(np.float64), 1)
    mean = p.mean(axis=0)
    pe = -(mean * np.log(mean)).sum(axis=0)
    ee = -(p * np.log(p)).sum(axis=1).mean(axis=0)
    np.testing.assert_allclose(np.asarray(u.mean), mean, atol=TOL)
    np.testing.assert_allclose(np.asarray(u.predictive_entropy), pe, atol=TOL * 8)
    np.testing.assert_allclose(np.asarray(u.expected_entropy), ee, atol=TOL * 8)
    np.testing.assert_allclose(
        np.asarray(u.mutual_information), np.maximum(pe - ee, 0), atol=TOL * 16
    )
    np.testing.assert_allclose(np.asarray(u.variance), p.var(axis=0), atol=TOL)
    # from probabilities, the same numbers
    v = ensemble_uncertainty(p.astype(FLOAT), axis=1, inputs="probs")
    np.testing.assert_allclose(
        np.asarray(v.mutual_information), np.asarray(u.mutual_information), atol=TOL * 16
    )


@settings(max_examples=30, deadline=None)
@given(
    members=st.integers(1, 5),
    classes=st.integers(2, 6),
    member_axis=st.integers(0, 2),
    seed=st.integers(0, 10**6),
)
def test_probabilities_sum_to_one_for_any_layout(members, classes, member_axis, seed):
    z = (4 * np.random.default_rng(seed).standard_normal((members, classes, 3))).astype(FLOAT)
    z = np.moveaxis(z, 0, member_axis)
    class_axis = [a for a in range(3) if a != member_axis][0]
    p = np.asarray(softmax_ensemble(z, axis=class_axis, member_axis=member_axis))
    np.testing.assert_allclose(p.sum(axis=0), 1.0, atol=TOL * 4)
    assert np.all(p >= 0)


@pytest.mark.parametrize("space", ["prob", "logit"])
@pytest.mark.parametrize("per_class", [False, True])
def test_streaming_equals_the_array_functions(logits, space, per_class):
    w = np.array([1.0, 2.0, 0.5, 1.5])
    if per_class:
        w = np.outer(w, np.linspace(0.5, 1.5, 5))
    acc = EnsembleAccumulator.init(logits.shape[1:], kind="softmax", axis=0, space=space,
                                   temperature=1.3, dtype=FLOAT)  # fmt: skip
    step = jax.jit(lambda a, z, wm: a.update(z, wm))
    for m in range(4):
        acc = step(acc, logits[m], w[m])
    want = softmax_ensemble(logits, axis=1, weights=w, space=space, temperature=1.3)
    np.testing.assert_allclose(np.asarray(acc.finalize()), np.asarray(want), atol=TOL * 4)
    sig = EnsembleAccumulator.init(
        logits.shape[1:], kind="sigmoid", axis=0, space=space, dtype=FLOAT
    )
    sig, _ = jax.lax.scan(lambda a, zw: (a.update(*zw), None), sig, (logits, w))
    want = sigmoid_ensemble(logits, axis=1, weights=w, space=space)
    np.testing.assert_allclose(np.asarray(sig.finalize()), np.asarray(want), atol=TOL * 4)


def test_accumulator_memory_does_not_grow_and_gradients_flow(logits):
    acc = EnsembleAccumulator.init(logits.shape[1:], kind="softmax", axis=0, dtype=FLOAT)
    leaves = [leaf.shape for leaf in jax.tree_util.tree_leaves(acc)]
    for m in range(4):
        acc = acc.update(logits[m])
    assert [leaf.shape for leaf in jax.tree_util.tree_leaves(acc)] == leaves

    def loss(z):
        a = EnsembleAccumulator.init(z.shape[1:], kind="softmax", axis=0, dtype=z.dtype)
        a, _ = jax.lax.scan(lambda a, zm: (a.update(zm), None), a, z)
        return jnp.sum(a.finalize()[1] ** 2)

    g = jax.grad(loss)(jnp.asarray(logits))
    assert np.all(np.isfinite(np.asarray(g))) and float(jnp.abs(g).sum()) > 0


def test_accumulator_guards(logits):
    with pytest.raises(
        ValueError, match="EnsembleAccumulator.init: a softmax ensemble needs a class axis"
    ):
        EnsembleAccumulator.init((5, 6), kind="softmax")
    with pytest.raises(ValueError, match="EnsembleAccumulator.init: kind must be one of"):
        EnsembleAccumulator.init((5, 6), kind="both", axis=0)  # type: ignore[arg-type]
    acc = EnsembleAccumulator.init((5, 6, 7), kind="softmax", axis=0)
    with pytest.raises(ValueError, match="EnsembleAccumulator.update: logits must have"):
        acc.update(np.zeros((5, 6), np.float32))
    with pytest.raises(ValueError, match="weight must be a scalar or of shape"):
        acc.update(np.zeros((5, 6, 7), np.float32), np.ones(3))
    with pytest.raises(ValueError, match="EnsembleAccumulator.finalize: no member"):
        acc.finalize()


@pytest.mark.parametrize(
    "options",
    [{}, {"space": "logit"}, {"weights": np.array([1.0, 2.0, 0.0, 3.0])},
     {"weights": np.linspace(0.1, 2.0, 20).reshape(4, 5), "temperature": 0.7},
     {"where": np.array([True, True, False, True, False])},
     # a zero weight and masked logits: the mask applies after the mean (0 x -inf is NaN)
     {"where": np.array([True, True, False, True, False]), "space": "logit",
      "weights": np.array([1.0, 0.0, 2.0, 1.0])}],
)  # fmt: skip
@pytest.mark.parametrize(("axis", "member_axis"), [(1, 0), (-1, 0), (0, 2)])
def test_eager_and_traced_formulations_agree(logits, options, axis, member_axis):
    """Eager calls put the classes on the minor axis; traced ones work on class slices."""
    z = np.moveaxis(logits, (0, 1), (member_axis, axis))
    eager = softmax_ensemble(z, axis=axis, member_axis=member_axis, **options)
    traced = jax.jit(lambda v: softmax_ensemble(v, axis=axis, member_axis=member_axis, **options))(
        z
    )
    np.testing.assert_allclose(np.asarray(eager), np.asarray(traced), atol=TOL * 4)
    assert np.all(np.isfinite(np.asarray(eager)))
    reference = softmax_ensemble(logits, axis=1, **options)
    out_axis = axis - (axis > member_axis) if axis >= 0 else axis
    np.testing.assert_allclose(
        np.moveaxis(np.asarray(eager), out_axis, 0), np.asarray(reference), atol=TOL * 4
    )


@pytest.mark.parametrize(
    "options",
    [{}, {"space": "logit", "temperature": 2.0}, {"weights": np.array([1.0, 0.0, 2.0, 1.0])},
     {"weights": np.linspace(0.1, 2.0, 20).reshape(4, 5)},
     {"where": np.array([True, False, True, True, False])},
     {"where": np.array([True, False, True, True, False]), "space": "logit",
      "weights": np.array([1.0, 0.0, 2.0, 1.0])}],
)  # fmt: skip
def test_a_sequence_of_members_is_streamed_to_the_same_result(logits, options):
    stacked = softmax_ensemble(logits, axis=1, **options)
    streamed = softmax_ensemble(list(logits), axis=1, **options)
    np.testing.assert_allclose(np.asarray(streamed), np.asarray(stacked), atol=TOL * 4)
    assert np.all(np.isfinite(np.asarray(streamed)))


def test_sigmoid_sequences_and_sequence_errors(logits):
    t = np.array([0.2, 0.4, 0.5, 0.6, 0.8])
    a = sigmoid_ensemble(logits, axis=1, threshold=t, weights=np.array([1.0, 2.0, 3.0, 4.0]))
    b = sigmoid_ensemble(tuple(logits), axis=1, threshold=t, weights=np.array([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    with pytest.raises(ValueError, match="softmax_ensemble: every member must have the shape"):
        softmax_ensemble([logits[0], logits[1][:, :3]], axis=1)
    with pytest.raises(ValueError, match="softmax_ensemble: logits has no members"):
        softmax_ensemble([], axis=1)
