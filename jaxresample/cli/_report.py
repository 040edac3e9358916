"""How the command reports: one-line failures, and the stages of ``--verbose``.

Every failure of a command is one line on stderr, ``jaxresample <command>: <what>, <why>``,
with a non-zero exit status; library messages lose their function-name prefix (the command
is named instead) and OS errors name the user's path, never a temporary.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from typing import Any

from .._messages import reason as why

__all__ = ["CommandError", "Reporter", "Terminated", "why"]


class CommandError(Exception):
    """A failure of a command, already worded ``<what>, <why>``."""


class Terminated(BaseException):  # noqa: N818  # raised by the SIGTERM handler, like KeyboardInterrupt
    """The process received SIGTERM."""


class Reporter:
    """Times the stages of a command; prints them to stderr with ``verbose``."""

    def __init__(self, command: str, *, verbose: bool) -> None:
        self.command = command
        self.verbose = verbose
        self._t0 = time.perf_counter()

    def say(self, text: str) -> None:
        """One line to stderr, when verbose."""
        if self.verbose:
            print(f"jaxresample {self.command}: {text}", file=sys.stderr, flush=True)

    @contextlib.contextmanager
    def stage(self, name: str, what: str, *, detail: str = "") -> Iterator[None]:
        """Run a stage; a failure inside becomes ``CommandError(f"{what}, {why}")``."""
        start = time.perf_counter()
        try:
            yield
        except CommandError:
            raise
        except FileExistsError as err:
            raise CommandError(
                f"{what}, {err.filename} exists (pass --force to replace it)"
            ) from err
        except (OSError, ValueError, TypeError, MemoryError) as err:
            raise CommandError(f"{what}, {why(err)}") from err
        seconds = time.perf_counter() - start
        self.say(f"{name:<8} {seconds:7.3f} s" + (f"  {detail}" if detail else ""))

    def total(self) -> float:
        """Seconds since the command started."""
        return time.perf_counter() - self._t0


def fmt(values: Any) -> str:
    """``10 x 8 x 6`` for a shape or spacing."""
    return " x ".join(f"{float(v):.6g}" for v in values)
