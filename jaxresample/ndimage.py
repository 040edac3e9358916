"""The scipy.ndimage twins: same names, signatures, defaults and dtype rules as scipy.

Import as ``from jaxresample import ndimage as jndi`` and use it where you used
``scipy.ndimage``; see the *Coming from scipy.ndimage* page for the differences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import attach

#: public name -> private module that defines it
EXPORTS: dict[str, str] = {
    "affine_transform": "._ndimage.geometric",
    "convolve1d": "._ndimage.filters",
    "correlate1d": "._ndimage.filters",
    "fourier_gaussian": "._ndimage.gaussian",
    "gaussian_filter": "._ndimage.filters",
    "gaussian_filter1d": "._ndimage.filters",
    "gaussian_gradient_magnitude": "._ndimage.gaussian",
    "gaussian_laplace": "._ndimage.gaussian",
    "geometric_transform": "._ndimage.geometric",
    "map_coordinates": "._ndimage.interpolation",
    "shift": "._ndimage.geometric",
    "spline_filter": "._ndimage.splines",
    "spline_filter1d": "._ndimage.splines",
    "zoom": "._ndimage.geometric",
}

if TYPE_CHECKING:
    from ._ndimage.filters import convolve1d as convolve1d
    from ._ndimage.filters import correlate1d as correlate1d
    from ._ndimage.filters import gaussian_filter as gaussian_filter
    from ._ndimage.filters import gaussian_filter1d as gaussian_filter1d
    from ._ndimage.gaussian import fourier_gaussian as fourier_gaussian
    from ._ndimage.gaussian import gaussian_gradient_magnitude as gaussian_gradient_magnitude
    from ._ndimage.gaussian import gaussian_laplace as gaussian_laplace
    from ._ndimage.geometric import affine_transform as affine_transform
    from ._ndimage.geometric import geometric_transform as geometric_transform
    from ._ndimage.geometric import shift as shift
    from ._ndimage.geometric import zoom as zoom
    from ._ndimage.interpolation import map_coordinates as map_coordinates
    from ._ndimage.splines import spline_filter as spline_filter
    from ._ndimage.splines import spline_filter1d as spline_filter1d

__getattr__, __dir__, __all__ = attach(__name__, EXPORTS)
