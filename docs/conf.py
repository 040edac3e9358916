"""Sphinx configuration for jaxresample."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import jaxresample  # noqa: E402
from jaxresample import _modes  # noqa: E402

project = "jaxresample"
author = "The jaxresample developers"
copyright = "2026, The jaxresample developers"
release = jaxresample.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "myst_parser",
    "sphinx_copybutton",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "generated/*.md", "auto_examples/*.ipynb", "**.py.md5"]
autosummary_generate = True
autodoc_typehints = "description"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
myst_enable_extensions = ["colon_fence"]
html_theme = "alabaster"
html_static_path: list[str] = []
suppress_warnings = ["config.cache"]

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
}


def _modes_table() -> str:
    """The boundary-mode table of docs/conventions.md, generated from the registry."""
    lines = [
        "| scipy name | interpolation behaviour | filter behaviour | `numpy.pad` name (filters) |",
        "|---|---|---|---|",
    ]
    for spec in _modes.MODES.values():
        lines.append(f"| `{spec.name}` | {spec.interp} | {spec.filter} | `{spec.numpy}` |")
    return "\n".join(lines) + "\n"


(Path(__file__).parent / "generated").mkdir(exist_ok=True)
(Path(__file__).parent / "generated" / "modes_table.md").write_text(_modes_table())


def _scipy_page_tables() -> str:
    """Twins x differences, generated from the package's registries."""
    import jaxresample.ndimage as jndi
    from jaxresample._compat import SCIPY_SIGNATURE_DIFFS

    lines = ["| function | signature | documented differences |", "|---|---|---|"]
    for name in jndi.__all__:
        diffs = [f"`{p}`: {why}" for (fn, p), why in SCIPY_SIGNATURE_DIFFS.items() if fn == name]
        sig = "scipy's, with exceptions" if diffs else "identical to scipy's"
        lines.append(f"| {{func}}`~jaxresample.ndimage.{name}` | {sig} | {'; '.join(diffs)} |")
    if not jndi.__all__:
        lines.append("| (none yet) | | |")
    modes = ", ".join(f"`{m}`" for m in _modes.MODES)
    return "\n".join(lines) + f"\n\nBoundary modes accepted everywhere: {modes}.\n"


(Path(__file__).parent / "generated" / "scipy_table.md").write_text(_scipy_page_tables())
