"""scipy's geometric transforms: ``zoom``, ``shift``, ``affine_transform``, ``geometric_transform``.

``zoom``, ``shift`` and ``affine_transform`` with a concrete diagonal matrix are separable and
run through :mod:`jaxresample._engine.separable` (one 1-D resampling per axis). A traced or
non-diagonal matrix builds the input coordinates of every output point inside ``jit`` and
samples them with the general gather of :mod:`jaxresample._ndimage.interpolation`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtypes
from .._engine.sampler import (
    _map_coordinates,
    _setup,
    empty_input,
    padded_shape,
)
from .._engine.separable import resample_separable
from .._engine.transform import _output_shape, transform_affine
from .._limits import check_array, check_flat_index
from .._validation import (
    ScipyRuntimeError,
    concrete_float,
    fmt,
    is_traced,
    per_axis,
    real_or_traced,
)

__all__ = ["affine_transform", "geometric_transform", "shift", "transform_affine", "zoom"]


def zoom(
    input: Any,
    zoom: Any,
    output: Any = None,
    order: int = 3,
    mode: str = "constant",
    cval: Any = 0.0,
    prefilter: bool = True,
    *,
    grid_mode: bool = False,
) -> jax.Array:
    """Zoom an array by B-spline interpolation.

    SciPy equivalent: :func:`scipy.ndimage.zoom`

    The output has ``round(input.shape[a] * zoom[a])`` samples along axis ``a`` (Python's
    ``round``, half to even). With ``grid_mode=False`` the centres of the corner samples are
    aligned (output sample ``k`` reads input coordinate ``k * (n_in - 1) / (n_out - 1)``);
    with ``grid_mode=True`` the outer edges of the grids are aligned
    (``(k + 0.5) * n_in / n_out - 0.5``).

    The work is separable: one 1-D resampling per axis, most shrinking axis first, with the
    spline prefilter folded into the per-axis weights.

    Args:
      input: array of any rank >= 1; integer, floating or complex dtype.
      zoom: zoom factor, one number or one per axis. Static (it sets the output shape).
      output: None (the dtype of ``input``) or a dtype.
      order: spline order, 0-5. Static.
      mode: boundary mode (see :func:`~jaxresample.ndimage.map_coordinates`). Static.
      cval: value outside the input for the constant modes. Traced; differentiable.
      prefilter: whether to spline-filter the input first (``order > 1``). Static.
      grid_mode: align pixel edges instead of pixel centres. Static.

    Returns:
      The zoomed array.

    Raises:
      ScipyRuntimeError: ``order`` outside 0-5, unknown ``mode``, ``zoom`` of the wrong length.
      TypeError: traced ``zoom``, or ``output`` is an array.

    Warns:
      UserWarning: ``grid_mode=True`` with ``mode='constant'`` or ``'wrap'`` (as scipy).

    Differences from SciPy:
      ``output`` cannot be an array. float32 inputs are computed in float32; for
      ``order > 1`` the prefilter is applied as a kernel truncated where its tail is below
      float32 (float64) precision.

    Examples:
      >>> from jaxresample.ndimage import zoom
      >>> zoom(jnp.array([0.0, 1.0, 2.0], jnp.float32), 5 / 3, order=1)
      Array([0. , 0.5, 1. , 1.5, 2. ], dtype=float32)
    """
    fn = "zoom"
    sampling = _setup(input, output, order, mode, cval, fn=fn)
    x, out, order, behaviour, compute, cv = sampling
    zooms = tuple(
        concrete_float(z, fn=fn, name="zoom", fix="zoom sets the output shape")
        for z in per_axis(zoom, x.ndim, fn=fn, name="zoom")
    )
    if any(z < 0 for z in zooms):
        raise ValueError(f"{fn}: zoom must be nonnegative; got {fmt(zoom)}")
    grid_mode = bool(grid_mode)
    out_shape = tuple(int(round(n * z)) for n, z in zip(x.shape, zooms, strict=True))
    check_array(out_shape, compute, fn=fn)
    # the separable passes hold at most max(input, output) samples along every axis
    bound = tuple(max(a, b) for a, b in zip(x.shape, out_shape, strict=True))
    check_array(bound, compute, fn=fn, what="intermediate result")
    empty = empty_input(x, out_shape, cv, behaviour=behaviour, mode=mode, out_dtype=out, fn=fn)
    if empty is not None:
        return empty
    if all(z == 1 for z in zooms) and prefilter:
        return _dtypes.cast_result(x, out, rule="truncate")
    if grid_mode and behaviour in ("constant-legacy", "periodic-legacy"):
        suggest = "grid-constant" if behaviour == "constant-legacy" else "grid-wrap"
        warnings.warn(
            f"It is recommended to use mode = {suggest} instead of {mode} when grid_mode is True.",
            UserWarning,
            stacklevel=2,
        )
    coords = []
    for n_in, n_out in zip(x.shape, out_shape, strict=True):
        div, num = (n_out, n_in) if grid_mode else (n_out - 1, n_in - 1)
        scale = num / div if div != 0 else 1.0
        k = np.arange(n_out, dtype=np.float64)
        coords.append((k + 0.5) * scale - 0.5 if grid_mode else k * scale)
    return resample_separable(sampling, coords, out_shape, prefilter=prefilter)


# --------------------------------------------------------------------------------------------
# shift
# --------------------------------------------------------------------------------------------


def shift(
    input: Any,
    shift: Any,
    output: Any = None,
    order: int = 3,
    mode: str = "constant",
    cval: Any = 0.0,
    prefilter: bool = True,
) -> jax.Array:
    """Shift an array by B-spline interpolation: ``out[k] = input(k - shift)``.

    SciPy equivalent: :func:`scipy.ndimage.shift`

    Args:
      input: array of any rank >= 1; integer, floating or complex dtype.
      shift: shift along each axis, one number or one per axis. Traced; differentiable.
      output: None (the dtype of ``input``) or a dtype.
      order: spline order, 0-5. Static.
      mode: boundary mode (see :func:`~jaxresample.ndimage.map_coordinates`). Static.
      cval: value outside the input for the constant modes. Traced; differentiable.
      prefilter: whether to spline-filter the input first (``order > 1``). Static.

    Returns:
      Array with the shape of ``input``.

    Raises:
      ScipyRuntimeError: ``order`` outside 0-5, unknown ``mode``, ``shift`` of the wrong length.
      TypeError: ``output`` is an array.

    Differences from SciPy:
      ``output`` cannot be an array; float32 inputs are computed in float32.

    Examples:
      >>> from jaxresample.ndimage import shift
      >>> shift(jnp.array([1.0, 2.0, 3.0, 4.0], jnp.float32), 1.5, order=1, mode="nearest")
      Array([1. , 1. , 1.5, 2.5], dtype=float32)
    """
    fn = "shift"
    sampling = _setup(input, output, order, mode, cval, fn=fn)
    x, out, order, behaviour, compute, cv = sampling
    if x.size == 0:
        return jnp.zeros(x.shape, out)
    shifts = [
        real_or_traced(s, fn=fn, name="shift") for s in per_axis(shift, x.ndim, fn=fn, name="shift")
    ]
    coords: list[Any] = []
    for n, s in zip(x.shape, shifts, strict=True):
        if is_traced(s):
            coords.append(jnp.arange(n, dtype=compute) - jnp.asarray(s).astype(compute))
        else:
            coords.append(np.arange(n, dtype=np.float64) + (-s))
    return resample_separable(sampling, coords, x.shape, prefilter=prefilter)


# --------------------------------------------------------------------------------------------
# affine_transform
# --------------------------------------------------------------------------------------------


def affine_transform(
    input: Any,
    matrix: Any,
    offset: Any = 0.0,
    output_shape: Any = None,
    output: Any = None,
    order: int = 3,
    mode: str = "constant",
    cval: Any = 0.0,
    prefilter: bool = True,
) -> jax.Array:
    """Apply an affine transformation: output point ``o`` reads input ``matrix @ o + offset``.

    SciPy equivalent: :func:`scipy.ndimage.affine_transform`

    ``matrix`` may be of shape ``(ndim,)`` (a diagonal), ``(ndim, out_ndim)``,
    ``(ndim, ndim + 1)`` (the last column is the offset) or ``(ndim + 1, ndim + 1)``
    (homogeneous; the bottom row must be ``[0, ..., 0, 1]``). A concrete diagonal matrix
    runs the separable path; otherwise coordinates are built inside ``jit``.

    Args:
      input: array of any rank >= 1; integer, floating or complex dtype.
      matrix: the inverse (output -> input) transform. Traced; differentiable.
      offset: offset, one number or one per input axis. Traced; differentiable.
      output_shape: shape of the output; default the input's. Static.
      output: None (the dtype of ``input``) or a dtype.
      order: spline order, 0-5. Static.
      mode: boundary mode (see :func:`~jaxresample.ndimage.map_coordinates`). Static.
      cval: value outside the input for the constant modes. Traced; differentiable.
      prefilter: whether to spline-filter the input first (``order > 1``). Static.

    Returns:
      Array of ``output_shape``.

    Raises:
      ScipyRuntimeError: ``order``/``mode`` invalid, or a matrix or offset of the wrong shape
        (scipy's ``RuntimeError`` messages).
      ValueError: a homogeneous matrix whose bottom row is not ``[0, ..., 0, 1]``.

    Differences from SciPy:
      ``output`` cannot be an array; float32 inputs are computed in float32. The bottom row
      of a traced homogeneous matrix cannot be checked and is ignored.

    Examples:
      >>> from jaxresample.ndimage import affine_transform
      >>> affine_transform(jnp.arange(4, dtype=jnp.float32), jnp.array([0.5]), order=1)
      Array([0. , 0.5, 1. , 1.5], dtype=float32)
    """
    return transform_affine(
        input, matrix, offset, output_shape, output, order, mode, cval, prefilter,
        fn="affine_transform",
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# geometric_transform
# --------------------------------------------------------------------------------------------


def geometric_transform(
    input: Any,
    mapping: Callable[..., Any],
    output_shape: Any = None,
    output: Any = None,
    order: int = 3,
    mode: str = "constant",
    cval: Any = 0.0,
    prefilter: bool = True,
    extra_arguments: tuple[Any, ...] = (),
    extra_keywords: dict[str, Any] | None = None,
) -> jax.Array:
    """Apply an arbitrary coordinate mapping given as a JAX-traceable function.

    SciPy equivalent: :func:`scipy.ndimage.geometric_transform`

    ``mapping(coords, *extra_arguments, **extra_keywords)`` receives a tuple of ``out_ndim``
    arrays of shape ``output_shape`` (the output coordinates, in the compute dtype) and
    returns a sequence of ``input.ndim`` arrays (or one array with a leading axis of that
    length) giving the input coordinates of every output point. The input is then sampled
    as by :func:`~jaxresample.ndimage.map_coordinates`.

    Args:
      input: array of any rank >= 1; integer, floating or complex dtype.
      mapping: vectorised, JAX-traceable coordinate mapping (see above).
      output_shape: shape of the output; default the input's. Static.
      output: None (the dtype of ``input``) or a dtype.
      order: spline order, 0-5. Static.
      mode: boundary mode (see :func:`~jaxresample.ndimage.map_coordinates`). Static.
      cval: value outside the input for the constant modes. Traced; differentiable.
      prefilter: whether to spline-filter the input first (``order > 1``). Static.
      extra_arguments: extra positional arguments passed to ``mapping``.
      extra_keywords: extra keyword arguments passed to ``mapping``.

    Returns:
      Array of ``output_shape``.

    Raises:
      ScipyRuntimeError: ``order``/``mode`` invalid, or ``mapping`` returns the wrong number
        of coordinates.

    Differences from SciPy:
      scipy calls ``mapping`` once per output point with a tuple of Python floats; here it
      is called once with a tuple of coordinate arrays, so it must be written with array
      operations (``jnp``), which most scipy mappings already are (e.g.
      ``lambda c: (c[0] - 0.5, c[1] - 0.5)``). ``output`` cannot be an array.

    Examples:
      >>> from jaxresample.ndimage import geometric_transform
      >>> geometric_transform(jnp.arange(4, dtype=jnp.float32), lambda c: (c[0] * 0.5,), order=1)
      Array([0. , 0.5, 1. , 1.5], dtype=float32)
    """
    fn = "geometric_transform"
    x, out, order, behaviour, compute, cv = _setup(input, output, order, mode, cval, fn=fn)
    out_shape = _output_shape(output_shape, x.shape, fn=fn)
    if not callable(mapping):
        raise TypeError(f"{fn}: mapping must be callable; got {fmt(mapping)}")
    kw = {} if extra_keywords is None else dict(extra_keywords)
    check_array(out_shape, compute, fn=fn, factor=1 + x.ndim)  # the output and its coordinates
    empty = empty_input(x, out_shape, cv, behaviour=behaviour, mode=mode, out_dtype=out, fn=fn)
    if empty is not None:
        return empty
    check_flat_index(padded_shape(x.shape, order, behaviour, bool(prefilter)), fn=fn)
    grid = tuple(jax.lax.broadcasted_iota(compute, out_shape, d) for d in range(len(out_shape)))
    try:
        res = mapping(grid, *tuple(extra_arguments), **kw)
    except (TypeError, ValueError) as err:  # Python control flow or float() on the arrays
        raise TypeError(
            f"{fn}: mapping failed: it is called once with a tuple of {len(out_shape)} "
            f"coordinate arrays of shape {out_shape} (not once per point with floats), so it "
            "must use array operations (jnp.where instead of `if`, no float()); it raised "
            f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
        ) from err
    if isinstance(res, (jax.Array, np.ndarray)) and np.ndim(res) >= 1:
        res = list(res)
    if not isinstance(res, (tuple, list)):
        raise TypeError(
            f"{fn}: mapping must return a sequence of {x.ndim} coordinate arrays (one per "
            f"input axis); got {fmt(res)}"
        )
    items = [jnp.asarray(r) for r in res]
    if len(items) != x.ndim:
        raise ScipyRuntimeError(
            f"{fn}: mapping must return {x.ndim} coordinates (one per input axis); got {len(items)}"
        )
    coords = jnp.stack([jnp.broadcast_to(r.astype(compute), out_shape) for r in items])

    return _map_coordinates(
        x, coords, cv, order=order, behaviour=behaviour, prefilter=bool(prefilter),
        out_dtype=out, fenced=is_traced(coords),
    )  # fmt: skip
