"""A pytest plugin that runs scipy.ndimage's own tests against jaxresample.ndimage.

Used by ``python3 tasks.py scipy-tests``: every scipy twin that jaxresample provides replaces
the function of the same name in :mod:`scipy.ndimage` while scipy's test modules run. Our
functions return JAX arrays and cannot write into an ``output`` array (JAX arrays are
immutable): the adapter converts results to NumPy and, when a test passes an ``output``
array, computes into its dtype and copies the result there, as scipy would. Everything else
(arguments, dtypes, errors) reaches jaxresample unchanged, so the failures that remain are
real differences; ``docs/scipy.md`` lists them with their reasons.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

import numpy as np


def _adapt(ours: Any, theirs: Any) -> Any:
    sig = inspect.signature(theirs)

    @functools.wraps(theirs)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            bound = sig.bind(*args, **kwargs)
        except TypeError:
            return ours(*args, **kwargs)  # let jaxresample report the bad call
        target = bound.arguments.get("output")
        if isinstance(target, np.ndarray):
            # scipy's output-array semantics: the array's dtype, and its shape as output_shape
            bound.arguments["output"] = target.dtype
            if "output_shape" in sig.parameters:
                shape = bound.arguments.get("output_shape")
                if shape is not None and tuple(shape) != target.shape:
                    raise RuntimeError("output shape not correct")
                bound.arguments["output_shape"] = target.shape
            result = np.asarray(ours(*bound.args, **bound.kwargs))
            if np.iscomplexobj(result) and not np.iscomplexobj(target):
                raise RuntimeError("output must have complex dtype")
            np.copyto(target, result, casting="unsafe")
            return target
        result = ours(*bound.args, **bound.kwargs)
        return np.array(result) if result is not None else None  # writable, as scipy's

    return call


def pytest_configure(config: Any) -> None:
    import scipy.ndimage as ndi

    import jaxresample.ndimage as jndi

    try:  # scipy's tests look their functions up in its array-API capabilities table
        from scipy._lib._array_api import xp_capabilities_table as table
    except ImportError:  # pragma: no cover - older scipy
        table = {}
    for name in jndi.__all__:
        theirs = getattr(ndi, name)
        adapted = _adapt(getattr(jndi, name), theirs)
        if theirs in table:
            table[adapted] = table[theirs]
        setattr(ndi, name, adapted)
        # the private modules scipy's tests sometimes import from
        for module in ("_filters", "_interpolation", "_fourier"):
            mod = getattr(ndi, module, None)
            if mod is not None and getattr(mod, name, None) is theirs:
                setattr(mod, name, adapted)
