"""The separable resampling engine: one 1-D interpolation per axis.

Used by ``zoom``, ``shift`` and ``affine_transform`` with a concrete diagonal matrix (and
so by the volume resampling functions). When output axis ``a`` reads input axis ``a`` only
(``c_a = scale_a * k + shift_a``), the interpolant factorises into one 1-D resampling per
axis, most shrinking axis first. :func:`axis_resampling` chooses, for each axis, one of four
formulations, each a small frozen dataclass with an ``apply``:

* :class:`Gather`: up to 8 taps per output sample, gathered along the axis and summed;
* :class:`MinorProduct`: the last axis as one matrix product (no transposes);
* :class:`BandedProduct`: another axis as one small matrix product per block of output
  rows, over the input rows the block's kernels reach;
* :class:`Correlation`: every output sample has the same kernel (a constant shift of the
  grid: ``shift``, unit-scale diagonal affines); all such axes run together through the
  tiled correlation engine.

Fixed coordinates are planned on the host in float64, exactly as scipy computes them, and
cached; for orders 2-5 scipy's pre-padding and the exact B-spline prefilter are folded into
each axis's weights (trimmed where the dropped weight is below float precision), so no
separate prefilter pass touches the data. Traced coordinates (e.g. ``shift`` under
``grad``) give a :class:`Gather` whose axis is padded and prefiltered just before it is
resampled. The measurements behind the thresholds are on the *Performance* page.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any, TypeVar

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtypes, _modes
from . import correlate as _correlate
from .coords import fence
from .jit import cpu_tuned_jit
from .prefilter import _INIT, _filter_matrix, _pre_pad_width, _prefilter1d
from .sampler import Sampling
from .taps import axis_taps

__all__ = [
    "AxisResampling",
    "BandedProduct",
    "Correlation",
    "Gather",
    "MinorProduct",
    "axis_resampling",
    "dense_axis_resampling",
    "resample_separable",
    "run_separable",
]

#: Dense host planning while ``n_out * n_in`` stays below this and ``n_in`` below the next.
_DENSE_LIMIT = 1 << 22
_DENSE_MAX_N = 4096

#: Mass of the fused kernel a row may drop, relative to its absolute sum, per compute dtype.
_DROP = {np.dtype("float32"): 1e-7, np.dtype("float64"): 1e-14}

#: Above this many taps per output sample an axis is applied as a matrix product.
_MAX_TAPS = 8

_HIGHEST = jax.lax.Precision.HIGHEST

_T = TypeVar("_T", bound=type)

#: Output rows per block of :class:`BandedProduct` (64 was fastest of 8..128 on W1 cubic).
_BAND = 64


def _pytree(*, data: tuple[str, ...], meta: tuple[str, ...] = ()) -> Callable[[_T], _T]:
    """A frozen dataclass registered as a pytree.

    ``data`` fields are arrays (traced when the plan reaches a compiled program), ``meta``
    fields static and hashable.
    """

    def register(cls: _T) -> _T:
        jax.tree_util.register_dataclass(cls, data_fields=list(data), meta_fields=list(meta))
        return cls

    return register


def _along(v: Any, axis: int, ndim: int, dtype: Any) -> jax.Array:
    """A per-output-sample vector shaped to broadcast along ``axis`` of an ``ndim`` array."""
    shape = [1] * ndim
    shape[axis] = -1
    return jnp.asarray(v).astype(dtype).reshape(shape)


def _add_cval(acc: jax.Array, cval: jax.Array, cval_weights: Any, axis: int) -> jax.Array:
    """Add ``cval`` times the weight of the taps that read outside (``grid-constant``)."""
    if cval_weights is None:
        return acc
    return acc + cval * _along(cval_weights, axis, acc.ndim, acc.dtype)


@_pytree(data=("index", "weights", "cval_weights"))
@dataclasses.dataclass(frozen=True)
class Gather:
    """``out[o] = sum_k weights[o, k] * x[index[o, k]] + cval * cval_weights[o]``."""

    index: Any
    weights: Any
    cval_weights: Any = None

    @property
    def n_out(self) -> int:
        return int(self.weights.shape[0])

    def apply(self, x: jax.Array, cval: jax.Array, axis: int) -> jax.Array:
        w = jnp.asarray(self.weights).astype(x.dtype)
        acc = None
        for j in range(w.shape[1]):
            tap = jnp.take(x, self.index[:, j], axis=axis, mode="clip")
            part = tap * _along(w[:, j], axis, x.ndim, x.dtype)
            acc = part if acc is None else acc + part
        return _add_cval(acc, cval, self.cval_weights, axis)  # type: ignore[arg-type]


@_pytree(data=("matrix", "cval_weights"))
@dataclasses.dataclass(frozen=True)
class MinorProduct:
    """The last axis as one matrix product: ``out[..., o] = sum_i matrix[o, i] x[..., i]``."""

    matrix: Any
    cval_weights: Any = None

    @property
    def n_out(self) -> int:
        return int(self.matrix.shape[0])

    def apply(self, x: jax.Array, cval: jax.Array, axis: int) -> jax.Array:
        a = jnp.asarray(self.matrix).astype(x.dtype)
        acc = jnp.tensordot(x, a, axes=((axis,), (1,)), precision=_HIGHEST)
        return _add_cval(jnp.moveaxis(acc, -1, axis), cval, self.cval_weights, axis)


@_pytree(data=("matrix", "cval_weights"), meta=("blocks",))
@dataclasses.dataclass(frozen=True)
class BandedProduct:
    """A major axis as a banded matrix product.

    ``blocks`` holds, per block of output rows ``r0 .. r1``, the input rows ``c0 .. c1``
    their kernels span: one small GEMM each, batched over the leading axes so the result is
    already in place (no transposes).
    """

    matrix: Any
    cval_weights: Any = None
    blocks: tuple[tuple[int, int, int, int], ...] = ()

    @property
    def n_out(self) -> int:
        return int(self.matrix.shape[0])

    def apply(self, x: jax.Array, cval: jax.Array, axis: int) -> jax.Array:
        a = jnp.asarray(self.matrix).astype(x.dtype)
        lead = int(np.prod(x.shape[:axis], dtype=np.int64))
        x3 = x.reshape(lead, x.shape[axis], -1)
        parts = []
        for r0, r1, c0, c1 in self.blocks:
            xs = jax.lax.slice_in_dim(x3, c0, c1, axis=1)
            if lead == 1:  # a plain GEMM (a batch of one is slower in XLA)
                y = jnp.tensordot(a[r0:r1, c0:c1], xs[0], axes=1, precision=_HIGHEST)[None]
            else:
                y = jnp.einsum("rk,bkn->brn", a[r0:r1, c0:c1], xs, precision=_HIGHEST)
            parts.append(y)
        acc = parts[0] if len(parts) == 1 else jnp.concatenate(parts, axis=1)
        acc = acc.reshape(*x.shape[:axis], self.n_out, *x.shape[axis + 1 :])
        return _add_cval(acc, cval, self.cval_weights, axis)


@_pytree(data=("kernel",), meta=("centre", "extension"))
@dataclasses.dataclass(frozen=True)
class Correlation:
    """The same kernel for every output sample: ``out[i] = sum_j kernel[j] x_ext[i + j - centre]``.

    ``x_ext`` is the axis extended with ``extension``; the output has the input's size.
    """

    kernel: Any
    centre: int = 0
    extension: str = "half-symmetric"

    def apply(self, x: jax.Array, cval: jax.Array, axis: int) -> jax.Array:
        return Correlation.apply_together(x, cval, [(axis, self)])

    @staticmethod
    def apply_together(
        x: jax.Array, cval: jax.Array, steps: list[tuple[int, Correlation]]
    ) -> jax.Array:
        """Every ``(axis, correlation)`` of ``steps`` in one tiled pass over ``x``."""
        return _correlate.correlate_axes(
            x,
            [jnp.asarray(c.kernel) for _, c in steps],
            axes=[a for a, _ in steps],
            centres=[c.centre for _, c in steps],
            behaviours=[c.extension for _, c in steps],
            cval=cval,
            symmetries=[0] * len(steps),
        )


Formulation = Gather | MinorProduct | BandedProduct | Correlation


@_pytree(data=("step", "outside", "nan"), meta=("axis", "pad", "prefilter", "behaviour"))
@dataclasses.dataclass(frozen=True)
class AxisResampling:
    """How one axis is resampled.

    Before ``step``: pad the axis by ``pad`` samples with ``behaviour`` and, if
    ``prefilter`` (a spline order, 0 for none), run the exact B-spline prefilter on it
    (traced coordinates only: host plans have both folded into their weights). After it:
    ``cval`` where ``outside`` (legacy ``constant``), NaN where ``nan`` (non-finite
    coordinates).
    """

    step: Formulation
    outside: Any = None
    nan: Any = None
    axis: int = 0
    pad: int = 0
    prefilter: int = 0
    behaviour: str = "half-symmetric"

    def shrink(self, n_in: int) -> float:
        """Output samples per input sample (1 for a correlation)."""
        if isinstance(self.step, Correlation):
            return 1.0
        return self.step.n_out / max(n_in, 1)


def resample_separable(
    sampling: Sampling, coords: list[Any], out_shape: tuple[int, ...], *, prefilter: bool
) -> jax.Array:
    """Resample with per-axis coordinates ``coords[a]`` (NumPy float64 or traced)."""
    x, out, order, behaviour, compute, cval = sampling
    prefilter = bool(prefilter)
    if any(s == 0 for s in out_shape):
        return jnp.zeros(out_shape, out)
    plans = []
    for a, cc in enumerate(coords):
        kw = dict(order=order, behaviour=behaviour, prefilter=prefilter, axis=a)
        if isinstance(cc, np.ndarray):
            minor = a == x.ndim - 1
            plan = axis_resampling(cc, x.shape[a], compute=compute, minor=minor, **kw)  # type: ignore[arg-type]
            if plan is not None:
                plans.append(plan)
        else:
            plans.append(_traced_axis_resampling(cc, x.shape[a], **kw))  # type: ignore[arg-type]
    return run_separable(x, cval, plans, out_dtype=out)


def run_separable(
    x: jax.Array, cval: jax.Array, plans: list[AxisResampling], *, out_dtype: Any
) -> jax.Array:
    """Apply the axis plans to ``x`` in one compiled program, cast to ``out_dtype``."""
    # most shrinking axis first, so later axes work on less data
    order = sorted(plans, key=lambda p: (p.shrink(x.shape[p.axis]), p.axis))
    return _separable_program(x, cval, tuple(order), out_dtype=out_dtype)


def _cval_weights(w: np.ndarray, ok: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Split off the weight of taps that read ``cval`` (``ok`` False; ``grid-constant``)."""
    if ok is None:
        return w, None
    return w * ok, np.sum(w * ~ok, axis=-1)


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


def axis_resampling(
    cc: np.ndarray,
    n: int,
    *,
    order: int,
    behaviour: str,
    prefilter: bool,
    compute: np.dtype,
    axis: int,
    minor: bool = False,
) -> AxisResampling | None:
    """Plan one axis from float64 coordinates ``cc``; None when the axis is the identity.

    ``minor``: whether ``axis`` is the array's last axis (a wide kernel is then one matrix
    product). Plans are cached by their inputs (coordinates included), so repeated calls
    with the same geometry skip the host work.
    """
    cc = np.ascontiguousarray(cc, dtype=np.float64)
    key = (cc.tobytes(), n, order, behaviour, bool(prefilter), np.dtype(compute).str, axis, minor)
    return _cached_axis_resampling(*key)


@functools.lru_cache(maxsize=32)
def _cached_axis_resampling(
    cc_bytes: bytes,
    n: int,
    order: int,
    behaviour: str,
    prefilter: bool,
    compute_str: str,
    axis: int,
    minor: bool,
) -> AxisResampling | None:
    cc = np.frombuffer(cc_bytes, dtype=np.float64)
    compute = np.dtype(compute_str)
    n_out = cc.shape[0]
    spline = prefilter and order >= 2
    if n_out == n and bool(np.all(cc == np.arange(n))) and (spline or order < 2):
        # sampling at the samples: the identity, unless the samples are used as spline
        # coefficients without a prefilter (scipy then returns the smoothed spline)
        return None
    npad = _pre_pad_width(order, behaviour) if spline else 0
    big = n + 2 * npad
    idx, w, ok, outside, nan = axis_taps(cc + npad, big, behaviour, order)
    nan = nan if nan.any() else None
    if not spline or n_out * big > _DENSE_LIMIT or big > _DENSE_MAX_N:
        w, cw = _cval_weights(w.astype(compute), ok)
        step: Formulation = Gather(idx, w, cw)
        prefilter_order = order if spline else 0
        return AxisResampling(step, outside, nan, axis, npad, prefilter_order, behaviour)
    # fold the pre-padding and the prefilter into the weights: ``dense = W @ M @ P``
    # (sampling weights, prefilter operator of the padded line, padding)
    w, beta = _cval_weights(w, ok)
    beta = np.zeros(n_out) if beta is None else beta
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
    cw = beta.astype(compute) if behaviour == "constant" else None
    return dense_axis_resampling(
        dense, cw, beta=beta, outside=outside, nan=nan, axis=axis, compute=compute,
        minor=minor, behaviour=behaviour,
    )  # fmt: skip


def dense_axis_resampling(
    dense: np.ndarray,
    cw: np.ndarray | None,
    *,
    beta: np.ndarray | None,
    outside: np.ndarray | None,
    nan: np.ndarray | None,
    axis: int,
    compute: np.dtype,
    minor: bool,
    behaviour: str,
) -> AxisResampling:
    """Plan one axis from its float64 weight matrix ``dense`` (``n_out x n``).

    ``cw``: the weight of ``cval`` per output sample (compute dtype), or None; ``beta`` the
    same in float64 for the correlation check. The fewest columns per row that keep the
    row's mass to ``_DROP`` are kept, as gathered taps or (wide rows) a matrix product;
    a shift-invariant square matrix becomes a :class:`Correlation`.
    """
    n_out, n = dense.shape
    drop = _DROP[np.dtype(compute)]
    if n_out == n and nan is None:
        found = _shift_invariant(dense, behaviour, drop, beta=beta, outside=outside)
        if found is not None:
            g, centre, extension = found
            corr = Correlation(g.astype(compute), centre, extension)
            return AxisResampling(corr, outside, None, axis, 0, 0, extension)
    cols, vals = _sparsify(dense, drop)
    step: Formulation
    if cols.shape[1] > _MAX_TAPS:
        # a wide fused kernel: a matrix product beats K gathers on CPU (docs: Performance)
        kept = np.zeros(dense.shape, compute)
        np.put_along_axis(kept, cols, vals.astype(compute), axis=1)
        step = MinorProduct(kept, cw) if minor else BandedProduct(kept, cw, _bands(cols))
    else:
        step = Gather(cols.astype(np.int32), vals.astype(compute), cw)
    return AxisResampling(step, outside, nan, axis, 0, 0, behaviour)


#: The extension a correlation applies for each interpolation behaviour that can take the
#: correlation form: scipy's legacy ``constant`` interpolates inside ``[0, n - 1]`` with
#: taps mirrored as ``mirror`` does (and returns ``cval`` outside, a mask kept in the plan).
_CORRELATION_EXTENSION = {
    "half-symmetric": "half-symmetric",
    "whole-symmetric": "whole-symmetric",
    "edge": "edge",
    "periodic": "periodic",
    "periodic-legacy": "periodic-legacy",
    "constant": "constant",
    "constant-legacy": "whole-symmetric",
}
#: How far (in units of the trimming budget ``_DROP``) a row may differ from the correlation.
_CORRELATION_SLACK = 8


def _shift_invariant(
    dense: np.ndarray,
    behaviour: str,
    drop: float,
    *,
    beta: np.ndarray | None = None,
    outside: np.ndarray | None = None,
) -> tuple[np.ndarray, int, str] | None:
    """``(g, centre, extension)`` when the fused matrix ``dense`` (n x n) is one correlation.

    A shift of the grid by a constant (``shift``, or a unit-scale diagonal affine) gives
    every output sample the same fused kernel in the interior; at the borders scipy's spline
    boundary conditions (and its pre-padding) make the rows differ. For most behaviours those
    rows are, to working precision, the same kernel applied to the axis extended with
    ``extension`` (:data:`_CORRELATION_EXTENSION`; for ``constant`` the ``cval`` weights
    ``beta`` are checked too): then the axis is a :class:`Correlation` (``O(taps)`` per
    sample instead of a matrix product, all such axes run together, tile by tile). The
    kernel is the middle row's, trimmed as :func:`_sparsify` trims rows; every row (but the
    ``outside`` ones, which return ``cval``) is checked against the model, and None is
    returned unless each one matches within ``_CORRELATION_SLACK * drop`` of its mass (in
    float32, rows the mode folds back differ by up to ~5x ``drop``; most float64 plans of
    the symmetric modes exceed their much smaller budget and keep the matrix form).
    """
    n = dense.shape[0]
    extension = _CORRELATION_EXTENSION.get(behaviour)
    if extension is None or n < 8 or dense.shape[1] != n:
        return None
    mid = n // 2
    if outside is not None and outside[mid]:
        return None
    cols, _ = _sparsify(dense[mid : mid + 1], drop)
    lo, hi = int(cols.min()), int(cols.max()) + 1
    g = dense[mid, lo:hi]
    centre = mid - lo
    if not 0 <= centre < hi - lo or hi - lo > n:
        # a shift beyond the kernel's reach, or an axis shorter than the kernel (where the
        # matrix form is cheap anyway)
        return None
    pos = np.arange(n)[:, None] - centre + np.arange(hi - lo)[None, :]
    idx = _modes.extend_index(extension, pos, n)  # type: ignore[arg-type]
    inside = idx >= 0  # False only for ``constant``: those taps read cval
    rows = np.broadcast_to(np.arange(n)[:, None], idx.shape)
    model = np.zeros_like(dense)
    np.add.at(model, (rows[inside], idx[inside]), np.broadcast_to(g, idx.shape)[inside])
    err = np.abs(dense - model).sum(axis=1)
    if beta is not None:
        err = err + np.abs(beta - (g * ~inside).sum(axis=1))
    mass = np.abs(dense).sum(axis=1) + (0 if beta is None else np.abs(beta))
    bad = err > _CORRELATION_SLACK * drop * mass
    if outside is not None:
        bad &= ~outside
    if np.any(bad):
        return None
    return g, centre, extension


def _traced_axis_resampling(
    cc: jax.Array, n: int, *, order: int, behaviour: str, prefilter: bool, axis: int
) -> AxisResampling:
    """Plan one axis from traced coordinates (padding and prefilter done in the program)."""
    spline = prefilter and order >= 2
    npad = _pre_pad_width(order, behaviour) if spline else 0
    # the coordinates may be computed in the caller's program: see coords.fence
    idx, w, ok, outside, nan = axis_taps(fence(cc) + npad, n + 2 * npad, behaviour, order)
    if ok is not None:
        w, cw = w * ok.astype(w.dtype), jnp.sum(w * (1 - ok.astype(w.dtype)), axis=-1)
    else:
        cw = None
    prefilter_order = order if spline else 0
    return AxisResampling(Gather(idx, w, cw), outside, nan, axis, npad, prefilter_order, behaviour)


@cpu_tuned_jit(static_argnames=("out_dtype",))
def _separable_program(
    x: jax.Array, cval: jax.Array, plans: tuple[AxisResampling, ...], *, out_dtype: Any
) -> jax.Array:
    mask = None
    nan = None
    together = [(p.axis, p.step) for p in plans if isinstance(p.step, Correlation)]
    for plan in plans:
        ax = plan.axis
        if plan.pad:
            x = _modes.pad(x, plan.pad, plan.pad, axis=ax, behaviour=plan.behaviour, cval=cval)  # type: ignore[arg-type]
        if plan.prefilter:
            x = _prefilter1d(x, order=plan.prefilter, behaviour=plan.behaviour, axis=ax)
        if not isinstance(plan.step, Correlation):
            x = plan.step.apply(x, cval, ax)
        elif together:  # every correlation axis at once, at the first one's turn (tiled)
            x = Correlation.apply_together(x, cval, together)
            together = []
        if plan.outside is not None:
            m = _along(plan.outside, ax, x.ndim, bool)
            mask = m if mask is None else mask | m
        if plan.nan is not None:
            m = _along(plan.nan, ax, x.ndim, bool)
            nan = m if nan is None else nan | m
    if mask is not None:
        x = jnp.where(mask, cval, x)
    if nan is not None and jnp.issubdtype(x.dtype, jnp.inexact):
        x = jnp.where(nan, jnp.asarray(jnp.nan, x.dtype), x)
    return _dtypes.cast_result(x, out_dtype, rule="round")
