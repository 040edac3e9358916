"""Test helpers for the B-spline taps (first tap and fractional offset of a coordinate)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp


def _first_tap(x: Any, order: int) -> jax.Array:
    """Index of the first of the ``order + 1`` samples a B-spline of ``order`` reads at ``x``.

    ``floor(x) - order // 2`` for odd orders and ``floor(x + 0.5) - order // 2`` for even ones
    (scipy's ``NI_GeometricTransform``). Returned as int32.
    """
    x = jnp.asarray(x)
    base = jnp.floor(x) if order % 2 else jnp.floor(x + 0.5)
    return base.astype(jnp.int32) - order // 2


def _frac(x: Any, order: int) -> jax.Array:
    """The offset ``t`` of ``x`` from its middle knot, the argument of :func:`_bspline_weights`.

    ``x - floor(x)`` in ``[0, 1)`` for odd orders, ``x - floor(x + 0.5)`` in ``[-0.5, 0.5)``
    for even ones. ``floor`` has zero derivative, so ``dt/dx = 1`` everywhere.
    """
    x = jnp.asarray(x)
    return x - jax.lax.stop_gradient(jnp.floor(x) if order % 2 else jnp.floor(x + 0.5))
