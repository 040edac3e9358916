#!/usr/bin/env python3
"""Project runner: creates or reuses a virtual environment, then runs one job.

Needs nothing but Python >= 3.11 and access to the package index::

    python3 tasks.py demo        # the main job: resample a volume, write a NIfTI and a PNG
    python3 tasks.py test        # the whole test suite (float32), doctests included
    python3 tasks.py test-x64    # the suite again with JAX_ENABLE_X64=1
    python3 tasks.py lint        # ruff check, ruff format --check, mypy
    python3 tasks.py docs        # Sphinx build with -W, then every link and figure checked
    python3 tasks.py wheel       # build the wheel, install it in a clean venv, import it
    python3 tasks.py bench       # the benchmarks against their peers
    python3 tasks.py scipy-tests # scipy.ndimage's own tests against the twins (x64)

Extra arguments after the job name go to the underlying command (pytest, the CLI, ...).
The environment lives in ``.venv`` (override with ``JAXRESAMPLE_VENV``) and is refreshed
whenever ``pyproject.toml`` changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("JAXRESAMPLE_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
# The demo, the README's main job, gets an environment of its own holding only what it
# installs: a shared one would hide a missing dependency that the test tools happen to
# provide (nibabel.testing imports pytest).
DEMO_VENV = Path(os.environ.get("JAXRESAMPLE_DEMO_VENV", ROOT / ".venv-demo"))

# What each job installs: pip arguments on top of the project itself.
PROFILES: dict[str, list[str]] = {
    "demo": ["-e", ".[plot]"],
    "test": ["-e", ".[plot]", "--group", "test"],
    "lint": ["-e", ".", "--group", "test", "--group", "lint"],
    "docs": ["-e", ".[plot]", "--group", "docs", "--group", "test"],
    "bench": ["-e", ".", "--group", "bench"],
    "wheel": ["build>=1.2"],
}


def _run(cmd: list[str | Path], **kw: object) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    kw.setdefault("cwd", ROOT)
    subprocess.run([str(c) for c in cmd], check=True, **kw)  # type: ignore[call-overload]


def ensure_env(profile: str, venv_dir: Path = VENV) -> Path:
    """Create ``venv_dir`` if needed and install what ``profile`` needs (once per pyproject
    change); return its ``bin`` folder."""
    if sys.version_info < (3, 11):  # noqa: UP036 - runs before any venv exists
        sys.exit(f"tasks.py: Python >= 3.11 is required, this is {sys.version.split()[0]}")
    bindir = venv_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    if not py.exists():
        print(f"creating virtual environment {venv_dir}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
        # PEP 735 dependency groups (`pip install --group`) need pip >= 25.1.
        _run([py, "-m", "pip", "install", "-q", "--upgrade", "pip>=25.1"])
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = venv_dir / f".installed-{profile}-{digest}"
    if not stamp.exists():
        _run([py, "-m", "pip", "install", "-q", *PROFILES[profile]])
        stamp.touch()
    return bindir


def job_demo(args: list[str]) -> None:
    bindir = ensure_env("demo", DEMO_VENV)
    _run([bindir / "jaxresample", "demo", *args])


def _pytest(args: list[str], *, x64: bool) -> None:
    ensure_env("test")
    env = dict(os.environ, JAX_ENABLE_X64="1" if x64 else "0")
    env.setdefault("JAXRESAMPLE_HYPOTHESIS_PROFILE", "ci")
    cmd: list[str | Path] = [PY, "-m", "pytest", "-n", "auto", "-q", *args]
    _run(cmd, env=env)


def job_test(args: list[str]) -> None:
    _pytest(args, x64=False)


def job_test_x64(args: list[str]) -> None:
    _pytest(args, x64=True)


#: scipy tests that fail on purpose (each a documented difference, docs/scipy.md).
SCIPY_TESTS_DESELECTED = {
    "scipy/ndimage/tests/test_filters.py::test_gaussian_filter_float16": "float16 is accepted",
}


def job_scipy_tests(args: list[str]) -> None:
    """scipy.ndimage's own tests against the twins, with JAX_ENABLE_X64=1 (docs/scipy.md)."""
    ensure_env("test")
    env = dict(os.environ, JAX_ENABLE_X64="1")
    modules = [f"scipy.ndimage.tests.test_{m}" for m in ("filters", "interpolation", "splines",
                                                         "fourier")]  # fmt: skip
    # By name: pytest's node ids are relative to its rootdir, which differs between checkouts.
    names = sorted({t.rsplit("::", 1)[-1] for t in SCIPY_TESTS_DESELECTED})
    deselect = ["-k", " and ".join(f"not {n}" for n in names)]
    cmd: list[str | Path] = [
        PY, "-m", "pytest", "-p", "tests.scipy_suite.plugin", "--pyargs", *modules, "-q",
        "-n", "auto", "-p", "no:cacheprovider", "-o", "addopts=", "-o", "filterwarnings=",
        *deselect, *args,
    ]  # fmt: skip
    _run(cmd, env=env)


def job_lint(args: list[str]) -> None:
    ensure_env("lint")
    _run([BIN / "ruff", "check", "."])
    _run([BIN / "ruff", "format", "--check", "."])
    _run([BIN / "mypy"])


def job_docs(args: list[str]) -> None:
    ensure_env("docs")
    out = ROOT / "docs" / "_build" / "html"
    _run([PY, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "docs", out, *args])
    # Every internal link, anchor and figure of the built site must resolve.
    _run([PY, ROOT / "docs" / "_ext" / "check_site.py", out])


def job_wheel(args: list[str]) -> None:
    ensure_env("wheel")
    dist = Path(tempfile.mkdtemp(prefix="jaxresample-dist-"))
    _run([PY, "-m", "build", "--wheel", "--outdir", dist])
    wheels = sorted(dist.glob("*.whl"))
    names = subprocess.run(
        [PY, "-m", "zipfile", "-l", wheels[0]], check=True, capture_output=True, text=True
    ).stdout
    if "tests/" in names or "conftest" in names:
        sys.exit("tasks.py wheel: the wheel contains tests")
    clean = dist / "venv"
    venv.EnvBuilder(with_pip=True).create(clean)
    cbin = clean / ("Scripts" if os.name == "nt" else "bin")
    _run([cbin / "python", "-m", "pip", "install", "-q", wheels[0]])
    probe = (
        "import sys, jaxresample; "
        "assert 'scipy' not in sys.modules and 'nibabel' not in sys.modules; "
        "print('installed wheel imports:', jaxresample.__version__)"
    )
    _run([cbin / "python", "-c", probe], cwd=dist)
    _run([cbin / "jaxresample", "--version"], cwd=dist)
    shutil.rmtree(dist, ignore_errors=True)


def job_bench(args: list[str]) -> None:
    ensure_env("bench")
    _run([PY, "-m", "benchmarks", *args])


JOBS = {
    "demo": job_demo,
    "test": job_test,
    "test-x64": job_test_x64,
    "lint": job_lint,
    "docs": job_docs,
    "wheel": job_wheel,
    "bench": job_bench,
    "scipy-tests": job_scipy_tests,
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in JOBS:
        print(__doc__)
        print(f"tasks.py: choose a job from {sorted(JOBS)}", file=sys.stderr)
        return 2
    try:
        JOBS[argv[0]](argv[1:])
    except subprocess.CalledProcessError as err:
        return err.returncode or 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
