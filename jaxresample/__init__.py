"""Filtering, B-spline interpolation and medical-volume resampling in JAX.

scipy.ndimage-exact, under ``jit``, ``vmap`` and ``grad`` on CPU, GPU and TPU.

Public names load lazily, so ``import jaxresample`` does not import JAX until a function
is used. The scipy twins also live in :mod:`jaxresample.ndimage`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from ._lazy import attach

try:
    __version__ = version("jaxresample")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

#: public name -> private module that defines it
EXPORTS: dict[str, str] = {
    "ResamplePlan": "._plan",
    "ScipyRuntimeError": "._validation",
    "affine_transform": "._geometric",
    "antialias_sigma": "._resample",
    "convolve1d": "._filters",
    "correlate1d": "._filters",
    "fourier_gaussian": "._gaussian",
    "gaussian_filter": "._filters",
    "gaussian_filter1d": "._filters",
    "gaussian_filter_fft": "._smooth",
    "gaussian_gradient_magnitude": "._gaussian",
    "gaussian_kernel1d": "._kernels",
    "gaussian_laplace": "._gaussian",
    "geometric_transform": "._geometric",
    "map_coordinates": "._interp",
    "map_coordinates_adjoint": "._interp",
    "plan_resample": "._plan",
    "plan_to_reference": "._plan",
    "resample_labels": "._labels",
    "resample_to_reference": "._resample",
    "resample_to_spacing": "._resample",
    "shift": "._geometric",
    "smooth": "._smooth",
    "spline_filter": "._splines",
    "spline_filter1d": "._splines",
    "zoom": "._geometric",
}

if TYPE_CHECKING:
    from ._filters import convolve1d as convolve1d
    from ._filters import correlate1d as correlate1d
    from ._filters import gaussian_filter as gaussian_filter
    from ._filters import gaussian_filter1d as gaussian_filter1d
    from ._gaussian import fourier_gaussian as fourier_gaussian
    from ._gaussian import gaussian_gradient_magnitude as gaussian_gradient_magnitude
    from ._gaussian import gaussian_laplace as gaussian_laplace
    from ._geometric import affine_transform as affine_transform
    from ._geometric import geometric_transform as geometric_transform
    from ._geometric import shift as shift
    from ._geometric import zoom as zoom
    from ._interp import map_coordinates as map_coordinates
    from ._interp import map_coordinates_adjoint as map_coordinates_adjoint
    from ._kernels import gaussian_kernel1d as gaussian_kernel1d
    from ._labels import resample_labels as resample_labels
    from ._plan import ResamplePlan as ResamplePlan
    from ._plan import plan_resample as plan_resample
    from ._plan import plan_to_reference as plan_to_reference
    from ._resample import antialias_sigma as antialias_sigma
    from ._resample import resample_to_reference as resample_to_reference
    from ._resample import resample_to_spacing as resample_to_spacing
    from ._smooth import gaussian_filter_fft as gaussian_filter_fft
    from ._smooth import smooth as smooth
    from ._splines import spline_filter as spline_filter
    from ._splines import spline_filter1d as spline_filter1d
    from ._validation import ScipyRuntimeError as ScipyRuntimeError

__getattr__, __dir__, _names = attach(__name__, EXPORTS)
__all__ = [*_names, "__version__"]
