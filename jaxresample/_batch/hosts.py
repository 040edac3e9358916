"""Several processes (hosts) on one dataset: joining the run, and merging the records.

Each process of a ``jax.distributed`` run takes its own share of the inputs and computes
on its own devices; only the records travel, once, at the end: every process's records,
as JSON bytes, gathered with :func:`jax.experimental.multihost_utils.process_allgather`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

import jax
import numpy as np
from jax.experimental import multihost_utils

from .pipeline import VolumeRecord

__all__ = ["ENVIRONMENT", "distributed_settings", "gather_records"]

#: The environment variables read when no flag is given.
ENVIRONMENT = ("JAX_COORDINATOR_ADDRESS", "JAX_NUM_PROCESSES", "JAX_PROCESS_ID")


def distributed_settings(
    coordinator: str | None, num_processes: int | None, process_id: int | None
) -> dict[str, Any] | None:
    """The arguments of ``jax.distributed.initialize``, from flags or the environment.

    None when no coordinator is named (a single-process run). Given a coordinator without
    a count or id, JAX detects them from the cluster (SLURM, Open MPI, ...).
    """
    env = os.environ
    coordinator = coordinator or env.get(ENVIRONMENT[0]) or None
    if coordinator is None:
        return None
    if num_processes is None and env.get(ENVIRONMENT[1]):
        num_processes = int(env[ENVIRONMENT[1]])
    if process_id is None and env.get(ENVIRONMENT[2]):
        process_id = int(env[ENVIRONMENT[2]])
    return {
        "coordinator_address": coordinator,
        "num_processes": num_processes,
        "process_id": process_id,
    }


def gather_records(records: Sequence[VolumeRecord]) -> list[VolumeRecord]:
    """Every process's records, on every process (a collective: all processes call it)."""
    if jax.process_count() == 1:
        return list(records)
    payload = np.frombuffer(json.dumps([r.to_dict() for r in records]).encode(), np.uint8)
    sizes = multihost_utils.process_allgather(np.array([payload.size], np.int64))
    longest = int(np.max(sizes))
    padded = np.zeros(longest, np.uint8)
    padded[: payload.size] = payload
    every = np.asarray(multihost_utils.process_allgather(padded))
    merged: list[VolumeRecord] = []
    for row, size in zip(every, np.asarray(sizes).reshape(-1), strict=True):
        merged += [VolumeRecord(**d) for d in json.loads(bytes(row[: int(size)]).decode())]
    return merged
