r"""Standardization: features rescaled to mean 0 and standard deviation 1.

.. math::
    z_{ij} = \frac{x_{ij} - \mu_j}{s_j}

with :math:`\mu_j` and :math:`s_j` computed on the **training** set only, then
applied unchanged to validation and test data. The numbers match
scikit-learn's ``StandardScaler``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import as_float_array

__all__ = ["Standardizer", "fit_standardizer", "standardize"]


def _check_features(X, name: str, n_features: int) -> np.ndarray:
    """``X`` as float64 (n, d) or (d,), with ``d == n_features``; zero rows are allowed."""
    X = as_float_array(X, name, ndim=(1, 2), allow_empty=True)
    d = X.shape[-1]
    if d != n_features:
        what = "values" if X.ndim == 1 else "features (columns)"
        raise ValueError(
            f"{name} has {d} {what}, expected {n_features} to match the standardizer, "
            f"which was fitted on {n_features} features."
        )
    return X


class Standardizer(NamedTuple):
    r"""Per-feature statistics of a training set, from :func:`fit_standardizer`.

    Attributes
    ----------
    mean : ndarray of shape (d,)
        The feature means :math:`\mu_j`.
    scale : ndarray of shape (d,)
        The feature scales :math:`s_j > 0` (standard deviations, 1 for constant features).
    """

    mean: np.ndarray
    scale: np.ndarray

    def _checked_stats(self):
        mean = as_float_array(self.mean, "standardizer.mean", ndim=1)
        scale = as_float_array(self.scale, "standardizer.scale", ndim=1)
        if mean.shape != scale.shape:
            raise ValueError(
                f"standardizer.scale has shape {scale.shape}, expected {mean.shape} "
                "to match standardizer.mean."
            )
        if np.any(scale <= 0):
            j = int(np.flatnonzero(scale <= 0)[0])
            raise ValueError(
                f"standardizer.scale must be > 0; got {scale[j]} at index {j}. "
                "Create the standardizer with fit_standardizer."
            )
        return mean, scale

    def transform(self, X, *, name: str = "X"):
        r"""Standardize ``X`` with the stored statistics: :math:`z_{ij} = (x_{ij} - \mu_j) / s_j`.

        Parameters
        ----------
        X : array_like of shape (n, d) or (d,)
            Samples with the ``d`` features the standardizer was fitted on (one sample if 1-D).
        name : str, default="X"
            The name used for ``X`` in error messages.

        Returns
        -------
        Z : ndarray, same shape as ``X``
            The standardized features (a new array).

        Examples
        --------
        >>> s = Standardizer(mean=np.array([1.0, 10.0]), scale=np.array([2.0, 5.0]))
        >>> print(s.transform([[3.0, 0.0], [1.0, 20.0]]))
        [[ 1. -2.]
         [ 0.  2.]]
        """
        mean, scale = self._checked_stats()
        X = _check_features(X, name, len(mean))
        return (X - mean) / scale

    def inverse_transform(self, Z, *, name: str = "Z"):
        r"""Undo :meth:`transform`: :math:`x_{ij} = z_{ij}\, s_j + \mu_j`.

        Parameters
        ----------
        Z : array_like of shape (n, d) or (d,)
            Standardized samples.
        name : str, default="Z"
            The name used for ``Z`` in error messages.

        Returns
        -------
        X : ndarray, same shape as ``Z``
            The features in their original units (a new array).

        Examples
        --------
        >>> s = Standardizer(mean=np.array([1.0, 10.0]), scale=np.array([2.0, 5.0]))
        >>> print(s.inverse_transform([[1.0, -2.0]]))
        [[3. 0.]]
        """
        mean, scale = self._checked_stats()
        Z = _check_features(Z, name, len(mean))
        return Z * scale + mean


def fit_standardizer(X_train):
    r"""Per-feature mean and scale of the training data.

    .. math::
        \mu_j = \frac1n \sum_{i=1}^n x_{ij}, \qquad
        \sigma_j^2 = \frac1n \left(\sum_{i=1}^n (x_{ij} - \mu_j)^2
                     - \frac1n \Big(\sum_{i=1}^n (x_{ij} - \mu_j)\Big)^2\right), \qquad
        s_j = \begin{cases} \sigma_j & \text{if feature } j \text{ is not constant} \\
                            1 & \text{if it is (near) constant} \end{cases}

    The variance is the population one (divide by :math:`n`, ``ddof=0``), computed by the
    corrected two-pass algorithm (Chan, Golub & LeVeque): the second sum is zero in exact
    arithmetic and removes most of the rounding error of :math:`\mu_j`. A constant feature
    gets scale 1, so it is mapped to 0 instead of being divided by (almost) zero.

    A feature counts as constant when its variance is within the rounding error of the
    algorithm, scikit-learn's rule (``_is_constant_feature`` of ``StandardScaler``):

    .. math::
        \sigma_j^2 \le n\,\varepsilon\,\sigma_j^2 + (n\,\mu_j\,\varepsilon)^2,
        \qquad \varepsilon = 2^{-52} \approx 2.2 \cdot 10^{-16}
        \ \text{(float64 machine epsilon)}

    So a column of 0.1 repeated, whose computed :math:`\sigma_j` is a rounding error of
    about :math:`10^{-17}` rather than 0, is constant too; its values map to 0, not to
    :math:`\pm 1`. ``mean`` and ``scale`` equal ``StandardScaler().fit(X_train)``'s
    ``mean_`` and ``scale_``.

    Parameters
    ----------
    X_train : array_like of shape (n, d)
        The training features, :math:`n \ge 1` samples.

    Returns
    -------
    standardizer : Standardizer
        ``mean`` :math:`\mu` and ``scale`` :math:`s`, both of shape (d,); apply them
        with ``standardizer.transform(X)``.

    Examples
    --------
    >>> s = fit_standardizer([[1.0, 10.0], [2.0, 20.0], [3.0, 10.0]])
    >>> print(np.round(s.mean, 4), np.round(s.scale, 4))
    [ 2.     13.3333] [0.8165 4.714 ]
    >>> print(fit_standardizer([[5.0], [5.0]]).scale)  # a constant feature
    [1.]
    >>> print(fit_standardizer([[0.1]] * 10).scale)    # constant up to rounding
    [1.]
    """
    X = as_float_array(X_train, "X_train", ndim=2)
    n = X.shape[0]
    mean = np.sum(X, axis=0) / n
    deviations = X - mean
    correction = np.sum(deviations, axis=0)
    var = (np.sum(deviations**2, axis=0) - correction**2 / n) / n
    eps = np.finfo(np.float64).eps
    is_constant = var <= n * eps * var + (n * mean * eps) ** 2
    scale = np.where(is_constant, 1.0, np.sqrt(np.maximum(var, 0.0)))   # var < 0 only if constant
    return Standardizer(mean=mean, scale=scale)


def standardize(X_train, *others):
    r"""Standardize training data and any further sets with the training statistics.

    .. math::
        Z = \frac{X - \mu_{\text{train}}}{s_{\text{train}}}

    for ``X_train`` and each of ``others``, where :math:`\mu_{\text{train}}` and
    :math:`s_{\text{train}}` come from :func:`fit_standardizer` on ``X_train`` alone.

    Why only the training set: validation and test data stand in for data the
    model has never seen. Statistics computed on all of the data would carry
    information about those held-out samples (their mean and spread) into the
    preprocessing and hence into training. This is *data leakage*: the held-out
    score becomes optimistic, because new data in deployment cannot contribute to
    the statistics. For the same reason, inside cross-validation the standardizer
    is refitted on each training fold.

    Parameters
    ----------
    X_train : array_like of shape (n, d)
        The training features, used to fit the statistics.
    *others : array_like of shape (m, d)
        Further sets (validation, test) to transform with the same statistics;
        empty sets (m = 0) are allowed.

    Returns
    -------
    Z_train : ndarray of shape (n, d)
        The standardized training features (each column mean 0, standard deviation 1
        unless constant).
    *Z_others : ndarray of shape (m, d)
        The other sets, standardized with the training statistics.
    standardizer : Standardizer
        The fitted statistics, last.

    Examples
    --------
    >>> Z_train, Z_test, s = standardize([[0.0], [2.0]], [[4.0]])
    >>> print(Z_train.ravel(), Z_test.ravel())
    [-1.  1.] [3.]
    """
    standardizer = fit_standardizer(X_train)
    d = len(standardizer.mean)
    checked_others = [_check_features(X, f"others[{i}]", d) for i, X in enumerate(others)]
    for i, X in enumerate(checked_others):
        if X.ndim != 2:
            raise ValueError(
                f"others[{i}] must be 2-D (m, {d}); got an array of shape {X.shape}."
            )
    Z_train = standardizer.transform(X_train, name="X_train")
    Z_others = [standardizer.transform(X, name=f"others[{i}]") for i, X in enumerate(checked_others)]
    return (Z_train, *Z_others, standardizer)
