"""Pyramids and resizing: blur-then-subsample, expansion, Gaussian and Laplacian pyramids."""
