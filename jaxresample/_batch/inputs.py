"""The inputs of a dataset run: files, directories and globs, and the output name of each.

Expanded on the host, sorted, without duplicates, so every process of a multi-host run
sees the same list and takes the same share of it. An output keeps its input's file name
(``v0.nii.gz`` -> ``OUTDIR/v0.nii.gz``); two inputs that would write one output are
refused before any work.
"""

from __future__ import annotations

import errno
import glob
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from .._files import PARTIAL
from .._formats import READ_ONLY, WRITABLE
from .._validation import fmt

__all__ = ["IMAGE_SUFFIXES", "check_unique", "expand_inputs", "output_path", "share"]

T = TypeVar("T")

#: File suffixes taken from a directory (every format nibabel reads; a pair by its .hdr).
IMAGE_SUFFIXES: tuple[str, ...] = tuple(
    s for s in (*WRITABLE, *READ_ONLY) if s not in (".img", ".rec", ".brik", ".brik.gz")
)


def _suffix(name: str) -> str | None:
    low = name.lower()
    return next((s for s in sorted(IMAGE_SUFFIXES, key=len, reverse=True) if low.endswith(s)),
                None)  # fmt: skip


def _images_in(folder: Path) -> list[Path]:
    return [
        p for p in folder.iterdir()
        if p.is_file() and _suffix(p.name) is not None and PARTIAL not in p.name
    ]  # fmt: skip


def expand_inputs(inputs: Sequence[str | os.PathLike[str]], *, fn: str) -> list[Path]:
    """Files as given, the image files of directories, the matches of globs; sorted.

    Raises:
      FileNotFoundError: an input that is neither a file, a directory nor a glob that
        matches something.
      ValueError: no input at all.
    """
    if isinstance(inputs, (str, bytes, os.PathLike)) or not isinstance(inputs, Sequence):
        raise TypeError(f"{fn}: inputs must be a sequence of paths; got {fmt(inputs)}")
    found: set[Path] = set()
    for item in inputs:
        if not isinstance(item, (str, os.PathLike)):
            raise TypeError(f"{fn}: every input must be a path; got {fmt(item)}")
        p = Path(item)
        if p.is_dir():
            found.update(_images_in(p))
        elif p.is_file():
            found.add(p)
        elif glob.has_magic(str(item)):
            matches = [Path(m) for m in glob.glob(str(item), recursive=True)]
            files = [m for m in matches if m.is_file() and PARTIAL not in m.name]
            if not files:
                raise FileNotFoundError(errno.ENOENT, f"{fn}: no file matches the pattern",
                                        str(item))  # fmt: skip
            found.update(files)
        else:
            raise FileNotFoundError(errno.ENOENT, f"{fn}: no such file or directory", str(item))
    if not found:
        raise ValueError(f"{fn}: no image files among the inputs {[str(i) for i in inputs]}")
    return sorted(found, key=lambda q: (q.name, str(q)))


def output_path(source: Path, out_dir: Path, *, fn: str) -> Path:
    """``out_dir / source.name``; formats nibabel cannot write become ``.nii.gz``."""
    suffix = _suffix(source.name)
    if suffix is None or suffix in WRITABLE:
        return out_dir / source.name
    stem = source.name[: len(source.name) - len(suffix)]
    return out_dir / f"{stem}.nii.gz"


def check_unique(sources: list[Path], outputs: list[Path], *, fn: str) -> None:
    """Refuse two inputs that would write the same output, and an output onto its input."""
    seen: dict[Path, Path] = {}
    for src, out in zip(sources, outputs, strict=True):
        if out.resolve() == src.resolve():
            raise ValueError(
                f"{fn}: {str(src)!r} would be overwritten by its own output; give an output "
                "directory other than the input's"
            )
        if out in seen:
            raise ValueError(
                f"{fn}: {str(seen[out])!r} and {str(src)!r} would both be written to "
                f"{str(out)!r}; give inputs with distinct file names"
            )
        seen[out] = src


def share(items: list[T], index: int, count: int) -> list[T]:
    """The items process ``index`` of ``count`` takes: every ``count``-th, from ``index``."""
    return items[index::count]
