"""Tests of mlcourse_lib.metrics: hand-computed values, equality with scikit-learn on many random
inputs (every average, every zero_division, missing classes, pos_label=0, tied scores), and the
warnings and validation messages."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from mlcourse_lib.metrics import (
    UndefinedMetricWarning,
    accuracy_score,
    confusion_matrix,
    f1_score,
    mean_absolute_error,
    mean_squared_error,
    precision_recall_fscore_support,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

skm = pytest.importorskip("sklearn.metrics")

AVERAGES = ("binary", "micro", "macro", "weighted", None)
ZERO_DIVISIONS = ("warn", 0.0, 1.0, np.nan)


def _same(a, b):
    """Exact equality of floats or arrays, NaN equal to NaN."""
    if a is None or b is None:
        return a is None and b is None
    if np.ndim(a) == 0 and np.ndim(b) == 0:
        return (math.isnan(a) and math.isnan(b)) or a == b
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def _run(fn, *args, **kwargs):
    """``(result or the exception type, [(category, message), ...])`` of one call."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn(*args, **kwargs)
        except ValueError:
            result = ValueError
    return result, [(w.category.__name__, str(w.message)) for w in caught]


def _random_labels(rng):
    """A random classification problem: 2-4 classes out of a few label sets, some never predicted."""
    label_sets = ([0, 1], [-1, 1], [1, 2], [0, 1, 2], [0, 1, 2, 5], [3])
    classes = np.array(label_sets[rng.choice(len(label_sets), p=[.3, .1, .1, .25, .15, .1])])
    n = int(rng.integers(1, 12))
    y_true = rng.choice(classes, size=n)
    predicted = rng.choice(classes, size=int(rng.integers(1, classes.size + 1)), replace=False)
    y_pred = rng.choice(predicted, size=n)
    return y_true, y_pred


# --- confusion matrix and accuracy -------------------------------------------------------------

def test_confusion_matrix_hand_computed():
    cm = confusion_matrix([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 0, 2])
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 2, 0], [1, 0, 1]])
    assert cm.dtype == np.int64
    assert cm.sum() == 6 and np.trace(cm) == 4


def test_confusion_matrix_rows_are_true_labels():
    cm = confusion_matrix([1, 1, 1], [0, 0, 1])        # three true 1s, two predicted as 0
    np.testing.assert_array_equal(cm, [[0, 0], [2, 1]])
    np.testing.assert_array_equal(cm.sum(axis=1), [0, 3])


def test_confusion_matrix_labels_order_subset_and_unseen():
    y_true, y_pred = [0, 1, 2, 2], [1, 1, 2, 0]
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred, labels=[2, 1]), [[1, 0], [0, 1]])
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred, labels=[0, 1, 2, 7])[3], [0, 0, 0, 0])


@pytest.mark.parametrize("seed", range(8))
def test_confusion_matrix_equals_sklearn(seed):
    rng = np.random.default_rng(seed)
    for _ in range(15):
        y_true, y_pred = _random_labels(rng)
        ours, our_warnings = _run(confusion_matrix, y_true, y_pred)
        theirs, their_warnings = _run(skm.confusion_matrix, y_true, y_pred)
        np.testing.assert_array_equal(ours, theirs)
        assert our_warnings == their_warnings
        labels = rng.permutation(np.union1d(y_true, [0, 9]))[: rng.integers(1, 4)]
        ours, _ = _run(confusion_matrix, y_true, y_pred, labels=labels)
        theirs, _ = _run(skm.confusion_matrix, y_true, y_pred, labels=labels)
        if theirs is ValueError:
            assert ours is ValueError
        else:
            np.testing.assert_array_equal(ours, theirs)


def test_confusion_matrix_single_label_warns():
    with pytest.warns(UserWarning, match="single label"):
        np.testing.assert_array_equal(confusion_matrix([1, 1], [1, 1]), [[2]])


def test_confusion_matrix_label_errors():
    with pytest.raises(ValueError, match="at least one label specified must be in y_true"):
        confusion_matrix([0, 1], [0, 1], labels=[5])
    with pytest.raises(ValueError, match="labels must not repeat; got 1"):
        confusion_matrix([0, 1], [0, 1], labels=[0, 1, 1])


def test_accuracy_hand_computed_and_sklearn():
    assert accuracy_score([0, 1, 2, 1], [0, 1, 1, 1]) == 0.75
    assert isinstance(accuracy_score([1], [1]), float)
    rng = np.random.default_rng(1)
    for _ in range(20):
        y_true, y_pred = _random_labels(rng)
        assert accuracy_score(y_true, y_pred) == skm.accuracy_score(y_true, y_pred)


# --- precision, recall, F1 ---------------------------------------------------------------------

def test_binary_scores_hand_computed():
    y_true = [1, 1, 1, 0, 0, 0, 1]
    y_pred = [1, 0, 1, 1, 0, 0, 0]     # TP = 2, FP = 1, FN = 2
    assert precision_score(y_true, y_pred) == pytest.approx(2 / 3)
    assert recall_score(y_true, y_pred) == pytest.approx(2 / 4)
    assert f1_score(y_true, y_pred) == pytest.approx(2 * 2 / (2 * 2 + 1 + 2))
    # class 0 as the positive class: TP = 2, FP = 2, FN = 1
    assert precision_score(y_true, y_pred, pos_label=0) == pytest.approx(2 / 4)
    assert recall_score(y_true, y_pred, pos_label=0) == pytest.approx(2 / 3)


def test_multiclass_averages_hand_computed():
    y_true = [0, 1, 2, 2, 2]
    y_pred = [0, 2, 1, 2, 0]
    # per class: precision [1/2, 0, 1/2], recall [1, 0, 1/3], support [1, 1, 3]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred)
    np.testing.assert_allclose(p, [0.5, 0.0, 0.5])
    np.testing.assert_allclose(r, [1.0, 0.0, 1 / 3])
    np.testing.assert_allclose(f, [2 / 3, 0.0, 0.4])
    np.testing.assert_array_equal(s, [1, 1, 3])
    assert precision_score(y_true, y_pred, average="macro") == pytest.approx(1 / 3)
    assert recall_score(y_true, y_pred, average="weighted") == pytest.approx((1 + 0 + 3 * 1 / 3) / 5)
    # micro: 2 correct of 5 predictions, precision = recall = F1 = accuracy
    for score in (precision_score, recall_score, f1_score):
        assert score(y_true, y_pred, average="micro") == pytest.approx(0.4)


def test_f1_from_counts_when_precision_undefined():
    # class 1 is never predicted: precision 0/0, recall 0, F1 = 0 / (0 + 0 + 2) = 0, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert f1_score([1, 1, 0], [0, 0, 0], zero_division=1.0) == 0.0
        assert f1_score([1, 1, 0], [0, 0, 0]) == 0.0
    # class 1 occurs nowhere: F1 is 0/0, set by zero_division
    assert f1_score([0, 0], [0, 0], zero_division=1.0) == 1.0
    assert math.isnan(f1_score([0, 0], [0, 0], zero_division=np.nan))
    with pytest.warns(UndefinedMetricWarning, match="F-score is ill-defined .* due to no true nor predicted"):
        assert f1_score([0, 0], [0, 0]) == 0.0


def test_zero_division_settings():
    y_true, y_pred = [0, 1, 1], [0, 0, 0]          # class 1 never predicted
    with pytest.warns(UndefinedMetricWarning,
                      match=r"Precision is ill-defined and being set to 0.0 due to no predicted samples"):
        assert precision_score(y_true, y_pred) == 0.0
    assert precision_score(y_true, y_pred, zero_division=1.0) == 1.0
    assert math.isnan(precision_score(y_true, y_pred, zero_division=np.nan))
    # NaN leaves the class out of the average: only class 0 (precision 1/3) is averaged
    assert precision_score(y_true, y_pred, average="macro", zero_division=np.nan) == pytest.approx(1 / 3)
    with pytest.warns(UndefinedMetricWarning, match="in labels with no predicted samples"):
        precision_score(y_true, y_pred, average=None)
    with pytest.warns(UndefinedMetricWarning, match="Recall is ill-defined .* no true samples"):
        assert recall_score([0, 0], [0, 1]) == 0.0


def test_pos_label_ignored_warning_for_other_averages():
    with pytest.warns(UserWarning, match="pos_label=0 is ignored when average != 'binary'"):
        precision_score([0, 1], [0, 1], average="macro", pos_label=0)


@pytest.mark.parametrize("seed", range(4))
def test_precision_recall_f1_equal_sklearn(seed):
    """Values, support and the exact warnings, for every average and zero_division."""
    rng = np.random.default_rng(100 + seed)
    for _ in range(10):
        y_true, y_pred = _random_labels(rng)
        pos_label = int(rng.choice([1, 0]))
        for average in AVERAGES:
            for zero_division in ZERO_DIVISIONS:
                kwargs = dict(average=average, pos_label=pos_label, zero_division=zero_division)
                ours, our_warnings = _run(precision_recall_fscore_support, y_true, y_pred, **kwargs)
                theirs, their_warnings = _run(skm.precision_recall_fscore_support, y_true, y_pred,
                                              **kwargs)
                if theirs is ValueError:
                    assert ours is ValueError, (y_true, y_pred, kwargs)
                    continue
                assert all(_same(a, b) for a, b in zip(ours, theirs)), (y_true, y_pred, kwargs)
                assert [c for c, _ in our_warnings] == [c for c, _ in their_warnings]
                assert ([m for c, m in our_warnings if c == "UndefinedMetricWarning"]
                        == [m for c, m in their_warnings if c == "UndefinedMetricWarning"])
            ours = [_run(fn, y_true, y_pred, average=average, pos_label=pos_label)
                    for fn in (precision_score, recall_score, f1_score)]
            theirs = [_run(fn, y_true, y_pred, average=average, pos_label=pos_label)
                      for fn in (skm.precision_score, skm.recall_score, skm.f1_score)]
            for (a, a_warnings), (b, b_warnings) in zip(ours, theirs):
                assert a is ValueError if b is ValueError else _same(a, b)
                assert [c for c, _ in a_warnings] == [c for c, _ in b_warnings]


def test_labels_argument_equals_sklearn():
    y_true, y_pred = np.array([0, 1, 2, 2, 3]), np.array([0, 2, 2, 1, 3])
    for labels in ([2, 0], [0, 1, 2, 3, 8], [3]):
        for average in ("micro", "macro", "weighted", None):
            ours, _ = _run(f1_score, y_true, y_pred, labels=labels, average=average)
            theirs, _ = _run(skm.f1_score, y_true, y_pred, labels=labels, average=average)
            assert _same(ours, theirs)


def test_binary_average_errors():
    with pytest.raises(ValueError, match=r"Target is multiclass .* but average='binary'"):
        f1_score([0, 1, 2], [0, 1, 1])
    with pytest.raises(ValueError, match=r"pos_label=1 is not a valid label; it should be one of \[0, 2\]"):
        precision_score([0, 2, 2], [0, 2, 0])
    assert recall_score([0, 2, 2], [0, 2, 0], pos_label=2) == 0.5


def test_argument_errors():
    with pytest.raises(ValueError, match="average must be one of .*; got average='samples'"):
        f1_score([0, 1], [0, 1], average="samples")
    with pytest.raises(ValueError, match=r"zero_division must be 'warn', 0.0, 1.0 or np.nan; got zero_division=0.5"):
        f1_score([0, 1], [0, 1], zero_division=0.5)
    with pytest.raises(TypeError, match="pos_label must be an integer"):
        f1_score([0, 1], [0, 1], pos_label="1")


@pytest.mark.parametrize("fn", [accuracy_score, precision_score, recall_score, f1_score, confusion_matrix])
def test_label_validation(fn):
    with pytest.raises(ValueError, match=r"y_pred has shape \(3,\), expected \(4,\) to match y_true\."):
        fn([0, 1, 1, 0], [0, 1, 1])
    with pytest.raises(ValueError, match="y_true is empty"):
        fn([], [])
    with pytest.raises(ValueError, match="y_pred contains nan at index 1"):
        fn([0, 1], [0.0, np.nan])
    with pytest.raises(ValueError, match="y_true must hold integer labels; got 0.5 at index 0"):
        fn([0.5, 1.0], [0, 1])


def test_inputs_not_modified():
    y_true, y_pred = np.array([0, 1, 2, 2]), np.array([0, 2, 2, 1])
    before = y_true.copy(), y_pred.copy()
    precision_recall_fscore_support(y_true, y_pred)
    confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(y_true, before[0])
    np.testing.assert_array_equal(y_pred, before[1])


# --- ROC curve and AUC -------------------------------------------------------------------------

def test_roc_curve_hand_computed():
    fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    np.testing.assert_array_equal(fpr, [0, 0, 0.5, 0.5, 1])
    np.testing.assert_array_equal(tpr, [0, 0.5, 0.5, 1, 1])
    np.testing.assert_array_equal(thresholds, [np.inf, 0.8, 0.4, 0.35, 0.1])


def test_roc_curve_ties_share_a_threshold():
    fpr, tpr, thresholds = roc_curve([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])
    np.testing.assert_array_equal(thresholds, [np.inf, 0.9, 0.5, 0.2])
    np.testing.assert_array_equal(tpr, [0, 0.5, 1, 1])
    np.testing.assert_array_equal(fpr, [0, 0, 0.5, 1])


def test_roc_curve_drop_intermediate():
    y_true = [0, 0, 0, 1, 1, 1]
    y_score = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9]       # collinear points on both segments
    fpr, tpr, _ = roc_curve(y_true, y_score)
    np.testing.assert_array_equal(fpr, [0, 0, 0, 1])
    np.testing.assert_array_equal(tpr, [0, 1 / 3, 1, 1])
    assert len(roc_curve(y_true, y_score, drop_intermediate=False)[0]) == 7


@pytest.mark.parametrize("seed", range(4))
def test_roc_curve_and_auc_equal_sklearn(seed):
    rng = np.random.default_rng(200 + seed)
    for _ in range(25):
        n = int(rng.integers(2, 40))
        y_true = rng.integers(0, 2, size=n)
        if np.unique(y_true).size == 1:
            y_true[0] = 1 - y_true[0]
        y_score = np.round(rng.normal(size=n) + y_true, int(rng.integers(0, 3)))   # many ties
        for pos_label in (1, 0):
            for drop in (True, False):
                ours = roc_curve(y_true, y_score, pos_label=pos_label, drop_intermediate=drop)
                theirs = skm.roc_curve(y_true, y_score, pos_label=pos_label, drop_intermediate=drop)
                for a, b in zip(ours, theirs):
                    np.testing.assert_array_equal(a, b)
        assert roc_auc_score(y_true, y_score) == skm.roc_auc_score(y_true, y_score)
        labels = np.where(y_true == 1, 2, -1)          # other labels: the larger one is positive
        assert roc_auc_score(labels, y_score) == skm.roc_auc_score(labels, y_score)


def test_roc_auc_hand_computed():
    assert roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    assert roc_auc_score([0, 1], [0.5, 0.5]) == 0.5              # a tie counts one half
    assert roc_auc_score([0, 1], [0.9, 0.1]) == 0.0
    # the probability that a positive outranks a negative
    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 2, size=30)
    y_score = rng.normal(size=30)
    pos, neg = y_score[y_true == 1], y_score[y_true == 0]
    pairs = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    assert roc_auc_score(y_true, y_score) == pytest.approx(pairs.mean())


def test_roc_errors_and_warnings():
    with pytest.raises(ValueError, match="Only one class is present in y_true"):
        roc_auc_score([1, 1, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"needs labels of two classes; y_true holds 3 classes"):
        roc_auc_score([0, 1, 2], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"y_score has shape \(2,\), expected \(3,\) to match y_true"):
        roc_curve([0, 1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="y_score contains nan at index 0"):
        roc_curve([0, 1], [np.nan, 0.2])
    with pytest.warns(UndefinedMetricWarning, match="No positive samples in y_true"):
        _, tpr, _ = roc_curve([0, 0], [0.1, 0.2])
    assert np.all(np.isnan(tpr))


# --- regression --------------------------------------------------------------------------------

def test_regression_hand_computed():
    y_true, y_pred = [1.0, 2.0, 3.0], [1.0, 2.0, 5.0]
    assert mean_squared_error(y_true, y_pred) == pytest.approx(4 / 3)
    assert mean_absolute_error(y_true, y_pred) == pytest.approx(2 / 3)
    assert r2_score(y_true, y_pred) == pytest.approx(1 - 4 / 2)
    assert r2_score(y_true, [2.0, 2.0, 2.0]) == 0.0              # predicting the mean
    assert r2_score(y_true, y_true) == 1.0


def test_r2_constant_target_is_finite():
    assert r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 2.0]) == 1.0
    assert r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 3.0]) == 0.0
    with pytest.warns(UndefinedMetricWarning, match="less than two samples"):
        assert math.isnan(r2_score([1.0], [2.0]))


@pytest.mark.parametrize("seed", range(3))
def test_regression_equals_sklearn(seed):
    rng = np.random.default_rng(300 + seed)
    for _ in range(20):
        shape = (int(rng.integers(2, 30)),) + ((int(rng.integers(1, 4)),) if rng.random() < 0.4 else ())
        y_true = rng.normal(size=shape) * 10 ** rng.uniform(-3, 3)
        y_pred = y_true + rng.normal(size=shape) * rng.choice([0.0, 0.1, 3.0])
        if rng.random() < 0.2:
            y_true = np.full(shape, 1.5)
        for ours, theirs in ((mean_squared_error, skm.mean_squared_error),
                             (mean_absolute_error, skm.mean_absolute_error),
                             (r2_score, skm.r2_score)):
            assert ours(y_true, y_pred) == theirs(y_true, y_pred)


@pytest.mark.parametrize("fn", [mean_squared_error, mean_absolute_error, r2_score])
def test_regression_validation(fn):
    with pytest.raises(ValueError, match=r"y_pred has shape \(3,\), expected \(4,\) to match y_true\."):
        fn([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="y_true is empty"):
        fn([], [])
    with pytest.raises(ValueError, match="y_pred contains nan at index 2"):
        fn([1.0, 2.0, 3.0], [1.0, 2.0, np.nan])


# --- float labels: compared exactly or refused, never rounded by an overflowing cast ----------------

@pytest.mark.parametrize("metric", [accuracy_score, confusion_matrix, f1_score])
def test_integral_float_labels_give_sklearns_results(metric):
    y_true = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    y_pred = np.array([0.0, 1.0, 0.0, 0.0, 1.0])
    sk_metric = getattr(skm, metric.__name__)
    np.testing.assert_array_equal(metric(y_true, y_pred), sk_metric(y_true, y_pred))
    big = 2.0**62                                     # a whole number that int64 holds exactly
    assert accuracy_score(y_true * big, y_pred * big) == skm.accuracy_score(y_true * big, y_pred * big)


@pytest.mark.parametrize("y_true, y_pred, message", [
    ([1e20, 1.0], [2e20, 1.0], r"y_true holds 1e\+20 at index 0, outside the range of integer labels"),
    ([1.0, 1.0], [1.0, -1e19], r"y_pred holds -1e\+19 at index 1, outside the range of integer labels"),
    ([0.5, 1.0], [0.5, 1.0], r"y_true must hold integer labels; got 0.5 at index 0."),
])
def test_non_integral_or_huge_float_labels_are_refused_as_sklearn_refuses_them(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        accuracy_score(y_true, y_pred)
    with pytest.raises(ValueError):                   # scikit-learn: "continuous is not supported"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            skm.accuracy_score(y_true, y_pred)
    with pytest.raises(ValueError, match="outside the range|integer labels"):
        confusion_matrix(y_true, y_pred)
    with pytest.raises(ValueError, match="outside the range|integer labels"):
        roc_curve(y_pred if y_true == [1.0, 1.0] else y_true, [0.1, 0.2], pos_label=1)


def test_uint64_labels_beyond_int64_are_refused():
    with pytest.raises(ValueError, match=r"y_true holds 18446744073709551615 at index 0, too large"):
        accuracy_score(np.array([2**64 - 1, 1], dtype=np.uint64), [-1, 1])


# --- roc_curve's pos_label: None, as in scikit-learn --------------------------------------------------

def test_roc_curve_needs_pos_label_for_labels_other_than_0_1_or_minus1_1():
    y_score = [0.1, 0.4, 0.35, 0.8]
    with pytest.raises(ValueError, match=r"y_true takes values in \{0, 2\} and pos_label is not specified: "
                                         r"either make y_true take values in \{0, 1\} or \{-1, 1\} or "
                                         r"pass pos_label explicitly, e.g. pos_label=2."):
        roc_curve([0, 0, 2, 2], y_score)
    with pytest.raises(ValueError):
        skm.roc_curve([0, 0, 2, 2], y_score)
    with pytest.raises(ValueError, match=r"y_true takes values in \{0, 1, 2\}"):
        roc_curve([0, 1, 2, 2], y_score)
    for labels, pos_label in (([0, 0, 2, 2], 2), ([-1, -1, 1, 1], None), ([0, 0, 1, 1], None),
                              ([3, 5, 3, 5], 3), ([0, 1, 2, 2], 2)):
        ours = roc_curve(labels, y_score, pos_label=pos_label)
        theirs = skm.roc_curve(labels, y_score, pos_label=pos_label)
        for a, b in zip(ours, theirs):
            np.testing.assert_array_equal(a, b)
        assert not np.any(np.isnan(ours[1]))


def test_roc_auc_score_still_takes_the_larger_label_as_positive():
    y_score = [0.1, 0.4, 0.35, 0.8]
    assert roc_auc_score([0, 0, 2, 2], y_score) == skm.roc_auc_score([0, 0, 2, 2], y_score) == 0.75
