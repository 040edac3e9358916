"""Size limits: refuse, with a clear error, arrays that cannot be indexed or cannot fit.

A JAX program that asks for a buffer larger than the device's memory does not raise: XLA
aborts the whole process (``Check failed: buffer_.IsConcrete()``), and on the CPU the
kernel's out-of-memory killer may take it down first. So every function that creates an
array whose size the caller chose (a zoom, an output shape, a new voxel spacing) checks it
here before tracing anything.

The rules, for an array of the compute dtype:

* each axis has fewer than ``2**31`` samples, and an array indexed by flat position (the
  general interpolation sampler's input) fewer than ``2**31`` elements: the library's
  gathers index with int32;
* it needs at most half the memory of the device it lives on (every computation holds the
  result and at least one intermediate or input of that size). The device's memory is the
  accelerator's (``memory_stats()['bytes_limit']``) or, on the CPU, the physical memory
  (or the cgroup's limit, in a container).

``JAXRESAMPLE_MAX_BYTES`` (a number of bytes, with an optional ``K``/``M``/``G``/``T``
suffix, or ``none`` to switch the memory rule off) replaces the device's memory as the
budget, for hosts where swap or unified memory make more available.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["INDEX_LIMIT", "check_array", "check_flat_index", "memory_budget"]

#: Samples along one axis, and elements indexed by flat position: int32 indices.
INDEX_LIMIT = (1 << 31) - 1
_ENV = "JAXRESAMPLE_MAX_BYTES"
_SUFFIX = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def _human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} PiB"  # pragma: no cover - the loop always returns


def _physical_memory() -> int | None:
    total = None
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not a POSIX system
        pass
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path) as f:
                text = f.read().strip()
        except OSError:
            continue
        if text.isdigit() and (total is None or int(text) < total):
            total = int(text)
    return total


@functools.lru_cache(maxsize=8)
def _device_memory(backend: str) -> tuple[int | None, str]:
    """Bytes of memory of the default device of ``backend`` and a name for it."""
    import jax  # here, not at import: io and the command line import this module

    try:
        device = jax.devices(backend)[0]
    except RuntimeError:  # pragma: no cover - the backend just went away
        return None, backend
    stats = None
    try:
        stats = device.memory_stats()
    except Exception:  # noqa: BLE001 - backends without allocator statistics raise anything
        stats = None
    if stats and stats.get("bytes_limit"):
        return int(stats["bytes_limit"]), f"{device.platform.upper()} device"
    return _physical_memory(), "host"


def memory_budget() -> tuple[int | None, str]:
    """The memory a single call may plan for: ``(bytes or None for no limit, source)``.

    Raises:
      ValueError: ``JAXRESAMPLE_MAX_BYTES`` is set to something that is not a size.
    """
    env = os.environ.get(_ENV, "").strip()
    if env:
        if env.lower() in ("none", "off", "inf", "unlimited"):
            return None, _ENV
        text = env.upper().removesuffix("B").removesuffix("I")
        suffix = text[-1] if text and text[-1] in _SUFFIX else ""
        number = text[: len(text) - len(suffix)]
        try:
            value = float(number) * _SUFFIX[suffix]
        except ValueError:
            raise ValueError(
                f"{_ENV} must be a number of bytes (e.g. 64G) or 'none'; got {env!r}"
            ) from None
        return int(value), f"{_ENV}={env}"
    import jax

    limit, name = _device_memory(jax.default_backend())
    return limit, f"the {name} memory"


def check_array(
    shape: Sequence[int], dtype: Any, *, fn: str, what: str = "output", factor: float = 1.0
) -> None:
    """Refuse an array that cannot be indexed or would need more than half the memory.

    Args:
      shape: its shape (Python ints).
      dtype: its dtype (the compute dtype for intermediates).
      fn: the public function, for the message.
      what: what the array is, for the message (``"output"``, ``"intermediate"``...).
      factor: how many arrays of this size the computation holds at once.

    Raises:
      ValueError: naming ``fn``, the shape, the bytes needed and the budget.
    """
    shape = tuple(int(n) for n in shape)
    long = [n for n in shape if n > INDEX_LIMIT]
    if long:
        raise ValueError(
            f"{fn}: the {what} would have shape {shape}: an axis of {long[0]} samples cannot be "
            f"indexed (at most {INDEX_LIMIT} per axis)"
        )
    elements = math.prod(shape)
    need = elements * np.dtype(dtype).itemsize * factor
    budget, source = memory_budget()
    if budget is not None and need > budget / 2:
        raise ValueError(
            f"{fn}: the {what} of shape {shape} ({np.dtype(dtype).name}) would need "
            f"{_human(need)}, more than half of {source} ({_human(budget)}); use a smaller "
            f"output, or set {_ENV} to a larger budget (or 'none')"
        )


def check_flat_index(shape: Sequence[int], *, fn: str, what: str = "input") -> None:
    """Refuse an array indexed by flat position (int32) with ``2**31`` elements or more."""
    elements = math.prod(int(n) for n in shape)
    if elements > INDEX_LIMIT:
        raise ValueError(
            f"{fn}: the {what} of shape {tuple(shape)} has {elements} elements; the general "
            f"interpolation path indexes it with int32 (at most {INDEX_LIMIT} elements): "
            "interpolate it in blocks, or with a separable (diagonal) transform"
        )
