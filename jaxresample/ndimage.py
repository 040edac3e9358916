"""The scipy.ndimage twins: same names, signatures, defaults and dtype rules as scipy.

Import as ``from jaxresample import ndimage as jndi`` and use it where you used
``scipy.ndimage``; see the *Coming from scipy.ndimage* page for the differences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import attach

#: public name -> private module that defines it
EXPORTS: dict[str, str] = {
    "spline_filter": "._splines",
    "spline_filter1d": "._splines",
}

if TYPE_CHECKING:
    from ._splines import spline_filter as spline_filter
    from ._splines import spline_filter1d as spline_filter1d

__getattr__, __dir__, __all__ = attach(__name__, EXPORTS)
