"""The scikit-image twins: ``skimage.transform``'s resizing and pyramids, same signatures.

Import as ``from jaxresample import transform`` and use it where you used
``skimage.transform``. ``mode`` takes ``numpy.pad``'s names, as scikit-image does, and
means the same extension in the blur and in the sampling. The pyramid generators stay
generators; the jit-friendly pyramids with a static number of levels are
:func:`jaxresample.gaussian_pyramid` and :func:`jaxresample.laplacian_pyramid`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import attach

#: public name -> private module that defines it
EXPORTS: dict[str, str] = {
    "pyramid_expand": "._pyramid.twins",
    "pyramid_gaussian": "._pyramid.twins",
    "pyramid_laplacian": "._pyramid.twins",
    "pyramid_reduce": "._pyramid.twins",
    "rescale": "._pyramid.twins",
    "resize": "._pyramid.twins",
}

if TYPE_CHECKING:
    from ._pyramid.twins import pyramid_expand as pyramid_expand
    from ._pyramid.twins import pyramid_gaussian as pyramid_gaussian
    from ._pyramid.twins import pyramid_laplacian as pyramid_laplacian
    from ._pyramid.twins import pyramid_reduce as pyramid_reduce
    from ._pyramid.twins import rescale as rescale
    from ._pyramid.twins import resize as resize

__getattr__, __dir__, __all__ = attach(__name__, EXPORTS)
