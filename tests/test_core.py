"""The conventions core: validation helpers and the dtype policy (pinned against scipy)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given
from hypothesis import strategies as st

from jaxresample import ScipyRuntimeError, _dtypes, _validation, gaussian_filter1d
from tests._helpers import INT_DTYPES, X64

# ---------------------------------------------------------------- validation


def test_scipy_runtime_error_is_both() -> None:
    err = ScipyRuntimeError("x")
    assert isinstance(err, ValueError)
    assert isinstance(err, RuntimeError)


def test_per_axis() -> None:
    assert _validation.per_axis(2.0, 3, fn="f", name="sigma") == (2.0, 2.0, 2.0)
    assert _validation.per_axis([1, 2], 2, fn="f", name="sigma") == (1, 2)
    assert _validation.per_axis(np.float32(1.5), 2, fn="f", name="s") == (1.5, 1.5)
    with pytest.raises(
        RuntimeError, match=r"f: sequence argument must have length equal to input rank: sigma"
    ):
        _validation.per_axis([1, 2, 3], 2, fn="f", name="sigma")
    with pytest.raises(ValueError, match="f: sigma must be a scalar or a 1-D sequence"):
        _validation.per_axis(np.ones((2, 2)), 2, fn="f", name="sigma")


def test_per_axis_keeps_traced_values() -> None:
    @jax.jit
    def f(s: jax.Array) -> jax.Array:
        a, b = _validation.per_axis(s, 2, fn="f", name="sigma")
        return a * b

    assert float(f(jnp.array([2.0, 3.0], jnp.float32))) == 6.0


def test_axes_tuple() -> None:
    assert _validation.axes_tuple(None, 3, fn="f") == (0, 1, 2)
    assert _validation.axes_tuple(-1, 3, fn="f") == (2,)
    assert _validation.axes_tuple((2, 0), 3, fn="f") == (2, 0)
    with pytest.raises(TypeError, match="f: axes must be integers; got 1.0"):
        _validation.axes_tuple(1.0, 3, fn="f")
    with pytest.raises(ValueError, match=r"axes entry 3 is out of range .* \(allowed: -3 to 2\)"):
        _validation.axes_tuple([3], 3, fn="f")
    with pytest.raises(ValueError, match="f: axes must be unique"):
        _validation.axes_tuple([0, -3], 3, fn="f")


def test_static_int() -> None:
    assert _validation.static_int(np.int64(3), fn="f", name="order", minimum=0) == 3
    with pytest.raises(TypeError, match="f: order must be an integer; got 2.0"):
        _validation.static_int(2.0, fn="f", name="order")
    with pytest.raises(TypeError, match="must be a static integer; got True"):
        _validation.static_int(True, fn="f", name="order")
    with pytest.raises(ValueError, match=r"f: order must be in \[0, 5\]; got 6"):
        _validation.static_int(6, fn="f", name="order", minimum=0, maximum=5)


def test_concrete_checks_explain_the_fix() -> None:
    @jax.jit
    def f(s: jax.Array) -> jax.Array:
        _validation.concrete_float(s, fn="g", name="sigma", fix="pass radius=... instead")
        return s

    with pytest.raises(TypeError, match=r"g: sigma must be a concrete .*pass radius=\.\.\."):
        f(jnp.float32(1.0))
    assert _validation.concrete_float(np.float32(2.5), fn="g", name="sigma") == 2.5


def test_check_choice_lists_sorted_allowed() -> None:
    assert _validation.check_choice("a", ("b", "a"), fn="f", name="method") == "a"
    with pytest.raises(ValueError, match=r"f: method must be one of \['a', 'b'\]; got 'c'"):
        _validation.check_choice("c", ("b", "a"), fn="f", name="method")
    with pytest.raises(ValueError, match="got an array of shape"):
        _validation.check_choice(np.zeros(20), ("a",), fn="f", name="method")


# ---------------------------------------------------------------- dtypes


def test_output_dtype() -> None:
    assert _dtypes.output_dtype(None, np.int16, fn="f") == np.int16
    assert _dtypes.output_dtype(np.uint8, np.float32, fn="f") == np.uint8
    expected64 = np.float64 if X64 else np.float32  # JAX's canonicalisation without x64
    assert _dtypes.output_dtype(np.float64, np.float32, fn="f") == expected64
    with pytest.raises(TypeError, match="f: output must be None or a dtype; got .*immutable"):
        _dtypes.output_dtype(np.zeros(3), np.float32, fn="f")
    with pytest.raises(TypeError, match="f: output must be None or a dtype"):
        _dtypes.output_dtype("not-a-dtype", np.float32, fn="f")
    with pytest.raises(TypeError, match="f: output has dtype bool, which is not supported"):
        _dtypes.output_dtype(bool, np.float32, fn="f")


def test_check_input_dtype() -> None:
    with pytest.raises(TypeError, match="f: input has dtype bool.*cast it to uint8"):
        _dtypes.check_input_dtype(np.bool_, fn="f")
    with pytest.raises(TypeError, match="f: input must have an integer or floating dtype"):
        _dtypes.check_input_dtype(np.complex64, fn="f", complex_ok=False)
    assert _dtypes.check_input_dtype(np.complex64, fn="f") == np.complex64


@pytest.mark.parametrize(
    "dtypes, expected",
    [
        (("int16",), "float32"),
        (("float16",), "float32"),
        (("uint8", "float32"), "float32"),
        (("complex64",), "complex64"),
        (("float64",), "float64" if X64 else "float32"),
        (("int64",), "float64" if X64 else "float32"),
        (("complex128",), "complex128" if X64 else "complex64"),
    ],
)
def test_compute_dtype(dtypes: tuple[str, ...], expected: str) -> None:
    assert _dtypes.compute_dtype(*dtypes) == np.dtype(expected)


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_interpolation_rounding_matches_scipy(dtype: np.dtype, rng: np.random.Generator) -> None:
    """scipy's interpolation rounds half away from zero into integer outputs."""
    info = np.iinfo(dtype)
    lo, hi = max(info.min, -1000), min(info.max, 1000)
    x = rng.integers(lo, hi, size=40).astype(dtype)
    shifts = (0.5, -0.5, 0.25, 1.5)  # order 1: exact halves appear in the float results
    for s in shifts:
        as_float = ndi.shift(x.astype(np.float64), s, order=1, mode="nearest")
        expected = ndi.shift(x, s, order=1, mode="nearest")
        got = _dtypes.cast_result(jnp.asarray(as_float, jnp.float32), dtype, rule="round")
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_filter_truncation_matches_scipy(dtype: np.dtype, rng: np.random.Generator) -> None:
    """scipy's filters truncate toward zero into integer outputs."""
    info = np.iinfo(dtype)
    x = rng.integers(max(info.min, -1000), min(info.max, 1000), size=40).astype(dtype)
    w = np.array([0.25, 0.375, 0.375])  # dyadic: float32 holds every result exactly
    as_float = ndi.correlate1d(x.astype(np.float64), w, mode="reflect")
    expected = ndi.correlate1d(x, w, mode="reflect")
    got = _dtypes.cast_result(jnp.asarray(as_float, jnp.float32), dtype, rule="truncate")
    np.testing.assert_array_equal(got, expected)


@given(st.floats(allow_nan=False, allow_infinity=True, width=32))
def test_integer_outputs_saturate(value: float) -> None:
    x = jnp.asarray([value], jnp.float32)
    for dtype in INT_DTYPES:
        info = np.iinfo(dtype)
        got = int(_dtypes.cast_result(x, dtype, rule="round")[0])
        assert info.min <= got <= info.max
        if value >= info.max:
            assert got == info.max
        if value <= info.min:
            assert got == info.min


def test_rounding_is_exact_in_float32() -> None:
    """Regression: floor(|x| + 0.5) misrounds 0.49999997 and integers above 2**23."""
    x = jnp.asarray([0.49999997, -0.49999997, 8388609.0, 2.5, -2.5], jnp.float32)
    got = _dtypes.cast_result(x, np.int32, rule="round")
    np.testing.assert_array_equal(got, [0, 0, 8388609, 3, -3])


def test_nan_to_integer_is_zero_and_complex_to_real() -> None:
    got = _dtypes.cast_result(jnp.asarray([np.nan, 2.6], jnp.float32), np.int16, rule="round")
    np.testing.assert_array_equal(got, [0, 3])
    z = jnp.asarray([1.5 + 2j], jnp.complex64)
    np.testing.assert_array_equal(_dtypes.cast_result(z, np.float32, rule="round"), [1.5])


# ---------------------------------------------------------------- user arrays (issue 14)


def test_gh14_big_endian_arrays_are_accepted() -> None:
    import jaxresample.ndimage as jndi

    x = np.arange(20, dtype=">f4").reshape(4, 5)
    native = x.astype("<f4")
    pairs = [
        (jndi.zoom(x, 2, order=1), jndi.zoom(native, 2, order=1)),
        (jndi.gaussian_filter(x, 1.0), jndi.gaussian_filter(native, 1.0)),
        (
            jndi.map_coordinates(x, np.array([[1.5], [2.0]], ">f8")),
            jndi.map_coordinates(native, [[1.5], [2.0]]),
        ),
        (jndi.correlate1d(x, np.array([1, 2], ">i2")), jndi.correlate1d(native, np.array([1, 2]))),
        (jndi.spline_filter(x), jndi.spline_filter(native)),
    ]
    for got, want in pairs:
        np.testing.assert_array_equal(got, want)
    assert _dtypes.as_array(np.ones(3, ">i4"), fn="f").dtype == np.int32


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (np.array([1, 2], dtype=object), "f: input must hold numbers .* dtype object"),
        (np.array(["a", "b"]), "f: input must hold numbers .* dtype <U1"),
        (np.array(["2026-01-01"], dtype="datetime64[D]"), "f: input must hold numbers"),
        ([[1, 2], [3]], "f: input must be an array of numbers"),
        (np.ones(2, bool), "f: input has dtype bool"),
    ],
)
def test_as_array_refuses_non_numbers(value: object, match: str) -> None:
    with pytest.raises(TypeError, match=match):
        _dtypes.as_array(value, fn="f")


@pytest.mark.parametrize(
    ("value", "exc", "match"),
    [
        (None, TypeError, "f: cval must be a number; got None"),
        ("a", TypeError, "f: cval must be a number; got 'a'"),
        ([1, 2], ValueError, r"f: cval must be a scalar; got \[1, 2\] \(shape \(2,\)\)"),
        (1j, ValueError, "f: Cannot provide a complex-valued cval"),
    ],
)
def test_as_scalar_refuses(value: object, exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        _dtypes.as_scalar(value, fn="f", name="cval", complex_ok=False)


def test_concrete_float_and_axes_messages() -> None:
    with pytest.raises(ValueError, match="f: zoom must be finite; got inf"):
        _validation.concrete_float(np.inf, fn="f", name="zoom")
    with pytest.raises(TypeError, match=r"f: zoom must be a real number; got \(1\+0j\)"):
        _validation.concrete_float(1 + 0j, fn="f", name="zoom")
    with pytest.raises(TypeError, match="'float' object cannot be interpreted as an integer"):
        _validation.axes_tuple((1.0,), 2, fn="f")
    with pytest.raises(TypeError, match="'float' object cannot be interpreted as an integer"):
        _validation.static_int(2.0, fn="f", name="axis")


def test_numpy_bfloat16_arrays_are_accepted() -> None:
    """NumPy holds bfloat16 (ml_dtypes) with dtype kind 'V'; it is a float like JAX's."""
    host = np.linspace(-2, 2, 12, dtype=np.float32).astype(jnp.bfloat16)
    assert host.dtype.kind == "V"
    a = gaussian_filter1d(host, 1.0)
    b = gaussian_filter1d(jnp.asarray(host), 1.0)
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    with pytest.raises(TypeError, match="must hold numbers"):
        gaussian_filter1d(np.array(["a", "b"]), 1.0)
