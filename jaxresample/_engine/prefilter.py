"""Spline prefilters: B-spline coefficients from samples, exactly as scipy computes them.

The prefilter of order ``k`` turns samples into B-spline coefficients: along each axis it
inverts the sampled B-spline kernel, an IIR filter with ``k // 2`` poles, started by a
mode-specific initial value (scipy's ``ni_splines.c``). It is linear, so we apply it as the
exact linear operator rather than by running the recursion:

* Short lines (``n <= _DENSE_MAX``): the exact ``n x n`` operator, computed on the host in
  float64 by running scipy's recursion (with the fixed reflect initialisation of scipy
  gh-24550) on the identity, applied as one matrix product along the axis.
* Long lines: the operator is, to within rounding, a symmetric FIR filter (the inverse
  B-spline kernel, decaying like ``|z|^|k|``) applied to the input extended by the boundary
  rule that the mode's initialisation assumes (whole-sample symmetric for the *mirror*
  initialisation, half-sample symmetric for *reflect*, periodic for *wrap*). The filter is
  truncated at the horizon where its tail falls below the working precision's epsilon.
  Large arrays whose every filtered line is long run the FIRs of all axes through the tiled
  path of :func:`jaxresample._engine.correlate.correlate_axes` (every axis's pass on a tile while
  it is in cache).

Both forms are numerically stable in float32 (no gain of ~120 followed by cancellations, as in
the order-5 recursion): the error is at most ``eps * sum|h| * max|x|`` (``sum|h|`` is 3 for
order 3 and 7.5 for order 5), and both are linear maps, so gradients, ``vmap`` and
:func:`jax.linear_transpose` work.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtypes, _modes
from . import correlate as _correlate
from .jit import cpu_tuned_jit

Init = Literal["mirror", "wrap", "reflect"]


#: scipy's poles per order (``get_filter_poles``).
_POLES: dict[int, tuple[float, ...]] = {
    2: (-0.171572875253809902396622551580603843,),
    3: (-0.267949192431122706472553658494127633,),
    4: (-0.361341225900220177092212841325675255, -0.013725429297339121360331226939128204),
    5: (-0.430575347099973791851434783493520110, -0.043096288203264653822712376822550182),
}


#: The initialisation scipy's ``apply_filter`` uses for each behaviour.
_INIT: dict[str, Init] = {
    "whole-symmetric": "mirror",
    "constant": "mirror",
    "constant-legacy": "mirror",
    "periodic-legacy": "mirror",
    "periodic": "wrap",
    "half-symmetric": "reflect",
    "edge": "reflect",
}


#: The boundary extension under which each initialisation is exact.
_EXTENSION: dict[Init, _modes.Behaviour] = {
    "mirror": "whole-symmetric",
    "reflect": "half-symmetric",
    "wrap": "periodic",
}


#: Lines up to this length use the dense exact operator.
_DENSE_MAX = 64


#: Along the last (contiguous) axis, lines up to this length use the dense operator too: a
#: matrix product is faster there than shifted slices (docs, Performance).
_DENSE_MAX_MINOR = 384


#: scipy pads the input of the interpolation functions by this many samples for
#: ``nearest`` and ``grid-constant`` before prefiltering.
_PRE_PAD = 12


def _pre_pad_width(order: int, behaviour: str) -> int:
    """Samples scipy's interpolation functions pad on each side before prefiltering.

    scipy pads by 12 samples (``edge`` for ``nearest``, ``cval`` for ``grid-constant``) when
    ``prefilter`` is on and ``order > 1``, because the filter's initialisation is not exact
    for those modes; every other mode needs no padding.
    """
    return _PRE_PAD if order > 1 and behaviour in ("edge", "constant") else 0


def _host_filter(c: np.ndarray, order: int, init: Init) -> np.ndarray:
    """Run scipy's recursive prefilter along axis 0 of a float64 array (reflect init fixed)."""
    c = np.array(c, dtype=np.float64)
    n = c.shape[0]
    if n < 2 or order < 2:
        return c
    poles = _POLES[order]
    gain = 1.0
    for z in poles:
        gain *= (1.0 - z) * (1.0 - 1.0 / z)
    c *= gain
    i = np.arange(n, dtype=np.float64)
    for z in poles:
        if init == "mirror":
            zn1 = z ** (n - 1)
            w = z**i
            w[1 : n - 1] += zn1 * z ** (n - 1 - i[1 : n - 1])
            w[n - 1] = zn1
            c0 = np.tensordot(w, c, axes=(0, 0)) / (1.0 - zn1 * zn1)
        elif init == "wrap":
            w = np.concatenate([[1.0], z ** (n - i[1:])])  # c[0] + sum_i z^i c[n - i]
            c0 = np.tensordot(w, c, axes=(0, 0)) / (1.0 - z**n)
        else:  # reflect, computed from the unmodified line (the gh-24550 fix)
            zn = z**n
            w = z**i + zn * z ** (n - 1 - i)
            c0 = c[0] + np.tensordot(w, c, axes=(0, 0)) * z / (1.0 - zn * zn)
        c[0] = c0
        for k in range(1, n):
            c[k] += z * c[k - 1]
        if init == "mirror":
            c[n - 1] = (z * c[n - 2] + c[n - 1]) * z / (z * z - 1.0)
        elif init == "wrap":
            w = z ** (i[: n - 1] + 1.0)
            c[n - 1] = (c[n - 1] + np.tensordot(w, c[: n - 1], axes=(0, 0))) * (z / (z**n - 1.0))
        else:
            c[n - 1] *= z / (z - 1.0)
        for k in range(n - 2, -1, -1):
            c[k] = z * (c[k + 1] - c[k])
    return c


@functools.lru_cache(maxsize=256)
def _filter_matrix(n: int, order: int, init: Init) -> np.ndarray:
    """The exact ``n x n`` prefilter operator ``M`` (``coefficients = M @ samples``), float64."""
    m = _host_filter(np.eye(n), order, init)
    m.setflags(write=False)
    return m


@functools.lru_cache(maxsize=32)
def _fir(order: int, eps: float) -> np.ndarray:
    """The inverse B-spline kernel ``h[-L..L]`` (float64), truncated where its tail < ``eps/4``."""
    big = 257
    row = _filter_matrix(big, order, "wrap")[0]  # row 0 of the periodic operator: h wrapped
    h = np.concatenate([row[big // 2 + 1 :], row[: big // 2 + 1]])  # h[-128..128]
    mid = big // 2
    mag = np.abs(h[mid:])
    tail = np.cumsum(mag[::-1])[::-1]  # tail[k] = sum_{j >= k} |h_j|
    half = int(np.argmax(2.0 * tail < eps / 4.0))  # first k whose two-sided tail is small
    half = max(half - 1, 1)
    out = h[mid - half : mid + half + 1].copy()
    out.setflags(write=False)
    return out


def _horizon(order: int, dtype: Any) -> int:
    """Half-width of the truncated inverse filter at ``dtype``'s precision."""
    return (len(_fir(order, float(np.finfo(dtype).eps))) - 1) // 2


def _apply_matrix(x: jax.Array, m: np.ndarray, axis: int) -> jax.Array:
    mat = jnp.asarray(m, dtype=x.dtype)
    y = jnp.tensordot(x, mat, axes=((axis,), (1,)), precision=jax.lax.Precision.HIGHEST)
    return jnp.moveaxis(y, -1, axis)


def _apply_fir(x: jax.Array, h: np.ndarray, axis: int, extension: _modes.Behaviour) -> jax.Array:
    half = (len(h) - 1) // 2
    n = x.shape[axis]
    xp = _modes.pad(x, half, half, axis=axis, behaviour=extension, cval=0.0)

    def tap(k: int) -> jax.Array:  # x[i + k] for every output i
        return jax.lax.slice_in_dim(xp, half + k, half + k + n, axis=axis)

    # h is symmetric: pair the taps (half the multiplications).
    acc = tap(0) * np.asarray(h[half], x.dtype)
    for k in range(1, half + 1):
        acc = acc + (tap(k) + tap(-k)) * np.asarray(h[half + k], x.dtype)
    return acc


def _prefilter1d(x: jax.Array, *, order: int, behaviour: str, axis: int) -> jax.Array:
    """Prefilter ``x`` along one axis (jittable; ``x`` in its compute dtype, real).

    Args:
      x: float32 or float64 array.
      order: 0-5. Static. Orders 0 and 1 return ``x``.
      behaviour: a behaviour from :func:`_modes.resolve` (interp family). Static.
      axis: non-negative axis. Static.
    """
    if jnp.issubdtype(x.dtype, jnp.complexfloating):
        re = _prefilter1d(jnp.real(x), order=order, behaviour=behaviour, axis=axis)
        im = _prefilter1d(jnp.imag(x), order=order, behaviour=behaviour, axis=axis)
        return jax.lax.complex(re, im)
    n = x.shape[axis]
    if order < 2 or n < 2:
        return x
    init = _INIT[behaviour]
    dense_max = _DENSE_MAX_MINOR if axis == x.ndim - 1 else _DENSE_MAX
    if n <= dense_max or n <= 2 * _horizon(order, x.dtype) + 1:
        return _apply_matrix(x, _filter_matrix(n, order, init), axis)
    h = _fir(order, float(np.finfo(x.dtype).eps))
    return _apply_fir(x, h, axis, _EXTENSION[init])


def _prefilter(x: jax.Array, *, order: int, behaviour: str, axes: tuple[int, ...]) -> jax.Array:
    """Prefilter ``x`` along each of ``axes`` in turn (jittable; ``x`` in its compute dtype).

    The entry point of the samplers (:mod:`jaxresample._engine.sampler`): ``order``,
    ``behaviour`` (from :func:`_modes.resolve` with ``family="interp"``) and ``axes``
    (non-negative) are static. Orders 0 and 1 return ``x`` unchanged.
    """
    if x.dtype.kind == "f" and order >= 2 and _correlate.tiled(x.shape, axes):
        h = _fir(order, float(np.finfo(x.dtype).eps))
        half = (len(h) - 1) // 2
        if all(x.shape[ax] > 2 * half + 1 for ax in axes):
            # Every axis a long line: the FIRs of all axes, tile by tile while each tile is in
            # cache, instead of one pass over the whole array per axis.
            ext = _EXTENSION[_INIT[behaviour]]
            return _correlate.correlate_axes(
                x, (jnp.asarray(h, x.dtype),) * len(axes), axes=axes,
                centres=(half,) * len(axes), behaviours=(ext,) * len(axes),
                cval=jnp.zeros((), x.dtype), symmetries=(1,) * len(axes),
            )  # fmt: skip
    for i, ax in enumerate(axes):
        if i:
            # Keep XLA from fusing one axis' FIR into the next one's shifted reads: it
            # would recompute the producer for every tap.
            x = jax.lax.optimization_barrier(x)
        x = _prefilter1d(x, order=order, behaviour=behaviour, axis=ax)
    return x


@cpu_tuned_jit(static_argnames=("order", "behaviour", "axes", "out_dtype", "compute"))
def _spline_filter_jit(
    x: jax.Array, *, order: int, behaviour: str, axes: tuple[int, ...], out_dtype: Any, compute: Any
) -> jax.Array:
    x = x.astype(compute)
    out = np.dtype(out_dtype)
    if out.kind in "iu":
        # scipy stores each axis' intermediate result in the output dtype (truncating).
        for ax in axes:
            x = _prefilter1d(x, order=order, behaviour=behaviour, axis=ax)
            x = _dtypes.cast_result(x, out, rule="truncate").astype(compute)
        return x.astype(out)
    x = _prefilter(x, order=order, behaviour=behaviour, axes=axes)
    return _dtypes.cast_result(x, out, rule="truncate")
