"""ensemble_apply and flip_tta with a small real model: two convolutions and a ReLU."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxresample import ensemble_apply, flip_tta, softmax_ensemble, to_labels
from tests._helpers import X64

FLOAT = np.float64 if X64 else np.float32
TOL = 1e-10 if X64 else 1e-5


def conv_net(params, x):
    """(channels, H, W) -> (classes, H, W): conv 3x3, ReLU, conv 1x1 ('SAME' padding)."""
    dn = ("NCHW", "OIHW", "NCHW")
    h = jax.lax.conv_general_dilated(x[None], params["w1"], (1, 1), "SAME", dimension_numbers=dn)
    h = jax.nn.relu(h + params["b1"][None, :, None, None])
    y = jax.lax.conv_general_dilated(h, params["w2"], (1, 1), "SAME", dimension_numbers=dn)
    return y[0] + params["b2"][:, None, None]


def _params(key, members=3, c_in=2, hidden=4, classes=3):
    ks = jax.random.split(key, 4)
    return {
        "w1": jax.random.normal(ks[0], (members, hidden, c_in, 3, 3), FLOAT),
        "b1": jax.random.normal(ks[1], (members, hidden), FLOAT),
        "w2": jax.random.normal(ks[2], (members, classes, hidden, 1, 1), FLOAT),
        "b2": jax.random.normal(ks[3], (members, classes), FLOAT),
    }


@pytest.mark.parametrize("sequential", [False, True])
def test_ensemble_apply_equals_a_loop_over_the_members(sequential):
    params = _params(jax.random.key(0))
    x = jax.random.normal(jax.random.key(1), (2, 9, 11), FLOAT)
    combine = functools.partial(softmax_ensemble, axis=1)
    got = ensemble_apply(conv_net, params, x, combine=combine, sequential=sequential)
    each = [conv_net(jax.tree.map(lambda p, m=m: p[m], params), x) for m in range(3)]
    np.testing.assert_allclose(np.asarray(got), np.asarray(combine(jnp.stack(each))), atol=TOL)
    stacked = ensemble_apply(conv_net, params, x, sequential=sequential)
    assert stacked.shape == (3, 3, 9, 11)
    # under jit and grad (with respect to the parameters)
    loss = jax.jit(lambda p: jnp.sum(ensemble_apply(conv_net, p, x, combine=combine) ** 2))
    g = jax.grad(loss)(params)
    assert all(np.all(np.isfinite(np.asarray(v))) for v in jax.tree.leaves(g))


def test_flip_tta_unflips_every_prediction():
    params = jax.tree.map(lambda p: p[0], _params(jax.random.key(2)))
    x = jax.random.normal(jax.random.key(3), (2, 8, 10), FLOAT)
    model = functools.partial(conv_net, params)
    preds = flip_tta(model, x, axes=(1, 2))
    assert preds.shape == (4, 3, 8, 10)
    np.testing.assert_allclose(np.asarray(preds[0]), np.asarray(model(x)), atol=TOL)
    want = jnp.flip(model(jnp.flip(x, (1, 2))), (1, 2))
    np.testing.assert_allclose(np.asarray(preds[3]), np.asarray(want), atol=TOL)
    # a model that commutes with flips (symmetric kernels) gives the same prediction 4 times
    sym = jax.tree.map(lambda p: p, params)
    w1 = sym["w1"]
    sym["w1"] = (w1 + w1[..., ::-1, :] + w1[..., :, ::-1] + w1[..., ::-1, ::-1]) / 4
    preds = flip_tta(functools.partial(conv_net, sym), x, axes=(1, 2))
    np.testing.assert_allclose(
        np.asarray(preds), np.asarray(jnp.broadcast_to(preds[0], preds.shape)), atol=TOL * 10
    )
    labels = flip_tta(
        model, x, axes=1, combine=lambda p: to_labels(softmax_ensemble(p, axis=1), axis=0)
    )
    assert labels.shape == (8, 10) and labels.dtype == jnp.uint8


def test_guards():
    x = jnp.zeros((2, 4, 4))
    with pytest.raises(ValueError, match="ensemble_apply: stacked_params must be"):
        ensemble_apply(conv_net, {"w1": jnp.zeros((3, 1)), "b1": jnp.zeros((2, 1))}, x)
    with pytest.raises(TypeError, match="ensemble_apply: apply_fn must be callable"):
        ensemble_apply("net", {"w": jnp.zeros((2, 1))}, x)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="flip_tta: axes must be unique"):
        flip_tta(lambda v: v, x, axes=(1, -2))
    with pytest.raises(ValueError, match="lacks the flipped axes"):
        flip_tta(lambda v: v.sum(axis=(1, 2)), x, axes=(1, 2))
    with pytest.raises(TypeError, match="flip_tta: combine must be None or a callable"):
        flip_tta(lambda v: v, x, axes=1, combine="mean")  # type: ignore[arg-type]
