"""Sample coordinates whose taps and weights always agree.

The B-spline sampler derives two things from each coordinate ``c``: the integer taps
(``floor(c)``, a step function) and the weights (the fractional part). XLA computes them in
different fusions and recomputes cheap producers inside each one; its CPU and GPU compilers
contract multiply-adds into FMAs in some fusions and not in others. A coordinate computed
inside the program (an affine map of the output grid, or a user's computation inside their
own ``jit``) can therefore round to ``2.9999999999999996`` where the taps are taken and to
``3.0`` where the weights are: the point then reads the taps of one cell with the weights of
the next, a wrong value (off by a whole tap), not a rounding error. ``optimization_barrier``
does not prevent it: XLA's CPU compiler removes the barrier (checked in the compiled HLO).

Two remedies, both exact:

* :func:`affine_coordinates` computes ``offset + matrix @ o`` so that every product is
  exact (each matrix entry is split into pieces short enough that piece times index needs no
  rounding). With exact products, a contracted and an uncontracted multiply-add round the
  same way, and additions are never reordered, so the coordinate has the same bits in
  every fusion. Nothing per point is stored.
* :func:`fence` materialises an array once (a one-trip ``while_loop`` whose trip count XLA
  cannot know), so every later use reads the stored bits. It costs one copy and is used
  for coordinates given by the caller (``map_coordinates``) and for small arrays (traced
  matrices, per-axis coordinates).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["affine_coordinates", "fence"]


def _materialise(x: jax.Array) -> jax.Array:
    if x.size == 0:
        return x
    probe = x.reshape(-1)[0]
    if not jnp.issubdtype(probe.dtype, jnp.inexact):
        probe = probe.astype(jnp.float32)
    probe = jnp.real(probe)
    # Always 0 (no value is both NaN and not NaN), but XLA cannot fold a float compare of a
    # runtime value, so the loop's trip count stays unknown and the loop stays.
    start = ((probe != probe) & (probe == probe)).astype(jnp.int32)

    def body(state: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, jax.Array]:
        return state[0] + 1, x

    _, out = jax.lax.while_loop(lambda s: s[0] < 1, body, (start, jnp.zeros_like(x)))
    return out


@jax.custom_jvp
def fence(x: Any) -> Any:
    """``x`` (a pytree of arrays) stored once: every later use reads the same bits.

    An identity for ``jit``, ``vmap`` and differentiation (its derivative is the identity).
    """
    return jax.tree_util.tree_map(_materialise, x)


@fence.defjvp
def _fence_jvp(primals: tuple[Any], tangents: tuple[Any]) -> tuple[Any, Any]:
    (x,) = primals
    (t,) = tangents
    return fence(x), t


def _pieces(m: jax.Array, bits: int) -> list[jax.Array]:
    """Split ``m`` into floats of at most ``bits`` significant bits that sum to ``m`` exactly.

    The leading bits are kept by masking the bit pattern (no arithmetic that a compiler
    could contract); each remainder ``m - piece`` is exact.
    """
    info = jnp.finfo(m.dtype)
    p = info.nmant + 1
    itype = jnp.int64 if m.dtype == jnp.float64 else jnp.int32
    if bits >= p:
        return [m]
    mask = ~((1 << (p - bits)) - 1)
    out = []
    rest = m
    for _ in range(-(-p // bits) - 1):
        head = jax.lax.bitcast_convert_type(
            jax.lax.bitcast_convert_type(rest, itype) & np.asarray(mask, itype), m.dtype
        )
        out.append(head)
        rest = rest - head
    out.append(rest)
    return out


def affine_coordinates(
    matrix: jax.Array,
    offset: jax.Array,
    shape: tuple[int, ...],
    *,
    extent: tuple[int, ...] | None = None,
    first: Any = None,
) -> jax.Array:
    """``offset + matrix @ o`` for every output index ``o`` of a grid of ``shape``.

    Args:
      matrix: ``(n_in, len(shape))`` real matrix (traced or not).
      offset: ``(n_in,)`` offsets, the matrix's dtype.
      shape: the shape of the block of output points computed. Static.
      extent: the shape of the whole output grid (default ``shape``), which bounds the
        indices. Static.
      first: index of the block's first row along axis 0 (traced), for blocks of rows.

    Returns:
      Array of shape ``(n_in, *shape)`` whose bits do not depend on how XLA fuses its uses
      (see the module docstring).
    """
    extent = shape if extent is None else extent
    dt = matrix.dtype
    p = jnp.finfo(dt).nmant + 1
    top = max(int(n) - 1 for n in extent)
    bits = max(1, p - max(1, top.bit_length()))
    matrix, offset = fence((matrix, offset))
    pieces = _pieces(matrix, bits)
    nd = len(shape)
    index = []
    for d, n in enumerate(shape):
        k = jnp.arange(n, dtype=dt)
        if d == 0 and first is not None:
            k = k + jnp.asarray(first).astype(dt)  # integers: exact
        index.append(k.reshape([n if e == d else 1 for e in range(nd)]))
    rows = []
    for h in range(matrix.shape[0]):
        # scipy's order of operations: t = sum_d o[d] * matrix[h, d], then + offset[h]. With
        # two pieces (indices below 2**(p // 2)), piece_0 * o + piece_1 * o rounds once, to
        # the rounded product: the same bits as scipy's float64 loop.
        c: Any = None
        for d in range(nd):
            term: Any = None
            for piece in pieces:
                prod = piece[h, d] * index[d]  # exact: FMA or not, the sums round the same
                term = prod if term is None else term + prod
            c = term if c is None else c + term
        rows.append(jnp.broadcast_to(c + offset[h], shape))
    return jnp.stack(rows)
