"""``map_coordinates`` and its adjoint: B-spline interpolation at arbitrary coordinates.

The scipy-named wrappers check and normalise their arguments, then call the general
sampler of the engine (:mod:`jaxresample._engine.sampler`).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtypes, _modes
from .._engine.sampler import (
    _adjoint,
    _check_order,
    _map_coordinates,
    _prepare_coordinates,
    _setup,
    empty_input,
    padded_shape,
)
from .._limits import check_flat_index
from .._validation import is_traced, static_int

__all__ = ["map_coordinates", "map_coordinates_adjoint"]


# --------------------------------------------------------------------------------------------
# map_coordinates and its adjoint
# --------------------------------------------------------------------------------------------


def map_coordinates(
    input: Any,
    coordinates: Any,
    output: Any = None,
    order: int = 3,
    mode: str = "constant",
    cval: Any = 0.0,
    prefilter: bool = True,
) -> jax.Array:
    """Map the input array to new coordinates by B-spline interpolation.

    SciPy equivalent: :func:`scipy.ndimage.map_coordinates`

    The value at each point of ``coordinates`` is the B-spline interpolant of ``input`` of
    degree ``order`` evaluated there, with the boundary rule of ``mode`` (see :ref:`modes`).
    For ``order > 1`` and ``prefilter=True`` the input is first converted to B-spline
    coefficients (padded by 12 samples for ``nearest`` and ``grid-constant``, as scipy does).

    Args:
      input: array of any rank >= 1; integer, floating or complex dtype.
      coordinates: array of shape ``(input.ndim, *output_shape)``; ``coordinates[:, p]`` is
        the (fractional) index into ``input`` of output point ``p``. Traced; differentiable.
      output: None (the dtype of ``input``) or a dtype. Integer outputs are rounded half away
        from zero and saturated.
      order: spline order, 0-5. Static.
      mode: one of ``'constant'``, ``'grid-constant'``, ``'nearest'``, ``'mirror'``,
        ``'reflect'``, ``'grid-mirror'``, ``'wrap'``, ``'grid-wrap'``. Static.
      cval: value outside the input for the constant modes. Traced; differentiable.
      prefilter: whether to spline-filter ``input`` first (``order > 1``). Static.

    Returns:
      Array of shape ``coordinates.shape[1:]`` and the output dtype.

    Raises:
      ScipyRuntimeError: ``order`` outside 0-5, unknown ``mode``, or coordinates of the wrong
        shape (scipy raises ``RuntimeError``).
      TypeError: ``output`` is an array, complex coordinates, or a non-integer ``order``.

    Differences from SciPy:
      ``output`` cannot be an array. float32 inputs are computed in float32 (scipy: float64).
      A NaN coordinate gives NaN at that point for floating outputs (scipy gives ``cval``
      or an undefined result); infinite coordinates act as points far outside the input.
      Integer outputs saturate.

    Examples:
      >>> from jaxresample.ndimage import map_coordinates
      >>> a = jnp.arange(12, dtype=jnp.float32).reshape(4, 3)
      >>> map_coordinates(a, jnp.array([[0.5, 2.0], [0.5, 1.0]]), order=1)
      Array([2., 7.], dtype=float32)
    """
    fn = "map_coordinates"
    x, out, order, behaviour, compute, cv = _setup(input, output, order, mode, cval, fn=fn)
    coords = _prepare_coordinates(coordinates, x.ndim, compute, fn=fn)
    empty = empty_input(
        x, coords.shape[1:], cv, behaviour=behaviour, mode=mode, out_dtype=out, fn=fn
    )
    if empty is not None:
        return empty
    check_flat_index(padded_shape(x.shape, order, behaviour, bool(prefilter)), fn=fn)
    return _map_coordinates(
        x,
        coords,
        cv,
        order=order,
        behaviour=behaviour,
        prefilter=bool(prefilter),
        out_dtype=out,
        fenced=is_traced(coordinates),
    )


def map_coordinates_adjoint(
    values: Any,
    coordinates: Any,
    shape: Any,
    *,
    order: int = 3,
    mode: str = "constant",
    prefilter: bool = True,
) -> jax.Array:
    """Splat ``values`` at ``coordinates`` onto a grid: the transpose of ``map_coordinates``.

    For ``A`` the linear map ``image -> map_coordinates(image, coordinates, order=order,
    mode=mode, cval=0, prefilter=prefilter)``, this returns ``A.T @ values``, so that
    ``<A x, y> == <x, A^T y>`` for every image ``x`` of ``shape`` and every ``y``. It is the
    scatter-add ("splatting") counterpart of interpolation, e.g. for back-projection.

    Args:
      values: floating (or complex) array of shape ``coordinates.shape[1:]``.
      coordinates: array of shape ``(len(shape), *values.shape)``. Traced.
      shape: the shape of the image grid. Static.
      order: spline order, 0-5. Static.
      mode: boundary mode as in :func:`map_coordinates`. Static. The constant modes treat
        ``cval`` as 0 (the transpose of the linear part).
      prefilter: whether the forward map includes the spline prefilter. Static.

    Returns:
      Array of ``shape``, in the compute dtype of ``values`` (float32 or float64).

    Raises:
      ScipyRuntimeError: bad ``order``, ``mode`` or coordinate shape.

    Examples:
      >>> from jaxresample import map_coordinates_adjoint
      >>> map_coordinates_adjoint(jnp.array([1.0], jnp.float32), jnp.array([[0.25]]), (3,), order=1)
      Array([0.75, 0.25, 0.  ], dtype=float32)
    """
    fn = "map_coordinates_adjoint"
    order = _check_order(order, fn=fn)
    behaviour = _modes.resolve(mode, family="interp", fn=fn)
    shp = tuple(static_int(s, fn=fn, name="shape", minimum=1) for s in np.atleast_1d(shape))
    y = _dtypes.as_array(values, fn=fn, name="values")
    compute = _dtypes.compute_dtype(y.dtype)
    real_dtype = np.dtype(jnp.finfo(compute).dtype)
    coords = _prepare_coordinates(coordinates, len(shp), real_dtype, fn=fn)
    if coords.shape[1:] != y.shape:
        raise ValueError(
            f"{fn}: values must have shape coordinates.shape[1:]={coords.shape[1:]}; got {y.shape}"
        )
    return _adjoint(
        y.astype(compute),
        coords,
        shape=shp,
        order=order,
        behaviour=behaviour,
        prefilter=bool(prefilter),
    )
