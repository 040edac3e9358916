"""Benchmark: the B-spline prefilter (spline_filter) of the W1 volume vs scipy.ndimage.

Run from the repository root: ``python -m benchmarks.bench_splines [--quick] [--orders 3 5]``.
Each measurement is the median of ``--repeat`` runs after one warm-up (compilation) call;
scipy runs in the same process, on the same data, so the ratio is meaningful across machines.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

if "GLIBC_TUNABLES" not in os.environ and __name__ == "__main__":
    # Fresh JAX buffers cost page faults; huge pages make them ~8x cheaper (docs: PERF).
    os.environ["GLIBC_TUNABLES"] = "glibc.malloc.hugetlb=1"
    os.execv(sys.executable, [sys.executable, "-m", "benchmarks.bench_splines", *sys.argv[1:]])

import jax  # noqa: E402
import numpy as np  # noqa: E402
import scipy.ndimage as ndi  # noqa: E402

from jaxresample import spline_filter

W1 = (512, 512, 247)
QUICK = (96, 80, 47)


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true", help=f"small volume {QUICK} instead of {W1}")
    p.add_argument("--orders", type=int, nargs="+", default=[3, 5])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--mode", default="mirror")
    args = p.parse_args(argv)
    shape = QUICK if args.quick else W1
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    xj = jax.device_put(x)
    print(f"spline_filter float32 {shape}, mode={args.mode}, median of {args.repeat}")
    print(f"{'order':>5} {'jax s':>8} {'scipy s':>8} {'ratio':>6} {'max rel err':>12}")
    for order in args.orders:
        # an eager call, as users make it (a user's jit would trace the untuned program)
        def f(v: jax.Array, o: int = order) -> jax.Array:
            return spline_filter(v, order=o, mode=args.mode, output=np.float32)

        got = np.asarray(f(xj).block_until_ready())
        t_jax = _median_time(lambda f=f: f(xj).block_until_ready(), args.repeat)
        ref = ndi.spline_filter(x, order=order, mode=args.mode)
        t_sp = _median_time(
            lambda o=order: ndi.spline_filter(x, order=o, mode=args.mode), args.repeat
        )
        err = float(np.max(np.abs(got - ref)) / np.max(np.abs(ref)))
        print(f"{order:>5} {t_jax:8.3f} {t_sp:8.3f} {t_jax / t_sp:6.3f} {err:12.2e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
