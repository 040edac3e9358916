"""B-spline maths: the tap weights of the interpolation kernel (scipy's polynomials)."""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp

from . import _dtypes
from ._validation import ScipyRuntimeError


def _bspline_weights(t: Any, order: int) -> jax.Array:
    """The ``order + 1`` B-spline tap weights at offset ``t`` from the middle knot.

    Matches scipy's ``get_spline_interpolation_weights`` (the same polynomials, and the last
    weight as one minus the others): ``t`` is :func:`_frac` of the coordinate, in ``[0, 1)`` for
    odd orders and ``[-0.5, 0.5)`` for even ones; the weights apply to the samples
    ``_first_tap(x, order) + j`` for ``j = 0 .. order``. Each weight is a polynomial in ``t``,
    so derivatives are exact at every ``t`` (including ``t = 0``).

    Args:
      t: array of any shape, floating dtype.
      order: spline order 0-5. Static.

    Returns:
      Array of shape ``t.shape + (order + 1,)``, dtype of ``t``.
    """
    t = jnp.asarray(t)
    if not jnp.issubdtype(t.dtype, jnp.floating):
        t = t.astype(_dtypes.compute_dtype(t.dtype))
    one = jnp.ones_like(t)
    if order == 0:
        return one[..., None]
    z = 1.0 - t
    w: list[jax.Array]
    if order == 1:
        w = [z]
    elif order == 2:
        y = 0.5 - t
        w = [0.5 * y * y, 0.75 - t * t]
    elif order == 3:
        w = [
            z * z * z / 6.0,
            (t * t * (t - 2.0) * 3.0 + 4.0) / 6.0,
            (z * z * (z - 2.0) * 3.0 + 4.0) / 6.0,
        ]
    elif order == 4:
        y = 0.5 - t
        yy = y * y
        s = t * t
        y1 = 1.0 + t
        w = [
            yy * yy / 24.0,
            y1 * (y1 * (y1 * (5.0 - y1) / 6.0 - 1.25) + 5.0 / 24.0) + 55.0 / 96.0,
            s * (s * 0.25 - 0.625) + 115.0 / 192.0,
            z * (z * (z * (5.0 - z) / 6.0 - 1.25) + 5.0 / 24.0) + 55.0 / 96.0,
        ]
    elif order == 5:
        s = t * t
        u = z * z
        y1 = t + 1.0
        z1 = z + 1.0
        w = [
            z * u * u / 120.0,
            y1 * (y1 * (y1 * (y1 * (y1 / 24.0 - 0.375) + 1.25) - 1.75) + 0.625) + 0.425,
            s * (s * (0.25 - t / 12.0) - 0.5) + 0.55,
            u * (u * (0.25 - z / 12.0) - 0.5) + 0.55,
            z1 * (z1 * (z1 * (z1 * (z1 / 24.0 - 0.375) + 1.25) - 1.75) + 0.625) + 0.425,
        ]
    else:
        raise ScipyRuntimeError(f"_bspline_weights: spline order not supported: order={order}")
    last = one - functools.reduce(jnp.add, w)
    return jnp.stack([*w, last], axis=-1)
