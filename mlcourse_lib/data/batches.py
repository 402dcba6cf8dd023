r"""Mini-batches for stochastic gradient descent.

One epoch visits every sample once: the indices are permuted
(``rng.permutation``) and cut into consecutive batches of ``batch_size``; the
last batch holds the remaining :math:`n \bmod B` samples when ``batch_size``
does not divide :math:`n`. Each call draws a new permutation, so calling once
per epoch gives a different order every epoch.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_int, check_same_length
from .splits import _check_shuffle_rng

__all__ = ["minibatch_indices", "iterate_minibatches"]


def minibatch_indices(n_samples, *, batch_size, rng=None, shuffle=True, drop_last=False):
    r"""The sample indices of each mini-batch of one epoch.

    .. math::
        \pi = \text{rng.permutation}(n), \qquad
        \text{batch}_j = \pi_{jB : \min((j+1)B,\, n)}, \quad j = 0, \dots, \lceil n/B \rceil - 1

    Every index appears in exactly one batch. All batches have :math:`B` indices
    except the last, which has :math:`n - B\lfloor n/B \rfloor` when :math:`B` does
    not divide :math:`n`; ``drop_last=True`` leaves that partial batch out.

    Parameters
    ----------
    n_samples : int
        The number of samples :math:`n \ge 1`.
    batch_size : int
        The batch size :math:`B \ge 1`; :math:`B \ge n` gives one batch of all samples.
    rng : np.random.Generator or int, optional
        The source of randomness; required when ``shuffle=True``, unused otherwise.
    shuffle : bool, default=True
        Permute the indices first. Without shuffling the batches take the samples
        in order, the same every epoch.
    drop_last : bool, default=False
        Leave out the last batch if it is smaller than ``batch_size``.

    Returns
    -------
    batches : list of ndarray
        :math:`\lceil n/B \rceil` (or :math:`\lfloor n/B \rfloor` with ``drop_last``)
        int64 index arrays.

    Examples
    --------
    >>> for batch in minibatch_indices(7, batch_size=3, shuffle=False):
    ...     print(batch)
    [0 1 2]
    [3 4 5]
    [6]
    >>> [len(b) for b in minibatch_indices(7, batch_size=3, rng=0)]
    [3, 3, 1]
    """
    n = check_int(n_samples, "n_samples", minimum=1)
    B = check_int(batch_size, "batch_size", minimum=1)
    if not isinstance(drop_last, (bool, np.bool_)):
        raise TypeError(f"drop_last must be True or False; got {type(drop_last).__name__} {drop_last!r}.")
    if drop_last and B > n:
        raise ValueError(
            f"drop_last=True with batch_size={B} > n_samples={n} leaves no batch at all; "
            "use a smaller batch_size or drop_last=False."
        )
    rng = _check_shuffle_rng(rng, shuffle)

    order = rng.permutation(n) if rng is not None else np.arange(n)
    order = order.astype(np.int64)
    batches = [order[start:start + B] for start in range(0, n, B)]
    if drop_last and len(batches[-1]) < B:
        batches = batches[:-1]
    return batches


def iterate_minibatches(X, y, *, batch_size, rng=None, shuffle=True, drop_last=False):
    r"""Mini-batches ``(X_batch, y_batch)`` of one epoch.

    The rows of batch :math:`j` are ``minibatch_indices(...)[j]``: the same rows of
    ``X`` and ``y``. The permutation is drawn when the function is called, so
    call it once per epoch for a new order each epoch.

    Parameters
    ----------
    X : array_like of shape (n, ...)
        The features (any trailing shape).
    y : array_like of shape (n, ...)
        The targets, one row per row of ``X``.
    batch_size : int
        The batch size :math:`B \ge 1`.
    rng : np.random.Generator or int, optional
        The source of randomness; required when ``shuffle=True``. Pass the same
        Generator every epoch (an integer seed would repeat the same order).
    shuffle : bool, default=True
        Permute the rows first.
    drop_last : bool, default=False
        Leave out the last batch if it is smaller than ``batch_size``.

    Returns
    -------
    batches : generator of (ndarray, ndarray)
        ``(X_batch, y_batch)`` pairs with :math:`B` rows (the last possibly fewer);
        the batches are copies, the inputs are not changed.

    Examples
    --------
    >>> X, y = np.arange(10).reshape(5, 2), np.arange(5)
    >>> for X_batch, y_batch in iterate_minibatches(X, y, batch_size=2, shuffle=False):
    ...     print(X_batch.tolist(), y_batch.tolist())
    [[0, 1], [2, 3]] [0, 1]
    [[4, 5], [6, 7]] [2, 3]
    [[8, 9]] [4]
    """
    X = np.asarray(X)
    y = np.asarray(y)
    for name, a in (("X", X), ("y", y)):
        if a.ndim == 0:
            raise ValueError(f"{name} must have one row per sample; got a scalar {a!r}.")
    check_same_length(X, "X", y, "y")
    if len(X) == 0:
        raise ValueError(f"X is empty (shape {X.shape}); expected at least one row.")
    batches = minibatch_indices(len(X), batch_size=batch_size, rng=rng, shuffle=shuffle,
                                drop_last=drop_last)
    return ((X[idx], y[idx]) for idx in batches)
