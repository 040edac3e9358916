"""Test configuration: strict JAX flags, Hypothesis profiles, shared fixtures.

It sits at the repository root so that the doctests in jaxresample/ get it too.

x64 is never switched on here: the suite runs a second time with ``JAX_ENABLE_X64=1`` in
the environment (``python3 tasks.py test-x64``).
"""

from __future__ import annotations

import os

import hypothesis
import jax
import jax.numpy as jnp
import numpy as np
import pytest

jax.config.update("jax_numpy_rank_promotion", "raise")  # no silent broadcasting in library code
jax.config.update("jax_numpy_dtype_promotion", "strict")  # no silent int->float or f32->f64
jax.config.update("jax_default_matmul_precision", "highest")  # TF32 must not decide outcomes

hypothesis.settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    database=None,
    max_examples=25,
    print_blob=True,
    suppress_health_check=[hypothesis.HealthCheck.too_slow],
)
hypothesis.settings.register_profile("dev", deadline=None, max_examples=300)
# tests/test_bad_inputs.py draws max(40, max_examples) calls per public function: over 2,000
# in the ci profile, over 20,000 with --hypothesis-profile bad-inputs-20k
hypothesis.settings.register_profile(
    "bad-inputs-20k",
    parent=hypothesis.settings.get_profile("ci"),
    max_examples=750,
)
hypothesis.settings.load_profile(os.environ.get("JAXRESAMPLE_HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded NumPy generator: no unseeded randomness in the suite."""
    return np.random.default_rng(20261124)


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace: dict) -> None:
    import jaxresample

    doctest_namespace.update(jnp=jnp, np=np, jax=jax, jr=jaxresample)
