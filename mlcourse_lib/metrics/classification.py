r"""Classification metrics from counts of right and wrong predictions.

Every metric here is computed from integer class labels and returns the same
numbers as ``sklearn.metrics``, edge cases included. Precision, recall and
:math:`F_1` look at one class :math:`k` at a time as a yes/no problem and count

.. math::
    \mathrm{TP}_k = \#\{i : y_i = k,\ \hat y_i = k\},\quad
    \mathrm{FP}_k = \#\{i : y_i \ne k,\ \hat y_i = k\},\quad
    \mathrm{FN}_k = \#\{i : y_i = k,\ \hat y_i \ne k\}.

When a ratio is :math:`0/0` (a class that is never predicted has no precision),
the result is set by ``zero_division``: with the default ``"warn"`` it is 0.0
and an :class:`UndefinedMetricWarning` says so.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .._validation import as_label_array, check_int, check_same_shape

__all__ = [
    "UndefinedMetricWarning",
    "confusion_matrix",
    "accuracy_score",
    "precision_score",
    "recall_score",
    "f1_score",
    "precision_recall_fscore_support",
]

_AVERAGES = ("binary", "micro", "macro", "weighted", None)


class UndefinedMetricWarning(UserWarning):
    """A metric is undefined for the given labels (a 0/0 ratio) and was set by ``zero_division``."""


# --- validation shared by the functions of this module ---------------------------------------

def _check_label_pair(y_true, y_pred):
    """1-D int64 label arrays of the same shape."""
    y_true = as_label_array(y_true, "y_true")
    y_pred = as_label_array(y_pred, "y_pred")
    check_same_shape(y_true, "y_true", y_pred, "y_pred")
    return y_true, y_pred


def _check_zero_division(zero_division):
    """The value a 0/0 ratio takes: 0.0 for ``"warn"``, else ``zero_division`` (0.0, 1.0 or NaN)."""
    if isinstance(zero_division, str) and zero_division == "warn":
        return 0.0
    if isinstance(zero_division, numbers.Real) and not isinstance(zero_division, bool):
        if zero_division in (0, 1):
            return float(zero_division)
        if np.isnan(zero_division):
            return np.nan
    raise ValueError(
        f"zero_division must be 'warn', 0.0, 1.0 or np.nan; got zero_division={zero_division!r}."
    )


def _check_average(average):
    if not (average is None or (isinstance(average, str) and average in _AVERAGES)):
        options = ", ".join(repr(a) for a in _AVERAGES)
        raise ValueError(f"average must be one of {options}; got average={average!r}.")
    return average


def _check_labels(labels):
    """``labels`` as int64 labels without repeats."""
    labels = as_label_array(labels, "labels")
    unique, counts = np.unique(labels, return_counts=True)
    if np.any(counts > 1):
        raise ValueError(f"labels must not repeat; got {unique[counts > 1][0]} more than once.")
    return labels


def _labels_to_score(y_true, y_pred, *, average, labels, pos_label):
    """The classes whose one-vs-rest scores are computed (sklearn's ``_check_set_wise_labels``).

    ``average="binary"`` scores ``pos_label`` only and needs at most two classes in
    ``y_true`` and ``y_pred`` together; the other averages score ``labels`` (default:
    every class that occurs) and ignore ``pos_label``.
    """
    present = np.union1d(y_true, y_pred)
    if average == "binary":
        if present.size > 2:
            raise ValueError(
                f"Target is multiclass (y_true and y_pred hold the {present.size} classes "
                f"{present.tolist()}) but average='binary'; choose another average setting, "
                "one of None, 'micro', 'macro', 'weighted'."
            )
        if pos_label not in present and present.size == 2:
            raise ValueError(
                f"pos_label={pos_label} is not a valid label; it should be one of {present.tolist()}."
            )
        return np.array([pos_label], dtype=np.int64)
    if pos_label != 1:
        warnings.warn(
            f"pos_label={pos_label} is ignored when average != 'binary' (got {average!r}). "
            "Use labels=[pos_label] to score a single positive class.",
            UserWarning,
            stacklevel=4,
        )
    return present if labels is None else _check_labels(labels)


# --- counts ----------------------------------------------------------------------------------

def _one_hot(y, labels):
    """Boolean matrix of shape (n, K): entry (i, k) says ``y[i] == labels[k]``."""
    return y[:, None] == labels[None, :]


def _one_vs_rest_counts(y_true, y_pred, labels):
    r"""True positives, false positives and false negatives of each label, shape (K,) each.

    .. math::
        \mathrm{TP}_k = \sum_i [y_i = k][\hat y_i = k],\quad
        \mathrm{FP}_k = \sum_i [y_i \ne k][\hat y_i = k],\quad
        \mathrm{FN}_k = \sum_i [y_i = k][\hat y_i \ne k]
    """
    is_true = _one_hot(y_true, labels)
    is_pred = _one_hot(y_pred, labels)
    tp = np.sum(is_true & is_pred, axis=0, dtype=np.int64)
    fp = np.sum(~is_true & is_pred, axis=0, dtype=np.int64)
    fn = np.sum(is_true & ~is_pred, axis=0, dtype=np.int64)
    return tp, fp, fn


def _divide(numerator, denominator, *, zero_division, warn, metric, missing):
    """``numerator / denominator`` element-wise; a 0/0 entry becomes the ``zero_division`` value.

    With ``zero_division="warn"`` and ``warn=True`` an :class:`UndefinedMetricWarning`
    names the metric and what is missing (``"predicted"`` samples for precision).
    """
    value_if_undefined = _check_zero_division(zero_division)
    undefined = denominator == 0
    ratio = np.asarray(numerator, dtype=np.float64) / np.where(undefined, 1, denominator)
    ratio[undefined] = value_if_undefined
    if warn and np.any(undefined) and isinstance(zero_division, str):
        where = "due to" if ratio.size == 1 else "in labels with"
        warnings.warn(
            f"{metric} is ill-defined and being set to 0.0 {where} no {missing} samples. "
            "Use `zero_division` parameter to control this behavior.",
            UndefinedMetricWarning,
            stacklevel=4,
        )
    return ratio


def _nan_average(values, weights=None):
    """Weighted mean of the non-NaN ``values``; the plain mean when their weights sum to 0."""
    keep = ~np.isnan(values)
    if not np.any(keep):
        return np.nan
    if weights is None:
        return np.nanmean(values)
    if np.sum(weights[keep]) == 0:
        return np.mean(values[keep])
    return np.average(values[keep], weights=weights[keep])


def _precision_recall_f1_support(y_true, y_pred, *, average, pos_label, labels, zero_division,
                                 warn_for):
    """Precision, recall, F1 and support from the one-vs-rest counts, computed once."""
    average = _check_average(average)
    _check_zero_division(zero_division)
    pos_label = check_int(pos_label, "pos_label")
    y_true, y_pred = _check_label_pair(y_true, y_pred)
    labels = _labels_to_score(y_true, y_pred, average=average, labels=labels, pos_label=pos_label)

    tp, fp, fn = _one_vs_rest_counts(y_true, y_pred, labels)
    support = tp + fn
    if average == "micro":
        tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)

    precision = _divide(tp, tp + fp, zero_division=zero_division, warn="precision" in warn_for,
                        metric="Precision", missing="predicted")
    recall = _divide(tp, tp + fn, zero_division=zero_division, warn="recall" in warn_for,
                     metric="Recall", missing="true")
    f1 = _divide(2 * tp, 2 * tp + fp + fn, zero_division=zero_division, warn="f1" in warn_for,
                 metric="F-score", missing="true nor predicted")

    if average is None:
        return precision, recall, f1, support
    weights = support if average == "weighted" else None
    return (float(_nan_average(precision, weights)), float(_nan_average(recall, weights)),
            float(_nan_average(f1, weights)), None)


# --- public metrics --------------------------------------------------------------------------

def confusion_matrix(y_true, y_pred, *, labels=None):
    r"""Count how often each true class is predicted as each class.

    .. math::
        C_{jk} = \#\{i : y_i = \ell_j,\ \hat y_i = \ell_k\}

    Row :math:`j` is the true class :math:`\ell_j`, column :math:`k` the predicted
    class :math:`\ell_k` (scikit-learn's convention): the diagonal holds the correct
    predictions, row sums are the class sizes in ``y_true``.

    Parameters
    ----------
    y_true : array_like of int, shape (n,)
        The true labels :math:`y`.
    y_pred : array_like of int, shape (n,)
        The predicted labels :math:`\hat y`.
    labels : array_like of int, shape (K,), optional
        The classes :math:`\ell_1, \dots, \ell_K` and their order. Default: every
        label of ``y_true`` or ``y_pred``, sorted. Samples whose true or predicted
        label is not in ``labels`` are left out.

    Returns
    -------
    cm : ndarray of int64, shape (K, K)
        ``cm[j, k]`` counts the samples of true class ``labels[j]`` predicted as ``labels[k]``.

    Warns
    -----
    UserWarning
        When there is a single class (a 1×1 matrix); pass ``labels`` to get all classes.

    Examples
    --------
    >>> confusion_matrix([0, 0, 1, 1, 2], [0, 1, 1, 1, 0])
    array([[1, 1, 0],
           [0, 2, 0],
           [1, 0, 0]])
    >>> confusion_matrix([1, 1], [1, 0], labels=[1, 0])
    array([[1, 1],
           [0, 0]])
    """
    y_true, y_pred = _check_label_pair(y_true, y_pred)
    if labels is None:
        labels = np.union1d(y_true, y_pred)
    else:
        labels = _check_labels(labels)
        if not np.any(np.isin(y_true, labels)):
            raise ValueError(
                f"labels={labels.tolist()} contains none of the labels of y_true "
                f"{np.unique(y_true).tolist()}; at least one label specified must be in y_true."
            )
    if labels.size == 1:
        warnings.warn(
            "A single label was found in 'y_true' and 'y_pred'. For the confusion matrix to "
            "have the correct shape, use the 'labels' parameter to pass all known labels.",
            UserWarning,
            stacklevel=2,
        )
    is_true = _one_hot(y_true, labels).astype(np.int64)
    is_pred = _one_hot(y_pred, labels).astype(np.int64)
    return is_true.T @ is_pred


def accuracy_score(y_true, y_pred) -> float:
    r"""The fraction of correct predictions.

    .. math::
        \mathrm{accuracy} = \frac{1}{n}\sum_{i=1}^{n} [\hat y_i = y_i]

    Parameters
    ----------
    y_true : array_like of int, shape (n,)
        The true labels.
    y_pred : array_like of int, shape (n,)
        The predicted labels.

    Returns
    -------
    accuracy : float
        In :math:`[0, 1]`.

    Examples
    --------
    >>> accuracy_score([0, 1, 2, 1], [0, 1, 1, 1])
    0.75
    """
    y_true, y_pred = _check_label_pair(y_true, y_pred)
    correct = y_pred == y_true
    return float(np.mean(correct))


_SCORE_PARAMETERS = r"""
    Parameters
    ----------
    y_true : array_like of int, shape (n,)
        The true labels.
    y_pred : array_like of int, shape (n,)
        The predicted labels.
    average : {"binary", "micro", "macro", "weighted"} or None, default=%(average)r
        - ``"binary"``: the score of class ``pos_label`` only; ``y_true`` and ``y_pred``
          together may hold at most two classes.
        - ``"micro"``: one score from the counts summed over the classes,
          e.g. :math:`\sum_k \mathrm{TP}_k / \sum_k (\mathrm{TP}_k + \mathrm{FP}_k)`.
        - ``"macro"``: the unweighted mean of the per-class scores.
        - ``"weighted"``: the mean of the per-class scores weighted by their support
          (the class sizes in ``y_true``).
        - ``None``: the per-class scores, in the order of ``labels``.
    pos_label : int, default=1
        The positive class for ``average="binary"``; ignored (with a warning when not 1)
        otherwise.
    labels : array_like of int, optional
        The classes to score and their order for the averages other than ``"binary"``.
        Default: every label of ``y_true`` or ``y_pred``, sorted. A class that occurs in
        neither gets zero counts.
    zero_division : {"warn", 0.0, 1.0, np.nan}, default="warn"
        The value of a 0/0 ratio. ``"warn"`` gives 0.0 and an
        :class:`UndefinedMetricWarning`; ``np.nan`` leaves such classes out of the averages.
"""


def precision_score(y_true, y_pred, *, average="binary", pos_label=1, labels=None,
                    zero_division="warn"):
    r"""Precision: the fraction of the samples predicted as a class that belong to it.

    .. math::
        \mathrm{precision}_k = \frac{\mathrm{TP}_k}{\mathrm{TP}_k + \mathrm{FP}_k}

    Undefined (0/0) for a class that is never predicted.
    %(parameters)s
    Returns
    -------
    precision : float, or ndarray of float64 of shape (K,) for ``average=None``

    Examples
    --------
    >>> precision_score([0, 1, 1, 1], [1, 1, 1, 0])
    0.6666666666666666
    >>> print(precision_score([0, 1, 2, 2, 2], [0, 2, 1, 2, 0], average=None))
    [0.5 0.  0.5]
    """
    precision, _, _, _ = _precision_recall_f1_support(
        y_true, y_pred, average=average, pos_label=pos_label, labels=labels,
        zero_division=zero_division, warn_for=("precision",),
    )
    return precision


def recall_score(y_true, y_pred, *, average="binary", pos_label=1, labels=None,
                 zero_division="warn"):
    r"""Recall: the fraction of the samples of a class that are predicted as that class.

    .. math::
        \mathrm{recall}_k = \frac{\mathrm{TP}_k}{\mathrm{TP}_k + \mathrm{FN}_k}

    Undefined (0/0) for a class that does not occur in ``y_true``.
    %(parameters)s
    Returns
    -------
    recall : float, or ndarray of float64 of shape (K,) for ``average=None``

    Examples
    --------
    >>> recall_score([0, 1, 1, 1], [1, 1, 1, 0])
    0.6666666666666666
    >>> round(recall_score([0, 1, 2, 2, 2], [0, 2, 1, 2, 0], average="macro"), 4)
    0.4444
    """
    _, recall, _, _ = _precision_recall_f1_support(
        y_true, y_pred, average=average, pos_label=pos_label, labels=labels,
        zero_division=zero_division, warn_for=("recall",),
    )
    return recall


def f1_score(y_true, y_pred, *, average="binary", pos_label=1, labels=None, zero_division="warn"):
    r"""The :math:`F_1` score: the harmonic mean of precision and recall.

    .. math::
        F_{1,k} = \frac{2\,\mathrm{precision}_k\,\mathrm{recall}_k}
                       {\mathrm{precision}_k + \mathrm{recall}_k}
                = \frac{2\,\mathrm{TP}_k}{2\,\mathrm{TP}_k + \mathrm{FP}_k + \mathrm{FN}_k}

    It is computed from the counts (the right-hand form, as scikit-learn ≥ 1.3 does), so
    it is defined whenever the class occurs in ``y_true`` or ``y_pred``, even when its
    precision or recall is 0/0; it is 0/0 only when the class occurs in neither.
    %(parameters)s
    Returns
    -------
    f1 : float, or ndarray of float64 of shape (K,) for ``average=None``

    Examples
    --------
    >>> f1_score([0, 1, 1, 1], [1, 1, 1, 0])
    0.6666666666666666
    >>> round(f1_score([0, 1, 2, 2, 2], [0, 2, 1, 2, 0], average="weighted"), 4)
    0.3733
    """
    _, _, f1, _ = _precision_recall_f1_support(
        y_true, y_pred, average=average, pos_label=pos_label, labels=labels,
        zero_division=zero_division, warn_for=("f1",),
    )
    return f1


def precision_recall_fscore_support(y_true, y_pred, *, average=None, pos_label=1, labels=None,
                                    zero_division="warn"):
    r"""Precision, recall, :math:`F_1` and support of each class, or their averages.

    .. math::
        \mathrm{precision}_k = \frac{\mathrm{TP}_k}{\mathrm{TP}_k + \mathrm{FP}_k},\quad
        \mathrm{recall}_k = \frac{\mathrm{TP}_k}{\mathrm{TP}_k + \mathrm{FN}_k},\quad
        F_{1,k} = \frac{2\,\mathrm{TP}_k}{2\,\mathrm{TP}_k + \mathrm{FP}_k + \mathrm{FN}_k},\quad
        \mathrm{support}_k = \mathrm{TP}_k + \mathrm{FN}_k

    The counts are computed once for all four (as ``sklearn.metrics.precision_recall_fscore_support``
    with ``beta=1``).
    %(parameters)s
    Returns
    -------
    precision, recall, f1 : float, or ndarray of float64 of shape (K,) for ``average=None``
    support : ndarray of int64 of shape (K,) for ``average=None``, else None
        The number of samples of each class in ``y_true``.

    Examples
    --------
    >>> p, r, f, s = precision_recall_fscore_support([0, 1, 2, 2, 2], [0, 2, 1, 2, 0])
    >>> print(p, np.round(r, 3), np.round(f, 3), s)
    [0.5 0.  0.5] [1.    0.    0.333] [0.667 0.    0.4  ] [1 1 3]
    """
    return _precision_recall_f1_support(
        y_true, y_pred, average=average, pos_label=pos_label, labels=labels,
        zero_division=zero_division, warn_for=("precision", "recall", "f1"),
    )


for _function, _average in ((precision_score, "binary"), (recall_score, "binary"),
                            (f1_score, "binary"), (precision_recall_fscore_support, None)):
    _function.__doc__ = _function.__doc__.replace(
        "%(parameters)s", _SCORE_PARAMETERS.replace("%(average)r", repr(_average)))
del _function, _average
