"""The general sampler: B-spline interpolation at arbitrary coordinates (any order, mode).

The general path sums the ``(order + 1) ** ndim`` taps of every point, unrolled into one
loop over the points (or, for many taps, as one gather of the whole tap block contracted
with the outer product of the per-axis weights): see :func:`_sample`.
Taps and weights per axis come from :mod:`.taps`; inputs are prefiltered by
:mod:`.prefilter` (padded by 12 samples for ``nearest`` and ``grid-constant``, as scipy).
"""

from __future__ import annotations

import functools
import math
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtypes, _modes
from .._validation import ScipyRuntimeError, static_int
from .chunks import chunks_in_place
from .coords import fence
from .prefilter import _pre_pad_width, _prefilter
from .taps import axis_taps


def _check_order(order: Any, *, fn: str) -> int:
    order = static_int(order, fn=fn, name="order")
    if not 0 <= order <= 5:
        raise ScipyRuntimeError(
            f"{fn}: spline order not supported: order={order}; allowed values are {list(range(6))}"
        )
    return order


def _prepare_input(input: Any, output: Any, *, fn: str) -> tuple[jax.Array, np.dtype]:
    """Convert ``input``, check its dtype and resolve the output dtype (scipy's rules)."""
    x = _dtypes.as_array(input, fn=fn)
    if x.ndim < 1:
        raise ScipyRuntimeError(f"{fn}: input and output rank must be > 0; got a 0-d input")
    out = _dtypes.output_dtype(output, x.dtype, fn=fn)
    return x, _dtypes.complex_output(out, bool(jnp.issubdtype(x.dtype, jnp.complexfloating)))


def _sampler_dtype(*dtypes: Any, native: bool = False) -> np.dtype:
    """The real compute dtype for these input/output dtypes (complex handled as pairs).

    The scipy twins' (:func:`jaxresample._dtypes.twin_dtype`: float64 under x64), or with
    ``native`` the library's own rule (float32 for float32 data, x64 or not).
    """
    dt = _dtypes.compute_dtype(*dtypes) if native else _dtypes.twin_dtype(*dtypes)
    return np.dtype(jnp.finfo(dt).dtype)


def _cval_array(cval: Any, dtype: Any, *, fn: str) -> jax.Array:
    """``cval`` as a (possibly traced) 0-d array of ``dtype``; complex only for complex data."""
    cplx = jnp.issubdtype(dtype, jnp.complexfloating)
    return _dtypes.as_scalar(cval, fn=fn, name="cval", complex_ok=bool(cplx)).astype(dtype)


def empty_input(
    x: jax.Array,
    out_shape: tuple[int, ...],
    cval: jax.Array,
    *,
    behaviour: str,
    mode: Any,
    out_dtype: Any,
    fn: str,
) -> jax.Array | None:
    """The result of interpolating from an input with no samples, or None if it has some.

    Every point is outside an empty input: the constant modes give ``cval`` (as scipy does);
    the other modes extend samples that do not exist, so they are refused (scipy returns
    uninitialised memory there). An empty output is empty whatever the mode.
    """
    if x.size:
        return None
    if math.prod(out_shape) == 0:
        return jnp.zeros(out_shape, out_dtype)
    if behaviour in ("constant", "constant-legacy"):
        full = jnp.broadcast_to(cval.astype(_dtypes.compute_dtype(cval.dtype)), out_shape)
        return _dtypes.cast_result(full, out_dtype, rule="round")
    raise ValueError(
        f"{fn}: cannot interpolate from an empty input (shape {x.shape}) with mode={mode!r}: "
        "only 'constant' and 'grid-constant' give values outside the input (cval)"
    )


def padded_shape(shape: tuple[int, ...], order: int, behaviour: str, prefilter: bool):
    """The shape of the coefficient array :func:`_pad_and_prefilter` makes from ``shape``."""
    npad = _pre_pad_width(order, behaviour) if prefilter and order >= 2 else 0
    return tuple(n + 2 * npad for n in shape)


def _pad_and_prefilter(
    x: jax.Array, cval: jax.Array, *, order: int, behaviour: str, prefilter: bool
) -> tuple[jax.Array, int]:
    """Apply scipy's pre-padding (12 samples for nearest/grid-constant) and spline prefilter."""
    if not prefilter or order < 2:
        return x, 0
    npad = _pre_pad_width(order, behaviour)
    for ax in range(x.ndim):
        x = _modes.pad(x, npad, npad, axis=ax, behaviour=behaviour, cval=cval)  # type: ignore[arg-type]
    return _prefilter(x, order=order, behaviour=behaviour, axes=tuple(range(x.ndim))), npad


#: Gathered taps per chunk of points: larger problems are sampled chunk by chunk (lax.map)
#: so that the ``(order + 1) ** ndim`` tap block never needs more than ~256 MiB.
_CHUNK_TAPS = 1 << 26


#: Up to this many taps a point (``(order + 1) ** ndim``: 3-D cubic) the sampler sums the
#: taps unrolled; beyond it, compile times of the unrolled form (and of its derivatives)
#: grow too much, and one gather of the whole tap block is used.
_UNROLL_TAPS = 64


#: Points sampled at once by the unrolled form for orders 2-5 (larger sets loop over chunks
#: of this size). Orders 0-1 fuse into one loop that stores nothing per point and sample
#: every point at once (a loop over chunks slows them down: docs, Performance).
UNROLL_CHUNK = 1 << 21


def _unrolled(order: int, ndim: int) -> bool:
    """Whether :func:`_sample` sums the taps unrolled (when not asked otherwise)."""
    return (order + 1) ** ndim <= _UNROLL_TAPS


def _sample(
    x: jax.Array,
    coords: jax.Array,
    cval: jax.Array,
    *,
    order: int,
    behaviour: str,
    unroll: bool = True,
) -> jax.Array:
    """Interpolate ``x`` (coefficients, compute dtype) at ``coords`` of shape ``(ndim, *P)``.

    Two formulations of the same sum. *Unrolled* (up to :data:`_UNROLL_TAPS` taps a point,
    unless ``unroll=False``): one gather per tap, the per-axis weights applied axis by axis,
    all in one loop over the points in which each point's taps and weights are computed
    once; nothing of the size of the tap block is stored (orders 2-5 go in chunks of
    :data:`UNROLL_CHUNK` points, as XLA keeps their per-axis weights between loops).
    *Gathered*: one gather of the whole ``(order + 1) ** ndim`` tap block, contracted with
    the outer product of the per-axis weights, chunk by chunk (``lax.map``) so the block
    never needs more than ~256 MiB. XLA recomputes each point's coordinate mapping and
    weights for every tap of the block, and the chunks cost a copy of the coordinates, so
    the unrolled form is several times faster (docs, Performance). Its derivatives are the
    gathered form's (a custom JVP), which compile fast, transpose into one scatter and are
    chunked. ``jax.linear_transpose`` does not see through the custom JVP: the adjoint asks
    for the gathered form.
    """
    pts = coords.shape[1:]
    npts = int(np.prod(pts))
    if unroll and _unrolled(order, x.ndim):
        if npts <= UNROLL_CHUNK or order <= 1:
            return _sample_unrolled(x, coords, cval, order, behaviour)
        # chunks of points in a loop, written in place (the last one overlaps its
        # neighbour): XLA keeps each point's per-axis weights between its loops, ~20 floats
        # a point at order 3, so a whole large volume would need several times its size
        flat = coords.reshape(coords.shape[0], npts)

        def sample_chunk(start: jax.Array) -> jax.Array:
            c = jax.lax.dynamic_slice_in_dim(flat, start, UNROLL_CHUNK, axis=1)
            return _sample_unrolled(x, c, cval, order, behaviour)

        out = chunks_in_place(sample_chunk, npts, UNROLL_CHUNK, (npts,), x.dtype)
        return out.reshape(pts)
    chunk = max(1, _CHUNK_TAPS // (order + 1) ** x.ndim)
    kw = dict(order=order, behaviour=behaviour)
    if npts <= chunk:
        return _sample_gathered(x, coords, cval, **kw)  # type: ignore[arg-type]
    nchunks = -(-npts // chunk)
    flat = coords.reshape(coords.shape[0], npts)
    flat = jnp.pad(flat, ((0, 0), (0, nchunks * chunk - npts)))
    blocks = jnp.moveaxis(flat.reshape(coords.shape[0], nchunks, chunk), 1, 0)
    out = jax.lax.map(lambda c: _sample_gathered(x, c, cval, **kw), blocks)  # type: ignore[arg-type]
    return out.reshape(-1)[:npts].reshape(pts)


def _point_taps(
    x: jax.Array, coords: jax.Array, *, order: int, behaviour: str
) -> tuple[list[Any], list[Any], list[Any], Any, Any]:
    """The per-axis parts of the tap sum.

    Returns ``(flats, weights, oks, cval_mask, nan_mask)``: per axis, the taps' flat-index
    contributions, their weights and (``grid-constant``) whether they are inside, each of
    shape ``(*P, order + 1)``; then the points that return ``cval`` and the NaN points.
    """
    strides = np.cumprod((x.shape[1:] + (1,))[::-1])[::-1]
    flats, weights, oks = [], [], []
    cval_mask = None
    nan_mask = None
    for a in range(x.ndim):
        idx, w, ok, outside, nan = axis_taps(coords[a], x.shape[a], behaviour, order)
        flats.append(idx * int(strides[a]))
        weights.append(w)
        oks.append(ok)
        if outside is not None:
            cval_mask = outside if cval_mask is None else cval_mask | outside
        nan_mask = nan if nan_mask is None else nan_mask | nan
    return flats, weights, oks, cval_mask, nan_mask


def _finish(out: jax.Array, cval: jax.Array, cval_mask: Any, nan_mask: Any) -> jax.Array:
    if cval_mask is not None:
        out = jnp.where(cval_mask, cval, out)
    if jnp.issubdtype(out.dtype, jnp.inexact):
        out = jnp.where(nan_mask, jnp.asarray(jnp.nan, out.dtype), out)
    return out


@functools.partial(jax.custom_jvp, nondiff_argnums=(3, 4))
def _sample_unrolled(
    x: jax.Array, coords: jax.Array, cval: jax.Array, order: int, behaviour: str
) -> jax.Array:
    """The unrolled formulation of :func:`_sample`."""
    flats, weights, oks, cval_mask, nan_mask = _point_taps(
        x, coords, order=order, behaviour=behaviour
    )
    xf = x.reshape(-1)

    def axis_sum(a: int, base: Any, ok: Any) -> jax.Array:
        acc = None
        for j in range(order + 1):
            b = flats[a][..., j] if base is None else base + flats[a][..., j]
            o = ok if oks[a] is None else (oks[a][..., j] if ok is None else ok & oks[a][..., j])
            if a == x.ndim - 1:
                v = jnp.take(xf, b, mode="clip")
                if o is not None:
                    v = jnp.where(o, v, cval)
            else:
                v = axis_sum(a + 1, b, o)
            term = v * weights[a][..., j].astype(v.dtype)
            acc = term if acc is None else acc + term
        if acc is None:  # pragma: no cover - order >= 0: at least one tap
            raise RuntimeError("_sample_unrolled: no taps")
        return acc

    return _finish(axis_sum(0, None, None), cval, cval_mask, nan_mask)


@_sample_unrolled.defjvp
def _sample_unrolled_jvp(
    order: int, behaviour: str, primals: tuple[Any, ...], tangents: tuple[Any, ...]
) -> tuple[jax.Array, jax.Array]:
    out = _sample_unrolled(*primals, order, behaviour)
    gathered = functools.partial(_sample, order=order, behaviour=behaviour, unroll=False)
    _, t = jax.jvp(gathered, primals, tangents)
    return out, t


def _sample_gathered(
    x: jax.Array, coords: jax.Array, cval: jax.Array, *, order: int, behaviour: str
) -> jax.Array:
    """The gathered formulation of :func:`_sample` (one chunk): one gather of every tap."""
    ndim = x.ndim
    pts = coords.shape[1:]
    k = order + 1
    flats, weights, oks, cval_mask, nan_mask = _point_taps(
        x, coords, order=order, behaviour=behaviour
    )
    flat = None
    weight = None
    ok_all = None
    for a in range(ndim):
        shape = pts + (1,) * a + (k,) + (1,) * (ndim - 1 - a)
        term = flats[a].reshape(shape)
        flat = term if flat is None else flat + term
        wa = weights[a].reshape(shape)
        weight = wa if weight is None else weight * wa
        if oks[a] is not None:
            oka = oks[a].reshape(shape)
            ok_all = oka if ok_all is None else ok_all & oka
    if flat is None or weight is None:  # pragma: no cover - ndim >= 1
        raise RuntimeError("_sample_gathered: no axes to sample")
    taps = jnp.take(x.reshape(-1), flat.reshape(pts + (k**ndim,)), mode="clip")
    if ok_all is not None:
        taps = jnp.where(ok_all.reshape(pts + (k**ndim,)), taps, cval)
    weight = weight.reshape(pts + (k**ndim,)).astype(taps.dtype)
    return _finish(jnp.sum(taps * weight, axis=-1), cval, cval_mask, nan_mask)


@functools.partial(
    jax.jit, static_argnames=("order", "behaviour", "prefilter", "out_dtype", "fenced")
)
def _map_coordinates(
    x: jax.Array,
    coords: jax.Array,
    cval: jax.Array,
    *,
    order: int,
    behaviour: str,
    prefilter: bool,
    out_dtype: Any,
    fenced: bool = True,
) -> jax.Array:
    """Jitted core: ``x`` and ``cval`` in the compute dtype, ``coords`` real (ndim, *P).

    ``fenced``: store the coordinates once before taps and weights are derived from them
    (:mod:`jaxresample._engine.coords`). Needed when they may be computed in the same program
    (the caller is being traced); concrete coordinates arrive as a parameter of this
    program, where the copy would only cost time.
    """
    x, npad = _pad_and_prefilter(x, cval, order=order, behaviour=behaviour, prefilter=prefilter)
    if fenced:
        coords = fence(coords)
    if npad:
        coords = coords + npad
    out = _sample(x, coords, cval, order=order, behaviour=behaviour)
    return _dtypes.cast_result(out, out_dtype, rule="round")


def _prepare_coordinates(coordinates: Any, ndim: int, compute: np.dtype, *, fn: str) -> jax.Array:
    c = _dtypes.as_array(coordinates, fn=fn, name="coordinates", bool_ok=True)
    if jnp.issubdtype(c.dtype, jnp.complexfloating):
        raise TypeError(f"{fn}: Complex type not supported for coordinates; got {c.dtype}")
    if c.dtype == jnp.bool_:
        c = c.astype(compute)
    if c.ndim < 2:
        raise ScipyRuntimeError(
            f"{fn}: input and output rank must be > 0; coordinates must have shape "
            f"(input.ndim, *output_shape) with at least one output axis, got shape {c.shape}"
        )
    if c.shape[0] != ndim:
        raise ScipyRuntimeError(
            f"{fn}: invalid shape for coordinate array: coordinates.shape[0] must equal "
            f"input.ndim={ndim}; got coordinates of shape {c.shape}"
        )
    return c.astype(compute)


@functools.partial(jax.jit, static_argnames=("shape", "order", "behaviour", "prefilter"))
def _adjoint(
    y: jax.Array,
    coords: jax.Array,
    *,
    shape: tuple[int, ...],
    order: int,
    behaviour: str,
    prefilter: bool,
) -> jax.Array:
    zero = jnp.zeros((), y.dtype)

    def forward(img: jax.Array) -> jax.Array:
        z, npad = _pad_and_prefilter(
            img, zero, order=order, behaviour=behaviour, prefilter=prefilter
        )
        c = coords + npad if npad else coords
        return _sample(z, c, zero, order=order, behaviour=behaviour, unroll=False)

    (out,) = jax.linear_transpose(forward, jax.ShapeDtypeStruct(shape, y.dtype))(y)
    return out


class Sampling(NamedTuple):
    """The checked arguments of an interpolation.

    The data (in its compute dtype), the output dtype, the spline order, the boundary
    behaviour, the compute dtype and ``cval``.
    """

    x: jax.Array
    out: np.dtype
    order: int
    behaviour: str
    compute: np.dtype
    cval: jax.Array


def _setup(
    input: Any, output: Any, order: Any, mode: Any, cval: Any, *, fn: str, native: bool = False
) -> Sampling:
    order = _check_order(order, fn=fn)
    behaviour = _modes.resolve(mode, family="interp", fn=fn)
    x, out = _prepare_input(input, output, fn=fn)
    compute = _sampler_dtype(x.dtype, out, native=native)
    cplx = jnp.issubdtype(x.dtype, jnp.complexfloating)
    dt = _dtypes.compute_dtype if native else _dtypes.twin_dtype
    data_dtype = dt(x.dtype, out) if cplx else compute
    cv = _cval_array(cval, data_dtype, fn=fn)
    return Sampling(x.astype(data_dtype), out, order, behaviour, compute, cv)
