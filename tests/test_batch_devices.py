"""jaxresample.batch over 8 devices: subprocesses with forced host devices.

``XLA_FLAGS=--xla_force_host_platform_device_count=8`` gives a process eight CPU devices;
the runs there must give bitwise what one device gives, with the batch axis really
sharded, and compile once per plan. The command is also run as two processes of one
``jax.distributed`` run on 127.0.0.1, and killed (SIGKILL) in the middle of a dataset.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from jaxresample import resample_to_spacing
from jaxresample._files import PARTIAL
from jaxresample.io import load_volume, save_volume

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 300
AFFINE = np.diag([0.8, 0.8, 1.5, 1.0])


def _env(devices: int) -> dict[str, str]:
    env = dict(os.environ)
    env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}"
    env.pop("JAX_COORDINATOR_ADDRESS", None)
    return env


def _cli(*argv: Any) -> list[str]:
    return [sys.executable, "-m", "jaxresample.cli", *map(str, argv)]


def test_eight_devices_give_one_devices_bits_with_the_batch_axis_sharded(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tests._batch_worker", str(tmp_path)], cwd=ROOT, env=_env(8),
        capture_output=True, text=True, timeout=TIMEOUT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["devices"] == 8
    assert report["bitwise_vs_one_device"] and report["bitwise_vs_resample_to_spacing"]
    assert report["result_devices"] == 8  # 14 volumes in two groups: every device worked
    assert report["sharding"] == {
        "named": True, "spec": ["batch"], "mesh_size": 8,
        "shard_shapes": [[2, 20, 18, 10]], "shards": 8,
    }  # fmt: skip
    assert report["uneven_shape"] == [11, 20, 18, 10] and report["uneven_equal"]
    assert report["compiles"] == 2, report  # two plans (11 and 3 volumes): one compile each
    assert report["statuses"] == ["done"] and report["files_equal"]
    assert report["label_dtypes"] == ["uint8", "int16"]


def _dataset(folder: Path, n: int, shape: tuple[int, ...]) -> list[np.ndarray]:
    folder.mkdir()
    rng = np.random.default_rng(1)
    vols = [rng.normal(size=shape).astype(np.float32) for _ in range(n)]
    for i, v in enumerate(vols):
        save_volume(folder / f"v{i:02d}.nii.gz", v, AFFINE)
    return vols


def _check_outputs(out: Path, vols: list[np.ndarray]) -> None:
    """Every output file reads back whole and holds the one-volume function's result."""
    for i, v in enumerate(vols):
        want = np.asarray(resample_to_spacing(v, AFFINE, 1.0, order=1)[0])
        got = load_volume(out / f"v{i:02d}.nii.gz").data
        np.testing.assert_allclose(got, want, atol=1e-6)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_two_processes_share_the_dataset_and_process_0_merges_the_summary(
    tmp_path: Path,
) -> None:
    vols = _dataset(tmp_path / "in", 7, (16, 14, 8))
    out, port = tmp_path / "out", _free_port()
    procs = [
        subprocess.Popen(
            _cli(
                "batch",
                tmp_path / "in",
                "-o",
                out,
                "--spacing",
                1,
                "--order",
                1,
                "--coordinator",
                f"127.0.0.1:{port}",
                "--num-processes",
                2,
                "--process-id",
                i,
            ),
            cwd=tmp_path,
            env=_env(2),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for i in range(2)
    ]
    results = [p.communicate(timeout=TIMEOUT) for p in procs]
    for p, (_, stderr) in zip(procs, results, strict=True):
        assert p.returncode == 0, stderr
    # JAX's CPU collectives (Gloo) print their connections on stdout, from C++ and unbuffered:
    # "[Gloo] Rank 1 is connected to 1 peer ranks. ...", at times split over two lines.
    gloo = re.compile(r"^\[Gloo\]|is connected to \d+ peer ranks|^\s*$")
    ours = [[ln for ln in out.splitlines() if not gloo.search(ln)] for out, _ in results]
    assert len(ours[0]) == 1 and ours[0][0].startswith("7 inputs: 7 done") and ours[1] == []
    summary = json.loads((out / "batch-summary.json").read_text())
    assert summary["processes"] == 2 and summary["devices_per_process"] == 2
    by_process = sorted((r["process"], Path(r["input"]).name) for r in summary["volumes"])
    assert [p for p, _ in by_process] == [0, 0, 0, 0, 1, 1, 1]
    assert sorted(n for _, n in by_process) == [f"v{i:02d}.nii.gz" for i in range(7)]
    _check_outputs(out, vols)


def test_a_killed_run_resumes_without_redoing_or_losing_volumes(tmp_path: Path) -> None:
    vols = _dataset(tmp_path / "in", 40, (64, 64, 40))
    out = tmp_path / "out"
    cmd = _cli("batch", tmp_path / "in", "-o", out, "--spacing", 1, "--order", 1,
               "--writers", 1)  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=_env(1), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and proc.poll() is None:
        done = [p for p in out.glob("v*.nii.gz") if PARTIAL not in p.name] if out.exists() else []
        if len(done) >= 3:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    finished = {p.name: p.stat().st_mtime_ns for p in out.glob("v*.nii.gz")
                if PARTIAL not in p.name}  # fmt: skip
    assert 3 <= len(finished) < 40
    for name in finished:  # whatever is under an output name is whole
        i = int(name[1:3])
        got = load_volume(out / name).data
        np.testing.assert_allclose(got, resample_to_spacing(vols[i], AFFINE, 1.0, order=1)[0],
                                   atol=1e-6)  # fmt: skip
    again = subprocess.run(cmd, cwd=tmp_path, env=_env(1), capture_output=True, text=True,
                           timeout=TIMEOUT)  # fmt: skip
    assert again.returncode == 0, again.stderr
    summary = json.loads((out / "batch-summary.json").read_text())
    status = {Path(r["input"]).name: r["status"] for r in summary["volumes"]}
    assert {n for n, s in status.items() if s == "skipped"} == set(finished)  # not redone
    assert sum(s == "done" for s in status.values()) == 40 - len(finished)
    for name, mtime in finished.items():
        assert (out / name).stat().st_mtime_ns == mtime
    assert not [p for p in out.iterdir() if PARTIAL in p.name]  # the killed run's temporaries
    _check_outputs(out, vols)


@pytest.mark.parametrize("devices", [1, 8])
def test_the_command_gives_the_same_files_on_one_and_eight_devices(
    tmp_path: Path, devices: int
) -> None:
    vols = _dataset(tmp_path / "in", 9, (16, 14, 8))
    out = tmp_path / "out"
    proc = subprocess.run(
        _cli("batch", tmp_path / "in", "-o", out, "--spacing", 1, "--order", 1),
        cwd=tmp_path, env=_env(devices), capture_output=True, text=True, timeout=TIMEOUT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert f"on 1 x {devices} devices" in proc.stdout
    _check_outputs(out, vols)


def test_the_compilation_cache_keeps_the_programs_for_the_next_run(tmp_path: Path) -> None:
    _dataset(tmp_path / "in", 2, (16, 14, 8))
    cache = tmp_path / "cache"
    for run in ("out1", "out2"):
        proc = subprocess.run(
            _cli("batch", tmp_path / "in", "-o", tmp_path / run, "--spacing", 1,
                 "--compilation-cache", cache),
            cwd=tmp_path, env=_env(1), capture_output=True, text=True, timeout=TIMEOUT,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        if run == "out1":
            entries = sorted(p.name for p in cache.iterdir())
            assert entries, "nothing was cached"
    assert sorted(p.name for p in cache.iterdir()) == entries  # the second run compiled nothing new
