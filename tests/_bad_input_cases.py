"""Bad and extreme arguments for every public function, drawn with Hypothesis.

Each public function has a strategy in :data:`SPECS` that draws one call: its positional
and keyword arguments, and what the call promises (whether every number in it is finite,
whether scipy can be asked the same question cheaply). Arguments are plain picklable values
(NumPy arrays, Python numbers, strings, lists, dicts), plus three markers the runner
resolves in its own process: :class:`J` (make a JAX array), :class:`Mapping` (a named
coordinate mapping for ``geometric_transform``) and :class:`File` (a file to create).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``bad`` one time in twelve, else ``good``: calls with one bad argument at a time
    are the common case, so most calls reach the computation."""
    return st.integers(0, 11).flatmap(lambda k: bad if k == 0 else good)


MODES = ["constant", "grid-constant", "nearest", "mirror", "reflect", "grid-mirror", "wrap",
         "grid-wrap"]  # fmt: skip
#: Values that are not modes, and mode sequences of every kind.
BAD_MODES: list[Any] = ["foo", "edge", "", 5, None, ("reflect",), ("reflect", "foo")]
SHAPES: list[tuple[int, ...]] = [(), (0,), (1,), (6,), (2, 0, 3), (1, 1), (5, 4), (3, 4, 5),
                                 (6, 1, 2), (1, 7)]  # fmt: skip
#: Dtypes of drawn arrays: the supported ones, and the kinds every function must refuse.
DTYPES = ["float32", "float32", "float32", "float64", "int16", "uint8", "int8", "uint64",
          "complex64", "float16", ">f4", ">i2", "bool", "object", "str"]  # fmt: skip
GOOD_SHAPES: list[tuple[int, ...]] = [(6,), (5, 4), (3, 4, 5), (6, 1, 2), (1, 7), (9, 8)]
NUMERIC = {"float32", "float64", "int16", "uint8", "int8", "uint64", "complex64", "float16",
           ">f4", ">i2"}  # fmt: skip


@dataclass(frozen=True)
class J:
    """A JAX array to make from ``value`` in the runner's process."""

    value: np.ndarray


@dataclass(frozen=True)
class Mapping:
    """A coordinate mapping of ``geometric_transform``, by name (see the runner)."""

    name: str


@dataclass(frozen=True)
class File:
    """A file the runner creates in a temporary folder: ``kind`` says what it holds."""

    kind: str
    suffix: str = ".nii.gz"


@dataclass
class Call:
    """One drawn call of a public function."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    #: every number in the call is finite (so a floating result must be finite)
    finite: bool = True
    #: scipy can answer this cheaply (small arrays and kernels), to compare values with
    oracle: bool = True
    #: also call the function inside ``jax.jit`` with its first argument traced
    jit: bool = False


def _data(draw: Any, shape: tuple[int, ...], dtype: str, *, small_ints: bool = True):
    """An array of ``shape`` and ``dtype`` and whether its numbers are finite."""
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    x = rng.normal(size=shape) * draw(st.sampled_from([1.0, 1.0, 100.0]))
    finite = True
    if x.size and dtype not in ("bool", "object", "str") and draw(st.integers(0, 7)) == 0:
        x.flat[draw(st.integers(0, x.size - 1))] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
        finite = False
    if dtype in ("int16", "int8", ">i2"):
        x = np.clip(np.nan_to_num(x * 0.1), -10, 10) if small_ints else x
        finite = True
    elif dtype in ("uint8", "uint64"):
        x = np.clip(np.nan_to_num(np.abs(x) * 0.1), 0, 20)
        finite = True
    if dtype == "bool":
        return x > 0, True
    if dtype == "object":
        return np.nan_to_num(x).astype(object), True
    if dtype == "str":
        return np.nan_to_num(x).astype(str), True
    if dtype == "complex64":
        with np.errstate(invalid="ignore"):  # inf * 0.5j
            return (x + 0.5j * x).astype(np.complex64), finite
    with np.errstate(invalid="ignore"):
        return x.astype(dtype), finite


@st.composite
def arrays(
    draw: Any,
    shapes: list[tuple[int, ...]] = SHAPES,
    dtypes: list[str] = DTYPES,
    good_dtypes: tuple[str, ...] = ("float32", "float32", "float64", "int16"),
):
    """``(value, finite, numeric)``: an input array, sometimes a list or a JAX array."""
    good = [sh for sh in shapes if sh in GOOD_SHAPES] or shapes
    shape = draw(mostly(st.sampled_from(good), st.sampled_from(shapes)))
    dtype = draw(mostly(st.sampled_from(good_dtypes), st.sampled_from(dtypes)))
    x, finite = _data(draw, shape, dtype)
    form = draw(st.sampled_from(["numpy", "numpy", "list", "jax"]))
    numeric = dtype in NUMERIC
    if form == "list" and x.ndim:
        return x.tolist(), finite, numeric
    if form == "jax" and numeric and dtype[0] != ">" and dtype != "uint64":
        return J(x), finite, numeric
    return x, finite, numeric


def floats(*extra: Any) -> st.SearchStrategy[Any]:
    """Numbers of every kind, good and bad, for a scalar parameter (``extra``: also good)."""
    return mostly(
        st.sampled_from([0.5, 1.0, 1.7, 2, 3.0, np.float32(1.2), 0.0, *extra]),
        st.sampled_from([-1.0, np.nan, np.inf, -np.inf, 1e-16, 1e30, None, "a", 1 + 0j, [1.0]]),
    )


orders = mostly(
    st.sampled_from([0, 1, 2, 3, 4, 5, 3, 1]), st.sampled_from([-1, 6, 2.0, None, "3", True])
)
modes = mostly(st.sampled_from(MODES), st.sampled_from(BAD_MODES))
cvals = mostly(st.sampled_from([0.0, 0.0, -1024.0, 2.5, True]),
               st.sampled_from([np.nan, np.inf, None, "a", [1, 2], 1j]))  # fmt: skip
_BAD_OUTPUTS = [np.uint8, np.complex64, np.float16, "f", ">f8", np.zeros(3), "foo", bool]
outputs = mostly(
    st.sampled_from([None, None, None, np.float32, np.float64, np.int16]),
    st.sampled_from(_BAD_OUTPUTS),
)
axes_ = mostly(
    st.sampled_from([-1, 0, 1]), st.sampled_from([2, 3, -4, 1.0, None, "0", [0], (0, 1)])
)


def _finite(*values: Any) -> bool:
    """Whether every number in ``values`` (nested) is finite."""
    for v in values:
        if isinstance(v, J):
            v = v.value
        if isinstance(v, (list, tuple)):
            if not _finite(*v):
                return False
            continue
        if isinstance(v, dict):
            if not _finite(*v.values()):
                return False
            continue
        try:
            a = np.asarray(v)
        except (TypeError, ValueError):
            continue
        if a.dtype.kind in "fc" and not np.all(np.isfinite(a)):
            return False
    return True


def _ndim(x: Any) -> int:
    if isinstance(x, J):
        x = x.value
    try:
        return int(np.ndim(x))
    except (TypeError, ValueError):
        return 1


def _size(x: Any) -> int:
    if isinstance(x, J):
        x = x.value
    try:
        return int(np.size(np.asarray(x, dtype=object)))
    except (TypeError, ValueError):
        return 1


def _shape(x: Any) -> tuple[int, ...]:
    if isinstance(x, J):
        x = x.value
    try:
        return tuple(np.shape(x))
    except (TypeError, ValueError):
        return ()


@st.composite
def coordinates(draw: Any, shape: tuple[int, ...]):
    """Coordinates for an input of ``shape`` (multiples of 1/16: exact in float32), or junk."""
    kind = draw(mostly(st.just("good"), st.sampled_from(["nan", "empty", "wrong", "int", "str"])))
    nd = max(1, len(shape))
    rng = np.random.default_rng(draw(st.integers(0, 999)))
    pts = (draw(st.sampled_from([1, 4, 7])),)
    hi = max(shape) if shape else 1
    c = np.round(rng.uniform(-2, hi + 1, (nd, *pts)) * 16) / 16
    if kind == "nan":
        c.flat[0] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    elif kind == "empty":
        c = np.zeros((nd, 0))
    elif kind == "wrong":
        c = draw(st.sampled_from([np.zeros((nd + 1, 3)), np.zeros(3), np.zeros(()), [[1, 2], [3]]]))
    elif kind == "int":
        c = np.abs(c).astype(np.int32)
    elif kind == "str":
        c = c.astype(str)
    return c


@st.composite
def matrices(draw: Any, nd: int):
    """Affine matrices of every shape scipy accepts (multiples of 1/8: exact) and junk."""
    kind = draw(mostly(st.sampled_from(["square", "square", "diag", "homog", "aug"]),
                       st.sampled_from(["zeros", "nan", "wrong", "eye-str", "none"])))  # fmt: skip
    rng = np.random.default_rng(draw(st.integers(0, 999)))
    n = max(nd, 1)
    m = np.eye(n) + np.round(rng.normal(scale=0.2, size=(n, n)) * 8) / 8
    if kind == "diag":
        return np.diag(m).copy()
    if kind == "homog":
        h = np.eye(n + 1)
        h[:n, :n] = m
        h[:n, n] = np.round(rng.normal(size=n) * 8) / 8
        return h
    if kind == "aug":
        return np.concatenate([m, np.full((n, 1), 0.5)], axis=1)
    if kind == "zeros":
        return np.zeros((n, n))
    if kind == "nan":
        m[0, 0] = np.nan
        return m
    if kind == "wrong":
        return draw(st.sampled_from([np.eye(n + 2), np.ones((n, n, 1)), np.ones((0,))]))
    if kind == "eye-str":
        return "eye"
    if kind == "none":
        return None
    return m


output_shapes = mostly(st.sampled_from([None, None, (3, 4), (5,), (2, 3, 4), (6, 1, 2)]),
                       st.sampled_from([(0, 3), (10**6,) * 2, (-1, 3), (2.0, 3), 7, "a",
                                        (10**5,) * 3]))  # fmt: skip


def _huge(shape: Any) -> bool:
    try:
        return int(np.prod([int(v) for v in np.atleast_1d(shape)])) > 10**6
    except (TypeError, ValueError, OverflowError):
        return False
