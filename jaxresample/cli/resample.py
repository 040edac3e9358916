"""``jaxresample resample``: check, plan from the headers, read, compile, resample, write.

Everything that can be checked is checked before the volume is read: the options and
their combinations, the output format, dtype, directory and an existing output, the
headers of IN and REF, the output grid and its size. ``--dry-run`` stops there and prints
the grid; ``--verbose`` prints it and then times each stage.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
from pathlib import Path
from typing import Any

import numpy as np

from ._report import CommandError, Reporter, fmt

#: Options that only B-spline resampling of images uses (defaults: the API's).
_IMAGE_ONLY = (
    "order", "order_z", "anisotropy_threshold", "mode", "cval", "antialias", "sigma_rule", "clip",
)  # fmt: skip
#: Options that only --spacing uses (a reference grid is taken as it is).
_SPACING_ONLY = ("order_z", "anisotropy_threshold", "anchor", "rounding", "antialias")


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _given(args: argparse.Namespace, name: str) -> bool:
    value = getattr(args, name)
    return value not in (None, False)


def _check_combinations(args: argparse.Namespace) -> None:
    """Refuse options that would be silently ignored."""
    if args.labels:
        given = [n for n in _IMAGE_ONLY if _given(args, n)]
        if given:
            flags = ", ".join(_flag(n) for n in given)
            raise CommandError(
                f"cannot combine --labels with {flags}, label maps are resampled by "
                "--label-method (nearest, linear or gaussian), never by a B-spline"
            )
    elif args.label_method is not None:
        raise CommandError("cannot use --label-method without --labels, it picks how labels move")
    if args.reference is not None:
        given = [n for n in _SPACING_ONLY if _given(args, n)]
        if given:
            flags = ", ".join(_flag(n) for n in given)
            raise CommandError(
                f"cannot combine --reference with {flags}, they shape a grid planned from "
                "--spacing; the reference grid is taken as it is"
            )
    if args.sigma_rule is not None and not args.antialias:
        raise CommandError("cannot use --sigma-rule without --antialias, it sets its sigma")
    if args.anisotropy_threshold is not None and args.order_z is None:
        raise CommandError("cannot use --anisotropy-threshold without --order-z")


@dataclasses.dataclass
class _Job:
    """What the headers and options decide, before any data is read."""

    nd: int
    shape: tuple[int, ...]
    affine: np.ndarray  # (nd + 1) square
    out_shape: tuple[int, ...]  # spatial
    out_affine: np.ndarray  # 4 x 4, for the file
    in_spacing: np.ndarray
    out_spacing: np.ndarray
    out_dtype: np.dtype
    load_dtype: Any
    stored: np.dtype
    dests: list[Path]


def _grid_options(args: argparse.Namespace) -> dict[str, Any]:
    """``anchor`` and ``rounding`` as given, else the API's defaults."""
    from .._volumes.plan import plan_resample

    defaults = inspect.signature(plan_resample).parameters
    return {k: getattr(args, k) or defaults[k].default for k in ("anchor", "rounding")}


def _plan_job(args: argparse.Namespace, img: Any, ref: Any, form: Any, dests: list[Path]) -> _Job:
    from .. import _formats
    from .._affine import voxel_sizes
    from .._limits import check_array
    from .._volumes.plan import reference_plan, respacing_plan

    fn = "resample"
    shape = tuple(int(n) for n in img.shape)
    nd = 2 if len(shape) == 2 else 3
    affine4 = np.asarray(img.affine, dtype=np.float64)
    affine = _formats.spatial_affine(affine4, nd)
    stored = np.dtype(img.get_data_dtype()).newbyteorder("=")
    scaled = _formats.scaling(img) is not None
    if args.labels and len(shape) != nd:
        raise ValueError(f"--labels needs a 2-D or 3-D label map; IN has shape {shape}")
    if stored.kind == "c":
        if args.labels:
            raise ValueError(f"--labels needs integer labels; IN holds complex data ({stored})")
        if args.clip:
            raise ValueError(f"--clip needs real data; IN holds complex data ({stored})")
    # The output dtype, checked against what the output format stores.
    if args.dtype is None:
        if args.labels:
            out_dtype = np.dtype(np.float32) if scaled else stored
        else:
            out_dtype = np.dtype(np.complex64 if stored.kind == "c" else np.float32)
    elif args.dtype == "same":
        if scaled:
            slope, inter = _formats.scaling(img) or (1.0, 0.0)
            raise ValueError(
                f"--dtype same would store the values in {stored} without IN's scaling "
                f"(slope {slope:g}, intercept {inter:g}); pass a dtype such as float32"
            )
        out_dtype = stored
    else:
        try:
            out_dtype = np.dtype(args.dtype)
        except TypeError:
            raise ValueError(f"--dtype {args.dtype!r} is not a NumPy dtype name") from None
    if out_dtype.name not in form.dtypes:
        raise ValueError(
            f"--dtype {out_dtype.name} is not one a {form.name} file stores "
            f"({', '.join(form.dtypes)})"
        )
    if stored.kind == "c" and out_dtype.kind != "c":
        raise ValueError(f"--dtype {out_dtype} would drop the imaginary part of IN's {stored} data")

    if ref is None:
        spacing = tuple(args.spacing)
        if len(spacing) not in (1, nd):
            raise ValueError(f"--spacing takes 1 or {nd} values for IN's {nd} spatial axes; "
                             f"got {len(spacing)}")  # fmt: skip
        plan = respacing_plan(
            shape[:nd], affine, spacing=spacing[0] if len(spacing) == 1 else spacing,
            out_shape=None, **_grid_options(args),
            fn=fn,
        )  # fmt: skip
    else:
        ref_shape = tuple(int(n) for n in ref.shape)
        if len(ref_shape) < nd:
            raise ValueError(f"REF has shape {ref_shape}, fewer than IN's {nd} spatial axes")
        ref_affine = _formats.spatial_affine(np.asarray(ref.affine, dtype=np.float64), nd)
        plan = reference_plan(shape[:nd], affine, reference_shape=ref_shape[:nd],
                              reference_affine=ref_affine, fn=fn)  # fmt: skip
    compute = np.complex64 if stored.kind == "c" else np.float32
    check_array((*plan.out_shape, *shape[nd:]), compute, fn=fn, what="the output")
    load_dtype = None if args.labels else compute
    return _Job(
        nd=nd, shape=shape, affine=affine, out_shape=plan.out_shape,
        out_affine=_formats.file_affine(plan.out_affine, nd, affine4),
        in_spacing=voxel_sizes(affine), out_spacing=np.asarray(plan.spacing),
        out_dtype=out_dtype, load_dtype=load_dtype, stored=stored, dests=dests,
    )  # fmt: skip


def _print_grid(job: _Job, args: argparse.Namespace, out: Any) -> None:
    extra = job.shape[job.nd :]
    print(f"output:  {fmt((*job.out_shape, *extra))} voxels @ {fmt(job.out_spacing)} mm, "
          f"{job.out_dtype}", file=out)  # fmt: skip
    rows = np.array2string(job.out_affine, precision=6, suppress_small=True).splitlines()
    for i, row in enumerate(rows):
        print(("affine:  " if i == 0 else "         ") + row.strip(), file=out)


def _function(args: argparse.Namespace, job: _Job, ref: Any, labels: tuple[int, ...]) -> Any:
    """The resampling as a function of the data alone (to compile once)."""
    from .. import _formats
    from .._volumes.labels import resample_labels
    from .._volumes.resample import resample_to_reference, resample_to_spacing

    nd, affine = job.nd, job.affine
    spacing = None if args.spacing is None else tuple(args.spacing)
    if spacing is not None and len(spacing) == 1:
        spacing = spacing * nd
    target: dict[str, Any] = dict(spacing=spacing)
    if ref is not None:
        ref_affine = _formats.spatial_affine(np.asarray(ref.affine, np.float64), nd)
        target = dict(reference_shape=tuple(ref.shape[:nd]), reference_affine=ref_affine)
    defaults = inspect.signature(resample_to_spacing).parameters
    opts: dict[str, Any] = {
        k: defaults[k].default if getattr(args, k) is None else getattr(args, k)
        for k in _IMAGE_ONLY
    }

    if args.labels:
        grid: dict[str, Any] = dict(target)
        if ref is None:
            grid.update(_grid_options(args))
        method: Any = args.label_method or "linear"
        return lambda v: resample_labels(v, affine, method=method, label_values=labels, **grid)[0]
    common: dict[str, Any] = dict(
        order=opts["order"], mode=opts["mode"], cval=opts["cval"], clip=opts["clip"]
    )
    if ref is not None:
        return lambda v: resample_to_reference(v, affine, **target, **common)
    if spacing is None:
        raise CommandError("cannot resample, give --spacing or --reference")
    return lambda v: resample_to_spacing(
        v, affine, spacing, order_z=opts["order_z"],
        anisotropy_threshold=opts["anisotropy_threshold"], **_grid_options(args),
        antialias=opts["antialias"],
        sigma_rule=opts["sigma_rule"], **common,
    )[0]  # fmt: skip


def run(args: argparse.Namespace) -> None:
    """The command; raises :class:`CommandError` with a one-line reason."""
    import sys

    _check_combinations(args)
    report = Reporter("resample", verbose=args.verbose)
    src, dst = args.input, args.output
    from .. import _formats, io

    with report.stage("check", f"cannot write {dst}"):
        out_path, suffix, form = _formats.output_format(dst, fn="OUT")
        dests = [out_path.with_name(out_path.name[: -len(suffix)] + s) for s in form.suffixes]
        _formats.check_destination(dests, overwrite=args.force or args.dry_run, fn="OUT")
    with report.stage("header", f"cannot read {src}"):
        img = _formats.open_image(src, fn="IN")
    ref = None
    if args.reference is not None:
        with report.stage("header", f"cannot read {args.reference}"):
            ref = _formats.open_image(args.reference, fn="REF")
    with report.stage("plan", f"cannot resample {src} to {dst}"):
        job = _plan_job(args, img, ref, form, dests)
    report.say(f"input    {fmt(job.shape)} voxels @ {fmt(job.in_spacing)} mm, {job.stored}")
    if args.dry_run:
        print(f"input:   {src}: {fmt(job.shape)} voxels, {job.stored}")
        _print_grid(job, args, sys.stdout)
        exists = any(d.exists() for d in job.dests) and not args.force
        note = f"; {dst} exists, the run needs --force" if exists else ""
        print(f"dry run: nothing read or written (would write {dst}{note})")
        return
    if args.verbose:
        _print_grid(job, args, sys.stderr)

    import jax

    from .._volumes.labels import integer_labels

    with report.stage("load", f"cannot read {src}", detail=src):
        vol = io.load_volume(src, dtype=job.load_dtype)
    labels: tuple[int, ...] = ()
    data = vol.data
    if args.labels:
        with report.stage("labels", f"cannot resample {src}"):
            data, labels = integer_labels(data, need="--labels needs", where=src)
    with report.stage("compile", f"cannot resample {src}"):
        x = jax.device_put(data)
        compiled = jax.jit(_function(args, job, ref, labels)).lower(x).compile()
    with report.stage("resample", f"cannot resample {src}"):
        result = np.asarray(jax.block_until_ready(compiled(x)))
    with report.stage("save", f"cannot write {dst}", detail=str(dst)):
        written = io.save_volume(dst, result, job.out_affine, dtype=job.out_dtype, like=vol,
                                 overwrite=args.force)  # fmt: skip
    print(
        f"{src}: {fmt(job.shape)} @ {fmt(vol.spacing)} mm -> {written}: "
        f"{fmt(result.shape)} @ {fmt(job.out_spacing)} mm, {job.out_dtype} "
        f"({report.total():.2f} s)"
    )
