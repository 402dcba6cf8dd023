r"""A mini-batch training loop with a history, callbacks and early stopping.

:func:`fit` runs the loop that every chapter writes by hand::

    for epoch in range(epochs):
        for batch in minibatch_indices(n, batch_size=B, rng=rng):   # a new order every epoch
            loss, grads = loss_and_grad(params, X[batch], y[batch])
            params = optimizer.step(grads)
        history["loss"].append(<sample-weighted mean of the batch losses>)
        history["val_loss"].append(loss_and_grad(params, X_val, y_val)[0])

and records what happened in a :class:`History`. Callbacks see every epoch and may
stop training; :class:`EarlyStopping` stops when the validation loss has not
improved for ``patience`` epochs and gives back the best parameters.

Epochs are numbered from 0, so ``history["loss"][k]`` belongs to epoch ``k``.
When the loss, a gradient or the parameters stop being finite (NaN or infinity),
:func:`fit` stops at once with a :class:`DivergedError` that names the epoch and step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._tree import check_same_tree, tree_map, validate_tree
from ._validation import (
    as_float_array,
    check_choice,
    check_int,
    check_nonnegative,
    check_rng,
    check_same_length,
)

__all__ = ["History", "TrainState", "Callback", "EarlyStopping", "early_stopping_decision",
           "DivergedError", "fit"]


def _copy_params(params):
    """A deep copy of an array or a dict of arrays."""
    return tree_map(lambda leaf: np.array(leaf, copy=True), params)


@dataclass
class History:
    """What :func:`fit` recorded, one value per epoch for each metric.

    ``history["loss"]`` is the list of training losses, ``history["val_loss"]`` that of
    validation losses (when a validation set was given), and every extra metric
    ``name`` has ``history[name]`` and ``history["val_" + name]``.

    Attributes
    ----------
    metrics : dict of str to list of float
        The per-epoch values; ``history[name]`` is ``history.metrics[name]``.
    best_epoch : int or None
        The (0-based) epoch with the best monitored value: the one :class:`EarlyStopping`
        chose, otherwise the smallest ``val_loss`` (or ``loss`` without validation set).
    stopped_early : bool
        Whether a callback stopped training before ``epochs`` epochs.

    Examples
    --------
    >>> history = History()
    >>> history.append({"loss": 0.9, "val_loss": 1.0})
    >>> history.append({"loss": 0.5, "val_loss": 0.7})
    >>> history.epochs, history["val_loss"], list(history)
    (2, [1.0, 0.7], ['loss', 'val_loss'])
    """

    metrics: dict = field(default_factory=dict)
    best_epoch: int | None = None
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        """The number of epochs recorded."""
        return len(self.metrics.get("loss", []))

    def append(self, logs: dict) -> None:
        """Record one epoch: ``logs`` maps each metric name to its value."""
        for name, value in logs.items():
            self.metrics.setdefault(name, []).append(float(value))

    def __getitem__(self, name: str) -> list:
        try:
            return self.metrics[name]
        except KeyError:
            raise KeyError(f"history has no metric {name!r}; it has {list(self.metrics)}.") from None

    def __contains__(self, name) -> bool:
        return name in self.metrics

    def __iter__(self):
        return iter(self.metrics)

    def __len__(self) -> int:
        return len(self.metrics)

    def keys(self):
        return self.metrics.keys()

    def items(self):
        return self.metrics.items()


@dataclass
class TrainState:
    """What a callback can read and change during :func:`fit`.

    Attributes
    ----------
    params : ndarray or dict of ndarray
        The current parameters. A callback may replace them in ``on_train_end``;
        :func:`fit` returns ``state.params``.
    history : History
        The history so far, including the epoch just finished.
    epoch : int
        The current (0-based) epoch.
    """

    params: object
    history: History
    epoch: int = 0


class Callback:
    """Base class of callbacks: three hooks that do nothing.

    :func:`fit` calls ``on_train_begin(state)`` once, ``on_epoch_end(epoch, logs, state)``
    after every epoch, and ``on_train_end(state)`` once. ``logs`` is the dict of that
    epoch's metrics (``{"loss": ..., "val_loss": ..., ...}``) and ``state`` a
    :class:`TrainState`. When ``on_epoch_end`` returns ``"stop"``, training stops
    after this epoch (the other callbacks still see it); any other return value than
    ``None`` is an error.

    Any object with these methods works; subclass :class:`Callback` to write only the
    hooks you need.

    Examples
    --------
    >>> class PrintLoss(Callback):
    ...     def on_epoch_end(self, epoch, logs, state):
    ...         print(f"epoch {epoch}: loss {logs['loss']:.3f}")
    """

    def on_train_begin(self, state: TrainState) -> None:
        """Called once before the first epoch."""

    def on_epoch_end(self, epoch: int, logs: dict, state: TrainState):
        """Called after each epoch; return ``"stop"`` to stop training."""
        return None

    def on_train_end(self, state: TrainState) -> None:
        """Called once after the last epoch."""


class EarlyStopping(Callback):
    r"""Stop when the monitored metric has not improved for ``patience`` epochs.

    An epoch improves on the best value :math:`b` so far when its value :math:`v` satisfies

    .. math::
        v < b - \delta \quad (\text{mode} = \text{"min"}), \qquad
        v > b + \delta \quad (\text{mode} = \text{"max"})

    with :math:`\delta` = ``min_delta``. After ``patience`` epochs in a row without
    improvement, training stops. A NaN value never improves.

    Parameters
    ----------
    patience : int, default=5
        The number of epochs without improvement to wait, ``>= 0``.
    min_delta : float, default=0.0
        The smallest change that counts as an improvement, ``>= 0``.
    monitor : str, default="val_loss"
        The metric to watch, a key of the epoch's logs.
    mode : {"min", "max"}, default="min"
        Whether smaller or larger values are better.
    restore_best : bool, default=True
        At the end of training, replace the parameters by a copy of those of the best
        epoch (whether training stopped early or not).

    Attributes
    ----------
    best : float
        The best monitored value seen.
    best_epoch : int or None
        Its (0-based) epoch.
    stopped_epoch : int or None
        The epoch after which training was stopped, or None.

    Examples
    --------
    >>> stopper = EarlyStopping(patience=2)
    >>> state = TrainState(params=np.zeros(1), history=History())
    >>> stopper.on_train_begin(state)
    >>> [stopper.on_epoch_end(k, {"val_loss": v}, state) for k, v in enumerate([3.0, 2.0, 2.5, 2.1])]
    [None, None, None, 'stop']
    >>> stopper.best_epoch, stopper.best
    (1, 2.0)
    """

    def __init__(self, patience=5, min_delta=0.0, monitor="val_loss", mode="min", restore_best=True):
        self.patience = check_int(patience, "patience", minimum=0)
        self.min_delta = check_nonnegative(min_delta, "min_delta")
        if not isinstance(monitor, str):
            raise TypeError(f"monitor must be a metric name such as 'val_loss'; got {monitor!r}.")
        self.monitor = monitor
        self.mode = check_choice(mode, "mode", ("min", "max"))
        if not isinstance(restore_best, (bool, np.bool_)):
            raise TypeError(f"restore_best must be True or False; got {restore_best!r}.")
        self.restore_best = bool(restore_best)
        self._reset()

    def _improves(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def _reset(self) -> None:
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = None
        self.best_params = None
        self.stopped_epoch = None
        self._epochs_without_improvement = 0

    def on_train_begin(self, state) -> None:
        self._reset()

    def on_epoch_end(self, epoch, logs, state):
        if self.monitor not in logs:
            hint = (" Pass X_val and y_val to fit, or use monitor='loss'."
                    if self.monitor.startswith("val_") else "")
            raise ValueError(
                f"EarlyStopping monitors {self.monitor!r}, but the logs have only "
                f"{sorted(logs)}.{hint}"
            )
        value = float(logs[self.monitor])
        if self._improves(value):
            self.best = value
            self.best_epoch = epoch
            self._epochs_without_improvement = 0
            if self.restore_best:
                self.best_params = _copy_params(state.params)
            return None
        self._epochs_without_improvement += 1
        if self._epochs_without_improvement >= self.patience:
            self.stopped_epoch = epoch
            return "stop"
        return None

    def on_train_end(self, state) -> None:
        if self.best_epoch is not None:
            state.history.best_epoch = self.best_epoch
        if self.restore_best and self.best_params is not None:
            state.params = _copy_params(self.best_params)

    def __repr__(self) -> str:
        return (f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
                f"monitor={self.monitor!r}, mode={self.mode!r}, restore_best={self.restore_best})")


def early_stopping_decision(val_losses, *, patience, min_delta=0.0):
    r"""When :class:`EarlyStopping` stops, and which epoch it restores, for a list of validation losses.

    Epochs are numbered from 0. The best loss so far starts at :math:`b = +\infty`; epoch
    :math:`k` **improves** when

    .. math::
        v_k < b - \delta

    (strictly: a tie is no improvement; :math:`\delta` = ``min_delta``), and then
    :math:`b \leftarrow v_k` and the best epoch becomes :math:`k`. Training stops after the
    first epoch :math:`k` at which ``patience`` epochs in a row have passed without
    improvement, counted since the best epoch: :math:`k - k_{\text{best}} = \text{patience}`.
    If that never happens, training runs through the last epoch. A NaN loss never improves
    (epochs before the first improvement count from the start).

    This is the rule of :class:`EarlyStopping` with ``mode="min"``, replayed on a finished
    list of losses.

    Parameters
    ----------
    val_losses : array_like, shape (n_epochs,)
        The validation loss after each epoch, at least one.
    patience : int
        The number of epochs without improvement to wait, ``>= 0``.
    min_delta : float, default=0.0
        The smallest decrease that counts as an improvement, ``>= 0``.

    Returns
    -------
    stop_epoch : int
        The last epoch trained: where training stops, or ``n_epochs - 1``.
    best_epoch : int or None
        The epoch whose parameters are restored: the last improvement up to ``stop_epoch``
        (never a later epoch, which was not trained); None if no epoch improved (all NaN).

    Examples
    --------
    >>> early_stopping_decision([3.0, 2.0, 2.5, 2.0, 2.1, 1.0], patience=3)
    (4, 1)
    >>> early_stopping_decision([3.0, 2.0, 2.5, 1.5], patience=3)
    (3, 3)
    """
    values = as_float_array(val_losses, "val_losses", ndim=1, allow_nonfinite=True)
    patience = check_int(patience, "patience", minimum=0)
    min_delta = check_nonnegative(min_delta, "min_delta")
    best, best_epoch, waited = math.inf, None, 0
    for epoch, value in enumerate(values):
        if value < best - min_delta:
            best, best_epoch, waited = float(value), epoch, 0
        else:
            waited += 1                    # epochs since the best one
            if waited >= patience:
                return epoch, best_epoch
    return len(values) - 1, best_epoch


# --- fit -------------------------------------------------------------------------------------

class DivergedError(FloatingPointError):
    """Training diverged: the loss, a gradient or the parameters became NaN or infinite.

    Raised by :func:`fit` at the step where it happened. ``history`` holds the epochs
    finished before it, ``params`` the last parameters that were finite.
    """

    def __init__(self, message: str, *, history=None, params=None):
        super().__init__(message)
        self.history = history
        self.params = params


def _first_nonfinite(tree):
    """``(where, value)`` of the first NaN or infinite entry of a tree, or None."""
    leaves = tree.items() if isinstance(tree, dict) else [(None, tree)]
    for key, leaf in leaves:
        leaf = np.asarray(leaf)
        bad = np.flatnonzero(~np.isfinite(leaf))
        if bad.size:
            index = np.unravel_index(int(bad[0]), leaf.shape)
            where = "" if key is None else f"[{key!r}]"
            return f"{where}{list(map(int, index)) if leaf.ndim else ''}", leaf[index]
    return None


def _divergence_message(what: str, *, epoch: int, step: int, n_steps: int, optimizer) -> str:
    if epoch == 0 and step == 0 and "parameters" not in what:
        return (
            f"{what} at epoch 0, step 1, before any update; fit stopped. Check loss_and_grad "
            "and the data at the starting parameters (log of 0, division by 0, NaN in X or y)."
        )
    lr = getattr(optimizer, "lr", None)
    if isinstance(lr, float):
        advice = f"try a smaller learning rate than lr={lr:g}, e.g. lr={lr / 10:g}"
    else:
        advice = "try a smaller learning rate, e.g. 10 times smaller"
    return (
        f"training diverged: {what} at epoch {epoch}, step {step + 1} of {n_steps}; fit stopped. "
        f"The steps are probably too large: {advice}. (DivergedError.history holds the "
        "finished epochs.)"
    )


def _check_finite(kind: str, value, *, params, history, **where) -> None:
    """Raise :class:`DivergedError` unless ``value`` (the loss, grads or new params) is finite."""
    found = _first_nonfinite(value)
    if found is not None:
        index, bad = found
        what = f"the {kind}{index} became {bad}"
        raise DivergedError(_divergence_message(what, **where), history=history,
                            params=_copy_params(params))


def _make_update(optimizer, params):
    """``update(params, grads) -> new params`` from an optimizer object or a step function."""
    step = getattr(optimizer, "step", None)
    if callable(step):
        if hasattr(optimizer, "params") and not _same_params(optimizer.params, params):
            raise ValueError(
                "params differ from optimizer.params: fit starts from params, but optimizer.step "
                "updates the optimizer's own copy. Create the optimizer from the same params, "
                "e.g. optimizer=optim.SGD(params, lr=0.1)."
            )

        def update(params, grads):
            new_params = step(grads)
            if new_params is None and hasattr(optimizer, "params"):
                new_params = optimizer.params
            return new_params
        return update
    if callable(optimizer):
        return optimizer
    raise TypeError(
        "optimizer must be an object with a step(grads) method (e.g. optim.SGD(params, lr=0.1)) "
        f"or a function step(params, grads) -> params; got {type(optimizer).__name__}."
    )


def _same_params(a, b) -> bool:
    """Whether two parameter trees have the same keys, shapes and values."""
    if isinstance(a, dict) != isinstance(b, dict):
        return False
    if isinstance(a, dict):
        return set(a) == set(b) and all(np.array_equal(a[k], b[k]) for k in a)
    return np.array_equal(a, b)


def _check_loss_and_grad_result(result, params):
    if not (isinstance(result, tuple) and len(result) == 2):
        raise TypeError(
            "loss_and_grad must return a pair (loss, grads); got "
            f"{type(result).__name__}."
        )
    loss, grads = result
    check_same_tree(params, "params", grads, "grads")
    return float(loss), grads


def _check_data(X, y, X_name, y_name):
    X, y = np.asarray(X), np.asarray(y)
    for name, a in ((X_name, X), (y_name, y)):
        if a.ndim == 0:
            raise ValueError(f"{name} must have one row per sample; got a scalar {a!r}.")
    check_same_length(X, X_name, y, y_name)
    if len(X) == 0:
        raise ValueError(f"{X_name} is empty (shape {X.shape}); expected at least one row.")
    return X, y


def _check_metrics(metrics):
    if metrics is None:
        return {}
    if not isinstance(metrics, dict):
        raise TypeError(
            "metrics must be a dict of name -> function(params, X, y); "
            f"got {type(metrics).__name__}."
        )
    for name, fn in metrics.items():
        if not isinstance(name, str) or name == "loss" or name.startswith("val_"):
            raise ValueError(
                f"metric names must be strings other than 'loss' and not start with 'val_'; got {name!r}."
            )
        if not callable(fn):
            raise TypeError(f"metrics[{name!r}] must be a function(params, X, y); got {type(fn).__name__}.")
    return dict(metrics)


def _progress_bar(progress, epochs):
    """A tqdm bar over the epochs, or None for ``progress`` False/None."""
    if progress is None or progress is False:
        return None
    if isinstance(progress, str) and progress == "auto":
        from tqdm.auto import tqdm
    elif progress is True or (isinstance(progress, str) and progress == "text"):
        from tqdm.std import tqdm
    else:
        raise ValueError(f"progress must be 'auto', 'text', True, False or None; got progress={progress!r}.")
    return tqdm(total=epochs, desc="fit", unit="epoch")


def _best_epoch(history: History):
    """The epoch of the smallest validation loss (or training loss); None if all are NaN."""
    values = np.asarray(history["val_loss"] if "val_loss" in history else history["loss"])
    if values.size == 0 or np.all(np.isnan(values)):
        return None
    return int(np.nanargmin(values))


def fit(params, loss_and_grad, X, y, *, optimizer, epochs, batch_size=None, rng=None,
        X_val=None, y_val=None, metrics=None, callbacks=(), progress="auto"):
    r"""Train ``params`` by mini-batch gradient descent and record the losses of every epoch.

    Each epoch permutes the :math:`n` samples (a new order every epoch), cuts them into
    batches :math:`b_1, \dots, b_m` of ``batch_size`` and takes one optimizer step per batch:

    .. math::
        (L_j, g_j) = \text{loss\_and\_grad}(\theta, X_{b_j}, y_{b_j}), \qquad
        \theta \leftarrow \text{step}(\theta, g_j)

    The epoch's training loss is the sample-weighted mean of the batch losses, each
    taken before its step:

    .. math::
        L_{\text{epoch}} = \frac{1}{n}\sum_{j=1}^{m} |b_j|\, L_j

    After the epoch the validation loss :math:`\text{loss\_and\_grad}(\theta, X_{val}, y_{val})`
    (its gradient unused) and the metrics are computed at the new :math:`\theta`.

    Parameters
    ----------
    params : ndarray or dict of ndarray
        The starting parameters :math:`\theta_0` (copied; never changed in place).
    loss_and_grad : callable
        ``loss_and_grad(params, X_batch, y_batch) -> (loss, grads)``: the mean loss on the
        batch and its gradient, with the structure and shapes of ``params``.
    X : array_like, shape (n, ...)
        The training inputs.
    y : array_like, shape (n, ...)
        The training targets, one row per row of ``X``.
    optimizer : object with ``step(grads)``, or callable
        Either an optimizer object, e.g. ``optim.SGD(params, lr=0.1)``, whose
        ``step(grads)`` returns the new parameters (it keeps its own copy, which must start
        equal to ``params``; if ``step`` returns None its ``.params`` are used), or a
        function ``step(params, grads) -> new_params``, e.g.
        ``lambda p, g: optim.gd_step(p, g, lr=0.1)``.
    epochs : int
        The number of passes over the data, ``>= 1``.
    batch_size : int, optional
        The batch size :math:`B`; ``None`` uses all :math:`n` samples in one batch
        (full-batch gradient descent, no shuffling).
    rng : np.random.Generator or int, optional
        Shuffles the samples every epoch; required when ``batch_size`` is given.
    X_val, y_val : array_like, optional
        A validation set (both or neither); adds ``"val_loss"`` and ``"val_<name>"`` to the history.
    metrics : dict of str to callable, optional
        ``name -> fn(params, X, y) -> float``, evaluated on the training set (``name``)
        and on the validation set (``"val_" + name``) after every epoch.
    callbacks : sequence of Callback, default=()
        Objects with ``on_train_begin``, ``on_epoch_end`` and ``on_train_end`` (see
        :class:`Callback`), e.g. :class:`EarlyStopping`.
    progress : {"auto", "text", True, False, None}, default="auto"
        ``"auto"`` shows a tqdm bar (a widget in Jupyter, text in a terminal), ``True`` or
        ``"text"`` a text bar, ``False`` or ``None`` nothing. The bar shows the latest
        ``loss`` and ``val_loss``.

    Raises
    ------
    DivergedError
        When a batch loss, a gradient or the updated parameters become NaN or infinite:
        training stops at that step, and the message names the epoch and step and
        suggests a smaller learning rate (a ``FloatingPointError``; its ``history``
        holds the finished epochs and its ``params`` the last finite parameters).

    Returns
    -------
    params : ndarray or dict of ndarray
        The trained parameters: those of the last epoch, or of the best epoch when an
        :class:`EarlyStopping` callback has ``restore_best=True`` (an optimizer object's
        own ``.params`` then stay those of the last epoch).
    history : History
        The per-epoch ``loss`` (and ``val_loss`` and metrics), ``best_epoch`` and ``stopped_early``.

    Examples
    --------
    Fit :math:`y = 2x` with the mean squared error:

    >>> X = np.linspace(-1, 1, 20).reshape(-1, 1)
    >>> y = 2 * X[:, 0]
    >>> def loss_and_grad(w, X, y):
    ...     residual = X @ w - y
    ...     return float(np.mean(residual ** 2)), 2 * X.T @ residual / len(y)
    >>> w, history = fit(np.zeros(1), loss_and_grad, X, y, optimizer=lambda w, g: w - 0.5 * g,
    ...                  epochs=50, batch_size=5, rng=0, progress=False)
    >>> print(np.round(w, 3), history.epochs, history["loss"][-1] < 1e-6)
    [2.] 50 True
    """
    params = validate_tree(params, "params", keep_float_dtype=True)  # float32 in, float32 out
    if not callable(loss_and_grad):
        raise TypeError(
            "loss_and_grad must be a function(params, X_batch, y_batch) -> (loss, grads); "
            f"got {type(loss_and_grad).__name__}."
        )
    X, y = _check_data(X, y, "X", "y")
    if (X_val is None) != (y_val is None):
        raise ValueError("pass both X_val and y_val for a validation set, or neither.")
    has_val = X_val is not None
    if has_val:
        X_val, y_val = _check_data(X_val, y_val, "X_val", "y_val")
    epochs = check_int(epochs, "epochs", minimum=1)
    n = len(X)
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        if rng is None:
            raise TypeError(
                f"fit with batch_size={batch_size} shuffles the samples every epoch and needs rng; "
                "pass rng=np.random.default_rng(0) (or an integer seed)."
            )
        rng = check_rng(rng)
    metrics = _check_metrics(metrics)
    callbacks = list(callbacks)
    update = _make_update(optimizer, params)

    from .data.batches import minibatch_indices

    history = History()
    state = TrainState(params=params, history=history)
    bar = _progress_bar(progress, epochs)
    try:
        for callback in callbacks:
            if hasattr(callback, "on_train_begin"):
                callback.on_train_begin(state)
        for epoch in range(epochs):
            state.epoch = epoch
            if batch_size is None:
                batches = [np.arange(n)]
            else:
                batches = minibatch_indices(n, batch_size=batch_size, rng=rng, shuffle=True)

            weighted_loss_sum = 0.0
            for step, batch in enumerate(batches):
                where = {"epoch": epoch, "step": step, "n_steps": len(batches), "optimizer": optimizer}
                loss, grads = _check_loss_and_grad_result(loss_and_grad(params, X[batch], y[batch]), params)
                _check_finite("loss", np.float64(loss), params=params, history=history, **where)
                _check_finite("gradient", grads, params=params, history=history, **where)
                weighted_loss_sum += len(batch) * loss
                new_params = update(params, grads)
                _check_finite("parameters", new_params, params=params, history=history, **where)
                params = new_params
            state.params = params

            logs = {"loss": weighted_loss_sum / n}
            for name, fn in metrics.items():
                logs[name] = float(fn(params, X, y))
            if has_val:
                logs["val_loss"] = _check_loss_and_grad_result(
                    loss_and_grad(params, X_val, y_val), params)[0]
                for name, fn in metrics.items():
                    logs["val_" + name] = float(fn(params, X_val, y_val))
            history.append(logs)

            if bar is not None:
                bar.set_postfix({k: f"{logs[k]:.4g}" for k in ("loss", "val_loss") if k in logs})
                bar.update(1)

            stop = False
            for callback in callbacks:
                answer = None
                if hasattr(callback, "on_epoch_end"):
                    answer = callback.on_epoch_end(epoch, logs, state)
                if answer is not None and not (isinstance(answer, str) and answer == "stop"):
                    raise ValueError(
                        f"{type(callback).__name__}.on_epoch_end returned {answer!r}; "
                        "expected None or 'stop'."
                    )
                stop = stop or answer == "stop"
            if stop:
                history.stopped_early = epoch < epochs - 1
                break

        history.best_epoch = _best_epoch(history)
        for callback in callbacks:
            if hasattr(callback, "on_train_end"):
                callback.on_train_end(state)
    finally:
        if bar is not None:
            bar.close()
    return state.params, history
