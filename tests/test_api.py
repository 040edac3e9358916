"""The API contract: exports, scipy-identical signatures, keyword-only native options."""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import scipy.ndimage as ndi
import skimage.transform as skt

import jaxresample
import jaxresample.batch as jbatch
import jaxresample.io as jio
import jaxresample.ndimage as jndi
import jaxresample.transform as jtf
from jaxresample._compat import SCIPY_SIGNATURE_DIFFS

PUBLIC_MODULES: list[ModuleType] = [jaxresample, jndi, jtf, jbatch]

#: Deliberate differences from scipy's signatures (kept in the package so the docs render them).
ALLOWED_DIFFS: dict[tuple[str, str], str] = SCIPY_SIGNATURE_DIFFS


def _native_functions() -> list[Any]:
    twins = set(jndi.__all__)
    out = []
    for name in jaxresample.__all__:
        obj = getattr(jaxresample, name)
        if inspect.isfunction(obj) and name not in twins:
            out.append(obj)
    for face in (jio, jbatch):
        out += [getattr(face, n) for n in face.__all__ if inspect.isfunction(getattr(face, n))]
    return out


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=lambda m: m.__name__)
def test_exports_resolve_and_match_type_checking_block(module: ModuleType) -> None:
    for name in module.__all__:
        assert getattr(module, name) is not None, name
    # The TYPE_CHECKING imports (read by type checkers) must list exactly EXPORTS.
    tree = ast.parse(Path(module.__file__ or "").read_text())
    typed: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for imp in node.body:
                if isinstance(imp, ast.ImportFrom):
                    for alias in imp.names:
                        assert alias.asname == alias.name, "re-export as `x as x`"
                        typed[alias.name] = "." * imp.level + (imp.module or "")
    assert typed == module.EXPORTS


def test_unknown_attribute_is_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = jaxresample.nope


@pytest.mark.parametrize("name", jndi.__all__)
def test_scipy_twin_signature(name: str) -> None:
    ours = inspect.signature(getattr(jndi, name))
    theirs = inspect.signature(getattr(ndi, name))
    ours_p = list(ours.parameters.values())
    theirs_p = list(theirs.parameters.values())
    problems = []
    for i in range(max(len(ours_p), len(theirs_p))):
        o = ours_p[i] if i < len(ours_p) else None
        t = theirs_p[i] if i < len(theirs_p) else None
        key = (name, (o or t).name)  # type: ignore[union-attr]
        if key in ALLOWED_DIFFS:
            continue
        if o is None or t is None:
            problems.append(f"parameter {key[1]!r} only in {'scipy' if o is None else 'ours'}")
            continue
        same_default = o.default is t.default or o.default == t.default
        if (o.name, o.kind) != (t.name, t.kind) or not same_default:
            problems.append(f"ours {o} != scipy {t}")
    assert not problems, f"{name}: " + "; ".join(problems)


#: Deliberate differences from scikit-image's signatures (none: every parameter, its kind and
#: its default are scikit-image's).
SKIMAGE_DIFFS: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize("name", jtf.__all__)
def test_skimage_twin_signature(name: str) -> None:
    ours = list(inspect.signature(getattr(jtf, name)).parameters.values())
    theirs = list(inspect.signature(getattr(skt, name)).parameters.values())
    problems = [
        f"ours {o} != scikit-image {t}"
        for o, t in zip(ours, theirs, strict=False)
        if (name, o.name) not in SKIMAGE_DIFFS
        and (
            (o.name, o.kind) != (t.name, t.kind)
            or not (o.default is t.default or o.default == t.default)
        )
    ]
    if len(ours) != len(theirs):
        problems.append(f"{len(ours)} parameters, scikit-image has {len(theirs)}")
    assert not problems, f"{name}: " + "; ".join(problems)


@pytest.mark.parametrize("fn", _native_functions(), ids=lambda f: f.__name__)
def test_native_options_are_keyword_only(fn: Any) -> None:
    for p in inspect.signature(fn).parameters.values():
        if p.default is not inspect.Parameter.empty:
            assert p.kind is inspect.Parameter.KEYWORD_ONLY, f"{fn.__name__}: {p.name}"


def test_allowed_diffs_are_real() -> None:
    """Every listed difference names a parameter that exists in our function or scipy's."""
    for (name, param), reason in ALLOWED_DIFFS.items():
        assert reason
        names = set(inspect.signature(getattr(jndi, name)).parameters)
        names |= set(inspect.signature(getattr(ndi, name)).parameters)
        assert param in names, (name, param)


def _fresh_python(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return out.strip()


def test_import_is_light() -> None:
    """``import jaxresample`` pulls in neither JAX, scipy nor nibabel."""
    code = (
        "import sys, jaxresample, jaxresample.ndimage, jaxresample.cli, jaxresample.io, "
        "jaxresample.transform; "
        "print(sorted(m for m in ('jax', 'scipy', 'nibabel') if m in sys.modules))"
    )
    assert _fresh_python(code) == "[]"


def test_using_a_function_imports_no_scipy_or_nibabel() -> None:
    names = [n for n in jaxresample.__all__ if n != "__version__"]
    code = (
        "import sys, jaxresample, jaxresample.ndimage as j; "
        f"[getattr(jaxresample, n) for n in {names!r}]; "
        "[getattr(j, n) for n in j.__all__]; "
        "print(sorted(m for m in ('scipy', 'nibabel', 'skimage') if m in sys.modules))"
    )
    assert _fresh_python(code) == "[]"


def test_private_modules_import_cleanly() -> None:
    pkg = Path(jaxresample.__file__).parent
    for path in sorted(pkg.glob("_*.py")):
        if path.stem != "__init__":
            importlib.import_module(f"jaxresample.{path.stem}")
