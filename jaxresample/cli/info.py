"""``jaxresample info``: describe an image file from its header, without reading the data."""

from __future__ import annotations

import argparse

from ._report import Reporter, fmt


def run(args: argparse.Namespace) -> None:
    """Print shape, spacing, extent, orientation, origin, stored dtype and scaling."""
    from .. import io

    report = Reporter("info", verbose=False)
    with report.stage("read", f"cannot read {args.input}"):
        d = io.describe(args.input)
    print(f"file:        {d['path']}")
    print(f"format:      {d['format']}")
    print(f"shape:       {fmt(d['shape'])} voxels")
    print(f"spacing:     {fmt(d['spacing'])} mm")
    print(f"extent:      {fmt(d['extent'])} mm")
    print(f"orientation: {d['orientation']}{' (oblique)' if d['oblique'] else ''}")
    print(f"origin:      {fmt(d['origin'])} mm")
    print(f"dtype:       {d['stored_dtype']} (stored)")
    if d["scaling"] is not None:
        slope, inter = d["scaling"]
        print(f"scaling:     value = {slope:.6g} * stored + {inter:.6g} (read as floating)")
    if d["qform_code"] is not None:
        print(f"qform/sform: {d['qform_code']}/{d['sform_code']}")
