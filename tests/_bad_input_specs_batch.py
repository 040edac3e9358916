"""The bad-input strategies of :mod:`jaxresample.batch` (registered in :data:`SPECS`).

``tests/test_bad_inputs.py`` imports this module with the others, so every strategy is
registered before the test is collected.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import strategies as st

from tests._bad_input_cases import Call, File
from tests._bad_input_specs import _call, _volume, affines, one, spacings, spec


def _double(x: Any) -> Any:
    return jax.tree.map(lambda a: a + a, x)


def _total(x: Any) -> Any:
    return jax.tree.map(jnp.sum, x)


@spec("batch.batch_mesh")
def _mesh(draw: Any) -> Call:
    # (device objects do not travel to the runner's process; lists of them are tested in
    # tests/test_batch.py)
    devices = draw(one([None], [[], ["cpu"], "cpu", 3]))
    return _call((), {"devices": devices}, oracle=False)


@spec("batch.map_sharded")
def _map(draw: Any) -> Call:
    data, _, _ = _volume(draw)
    fn = draw(one([_double, _total], [None, 3, "f"]))
    batch = draw(one(["stack", "pytree"], ["scalar", "ragged", "empty"]))
    value: Any = {
        "stack": np.stack([np.asarray(data)] * 3) if np.ndim(data) else data,
        "pytree": {"a": np.ones((2, 3), np.float32), "b": np.zeros(2, np.float32)},
        "scalar": np.float32(1.0),
        "ragged": [np.ones(2, np.float32), np.ones(3, np.float32)],
        "empty": np.ones((0, 3), np.float32),
    }[batch]
    mesh = draw(one([None], ["mesh", 1]))
    return _call((fn, value), {"mesh": mesh}, oracle=False)


@spec("batch.resample_batch")
def _batch(draw: Any) -> Call:
    data, _, _ = _volume(draw)
    count = draw(one([1, 2], [0]))
    images: Any = [data] * count if draw(st.booleans()) else draw(one([[data]], ["x", 3]))
    aff = draw(affines)
    if draw(st.booleans()) and isinstance(aff, np.ndarray):
        aff = draw(one([[aff] * len(images) if isinstance(images, list) else aff],
                       [[aff] * 5, np.stack([aff] * 3)]))  # fmt: skip
    kw = {
        "order": draw(one([0, 1, 3], [6, -1, 1.5])),
        "mode": draw(one(["nearest", "reflect", "constant"], ["bogus", None])),
        "dtype": draw(one([None, np.int16, np.float32], ["text", object])),
        "clip": draw(one([False, True], ["yes"])),
    }
    return _call((images, aff, draw(spacings)), kw, oracle=False)


@spec("batch.resample_files")
def _files(draw: Any) -> Call:
    kinds = draw(st.lists(one(["good", "good", "mgz", "big-endian"],
                              ["garbage", "truncated", "huge-header", "complex", "missing",
                               "negative-dim"]), min_size=1, max_size=3))  # fmt: skip
    out_dir = draw(one([File("directory")], [File("no-directory"), File("good")]))
    kw = {
        "order": draw(one([1, 3], [7, "3"])),
        "dtype": draw(one([None, "int16", "float32"], ["bool", "x"])),
        "labels": draw(one([None, "*.mgz"], [3])),
        "label_method": draw(one(["linear", "nearest"], ["mode"])),
        "force": draw(one([False, True], [1])),
        "readers": draw(one([1, 2], [0])),
    }
    return _call(([File(k) for k in kinds], out_dir, draw(spacings)), kw, oracle=False)
