"""The engine: the only place that knows how the computations are formulated.

Correlation passes and their tiling (:mod:`.correlate`), per-axis B-spline taps
(:mod:`.taps`), spline prefilters (:mod:`.prefilter`), the general sampler
(:mod:`.sampler`), separable resampling (:mod:`.separable`), affine coordinates
(:mod:`.coords`), the affine transform (:mod:`.transform`) and the filtering cores
(:mod:`.filtering`). No public names: the families (:mod:`jaxresample._ndimage`,
:mod:`jaxresample._volumes`) call it.
"""
