"""``jaxresample batch``: a dataset resampled to one spacing, over every device (and host).

The inputs (files, directories, globs) are planned from their headers, grouped by plan,
read and written on worker threads while the devices compute. Outputs keep the inputs'
names in OUTDIR and are written atomically; existing ones are skipped unless ``--force``
(so a stopped run resumes); a failing input is reported and the others go on. A JSON
summary is written at the end; the exit status is 1 if any input failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from ._report import CommandError, Reporter

__all__ = ["run"]

#: The summary's file name in OUTDIR, when --summary is not given.
SUMMARY = "batch-summary.json"


def _progress(total: int, *, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="vol", desc="jaxresample batch", disable=not enabled,
                file=sys.stderr, dynamic_ncols=True)  # fmt: skip


def _start(args: argparse.Namespace) -> None:
    """Join a multi-process run, and turn the persistent compilation cache on, if asked."""
    import jax

    from .._batch.hosts import distributed_settings

    if args.compilation_cache is not None:
        jax.config.update("jax_compilation_cache_dir", str(args.compilation_cache))
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    settings = distributed_settings(args.coordinator, args.num_processes, args.process_id)
    if settings is not None:
        jax.distributed.initialize(**settings)


def _summary(args: argparse.Namespace, records: list[Any], seconds: float, devices: int,
             processes: int) -> dict[str, Any]:  # fmt: skip
    counts = {s: sum(r.status == s for r in records) for s in ("done", "skipped", "failed")}
    return {
        "spacing": list(args.spacing),
        "order": args.order,
        "outdir": str(args.output),
        "processes": processes,
        "devices_per_process": devices,
        "seconds": round(seconds, 3),
        "volumes_per_second": round(counts["done"] / seconds, 3) if seconds > 0 else None,
        "counts": counts,
        "volumes": [r.to_dict() for r in records],
    }


def _write_summary(path: Path, summary: dict[str, Any]) -> None:
    from .._files import write_atomically

    text = json.dumps(summary, indent=2) + "\n"

    def write(tmp: Path) -> None:
        tmp.write_text(text)

    write_atomically([(path, path.suffix)], write, overwrite=True, fn="summary")


def run(args: argparse.Namespace) -> None:
    """The command; raises :class:`CommandError` with a one-line reason."""
    report = Reporter("batch", verbose=args.verbose)
    out_dir = Path(args.output)
    with report.stage("check", f"cannot write to {out_dir}"):
        out_dir.mkdir(parents=True, exist_ok=True)
    with report.stage("start", "cannot start the run"):
        _start(args)
    import jax

    from .._batch.hosts import gather_records
    from .._batch.pipeline import resample_files
    from .._batch.sharding import batch_mesh

    mesh = batch_mesh(devices=jax.local_devices()[: args.devices] if args.devices else None)
    index, count = jax.process_index(), jax.process_count()
    start = time.perf_counter()
    with report.stage("plan", "cannot resample the inputs"):
        from .._batch.inputs import expand_inputs, share

        total = len(share(expand_inputs(args.inputs, fn="IN"), index, count))
    bar = _progress(total, enabled=sys.stderr.isatty() and not args.verbose)

    def settled(record: Any) -> None:
        if record.status == "failed":  # above the bar, which stays at the bottom
            bar.write(f"jaxresample batch: {record.input} failed, {record.reason}",
                      file=sys.stderr)  # fmt: skip
        bar.update(1)

    try:
        with report.stage("run", "cannot resample the inputs"):
            records = resample_files(
                args.inputs, out_dir, tuple(args.spacing) if len(args.spacing) > 1
                else args.spacing[0], order=args.order, antialias=args.antialias,
                dtype=args.dtype, labels=args.labels, label_method=args.label_method,
                force=args.force, mesh=mesh, readers=args.readers, writers=args.writers,
                on_record=settled,
            )  # fmt: skip
    finally:
        bar.close()
    seconds = time.perf_counter() - start
    merged = gather_records(records)
    summary = _summary(args, merged, seconds, mesh.size, count)
    if index == 0:
        path = Path(args.summary) if args.summary else out_dir / SUMMARY
        with report.stage("summary", f"cannot write {path}"):
            _write_summary(path, summary)
        c = summary["counts"]
        rate = summary["volumes_per_second"]
        print(
            f"{len(merged)} inputs: {c['done']} done, {c['skipped']} skipped, {c['failed']} "
            f"failed in {seconds:.1f} s ({rate} volumes/s on {count} x {mesh.size} devices); "
            f"summary: {path}"
        )
    if summary["counts"]["failed"]:
        raise CommandError(f"{summary['counts']['failed']} of {len(merged)} inputs failed "
                           "(see above and the summary)")  # fmt: skip
