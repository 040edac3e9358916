"""Compiling the engine's CPU-bound programs with 512-bit vectors where that is allowed.

XLA's CPU compiler vectorises for 256-bit registers by default. The shift-and-add loops of
the correlation passes, the spline prefilter and the separable resampling run 2-10 %
faster with 512-bit vectors on CPUs that have them (AVX-512; elsewhere the option widens
nothing), with bitwise the same results (each output is the same sequence of IEEE
operations); figures on the *Performance* page of the docs.

JAX takes compiler options on a top-level :func:`jax.jit` only, so :func:`cpu_tuned_jit`
compiles two versions of a function and calls the tuned one when no argument is a tracer
and the default backend is the CPU. Inside a user's ``jit`` that closes over concrete
arrays JAX refuses the tuned call (a ``ValueError`` before anything runs); the call is
then made again with the plain version, which also re-raises any genuine error.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax

__all__ = ["CPU_OPTIONS", "TunedJit", "cpu_tuned_jit"]

#: XLA options of the tuned programs.
CPU_OPTIONS: dict[str, Any] = {"xla_cpu_prefer_vector_width": 512}


def _traced(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    leaves = jax.tree_util.tree_leaves((args, kwargs))
    return any(isinstance(leaf, jax.core.Tracer) for leaf in leaves)


class TunedJit:
    """A function jitted twice: ``tuned`` (with :data:`CPU_OPTIONS`) and ``plain``."""

    def __init__(self, fun: Callable[..., Any], jit_kwargs: dict[str, Any]) -> None:
        functools.update_wrapper(self, fun)
        self.plain = jax.jit(fun, **jit_kwargs)
        self.tuned = jax.jit(fun, compiler_options=CPU_OPTIONS, **jit_kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if jax.default_backend() != "cpu" or _traced(args, kwargs):
            return self.plain(*args, **kwargs)
        try:
            return self.tuned(*args, **kwargs)
        except ValueError:  # a nested jit (compiler options refused), or a genuine error
            return self.plain(*args, **kwargs)


def cpu_tuned_jit(**jit_kwargs: Any) -> Callable[[Callable[..., Any]], TunedJit]:
    """A :func:`jax.jit` decorator that compiles with :data:`CPU_OPTIONS` on the CPU.

    Args:
      **jit_kwargs: passed to :func:`jax.jit` (e.g. ``static_argnames``).

    Returns:
      A decorator returning a :class:`TunedJit`, which behaves as
      ``jax.jit(fun, **jit_kwargs)``.
    """
    return lambda fun: TunedJit(fun, jit_kwargs)
