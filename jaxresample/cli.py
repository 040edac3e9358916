"""The ``jaxresample`` command.

``jaxresample --help`` and ``--version`` import neither JAX nor nibabel; each subcommand
imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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
        if args.command == "demo":
            from ._demo import run_demo

            run_demo(
                input_path=args.input,
                spacing=tuple(args.spacing),
                order=args.order,
                out_dir=args.out_dir,
            )
    except (OSError, ValueError, TypeError) as err:
        print(f"jaxresample {args.command}: error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
