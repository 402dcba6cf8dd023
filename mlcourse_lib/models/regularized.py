r"""Polynomial regression and ridge regression with an unpenalized intercept.

A polynomial of degree :math:`D` in one variable is a linear model on the features
:math:`1, x, x^2, \dots, x^D` (:func:`polynomial_features`). Ridge regression adds an L2
penalty on the weights, but not on the intercept :math:`b`:

.. math::
    L(w, b) = \frac{1}{n}\lVert y - Xw - b\mathbf 1\rVert^2 + \lambda\lVert w\rVert^2

:func:`ridge_fit` gives its minimizer in closed form, :func:`ridge_loss` and
:func:`ridge_gradient` the loss and its gradient for gradient descent. Shifting every
target by a constant shifts :math:`b` and leaves :math:`w` unchanged, which is why the
intercept stays out of the penalty.
"""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_int, check_nonnegative, check_real, check_same_length

__all__ = ["polynomial_features", "ridge_fit", "ridge_predict", "ridge_loss", "ridge_gradient"]


def _check_x(x) -> np.ndarray:
    """One input variable as a 1-D array: shape (n,), or a single column (n, 1)."""
    x = as_float_array(x, "x", ndim=(1, 2))
    if x.ndim == 2:
        if x.shape[1] != 1:
            raise ValueError(
                f"x has shape {x.shape}; expected one variable, shape (n,) or (n, 1). "
                "For several features build the powers of each column separately."
            )
        x = x[:, 0]
    return x


def _check_problem(X, y):
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    check_same_length(X, "X", y, "y")
    return X, y


def _check_w(w, X):
    w = as_float_array(w, "w", ndim=1)
    if w.shape[0] != X.shape[1]:
        raise ValueError(f"w has shape {w.shape}, expected ({X.shape[1]},) to match the {X.shape[1]} columns of X.")
    return w


def polynomial_features(x, degree) -> np.ndarray:
    r"""The powers :math:`x^0, x^1, \dots, x^D` of one variable, one column per power.

    .. math::
        \Phi_{ik} = x_i^{\,k}, \qquad k = 0, 1, \dots, D

    Column 0 is the constant column of ones, so a degree-:math:`D` polynomial has
    :math:`D + 1` coefficients: ``Phi @ c`` evaluates :math:`\sum_k c_k x^k`. Drop the first
    column (``Phi[:, 1:]``) when the intercept is fitted separately, as in :func:`ridge_fit`.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, 1)
        The values of the variable.
    degree : int
        The highest power :math:`D \ge 0`.

    Returns
    -------
    Phi : ndarray, shape (n, degree + 1)

    Examples
    --------
    >>> print(polynomial_features([2.0, -1.0, 0.5], 3))
    [[ 1.     2.     4.     8.   ]
     [ 1.    -1.     1.    -1.   ]
     [ 1.     0.5    0.25   0.125]]
    """
    x = _check_x(x)
    degree = check_int(degree, "degree", minimum=0)
    powers = np.arange(degree + 1)
    return x[:, None] ** powers


def ridge_fit(X, y, *, lam):
    r"""Ridge regression with an unpenalized intercept, in closed form.

    .. math::
        (w^\star, b^\star) = \arg\min_{w,\,b}\ \frac{1}{n}\lVert y - Xw - b\mathbf 1\rVert^2
        + \lambda\lVert w\rVert^2

    Setting the derivative in :math:`b` to zero gives :math:`b = \bar y - \bar x^\top w`, with
    :math:`\bar x` the column means of :math:`X` and :math:`\bar y` the mean target. With the
    centered data :math:`X_c = X - \mathbf 1\bar x^\top` and :math:`y_c = y - \bar y\mathbf 1`,
    the derivative in :math:`w`, :math:`-\frac{2}{n}X_c^\top(y_c - X_c w) + 2\lambda w`, is zero at

    .. math::
        (X_c^\top X_c + n\lambda I)\, w^\star = X_c^\top y_c, \qquad
        b^\star = \bar y - \bar x^\top w^\star

    The :math:`n\lambda` comes from the :math:`\frac1n` in front of the squared error.
    ``lam=0`` is ordinary least squares with an intercept (solved by ``np.linalg.lstsq``,
    which also handles a rank-deficient :math:`X_c`). scikit-learn's
    ``Ridge(alpha=n * lam)`` gives the same :math:`w^\star` and :math:`b^\star`.

    Parameters
    ----------
    X : array_like, shape (n, d)
        The features, without a column of ones.
    y : array_like, shape (n,)
    lam : float
        The penalty strength :math:`\lambda \ge 0`.

    Returns
    -------
    w : ndarray, shape (d,)
    b : float

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0]])
    >>> w, b = ridge_fit(X, 5.0 + 2.0 * X[:, 0], lam=0.0)
    >>> print(np.round(w, 6), round(b, 6))
    [2.] 5.0
    >>> w, b = ridge_fit(X, 5.0 + 2.0 * X[:, 0], lam=1 / 3)    # w = 4 / (2 + 3 · 1/3)
    >>> print(np.round(w, 6), round(b, 6))
    [1.333333] 5.666667
    """
    X, y = _check_problem(X, y)
    lam = check_nonnegative(lam, "lam")
    n, d = X.shape
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean
    if lam == 0:
        w, *_ = np.linalg.lstsq(Xc, yc, rcond=None)
    else:
        w = np.linalg.solve(Xc.T @ Xc + n * lam * np.eye(d), Xc.T @ yc)
    b = y_mean - x_mean @ w
    return w, float(b)


def ridge_predict(X, w, b) -> np.ndarray:
    r"""Predictions :math:`\hat y = Xw + b` of a linear model with an intercept.

    Parameters
    ----------
    X : array_like, shape (n, d)
    w : array_like, shape (d,)
    b : float

    Returns
    -------
    y_pred : ndarray, shape (n,)

    Examples
    --------
    >>> print(ridge_predict([[1.0, 2.0], [0.0, 1.0]], [1.0, -1.0], 0.5))
    [-0.5 -0.5]
    """
    X = as_float_array(X, "X", ndim=2)
    w = _check_w(w, X)
    b = check_real(b, "b")
    return X @ w + b


def ridge_loss(X, y, w, b, *, lam) -> float:
    r"""The ridge objective: mean squared error plus :math:`\lambda\lVert w\rVert^2` (not on :math:`b`).

    .. math::
        L(w, b) = \frac{1}{n}\lVert y - Xw - b\mathbf 1\rVert^2 + \lambda\lVert w\rVert^2

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    w : array_like, shape (d,)
    b : float
    lam : float
        :math:`\lambda \ge 0`.

    Returns
    -------
    loss : float

    Examples
    --------
    >>> ridge_loss([[1.0], [2.0]], [3.0, 5.0], [1.0], 1.0, lam=0.5)   # ((3-2)² + (5-3)²)/2 + 0.5·1
    3.0
    """
    X, y = _check_problem(X, y)
    w = _check_w(w, X)
    b = check_real(b, "b")
    lam = check_nonnegative(lam, "lam")
    n = X.shape[0]
    residual = y - X @ w - b
    return float(residual @ residual / n + lam * (w @ w))


def ridge_gradient(X, y, w, b, *, lam):
    r"""Gradient of :func:`ridge_loss` with respect to :math:`w` and :math:`b`.

    .. math::
        r = y - Xw - b\mathbf 1, \qquad
        \nabla_w L = -\frac{2}{n}X^\top r + 2\lambda w, \qquad
        \frac{\partial L}{\partial b} = -\frac{2}{n}\sum_{i=1}^n r_i

    The penalty adds :math:`2\lambda w` to the gradient in :math:`w` (with plain gradient
    descent it shrinks the weights by a factor :math:`1 - 2\eta\lambda` per step: weight
    decay) and nothing to the gradient in :math:`b`.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    w : array_like, shape (d,)
    b : float
    lam : float
        :math:`\lambda \ge 0`.

    Returns
    -------
    grad_w : ndarray, shape (d,)
    grad_b : float

    Examples
    --------
    >>> grad_w, grad_b = ridge_gradient([[1.0], [2.0]], [3.0, 5.0], [1.0], 1.0, lam=0.5)
    >>> print(grad_w, grad_b)     # r = (1, 2): -(2/2)(1 + 4) + 2·0.5·1, -(2/2)(1 + 2)
    [-4.] -3.0
    """
    X, y = _check_problem(X, y)
    w = _check_w(w, X)
    b = check_real(b, "b")
    lam = check_nonnegative(lam, "lam")
    n = X.shape[0]
    residual = y - X @ w - b
    grad_w = -(2.0 / n) * X.T @ residual + 2.0 * lam * w
    grad_b = -(2.0 / n) * np.sum(residual)
    return grad_w, float(grad_b)
