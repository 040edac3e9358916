"""The ``jaxresample`` command.

``jaxresample --help`` and ``--version`` import neither JAX nor nibabel; each subcommand
imports what it needs when it runs. Every failure is one line on stderr,
``jaxresample <command>: <what>, <why>``, and a non-zero exit status: 1 for a failure on
the input, 2 for a usage error, 130 after SIGINT and 143 after SIGTERM (both leave no
partial file behind).
"""

from __future__ import annotations

import argparse
import signal
import sys
import traceback
from collections.abc import Sequence
from typing import Any, NoReturn

from .. import __version__
from .._choices import ANCHORS, LABEL_METHODS, MODE_NAMES, ROUNDINGS, SIGMA_RULES
from ._report import CommandError, Terminated

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line, like every other failure."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: usage error, {message} (see {self.prog} --help)\n")


def _positive_floats(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def _finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return value


def _listed(names: Sequence[str]) -> str:
    return ", ".join(names)


def _sampling_options(p: argparse.ArgumentParser, *, order_default: str) -> None:
    """The options of every command that samples an image."""
    p.add_argument(
        "--order", type=int, default=None, choices=range(6),
        help=f"B-spline order 0-5 (default: {order_default})",
    )  # fmt: skip
    p.add_argument(
        "--mode", default=None, choices=MODE_NAMES, metavar="MODE",
        help=f"boundary mode, scipy's names: {_listed(MODE_NAMES)} (default: nearest, "
        "which continues the edge voxels)",
    )  # fmt: skip
    p.add_argument(
        "--cval", type=_finite_float, default=None, metavar="VALUE",
        help="fill value of the constant modes (default: 0; e.g. -1024 for CT air)",
    )  # fmt: skip
    p.add_argument(
        "-v", "--verbose", action="store_true",
        help="print the output grid before the work, then each stage with its time",
    )  # fmt: skip


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jaxresample",
        description="Filtering, B-spline interpolation and resampling of images and "
        "medical volumes in JAX.",
    )
    parser.add_argument("--version", action="version", version=f"jaxresample {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    res = sub.add_parser(
        "resample",
        help="resample a volume to a new voxel spacing or onto a reference grid",
        description="Resample IN (any image nibabel reads: NIfTI, MGH/MGZ, Analyze, MINC, "
        "...; 2-D to 5-D, axes after the third are carried along) and write OUT with the "
        "new affine (NIfTI, or NIfTI pair / MGH by OUT's suffix). The physical extent is "
        "preserved: the output size is round(extent / spacing) and the spacing actually "
        "reached is written in the header. Every option is checked before the volume is read.",
    )
    res.add_argument("input", metavar="IN", help="input image file")
    res.add_argument(
        "output", metavar="OUT", help="output file: .nii, .nii.gz, .hdr/.img or .mgh/.mgz"
    )
    target = res.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--spacing", nargs="+", type=_positive_floats, metavar="MM",
        help="output voxel size in mm: one value, or one per spatial axis",
    )  # fmt: skip
    target.add_argument(
        "--reference", metavar="REF", help="resample onto the grid (shape and affine) of REF"
    )
    _sampling_options(res, order_default="3")
    res.add_argument(
        "--order-z", type=int, default=None, choices=range(6),
        help="B-spline order across thick slices (axes whose spacing is at least "
        "--anisotropy-threshold times the finest; nnU-Net's separate z), e.g. 0 or 1",
    )  # fmt: skip
    res.add_argument(
        "--anisotropy-threshold", type=_positive_floats, default=None, metavar="RATIO",
        help="spacing ratio that makes an axis thick-slice, for --order-z (default: 3)",
    )  # fmt: skip
    res.add_argument(
        "--anchor", default=None, choices=ANCHORS,
        help="grid anchor (default: edges, which keeps extent and field-of-view centre; "
        "first-voxel: SimpleITK's recipe; first-voxel-centers: MONAI's Spacing)",
    )  # fmt: skip
    res.add_argument(
        "--rounding", default=None, choices=ROUNDINGS,
        help="output size rounding (default: round, half up; half-even is Python's round, "
        "used by the SimpleITK recipe, nnU-Net and MONAI)",
    )  # fmt: skip
    res.add_argument(
        "--antialias", action="store_true", help="Gaussian anti-aliasing on downsampled axes"
    )
    res.add_argument(
        "--sigma-rule", default=None, choices=SIGMA_RULES,
        help="anti-aliasing sigma: fwhm (default) or skimage's (k - 1) / 2",
    )  # fmt: skip
    res.add_argument(
        "--clip", action="store_true",
        help="clip the result to the input's range (no spline overshoot)",
    )  # fmt: skip
    res.add_argument(
        "--labels", action="store_true",
        help="IN is a label map: every output value is an input label (see --label-method); "
        "B-spline options do not apply",
    )  # fmt: skip
    res.add_argument(
        "--label-method", default=None, choices=LABEL_METHODS,
        help="label resampling method (default: linear one-hot interpolation + argmax)",
    )  # fmt: skip
    res.add_argument(
        "--dtype", default=None, metavar="DTYPE",
        help="output dtype: a NumPy name (int16, float32, ...) or 'same' for the input's "
        "stored dtype (default: float32 for images, the input's dtype for labels); into "
        "integers values are rounded half away from zero and saturated",
    )  # fmt: skip
    res.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    res.add_argument(
        "--dry-run", action="store_true",
        help="print the output shape, spacing and affine; read no data, write nothing",
    )  # fmt: skip

    ens = sub.add_parser(
        "ensemble",
        help="combine the logit or probability maps of several models into one",
        description="Combine the members IN... (images of the same grid, the classes along "
        "--axis) into OUT: --softmax averages the class probabilities of mutually exclusive "
        "classes, --sigmoid averages each channel of labels that may overlap. OUT keeps the "
        "members' affine; it is written atomically and never overwritten without --force.",
    )
    ens.add_argument("inputs", nargs="+", metavar="IN", help="the members' files")
    ens.add_argument("-o", "--output", required=True, metavar="OUT", help="the output file")
    kind = ens.add_mutually_exclusive_group(required=True)
    kind.add_argument("--softmax", action="store_true", help="mutually exclusive classes")
    kind.add_argument("--sigmoid", action="store_true", help="labels or regions that may overlap")
    ens.add_argument(
        "--axis", type=int, default=-1,
        help="the class axis of each member's data (default: -1, the last)",
    )  # fmt: skip
    ens.add_argument(
        "--input", choices=("logits", "probs"), default="logits",
        help="what the members hold (default: logits)",
    )  # fmt: skip
    ens.add_argument(
        "--weights", nargs="+", type=_positive_floats, default=None, metavar="W",
        help="one weight per member (default: equal)",
    )  # fmt: skip
    ens.add_argument(
        "--labels", action="store_true",
        help="write a label map: the argmax (--softmax), or the thresholded regions painted "
        "in channel order as labels 1, 2, ... (--sigmoid)",
    )  # fmt: skip
    ens.add_argument(
        "--threshold", type=_finite_float, default=None, metavar="P",
        help="--sigmoid: write masks of probability > P (a probability, default 0.5 with "
        "--labels)",
    )  # fmt: skip
    ens.add_argument(
        "--uncertainty", default=None, metavar="PATH",
        help="--softmax: also write the mutual information map (where the members disagree)",
    )  # fmt: skip
    ens.add_argument("--force", action="store_true", help="overwrite existing outputs")
    ens.add_argument("-v", "--verbose", action="store_true", help="print each stage's time")

    bat = sub.add_parser(
        "batch",
        help="resample a dataset to one voxel spacing over every device, resumably",
        description="Resample every input (files, directories, glob patterns) to one voxel "
        "spacing, sharded over every device of this machine (and, with --coordinator, over "
        "several processes or hosts). Each output keeps its input's file name in OUTDIR and "
        "is written atomically; an existing output is skipped unless --force, so a stopped "
        "run resumes where it was. A failing input is reported and the others go on; the "
        "exit status is 1 if any failed. A JSON summary is written at the end.",
    )
    bat.add_argument("inputs", nargs="+", metavar="IN", help="image files, directories, globs")
    bat.add_argument("-o", "--output", required=True, metavar="OUTDIR",
                     help="the output directory (created if missing)")  # fmt: skip
    bat.add_argument(
        "--spacing", nargs="+", type=_positive_floats, required=True, metavar="MM",
        help="output voxel size in mm: one value, or one per spatial axis",
    )  # fmt: skip
    bat.add_argument("--order", type=int, default=3, choices=range(6),
                     help="B-spline order 0-5 of the images (default: 3)")  # fmt: skip
    bat.add_argument("--antialias", action="store_true",
                     help="Gaussian anti-aliasing on downsampled axes")  # fmt: skip
    bat.add_argument(
        "--labels", default=None, metavar="GLOB",
        help="inputs whose file name matches GLOB (e.g. '*_seg.nii.gz') are label maps, "
        "resampled by --label-method; every output value is one of their labels",
    )  # fmt: skip
    bat.add_argument("--label-method", default="linear", choices=LABEL_METHODS,
                     help="label resampling method (default: linear)")  # fmt: skip
    bat.add_argument(
        "--dtype", default=None, metavar="DTYPE",
        help="on-disk dtype of the resampled images, e.g. int16 (rounded and saturated; "
        "default: float32); label maps keep theirs",
    )  # fmt: skip
    bat.add_argument("--force", action="store_true", help="redo inputs whose output exists")
    bat.add_argument(
        "--summary",
        default=None,
        metavar="PATH",
        help="where to write the JSON summary (default: OUTDIR/batch-summary.json)",
    )
    bat.add_argument("--devices", type=_positive_int, default=None, metavar="N",
                     help="use the first N devices of each process (default: all)")  # fmt: skip
    bat.add_argument("--readers", type=_positive_int, default=2, metavar="N",
                     help="threads reading volumes (default: 2)")  # fmt: skip
    bat.add_argument("--writers", type=_positive_int, default=2, metavar="N",
                     help="threads writing volumes (default: 2)")  # fmt: skip
    bat.add_argument(
        "--compilation-cache", default=None, metavar="DIR",
        help="keep compiled programs in DIR (JAX's persistent cache): a later run with the "
        "same shapes starts without compiling",
    )  # fmt: skip
    bat.add_argument(
        "--coordinator", default=None, metavar="HOST:PORT",
        help="join a multi-process run (jax.distributed) coordinated by process 0 at "
        "HOST:PORT (default: $JAX_COORDINATOR_ADDRESS); each process takes its share",
    )  # fmt: skip
    bat.add_argument(
        "--num-processes",
        type=int,
        default=None,
        metavar="N",
        help="processes of the run (default: $JAX_NUM_PROCESSES or detected)",
    )
    bat.add_argument(
        "--process-id",
        type=int,
        default=None,
        metavar="I",
        help="this process's index (default: $JAX_PROCESS_ID or detected)",
    )
    bat.add_argument("-v", "--verbose", action="store_true", help="print each stage's time")

    info = sub.add_parser(
        "info", help="print shape, spacing, orientation and dtype of an image file",
        description="Describe an image file from its header alone (the data is not read).",
    )  # fmt: skip
    info.add_argument("input", metavar="IN", help="an image file nibabel reads")

    demo = sub.add_parser(
        "demo",
        help="resample a volume to a new voxel spacing; write a NIfTI file and a PNG figure",
        description="Resample a volume to a new voxel spacing, preserving its physical "
        "extent, with a cubic B-spline; write the result as NIfTI with its new affine and a "
        "PNG of orthogonal mid-slices before and after. Without --input it uses a synthetic "
        "CT phantom at 512x512x247 voxels of 0.78125x0.78125x1.0 mm.",
    )
    demo.add_argument("--input", metavar="PATH", help="a 3-D or 4-D volume (default: CT phantom)")
    demo.add_argument(
        "--spacing", nargs="+", type=_positive_floats, default=(1.0, 1.0, 2.0), metavar="MM",
        help="target voxel spacing in mm: one value or three (default: 1 1 2)",
    )  # fmt: skip
    _sampling_options(demo, order_default="3")
    demo.add_argument(
        "--out-dir", default="jaxresample-demo", metavar="DIR",
        help="where to write the NIfTI and PNG files (default: ./jaxresample-demo)",
    )  # fmt: skip
    return parser


def _run(args: argparse.Namespace) -> None:
    if args.command == "resample":
        from .resample import run as run_resample

        run_resample(args)
    elif args.command == "ensemble":
        from .ensemble import run as run_ensemble

        run_ensemble(args)
    elif args.command == "batch":
        from .batch import run as run_batch

        run_batch(args)
    elif args.command == "info":
        from .info import run as run_info

        run_info(args)
    else:
        from .demo import run as run_demo

        run_demo(args)


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Args:
      argv: the arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
      0 on success, 1 when the command failed on its input, 2 for a usage error, 130 when
      interrupted (SIGINT) and 143 when terminated (SIGTERM).
    """
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    prog = f"jaxresample {args.command}"
    try:  # SIGTERM unwinds like SIGINT, so partial files are removed
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        _run(args)
    except CommandError as err:
        if getattr(args, "verbose", False) and err.__cause__ is not None:
            traceback.print_exception(err.__cause__, file=sys.stderr)
        print(f"{prog}: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{prog}: stopped, interrupted (SIGINT); no partial file is left", file=sys.stderr)
        return 130
    except Terminated:
        print(f"{prog}: stopped, terminated (SIGTERM); no partial file is left", file=sys.stderr)
        return 143
    except Exception as err:  # a bug: still one line, the traceback with --verbose
        if getattr(args, "verbose", False):
            traceback.print_exc(file=sys.stderr)
        hint = "" if getattr(args, "verbose", False) else "; -v prints the traceback"
        print(f"{prog}: failed, {type(err).__name__}: {err}{hint}", file=sys.stderr)
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


if __name__ == "__main__":
    sys.exit(main())
