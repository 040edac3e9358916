"""How the library's own programs are compiled: XLA options for the CPU backend.

XLA's CPU compiler vectorises loops for 256-bit registers by default. The shift-and-add loops
of the correlation engine (:mod:`jaxresample._correlate`) run faster with 512-bit vectors
where the CPU has them (AVX-512; elsewhere the option cannot widen anything), and the results
are bitwise the same (each output is the same sequence of IEEE operations, more of them at a
time; ``tests/test_compile.py`` checks it). Measured on a 2-core AVX-512 CPU, float32
512x512x247, eager calls of both versions alternated in the same process:

=============================================  ==========  ===========
program                                        256-bit     512-bit
=============================================  ==========  ===========
``gaussian_filter``, σ = (2, 2, 1)              0.168 s     0.165 s
``gaussian_filter``, σ = 4                      0.308 s     0.277 s
``spline_filter``, order 3                      0.258 s     0.237 s
``shift`` by (0.3, -1.7, 0.45), cubic           0.235 s     0.213 s
=============================================  ==========  ===========

The general sampler (:mod:`jaxresample._interp`) is left at the default: its cubic rotation
of the same volume was 9 % slower with 512-bit vectors (2.88 -> 3.14 s).

JAX accepts compiler options on a top-level :func:`jax.jit` only (a nested one raises), so
:func:`cpu_tuned_jit` compiles two versions of a function and picks one per call: the tuned
one when the call is not being traced (not inside a user's ``jit``, ``vmap`` or ``grad``) and
the default backend is the CPU, the plain one otherwise. Inside a user's ``jit`` the user's
compiler options apply, as for any JAX function.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax

__all__ = ["CPU_OPTIONS", "TunedJit", "cpu_tuned_jit"]

#: XLA options for the CPU programs of :func:`cpu_tuned_jit`.
CPU_OPTIONS: dict[str, Any] = {"xla_cpu_prefer_vector_width": 512}


def _top_level() -> bool:
    """Whether no JAX transformation is tracing the current call."""
    try:
        from jax._src import core
    except ImportError:  # pragma: no cover - a JAX without the private module
        return False
    clean = getattr(core, "trace_state_clean", None)
    return bool(clean is not None and clean())


class TunedJit:
    """A function jitted twice: ``tuned`` (with :data:`CPU_OPTIONS`) and ``plain``."""

    def __init__(self, fun: Callable[..., Any], jit_kwargs: dict[str, Any]) -> None:
        functools.update_wrapper(self, fun)
        self.plain = jax.jit(fun, **jit_kwargs)
        self.tuned = jax.jit(fun, compiler_options=CPU_OPTIONS, **jit_kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if jax.default_backend() == "cpu" and _top_level():
            return self.tuned(*args, **kwargs)
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
