"""The affine transform behind ``affine_transform``, ``zoom``, ``shift`` and the volumes.

Diagonal maps take the separable path (:mod:`.separable`), others the general sampler.
"""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtypes
from .._limits import check_array, check_flat_index
from .._validation import (
    ScipyRuntimeError,
    is_traced,
    per_axis,
    real_array,
    real_or_traced,
    static_int,
)
from . import sampler
from .chunks import chunks_in_place
from .coords import affine_coordinates
from .sampler import (
    _pad_and_prefilter,
    _sample,
    _setup,
    _unrolled,
    empty_input,
    padded_shape,
)
from .separable import resample_separable


def _output_shape(output_shape: Any, default: tuple[int, ...], *, fn: str) -> tuple[int, ...]:
    if output_shape is None:
        return default
    if np.ndim(output_shape) == 0:
        output_shape = (output_shape,)
    shp = tuple(static_int(s, fn=fn, name="output_shape", minimum=0) for s in output_shape)
    if len(shp) < 1:
        raise ScipyRuntimeError(f"{fn}: input and output rank must be > 0; got output_shape=()")
    return shp


def transform_affine(
    input: Any,
    matrix: Any,
    offset: Any,
    output_shape: Any,
    output: Any,
    order: Any,
    mode: Any,
    cval: Any,
    prefilter: Any,
    *,
    fn: str,
    native: bool = False,
) -> jax.Array:
    """:func:`affine_transform` for callers inside the library.

    ``fn`` names the public function in errors; ``native`` computes float32 data in float32
    under x64 too (the library's own dtype rule, not the scipy twins').
    """
    sampling = _setup(input, output, order, mode, cval, fn=fn, native=native)
    x, out, order, behaviour, compute, cv = sampling
    ndim = x.ndim
    out_shape = _output_shape(output_shape, x.shape, fn=fn)
    traced = is_traced(matrix)
    m: Any = real_array(matrix, fn=fn, name="matrix")
    if m.ndim not in (1, 2) or m.shape[0] < 1:
        raise ScipyRuntimeError(
            f"{fn}: no proper affine matrix provided: matrix must be 1-D or 2-D; got shape "
            f"{m.shape}"
        )
    if m.ndim == 2 and m.shape[1] == ndim + 1 and m.shape[0] in (ndim, ndim + 1):
        if m.shape[0] == ndim + 1 and not traced:
            expected = [0] * ndim + [1]
            if not np.all(m[ndim] == expected):
                raise ValueError(
                    f"{fn}: Expected homogeneous transformation matrix with shape {m.shape} "
                    f"for image shape {x.shape}, but bottom row was not equal to {expected}"
                )
        offset = m[:ndim, ndim]
        m = m[:ndim, :ndim]
    if m.shape[0] != ndim:
        raise ScipyRuntimeError(
            f"{fn}: affine matrix has wrong number of rows: {m.shape[0]} for an input with "
            f"{ndim} dimensions"
        )
    if m.ndim == 2 and m.shape[1] != len(out_shape):
        raise ScipyRuntimeError(
            f"{fn}: affine matrix has wrong number of columns: {m.shape[1]} for an output "
            f"with {len(out_shape)} dimensions"
        )
    if m.ndim == 1 and len(out_shape) != ndim:
        raise ScipyRuntimeError(
            f"{fn}: a 1-D matrix needs an output of the input's rank {ndim}; got "
            f"output_shape={out_shape}"
        )
    offs = [
        real_or_traced(o, fn=fn, name="offset")
        for o in per_axis(offset, ndim, fn=fn, name="offset")
    ]
    check_array(out_shape, compute, fn=fn)
    empty = empty_input(x, out_shape, cv, behaviour=behaviour, mode=mode, out_dtype=out, fn=fn)
    if empty is not None:
        return empty
    diagonal = not traced and (
        m.ndim == 1 or (m.shape[0] == m.shape[1] and np.count_nonzero(m - np.diag(np.diag(m))) == 0)
    )
    if diagonal:
        coords: list[Any] = []
        for a in range(ndim):
            k = np.arange(out_shape[a], dtype=np.float64)
            if is_traced(offs[a]):
                ot = jnp.asarray(offs[a]).astype(compute)
                coords.append(jnp.asarray(k * (m[a] if m.ndim == 1 else m[a, a]), compute) + ot)
            elif m.ndim == 1 and m[a] != 0:
                o = float(np.asarray(offs[a]))
                coords.append((k + o / m[a]) * m[a])  # scipy: zoom_shift(matrix, offset/matrix)
            elif m.ndim == 1:
                # a zero scale reads the offset everywhere, as the (ndim, ndim) zero matrix
                # does (scipy's offset / matrix would divide by zero)
                coords.append(np.full(out_shape[a], float(np.asarray(offs[a]))))
            else:
                coords.append(float(np.asarray(offs[a])) + k * m[a, a])
        return resample_separable(sampling, coords, out_shape, prefilter=prefilter)
    check_flat_index(padded_shape(x.shape, order, behaviour, bool(prefilter)), fn=fn)
    mat = jnp.diag(jnp.asarray(m)) if m.ndim == 1 else jnp.asarray(m)
    off = jnp.stack([jnp.asarray(o).astype(compute) for o in offs])
    return _transform_general(
        x,
        mat.astype(compute),
        off,
        cv,
        out_shape=out_shape,
        order=order,
        behaviour=behaviour,
        prefilter=bool(prefilter),
        out_dtype=out,
    )


@functools.partial(
    jax.jit, static_argnames=("out_shape", "order", "behaviour", "prefilter", "out_dtype")
)
def _transform_general(
    x: jax.Array,
    matrix: jax.Array,
    offset: jax.Array,
    cval: jax.Array,
    *,
    out_shape: tuple[int, ...],
    order: int,
    behaviour: str,
    prefilter: bool,
    out_dtype: Any,
) -> jax.Array:
    z, npad = _pad_and_prefilter(x, cval, order=order, behaviour=behaviour, prefilter=prefilter)
    offset = offset + npad

    def sample(first: Any, shape: tuple[int, ...]) -> jax.Array:
        """The output rows ``first ..`` (of ``shape``), coordinates computed on the fly."""
        coords = affine_coordinates(matrix, offset, shape, extent=out_shape, first=first)
        return _sample(z, coords, cval, order=order, behaviour=behaviour)

    rest = int(np.prod(out_shape[1:]))
    slab = max(1, sampler.UNROLL_CHUNK // max(rest, 1))  # read per call: tests shrink it
    if not _unrolled(order, x.ndim) or order <= 1 or slab >= out_shape[0]:
        res = sample(None, out_shape)
    else:
        # slabs of output rows, written in place: memory stays bounded and no coordinate
        # array is stored
        res = chunks_in_place(
            lambda start: sample(start, (slab, *out_shape[1:])),
            out_shape[0],
            slab,
            out_shape,
            z.dtype,
        )
    return _dtypes.cast_result(res, out_dtype, rule="round")
