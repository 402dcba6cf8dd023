"""Exercises on evaluation metrics (chapter "Evaluation metrics").

Every reference is a function of :mod:`mlcourse_lib.metrics`, whose numbers equal
``sklearn.metrics`` (``tests/test_metrics.py`` and ``tests/test_metrics_exercises.py`` prove it).
"""

from __future__ import annotations

import numpy as np

from ...metrics import confusion_matrix, precision_recall_fscore_support, r2_score, roc_auc_score
from ..spec import Case, Exercise, Mistake

CHAPTER = "06_evaluation_metrics"


def _ints(values):
    return np.array(values, dtype=np.int64)


def _floats(values):
    return np.array(values, dtype=np.float64)


# --- confusion_matrix ------------------------------------------------------------------------

def _counts(y_true, y_pred, labels):
    """C[j, k] = #{i : y_true[i] = labels[j], y_pred[i] = labels[k]}; other labels left out."""
    position = {int(label): k for k, label in enumerate(labels)}
    cm = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        if int(t) in position and int(p) in position:
            cm[position[int(t)], position[int(p)]] += 1
    return cm


def _labels_or_union(y_true, y_pred, labels):
    return np.union1d(y_true, y_pred) if labels is None else labels


def _cm_off_by_one(y_true, y_pred, labels=None):
    K = len(_labels_or_union(y_true, y_pred, labels))
    cm = np.zeros((K, K), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        cm[t - 1, p - 1] += 1          # label 1 in row 0: label 0 wraps around to the last row
    return cm


def _cm_one_hot(y_true, y_pred, labels=None):
    labels = np.asarray(_labels_or_union(y_true, y_pred, labels))
    true_one_hot = (y_true[:, None] == labels[None, :]).astype(int)
    pred_one_hot = (y_pred[:, None] == labels[None, :]).astype(int)
    return true_one_hot.T @ pred_one_hot


def _cm_nested_loops(y_true, y_pred, labels=None):
    labels = list(_labels_or_union(y_true, y_pred, labels))
    return np.array([[int(np.sum((y_true == a) & (y_pred == b))) for b in labels] for a in labels])


def _cm_add_at(y_true, y_pred, labels=None):
    labels = np.asarray(_labels_or_union(y_true, y_pred, labels))
    order = np.argsort(labels)
    rows = order[np.searchsorted(labels[order], y_true)]
    cols = order[np.searchsorted(labels[order], y_pred)]
    cm = np.zeros((len(labels), len(labels)), dtype=int)
    np.add.at(cm, (rows, cols), 1)
    return cm


def _confusion_cases(rng, hidden):
    def random_problem(n_classes, n):
        classes = np.sort(rng.choice(10, size=n_classes, replace=False))
        y_true = rng.choice(classes, size=n)
        y_true[:2] = classes[:2]                          # at least two classes
        y_pred = np.where(rng.random(n) < 0.6, y_true, rng.choice(classes, size=n))
        return y_true, y_pred, classes

    if not hidden:
        return [
            Case("eight samples, three classes",
                 (_ints([0, 1, 2, 2, 1, 0, 2, 1]), _ints([0, 2, 2, 1, 1, 0, 0, 1]))),
            Case("class 3 is never predicted",
                 (_ints([1, 3, 2, 3, 1, 2, 2]), _ints([1, 2, 2, 1, 1, 2, 1]))),
            Case("labels in a given order, with a class that has no samples",
                 (_ints([0, 2, 1, 2, 0, 1]), _ints([2, 2, 1, 0, 0, 0])), {"labels": _ints([2, 0, 3, 1])}),
            Case("positive class first: labels [1, 0]",
                 (_ints([1, 1, 0, 1, 0]), _ints([1, 0, 0, 1, 1])), {"labels": _ints([1, 0])}),
            Case("class 4 is predicted but never true",
                 (_ints([0, 0, 1, 2, 1, 2]), _ints([0, 4, 1, 2, 2, 4]))),
        ]
    y_true, y_pred, classes = random_problem(int(rng.integers(2, 6)), int(rng.integers(8, 40)))
    y_true2, y_pred2, classes2 = random_problem(int(rng.integers(2, 6)), int(rng.integers(8, 40)))
    extra = np.setdiff1d(np.arange(12), classes2)[:1]
    return [
        Case("labels reversed, class 2 has no samples",
             (_ints([0, 1, 3, 3, 0, 1, 4]), _ints([1, 1, 3, 0, 0, 4, 4])), {"labels": _ints([4, 3, 2, 1, 0])}),
        Case("class 0 is never predicted",
             (_ints([0, 2, 1, 0, 2, 1, 0]), _ints([1, 2, 1, 2, 2, 1, 1]))),
        Case("class 5 is predicted but never true",
             (_ints([3, 1, 1, 3, 2]), _ints([5, 1, 3, 3, 5]))),
        Case("random: labels inferred", (y_true, y_pred)),
        Case("random: labels shuffled, one class without samples",
             (y_true2, y_pred2), {"labels": rng.permutation(np.r_[classes2, extra])}),
    ]


CONFUSION_MATRIX = Exercise(
    id="confusion_matrix",
    title="Confusion matrix",
    reference=confusion_matrix,
    cases=_confusion_cases,
    points=2,
    mistakes=(
        Mistake("transposed (rows = predicted)",
                "Row j is the true class labels[j] and column k the predicted class labels[k], so "
                "a row sums to the number of samples of its true class; you counted "
                "cm[predicted, true].",
                lambda y_true, y_pred, labels=None: _counts(
                    y_pred, y_true, _labels_or_union(y_true, y_pred, labels))),
        Mistake("labels argument ignored",
                "When labels is given, it sets the rows and columns and their order, and a label "
                "with no samples still gets its (zero) row and column; the sorted union of y_true "
                "and y_pred is only the default for labels=None.",
                lambda y_true, y_pred, labels=None: _counts(y_true, y_pred, np.union1d(y_true, y_pred))),
        Mistake("classes taken from y_pred only",
                "A class the model never predicts still has true samples, and they need a row: "
                "by default the classes are the sorted union of y_true and y_pred.",
                lambda y_true, y_pred, labels=None: _counts(
                    y_true, y_pred, np.unique(y_pred) if labels is None else labels)),
        Mistake("classes taken from y_true only",
                "A class that is predicted but never true still needs a column for those wrong "
                "predictions: by default the classes are the sorted union of y_true and y_pred.",
                lambda y_true, y_pred, labels=None: _counts(
                    y_true, y_pred, np.unique(y_true) if labels is None else labels)),
        Mistake("fractions instead of counts",
                "The confusion matrix holds integer counts; divide by the number of samples (or "
                "by each row's sum) only when you want rates, and say so.",
                lambda y_true, y_pred, labels=None: _counts(
                    y_true, y_pred, _labels_or_union(y_true, y_pred, labels)) / len(y_true)),
        Mistake("off by one: label - 1 as the index",
                "The row of a sample is the position of its label in labels, counted from 0; "
                "label - 1 puts label 0 at index -1, which numpy wraps around to the last row.",
                _cm_off_by_one),
    ),
    alternatives=(_cm_one_hot, _cm_nested_loops, _cm_add_at),
    hints=(
        "Fix the list of classes first (the labels argument, or the sorted classes that occur in "
        "either array), then count each sample once in the cell of its true and its predicted class.",
        "Map each class to its position in that list (0, 1, ..., K-1). A sample of true class a "
        "predicted as b adds 1 to row position(a), column position(b). Classes without samples "
        "keep a row and a column of zeros.",
        "C[j, k] = number of i with y_true[i] = labels[j] and y_pred[i] = labels[k], an integer "
        "K × K array.",
    ),
)


# --- precision_recall_f1 ---------------------------------------------------------------------

def precision_recall_f1(y_true, y_pred, *, zero_division=0.0):
    """The reference: precision, recall and F1 of class 1 (``sklearn.metrics`` numbers)."""
    precision, recall, f1, _ = precision_recall_fscore_support(
        y_true, y_pred, average="binary", pos_label=1, zero_division=zero_division)
    return precision, recall, f1


def _tp_fp_fn_tn(y_true, y_pred):
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    fp = int(np.sum((y_true == 0) & (y_pred == 1)))
    fn = int(np.sum((y_true == 1) & (y_pred == 0)))
    tn = int(np.sum((y_true == 0) & (y_pred == 0)))
    return tp, fp, fn, tn


def _ratio(numerator, denominator, zero_division):
    return numerator / denominator if denominator > 0 else float(zero_division)


def _prf_harmonic(y_true, y_pred, *, zero_division=0.0):
    tp, fp, fn, _ = _tp_fp_fn_tn(y_true, y_pred)
    precision = _ratio(tp, tp + fp, zero_division)
    recall = _ratio(tp, tp + fn, zero_division)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return precision, recall, f1


def _prf_counts(y_true, y_pred, *, zero_division=0.0):
    tp, fp, fn, _ = _tp_fp_fn_tn(y_true, y_pred)
    return (_ratio(tp, tp + fp, zero_division), _ratio(tp, tp + fn, zero_division),
            _ratio(2 * tp, 2 * tp + fp + fn, zero_division))


def _prf_sums(y_true, y_pred, *, zero_division=0.0):
    predicted, actual = y_pred == 1, y_true == 1
    hits = np.sum(predicted & actual)
    precision = hits / predicted.sum() if predicted.any() else zero_division
    recall = hits / actual.sum() if actual.any() else zero_division
    both = predicted.sum() + actual.sum()
    f1 = 2 * hits / both if both else zero_division
    return float(precision), float(recall), float(f1)


def _prf_swapped(y_true, y_pred, *, zero_division=0.0):
    precision, recall, f1 = _prf_counts(y_true, y_pred, zero_division=zero_division)
    return recall, precision, f1


def _prf_arithmetic_mean(y_true, y_pred, *, zero_division=0.0):
    precision, recall, _ = _prf_counts(y_true, y_pred, zero_division=zero_division)
    return precision, recall, (precision + recall) / 2


def _prf_nan(y_true, y_pred, *, zero_division=0.0):
    tp, fp, fn, _ = (np.float64(c) for c in _tp_fp_fn_tn(y_true, y_pred))
    with np.errstate(invalid="ignore"):
        return float(tp / (tp + fp)), float(tp / (tp + fn)), float(2 * tp / (2 * tp + fp + fn))


def _prf_zero_always(y_true, y_pred, *, zero_division=0.0):
    return _prf_counts(y_true, y_pred, zero_division=0.0)


def _prf_tn_for_fp(y_true, y_pred, *, zero_division=0.0):
    tp, _, fn, tn = _tp_fp_fn_tn(y_true, y_pred)
    precision = _ratio(tp, tp + tn, zero_division)
    recall = _ratio(tp, tp + fn, zero_division)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return precision, recall, f1


def _prf_cases(rng, hidden):
    def random_problem(n, p_positive):
        y_true = (rng.random(n) < p_positive).astype(np.int64)
        y_pred = np.where(rng.random(n) < 0.7, y_true, rng.integers(0, 2, size=n))
        return y_true, y_pred

    if not hidden:
        return [
            Case("ten samples: TP = 3, FP = 1, FN = 2, TN = 4",
                 (_ints([1, 1, 1, 0, 1, 0, 0, 1, 0, 0]), _ints([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]))),
            Case("nothing predicted positive, zero_division=1.0",
                 (_ints([1, 0, 1, 0, 0, 0]), _ints([0, 0, 0, 0, 0, 0])), {"zero_division": 1.0}),
            Case("no positive samples, zero_division=1.0",
                 (_ints([0, 0, 0, 0, 0]), _ints([0, 1, 0, 1, 0])), {"zero_division": 1.0}),
            Case("no positive samples, none predicted",
                 (_ints([0, 0, 0, 0]), _ints([0, 0, 0, 0]))),
        ]
    return [
        Case("twelve samples: TP = 4, FP = 3, FN = 1, TN = 4",
             (_ints([1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1]), _ints([1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 0, 0]))),
        Case("nothing predicted positive, zero_division=1.0",
             (_ints([0, 1, 1, 0, 1, 0, 0]), _ints([0, 0, 0, 0, 0, 0, 0])), {"zero_division": 1.0}),
        Case("no positive samples, none predicted, zero_division=1.0",
             (_ints([0, 0, 0]), _ints([0, 0, 0])), {"zero_division": 1.0}),
        Case("no true positive: precision and recall both 0",
             (_ints([1, 0, 0, 1, 0]), _ints([0, 1, 0, 0, 1]))),
        Case("random: balanced", random_problem(int(rng.integers(10, 60)), 0.5),
             {"zero_division": float(rng.integers(0, 2))}),
        Case("random: rare positives", random_problem(int(rng.integers(10, 60)), 0.1),
             {"zero_division": float(rng.integers(0, 2))}),
    ]


PRECISION_RECALL_F1 = Exercise(
    id="precision_recall_f1",
    title="Precision, recall and F1 with a zero-division rule",
    reference=precision_recall_f1,
    cases=_prf_cases,
    points=3,
    mistakes=(
        Mistake("precision and recall swapped",
                "Precision divides by the samples predicted positive, TP / (TP + FP); recall by "
                "the samples that are positive, TP / (TP + FN).",
                _prf_swapped),
        Mistake("F1 as the arithmetic mean",
                "F1 is the harmonic mean 2PR / (P + R) = 2TP / (2TP + FP + FN): it is low when "
                "either precision or recall is low, while (P + R) / 2 is not.",
                _prf_arithmetic_mean),
        Mistake("zero_division ignored (0/0 gives NaN)",
                "Precision is 0/0 when nothing is predicted positive, recall when there are no "
                "positive samples, F1 when both hold. The contract gives such a ratio the value "
                "zero_division instead of NaN.",
                _prf_nan, non_finite=True),
        Mistake("zero_division fixed at 0",
                "A 0/0 ratio must take the value the caller passes in zero_division (1.0 here), "
                "not always 0.",
                _prf_zero_always),
        Mistake("TN used in place of FP",
                "Precision asks how many of the predicted positives are right: TP / (TP + FP), "
                "with FP the negatives predicted positive. The true negatives play no part.",
                _prf_tn_for_fp),
    ),
    alternatives=(_prf_harmonic, _prf_counts, _prf_sums),
    hints=(
        "Count the four cells of the 2 × 2 confusion matrix for class 1 first: true positives, "
        "false positives, false negatives (and true negatives, which none of the three scores uses).",
        "Precision looks at the predicted positives, recall at the actual positives; F1 is their "
        "harmonic mean. A ratio whose denominator is 0 is undefined: return zero_division for it.",
        "P = TP / (TP + FP), R = TP / (TP + FN), F1 = 2TP / (2TP + FP + FN); each is zero_division "
        "when its denominator is 0.",
    ),
)


# --- roc_auc_from_ranks ----------------------------------------------------------------------

def _average_ranks(x):
    """1-based ranks, ascending; tied values share the mean of their ranks."""
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    last_rank = np.cumsum(counts)
    return (last_rank - (counts - 1) / 2)[inverse]


def _auc_from(ranks, y_true):
    n_pos = int(np.sum(y_true == 1))
    n_neg = len(y_true) - n_pos
    rank_sum = float(np.sum(ranks[y_true == 1]))
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def _auc_ordinal(y_true, y_score):
    ranks = np.argsort(np.argsort(y_score, kind="stable"), kind="stable") + 1.0
    return _auc_from(ranks, y_true)


def _auc_descending(y_true, y_score):
    return _auc_from(_average_ranks(-y_score), y_true)


def _auc_zero_based(y_true, y_score):
    return _auc_from(_average_ranks(y_score) - 1, y_true)


def _auc_pairs(y_true, y_score, tie):
    pos, neg = y_score[y_true == 1], y_score[y_true == 0]
    wins = (pos[:, None] > neg[None, :]) + tie * (pos[:, None] == neg[None, :])
    return float(np.mean(wins))


def _auc_loop_ranks(y_true, y_score):
    order = sorted(range(len(y_score)), key=lambda i: y_score[i])
    ranks = [0.0] * len(y_score)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and y_score[order[end + 1]] == y_score[order[start]]:
            end += 1
        for k in range(start, end + 1):
            ranks[order[k]] = (start + end) / 2 + 1       # mean of the ranks start+1 .. end+1
        start = end + 1
    return _auc_from(np.array(ranks), y_true)


def _auc_cases(rng, hidden):
    def random_problem(n, decimals):
        y_true = rng.integers(0, 2, size=n)
        y_true[:2] = [0, 1]
        y_score = np.round(rng.normal(size=n) + y_true, decimals)
        return y_true, y_score

    if not hidden:
        return [
            Case("eight scores, no ties",
                 (_ints([0, 1, 0, 1, 1, 0, 0, 1]), _floats([0.1, 0.8, 0.4, 0.35, 0.9, 0.2, 0.65, 0.5]))),
            Case("tied scores across the classes",
                 (_ints([0, 1, 1, 1, 0, 0, 1, 0, 1]),
                  _floats([0.5, 0.5, 0.5, 0.2, 0.7, 0.3, 0.3, 0.3, 0.9]))),
            Case("rounded logits, many ties",
                 (_ints([1, 0, 0, 1, 1, 0, 1, 0, 0, 1]), _floats([2, 1, 1, 1, -1, 0, 2, 2, -1, 1]))),
            Case("every score tied", (_ints([1, 0, 0, 1, 0]), _floats([0.3, 0.3, 0.3, 0.3, 0.3]))),
        ]
    return [
        Case("tied groups in both orders",
             (_ints([0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0]),
              _floats([1.5, 1.5, 1.5, 0.5, 0.5, 0.5, 0.5, 2.5, -1.0, -2.0, 0.0]))),
        Case("a perfect ranking with ties inside each class",
             (_ints([1, 0, 1, 0, 1, 0, 1]), _floats([3.0, 1.0, 3.0, 1.0, 2.0, 0.0, 2.5]))),
        Case("random: scores with two decimals", random_problem(int(rng.integers(10, 60)), 2)),
        Case("random: integer scores", random_problem(int(rng.integers(10, 60)), 0)),
    ]


ROC_AUC_FROM_RANKS = Exercise(
    id="roc_auc_from_ranks",
    title="ROC AUC from ranks, with ties",
    reference=roc_auc_score,
    cases=_auc_cases,
    points=3,
    mistakes=(
        Mistake("ties not averaged (ordinal ranks)",
                "Ranking with argsort gives tied scores different ranks in the order they happen "
                "to appear, so the AUC depends on how the samples are listed. Tied scores share "
                "the mean of the ranks they occupy.",
                _auc_ordinal),
        Mistake("scores ranked in descending order (1 − AUC)",
                "The largest score gets the largest rank n: rank in ascending order. Ranking "
                "descending (or summing the negatives' ranks) gives 1 − AUC.",
                _auc_descending),
        Mistake("tied pairs counted as 1 instead of ½",
                "A positive and a negative with the same score are a coin flip: the pair counts "
                "½, as it does with average ranks (counting s₊ ≥ s₋ counts it 1).",
                lambda y_true, y_score: _auc_pairs(y_true, y_score, tie=1.0)),
        Mistake("tied pairs counted as 0",
                "A positive and a negative with the same score count ½, not 0 (counting only "
                "s₊ > s₋ leaves them out).",
                lambda y_true, y_score: _auc_pairs(y_true, y_score, tie=0.0)),
        Mistake("ranks start at 0",
                "The formula U = R₊ − n₊(n₊ + 1)/2 needs ranks 1 to n; with ranks 0 to n − 1 the "
                "sum R₊ is n₊ too small and the AUC 1/n₋ too small.",
                _auc_zero_based),
    ),
    alternatives=(
        lambda y_true, y_score: _auc_from(_average_ranks(y_score), y_true),
        _auc_loop_ranks,
        lambda y_true, y_score: _auc_pairs(y_true, y_score, tie=0.5),
    ),
    hints=(
        "Sort all the scores together, positives and negatives, and look at where the positives "
        "land: the higher they sit, the better the ranking.",
        "Give the scores ranks 1 to n in ascending order, tied scores the mean of the ranks they "
        "share. The sum R₊ of the positives' ranks, minus its smallest possible value "
        "n₊(n₊ + 1)/2, counts the (positive, negative) pairs ranked right, ties counting ½.",
        "AUC = (R₊ − n₊(n₊ + 1)/2) / (n₊ · n₋), with n₊ positives, n₋ negatives and average ranks "
        "for ties.",
    ),
    rtol=1e-9,
    atol=1e-12,
)


# --- r2_score --------------------------------------------------------------------------------

def _r2_loop(y_true, y_pred):
    mean = sum(y_true) / len(y_true)
    sse = sum((t - p) ** 2 for t, p in zip(y_true, y_pred))
    sst = sum((t - mean) ** 2 for t in y_true)
    return float(1 - sse / sst)


def _r2_cases(rng, hidden):
    if not hidden:
        return [
            Case("five points", (_floats([3.0, -0.5, 2.0, 7.0, 4.2]), _floats([2.5, 0.0, 2.1, 7.8, 3.6]))),
            Case("a model worse than the mean",
                 (_floats([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]), _floats([4.0, 1.5, 5.0, 2.0, 6.5, 3.0]))),
            Case("predictions off by a constant 1.5",
                 (_floats([0.3, 2.2, -1.4, 1.1, 0.8]), _floats([1.8, 3.7, 0.1, 2.6, 2.3]))),
            Case("targets far from 0",
                 (_floats([100.2, 101.5, 99.1, 100.8]), _floats([100.0, 101.0, 99.5, 101.2]))),
        ]
    n = int(rng.integers(5, 60))
    y = rng.normal(loc=rng.uniform(-50, 50), scale=rng.uniform(0.5, 5), size=n)
    return [
        Case("four points, a decent fit",
             (_floats([-2.0, 0.5, 1.0, 3.5]), _floats([-1.5, 0.0, 1.5, 2.5]))),
        Case("scaled predictions around 20",
             (_floats([18.0, 21.0, 20.0, 23.0, 19.0]), _floats([16.0, 22.0, 20.0, 26.0, 18.0]))),
        Case("random: noisy predictions", (y, y + rng.normal(scale=2.0, size=n))),
        Case("random: shifted and scaled", (y, 1.3 * y + rng.normal(size=n) - 2.0)),
    ]


R2_SCORE = Exercise(
    id="r2_score",
    title="The coefficient of determination R²",
    reference=r2_score,
    cases=_r2_cases,
    points=2,
    mistakes=(
        Mistake("total sum of squares around 0 instead of the mean",
                "R² compares the model with predicting the mean: SST = Σ (yᵢ − ȳ)². Σ yᵢ² makes "
                "R² close to 1 whenever the targets are far from 0.",
                lambda y_true, y_pred: float(1 - np.sum((y_true - y_pred) ** 2) / np.sum(y_true ** 2))),
        Mistake("squared correlation",
                "r² equals R² only for a least-squares fit with an intercept on its own training "
                "data. R² = 1 − SSE/SST also counts a shift or a wrong scale of the predictions, "
                "and is negative for a model worse than the mean; r² never is.",
                lambda y_true, y_pred: float(np.corrcoef(y_true, y_pred)[0, 1] ** 2)),
        Mistake("MSE and variance swapped",
                "R² = 1 − MSE / Var(y): the model's error over the error of predicting the mean, "
                "not the other way round.",
                lambda y_true, y_pred: float(1 - np.var(y_true) / np.mean((y_true - y_pred) ** 2))),
        Mistake("ddof=1 in the variance only",
                "1 − MSE / Var(y) needs both terms divided by n (or both sums left as sums); a "
                "sample variance with n − 1 under an MSE with n scales the fraction by (n − 1)/n.",
                lambda y_true, y_pred: float(
                    1 - np.mean((y_true - y_pred) ** 2) / np.var(y_true, ddof=1))),
        Mistake("1 − missing",
                "SSE / SST is the fraction of the variance the model leaves unexplained; R² is one "
                "minus it.",
                lambda y_true, y_pred: float(
                    np.sum((y_true - y_pred) ** 2) / np.sum((y_true - y_true.mean()) ** 2))),
    ),
    alternatives=(
        _r2_loop,
        lambda y_true, y_pred: float(1 - np.mean((y_true - y_pred) ** 2) / np.var(y_true)),
        lambda y_true, y_pred: float(1 - np.sum((y_true - y_pred) ** 2)
                                     / (np.sum(y_true ** 2) - len(y_true) * np.mean(y_true) ** 2)),
    ),
    hints=(
        "Compare the model's squared errors with those of the simplest possible model, the one "
        "that always predicts the mean of the targets.",
        "SSE sums the squared errors of the predictions, SST the squared deviations of the "
        "targets from their mean (the SSE of predicting the mean). R² is 1 for a perfect model, "
        "0 for predicting the mean, and negative for a model worse than that.",
        "R² = 1 − Σ (yᵢ − ŷᵢ)² / Σ (yᵢ − ȳ)², with ȳ the mean of the targets.",
    ),
)


EXERCISES = [CONFUSION_MATRIX, PRECISION_RECALL_F1, ROC_AUC_FROM_RANKS, R2_SCORE]  # in chapter order
