"""``jaxresample ensemble``: combine the members' logit or probability maps into one file.

Every member is a NIfTI (or any image nibabel reads) of the same grid, with the classes
along ``--axis``. ``--softmax`` averages the members' class probabilities (mutually
exclusive classes); ``--sigmoid`` averages each channel on its own (labels that may
overlap). The output, a probability map or with ``--labels`` a label map, keeps the members'
affine and is written atomically; nothing is overwritten without ``--force``.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from ._report import CommandError, Reporter, fmt

__all__ = ["run"]

#: Affines of the members must agree to this (mm; NIfTI stores them in float32).
_AFFINE_ATOL = 1e-4


def _as_logits(p: Any, *, sigmoid: bool) -> Any:
    """Logits whose softmax (or sigmoid) is ``p``: probabilities go through the same code."""
    import jax.numpy as jnp

    return jnp.log(p) - jnp.log1p(-p) if sigmoid else jnp.log(p)


def _check_options(args: argparse.Namespace) -> None:
    if args.uncertainty is not None and args.sigmoid:
        raise CommandError("cannot combine the members, --uncertainty needs --softmax")
    if args.threshold is not None and args.softmax:
        raise CommandError("cannot combine the members, --threshold applies to --sigmoid")
    if args.weights is not None and len(args.weights) != len(args.inputs):
        raise CommandError(
            f"cannot combine the members, --weights gives {len(args.weights)} values for "
            f"{len(args.inputs)} members"
        )


def run(args: argparse.Namespace) -> None:
    """The command; raises :class:`CommandError` with a one-line reason."""
    _check_options(args)
    report = Reporter("ensemble", verbose=args.verbose)
    from .. import _formats, io

    dests = []
    for name in (args.output, args.uncertainty):
        if name is None:
            continue
        with report.stage("check", f"cannot write {name}"):
            path, suffix, form = _formats.output_format(name, fn="OUT")
            paths = [path.with_name(path.name[: -len(suffix)] + s) for s in form.suffixes]
            _formats.check_destination(paths, overwrite=args.force, fn="OUT")
            dests.append(path)
    headers: list[Any] = []
    for src in args.inputs:  # the grids are compared before any data is read
        with report.stage("header", f"cannot read {src}"):
            img = _formats.open_image(src, fn="IN")
        if headers:
            first = headers[0]
            if tuple(img.shape) != tuple(first.shape):
                raise CommandError(
                    f"cannot combine the members, {src} has shape {fmt(img.shape)} but "
                    f"{args.inputs[0]} has {fmt(first.shape)}"
                )
            if not np.allclose(img.affine, first.affine, atol=_AFFINE_ATOL):
                raise CommandError(
                    f"cannot combine the members, {src} is on another grid than "
                    f"{args.inputs[0]} (their affines differ)"
                )
        headers.append(img)
    members = []
    for src in args.inputs:
        with report.stage("load", f"cannot read {src}", detail=src):
            members.append(io.load_volume(src, dtype=np.float32))
    stacked = np.stack([m.data for m in members])
    axis = args.axis if args.axis < 0 else args.axis + 1  # the member axis comes first
    with report.stage("combine", "cannot combine the members"):
        result, uncertainty = _combine(args, stacked, axis)
    like = members[0]
    with report.stage("save", f"cannot write {args.output}", detail=args.output):
        written = io.save_volume(args.output, result, like.affine, like=like,
                                 overwrite=args.force)  # fmt: skip
    if uncertainty is not None:
        with report.stage("save", f"cannot write {args.uncertainty}", detail=args.uncertainty):
            io.save_volume(args.uncertainty, uncertainty, like.affine, like=like,
                           overwrite=args.force)  # fmt: skip
    kind = "labels" if args.labels else "probabilities"
    print(
        f"{len(members)} members of {fmt(like.shape)} -> {written}: {kind} "
        f"{fmt(result.shape)}, {result.dtype} ({report.total():.2f} s)"
    )


def _combine(args: argparse.Namespace, stacked: np.ndarray, axis: int) -> tuple[Any, Any]:
    import jax

    from .. import (
        ensemble_uncertainty,
        regions_to_labels,
        sigmoid_ensemble,
        softmax_ensemble,
        to_labels,
    )

    x = jax.device_put(stacked)
    if args.input == "probs":
        x = _as_logits(x, sigmoid=args.sigmoid)
    weights = None if args.weights is None else np.asarray(args.weights, np.float32)
    out_axis = axis - 1 if axis > 0 else axis
    uncertainty = None
    if args.softmax:
        p = softmax_ensemble(x, axis=axis, weights=weights)
        result = to_labels(p, axis=out_axis) if args.labels else p
        if args.uncertainty is not None:
            u = ensemble_uncertainty(x, axis=axis, weights=weights)
            uncertainty = np.asarray(u.mutual_information)
    else:
        threshold = args.threshold if args.threshold is not None or not args.labels else 0.5
        result = sigmoid_ensemble(x, axis=axis, weights=weights, threshold=threshold)
        if args.labels:
            result = regions_to_labels(result, axis=out_axis)
        elif threshold is not None:
            result = result.astype(np.uint8)
    return np.asarray(result), uncertainty
