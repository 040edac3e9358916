"""Run in a subprocess by tests/test_batch_devices.py, with forced host devices.

``python -m tests._batch_worker DIR`` prints one JSON object: what the sharded runs gave
against one device, the shardings seen and the compilations counted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import NamedSharding

from jaxresample import resample_to_spacing
from jaxresample.batch import batch_mesh, map_sharded, resample_batch, resample_files
from jaxresample.io import load_volume, save_volume

AFFINE = np.diag([0.8, 0.8, 1.5, 1.0])
COMPILES: list[str] = []


def _count(event: str, duration_secs: float, **kwargs: str | int) -> None:
    if event == "/jax/core/compile/backend_compile_duration":
        COMPILES.append(event)


def main(folder: Path) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    vols = [rng.normal(size=(20, 18, 10)).astype(np.float32) for _ in range(11)]
    vols += [rng.normal(size=(16, 18, 10)).astype(np.float32) for _ in range(3)]
    report: dict[str, Any] = {"devices": len(jax.devices())}
    many = resample_batch(vols, AFFINE, 1.0, order=3)
    one = resample_batch(vols, AFFINE, 1.0, order=3, mesh=batch_mesh(devices=jax.devices()[:1]))
    report["bitwise_vs_one_device"] = all(
        np.array_equal(np.asarray(a), np.asarray(b))
        for (a, _), (b, _) in zip(many, one, strict=True)
    )
    single = jax.jit(lambda v: resample_to_spacing(v, AFFINE, 1.0, order=3)[0])
    report["bitwise_vs_resample_to_spacing"] = all(
        np.array_equal(np.asarray(a), np.asarray(single(v)))
        for (a, _), v in zip(many, vols, strict=True)
    )
    report["result_devices"] = len({d.id for a, _ in many for d in a.devices()})
    stack = jnp.asarray(np.stack(vols[:8] + vols[:8]))  # 16 volumes: 2 per device
    out = map_sharded(lambda v: v * 2.0, stack)
    sharding = out.sharding
    report["sharding"] = {
        "named": isinstance(sharding, NamedSharding),
        "spec": list(sharding.spec) if isinstance(sharding, NamedSharding) else None,
        "mesh_size": sharding.mesh.size if isinstance(sharding, NamedSharding) else None,
        "shard_shapes": sorted({tuple(s.data.shape) for s in out.addressable_shards}),
        "shards": len(out.addressable_shards),
    }
    uneven = map_sharded(lambda v: v * 2.0, stack[:11])
    report["uneven_shape"] = list(uneven.shape)
    report["uneven_equal"] = bool(np.array_equal(np.asarray(uneven), np.asarray(stack[:11]) * 2))
    # a dataset of two plans: one compilation each, whatever the number of volumes
    src, dst = folder / "in", folder / "out"
    src.mkdir()
    dst.mkdir()
    for i, v in enumerate(vols):
        save_volume(src / f"v{i:02d}.nii.gz", v, AFFINE)
    jax.monitoring.register_event_duration_secs_listener(_count)
    records = resample_files([src], dst, 1.0, order=3)
    report["compiles"] = len(COMPILES)
    report["statuses"] = sorted({r.status for r in records})
    report["files_equal"] = all(
        np.allclose(load_volume(dst / f"v{i:02d}.nii.gz").data, np.asarray(a), atol=0)
        for i, (a, _) in enumerate(one)
    )
    # label maps of one grid and two dtypes: never stacked together, each keeps its dtype
    segs, seg_out = folder / "segs", folder / "segs_out"
    segs.mkdir()
    seg_out.mkdir()
    seg = rng.integers(0, 3, size=(8, 8, 4))
    for name, dtype in (("a_seg.nii.gz", np.uint8), ("b_seg.nii.gz", np.int16)):
        save_volume(segs / name, seg.astype(dtype), AFFINE)
    resample_files([segs], seg_out, 1.0, labels="*_seg*")
    report["label_dtypes"] = [
        str(load_volume(seg_out / n, dtype=None).data.dtype)
        for n in ("a_seg.nii.gz", "b_seg.nii.gz")
    ]
    return report


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
