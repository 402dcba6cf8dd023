r"""Data-parallel workers that are real processes: the workers of a Dask cluster.

This module never imports Dask: it works through the ``dask.distributed.Client`` it is given,
so ``import mlcourse_lib.parallel`` needs numpy only. Start a cluster on this machine with::

    from dask.distributed import Client, LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, host="127.0.0.1") as cluster, Client(cluster) as client:
        workers = DaskWorkers(client, models.mlp_loss_and_grad, X, y)
        run = data_parallel_sgd(workers, params, batch_size=128, epochs=5, rng=0, lr=0.4)

The training set is sent to every worker process once; each step then sends the parameters
and one shard of indices to each worker, and gathers the K (loss, gradient) pairs. The
averaging and the update happen in the calling process, as at a parameter server; the
arithmetic is that of :class:`~mlcourse_lib.parallel.SimulatedWorkers`, so the two runs give
the same numbers.
"""

from __future__ import annotations

from .data_parallel import _check_loss_and_grad, _check_training_data

__all__ = ["DaskWorkers"]


def _shard_loss_and_grad(loss_and_grad, X, y, params, shard):
    """Run on a worker: the mean loss and gradient of the shard's samples."""
    return loss_and_grad(params, X[shard], y[shard])


class DaskWorkers:
    r"""The workers of a Dask client, one data-parallel worker per Dask worker process.

    Parameters
    ----------
    client : dask.distributed.Client
        A client connected to a running cluster; its workers (sorted by address) are workers
        :math:`0, \dots, K-1`.
    loss_and_grad : callable
        ``loss_and_grad(params, X_shard, y_shard) -> (loss, grads)``; it is pickled and sent to
        the workers, so a function of an importable module is best (e.g.
        :func:`~mlcourse_lib.models.mlp_loss_and_grad`).
    X : array_like, shape (n, ...)
    y : array_like, shape (n, ...)

    Notes
    -----
    Shard :math:`k` of every step runs on worker :math:`k` (``workers=[address]``,
    ``allow_other_workers=False``), where the data already are (``client.scatter`` with
    ``broadcast=True``).
    """

    def __init__(self, client, loss_and_grad, X, y):
        self.client = client
        self.loss_and_grad = _check_loss_and_grad(loss_and_grad)
        X, y = _check_training_data(X, y)
        self._n_samples = len(X)
        self.addresses = sorted(client.scheduler_info()["workers"])
        if not self.addresses:
            raise ValueError("the Dask client has no workers; start the cluster with n_workers >= 1.")
        self._X, self._y = client.scatter([X, y], broadcast=True)

    @property
    def n_workers(self) -> int:
        return len(self.addresses)

    @property
    def n_samples(self) -> int:
        return self._n_samples

    def gradients(self, params, shards) -> list:
        """``[(loss_k, grads_k), ...]``, shard k computed on worker k's process."""
        if len(shards) > self.n_workers:
            raise ValueError(f"got {len(shards)} shards for {self.n_workers} workers.")
        futures = [
            self.client.submit(_shard_loss_and_grad, self.loss_and_grad, self._X, self._y, params, shard,
                               workers=[address], allow_other_workers=False, pure=False)
            for address, shard in zip(self.addresses, shards)
        ]
        return self.client.gather(futures)

    def __repr__(self) -> str:
        return f"DaskWorkers(n_workers={self.n_workers}, n_samples={self.n_samples})"
