"""The compatibility matrix of docs/compatibility.md, generated when the docs are built.

Signatures are read from the installed peers with :mod:`inspect`; every cell of the
mode x order tables is a measurement: the twin and its peer are called on the same small
input and the largest difference is written down. Nothing here is typed by hand, so the
page cannot drift from the code.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

SCIPY_MODES = [
    "constant", "grid-constant", "nearest", "mirror", "reflect", "grid-mirror", "wrap", "grid-wrap"
]  # fmt: skip
SKIMAGE_MODES = ["constant", "edge", "symmetric", "reflect", "wrap"]
ORDERS = range(6)


def _fmt_default(p: inspect.Parameter) -> str:
    if p.default is inspect.Parameter.empty:
        return "(required)"
    text = repr(p.default)
    if callable(p.default) or text.startswith("<"):  # e.g. <class 'numpy.float64'>
        text = getattr(p.default, "__name__", text)
    return f"`{text}`"


def signature_table(pairs: list[tuple[str, Callable[..., Any], Callable[..., Any]]]) -> str:
    """One row per twin: its parameters with their defaults, and what differs from the peer
    (a default, the kind, a parameter only one of them has)."""
    lines = ["| function | parameters (defaults) | against the peer |", "|---|---|---|"]
    for name, ours, peer in pairs:
        mine = inspect.signature(ours).parameters
        theirs = inspect.signature(peer).parameters
        params, notes = [], []
        for pname, p in mine.items():
            default = "" if p.default is inspect.Parameter.empty else "=" + _fmt_default(p)[1:-1]
            star = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
            params.append(f"`{star}{pname}{default}`")
            q = theirs.get(pname)
            if q is None:
                notes.append(f"`{pname}` is not the peer's")
            elif q.default is inspect.Parameter.empty and p.default is not q.default:
                notes.append(f"`{pname}` is required in the peer")
            elif _fmt_default(q) != _fmt_default(p):
                notes.append(f"`{pname}`: the peer's default is {_fmt_default(q)}")
            elif q.kind != p.kind:
                notes.append(f"`{pname}` is {p.kind.description} here")
        notes += [f"`{q}` is missing here" for q in theirs if q not in mine]
        verdict = "; ".join(notes) if notes else "identical"
        lines.append(f"| `{name}` | {', '.join(params)} | {verdict} |")
    return "\n".join(lines) + "\n"


def _cell(ours: Callable[[], Any], peer: Callable[[], Any]) -> str:
    """The largest difference relative to the peer's largest value, or what failed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = np.asarray(peer(), np.float64)
    except (ValueError, RuntimeError, TypeError, NotImplementedError):
        expected = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the same UserWarnings as the peer's
            got = np.asarray(ours(), np.float64)
    except (ValueError, TypeError, NotImplementedError):
        return "refused" if expected is None else "**refused, peer accepts**"
    if expected is None:
        return "accepted (peer refuses)"
    if got.shape != expected.shape:
        return f"**shape {got.shape} vs {expected.shape}**"
    scale = max(float(np.max(np.abs(expected))), 1e-30)
    diff = np.abs(got - expected) / scale
    err = float(np.max(diff))
    if err == 0:
        return "0"
    if err < 1e-4:  # float32 rounding
        return f"{err:.0e}"
    # A real difference: say how many samples it touches (a border, a tie, or everywhere).
    return f"**{err:.0e}** ({int(np.sum(diff >= 1e-4))}/{diff.size})"


def _grid(rows: list[tuple[str, list[str]]], columns: list[str], *, code: bool = True) -> str:
    head = "| | " + " | ".join(f"`{c}`" if code else c for c in columns) + " |"
    lines = [head, "|---" * (len(columns) + 1) + "|"]
    lines += [f"| {label} | " + " | ".join(cells) + " |" for label, cells in rows]
    return "\n".join(lines) + "\n"


def _per_function(
    calls: dict[str, Callable[[Any, Any, int, str], Any]],
    ours: Any,
    peer: Any,
    image: np.ndarray,
    modes: list[str],
) -> str:
    """A table per function: one row per mode, one column per order."""
    blocks = []
    for name, call in calls.items():
        rows = []
        for mode in modes:
            cells = [
                _cell(
                    lambda c=call, o=order, md=mode: c(ours, image.astype(np.float32), o, md),
                    lambda c=call, o=order, md=mode: c(peer, image, o, md),
                )
                for order in ORDERS
            ]
            rows.append((f"`{mode}`", cells))
        title = f"**`{name.split(' ')[0]}`**{name[len(name.split(' ')[0]) :]}"
        blocks.append(f"{title}\n\n" + _grid(rows, [f"order {o}" for o in ORDERS], code=False))
    return "\n".join(blocks)


def scipy_interpolation_table() -> str:
    """map_coordinates, affine_transform, shift, zoom, spline_filter: order x mode."""
    import scipy.ndimage as sndi

    import jaxresample.ndimage as jndi

    rng = np.random.default_rng(0)
    image = rng.random((9, 8))
    coords = np.stack(np.meshgrid(np.linspace(-2.3, 10.6, 7), np.linspace(-1.7, 9.4, 6)))
    coords = coords.reshape(2, -1)
    # Entries chosen so that no output lands on a rounding tie of order 0 (x.5 exactly),
    # where float32 and float64 coordinates may legitimately round to different samples.
    matrix = np.array([[0.913, 0.2071], [-0.1517, 1.0937]])
    calls: dict[str, Callable[[Any, Any, int, str], Any]] = {
        "map_coordinates": lambda m, x, o, md: m.map_coordinates(x, coords, order=o, mode=md),
        "affine_transform": lambda m, x, o, md: m.affine_transform(
            x, matrix, offset=(-1.2837, 0.7913), order=o, mode=md
        ),
        "shift": lambda m, x, o, md: m.shift(x, (2.6, -3.4), order=o, mode=md),
        "zoom": lambda m, x, o, md: m.zoom(x, (1.7, 0.6), order=o, mode=md, grid_mode=True),
        "spline_filter": lambda m, x, o, md: m.spline_filter(x, order=o, mode=md),
    }
    return _per_function(calls, jndi, sndi, image, SCIPY_MODES)


def scipy_filter_table() -> str:
    """The Gaussian and correlation filters: mode."""
    import scipy.ndimage as sndi

    import jaxresample.ndimage as jndi

    image = np.random.default_rng(1).random((10, 7))
    weights = [0.5, -1.0, 2.0, 0.25]
    calls: dict[str, Callable[[Any, Any, str], Any]] = {
        "gaussian_filter": lambda m, x, md: m.gaussian_filter(x, 1.3, mode=md),
        "gaussian_filter1d (order 1)": lambda m, x, md: m.gaussian_filter1d(
            x, 1.1, order=1, mode=md
        ),
        "gaussian_laplace": lambda m, x, md: m.gaussian_laplace(x, 0.9, mode=md),
        "gaussian_gradient_magnitude": lambda m, x, md: m.gaussian_gradient_magnitude(
            x, 1.2, mode=md
        ),
        "correlate1d": lambda m, x, md: m.correlate1d(x, weights, axis=0, mode=md),
        "convolve1d": lambda m, x, md: m.convolve1d(x, weights, axis=1, mode=md),
    }
    # One row per mode, one column per filter: eight mode columns do not fit a page.
    rows = []
    for mode in SCIPY_MODES:
        cells = [
            _cell(
                lambda c=call, md=mode: c(jndi, image.astype(np.float32), md),
                lambda c=call, md=mode: c(sndi, image, md),
            )
            for call in calls.values()
        ]
        rows.append((f"`{mode}`", cells))
    return _grid(rows, list(calls), code=False)


def skimage_table() -> str:
    """resize, rescale, pyramid_reduce and pyramid_expand: order x mode."""
    import skimage.transform as skt

    import jaxresample.transform as jtf

    image = np.random.default_rng(2).random((11, 9))
    calls: dict[str, Callable[[Any, Any, int, str], Any]] = {
        "resize (down, anti-aliased)": lambda m, x, o, md: m.resize(
            x, (7, 4), order=o, mode=md, anti_aliasing=o > 0
        ),
        "rescale (up)": lambda m, x, o, md: m.rescale(x, 1.6, order=o, mode=md),
        "pyramid_reduce": lambda m, x, o, md: m.pyramid_reduce(x, order=o, mode=md),
        "pyramid_expand": lambda m, x, o, md: m.pyramid_expand(x, order=o, mode=md),
    }
    return _per_function(calls, jtf, skt, image, SKIMAGE_MODES)


def jax_image_table() -> str:
    """jaxresample.resize against jax.image.resize: method x antialias, up and down.

    Each cell gives the difference over the whole image and over the interior (output
    samples whose kernel stays inside the input), since the two handle borders differently.
    """
    import jax

    import jaxresample

    image = np.random.default_rng(3).random((48, 40)).astype(np.float32)
    radius = {"nearest": 1, "linear": 1, "cubic": 2, "lanczos3": 3, "lanczos5": 5}
    cases = [("down, antialias", (19, 16), True), ("down", (19, 16), False)]
    cases.append(("up", (101, 87), False))
    rows = []
    for method, r in radius.items():
        cells = []
        for _, shape, aa in cases:
            up = shape[0] / image.shape[0]
            # The kernel's reach in output samples: r when anti-aliased (it is widened by
            # the factor), r * up when upsampling, r / down otherwise; one more for safety.
            reach = r if aa else r * up
            margin = int(np.ceil(reach)) + 1
            inner = (slice(margin, -margin),) * 2

            def ours(s=shape, a=aa, m=method):
                return jaxresample.resize(image, s, method=m, antialias=a)

            def peer(s=shape, a=aa, m=method):
                return jax.image.resize(image, s, method=m, antialias=a)

            whole = _cell(ours, peer)
            interior = _cell(
                lambda f=ours, k=inner: np.asarray(f())[k],
                lambda f=peer, k=inner: np.asarray(f())[k],
            )
            cells.append(f"{whole} / {interior}")
        rows.append((f"`{method}`", cells))
    return _grid(rows, [c[0] for c in cases])


def signature_pairs() -> tuple[list[Any], list[Any]]:
    import jax
    import scipy.ndimage as sndi
    import skimage.transform as skt

    import jaxresample
    import jaxresample.ndimage as jndi
    import jaxresample.transform as jtf

    scipy_pairs = [(n, getattr(jndi, n), getattr(sndi, n)) for n in jndi.__all__]
    skimage_pairs = [(n, getattr(jtf, n), getattr(skt, n)) for n in jtf.__all__]
    skimage_pairs.append(("resize vs jax.image.resize", jaxresample.resize, jax.image.resize))
    return scipy_pairs, skimage_pairs


def write_all(out_dir: Any) -> None:
    """Write every table of the compatibility page into ``out_dir``."""
    scipy_pairs, skimage_pairs = signature_pairs()
    tables = {
        "compat_scipy_signatures.md": signature_table(scipy_pairs),
        "compat_skimage_signatures.md": signature_table(skimage_pairs),
        "compat_scipy_interpolation.md": scipy_interpolation_table(),
        "compat_scipy_filters.md": scipy_filter_table(),
        "compat_skimage.md": skimage_table(),
        "compat_jax_image.md": jax_image_table(),
    }
    for name, text in tables.items():
        (out_dir / name).write_text(text)


if __name__ == "__main__":
    # Run as its own process by docs/conf.py, in parallel with the gallery.
    import sys
    from pathlib import Path

    write_all(Path(sys.argv[1]))
