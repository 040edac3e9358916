"""The package's layers: imports only go down (docs/development.md, "The layers").

core <- primitives <- engine <- families <- faces <- cli. A family never imports another
family; no function imports a module of the package to dodge a cycle (only the command
line defers its imports, so that ``--help`` answers without JAX); nothing imports JAX's
private ``jax._src``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "jaxresample"

#: Layer of each top-level module or folder of the package, lowest first.
LAYERS: dict[str, int] = {
    **dict.fromkeys(
        [
            "_validation",
            "_dtypes",
            "_casting",
            "_modes",
            "_limits",
            "_lazy",
            "_compat",
            "_choices",
            "_messages",
        ],
        0,
    ),  # the conventions core
    **dict.fromkeys(["_affine", "_kernels", "_bspline", "_files", "_formats"], 1),  # primitives
    "_engine": 2,
    **dict.fromkeys(["_ndimage", "_volumes", "_pyramid", "_ensemble"], 3),  # the families
    **dict.fromkeys(["__init__", "ndimage", "io", "transform"], 4),  # the public faces
    **dict.fromkeys(["_batch", "batch"], 5),  # datasets over devices and hosts (uses io)
    "cli": 6,
}
NAMES = ["core", "primitives", "engine", "families", "faces", "datasets", "cli"]
FAMILIES = {"_ndimage", "_volumes", "_pyramid", "_ensemble"}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _unit(path: Path) -> str:
    """The top-level module or folder a file belongs to (``_engine``, ``io``, ...)."""
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _targets(path: Path, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The units of the package that an import statement reaches."""
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = list(rel.parts[:-1]) if rel.name != "__init__" else list(rel.parts[:-1])
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names if a.name.split(".")[0] == "jaxresample"]
        return [n.split(".")[1] if "." in n else "__init__" for n in names]
    if node.level == 0:
        if (node.module or "").split(".")[0] != "jaxresample":
            return []
        mod = (node.module or "").split(".")[1:]
    else:
        base = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
        mod = base + (node.module.split(".") if node.module else [])
    if mod:
        return [mod[0]]
    return [a.name for a in node.names]  # "from . import _x" at the top level


def _imports(tree: ast.Module):
    local: set[int] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            local.update(id(n) for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom)))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, id(node) in local


def violations(path: Path, source: str) -> list[str]:
    """What is wrong with the imports of ``source``, the text of the module at ``path``."""
    unit = _unit(path)
    if unit not in LAYERS:
        return [f"{unit} has no layer: add it to LAYERS and docs/development.md"]
    mine, found = LAYERS[unit], []
    for node, in_function in _imports(ast.parse(source)):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
        if any((m or "").startswith("jax._src") for m in modules):
            found.append(f"line {node.lineno}: imports JAX's private jax._src")
        for target in _targets(path, node):
            if target not in LAYERS or target == unit:
                continue  # a name from the package's __init__, or the unit itself
            where = f"line {node.lineno}: imports {target}"
            if LAYERS[target] > mine:
                found.append(f"{where}, {NAMES[LAYERS[target]]} above {NAMES[mine]}")
            if unit in FAMILIES and target in FAMILIES:
                found.append(f"{where}, another family (share through the engine)")
            if in_function and unit != "cli":
                found.append(f"{where} inside a function (import at the top)")
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_only_go_down(path: Path) -> None:
    assert violations(path, path.read_text()) == []


def test_every_unit_has_a_layer() -> None:
    units = {_unit(p) for p in _modules()}
    assert units <= set(LAYERS), sorted(units - set(LAYERS))
    assert set(LAYERS) <= units, sorted(set(LAYERS) - units)  # no stale entries


def test_the_rule_can_fail() -> None:
    """Each kind of violation is seen (the checker is not vacuous)."""
    src = (
        "import jax._src.core\n"
        "from .._ndimage import filters\n"
        "from ..io import load_volume\n"
        "def f():\n"
        "    from .. import _engine\n"
    )
    found = violations(PACKAGE / "_volumes" / "probe.py", src)
    assert found == [
        "line 1: imports JAX's private jax._src",
        "line 2: imports _ndimage, another family (share through the engine)",
        "line 3: imports io, faces above families",
        "line 5: imports _engine inside a function (import at the top)",
    ]
    assert violations(PACKAGE / "cli" / "probe.py", "def f():\n    from .. import io\n") == []
