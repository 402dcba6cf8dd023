r"""Where a search tries its configurations: a grid, uniform random points, log-uniform values.

A grid with :math:`m` values per axis spends :math:`m^d` trials but tries only :math:`m` distinct
values of each hyperparameter; :math:`m^d` random points try :math:`m^d` distinct values of
every one. When only a few hyperparameters matter, random search therefore covers the ones
that matter far more densely (Bergstra & Bengio, 2012).

A learning rate or a penalty strength matters on a log scale (0.001 and 0.01 differ as much as
0.1 and 1), so it is drawn **log-uniformly**: uniformly in :math:`\log x`.
"""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_int, check_positive, check_rng

__all__ = ["grid_points", "random_points", "log_uniform"]


def _check_bounds(low, high):
    """``low`` and ``high`` as float arrays of one shape, with ``low < high`` everywhere."""
    low = as_float_array(low, "low", ndim=(0, 1))
    high = as_float_array(high, "high", ndim=(0, 1))
    if low.shape != high.shape:
        raise ValueError(f"high has shape {high.shape}, expected {low.shape} to match low.")
    bad = np.flatnonzero(np.atleast_1d(low) >= np.atleast_1d(high))
    if bad.size:
        j = int(bad[0])
        where = f" at index {j}" if low.ndim else ""
        raise ValueError(f"low must be < high; got low={np.atleast_1d(low)[j]} and "
                         f"high={np.atleast_1d(high)[j]}{where}. Did you swap them?")
    return low, high


def grid_points(*axes) -> np.ndarray:
    r"""Every combination of the given values: the points of a grid search.

    .. math::
        \{(a_1, \dots, a_d) : a_j \in \text{axes}_j\}, \qquad
        m = \prod_j |\text{axes}_j| \ \text{points}

    Parameters
    ----------
    *axes : array_like of shape (m_j,)
        The values tried for each of the ``d`` hyperparameters.

    Returns
    -------
    points : ndarray of shape (m_1 m_2 ... m_d, d)
        One configuration per row; the last axis varies fastest.

    Examples
    --------
    >>> print(grid_points([0.0, 1.0], [10.0, 20.0, 30.0]))
    [[ 0. 10.]
     [ 0. 20.]
     [ 0. 30.]
     [ 1. 10.]
     [ 1. 20.]
     [ 1. 30.]]
    """
    if not axes:
        raise TypeError("grid_points needs at least one axis of values; got none.")
    arrays = [as_float_array(a, f"axes[{j}]", ndim=1) for j, a in enumerate(axes)]
    mesh = np.meshgrid(*arrays, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def random_points(low, high, *, n_points, rng) -> np.ndarray:
    r"""Configurations drawn uniformly in a box: the points of a random search.

    .. math::
        x_{ij} = \ell_j + (h_j - \ell_j)\,u_{ij}, \qquad u_{ij} \sim U[0, 1)

    Parameters
    ----------
    low, high : array_like of shape (d,)
        The box :math:`[\ell_j, h_j)` of each hyperparameter, ``low < high``.
    n_points : int
        The number of configurations :math:`n \ge 1`.
    rng : np.random.Generator or int
        The source of randomness: ``rng.uniform(low, high, size=(n_points, d))``.

    Returns
    -------
    points : ndarray of shape (n_points, d)

    Examples
    --------
    >>> points = random_points([0.0, 10.0], [1.0, 20.0], n_points=4, rng=0)
    >>> points.shape, bool(np.all((points[:, 1] >= 10) & (points[:, 1] < 20)))
    ((4, 2), True)
    """
    low, high = _check_bounds(np.atleast_1d(low), np.atleast_1d(high))
    n = check_int(n_points, "n_points", minimum=1)
    rng = check_rng(rng)
    return rng.uniform(low, high, size=(n, low.shape[0]))


def log_uniform(low, high, *, size, rng) -> np.ndarray:
    r"""Values drawn log-uniformly in :math:`[\ell, h)`: uniformly in :math:`\ln x`.

    .. math::
        x_i = \exp(v_i), \qquad v_i \sim U[\ln \ell, \ln h)
        \quad\text{so that}\quad
        P(x \le t) = \frac{\ln t - \ln \ell}{\ln h - \ln \ell}

    Each decade (factor 10) of the range gets the same share of the samples. The uniform
    draws are exactly ``rng.uniform(np.log(low), np.log(high), size)``, so a given seed gives
    the same values as ``low * (high / low) ** rng.random(size)`` up to rounding (the base of
    the logarithm does not matter, as long as it is the same on both sides).

    Parameters
    ----------
    low, high : float
        The range, :math:`0 < \ell < h`.
    size : int
        The number of values :math:`\ge 0`.
    rng : np.random.Generator or int
        The source of randomness.

    Returns
    -------
    values : ndarray of shape (size,)
        float64 values in :math:`[\ell, h)`.

    Examples
    --------
    >>> values = log_uniform(1e-4, 1.0, size=10_000, rng=0)
    >>> [round(float(np.mean(values < t)), 2) for t in (1e-3, 1e-2, 1e-1)]   # 1/4 per decade
    [0.25, 0.5, 0.75]
    """
    low, high = _check_bounds(check_positive(low, "low"), check_positive(high, "high"))
    low, high = float(low), float(high)
    size = check_int(size, "size", minimum=0)
    rng = check_rng(rng)
    exponents = rng.uniform(np.log(low), np.log(high), size)
    return np.exp(exponents)
