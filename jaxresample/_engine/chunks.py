"""Loops over chunks of a leading axis, each chunk written into the result in place.

The tiled correlation engine and the point samplers bound their working memory this way:
the result plus one chunk, whatever the size of the problem.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
from jax import lax

__all__ = ["chunk_starts", "chunks_in_place"]


def chunk_starts(n: int, t: int) -> list[int]:
    """Starts of tiles of ``t`` covering ``0..n``; the last one may overlap its neighbour."""
    starts = list(range(0, n - t + 1, t))
    if starts[-1] + t < n:
        starts.append(n - t)
    return starts


def chunks_in_place(
    f: Callable[[jax.Array], jax.Array], n: int, t: int, shape: Sequence[int], dtype: Any
) -> jax.Array:
    """An array of ``shape`` whose rows ``s .. s + t`` are ``f(s)``, for chunks covering ``n``.

    A ``fori_loop`` over the :func:`chunk_starts` of ``t``-row chunks along axis 0, each written
    into the output in place (the last one may overlap its neighbour, so ``f`` must give
    the same rows for the same positions). Memory is the output plus one chunk.
    """
    at = jnp.asarray(chunk_starts(n, t), jnp.int32)

    def body(i: jax.Array, out: jax.Array) -> jax.Array:
        return lax.dynamic_update_slice_in_dim(out, f(at[i]), at[i], axis=0)

    return lax.fori_loop(0, at.shape[0], body, jnp.zeros(shape, dtype))
