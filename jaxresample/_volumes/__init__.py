"""Medical volumes: resampling plans, respacing, reference grids, labels, smoothing in mm.

Each module works over the engine and the core; none imports the scipy twins.
"""
