"""A dataset on disk resampled to one spacing: read, compute and write, overlapped.

The headers are read first (no data): each input is planned, grouped with the inputs of
the same plan, and an input whose output exists is skipped (unless ``force``). Then worker
threads read volumes ahead of the devices (at most ``depth`` waiting), the main thread
stacks one volume per device, dispatches the group's compiled program (asynchronously)
and hands each result to the writer threads (at most ``depth`` waiting), which write it
atomically (a killed run leaves no partial file under an output name). A failing input is
recorded with its reason; the run goes on.
"""

from __future__ import annotations

import collections
import dataclasses
import fnmatch
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jax
import numpy as np
from jax.sharding import Mesh

from .. import io
from .._affine import voxel_sizes
from .._casting import numeric_dtype
from .._choices import LABEL_METHODS
from .._formats import file_affine, open_image, output_format, spatial_affine
from .._messages import reason
from .._validation import check_choice, fmt, static_int
from .._volumes.labels import integer_labels
from .inputs import check_unique, expand_inputs, output_path, share
from .sharding import check_mesh, place, sharded_program
from .volumes import ResampleOptions, check_program, group_key, plan_volume, volume_program

__all__ = ["VolumeRecord", "resample_files"]


@dataclasses.dataclass
class VolumeRecord:
    """What happened to one input of :func:`resample_files`.

    Attributes:
      input: the input file.
      output: the output file.
      status: ``"done"``, ``"skipped"`` (its output existed) or ``"failed"``.
      reason: why it failed, one line; None otherwise.
      kind: ``"image"`` or ``"labels"``.
      in_shape, out_shape: the shapes (None when unknown).
      in_spacing, out_spacing: voxel sizes in mm (None when unknown).
      affine: the output's 4 x 4 affine as nested lists (None when unknown).
      read_s, compute_s, write_s: seconds spent reading, waiting for the device, writing.
      process: the index of the process that handled it.
    """

    input: str
    output: str
    status: str = "pending"
    reason: str | None = None
    kind: str = "image"
    in_shape: list[int] | None = None
    out_shape: list[int] | None = None
    in_spacing: list[float] | None = None
    out_spacing: list[float] | None = None
    affine: list[list[float]] | None = None
    read_s: float = 0.0
    compute_s: float = 0.0
    write_s: float = 0.0
    process: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready plain data."""
        return dataclasses.asdict(self)

    def fail(self, err: BaseException) -> None:
        """Mark the record failed with the one-line reason of ``err``."""
        self.status, self.reason = "failed", reason(err)


@dataclasses.dataclass
class _Job:
    record: VolumeRecord
    source: Path
    dest: Path
    affine: np.ndarray  # the spatial (nd + 1)-square affine
    out_affine: np.ndarray  # 4 x 4, for the file
    labels: bool
    key: tuple[Any, ...]
    header: Any = None
    dtype: Any = None  # on-disk dtype of the output; None: the library's rule


def _record_grid(rec: VolumeRecord, shape: Any, affine4: np.ndarray, nd: int) -> None:
    rec.in_shape = [int(n) for n in shape]
    rec.in_spacing = [float(s) for s in voxel_sizes(spatial_affine(affine4, nd))]


def _plan(src: Path, dest: Path, options: ResampleOptions, labels: str | None, *,
          process: int, fn: str) -> _Job:  # fmt: skip
    rec = VolumeRecord(input=str(src), output=str(dest), process=process)
    is_labels = labels is not None and fnmatch.fnmatch(src.name, labels)
    rec.kind = "labels" if is_labels else "image"
    img = open_image(src, fn=fn)
    shape = tuple(int(n) for n in img.shape)
    nd = 2 if len(shape) == 2 else 3
    affine4 = np.asarray(img.affine, dtype=np.float64)
    _record_grid(rec, shape, affine4, nd)
    if is_labels and len(shape) != nd:
        raise ValueError(f"a label map must be 2-D or 3-D; {src} has shape {shape}")
    stored = np.dtype(img.get_data_dtype())
    if stored.kind == "c":
        raise ValueError(f"{src} holds complex data ({stored}); resample it with `resample`")
    affine = spatial_affine(affine4, nd)
    opts = dataclasses.replace(options, label_method=options.label_method if is_labels else None)
    plan = plan_volume(shape, affine, opts, fn=fn)
    out_affine = file_affine(plan.out_affine, nd, affine4)
    rec.out_shape = [*plan.out_shape, *shape[nd:]]
    rec.out_spacing = [float(s) for s in plan.spacing]
    rec.affine = out_affine.tolist()
    # label maps keep their dtype (the program's output dtype), images are read as float32
    key = (is_labels, group_key(shape, stored if is_labels else np.float32, affine, plan))
    dtype = None if is_labels else (options.dtype or "float32")
    form = output_format(dest, fn=fn)[2]
    if dtype is not None and dtype not in form.dtypes:
        raise ValueError(f"a {form.name} file cannot store {dtype} ({', '.join(form.dtypes)})")
    return _Job(rec, src, dest, affine, out_affine, is_labels, key, dtype=dtype)


def _load(job: _Job) -> tuple[np.ndarray, tuple[int, ...]]:
    start = time.perf_counter()
    vol = io.load_volume(job.source, dtype=None if job.labels else np.float32)
    job.header = vol.header
    data: np.ndarray = vol.data
    values: tuple[int, ...] = ()
    if job.labels:
        data, values = integer_labels(data, need="a label map needs", where=str(job.source))
    job.record.read_s = time.perf_counter() - start
    return data, values


def _save(job: _Job, result: jax.Array, force: bool) -> None:
    start = time.perf_counter()
    data = np.asarray(result)[0]  # the device's one volume; waits for the computation
    mid = time.perf_counter()
    job.record.compute_s = mid - start
    io.save_volume(job.dest, data, job.out_affine, dtype=job.dtype, like=job.header,
                   overwrite=force)  # fmt: skip
    job.record.write_s = time.perf_counter() - mid


class _Run:
    """The reading, computing and writing of the planned jobs, overlapped."""

    def __init__(self, jobs: list[_Job], mesh: Mesh, options: ResampleOptions, *, force: bool,
                 readers: int, writers: int, depth: int,
                 on_record: Callable[[VolumeRecord], None], fn: str) -> None:  # fmt: skip
        self.jobs, self.mesh, self.options, self.force = jobs, mesh, options, force
        self.depth, self.on_record, self.fn = depth, on_record, fn
        self.readers = ThreadPoolExecutor(readers, thread_name_prefix="jaxresample-read")
        self.writers = ThreadPoolExecutor(writers, thread_name_prefix="jaxresample-write")
        self.loads: collections.deque[tuple[_Job, Future[Any]]] = collections.deque()
        self.saves: collections.deque[tuple[_Job, Future[Any]]] = collections.deque()
        self.programs: dict[tuple[Any, ...], Any] = {}
        self._next = iter(jobs)

    def _refill(self) -> None:
        while len(self.loads) < self.depth:
            job = next(self._next, None)
            if job is None:
                return
            self.loads.append((job, self.readers.submit(_load, job)))

    def _finish(self, job: _Job) -> None:
        self.on_record(job.record)

    def _harvest(self, *, drain: bool) -> None:
        """Report finished writes in order; wait while more than ``depth`` are pending."""
        while self.saves and (drain or len(self.saves) > self.depth or self.saves[0][1].done()):
            job, fut = self.saves.popleft()
            try:
                fut.result()
                job.record.status = "done"
            except Exception as err:  # the write (or the computation it waited for) failed
                job.record.fail(err)
            self._finish(job)

    def _program(self, job: _Job, values: tuple[int, ...], shape: tuple[int, ...],
                 dtype: Any) -> Any:  # fmt: skip
        key = (job.key, values)
        if key not in self.programs:
            opts = (
                self.options if job.labels else dataclasses.replace(self.options, label_method=None)
            )
            program = volume_program(job.affine, opts, values)
            check_program(program, shape, dtype, fn=self.fn)
            self.programs[key] = sharded_program(program, self.mesh)
        return self.programs[key]

    def _dispatch(self, step: list[tuple[_Job, np.ndarray, tuple[int, ...]]]) -> None:
        values = tuple(sorted(set().union(*(v for _, _, v in step))))
        first, data, _ = step[0]
        try:
            run = self._program(first, values, data.shape, data.dtype)
            batch, n = place(np.stack([d for _, d, _ in step]), self.mesh)
            out = run(batch)  # dispatched; the writers wait for it
        except Exception as err:  # a program that cannot be built or run: this step fails
            for job, _, _ in step:
                job.record.fail(err)
                self._finish(job)
            return
        shards = sorted(out.addressable_shards, key=lambda s: s.index[0].start or 0)
        for (job, _, _), shard in zip(step, shards[:n], strict=True):
            self.saves.append((job, self.writers.submit(_save, job, shard.data, self.force)))

    def run(self) -> None:
        step: list[tuple[_Job, np.ndarray, tuple[int, ...]]] = []
        try:
            self._refill()
            while self.loads:
                job, fut = self.loads.popleft()
                self._refill()
                try:
                    data, values = fut.result()
                except Exception as err:  # unreadable: recorded, the run goes on
                    job.record.fail(err)
                    self._finish(job)
                else:
                    step.append((job, data, values))
                following = self.loads[0][0].key if self.loads else None
                if step and (len(step) == self.mesh.size or following != step[0][0].key):
                    self._dispatch(step)
                    step = []
                self._harvest(drain=False)
            self._harvest(drain=True)
        finally:  # on an interrupt: no new work; writes under way finish (atomically)
            self.readers.shutdown(wait=True, cancel_futures=True)
            self.writers.shutdown(wait=True, cancel_futures=True)


def resample_files(
    inputs: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    spacing: float | Sequence[float],
    *,
    order: int = 3,
    antialias: bool = False,
    dtype: Any = None,
    labels: str | None = None,
    label_method: str = "linear",
    force: bool = False,
    mesh: Mesh | None = None,
    readers: int = 2,
    writers: int = 2,
    depth: int | None = None,
    process: tuple[int, int] | None = None,
    on_record: Callable[[VolumeRecord], None] | None = None,
) -> list[VolumeRecord]:
    """Resample a dataset of image files to one voxel spacing, over every device.

    Each input ``IN`` is written to ``out_dir / IN.name`` (formats nibabel reads but
    cannot write become ``.nii.gz``) with :func:`jaxresample.resample_to_spacing`'s grid,
    values and affine (label maps: :func:`jaxresample.resample_labels`'s). The inputs are
    planned from their headers and grouped by plan; each group compiles once and runs one
    volume per device per step, sharded over ``mesh`` (see :func:`resample_batch`), while
    worker threads read the next volumes and write the finished ones. Every output is
    written atomically; an input whose output exists is skipped unless ``force``, so a
    run that was stopped resumes where it was. A failing input is recorded with its
    reason and the others go on.

    Args:
      inputs: image files, directories (their image files) or glob patterns.
      out_dir: an existing directory for the outputs.
      spacing: output voxel size in mm, one value or one per spatial axis.
      order: B-spline order 0-5 of the images.
      antialias: Gaussian anti-aliasing of the downsampled axes of the images.
      dtype: on-disk dtype of the resampled images (rounded and saturated into integers);
        None: float32. Label maps keep their integer dtype.
      labels: a glob pattern on file names (``"*_seg.nii.gz"``): matching inputs are label
        maps, resampled by ``label_method``; None: every input is an image.
      label_method: ``"nearest"``, ``"linear"`` (default) or ``"gaussian"``.
      force: overwrite existing outputs instead of skipping their inputs.
      mesh: a mesh with the single axis ``"batch"`` (:func:`batch_mesh`); None: every
        device of this process.
      readers: threads reading volumes.
      writers: threads writing volumes.
      depth: how many volumes may wait to be computed, and how many to be written; None:
        twice the number of devices (at least 2). Bounds the memory.
      process: ``(index, count)``: handle every ``count``-th input from ``index`` (the
        inputs sorted by name); None: this process's share in a ``jax.distributed`` run
        (``(jax.process_index(), jax.process_count())``), all of them otherwise.
      on_record: called with each record as it is settled (done, skipped or failed).

    Returns:
      One :class:`VolumeRecord` per input of this process: first those settled before any
      data was read (skipped, or failed at their header), then the others in the order
      they ran (grouped by plan).

    Raises:
      FileNotFoundError: an input that does not exist, or a missing ``out_dir``.
      ValueError: a bad option, no inputs, or two inputs that would write one output.

    Examples:
      >>> import pathlib, tempfile
      >>> from jaxresample.io import save_volume
      >>> from jaxresample.batch import resample_files
      >>> with tempfile.TemporaryDirectory() as tmp:
      ...     src, out = pathlib.Path(tmp, "in"), pathlib.Path(tmp, "out")
      ...     src.mkdir(); out.mkdir()
      ...     for i in range(3):
      ...         _ = save_volume(src / f"v{i}.nii.gz", np.ones((8, 8, 4), np.float32),
      ...                         np.diag([0.5, 0.5, 1.0, 1.0]))
      ...     records = resample_files([src], out, 1.0, order=1)
      ...     [(r.status, r.out_shape) for r in records]
      [('done', [4, 4, 4]), ('done', [4, 4, 4]), ('done', [4, 4, 4])]

    .. versionadded:: 0.1
    """
    fn = "resample_files"
    m = check_mesh(mesh, fn=fn)
    order = static_int(order, fn=fn, name="order", minimum=0, maximum=5)
    check_choice(label_method, LABEL_METHODS, fn=fn, name="label_method")
    for name, value in (("antialias", antialias), ("force", force)):
        if not isinstance(value, bool):
            raise TypeError(f"{fn}: {name} must be a bool; got {fmt(value)}")
    if labels is not None and not isinstance(labels, str):
        raise TypeError(f"{fn}: labels must be a glob pattern (str) or None; got {fmt(labels)}")
    readers = static_int(readers, fn=fn, name="readers", minimum=1)
    writers = static_int(writers, fn=fn, name="writers", minimum=1)
    depth = max(2, 2 * m.size) if depth is None else static_int(depth, fn=fn, name="depth",
                                                                minimum=1)  # fmt: skip
    index, count = (jax.process_index(), jax.process_count()) if process is None else process
    index = static_int(index, fn=fn, name="process", minimum=0)
    count = static_int(count, fn=fn, name="process", minimum=1)
    if index >= count:
        raise ValueError(f"{fn}: process index {index} must be below the count {count}")
    target = Path(out_dir)
    if not target.is_dir():
        raise FileNotFoundError(2, f"{fn}: no such directory", str(target))
    if isinstance(spacing, (str, bytes)):
        raise TypeError(f"{fn}: spacing must be a number or a sequence; got {fmt(spacing)}")
    sp = tuple(float(s) for s in np.atleast_1d(np.asarray(spacing, dtype=np.float64)))
    out_dtype = None if dtype is None else numeric_dtype(dtype, fn=fn).name
    options = ResampleOptions(spacing=sp[0] if len(sp) == 1 else sp, order=order,
                              antialias=antialias, dtype=out_dtype,
                              label_method=label_method)  # fmt: skip
    sources = expand_inputs(inputs, fn=fn)
    outputs = [output_path(s, target, fn=fn) for s in sources]
    check_unique(sources, outputs, fn=fn)
    notify = on_record or (lambda record: None)
    records: list[VolumeRecord] = []
    jobs: list[_Job] = []
    for src, dest in share(list(zip(sources, outputs, strict=True)), index, count):
        if dest.exists() and not force:
            rec = VolumeRecord(input=str(src), output=str(dest), status="skipped",
                               reason="the output exists", process=index)  # fmt: skip
            records.append(rec)
            notify(rec)
            continue
        try:
            jobs.append(_plan(src, dest, options, labels, process=index, fn=fn))
        except (OSError, ValueError, TypeError) as err:
            rec = VolumeRecord(input=str(src), output=str(dest), process=index)
            rec.fail(err)
            records.append(rec)
            notify(rec)
    order_of: dict[tuple[Any, ...], int] = {}
    for job in jobs:  # groups in order of first appearance, inputs in order inside
        order_of.setdefault(job.key, len(order_of))
    jobs.sort(key=lambda j: order_of[j.key])
    _Run(jobs, m, options, force=force, readers=readers, writers=writers, depth=depth,
         on_record=notify, fn=fn).run()  # fmt: skip
    return records + [j.record for j in jobs]
