"""The separable correlation engine behind every linear filter of the library.

One 1-D correlation per axis: extend the axis with its boundary behaviour (from
:mod:`jaxresample._modes`), then sum shifted slices times the (traced) weights. Symmetric and
antisymmetric kernels are folded, ``w_k * (x[i-k] ± x[i+k])``, which halves the multiplies
(scipy's C code does the same). XLA fuses each axis's shift-and-add into one loop.

Measured on a 2-core x86-64 CPU (docs/PERF): XLA's CPU convolutions are ~40x slower than this
for 1-D kernels, so there are none here.

Also measured (W2, float32 512x512x247, sigma (2, 2, 1); scipy ~1.1-1.2 s): one fused pass per
axis over the whole volume runs on both cores, but every pass writes a fresh volume (page
faults, ~0.1 s each with glibc's default malloc), so three passes (interior taps from slices
of the input, edges from small extended blocks, concatenated; any axis order) take 0.30-0.35 s
against 0.28 s for the blocked path below, and 3 volumes of memory. The minor axis as a blocked
banded matmul (``einsum`` with a (B + 2r, B) band, B = 32) takes 0.63 s for that axis alone
(a shift-and-add pass: 0.06-0.23 s). Blocks of 32 or 64 rows, or wider chunks, are slower.

These helpers run *inside* jitted functions: every argument except the arrays and ``cval``
must be static.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from . import _modes

__all__ = ["correlate_axes", "correlate_pass"]

#: Sign relating a kernel's mirrored taps: +1 symmetric, -1 antisymmetric, 0 neither.
Symmetry = int


def _taps(
    xp: jax.Array, w: jax.Array, *, axis: int, n: int, before: int, symmetry: Symmetry
) -> jax.Array:
    """``out[i] = sum_j w[j] * xp[i + j]`` for ``i < n`` (``xp`` already extended)."""
    size = w.shape[0]

    def tap(j: int) -> jax.Array:
        return lax.slice_in_dim(xp, j, j + n, axis=axis)

    if symmetry and 2 * before == size - 1:
        r = before
        acc = tap(r) * w[r] if symmetry > 0 else None
        for k in range(1, r + 1):
            pair = tap(r + k) + tap(r - k) if symmetry > 0 else tap(r + k) - tap(r - k)
            term = pair * w[r + k]
            acc = term if acc is None else acc + term
        if acc is None:  # antisymmetric kernel of length 1: all zeros
            acc = tap(0) * w[0]
        return acc
    acc = tap(0) * w[0]
    for j in range(1, size):
        acc = acc + tap(j) * w[j]
    return acc


def correlate_pass(
    x: jax.Array,
    weights: jax.Array,
    *,
    axis: int,
    before: int,
    behaviour: Any,
    cval: Any,
    symmetry: Symmetry = 0,
) -> jax.Array:
    """Correlate ``x`` with ``weights`` along ``axis``.

    ``out[i] = sum_j weights[j] * x_ext[i + j - before]``, where ``x_ext`` is ``x`` extended
    with ``behaviour``. ``before`` is scipy's ``len(weights) // 2 + origin``.
    """
    after = weights.shape[0] - 1 - before
    # The barrier keeps XLA from fusing the padding into the taps' loop (measured: a
    # materialised pad followed by a pure shift-and-add is ~1.5x faster on CPU).
    xp = lax.optimization_barrier(
        _modes.pad(x, before, after, axis=axis, behaviour=behaviour, cval=cval)
    )
    w = weights.astype(x.dtype)
    return _taps(xp, w, axis=axis, n=x.shape[axis], before=before, symmetry=symmetry)


#: Rows of the first filtered axis per block in the blocked path.
SLAB_ROWS = 16
#: Width of the chunks of the second filtered axis in the blocked path's first pass.
CHUNK = 64
#: Arrays of at least this many elements take the blocked path (when 2+ axes are filtered).
SLAB_MIN_SIZE = 1 << 22


def _rows(
    x: jax.Array,
    start: Any,
    count: int,
    *,
    axis: int,
    before: int,
    after: int,
    behaviour: Any,
    cval: Any,
) -> jax.Array:
    """Rows ``start - before .. start + count + after`` of ``x`` along ``axis``, extended."""
    n = x.shape[axis]
    idx = start + jnp.arange(-before, count + after)
    src = _modes.extend_index(behaviour, idx, n)
    rows = jnp.take(x, jnp.clip(src, 0, n - 1), axis=axis, mode="clip")
    if behaviour == "constant":
        shape = [1] * x.ndim
        shape[axis] = idx.shape[0]
        rows = jnp.where((src < 0).reshape(shape), cval, rows)
    return rows


def correlate_axes(
    x: jax.Array,
    weights: Sequence[jax.Array],
    *,
    axes: Sequence[int],
    befores: Sequence[int],
    behaviours: Sequence[Any],
    cval: Any,
    symmetries: Sequence[Symmetry],
    between: Callable[[jax.Array], jax.Array] | None = None,
    slab_rows: int | None = None,
) -> jax.Array:
    """Apply one :func:`correlate_pass` per axis, in the order given.

    ``between`` (if given) is applied to each intermediate result, e.g. scipy's truncation of
    intermediates to an integer output dtype.

    Large arrays (``slab_rows`` None: at least :data:`SLAB_MIN_SIZE` elements, 2+ axes) are
    processed in blocks of ``slab_rows`` rows of the first filtered axis (a ``fori_loop``):
    each block reads its rows plus the kernel's reach from the input, runs every pass on the
    block while it is in cache, and is written into the output in place. Intermediates are
    one block, not whole volumes: peak memory is input + output + O(block). ``slab_rows=0``
    forces whole-array passes.
    """
    w = [wi.astype(x.dtype) for wi in weights]
    if slab_rows is None:
        slab_rows = SLAB_ROWS if x.size >= SLAB_MIN_SIZE and len(axes) >= 2 else 0
    a0 = axes[0] if axes else 0
    if not slab_rows or len(axes) < 2 or x.shape[a0] < slab_rows:
        for i, axis in enumerate(axes):
            if i and between is not None:
                x = lax.optimization_barrier(between(x))
            x = correlate_pass(
                x, w[i], axis=axis, before=befores[i], behaviour=behaviours[i], cval=cval,
                symmetry=symmetries[i],
            )  # fmt: skip
        return x

    n0 = x.shape[a0]
    before0 = befores[0]
    after0 = w[0].shape[0] - 1 - before0

    a1 = axes[1]
    n1 = x.shape[a1]
    width = min(CHUNK, n1)
    # Chunk starts along the second axis; the last chunk may overlap its neighbour (it
    # rewrites the same values), so every chunk has the same static width.
    chunks = list(range(0, n1 - width + 1, width))
    if chunks[-1] + width < n1:
        chunks.append(n1 - width)
    chunk_starts = np.asarray(chunks, np.int32)

    def first_pass(start: Any, count: int) -> jax.Array:
        # The first axis's taps on an interior block, chunk by chunk of the second axis:
        # its 2 * radius + 1 input rows then stay in cache (measured ~1.4x faster than one
        # pass over whole rows on a 2-core CPU).
        shape = list(x.shape)
        shape[a0] = count
        sizes = list(x.shape)
        sizes[a0] = count + before0 + after0
        sizes[a1] = width

        def inner(k: Any, acc: jax.Array) -> jax.Array:
            j = jnp.asarray(chunk_starts)[k]
            at = [jnp.zeros((), jnp.int32)] * x.ndim
            at[a0] = jnp.asarray(start - before0, jnp.int32)
            at[a1] = j
            sub = lax.dynamic_slice(x, at, sizes)
            t = _taps(sub, w[0], axis=a0, n=count, before=before0, symmetry=symmetries[0])
            at[a0] = jnp.zeros((), jnp.int32)
            return lax.dynamic_update_slice(acc, t, at)

        return lax.fori_loop(0, len(chunks), inner, jnp.zeros(shape, x.dtype))

    def block(start: Any, count: int, interior: bool = False) -> jax.Array:
        if interior:  # no boundary within reach: slices of the input, chunked
            y = first_pass(start, count)
        else:
            rows = _rows(x, start, count, axis=a0, before=before0, after=after0,
                         behaviour=behaviours[0], cval=cval)  # fmt: skip
            y = _taps(rows, w[0], axis=a0, n=count, before=before0, symmetry=symmetries[0])
        for i in range(1, len(axes)):
            if between is not None:
                y = between(y)
            y = correlate_pass(
                lax.optimization_barrier(y), w[i], axis=axes[i], before=befores[i],
                behaviour=behaviours[i], cval=cval, symmetry=symmetries[i],
            )  # fmt: skip
        return y

    nb = n0 // slab_rows
    # Blocks whose reach stays inside the axis run in the loop; the few at the edges (and
    # a last partial block) are written separately with the boundary extension.
    lo = -(-before0 // slab_rows)
    hi = max(lo, (n0 - after0) // slab_rows)
    hi = min(hi, nb)

    def body(b: Any, out: jax.Array) -> jax.Array:
        start = b * slab_rows
        y = block(start, slab_rows, interior=True)
        return lax.dynamic_update_slice_in_dim(out, y, start, axis=a0)

    out = lax.fori_loop(lo, hi, body, jnp.zeros_like(x))
    edges = [(b * slab_rows, slab_rows) for b in (*range(min(lo, nb)), *range(hi, nb))]
    if n0 - nb * slab_rows:
        edges.append((nb * slab_rows, n0 - nb * slab_rows))
    for start, count in edges:
        out = lax.dynamic_update_slice_in_dim(out, block(start, count), start, axis=a0)
    return out
