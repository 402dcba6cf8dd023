r"""Regression metrics: mean squared error, mean absolute error and :math:`R^2`.

Targets are 1-D of shape ``(n,)`` or 2-D of shape ``(n, k)`` (``k`` outputs); for
2-D targets each output is scored on its own and the ``k`` scores are averaged, as
``sklearn.metrics`` does with its default ``multioutput="uniform_average"``. The
numbers equal scikit-learn's.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._validation import as_float_array, check_same_shape
from .classification import UndefinedMetricWarning

__all__ = ["mean_squared_error", "mean_absolute_error", "r2_score"]


def _check_regression_pair(y_true, y_pred):
    """``y_true`` and ``y_pred`` of the same shape, as float arrays of shape (n, k)."""
    y_true = as_float_array(y_true, "y_true", ndim=(1, 2))
    y_pred = as_float_array(y_pred, "y_pred", ndim=(1, 2))
    check_same_shape(y_true, "y_true", y_pred, "y_pred")
    return y_true.reshape(len(y_true), -1), y_pred.reshape(len(y_pred), -1)


def mean_squared_error(y_true, y_pred) -> float:
    r"""Mean squared error.

    .. math::
        \mathrm{MSE}(y, \hat y) = \frac{1}{n}\sum_{i=1}^{n} (y_i - \hat y_i)^2

    Parameters
    ----------
    y_true : array_like, shape (n,) or (n, k)
        The targets :math:`y`.
    y_pred : array_like, same shape as ``y_true``
        The predictions :math:`\hat y`.

    Returns
    -------
    mse : float
        For 2-D targets, the mean over the :math:`k` outputs of their MSE.

    Examples
    --------
    >>> mean_squared_error([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])
    1.3333333333333333
    """
    y_true, y_pred = _check_regression_pair(y_true, y_pred)
    errors = np.mean((y_true - y_pred) ** 2, axis=0)
    return float(np.mean(errors))


def mean_absolute_error(y_true, y_pred) -> float:
    r"""Mean absolute error.

    .. math::
        \mathrm{MAE}(y, \hat y) = \frac{1}{n}\sum_{i=1}^{n} |y_i - \hat y_i|

    Parameters
    ----------
    y_true : array_like, shape (n,) or (n, k)
        The targets :math:`y`.
    y_pred : array_like, same shape as ``y_true``
        The predictions :math:`\hat y`.

    Returns
    -------
    mae : float
        For 2-D targets, the mean over the :math:`k` outputs of their MAE.

    Examples
    --------
    >>> mean_absolute_error([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])
    0.6666666666666666
    """
    y_true, y_pred = _check_regression_pair(y_true, y_pred)
    errors = np.mean(np.abs(y_pred - y_true), axis=0)
    return float(np.mean(errors))


def r2_score(y_true, y_pred) -> float:
    r"""The coefficient of determination :math:`R^2`.

    .. math::
        R^2 = 1 - \frac{\sum_i (y_i - \hat y_i)^2}{\sum_i (y_i - \bar y)^2},
        \qquad \bar y = \frac{1}{n}\sum_i y_i

    1 for perfect predictions, 0 for always predicting the mean :math:`\bar y`,
    negative for worse than that. For a constant ``y_true`` the fraction is 0/0 or
    :math:`x/0`; as scikit-learn (``force_finite=True``) the score is then 1.0 for
    perfect predictions and 0.0 otherwise.

    Parameters
    ----------
    y_true : array_like, shape (n,) or (n, k)
        The targets :math:`y`, with :math:`n \ge 2`.
    y_pred : array_like, same shape as ``y_true``
        The predictions :math:`\hat y`.

    Returns
    -------
    r2 : float
        For 2-D targets, the mean over the :math:`k` outputs of their :math:`R^2`.
        NaN (with an :class:`UndefinedMetricWarning`) for a single sample.

    Examples
    --------
    >>> r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])
    -1.0
    >>> r2_score([1.0, 2.0, 3.0], [2.0, 2.0, 2.0])
    0.0
    """
    y_true, y_pred = _check_regression_pair(y_true, y_pred)
    if len(y_true) < 2:
        warnings.warn("R^2 score is not well-defined with less than two samples.",
                      UndefinedMetricWarning, stacklevel=2)
        return float("nan")
    residual_sum_of_squares = np.sum((y_true - y_pred) ** 2, axis=0)
    total_sum_of_squares = np.sum((y_true - np.mean(y_true, axis=0)) ** 2, axis=0)

    scores = np.ones(y_true.shape[1])                    # 0/0: perfect predictions of a constant
    defined = (residual_sum_of_squares != 0) & (total_sum_of_squares != 0)
    scores[defined] = 1 - residual_sum_of_squares[defined] / total_sum_of_squares[defined]
    scores[(residual_sum_of_squares != 0) & (total_sum_of_squares == 0)] = 0.0   # x/0
    return float(np.mean(scores))
