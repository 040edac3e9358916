"""Gaussian kernels: scipy's sampled kernel (with derivatives), pixel-integrated, discrete Bessel.

Everything here is written with ``jax.numpy`` so that ``sigma`` may be traced: a kernel built
inside a jitted function is differentiable with respect to ``sigma``. Only ``order`` and
``radius`` (which fix the kernel's length and the polynomial's degree) are static.
"""

from __future__ import annotations

import functools
import math
import numbers
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import erf, i0e

from ._choices import SIGMA_RULES, SigmaRule
from ._validation import check_choice, concrete_float, fmt, is_traced, static_int

__all__ = [
    "KERNEL_METHODS",
    "antialias_sigma",
    "MAX_ORDER",
    "MAX_TAPS",
    "check_order",
    "check_sigma",
    "check_truncate",
    "filter_radius",
    "gaussian_kernel1d",
    "kernel_radius",
    "sampled_kernel",
]

#: The kernel constructions accepted by :func:`gaussian_kernel1d`.
KERNEL_METHODS: tuple[str, ...] = ("sampled", "erf", "bessel")
#: A sigma at or below this means no smoothing (scipy skips such axes): the kernel is a unit
#: impulse, whatever the derivative order, in eager and traced calls alike.
SIGMA_ZERO = 1e-15
#: The Gaussian sampled further than this many standard deviations from its centre is
#: exactly 0 in float32 and float64 (``exp(-0.5 * 40**2)`` underflows), so filters never
#: build a longer kernel than that for a concrete sigma: the result is the same.
ZERO_BEYOND = 40.0
#: The longest kernel built (taps). A kernel that must be longer is refused: it would take
#: gigabytes to hold. Filters fold any kernel onto the axis it filters (at most
#: ``2 n + 1`` taps), so only the kernel itself is this long.
MAX_TAPS = (1 << 24) + 1
#: The highest derivative order of a Gaussian kernel: higher orders overflow float32.
MAX_ORDER = 32


def check_sigma(sigma: Any, *, fn: str, name: str = "sigma") -> Any:
    """A concrete sigma as a finite, nonnegative Python float; a traced one as it is.

    Raises:
      TypeError: not a real number.
      ValueError: negative, NaN or infinite.
    """
    if is_traced(sigma):
        return sigma
    value = concrete_float(sigma, fn=fn, name=name, finite=False)
    if not math.isfinite(value):
        raise ValueError(f"{fn}: {name} must be finite; got {value}")
    if value < 0:
        raise ValueError(f"{fn}: {name} must be nonnegative; got {fmt(sigma)}")
    return value


def check_truncate(truncate: Any, *, fn: str) -> float:
    """``truncate`` as a finite, nonnegative Python float (it sets the kernel size)."""
    value = concrete_float(truncate, fn=fn, name="truncate", fix="it sets the kernel size")
    if value < 0:
        raise ValueError(f"{fn}: truncate must be nonnegative; got {value}")
    return value


def check_order(order: Any, *, fn: str) -> int:
    """A derivative order in ``[0, MAX_ORDER]``."""
    return static_int(order, fn=fn, name="order", minimum=0, maximum=MAX_ORDER)


def kernel_radius(sigma: float, truncate: float) -> int:
    """Scipy's radius rule, ``int(truncate * sigma + 0.5)`` (both concrete and finite)."""
    return int(float(truncate) * float(sigma) + 0.5)


def check_radius(radius: Any, *, fn: str) -> int:
    """Return ``radius`` as a nonnegative Python int, as scipy requires.

    Raises:
      ValueError: negative or not an integer (``2.0`` included), scipy's rule; or a kernel
        longer than :data:`MAX_TAPS`.
    """
    if isinstance(radius, bool) or not isinstance(radius, (numbers.Integral, np.integer)):
        raise ValueError(f"{fn}: radius must be a nonnegative integer; got {fmt(radius)}")
    if radius < 0:
        raise ValueError(f"{fn}: radius must be a nonnegative integer; got {radius}")
    _check_taps(int(radius), fn=fn)
    return int(radius)


def _check_taps(radius: int, *, fn: str) -> None:
    if 2 * radius + 1 > MAX_TAPS:
        raise ValueError(
            f"{fn}: a Gaussian kernel of radius {radius} ({2 * radius + 1} taps) is longer than "
            f"the {MAX_TAPS} taps supported; use a smaller sigma, truncate or radius"
        )


def filter_radius(sigma: Any, truncate: float, radius: Any, *, fn: str) -> int:
    """The radius a filter builds its kernel with.

    scipy's (``radius``, or ``int(truncate * sigma + 0.5)``), but for a concrete sigma never
    more than :data:`ZERO_BEYOND` sigmas (+1): the taps beyond are exactly 0, so the result
    is scipy's, and ``radius=10**9`` costs nothing.

    Raises:
      TypeError: traced sigma with ``radius=None``.
      ValueError: a bad radius, or a kernel longer than :data:`MAX_TAPS`.
    """
    concrete = not is_traced(sigma)
    if radius is None:
        if not concrete:
            raise TypeError(
                f"{fn}: sigma must be a concrete number when radius is None (it sets the "
                "kernel size); pass radius=... to use a traced sigma"
            )
        if float(sigma) <= SIGMA_ZERO:
            return 0
        r = min(kernel_radius(sigma, truncate), math.ceil(ZERO_BEYOND * float(sigma)) + 1)
        _check_taps(r, fn=fn)
        return r
    if isinstance(radius, bool) or not isinstance(radius, (numbers.Integral, np.integer)):
        raise ValueError(f"{fn}: radius must be a nonnegative integer; got {fmt(radius)}")
    if radius < 0:
        raise ValueError(f"{fn}: radius must be a nonnegative integer; got {radius}")
    r = int(radius)
    if concrete:
        r = 0 if float(sigma) <= SIGMA_ZERO else min(r, math.ceil(ZERO_BEYOND * float(sigma)) + 1)
    _check_taps(r, fn=fn)
    return r


def check_finite_kernel(sigma: Any, order: int, radius: int, dtype: Any, *, fn: str) -> None:
    """Refuse a concrete derivative kernel whose taps overflow ``dtype``.

    High orders with a small sigma have huge taps (the order-k derivative scales like
    ``sigma**-k``); computed in ``dtype`` they would be inf and the result NaN.
    """
    if order == 0 or is_traced(sigma) or float(sigma) <= SIGMA_ZERO:
        return
    with np.errstate(all="ignore"):
        taps = _sampled_host(float(sigma), order, radius)
    limit = float(np.finfo(dtype).max) / 1e6  # headroom for the sums of the filter
    if not np.all(np.isfinite(taps)) or float(np.max(np.abs(taps))) > limit:
        raise ValueError(
            f"{fn}: the order-{order} derivative kernel of a Gaussian of sigma {sigma} overflows "
            f"{np.dtype(dtype).name} (its taps exceed {limit:.3g}); use a larger sigma or a "
            "lower order"
        )


def _hermite_factor(x: Any, sigma2: Any, order: int, xp: Any) -> Any:
    """``q(x)`` with ``d^order/dx^order exp(-x²/2σ²) = q(x) exp(-x²/2σ²)``.

    The recurrence of the probabilists' Hermite polynomials, ``q_0 = 1``,
    ``q_1 = -x/σ²``, ``q_{k+1} = -(x q_k + k q_{k-1}) / σ²``: the same polynomial as scipy's
    coefficient recursion, evaluated in ``order`` vector steps.
    """
    prev = xp.ones_like(x)
    if order == 0:
        return prev
    cur = -x / sigma2
    for k in range(1, order):
        prev, cur = cur, -(x * cur + k * prev) / sigma2
    return cur


def _sampled_host(sigma: float, order: int, radius: int) -> np.ndarray:
    """The sampled kernel in float64 NumPy (for checks on the host)."""
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    phi = np.exp(-0.5 / (sigma * sigma) * x * x)
    phi = phi / np.sum(phi)
    q = _hermite_factor(x, sigma * sigma, order, np)
    return np.where(phi > 0, q * phi, 0.0)


def sampled_kernel(sigma: Any, order: int, radius: int, dtype: Any) -> jax.Array:
    """Scipy's ``_gaussian_kernel1d(sigma, order, radius)`` in JAX (``sigma`` may be traced).

    A sigma at or below :data:`SIGMA_ZERO` gives the unit impulse (no smoothing), so
    traced and concrete zeros agree; the derivative is then zero, not NaN.
    """
    sigma = jnp.asarray(sigma, dtype)
    zero = sigma <= SIGMA_ZERO
    safe = jnp.where(zero, jnp.ones_like(sigma), sigma)
    sigma2 = safe * safe
    x = jnp.arange(-radius, radius + 1, dtype=dtype)
    phi = jnp.exp(-0.5 / sigma2 * x * x)
    phi = phi / jnp.sum(phi)
    if order:
        # where the Gaussian has underflowed to 0 the tap is 0 (not inf * 0)
        phi = jnp.where(phi > 0, _hermite_factor(x, sigma2, order, jnp) * phi, 0.0)
    return jnp.where(zero, (x == 0).astype(dtype), phi)


def _erf_kernel(sigma: jax.Array, order: int, radius: int, dtype: Any) -> jax.Array:
    # Integral of the (order)-th derivative of the unit Gaussian over [k - 1/2, k + 1/2],
    # divided by the integral of the Gaussian itself over the kernel's support.
    x = jnp.arange(-radius, radius + 1, dtype=dtype)
    s2 = sigma * jnp.sqrt(jnp.asarray(2.0, dtype))
    cdf_hi = 0.5 * erf((x + 0.5) / s2)
    cdf_lo = 0.5 * erf((x - 0.5) / s2)
    mass = cdf_hi - cdf_lo
    total = jnp.sum(mass)
    if order == 0:
        return mass / total
    # d^(order-1)/dx^(order-1) of the normalised density, at the pixel edges.
    norm = 1.0 / (sigma * jnp.sqrt(jnp.asarray(2.0 * math.pi, dtype)))
    sigma2 = sigma * sigma

    def deriv(t: jax.Array) -> jax.Array:
        return _hermite_factor(t, sigma2, order - 1, jnp) * jnp.exp(-0.5 * t * t / sigma2) * norm

    return (deriv(x + 0.5) - deriv(x - 0.5)) / total


def _bessel_scaled(t: jax.Array, nmax: int, dtype: Any, start: int) -> jax.Array:
    """``exp(-t) I_n(t)`` for ``n = 0 .. nmax`` (differentiable in ``t > 0``).

    ``I_0`` from :func:`jax.scipy.special.i0e`; the ratios ``r_k = I_k / I_{k-1}`` from the
    backward continued fraction ``r_k = t / (2k + t r_{k+1})`` (Miller's algorithm, stable
    where the forward recurrence is not), started at ``start`` (static), which must satisfy
    ``start**2 >> nmax**2 + 40 t`` for full accuracy.
    """

    def step(i: Any, r: Any) -> Any:
        k = (start - i).astype(t.dtype)
        return t / (2.0 * k + t * r)

    r: Any = jax.lax.fori_loop(0, start - nmax, step, jnp.zeros_like(t))
    i0 = i0e(t)
    if nmax == 0:
        return i0[None].astype(dtype)

    def ratio(r: Any, k: Any) -> tuple[Any, Any]:
        r = t / (2.0 * k + t * r)
        return r, r

    # k = nmax .. 1 in a scan (a program of constant size, whatever the radius)
    ks = jnp.arange(nmax, 0, -1).astype(t.dtype)
    _, ratios = jax.lax.scan(ratio, r, ks)
    ratios = ratios[::-1]  # ratios[k-1] = I_k / I_{k-1}
    return jnp.concatenate([i0[None], i0 * jnp.cumprod(ratios)]).astype(dtype)


#: The furthest start of the Bessel continued fraction (its steps run in a loop).
_MAX_BESSEL_START = 1 << 20


def _bessel_start(sigma: Any, nmax: int, *, fn: str) -> int:
    # Where the continued fraction starts: far enough past both nmax and sqrt(t) that the
    # truncation error is below float64 rounding. A traced sigma gets a generous fixed start
    # (accurate for sigma up to about 300).
    base = 2 * nmax + 40
    if is_traced(sigma):
        start = max(base, 2048)
    else:
        t = float(np.asarray(sigma)) ** 2
        start = max(base, math.ceil(math.sqrt(nmax * nmax + 50.0 * t)) + 20)
    if start > _MAX_BESSEL_START:
        raise ValueError(
            f"{fn}: method='bessel' needs {start} continued-fraction steps for sigma={sigma} "
            f"and radius + order = {nmax}; at most {_MAX_BESSEL_START} are supported (sigma up "
            "to about 1e5): use method='sampled' or 'erf'"
        )
    return start


def _bessel_kernel(sigma: jax.Array, order: int, radius: int, dtype: Any, start: int) -> jax.Array:
    # The discrete scale-space kernel T(n, t) = exp(-t) I_|n|(t), t = sigma²; derivatives are
    # Lindeberg's discrete difference operators applied to it (central first difference,
    # second difference, and their product for order 3 and beyond).
    ext = radius + order
    half = _bessel_scaled(sigma * sigma, ext, dtype, max(start, 2 * ext + 40))
    k = jnp.concatenate([half[:0:-1], half])  # n = -ext .. ext
    k = k / jnp.sum(k[order : order + 2 * radius + 1])
    for _ in range(order // 2):
        k = k[2:] - 2.0 * k[1:-1] + k[:-2]
    if order % 2:
        k = 0.5 * (k[2:] - k[:-2])
    m = (k.shape[0] - (2 * radius + 1)) // 2
    k = k[m : m + 2 * radius + 1]
    # Same orientation as the sampled kernel: samples at x = -radius .. radius of the
    # derivative (the difference operators above produce f(x+1) - f(x-1) at x, i.e. the
    # derivative of the kernel, which is what correlation with the reversed kernel needs).
    return k


def gaussian_kernel1d(
    sigma: Any,
    *,
    order: int = 0,
    radius: int | None = None,
    truncate: float = 4.0,
    method: str = "sampled",
) -> jax.Array:
    """Return a 1-D Gaussian kernel (or a Gaussian derivative kernel) of length ``2*radius+1``.

    The ``'sampled'`` kernel is exactly scipy's private ``_gaussian_kernel1d``, used by
    :func:`scipy.ndimage.gaussian_filter1d`: the Gaussian sampled at the integers
    ``-radius .. radius``, normalised to sum 1, times the polynomial of its ``order``-th
    derivative. Correlating with the *reversed* kernel (convolving with it) filters.

    A ``sigma`` of 0 (at most ``1e-15``) means no smoothing: the kernel is the unit impulse
    for every ``order`` and method, whether ``sigma`` is concrete or traced (scipy's
    ``gaussian_filter`` skips such axes; its private kernel divides by zero).

    Args:
      sigma: standard deviation in samples, ``>= 0`` and finite. Traced (differentiable)
        when ``radius`` is given; must be concrete when ``radius`` is None.
      order: derivative order, 0 to 32 (:data:`MAX_ORDER`; higher orders overflow
        float32). Static.
      radius: half-length of the kernel, at most ``(MAX_TAPS - 1) / 2`` (2**23). Static.
        Default ``int(truncate * sigma + 0.5)``.
      truncate: truncate at this many standard deviations when ``radius`` is None. Static.
      method: Static. One of

        * ``'sampled'``: samples of the Gaussian, normalised to sum 1 (scipy);
        * ``'erf'``: the Gaussian integrated over each pixel ``[k - 1/2, k + 1/2]`` with
          :func:`jax.scipy.special.erf`, normalised to sum 1; derivatives are the integrals
          of the derivative (differences of the ``order - 1`` derivative at the pixel edges)
          divided by the same truncated mass;
        * ``'bessel'``: Lindeberg's discrete scale-space kernel ``exp(-t) I_n(t)``,
          ``t = sigma**2``, normalised over the truncated support; derivatives by the
          discrete central difference operators. Differentiable w.r.t. ``sigma > 0``.

    Returns:
      Array of shape ``(2 * radius + 1,)``: float32, or float64 when ``sigma`` is float64
      under x64.

    Raises:
      ValueError: negative or non-finite ``sigma``, ``order`` outside 0-32, a negative,
        non-integer or too large ``radius``, a kernel whose taps overflow its dtype
        (a high order with a small sigma), or an unknown ``method``.
      TypeError: ``sigma`` is traced while ``radius`` is None.

    Examples:
      >>> from jaxresample import gaussian_kernel1d
      >>> import jax.numpy as jnp
      >>> import numpy as np
      >>> y = gaussian_kernel1d(jnp.float32(1.0), radius=2)
      >>> str(y.dtype)
      'float32'
      >>> print(np.asarray(y).round(4))
      [0.0545 0.2442 0.4026 0.2442 0.0545]
      >>> y = gaussian_kernel1d(jnp.float32(1.0), order=1, radius=1)
      >>> str(y.dtype)
      'float32'
      >>> print(np.asarray(y).round(4))
      [ 0.2741  0.     -0.2741]
    """
    fn = "gaussian_kernel1d"
    check_choice(method, KERNEL_METHODS, fn=fn, name="method")
    order = check_order(order, fn=fn)
    if np.ndim(sigma) != 0:
        raise ValueError(f"{fn}: sigma must be a scalar; got {fmt(sigma)}")
    raw, sigma = sigma, check_sigma(sigma, fn=fn)
    # float64 for a float64 sigma, or a Python number under x64 (JAX's default float).
    wide = jnp.asarray(raw).dtype == jnp.float64 or (
        isinstance(raw, (int, float)) and jnp.asarray(1.0).dtype == jnp.float64
    )
    dtype = jax.dtypes.canonicalize_dtype(jnp.float64 if wide else jnp.float32)
    if radius is None:
        if is_traced(sigma):
            raise TypeError(
                f"{fn}: sigma must be a concrete number when radius is None (it sets the "
                "kernel size); pass radius=... to use a traced sigma"
            )
        radius = kernel_radius(sigma, check_truncate(truncate, fn=fn))
    radius = check_radius(radius, fn=fn)
    if method == "sampled":
        check_finite_kernel(sigma, order, radius, dtype, fn=fn)
    start = _bessel_start(sigma, radius + order, fn=fn) if method == "bessel" else 0
    return _build(jnp.asarray(sigma, dtype), order=order, radius=radius, method=method, start=start)


@functools.partial(jax.jit, static_argnames=("order", "radius", "method", "start"))
def _build(sigma: jax.Array, *, order: int, radius: int, method: str, start: int) -> jax.Array:
    dtype = sigma.dtype
    if method == "sampled":
        return sampled_kernel(sigma, order, radius, dtype)
    # sigma = 0: the unit impulse, as for the sampled kernel (the formulas divide by sigma)
    zero = sigma <= SIGMA_ZERO
    safe = jnp.where(zero, jnp.ones_like(sigma), sigma)
    if method == "erf":
        k = _erf_kernel(safe, order, radius, dtype)
    else:
        k = _bessel_kernel(safe, order, radius, dtype, start)
    impulse = (jnp.arange(-radius, radius + 1) == 0).astype(dtype)
    return jnp.where(zero, impulse, k)


def antialias_sigma(factor: float, *, rule: SigmaRule = "fwhm") -> float:
    """Gaussian σ, in input voxels, that anti-aliases a downsampling by ``factor``.

    ``rule='fwhm'`` makes the Gaussian's full width at half maximum cover the growth of the
    voxel: ``σ = sqrt((k² - 1) / (8 ln 2))`` (Cardoso et al. 2015, TorchIO). ``'skimage'``
    is scikit-image's ``(k - 1) / 2``. No smoothing (σ = 0) when ``k <= 1``.

    Args:
      factor: output spacing over input spacing along the axis (``k``).
      rule: ``'fwhm'`` or ``'skimage'``.

    Returns:
      σ in input voxels.

    Examples:
      >>> from jaxresample import antialias_sigma
      >>> round(antialias_sigma(2.0), 4), antialias_sigma(2.0, rule="skimage")
      (0.7355, 0.5)
    """
    check_choice(rule, SIGMA_RULES, fn="antialias_sigma", name="rule")
    k = concrete_float(factor, fn="antialias_sigma", name="factor", finite=False)
    if not k > 0 or not math.isfinite(k):
        raise ValueError(f"antialias_sigma: factor must be positive and finite; got {fmt(factor)}")
    if k <= 1.0:
        return 0.0
    if rule == "fwhm":
        # sqrt(k - 1) * sqrt(k + 1), not sqrt(k * k - 1): k * k overflows for k near 1e308
        return math.sqrt(k - 1.0) * math.sqrt(k + 1.0) / math.sqrt(8.0 * math.log(2.0))
    return (k - 1.0) / 2.0
