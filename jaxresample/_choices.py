"""The names of the library's choices, importable without JAX.

The registries that give them meaning (:mod:`jaxresample._modes`, and the plans, resampling
and labels of :mod:`jaxresample._volumes`) take their tuples from here, so the command line
can list them in ``--help`` without importing JAX.
"""

from __future__ import annotations

from typing import Literal

Anchor = Literal["edges", "centers", "first-voxel", "first-voxel-centers"]
Rounding = Literal["round", "half-even", "floor", "ceil"]
SigmaRule = Literal["fwhm", "skimage"]
LabelMethod = Literal["nearest", "linear", "gaussian"]

#: scipy's boundary-mode names, in its documentation order (the keys of ``_modes.MODES``).
MODE_NAMES: tuple[str, ...] = (
    "constant",
    "grid-constant",
    "nearest",
    "mirror",
    "reflect",
    "grid-mirror",
    "wrap",
    "grid-wrap",
)
#: The ways an output grid can be anchored to the input grid (``plan_resample``).
ANCHORS: tuple[Anchor, ...] = ("edges", "centers", "first-voxel", "first-voxel-centers")
#: The rules turning a fractional output size into a number of voxels.
ROUNDINGS: tuple[Rounding, ...] = ("round", "half-even", "floor", "ceil")
#: The anti-aliasing σ rules (``antialias_sigma``).
SIGMA_RULES: tuple[SigmaRule, ...] = ("fwhm", "skimage")
#: The label resampling methods (``resample_labels``).
LABEL_METHODS: tuple[LabelMethod, ...] = ("nearest", "linear", "gaussian")

PyramidKernel = Literal["gaussian", "binomial"]
#: The smoothing kernels of the pyramids (``pyramid_reduce``, ``gaussian_pyramid``...).
PYRAMID_KERNELS: tuple[PyramidKernel, ...] = ("gaussian", "binomial")

ResizeMethod = Literal[
    "nearest", "linear", "cubic", "lanczos3", "lanczos5",
    "bspline2", "bspline3", "bspline4", "bspline5", "area",
]  # fmt: skip
#: The reconstruction kernels of ``resize`` and ``rescale``.
RESIZE_METHODS: tuple[ResizeMethod, ...] = (
    "nearest", "linear", "cubic", "lanczos3", "lanczos5",
    "bspline2", "bspline3", "bspline4", "bspline5", "area",
)  # fmt: skip
ResizeAnchor = Literal["edges", "centers"]
#: The grid anchors of ``resize`` (``plan_resample``'s first two).
RESIZE_ANCHORS: tuple[ResizeAnchor, ...] = ("edges", "centers")
