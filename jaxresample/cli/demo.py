"""``jaxresample demo``: the README's main job (see :mod:`jaxresample.cli._demo`)."""

from __future__ import annotations

import argparse

from ._report import CommandError, Reporter


def run(args: argparse.Namespace) -> None:
    """Check the options, then resample the phantom (or ``--input``) and write NIfTI + PNG."""
    from ._demo import run_demo

    spacing = tuple(args.spacing)
    if len(spacing) not in (1, 3):
        raise CommandError(
            f"cannot run the demo, --spacing takes one value or three; got {len(spacing)}"
        )
    report = Reporter("demo", verbose=args.verbose)
    with report.stage("demo", "cannot run the demo"):
        run_demo(
            input_path=args.input,
            spacing=spacing * 3 if len(spacing) == 1 else spacing,
            order=3 if args.order is None else args.order,
            mode="nearest" if args.mode is None else args.mode,
            cval=0.0 if args.cval is None else args.cval,
            out_dir=args.out_dir,
            say=report.say,
        )
