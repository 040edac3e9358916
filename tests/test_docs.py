"""Docs coverage: every public name is on the API page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

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


GUIDES = sorted((API.parent).glob("coming_from_*.md"))


@pytest.mark.parametrize("page", GUIDES, ids=[p.stem for p in GUIDES])
def test_the_guides_examples_run(page: Path) -> None:
    """The ``>>>`` examples of the "coming from" guides, run as doctests (their stored peer
    numbers are compared with what the library computes now)."""
    import doctest

    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(str(page), module_relative=False, optionflags=flags,
                              verbose=False, report=True)  # fmt: skip
    assert result.attempted > 10, f"{page.name}: only {result.attempted} examples"
    assert result.failed == 0, f"{page.name}: {result.failed} of {result.attempted} failed"


def test_there_are_guides() -> None:
    assert {p.stem for p in GUIDES} >= {"coming_from_simpleitk", "coming_from_monai"}


@pytest.mark.parametrize("module", [jaxresample, jndi, jio, jtf, jbatch], ids=lambda m: m.__name__)
def test_every_public_function_has_a_runnable_example(module: Any) -> None:
    """Google-style docstrings with an ``Examples:`` section (doctested with the modules)."""
    import inspect

    missing = []
    for name in module.__all__:
        obj = getattr(module, name)
        if name.startswith("__") or inspect.isclass(obj) or not callable(obj):
            continue
        doc = inspect.getdoc(obj) or ""
        if "Examples:" not in doc or ">>>" not in doc:
            missing.append(name)
    assert not missing, f"{module.__name__}: no Examples section with >>> in {missing}"


def _check_site() -> Any:
    import importlib.util

    path = API.parent / "_ext" / "check_site.py"
    spec = importlib.util.spec_from_file_location("check_site", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_site_checker_finds_broken_links_and_figures(tmp_path: Path) -> None:
    """The check ``tasks.py docs`` runs on the built HTML: it must catch what it exists for."""
    (tmp_path / "_images").mkdir()
    (tmp_path / "_images" / "fig.png").write_bytes(b"\x89PNG....")
    (tmp_path / "_images" / "empty.png").write_bytes(b"")
    (tmp_path / "page.html").write_text('<h1 id="top">Page</h1><img src="_images/fig.png">')
    good = '<a href="page.html#top">ok</a><a href="https://jax.dev">web</a><a href="#me" id="me">'
    (tmp_path / "index.html").write_text(good)
    assert _check_site().check(tmp_path) == []
    (tmp_path / "bad.html").write_text(
        '<a href="missing.html">x</a><a href="page.html#nowhere">y</a>'
        '<img src="_images/gone.png"><img src="_images/empty.png"><a href="../out.html">z</a>'
    )
    problems = "\n".join(_check_site().check(tmp_path))
    assert "missing.html: no such file" in problems
    assert "no id 'nowhere'" in problems
    assert "gone.png: no such file" in problems
    assert "empty.png: an empty image" in problems
    assert "../out.html leaves the site" in problems


def test_the_readme_links_and_figure_exist() -> None:
    """Relative links and images of README.md name files of the repository."""
    root = API.parents[1]
    text = (root / "README.md").read_text()
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [t for t in targets if "://" not in t]
    assert any(t.endswith(".png") for t in local), "the README shows no figure"
    missing = [t for t in local if not (root / t).exists()]
    assert not missing, f"README.md links to missing files: {missing}"
    figure = next(root / t for t in local if t.endswith(".png"))
    assert 10_000 < figure.stat().st_size < 300_000, "a README figure of sensible size"
