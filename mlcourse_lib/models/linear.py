r"""Linear regression: predictions, the mean squared error and its gradient, the closed-form
least-squares solution and the smoothness constant that bounds the step of gradient descent.

The model is :math:`\hat y = X\theta` with ``X`` of shape ``(n, d)`` and :math:`\theta` of
shape ``(d,)``; an intercept is one more column of ones (:func:`add_bias_column`).
Float arrays keep their dtype: float32 data and parameters give float32 results.
"""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_nonnegative, check_same_length

__all__ = [
    "linear_predict",
    "linear_regression_loss",
    "linear_regression_gradient",
    "least_squares",
    "mse_smoothness_constant",
    "add_bias_column",
]


# --- validation shared by the functions of this module ---------------------------------------

def _check_design(X):
    return as_float_array(X, "X", ndim=2, keep_float_dtype=True)


def _check_theta(theta, X):
    theta = as_float_array(theta, "theta", ndim=1, keep_float_dtype=True)
    if theta.shape[0] != X.shape[1]:
        raise ValueError(
            f"theta has shape {theta.shape}, expected ({X.shape[1]},) to match the "
            f"{X.shape[1]} columns of X."
        )
    return theta


def _check_targets(y, X):
    y = as_float_array(y, "y", ndim=1, keep_float_dtype=True)
    check_same_length(X, "X", y, "y")
    return y


# --- the model, its loss and gradient ----------------------------------------------------------

def linear_predict(X, theta) -> np.ndarray:
    r"""Predictions of a linear model.

    .. math::
        \hat y = X\theta

    Parameters
    ----------
    X : array_like, shape (n, d)
        The design matrix, one sample per row.
    theta : array_like, shape (d,)
        The weights.

    Returns
    -------
    y_pred : ndarray, shape (n,)

    Examples
    --------
    >>> print(linear_predict([[1.0, 2.0], [3.0, 4.0]], [1.0, -1.0]))
    [-1. -1.]
    """
    X = _check_design(X)
    theta = _check_theta(theta, X)
    return X @ theta


def linear_regression_loss(X, y, theta) -> float:
    r"""The mean squared error of a linear model.

    .. math::
        L(\theta) = \frac{1}{n}\lVert y - X\theta\rVert^2

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
        The targets.
    theta : array_like, shape (d,)

    Returns
    -------
    loss : float

    Examples
    --------
    >>> linear_regression_loss([[1.0], [2.0]], [2.0, 4.0], [1.0])   # ((2-1)² + (4-2)²) / 2
    2.5
    """
    X = _check_design(X)
    y = _check_targets(y, X)
    theta = _check_theta(theta, X)
    n = X.shape[0]
    residual = y - X @ theta
    return float(residual @ residual / n)


def linear_regression_gradient(X, y, theta) -> np.ndarray:
    r"""Gradient of :func:`linear_regression_loss` with respect to :math:`\theta`.

    .. math::
        \nabla L(\theta) = -\frac{2}{n} X^\top (y - X\theta)

    Mind the sign: the inner derivative of the residual :math:`y - X\theta` is
    :math:`-X`. The gradient points **uphill**, towards larger loss; gradient descent
    steps along :math:`-\nabla L`. Written with the opposite residual it reads
    :math:`\frac{2}{n}X^\top(X\theta - y)`, the same vector.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    theta : array_like, shape (d,)

    Returns
    -------
    grad : ndarray, shape (d,)

    Examples
    --------
    >>> print(linear_regression_gradient([[1.0], [2.0]], [2.0, 4.0], [1.0]))   # -(2/2)(1·1 + 2·2)
    [-5.]
    """
    X = _check_design(X)
    y = _check_targets(y, X)
    theta = _check_theta(theta, X)
    n = X.shape[0]
    residual = y - X @ theta
    return -(2.0 / n) * X.T @ residual


# --- closed form and smoothness ------------------------------------------------------------------

def least_squares(X, y, *, l2=0.0) -> np.ndarray:
    r"""The minimizer of the (ridge-penalized) mean squared error, in closed form.

    .. math::
        \theta^\star = \arg\min_\theta\ \frac{1}{n}\lVert y - X\theta\rVert^2 + \lambda\lVert\theta\rVert^2

    Setting the gradient :math:`-\frac{2}{n}X^\top(y - X\theta) + 2\lambda\theta` to zero gives
    the normal equations

    .. math::
        (X^\top X + n\lambda I)\,\theta^\star = X^\top y

    With ``l2=0`` they are solved by ``np.linalg.lstsq``, which also handles a
    rank-deficient ``X`` (more features than samples, duplicated columns): it returns
    the minimizer of smallest norm. With ``l2 > 0`` the matrix is positive definite and
    ``np.linalg.solve`` is used. The penalty is scaled per sample (the :math:`n\lambda`),
    so ``l2`` keeps its meaning when the data set grows; scikit-learn's
    ``Ridge(alpha=n * l2, fit_intercept=False)`` gives the same :math:`\theta^\star`.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    l2 : float
        The penalty strength :math:`\lambda \ge 0`.

    Returns
    -------
    theta : ndarray, shape (d,)

    Examples
    --------
    >>> X = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    >>> print(np.round(least_squares(X, [1.0, 2.0, 3.0]), 4))
    [1. 2.]
    >>> print(np.round(least_squares([[1.0], [1.0]], [2.0, 2.0], l2=1.0), 4))   # 2·2 / (2 + 2·1)
    [1.]
    """
    X = _check_design(X)
    y = _check_targets(y, X)
    l2 = check_nonnegative(l2, "l2")
    n, d = X.shape
    if l2 == 0:
        theta, *_ = np.linalg.lstsq(X, y, rcond=None)
        return theta
    return np.linalg.solve(X.T @ X + n * l2 * np.eye(d), X.T @ y)


def mse_smoothness_constant(X) -> float:
    r"""The smoothness constant :math:`L` of :func:`linear_regression_loss`.

    The Hessian of :math:`\frac{1}{n}\lVert y - X\theta\rVert^2` is the constant matrix
    :math:`\frac{2}{n}X^\top X`, so the gradient is :math:`L`-Lipschitz with

    .. math::
        L = \frac{2}{n}\,\lambda_{\max}(X^\top X)

    On this convex loss, gradient descent with a fixed step converges for every
    :math:`0 < \eta < 2/L`; for :math:`\eta > 2/L` the error along the top eigenvector
    grows by :math:`|1 - \eta L| > 1` per step and the iterates diverge.

    Parameters
    ----------
    X : array_like, shape (n, d)

    Returns
    -------
    L : float

    Examples
    --------
    >>> mse_smoothness_constant([[3.0, 0.0], [0.0, 1.0]])   # (2/2) · 9
    9.0
    """
    X = _check_design(X)
    n = X.shape[0]
    eigenvalues = np.linalg.eigvalsh(X.T @ X)   # ascending
    return float(2.0 / n * eigenvalues[-1])


def add_bias_column(X) -> np.ndarray:
    r"""Prepend a column of ones, so that :math:`\theta_0` acts as the intercept.

    .. math::
        \tilde X = [\mathbf{1}, X]

    Parameters
    ----------
    X : array_like, shape (n, d)

    Returns
    -------
    X_with_bias : ndarray, shape (n, d + 1)
        A new array; ``X`` is not changed.

    Examples
    --------
    >>> print(add_bias_column([[2.0], [3.0]]))
    [[1. 2.]
     [1. 3.]]
    """
    X = _check_design(X)
    ones = np.ones((X.shape[0], 1))
    return np.hstack([ones, X])
