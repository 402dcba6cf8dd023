r"""Magnitude pruning: set the weights of smallest absolute value to zero.

For a weight tensor of :math:`n` entries and a target sparsity :math:`\rho \in [0, 1]`, the
:math:`k = \operatorname{round}(\rho n)` entries of smallest :math:`|w_i|` are pruned (as
``torch.nn.utils.prune.l1_unstructured`` counts them; Python's ``round``, halves to even).
Ties in :math:`|w|` are broken by position: among equal magnitudes the entry that comes first
(in C order) is pruned first. The mask keeps the other :math:`n - k` entries.

A pruned dense array is as large and as slow to multiply as before: its zeros are stored and
multiplied like any other number. Savings need a sparse format (which stores an index with
every kept value) or hardware for structured sparsity.
"""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_in_range

__all__ = ["magnitude_prune_mask", "magnitude_prune"]


def magnitude_prune_mask(w, sparsity) -> np.ndarray:
    r"""The mask that keeps all but the :math:`\operatorname{round}(\rho n)` entries of smallest :math:`|w|`.

    .. math::
        k = \operatorname{round}(\rho\, n), \qquad
        \pi = \operatorname{argsort}_{\text{stable}}(|w|), \qquad
        m_{\pi_j} = [\, j \ge k \,]

    Parameters
    ----------
    w : array_like
        The weights, any shape.
    sparsity : float
        :math:`\rho \in [0, 1]`, the fraction of entries to prune.

    Returns
    -------
    mask : ndarray of bool, the shape of ``w``
        True where the weight is kept; exactly :math:`n - k` entries are True.

    Examples
    --------
    >>> print(magnitude_prune_mask(np.array([[0.5, -2.0], [0.1, -0.5]]), 0.5))
    [[False  True]
     [False  True]]
    """
    w = as_float_array(w, "w", allow_empty=True)
    sparsity = check_in_range(sparsity, "sparsity", 0.0, 1.0, high_closed=True)
    n_pruned = round(sparsity * w.size)
    order = np.argsort(np.abs(w).ravel(), kind="stable")     # smallest |w| first, ties by position
    keep = np.ones(w.size, dtype=bool)
    keep[order[:n_pruned]] = False
    return keep.reshape(w.shape)


def magnitude_prune(w, sparsity) -> np.ndarray:
    r"""``w`` with its :math:`\operatorname{round}(\rho n)` smallest-magnitude entries set to zero.

    .. math::
        w' = w \odot m, \qquad m = \text{magnitude\_prune\_mask}(w, \rho)

    Float32 in, float32 out; the result has the shape (and the memory footprint) of ``w``.

    Examples
    --------
    >>> print(magnitude_prune(np.array([0.3, -0.1, 2.0, 0.05], dtype=np.float32), 0.5))
    [0.3 0.  2.  0. ]
    """
    w = as_float_array(w, "w", allow_empty=True, keep_float_dtype=True)
    return np.where(magnitude_prune_mask(w, sparsity), w, np.zeros_like(w))
