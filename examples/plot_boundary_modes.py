"""
Boundary modes
==============

How each of scipy's eight boundary-mode names extends a signal past its ends, drawn with
``jaxresample.ndimage.map_coordinates`` at order 1. Note ``wrap`` (period n - 1) versus
``grid-wrap`` (period n), and legacy ``constant`` (``cval`` for any point outside
``[0, n - 1]``) versus ``grid-constant`` (interpolating across the edge toward ``cval``).
"""

import matplotlib.pyplot as plt
import numpy as np

from jaxresample import ndimage as jndi

MODES = ["constant", "grid-constant", "nearest", "mirror", "reflect", "grid-mirror", "wrap",
         "grid-wrap"]  # fmt: skip
signal = np.array([1.0, 3.0, 2.0, 4.0], dtype=np.float32)
n = signal.size
x = np.linspace(-4.5, n - 1 + 4.5, 400, dtype=np.float32)

fig, axes = plt.subplots(4, 2, figsize=(9, 8), sharex=True, sharey=True)
for ax, mode in zip(axes.ravel(), MODES, strict=True):
    y = jndi.map_coordinates(signal, x[None], order=1, mode=mode, cval=0.0)
    ax.plot(x, np.asarray(y), color="tab:blue")
    ax.plot(np.arange(n), signal, "o", color="black", markersize=4)
    ax.axvspan(-0.5, n - 0.5, color="0.92", zorder=-1)
    ax.set_title(mode, fontsize=10)
fig.suptitle("order-1 interpolation outside the grid (grey: the input's field of view)")
fig.tight_layout()
plt.show()
