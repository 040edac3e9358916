"""Run every benchmark: ``python -m benchmarks [--quick]`` (or ``python3 tasks.py bench``)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    for name in names:
        print(f"=== {name} ===", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        module.main(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
