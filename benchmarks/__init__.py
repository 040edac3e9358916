"""Benchmarks against the peers each capability must beat; ratios come from the same run."""
