r"""Logistic regression (two classes) and softmax regression (K classes).

Both are a linear map followed by a link: the logits :math:`z = Xw + b` (or :math:`XW + b`)
go through the sigmoid (or the softmax) to give probabilities, and the loss is the
cross-entropy computed from the logits (:mod:`mlcourse_lib.losses`).
"""

from __future__ import annotations

import numpy as np

from .._validation import as_binary_labels, as_float_array, as_label_array, check_same_length
from ..losses import (
    _check_class_labels,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    sigmoid,
    softmax,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)
from .linear import _check_design

__all__ = [
    "logistic_predict_proba",
    "logistic_loss",
    "logistic_gradient",
    "softmax_predict_proba",
    "softmax_regression_loss",
    "softmax_regression_gradient",
]


# --- validation shared by the functions of this module ---------------------------------------

def _check_binary_model(X, w, b):
    X = _check_design(X)
    w = as_float_array(w, "w", ndim=1, keep_float_dtype=True)
    if w.shape[0] != X.shape[1]:
        raise ValueError(
            f"w has shape {w.shape}, expected ({X.shape[1]},) to match the {X.shape[1]} columns of X."
        )
    if np.ndim(b) != 0:
        raise ValueError(f"b must be a single number (the intercept); got an array of shape {np.shape(b)}.")
    b = float(as_float_array(b, "b"))
    return X, w, b


def _check_binary_targets(y, X):
    y = as_binary_labels(y, "y", hint="For multi-class labels use softmax_regression_loss.")
    check_same_length(X, "X", y, "y")
    return y


def _check_softmax_model(X, W, b):
    X = _check_design(X)
    W = as_float_array(W, "W", ndim=2, keep_float_dtype=True)
    if W.shape[0] != X.shape[1]:
        raise ValueError(
            f"W has shape {W.shape}, expected ({X.shape[1]}, K) to match the {X.shape[1]} columns of X."
        )
    b = as_float_array(b, "b", ndim=1, keep_float_dtype=True)
    if b.shape[0] != W.shape[1]:
        raise ValueError(
            f"b has shape {b.shape}, expected ({W.shape[1]},) to match the {W.shape[1]} columns of W."
        )
    return X, W, b


def _check_class_targets(y, X, n_classes):
    y = as_label_array(y, "y")
    check_same_length(X, "X", y, "y")
    _check_class_labels(y, "y", n_classes, "columns of W")
    return y


# --- logistic regression ------------------------------------------------------------------------

def logistic_predict_proba(X, w, b) -> np.ndarray:
    r"""Probability of class 1 under a logistic regression model.

    .. math::
        p = \sigma(Xw + b)

    Parameters
    ----------
    X : array_like, shape (n, d)
    w : array_like, shape (d,)
        The weights.
    b : float
        The intercept.

    Returns
    -------
    p : ndarray, shape (n,)

    Examples
    --------
    >>> print(logistic_predict_proba([[0.0], [1000.0]], [1.0], 0.0))
    [0.5 1. ]
    """
    X, w, b = _check_binary_model(X, w, b)
    logits = X @ w + b
    return sigmoid(logits)


def logistic_loss(X, y, w, b) -> float:
    r"""Mean binary cross-entropy of a logistic regression model.

    .. math::
        L(w, b) = \frac{1}{n}\sum_{i=1}^n \ell(y_i, z_i), \qquad z = Xw + b

    with :math:`\ell` the per-sample loss of
    :func:`~mlcourse_lib.losses.binary_cross_entropy_with_logits`, computed from the
    logits, so it stays exact for any weights.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
        Labels 0 or 1.
    w : array_like, shape (d,)
    b : float

    Returns
    -------
    loss : float

    Examples
    --------
    >>> round(logistic_loss([[1.0], [-1.0]], [1, 0], [0.0], 0.0), 4)   # log 2
    0.6931
    """
    X, w, b = _check_binary_model(X, w, b)
    y = _check_binary_targets(y, X)
    logits = X @ w + b
    return binary_cross_entropy_with_logits(y, logits)


def logistic_gradient(X, y, w, b):
    r"""Gradient of :func:`logistic_loss` with respect to :math:`w` and :math:`b`.

    .. math::
        \nabla_w L = \frac{1}{n} X^\top(\sigma(z) - y), \qquad
        \frac{\partial L}{\partial b} = \frac{1}{n}\sum_{i=1}^n (\sigma(z_i) - y_i),
        \qquad z = Xw + b

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
        Labels 0 or 1.
    w : array_like, shape (d,)
    b : float

    Returns
    -------
    dw : ndarray, shape (d,)
    db : float

    Examples
    --------
    >>> dw, db = logistic_gradient([[1.0], [-1.0]], [1, 1], [0.0], 0.0)
    >>> print(dw, db)      # σ(0) - 1 = -0.5 for both samples
    [0.] -0.5
    """
    X, w, b = _check_binary_model(X, w, b)
    y = _check_binary_targets(y, X)
    logits = X @ w + b
    dlogits = binary_cross_entropy_with_logits_grad(y, logits)   # (σ(z) - y) / n
    dw = X.T @ dlogits
    db = float(np.sum(dlogits))
    return dw, db


# --- softmax regression ---------------------------------------------------------------------------

def softmax_predict_proba(X, W, b) -> np.ndarray:
    r"""Class probabilities under a softmax regression model.

    .. math::
        P = \operatorname{softmax}(XW + b) \quad\text{row by row}

    Parameters
    ----------
    X : array_like, shape (n, d)
    W : array_like, shape (d, K)
        One column of weights per class.
    b : array_like, shape (K,)
        One intercept per class.

    Returns
    -------
    P : ndarray, shape (n, K)
        Rows sum to 1.

    Examples
    --------
    >>> print(np.round(softmax_predict_proba([[1.0]], [[0.0, 0.0]], [0.0, np.log(3.0)]), 4))
    [[0.25 0.75]]
    """
    X, W, b = _check_softmax_model(X, W, b)
    logits = X @ W + b
    return softmax(logits, axis=1)


def softmax_regression_loss(X, y, W, b) -> float:
    r"""Mean softmax cross-entropy of a softmax regression model.

    .. math::
        L(W, b) = \frac{1}{n}\sum_{i=1}^n \left(\operatorname{LSE}(z_i) - z_{i, y_i}\right),
        \qquad Z = XW + b

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like of int, shape (n,)
        Class indices in ``0..K-1``.
    W : array_like, shape (d, K)
    b : array_like, shape (K,)

    Returns
    -------
    loss : float

    Examples
    --------
    >>> round(softmax_regression_loss([[1.0], [2.0]], [0, 2], np.zeros((1, 3)), np.zeros(3)), 4)  # log 3
    1.0986
    """
    X, W, b = _check_softmax_model(X, W, b)
    y = _check_class_targets(y, X, W.shape[1])
    logits = X @ W + b
    return softmax_cross_entropy(y, logits)


def softmax_regression_gradient(X, y, W, b):
    r"""Gradient of :func:`softmax_regression_loss` with respect to :math:`W` and :math:`b`.

    .. math::
        G = \frac{1}{n}\left(\operatorname{softmax}(XW + b) - Y\right), \qquad
        \nabla_W L = X^\top G, \qquad \nabla_b L = \sum_{i=1}^n G_{i\cdot}

    with :math:`Y` the one-hot encoding of :math:`y`.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like of int, shape (n,)
    W : array_like, shape (d, K)
    b : array_like, shape (K,)

    Returns
    -------
    dW : ndarray, shape (d, K)
    db : ndarray, shape (K,)

    Examples
    --------
    >>> dW, db = softmax_regression_gradient([[1.0]], [0], [[0.0, 0.0]], [0.0, 0.0])
    >>> print(dW, db)
    [[-0.5  0.5]] [-0.5  0.5]
    """
    X, W, b = _check_softmax_model(X, W, b)
    y = _check_class_targets(y, X, W.shape[1])
    logits = X @ W + b
    G = softmax_cross_entropy_grad(y, logits)   # (softmax(Z) - Y) / n
    dW = X.T @ G
    db = np.sum(G, axis=0)
    return dW, db
