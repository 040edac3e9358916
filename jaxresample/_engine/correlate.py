"""The separable correlation engine behind every linear filter of the library.

One 1-D correlation per axis: extend the axis with its boundary behaviour (from
:mod:`jaxresample._modes`), then sum shifted slices times the (traced) weights. Symmetric and
antisymmetric kernels are folded, ``w_k * (x[i-k] ± x[i+k])``, which halves the multiplies
(scipy's C code does the same). XLA fuses each axis's shift-and-add into one loop.

XLA's CPU convolutions are far slower for 1-D kernels, so there are none here. Large
arrays run every axis's pass on one tile at a time while it is in cache (:func:`correlate_axes`);
the formulations measured against it are on the *Performance* page of the docs.

These helpers run *inside* jitted functions: every argument except the arrays and ``cval``
must be static.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _modes
from .chunks import chunk_starts

__all__ = ["correlate_axes", "correlate_pass", "fold_kernel", "tiled"]

#: Sign relating a kernel's mirrored taps: +1 symmetric, -1 antisymmetric, 0 neither.
Symmetry = int


#: Kernels up to this many taps are summed unrolled (one fused loop); longer ones loop over
#: blocks of :data:`TAP_BLOCK` taps, so the program's size does not grow with the kernel.
UNROLL_TAPS = 64
TAP_BLOCK = 16


def _period(behaviour: Any, n: int) -> int | None:
    """The period of an axis of ``n`` samples extended with ``behaviour`` (None: not periodic)."""
    if behaviour == "periodic":
        return n
    if behaviour == "half-symmetric":
        return 2 * n
    if behaviour == "whole-symmetric":
        return max(1, 2 * n - 2)
    return None


def fold_kernel(w: jax.Array, centre: int, n: int, behaviour: Any) -> tuple[jax.Array, int]:
    """An equivalent kernel of at most ``2 n + 1`` taps for an axis of ``n`` samples.

    ``out[i] = sum_j w[j] x_ext[i + j - centre]`` reads the extension of the axis only. A
    periodic extension (``periodic``, and the symmetric ones, whose extension repeats every
    ``2 n`` or ``2 n - 2`` samples) gives taps one period apart the same sample: their
    weights are summed. With ``edge`` and ``constant``, every tap further than ``n`` samples
    away reads the edge sample (or ``cval``) for every output: those are summed into the
    tap at distance ``n``. The result is the same correlation, with a kernel whose length
    depends on the axis, not on ``sigma`` or ``truncate``. Shapes are static; ``w`` may be
    traced (summed with reshapes, no index tables).

    Returns:
      ``(w, centre)`` for the folded kernel; the inputs unchanged when already short.
    """
    size = w.shape[0]
    if n == 0:  # an empty axis: there is nothing to read
        return w, centre
    period = _period(behaviour, n)
    if period is not None:
        if size <= period:
            return w, centre
        half = period // 2
        # tap j has offset j - centre; it lands in slot (offset + half) mod period
        lead = (half - centre) % period
        total = -(-(lead + size) // period) * period
        wp = jnp.pad(w, (lead, total - lead - size))
        return wp.reshape(-1, period).sum(axis=0), half
    if size <= 2 * n + 1:
        return w, centre
    lo = max(0, centre - n)  # taps j < lo have offset < -n
    hi = min(size, centre + n + 1)  # taps j >= hi have offset > n
    zero = jnp.zeros((), w.dtype)
    left = jnp.sum(w[:lo]) if lo > 0 else zero
    right = jnp.sum(w[hi:]) if hi < size else zero
    mid = w[lo:hi]
    # offsets -n .. n: pad the middle where the kernel did not reach that far
    pad_lo = (lo - centre) + n  # offset of w[lo] is lo - centre >= -n
    pad_hi = n - (hi - 1 - centre)
    mid = jnp.pad(mid, (pad_lo, pad_hi))
    mid = mid.at[0].add(left).at[-1].add(right)
    return mid, n


def _taps(
    xp: jax.Array, w: jax.Array, *, axis: int, n: int, centre: int, symmetry: Symmetry
) -> jax.Array:
    """``out[i] = sum_j w[j] * xp[i + j]`` for ``i < n`` (``xp`` already extended)."""
    size = w.shape[0]

    def tap(j: int) -> jax.Array:
        return lax.slice_in_dim(xp, j, j + n, axis=axis)

    if size > UNROLL_TAPS:
        return _taps_loop(xp, w, axis=axis, n=n)

    if symmetry and 2 * centre == size - 1:
        r = centre
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


def _taps_loop(xp: jax.Array, w: jax.Array, *, axis: int, n: int) -> jax.Array:
    """:func:`_taps` for long kernels: a loop over blocks of taps (constant program size)."""
    size = w.shape[0]
    nblocks = size // TAP_BLOCK

    def block(b: jax.Array, acc: jax.Array) -> jax.Array:
        j0 = b * TAP_BLOCK
        for k in range(TAP_BLOCK):
            part = lax.dynamic_slice_in_dim(xp, j0 + k, n, axis=axis)
            acc = acc + part * lax.dynamic_index_in_dim(w, j0 + k, keepdims=False)
        return acc

    shape = list(xp.shape)
    shape[axis] = n
    acc = lax.fori_loop(0, nblocks, block, jnp.zeros(shape, xp.dtype))
    for j in range(nblocks * TAP_BLOCK, size):  # the remainder, unrolled
        acc = acc + lax.slice_in_dim(xp, j, j + n, axis=axis) * w[j]
    return acc


def correlate_pass(
    x: jax.Array,
    weights: jax.Array,
    *,
    axis: int,
    centre: int,
    behaviour: Any,
    cval: Any,
    symmetry: Symmetry = 0,
) -> jax.Array:
    """Correlate ``x`` with ``weights`` along ``axis``.

    ``out[i] = sum_j weights[j] * x_ext[i + j - centre]``, where ``x_ext`` is ``x`` extended
    with ``behaviour``. ``centre`` is scipy's ``len(weights) // 2 + origin``.
    """
    weights, centre = fold_kernel(weights, centre, x.shape[axis], behaviour)
    after = weights.shape[0] - 1 - centre
    # The barrier keeps XLA from fusing the padding into the taps' loop: a materialised
    # pad followed by a pure shift-and-add is faster on CPU.
    xp = lax.optimization_barrier(
        _modes.pad(x, centre, after, axis=axis, behaviour=behaviour, cval=cval)
    )
    w = weights.astype(x.dtype)
    return _taps(xp, w, axis=axis, n=x.shape[axis], centre=centre, symmetry=symmetry)


#: Arrays of at least this many elements take the tiled path (when 2+ axes are filtered).
TILED_MIN_SIZE = 1 << 22
#: Output elements per tile in the tiled path (float32: 8 MiB).
TILE_ELEMS = 1 << 21
#: Width of the tiles along the second tiled axis (when the array has 3+ dimensions).
TILE_WIDTH = 64


def _in_own_buffer(pred: jax.Array, f: Callable[[jax.Array], jax.Array], y: jax.Array) -> jax.Array:
    """``f(y)``, computed into a buffer of its own: a ``cond`` on an always-true ``pred``.

    XLA's CPU compiler drops ``optimization_barrier`` and would fuse a tile's dynamic slice
    and every pass into one loop whose index arithmetic defeats vectorisation (about twice
    as slow). A conditional's operands and results are materialised, so each pass runs as
    its own vectorised (and multi-threaded) loop over a tile that is in cache.
    """
    out = jax.eval_shape(f, y)
    return lax.cond(pred, f, lambda _: jnp.zeros(out.shape, out.dtype), y)


def _tile_sizes(shape: Sequence[int], axes: Sequence[int]) -> tuple[int, ...]:
    """Tile sizes along the leading axes (one per tiled axis), or ``()`` for whole passes."""
    if len(shape) < 2 or len(set(axes)) < max(2, len(axes)) or math.prod(shape) < TILED_MIN_SIZE:
        return ()
    if len(shape) == 2:
        return (max(1, min(shape[0], TILE_ELEMS // shape[1])),)
    t1 = min(shape[1], TILE_WIDTH)
    return (max(1, min(shape[0], TILE_ELEMS // (t1 * math.prod(shape[2:])))), t1)


def tiled(shape: Sequence[int], axes: Sequence[int]) -> bool:
    """Whether :func:`correlate_axes` would take the tiled path for these arguments."""
    return jax.default_backend() == "cpu" and bool(_tile_sizes(shape, axes))


def correlate_axes(
    x: jax.Array,
    weights: Sequence[jax.Array],
    *,
    axes: Sequence[int],
    centres: Sequence[int],
    behaviours: Sequence[Any],
    cval: Any,
    symmetries: Sequence[Symmetry],
    intermediate: Callable[[jax.Array], jax.Array] | None = None,
    tiles: Sequence[int] | None = None,
) -> jax.Array:
    """Apply one :func:`correlate_pass` per axis, in the order given.

    ``intermediate`` (if given) is applied to each intermediate result, e.g. scipy's truncation of
    intermediates to an integer output dtype.

    Large arrays (at least :data:`TILED_MIN_SIZE` elements, 2+ filtered axes) are processed
    tile by tile on the CPU backend (a ``fori_loop``): a tile covers ``tiles[k]`` samples of
    leading axis ``k`` (the first one or two axes) and the whole of the others. Each tile
    reads its samples plus the kernels' reach from the input (extended at the borders), runs
    every pass while it is in cache, and is written into the output in place. Intermediates
    are one tile, not whole volumes: peak memory is input + output + O(tile).
    ``tiles=()`` forces whole-array passes; ``None`` chooses (:func:`_tile_sizes`).
    """
    if x.size == 0:  # nothing to filter (scipy returns the empty array)
        return x
    w, centres, symmetries = list(weights), list(centres), list(symmetries)
    for i, axis in enumerate(axes):
        size = w[i].shape[0]
        w[i], centres[i] = fold_kernel(w[i], centres[i], x.shape[axis], behaviours[i])
        if w[i].shape[0] != size:
            symmetries[i] = 0  # the folded kernel need not be (anti)symmetric
    w = [wi.astype(x.dtype) for wi in w]
    if tiles is None:
        tiles = _tile_sizes(x.shape, axes) if tiled(x.shape, axes) else ()
    tiles = tuple(min(t, n) for t, n in zip(tiles, x.shape, strict=False))
    if not tiles or tiles == x.shape[: len(tiles)] or len(axes) < 2:
        for i, axis in enumerate(axes):
            if i and intermediate is not None:
                x = lax.optimization_barrier(intermediate(x))
            x = correlate_pass(
                x, w[i], axis=axis, centre=centres[i], behaviour=behaviours[i], cval=cval,
                symmetry=symmetries[i],
            )  # fmt: skip
        return x
    return _tiled(x, w, tiles, axes, centres, behaviours, cval, symmetries, intermediate)


def _tiled(
    x: jax.Array,
    w: Sequence[jax.Array],
    tiles: tuple[int, ...],
    axes: Sequence[int],
    centres: Sequence[int],
    behaviours: Sequence[Any],
    cval: Any,
    symmetries: Sequence[Symmetry],
    intermediate: Callable[[jax.Array], jax.Array] | None,
) -> jax.Array:
    """The tiled path of :func:`correlate_axes` (see there)."""
    nt = len(tiles)
    if nt == 2 and intermediate is None and "constant" not in behaviours:
        # The passes commute: filter the second tiled axis first. Its halo along the first
        # tiled axis is then the cheaper one to carry (tiles are longer along the first
        # axis).
        order = sorted(range(len(axes)), key=lambda i: (axes[i] != 1, axes[i] != 0))
        w = [w[i] for i in order]
        axes, centres, behaviours, symmetries = (
            [seq[i] for i in order] for seq in (axes, centres, behaviours, symmetries)
        )
    # Reach (taps before, taps after) of the kernel along each tiled axis; 0 where not filtered.
    reach = [(0, 0)] * nt
    for i, ax in enumerate(axes):
        if ax < nt:
            reach[ax] = (centres[i], w[i].shape[0] - 1 - centres[i])
    grids = np.meshgrid(*[chunk_starts(x.shape[k], tiles[k]) for k in range(nt)], indexing="ij")
    starts = np.stack([g.ravel() for g in grids], axis=1).astype(np.int32)
    interior = np.all(
        [
            (starts[:, k] >= reach[k][0]) & (starts[:, k] + tiles[k] + reach[k][1] <= x.shape[k])
            for k in range(nt)
        ],
        axis=0,
    )
    sizes = [t + b + a for t, (b, a) in zip(tiles, reach, strict=True)]
    rest = [jnp.zeros((), jnp.int32)] * (x.ndim - nt)

    def fetch(s: jax.Array) -> jax.Array:
        """The tile at ``s`` with its reach, when the reach stays inside the array."""
        at = [s[k] - reach[k][0] for k in range(nt)] + rest
        return lax.dynamic_slice(x, at, sizes + list(x.shape[nt:]))

    def fetch_extended(s: jax.Array) -> jax.Array:
        """The same, with each tiled axis extended by its behaviour (a gather)."""
        idx = []
        for k in range(nt):
            pos = s[k] + jnp.arange(-reach[k][0], tiles[k] + reach[k][1], dtype=jnp.int32)
            if reach[k] != (0, 0):
                (behaviour,) = [behaviours[i] for i, ax in enumerate(axes) if ax == k]
                pos = _modes.extend_index(behaviour, pos, x.shape[k])
            idx.append(pos.reshape([-1 if j == k else 1 for j in range(nt)]))
        tile = x[tuple(jnp.clip(p, 0, x.shape[k] - 1) for k, p in enumerate(idx))]
        outside = functools.reduce(jnp.logical_or, [p < 0 for p in idx])
        return jnp.where(outside.reshape(outside.shape + (1,) * (x.ndim - nt)), cval, tile)

    def body(t: jax.Array, out: jax.Array) -> jax.Array:
        s = jnp.asarray(starts)[t]
        live = t >= 0  # always true, but traced: see _in_own_buffer
        if interior.all() or not interior.any():  # one kind of tile: no branch to choose
            y = _in_own_buffer(live, fetch if interior.all() else fetch_extended, s)
        else:
            y = lax.cond(jnp.asarray(interior)[t], fetch, fetch_extended, s)
        for i, ax in enumerate(axes):

            def one_pass(y: jax.Array, i: int = i, ax: int = ax) -> jax.Array:
                if i and intermediate is not None:
                    y = intermediate(y)
                if ax < nt and i and behaviours[i] == "constant":
                    # scipy extends each intermediate with cval: the earlier passes have
                    # filtered the cval border of this axis, so set it back.
                    pos = s[ax] + jnp.arange(-centres[i], y.shape[ax] - centres[i], dtype=jnp.int32)
                    shape = [1] * y.ndim
                    shape[ax] = -1
                    outside = ((pos < 0) | (pos >= x.shape[ax])).reshape(shape)
                    y = jnp.where(outside, cval, y)
                if ax < nt:  # the reach is already in the tile
                    return _taps(y, w[i], axis=ax, n=tiles[ax], centre=centres[i],
                                 symmetry=symmetries[i])  # fmt: skip
                return correlate_pass(y, w[i], axis=ax, centre=centres[i],
                                      behaviour=behaviours[i], cval=cval,
                                      symmetry=symmetries[i])  # fmt: skip

            # The last pass fuses into the in-place update of the output.
            y = one_pass(y) if i == len(axes) - 1 else _in_own_buffer(live, one_pass, y)
        return lax.dynamic_update_slice(out, y, [s[k] for k in range(nt)] + rest)

    return lax.fori_loop(0, starts.shape[0], body, jnp.zeros_like(x))
