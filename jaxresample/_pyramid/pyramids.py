"""Gaussian and Laplacian pyramids with a fixed number of levels, and their exact collapse.

A Gaussian pyramid is the image followed by ``levels - 1`` reduce steps, fine detail at the
bottom and the outline at the top. A Laplacian pyramid (Burt and Adelson) stores, for each
level but the last, what the next coarser level misses: ``band_i = G_i - expand(G_{i+1})``,
expanded to ``G_i``'s shape, and the coarsest Gaussian level last. Collapsing adds the bands
back from the top with the same expand step, so it reconstructs the image up to rounding,
for any shape (odd and prime sizes, size-1 axes), any number of dimensions and any factor.
``levels`` is static, so a pyramid is a tuple of arrays of known shapes: one jitted
computation, under ``vmap`` and ``grad`` too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import jax
from jax.typing import ArrayLike

from .. import _choices
from .._engine.jit import cpu_tuned_jit
from .._validation import fmt, static_int
from .scale import Step, expand, prepare, reduce
from .steps import reduced_size

__all__ = [
    "LaplacianPyramid",
    "collapse_laplacian",
    "gaussian_pyramid",
    "laplacian_pyramid",
    "max_levels",
]


def _level_shapes(shape: tuple[int, ...], step: Step) -> list[tuple[int, ...]]:
    """The shapes of every level until a reduce step stops changing the shape.

    That is when every spatial axis is one sample long, or (for factors below 2) when
    ``ceil(n / factor)`` no longer shrinks an axis (``ceil(2 / 1.5) = 2``).
    """
    shapes = [shape]
    while True:
        nxt = list(shapes[-1])
        for a in step.spatial:
            nxt[a] = reduced_size(nxt[a], step.factor, step.kernel)
        if tuple(nxt) == shapes[-1]:
            return shapes
        shapes.append(tuple(nxt))


def max_levels(shape: tuple[int, ...], step: Step) -> int:
    """The most levels a pyramid of ``shape`` has: until its shape stops changing."""
    return len(_level_shapes(shape, step))


def _check_levels(levels: Any, shape: tuple[int, ...], step: Step, *, fn: str) -> int:
    n = static_int(levels, fn=fn, name="levels", minimum=1)
    most = max_levels(shape, step)
    if n > most:
        raise ValueError(
            f"{fn}: levels={n} is more than an image of shape {shape} has: at most {most} "
            f"(after {most - 1} reduce steps by {step.factor:g} the shape stops changing)"
        )
    return n


def gaussian_pyramid(
    image: ArrayLike,
    *,
    levels: int,
    downscale: float = 2,
    sigma: float | None = None,
    order: int = 1,
    mode: str | None = None,
    cval: ArrayLike = 0.0,
    channel_axis: int | None = None,
    kernel: _choices.PyramidKernel = "gaussian",
) -> tuple[jax.Array, ...]:
    """The image and ``levels - 1`` successive :func:`pyramid_reduce` steps of it.

    Level 0 is the image itself (as a float array), as in scikit-image's
    ``pyramid_gaussian``, OpenCV's ``buildPyramid`` and kornia's ``build_pyramid``; level
    ``i + 1`` is the reduce step of level ``i``, ``ceil(n / downscale)`` samples per axis.

    Args:
      image: array, integer or floating (computed in float32; float64 under x64).
      levels: the number of levels, image included; at most the number after which a
        reduce step no longer changes the shape (a ValueError names it). Static.
      downscale: the factor between levels, > 1. Static.
      sigma: the Gaussian's standard deviation (default ``2 * downscale / 6``). Static.
      order: B-spline order (0-5) of the sampling. Static.
      mode: boundary mode (scipy's names); default ``'reflect'`` (``'mirror'`` for the
        binomial kernel). Static.
      cval: value outside the image for the constant modes. Traced.
      channel_axis: an axis that is not spatial, or None. Static.
      kernel: ``'gaussian'`` or ``'binomial'`` (OpenCV's). Static.

    Returns:
      A tuple of ``levels`` float arrays, finest first.

    Raises:
      ValueError: ``levels`` below 1 or above the most the shape has; the reduce step's.
      TypeError: non-integer ``levels``; the reduce step's.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample import gaussian_pyramid
      >>> [level.shape for level in gaussian_pyramid(jnp.ones((37, 53)), levels=4)]
      [(37, 53), (19, 27), (10, 14), (5, 7)]
    """
    fn = "gaussian_pyramid"
    x, step, cv = prepare(
        image, cval, fn=fn, name="downscale", factor=downscale, sigma=sigma, order=order,
        mode=mode, channel_axis=channel_axis, kernel=kernel,
    )  # fmt: skip
    n = _check_levels(levels, x.shape, step, fn=fn)
    return _gaussian_levels(x, cv, step=step, levels=n, fn=fn)


def _gaussian_levels(
    x: jax.Array, cval: jax.Array, *, step: Step, levels: int, fn: str
) -> tuple[jax.Array, ...]:
    """The image and its reductions, these in one compiled program.

    The image stays out of the program: a program's outputs are fresh buffers (a copy).
    """
    if levels == 1:
        return (x,)
    return (x, *_reductions(x, cval, step=step, levels=levels, fn=fn))


@cpu_tuned_jit(static_argnames=("step", "levels", "fn"))
def _reductions(
    x: jax.Array, cval: jax.Array, *, step: Step, levels: int, fn: str
) -> tuple[jax.Array, ...]:
    out = [x]
    for _ in range(levels - 1):
        out.append(reduce(out[-1], cval, step, fn=fn))
    return tuple(out[1:])


@dataclasses.dataclass(frozen=True)
class LaplacianPyramid:
    """A Laplacian pyramid: its bands and the step that made them (a pytree).

    Behaves as the tuple of its levels (``len``, indexing, iteration): ``levels[i]`` for
    ``i < len - 1`` is the band ``G_i - expand(G_{i+1})``, the last entry the coarsest
    Gaussian level. The static fields record the expand step, so that
    :func:`collapse_laplacian` inverts the pyramid exactly. Under ``jit`` and ``vmap`` the
    levels and ``cval`` are its leaves.

    Attributes:
      levels: the bands, finest first, then the coarsest Gaussian level.
      cval: the value outside the image for the constant modes.
      factor, sigma, order, mode, kernel, spatial: the checked expand options.
    """

    levels: tuple[jax.Array, ...]
    cval: jax.Array
    factor: float
    sigma: float
    order: int
    mode: str
    kernel: str
    spatial: tuple[int, ...]

    @property
    def step(self) -> Step:
        return Step(self.factor, self.sigma, self.order, self.mode, self.kernel, self.spatial)

    def __len__(self) -> int:
        return len(self.levels)

    def __getitem__(self, i: int) -> jax.Array:
        return self.levels[i]

    def __iter__(self) -> Iterator[jax.Array]:
        return iter(self.levels)


jax.tree_util.register_dataclass(
    LaplacianPyramid,
    data_fields=["levels", "cval"],
    meta_fields=["factor", "sigma", "order", "mode", "kernel", "spatial"],
)


def laplacian_pyramid(
    image: ArrayLike,
    *,
    levels: int,
    downscale: float = 2,
    sigma: float | None = None,
    order: int = 1,
    mode: str | None = None,
    cval: ArrayLike = 0.0,
    channel_axis: int | None = None,
    kernel: _choices.PyramidKernel = "gaussian",
) -> LaplacianPyramid:
    """Burt and Adelson's Laplacian pyramid, which :func:`collapse_laplacian` inverts exactly.

    With ``G`` the :func:`gaussian_pyramid` of the image, band ``i`` is
    ``G_i - expand(G_{i+1}, output_shape=G_i.shape)`` for ``i < levels - 1`` and the last
    entry is ``G_{levels-1}``. The expand step is :func:`pyramid_expand` with the same
    factor, sigma, order, mode and kernel. (scikit-image's ``pyramid_laplacian`` stores
    differences of Gaussians instead, which have no inverse.)

    Args:
      image: array, integer or floating (computed in float32; float64 under x64).
      levels: the number of levels, as for :func:`gaussian_pyramid`. Static.
      downscale: the factor between levels, > 1. Static.
      sigma: the Gaussian's standard deviation (default ``2 * downscale / 6``). Static.
      order: B-spline order (0-5) of the sampling. Static.
      mode: boundary mode (scipy's names); default ``'reflect'`` (``'mirror'`` for the
        binomial kernel). Static.
      cval: value outside the image for the constant modes. Traced.
      channel_axis: an axis that is not spatial, or None. Static.
      kernel: ``'gaussian'`` or ``'binomial'`` (OpenCV's). Static.

    Returns:
      A :class:`LaplacianPyramid` (a tuple-like pytree of ``levels`` arrays).

    Raises:
      ValueError, TypeError: as :func:`gaussian_pyramid`.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample import collapse_laplacian, laplacian_pyramid
      >>> x = jnp.arange(35.0).reshape(5, 7) % 4
      >>> pyr = laplacian_pyramid(x, levels=3)
      >>> [band.shape for band in pyr]
      [(5, 7), (3, 4), (2, 2)]
      >>> float(jnp.abs(collapse_laplacian(pyr) - x).max()) < 1e-5
      True
    """
    fn = "laplacian_pyramid"
    x, step, cv = prepare(
        image, cval, fn=fn, name="downscale", factor=downscale, sigma=sigma, order=order,
        mode=mode, channel_axis=channel_axis, kernel=kernel,
    )  # fmt: skip
    n = _check_levels(levels, x.shape, step, fn=fn)
    bands = (x,) if n == 1 else _bands(x, cv, step=step, levels=n, fn=fn)
    return LaplacianPyramid(bands, cv, *dataclasses.astuple(step))


@cpu_tuned_jit(static_argnames=("step", "levels", "fn"))
def _bands(
    x: jax.Array, cval: jax.Array, *, step: Step, levels: int, fn: str
) -> tuple[jax.Array, ...]:
    """Every band in one compiled program.

    One compilation per shape and options, where eager steps compiled a subtraction and an
    expand per level.
    """
    gauss = [x]
    for _ in range(levels - 1):
        gauss.append(reduce(gauss[-1], cval, step, fn=fn))
    bands = [
        fine - expand(coarse, cval, step, fine.shape, fn=fn)
        for fine, coarse in zip(gauss[:-1], gauss[1:], strict=True)
    ]
    return (*bands, gauss[-1])


@cpu_tuned_jit(static_argnames=("step", "fn"))
def _collapse(levels: tuple[jax.Array, ...], cval: jax.Array, *, step: Step, fn: str) -> jax.Array:
    out = levels[-1]
    for band in reversed(levels[:-1]):
        out = band + expand(out, cval, step, band.shape, fn=fn)
    return out


def collapse_laplacian(pyramid: LaplacianPyramid) -> jax.Array:
    """The image a :func:`laplacian_pyramid` was built from.

    From the coarsest level down, each level is the band plus the expand step of the level
    above (the same step the pyramid subtracted), so the result equals the image up to the
    rounding of one addition per level: within ``1e-6`` of the data range in float32.

    Args:
      pyramid: a :class:`LaplacianPyramid` (its bands may have been edited, e.g. blended).

    Returns:
      The reconstructed image, float, of the finest level's shape.

    Raises:
      TypeError: not a :class:`LaplacianPyramid`.

    Examples:
      >>> import jax.numpy as jnp
      >>> from jaxresample import collapse_laplacian, laplacian_pyramid
      >>> collapse_laplacian(laplacian_pyramid(jnp.ones((4, 3)), levels=2)).shape
      (4, 3)
    """
    fn = "collapse_laplacian"
    if not isinstance(pyramid, LaplacianPyramid):
        raise TypeError(
            f"{fn}: pyramid must be a LaplacianPyramid (from laplacian_pyramid); got {fmt(pyramid)}"
        )
    if len(pyramid.levels) == 1:
        return pyramid.levels[0]
    return _collapse(tuple(pyramid.levels), pyramid.cval, step=pyramid.step, fn=fn)
