r"""Random train/validation/test splits and k-fold cross-validation.

The conventions are scikit-learn's: a test set of ``test_fraction`` of the
samples holds :math:`\lceil \text{test\_fraction} \cdot n \rceil` of them
(rounded up), and k-fold cross-validation gives the first :math:`n \bmod k`
folds one sample more than the others. All randomness comes from ``rng``.
"""

from __future__ import annotations

import math

import numpy as np

from .._validation import (
    as_label_array,
    check_fraction,
    check_in_range,
    check_int,
    check_rng,
    check_same_length,
)

__all__ = ["train_test_indices", "train_val_test_split", "kfold_indices"]


# --- validation shared by the functions of this subpackage -----------------------------------

def _check_shuffle_rng(rng, shuffle):
    """The Generator to shuffle with, or ``None`` when ``shuffle`` is False."""
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be True or False; got {type(shuffle).__name__} {shuffle!r}.")
    if not shuffle:
        return None
    if rng is None:
        raise TypeError(
            "rng is required when shuffle=True; pass rng=np.random.default_rng(0) "
            "(or an integer seed), or shuffle=False for a fixed order."
        )
    return check_rng(rng)


def _check_stratify(stratify, n_samples):
    """``stratify`` as int64 labels of length ``n_samples``, or ``None``."""
    if stratify is None:
        return None
    labels = as_label_array(stratify, "stratify")
    if len(labels) != n_samples:
        raise ValueError(
            f"stratify has {len(labels)} labels, expected {n_samples} (one per sample)."
        )
    return labels


# --- the building blocks ----------------------------------------------------------------------

def _largest_remainder_counts(class_counts, n_take):
    r"""Split ``n_take`` among classes in proportion to their sizes, in whole numbers.

    .. math::
        q_c = n_{\text{take}} \frac{n_c}{n}, \qquad
        k_c = \lfloor q_c \rfloor + [\,c \text{ is among the } r \text{ largest } q_c - \lfloor q_c \rfloor\,],
        \qquad r = n_{\text{take}} - \sum_c \lfloor q_c \rfloor

    (Hamilton's largest-remainder rule). The counts sum to exactly ``n_take`` and
    :math:`k_c \le n_c`. Ties in the remainders go to the class listed first.
    """
    class_counts = np.asarray(class_counts, dtype=np.int64)
    n = int(class_counts.sum())
    quotas = n_take * class_counts / n
    counts = np.floor(quotas).astype(np.int64)
    remainders = quotas - counts
    n_left = n_take - int(counts.sum())
    largest_first = np.argsort(-remainders, kind="stable")
    counts[largest_first[:n_left]] += 1
    return counts


def _take_random(indices, n_take, rng, labels=None, *, part="test"):
    """Split ``indices`` into ``(rest, taken)``, ``taken`` a random subset of size ``n_take``.

    With ``labels`` (one per entry of ``indices``) each class gives its share
    ``_largest_remainder_counts``, and both parts are shuffled. ``rest`` is what the
    training set is drawn from, so a class that would lose all its samples to ``taken``
    (the ``part`` set) raises, as scikit-learn's stratified splits do.
    """
    if labels is None:
        permuted = rng.permutation(indices)
        return permuted[n_take:], permuted[:n_take]
    classes, class_counts = np.unique(labels, return_counts=True)
    take_per_class = _largest_remainder_counts(class_counts, n_take)
    _check_every_class_keeps_a_sample(classes, class_counts, take_per_class, part)
    rest, taken = [], []
    for c, k_c in zip(classes, take_per_class):
        members = rng.permutation(indices[labels == c])
        taken.append(members[:k_c])
        rest.append(members[k_c:])
    return rng.permutation(np.concatenate(rest)), rng.permutation(np.concatenate(taken))


def _check_every_class_keeps_a_sample(classes, class_counts, take_per_class, part):
    """Raise unless every class keeps at least one sample for training after its share goes to ``part``."""
    emptied = np.flatnonzero(take_per_class >= class_counts)
    if emptied.size:
        j = int(emptied[0])
        n_c = int(class_counts[j])
        raise ValueError(
            f"stratify: class {classes[j]} has only {n_c} sample{'s' if n_c != 1 else ''}, and its "
            f"share of the {part} set takes {'all of them' if n_c != 1 else 'it'}, leaving none for "
            "training. Every class needs at least 2 samples (as in scikit-learn), and enough "
            f"that its {part} share leaves one: use a smaller {part}_fraction, more samples of "
            f"class {classes[j]}, or no stratify."
        )


# --- public functions -------------------------------------------------------------------------

def train_test_indices(n_samples, *, test_fraction, rng, stratify=None):
    r"""Random indices of a train/test split.

    .. math::
        n_{\text{test}} = \lceil f \cdot n \rceil, \qquad
        \pi = \text{rng.permutation}(n), \qquad
        \text{test} = \pi_{0:n_{\text{test}}}, \quad \text{train} = \pi_{n_{\text{test}}:n}

    The test size is rounded up, as scikit-learn's ``train_test_split`` does; both
    parts must be non-empty.

    With ``stratify``, each class is split on its own so that the class
    proportions of both parts match the data's. Class :math:`c` with :math:`n_c`
    samples gives :math:`k_c` test samples, where :math:`q_c = n_{\text{test}}\,n_c/n`
    and the :math:`k_c` are the :math:`\lfloor q_c \rfloor` plus one for each of the
    classes with the largest remainders :math:`q_c - \lfloor q_c \rfloor` until the
    total is :math:`n_{\text{test}}` (largest-remainder rounding; ties go to the
    smaller label). The test size is therefore still :math:`\lceil f n \rceil`, and
    each class's share differs from the exact proportion by less than one sample.
    The indices of each part are then shuffled. A class whose test share would take
    all its samples (e.g. a class with a single sample) raises a ``ValueError``, as
    scikit-learn does: the training set must see every class.

    Parameters
    ----------
    n_samples : int
        The number of samples :math:`n \ge 2`.
    test_fraction : float
        The fraction :math:`f \in (0, 1)` of samples in the test set.
    rng : np.random.Generator or int
        The source of randomness.
    stratify : array_like of shape (n,), optional
        Integer class labels whose proportions both parts keep.

    Returns
    -------
    train_idx : ndarray of shape (n - n_test,)
        The training indices, int64.
    test_idx : ndarray of shape (n_test,)
        The test indices, int64; together with ``train_idx`` each of ``0..n-1`` once.

    Examples
    --------
    >>> train_idx, test_idx = train_test_indices(10, test_fraction=0.25, rng=0)
    >>> len(train_idx), len(test_idx)
    (7, 3)
    >>> sorted(np.concatenate([train_idx, test_idx]).tolist()) == list(range(10))
    True
    """
    n = check_int(n_samples, "n_samples", minimum=2)
    f = check_fraction(test_fraction, "test_fraction")
    labels = _check_stratify(stratify, n)
    rng = check_rng(rng)

    n_test = math.ceil(f * n)
    if n_test >= n:
        raise ValueError(
            f"test_fraction={test_fraction} with n_samples={n} puts all samples in the test set "
            f"(ceil({test_fraction} * {n}) = {n_test}); use a smaller test_fraction."
        )
    if labels is None:
        permutation = rng.permutation(n)
        test_idx, train_idx = permutation[:n_test], permutation[n_test:]
    else:
        train_idx, test_idx = _take_random(np.arange(n), n_test, rng, labels)
    return train_idx.astype(np.int64), test_idx.astype(np.int64)


def train_val_test_split(*arrays, val_fraction, test_fraction, rng, stratify=None):
    r"""Split arrays into training, validation and test parts by the same random rows.

    .. math::
        n_{\text{test}} = \lceil f_{\text{test}}\, n \rceil, \qquad
        n_{\text{val}} = \lceil f_{\text{val}}\, n \rceil, \qquad
        n_{\text{train}} = n - n_{\text{val}} - n_{\text{test}}

    The test rows are drawn first, as in :func:`train_test_indices`, then the
    validation rows from the remaining ones. With ``stratify``, both draws keep
    the class proportions (largest-remainder rounding within each draw), and a
    class that would be left out of the training set raises a ``ValueError``.

    Parameters
    ----------
    *arrays : array_like
        One or more arrays with the same number of rows ``n`` (e.g. ``X`` and ``y``).
    val_fraction : float
        The fraction :math:`f_{\text{val}} \in [0, 1)` for validation; with 0 the
        validation parts are empty arrays.
    test_fraction : float
        The fraction :math:`f_{\text{test}} \in (0, 1)` for testing;
        :math:`f_{\text{val}} + f_{\text{test}} < 1`.
    rng : np.random.Generator or int
        The source of randomness.
    stratify : array_like of shape (n,), optional
        Integer class labels whose proportions all parts keep.

    Returns
    -------
    parts : tuple of ndarray
        ``(a_train, a_val, a_test)`` for each array in order, so
        ``X_train, X_val, X_test, y_train, y_val, y_test`` for ``(X, y)``. Each part
        keeps its array's dtype and trailing shape; the inputs are not changed.

    Examples
    --------
    >>> X, y = np.arange(20).reshape(10, 2), np.arange(10)
    >>> X_tr, X_val, X_te, y_tr, y_val, y_te = train_val_test_split(
    ...     X, y, val_fraction=0.2, test_fraction=0.3, rng=0)
    >>> X_tr.shape, X_val.shape, X_te.shape
    ((5, 2), (2, 2), (3, 2))
    >>> bool(np.all(X_te[:, 0] == 2 * y_te))
    True
    """
    if not arrays:
        raise TypeError("train_val_test_split needs at least one array to split; got none.")
    arrays = [np.asarray(a) for a in arrays]
    for i, a in enumerate(arrays):
        if a.ndim == 0:
            raise ValueError(f"arrays[{i}] must have at least one dimension; got a scalar {a!r}.")
    for i, a in enumerate(arrays[1:], start=1):
        check_same_length(arrays[0], "arrays[0]", a, f"arrays[{i}]")
    n = len(arrays[0])
    if n < 2:
        raise ValueError(f"the arrays must have at least 2 rows to split; got {n}.")
    f_val = check_in_range(val_fraction, "val_fraction", 0.0, 1.0)
    f_test = check_fraction(test_fraction, "test_fraction")
    if f_val + f_test >= 1:
        raise ValueError(
            f"val_fraction + test_fraction must be < 1 to leave training data; "
            f"got {val_fraction} + {test_fraction} = {f_val + f_test}."
        )
    labels = _check_stratify(stratify, n)
    rng = check_rng(rng)

    n_test = math.ceil(f_test * n)
    n_val = math.ceil(f_val * n)
    n_train = n - n_val - n_test
    if n_train < 1:
        raise ValueError(
            f"with {n} samples, ceil({val_fraction} * {n}) = {n_val} validation and "
            f"ceil({test_fraction} * {n}) = {n_test} test samples leave no training data; "
            "use smaller fractions."
        )
    everything = np.arange(n)
    rest, test_idx = _take_random(everything, n_test, rng, labels)
    rest_labels = None if labels is None else labels[rest]
    train_idx, val_idx = _take_random(rest, n_val, rng, rest_labels, part="val")

    parts = []
    for a in arrays:
        parts += [a[train_idx], a[val_idx], a[test_idx]]
    return tuple(parts)


def kfold_indices(n_samples, *, n_folds=5, rng=None, shuffle=True):
    r"""Train/validation indices of k-fold cross-validation.

    The (shuffled) indices are cut into :math:`k` consecutive folds; fold
    :math:`j` is the validation set of split :math:`j` and the other folds are its
    training set. Fold sizes differ by at most one: the first :math:`n \bmod k`
    folds have :math:`\lfloor n/k \rfloor + 1` samples, the others
    :math:`\lfloor n/k \rfloor`, as in scikit-learn's ``KFold``. Every index is a
    validation index exactly once.

    Parameters
    ----------
    n_samples : int
        The number of samples :math:`n \ge k`.
    n_folds : int, default=5
        The number of folds :math:`k \ge 2`.
    rng : np.random.Generator or int, optional
        The source of randomness; required when ``shuffle=True``, unused otherwise.
    shuffle : bool, default=True
        Permute the indices before cutting them into folds. With ``shuffle=False``
        the folds are contiguous blocks and the result equals scikit-learn's
        ``KFold(n_folds).split``.

    Returns
    -------
    folds : list of (ndarray, ndarray)
        ``k`` pairs ``(train_idx, val_idx)`` of int64 indices.

    Examples
    --------
    >>> for train_idx, val_idx in kfold_indices(5, n_folds=2, shuffle=False):
    ...     print(train_idx, val_idx)
    [3 4] [0 1 2]
    [0 1 2] [3 4]
    """
    k = check_int(n_folds, "n_folds", minimum=2)
    n = check_int(n_samples, "n_samples", minimum=1)
    if n < k:
        raise ValueError(
            f"n_samples must be >= n_folds so that no fold is empty; got n_samples={n}, n_folds={k}."
        )
    rng = _check_shuffle_rng(rng, shuffle)

    order = rng.permutation(n) if rng is not None else np.arange(n)
    order = order.astype(np.int64)
    fold_sizes = np.full(k, n // k)
    fold_sizes[: n % k] += 1
    stops = np.cumsum(fold_sizes)
    starts = stops - fold_sizes
    folds = []
    for start, stop in zip(starts, stops):
        val_idx = order[start:stop]
        train_idx = np.concatenate([order[:start], order[stop:]])
        folds.append((train_idx, val_idx))
    return folds
