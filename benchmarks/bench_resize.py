"""W1 through ``resize``: float32 512x512x247 -> 400x400x124, linear, anti-aliased.

jaxresample's ``resize(method='linear', antialias=True)`` against ``jax.image.resize``
(``'linear'``, ``antialias=True``: the same widened triangle, jitted) and scikit-image's
``resize(order=1, anti_aliasing=True)`` (NumPy; a Gaussian blur first, so a different
result), in the same process, after a warm-up call (which compiles). Prints the median and
minimum of the timed calls, the ratio to each peer and the largest difference from
``jax.image.resize``, over the interior and over the whole volume.

Usage, from the repository root::

    python -m benchmarks.bench_resize            # W1 shapes
    python -m benchmarks.bench_resize --quick    # 128x128x62 -> 100x100x31
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from benchmarks._timing import median_and_min as _time

FULL = ((512, 512, 247), (400, 400, 124))
QUICK = ((128, 128, 62), (100, 100, 31))
BORDER = 3  # output samples left out at each end of every axis for the interior difference


def _row(name: str, med: float, low: float, ratio: float | None, note: str = "") -> None:
    r = f"{ratio:>8.3f}" if ratio is not None else f"{'-':>8}"
    print(f"{name:<30}{med:>10.4f}{low:>10.4f}{r}  {note}".rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 128x128x62 volume")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args(argv)

    import jax

    from jaxresample import resize

    in_shape, out_shape = QUICK if args.quick else FULL
    image = np.random.default_rng(0).standard_normal(in_shape, dtype=np.float32)
    device = jax.device_put(image)
    shape_s = "x".join(map(str, in_shape)) + " -> " + "x".join(map(str, out_shape))
    print(f"resize linear, antialias: float32 {shape_s}; median of {args.repeats}")
    print(f"{'case':<30}{'median s':>10}{'min s':>10}{'ratio':>8}  note")

    def ours() -> Any:
        return jax.block_until_ready(resize(device, out_shape, method="linear", antialias=True))

    jitted = jax.jit(lambda v: resize(v, out_shape, method="linear", antialias=True))
    peer = jax.jit(lambda v: jax.image.resize(v, out_shape, "linear", antialias=True))

    med, low, got = _time(ours, args.repeats)
    jmed, jlow, _ = _time(lambda: jax.block_until_ready(jitted(device)), args.repeats)
    pmed, plow, want = _time(lambda: jax.block_until_ready(peer(device)), args.repeats)
    got, want = np.asarray(got), np.asarray(want)
    inner = tuple(slice(BORDER, n - BORDER) for n in out_shape)
    err_in = float(np.abs(got[inner] - want[inner]).max())
    err_all = float(np.abs(got - want).max())
    idx = np.unravel_index(np.argmax(np.abs(got - want)), got.shape)

    smed = slow = None
    try:
        from skimage.transform import resize as sk_resize
    except ImportError:
        sk_note = "scikit-image absent"
    else:

        def theirs() -> np.ndarray:
            return sk_resize(image, out_shape, order=1, anti_aliasing=True)

        smed, slow, sk = _time(theirs, max(2, args.repeats // 4))
        sk_err = float(np.abs(got - sk).max())
        sk_note = f"max abs diff {sk_err:.1e} (Gaussian anti-aliasing)"

    ours_note = "ours/jax" if smed is None else f"ours/jax; ours/skimage {med / smed:.3f}"
    _row("jaxresample resize", med, low, med / pmed, ours_note)
    _row("jaxresample resize in jax.jit", jmed, jlow, jmed / pmed, "ours/jax")
    _row("jax.image.resize (jit)", pmed, plow, 1.0)
    if smed is not None and slow is not None:
        _row("skimage resize", smed, slow, 1.0, sk_note)
    else:
        print(sk_note)
    span = float(want.max() - want.min())
    print(f"max abs diff vs jax.image.resize: interior {err_in:.1e}, whole volume "
          f"{err_all:.1e} (at {tuple(map(int, idx))}; data range {span:.2f})")  # fmt: skip
    print(f"note: the interior leaves out {BORDER} output samples at each end of every axis;\n"
          "      there jax.image.resize renormalises its kernel over the samples inside,\n"
          "      while resize extends the input with its boundary mode ('reflect')")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
