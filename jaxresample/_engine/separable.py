"""The separable resampling engine: one 1-D interpolation per axis.

Used by ``zoom``, ``shift`` and ``affine_transform`` with a concrete diagonal matrix (and
so by the volume resampling functions). Fixed coordinates are planned on the host in
float64, exactly as scipy computes them, and cached; for orders 2-5 scipy's pre-padding
and the exact B-spline prefilter are folded into each axis's weights (trimmed where the
dropped weight is below float precision), so no separate prefilter pass touches the data.
Up to 8 taps an axis is a gather plus a weighted sum; with more taps, the last axis is one
matrix product and the other axes a banded one, except where every output sample has the
same fused kernel (a constant shift of the grid: ``shift``, unit-scale diagonal affines):
those axes are one correlation each, all run together by the tiled correlation engine
(``shift`` of a float32 512x512x247 volume, cubic: 0.66 -> 0.25 s in ``shift``'s default
``constant`` mode, 0.51 -> 0.24 s in ``nearest``). Traced coordinates
(e.g. ``shift`` under ``grad``) pad and prefilter the axis just before resampling it.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtypes, _modes
from . import correlate as _correlate
from .coords import fence
from .jit import cpu_tuned_jit
from .prefilter import _INIT, _filter_matrix, _pre_pad_width, _prefilter1d
from .taps import _axis_plan


def _run_separable(
    x: jax.Array,
    cval: jax.Array,
    coords: list[Any],
    out_shape: tuple[int, ...],
    *,
    order: int,
    behaviour: str,
    prefilter: bool,
    work: np.dtype,
    out: np.dtype,
) -> jax.Array:
    """Resample with per-axis coordinates ``coords[a]`` (NumPy float64 or traced)."""
    if any(s == 0 for s in out_shape):
        return jnp.zeros(out_shape, out)
    planned = []
    for a, cc in enumerate(coords):
        kw = dict(order=order, behaviour=behaviour, prefilter=prefilter, axis=a)
        if isinstance(cc, np.ndarray):
            item = _host_plan(cc, x.shape[a], work=work, **kw)  # type: ignore[arg-type]
            if item is not None:
                planned.append(item)
        else:
            planned.append(_traced_plan(cc, x.shape[a], **kw))  # type: ignore[arg-type]
    # most shrinking axis first, so later axes work on less data
    planned.sort(key=lambda it: (it[0].A.shape[0] / x.shape[it[1].axis], it[1].axis))
    plans = tuple(p for p, _ in planned)
    pres = tuple(q for _, q in planned)
    return _resample(x, cval, plans, pres=pres, out_dtype=out)


# --------------------------------------------------------------------------------------------
# The separable engine (zoom, shift, diagonal affine_transform)
# --------------------------------------------------------------------------------------------
#
# When output axis ``a`` reads input axis ``a`` only (``c_a = scale_a * k + shift_a``), the
# interpolant factorises into one 1-D resampling per axis: a weighted sum of ``K`` taps
# gathered with ``jnp.take`` along the axis, most shrinking axis first. Each axis has a plan
# ``(J, A, beta, outside, nan)``: sample ``o`` is ``sum_k A[o, k] * x[J[o, k]] + cval * beta[o]``,
# then ``cval`` where ``outside[o]`` (legacy ``constant``), NaN where ``nan[o]``.
#
# * Host plans (static coordinates, float64 as scipy computes them) fold scipy's 12-sample
#   pre-padding and the exact spline prefilter into ``A = W @ M @ P`` (sampling weights,
#   prefilter operator of the padded line, padding); ``A`` decays geometrically away from the
#   taps, so each row keeps the fewest columns whose dropped mass is below the working
#   precision. No prefilter pass over the data is needed.
# * Traced plans (e.g. ``shift`` under ``grad``) use the ``order + 1`` taps built in JAX; the
#   axis is then padded and prefiltered just before it is resampled.

#: Dense host planning while ``n_out * n_in`` stays below this and ``n_in`` below the next.
_DENSE_LIMIT = 1 << 22
_DENSE_MAX_N = 4096

#: Mass of the fused kernel a row may drop, relative to its absolute sum, per compute dtype.
_DROP = {np.dtype("float32"): 1e-7, np.dtype("float64"): 1e-14}

#: Above this many taps per output sample an axis is applied as a dense matrix product.
_MAX_TAPS = 8

_HIGHEST = jax.lax.Precision.HIGHEST

#: Output rows per block of the banded matrix form. Measured on W1 cubic (2-core CPU): a
#: major axis 512 -> 400 of a 512x512x124 volume takes 113/79/72/62/71 ms with blocks of
#: 8/16/32/64/128 rows (dense: 91 ms); a middle axis as a batched GEMM instead of a GEMM plus
#: transposes: 62 ms against 80 ms. The whole W1 cubic job: 0.19-0.20 s against 0.21-0.22 s.
_BAND = 64


class _Plan(NamedTuple):
    J: Any
    A: Any
    beta: Any
    outside: Any
    nan: Any


class _Pre(NamedTuple):
    """Static per-axis work done in JAX before the taps are applied."""

    axis: int
    order: int
    behaviour: str
    npad: int
    prefilter: bool
    #: banded matrix form: per block of output rows ``(r0, r1, c0, c1)``, the rows' support
    blocks: tuple[tuple[int, int, int, int], ...] | None = None
    #: correlation form: ``A`` is one kernel for every output sample, this many taps before
    #: the sample it is centred on, and the axis is extended with ``behaviour``
    fir: int | None = None


def _tap_plan(idx: Any, w: Any, ok: Any, outside: Any, nan: Any, xp: Any) -> _Plan:
    beta = None
    if ok is not None:
        beta = xp.sum(w * (1 - ok.astype(w.dtype)), axis=-1)
        w = w * ok.astype(w.dtype)
    return _Plan(idx, w, beta, outside, nan)


def _sparsify(dense: np.ndarray, drop: float) -> tuple[np.ndarray, np.ndarray]:
    """Keep the fewest columns per row whose dropped absolute mass is <= ``drop`` of the row."""
    mag = np.abs(dense)
    rank = np.argsort(-mag, axis=1, kind="stable")
    sorted_mag = np.take_along_axis(mag, rank, axis=1)
    total = sorted_mag.sum(axis=1, keepdims=True)
    tail = total - np.cumsum(sorted_mag, axis=1)  # mass dropped when keeping k + 1 columns
    keep = (tail > drop * total).sum(axis=1) + 1
    k = int(max(1, keep.max()))
    cols = np.sort(rank[:, :k], axis=1)
    return cols, np.take_along_axis(dense, cols, axis=1)


def _bands(cols: np.ndarray) -> tuple[tuple[int, int, int, int], ...]:
    """Blocks of ``_BAND`` output rows with the column range their kept taps span."""
    out = []
    for r0 in range(0, cols.shape[0], _BAND):
        r1 = min(r0 + _BAND, cols.shape[0])
        out.append((r0, r1, int(cols[r0:r1].min()), int(cols[r0:r1].max()) + 1))
    return tuple(out)


def _host_plan(
    cc: np.ndarray,
    n: int,
    *,
    order: int,
    behaviour: str,
    prefilter: bool,
    work: np.dtype,
    axis: int,
) -> tuple[_Plan, _Pre] | None:
    """Plan one axis from float64 coordinates ``cc``; None when the axis is the identity.

    Plans are cached by their inputs (coordinates included), so repeated calls with the same
    geometry skip the host work.
    """
    cc = np.ascontiguousarray(cc, dtype=np.float64)
    key = (cc.tobytes(), n, order, behaviour, bool(prefilter), np.dtype(work).str, axis)
    return _cached_host_plan(*key)


@functools.lru_cache(maxsize=32)
def _cached_host_plan(
    cc_bytes: bytes,
    n: int,
    order: int,
    behaviour: str,
    prefilter: bool,
    work_str: str,
    axis: int,
) -> tuple[_Plan, _Pre] | None:
    cc = np.frombuffer(cc_bytes, dtype=np.float64)
    work = np.dtype(work_str)
    n_out = cc.shape[0]
    spline = prefilter and order >= 2
    if n_out == n and bool(np.all(cc == np.arange(n))) and (spline or order < 2):
        # sampling at the samples: the identity, unless the samples are used as spline
        # coefficients without a prefilter (scipy then returns the smoothed spline)
        return None
    npad = _pre_pad_width(order, behaviour) if spline else 0
    big = n + 2 * npad
    idx, w, ok, outside, nan = _axis_plan(cc + npad, big, behaviour, order)
    nan = nan if nan.any() else None
    if not spline or n_out * big > _DENSE_LIMIT or big > _DENSE_MAX_N:
        plan = _tap_plan(idx, w.astype(work), ok, outside, nan, np)
        return plan, _Pre(axis, order, behaviour, npad, spline)
    beta = np.zeros(n_out)
    if ok is not None:
        beta = np.sum(w * ~ok, axis=1)
        w = w * ok
    dense = np.zeros((n_out, big))
    np.add.at(dense, (np.arange(n_out)[:, None], idx), w)
    if big >= 2:
        dense = dense @ _filter_matrix(big, order, _INIT[behaviour])
    if npad:
        inner = dense[:, npad : npad + n].copy()
        if behaviour == "edge":
            inner[:, 0] += dense[:, :npad].sum(axis=1)
            inner[:, -1] += dense[:, npad + n :].sum(axis=1)
        else:  # grid-constant: the padding holds cval
            beta = beta + dense[:, :npad].sum(axis=1) + dense[:, npad + n :].sum(axis=1)
        dense = inner
    beta_ = beta.astype(work) if behaviour == "constant" else None
    if n_out == n and nan is None:
        fir = _shift_invariant(dense, behaviour, _DROP[np.dtype(work)], beta=beta, outside=outside)
        if fir is not None:
            g, before, extension = fir
            return _Plan(None, g.astype(work), None, outside, None), _Pre(
                axis, order, extension, 0, False, None, before
            )
    cols, vals = _sparsify(dense, _DROP[np.dtype(work)])
    if cols.shape[1] > _MAX_TAPS:
        # a wide fused kernel: one dense matrix product beats K gathers on CPU (docs: Performance)
        kept = np.zeros(dense.shape, work)
        np.put_along_axis(kept, cols, vals.astype(work), axis=1)
        pre = _Pre(axis, order, behaviour, 0, False, _bands(cols))
        return _Plan(None, kept, beta_, outside, nan), pre
    return _Plan(cols.astype(np.int32), vals.astype(work), beta_, outside, nan), _Pre(
        axis, order, behaviour, 0, False
    )


#: The extension a correlation applies for each interpolation behaviour that can take the
#: correlation form: scipy's legacy ``constant`` interpolates inside ``[0, n - 1]`` with
#: taps mirrored as ``mirror`` does (and returns ``cval`` outside, a mask kept in the plan).
_FIR_EXTENSION = {
    "half-symmetric": "half-symmetric",
    "whole-symmetric": "whole-symmetric",
    "edge": "edge",
    "periodic": "periodic",
    "periodic-legacy": "periodic-legacy",
    "constant": "constant",
    "constant-legacy": "whole-symmetric",
}
#: How far (in units of the trimming budget ``_DROP``) a row may differ from the correlation.
_FIR_SLACK = 8


def _shift_invariant(
    dense: np.ndarray,
    behaviour: str,
    drop: float,
    *,
    beta: np.ndarray | None = None,
    outside: np.ndarray | None = None,
) -> tuple[np.ndarray, int, str] | None:
    """``(g, before, extension)`` when the fused matrix ``dense`` (n x n) is one correlation.

    A shift of the grid by a constant (``shift``, or a unit-scale diagonal affine) gives every
    output sample the same fused kernel in the interior; at the borders scipy's spline
    boundary conditions (and its pre-padding) make the rows differ. For most behaviours
    those rows are, to working precision, the same kernel applied to the axis extended with
    ``extension`` (:data:`_FIR_EXTENSION`; for ``constant`` the ``cval`` weights ``beta`` are
    checked too): then the axis is a plain correlation (``O(taps)`` per sample instead of a
    dense or banded product, and all such axes run together, tile by tile, in
    :func:`jaxresample._engine.correlate.correlate_axes`). The kernel is the middle row's, trimmed
    as :func:`_sparsify` trims rows; every row (but the ``outside`` ones, which return
    ``cval``) is checked against the model, and None is returned unless each one matches
    within ``_FIR_SLACK * drop`` of its mass. (Measured in float32: rows whose coordinates
    the mode folds back, e.g. past the last sample, differ from the model by up to ~5x
    ``drop``; most float64 plans of the symmetric modes exceed their much smaller budget
    and keep the matrix form.)
    """
    n = dense.shape[0]
    extension = _FIR_EXTENSION.get(behaviour)
    if extension is None or n < 8 or dense.shape[1] != n:
        return None
    mid = n // 2
    if outside is not None and outside[mid]:
        return None
    cols, _ = _sparsify(dense[mid : mid + 1], drop)
    lo, hi = int(cols.min()), int(cols.max()) + 1
    g = dense[mid, lo:hi]
    before = mid - lo
    if not 0 <= before < hi - lo or hi - lo > n:
        # a shift beyond the kernel's reach, or an axis shorter than the kernel (where the
        # matrix form is cheap anyway)
        return None
    pos = np.arange(n)[:, None] - before + np.arange(hi - lo)[None, :]
    idx = _modes.extend_index(extension, pos, n)  # type: ignore[arg-type]
    inside = idx >= 0  # False only for ``constant``: those taps read cval
    rows = np.broadcast_to(np.arange(n)[:, None], idx.shape)
    model = np.zeros_like(dense)
    np.add.at(model, (rows[inside], idx[inside]), np.broadcast_to(g, idx.shape)[inside])
    err = np.abs(dense - model).sum(axis=1)
    if beta is not None:
        err = err + np.abs(beta - (g * ~inside).sum(axis=1))
    mass = np.abs(dense).sum(axis=1) + (0 if beta is None else np.abs(beta))
    bad = err > _FIR_SLACK * drop * mass
    if outside is not None:
        bad &= ~outside
    if np.any(bad):
        return None
    return g, before, extension


def _traced_plan(
    cc: jax.Array, n: int, *, order: int, behaviour: str, prefilter: bool, axis: int
) -> tuple[_Plan, _Pre]:
    """Plan one axis from traced coordinates (prefilter done in the executor)."""
    spline = prefilter and order >= 2
    npad = _pre_pad_width(order, behaviour) if spline else 0
    # the coordinates may be computed in the caller's program: see _coords
    idx, w, ok, outside, nan = _axis_plan(fence(cc) + npad, n + 2 * npad, behaviour, order)
    return _tap_plan(idx, w, ok, outside, nan, jnp), _Pre(axis, order, behaviour, npad, spline)


def _apply(x: jax.Array, cval: jax.Array, plan: _Plan, axis: int, blocks: Any) -> jax.Array:
    n_out = plan.A.shape[0]
    bshape = [1] * x.ndim
    bshape[axis] = n_out
    a = plan.A.astype(x.dtype)
    acc = None
    if blocks is not None and axis == x.ndim - 1:
        # the minor axis: one GEMM contracting the last dimension (no transposes)
        acc = jnp.moveaxis(jnp.tensordot(x, a, axes=((axis,), (1,)), precision=_HIGHEST), -1, axis)
    elif blocks is not None:
        # a major axis: a banded product, one small GEMM per block of output rows over the
        # contiguous input rows its fused kernels span, batched over the leading axes so the
        # result is already in place (no transposes)
        lead = int(np.prod(x.shape[:axis], dtype=np.int64))
        x3 = x.reshape(lead, x.shape[axis], -1)
        parts = []
        for r0, r1, c0, c1 in blocks:
            xs = jax.lax.slice_in_dim(x3, c0, c1, axis=1)
            if lead == 1:  # a plain GEMM (a batch of one is slower in XLA)
                y = jnp.tensordot(a[r0:r1, c0:c1], xs[0], axes=1, precision=_HIGHEST)[None]
            else:
                y = jnp.einsum("rk,bkn->brn", a[r0:r1, c0:c1], xs, precision=_HIGHEST)
            parts.append(y)
        acc3 = parts[0] if len(parts) == 1 else jnp.concatenate(parts, axis=1)
        acc = acc3.reshape(*x.shape[:axis], n_out, *x.shape[axis + 1 :])
    for j in range(0 if blocks is not None else plan.J.shape[1]):
        part = jnp.take(x, plan.J[:, j], axis=axis, mode="clip") * a[:, j].reshape(bshape)
        acc = part if acc is None else acc + part
    if acc is None:  # pragma: no cover - a plan always has at least one tap
        raise RuntimeError("_separable._apply: empty resampling plan")
    if plan.beta is not None:
        acc = acc + cval * plan.beta.astype(x.dtype).reshape(bshape)
    return acc


@cpu_tuned_jit(static_argnames=("pres", "out_dtype"))
def _resample(
    x: jax.Array,
    cval: jax.Array,
    plans: tuple[_Plan, ...],
    *,
    pres: tuple[_Pre, ...],
    out_dtype: Any,
) -> jax.Array:
    mask = None
    nan = None
    firs = [(plan, pre) for plan, pre in zip(plans, pres, strict=True) if pre.fir is not None]
    for plan, pre in zip(plans, pres, strict=True):
        ax = pre.axis
        if pre.fir is None:
            if pre.npad:
                x = _modes.pad(x, pre.npad, pre.npad, axis=ax, behaviour=pre.behaviour, cval=cval)  # type: ignore[arg-type]
            if pre.prefilter:
                x = _prefilter1d(x, order=pre.order, behaviour=pre.behaviour, axis=ax)
            x = _apply(x, cval, plan, ax, pre.blocks)
        elif firs:  # every correlation axis at once, at the first one's turn (tiled)
            x = _correlate.correlate_axes(
                x,
                [p.A for p, _ in firs],
                axes=[q.axis for _, q in firs],
                befores=[q.fir for _, q in firs],  # type: ignore[misc]
                behaviours=[q.behaviour for _, q in firs],
                cval=cval,
                symmetries=[0] * len(firs),
            )
            firs = []
        bshape = [1] * x.ndim
        bshape[ax] = x.shape[ax]
        if plan.outside is not None:
            m = jnp.asarray(plan.outside).reshape(bshape)
            mask = m if mask is None else mask | m
        if plan.nan is not None:
            m = jnp.asarray(plan.nan).reshape(bshape)
            nan = m if nan is None else nan | m
    if mask is not None:
        x = jnp.where(mask, cval, x)
    if nan is not None and jnp.issubdtype(x.dtype, jnp.inexact):
        x = jnp.where(nan, jnp.asarray(jnp.nan, x.dtype), x)
    return _dtypes.cast_result(x, out_dtype, rule="round")
