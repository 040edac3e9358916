"""Filtering, B-spline interpolation and medical-volume resampling in JAX.

scipy.ndimage-exact, under ``jit``, ``vmap`` and ``grad`` on CPU, GPU and TPU.

Public names load lazily, so ``import jaxresample`` does not import JAX until a function
is used. The scipy twins also live in :mod:`jaxresample.ndimage`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from . import ndimage as _ndimage_face
from ._lazy import attach

try:
    __version__ = version("jaxresample")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

#: public name -> private module that defines it
EXPORTS: dict[str, str] = {
    **dict.fromkeys(_ndimage_face.EXPORTS, ".ndimage"),  # the scipy twins, listed there
    "ResamplePlan": "._volumes.plan",
    "ScipyRuntimeError": "._validation",
    "EnsembleAccumulator": "._ensemble.stream",
    "EnsembleUncertainty": "._ensemble.uncertainty",
    "LaplacianPyramid": "._pyramid.pyramids",
    "antialias_sigma": "._kernels",
    "collapse_laplacian": "._pyramid.pyramids",
    "ensemble_apply": "._ensemble.apply",
    "ensemble_uncertainty": "._ensemble.uncertainty",
    "flip_tta": "._ensemble.apply",
    "regions_to_labels": "._ensemble.combine",
    "sigmoid_ensemble": "._ensemble.combine",
    "softmax_ensemble": "._ensemble.combine",
    "to_labels": "._ensemble.combine",
    "vote": "._ensemble.combine",
    "gaussian_pyramid": "._pyramid.pyramids",
    "laplacian_pyramid": "._pyramid.pyramids",
    "pyramid_expand": "._pyramid.scale",
    "pyramid_reduce": "._pyramid.scale",
    "rescale": "._pyramid.resize",
    "resize": "._pyramid.resize",
    "subsample": "._pyramid.scale",
    "gaussian_filter_fft": "._volumes.smooth",
    "gaussian_kernel1d": "._kernels",
    "map_coordinates_adjoint": "._ndimage.interpolation",
    "plan_resample": "._volumes.plan",
    "plan_to_reference": "._volumes.plan",
    "resample_labels": "._volumes.labels",
    "resample_to_reference": "._volumes.resample",
    "resample_to_spacing": "._volumes.resample",
    "smooth": "._volumes.smooth",
}

if TYPE_CHECKING:
    from ._ensemble.apply import ensemble_apply as ensemble_apply
    from ._ensemble.apply import flip_tta as flip_tta
    from ._ensemble.combine import regions_to_labels as regions_to_labels
    from ._ensemble.combine import sigmoid_ensemble as sigmoid_ensemble
    from ._ensemble.combine import softmax_ensemble as softmax_ensemble
    from ._ensemble.combine import to_labels as to_labels
    from ._ensemble.combine import vote as vote
    from ._ensemble.stream import EnsembleAccumulator as EnsembleAccumulator
    from ._ensemble.uncertainty import EnsembleUncertainty as EnsembleUncertainty
    from ._ensemble.uncertainty import ensemble_uncertainty as ensemble_uncertainty
    from ._kernels import antialias_sigma as antialias_sigma
    from ._kernels import gaussian_kernel1d as gaussian_kernel1d
    from ._ndimage.interpolation import map_coordinates_adjoint as map_coordinates_adjoint
    from ._pyramid.pyramids import LaplacianPyramid as LaplacianPyramid
    from ._pyramid.pyramids import collapse_laplacian as collapse_laplacian
    from ._pyramid.pyramids import gaussian_pyramid as gaussian_pyramid
    from ._pyramid.pyramids import laplacian_pyramid as laplacian_pyramid
    from ._pyramid.resize import rescale as rescale
    from ._pyramid.resize import resize as resize
    from ._pyramid.scale import pyramid_expand as pyramid_expand
    from ._pyramid.scale import pyramid_reduce as pyramid_reduce
    from ._pyramid.scale import subsample as subsample
    from ._validation import ScipyRuntimeError as ScipyRuntimeError
    from ._volumes.labels import resample_labels as resample_labels
    from ._volumes.plan import ResamplePlan as ResamplePlan
    from ._volumes.plan import plan_resample as plan_resample
    from ._volumes.plan import plan_to_reference as plan_to_reference
    from ._volumes.resample import resample_to_reference as resample_to_reference
    from ._volumes.resample import resample_to_spacing as resample_to_spacing
    from ._volumes.smooth import gaussian_filter_fft as gaussian_filter_fft
    from ._volumes.smooth import smooth as smooth
    from .ndimage import affine_transform as affine_transform
    from .ndimage import convolve1d as convolve1d
    from .ndimage import correlate1d as correlate1d
    from .ndimage import fourier_gaussian as fourier_gaussian
    from .ndimage import gaussian_filter as gaussian_filter
    from .ndimage import gaussian_filter1d as gaussian_filter1d
    from .ndimage import gaussian_gradient_magnitude as gaussian_gradient_magnitude
    from .ndimage import gaussian_laplace as gaussian_laplace
    from .ndimage import geometric_transform as geometric_transform
    from .ndimage import map_coordinates as map_coordinates
    from .ndimage import shift as shift
    from .ndimage import spline_filter as spline_filter
    from .ndimage import spline_filter1d as spline_filter1d
    from .ndimage import zoom as zoom

__getattr__, __dir__, _names = attach(__name__, EXPORTS)
__all__ = [*_names, "__version__"]
