"""Sphinx configuration for jaxresample."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sphinx.application import Sphinx  # noqa: E402

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
autodoc_typehints = "description"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
myst_enable_extensions = ["colon_fence"]
# The theme scipy and scikit-image use, so their readers find their way at once.
html_theme = "pydata_sphinx_theme"
html_title = f"jaxresample {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_align": "left",
    "header_links_before_dropdown": 4,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
    "footer_start": ["copyright"],
    "footer_end": ["theme-version"],
}
# Top-level pages have no sub-pages to list: no empty "Section Navigation" column. The
# API reference's function pages and the gallery keep theirs.
html_sidebars = {"*": []}
# One page per function (autosummary's toctree) with its members documented there.
autosummary_generate = True
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


# The compatibility matrix (docs/compatibility.md) is measured, which takes a while: its own
# process computes it while the gallery runs, and the pages wait for it before being read.
_COMPAT = subprocess.Popen(
    [sys.executable, str(Path(__file__).parent / "_ext" / "compat_matrix.py"),
     str(Path(__file__).parent / "generated")]
)  # fmt: skip


def _wait_for_compat(*_: object) -> None:
    if _COMPAT.wait() != 0:
        raise RuntimeError("docs/_ext/compat_matrix.py failed; see its traceback above")


def setup(app: Sphinx) -> None:
    app.connect("env-before-read-docs", _wait_for_compat)
