r"""Stochastic (mini-batch) gradient descent: epochs, gradient noise, and picking the learning rate.

One **epoch** permutes the :math:`n` samples with the generator it is given and cuts the
permutation into consecutive batches of :math:`B` (the last one smaller when :math:`B` does not
divide :math:`n`, :func:`~mlcourse_lib.data.minibatch_indices`); each batch gives one step along
the mean gradient of its samples. :math:`B = n` is (full-batch) gradient descent, :math:`B = 1`
is per-sample SGD, anything between is mini-batch SGD.

- :func:`logistic_sgd_epoch` and :func:`logistic_sgd`: one epoch, and many epochs with every
  step recorded, for logistic regression;
- :func:`minibatch_gradient_variance`: how noisy a batch gradient is, exactly;
- :func:`best_learning_rate`: the learning rate of a sweep with the lowest validation loss.

No function changes its inputs in place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from .._validation import as_float_array, check_int, check_positive, check_rng
from ..data.batches import minibatch_indices
from ..models.logistic import _check_binary_model, _check_binary_targets

__all__ = [
    "logistic_sgd_epoch",
    "SGDPath",
    "logistic_sgd",
    "minibatch_gradient_variance",
    "best_learning_rate",
]


# --- validation shared by the functions of this module ---------------------------------------

def _check_logistic_problem(X, y, w, b):
    X, w, b = _check_binary_model(X, w, b)
    y = _check_binary_targets(y, X).astype(X.dtype)
    if len(y) == 0:
        raise ValueError("X and y are empty; SGD needs at least one sample.")
    return X, y, w, b


def _sigmoid(z):
    """σ(z) = (1 + tanh(z/2)) / 2: :func:`~mlcourse_lib.losses.sigmoid` without its input checks.

    The SGD loops call it once per step, thousands of times, on arrays they have checked.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _batch_gradient(X, y, w, b):
    r"""Mean logistic-loss gradient over the rows of ``X``: :math:`\frac1m X^\top(\sigma(z) - y)`."""
    residual = _sigmoid(X @ w + b) - y         # σ(z) - y, one entry per sample
    return X.T @ residual / len(y), float(np.mean(residual))


def _learning_rates(lr, schedule):
    """``lr_at(k)``, the learning rate of step ``k``, from exactly one of ``lr`` and ``schedule``."""
    if (lr is None) == (schedule is None):
        raise TypeError(
            "pass exactly one of lr (a constant learning rate) and schedule (a function of the "
            "step number, e.g. make_schedule('cosine', lr=0.1, total_steps=100))."
        )
    if schedule is None:
        lr = check_positive(lr, "lr")
        return lambda k: lr
    if not callable(schedule):
        raise TypeError(
            f"schedule must be a function of the step number; got {type(schedule).__name__}. "
            "Use e.g. make_schedule('step', lr=0.1, step_size=30)."
        )

    def lr_at(k):
        lr_k = schedule(k)
        if not (np.isfinite(lr_k) and lr_k >= 0):
            raise ValueError(f"schedule returned lr={lr_k} for step {k}; expected a finite number >= 0.")
        return float(lr_k)

    return lr_at


# --- SGD for logistic regression ----------------------------------------------------------------

def logistic_sgd_epoch(X, y, w, b, *, lr, batch_size, rng):
    r"""One epoch of mini-batch SGD on the mean logistic loss; returns the new ``(w, b)``.

    The samples are permuted once, :math:`\pi` = ``rng.permutation(n)``, and cut into the
    consecutive batches :math:`\beta_j = \pi_{jB : \min((j+1)B,\, n)}` (the last one holds
    the :math:`n - B\lfloor n/B \rfloor` leftover samples when :math:`B` does not divide
    :math:`n`). For :math:`j = 0, 1, \dots, \lceil n/B \rceil - 1` in turn, with
    :math:`z = X_{\beta_j} w + b` and :math:`m = |\beta_j|`:

    .. math::
        g_w = \frac{1}{m} X_{\beta_j}^\top\left(\sigma(z) - y_{\beta_j}\right), \qquad
        g_b = \frac{1}{m}\sum_{i \in \beta_j} \left(\sigma(z_i) - y_i\right), \qquad
        w \leftarrow w - \eta\, g_w, \quad b \leftarrow b - \eta\, g_b

    Each step uses the parameters left by the previous one.

    Parameters
    ----------
    X : array_like, shape (n, d)
        The features.
    y : array_like, shape (n,)
        Labels 0 or 1.
    w : array_like, shape (d,)
        The weights at the start of the epoch (not changed).
    b : float
        The intercept at the start of the epoch.
    lr : float
        The learning rate :math:`\eta > 0`.
    batch_size : int
        :math:`B \ge 1`; :math:`B \ge n` makes one full-batch step.
    rng : np.random.Generator or int
        Draws the permutation: exactly one call of ``rng.permutation(n)``.

    Returns
    -------
    w : ndarray, shape (d,)
        The weights after the epoch (a new array).
    b : float
        The intercept after the epoch.

    Examples
    --------
    >>> X = np.array([[1.0], [-1.0], [2.0]])
    >>> w, b = logistic_sgd_epoch(X, [1, 0, 1], np.zeros(1), 0.0, lr=1.0, batch_size=3, rng=0)
    >>> print(np.round(w, 4), round(b, 4))   # one full-batch step: -(1/3) Xᵀ(0.5 - y), -(1/3) Σ(0.5 - y)
    [0.6667] 0.1667
    """
    X, y, w, b = _check_logistic_problem(X, y, w, b)
    lr = check_positive(lr, "lr")
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    rng = check_rng(rng)
    for batch in minibatch_indices(len(y), batch_size=batch_size, rng=rng):
        g_w, g_b = _batch_gradient(X[batch], y[batch], w, b)
        w = w - lr * g_w
        b = b - lr * g_b
    return w, float(b)


class SGDPath(NamedTuple):
    """The parameters of a run of :func:`logistic_sgd` after every step.

    Row ``k`` holds the parameters after ``k`` steps (row 0: the start), so
    ``w[::steps_per_epoch]`` are those at the end of each epoch.
    """

    w: np.ndarray
    b: np.ndarray
    steps_per_epoch: int


def logistic_sgd(X, y, w, b, *, batch_size, epochs, rng, lr=None, schedule=None, shuffle=True):
    r"""Mini-batch SGD on the mean logistic loss for several epochs, recording every step.

    Every epoch draws a new permutation from ``rng`` and makes the steps of
    :func:`logistic_sgd_epoch`, so that with ``shuffle=True`` and a constant ``lr`` the
    epochs are exactly successive calls of it with the same generator. Step :math:`k`
    (counted over all epochs, from 0) uses the learning rate ``schedule(k)``, or ``lr``.

    .. math::
        \theta_{k+1} = \theta_k - \eta_k\, \nabla L_{\beta(k)}(\theta_k), \qquad
        \theta = (w, b)

    with :math:`L_{\beta(k)}` the mean logistic loss over the samples of batch :math:`\beta(k)`.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
        Labels 0 or 1.
    w : array_like, shape (d,)
        The starting weights.
    b : float
        The starting intercept.
    batch_size : int
        :math:`B \ge 1`; ``batch_size >= n`` is full-batch gradient descent.
    epochs : int
        The number of passes over the data, ``>= 0``.
    rng : np.random.Generator or int
        Draws one permutation per epoch (unused with ``shuffle=False``, but still required,
        so that a run is always reproducible).
    lr : float, optional
        A constant learning rate :math:`\eta > 0`.
    schedule : callable, optional
        ``schedule(k) -> float``, the learning rate of step ``k``, e.g. from
        :func:`~mlcourse_lib.optim.make_schedule`. Pass exactly one of ``lr`` and ``schedule``.
    shuffle : bool, default=True
        Draw a new order every epoch; ``False`` takes the samples in their stored order,
        the same batches every epoch.

    Returns
    -------
    path : SGDPath
        ``path.w`` of shape ``(S * epochs + 1, d)`` and ``path.b`` of shape ``(S * epochs + 1,)``,
        with :math:`S = \lceil n/B \rceil` = ``path.steps_per_epoch``: row ``k`` after ``k`` steps.

    Examples
    --------
    >>> X = np.array([[1.0], [-1.0], [2.0], [-2.0], [0.5]])
    >>> path = logistic_sgd(X, [1, 0, 1, 0, 0], np.zeros(1), 0.0, lr=0.5, batch_size=2,
    ...                     epochs=3, rng=0)
    >>> path.steps_per_epoch, path.w.shape, path.b.shape
    (3, (10, 1), (10,))
    >>> w, b = logistic_sgd_epoch(X, [1, 0, 1, 0, 0], np.zeros(1), 0.0, lr=0.5, batch_size=2,
    ...                           rng=np.random.default_rng(0))
    >>> bool(np.allclose(path.w[3], w) and np.isclose(path.b[3], b))
    True
    """
    X, y, w, b = _check_logistic_problem(X, y, w, b)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    epochs = check_int(epochs, "epochs", minimum=0)
    rng = check_rng(rng)
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be True or False; got {type(shuffle).__name__} {shuffle!r}.")
    lr_at = _learning_rates(lr, schedule)

    n = len(y)
    steps_per_epoch = math.ceil(n / batch_size)
    n_steps = steps_per_epoch * epochs
    ws = np.empty((n_steps + 1, w.size), dtype=w.dtype)
    bs = np.empty(n_steps + 1)
    ws[0], bs[0] = w, b
    k = 0
    for _ in range(epochs):
        for batch in minibatch_indices(n, batch_size=batch_size, rng=rng, shuffle=bool(shuffle)):
            g_w, g_b = _batch_gradient(X[batch], y[batch], w, b)
            eta = lr_at(k)
            w = w - eta * g_w
            b = b - eta * g_b
            k += 1
            ws[k], bs[k] = w, b
    return SGDPath(w=ws, b=bs, steps_per_epoch=steps_per_epoch)


# --- gradient noise -------------------------------------------------------------------------------

def minibatch_gradient_variance(per_sample_grads, *, batch_size):
    r"""The variance of a mini-batch's mean gradient, for a batch drawn without replacement.

    With the per-sample gradients :math:`g_1, \dots, g_n`, their mean :math:`\bar g` (the
    full-batch gradient) and their spread

    .. math::
        \sigma^2 = \frac{1}{n}\sum_{i=1}^n \lVert g_i - \bar g \rVert^2,

    the mean :math:`\hat g_B` of a batch of :math:`B` distinct samples drawn uniformly at random
    (one batch of a shuffled epoch) is unbiased, :math:`E[\hat g_B] = \bar g`, and

    .. math::
        E\,\lVert \hat g_B - \bar g \rVert^2 = \frac{\sigma^2}{B}\cdot\frac{n - B}{n - 1}.

    Drawn with replacement it would be :math:`\sigma^2 / B`; the finite-population factor
    :math:`(n - B)/(n - 1)` makes it 1 sample from :math:`n`: :math:`\sigma^2` for
    :math:`B = 1`, and 0 for :math:`B = n`, the full batch.

    Parameters
    ----------
    per_sample_grads : array_like, shape (n,) or (n, p)
        Row :math:`i` is the gradient of sample :math:`i`'s loss; :math:`n \ge 2`.
    batch_size : int
        :math:`1 \le B \le n`.

    Returns
    -------
    variance : float
        :math:`E\lVert \hat g_B - \bar g \rVert^2`, the sum of the variances of the entries.

    Examples
    --------
    >>> grads = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 2.0], [0.0, -2.0]])   # σ² = 2.5
    >>> [round(minibatch_gradient_variance(grads, batch_size=B), 4) for B in (1, 2, 4)]
    [2.5, 0.8333, 0.0]
    """
    G = as_float_array(per_sample_grads, "per_sample_grads", ndim=(1, 2))
    if G.ndim == 1:
        G = G[:, None]
    n = G.shape[0]
    if n < 2:
        raise ValueError(f"per_sample_grads needs at least 2 samples (rows); got {n}.")
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if batch_size > n:
        raise ValueError(f"batch_size must be <= n = {n} (a batch without replacement); "
                         f"got batch_size={batch_size}.")
    spread = np.mean(np.sum((G - G.mean(axis=0)) ** 2, axis=1))        # σ²
    return float(spread / batch_size * (n - batch_size) / (n - 1))


# --- choosing the learning rate ----------------------------------------------------------------

def _validation_curve(history, index):
    if not isinstance(history, Mapping) and not hasattr(history, "__getitem__"):
        raise TypeError(f"histories[{index}] must be a dict (or History) with a 'val_loss' list; "
                        f"got {type(history).__name__}.")
    try:
        curve = history["val_loss"]
    except (KeyError, TypeError, IndexError):
        raise ValueError(f"histories[{index}] has no 'val_loss'; pass the histories of runs "
                         "trained with a validation set.") from None
    return as_float_array(curve, f"histories[{index}]['val_loss']", ndim=1, allow_empty=True,
                          allow_nonfinite=True)


def best_learning_rate(learning_rates, histories):
    r"""The learning rate of a sweep whose run reached the lowest validation loss.

    Run :math:`r` trained with ``learning_rates[r]`` and recorded its validation loss
    :math:`v_{r,e}` after every epoch :math:`e` in ``histories[r]["val_loss"]`` (its
    training loss ``"loss"`` plays no part). Each run is scored by its best epoch, the one
    that early stopping would keep, and NaN or infinite losses (a run that diverged) are
    left out:

    .. math::
        s_r = \min_{e:\ v_{r,e}\ \text{finite}} v_{r,e}, \qquad
        r^\star = \operatorname*{arg\,min}_{r:\ s_r\ \text{exists}} s_r

    A run without any finite validation loss is skipped; of equal scores the first run wins.

    Parameters
    ----------
    learning_rates : array_like, shape (m,)
        The learning rates tried, one per run, all > 0.
    histories : sequence of m dicts (or :class:`~mlcourse_lib.train.History`)
        ``histories[r]["val_loss"]``: the per-epoch validation losses of run ``r``.

    Returns
    -------
    lr : float
        ``learning_rates[r*]``.

    Raises
    ------
    ValueError
        If no run has a finite validation loss, or the lengths do not match.

    Examples
    --------
    >>> histories = [{"loss": [0.6, 0.5], "val_loss": [0.7, 0.6]},
    ...              {"loss": [0.4, 0.2], "val_loss": [0.45, 0.5]},     # best at epoch 0
    ...              {"loss": [3.0, float("nan")], "val_loss": [3.2, float("nan")]}]
    >>> best_learning_rate([0.01, 0.1, 1.0], histories)
    0.1
    """
    lrs = as_float_array(learning_rates, "learning_rates", ndim=1)
    if np.any(lrs <= 0):
        i = int(np.flatnonzero(lrs <= 0)[0])
        raise ValueError(f"learning rates must be > 0; got {lrs[i]} at index {i}.")
    if isinstance(histories, (str, bytes, Mapping)) or not hasattr(histories, "__len__"):
        raise TypeError("histories must be a list of dicts, one per learning rate; "
                        f"got {type(histories).__name__}.")
    if len(histories) != len(lrs):
        raise ValueError(f"histories has {len(histories)} runs, expected {len(lrs)} to match "
                         "learning_rates.")
    scores = np.full(len(lrs), np.inf)
    for r, history in enumerate(histories):
        curve = _validation_curve(history, r)
        finite = curve[np.isfinite(curve)]
        if finite.size:
            scores[r] = finite.min()                      # the run's best epoch
    if not np.any(np.isfinite(scores)):
        raise ValueError("no run has a finite validation loss: every learning rate diverged. "
                         "Try smaller learning rates.")
    return float(lrs[int(np.argmin(scores))])
