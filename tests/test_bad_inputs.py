"""Bad and extreme arguments for every public function (issue 14).

Every public function is called with drawn arguments (``tests/_bad_input_specs.py``): NaN
and inf data and coordinates, empty and size-1 axes, 0-d arrays, wrong ranks and dtypes
(bool, int8, uint64, complex, object, str, big-endian), orders and sigmas out of range,
unknown modes and wrong-length mode sequences, singular, non-finite and wrong-shaped
matrices, huge output shapes and kernels, Python lists, traced arguments under ``jit``.
Each call runs in a child process with a time limit (``tests/_bad_input_runner.py``) and
must either answer (as scipy does, where scipy answers) or raise a ValueError/TypeError
whose message starts with the function's name; a hang or an abort fails the test.

The number of calls per function follows the Hypothesis profile: at least 40 (``ci``, over
2,000 in all); ``--hypothesis-profile bad-inputs-20k`` draws 750 per function (over
20,000). With ``JAXRESAMPLE_BADINPUT_LOG=path`` every verdict is appended to ``path`` as a
JSON line; ``python -m tests.bad_input_report path`` sums them up.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import jaxresample
import jaxresample.batch
import jaxresample.io
import jaxresample.ndimage
import jaxresample.transform
from tests import (
    _bad_input_specs_batch,  # noqa: F401  (registers its strategies)
    _bad_input_specs_ensemble,  # noqa: F401  (registers its strategies)
)
from tests._bad_input_cases import Call
from tests._bad_input_runner import Runner, _public
from tests._bad_input_specs import NOT_CALLED, SPECS

EXAMPLES = max(40, settings().max_examples)


@pytest.fixture(scope="module")
def runner() -> Iterator[Runner]:
    r = Runner()
    yield r
    r.close()


def _public_callables() -> dict[int, str]:
    out: dict[int, str] = {}
    for prefix, module in (
        ("", jaxresample),
        ("ndimage.", jaxresample.ndimage),
        ("io.", jaxresample.io),
        ("transform.", jaxresample.transform),
        ("batch.", jaxresample.batch),
    ):
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj) and not inspect.ismodule(obj):
                out.setdefault(id(obj), prefix + name)
    return out


def test_every_public_function_has_bad_inputs() -> None:
    covered = {id(_public(name)) for name in SPECS}
    missing = sorted(
        name
        for key, name in _public_callables().items()
        if key not in covered and name.rpartition(".")[2] not in NOT_CALLED
    )
    assert not missing, f"public functions without a bad-input strategy: {missing}"


def _log(verdict: dict[str, Any]) -> None:
    path = os.environ.get("JAXRESAMPLE_BADINPUT_LOG")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps({k: v for k, v in verdict.items() if k != "message"}) + "\n")


@pytest.mark.parametrize("name", sorted(SPECS))
def test_bad_inputs_answer_or_refuse(name: str, runner: Runner) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(call=SPECS[name])
    def check(call: Call) -> None:
        verdict = runner.judge(name, call)
        _log(verdict)
        assert "problem" not in verdict, f"{name}{call}: {verdict['problem']}"

    check()


def test_the_ci_profile_draws_over_2000_bad_calls() -> None:
    assert EXAMPLES * len(SPECS) > 2000
