r"""The ROC curve and the area under it, for scores that rank samples.

A classifier that outputs a score :math:`s_i` (a logit or a probability) predicts
"positive" for every sample with :math:`s_i \ge t`. Lowering the threshold :math:`t`
from :math:`+\infty` to the smallest score moves from predicting nothing positive to
predicting everything positive; the ROC curve traces the true-positive rate against
the false-positive rate along the way, the precision-recall curve the precision against
the recall. The numbers equal ``sklearn.metrics``.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._validation import as_float_array, as_label_array, check_int, check_same_shape
from .classification import UndefinedMetricWarning

__all__ = ["roc_curve", "roc_auc_score", "precision_recall_curve"]


def _check_scored_labels(y_true, y_score):
    y_true = as_label_array(y_true, "y_true")
    y_score = as_float_array(y_score, "y_score", ndim=1)
    check_same_shape(y_true, "y_true", y_score, "y_score")
    return y_true, y_score


_IMPLICIT_BINARY_LABELS = ({0, 1}, {-1, 1}, {0}, {-1}, {1})


def _check_pos_label(pos_label, y_true) -> int:
    """``pos_label``, or 1 when it is None and ``y_true`` is in {0, 1} or {-1, 1} (sklearn's rule).

    Any other labels need an explicit ``pos_label``: guessing which class is positive
    would silently score the wrong one.
    """
    if pos_label is not None:
        return check_int(pos_label, "pos_label")
    classes = np.unique(y_true)
    if set(classes.tolist()) not in _IMPLICIT_BINARY_LABELS:
        shown = ", ".join(str(c) for c in classes.tolist())
        raise ValueError(
            f"y_true takes values in {{{shown}}} and pos_label is not specified: either make "
            f"y_true take values in {{0, 1}} or {{-1, 1}} or pass pos_label explicitly, "
            f"e.g. pos_label={classes[-1]}."
        )
    return 1


def _counts_at_thresholds(is_positive, y_score):
    """False and true positives when predicting "positive" for ``score >= t``, at each distinct score t.

    Returns ``(fps, tps, thresholds)``, thresholds in decreasing order; tied scores
    share one threshold.
    """
    order = np.argsort(y_score, kind="stable")[::-1]
    score = y_score[order]
    positive = is_positive[order]
    last_of_each_score = np.r_[np.flatnonzero(np.diff(score)), score.size - 1]
    tps = np.cumsum(positive)[last_of_each_score]
    fps = 1 + last_of_each_score - tps
    return fps, tps, score[last_of_each_score]


def roc_curve(y_true, y_score, *, pos_label=None, drop_intermediate=True):
    r"""The receiver operating characteristic: true-positive against false-positive rate.

    For each threshold :math:`t` (each distinct score, from the largest down) the
    samples with :math:`s_i \ge t` are predicted positive, and

    .. math::
        \mathrm{FPR}(t) = \frac{\#\{i : s_i \ge t,\ y_i \ne p\}}{\#\{i : y_i \ne p\}},\qquad
        \mathrm{TPR}(t) = \frac{\#\{i : s_i \ge t,\ y_i = p\}}{\#\{i : y_i = p\}}

    with :math:`p` = ``pos_label``. A first threshold :math:`t_0 = +\infty` adds the
    point :math:`(0, 0)`; the last threshold, the smallest score, gives :math:`(1, 1)`.

    Parameters
    ----------
    y_true : array_like of int, shape (n,)
        The true labels; ``pos_label`` is positive, every other label negative.
    y_score : array_like of float, shape (n,)
        The scores :math:`s`; larger means "more positive".
    pos_label : int, optional
        The positive class :math:`p`. By default (``None``) ``y_true`` must take values in
        {0, 1} or {-1, 1} and :math:`p = 1`; other labels (e.g. {0, 2}, or more than two
        classes) raise a ``ValueError`` asking for ``pos_label``, as in scikit-learn.
    drop_intermediate : bool, default=True
        Leave out thresholds whose point lies on a straight segment between its
        neighbours; the plotted curve and its area are unchanged.

    Returns
    -------
    fpr : ndarray of float64, shape (m,)
        Increasing false-positive rates, from 0 to 1.
    tpr : ndarray of float64, shape (m,)
        Increasing true-positive rates, from 0 to 1.
    thresholds : ndarray of float64, shape (m,)
        Decreasing thresholds; ``thresholds[0]`` is ``np.inf``.

    Raises
    ------
    ValueError
        When ``pos_label`` is None and ``y_true`` is not in {0, 1} or {-1, 1}.

    Warns
    -----
    UndefinedMetricWarning
        When ``y_true`` has no negative (or no positive) sample; ``fpr`` (or ``tpr``) is then NaN.

    Examples
    --------
    >>> fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> print(fpr, tpr, thresholds)
    [0.  0.  0.5 0.5 1. ] [0.  0.5 0.5 1.  1. ] [ inf 0.8  0.4  0.35 0.1 ]
    >>> fpr, tpr, _ = roc_curve([0, 0, 2, 2], [0.1, 0.4, 0.35, 0.8], pos_label=2)
    >>> print(tpr)
    [0.  0.5 0.5 1.  1. ]
    """
    y_true, y_score = _check_scored_labels(y_true, y_score)
    pos_label = _check_pos_label(pos_label, y_true)
    if not isinstance(drop_intermediate, (bool, np.bool_)):
        raise TypeError(
            f"drop_intermediate must be True or False; got {type(drop_intermediate).__name__} "
            f"{drop_intermediate!r}."
        )
    is_positive = (y_true == pos_label).astype(np.float64)
    fps, tps, thresholds = _counts_at_thresholds(is_positive, y_score)

    if drop_intermediate and fps.size > 2:
        is_corner = (np.diff(fps, 2) != 0) | (np.diff(tps, 2) != 0)
        keep = np.r_[True, is_corner, True]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]

    fps = np.r_[0.0, fps]
    tps = np.r_[0.0, tps]
    thresholds = np.r_[np.inf, thresholds]

    if fps[-1] <= 0:
        warnings.warn("No negative samples in y_true, false positive value should be meaningless",
                      UndefinedMetricWarning, stacklevel=2)
        fpr = np.full(fps.shape, np.nan)
    else:
        fpr = fps / fps[-1]
    if tps[-1] <= 0:
        warnings.warn("No positive samples in y_true, true positive value should be meaningless",
                      UndefinedMetricWarning, stacklevel=2)
        tpr = np.full(tps.shape, np.nan)
    else:
        tpr = tps / tps[-1]
    return fpr, tpr, thresholds


def roc_auc_score(y_true, y_score) -> float:
    r"""The area under the ROC curve (trapezoidal rule), for two classes.

    .. math::
        \mathrm{AUC} = \sum_{j=1}^{m-1} (\mathrm{FPR}_{j} - \mathrm{FPR}_{j-1})\,
                       \frac{\mathrm{TPR}_{j} + \mathrm{TPR}_{j-1}}{2}

    It equals the probability that a random positive sample scores higher than a
    random negative one, ties counting one half: 1 for a perfect ranking, 0.5 for
    random scores.

    Parameters
    ----------
    y_true : array_like of int, shape (n,)
        Labels of two classes; the larger label is the positive class (1 for {0, 1}).
    y_score : array_like of float, shape (n,)
        The scores; larger means "more positive".

    Returns
    -------
    auc : float
        In :math:`[0, 1]`.

    Examples
    --------
    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    >>> roc_auc_score([0, 1], [0.5, 0.5])
    0.5
    """
    y_true, y_score = _check_scored_labels(y_true, y_score)
    classes = np.unique(y_true)
    if classes.size == 1:
        raise ValueError(
            f"Only one class is present in y_true (every label is {classes[0]}); ROC AUC is "
            "not defined in that case. It needs positive and negative samples."
        )
    if classes.size > 2:
        raise ValueError(
            f"roc_auc_score needs labels of two classes; y_true holds {classes.size} classes "
            f"{classes.tolist()}."
        )
    fpr, tpr, _ = roc_curve(y_true, y_score, pos_label=int(classes[1]))
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))


def precision_recall_curve(y_true, y_score, *, pos_label=None, drop_intermediate=False):
    r"""Precision and recall of the rule "positive if :math:`s_i \ge t`" at every threshold.

    For each threshold :math:`t` (each distinct score, from the smallest up)

    .. math::
        \mathrm{precision}(t) = \frac{\mathrm{TP}(t)}{\mathrm{TP}(t) + \mathrm{FP}(t)},\qquad
        \mathrm{recall}(t) = \frac{\mathrm{TP}(t)}{\#\{i : y_i = p\}}

    with :math:`\mathrm{TP}(t) = \#\{i : s_i \ge t,\ y_i = p\}`,
    :math:`\mathrm{FP}(t) = \#\{i : s_i \ge t,\ y_i \ne p\}` and :math:`p` = ``pos_label``.
    A last point (recall 0, precision 1), with no threshold, ends the curve, as in
    scikit-learn. Unlike the ROC curve, the precision-recall curve need not be monotone.

    Parameters
    ----------
    y_true : array_like of int, shape (n,)
        The true labels; ``pos_label`` is positive, every other label negative.
    y_score : array_like of float, shape (n,)
        The scores; larger means "more positive".
    pos_label : int, optional
        The positive class :math:`p`; by default ``y_true`` must take values in {0, 1} or
        {-1, 1} and :math:`p = 1` (as for :func:`roc_curve`).
    drop_intermediate : bool, default=False
        Keep only the first and last threshold of each run of equal recall (the plotted
        curve is unchanged).

    Returns
    -------
    precision : ndarray of float64, shape (m + 1,)
        ``precision[j]`` at ``thresholds[j]``; the last entry is 1.
    recall : ndarray of float64, shape (m + 1,)
        Decreasing recalls; the last entry is 0.
    thresholds : ndarray of float64, shape (m,)
        Increasing thresholds, the distinct scores.

    Warns
    -----
    UserWarning
        When ``y_true`` has no positive sample; recall is then 1 at every threshold.

    Examples
    --------
    >>> precision, recall, thresholds = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> print(precision, recall, thresholds)
    [0.5        0.66666667 0.5        1.         1.        ] [1.  1.  0.5 0.5 0. ] [0.1  0.35 0.4  0.8 ]
    """
    y_true, y_score = _check_scored_labels(y_true, y_score)
    pos_label = _check_pos_label(pos_label, y_true)
    if not isinstance(drop_intermediate, (bool, np.bool_)):
        raise TypeError(
            f"drop_intermediate must be True or False; got {type(drop_intermediate).__name__} "
            f"{drop_intermediate!r}."
        )
    is_positive = (y_true == pos_label).astype(np.float64)
    fps, tps, thresholds = _counts_at_thresholds(is_positive, y_score)   # thresholds decreasing

    if drop_intermediate and fps.size > 2:
        recall_changes = (np.diff(tps[:-1]) != 0) | (np.diff(tps[1:]) != 0)
        keep = np.r_[True, recall_changes, True]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]

    predicted_positive = tps + fps                        # never 0: the threshold is a score
    precision = tps / predicted_positive
    if tps[-1] == 0:
        warnings.warn("No positive class found in y_true, recall is set to one for all thresholds.",
                      UserWarning, stacklevel=2)
        recall = np.ones_like(tps)
    else:
        recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1]
