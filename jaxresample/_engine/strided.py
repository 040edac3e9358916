"""Strided correlations: a filter evaluated only at the samples that are kept.

``out[k] = sum_s kernel[s] * x_ext[stride * k + s + offset]`` along an axis, ``x_ext`` the
axis extended with a boundary behaviour. A blur followed by subsampling (a pyramid's
reduce step) is one such correlation per axis when the kept samples fall on a regular
grid: the blur is computed where it is kept, not everywhere and then dropped. Each tap is
a strided slice of the extended axis, and XLA fuses the taps of an axis into one loop.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtypes, _modes
from .jit import cpu_tuned_jit

__all__ = ["StridedStep", "strided_correlate"]


@dataclasses.dataclass(frozen=True)
class StridedStep:
    """One axis of a strided correlation (hashable: it keys the compiled program).

    Attributes:
      axis: the axis filtered.
      kernel: the weights, as Python floats (host-side, static).
      stride: the distance between kept samples, in input samples.
      offset: the input position of ``kernel[0]`` for output sample 0 (may be negative).
      size: the number of output samples.
      behaviour: how the axis is extended (a filter behaviour of :mod:`jaxresample._modes`).
    """

    axis: int
    kernel: tuple[float, ...]
    stride: int
    offset: int
    size: int
    behaviour: _modes.Behaviour

    def apply(self, x: jax.Array, cval: jax.Array) -> jax.Array:
        """This axis's strided correlation of ``x``.

        The outputs whose taps all fall inside ``x`` read it directly; only the few at each
        end read the extended edge, so no padded copy of the whole axis is made.
        """
        n = x.shape[self.axis]
        taps = len(self.kernel)
        # interior outputs k: 0 <= stride * k + offset and stride * k + offset + taps <= n
        first = max(0, -(self.offset // self.stride))
        last = min(self.size, (n - taps - self.offset) // self.stride + 1) if n >= taps else 0
        if first >= last:
            return self._taps(self._extended(x, cval, 0, self.size), 0, self.size)
        parts = []
        if first:
            parts.append(self._taps(self._extended(x, cval, 0, first), 0, first))
        start = self.stride * first + self.offset
        stop = self.stride * (last - 1) + self.offset + taps
        inner = jax.lax.slice_in_dim(x, start, stop, axis=self.axis)
        parts.append(self._taps(inner, 0, last - first))
        if last < self.size:
            parts.append(self._taps(self._extended(x, cval, last, self.size), 0, self.size - last))
        return parts[0] if len(parts) == 1 else jnp.concatenate(parts, axis=self.axis)

    def _extended(self, x: jax.Array, cval: jax.Array, k0: int, k1: int) -> jax.Array:
        """The samples outputs ``k0 .. k1`` read, gathered with the axis's extension.

        Only the few outputs at the ends come here, so the gather is small (and needs no
        padded copy of the axis, which even a periodic extension would otherwise make).
        """
        n = x.shape[self.axis]
        lo = self.stride * k0 + self.offset  # first position read
        hi = self.stride * (k1 - 1) + self.offset + len(self.kernel)  # one past the last
        idx = np.asarray(_modes.extend_index(self.behaviour, np.arange(lo, hi), n))
        inside = idx >= 0  # False where a constant extension reads cval
        xs = jnp.take(x, jnp.asarray(np.where(inside, idx, 0), np.int32), axis=self.axis)
        if inside.all():
            return xs
        shape = [1] * x.ndim
        shape[self.axis] = inside.shape[0]
        return jnp.where(jnp.asarray(inside).reshape(shape), xs, cval.astype(xs.dtype))

    def _taps(self, xs: jax.Array, k0: int, count: int) -> jax.Array:
        """``count`` outputs from ``xs``, which starts at the first position they read."""
        span = self.stride * (count - 1) + 1
        acc = None
        for s, w in enumerate(self.kernel):
            if w == 0.0:
                continue
            tap = jax.lax.slice_in_dim(xs, s, s + span, stride=self.stride, axis=self.axis)
            term = tap * jnp.asarray(w, xs.dtype)
            acc = term if acc is None else acc + term
        if acc is None:  # an all-zero kernel
            shape = list(xs.shape)
            shape[self.axis] = count
            return jnp.zeros(shape, xs.dtype)
        return acc


def strided_correlate(
    x: jax.Array, cval: jax.Array, steps: Sequence[StridedStep], *, out_dtype: Any
) -> jax.Array:
    """Run ``steps`` one axis after the other (in the order given) and cast the result."""
    return _strided_program(x, cval, steps=tuple(steps), out_dtype=np.dtype(out_dtype))


@cpu_tuned_jit(static_argnames=("steps", "out_dtype"))
def _strided_program(
    x: jax.Array, cval: jax.Array, *, steps: tuple[StridedStep, ...], out_dtype: np.dtype
) -> jax.Array:
    for step in steps:
        x = step.apply(x, cval)
    return _dtypes.cast_result(x, out_dtype, rule="round")
