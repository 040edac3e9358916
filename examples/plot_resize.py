"""
Resizing with each reconstruction kernel
========================================

``resize`` reconstructs a continuous image from the samples with a kernel, then samples it
on the new grid. Top: a 12x9 image resized to 8x6 (a factor of 2/3 per axis, so the new
pixels are 3/2 of the old ones wide) with each ``method``, anti-aliased. Bottom: a step edge
of 12 samples upsampled to 60: the sharp kernels (``cubic``, ``lanczos3``/``lanczos5``) and
the B-splines overshoot next to the edge (ringing), ``nearest``, ``linear`` and ``area``
stay between the two levels.
"""

import matplotlib.pyplot as plt
import numpy as np

from jaxresample import resize

METHODS = ["nearest", "linear", "cubic", "lanczos3", "lanczos5", "bspline3", "bspline5", "area"]

# %%
# The 12x9 -> 8x6 example
# -----------------------
# A gradient, a bright and a dark pixel, and a bright 2x2 block. Every panel shares the
# colour limits of the input, so overshoot shows as saturated pixels.

rows, cols = np.mgrid[0:12, 0:9]
image = (0.3 + 0.04 * cols + 0.02 * rows).astype(np.float32)
image[3, 2] = 1.0  # a single bright pixel
image[8, 6] = 0.0  # a single dark pixel
image[6:8, 1:3] = 0.9  # a bright 2x2 block

fig, axes = plt.subplots(3, 3, figsize=(8, 8))
panels = [("input 12x9", image)]
panels += [(m, np.asarray(resize(image, (8, 6), method=m, antialias=True))) for m in METHODS]
for ax, (title, img) in zip(axes.ravel(), panels, strict=True):
    ax.imshow(img, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_title(title if title.startswith("input") else f"{title} 8x6", fontsize=10)
    ax.axis("off")
fig.suptitle("resize(image, (8, 6), method=..., antialias=True)")
fig.tight_layout()

# %%
# Ringing at a step edge
# ----------------------
# Upsampling 5x, ``antialias`` plays no part. Output sample ``o`` lies at input coordinate
# ``(o + 0.5) * 12 / 60 - 0.5`` (``anchor='edges'``). ``area`` hides ``nearest`` here: each
# output cell lies inside one input cell, whose value is the cell's mean.

step = np.where(np.arange(12) < 6, 0.0, 1.0).astype(np.float32)
x = (np.arange(60) + 0.5) * 12 / 60 - 0.5

fig, ax = plt.subplots(figsize=(9, 4.5))
for m in METHODS:
    up = np.asarray(resize(step, (60,), method=m))
    print(f"{m:<9} min {up.min():+.4f}  max {up.max():+.4f}")
    ax.plot(x, up, label=m, lw=1.2)
ax.plot(np.arange(12), step, "ko", markersize=4, label="input samples")
ax.set_xlabel("input sample coordinate")
ax.legend(ncol=3, fontsize=8)
ax.set_title("a step of 12 samples resized to 60")
fig.tight_layout()
plt.show()
