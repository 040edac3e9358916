"""Benchmark: W1 through ``resample_to_spacing`` vs scipy, SimpleITK; label resampling.

W1 is the main job: a float32 CT of 512x512x247 voxels at 0.78125x0.78125x1.0 mm
resampled to 1x1x2 mm (400x400x124 voxels). Peers, measured in the same run:
``scipy.ndimage.zoom`` at the same order and grid (``grid_mode=True``: identical output),
and SimpleITK's ``ResampleImageFilter`` (linear / B-spline) when SimpleITK is installed.
The label job resamples a 14-class 256x256x128 map with ``method='linear'`` against a
per-class loop of one-hot linear interpolation + argmax with scipy.

Each case runs in a fresh subprocess; it reports the median of ``--repeat`` runs after a
warm-up (compilation) run and the process's peak resident memory. For our cases it also
reports XLA's own memory account of the compiled resampling (arguments + outputs +
temporaries) and the growth of the resident set while the timed runs execute (after the
warm-up, before the scipy reference is computed), both over the input + output bytes.

Run from the repository root: ``python -m benchmarks.bench_resample [--quick] [--hugetlb]``
(``--hugetlb``: every case, peers included, runs with glibc's transparent huge pages, which
makes fresh output buffers much cheaper on Linux).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

W1 = ((512, 512, 247), (0.78125, 0.78125, 1.0), (1.0, 1.0, 2.0))
W1_QUICK = ((128, 128, 62), (0.78125, 0.78125, 1.0), (1.0, 1.0, 2.0))
LABELS = ((256, 256, 128), 14)
LABELS_QUICK = ((64, 64, 32), 14)


def _median(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up: compilation, page faults of the first buffers
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _rss_gb(field: str) -> float | None:
    """``VmRSS`` / ``VmHWM`` of this process in GB (Linux), else None."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset the process's RSS high-water mark (Linux ``clear_refs``); False if impossible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _volume(shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(0)
    # A smooth-ish volume with structure at several scales, as a CT has.
    x = rng.normal(size=shape).astype(np.float32)
    return np.cumsum(np.cumsum(x, axis=0), axis=1) / 100.0


def _case(name: str, quick: bool, repeat: int) -> dict[str, Any]:
    shape, s_in, s_out = W1_QUICK if quick else W1
    affine = np.diag([*s_in, 1.0])
    out: dict[str, Any] = {"case": name}
    if name.startswith(("jax", "scipy", "sitk")):
        vol = _volume(shape)
        order = int(name[-1])
        m = tuple(
            int(np.floor(n * a / b + 0.5)) for n, a, b in zip(shape, s_in, s_out, strict=True)
        )
        factors = [mm / n for mm, n in zip(m, shape, strict=True)]
    if name.startswith("jax"):
        import jax

        from jaxresample import resample_to_spacing

        xj = jax.device_put(vol)
        run = jax.jit(lambda v: resample_to_spacing(v, affine, s_out, order=order)[0])
        mem = run.lower(xj).compile().memory_analysis()
        if mem is not None:  # XLA's own account: arguments + outputs + temporaries
            used = mem.argument_size_in_bytes + mem.output_size_in_bytes
            used += mem.temp_size_in_bytes
            out["xla_peak_over_io"] = used / (vol.nbytes + np.prod(m) * 4)
        res = np.asarray(run(xj))
        base = _rss_gb("VmRSS") if _reset_peak() else None
        out["seconds"] = _median(lambda: run(xj).block_until_ready(), repeat)
        # high-water mark before the scipy reference below allocates its own float64 copies
        out["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
        peak = _rss_gb("VmHWM")
        if base is not None and peak is not None:  # growth while resampling, output included
            out["run_rss_over_io"] = (peak - base) * 1024**3 / (vol.nbytes + np.prod(m) * 4)
        import scipy.ndimage as ndi

        ref = ndi.zoom(vol, factors, order=order, mode="nearest", grid_mode=True)
        out["max_rel_err"] = float(np.max(np.abs(res - ref)) / np.max(np.abs(ref)))
    elif name.startswith("scipy"):
        import scipy.ndimage as ndi

        out["seconds"] = _median(
            lambda: ndi.zoom(vol, factors, order=order, mode="nearest", grid_mode=True), repeat
        )
    elif name.startswith("sitk"):
        import SimpleITK as sitk

        img = sitk.GetImageFromArray(np.ascontiguousarray(vol.transpose(2, 1, 0)))
        img.SetSpacing(s_in)
        rf = sitk.ResampleImageFilter()
        rf.SetSize([int(v) for v in m])
        rf.SetOutputSpacing([n * a / mm for n, a, mm in zip(shape, s_in, m, strict=True)])
        rf.SetOutputOrigin([a * (n / mm - 1) / 2 for n, a, mm in zip(shape, s_in, m, strict=True)])
        rf.SetInterpolator(sitk.sitkLinear if order == 1 else sitk.sitkBSpline)
        rf.SetNumberOfThreads(os.cpu_count() or 1)
        out["seconds"] = _median(lambda: rf.Execute(img), repeat)
    elif name.startswith("labels"):
        lshape, k = LABELS_QUICK if quick else LABELS
        rng = np.random.default_rng(1)
        import scipy.ndimage as ndi

        seg = ndi.zoom(rng.integers(0, k, size=[n // 8 for n in lshape]), 8, order=0)
        seg = seg.astype(np.uint8)
        spacing = 0.75
        if name == "labels-jax":
            import jax

            from jaxresample import resample_labels

            s = jax.device_put(seg)
            vals = tuple(range(k))
            run = jax.jit(
                lambda v: resample_labels(v, np.eye(4), spacing=spacing, label_values=vals)[0]
            )
            out["seconds"] = _median(lambda: run(s).block_until_ready(), repeat)
        else:
            zf = [int(np.floor(n / spacing + 0.5)) / n for n in lshape]

            def prob(c: int) -> np.ndarray:
                onehot = (seg == c).astype(np.float32)
                return np.asarray(ndi.zoom(onehot, zf, order=1, grid_mode=True, mode="nearest"))

            def loop() -> np.ndarray:
                best = prob(0)
                arg = np.zeros(best.shape, np.uint8)
                for c in range(1, k):
                    p = prob(c)
                    better = p > best
                    best = np.where(better, p, best)
                    arg = np.where(better, np.uint8(c), arg)
                return arg

            out["seconds"] = _median(loop, repeat)
    out.setdefault("peak_rss_gb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true", help="small volumes")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument(
        "--hugetlb",
        action="store_true",
        help="run every case with GLIBC_TUNABLES=glibc.malloc.hugetlb=1",
    )
    p.add_argument("--case", help=argparse.SUPPRESS)  # internal: run one case, print JSON
    args = p.parse_args(argv)
    if args.case:
        print(json.dumps(_case(args.case, args.quick, args.repeat)))
        return 0
    try:
        import SimpleITK  # noqa: F401

        have_sitk = True
    except ImportError:
        have_sitk = False
    cases = ["jax1", "scipy1", "jax3", "scipy3"] + (["sitk1", "sitk3"] if have_sitk else [])
    cases += ["labels-jax", "labels-loop"]
    env = dict(os.environ)
    if args.hugetlb:  # transparent huge pages for malloc: far fewer page faults on fresh buffers
        env["GLIBC_TUNABLES"] = "glibc.malloc.hugetlb=1"
    res: dict[str, dict[str, Any]] = {}
    for case in cases:
        cmd = [
            sys.executable,
            "-m",
            "benchmarks.bench_resample",
            "--case",
            case,
            "--repeat",
            str(args.repeat),
        ] + (["--quick"] if args.quick else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
        res[case] = json.loads(proc.stdout.strip().splitlines()[-1])
    shape, s_in, s_out = W1_QUICK if args.quick else W1
    vol_gb = np.prod(shape) * 4 / 1e9
    print(
        f"W1 resample_to_spacing: float32 {shape} at {s_in} mm -> {s_out} mm "
        f"(volume {vol_gb:.2f} GB), median of {args.repeat}; hugetlb={args.hugetlb}"
    )
    print(f"{'case':<12} {'seconds':>8} {'ratio vs scipy':>15} {'peak RSS GB':>12}  note")
    for case in cases:
        r = res[case]
        order = case[-1]
        base = res.get(f"scipy{order}", {}).get("seconds") if case[-1] in "13" else None
        if case.startswith("labels"):
            base = res["labels-loop"]["seconds"]
        ratio = f"{r['seconds'] / base:.3f}" if base else ""
        note = f"max rel err vs scipy {r['max_rel_err']:.1e}" if "max_rel_err" in r else ""
        if "xla_peak_over_io" in r:
            note += f"; XLA peak {r['xla_peak_over_io']:.2f}x (input + output)"
        if "run_rss_over_io" in r:
            note += f"; RSS growth while running {r['run_rss_over_io']:.2f}x"
        print(f"{case:<12} {r['seconds']:8.3f} {ratio:>15} {r['peak_rss_gb']:12.2f}  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
