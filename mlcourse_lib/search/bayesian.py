r"""Bayesian optimization: a Gaussian-process surrogate of the validation loss and expected improvement.

Each evaluation of a configuration (a full training run) is expensive, so Bayesian optimization
fits a cheap **surrogate** to the evaluations so far, a Gaussian process (GP) whose posterior
gives, at every candidate :math:`x`, a mean :math:`\mu(x)` and a variance :math:`\sigma^2(x)`,
and evaluates next where the **expected improvement** over the best loss so far is largest:
either where :math:`\mu` is low (exploitation) or where :math:`\sigma` is large (exploration).
Losses are minimized throughout.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .._validation import (
    as_float_array,
    check_int,
    check_nonnegative,
    check_positive,
    check_real,
    check_rng,
    check_same_length,
)

__all__ = [
    "rbf_kernel",
    "gp_posterior",
    "normal_cdf",
    "normal_pdf",
    "expected_improvement",
    "BayesOptResult",
    "bayesian_optimization",
]


def _as_points(X, name):
    """``X`` as float (n, d); a 1-D array is n points of one hyperparameter."""
    X = as_float_array(X, name, ndim=(1, 2))
    return X[:, None] if X.ndim == 1 else X


def rbf_kernel(A, B, *, length_scale=1.0, variance=1.0) -> np.ndarray:
    r"""The squared-exponential (RBF) covariance between two sets of points.

    .. math::
        k(a, b) = v \exp\!\Big(-\frac{\lVert a - b\rVert^2}{2\ell^2}\Big)

    Parameters
    ----------
    A : array_like of shape (n, d) or (n,)
    B : array_like of shape (m, d) or (m,)
    length_scale : float
        :math:`\ell > 0`: how far apart two points may be and still be strongly correlated.
    variance : float
        :math:`v > 0`: the prior variance of the function at any point.

    Returns
    -------
    K : ndarray of shape (n, m)

    Examples
    --------
    >>> print(np.round(rbf_kernel([0.0, 1.0], [0.0, 2.0], length_scale=1.0), 4))
    [[1.     0.1353]
     [0.6065 0.6065]]
    """
    A, B = _as_points(A, "A"), _as_points(B, "B")
    if A.shape[1] != B.shape[1]:
        raise ValueError(f"B has {B.shape[1]} features, expected {A.shape[1]} to match A.")
    ell = check_positive(length_scale, "length_scale")
    v = check_positive(variance, "variance")
    sq_dist = np.sum(A ** 2, axis=1)[:, None] + np.sum(B ** 2, axis=1)[None, :] - 2 * A @ B.T
    return v * np.exp(-np.maximum(sq_dist, 0.0) / (2 * ell ** 2))


def gp_posterior(X_train, y_train, X_test, *, length_scale=1.0, variance=1.0, noise=1e-6):
    r"""Mean and variance of a Gaussian-process posterior at test points.

    With the prior :math:`f \sim \mathcal{GP}(m, k)`, :math:`m = \bar y` (the mean of the
    observations) and observations :math:`y = f(X) + \varepsilon`,
    :math:`\varepsilon \sim \mathcal N(0, s^2 I)`:

    .. math::
        K = k(X, X) + s^2 I = L L^\top, \qquad \alpha = K^{-1}(y - m),
        \qquad \mu(x_*) = m + k(x_*, X)\,\alpha

    .. math::
        \sigma^2(x_*) = k(x_*, x_*) - k(x_*, X)\,K^{-1}\,k(X, x_*)

    solved with the Cholesky factor :math:`L` (Rasmussen & Williams, 2006, algorithm 2.1).
    :math:`\sigma^2` is the variance of the function :math:`f(x_*)`, without the noise; it
    is clipped at 0 against rounding.

    Parameters
    ----------
    X_train : array_like of shape (n, d) or (n,)
        The configurations evaluated so far.
    y_train : array_like of shape (n,)
        Their losses.
    X_test : array_like of shape (m, d) or (m,)
        Where to predict.
    length_scale, variance : float
        The kernel's :math:`\ell` and :math:`v` (see :func:`rbf_kernel`).
    noise : float
        The noise variance :math:`s^2 \ge 0`; a small value (the default) keeps
        :math:`K` well conditioned.

    Returns
    -------
    mean : ndarray of shape (m,)
    var : ndarray of shape (m,)

    Examples
    --------
    >>> mean, var = gp_posterior([0.0, 1.0], [1.0, 3.0], [0.0, 0.5, 10.0])
    >>> print(np.round(mean, 3), np.round(var, 3))     # far away: back to the prior
    [1. 2. 2.] [0.   0.03 1.  ]
    """
    X = _as_points(X_train, "X_train")
    y = as_float_array(y_train, "y_train", ndim=1)
    check_same_length(X, "X_train", y, "y_train")
    Xs = _as_points(X_test, "X_test")
    if Xs.shape[1] != X.shape[1]:
        raise ValueError(f"X_test has {Xs.shape[1]} features, expected {X.shape[1]} to match X_train.")
    s2 = check_nonnegative(noise, "noise")
    kernel = dict(length_scale=length_scale, variance=variance)

    prior_mean = float(np.mean(y))
    K = rbf_kernel(X, X, **kernel) + (s2 + 1e-12) * np.eye(len(y))
    try:
        L = np.linalg.cholesky(K)
    except np.linalg.LinAlgError:
        raise ValueError("the kernel matrix is not positive definite: X_train holds (nearly) "
                         "repeated points; use a larger noise.") from None
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y - prior_mean))
    K_star = rbf_kernel(X, Xs, **kernel)                                  # (n, m)
    mean = prior_mean + K_star.T @ alpha
    V = np.linalg.solve(L, K_star)
    var = check_positive(variance, "variance") - np.sum(V ** 2, axis=0)
    return mean, np.maximum(var, 0.0)


def normal_cdf(z) -> np.ndarray:
    r"""The standard normal CDF, :math:`\Phi(z) = \tfrac12\big(1 + \operatorname{erf}(z/\sqrt2)\big)`.

    Computed with ``math.erf`` entry by entry (numpy has no ``erf``; SciPy's is
    ``scipy.special.erf``).

    Examples
    --------
    >>> print(np.round(normal_cdf([-1.96, 0.0, 1.0]), 4))
    [0.025  0.5    0.8413]
    """
    z = as_float_array(z, "z", allow_empty=True, allow_nonfinite=True)
    return np.vectorize(lambda v: 0.5 * (1.0 + math.erf(v / math.sqrt(2.0))), otypes=[float])(z)


def normal_pdf(z) -> np.ndarray:
    r"""The standard normal density, :math:`\varphi(z) = e^{-z^2/2} / \sqrt{2\pi}`.

    Examples
    --------
    >>> print(np.round(normal_pdf([0.0, 1.0]), 4))
    [0.3989 0.242 ]
    """
    z = as_float_array(z, "z", allow_empty=True, allow_nonfinite=True)
    return np.exp(-0.5 * z ** 2) / math.sqrt(2 * math.pi)


def expected_improvement(mean, var, f_best, *, xi=0.01) -> np.ndarray:
    r"""Expected improvement over the best loss so far, for minimization.

    With :math:`\sigma = \sqrt{\sigma^2}` and the improvement :math:`I = \max(f^* - f(x) - \xi, 0)`
    of :math:`f(x) \sim \mathcal N(\mu, \sigma^2)`:

    .. math::
        \mathrm{EI} = \mathbb E[I] = (f^* - \mu - \xi)\,\Phi(z) + \sigma\,\varphi(z),
        \qquad z = \frac{f^* - \mu - \xi}{\sigma}

    and, where :math:`\sigma = 0` (no uncertainty), :math:`\mathrm{EI} = \max(f^* - \mu - \xi, 0)`.
    :math:`\Phi` is the standard normal CDF, :math:`\varphi` its density. :math:`\xi \ge 0`
    asks for an improvement of at least :math:`\xi` and so favours exploration (Jones, Schonlau
    & Welch, 1998; Lizotte, 2008). EI is never negative.

    Parameters
    ----------
    mean : array_like of shape (m,)
        The posterior means :math:`\mu` of the loss.
    var : array_like of shape (m,)
        The posterior variances :math:`\sigma^2 \ge 0` (not standard deviations).
    f_best : float
        :math:`f^*`, the smallest loss observed so far.
    xi : float, default=0.01
        The margin :math:`\xi \ge 0`.

    Returns
    -------
    ei : ndarray of shape (m,)

    Examples
    --------
    >>> print(np.round(expected_improvement([0.0, 1.0, 2.0, 0.5], [1.0, 1.0, 1.0, 0.0], 1.0, xi=0.0), 4))
    [1.0833 0.3989 0.0833 0.5   ]
    """
    mu = as_float_array(mean, "mean", ndim=1)
    var = as_float_array(var, "var", ndim=1)
    if var.shape != mu.shape:
        raise ValueError(f"var has shape {var.shape}, expected {mu.shape} to match mean.")
    if np.any(var < 0):
        j = int(np.flatnonzero(var < 0)[0])
        raise ValueError(f"var must be >= 0 (a variance); got {var[j]} at index {j}.")
    f_best = check_real(f_best, "f_best")
    xi = check_nonnegative(xi, "xi")

    sigma = np.sqrt(var)
    improvement = f_best - mu - xi
    has_sigma = sigma > 0
    z = np.where(has_sigma, improvement / np.where(has_sigma, sigma, 1.0), 0.0)
    ei_uncertain = improvement * normal_cdf(z) + sigma * normal_pdf(z)
    ei_certain = np.maximum(improvement, 0.0)
    return np.where(has_sigma, ei_uncertain, ei_certain)


class BayesOptResult(NamedTuple):
    """What :func:`bayesian_optimization` evaluated, in order.

    Attributes
    ----------
    x : ndarray of shape (n_init + n_iter, d)
        The configurations, the ``n_init`` random ones first.
    y : ndarray of shape (n_init + n_iter,)
        Their losses.
    best_x : ndarray of shape (d,)
        The configuration with the smallest loss.
    best_y : float
        That loss.
    """

    x: np.ndarray
    y: np.ndarray
    best_x: np.ndarray
    best_y: float


def bayesian_optimization(f, candidates, *, n_init, n_iter, rng, length_scale=1.0, variance=1.0,
                          noise=1e-6, xi=0.01) -> BayesOptResult:
    r"""Minimize ``f`` over a set of candidate configurations with a GP and expected improvement.

    1. Evaluate ``f`` at ``n_init`` candidates drawn at random (without replacement).
    2. Repeat ``n_iter`` times: standardize the losses so far,
       :math:`\tilde y = (y - \bar y) / \operatorname{sd}(y)`; fit the GP posterior
       (:func:`gp_posterior`) to them; evaluate ``f`` at the candidate not yet evaluated with
       the largest :func:`expected_improvement` over :math:`\min \tilde y`.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``, the loss of configuration ``x`` (a row of ``candidates``).
    candidates : array_like of shape (m, d) or (m,)
        The configurations the search may choose from (a fine grid in low dimension).
    n_init, n_iter : int
        Random evaluations first (:math:`\ge 1`), then guided ones (:math:`\ge 0`);
        ``n_init + n_iter <= m``.
    rng : np.random.Generator or int
        Draws the initial configurations.
    length_scale, variance, noise, xi : float
        The GP's kernel and noise (for the standardized losses), and EI's margin.

    Returns
    -------
    BayesOptResult

    Examples
    --------
    >>> grid = np.linspace(-2.0, 2.0, 81)
    >>> result = bayesian_optimization(lambda x: float((x[0] - 0.5) ** 2), grid,
    ...                                n_init=3, n_iter=5, rng=0, length_scale=0.5)
    >>> print(result.best_x, round(result.best_y, 6))
    [0.5] 0.0
    """
    if not callable(f):
        raise TypeError(f"f must be a function f(x) -> float; got {type(f).__name__}.")
    C = _as_points(candidates, "candidates")
    n_init = check_int(n_init, "n_init", minimum=1)
    n_iter = check_int(n_iter, "n_iter", minimum=0)
    if n_init + n_iter > len(C):
        raise ValueError(f"n_init + n_iter must be <= the number of candidates; got "
                         f"{n_init} + {n_iter} for {len(C)} candidates.")
    rng = check_rng(rng)

    chosen = list(rng.choice(len(C), size=n_init, replace=False))
    losses = [float(f(C[i])) for i in chosen]
    for _ in range(n_iter):
        y = np.array(losses)
        y_std = (y - y.mean()) / (y.std() if y.std() > 0 else 1.0)
        mean, var = gp_posterior(C[chosen], y_std, C, length_scale=length_scale,
                                 variance=variance, noise=noise)
        ei = expected_improvement(mean, var, float(y_std.min()), xi=xi)
        ei[chosen] = -np.inf                                  # never evaluate twice
        nxt = int(np.argmax(ei))
        chosen.append(nxt)
        losses.append(float(f(C[nxt])))
    x, y = C[chosen], np.array(losses)
    best = int(np.argmin(y))
    return BayesOptResult(x=x, y=y, best_x=x[best], best_y=float(y[best]))
