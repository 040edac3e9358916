"""Writing files so that a reader never sees half of one and a failure leaves nothing behind.

A file is written under a temporary name beside its destination, then renamed into place.
The temporary's name says what it is: ``ct.nii.gz`` is written as
``ct.jaxresample-partial-<pid>-<hex>.nii.gz`` (the format's suffix stays last, so nibabel
picks the format from it). A process killed mid-write (SIGKILL, power loss) leaves its
temporary behind; the next write of the same destination removes those whose process is
gone (on POSIX systems, where that can be checked).
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["PARTIAL", "remove_stale", "temporary_name", "write_atomically"]

#: The marker in the name of every temporary file the library writes.
PARTIAL = ".jaxresample-partial-"


def temporary_name(dest: Path, suffix: str) -> Path:
    """The temporary beside ``dest`` (whose name ends with ``suffix``) for this process."""
    stem = dest.name[: len(dest.name) - len(suffix)]
    return dest.with_name(f"{stem}{PARTIAL}{os.getpid()}-{secrets.token_hex(4)}{suffix}")


def _alive(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) is not a probe on Windows: assume alive
        return True
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # somebody else's live process
        return True
    return True


def remove_stale(dest: Path, suffixes: Sequence[str]) -> list[Path]:
    """Remove temporaries of ``dest`` left by processes that no longer run; return them.

    ``suffixes`` are the suffixes of the files that make up ``dest`` (two for a NIfTI
    pair); the first is ``dest``'s own.
    """
    stem = dest.name[: len(dest.name) - len(suffixes[0])]
    removed = []
    try:
        candidates = list(dest.parent.iterdir())
    except OSError:
        return []
    prefix = f"{stem}{PARTIAL}"
    for path in candidates:
        name = path.name
        suffix = next((s for s in suffixes if name.lower().endswith(s.lower())), None)
        if suffix is None or not name.startswith(prefix):
            continue
        tag = name[len(prefix) : len(name) - len(suffix)]
        pid_text, _, token = tag.partition("-")
        if not (pid_text.isdigit() and token) or _alive(int(pid_text)):
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:  # removed meanwhile, or not ours to remove
            pass
    return removed


def _os_error(err: OSError, dest: Path, fn: str) -> OSError:
    """``err`` again, naming ``dest`` (not the temporary) and ``fn``."""
    code = err.errno if err.errno is not None else errno.EIO
    why = err.strerror or str(err)
    return type(err)(code, f"{fn}: cannot write ({why})", str(dest))


def write_atomically(
    parts: Sequence[tuple[Path, str]],
    write: Callable[[Path], None],
    *,
    overwrite: bool,
    fn: str,
) -> None:
    """Write the files ``parts`` (``(destination, suffix)`` pairs) through temporaries.

    ``write(first_temporary)`` writes every part (a NIfTI pair's writer writes the ``.img``
    beside the ``.hdr``); each temporary is then renamed onto its destination. Without
    ``overwrite`` an existing destination is refused, also one that appears meanwhile.
    Whatever happens (an error, ``KeyboardInterrupt``, ``SystemExit`` from a signal
    handler), no temporary stays behind and an existing destination is untouched until
    its rename.

    Raises:
      FileExistsError: a destination exists and ``overwrite`` is False.
      OSError: the write or a rename failed; the error names the destination.
    """
    first = temporary_name(*parts[0])
    stem_tmp = first.name[: len(first.name) - len(parts[0][1])]
    temps = [first.with_name(stem_tmp + suffix) for _, suffix in parts]
    try:
        try:
            fd = os.open(first, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # umask applies
        except OSError as err:
            raise _os_error(err, parts[0][0], fn) from None
        os.close(fd)
        try:
            write(first)
        except OSError as err:
            raise _os_error(err, parts[0][0], fn) from None
        for tmp, (dest, _) in zip(temps, parts, strict=True):
            try:
                if overwrite:
                    os.replace(tmp, dest)
                else:
                    _rename_no_clobber(tmp, dest, fn)
            except FileExistsError:
                raise
            except OSError as err:
                raise _os_error(err, dest, fn) from None
    finally:
        for tmp in temps:
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
            except OSError:  # a directory of that name, a vanished file system: not ours
                pass


def _rename_no_clobber(tmp: Path, dest: Path, fn: str) -> None:
    """Move ``tmp`` to ``dest`` atomically, failing if ``dest`` appeared in the meantime."""
    exists = FileExistsError(
        errno.EEXIST, f"{fn}: file exists (pass overwrite=True to replace it)", str(dest)
    )
    try:
        os.link(tmp, dest)  # atomic and refuses an existing destination
    except FileExistsError:
        raise exists from None
    except OSError:  # no hard links on this file system: check, then rename
        if dest.exists():
            raise exists from None
        os.replace(tmp, dest)
        return
    tmp.unlink()
