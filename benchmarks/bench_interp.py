"""W1 benchmark: zoom float32 512x512x247 -> 400x400x124 (orders 1 and 3) vs scipy.ndimage.zoom.

``--job shift`` times ``shift`` of the same volume by a fraction of a voxel on every axis
(``SHIFT``) against ``scipy.ndimage.shift`` instead, and ``--job rotate`` an
``affine_transform`` rotating it by ``ANGLE`` radians about its centre in the plane of the
first two axes (the general, non-separable sampler) against ``scipy.ndimage.affine_transform``;
``--mode`` picks the boundary mode (default ``nearest``, W1's; ``constant`` is the default
of ``shift`` and ``affine_transform``).

Each case runs in a fresh subprocess (so compile caches, allocator state and peak RSS are
its own); the parent compares the outputs and prints times (median of repeats, after one
warm-up call that includes compilation), the ratio to scipy in the same run, the maximum
error relative to ``max|scipy|`` and each case's peak RSS.

Run ``python -m benchmarks.bench_interp`` (``--quick`` for a small volume and fewer
repeats). W1 resamples to a new spacing, so the grids align at their outer edges:
``grid_mode=True`` with ``mode='nearest'``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

FULL = ((512, 512, 247), (400, 400, 124))
QUICK = ((128, 128, 62), (100, 100, 31))
MODE = "nearest"
SHIFT = (0.3, -1.7, 0.45)
ANGLE = 0.3


def _rotation(shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Matrix and offset of a rotation by ``ANGLE`` about the centre, in axes 0-1."""
    m = np.eye(len(shape))
    c, s = np.cos(ANGLE), np.sin(ANGLE)
    m[:2, :2] = [[c, -s], [s, c]]
    centre = (np.asarray(shape) - 1) / 2
    return m, centre - m @ centre


def _volume(shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.standard_normal(shape, dtype=np.float32)


def _worker(
    impl: str, job: str, mode: str, order: int, quick: bool, reps: int, out_path: str
) -> None:
    in_shape, out_shape = QUICK if quick else FULL
    if job != "zoom":
        out_shape = in_shape
    matrix, offset = _rotation(in_shape)
    factors = tuple(o / i for i, o in zip(in_shape, out_shape, strict=True))
    x = _volume(in_shape)
    if impl == "scipy":
        import scipy.ndimage as ndi

        def run():
            if job == "shift":
                return ndi.shift(x, SHIFT, order=order, mode=mode)
            if job == "rotate":
                return ndi.affine_transform(x, matrix, offset, order=order, mode=mode)
            return ndi.zoom(x, factors, order=order, mode=mode, grid_mode=True)

        finish = np.asarray
    else:
        import jax.numpy as jnp

        from jaxresample import affine_transform, shift, zoom

        xj = jnp.asarray(x)
        del x

        def run():
            if job == "shift":
                return shift(xj, SHIFT, order=order, mode=mode).block_until_ready()
            if job == "rotate":
                y = affine_transform(xj, matrix, offset, order=order, mode=mode)
                return y.block_until_ready()
            return zoom(xj, factors, order=order, mode=mode, grid_mode=True).block_until_ready()

        finish = np.asarray
    t0 = time.perf_counter()
    y = run()
    first = time.perf_counter() - t0
    times = []
    for _ in range(reps):
        del y
        t0 = time.perf_counter()
        y = run()
        times.append(time.perf_counter() - t0)
    out = finish(y)
    assert out.shape == out_shape, out.shape
    np.save(out_path, out)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    print(json.dumps({"median": statistics.median(times), "first": first, "rss": rss}))


def _run_case(
    impl: str, job: str, mode: str, order: int, quick: bool, reps: int, tmp: str, hugetlb: bool
) -> tuple[dict, str]:
    path = os.path.join(tmp, f"{impl}{order}.npy")
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.bench_interp",
        "--worker",
        impl,
        str(order),
        str(reps),
        path,
        "--job",
        job,
        "--mode",
        mode,
    ] + (["--quick"] if quick else [])
    env = dict(os.environ)
    if hugetlb:  # transparent huge pages for malloc: far fewer page faults on fresh buffers
        env["GLIBC_TUNABLES"] = "glibc.malloc.hugetlb=1"
    res = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if res.returncode != 0:
        raise RuntimeError(f"{impl} order {order} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1]), path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small volume, fewer repeats")
    p.add_argument("--orders", type=int, nargs="+", default=[1, 3])
    p.add_argument(
        "--job",
        choices=("zoom", "shift", "rotate"),
        default="zoom",
        help="W1 zoom, a sub-voxel shift, or a rotation",
    )
    p.add_argument("--mode", default=MODE, help=f"boundary mode (default {MODE!r})")
    p.add_argument(
        "--hugetlb",
        action="store_true",
        help="run both peers with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (see PERF.md)",
    )
    p.add_argument(
        "--worker", nargs=4, metavar=("IMPL", "ORDER", "REPS", "OUT"), help=argparse.SUPPRESS
    )
    args = p.parse_args(argv)
    if args.worker:
        impl, order, reps, out = args.worker
        _worker(impl, args.job, args.mode, int(order), args.quick, int(reps), out)
        return 0
    in_shape, out_shape = QUICK if args.quick else FULL
    reps = 3 if args.quick else 5
    job = f"W1 zoom float32 {in_shape} -> {out_shape}, mode={args.mode!r}, grid_mode=True"
    if args.job == "shift":
        out_shape = in_shape
        job = f"shift float32 {in_shape} by {SHIFT}, mode={args.mode!r}"
    if args.job == "rotate":
        out_shape = in_shape
        job = f"affine_transform float32 {in_shape}, rotation by {ANGLE} rad, mode={args.mode!r}"
    io_bytes = (np.prod(in_shape) + np.prod(out_shape)) * 4
    print(
        f"{job}; median of {reps}; input+output = {io_bytes / 2**20:.0f} MiB; "
        f"hugetlb={args.hugetlb}"
    )
    header = (
        f"{'order':>5} {'scipy s':>9} {'ours s':>9} {'ratio':>7} {'max rel err':>12} "
        f"{'ours 1st s':>10} {'scipy RSS':>10} {'ours RSS':>9} {'RSS/(in+out)':>12}"
    )
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        opts = (args.quick, reps, tmp, args.hugetlb)
        for order in args.orders:
            ref, ref_path = _run_case("scipy", args.job, args.mode, order, *opts)
            ours, our_path = _run_case("jax", args.job, args.mode, order, *opts)
            a, b = np.load(our_path), np.load(ref_path)
            err = float(np.max(np.abs(a.astype(np.float64) - b)) / np.max(np.abs(b)))
            print(
                f"{order:>5} {ref['median']:>9.3f} {ours['median']:>9.3f} "
                f"{ours['median'] / ref['median']:>7.3f} {err:>12.2e} {ours['first']:>10.2f} "
                f"{ref['rss'] / 2**20:>9.0f}M {ours['rss'] / 2**20:>8.0f}M "
                f"{ours['rss'] / io_bytes:>12.2f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
