"""Training beyond one worker: data-parallel SGD, ring all-reduce, and workers that are processes.

- :mod:`.data_parallel`  :func:`shard_indices`, :func:`average_shard_gradients`,
  :func:`linear_scaled_lr`, :class:`SimulatedWorkers`, :func:`data_parallel_sgd`
- :mod:`.allreduce`      :func:`ring_allreduce` (reduce-scatter + all-gather, simulated on
  arrays), :func:`chunk_slices`, :func:`ring_allreduce_cost`, :func:`central_allreduce_cost`
- :mod:`.dask_workers`   :class:`DaskWorkers`: the same training on the worker processes of a
  Dask cluster, through the client you pass in (the package itself never imports Dask)

Float32 parameters, gradients and arrays stay float32.
"""

from .allreduce import (
    RingAllReduce,
    central_allreduce_cost,
    chunk_slices,
    ring_allreduce,
    ring_allreduce_cost,
)
from .dask_workers import DaskWorkers
from .data_parallel import (
    DataParallelRun,
    SimulatedWorkers,
    average_shard_gradients,
    data_parallel_sgd,
    linear_scaled_lr,
    shard_indices,
)

__all__ = [
    "shard_indices",
    "average_shard_gradients",
    "linear_scaled_lr",
    "SimulatedWorkers",
    "DataParallelRun",
    "data_parallel_sgd",
    "RingAllReduce",
    "chunk_slices",
    "ring_allreduce",
    "ring_allreduce_cost",
    "central_allreduce_cost",
    "DaskWorkers",
]
