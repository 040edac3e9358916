"""The timing rule every benchmark shares: one warm-up call (which compiles), then repeats."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def median_and_min(fn: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    """``(median s, min s, last result)`` of ``repeats`` calls of ``fn`` after a warm-up."""
    out = fn()  # warm-up (compiles)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times), out
