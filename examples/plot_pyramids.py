"""
Subsampling, pyramids and exact reconstruction
==============================================

Top: a zone plate (rings whose frequency grows outwards) reduced 4x per axis by plain
``subsample`` and by two ``pyramid_reduce`` steps. Subsampling folds the fine outer rings back
as coarse false rings (aliasing); blurring first removes what the coarser grid cannot hold.

Bottom: a Laplacian pyramid of a 97x89 image (odd sizes: no padding anywhere), its bands,
and the error of ``collapse_laplacian``, which adds the bands back with the same expand step
the pyramid subtracted.
"""

import matplotlib.pyplot as plt
import numpy as np

from jaxresample import (
    collapse_laplacian,
    gaussian_pyramid,
    laplacian_pyramid,
    subsample,
)

n = 256
t = np.linspace(-1, 1, n)
y, x = np.meshgrid(t, t, indexing="ij")
zone = (0.5 + 0.5 * np.cos(90 * (x**2 + y**2))).astype(np.float32)

aliased = np.asarray(subsample(zone, factor=4))
reduced = np.asarray(gaussian_pyramid(zone, levels=3)[-1])

fig, axes = plt.subplots(2, 3, figsize=(10, 7))
for ax, img, title in zip(
    axes[0],
    [zone, aliased, reduced],
    ["zone plate 256x256", "subsample(factor=4): aliasing", "two pyramid_reduce steps"],
    strict=True,
):
    ax.imshow(img, cmap="gray", vmin=0, vmax=1)
    ax.set_title(title, fontsize=10)
    ax.axis("off")

v, u = np.meshgrid(np.linspace(-1, 1, 97), np.linspace(-1, 1, 89), indexing="ij")
disk = (u**2 + (v + 0.2) ** 2 < 0.35).astype(np.float32)
image = (disk + 0.3 * np.sin(9 * u) * np.cos(5 * v) + 0.5 * v).astype(np.float32)
pyr = laplacian_pyramid(image, levels=4)
restored = np.asarray(collapse_laplacian(pyr))
error = np.abs(restored - image).max() / np.ptp(image)
print(f"bands: {[band.shape for band in pyr]}")
print(f"collapse error: {error:.1e} of the data range (float32)")

for ax, band, title in zip(
    axes[1],
    [pyr[0], pyr[1], pyr[-1]],
    ["band 0 (finest detail)", "band 1", "top: coarsest Gaussian level"],
    strict=True,
):
    ax.imshow(np.asarray(band), cmap="gray")
    ax.set_title(f"{title}\n{band.shape}", fontsize=10)
    ax.axis("off")
fig.suptitle(f"bottom: Laplacian pyramid of a 97x89 image, collapse error {error:.1e} of the range")
fig.tight_layout()
plt.show()
