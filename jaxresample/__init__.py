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
    "antialias_sigma": "._resample",
    "plan_resample": "._plan",
    "plan_to_reference": "._plan",
    "resample_labels": "._labels",
    "resample_to_reference": "._resample",
    "resample_to_spacing": "._resample",
}

if TYPE_CHECKING:
    from ._labels import resample_labels as resample_labels
    from ._plan import ResamplePlan as ResamplePlan
    from ._plan import plan_resample as plan_resample
    from ._plan import plan_to_reference as plan_to_reference
    from ._resample import antialias_sigma as antialias_sigma
    from ._resample import resample_to_reference as resample_to_reference
    from ._resample import resample_to_spacing as resample_to_spacing
    from ._validation import ScipyRuntimeError as ScipyRuntimeError

__getattr__, __dir__, _names = attach(__name__, EXPORTS)
__all__ = [*_names, "__version__"]
