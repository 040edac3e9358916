"""Datasets of volumes over every device of a machine, and over several machines.

Import as ``from jaxresample import batch``. :func:`map_sharded` runs any per-volume
function over a batch whose axis 0 is sharded over a mesh of devices
(``jax.sharding.NamedSharding``); :func:`resample_batch` resamples volumes of any shapes
held in memory, grouped by plan so that each group compiles once; :func:`resample_files`
does the same for a dataset on disk, reading and writing on worker threads while the
devices compute, resumable and atomic; it is what ``jaxresample batch`` runs. Results are
bitwise those of a single device.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import attach

#: public name -> private module that defines it
EXPORTS: dict[str, str] = {
    "VolumeRecord": "._batch.pipeline",
    "batch_mesh": "._batch.sharding",
    "map_sharded": "._batch.sharding",
    "resample_batch": "._batch.volumes",
    "resample_files": "._batch.pipeline",
}

if TYPE_CHECKING:
    from ._batch.pipeline import VolumeRecord as VolumeRecord
    from ._batch.pipeline import resample_files as resample_files
    from ._batch.sharding import batch_mesh as batch_mesh
    from ._batch.sharding import map_sharded as map_sharded
    from ._batch.volumes import resample_batch as resample_batch

__getattr__, __dir__, __all__ = attach(__name__, EXPORTS)
