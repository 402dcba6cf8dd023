r"""Data-parallel SGD: K workers, one batch cut into K shards, one averaged gradient.

A step of mini-batch SGD on a batch :math:`\mathcal B` of :math:`B` samples needs the mean
gradient :math:`g = \frac1B\sum_{i\in\mathcal B}\nabla\ell_i(\theta)`. With :math:`K` workers,
each holding the parameters :math:`\theta`, the batch is cut into shards
:math:`\mathcal B_1, \dots, \mathcal B_K` of sizes :math:`n_k`; worker :math:`k` computes the
mean gradient of its shard, :math:`g_k = \frac{1}{n_k}\sum_{i\in\mathcal B_k}\nabla\ell_i(\theta)`,
and the shard gradients are combined with weights :math:`n_k / B`:

.. math::
    \sum_{k=1}^K \frac{n_k}{B}\, g_k = \frac1B\sum_{k=1}^K\sum_{i\in\mathcal B_k}\nabla\ell_i(\theta) = g .

With equal shards (:math:`n_k = B/K`) the weights are all :math:`1/K`: the plain mean of the
shard gradients. With unequal shards the plain mean is a different vector (a mean of means).

- :func:`shard_indices`, :func:`average_shard_gradients`, :func:`linear_scaled_lr`;
- :class:`SimulatedWorkers`: K workers that run one after the other in this process;
- :func:`data_parallel_sgd`: the training loop, for any workers object with ``n_workers``,
  ``n_samples`` and ``gradients(params, shards)`` (also
  :class:`~mlcourse_lib.parallel.DaskWorkers`, whose workers are processes).

No function changes its inputs in place; float32 parameters and gradients stay float32.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .._tree import check_same_tree, tree_map, validate_tree
from .._validation import as_float_array, check_int, check_positive, check_rng, check_same_length

__all__ = [
    "shard_indices",
    "average_shard_gradients",
    "linear_scaled_lr",
    "SimulatedWorkers",
    "DataParallelRun",
    "data_parallel_sgd",
]


# --- validation shared by the functions of this module ---------------------------------------

def _check_shard_grads(shard_grads):
    """A list of K >= 1 validated gradient trees (arrays or dicts) of one structure and shape."""
    if isinstance(shard_grads, (dict, str, bytes)) or not hasattr(shard_grads, "__len__"):
        raise TypeError(
            "shard_grads must be a list with one gradient per worker (arrays or dicts of arrays); "
            f"got {type(shard_grads).__name__}."
        )
    if len(shard_grads) == 0:
        raise ValueError("shard_grads is empty; expected one gradient per worker.")
    grads = [validate_tree(g, f"shard_grads[{k}]", keep_float_dtype=True) for k, g in enumerate(shard_grads)]
    for k in range(1, len(grads)):
        check_same_tree(grads[0], "shard_grads[0]", grads[k], f"shard_grads[{k}]")
    return grads


def _check_shard_sizes(shard_sizes, n_workers: int) -> list[int]:
    if isinstance(shard_sizes, (str, bytes)) or not hasattr(shard_sizes, "__len__"):
        raise TypeError(
            f"shard_sizes must be a list of {n_workers} integers; got {type(shard_sizes).__name__}."
        )
    if len(shard_sizes) != n_workers:
        raise ValueError(
            f"shard_sizes has {len(shard_sizes)} entries, expected {n_workers} to match shard_grads."
        )
    return [check_int(n, f"shard_sizes[{k}]", minimum=1) for k, n in enumerate(shard_sizes)]


# --- the averaged gradient -------------------------------------------------------------------

def shard_indices(batch, n_workers) -> list:
    r"""Cut a batch of sample indices into ``n_workers`` consecutive shards.

    With :math:`B = qK + r` (:math:`0 \le r < K`), the first :math:`r` shards get
    :math:`q + 1` indices and the others :math:`q`, as ``np.array_split`` cuts: sizes differ by
    at most one, and shards are empty when :math:`B < K`.

    Parameters
    ----------
    batch : array_like of int, shape (B,)
        The indices of one mini-batch.
    n_workers : int
        :math:`K \ge 1`.

    Returns
    -------
    shards : list of ndarray
        :math:`K` int64 index arrays whose concatenation is ``batch``.

    Examples
    --------
    >>> [s.tolist() for s in shard_indices([5, 3, 8, 1, 9, 2, 7], 3)]
    [[5, 3, 8], [1, 9], [2, 7]]
    """
    batch = np.asarray(batch)
    if batch.ndim != 1 or (batch.size and batch.dtype.kind not in "iu"):
        raise ValueError(f"batch must be a 1-D array of integer indices; got dtype {batch.dtype}, "
                         f"shape {batch.shape}.")
    n_workers = check_int(n_workers, "n_workers", minimum=1)
    return [shard.astype(np.int64) for shard in np.array_split(batch, n_workers)]


def average_shard_gradients(shard_grads, shard_sizes):
    r"""The gradient of the whole batch from the mean gradients of its K shards.

    .. math::
        g = \frac{\sum_{k=1}^K n_k\, g_k}{\sum_{k=1}^K n_k}

    where :math:`g_k` is the mean gradient over the :math:`n_k` samples of shard :math:`k`.
    Each :math:`n_k g_k` is the *sum* of that shard's per-sample gradients, so :math:`g` is the
    mean over all :math:`\sum_k n_k` samples: exactly the gradient of the union batch. With
    equal shard sizes this is the plain mean :math:`\frac1K\sum_k g_k`.

    Parameters
    ----------
    shard_grads : sequence of ndarray or of dict of ndarray
        :math:`g_1, \dots, g_K`, all of one shape (or the same keys and shapes).
    shard_sizes : sequence of int
        :math:`n_1, \dots, n_K \ge 1`.

    Returns
    -------
    grad : ndarray or dict of ndarray
        :math:`g`, shaped like each :math:`g_k`; float32 gradients give a float32 result.

    Examples
    --------
    >>> print(average_shard_gradients([np.array([1.0, 0.0]), np.array([4.0, 3.0])], [2, 1]))
    [2. 1.]
    """
    grads = _check_shard_grads(shard_grads)
    sizes = _check_shard_sizes(shard_sizes, len(grads))
    return _weighted_mean(grads, sizes)


def _weighted_mean(trees, sizes):
    r""":math:`\sum_k n_k t_k / \sum_k n_k` leaf by leaf, for checked trees and sizes."""
    n_total = sum(sizes)
    weighted_sum = tree_map(lambda t: sizes[0] * t, trees[0])           # n_1 g_1
    for n_k, t_k in zip(sizes[1:], trees[1:]):
        weighted_sum = tree_map(lambda s, t: s + n_k * t, weighted_sum, t_k)
    return tree_map(lambda s: s / n_total, weighted_sum)


def linear_scaled_lr(base_lr, *, base_batch_size, batch_size) -> float:
    r"""The linear scaling rule: multiply the learning rate by the factor the batch grew by.

    .. math::
        \eta_B = \eta_{B_0}\,\frac{B}{B_0}

    The heuristic of Goyal et al. (2017): :math:`k` SGD steps with batches of :math:`B_0` and
    rate :math:`\eta` move the parameters by :math:`-\eta\sum_{j=1}^k g_j(\theta_{j-1})`, one
    step with a batch of :math:`kB_0` and rate :math:`k\eta` by :math:`-k\eta\,\bar g(\theta_0)`:
    the same when the gradients :math:`g_j` change little over those :math:`k` steps. That
    premise fails early in training (gradients change fast; hence a warm-up) and for large
    :math:`k`, where :math:`k\eta` exceeds the largest stable rate.

    Parameters
    ----------
    base_lr : float
        :math:`\eta_{B_0} > 0`.
    base_batch_size, batch_size : int
        :math:`B_0` and :math:`B`, both :math:`\ge 1`.

    Returns
    -------
    lr : float

    Examples
    --------
    >>> linear_scaled_lr(0.05, base_batch_size=16, batch_size=128)
    0.4
    """
    base_lr = check_positive(base_lr, "base_lr")
    base_batch_size = check_int(base_batch_size, "base_batch_size", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    return base_lr * batch_size / base_batch_size


# --- workers and the training loop -------------------------------------------------------------

def _check_training_data(X, y):
    X = as_float_array(X, "X", keep_float_dtype=True)
    if X.ndim == 0:
        raise ValueError("X must have one row per sample; got a scalar.")
    y = np.asarray(y)
    if y.ndim == 0:
        raise ValueError("y must have one entry per sample; got a scalar.")
    check_same_length(X, "X", y, "y")
    return X, y


def _check_loss_and_grad(loss_and_grad):
    if not callable(loss_and_grad):
        raise TypeError(
            "loss_and_grad must be a function(params, X_shard, y_shard) -> (loss, grads), e.g. "
            f"models.mlp_loss_and_grad; got {type(loss_and_grad).__name__}."
        )
    return loss_and_grad


class SimulatedWorkers:
    r"""K data-parallel workers that run one after the other in this process.

    Every worker sees the whole training set (as every process of a real run can read it) and
    computes :math:`(L_k, g_k) = \text{loss\_and\_grad}(\theta, X_{\mathcal B_k}, y_{\mathcal B_k})`
    for the shard :math:`\mathcal B_k` it is given. The arithmetic is exactly that of a run on
    K processes; only the clock differs.

    Parameters
    ----------
    loss_and_grad : callable
        ``loss_and_grad(params, X_shard, y_shard) -> (loss, grads)``: the mean loss of the shard
        and its gradient, e.g. :func:`~mlcourse_lib.models.mlp_loss_and_grad`.
    X : array_like, shape (n, ...)
    y : array_like, shape (n, ...)
    n_workers : int
        :math:`K \ge 1`.

    Examples
    --------
    >>> def loss_and_grad(w, X, y):
    ...     r = X @ w - y
    ...     return float(np.mean(r ** 2)), 2 * X.T @ r / len(y)
    >>> workers = SimulatedWorkers(loss_and_grad, np.eye(4), np.arange(4.0), n_workers=2)
    >>> [float(loss) for loss, grads in workers.gradients(np.zeros(4), [np.array([0, 1]), np.array([2, 3])])]
    [0.5, 6.5]
    """

    def __init__(self, loss_and_grad, X, y, *, n_workers):
        self.loss_and_grad = _check_loss_and_grad(loss_and_grad)
        self.X, self.y = _check_training_data(X, y)
        self.n_workers = check_int(n_workers, "n_workers", minimum=1)

    @property
    def n_samples(self) -> int:
        return len(self.X)

    def gradients(self, params, shards) -> list:
        """``[(loss_k, grads_k), ...]``: worker k's mean loss and gradient on ``shards[k]``."""
        if len(shards) > self.n_workers:
            raise ValueError(f"got {len(shards)} shards for {self.n_workers} workers.")
        return [self.loss_and_grad(params, self.X[shard], self.y[shard]) for shard in shards]

    def __repr__(self) -> str:
        return f"SimulatedWorkers(n_workers={self.n_workers}, n_samples={self.n_samples})"


class DataParallelRun(NamedTuple):
    """What :func:`data_parallel_sgd` returns.

    ``params`` are the final parameters; ``losses[t]`` is the loss of the batch of step
    :math:`t` at the parameters before that step (the shard losses combined with the weights
    :math:`n_k/B`, like the gradients); ``lrs[t]`` is the rate of step :math:`t`.
    """

    params: object
    losses: np.ndarray
    lrs: np.ndarray


def _learning_rates(lr, schedule) -> Callable[[int], float]:
    if (lr is None) == (schedule is None):
        raise TypeError("pass either lr (a constant rate) or schedule (a function step -> rate), not both.")
    if schedule is None:
        lr = check_positive(lr, "lr")
        return lambda step: lr
    if not callable(schedule):
        raise TypeError(f"schedule must be a function step -> learning rate; got {type(schedule).__name__}.")
    return lambda step: check_positive(schedule(step), f"schedule({step})")


def _check_workers(workers):
    for name in ("n_workers", "n_samples", "gradients"):
        if not hasattr(workers, name):
            raise TypeError(
                f"workers must have n_workers, n_samples and gradients(params, shards), as "
                f"SimulatedWorkers and DaskWorkers do; {type(workers).__name__} has no {name}."
            )
    return workers


def data_parallel_sgd(workers, params, *, batch_size, epochs, rng, lr=None, schedule=None) -> DataParallelRun:
    r"""Mini-batch SGD whose every batch is shared out among K workers.

    Each epoch permutes the samples with ``rng`` and cuts the permutation into batches of
    :math:`B` (:func:`~mlcourse_lib.data.minibatch_indices`, the last one smaller when
    :math:`B` does not divide :math:`n`). For each batch:

    .. math::
        \mathcal B_1, \dots, \mathcal B_K = \text{shard\_indices}(\mathcal B, K), \qquad
        (L_k, g_k) = \text{worker}_k(\theta_t, \mathcal B_k), \qquad
        \theta_{t+1} = \theta_t - \eta_t \sum_k \frac{n_k}{B}\, g_k

    Empty shards (when :math:`B < K`) are not sent; their workers wait. The result does not
    depend on :math:`K`, up to the rounding of sums taken in another order: that is the point
    of data parallelism.

    Parameters
    ----------
    workers : SimulatedWorkers or DaskWorkers
        Anything with ``n_workers``, ``n_samples`` and ``gradients(params, shards)``.
    params : ndarray or dict of ndarray
        :math:`\theta_0` (copied; float32 stays float32).
    batch_size : int
        The global batch size :math:`B \ge 1`, summed over the workers.
    epochs : int
        Passes over the data, :math:`\ge 1`.
    rng : np.random.Generator or int
        Shuffles the samples every epoch.
    lr : float, optional
        A constant rate :math:`\eta > 0`.
    schedule : callable, optional
        ``schedule(t) -> rate`` for step :math:`t = 0, 1, \dots`, instead of ``lr``.

    Returns
    -------
    DataParallelRun
        ``(params, losses, lrs)``.

    Raises
    ------
    FloatingPointError
        When a batch loss or a gradient is NaN or infinite (the rate is too large): the
        message names the step and the epoch.

    Examples
    --------
    >>> def loss_and_grad(w, X, y):
    ...     r = X @ w - y
    ...     return float(np.mean(r ** 2)), 2 * X.T @ r / len(y)
    >>> X = np.linspace(-1, 1, 12).reshape(-1, 1)
    >>> one = data_parallel_sgd(SimulatedWorkers(loss_and_grad, X, 3 * X[:, 0], n_workers=1),
    ...                         np.zeros(1), batch_size=6, epochs=20, rng=0, lr=0.5)
    >>> four = data_parallel_sgd(SimulatedWorkers(loss_and_grad, X, 3 * X[:, 0], n_workers=4),
    ...                          np.zeros(1), batch_size=6, epochs=20, rng=0, lr=0.5)
    >>> print(np.round(one.params, 4), bool(np.allclose(one.params, four.params, rtol=1e-12)))
    [3.] True
    """
    from ..data.batches import minibatch_indices
    from ..optim.sgd import gd_step

    workers = _check_workers(workers)
    params = validate_tree(params, "params", keep_float_dtype=True)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    epochs = check_int(epochs, "epochs", minimum=1)
    rng = check_rng(rng)
    lr_at = _learning_rates(lr, schedule)

    losses, lrs = [], []
    step = 0
    for epoch in range(epochs):
        for batch in minibatch_indices(workers.n_samples, batch_size=batch_size, rng=rng):
            shards = [s for s in shard_indices(batch, workers.n_workers) if len(s)]
            results = workers.gradients(params, shards)
            sizes = [len(s) for s in shards]
            loss = _weighted_mean([np.float64(loss_k) for loss_k, _ in results], sizes)
            grads = _weighted_mean([grads_k for _, grads_k in results], sizes)
            lrs.append(lr_at(step))
            _check_finite_step(loss, grads, step=step, epoch=epoch, lr=lrs[-1])
            losses.append(float(loss))
            params = gd_step(params, grads, lr=lrs[-1])
            step += 1
    return DataParallelRun(params, np.array(losses), np.array(lrs))


def _check_finite_step(loss, grads, *, step: int, epoch: int, lr: float) -> None:
    """Raise ``FloatingPointError`` when the batch loss or a gradient is NaN or infinite."""
    leaves = grads.values() if isinstance(grads, dict) else [grads]
    if np.isfinite(loss) and all(np.all(np.isfinite(leaf)) for leaf in leaves):
        return
    what = f"the batch loss is {float(loss)}" if not np.isfinite(loss) else "a gradient is not finite"
    raise FloatingPointError(
        f"data-parallel SGD diverged at step {step} (epoch {epoch}): {what}. "
        f"The learning rate {lr:g} is too large for this batch size; lower it."
    )
