"""Size limits (jaxresample._limits): outputs that cannot fit or be indexed are refused.

Regression tests for issue 14: these calls used to abort the whole process
(``Check failed: buffer_.IsConcrete()``) or be killed by the kernel.
"""

from __future__ import annotations

import time

import jax
import numpy as np
import pytest

import jaxresample as jr
import jaxresample.ndimage as jndi
from jaxresample import _limits

X = np.ones((4, 5, 6), np.float32)
BIG2, BIG3 = (10**6,) * 2, (10**5,) * 3


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("zoom", lambda: jndi.zoom(X, 10000)),
        ("zoom", lambda: jax.jit(lambda v: jndi.zoom(v, 1e6))(X)),
        ("affine_transform", lambda: jndi.affine_transform(X[0], np.eye(2), output_shape=BIG2)),
        ("affine_transform", lambda: jndi.affine_transform(X, np.ones(3), output_shape=BIG3)),
        ("geometric_transform", lambda: jndi.geometric_transform(X, tuple, output_shape=BIG3)),
        ("resample_to_reference", lambda: jr.resample_to_reference(
            X, np.eye(4), reference_shape=(10**4,) * 3, reference_affine=np.eye(4))),
        ("resample_to_spacing", lambda: jr.resample_to_spacing(X, np.eye(4), 1e-6)),
        ("resample_to_spacing", lambda: jr.resample_to_spacing(X, np.eye(4), 1e-3)),
        ("resample_labels", lambda: jr.resample_labels(
            X.astype(np.int16), np.eye(4), spacing=1e-6, method="gaussian")),
    ],
)  # fmt: skip
def test_gh14_huge_outputs_are_refused(name, call):
    start = time.perf_counter()
    with pytest.raises(
        ValueError, match=f"^{name}: the output of shape .* would need .* more than"
    ):
        call()
    assert time.perf_counter() - start < 5.0


def test_gh14_an_axis_too_long_to_index_is_refused():
    with pytest.raises(ValueError, match=r"^zoom: the output would have shape \(3000000000,\)"):
        jndi.zoom(np.ones(3, np.float32), 1e9)


def test_flat_index_limit():
    _limits.check_flat_index((2**15, 2**16 - 1), fn="f")
    with pytest.raises(ValueError, match="^f: the input of shape .* indexes it with int32"):
        _limits.check_flat_index((2**16, 2**15), fn="f")


def test_budget_override(monkeypatch):
    monkeypatch.setenv("JAXRESAMPLE_MAX_BYTES", "1M")
    assert _limits.memory_budget() == (1 << 20, "JAXRESAMPLE_MAX_BYTES=1M")
    with pytest.raises(ValueError, match=r"more than half of JAXRESAMPLE_MAX_BYTES=1M \(1 MiB\)"):
        jndi.zoom(np.ones((64, 64), np.float32), 10)  # 640 x 640 float32: 1.6 MB
    monkeypatch.setenv("JAXRESAMPLE_MAX_BYTES", "none")
    assert _limits.memory_budget()[0] is None
    _limits.check_array((10**6,) * 3, np.float32, fn="f")  # no memory rule
    monkeypatch.setenv("JAXRESAMPLE_MAX_BYTES", "lots")
    with pytest.raises(ValueError, match="JAXRESAMPLE_MAX_BYTES must be a number of bytes"):
        _limits.memory_budget()


def test_the_budget_is_the_device_memory():
    budget, source = _limits.memory_budget()
    assert budget is not None and budget > 1 << 28
    assert "memory" in source
    # outputs well inside the budget pass
    _limits.check_array((512, 512, 247), np.float32, fn="f")
