"""The scipy.ndimage twins: same names, signatures, defaults and dtype rules as scipy.

Import as ``from jaxresample import ndimage as jndi`` and use it where you used
``scipy.ndimage``; see the *Coming from scipy.ndimage* page for the differences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import attach

#: public name -> private module that defines it
EXPORTS: dict[str, str] = {
    "affine_transform": "._geometric",
    "convolve1d": "._filters",
    "correlate1d": "._filters",
    "fourier_gaussian": "._gaussian",
    "gaussian_filter": "._filters",
    "gaussian_filter1d": "._filters",
    "gaussian_gradient_magnitude": "._gaussian",
    "gaussian_laplace": "._gaussian",
    "geometric_transform": "._geometric",
    "map_coordinates": "._interp",
    "shift": "._geometric",
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
    from ._splines import spline_filter as spline_filter
    from ._splines import spline_filter1d as spline_filter1d

__getattr__, __dir__, __all__ = attach(__name__, EXPORTS)
