r"""Losses and their gradients, written the way the formulas read.

Every ``*_loss`` (and the cross-entropies) returns the **mean** over the samples as a
Python ``float``. Every ``*_grad`` returns the gradient of that mean with respect to its
prediction or logit argument, an array of that argument's shape; the factor
:math:`1/n` of the mean is part of it.

Cross-entropies take **logits**, never probabilities: written in terms of the logits they
stay exact and finite for any real input, e.g. a logit of 1000 on the wrong side costs
exactly 1000. Nothing here overflows or emits a numpy ``RuntimeWarning`` for logits of
:math:`\pm 1000`.

Arrays keep a floating-point dtype: a gradient, softmax or sigmoid of float32 inputs is
float32 (as in torch); other inputs (integers, lists) are computed in float64.
"""

from __future__ import annotations

import numpy as np

from ._tree import tree_leaves, tree_map, validate_tree
from ._validation import (
    as_binary_labels,
    as_float_array,
    as_label_array,
    check_int,
    check_nonnegative,
    check_same_length,
    check_same_shape,
)

__all__ = [
    "mse_loss",
    "mse_loss_grad",
    "mae_loss",
    "mae_loss_grad",
    "log_sum_exp",
    "softmax",
    "log_softmax",
    "sigmoid",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "l2_penalty",
    "l2_penalty_grad",
    "one_hot",
]

_BINARY_HINT = "For multi-class labels use softmax_cross_entropy."


# --- validation shared by the functions of this module ---------------------------------------

def _check_regression_pair(y_true, y_pred):
    """Float arrays ``y_true`` and ``y_pred`` of the same shape, 1-D ``(n,)`` or 2-D ``(n, k)``."""
    y_true = as_float_array(y_true, "y_true", ndim=(1, 2), keep_float_dtype=True)
    y_pred = as_float_array(y_pred, "y_pred", ndim=(1, 2), keep_float_dtype=True)
    check_same_shape(y_true, "y_true", y_pred, "y_pred")
    return y_true.astype(y_pred.dtype, copy=False), y_pred


def _check_logits_array(z, name: str = "z"):
    """A float array with at least one dimension (the axis that the softmax runs over)."""
    z = as_float_array(z, name, keep_float_dtype=True)
    if z.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension; got a scalar. Use np.atleast_1d({name}).")
    return z


def _check_axis(axis, ndim: int, name: str = "z") -> int:
    axis = check_int(axis, "axis")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis={axis} is out of range for {name} with {ndim} dimension(s).")
    return axis


def _check_class_labels(labels, name: str, n_classes: int, source: str):
    """Raise unless every label is a class index in ``0..n_classes-1``; ``source`` says where K comes from."""
    bad = np.flatnonzero((labels < 0) | (labels >= n_classes))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"{name} must hold class indices 0..{n_classes - 1} (K = {n_classes} {source}); "
            f"got {labels[i]} at index {i}."
        )


def _check_binary_pair(y_true, logits):
    y = as_binary_labels(y_true, "y_true", hint=_BINARY_HINT)
    z = as_float_array(logits, "logits", ndim=1, keep_float_dtype=True)
    check_same_shape(y, "y_true", z, "logits")
    return y.astype(z.dtype, copy=False), z


def _check_multiclass_pair(y_true, logits):
    labels = as_label_array(y_true, "y_true")
    z = as_float_array(logits, "logits", ndim=2, keep_float_dtype=True)
    check_same_length(labels, "y_true", z, "logits")
    _check_class_labels(labels, "y_true", z.shape[1], "columns of logits")
    return labels, z


# --- regression losses -----------------------------------------------------------------------

def mse_loss(y_true, y_pred) -> float:
    r"""Mean squared error.

    .. math::
        L(y, \hat y) = \frac{1}{n}\sum_{i=1}^{n} (y_i - \hat y_i)^2

    For 2-D targets of shape ``(n, k)`` the mean runs over all :math:`n k` entries
    (as ``sklearn.metrics.mean_squared_error`` with its default ``multioutput``).

    Parameters
    ----------
    y_true : array_like, shape (n,) or (n, k)
        The targets :math:`y`.
    y_pred : array_like, same shape as ``y_true``
        The predictions :math:`\hat y`.

    Returns
    -------
    loss : float

    Examples
    --------
    >>> round(mse_loss([1.0, 2.0, 3.0], [1.0, 2.0, 5.0]), 4)   # (0 + 0 + 4) / 3
    1.3333
    """
    y_true, y_pred = _check_regression_pair(y_true, y_pred)
    n = y_true.size  # n samples, or n·k entries for 2-D targets
    squared_errors = (y_true - y_pred) ** 2
    return float(np.sum(squared_errors) / n)


def mse_loss_grad(y_true, y_pred) -> np.ndarray:
    r"""Gradient of :func:`mse_loss` with respect to the predictions.

    .. math::
        \frac{\partial L}{\partial \hat y} = \frac{2}{n}(\hat y - y)

    where :math:`n` counts all entries (:math:`n k` for 2-D targets), as in :func:`mse_loss`.

    Parameters
    ----------
    y_true : array_like, shape (n,) or (n, k)
    y_pred : array_like, same shape as ``y_true``

    Returns
    -------
    grad : ndarray, same shape as ``y_pred``

    Examples
    --------
    >>> print(np.round(mse_loss_grad([1.0, 2.0, 3.0], [1.0, 2.0, 5.0]), 4))
    [0.     0.     1.3333]
    """
    y_true, y_pred = _check_regression_pair(y_true, y_pred)
    n = y_true.size
    return (2.0 / n) * (y_pred - y_true)


def mae_loss(y_true, y_pred) -> float:
    r"""Mean absolute error.

    .. math::
        L(y, \hat y) = \frac{1}{n}\sum_{i=1}^{n} |y_i - \hat y_i|

    For 2-D targets of shape ``(n, k)`` the mean runs over all :math:`n k` entries.

    Parameters
    ----------
    y_true : array_like, shape (n,) or (n, k)
    y_pred : array_like, same shape as ``y_true``

    Returns
    -------
    loss : float

    Examples
    --------
    >>> mae_loss([1.0, 2.0, 3.0], [2.0, 2.0, 5.0])   # (1 + 0 + 2) / 3
    1.0
    """
    y_true, y_pred = _check_regression_pair(y_true, y_pred)
    n = y_true.size
    absolute_errors = np.abs(y_true - y_pred)
    return float(np.sum(absolute_errors) / n)


def mae_loss_grad(y_true, y_pred) -> np.ndarray:
    r"""A subgradient of :func:`mae_loss` with respect to the predictions.

    .. math::
        \frac{\partial L}{\partial \hat y} = \frac{1}{n}\operatorname{sign}(\hat y - y)

    :math:`|x|` has no derivative at :math:`x = 0`; at ties (:math:`\hat y_i = y_i`) the
    subgradient 0 is returned, which is what ``np.sign`` gives.

    Parameters
    ----------
    y_true : array_like, shape (n,) or (n, k)
    y_pred : array_like, same shape as ``y_true``

    Returns
    -------
    grad : ndarray, same shape as ``y_pred``

    Examples
    --------
    >>> print(np.round(mae_loss_grad([1.0, 2.0, 3.0], [2.0, 2.0, 0.0]), 4))
    [ 0.3333  0.     -0.3333]
    """
    y_true, y_pred = _check_regression_pair(y_true, y_pred)
    n = y_true.size
    return np.sign(y_pred - y_true) / n


# --- log-sum-exp, softmax, sigmoid -----------------------------------------------------------

def log_sum_exp(z, *, axis=-1):
    r"""The log of a sum of exponentials, computed without overflow.

    .. math::
        \operatorname{LSE}(z) = \log\sum_k e^{z_k} = m + \log\sum_k e^{z_k - m},
        \qquad m = \max_k z_k

    Subtracting the maximum first makes the largest exponent :math:`e^0 = 1`, so nothing
    overflows, and the sum is at least 1, so the log is finite.

    Parameters
    ----------
    z : array_like, at least 1-D
        The logits.
    axis : int
        The axis to sum over (the class axis; the last one by default).

    Returns
    -------
    lse : ndarray or float
        ``z``'s shape without ``axis``; a float when ``z`` is 1-D.

    Examples
    --------
    >>> round(log_sum_exp([1000.0, 1000.0]), 4)   # 1000 + log 2
    1000.6931
    >>> print(np.round(log_sum_exp([[0.0, 0.0], [1.0, -1.0]]), 4))
    [0.6931 1.1269]
    """
    z = _check_logits_array(z)
    axis = _check_axis(axis, z.ndim)
    m = np.max(z, axis=axis, keepdims=True)
    lse = m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
    lse = np.squeeze(lse, axis=axis)
    return float(lse) if lse.ndim == 0 else lse


def softmax(z, *, axis=-1) -> np.ndarray:
    r"""Softmax: turn logits into probabilities that sum to 1 along ``axis``.

    .. math::
        \operatorname{softmax}(z)_k = \frac{e^{z_k}}{\sum_j e^{z_j}}
                                    = \frac{e^{z_k - m}}{\sum_j e^{z_j - m}},
        \qquad m = \max_j z_j

    Parameters
    ----------
    z : array_like, at least 1-D
        The logits.
    axis : int
        The class axis (the last one by default).

    Returns
    -------
    p : ndarray, same shape as ``z``

    Examples
    --------
    >>> print(np.round(softmax([[1000.0, 1000.0, 0.0], [0.0, 0.0, 0.0]]), 4))
    [[0.5    0.5    0.    ]
     [0.3333 0.3333 0.3333]]
    """
    z = _check_logits_array(z)
    axis = _check_axis(axis, z.ndim)
    m = np.max(z, axis=axis, keepdims=True)
    exp_shifted = np.exp(z - m)
    return exp_shifted / np.sum(exp_shifted, axis=axis, keepdims=True)


def log_softmax(z, *, axis=-1) -> np.ndarray:
    r"""The log of the softmax, computed without forming the softmax.

    .. math::
        \log\operatorname{softmax}(z)_k = z_k - \operatorname{LSE}(z)

    Parameters
    ----------
    z : array_like, at least 1-D
        The logits.
    axis : int
        The class axis (the last one by default).

    Returns
    -------
    log_p : ndarray, same shape as ``z``
        Finite even where the softmax itself rounds to 0.

    Examples
    --------
    >>> print(np.round(log_softmax([1000.0, 0.0]), 4))
    [    0. -1000.]
    """
    z = _check_logits_array(z)
    axis = _check_axis(axis, z.ndim)
    m = np.max(z, axis=axis, keepdims=True)
    lse = m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
    return z - lse


def sigmoid(z):
    r"""The logistic function, stable for any real input.

    .. math::
        \sigma(z) = \frac{1}{1 + e^{-z}} =
        \begin{cases} \dfrac{1}{1 + e^{-|z|}} & z \ge 0 \\[1ex]
                      \dfrac{e^{-|z|}}{1 + e^{-|z|}} & z < 0 \end{cases}

    Only :math:`e^{-|z|} \le 1` is computed, so nothing overflows for :math:`z = -1000`.

    Parameters
    ----------
    z : float or array_like
        Any shape.

    Returns
    -------
    p : float or ndarray
        Same shape as ``z``; a float when ``z`` is a scalar.

    Examples
    --------
    >>> sigmoid(0.0)
    0.5
    >>> print(sigmoid(np.array([-1000.0, 1000.0])))
    [0. 1.]
    """
    z = as_float_array(z, "z", allow_empty=True, keep_float_dtype=True)
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return float(p) if p.ndim == 0 else p


# --- cross-entropies -------------------------------------------------------------------------

def binary_cross_entropy_with_logits(y_true, logits) -> float:
    r"""Mean binary cross-entropy, computed from logits.

    With :math:`p = \sigma(z)` the loss of one sample is
    :math:`-y\log p - (1-y)\log(1-p)`; rewritten in terms of :math:`z` it is

    .. math::
        \ell(y, z) = \max(z, 0) - z\,y + \log\left(1 + e^{-|z|}\right),
        \qquad L = \frac{1}{n}\sum_{i=1}^{n} \ell(y_i, z_i)

    which never exponentiates a positive number: exact and finite for :math:`|z| = 1000`
    (:math:`y = 0, z = 1000` costs exactly 1000).

    Parameters
    ----------
    y_true : array_like, shape (n,)
        Labels 0 or 1.
    logits : array_like, shape (n,)
        The logits :math:`z` (log-odds of class 1).

    Returns
    -------
    loss : float

    Examples
    --------
    >>> binary_cross_entropy_with_logits([0, 1], [1000.0, 1000.0])   # (1000 + 0) / 2
    500.0
    >>> round(binary_cross_entropy_with_logits([1], [0.0]), 4)        # log 2
    0.6931
    """
    y, z = _check_binary_pair(y_true, logits)
    n = y.size
    per_sample = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return float(np.sum(per_sample) / n)


def binary_cross_entropy_with_logits_grad(y_true, logits) -> np.ndarray:
    r"""Gradient of :func:`binary_cross_entropy_with_logits` with respect to the logits.

    .. math::
        \frac{\partial L}{\partial z_i} = \frac{1}{n}\left(\sigma(z_i) - y_i\right)

    Parameters
    ----------
    y_true : array_like, shape (n,)
        Labels 0 or 1.
    logits : array_like, shape (n,)

    Returns
    -------
    grad : ndarray, shape (n,)

    Examples
    --------
    >>> print(binary_cross_entropy_with_logits_grad([1, 0], [0.0, 1000.0]))
    [-0.25  0.5 ]
    """
    y, z = _check_binary_pair(y_true, logits)
    n = y.size
    return (sigmoid(z) - y) / n


def softmax_cross_entropy(y_true, logits) -> float:
    r"""Mean softmax cross-entropy (multinomial log loss), computed from logits.

    .. math::
        \ell(c, z) = -\log\operatorname{softmax}(z)_c = \operatorname{LSE}(z) - z_c,
        \qquad L = \frac{1}{n}\sum_{i=1}^{n} \ell(y_i, z_i)

    Parameters
    ----------
    y_true : array_like of int, shape (n,)
        Class indices in ``0..K-1``.
    logits : array_like, shape (n, K)
        One row of logits per sample.

    Returns
    -------
    loss : float

    Examples
    --------
    >>> round(softmax_cross_entropy([0, 2], [[0.0, 0.0, 0.0], [1000.0, 0.0, 0.0]]), 4)  # (log 3 + 1000) / 2
    500.5493
    """
    labels, z = _check_multiclass_pair(y_true, logits)
    n = labels.size
    logit_of_true_class = z[np.arange(n), labels]
    per_sample = log_sum_exp(z, axis=1) - logit_of_true_class
    return float(np.sum(per_sample) / n)


def softmax_cross_entropy_grad(y_true, logits) -> np.ndarray:
    r"""Gradient of :func:`softmax_cross_entropy` with respect to the logits.

    .. math::
        \frac{\partial L}{\partial z_{ik}} = \frac{1}{n}\left(\operatorname{softmax}(z_i)_k
        - [k = y_i]\right)

    Parameters
    ----------
    y_true : array_like of int, shape (n,)
        Class indices in ``0..K-1``.
    logits : array_like, shape (n, K)

    Returns
    -------
    grad : ndarray, shape (n, K)
        Each row sums to 0.

    Examples
    --------
    >>> print(np.round(softmax_cross_entropy_grad([0], [[0.0, 0.0]]), 4))
    [[-0.5  0.5]]
    """
    labels, z = _check_multiclass_pair(y_true, logits)
    n, n_classes = z.shape
    Y = one_hot(labels, n_classes).astype(z.dtype)
    return (softmax(z, axis=1) - Y) / n


# --- L2 penalty --------------------------------------------------------------------------------

def l2_penalty(params, *, lam) -> float:
    r"""The L2 penalty (weight decay term) of a set of parameters.

    .. math::
        R(w) = \frac{\lambda}{2}\sum_{\text{leaves}} \lVert w \rVert^2

    The factor :math:`\tfrac12` makes the gradient exactly :math:`\lambda w`
    (:func:`l2_penalty_grad`), so that with plain gradient descent the penalty shrinks
    the weights by :math:`\eta\lambda w` per step, the convention of ``weight_decay`` in
    torch.optim.SGD.

    Parameters
    ----------
    params : ndarray or dict of ndarray
        The parameters to penalize; every leaf counts. Pass only the weights to leave
        biases unpenalized.
    lam : float
        The penalty strength :math:`\lambda \ge 0`.

    Returns
    -------
    penalty : float

    Examples
    --------
    >>> l2_penalty({"W": np.array([3.0, 4.0]), "v": np.array([1.0])}, lam=0.1)   # 0.05 * 26
    1.3
    """
    params = validate_tree(params, "params")
    lam = check_nonnegative(lam, "lam")
    squared_norms = [np.sum(w ** 2) for w in tree_leaves(params)]
    return float(lam / 2 * np.sum(squared_norms))


def l2_penalty_grad(params, *, lam):
    r"""Gradient of :func:`l2_penalty`: :math:`\lambda w` for every leaf.

    .. math::
        \nabla_w R = \lambda w

    Parameters
    ----------
    params : ndarray or dict of ndarray
    lam : float
        The penalty strength :math:`\lambda \ge 0`.

    Returns
    -------
    grad : ndarray or dict of ndarray
        Same structure and shapes as ``params``.

    Examples
    --------
    >>> l2_penalty_grad({"W": np.array([3.0, 4.0])}, lam=0.5)
    {'W': array([1.5, 2. ])}
    """
    params = validate_tree(params, "params", keep_float_dtype=True)
    lam = check_nonnegative(lam, "lam")
    return tree_map(lambda w: lam * w, params)


# --- one-hot encoding --------------------------------------------------------------------------

def one_hot(labels, n_classes) -> np.ndarray:
    r"""One-hot encode class indices.

    .. math::
        Y_{ik} = [k = y_i]

    Parameters
    ----------
    labels : array_like of int, shape (n,)
        Class indices in ``0..n_classes-1``.
    n_classes : int
        The number of classes :math:`K \ge 1`.

    Returns
    -------
    Y : ndarray of float, shape (n, K)

    Examples
    --------
    >>> print(one_hot([2, 0], 3))
    [[0. 0. 1.]
     [1. 0. 0.]]
    """
    labels = as_label_array(labels, "labels", allow_empty=True)
    n_classes = check_int(n_classes, "n_classes", minimum=1)
    _check_class_labels(labels, "labels", n_classes, "from n_classes")
    Y = np.zeros((labels.size, n_classes))
    Y[np.arange(labels.size), labels] = 1.0
    return Y
