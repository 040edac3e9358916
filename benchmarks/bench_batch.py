"""W5: a dataset of 16 volumes, 256 x 256 x 128 at (0.8, 0.8, 1.5) mm, resampled to 1 mm.

Cubic B-spline (order 3), read from and written to .nii.gz (int16 CT-like inputs with
noise, float32 outputs, nibabel's gzip level). Measured in one process, in this order:

* compute: the 16 volumes resampled from memory by the compiled program the pipeline
  uses (warm), one after the other;
* I/O: the 16 inputs read and the 16 outputs written by as many threads as the pipeline
  uses (2 readers, then 2 writers), nothing computed;
* total: :func:`jaxresample.batch.resample_files` on the 16 files, its program compiled
  by a first run on one volume (the compilations of both runs are counted);
* SimpleITK: the same job as a loop of ``ReadImage``, ``ResampleImageFilter``
  (``sitkBSpline``, the same output grid) and ``WriteImage`` (when SimpleITK is installed).

The target: total <= 1.25 x max(compute, I/O) (reading, computing and writing overlap).

Usage, from the repository root::

    python -m benchmarks.bench_batch            # W5
    python -m benchmarks.bench_batch --quick    # 16 volumes of 64 x 64 x 32
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jax
import numpy as np

COUNT = 16
FULL = (256, 256, 128)
QUICK = (64, 64, 32)
SPACING = (0.8, 0.8, 1.5)
COMPILES: list[float] = []


def _count(event: str, duration_secs: float, **kwargs: str | int) -> None:
    if event == "/jax/core/compile/backend_compile_duration":
        COMPILES.append(duration_secs)


def _phantom(shape: tuple[int, ...], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A CT-like int16 volume in HU: air, an elliptic body, lungs, a spine, 10 HU noise."""
    axes = [(np.arange(n, dtype=np.float32) - (n - 1) / 2) * s
            for n, s in zip(shape, SPACING, strict=True)]  # fmt: skip
    x, y, z = axes[0][:, None, None], axes[1][None, :, None], axes[2][None, None, :]
    half = [n * s / 2 for n, s in zip(shape, SPACING, strict=True)]
    vol = np.full(shape, -1000.0, np.float32)
    vol[np.broadcast_to((x / (0.9 * half[0])) ** 2 + (y / (0.7 * half[1])) ** 2 <= 1, shape)] = 40
    for cx in (-0.4, 0.4):
        lung = ((x - cx * half[0]) / (0.3 * half[0])) ** 2 + (y / (0.4 * half[1])) ** 2 + (
            z / (0.8 * half[2])) ** 2 <= 1  # fmt: skip
        vol[lung] = -850
    vol[np.broadcast_to((x / 15) ** 2 + ((y - 0.5 * half[1]) / 15) ** 2 <= 1, shape)] = 700
    vol += np.random.default_rng(seed).normal(0, 10, shape).astype(np.float32)
    affine = np.diag([*SPACING, 1.0])
    affine[:3, 3] = [-(n - 1) / 2 * s for n, s in zip(shape, SPACING, strict=True)]
    return np.round(vol).astype(np.int16), affine


def _sitk_loop(sources: list[Path], out: Path, size: list[int], spacing: list[float]) -> float:
    import SimpleITK as sitk

    start = time.perf_counter()
    for src in sources:
        img = sitk.ReadImage(str(src), sitk.sitkFloat32)
        d = np.array(img.GetDirection()).reshape(3, 3)
        shift = (np.array(spacing) - np.array(img.GetSpacing())) / 2  # edges anchored
        rf = sitk.ResampleImageFilter()
        rf.SetSize(size)
        rf.SetOutputSpacing(spacing)
        rf.SetOutputDirection(img.GetDirection())
        rf.SetOutputOrigin([float(v) for v in np.array(img.GetOrigin()) + d @ shift])
        rf.SetInterpolator(sitk.sitkBSpline)
        rf.SetDefaultPixelValue(-1000.0)
        sitk.WriteImage(rf.Execute(img), str(out / src.name), useCompression=True)
    return time.perf_counter() - start


def run(shape: tuple[int, ...], folder: Path) -> dict[str, Any]:
    from jaxresample._batch.sharding import batch_mesh, place, sharded_program
    from jaxresample._batch.volumes import ResampleOptions, volume_program
    from jaxresample.batch import resample_files
    from jaxresample.io import load_volume, save_volume

    src = folder / "in"
    src.mkdir()
    for i in range(COUNT):
        data, affine = _phantom(shape, i)
        save_volume(src / f"ct{i:02d}.nii.gz", data, affine)
    sources = sorted(src.iterdir())
    jax.monitoring.register_event_duration_secs_listener(_count)

    # total: a first run on one volume compiles; the run on all 16 must not compile again
    (folder / "warm").mkdir()
    warm = resample_files(sources[:1], folder / "warm", 1.0, order=3)
    compiles_first = len(COMPILES)
    (folder / "out").mkdir()
    start = time.perf_counter()
    records = resample_files(sources, folder / "out", 1.0, order=3)
    total = time.perf_counter() - start
    compiles_after = len(COMPILES) - compiles_first
    assert all(r.status == "done" for r in records + warm), records

    # compute: the pipeline's program on volumes already in memory
    vols = [load_volume(p) for p in sources]
    mesh = batch_mesh()
    options = ResampleOptions(spacing=1.0, order=3)
    program = sharded_program(volume_program(vols[0].affine, options), mesh)
    placed = [place(v.data[None], mesh)[0] for v in vols]
    jax.block_until_ready(program(placed[0]))
    start = time.perf_counter()
    results = [np.asarray(jax.block_until_ready(program(x)))[0] for x in placed]
    compute = time.perf_counter() - start
    del placed

    # I/O: read and write with the pipeline's threads, no compute
    (folder / "io").mkdir()
    start = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda p: load_volume(p).data.sum(), sources))
    read = time.perf_counter() - start
    out_affine = np.array(records[0].affine)
    with ThreadPoolExecutor(2) as pool:
        names = [folder / "io" / p.name for p in sources]
        list(pool.map(lambda i: save_volume(names[i], results[i], out_affine), range(COUNT)))
    io_time = time.perf_counter() - start
    write = io_time - read

    report: dict[str, Any] = {
        "volumes": COUNT, "shape": list(shape), "out_shape": records[0].out_shape,
        "devices": mesh.size, "platform": jax.devices()[0].platform,
        "compute_s": compute, "read_s": read, "write_s": write, "io_s": io_time,
        "total_s": total, "compiles_first_run": compiles_first,
        "compiles_after_first": compiles_after,
    }  # fmt: skip
    report["overlap_ratio"] = total / max(compute, io_time)
    report["volumes_per_s"] = COUNT / total
    report["device_busy"] = compute / total
    same = [np.array_equal(load_volume(folder / "out" / p.name).data, r)
            for p, r in zip(sources, results, strict=True)]  # fmt: skip
    report["files_equal_compute"] = all(same)
    try:
        import SimpleITK  # noqa: F401
    except ImportError:
        return report
    (folder / "sitk").mkdir()
    size = [int(n) for n in records[0].out_shape or []]
    report["sitk_s"] = _sitk_loop(sources, folder / "sitk", size, records[0].out_spacing or [])
    ours = load_volume(folder / "out" / sources[0].name).data
    theirs = load_volume(folder / "sitk" / sources[0].name).data
    inner = tuple(slice(4, n - 4) for n in ours.shape)  # away from the borders' handling
    report["sitk_median_abs_diff_hu"] = float(np.median(np.abs(ours[inner] - theirs[inner])))
    report["ratio_vs_sitk"] = total / report["sitk_s"]
    return report


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_batch")
    parser.add_argument("--quick", action="store_true", help="16 volumes of 64 x 64 x 32")
    args = parser.parse_args(argv)
    shape = QUICK if args.quick else FULL
    with tempfile.TemporaryDirectory() as tmp:
        r = run(shape, Path(tmp))
    print(f"W5: {r['volumes']} x {tuple(r['shape'])} -> {tuple(r['out_shape'])}, order 3, "
          f".nii.gz, {r['devices']} {r['platform']} device(s)")  # fmt: skip
    print(f"  compute {r['compute_s']:.2f} s | I/O {r['io_s']:.2f} s (read {r['read_s']:.2f}, "
          f"write {r['write_s']:.2f}) | total {r['total_s']:.2f} s "
          f"= {r['overlap_ratio']:.2f} x max(compute, I/O) (target <= 1.25)")  # fmt: skip
    print(f"  {r['volumes_per_s']:.2f} volumes/s, device busy {100 * r['device_busy']:.0f}% "
          f"of the run; compilations: {r['compiles_first_run']} in the first run (the program "
          f"and the engine's small constants), "
          f"{r['compiles_after_first']} after; files == in-memory results: "
          f"{r['files_equal_compute']}")  # fmt: skip
    if "sitk_s" in r:
        diff = r["sitk_median_abs_diff_hu"]
        print(f"  SimpleITK loop {r['sitk_s']:.2f} s: jaxresample {r['ratio_vs_sitk']:.2f} x "
              f"its time (median |difference| inside {diff:.3g} HU)")  # fmt: skip


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
