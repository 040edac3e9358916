"""The engine's CPU-tuned programs (``_engine.jit``): the plain programs' bits, public API only."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxresample import gaussian_filter
from jaxresample import ndimage as nd
from jaxresample._engine import filtering, jit, prefilter, separable

CPU = jax.default_backend() == "cpu"


def _volume(shape: tuple[int, ...]) -> jax.Array:
    return jnp.asarray(np.random.default_rng(0).standard_normal(shape).astype(np.float32))


# Each case runs a public function eagerly (so at top level) with the tuned programs and
# again with the plain ones. The large volume takes the tiled correlation path.
CASES = {
    "gaussian_filter": lambda v: gaussian_filter(v, (2.0, 1.5, 1.0), mode="reflect"),
    "gaussian_filter_order": lambda v: gaussian_filter(v, 1.2, order=(1, 0, 2), mode="nearest"),
    "correlate1d": lambda v: nd.correlate1d(v, np.arange(1.0, 6.0), axis=1, mode="wrap"),
    "spline_filter": lambda v: nd.spline_filter(v, 3, output=jnp.float32),
    "shift": lambda v: nd.shift(v, (0.3, -1.7, 0.45), order=3, mode="nearest"),
    "zoom": lambda v: nd.zoom(v, 0.6, order=1),
}


@pytest.mark.skipif(not CPU, reason="the tuned programs differ from the plain ones on CPU only")
@pytest.mark.parametrize("shape", [(21, 17, 13), (160, 160, 164)], ids=["small", "tiled"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_tuned_programs_are_bitwise_the_plain_ones(
    case: str, shape: tuple[int, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    v = _volume(shape)
    tuned = np.asarray(CASES[case](v))
    monkeypatch.setattr(jit, "_traced", lambda args, kwargs: True)
    plain = np.asarray(CASES[case](v))
    np.testing.assert_array_equal(tuned, plain)


@pytest.mark.skipif(not CPU, reason="the tuned programs are used on CPU only")
def test_top_level_calls_use_the_tuned_program_and_traced_calls_the_plain_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fn = filtering._gaussian_filter
    used: list[str] = []

    def spy(name: str) -> Any:
        jitted = getattr(fn, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            used.append(name)
            return jitted(*args, **kwargs)

        return call

    for name in ("tuned", "plain"):
        monkeypatch.setattr(fn, name, spy(name))
    v = _volume((9, 8, 7))
    eager = gaussian_filter(v, 0.7)
    assert used == ["tuned"]
    # A nested jit with compiler options would raise: under jit, vmap and grad the plain
    # program is traced instead, with the same result.
    jitted = jax.jit(lambda x: gaussian_filter(x, 0.7))(v)
    np.testing.assert_array_equal(np.asarray(jitted), np.asarray(eager))
    batched = jax.vmap(lambda x: gaussian_filter(x, 0.7))(jnp.stack([v, 2 * v]))
    np.testing.assert_array_equal(np.asarray(batched[0]), np.asarray(eager))
    grad = jax.grad(lambda x: gaussian_filter(x, 0.7).sum())(v)
    assert np.isfinite(np.asarray(grad)).all()
    assert used == ["tuned", "plain", "plain", "plain"]


def test_every_tuned_function_is_a_tuned_jit_named_after_its_function() -> None:
    for fn, name in (
        (filtering._correlate1d, "_correlate1d"),
        (filtering._gaussian_filter, "_gaussian_filter"),
        (prefilter._spline_filter_jit, "_spline_filter_jit"),
        (separable._separable_program, "_separable_program"),
    ):
        assert isinstance(fn, jit.TunedJit)
        assert fn.tuned is not fn.plain
        assert getattr(fn, "__name__", None) == name


@pytest.mark.skipif(not CPU, reason="the tuned programs are used on CPU only")
def test_a_jit_closing_over_a_concrete_array_falls_back_to_the_plain_program() -> None:
    """Inside a user's jit a program may get concrete arrays (closed over): JAX refuses the
    tuned program there (compiler options on a nested jit), and the plain one runs."""
    attempts: list[str] = []

    def double(x: jax.Array) -> jax.Array:
        return x * 2.0

    tuned_jit = jit.TunedJit(double, {})
    for name in ("tuned", "plain"):
        inner = getattr(tuned_jit, name)

        def call(*args: Any, _inner: Any = inner, _name: str = name) -> Any:
            attempts.append(_name)
            return _inner(*args)

        setattr(tuned_jit, name, call)
    constant = jnp.arange(3.0)
    out = jax.jit(lambda s: tuned_jit(constant) * s)(1.5)
    np.testing.assert_array_equal(np.asarray(out), [0.0, 3.0, 6.0])
    assert attempts == ["tuned", "plain"]  # refused, then the plain program
    attempts.clear()
    np.testing.assert_array_equal(np.asarray(tuned_jit(constant)), [0.0, 2.0, 4.0])
    assert attempts == ["tuned"]  # at top level the tuned program runs

    def broken(x: jax.Array) -> jax.Array:
        raise ValueError("broken: a genuine error")

    with pytest.raises(ValueError, match="broken: a genuine error"):  # retried, re-raised
        jit.TunedJit(broken, {})(constant)
