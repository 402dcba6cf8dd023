r"""Synthetic data sets whose true model is known.

Each generator draws all of its randomness from the ``rng`` argument (a
``np.random.Generator`` or an integer seed), so the same seed gives the same
data. The classification sets (:func:`make_two_blobs`, :func:`make_moons`,
:func:`make_spirals`) return their rows in random order, so that taking the
first rows never gives a single class.
"""

from __future__ import annotations


import numpy as np

from .._validation import (
    as_float_array,
    check_int,
    check_nonnegative,
    check_positive,
    check_real,
    check_rng,
)

__all__ = ["make_linear", "make_polynomial", "make_two_blobs", "make_moons", "make_spirals"]


def _check_interval(value, name: str) -> tuple[float, float]:
    """``(low, high)`` for a pair of finite numbers with ``low < high``."""
    if not isinstance(value, (tuple, list, np.ndarray)) or len(value) != 2:
        raise TypeError(f"{name} must be a pair (low, high); got {value!r}.")
    low = check_real(value[0], f"{name}[0]")
    high = check_real(value[1], f"{name}[1]")
    if not low < high:
        raise ValueError(f"{name} must satisfy low < high; got {name}={tuple(value)!r}.")
    return low, high


def _shuffle_rows(X, y, rng):
    """``X`` and ``y`` with their rows in the same random order."""
    order = rng.permutation(len(y))
    return X[order], y[order]


def make_linear(n_samples=100, *, n_features=1, weights=None, bias=0.0, noise=0.1, rng):
    r"""Regression data from a linear model with Gaussian noise.

    .. math::
        x_i \sim \mathcal{U}(-1, 1)^d, \qquad
        y_i = x_i^\top w + b + \sigma\, \varepsilon_i, \quad \varepsilon_i \sim \mathcal{N}(0, 1)

    The features are uniform on :math:`[-1, 1]`. The draws come in a fixed order
    (features, then noise, then the weights if they are drawn), so for one seed
    ``X`` and the noise do not depend on ``weights``.

    Parameters
    ----------
    n_samples : int, default=100
        The number of samples :math:`n \ge 1`.
    n_features : int, default=1
        The number of features :math:`d \ge 1`.
    weights : array_like of shape (d,), optional
        The true weights :math:`w`; drawn from :math:`\mathcal{N}(0, 1)` when omitted.
    bias : float, default=0.0
        The true intercept :math:`b`.
    noise : float, default=0.1
        The noise standard deviation :math:`\sigma \ge 0`.
    rng : np.random.Generator or int
        The source of randomness (a seed gives a new generator).

    Returns
    -------
    X : ndarray of shape (n, d)
        The features.
    y : ndarray of shape (n,)
        The targets.
    w_true : ndarray of shape (d,)
        The weights :math:`w` used (a copy of ``weights`` or the drawn ones).

    Examples
    --------
    >>> X, y, w = make_linear(5, n_features=2, weights=[1.0, -2.0], bias=0.5, noise=0.0, rng=0)
    >>> X.shape, y.shape, w.shape
    ((5, 2), (5,), (2,))
    >>> bool(np.allclose(y, X @ w + 0.5))
    True
    """
    n = check_int(n_samples, "n_samples", minimum=1)
    d = check_int(n_features, "n_features", minimum=1)
    b = check_real(bias, "bias")
    sigma = check_nonnegative(noise, "noise")
    if weights is not None:
        w = as_float_array(weights, "weights", ndim=1).copy()
        if w.shape != (d,):
            raise ValueError(
                f"weights has shape {w.shape}, expected ({d},) to match n_features={d}. "
                f"Pass n_features={w.size} for {w.size} weights."
            )
    rng = check_rng(rng)

    X = rng.uniform(-1.0, 1.0, size=(n, d))
    eps = rng.standard_normal(n)
    if weights is None:
        w = rng.standard_normal(d)
    y = X @ w + b + sigma * eps
    return X, y, w


def make_polynomial(n_samples=100, *, coefs=(0.5, -1.0, 2.0), x_range=(-1, 1), noise=0.1, rng):
    r"""Regression data from a polynomial in one variable with Gaussian noise.

    .. math::
        x_i \sim \mathcal{U}(a, b), \qquad
        y_i = \sum_{k=0}^{K} c_k\, x_i^k + \sigma\, \varepsilon_i, \quad
        \varepsilon_i \sim \mathcal{N}(0, 1)

    Parameters
    ----------
    n_samples : int, default=100
        The number of samples :math:`n \ge 1`.
    coefs : array_like of shape (K + 1,), default=(0.5, -1.0, 2.0)
        The coefficients :math:`c_0, c_1, \dots, c_K`, constant term first
        (the default is :math:`0.5 - x + 2x^2`).
    x_range : (float, float), default=(-1, 1)
        The interval :math:`(a, b)`, :math:`a < b`, from which ``x`` is drawn.
    noise : float, default=0.1
        The noise standard deviation :math:`\sigma \ge 0`.
    rng : np.random.Generator or int
        The source of randomness.

    Returns
    -------
    x : ndarray of shape (n,)
        The inputs, in random (unsorted) order.
    y : ndarray of shape (n,)
        The targets.

    Examples
    --------
    >>> x, y = make_polynomial(4, coefs=(1.0, 0.0, 3.0), noise=0.0, rng=0)
    >>> x.shape, y.shape
    ((4,), (4,))
    >>> bool(np.allclose(y, 1.0 + 3.0 * x**2))
    True
    """
    n = check_int(n_samples, "n_samples", minimum=1)
    c = as_float_array(coefs, "coefs", ndim=1)
    low, high = _check_interval(x_range, "x_range")
    sigma = check_nonnegative(noise, "noise")
    rng = check_rng(rng)

    x = rng.uniform(low, high, size=n)
    powers = x[:, None] ** np.arange(len(c))  # column k holds x^k
    y = powers @ c + sigma * rng.standard_normal(n)
    return x, y


def make_two_blobs(n_samples=200, *, distance=3.0, std=1.0, rng):
    r"""Two Gaussian blobs in the plane, one per class.

    .. math::
        x_i \sim \mathcal{N}(\mu_{y_i}, s^2 I_2), \qquad
        \mu_0 = (-\tfrac{\delta}{2}, 0), \quad \mu_1 = (+\tfrac{\delta}{2}, 0)

    The centres are :math:`\delta` apart along the first axis; the larger
    :math:`\delta / s`, the easier the classes are to separate. Class 1 has
    :math:`\lfloor n/2 \rfloor` samples and class 0 the rest.

    Parameters
    ----------
    n_samples : int, default=200
        The number of samples :math:`n \ge 2`.
    distance : float, default=3.0
        The distance :math:`\delta \ge 0` between the two centres.
    std : float, default=1.0
        The standard deviation :math:`s > 0` of each coordinate.
    rng : np.random.Generator or int
        The source of randomness.

    Returns
    -------
    X : ndarray of shape (n, 2)
        The points, in random order.
    y : ndarray of shape (n,)
        The labels, ``int64`` in {0, 1}.

    Examples
    --------
    >>> X, y = make_two_blobs(7, rng=0)
    >>> X.shape, np.bincount(y).tolist()
    ((7, 2), [4, 3])
    """
    n = check_int(n_samples, "n_samples", minimum=2)
    delta = check_nonnegative(distance, "distance")
    s = check_positive(std, "std")
    rng = check_rng(rng)

    n_class1 = n // 2
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n - n_class1, n_class1])
    centres = np.array([[-delta / 2, 0.0], [delta / 2, 0.0]])
    X = centres[y] + s * rng.standard_normal((n, 2))
    return _shuffle_rows(X, y, rng)


def make_moons(n_samples=200, *, noise=0.1, rng):
    r"""Two interleaving half circles, as scikit-learn's ``make_moons``.

    .. math::
        \text{class 0:}\ (\cos t, \sin t), \qquad
        \text{class 1:}\ (1 - \cos t,\ \tfrac12 - \sin t), \qquad t \in [0, \pi]

    with :math:`t` evenly spaced on each half circle, then Gaussian noise of standard
    deviation ``noise`` added to both coordinates. Class 0 has
    :math:`\lfloor n/2 \rfloor` samples and class 1 the rest, as in scikit-learn.
    No straight line separates the classes.

    Parameters
    ----------
    n_samples : int, default=200
        The number of samples :math:`n \ge 2`.
    noise : float, default=0.1
        The noise standard deviation :math:`\ge 0`.
    rng : np.random.Generator or int
        The source of randomness.

    Returns
    -------
    X : ndarray of shape (n, 2)
        The points, in random order.
    y : ndarray of shape (n,)
        The labels, ``int64`` in {0, 1}.

    Examples
    --------
    >>> X, y = make_moons(6, noise=0.0, rng=0)
    >>> X.shape, np.bincount(y).tolist()
    ((6, 2), [3, 3])
    >>> bool(np.allclose(np.hypot(X[y == 0, 0], X[y == 0, 1]), 1.0))  # class 0: unit circle
    True
    """
    n = check_int(n_samples, "n_samples", minimum=2)
    sigma = check_nonnegative(noise, "noise")
    rng = check_rng(rng)

    n_outer = n // 2
    n_inner = n - n_outer
    t_outer = np.linspace(0.0, np.pi, n_outer)
    t_inner = np.linspace(0.0, np.pi, n_inner)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = np.column_stack([1.0 - np.cos(t_inner), 0.5 - np.sin(t_inner)])
    X = np.vstack([outer, inner])
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n_outer, n_inner])
    X = X + sigma * rng.standard_normal((n, 2))
    return _shuffle_rows(X, y, rng)


def make_spirals(n_samples=300, *, n_classes=3, noise=0.2, rng):
    r"""Interleaved spiral arms, one per class (the cs231n spiral data set).

    For sample :math:`i` of class :math:`k`, at relative position
    :math:`r \in [0, 1]` along its arm (evenly spaced):

    .. math::
        t = 4k + 4r + \sigma\, \varepsilon, \quad \varepsilon \sim \mathcal{N}(0, 1), \qquad
        x = (r \sin t,\ r \cos t)

    so the noise perturbs the angle, not the radius. The class sizes differ by at
    most one (the first :math:`n \bmod K` classes have one more sample).

    Parameters
    ----------
    n_samples : int, default=300
        The number of samples :math:`n \ge K`.
    n_classes : int, default=3
        The number of classes (arms) :math:`K \ge 2`.
    noise : float, default=0.2
        The standard deviation :math:`\sigma \ge 0` of the angle noise.
    rng : np.random.Generator or int
        The source of randomness.

    Returns
    -------
    X : ndarray of shape (n, 2)
        The points, in random order, inside the unit disc.
    y : ndarray of shape (n,)
        The labels, ``int64`` in :math:`\{0, \dots, K-1\}`.

    Examples
    --------
    >>> X, y = make_spirals(10, n_classes=3, rng=0)
    >>> X.shape, np.bincount(y).tolist()
    ((10, 2), [4, 3, 3])
    """
    n = check_int(n_samples, "n_samples", minimum=1)
    K = check_int(n_classes, "n_classes", minimum=2)
    if n < K:
        raise ValueError(
            f"n_samples must be >= n_classes so that every class has a sample; "
            f"got n_samples={n}, n_classes={K}."
        )
    sigma = check_nonnegative(noise, "noise")
    rng = check_rng(rng)

    class_sizes = np.full(K, n // K)
    class_sizes[: n % K] += 1
    y = np.repeat(np.arange(K, dtype=np.int64), class_sizes)
    first_of_class = np.cumsum(class_sizes) - class_sizes
    position = np.arange(n) - first_of_class[y]  # 0, 1, ..., n_k - 1 within each class
    r = position / np.maximum(class_sizes[y] - 1, 1)  # evenly spaced in [0, 1]
    t = 4.0 * y + 4.0 * r + sigma * rng.standard_normal(n)
    X = np.column_stack([r * np.sin(t), r * np.cos(t)])
    return _shuffle_rows(X, y, rng)
