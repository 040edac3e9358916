"""W4: a softmax ensemble of 5 members x (14, 256, 256, 128) float32 logits to a label map.

jaxresample's ``to_labels(softmax_ensemble(logits, axis=1), axis=0)``, jitted as one
pipeline (XLA fuses the ensemble and the argmax; the probabilities are never stored) and as
two eager calls, against the best NumPy implementation (a loop over the members with
in-place ufuncs), each in its own process so that each process's peak resident memory can
be compared with the input's bytes. Prints the median and minimum time, the ratio, the label
agreement and the peak memory, for float32 and bfloat16 logits.

Usage, from the repository root::

    python -m benchmarks.bench_ensemble            # W4
    python -m benchmarks.bench_ensemble --quick    # 5 x (14, 64, 64, 32)
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import json
import resource
import subprocess
import sys
from typing import Any

import numpy as np

from benchmarks._timing import median_and_min

FULL = (5, 14, 256, 256, 128)
QUICK = (5, 14, 64, 64, 32)


def _reset_peak() -> None:
    """Start the peak-memory count now (Linux: ``/proc/self/clear_refs``), so what made the
    input does not count; freed memory is handed back to the system first."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:  # not Linux: the peak then includes making the input
        pass


def _peak_bytes() -> int:
    """The process's peak resident memory since :func:`_reset_peak` (``VmHWM``)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _numpy_labels(logits: np.ndarray) -> np.ndarray:
    """The mean of the members' softmaxes, then argmax: one member at a time, in place."""
    acc = np.zeros(logits.shape[1:], np.float32)
    work = np.empty(logits.shape[1:], np.float32)
    peak = np.empty(logits.shape[2:], np.float32)
    total = np.empty(logits.shape[2:], np.float32)
    for member in logits:
        np.max(member, axis=0, out=peak)
        np.subtract(member, peak, out=work)
        np.exp(work, out=work)
        np.sum(work, axis=0, out=total)
        np.divide(work, total, out=work)
        acc += work
    return np.argmax(acc, axis=0).astype(np.uint8)


def _logits(shape: tuple[int, ...]) -> np.ndarray:
    """NumPy's members' logits, made one member at a time (no float64 copy of the input)."""
    rng = np.random.default_rng(0)
    out = np.empty(shape, np.float32)
    for m in range(shape[0]):
        out[m] = 4 * rng.standard_normal(shape[1:], dtype=np.float32)
    return out


def _child(kind: str, shape: tuple[int, ...], dtype: str, repeats: int) -> None:
    """Time one implementation in this process; print the times, peak memory, agreement."""
    agree = 1.0
    if kind == "numpy":
        x = _logits(shape)
        _reset_peak()
        med, low, _ = median_and_min(lambda: _numpy_labels(x), repeats)
        peak = _peak_bytes()
    else:
        import jax
        import jax.numpy as jnp

        from jaxresample import softmax_ensemble, to_labels

        host = _logits(shape)  # made one member at a time: no copy of the whole input
        if dtype != "float32":
            host = host.astype(jnp.bfloat16)
        x = jax.block_until_ready(jnp.asarray(host))
        del host  # the device copy is the input from here on
        _reset_peak()

        pipeline = jax.jit(lambda x: to_labels(softmax_ensemble(x, axis=1), axis=0))

        def run() -> Any:
            if kind == "jax-eager":  # two calls: the probabilities are stored in between
                return jax.block_until_ready(to_labels(softmax_ensemble(x, axis=1), axis=0))
            return jax.block_until_ready(pipeline(x))  # one fused pass, no probabilities

        med, low, labels = median_and_min(run, repeats)
        peak = _peak_bytes()
        # NumPy's labels of the same logits (after the peak was read)
        want = _numpy_labels(np.asarray(x.astype("float32")))
        agree = float(np.mean(np.asarray(labels) == want))
    print(json.dumps({"median": med, "min": low, "peak": peak, "agree": agree}))


def _run(kind: str, shape: tuple[int, ...], dtype: str, repeats: int) -> dict[str, float]:
    code = (
        "from benchmarks.bench_ensemble import _child; "
        f"_child({kind!r}, {shape!r}, {dtype!r}, {repeats})"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 x (14, 64, 64, 32)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    shape = QUICK if args.quick else FULL
    nbytes = int(np.prod(shape)) * 4
    print(f"W4 softmax ensemble -> labels: float32 {shape}, {nbytes / 2**30:.2f} GiB of logits; "
          f"median of {args.repeats}")  # fmt: skip
    print(f"{'case':<24}{'median s':>10}{'min s':>10}{'ratio':>8}{'peak/input':>12}  note")
    ref = _run("numpy", shape, "float32", args.repeats)
    for kind, dtype in (("jax", "float32"), ("jax", "bfloat16"), ("jax-eager", "float32")):
        r = _run(kind, shape, dtype, args.repeats)
        input_bytes = nbytes // (2 if dtype == "bfloat16" else 1)
        label = f"{'jit' if kind == 'jax' else 'eager'} {dtype}"
        print(f"{label:<24}{r['median']:>10.3f}{r['min']:>10.3f}"
              f"{r['median'] / ref['median']:>8.3f}{r['peak'] / input_bytes:>12.2f}  "
              f"labels equal to NumPy's: {r['agree']:.6f}")  # fmt: skip
    print(f"{'numpy loop, in place':<24}{ref['median']:>10.3f}{ref['min']:>10.3f}{1.0:>8.3f}"
          f"{ref['peak'] / nbytes:>12.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
