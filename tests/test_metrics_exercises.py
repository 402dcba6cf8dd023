"""The metrics of chapter 06: ``precision_recall_curve`` and the exercise references against
scikit-learn (random inputs, ties included), and honest-but-wrong answers to the chapter's
exercises that are not in the catalog, rejected on every seed by a fixed hidden case."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from mlcourse_lib.exercises import get_exercise, run_check
from mlcourse_lib.exercises.catalog import evaluation_metrics as em
from mlcourse_lib.metrics import confusion_matrix, precision_recall_curve, r2_score, roc_auc_score

skm = pytest.importorskip("sklearn.metrics")
stats = pytest.importorskip("scipy.stats")


def _random_scored(rng, n):
    """Labels 0/1 with both classes, and scores with many ties."""
    y_true = rng.integers(0, 2, size=n)
    y_true[:2] = [0, 1]
    y_score = np.round(rng.normal(size=n) + y_true, int(rng.integers(0, 3)))
    return y_true, y_score


# --- precision_recall_curve ----------------------------------------------------------------------

def test_precision_recall_curve_hand_computed():
    precision, recall, thresholds = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    np.testing.assert_allclose(precision, [0.5, 2 / 3, 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(recall, [1.0, 1.0, 0.5, 0.5, 0.0])
    np.testing.assert_array_equal(thresholds, [0.1, 0.35, 0.4, 0.8])


def test_precision_recall_curve_ties_share_a_threshold():
    precision, recall, thresholds = precision_recall_curve([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])
    np.testing.assert_array_equal(thresholds, [0.2, 0.5, 0.9])
    np.testing.assert_allclose(precision, [0.5, 2 / 3, 1.0, 1.0])
    np.testing.assert_array_equal(recall, [1.0, 1.0, 0.5, 0.0])


@pytest.mark.parametrize("seed", range(4))
def test_precision_recall_curve_equals_sklearn(seed):
    rng = np.random.default_rng(600 + seed)
    for _ in range(25):
        y_true, y_score = _random_scored(rng, int(rng.integers(2, 40)))
        for pos_label in (None, 0):
            for drop in (False, True):
                ours = precision_recall_curve(y_true, y_score, pos_label=pos_label, drop_intermediate=drop)
                theirs = skm.precision_recall_curve(y_true, y_score, pos_label=pos_label,
                                                    drop_intermediate=drop)
                for a, b in zip(ours, theirs):
                    np.testing.assert_array_equal(a, b)


def test_precision_recall_curve_without_positives_warns_like_sklearn():
    with pytest.warns(UserWarning, match="No positive class found in y_true"):
        _, recall, _ = precision_recall_curve([0, 0, 0], [0.1, 0.5, 0.2])
    np.testing.assert_array_equal(recall, [1.0, 1.0, 1.0, 0.0])


def test_precision_recall_curve_validation():
    with pytest.raises(ValueError, match=r"y_score has shape \(2,\), expected \(3,\) to match y_true"):
        precision_recall_curve([0, 1, 1], [0.1, 0.2])
    with pytest.raises(TypeError, match="drop_intermediate must be True or False; got str 'yes'"):
        precision_recall_curve([0, 1], [0.1, 0.2], drop_intermediate="yes")
    with pytest.raises(ValueError, match="pass pos_label explicitly, e.g. pos_label=2"):
        precision_recall_curve([0, 2], [0.1, 0.2])


# --- the exercise references equal scikit-learn ------------------------------------------------

@pytest.mark.parametrize("seed", range(3))
def test_confusion_matrix_reference_and_alternatives_equal_sklearn(seed):
    rng = np.random.default_rng(610 + seed)
    for _ in range(20):
        classes = np.sort(rng.choice(8, size=int(rng.integers(2, 6)), replace=False))
        y_true, y_pred = rng.choice(classes, size=30), rng.choice(classes, size=30)
        labels = rng.permutation(np.r_[classes, [9]])
        for kwargs in ({}, {"labels": labels}):
            expected = skm.confusion_matrix(y_true, y_pred, **kwargs)
            np.testing.assert_array_equal(confusion_matrix(y_true, y_pred, **kwargs), expected)
            for alternative in em.CONFUSION_MATRIX.alternatives:
                np.testing.assert_array_equal(alternative(y_true, y_pred, **kwargs), expected)


@pytest.mark.parametrize("seed", range(3))
def test_precision_recall_f1_reference_and_alternatives_equal_sklearn(seed):
    rng = np.random.default_rng(620 + seed)
    for _ in range(40):
        n = int(rng.integers(1, 12))
        y_true = (rng.random(n) < rng.uniform(0, 0.6)).astype(int)
        y_pred = (rng.random(n) < rng.uniform(0, 0.6)).astype(int)
        for zero_division in (0.0, 1.0):
            expected = skm.precision_recall_fscore_support(
                y_true, y_pred, average="binary", zero_division=zero_division)[:3]
            assert em.precision_recall_f1(y_true, y_pred, zero_division=zero_division) == expected
            for alternative in em.PRECISION_RECALL_F1.alternatives:
                np.testing.assert_allclose(alternative(y_true, y_pred, zero_division=zero_division),
                                           expected, rtol=1e-12)


def _mann_whitney_auc(y_true, y_score):
    """U / (n₊ n₋) with SciPy's Mann–Whitney U statistic of the positives."""
    u = stats.mannwhitneyu(y_score[y_true == 1], y_score[y_true == 0]).statistic
    return u / (np.sum(y_true == 1) * np.sum(y_true == 0))


@pytest.mark.parametrize("seed", range(3))
def test_roc_auc_reference_and_rank_formulas_equal_sklearn_with_ties(seed):
    rng = np.random.default_rng(630 + seed)
    for _ in range(30):
        y_true, y_score = _random_scored(rng, int(rng.integers(2, 50)))
        expected = skm.roc_auc_score(y_true, y_score)
        assert roc_auc_score(y_true, y_score) == expected
        assert np.isclose(_mann_whitney_auc(y_true, y_score), expected, rtol=0, atol=1e-12)
        np.testing.assert_allclose(em._average_ranks(y_score), stats.rankdata(y_score))
        for alternative in em.ROC_AUC_FROM_RANKS.alternatives:
            assert np.isclose(alternative(y_true, y_score), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_r2_reference_and_alternatives_equal_sklearn(seed):
    rng = np.random.default_rng(640 + seed)
    for _ in range(30):
        n = int(rng.integers(2, 40))
        y_true = rng.normal(loc=rng.uniform(-100, 100), scale=rng.uniform(0.1, 10), size=n)
        y_pred = y_true * rng.uniform(0, 2) + rng.normal(scale=rng.uniform(0.1, 20), size=n)
        expected = skm.r2_score(y_true, y_pred)
        assert r2_score(y_true, y_pred) == expected
        for alternative in em.R2_SCORE.alternatives:
            assert np.isclose(alternative(y_true, y_pred), expected, rtol=1e-9)


def test_every_case_of_the_chapter_is_one_sklearn_agrees_with():
    """The checker's expected outputs (the references') equal scikit-learn's on every case."""
    sk = {"confusion_matrix": skm.confusion_matrix, "roc_auc_from_ranks": skm.roc_auc_score,
          "r2_score": skm.r2_score,
          "precision_recall_f1": lambda y_true, y_pred, zero_division=0.0: skm.precision_recall_fscore_support(
              y_true, y_pred, average="binary", zero_division=zero_division)[:3]}
    for exercise in em.EXERCISES:
        cases = exercise.make_cases(hidden=False) + exercise.make_cases(hidden=True, seed=7)
        for case in cases:
            ours = exercise.reference(*case.args, **case.kwargs)
            theirs = sk[exercise.id](*case.args, **case.kwargs)
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, err_msg=f"{exercise.id}: {case.label}")


# --- honest but wrong answers that are not in the catalog ----------------------------------------
# (self-contained: an answer that called the catalog's helpers would be rejected for calling library code)

def _counts(y_true, y_pred, labels):
    position = {int(label): k for k, label in enumerate(labels)}
    cm = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(y_true, y_pred):
        if int(t) in position and int(p) in position:
            cm[position[int(t)], position[int(p)]] += 1
    return cm


def _tp_fp_fn_tn(y_true, y_pred):
    return (int(np.sum((y_true == 1) & (y_pred == 1))), int(np.sum((y_true == 0) & (y_pred == 1))),
            int(np.sum((y_true == 1) & (y_pred == 0))), int(np.sum((y_true == 0) & (y_pred == 0))))


def _average_ranks(x):
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    return (np.cumsum(counts) - (counts - 1) / 2)[inverse]


def _auc_from(ranks, y_true):
    n_pos = int(np.sum(y_true == 1))
    n_neg = len(y_true) - n_pos
    return float((np.sum(ranks[y_true == 1]) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))

def cm_labels_as_indices(y_true, y_pred, labels=None):
    K = len(np.union1d(y_true, y_pred) if labels is None else labels)
    cm = np.zeros((K, K), dtype=int)
    for t, p in zip(y_true, y_pred):
        cm[t, p] += 1
    return cm


def cm_rows_normalized(y_true, y_pred, labels=None):
    cm = _counts(y_true, y_pred, np.union1d(y_true, y_pred) if labels is None else labels)
    return cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)


def prf_f1_undefined_if_either_is(y_true, y_pred, *, zero_division=0.0):
    tp, fp, fn, _ = _tp_fp_fn_tn(y_true, y_pred)
    precision = tp / (tp + fp) if tp + fp else zero_division
    recall = tp / (tp + fn) if tp + fn else zero_division
    if tp + fp == 0 or tp + fn == 0:
        return precision, recall, zero_division
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def prf_harmonic_unguarded(y_true, y_pred, *, zero_division=0.0):
    tp, fp, fn, _ = _tp_fp_fn_tn(y_true, y_pred)
    precision = tp / (tp + fp) if tp + fp else zero_division
    recall = tp / (tp + fn) if tp + fn else zero_division
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.float64(2 * precision * recall) / np.float64(precision + recall)
    return precision, recall, float(f1)


def prf_python_ints(y_true, y_pred, *, zero_division=0.0):
    tp, fp, fn, _ = _tp_fp_fn_tn(y_true, y_pred)
    return tp / (tp + fp), tp / (tp + fn), 2 * tp / (2 * tp + fp + fn)


def prf_accuracy_as_precision(y_true, y_pred, *, zero_division=0.0):
    tp, fp, fn, tn = _tp_fp_fn_tn(y_true, y_pred)
    recall = tp / (tp + fn) if tp + fn else zero_division
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else zero_division
    return (tp + tn) / len(y_true), recall, f1


def auc_max_ranks(y_true, y_score):
    ranks = np.array([np.sum(y_score <= s) for s in y_score], dtype=float)
    return _auc_from(ranks, y_true)


def auc_min_ranks(y_true, y_score):
    ranks = np.array([np.sum(y_score < s) + 1 for s in y_score], dtype=float)
    return _auc_from(ranks, y_true)


def auc_no_correction(y_true, y_score):
    n_pos = np.sum(y_true == 1)
    return float(np.sum(_average_ranks(y_score)[y_true == 1]) / (n_pos * (len(y_true) - n_pos)))


def auc_negatives_in_correction(y_true, y_score):
    n_pos = int(np.sum(y_true == 1))
    n_neg = len(y_true) - n_pos
    rank_sum = np.sum(_average_ranks(y_score)[y_true == 1])
    return float((rank_sum - n_neg * (n_neg + 1) / 2) / (n_pos * n_neg))


def auc_accuracy_at_half(y_true, y_score):
    return float(np.mean((y_score >= 0.5) == (y_true == 1)))


def r2_explained_variance(y_true, y_pred):
    return float(1 - np.var(y_true - y_pred) / np.var(y_true))


def r2_mean_of_predictions(y_true, y_pred):
    return float(1 - np.sum((y_true - y_pred) ** 2) / np.sum((y_pred - y_pred.mean()) ** 2))


def r2_absolute_errors(y_true, y_pred):
    return float(1 - np.sum(np.abs(y_true - y_pred)) / np.sum(np.abs(y_true - y_true.mean())))


def r2_clipped_at_zero(y_true, y_pred):
    return max(0.0, float(1 - np.sum((y_true - y_pred) ** 2) / np.sum((y_true - y_true.mean()) ** 2)))


HONEST_BUT_WRONG = [
    ("confusion_matrix", cm_labels_as_indices),
    ("confusion_matrix", cm_rows_normalized),
    ("precision_recall_f1", prf_f1_undefined_if_either_is),
    ("precision_recall_f1", prf_harmonic_unguarded),
    ("precision_recall_f1", prf_python_ints),
    ("precision_recall_f1", prf_accuracy_as_precision),
    ("roc_auc_from_ranks", auc_max_ranks),
    ("roc_auc_from_ranks", auc_min_ranks),
    ("roc_auc_from_ranks", auc_no_correction),
    ("roc_auc_from_ranks", auc_negatives_in_correction),
    ("roc_auc_from_ranks", auc_accuracy_at_half),
    ("r2_score", r2_explained_variance),
    ("r2_score", r2_mean_of_predictions),
    ("r2_score", r2_absolute_errors),
    ("r2_score", r2_clipped_at_zero),
]


def _failed_case(report):
    match = re.match(r"✗ \S+ — case (['\"])(.*)\1 failed\.", report.message)
    return match.group(2) if match else None


@pytest.mark.parametrize("exercise_id,answer", HONEST_BUT_WRONG,
                         ids=[f"{e}:{fn.__name__}" for e, fn in HONEST_BUT_WRONG])
def test_honest_but_wrong_answer_is_rejected_on_every_seed(exercise_id, answer):
    exercise = get_exercise(exercise_id)
    assert not run_check(exercise, answer).passed
    fixed = [c.label for c in exercise.make_cases(hidden=True, seed=0) if not c.label.startswith("random:")]
    for seed in range(20):
        report = run_check(exercise, answer, hidden=True, seed=seed)
        assert not report.passed, f"hidden check (seed {seed}) accepted {answer.__name__}"
        assert not report.called_reference, report.message
        assert _failed_case(report) in fixed, f"seed {seed}: rejected only by a random case"


def test_calling_the_library_is_reported():
    from mlcourse_lib import metrics

    report = run_check("roc_auc_from_ranks", lambda y_true, y_score: metrics.roc_auc_score(y_true, y_score))
    assert not report.passed and report.called_reference
    report = run_check("precision_recall_f1", lambda y_true, y_pred, zero_division=0.0: tuple(
        metrics.precision_recall_fscore_support(y_true, y_pred, zero_division=zero_division)[:3]))
    assert not report.passed and "precision_recall_fscore_support" in report.message


def test_zero_division_error_is_reported_with_the_students_line():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = run_check("precision_recall_f1", prf_python_ints)
    assert "ZeroDivisionError" in report.message
