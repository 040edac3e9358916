"""
Interpolation orders 0-5
========================

``jaxresample.ndimage.zoom`` samples the B-spline of ``order`` 0 (nearest) to 5 through
the input samples. First, a 1-D profile with a step and a smooth bump, upsampled 8x: order
0 copies samples, order 1 joins them with straight lines, and the splines of order 2 and
above overshoot next to the step (ringing) while following the smooth bump more closely.

Then a zone plate reduced 4x per axis. ``zoom`` does not low-pass filter, so at every
order the rings finer than the new grid can hold fold back as coarse false rings; a higher
order does not help. ``resize(..., antialias=True)`` blurs first and leaves a nearly flat
grey where the input held more detail than the output can represent.
"""

import matplotlib.pyplot as plt
import numpy as np

from jaxresample import ndimage as jndi
from jaxresample import resize

ORDERS = range(6)

# %%
# Upsampling: overshoot at a step
# -------------------------------
# 40 samples, zoomed to 320 with ``grid_mode=True`` (the outer edges of the two grids
# coincide, so output sample ``o`` lies at input coordinate ``(o + 0.5) / 8 - 0.5``). The
# bump's error is measured against the Gaussian it was sampled from, beyond ``x = 21``.

n, zoom = 40, 8
i = np.arange(n)
profile = np.where((i >= 6) & (i < 14), 1.0, 0.0) + 0.8 * np.exp(-0.5 * ((i - 28) / 2.0) ** 2)
profile = profile.astype(np.float32)
x = (np.arange(n * zoom) + 0.5) / zoom - 0.5

fig, axes = plt.subplots(2, 3, figsize=(10, 6), sharex=True, sharey=True)
for ax, order in zip(axes.ravel(), ORDERS, strict=True):
    up = np.asarray(jndi.zoom(profile, zoom, order=order, mode="nearest", grid_mode=True))
    bump = np.abs(up - 0.8 * np.exp(-0.5 * ((x - 28) / 2.0) ** 2))[x > 21].max()
    print(f"order {order}: min {up.min():+.4f}, max {up.max():.4f}; bump error {bump:.1e}")
    ax.axhspan(0.0, 1.0, color="0.93", zorder=-1)
    ax.plot(x, up, color="tab:blue", lw=1.3)
    ax.plot(i, profile, "o", color="black", markersize=3)
    ax.set_title(
        f"order {order}: range [{up.min():+.3f}, {up.max():.3f}]\n"
        f"largest error on the bump {bump:.1e}",
        fontsize=10,
    )
for ax in axes[1]:
    ax.set_xlabel("input sample coordinate")
for ax in axes[:, 0]:
    ax.set_ylabel("value")
fig.suptitle("zoom(profile, 8, order=k, grid_mode=True): 40 samples to 320 (grey: [0, 1])")
fig.tight_layout()

# %%
# Downsampling: aliasing at every order
# -------------------------------------
# The zone plate ``cos(90 r^2)`` on a 256x256 grid over ``[-1, 1]^2``: its local frequency
# grows with the radius ``r``. After a 4x reduction the rings beyond ``r = 0.56`` are finer
# than the new Nyquist limit, so an ideal reduction is a flat 0.5 there. The standard
# deviation of the result in ``r > 0.75`` measures the false rings.

m = 256
t = np.linspace(-1, 1, m)
yy, xx = np.meshgrid(t, t, indexing="ij")
zone = (0.5 + 0.5 * np.cos(90 * (xx**2 + yy**2))).astype(np.float32)
r_alias = np.pi * (m - 1) / (16 * 90)  # local frequency 2 * 90 * r * dt = pi / 4 rad/sample
tc = -1 + ((np.arange(m // 4) + 0.5) * 4 - 0.5) * 2 / (m - 1)  # the 64 output samples
outer = np.hypot(*np.meshgrid(tc, tc, indexing="ij")) > 0.75
print(f"rings finer than the 64x64 grid's Nyquist limit beyond r = {r_alias:.3f}")

panels = []
for order in (0, 1, 3, 5):
    small = np.asarray(jndi.zoom(zone, 0.25, order=order, mode="mirror", grid_mode=True))
    panels.append((f"zoom(order={order})", small))
smooth = np.asarray(resize(zone, (64, 64), method="bspline3", antialias=True))
panels.append(("resize(bspline3, antialias=True)", smooth))

fig, axes = plt.subplots(2, 3, figsize=(10, 7.8))
axes[0, 0].imshow(zone, cmap="gray", vmin=0, vmax=1)
axes[0, 0].set_title("input: zone plate 256x256", fontsize=10)
for ax, (title, img) in zip(axes.ravel()[1:], panels, strict=True):
    spread = img[outer].std()
    print(f"{title:<34} std in r > 0.75: {spread:.3f}")
    ax.imshow(img, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_title(f"{title}\n64x64, std in r > 0.75: {spread:.3f}", fontsize=10)
for ax in axes.ravel():
    ax.set_xlabel("column")
    ax.set_ylabel("row")
fig.suptitle("a 4x reduction: no order avoids aliasing, a low-pass filter does")
fig.tight_layout()
plt.show()
