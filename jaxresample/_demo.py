"""The ``jaxresample demo`` job: respace a CT volume, write NIfTI + PNG, report the geometry.

The geometry comes from :func:`jaxresample.plan_resample` with the *edges* anchor: the
physical extent is preserved, the output size is ``round(extent / spacing)`` and the
spacing actually reached, ``extent / size``, is reported and written in the affine.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

#: The seed's CT geometry: 512 x 512 x 247 voxels of 0.78125 x 0.78125 x 1.0 mm.
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


def run_demo(
    *, input_path: str | None, spacing: tuple[float, ...], order: int, out_dir: str
) -> None:
    """Resample, write ``<out_dir>/resampled.nii.gz`` and ``<out_dir>/resampled.png``."""
    import nibabel as nib

    from ._affine import voxel_sizes
    from ._plan import plan_resample

    if input_path is None:
        data, affine = ct_phantom()
        name = "synthetic CT phantom"
    else:
        img = nib.load(input_path)
        if not isinstance(img, nib.Nifti1Image | nib.Nifti2Image):
            raise ValueError(f"{input_path}: not a NIfTI file ({type(img).__name__})")
        if len(img.shape) != 3:
            raise ValueError(f"{input_path}: expected a 3-D volume, got shape {img.shape}")
        data = np.asarray(img.dataobj, dtype=np.float32)
        affine = np.asarray(img.affine, dtype=np.float64)
        name = os.fspath(input_path)
    if not np.all(np.isfinite(affine)):
        raise ValueError(f"{name}: the affine has non-finite entries")
    plan = plan_resample(data.shape, affine, spacing=spacing, anchor="edges")
    out_shape, out_affine, reached = plan.out_shape, plan.out_affine, plan.spacing
    s_in = voxel_sizes(affine)
    # With edges anchored, output voxel o reads input index (o + 0.5) * n / m - 0.5: the grid
    # of zoom(..., grid_mode=True) with factors m / n.
    factors = tuple(m / n for m, n in zip(out_shape, data.shape, strict=True))

    import jax

    from .ndimage import zoom

    x = jax.device_put(data)
    # Out-of-field samples continue the nearest edge voxel: no dark rim of cval.
    run = jax.jit(lambda v: zoom(v, factors, order=order, mode="nearest", grid_mode=True))
    run(x).block_until_ready()  # compile once, time the second run
    t0 = time.perf_counter()
    result = run(x).block_until_ready()
    seconds = time.perf_counter() - t0
    out = np.asarray(result)
    if out.shape != out_shape:  # pragma: no cover - guards the geometry invariant
        raise RuntimeError(f"demo: zoom produced {out.shape}, expected {out_shape}")

    dest = Path(out_dir)
    dest.mkdir(parents=True, exist_ok=True)
    nifti = dest / "resampled.nii.gz"
    out_img = nib.Nifti1Image(out, out_affine)
    out_img.set_qform(out_affine, code=1)
    out_img.set_sform(out_affine, code=1)
    tmp = nifti.with_name(nifti.name + ".part.nii.gz")
    nib.save(out_img, tmp)
    os.replace(tmp, nifti)
    png = dest / "resampled.png"
    _figure(png, data, s_in, out, reached)

    def fmt(v) -> str:
        return " x ".join(f"{float(a):.6g}" for a in v)

    print(f"input:    {name}")
    print(f"          shape {fmt(data.shape)} voxels, spacing {fmt(s_in)} mm")
    print(f"          extent {fmt(np.array(data.shape) * s_in)} mm")
    print(f"output:   shape {fmt(out_shape)} voxels, spacing {fmt(reached)} mm")
    print(f"          (asked {fmt(spacing)} mm), extent {fmt(np.array(out_shape) * reached)} mm")
    print(f"method:   B-spline order {order}, mode 'nearest', edges of the field of view aligned")
    print(f"time:     {seconds:.3f} s on {jax.devices()[0].platform} (after compilation)")
    print(f"wrote:    {nifti}")
    print(f"          {png}")
