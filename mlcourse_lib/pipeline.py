r"""A classifier from end to end: standardize, train a small MLP with Adam, predict.

Every piece comes from an earlier part of the library; this module puts them in order::

    standardizer = fit_standardizer(X_train)            # training statistics only
    Z_train, Z_new = standardizer.transform(X_train), standardizer.transform(X_new)
    params = init_mlp([d, H, K], rng=rng)               # He initialization
    params, history = fit(params, mlp_loss_and_grad, Z_train, y_train,
                          optimizer=Adam(params, lr=lr), epochs=E, batch_size=B, rng=rng,
                          X_val=Z_val, y_val=y_val, callbacks=[EarlyStopping(patience)])
    y_pred = mlp_predict(params, Z_new)                 # argmax of the logits

- :func:`fit_mlp_classifier` trains and returns an :class:`MLPClassifier` (the standardizer
  and the network's parameters, which predict together) and the training :class:`~mlcourse_lib.train.History`;
- :func:`train_and_predict` trains for a fixed number of epochs and predicts new samples;
- :func:`sample_config` draws one configuration of a random search (learning rate and L2
  strength log-uniformly, the hidden width from a list);
- :func:`course_digits` and :func:`held_out_digits` split scikit-learn's 1797 bundled digits,
  once and for all, into the 1400 that the course works with and 397 kept for grading.

Every random function takes an explicit ``rng`` (a ``np.random.Generator`` or an integer seed).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._validation import (
    as_float_array,
    as_label_array,
    check_int,
    check_nonnegative,
    check_positive,
    check_rng,
    check_same_length,
)
from .data.datasets import Dataset, load_dataset
from .data.preprocessing import Standardizer, fit_standardizer
from .models.mlp import init_mlp, mlp_forward, mlp_loss_and_grad, mlp_predict

__all__ = ["N_COURSE_DIGITS", "course_digits", "held_out_digits", "MLPClassifier",
           "fit_mlp_classifier", "train_and_predict", "sample_config"]


# --- the digits, split once ----------------------------------------------------------------------

N_COURSE_DIGITS = 1400
"""How many of the 1797 digits :func:`course_digits` returns; the other 397 are held out."""

_PARTITION_SEED = 1797


def _digits_partition(n_samples: int):
    """``(course_rows, held_out_rows)``: a fixed random permutation of the rows, cut after 1400."""
    order = np.random.default_rng(_PARTITION_SEED).permutation(n_samples)
    return np.sort(order[:N_COURSE_DIGITS]), np.sort(order[N_COURSE_DIGITS:])


def _digits_rows(part: int) -> Dataset:
    digits = load_dataset("digits")
    rows = _digits_partition(len(digits.y))[part]
    return digits._replace(X=digits.X[rows], y=digits.y[rows])


def course_digits() -> Dataset:
    """The 1400 digits the course works with: features and labels.

    scikit-learn's bundled digits (1797 images of 8 × 8 pixels with values 0..16, no download)
    are split once, by a fixed random permutation, into these 1400 and the 397 of
    :func:`held_out_digits`. The held-out digits grade a trained classifier on data that
    played no part in building it, so a notebook never uses their labels.

    Returns
    -------
    digits : Dataset
        ``X`` float64 (1400, 64), ``y`` int64 (1400,) with labels 0..9, in the original order
        of the rows; ``feature_names``, ``target_names`` and ``description`` as in
        :func:`~mlcourse_lib.data.load_dataset`.

    Examples
    --------
    >>> digits = course_digits()
    >>> digits.X.shape, digits.y.shape, sorted(set(digits.y.tolist())) == list(range(10))
    ((1400, 64), (1400,), True)
    """
    return _digits_rows(0)


def held_out_digits() -> Dataset:
    """The 397 digits kept out of the course, for grading (see :func:`course_digits`).

    Returns
    -------
    digits : Dataset
        ``X`` float64 (397, 64) and ``y`` int64 (397,), disjoint from :func:`course_digits`.
    """
    return _digits_rows(1)


# --- the trained pipeline --------------------------------------------------------------------------

class MLPClassifier(NamedTuple):
    r"""A trained classifier: the standardizer and the MLP's parameters, used together.

    .. math::
        z = \frac{x - \mu}{s}, \qquad \hat y = \arg\max_k\ \mathrm{MLP}_\theta(z)_k

    Attributes
    ----------
    standardizer : Standardizer
        The training set's means :math:`\mu` and scales :math:`s`.
    params : dict of ndarray
        ``{"W1", "b1", ..., "WL", "bL"}`` of the network (see :func:`~mlcourse_lib.models.init_mlp`).
    activation : str
        ``"relu"`` or ``"tanh"``.
    """

    standardizer: Standardizer
    params: dict
    activation: str = "relu"

    def logits(self, X) -> np.ndarray:
        """The logits of the raw samples ``X`` (n, d): standardized first, then the MLP; shape (n, K)."""
        Z = self.standardizer.transform(as_float_array(X, "X", ndim=2))
        return mlp_forward(self.params, Z, activation=self.activation)[0]

    def predict(self, X) -> np.ndarray:
        """The predicted labels of the raw samples ``X`` (n, d): the largest logit's index; shape (n,)."""
        Z = self.standardizer.transform(as_float_array(X, "X", ndim=2))
        return mlp_predict(self.params, Z, activation=self.activation)


def _check_labels(y_train, X_train):
    y = as_label_array(y_train, "y_train")
    check_same_length(X_train, "X_train", y, "y_train")
    if np.any(y < 0):
        i = int(np.flatnonzero(y < 0)[0])
        raise ValueError(f"y_train must hold class indices 0..K-1; got {y[i]} at index {i}.")
    return y


def fit_mlp_classifier(X_train, y_train, *, hidden_units, lr, epochs, batch_size, rng, l2=0.0,
                       X_val=None, y_val=None, patience=None, monitor="val_loss", progress=False):
    r"""Standardize, then train an MLP with one hidden ReLU layer by Adam on mini-batches.

    1. :math:`\mu, s` = :func:`~mlcourse_lib.data.fit_standardizer` of ``X_train``; every set
       is standardized with them, :math:`z = (x - \mu)/s`.
    2. :math:`\theta_0` = :func:`~mlcourse_lib.models.init_mlp` ``([d, H, K], rng=rng)`` with
       :math:`K = \max_i y_i + 1` classes (He initialization, zero biases).
    3. :func:`~mlcourse_lib.train.fit` minimizes the mean softmax cross-entropy plus
       :math:`\frac{\lambda}{2}\sum_l \lVert W_l\rVert^2`
       (:func:`~mlcourse_lib.models.mlp_loss_and_grad`) with
       :func:`~mlcourse_lib.optim.Adam`, a new order of the samples every epoch.
    4. With ``patience``, an :class:`~mlcourse_lib.train.EarlyStopping` callback watches
       ``monitor`` and restores the parameters of its best epoch.

    Parameters
    ----------
    X_train : array_like, shape (n, d)
        The raw training features.
    y_train : array_like of int, shape (n,)
        Class indices 0..K-1.
    hidden_units : int
        The width :math:`H` of the hidden layer.
    lr : float
        Adam's learning rate (:math:`\beta_1 = 0.9`, :math:`\beta_2 = 0.999`, :math:`\epsilon = 10^{-8}`).
    epochs : int
        The largest number of passes over the training set.
    batch_size : int
        The mini-batch size :math:`B`.
    rng : numpy.random.Generator or int
        Draws the initial weights, then the order of every epoch.
    l2 : float, default=0.0
        The penalty strength :math:`\lambda \ge 0` on the weights (not the biases).
    X_val, y_val : array_like, optional
        A validation set in raw units (standardized here with the training statistics);
        adds ``val_loss`` and ``val_accuracy`` to the history.
    patience : int, optional
        Stop after this many epochs without improvement of ``monitor`` and restore the best
        epoch's parameters; ``None`` trains all ``epochs``.
    monitor : {"val_loss", "loss"}, default="val_loss"
        The curve early stopping watches. ``"loss"``, the training loss, is there to show why
        it is the wrong one.
    progress : {"auto", "text", True, False, None}, default=False
        A tqdm progress bar over the epochs, as in :func:`~mlcourse_lib.train.fit`.

    Returns
    -------
    model : MLPClassifier
        The standardizer and the trained parameters; ``model.predict(X)`` takes raw features.
    history : History
        ``loss``, ``accuracy`` (and ``val_loss``, ``val_accuracy``) per epoch, ``best_epoch``
        and ``stopped_early``.

    Examples
    --------
    >>> digits = course_digits()
    >>> model, history = fit_mlp_classifier(digits.X[:1000], digits.y[:1000], hidden_units=32,
    ...                                     lr=0.02, epochs=5, batch_size=100, rng=0)
    >>> history.epochs, model.params["W1"].shape
    (5, (64, 32))
    >>> bool(np.mean(model.predict(digits.X[1000:]) == digits.y[1000:]) > 0.9)
    True
    """
    from . import optim
    from .train import EarlyStopping, fit

    X_train = as_float_array(X_train, "X_train", ndim=2)
    y_train = _check_labels(y_train, X_train)
    hidden_units = check_int(hidden_units, "hidden_units", minimum=1)
    lr = check_positive(lr, "lr")
    l2 = check_nonnegative(l2, "l2")
    if (X_val is None) != (y_val is None):
        raise ValueError("pass both X_val and y_val for a validation set, or neither.")
    if monitor not in ("val_loss", "loss"):
        raise ValueError(f"monitor must be 'val_loss' or 'loss'; got monitor={monitor!r}.")
    if patience is not None and monitor == "val_loss" and X_val is None:
        raise ValueError("early stopping on 'val_loss' needs a validation set: pass X_val and y_val.")
    rng = check_rng(rng)

    standardizer = fit_standardizer(X_train)
    Z_train = standardizer.transform(X_train, name="X_train")
    Z_val = None if X_val is None else standardizer.transform(as_float_array(X_val, "X_val", ndim=2),
                                                              name="X_val")
    n_classes = int(y_train.max()) + 1
    params = init_mlp([X_train.shape[1], hidden_units, n_classes], rng=rng)

    def loss_and_grad(params, X, y):
        return mlp_loss_and_grad(params, X, y, l2=l2)

    def accuracy(params, X, y):
        return float(np.mean(mlp_predict(params, X) == y))

    callbacks = [] if patience is None else [EarlyStopping(patience=patience, monitor=monitor)]
    params, history = fit(params, loss_and_grad, Z_train, y_train, optimizer=optim.Adam(params, lr=lr),
                          epochs=epochs, batch_size=batch_size, rng=rng, X_val=Z_val, y_val=y_val,
                          metrics={"accuracy": accuracy}, callbacks=callbacks, progress=progress)
    return MLPClassifier(standardizer, params), history


def train_and_predict(X_train, y_train, X_new, *, hidden_units, lr, epochs, batch_size, rng):
    r"""Train the pipeline of :func:`fit_mlp_classifier` for ``epochs`` epochs, then predict ``X_new``.

    .. math::
        \hat y_j = \arg\max_k\ \mathrm{MLP}_\theta\!\left(\frac{x^{\text{new}}_j - \mu}{s}\right)_k

    with :math:`\mu, s` the training set's statistics and :math:`\theta` trained by Adam
    (no L2 penalty, no early stopping). ``rng`` is used as the exercise's contract asks:
    ``rng.normal`` for the first, then the second weight matrix, then one
    ``rng.permutation(n)`` per epoch.

    Parameters
    ----------
    X_train : array_like, shape (n, d)
    y_train : array_like of int, shape (n,)
        Class indices 0..K-1 with :math:`K = \max_i y_i + 1`.
    X_new : array_like, shape (m, d)
        New samples in the units of ``X_train``.
    hidden_units, lr, epochs, batch_size, rng
        As in :func:`fit_mlp_classifier`.

    Returns
    -------
    y_pred : ndarray of int64, shape (m,)

    Examples
    --------
    >>> digits = course_digits()
    >>> y_pred = train_and_predict(digits.X[:1000], digits.y[:1000], digits.X[1000:],
    ...                            hidden_units=32, lr=0.02, epochs=5, batch_size=100, rng=0)
    >>> y_pred.shape, bool(np.mean(y_pred == digits.y[1000:]) > 0.9)
    ((400,), True)
    """
    model, _ = fit_mlp_classifier(X_train, y_train, hidden_units=hidden_units, lr=lr, epochs=epochs,
                                  batch_size=batch_size, rng=rng)
    return model.predict(as_float_array(X_new, "X_new", ndim=2)).astype(np.int64)


# --- random search --------------------------------------------------------------------------------

def _check_range(bounds, name: str):
    try:
        low, high = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair (low, high) of numbers; got {bounds!r}.") from None
    if not 0 < low < high:
        raise ValueError(f"{name} must satisfy 0 < low < high; got {name}=({low:g}, {high:g}).")
    return low, high


def sample_config(rng, *, lr_range=(1e-3, 1e-1), hidden_choices=(16, 32, 64), l2_range=(1e-6, 1e-2)):
    r"""One configuration of a random search: two rates drawn log-uniformly, a width from a list.

    .. math::
        \text{lr} = e^{u_1},\ u_1 \sim U[\ln \ell_{lr}, \ln h_{lr}), \qquad
        H = \text{hidden\_choices}[j],\ j \sim U\{0, \dots, m - 1\}, \qquad
        \lambda = e^{u_2},\ u_2 \sim U[\ln \ell_{\lambda}, \ln h_{\lambda})

    drawn in this order by ``rng.uniform``, ``rng.integers(m)`` and ``rng.uniform``, so
    the same Generator state gives the same configuration. The learning rate and the
    penalty act by their order of magnitude, so each decade of their range gets the same
    share of the draws; the width is one of a few sizes.

    Parameters
    ----------
    rng : numpy.random.Generator or int
    lr_range : (float, float), default=(1e-3, 1e-1)
        :math:`0 < \ell_{lr} < h_{lr}`.
    hidden_choices : sequence of int, default=(16, 32, 64)
        The :math:`m \ge 1` widths to choose from.
    l2_range : (float, float), default=(1e-6, 1e-2)
        :math:`0 < \ell_{\lambda} < h_{\lambda}`.

    Returns
    -------
    config : dict
        ``{"lr": float, "hidden_units": int, "l2": float}``.

    Examples
    --------
    >>> config = sample_config(np.random.default_rng(0))
    >>> sorted(config), config["hidden_units"] in (16, 32, 64), 1e-3 <= config["lr"] < 1e-1
    (['hidden_units', 'l2', 'lr'], True, True)
    """
    rng = check_rng(rng)
    lr_low, lr_high = _check_range(lr_range, "lr_range")
    l2_low, l2_high = _check_range(l2_range, "l2_range")
    choices = [check_int(h, f"hidden_choices[{i}]", minimum=1) for i, h in enumerate(hidden_choices)]
    if not choices:
        raise ValueError("hidden_choices must hold at least one width; got an empty sequence.")

    lr = math.exp(rng.uniform(math.log(lr_low), math.log(lr_high)))
    hidden_units = choices[int(rng.integers(len(choices)))]
    l2 = math.exp(rng.uniform(math.log(l2_low), math.log(l2_high)))
    return {"lr": float(lr), "hidden_units": int(hidden_units), "l2": float(l2)}
