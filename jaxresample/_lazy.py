"""Lazy attribute loading for the public namespaces (Scientific Python SPEC 1).

``import jaxresample`` stays cheap (no JAX, scipy or nibabel) so that ``jaxresample
--help`` answers at once; each public name is imported from its private module on first
access. The public modules list their names explicitly, once, in an ``EXPORTS`` table;
``tests/test_api.py`` checks the table against the ``TYPE_CHECKING`` imports that type
checkers and IDEs read.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def attach(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """Return ``(__getattr__, __dir__, __all__)`` for a module exporting ``exports``.

    Args:
      package: the ``__name__`` of the public module.
      exports: public name -> module (relative to the ``jaxresample`` package) defining it.
    """
    names = sorted(exports)

    def __getattr__(name: str) -> Any:
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module, "jaxresample"), name)
        globals_ = importlib.import_module(package).__dict__
        globals_[name] = value  # cache: later lookups bypass __getattr__
        return value

    def __dir__() -> list[str]:
        return names

    return __getattr__, __dir__, list(names)
