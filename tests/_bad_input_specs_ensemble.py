"""The bad-input strategies of the ensembling functions (registered in :data:`SPECS`).

Split from :mod:`tests._bad_input_specs` by concept; ``tests/test_bad_inputs.py`` imports
both, so every strategy is registered before the test is collected.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np
from hypothesis import strategies as st

from tests._bad_input_cases import Call, arrays
from tests._bad_input_specs import _call, one, spec


def _stacked(draw: Any) -> Any:
    x, _, _ = draw(arrays())
    return x


@spec("softmax_ensemble", "ensemble_uncertainty")
def _softmax(draw: Any) -> Call:
    x = _stacked(draw)
    kw: dict[str, Any] = {
        "axis": draw(one([1, -1, 0], [None, 7, 1.5, "c"])),
        "member_axis": draw(one([0, 0, -1], [7, None, 1.0])),
        "weights": draw(one([None, None, np.ones(2), np.ones((2, 3))],
                            [np.array([-1.0, 1.0]), np.zeros(2), "w", np.full(2, np.nan)])),
    }  # fmt: skip
    name = draw(st.sampled_from(["space", "temperature", "where", "inputs", None]))
    if name == "space":
        kw["space"] = draw(one(["prob", "logit"], ["log", None]))
    elif name == "temperature":
        kw["temperature"] = draw(one([1.0, 0.5, 3], [0.0, -1.0, np.nan, "t"]))
    elif name == "where":
        kw["where"] = draw(one([np.array([True, False, True])], [np.zeros(3, bool), [1, 0, 1]]))
    elif name == "inputs":
        kw["inputs"] = draw(one(["logits", "probs"], ["p", None]))
    if "inputs" not in kw and isinstance(x, np.ndarray) and x.ndim >= 1 and draw(st.booleans()):
        x = list(x)  # the members as a sequence: streamed (softmax_ensemble)
    return _call((x,), kw, oracle=False)


@spec("sigmoid_ensemble")
def _sigmoid(draw: Any) -> Call:
    kw: dict[str, Any] = {
        "member_axis": draw(one([0, -1], [7, None])),
        "axis": draw(one([None, 1, -1], [7, "c"])),
        "space": draw(one(["prob", "logit"], ["log"])),
        "threshold": draw(one([None, 0.5, 0.0, np.array([0.2, 0.4, 0.6])],
                              [2.0, -0.1, np.nan, "t", np.ones((2, 2))])),
        "weights": draw(one([None, np.ones(2)], [np.array([-1.0, 1.0]), np.zeros(2)])),
    }  # fmt: skip
    return _call((_stacked(draw),), kw, oracle=False)


@spec("to_labels")
def _to_labels(draw: Any) -> Call:
    kw = {"axis": draw(one([0, -1], [None, 9, 1.0])),
          "dtype": draw(one([None, np.int32, np.uint16], [np.uint8, np.float32, "x"]))}  # fmt: skip
    return _call((_stacked(draw),), kw, oracle=False)


@spec("vote")
def _vote(draw: Any) -> Call:
    x = _stacked(draw)
    if isinstance(x, np.ndarray) and x.dtype.kind == "f" and draw(st.booleans()):
        x = np.nan_to_num(x).astype(np.int16)
    kw = {
        "num_classes": draw(one([1, 3, 300], [0, -1, 2.5, None])),
        "member_axis": draw(one([0, -1], [7, None])),
        "weights": draw(one([None, np.ones(2)], [np.array([-1.0, 1.0]), np.ones(5)])),
        "ties": draw(one(["lowest", "undecided"], ["random", None])),
    }
    return _call((x,), kw, oracle=False)


@spec("regions_to_labels")
def _regions(draw: Any) -> Call:
    x = _stacked(draw)
    if isinstance(x, np.ndarray) and draw(st.booleans()):
        x = np.nan_to_num(x) > 0
    kw = {"axis": draw(one([0, -1], [None, 9])),
          "order": draw(one([None, (1, 2), (3, 1, 2)], [(-1, 2), "ab", (1.5,)]))}  # fmt: skip
    return _call((x,), kw, oracle=False)


def _model(params: Any, x: Any) -> Any:
    """A model for ensemble_apply's strategy: any parameters, any input."""
    return jnp.sum(jnp.asarray(params, jnp.float32)) * jnp.asarray(x).astype(jnp.float32)


@spec("ensemble_apply")
def _ensemble_apply(draw: Any) -> Call:
    x, _, _ = draw(arrays())
    params = draw(one([np.ones((2,)), np.ones((3, 1))], [np.ones(()), [], {"a": np.ones(0)}, None]))
    kw = {"sequential": draw(one([False, True], ["yes"])),
          "combine": draw(one([None], ["mean", 3]))}  # fmt: skip
    fn = draw(one([_model], ["model", None]))
    return _call((fn, params, x), kw, oracle=False)


@spec("flip_tta")
def _flip_tta(draw: Any) -> Call:
    x, _, _ = draw(arrays())
    kw = {"axes": draw(one([0, -1, (0,)], [(0, 0), 9, 1.5, None, "a"])),
          "combine": draw(one([None], ["mean", 3]))}  # fmt: skip
    fn = draw(one([_same], ["model", None]))
    return _call((fn, x), kw, oracle=False)


def _same(x: Any) -> Any:
    """A model for flip_tta's strategy that keeps every axis."""
    return jnp.asarray(x).astype(jnp.float32) * 2
