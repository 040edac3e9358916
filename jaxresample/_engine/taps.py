"""Per-axis B-spline taps and weights for coordinates, with every boundary mode.

:func:`axis_taps` reproduces scipy's ``NI_GeometricTransform`` one axis at a time; the
sampler, the separable engine and the label votes all take their taps from it:

1. the coordinate is first mapped into the input's range by the mode's *continuous* rule
   (scipy's ``map_coordinate``: mirror, reflect, period ``n - 1`` for legacy ``wrap``, period
   ``n`` for ``grid-wrap``), except for ``nearest`` and ``grid-constant``, which scipy pads
   by 12 samples instead when prefiltering;
2. legacy ``constant`` returns ``cval`` for any coordinate strictly outside ``[0, n - 1]``;
3. the ``order + 1`` taps start at ``floor(x) - order // 2`` (odd orders) or
   ``floor(x + 0.5) - order // 2`` (even orders), and taps that fall outside the input are
   mapped with the *spline* boundary rule (whole-sample mirror for legacy ``constant`` and
   ``wrap``; the mode's own rule otherwise; ``cval`` per tap for ``grid-constant``);
4. the weights are the B-spline weights of the offset from the middle knot
   (:func:`jaxresample._bspline._bspline_weights`).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _modes
from .._bspline import _bspline_weights

#: Coordinates are clipped to this magnitude before the periodic and mirror mappings, so
#: that infinities behave as points far outside the input instead of producing NaN.
_BIG = float(2**24)


def _map_continuous(c: Any, n: int, behaviour: str, xp: Any) -> Any:
    """Map coordinates outside ``[0, n - 1]`` inside, as scipy's ``map_coordinate`` does."""
    if n <= 1:
        return xp.where((c < 0) | (c > n - 1), xp.zeros_like(c), c)
    trunc = xp.trunc
    if behaviour == "whole-symmetric":
        s = 2 * n - 2
        lo = s * trunc(-c / s) + c
        lo = xp.where(lo <= 1 - n, lo + s, -lo)
        hi = c - s * trunc(c / s)
        hi = xp.where(hi >= n, s - hi, hi)
    elif behaviour == "half-symmetric":
        s = 2 * n
        lo = xp.where(c < -s, s * trunc(-c / s) + c, c)
        lo = xp.where(lo < -n, lo + s, -lo - 1)
        hi = c - s * trunc(c / s)
        hi = xp.where(hi >= n, s - hi - 1, hi)
    elif behaviour == "periodic-legacy":
        s = n - 1
        lo = c + s * (trunc(-c / s) + 1)
        hi = c - s * trunc(c / s)
    elif behaviour == "periodic":
        lo = c + n * (trunc((-1 - c) / n) + 1)
        hi = c - n * trunc(c / n)
    else:  # pragma: no cover - guarded by the callers
        raise ValueError(f"_map_continuous: unexpected behaviour {behaviour!r}")
    return xp.where(c < 0, lo, xp.where(c > n - 1, hi, c))


def _tap_behaviour(behaviour: str) -> _modes.Behaviour:
    """The rule scipy applies to taps outside the input (``_get_spline_boundary_mode``)."""
    if behaviour in ("constant-legacy", "periodic-legacy"):
        return "whole-symmetric"
    return behaviour  # type: ignore[return-value]


def axis_taps(c: Any, n: int, behaviour: str, order: int) -> tuple[Any, Any, Any, Any, Any]:
    """Taps and weights along one axis of length ``n`` for coordinates ``c``.

    ``c`` is a NumPy array (host plan, float64, as scipy computes) or a JAX array (traced).

    Returns:
      ``(idx, w, ok, outside, nan)``: ``idx`` integer taps in ``[0, n)`` of shape
      ``c.shape + (order + 1,)``; ``w`` their weights; ``ok`` (``grid-constant`` only, else
      None) whether each tap is inside (outside taps read ``cval``); ``outside`` (legacy
      ``constant`` only, else None) the points that return ``cval``; ``nan`` the points whose
      coordinate is NaN.
    """
    xp: Any = np if isinstance(c, np.ndarray) else jnp
    nan = xp.isnan(c)
    c = xp.where(nan, xp.zeros_like(c), c)
    outside = None
    if behaviour in ("edge", "constant"):
        lo, hi = -(order + 2), n + order + 1  # beyond these every tap is the edge (or cval)
        c = xp.where(c < lo, xp.full_like(c, lo), xp.where(c > hi, xp.full_like(c, hi), c))
    elif behaviour == "constant-legacy":
        outside = (c < 0) | (c > n - 1)
        c = xp.where(outside, xp.zeros_like(c), c)
    else:
        c = xp.where(
            c < -_BIG, xp.full_like(c, -_BIG), xp.where(c > _BIG, xp.full_like(c, _BIG), c)
        )
        c = _map_continuous(c, n, behaviour, xp)
    base = xp.floor(c) if order % 2 else xp.floor(c + 0.5)
    t = c - base
    start = base.astype(np.int64 if xp is np else jnp.int32) - order // 2
    ramp = xp.arange(order + 1, dtype=start.dtype).reshape((1,) * start.ndim + (order + 1,))
    taps = start[..., None] + ramp
    if xp is np:  # host plan: evaluate now, even inside an outer jit trace
        with jax.ensure_compile_time_eval():
            w: Any = np.asarray(_bspline_weights(t, order), dtype=np.float64)
    else:
        w = _bspline_weights(t, order)
    ok = None
    if behaviour == "constant":
        ok = (taps >= 0) & (taps < n)
        idx = xp.clip(taps, 0, n - 1)
    else:
        idx = _modes.extend_index(_tap_behaviour(behaviour), taps, n)
    return idx, w, ok, outside, nan
