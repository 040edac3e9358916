"""Golden tests of the boundary-mode registry against scipy.ndimage itself.

Expected values never come from our own code: for interpolation, scipy's order-0
``map_coordinates`` of ``arange(n)`` at integer positions returns the index scipy reads;
for filters, ``correlate1d`` with a shifted unit impulse returns ``x[extend(i + k)]``.

The table in ``test_scipy_boundaries_golden`` is ported from scipy's
``scipy/ndimage/tests/test_interpolation.py`` (``TestBoundaries``), under this notice:

    Copyright (c) 2001-2002 Enthought, Inc. 2003, SciPy Developers.
    All rights reserved.

    Redistribution and use in source and binary forms, with or without modification, are
    permitted provided that the following conditions are met:
    1. Redistributions of source code must retain the above copyright notice, this list of
       conditions and the following disclaimer.
    2. Redistributions in binary form must reproduce the above copyright notice, this list
       of conditions and the following disclaimer in the documentation and/or other
       materials provided with the distribution.
    3. Neither the name of the copyright holder nor the names of its contributors may be
       used to endorse or promote products derived from this software without specific
       prior written permission.

    THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY
    EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES
    OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT
    SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT,
    INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED
    TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR
    BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN
    CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY
    WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""

from __future__ import annotations

from typing import Any, cast

import jax.numpy as jnp
import numpy as np
import pytest
import scipy.ndimage as ndi

from jaxresample import _modes
from tests._helpers import assert_close, float_dtypes

SIZES = (1, 2, 3, 7)
REACH = 16  # out-of-bounds positions on each side: more than two periods of every size


def scipy_interp_index(mode: str, n: int) -> np.ndarray:
    pos = np.arange(-REACH, n + REACH, dtype=np.float64)
    return ndi.map_coordinates(np.arange(n, dtype=np.float64), [pos], order=0, mode=mode, cval=-1)


def scipy_filter_sequence(mode: str, x: np.ndarray, cval: float) -> np.ndarray:
    """``x`` extended by REACH samples on both sides, as scipy's filters see it."""
    n = x.shape[0]
    out = np.empty(n + 2 * REACH, dtype=np.float64)
    for k in range(-REACH, REACH + 1):
        w = np.zeros(2 * REACH + 1)
        w[REACH + k] = 1.0
        shifted = ndi.correlate1d(x, w, mode=mode, cval=cval)  # shifted[i] = ext(x)[i + k]
        out[np.arange(n) + k + REACH] = shifted
    return out


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("mode", _modes.INTERP_MODES)
def test_interp_extension_matches_scipy(mode: str, n: int) -> None:
    expected = scipy_interp_index(mode, n).astype(np.int64)
    pos = np.arange(-REACH, n + REACH)
    behaviour = _modes.resolve(mode, family="interp", fn="test")
    np.testing.assert_array_equal(_modes.extend_index(behaviour, pos, n), expected)
    traced = _modes.extend_index(behaviour, jnp.asarray(pos, jnp.int32), n)
    np.testing.assert_array_equal(np.asarray(traced), expected)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("mode", _modes.FILTER_MODES)
def test_filter_extension_matches_scipy(mode: str, n: int) -> None:
    expected = scipy_filter_sequence(mode, np.arange(n, dtype=np.float64), cval=-1.0)
    behaviour = _modes.resolve(mode, family="filter", fn="test")
    got = _modes.extend_index(behaviour, np.arange(-REACH, n + REACH), n)
    np.testing.assert_array_equal(got, expected.astype(np.int64))


@pytest.mark.parametrize("dtype", float_dtypes())
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("mode", _modes.FILTER_MODES)
def test_pad_matches_scipy(mode: str, n: int, dtype: np.dtype, rng: np.random.Generator) -> None:
    x = rng.normal(size=n).astype(dtype)
    cval = -1.5
    expected = scipy_filter_sequence(mode, x.astype(np.float64), cval=cval)
    behaviour = _modes.resolve(mode, family="filter", fn="test")
    got = _modes.pad(jnp.asarray(x), REACH, REACH, axis=0, behaviour=behaviour, cval=cval)
    assert got.dtype == dtype
    assert_close(got, expected.astype(dtype), dtype=dtype)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("mode", _modes.FILTER_MODES)
def test_narrow_pads_match_scipy(mode: str, n: int, rng: np.random.Generator) -> None:
    """Widths up to n - 1 take the slice path; every split of them matches scipy."""
    x = rng.normal(size=(n, 3)).astype(np.float32)
    behaviour = _modes.resolve(mode, family="filter", fn="test")
    for before in range(n):
        for after in (0, n - 1):
            expected = np.stack(
                [
                    scipy_filter_sequence(mode, x[:, c].astype(np.float64), cval=0.5)
                    for c in range(3)
                ],
                axis=1,
            )[REACH - before : REACH + n + after]
            got = _modes.pad(jnp.asarray(x), before, after, axis=0, behaviour=behaviour, cval=0.5)
            assert_close(got, expected.astype(np.float32), dtype=np.float32)


@pytest.mark.parametrize("mode", _modes.FILTER_MODES)
def test_pad_mode_names_agree_with_numpy(mode: str, rng: np.random.Generator) -> None:
    """The registry's numpy name pads like scipy's filters (for widths up to the size)."""
    x = rng.normal(size=7)
    spec = _modes.MODES[mode]
    kw = {"constant_values": 2.0} if spec.numpy == "constant" else {}
    expected = scipy_filter_sequence(mode, x, cval=2.0)[REACH - 5 : REACH + 7 + 5]
    padded = np.pad(x, 5, mode=cast(Any, spec.numpy), **kw)
    np.testing.assert_array_equal(padded, expected)
    assert _modes._PAD_MODES[spec.filter] == spec.numpy


def test_pad_2d_axis_and_traced_cval() -> None:
    import jax

    x = jnp.arange(6.0, dtype=jnp.float32).reshape(2, 3)

    def f(c: jax.Array) -> jax.Array:
        return _modes.pad(x, 1, 2, axis=1, behaviour="constant", cval=c)

    out = jax.jit(f)(jnp.float32(-7.0))
    np.testing.assert_array_equal(out[:, 0], [-7, -7])
    np.testing.assert_array_equal(out[:, -2:], [[-7, -7], [-7, -7]])
    assert out.shape == (2, 6)
    np.testing.assert_array_equal(jax.grad(lambda c: f(c).sum())(jnp.float32(0.0)), 6.0)


def test_registry_is_complete() -> None:
    scipy_names = {
        "constant",
        "grid-constant",
        "nearest",
        "mirror",
        "reflect",
        "grid-mirror",
        "wrap",
        "grid-wrap",
    }
    assert set(_modes.INTERP_MODES) == scipy_names
    assert set(_modes.FILTER_MODES) == scipy_names
    # scipy collapses the grid-* names for filters and keeps them apart for interpolation.
    assert _modes.resolve("wrap", family="filter", fn="t") == "periodic"
    assert _modes.resolve("wrap", family="interp", fn="t") == "periodic-legacy"
    assert _modes.resolve("constant", family="interp", fn="t") == "constant-legacy"


def test_unknown_mode_is_value_and_runtime_error() -> None:
    with pytest.raises(ValueError, match=r"fn: boundary mode not supported: mode='edge'"):
        _modes.resolve("edge", family="filter", fn="fn")
    with pytest.raises(RuntimeError, match=r"allowed values are \['constant', "):
        _modes.resolve("edge", family="interp", fn="fn")
    with pytest.raises(TypeError, match="mode must be a string"):
        _modes.resolve(3, family="interp", fn="fn")


def test_per_axis_modes() -> None:
    assert _modes.per_axis("mirror", 2, family="filter", fn="f") == ("whole-symmetric",) * 2
    got = _modes.per_axis(["wrap", "nearest"], 2, family="filter", fn="f")
    assert got == ("periodic", "edge")
    with pytest.raises(RuntimeError, match="sequence argument must have length equal to input"):
        _modes.per_axis(["wrap"], 2, family="filter", fn="f")


# Ported from scipy's TestBoundaries (see the notice at the top of this file): order-1
# interpolation of [1, 2, 3, 4] at x + 0.5 for x = 0..6, cval = -1.
SCIPY_BOUNDARIES = [
    ("nearest", [1.5, 2.5, 3.5, 4, 4, 4, 4]),
    ("wrap", [1.5, 2.5, 3.5, 1.5, 2.5, 3.5, 1.5]),
    ("grid-wrap", [1.5, 2.5, 3.5, 2.5, 1.5, 2.5, 3.5]),
    ("mirror", [1.5, 2.5, 3.5, 3.5, 2.5, 1.5, 1.5]),
    ("reflect", [1.5, 2.5, 3.5, 4, 3.5, 2.5, 1.5]),
    ("constant", [1.5, 2.5, 3.5, -1, -1, -1, -1]),
    ("grid-constant", [1.5, 2.5, 3.5, 1.5, -1, -1, -1]),
]


@pytest.mark.parametrize("mode, expected", SCIPY_BOUNDARIES)
def test_scipy_boundaries_golden(mode: str, expected: list[float]) -> None:
    from jaxresample import ndimage as jndi

    data = np.array([1, 2, 3, 4.0], np.float32)
    got = jndi.geometric_transform(
        data, lambda c: (c[0] + 0.5,), cval=-1, mode=mode, output_shape=(7,), order=1
    )
    np.testing.assert_array_equal(np.asarray(got), expected)
    coords = (np.arange(7, dtype=np.float32) + 0.5)[None]
    got = jndi.map_coordinates(data, coords, order=1, mode=mode, cval=-1)
    np.testing.assert_array_equal(np.asarray(got), expected)


def test_choice_names_match_their_registries() -> None:
    """The command line lists choices from ``_choices`` (no JAX import): they must agree."""
    from jaxresample import _choices, _modes
    from jaxresample._volumes import labels as _labels
    from jaxresample._volumes import plan as _plan
    from jaxresample._volumes import resample as _resample

    assert _choices.MODE_NAMES == tuple(_modes.MODES)
    assert _plan.ANCHORS == _choices.ANCHORS and _plan.ROUNDINGS == _choices.ROUNDINGS
    assert _resample.SIGMA_RULES == _choices.SIGMA_RULES
    assert _labels.METHODS == _choices.LABEL_METHODS
