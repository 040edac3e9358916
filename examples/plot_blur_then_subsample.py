"""
Blur, then subsample
====================

``pyramid_reduce`` is a Gaussian blur followed by sampling at the centres of the coarser
grid's cells; ``subsample`` is the sampling alone. How much to blur is a trade: a narrow
Gaussian lets fine detail through, which folds back (aliasing); a wide one also removes
detail the coarser grid could have held. Here a 3x reduction of a periodic zone plate is
compared with the ideal one, which keeps exactly the frequencies below the new Nyquist
limit, for several blur widths ``sigma``.
"""

import functools

import matplotlib.pyplot as plt
import numpy as np

from jaxresample import gaussian_kernel1d, pyramid_reduce, subsample
from jaxresample import ndimage as jndi

# %%
# A periodic zone plate and its ideal reduction
# ---------------------------------------------
# ``cos(pi x^2 / n)`` on integer ``x`` repeats with period ``n`` (for even ``n``), and its
# local frequency grows from 0 at the centre to the Nyquist limit at the border: each
# frequency appears at one distance from the centre. With periodic borders
# (``mode='grid-wrap'``) the ideal 3x reduction is exact: drop every Fourier coefficient
# beyond 1/6 cycle per sample, then sample. ``pyramid_reduce(downscale=3)`` samples at input
# coordinates 1, 4, 7, ..., the centres of the coarse cells, so the reference and
# ``subsample(offset=1)`` use them too.

n, factor = 240, 3
c = np.arange(n) - n // 2
zone = (0.5 + 0.5 * np.cos(np.pi * (c[:, None] ** 2 + c[None, :] ** 2) / n)).astype(np.float32)
k = np.fft.fftfreq(n)  # cycles per sample
cutoff = 0.5 / factor
band_1d = np.where(np.abs(k) < cutoff, 1.0, np.where(np.isclose(np.abs(k), cutoff), 0.5, 0.0))
band = np.outer(band_1d, band_1d)  # half weight on the coarse Nyquist bins keeps it real
spectrum = np.fft.fft2(zone)
ideal = np.fft.ifft2(spectrum * band).real[1::factor, 1::factor].astype(np.float32)
signal = ideal.var()


@functools.cache
def energies(sigma):
    """Mean squares, relative to the ideal result's variance: lost in band, folded back."""
    taps = np.asarray(gaussian_kernel1d(sigma), dtype=np.float64)
    j = np.arange(taps.size) - taps.size // 2  # the blur's periodic transfer function
    h = np.real(np.exp(-2j * np.pi * np.outer(k, j)) @ taps)
    blurred = spectrum * np.outer(h, h)
    lost = np.sum(np.abs((spectrum - blurred) * band) ** 2) / n**4
    folded = np.sum(np.abs(blurred * (1 - band)) ** 2) / n**4
    return lost / signal, folded / signal, blurred


def error(result):
    """Mean square difference from the ideal reduction, relative to its variance."""
    return np.mean((np.asarray(result) - ideal) ** 2) / signal


# ``pyramid_reduce`` is "blur, then subsample", up to float32 rounding: check it at the
# default sigma.
default = 2 * factor / 6
reduced = pyramid_reduce(zone, downscale=factor, mode="grid-wrap")
by_hand = subsample(jndi.gaussian_filter(zone, default, mode="grid-wrap"), factor=factor, offset=1)
print(f"pyramid_reduce vs gaussian_filter + subsample: {np.abs(reduced - by_hand).max():.1e}")

# %%
# Spectra before sampling, and the results
# ----------------------------------------
# Top: ``log10 |FFT|`` of the image about to be sampled; the dashed square is the band the
# 80x80 result can hold, and everything outside it folds back inside. Bottom: the results,
# with their error energy against the ideal reduction (in units of its variance).

sigmas = [0.0, 0.5, default, 2.5]
fig, axes = plt.subplots(2, 4, figsize=(13, 8))
shown = np.fft.fftshift(k)
half = 0.5 / n  # imshow's extent is the outer edges of the frequency bins
extent = (shown[0] - half, shown[-1] + half, shown[-1] + half, shown[0] - half)
for col, sigma in enumerate(sigmas):
    lost, folded, blurred = energies(sigma)
    if sigma == 0:
        result, name = subsample(zone, factor=factor, offset=1), "subsample(offset=1)"
    else:
        result = pyramid_reduce(zone, downscale=factor, sigma=sigma, mode="grid-wrap")
        name = f"pyramid_reduce(sigma={sigma:.2g})"
    e = error(result)
    print(f"sigma {sigma:.2f}: lost {lost:.3f} + folded {folded:.3f}; measured error {e:.3f}")
    ax = axes[0, col]
    mag = np.log10(np.abs(np.fft.fftshift(blurred)) + 1e-3)
    ax.imshow(mag, cmap="magma", vmin=-1, vmax=3, extent=extent)
    ax.add_patch(
        plt.Rectangle(
            (-cutoff, -cutoff), 2 * cutoff, 2 * cutoff, fill=False, ec="cyan", ls="--", lw=1.2
        )
    )
    ax.set_title(f"sigma = {sigma:.2g}: folded energy {folded:.2f}", fontsize=10)
    ax.set_xlabel("cycles / sample (columns)")
    ax.set_ylabel("cycles / sample (rows)")
    ax = axes[1, col]
    ax.imshow(np.asarray(result), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_title(f"{name}\nerror energy {e:.2f}", fontsize=10)
    ax.set_xlabel("column")
    ax.set_ylabel("row")
fig.suptitle(
    f"a {n}x{n} periodic zone plate reduced 3x. Top: log10 |FFT| before sampling (dashed: the"
    " band 80x80 samples hold).\nBottom: the results. Energies in units of the ideal result's"
    " variance."
)
fig.tight_layout()

# %%
# The trade-off
# -------------
# The error of ``pyramid_reduce`` against the ideal reduction, over the blur width, with its
# two parts: the in-band energy the blur removes (grows with sigma) and the energy beyond
# the new Nyquist limit that folds back (shrinks with sigma). Their sum follows the
# measured error; the default, ``2 * downscale / 6``, lies near its minimum.

sweep = np.array([0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5])
parts = np.array([energies(float(s))[:2] for s in sweep])
measured = [
    error(pyramid_reduce(zone, downscale=factor, sigma=float(s), mode="grid-wrap")) for s in sweep
]
best = sweep[int(np.argmin(measured))]
print(f"smallest error at sigma {best:.2f} of those tried; the default is {default:.2f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [1, 1.8]})
axes[0].imshow(ideal, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
axes[0].set_title("ideal 3x reduction (Fourier band limit)", fontsize=10)
axes[0].set_xlabel("column")
axes[0].set_ylabel("row")
ax = axes[1]
ax.plot(sweep, measured, "o-", color="black", label="measured error of pyramid_reduce")
ax.plot(sweep, parts[:, 0], "--", color="tab:blue", label="in-band energy removed by the blur")
ax.plot(sweep, parts[:, 1], "--", color="tab:red", label="energy folded back (aliasing)")
ax.plot(sweep, parts.sum(axis=1), ":", color="0.4", label="removed + folded")
ax.axvline(default, color="tab:green", lw=1, label=f"default sigma = {default:.2g}")
ax.set_xlabel("Gaussian sigma (input samples)")
ax.set_ylabel("energy / variance of the ideal result")
ax.set_yscale("log")
ax.set_ylim(bottom=1e-3)
ax.legend(fontsize=8)
ax.set_title(f"error against the ideal reduction; smallest at sigma = {best:.2f}", fontsize=10)
fig.tight_layout()
plt.show()
