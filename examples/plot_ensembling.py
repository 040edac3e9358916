"""
Softmax and sigmoid ensembles, and where the members disagree
=============================================================

Five segmentation "members" of a synthetic 128x128 image, each the true score map plus its
own noise and its own small shift of the boundaries. First: mutually exclusive classes,
combined with ``softmax_ensemble``; ``ensemble_uncertainty`` shows where the members disagree.
Then: nested, overlapping regions (whole > core > enhancing, as in BraTS), combined with
``sigmoid_ensemble`` and painted with ``regions_to_labels``.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

from jaxresample import (
    ensemble_uncertainty,
    regions_to_labels,
    sigmoid_ensemble,
    softmax_ensemble,
    to_labels,
)

rng = np.random.default_rng(0)
n, members = 128, 5
y, x = np.mgrid[0:n, 0:n].astype(np.float32)
LABELS = ListedColormap(["black", "tab:orange", "tab:green", "tab:purple"])


def disc_scores(discs, shift=(0.0, 0.0)):
    """The signed distance inside each disc ``(row, col, radius)``, in pixels."""
    return np.stack([r - np.hypot(y - r0 - shift[0], x - c0 - shift[1]) for r0, c0, r in discs])


def member_logits(discs, background):
    """``[members, channels, n, n]`` logits: shifted boundaries plus per-pixel noise."""
    out = []
    for _ in range(members):
        z = 0.8 * disc_scores(discs, shift=rng.normal(0.0, 2.5, 2))
        z = np.concatenate([np.zeros((1, n, n)), z]) if background else z
        out.append(z + rng.normal(0.0, 1.2, z.shape))
    return np.stack(out).astype(np.float32)


def show(ax, img, title, **kw):
    """One panel: a label map, or a continuous map with a colorbar."""
    im = ax.imshow(np.asarray(img), interpolation="nearest", **kw)
    if "cmap" not in kw:
        ax.figure.colorbar(im, ax=ax, fraction=0.046)
    ax.set_title(title, fontsize=10)
    ax.axis("off")


# %%
# Mutually exclusive classes: softmax
# -----------------------------------
# Background (logit 0) and three overlapping discs; each pixel takes the class with the
# largest score. Averaging the members' softmax probabilities cancels most of their noise
# and shifts; the mutual information (BALD) is high where they disagree, on the boundaries.

discs = [(48, 48, 30), (52, 84, 28), (86, 64, 30)]
truth = np.argmax(np.concatenate([np.zeros((1, n, n)), disc_scores(discs)]), axis=0)
logits = member_logits(discs, background=True)
each = np.asarray(to_labels(logits, axis=1))  # every member's own label map
ensemble = np.asarray(to_labels(softmax_ensemble(logits, axis=1), axis=0))
u = ensemble_uncertainty(logits, axis=1)
errors = ", ".join(f"{np.mean(m != truth):.2%}" for m in each)
print(f"pixels labelled wrong: members {errors}; ensemble {np.mean(ensemble != truth):.2%}")

fig, axes = plt.subplots(2, 3, figsize=(11, 7))
labels = dict(cmap=LABELS, vmin=-0.5, vmax=3.5)
show(axes[0, 0], truth, "ground truth", **labels)
show(axes[0, 1], each[0], "member 0: to_labels", **labels)
show(axes[0, 2], ensemble, "to_labels(softmax_ensemble)", **labels)
show(axes[1, 0], u.expected_entropy, "expected entropy (members' own)")
show(axes[1, 1], u.mutual_information, "mutual information (disagreement)")
show(axes[1, 2], u.predictive_entropy, "predictive entropy (total)")
fig.suptitle("5 softmax members, background + 3 classes (entropies in nats)")
fig.tight_layout()

# %%
# Overlapping regions: sigmoid
# ----------------------------
# Region-based training (nnU-Net) predicts one yes/no channel per region: whole, core and
# enhancing, each inside the previous one. Each channel is averaged and thresholded on its
# own; ``regions_to_labels`` paints them in order, so the innermost region comes out on top.
#
# A softmax over these three channels would force them to compete: its probabilities sum
# to 1, yet inside the enhancing region all three are true. The whole-tumour channel has the
# largest margin there and takes most of the probability, so the inner regions shrink or
# vanish (and with no background channel, the whole tumour fills the image).

regions = [(64, 64, 44), (60, 70, 26), (58, 74, 12)]
masks_true = disc_scores(regions) > 0
truth = np.asarray(regions_to_labels(masks_true, axis=0))
logits = member_logits(regions, background=False)
probs = sigmoid_ensemble(logits, axis=1)
masks = sigmoid_ensemble(logits, axis=1, threshold=0.5)
painted = regions_to_labels(masks, axis=0)
wrong = regions_to_labels(softmax_ensemble(logits, axis=1) > 0.5, axis=0)


def dice(a, b):
    """Dice overlap of two bool masks."""
    return 2 * np.sum(a & b) / (np.sum(a) + np.sum(b))


inner = masks_true[-1]
print(f"enhancing Dice: sigmoid {dice(np.asarray(masks)[-1], inner):.3f}, ", end="")
print(f"softmax {dice(np.asarray(wrong) == 3, inner):.3f}")

fig, axes = plt.subplots(2, 3, figsize=(11, 7))
for ax, p, name in zip(axes[0], probs, ["whole", "core", "enhancing"], strict=True):
    show(ax, p, f"sigmoid_ensemble: {name}", vmin=0, vmax=1)
show(axes[1, 0], truth, "ground truth", **labels)
show(axes[1, 1], painted, "regions_to_labels(threshold 0.5)", **labels)
show(axes[1, 2], wrong, "wrong: softmax over the regions > 0.5", **labels)
fig.suptitle("5 sigmoid members, 3 nested regions")
fig.tight_layout()
plt.show()
