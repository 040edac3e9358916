"""W2: ``gaussian_filter(vol, sigma=(2, 2, 1), mode='reflect')`` on float32 512x512x247.

jaxresample against scipy.ndimage in the same run. Every case runs in its own fresh process
(so one case's allocations cannot help or hurt another's); each reports the median and the
minimum of several timed calls after one warm-up call (which compiles), and the memory: the
peak resident set size, sampled every millisecond during the timed calls, minus the resident
set size just before them, plus the input (one volume). An allocator may serve a call's
output from memory freed by the previous call, so for jaxresample the bench also prints XLA's
own accounting of the compiled program (argument + output + temporaries).

Usage, from the repository root::

    python -m benchmarks.bench_gaussian            # W2
    python -m benchmarks.bench_gaussian --quick    # a 128x128x62 volume
    python -m benchmarks.bench_gaussian --hugetlb  # both cases with glibc huge pages
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from typing import Any

FULL = (512, 512, 247)
QUICK = (128, 128, 62)
SIGMA = (2.0, 2.0, 1.0)
MODE = "reflect"


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class _PeakRSS:
    """Sample the resident set size in a background thread while a block runs."""

    def __enter__(self) -> _PeakRSS:
        self.before = _rss_bytes()
        self.peak = self.before
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_bytes())
            time.sleep(0.001)

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_bytes())


def _volume(shape: tuple[int, ...]):
    import numpy as np

    return np.random.default_rng(0).random(shape, dtype=np.float32)


def _run_case(case: str, shape: tuple[int, ...], repeat: int) -> dict[str, Any]:
    import numpy as np

    vol = _volume(shape)
    if case == "scipy":
        import scipy.ndimage as ndi

        def call() -> Any:
            return ndi.gaussian_filter(vol, SIGMA, mode=MODE)

    else:
        import jax
        import jax.numpy as jnp

        from jaxresample import gaussian_filter

        x = jnp.asarray(vol)
        del vol

        def call() -> Any:
            return jax.block_until_ready(gaussian_filter(x, SIGMA, mode=MODE))

    times = []
    out = call()  # warm-up (compiles for jaxresample)
    del out
    with _PeakRSS() as mem:  # the timed calls: output and temporaries
        for _ in range(repeat):
            t0 = time.perf_counter()
            out = call()
            times.append(time.perf_counter() - t0)
            del out
    result: dict[str, Any] = {
        "case": case,
        "median_s": float(np.median(times)),
        "min_s": float(np.min(times)),
        "extra_bytes": int(mem.peak - mem.before),
    }
    if case == "jaxresample":  # XLA's own accounting, and accuracy against scipy
        import scipy.ndimage as ndi

        stats = (
            jax.jit(lambda v: gaussian_filter(v, SIGMA, mode=MODE)).lower(x).compile()
        ).memory_analysis()
        if stats is not None:
            result["xla_bytes"] = int(
                stats.argument_size_in_bytes + stats.output_size_in_bytes + stats.temp_size_in_bytes
            )

        ours = np.asarray(call())
        ref = ndi.gaussian_filter(np.asarray(x, np.float64), SIGMA, mode=MODE)
        result["max_abs_diff"] = float(np.max(np.abs(ours - ref)))
        result["data_range"] = float(np.ptp(ref))
    return result


def _spawn(case: str, shape: tuple[int, ...], repeat: int, hugetlb: bool) -> dict[str, Any]:
    env = dict(os.environ)
    if hugetlb:
        env["GLIBC_TUNABLES"] = "glibc.malloc.hugetlb=1"
    cmd = [sys.executable, "-m", "benchmarks.bench_gaussian", "--case", case,
           "--shape", ",".join(map(str, shape)), "--repeat", str(repeat)]  # fmt: skip
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small 128x128x62 volume")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per case")
    parser.add_argument("--hugetlb", action="store_true", help="run with glibc huge pages")
    parser.add_argument("--case", choices=["jaxresample", "scipy"], help=argparse.SUPPRESS)
    parser.add_argument("--shape", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    shape: tuple[int, ...] = QUICK if args.quick else FULL
    if args.case:  # child process: one case, JSON on stdout
        shape = tuple(int(s) for s in args.shape.split(",")) if args.shape else shape
        print(json.dumps(_run_case(args.case, shape, args.repeat)))
        return 0
    vol_bytes = 4 * shape[0] * shape[1] * shape[2]
    ours = _spawn("jaxresample", shape, args.repeat, args.hugetlb)
    ref = _spawn("scipy", shape, args.repeat, args.hugetlb)
    print(f"W2 gaussian_filter sigma={SIGMA} mode={MODE!r} float32 {shape}"
          f"{' (GLIBC hugetlb)' if args.hugetlb else ''}")  # fmt: skip
    for r in (ours, ref):
        vols = 1 + r["extra_bytes"] / vol_bytes
        mib = r["extra_bytes"] / 2**20
        xla = f", XLA: {r['xla_bytes'] / vol_bytes:.2f} x" if "xla_bytes" in r else ""
        print(f"  {r['case']:12s} median {r['median_s']:.3f} s  min {r['min_s']:.3f} s  "
              f"peak memory {vols:.2f} x volume (input + {mib:.0f} MiB{xla})")  # fmt: skip
    print(f"  ratio jaxresample/scipy: median {ours['median_s'] / ref['median_s']:.3f}  "
          f"min {ours['min_s'] / ref['min_s']:.3f}")  # fmt: skip
    rel = ours["max_abs_diff"] / ours["data_range"]
    print(f"  max abs diff vs scipy float64: {ours['max_abs_diff']:.3g} ({rel:.2g} of range)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
