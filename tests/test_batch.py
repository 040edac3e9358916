"""jaxresample.batch in this process: grouping, equality with the one-volume functions, errors.

The sharded runs over several devices are in ``tests/test_batch_devices.py`` (subprocesses
with forced host devices); here the default mesh is this process's devices.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import nibabel as nib
import numpy as np
import pytest

from jaxresample import resample_labels, resample_to_spacing, smooth
from jaxresample.batch import VolumeRecord, batch_mesh, map_sharded, resample_batch, resample_files
from jaxresample.io import load_volume, save_volume

AFFINE = np.diag([0.8, 0.8, 1.5, 1.0])


def _vol(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.normal(size=shape).astype(np.float32)


def _img(path: Path) -> Any:
    return nib.load(path)


def test_resample_batch_equals_resample_to_spacing_per_volume(rng: np.random.Generator) -> None:
    shapes = [(12, 10, 6), (12, 10, 6), (9, 10, 6), (12, 10, 6, 2)]
    vols = [_vol(rng, s) for s in shapes]
    affines = [AFFINE, AFFINE + np.diag([0, 0, 0, 0]), AFFINE, AFFINE]
    affines[1][:3, 3] = (5.0, -3.0, 2.0)  # another origin: the same group, its own affine
    out = resample_batch(vols, affines, (1.0, 1.0, 1.0), order=3, clip=True)
    for v, a, (data, new_affine) in zip(vols, affines, out, strict=True):
        want, want_affine = resample_to_spacing(v, a, (1.0, 1.0, 1.0), order=3, clip=True)
        np.testing.assert_array_equal(np.asarray(data), np.asarray(jax.jit(
            lambda x, a=a: resample_to_spacing(x, a, (1.0, 1.0, 1.0), order=3, clip=True)[0]
        )(v)))  # fmt: skip
        np.testing.assert_allclose(np.asarray(data), np.asarray(want), atol=1e-6)
        np.testing.assert_array_equal(new_affine, want_affine)


def test_resample_batch_takes_a_stacked_array_and_one_affine(rng: np.random.Generator) -> None:
    stack = _vol(rng, (3, 8, 8, 4))
    out = resample_batch(stack, AFFINE, 1.6, order=1, dtype=np.int16)
    assert [d.shape for d, _ in out] == [(4, 4, 4)] * 3
    assert {d.dtype for d, _ in out} == {np.dtype(np.int16)}


def test_map_sharded_matches_a_loop_and_reuses_its_program(rng: np.random.Generator) -> None:
    vols = jnp.asarray(_vol(rng, (5, 8, 8, 4)))
    blur = functools.partial(smooth, fwhm_mm=2.0, spacing=(1.0, 1.0, 2.0))
    out = map_sharded(blur, vols)
    assert out.shape == vols.shape
    for i in range(5):
        np.testing.assert_array_equal(np.asarray(out[i]), np.asarray(jax.jit(blur)(vols[i])))
    pytree = map_sharded(lambda d: {"sum": d["a"].sum() + d["b"]},
                         {"a": vols, "b": jnp.ones(5, vols.dtype)})  # fmt: skip
    np.testing.assert_allclose(np.asarray(pytree["sum"]), np.asarray(vols.sum((1, 2, 3)) + 1),
                               rtol=1e-5)  # fmt: skip


@pytest.mark.parametrize(
    "call, error, needle",
    [
        (lambda: map_sharded(3, jnp.ones((2, 3))),  # type: ignore[arg-type]
         TypeError, "fn must be callable"),
        (lambda: map_sharded(jnp.sum, {}), ValueError, "at least one array"),
        (lambda: map_sharded(jnp.sum, jnp.ones((0, 3))), ValueError, "at least one volume"),
        (lambda: map_sharded(jnp.sum, jnp.float32(1)), ValueError, "batch axis 0"),
        (lambda: map_sharded(jnp.sum, [jnp.ones(2), jnp.ones(3)]), ValueError, "same number"),
        (lambda: map_sharded(jnp.sum, jnp.ones(2), mesh="cpu"),  # type: ignore[arg-type]
         TypeError, "mesh must be"),
        (lambda: batch_mesh(devices=[]), ValueError, "at least one device"),
        (lambda: batch_mesh(devices=["cpu"]), TypeError, "JAX devices"),
        (lambda: batch_mesh(devices=jax.devices()[:1] * 2), ValueError, "twice"),
        (lambda: resample_batch([], AFFINE, 1.0), ValueError, "at least one volume"),
        (lambda: resample_batch([np.ones((4, 4, 4))], [AFFINE, AFFINE], 1.0), ValueError,
         "one affine per volume"),
        (lambda: resample_batch([np.ones((4, 4, 4))], AFFINE, 1.0, order=7), ValueError, "order"),
        (lambda: resample_batch([np.ones((4, 4, 4))], AFFINE, 1.0, mode="bogus"), ValueError,
         "mode"),
        (lambda: resample_batch([np.ones((4, 4))], AFFINE, 1.0), ValueError, "fewer than"),
        (lambda: resample_batch([np.ones((4, 4, 4))], np.eye(5), 1.0), ValueError, "3x3"),
    ],
)  # fmt: skip
def test_bad_arguments_are_refused_by_name(call: Any, error: type, needle: str) -> None:
    with pytest.raises(error, match=needle) as info:
        call()
    assert str(info.value).split(":")[0] in {"map_sharded", "batch_mesh", "resample_batch"}


def _dataset(folder: Path, rng: np.random.Generator) -> dict[str, np.ndarray]:
    folder.mkdir()
    data = {}
    for i, shape in enumerate([(12, 10, 6), (12, 10, 6), (9, 10, 6)]):
        data[f"ct{i}"] = _vol(rng, shape)
        save_volume(folder / f"ct{i}.nii.gz", data[f"ct{i}"], AFFINE)
    data["ct0_seg"] = rng.integers(0, 3, size=(12, 10, 6)).astype(np.uint8)
    save_volume(folder / "ct0_seg.nii.gz", data["ct0_seg"], AFFINE)
    return data


def test_resample_files_writes_what_the_one_volume_functions_give(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    data = _dataset(tmp_path / "in", rng)
    (tmp_path / "in" / "broken.nii").write_bytes(b"not an image")
    out = tmp_path / "out"
    out.mkdir()
    seen: list[VolumeRecord] = []
    records = resample_files([tmp_path / "in"], out, 1.0, labels="*_seg*", on_record=seen.append)
    assert sorted(r.input for r in seen) == sorted(r.input for r in records)
    status = {Path(r.input).name: r.status for r in records}
    assert status == {"broken.nii": "failed", "ct0.nii.gz": "done", "ct0_seg.nii.gz": "done",
                      "ct1.nii.gz": "done", "ct2.nii.gz": "done"}  # fmt: skip
    broken = next(r for r in records if r.status == "failed")
    assert "broken.nii" in (broken.reason or "") and not (out / "broken.nii").exists()
    for name in ("ct0", "ct1", "ct2"):
        want, want_affine = resample_to_spacing(data[name], AFFINE, 1.0)
        got = load_volume(out / f"{name}.nii.gz")
        np.testing.assert_allclose(got.data, np.asarray(want), atol=1e-6)
        np.testing.assert_allclose(got.affine, want_affine, atol=1e-6)  # the file's float32
        rec = next(r for r in records if r.input.endswith(f"{name}.nii.gz"))
        assert rec.out_shape == list(want.shape) and rec.kind == "image"
    labels, _ = resample_labels(data["ct0_seg"], AFFINE, spacing=1.0)
    got_labels = load_volume(out / "ct0_seg.nii.gz", dtype=None).data
    assert got_labels.dtype == np.uint8
    np.testing.assert_array_equal(got_labels, np.asarray(labels))
    # again: every output exists, nothing is redone
    again = resample_files([tmp_path / "in"], out, 1.0, labels="*_seg*")
    assert sorted(r.status for r in again) == ["failed"] + ["skipped"] * 4


def test_resample_files_force_redoes_and_dtype_is_written(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    _dataset(tmp_path / "in", rng)
    out = tmp_path / "out"
    out.mkdir()
    resample_files([str(tmp_path / "in" / "ct*.nii.gz")], out, 2.0, order=1)
    first = (out / "ct1.nii.gz").stat().st_mtime_ns
    records = resample_files([tmp_path / "in" / "ct1.nii.gz"], out, 2.0, order=1,
                             dtype="int16", force=True)  # fmt: skip
    assert [r.status for r in records] == ["done"]
    assert (out / "ct1.nii.gz").stat().st_mtime_ns != first
    assert _img(out / "ct1.nii.gz").get_data_dtype() == np.int16


def test_resample_files_shares_the_inputs_between_processes(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    _dataset(tmp_path / "in", rng)
    out = tmp_path / "out"
    out.mkdir()
    parts = [resample_files([tmp_path / "in"], out, 2.0, process=(i, 3)) for i in range(3)]
    names = [sorted(Path(r.input).name for r in p) for p in parts]
    assert sorted(sum(names, [])) == sorted(p.name for p in (tmp_path / "in").iterdir())
    assert all(len(n) in (1, 2) for n in names)
    assert {r.process for r in parts[2]} == {2}


@pytest.mark.parametrize(
    "kwargs, error, needle",
    [
        ({"inputs": ["nowhere/*.nii.gz"]}, FileNotFoundError, "no file matches"),
        ({"inputs": ["missing.nii.gz"]}, FileNotFoundError, "no such file"),
        ({"inputs": "in"}, TypeError, "sequence of paths"),
        ({"out_dir": "nowhere"}, FileNotFoundError, "no such directory"),
        ({"order": 6}, ValueError, "order"),
        ({"label_method": "mode"}, ValueError, "label_method"),
        ({"force": 1}, TypeError, "force must be a bool"),
        ({"dtype": "text"}, TypeError, "dtype"),
        ({"process": (2, 2)}, ValueError, "below the count"),
        ({"labels": 3}, TypeError, "glob pattern"),
    ],
)  # fmt: skip
def test_resample_files_refuses_bad_arguments(
    tmp_path: Path, rng: np.random.Generator, kwargs: dict[str, Any], error: type, needle: str
) -> None:
    _dataset(tmp_path / "in", rng)
    (tmp_path / "out").mkdir()
    args: dict[str, Any] = {"inputs": [tmp_path / "in"], "out_dir": tmp_path / "out",
                            "spacing": 1.0}  # fmt: skip
    for key, value in kwargs.items():
        args[key] = [tmp_path / v for v in value] if key == "inputs" and isinstance(
            value, list) else (tmp_path / value if key == "out_dir" else value)  # fmt: skip
    with pytest.raises(error, match=needle):
        resample_files(**args)
    assert list((tmp_path / "out").iterdir()) == []


def test_two_inputs_with_one_output_name_are_refused(tmp_path: Path) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        save_volume(tmp_path / sub / "v.nii.gz", np.ones((4, 4, 4), np.float32), AFFINE)
    (tmp_path / "out").mkdir()
    with pytest.raises(ValueError, match="would both be written"):
        resample_files([tmp_path / "a", tmp_path / "b"], tmp_path / "out", 1.0)


def test_a_second_call_with_the_same_geometry_compiles_nothing(rng: np.random.Generator) -> None:
    compiles: list[str] = []

    def count(event: str, duration_secs: float, **kwargs: str | int) -> None:
        if event == "/jax/core/compile/backend_compile_duration":
            compiles.append(event)

    vols = [_vol(rng, (11, 7, 5)) for _ in range(3)]
    resample_batch(vols, AFFINE, 0.9, order=2)
    jax.monitoring.register_event_duration_secs_listener(count)
    try:
        again = resample_batch([v + 1 for v in vols], AFFINE.copy(), 0.9, order=2)
    finally:
        jax.monitoring.unregister_event_duration_listener(count)
    assert compiles == [] and len(again) == 3


def test_an_output_directory_holding_the_inputs_is_refused(tmp_path: Path) -> None:
    save_volume(tmp_path / "v.nii.gz", np.ones((4, 4, 4), np.float32), AFFINE)
    with pytest.raises(ValueError, match="overwritten by its own output"):
        resample_files([tmp_path], tmp_path, 1.0)
