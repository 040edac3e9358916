"""Deliberate differences from the peers' signatures, each with its reason.

Read by ``tests/test_api.py`` (anything else that differs from the installed scipy fails)
and by the docs, which render it on the *Coming from scipy.ndimage* page.
"""

from __future__ import annotations

__all__ = ["SCIPY_SIGNATURE_DIFFS"]

#: (function name, parameter name) -> reason. Empty: every twin has scipy's signature.
SCIPY_SIGNATURE_DIFFS: dict[tuple[str, str], str] = {}
