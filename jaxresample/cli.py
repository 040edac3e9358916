"""The ``jaxresample`` command.

``jaxresample --help`` and ``--version`` import neither JAX nor nibabel; each subcommand
imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["main"]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jaxresample")
    except PackageNotFoundError:
        return "0+unknown"


def _positive_floats(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text!r}")
    return value


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jaxresample",
        description="Filtering, B-spline interpolation and resampling of images and "
        "medical volumes in JAX.",
    )
    parser.add_argument("--version", action="version", version=f"jaxresample {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    res = sub.add_parser(
        "resample",
        help="resample a NIfTI volume to a new voxel spacing or onto a reference grid",
        description="Resample IN (NIfTI, 2-D to 4-D; a 4th axis is carried along) and write "
        "OUT with the new affine. The physical extent is preserved: the output size is "
        "round(extent / spacing) and the spacing actually reached is written in the header.",
    )
    res.add_argument("input", metavar="IN", help="input NIfTI file (.nii or .nii.gz)")
    res.add_argument("output", metavar="OUT", help="output NIfTI file (.nii or .nii.gz)")
    target = res.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--spacing",
        nargs="+",
        type=_positive_floats,
        metavar="MM",
        help="output voxel size in mm: one value, or one per spatial axis",
    )
    target.add_argument(
        "--reference", metavar="REF", help="resample onto the grid (shape and affine) of REF"
    )
    res.add_argument(
        "--order", type=int, default=3, choices=range(6), help="B-spline order (default: 3)"
    )
    res.add_argument(
        "--mode",
        default="nearest",
        help="boundary mode, scipy's names (default: nearest; see the docs)",
    )
    res.add_argument("--cval", type=float, default=0.0, help="fill value of constant modes")
    res.add_argument(
        "--anchor",
        default="edges",
        choices=("edges", "centers", "first-voxel"),
        help="grid anchor (default: edges, which keeps extent and field-of-view centre)",
    )
    res.add_argument(
        "--rounding", default="round", choices=("round", "floor", "ceil"), help="size rounding"
    )
    res.add_argument(
        "--labels",
        action="store_true",
        help="IN is a label map: outputs are always input labels (see --label-method)",
    )
    res.add_argument(
        "--label-method",
        default="linear",
        choices=("nearest", "linear", "gaussian"),
        help="label resampling method (default: linear one-hot interpolation + argmax)",
    )
    res.add_argument(
        "--antialias", action="store_true", help="Gaussian anti-aliasing on downsampled axes"
    )
    res.add_argument(
        "--dtype",
        default=None,
        metavar="DTYPE",
        help="output dtype (default: float32 for images, the input dtype for labels); "
        "integer dtypes are rounded and saturated",
    )
    res.add_argument("--force", action="store_true", help="overwrite OUT if it exists")

    info = sub.add_parser("info", help="print shape, spacing, orientation and dtype of a NIfTI")
    info.add_argument("input", metavar="IN", help="NIfTI file (.nii or .nii.gz)")

    demo = sub.add_parser(
        "demo",
        help="resample a volume to a new voxel spacing; write a NIfTI file and a PNG figure",
        description="Resample a volume to a new voxel spacing, preserving its physical "
        "extent, with a cubic B-spline; write the result as NIfTI with its new affine and a "
        "PNG of orthogonal mid-slices before and after. Without --input it uses a synthetic "
        "CT phantom at 512x512x247 voxels of 0.78125x0.78125x1.0 mm.",
    )
    demo.add_argument("--input", metavar="PATH", help="a 3-D NIfTI file (default: CT phantom)")
    demo.add_argument(
        "--spacing",
        nargs=3,
        type=_positive_floats,
        default=(1.0, 1.0, 2.0),
        metavar=("SI", "SJ", "SK"),
        help="target voxel spacing in mm (default: 1 1 2)",
    )
    demo.add_argument(
        "--order", type=int, default=3, choices=range(6), help="B-spline order (default: 3)"
    )
    demo.add_argument(
        "--out-dir",
        default="jaxresample-demo",
        metavar="DIR",
        help="where to write the NIfTI and PNG files (default: ./jaxresample-demo)",
    )
    return parser


def _fmt(values: Any) -> str:
    return " x ".join(f"{float(v):.6g}" for v in values)


def _info(path: str) -> None:
    from . import io

    d = io.describe(io.load_volume(path, dtype=None))
    print(f"file:        {d['path']}")
    print(f"shape:       {_fmt(d['shape'])} voxels")
    print(f"spacing:     {_fmt(d['spacing'])} mm")
    print(f"extent:      {_fmt(d['extent'])} mm")
    print(f"orientation: {d['orientation']}{' (oblique)' if d['oblique'] else ''}")
    print(f"origin:      {_fmt(d['origin'])} mm")
    print(f"dtype:       {d['dtype']}")
    print(f"qform/sform: {d['qform_code']}/{d['sform_code']}")


def _resample(args: argparse.Namespace) -> None:
    import time

    import numpy as np

    from . import io
    from ._affine import voxel_sizes
    from ._labels import resample_labels
    from ._resample import resample_to_reference, resample_to_spacing

    vol = io.load_volume(args.input, dtype=None if args.labels else np.float32)
    data = vol.data
    nd = min(data.ndim, 3)
    affine = vol.affine if nd == 3 else np.delete(np.delete(vol.affine, 2, 0), 2, 1)
    ref = None
    if args.reference is not None:
        ref = io.load_volume(args.reference, dtype=None)
    spacing = args.spacing
    if spacing is not None and len(spacing) not in (1, nd):
        raise ValueError(f"--spacing takes 1 or {nd} values for this volume; got {len(spacing)}")
    if spacing is not None:
        spacing = spacing[0] if len(spacing) == 1 else tuple(spacing)
    t0 = time.perf_counter()
    if args.labels:
        if data.ndim != nd:
            raise ValueError(f"--labels needs a 2-D or 3-D label map; got shape {data.shape}")
        if data.dtype.kind == "f":
            if not np.all(np.isfinite(data)) or not np.all(data == np.round(data)):
                raise ValueError(f"{args.input}: --labels needs integer values in the file")
            data = data.astype(np.int32)
        target = (
            dict(spacing=spacing)
            if ref is None
            else dict(reference_shape=ref.data.shape[:nd], reference_affine=ref.affine)
        )
        out, out_affine = resample_labels(
            data,
            affine,
            method=args.label_method,
            anchor=args.anchor,
            rounding=args.rounding,
            **target,
        )
    elif ref is None:
        out, out_affine = resample_to_spacing(
            data,
            affine,
            spacing,
            order=args.order,
            mode=args.mode,
            cval=args.cval,
            anchor=args.anchor,
            rounding=args.rounding,
            antialias=args.antialias,
        )
    else:
        out_affine = ref.affine
        out = resample_to_reference(
            data,
            affine,
            reference_shape=ref.data.shape[:nd],
            reference_affine=ref.affine,
            order=args.order,
            mode=args.mode,
            cval=args.cval,
        )
    result = np.asarray(out)
    seconds = time.perf_counter() - t0
    if nd == 2:  # back to a 4x4 affine for the file
        full = np.eye(4)
        full[np.ix_([0, 1, 3], [0, 1, 3])] = out_affine
        full[2, 2] = vol.affine[2, 2]
        out_affine = full
    written = io.save_volume(
        args.output, result, out_affine, dtype=args.dtype, like=vol, overwrite=args.force
    )
    print(
        f"{args.input}: {_fmt(data.shape)} @ {_fmt(voxel_sizes(vol.affine)[:nd])} mm -> "
        f"{written}: {_fmt(result.shape)} @ {_fmt(voxel_sizes(out_affine)[:nd])} mm "
        f"({seconds:.2f} s)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Args:
      argv: the arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
      0 on success, 1 when the command failed on its input, 2 for a usage error.
    """
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "resample":
            _resample(args)
        elif args.command == "info":
            _info(args.input)
        elif args.command == "demo":
            from ._demo import run_demo

            run_demo(
                input_path=args.input,
                spacing=tuple(args.spacing),
                order=args.order,
                out_dir=args.out_dir,
            )
    except FileExistsError as err:
        print(
            f"jaxresample {args.command}: error: {err.filename} exists; pass --force to replace it",
            file=sys.stderr,
        )
        return 1
    except (OSError, ValueError, TypeError) as err:
        print(f"jaxresample {args.command}: error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
