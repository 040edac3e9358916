"""
A batch run's throughput
========================

``jaxresample.batch.resample_files`` resamples a dataset on disk: worker threads read the
next volumes and write the finished ones while the device computes. Each returned
``VolumeRecord`` holds the seconds its volume spent being read, waiting for the device's
result and being written. Here 8 small CT-like volumes are written to a temporary
directory and resampled twice: a first (cold) run, which compiles the program of the
group, and a second (warm) one, which reuses it.
"""

import pathlib
import tempfile
import time

import jax
import matplotlib.pyplot as plt
import numpy as np

from jaxresample.batch import resample_files
from jaxresample.io import save_volume

# %%
# The dataset
# -----------
# 8 volumes of 64x64x40 int16 voxels at 0.8 x 0.8 x 2.5 mm, each an ellipsoid of its own
# size in air, written as ``.nii.gz``. They share shape and spacing, so they form one
# group: one compiled program serves all of them.

rng = np.random.default_rng(0)
shape, affine = (64, 64, 40), np.diag([0.8, 0.8, 2.5, 1.0])
grid = np.meshgrid(*(np.linspace(-1, 1, n) for n in shape), indexing="ij", sparse=True)
tmp = tempfile.TemporaryDirectory()
src, dst = pathlib.Path(tmp.name, "in"), pathlib.Path(tmp.name, "out")
src.mkdir()
dst.mkdir()
for case in range(8):
    radii = rng.uniform(0.5, 0.9, 3)
    inside = sum((g / r) ** 2 for g, r in zip(grid, radii, strict=True)) < 1
    ct = np.where(inside, 40.0, -1024.0) + rng.normal(0.0, 10.0, shape)
    save_volume(src / f"case{case:02d}.nii.gz", ct, affine, dtype=np.int16)

# %%
# Two runs, timed
# ---------------
# ``on_record`` is called as each volume is settled (its write finished and reported, in
# order); a JAX monitoring listener records when JAX was tracing, lowering or compiling a
# program. No record counts that time: it is spent once per group, before its first step.


def merged(spans):
    """The union of ``(start, end)`` intervals, as disjoint sorted intervals."""
    out = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def run():
    """One pass over the dataset: records, settle times, compile intervals, wall time."""
    settled, spans = [], []

    def on_span(event, start_s, end_s, **_):
        if event.startswith("/jax/core/compile/"):  # nested programs overlap: merged below
            spans.append((start_s - origin, end_s - origin))

    jax.monitoring.register_event_time_span_listener(on_span)
    origin, start = time.time(), time.perf_counter()
    records = resample_files(
        [src],
        dst,
        1.2,
        order=3,
        dtype=np.int16,
        force=True,
        on_record=lambda record: settled.append(time.perf_counter() - start),
    )
    wall = time.perf_counter() - start
    jax.monitoring.unregister_event_time_span_listener(on_span)
    return records, np.array(settled), merged(spans), wall


runs = {"cold": run(), "warm": run()}
for name, (records, _, spans, wall) in runs.items():
    stages = sum(r.read_s + r.compute_s + r.write_s for r in records)
    compiled = sum(b - a for a, b in spans)
    print(
        f"{name}: {[r.status for r in records].count('done')} of {len(records)} volumes done "
        f"in {wall:.3f} s ({len(records) / wall:.1f} volumes/s), {compiled:.3f} s compiling; "
        f"per-volume stages add up to {stages:.3f} s"
    )
first = runs["warm"][0][0]
print(
    f"{first.in_shape} at {[round(s, 4) for s in first.in_spacing]} mm -> {first.out_shape} "
    f"at {[round(s, 4) for s in first.out_spacing]} mm"
)

# %%
# Where the time goes
# -------------------
# Left: the warm run's stages per volume. On volumes this small the device's result is
# mostly ready by the time a writer asks for it, and reading and writing compressed NIfTI
# take most of each volume's time; the stages of different volumes overlap, so their sum
# exceeds the run's wall time. Right: the volumes settled over time in both runs; the
# shaded spans are compilation.

records, settled, _, wall = runs["warm"]
names = [pathlib.Path(r.input).name.removesuffix(".nii.gz") for r in records]
STAGES = [
    ("read_s", "read", "tab:blue"),
    ("compute_s", "wait for device", "tab:orange"),
    ("write_s", "write", "tab:green"),
]
ms = {key: 1e3 * np.array([getattr(r, key) for r in records]) for key, _, _ in STAGES}
total = sum(v.sum() for v in ms.values()) / 1e3
shares = ", ".join(f"{label} {ms[key].sum() / 1e3 / total:.0%}" for key, label, _ in STAGES)
print(f"warm run, share of the stage time: {shares}")
fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
ax = axes[0]
left = np.zeros(len(records))
for key, label, colour in STAGES:
    ax.barh(names, ms[key], left=left, color=colour, label=label)
    left += ms[key]
ax.invert_yaxis()
ax.set_xlim(0, 1.6 * left.max())  # room for the legend on the right
ax.set_xlabel("milliseconds")
ax.set_ylabel("volume (in the order they ran)")
ax.set_title(f"warm run: stages add up to {total:.3f} s, wall time {wall:.3f} s", fontsize=10)
ax.legend(fontsize=8, loc="center right")

ax = axes[1]
for (name, (recs, times, spans, w)), colour in zip(runs.items(), ["tab:red", "black"], strict=True):
    comp = sum(b - a for a, b in spans)
    ax.step(  # on the log axis the curve starts at 10 ms
        np.concatenate([[0.01], times]),
        np.arange(len(times) + 1),
        where="post",
        color=colour,
        label=f"{name}: {len(recs) / w:.1f} volumes/s, {comp:.2f} s compiling",
    )
    for a, b in spans:
        ax.axvspan(a, b, color=colour, alpha=0.15, lw=0)
ax.set_xscale("log")
ax.set_xlabel("seconds since the call (log scale)")
ax.set_ylabel("volumes settled")
ax.set_title(
    "resample_files: 8 x 64x64x40 int16 to 1.2 mm, order=3\n(shaded: compiling)", fontsize=10
)
ax.legend(fontsize=8, loc="lower right")
fig.tight_layout()

tmp.cleanup()
plt.show()
