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

from ._validation import check_choice, fmt, is_traced, static_int

__all__ = ["KERNEL_METHODS", "gaussian_kernel1d", "kernel_radius", "sampled_kernel"]

#: The kernel constructions accepted by :func:`gaussian_kernel1d`.
KERNEL_METHODS: tuple[str, ...] = ("sampled", "erf", "bessel")


def kernel_radius(sigma: float, truncate: float) -> int:
    """Scipy's radius rule, ``int(truncate * sigma + 0.5)`` (both concrete)."""
    return int(float(truncate) * float(sigma) + 0.5)


def check_radius(radius: Any, *, fn: str) -> int:
    """Return ``radius`` as a nonnegative Python int, as scipy requires.

    Raises:
      ValueError: negative or not an integer (``2.0`` included), scipy's rule.
    """
    if isinstance(radius, bool) or not isinstance(radius, (numbers.Integral, np.integer)):
        raise ValueError(f"{fn}: radius must be a nonnegative integer; got {fmt(radius)}")
    if radius < 0:
        raise ValueError(f"{fn}: radius must be a nonnegative integer; got {radius}")
    return int(radius)


def _polynomial(x: jax.Array, sigma2: jax.Array, order: int) -> jax.Array:
    """``q(x)`` with ``d^order/dx^order exp(-x²/2σ²) = q(x) exp(-x²/2σ²)``.

    scipy's recursion: ``q ← (D + P) q`` with ``D`` the derivative and ``P`` the
    multiplication by ``p'(x) = -x/σ²`` on the coefficients, applied ``order`` times.
    """
    q: list[Any] = [1.0] + [0.0] * order
    for _ in range(order):
        new: list[Any] = []
        for i in range(order + 1):
            term: Any = 0.0
            if i + 1 <= order:
                term = term + (i + 1) * q[i + 1]
            if i >= 1:
                term = term + q[i - 1] * (-1.0 / sigma2)
            new.append(term)
        q = new
    out = jnp.zeros_like(x)
    for i in range(order, -1, -1):  # Horner
        out = out * x + q[i]
    return out


def sampled_kernel(sigma: Any, order: int, radius: int, dtype: Any) -> jax.Array:
    """Scipy's ``_gaussian_kernel1d(sigma, order, radius)`` in JAX (``sigma`` may be traced)."""
    sigma = jnp.asarray(sigma, dtype)
    sigma2 = sigma * sigma
    x = jnp.arange(-radius, radius + 1, dtype=dtype)
    phi = jnp.exp(-0.5 / sigma2 * x * x)
    phi = phi / jnp.sum(phi)
    if order == 0:
        return phi
    return _polynomial(x, sigma2, order) * phi


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
        return _polynomial(t, sigma2, order - 1) * jnp.exp(-0.5 * t * t / sigma2) * norm

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
    ratios: list[Any] = []
    for k in range(nmax, 0, -1):
        r = t / (2.0 * k + t * r)
        ratios.append(r)
    ratios.reverse()  # ratios[k-1] = I_k / I_{k-1}
    i0 = i0e(t)
    if nmax == 0:
        return i0[None].astype(dtype)
    return jnp.concatenate([i0[None], i0 * jnp.cumprod(jnp.stack(ratios))]).astype(dtype)


def _bessel_start(sigma: Any, nmax: int) -> int:
    # Where the continued fraction starts: far enough past both nmax and sqrt(t) that the
    # truncation error is below float64 rounding. A traced sigma gets a generous fixed start
    # (accurate for sigma up to about 300).
    base = 2 * nmax + 40
    if is_traced(sigma):
        return max(base, 2048)
    t = float(np.asarray(sigma)) ** 2
    return max(base, math.ceil(math.sqrt(nmax * nmax + 50.0 * t)) + 20)


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

    Args:
      sigma: standard deviation in samples, ``> 0``. Traced (differentiable) when ``radius``
        is given; must be concrete when ``radius`` is None.
      order: derivative order, ``>= 0``. Static.
      radius: half-length of the kernel. Static. Default ``int(truncate * sigma + 0.5)``.
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
      ValueError: negative ``sigma`` or ``order``, negative or non-integer ``radius``, or an
        unknown ``method``.
      TypeError: ``sigma`` is traced while ``radius`` is None.

    Examples:
      >>> from jaxresample._kernels import gaussian_kernel1d
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
    order = static_int(order, fn=fn, name="order", minimum=0)
    if radius is None:
        if is_traced(sigma):
            raise TypeError(
                f"{fn}: sigma must be a concrete number when radius is None (it sets the "
                "kernel size); pass radius=... to use a traced sigma"
            )
        radius = kernel_radius(float(np.asarray(sigma)), truncate)
    radius = check_radius(radius, fn=fn)
    if not is_traced(sigma) and float(np.asarray(sigma)) < 0:
        raise ValueError(f"{fn}: sigma must be nonnegative; got {fmt(sigma)}")
    # float64 for a float64 sigma, or a Python number under x64 (JAX's default float).
    sdt = jnp.asarray(sigma).dtype
    wide = sdt == jnp.float64 or (
        isinstance(sigma, (int, float)) and jnp.asarray(1.0).dtype == jnp.float64
    )
    dtype = jax.dtypes.canonicalize_dtype(jnp.float64 if wide else jnp.float32)
    start = _bessel_start(sigma, radius + order) if method == "bessel" else 0
    return _build(jnp.asarray(sigma, dtype), order=order, radius=radius, method=method, start=start)


@functools.partial(jax.jit, static_argnames=("order", "radius", "method", "start"))
def _build(sigma: jax.Array, *, order: int, radius: int, method: str, start: int) -> jax.Array:
    dtype = sigma.dtype
    if method == "sampled":
        return sampled_kernel(sigma, order, radius, dtype)
    if method == "erf":
        return _erf_kernel(sigma, order, radius, dtype)
    return _bessel_kernel(sigma, order, radius, dtype, start)
