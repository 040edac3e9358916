"""The boundary-mode registry: the only module that knows boundary-mode names.

scipy.ndimage has eight mode names for seven behaviours, and gives some names a different
meaning in filters than in interpolation (see ``docs/conventions.md``). Every function of the
library resolves its ``mode`` argument here, to a *behaviour*; padding, index extension and
the docs' compatibility table all derive from the behaviours, and the tests parametrise over
:data:`INTERP_MODES` and :data:`FILTER_MODES`, so a documented mode cannot go untested.

Behaviours (the sequence ``abcd`` extended on both sides):

==================  =====================  ===============================================
behaviour           pattern                scipy names
==================  =====================  ===============================================
``half-symmetric``  ``dcba|abcd|dcba``     ``reflect``, ``grid-mirror``
``whole-symmetric`` ``dcb|abcd|cba``       ``mirror``
``edge``            ``aaa|abcd|ddd``       ``nearest``
``periodic``        ``abcd|abcd|abcd``     ``grid-wrap``; ``wrap`` in filters
``periodic-legacy`` period ``n - 1``       ``wrap`` in interpolation
``constant``        ``kkk|abcd|kkk``       ``grid-constant``; ``constant`` in filters
``constant-legacy`` ``cval`` outside        ``constant`` in interpolation: no interpolation
                    ``[0, n - 1]``          across the edge samples
==================  =====================  ===============================================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import jax
import jax.numpy as jnp
import numpy as np

from ._validation import ScipyRuntimeError, fmt

__all__ = [
    "FILTER_MODES",
    "INTERP_MODES",
    "MODES",
    "Behaviour",
    "Mode",
    "extend_index",
    "filter_name",
    "pad",
    "per_axis",
    "resolve",
]

Behaviour = Literal[
    "half-symmetric",
    "whole-symmetric",
    "edge",
    "periodic",
    "periodic-legacy",
    "constant",
    "constant-legacy",
]
Family = Literal["filter", "interp"]


@dataclass(frozen=True)
class Mode:
    """One scipy boundary-mode name and what it means in each function family.

    Attributes:
      name: the scipy name.
      interp: the behaviour in interpolation (``map_coordinates``, ``zoom``, ...).
      filter: the behaviour in filters (``correlate1d``, ``gaussian_filter``, ...).
      numpy: the :func:`numpy.pad` / :func:`jax.numpy.pad` name of the filter behaviour.
    """

    name: str
    interp: Behaviour
    filter: Behaviour
    numpy: str


MODES: dict[str, Mode] = {
    m.name: m
    for m in (
        Mode("constant", "constant-legacy", "constant", "constant"),
        Mode("grid-constant", "constant", "constant", "constant"),
        Mode("nearest", "edge", "edge", "edge"),
        Mode("mirror", "whole-symmetric", "whole-symmetric", "reflect"),
        Mode("reflect", "half-symmetric", "half-symmetric", "symmetric"),
        Mode("grid-mirror", "half-symmetric", "half-symmetric", "symmetric"),
        Mode("wrap", "periodic-legacy", "periodic", "wrap"),
        Mode("grid-wrap", "periodic", "periodic", "wrap"),
    )
}

#: Every mode name accepted by the interpolation functions, in scipy's documentation order.
INTERP_MODES: tuple[str, ...] = tuple(MODES)
#: Every mode name accepted by the filters (scipy accepts all eight; ``grid-*`` collapse).
FILTER_MODES: tuple[str, ...] = tuple(MODES)

#: numpy.pad's name for each filter behaviour, read from the registry.
_PAD_MODES: dict[Behaviour, str] = {m.filter: m.numpy for m in MODES.values()}


def resolve(mode: Any, *, family: Family, fn: str, name: str = "mode") -> Behaviour:
    """Return the behaviour of the scipy mode name ``mode`` in ``family``.

    Raises:
      ScipyRuntimeError: ``mode`` is not a known name (scipy raises ``RuntimeError``).
      TypeError: ``mode`` is not a string.
    """
    if not isinstance(mode, str):
        raise TypeError(f"{fn}: {name} must be a string, one of {sorted(MODES)}; got {fmt(mode)}")
    try:
        spec = MODES[mode]
    except KeyError:
        raise ScipyRuntimeError(
            f"{fn}: boundary mode not supported: {name}={mode!r}; "
            f"allowed values are {sorted(MODES)}"
        ) from None
    return spec.interp if family == "interp" else spec.filter


def filter_name(behaviour: str) -> str:
    """A scipy mode name whose behaviour in filters is ``behaviour``."""
    return next(m.name for m in MODES.values() if m.filter == behaviour)


def per_axis(mode: Any, n: int, *, family: Family, fn: str) -> tuple[Behaviour, ...]:
    """Resolve a mode name, or one name per axis, to a tuple of ``n`` behaviours.

    Raises:
      ScipyRuntimeError: unknown name, or a sequence whose length is not ``n``.
    """
    if isinstance(mode, str):
        return (resolve(mode, family=family, fn=fn),) * n
    if isinstance(mode, np.ndarray) and mode.ndim == 1:  # scipy accepts any sequence
        mode = mode.tolist()
    if not isinstance(mode, Sequence) or isinstance(mode, bytes):
        raise TypeError(f"{fn}: mode must be a string or a sequence of strings; got {fmt(mode)}")
    if len(mode) != n:
        raise ScipyRuntimeError(
            f"{fn}: sequence argument must have length equal to input rank: "
            f"mode has {len(mode)} entries for {n} axes"
        )
    return tuple(resolve(m, family=family, fn=fn) for m in mode)


def pad(x: jnp.ndarray, before: int, after: int, *, axis: int, behaviour: Behaviour, cval: Any):
    """Extend ``x`` along ``axis`` by ``before``/``after`` samples with ``behaviour``.

    Pads of any width are allowed (wider than the axis too): each behaviour is applied to
    the *original* samples, as scipy does, not iterated on already padded samples.
    ``cval`` may be traced. Widths up to ``n - 1`` are built from slices, reversals and one
    concatenation, which XLA fuses into its consumers; wider pads gather.
    """
    if before == 0 and after == 0:
        return x
    n = x.shape[axis]
    if behaviour == "constant":
        # Not jnp.pad/lax.pad: their transpose drops the padding value (jax 0.10.2 returns
        # None for its cotangent), and a traced cval must be differentiable.
        fill = jnp.asarray(cval, x.dtype)
        parts = []
        for width in (before, after):
            shape = list(x.shape)
            shape[axis] = width
            parts.append(jnp.broadcast_to(fill, tuple(shape)))
        return jnp.concatenate([parts[0], x, parts[1]], axis=axis)
    if max(before, after) <= n - 1 and behaviour in _PAD_MODES:
        left = _edge_block(x, before, axis=axis, behaviour=behaviour, side=0)
        right = _edge_block(x, after, axis=axis, behaviour=behaviour, side=1)
        return jnp.concatenate([b for b in (left, x, right) if b is not None], axis=axis)
    idx = extend_index(behaviour, np.arange(-before, n + after), n)
    return jnp.take(x, jnp.asarray(idx), axis=axis)


def _edge_block(
    x: jnp.ndarray, width: int, *, axis: int, behaviour: Behaviour, side: int
) -> jnp.ndarray | None:
    """The ``width`` (<= n - 1) samples that extend ``x`` before (side 0) or after (side 1)."""
    if width == 0:
        return None
    n = x.shape[axis]

    def sl(a: int, b: int) -> jnp.ndarray:
        return jax.lax.slice_in_dim(x, a, b, axis=axis)

    def rev(v: jnp.ndarray) -> jnp.ndarray:
        return jax.lax.rev(v, (axis,))

    if behaviour == "periodic":
        return sl(n - width, n) if side == 0 else sl(0, width)
    if behaviour == "whole-symmetric":
        return rev(sl(1, width + 1)) if side == 0 else rev(sl(n - 1 - width, n - 1))
    if behaviour == "half-symmetric":
        return rev(sl(0, width)) if side == 0 else rev(sl(n - width, n))
    edge = sl(0, 1) if side == 0 else sl(n - 1, n)
    shape = list(x.shape)
    shape[axis] = width
    return jnp.broadcast_to(edge, tuple(shape))


def extend_index(behaviour: Behaviour, index: Any, size: int) -> Any:
    """Map integer sample positions onto ``[0, size)`` with ``behaviour``.

    Works on NumPy arrays (host-side, for static indices) and on JAX arrays (traced).
    For the constant behaviours a position that reads ``cval`` maps to ``-1``.

    Args:
      behaviour: a value returned by :func:`resolve`.
      index: integer array of positions, any shape.
      size: the length of the axis (static).

    Returns:
      An integer array of the same shape as ``index``.
    """
    xp = np if isinstance(index, (np.ndarray, np.generic, int)) else jnp
    i = xp.asarray(index)
    n = int(size)
    if behaviour in ("constant", "constant-legacy"):
        return xp.where((i < 0) | (i > n - 1), -1, i)
    if n == 1:
        return xp.zeros_like(i)
    if behaviour == "edge":
        return xp.clip(i, 0, n - 1)
    if behaviour == "periodic":
        return xp.mod(i, n)
    if behaviour == "half-symmetric":
        j = xp.mod(i, 2 * n)
        return xp.where(j >= n, 2 * n - 1 - j, j)
    if behaviour == "whole-symmetric":
        j = xp.mod(i, 2 * n - 2)
        return xp.where(j >= n, 2 * n - 2 - j, j)
    if behaviour == "periodic-legacy":
        # scipy's interpolation `wrap`: period n - 1, with scipy's choice of representative
        # (negative positions land in (0, n - 1], positions past the end in [0, n - 1)).
        sz = n - 1
        below = i + sz * ((-i) // sz + 1)
        above = i - sz * (i // sz)
        return xp.where(i < 0, below, xp.where(i > n - 1, above, i))
    raise ValueError(f"extend_index: unknown behaviour {behaviour!r}")
