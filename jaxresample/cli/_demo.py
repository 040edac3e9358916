"""The ``jaxresample demo`` job: respace a CT volume, write NIfTI + PNG, report the geometry.

The geometry comes from :func:`jaxresample.plan_resample` with the *edges* anchor: the
physical extent is preserved, the output size is ``round(extent / spacing)`` and the
spacing actually reached, ``extent / size``, is reported and written in the affine.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .. import io
from .._affine import is_oblique, voxel_sizes
from .._volumes.resample import resample_to_spacing

#: The demo CT's geometry: 512 x 512 x 247 voxels of 0.78125 x 0.78125 x 1.0 mm.
CT_SHAPE = (512, 512, 247)
CT_SPACING = (0.78125, 0.78125, 1.0)


def ct_phantom(
    shape: tuple[int, int, int] = CT_SHAPE, spacing: tuple[float, float, float] = CT_SPACING
) -> tuple[np.ndarray, np.ndarray]:
    """A synthetic abdominal CT in Hounsfield units, float32, with a RAS affine.

    Air (-1000) around an elliptic body of soft tissue (40), two lungs (-850), a spine
    (700) and a liver-like lesion (90), centred in the field of view.
    """
    axes = [
        ((np.arange(n, dtype=np.float32) - (n - 1) / 2) * s)
        for n, s in zip(shape, spacing, strict=True)
    ]
    x = axes[0][:, None, None]
    y = axes[1][None, :, None]
    z = axes[2][None, None, :]
    vol = np.full(shape, -1000.0, dtype=np.float32)
    body = (x / 170) ** 2 + (y / 120) ** 2 <= 1.0
    vol[np.broadcast_to(body, shape)] = 40.0
    for cx in (-75.0, 75.0):
        lung = ((x - cx) / 55) ** 2 + ((y + 10) / 70) ** 2 + (z / 150) ** 2 <= 1.0
        vol[lung] = -850.0
    spine = (x / 18) ** 2 + ((y - 80) / 18) ** 2 <= 1.0
    vol[np.broadcast_to(spine, shape)] = 700.0
    lesion = ((x - 40) ** 2 + (y + 30) ** 2 + (z - 20) ** 2) <= 15.0**2
    vol[lesion] = 90.0
    affine = np.diag([*spacing, 1.0])
    affine[:3, 3] = [-(n - 1) / 2 * s for n, s in zip(shape, spacing, strict=True)]
    return vol, affine


def _figure(path: Path, before: np.ndarray, sp_before, after: np.ndarray, sp_after) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, rows = plt.subplots(2, 3, figsize=(11, 7.5))
    for row, vol, sp, label in ((0, before, sp_before, "input"), (1, after, sp_after, "output")):
        for ax_i, axis in enumerate(range(3)):
            idx = [slice(None)] * 3
            idx[axis] = slice(vol.shape[axis] // 2, vol.shape[axis] // 2 + 1)
            img = np.squeeze(vol[tuple(idx)], axis=axis)
            dims = [d for d in range(3) if d != axis]
            ax = rows[row][ax_i]
            ax.imshow(
                img.T,
                cmap="gray",
                vmin=-1000,
                vmax=1000,
                origin="lower",
                aspect=sp[dims[1]] / sp[dims[0]],
            )
            shape_txt = "x".join(str(n) for n in vol.shape)
            sp_txt = "x".join(f"{s:.4g}" for s in sp)
            ax.set_title(f"{label} {shape_txt} @ {sp_txt} mm\nmid-slice of axis {axis}", fontsize=9)
            ax.set_axis_off()
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def _one(
    name: str, data: np.ndarray, affine: np.ndarray, *, spacing, order, mode, cval, dest: Path,
    stem, say,
):  # fmt: skip
    import jax
    import nibabel as nib

    if not np.all(np.isfinite(affine)):
        raise ValueError(f"{name}: the affine has non-finite entries")

    def run(v):
        return resample_to_spacing(v, affine, spacing, order=order, mode=mode, cval=cval)

    x = jax.device_put(data)
    t0 = time.perf_counter()
    run(x)[0].block_until_ready()  # compile once, time the second run
    say(f"compile  {time.perf_counter() - t0:7.3f} s  {name} (and a first run)")
    t0 = time.perf_counter()
    out, out_affine = run(x)
    out = np.asarray(out.block_until_ready())
    seconds = time.perf_counter() - t0
    say(f"resample {seconds:7.3f} s  {name}")

    dest.mkdir(parents=True, exist_ok=True)  # only now: a failed load leaves no empty folder
    t0 = time.perf_counter()
    nifti = io.save_volume(dest / f"{stem}.nii.gz", out, out_affine, overwrite=True)
    png = dest / f"{stem}.png"
    s_in = voxel_sizes(affine)
    s_out = voxel_sizes(out_affine)
    first = (slice(None),) * 3 + (0,) * (data.ndim - 3)  # the first volume of a series
    _figure(png, data[first], s_in, out[first], s_out)
    say(f"save     {time.perf_counter() - t0:7.3f} s  {nifti}, {png.name}")

    def fmt(v) -> str:
        return " x ".join(f"{float(a):.6g}" for a in v)

    orient = "".join(nib.orientations.aff2axcodes(affine))
    print(f"input:    {name} ({orient}{', oblique' if is_oblique(affine) else ''})")
    print(f"          shape {fmt(data.shape)} voxels, spacing {fmt(s_in)} mm")
    print(f"          extent {fmt(np.array(data.shape[:3]) * s_in)} mm")
    print(f"output:   shape {fmt(out.shape)} voxels, spacing {fmt(s_out)} mm")
    print(
        f"          (asked {fmt(np.broadcast_to(spacing, (3,)))} mm), "
        f"extent {fmt(np.array(out.shape[:3]) * s_out)} mm"
    )
    print(
        f"time:     {seconds:.3f} s on {jax.devices()[0].platform}, B-spline order {order} "
        "(after compilation)"
    )
    print(f"wrote:    {nifti}")
    print(f"          {png}")


def nibabel_example(name: str) -> Path | None:
    """The path of one of the NIfTI files nibabel ships (``nibabel/tests/data``), or None.

    Found through the package's files, not ``nibabel.testing`` (which imports pytest, absent
    from an environment that installed only jaxresample).
    """
    from importlib.resources import files

    path = Path(str(files("nibabel") / "tests" / "data" / name))
    return path if path.is_file() else None


def _quiet(text: str) -> None:
    pass


def run_demo(
    *,
    input_path: str | None,
    spacing: tuple[float, ...],
    order: int,
    out_dir: str,
    mode: str = "nearest",
    cval: float = 0.0,
    say: Callable[[str], None] = _quiet,
) -> None:
    """Resample and write ``<out_dir>/<name>.nii.gz`` and ``<out_dir>/<name>.png``.

    Without ``input_path``: the CT phantom (512 x 512 x 247 voxels of 0.78125 x 0.78125 x
    1 mm) and nibabel's example 4-D EPI (a real, oblique NIfTI shipped inside nibabel's wheel).
    """
    dest = Path(out_dir)
    if dest.exists() and not dest.is_dir():
        raise NotADirectoryError(f"--out-dir {out_dir!r} exists and is not a directory")
    opts: dict[str, Any] = dict(
        spacing=spacing, order=order, mode=mode, cval=cval, dest=dest, say=say
    )
    if input_path is not None:
        t0 = time.perf_counter()
        vol = io.load_volume(input_path)
        say(f"load     {time.perf_counter() - t0:7.3f} s  {input_path}")
        if vol.data.ndim not in (3, 4):
            raise ValueError(f"{input_path}: expected a 3-D or 4-D volume, got {vol.data.shape}")
        stem = Path(input_path).name.removesuffix(".gz").removesuffix(".nii") + "_resampled"
        _one(
            os.fspath(input_path),
            vol.data,
            vol.affine,
            stem=stem,
            **opts,
        )
        return
    data, affine = ct_phantom()
    _one(
        "synthetic CT phantom",
        data,
        affine,
        stem="ct_phantom_resampled",
        **opts,
    )
    print()
    example = nibabel_example("example4d.nii.gz")
    if example is None:
        print("nibabel's example4d.nii.gz is not installed: skipping the EPI")
        return
    epi = io.load_volume(example)
    _one(
        "nibabel's example4d.nii.gz (4-D EPI)",
        epi.data,
        epi.affine,
        stem="example4d_resampled",
        **opts,
    )
