"""The scipy.ndimage twins, published by :mod:`jaxresample.ndimage`.

Filters, Gaussian derivatives, interpolation, geometric transforms and spline filters,
over the engine.
"""
