"""A failure in one line, for a person: what a command or a dataset summary reports.

Imports nothing heavy (no JAX), so the command line can use it before any work.
"""

from __future__ import annotations

import re

__all__ = ["reason"]

_PREFIX = re.compile(r"^[A-Za-z_][\w.]*: ")


def reason(err: BaseException) -> str:
    """The reason an exception gives, in one line, without a function's name in front.

    OS errors name their file (the user's path, never a temporary); a MemoryError reads
    "not enough memory".
    """
    if isinstance(err, OSError) and err.strerror:
        text = err.strerror
        if err.filename is not None and str(err.filename) not in text:
            text = f"{_PREFIX.sub('', text)}: {err.filename}"
    elif isinstance(err, MemoryError):
        text = "not enough memory"
    else:
        text = str(err) or type(err).__name__
    text = _PREFIX.sub("", text.strip())
    return text.splitlines()[0] if text else type(err).__name__
