"""Docs coverage: every public name is on the API page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import jaxresample
import jaxresample.batch as jbatch
import jaxresample.io as jio
import jaxresample.ndimage as jndi
import jaxresample.transform as jtf

API = Path(__file__).resolve().parents[1] / "docs" / "api.rst"


def _listed(module: str) -> set[str]:
    """Names listed in the autosummary blocks under ``.. currentmodule:: module``."""
    names: set[str] = set()
    current = None
    for line in API.read_text().splitlines():
        m = re.match(r"\.\. currentmodule:: (\S+)", line)
        if m:
            current = m.group(1)
        elif current == module and re.match(r"^   [A-Za-z_]\w*$", line):
            names.add(line.strip())
    return names


@pytest.mark.parametrize(
    "module, public",
    [
        ("jaxresample", [n for n in jaxresample.__all__ if n != "__version__"]),
        ("jaxresample.ndimage", list(jndi.__all__)),
        ("jaxresample.io", list(jio.__all__)),
        ("jaxresample.transform", list(jtf.__all__)),
        ("jaxresample.batch", list(jbatch.__all__)),
    ],
)
def test_every_public_name_is_on_the_api_page(module: str, public: list[str]) -> None:
    listed = _listed(module)
    missing = sorted(set(public) - listed)
    assert not missing, f"missing from docs/api.rst under {module}: {missing}"
    unknown = sorted(listed - set(public))
    assert not unknown, f"docs/api.rst lists names {module} does not export: {unknown}"
