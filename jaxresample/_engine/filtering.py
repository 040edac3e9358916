"""Filtering cores behind the scipy filter twins and the volume functions.

Checked 1-D correlation and the Gaussian filter (kernels, derivative orders, casts), jitted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from .. import _dtypes, _modes, _validation
from .._kernels import (
    SIGMA_ZERO,
    check_finite_kernel,
    check_sigma,
    check_truncate,
    filter_radius,
    sampled_kernel,
)
from .._validation import ScipyRuntimeError, is_traced
from .correlate import correlate_axes
from .jit import cpu_tuned_jit


def _axis(axis: Any, ndim: int, *, fn: str) -> int:
    return _validation.single_axis(axis, ndim, fn=fn) if ndim else 0


def _check_input(input: ArrayLike, *, fn: str) -> jax.Array:
    return _dtypes.as_array(input, fn=fn)


def _check_cval(cval: Any, x_dtype: Any, *, fn: str) -> jax.Array:
    """``cval`` as a 0-d array; complex only for complex inputs (scipy's rule)."""
    return _dtypes.as_scalar(cval, fn=fn, name="cval", complex_ok=np.dtype(x_dtype).kind == "c")


def _snap_to_integers(y: jax.Array, out_dtype: np.dtype, ulps: int = 8) -> jax.Array:
    """Snap results within a few ulps of an integer onto it, for integer outputs.

    scipy computes in float64 and truncates toward zero, so an exact result of 14 (a linear
    ramp, a constant region) stays 14; float32 rounding (or float64 rounding in another
    order of operations) would often give 13.999999 -> 13.
    Snapping within ``ulps * eps * |y|`` restores the exact value; a result that is *not* an integer
    but lies that close to one (rare) may then differ from scipy by one.
    """
    if out_dtype.kind not in "iu" or not jnp.issubdtype(y.dtype, jnp.floating):
        return y
    r = jnp.round(y)
    tol = ulps * float(np.finfo(y.dtype).eps)
    close = jnp.abs(y - r) <= tol * jnp.maximum(jnp.abs(y), 1.0)
    return jnp.where(close, r, y)


def _cast(y: jax.Array, out_dtype: np.dtype, ulps: int = 8) -> jax.Array:
    """Cast a float result to the output dtype with scipy's filter rule (truncation)."""
    return _dtypes.cast_result(_snap_to_integers(y, out_dtype, ulps), out_dtype, rule="truncate")


def _truncating(out_dtype: np.dtype, compute: np.dtype, ulps: int = 8):
    """Scipy stores each intermediate pass in the output dtype: mimic it for integer outputs."""
    if out_dtype.kind not in "iu":
        return None

    def intermediate(y: jax.Array) -> jax.Array:
        return _cast(y, out_dtype, ulps).astype(compute)

    return intermediate


def _sigmas(sigma: Any, n: int, radius: Any, truncate: Any, *, fn: str):
    """Normalise ``sigma``/``radius`` to per-axis tuples; return (sigmas, radii, skip mask).

    Concrete sigmas must be finite and nonnegative; the radius of each axis is
    :func:`jaxresample._kernels.filter_radius` (never longer than the Gaussian's nonzero
    taps for a concrete sigma).
    """
    sigmas = tuple(
        check_sigma(s, fn=fn) for s in _validation.per_axis(sigma, n, fn=fn, name="sigma")
    )
    radii_in = _validation.per_axis(radius, n, fn=fn, name="radius")
    trunc = check_truncate(truncate, fn=fn) if any(r is None for r in radii_in) else 4.0
    radii = tuple(filter_radius(s, trunc, r, fn=fn) for s, r in zip(sigmas, radii_in, strict=True))
    keep = tuple(is_traced(s) or s > SIGMA_ZERO for s in sigmas)
    return sigmas, radii, keep


def _sigma_array(sigmas: Sequence[Any], compute: np.dtype) -> jax.Array:
    real = np.dtype(compute).type(0).real.dtype
    return jnp.stack([jnp.asarray(s, real) for s in sigmas]) if sigmas else jnp.zeros(0, real)


def _correlate1d_checked(input, weights, axis, output, mode, cval, origin, *, fn, flip=False):
    x = _check_input(input, fn=fn)
    w = _dtypes.as_array(weights, fn=fn, name="weights")
    if w.ndim != 1:
        raise ScipyRuntimeError(
            f"{fn}: weights must be a 1-D sequence of at least one weight; got shape {w.shape}"
        )
    if w.shape[0] < 1:
        raise ScipyRuntimeError(f"{fn}: no filter weights given (weights has shape {w.shape})")
    ax = _axis(axis, x.ndim, fn=fn)
    origin = _validation.static_int(origin, fn=fn, name="origin")
    size = w.shape[0]
    if flip:  # convolve1d: scipy reverses the weights and mirrors the origin
        w = w[::-1]
        origin = -origin - (0 if size & 1 else 1)
    if origin < -(size // 2) or origin > (size - 1) // 2:
        raise ValueError(
            f"{fn}: Invalid origin; origin must satisfy -(len(weights) // 2) <= origin <= "
            f"(len(weights)-1) // 2; got origin={origin} for {size} weights"
        )
    (behaviour,) = _modes.per_axis(mode, 1, family="filter", fn=fn)
    cplx_w = jnp.issubdtype(w.dtype, jnp.complexfloating)
    if cplx_w and not flip:
        w = jnp.conj(w)
    cv = _check_cval(cval, x.dtype, fn=fn)
    default = np.promote_types(x.dtype, np.complex64) if cplx_w and x.dtype.kind != "c" else None
    out = _dtypes.output_dtype(output if output is not None else default, x.dtype, fn=fn)
    out = _dtypes.complex_output(out, cplx_w or x.dtype.kind == "c")
    compute = _dtypes.twin_dtype(x.dtype, out, w.dtype)
    if x.ndim == 0:
        raise ValueError(f"{fn}: input must have at least one dimension")
    return _correlate1d(
        x, w, cv, axis=ax, centre=size // 2 + origin, behaviour=behaviour,
        out_dtype=out, compute=compute,
    )  # fmt: skip


@cpu_tuned_jit(static_argnames=("axis", "centre", "behaviour", "out_dtype", "compute"))
def _correlate1d(x, w, cval, *, axis, centre, behaviour, out_dtype, compute):
    y = correlate_axes(
        x.astype(compute),
        (w.astype(compute),),
        axes=(axis,),
        centres=(centre,),
        behaviours=(behaviour,),
        cval=cval.astype(compute),
        symmetries=(0,),
    )
    return _cast(y, np.dtype(out_dtype))


@dataclasses.dataclass(frozen=True)
class GaussianSpec:
    """The static half of a Gaussian filter (hashable: it keys the compiled programs).

    Per filtered axis: its index, derivative order, kernel radius, boundary behaviour and
    kernel symmetry (+1 symmetric, -1 antisymmetric, 0 neither); then the output and
    compute dtypes.
    """

    axes: tuple[int, ...]
    orders: tuple[int, ...]
    radii: tuple[int, ...]
    behaviours: tuple[_modes.Behaviour, ...]
    symmetries: tuple[int, ...]
    out_dtype: np.dtype
    compute: np.dtype


def gaussian_spec(
    x: jax.Array,
    sigma: Any,
    *,
    axes: Sequence[int],
    orders: Sequence[int],
    fn: str,
    output: Any = None,
    mode: Any = "reflect",
    cval: Any = 0.0,
    truncate: Any = 4.0,
    radius: Any = None,
    skip_zero: bool = True,
    native: bool = False,
) -> tuple[GaussianSpec, jax.Array, jax.Array]:
    """Check a Gaussian filter's arguments; ``(spec, sigmas, cval)`` for the programs.

    ``sigma``, ``mode`` and ``radius`` are per axis of ``axes``. ``skip_zero`` leaves out
    the axes whose concrete sigma is 0 (the identity); ``native`` selects the library's
    dtype rule (float32 for float32 data under x64 too) instead of the scipy twins'.
    """
    n = len(axes)
    sigmas, radii, keep = _sigmas(sigma, n, radius, truncate, fn=fn)
    modes = _modes.per_axis(mode, n, family="filter", fn=fn)
    cv = _check_cval(cval, x.dtype, fn=fn)
    out = _dtypes.output_dtype(output, x.dtype, fn=fn)
    compute = np.dtype((_dtypes.compute_dtype if native else _dtypes.twin_dtype)(x.dtype, out))
    idx = [i for i in range(n) if keep[i] or not skip_zero]
    for i in idx:
        check_finite_kernel(sigmas[i], orders[i], radii[i], compute, fn=fn)
    # Odd orders have antisymmetric kernels (the centre tap is 0), except for a traced sigma
    # that may be 0, whose kernel is the unit impulse: no symmetry is assumed then.
    symmetries = tuple((0 if is_traced(sigmas[i]) else -1) if orders[i] % 2 else 1 for i in idx)
    spec = GaussianSpec(
        axes=tuple(axes[i] for i in idx),
        orders=tuple(orders[i] for i in idx),
        radii=tuple(radii[i] for i in idx),
        behaviours=tuple(modes[i] for i in idx),
        symmetries=symmetries,
        out_dtype=np.dtype(out),
        compute=compute,
    )
    return spec, _sigma_array([sigmas[i] for i in idx], compute), cv


def gaussian(x: jax.Array, sigma: Any, **kwargs: Any) -> jax.Array:
    """The Gaussian filter behind every public one: :func:`gaussian_spec`'s arguments."""
    spec, sigmas, cval = gaussian_spec(x, sigma, **kwargs)
    return _gaussian_filter(x, sigmas, cval, spec=spec)


@cpu_tuned_jit(static_argnames=("spec",))
def _gaussian_filter(x, sigmas, cval, *, spec: GaussianSpec):
    # Correlate with the reversed kernel, as scipy does: reversing is free for the folded
    # (anti)symmetric kernels, up to the sign of odd orders.
    weights = tuple(
        sampled_kernel(sigmas[i], o, r, sigmas.dtype)[::-1]
        for i, (o, r) in enumerate(zip(spec.orders, spec.radii, strict=True))
    )
    if not spec.axes:
        return _cast(x.astype(spec.compute), spec.out_dtype)
    y = correlate_axes(
        x.astype(spec.compute),
        weights,
        axes=spec.axes,
        centres=spec.radii,
        behaviours=spec.behaviours,
        cval=cval.astype(spec.compute),
        symmetries=spec.symmetries,
        intermediate=_truncating(spec.out_dtype, spec.compute),
    )
    return _cast(y, spec.out_dtype)
