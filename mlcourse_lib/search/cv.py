r"""k-fold cross-validation with the preprocessing fitted inside each fold.

Everything that is *learned from data* belongs to the model and is fitted on the training folds
only: the standardizer's means and scales, a choice of features, an imputation value. Fitted on
all the data, it has seen the validation fold, and the validation score is optimistic (a
*leak*). :func:`cv_score` refits the standardizer in every fold; :func:`cross_val_scores` leaves
every step to ``fit_fn``, so a whole pipeline (say, feature selection then least squares) is
refitted per fold; :func:`top_correlated_features` is a selection step to put in such a pipeline.
"""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_int, check_rng, check_same_length
from ..data import fit_standardizer, kfold_indices

__all__ = ["cross_val_scores", "cv_score", "top_correlated_features"]


def _check_cv_inputs(X, y, fit_fn, score_fn):
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    check_same_length(X, "X", y, "y")
    for fn, name, call in ((fit_fn, "fit_fn", "fit_fn(X_train, y_train) -> model"),
                           (score_fn, "score_fn", "score_fn(model, X_val, y_val) -> float")):
        if not callable(fn):
            raise TypeError(f"{name} must be a function {call}; got {type(fn).__name__}.")
    return X, y


def _fold_score(score_fn, model, X_val, y_val, j) -> float:
    score = score_fn(model, X_val, y_val)
    try:
        return float(score)
    except (TypeError, ValueError):
        raise TypeError(f"score_fn must return a number; got {type(score).__name__} "
                        f"on fold {j}.") from None


def cross_val_scores(X, y, fit_fn, score_fn, *, n_folds=5, rng, standardize=True) -> np.ndarray:
    r"""The validation score of each fold of k-fold cross-validation.

    For each split :math:`(T_j, V_j)` of :func:`~mlcourse_lib.data.kfold_indices`:

    .. math::
        \mu_j, s_j = \text{statistics of } X_{T_j}, \qquad
        m_j = \text{fit\_fn}\Big(\frac{X_{T_j} - \mu_j}{s_j},\ y_{T_j}\Big), \qquad
        S_j = \text{score\_fn}\Big(m_j,\ \frac{X_{V_j} - \mu_j}{s_j},\ y_{V_j}\Big)

    Parameters
    ----------
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    fit_fn : callable
        ``fit_fn(X_train, y_train) -> model``; fits everything that is learned from data.
    score_fn : callable
        ``score_fn(model, X_val, y_val) -> float``, larger is better.
    n_folds : int, default=5
        The number of folds :math:`k \ge 2`.
    rng : np.random.Generator or int
        Shuffles the samples before they are cut into folds
        (``kfold_indices(n, n_folds=k, rng=rng)``).
    standardize : bool, default=True
        Fit a standardizer on each training fold (:func:`~mlcourse_lib.data.fit_standardizer`)
        and apply it to both folds; with ``False``, ``fit_fn`` sees the raw features.

    Returns
    -------
    scores : ndarray of shape (n_folds,)
        :math:`S_1, \dots, S_k`, in fold order.

    Examples
    --------
    >>> X = np.arange(12.0).reshape(6, 2)
    >>> y = X[:, 0] - X[:, 1]                       # always -1
    >>> fit = lambda X_train, y_train: float(y_train.mean())
    >>> score = lambda model, X_val, y_val: -float(np.mean((y_val - model) ** 2))
    >>> cross_val_scores(X, y, fit, score, n_folds=3, rng=0)
    array([-0., -0., -0.])
    """
    X, y = _check_cv_inputs(X, y, fit_fn, score_fn)
    if not isinstance(standardize, (bool, np.bool_)):
        raise TypeError(f"standardize must be True or False; got {type(standardize).__name__}.")
    folds = kfold_indices(len(y), n_folds=n_folds, rng=check_rng(rng))
    scores = []
    for j, (train_idx, val_idx) in enumerate(folds):
        X_train, X_val = X[train_idx], X[val_idx]
        if standardize:
            standardizer = fit_standardizer(X_train)            # the training fold only
            X_train = standardizer.transform(X_train)
            X_val = standardizer.transform(X_val)
        model = fit_fn(X_train, y[train_idx])
        scores.append(_fold_score(score_fn, model, X_val, y[val_idx], j))
    return np.array(scores)


def cv_score(X, y, fit_fn, score_fn, *, n_folds=5, rng) -> float:
    r"""The k-fold cross-validation score, with the standardizer refitted on each training fold.

    .. math::
        \text{CV} = \frac{1}{k}\sum_{j=1}^{k} S_j

    where :math:`S_j` is the score on validation fold :math:`j` of a model fitted on the other
    folds, both standardized with the statistics of the training folds only (see
    :func:`cross_val_scores`). The folds come from
    ``data.kfold_indices(len(y), n_folds=n_folds, rng=rng)``. The mean is the plain mean of
    the :math:`k` fold scores, as ``cross_val_score(...).mean()`` in scikit-learn, even when
    the folds differ in size by one.

    Parameters
    ----------
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    fit_fn : callable
        ``fit_fn(X_train, y_train) -> model``.
    score_fn : callable
        ``score_fn(model, X_val, y_val) -> float``, larger is better.
    n_folds : int, default=5
        :math:`k \ge 2`.
    rng : np.random.Generator or int
        Shuffles the samples before they are cut into folds.

    Returns
    -------
    score : float

    Examples
    --------
    >>> X = np.array([[1.0], [2.0], [3.0], [4.0], [5.0], [6.0]])
    >>> y = 2 * X[:, 0]
    >>> fit = lambda X_train, y_train: np.linalg.lstsq(
    ...     np.column_stack([X_train, np.ones(len(X_train))]), y_train, rcond=None)[0]
    >>> score = lambda w, X_val, y_val: -float(np.mean((X_val[:, 0] * w[0] + w[1] - y_val) ** 2))
    >>> abs(cv_score(X, y, fit, score, n_folds=3, rng=0)) < 1e-12     # a perfect fit in every fold
    True
    """
    scores = cross_val_scores(X, y, fit_fn, score_fn, n_folds=n_folds, rng=rng, standardize=True)
    return float(np.mean(scores))


def top_correlated_features(X, y, *, k) -> np.ndarray:
    r"""The ``k`` features most correlated with the target (a feature-selection step).

    .. math::
        r_j = \frac{\sum_i (x_{ij} - \bar x_j)(y_i - \bar y)}
                   {\sqrt{\sum_i (x_{ij} - \bar x_j)^2}\ \sqrt{\sum_i (y_i - \bar y)^2}},
        \qquad \text{keep the } k \text{ largest } |r_j|

    It *learns from the targets*, so inside cross-validation it must be fitted on the training
    folds only. A constant feature has :math:`r_j = 0`.

    Parameters
    ----------
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    k : int
        The number of features to keep, :math:`1 \le k \le d`.

    Returns
    -------
    columns : ndarray of shape (k,)
        int64 column indices, the most correlated first (ties: the smaller index first).

    Examples
    --------
    >>> X = np.array([[1.0, 5.0, 0.0], [2.0, 3.0, 1.0], [3.0, 4.0, 0.0], [4.0, 1.0, 1.0]])
    >>> top_correlated_features(X, [1.0, 2.0, 3.0, 4.0], k=2)
    array([0, 1])
    """
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    check_same_length(X, "X", y, "y")
    k = check_int(k, "k", minimum=1)
    if k > X.shape[1]:
        raise ValueError(f"k must be <= the number of features; got k={k} for {X.shape[1]} features.")
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    norms = np.sqrt(np.sum(Xc ** 2, axis=0)) * np.sqrt(np.sum(yc ** 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(norms > 0, Xc.T @ yc / norms, 0.0)
    return np.argsort(-np.abs(r), kind="stable")[:k].astype(np.int64)
