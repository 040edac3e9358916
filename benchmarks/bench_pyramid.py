"""W3: a 5-level Gaussian pyramid (the image plus 4 reduced levels) of a 2048x2048 float32 image.

jaxresample's ``gaussian_pyramid(levels=5)`` against scikit-image's
``pyramid_gaussian(max_layer=4, downscale=2)`` (the same result), and the binomial kernel
against 4 x ``cv2.pyrDown`` (OpenCV's pyramid), in the same process, after a warm-up call
(which compiles). Prints the median and minimum of the timed calls, the ratio to each peer
and the largest difference from it.

Then the exactness of ``collapse_laplacian(laplacian_pyramid(x))``: the worst error, relative
to the data range, over odd, prime, size-1 and n-D shapes, factors, orders and both kernels,
in float32 and (in a subprocess with ``JAX_ENABLE_X64=1``) in float64.

Usage, from the repository root::

    python -m benchmarks.bench_pyramid            # W3
    python -m benchmarks.bench_pyramid --quick    # a 512x512 image
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks._timing import median_and_min as _time

FULL = 2048
QUICK = 512
LEVELS = 5
#: Shapes of the reconstruction check: odd, prime, size-1 axes, 3-D and 4-D.
SHAPES = [(37, 53), (1, 97), (31, 1, 7), (64, 64), (5, 5, 5, 5), (97, 89), (2, 3, 5, 7)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 512x512 image")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)

    import jax

    from jaxresample import gaussian_pyramid

    n = QUICK if args.quick else FULL
    image = np.random.default_rng(0).random((n, n)).astype(np.float32)
    device = jax.device_put(image)
    span = float(image.max() - image.min())
    print(f"W3 gaussian pyramid: float32 {n}x{n}, {LEVELS} levels; median of {args.repeats}")
    print(f"{'case':<26}{'median s':>10}{'min s':>10}{'ratio':>8}  note")

    def ours(kernel: Any) -> Callable[[], Any]:
        def run() -> Any:
            return jax.block_until_ready(gaussian_pyramid(device, levels=LEVELS, kernel=kernel))

        return run

    med, low, levels = _time(ours("gaussian"), args.repeats)
    try:
        from skimage.transform import pyramid_gaussian
    except ImportError:
        print(f"{'jaxresample gaussian':<26}{med:>10.4f}{low:>10.4f}       -  scikit-image absent")
    else:

        def theirs() -> list[np.ndarray]:
            return list(pyramid_gaussian(image, max_layer=LEVELS - 1, downscale=2))

        pmed, plow, want = _time(theirs, max(3, args.repeats // 4))
        err = max(float(np.abs(np.asarray(a) - b).max()) for a, b in zip(levels, want, strict=True))
        print(f"{'jaxresample gaussian':<26}{med:>10.4f}{low:>10.4f}{med / pmed:>8.3f}  "
              f"max abs diff vs skimage {err / span:.1e} of the range")  # fmt: skip
        print(f"{'skimage pyramid_gaussian':<26}{pmed:>10.4f}{plow:>10.4f}{1.0:>8.3f}")

    med, low, levels = _time(ours("binomial"), args.repeats)
    try:
        import cv2
    except ImportError:
        print(f"{'jaxresample binomial':<26}{med:>10.4f}{low:>10.4f}       -  OpenCV absent")
        return 0

    def opencv() -> list[Any]:
        out: list[Any] = [image]
        for _ in range(LEVELS - 1):
            out.append(cv2.pyrDown(out[-1]))
        return out

    cmed, clow, want = _time(opencv, args.repeats)
    err = max(float(np.abs(np.asarray(a) - b).max()) for a, b in zip(levels, want, strict=True))
    print(f"{'jaxresample binomial':<26}{med:>10.4f}{low:>10.4f}{med / cmed:>8.3f}  "
          f"max abs diff vs OpenCV {err:.1e}")  # fmt: skip
    print(f"{'4 x cv2.pyrDown':<26}{cmed:>10.4f}{clow:>10.4f}{1.0:>8.3f}")
    _report_collapse()
    env = dict(os.environ, JAX_ENABLE_X64="1")
    code = "from benchmarks.bench_pyramid import _report_collapse; _report_collapse()"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    return 0


def _report_collapse() -> None:
    """Print the worst relative collapse error over :data:`SHAPES` in the default float."""
    import jax.numpy

    from jaxresample import collapse_laplacian, laplacian_pyramid

    rng = np.random.default_rng(1)
    worst, where = 0.0, ""
    for shape in SHAPES:
        # the data in the working precision, so only the pyramid's rounding is measured
        x = np.asarray(jax.numpy.asarray(rng.standard_normal(shape)), np.float64)
        dtype = np.asarray(jax.numpy.asarray(x)).dtype
        span = float(x.max() - x.min())
        cases: list[tuple[Any, float, int]] = [
            ("gaussian", f, o) for f in (2, 3, 1.5) for o in (0, 1, 3)
        ]
        for kernel, factor, order in [*cases, ("binomial", 2, 1)]:
            for levels in (4, 3, 2):
                try:
                    pyr = laplacian_pyramid(
                        x, levels=levels, downscale=factor, order=order, kernel=kernel
                    )
                except ValueError:  # more levels than this shape has
                    continue
                err = (
                    float(np.abs(np.asarray(collapse_laplacian(pyr), np.float64) - x).max()) / span
                )
                if err >= worst:
                    worst, where = (
                        err,
                        f"{shape}, {kernel}, factor {factor}, order {order}, {levels} levels",
                    )
                break
    print(f"collapse_laplacian, {dtype}: worst error {worst:.1e} of the range ({where})")


if __name__ == "__main__":
    raise SystemExit(main())
