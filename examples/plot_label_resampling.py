"""
Resampling label maps
=====================

A label map holds categories, not quantities: interpolating its integer values as numbers
puts the average of two touching labels on their boundary, a label that is not there (or a
different structure that happens to have that number). ``resample_labels`` only ever
outputs a label of the input, and with ``'linear'`` or ``'gaussian'`` only one of the
labels at the corners of each output voxel. Here a 2-D map of touching regions and thin
structures is upsampled 4x and downsampled 2.5x with each ``method``, beside the naive
linear interpolation of its values.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Patch

from jaxresample import plan_resample, resample_labels, resample_to_spacing

# %%
# The label map
# -------------
# 64x64 pixels of 1 mm: two discs (labels 1 and 5) that touch, a ring one pixel thick
# (3), a straight line one pixel wide (8) crossing the background (0), and a small
# blob (3) of the same class as the ring. The values are not contiguous on purpose.

n = 64
yy, xx = np.mgrid[0:n, 0:n]
labels = np.zeros((n, n), np.uint8)
labels[np.hypot(yy - 24, xx - 20) < 13] = 1
labels[np.hypot(yy - 24, xx - 44) < 13] = 5
labels[(xx < 33) & (labels == 5)] = 1  # a straight boundary where 1 and 5 touch
labels[np.abs(np.hypot(yy - 48, xx - 44) - 9) < 0.6] = 3  # a thin ring
labels[np.hypot(yy - 50, xx - 14) < 3] = 3
labels[np.abs(yy - (0.35 * xx + 38)) < 0.5] = 8  # a thin line
affine = np.diag([1.0, 1.0, 1.0])  # 2-D: a 3x3 voxel-to-world matrix, in mm
present = sorted(np.unique(labels).tolist())
print(f"input labels {present}, pixels per label {np.bincount(labels.ravel())[present]}")

# Colours for the values 0..8: the input's labels in their own colour, every other value
# (one the input does not have) in red.
OWN = {0: "black", 1: "tab:blue", 3: "tab:olive", 5: "tab:orange", 8: "white"}
cmap = ListedColormap([OWN.get(v, "red") for v in range(9)])
norm = BoundaryNorm(np.arange(-0.5, 9.5), cmap.N)


def naive(spacing):
    """Linear interpolation of the label values, rounded to the nearest integer."""
    values, _ = resample_to_spacing(labels.astype(np.float32), affine, spacing, order=1)
    return np.rint(np.asarray(values)).astype(np.uint8)


def invented(result, spacing):
    """Pixels whose label is not in the input, and those that none of their corners hold."""
    plan = plan_resample(labels.shape, affine, spacing=spacing)
    grid = np.stack(np.meshgrid(*map(np.arange, result.shape), indexing="ij"), axis=-1)
    coords = grid @ plan.index_map[:2, :2].T + plan.index_map[:2, 2]  # input coordinates
    lo = np.clip(np.floor(coords).astype(int), 0, n - 1)
    hi = np.clip(lo + 1, 0, n - 1)
    corners = [labels[r[..., 0], c[..., 1]] for r in (lo, hi) for c in (lo, hi)]
    not_a_corner = np.all([result != c for c in corners], axis=0)
    return int(np.sum(~np.isin(result, present))), int(np.sum(not_a_corner))


# %%
# Upsampled 4x and downsampled 2.5x
# ---------------------------------
# Each panel counts the pixels with a label the input does not have (red), and those whose
# label is none of the labels at the four input pixels around them (a label "between" its
# neighbours, such as 3 on the boundary of 1 and 5). The naive interpolation shows both
# along every boundary; ``resample_labels`` shows neither. Every panel is drawn in
# millimetres over the same field of view; the top row shows a part of it.
#
# Downsampling, ``'nearest'`` keeps one pixel in 2.5 and breaks the thin structures apart;
# ``'linear'`` weighs the four nearest. ``'gaussian'`` smooths each label's indicator by
# half an output pixel first: an eighth of an input pixel when upsampling 4x, too little
# to change a pixel here, and 1.25 input pixels when downsampling 2.5x, enough for the
# background to outweigh the one-pixel line and ring.

fig, axes = plt.subplots(2, 5, figsize=(14, 7.6))
field = (-0.5, n - 0.5, n - 0.5, -0.5)  # the outer pixel edges (mm), the same for all grids
for row, spacing in enumerate([0.25, 2.5]):
    results = [("naive: linear values, rounded", naive(spacing))]
    for method in ("nearest", "linear", "gaussian"):
        out, _ = resample_labels(labels, affine, spacing=spacing, method=method)
        results.append((f"resample_labels({method!r})", np.asarray(out)))
    differ = int(np.sum(results[2][1] != results[3][1]))
    print(f"spacing {spacing}: 'gaussian' and 'linear' differ at {differ} pixels")
    axes[row, 0].imshow(labels, cmap=cmap, norm=norm, interpolation="nearest", extent=field)
    axes[row, 0].set_title(f"input {n}x{n} at 1 mm\nlabels {present}", fontsize=9)
    for ax, (title, result) in zip(axes[row, 1:], results, strict=True):
        absent, between = invented(result, spacing)
        kept = [int(np.sum(result == v)) for v in present]
        print(
            f"spacing {spacing}: {title:<31} {result.shape}: {absent:5d} pixels not in the "
            f"input, {between:5d} not at a corner; pixels per label {kept}"
        )
        ax.imshow(result, cmap=cmap, norm=norm, interpolation="nearest", extent=field)
        ax.set_title(
            f"{title}, {result.shape[0]}x{result.shape[1]}\n{absent} absent, "
            f"{between} between, label 8: {kept[-1]} px",
            fontsize=9,
        )
    for ax in axes[row]:
        ax.set_xlabel("column (mm)")
        ax.set_ylabel("row (mm)")
        if spacing < 1:  # the boundary of 1 and 5, the ring and the line
            ax.set_xlim(22, 58)
            ax.set_ylim(60, 14)
handles = [Patch(color=OWN[v], label=f"label {v}") for v in present]
handles.append(Patch(color="red", label="a value the input does not have"))
fig.legend(handles=handles, loc="lower center", ncol=6, fontsize=9, facecolor="0.85")
fig.suptitle("top: 1 mm to 0.25 mm (4x up, a detail); bottom: to 2.5 mm (2.5x down)")
fig.tight_layout(rect=(0, 0.06, 1, 1))
plt.show()
