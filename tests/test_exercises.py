"""Every exercise's check accepts correct alternatives and rejects wrong answers, whatever the seed.

- known mistakes (the catalog's) are rejected on the public cases, named there, and rejected on
  the hidden cases of every seed tried, by a fixed hidden case (never by luck of a random one);
- alternatives (different correct implementations) pass the public and hidden checks;
- honest but wrong answers that are not in the catalog are rejected too;
- calling a library function that does the work is reported.

The outcome is also summed up in the mutation table printed at the end of the run.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from mlcourse_lib.exercises import all_exercises, chapter_of, get_exercise, run_check
from mlcourse_lib.exercises.catalog import data_splits

EXERCISES = all_exercises()
HIDDEN_SEEDS = tuple(range(20))
# Random answers (splits, batches) also run their over-many-seeds behaviour check, which
# does not depend on the hidden seed; a few seeds suffice for them.
FEW_SEEDS = (11, 12345, 2024)
SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"


def _ids(items):
    return [getattr(x, "id", None) or getattr(x, "name", None) for x in items]


def _seeds(exercise):
    return FEW_SEEDS if exercise.behaviour is not None else HIDDEN_SEEDS


def _fixed_labels(exercise):
    """Labels of the hidden cases built without the seed's random numbers."""
    return [c.label for c in exercise.make_cases(hidden=True, seed=0) if not c.label.startswith("random:")]


def _failed_case(report):
    match = re.match(r"✗ \S+ — case (['\"])(.*)\1 failed\.", report.message)
    return match.group(2) if match else None


# --- the catalog itself ------------------------------------------------------------------------

def test_catalog_is_not_empty_and_ids_are_unique():
    ids = [ex.id for ex in EXERCISES]
    assert len(ids) >= 11
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(EXERCISES))
def test_every_exercise_has_mistakes_alternatives_hints_and_a_chapter(exercise):
    assert len(exercise.mistakes) >= 3, f"{exercise.id} needs known mistakes"
    assert len(exercise.alternatives) >= 2, f"{exercise.id} needs different correct implementations"
    assert len(exercise.hints) >= 3, f"{exercise.id} needs a nudge, the idea and the formula"
    for hint in exercise.hints:
        code = re.search(r"\bnp\.|`|@|\bdef\b|\blambda\b|\bimport\b", hint)
        assert not code, f"hints are never code: {hint}"
    chapter = chapter_of(exercise.id)
    assert (SOLUTIONS / chapter).is_dir(), f"CHAPTER {chapter!r} is not a folder of solutions/"
    names = [m.name for m in exercise.mistakes]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(EXERCISES))
def test_points_match_the_graded_cell(exercise):
    notebook = next((SOLUTIONS / chapter_of(exercise.id)).glob("*.ipynb"))
    cells = json.loads(notebook.read_text())["cells"]
    graded = [c["metadata"]["nbgrader"] for c in cells
              if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == f"{exercise.id}_hidden"]
    assert len(graded) == 1
    assert graded[0]["points"] == exercise.points


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(EXERCISES))
def test_hidden_cases_are_fixed_hard_cases_then_random_ones(exercise):
    first = exercise.make_cases(hidden=True, seed=1)
    second = exercise.make_cases(hidden=True, seed=2)
    fixed = [c for c in first if not c.label.startswith("random:")]
    assert fixed and fixed == first[:len(fixed)], "fixed hidden cases come first"
    assert len(fixed) < len(first), "random cases add breadth after the fixed ones"
    for a, b in zip(fixed, second):
        assert a.label == b.label
        assert _same_problem(a.args, b.args) and _same_problem(a.kwargs, b.kwargs), a.label
    public = exercise.make_cases(hidden=False)
    assert not any(c.label.startswith("random:") for c in public)


def _same_problem(a, b):
    """Equal inputs, where any two Generators count as equal (they only feed the answer)."""
    if isinstance(a, np.random.Generator):
        return isinstance(b, np.random.Generator)
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same_problem(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same_problem(x, y) for x, y in zip(a, b))
    if callable(a):
        return type(a) is type(b) and getattr(a, "__name__", None) == getattr(b, "__name__", None)
    return a == b


# --- known mistakes and alternatives -----------------------------------------------------------

CASES = [(ex, m) for ex in EXERCISES for m in ex.mistakes]


@pytest.mark.parametrize("exercise,mistake", CASES, ids=[f"{e.id}:{m.name}" for e, m in CASES])
def test_known_mistake_is_rejected_and_named(exercise, mistake, mutation_table):
    row = mutation_table[exercise.id]
    row["mistakes"] += 1
    public = run_check(exercise, mistake.fn)
    hidden = [run_check(exercise, mistake.fn, hidden=True, seed=s) for s in HIDDEN_SEEDS]
    rejected = not public.passed and not any(h.passed for h in hidden)
    row["rejected"] += rejected
    row["named"] += public.mistake == mistake.name
    assert not public.passed, f"public check accepted the mistake {mistake.name!r}"
    fixed = _fixed_labels(exercise)
    for h in hidden:
        assert not h.passed, f"hidden check (seed {h.seed}) accepted the mistake {mistake.name!r}"
        assert _failed_case(h) in fixed, f"seed {h.seed}: rejected only by a random case\n{h.message}"
    assert public.mistake == mistake.name, public.message
    assert mistake.name in public.message
    assert not public.called_reference


ALTS = [(ex, i, alt) for ex in EXERCISES for i, alt in enumerate(ex.alternatives)]


@pytest.mark.parametrize("exercise,index,alternative", ALTS, ids=[f"{e.id}:alt{i}" for e, i, _ in ALTS])
def test_different_correct_implementation_passes(exercise, index, alternative, mutation_table):
    row = mutation_table[exercise.id]
    row["alternatives"] += 1
    reports = [run_check(exercise, alternative)] + [
        run_check(exercise, alternative, hidden=True, seed=s) for s in _seeds(exercise)]
    row["accepted"] += all(r.passed for r in reports)
    for r in reports:
        assert r.passed, r.message


RANDOM_ANSWERS = [ex for ex in EXERCISES if ex.validate is not None]


@pytest.mark.parametrize("exercise", RANDOM_ANSWERS, ids=_ids(RANDOM_ANSWERS))
def test_property_checks_never_reject_a_correct_random_answer(exercise):
    # Over many fresh seeds, as at grading time, every case of a correct answer must pass.
    # (The behaviour check uses its own fixed seeds: the alternatives above pass it.)
    import dataclasses

    cases_only = dataclasses.replace(exercise, behaviour=None)
    for alternative in exercise.alternatives:
        failures = [r.message for seed in range(100)
                    if not (r := run_check(cases_only, alternative, hidden=True, seed=seed)).passed]
        assert not failures, failures[0]


def test_spread_margins_follow_hoeffding():
    # 2 · E · S · exp(-2 R t²) = UNLUCKY at the margin t.
    t = data_splits.hoeffding_margin(150, 19, 2)
    assert math.isclose(2 * 19 * 2 * math.exp(-2 * 150 * t * t), data_splits.UNLUCKY)


@pytest.mark.parametrize("exercise_id,right,wrong", [
    ("train_test_indices", "split_by_permutation", "split_random_rotation"),
    ("train_test_indices", "split_by_choice", "split_every_kth_random_start"),
    ("minibatch_indices", "batches_by_permutation", "batches_fixed_batches_shuffled"),
    ("minibatch_indices", "batches_by_permutation", "batches_random_rotation"),
])
def test_spread_check_does_not_depend_on_its_seeds(exercise_id, right, wrong, monkeypatch):
    # The over-many-seeds check runs on fixed seeds; with other fixed seeds, it must still pass
    # uniform shuffles and reject structured ones (called directly, without the checker's guards).
    behaviour = get_exercise(exercise_id).behaviour
    for base in range(1_000, 11_000, 1_000):
        monkeypatch.setattr(data_splits, "SPREAD_SEED", base)
        assert behaviour(globals()[right]) is None, base
        assert behaviour(globals()[wrong]) is not None, base


def split_by_permutation(n_samples, test_fraction, rng):
    return _take(rng.permutation(n_samples), math.ceil(test_fraction * n_samples))


def split_by_choice(n_samples, test_fraction, rng):
    return _split_rest(n_samples, rng.choice(n_samples, math.ceil(test_fraction * n_samples), replace=False))


def batches_by_permutation(n_samples, batch_size, rng):
    return _cut(rng.permutation(n_samples), batch_size)


# --- honest but wrong answers that are not in the catalog ----------------------------------------

def _take(order, n_test):
    return order[n_test:], order[:n_test]


def _cut(order, b):
    return [order[i:i + b] for i in range(0, len(order), b)]


def _split_rest(n, test):
    return np.setdiff1d(np.arange(n), test), np.asarray(test)


def split_global_np_random(n_samples, test_fraction, rng):
    return _take(np.random.permutation(n_samples), math.ceil(test_fraction * n_samples))


def split_fixed_seed(n_samples, test_fraction, rng):
    return _take(np.random.default_rng(0).permutation(n_samples), math.ceil(test_fraction * n_samples))


def split_fresh_generator(n_samples, test_fraction, rng):
    return _take(np.random.default_rng().permutation(n_samples), math.ceil(test_fraction * n_samples))


def split_every_kth(n_samples, test_fraction, rng):
    n_test = math.ceil(test_fraction * n_samples)
    return _split_rest(n_samples, np.arange(0, n_samples, n_samples // n_test)[:n_test])


def split_every_kth_random_start(n_samples, test_fraction, rng):
    n_test = math.ceil(test_fraction * n_samples)
    step = n_samples // n_test
    return _split_rest(n_samples, np.arange(int(rng.integers(step)), n_samples, step)[:n_test])


def split_arange_reversed(n_samples, test_fraction, rng):
    return _take(np.arange(n_samples)[::-1], math.ceil(test_fraction * n_samples))


def split_block_at_random_start(n_samples, test_fraction, rng):
    n_test = math.ceil(test_fraction * n_samples)
    start = int(rng.integers(0, n_samples - n_test + 1))
    return _split_rest(n_samples, np.arange(start, start + n_test))


def split_random_rotation(n_samples, test_fraction, rng):
    order = np.roll(np.arange(n_samples), int(rng.integers(n_samples)))
    return _take(order, math.ceil(test_fraction * n_samples))


def split_swapped_tuple(n_samples, test_fraction, rng):
    test = rng.choice(n_samples, math.ceil(test_fraction * n_samples), replace=False)
    return test, np.setdiff1d(np.arange(n_samples), test)


def split_rounded(n_samples, test_fraction, rng):
    return _take(rng.permutation(n_samples), round(test_fraction * n_samples))


def batches_global_np_random(n_samples, batch_size, rng):
    return _cut(np.random.permutation(n_samples), batch_size)


def batches_fixed_seed(n_samples, batch_size, rng):
    return _cut(np.random.default_rng(42).permutation(n_samples), batch_size)


def batches_arange_reversed(n_samples, batch_size, rng):
    return _cut(np.arange(n_samples)[::-1], batch_size)


def batches_fixed_batches_shuffled(n_samples, batch_size, rng):
    batches = _cut(np.arange(n_samples), batch_size)
    full = [b for b in batches if len(b) == batch_size]
    return [full[k] for k in rng.permutation(len(full))] + batches[len(full):]


def batches_shuffled_within_fixed_batches(n_samples, batch_size, rng):
    return [rng.permutation(b) for b in _cut(np.arange(n_samples), batch_size)]


def batches_random_rotation(n_samples, batch_size, rng):
    return _cut(np.roll(np.arange(n_samples), int(rng.integers(n_samples))), batch_size)


def batches_every_kth(n_samples, batch_size, rng):
    n_batches = -(-n_samples // batch_size)
    return [np.arange(k, n_samples, n_batches) for k in rng.permutation(n_batches)]


def standardizer_threshold_1e_12(X_train):
    std = X_train.std(axis=0)
    return X_train.mean(axis=0), np.where(std < 1e-12, 1.0, std)


def standardizer_isclose(X_train):
    std = X_train.std(axis=0)
    return X_train.mean(axis=0), np.where(np.isclose(std, 0.0), 1.0, std)


def standardizer_std_plus_tiny(X_train):
    return X_train.mean(axis=0), X_train.std(axis=0) + 1e-12


def standardizer_flattened(X_train):
    d = X_train.shape[1]
    return np.full(d, X_train.mean()), np.full(d, X_train.std())


def mse_half(y_true, y_pred):
    return float(0.5 * np.mean((y_true - y_pred) ** 2))


def mse_std_squared(y_true, y_pred):
    return float(np.std(y_true - y_pred) ** 2)


def mse_root_sum_over_n(y_true, y_pred):
    return float(np.sqrt(np.sum((y_true - y_pred) ** 2)) / len(y_true))


def mse_square_of_mean_error(y_true, y_pred):
    return float(np.mean(y_true - y_pred) ** 2)


def mse_difference_of_squares(y_true, y_pred):
    return float(np.mean(y_true ** 2 - y_pred ** 2))


def gradient_plus_sign(X, y, theta):
    return 2.0 / len(y) * X.T @ (y - X @ theta)


def gradient_without_predictions(X, y, theta):
    return -2.0 / len(y) * X.T @ y


def gradient_mean_over_entries(X, y, theta):
    return -2.0 * (X.T @ (y - X @ theta)) / X.size


def bce_log_p_plus_1e_12(y_true, logits):
    p = 1 / (1 + np.exp(-logits))
    return float(-np.mean(y_true * np.log(p + 1e-12) + (1 - y_true) * np.log(1 - p + 1e-12)))


def bce_clip_1e_15(y_true, logits):
    p = np.clip(1 / (1 + np.exp(-logits)), 1e-15, 1 - 1e-15)
    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))


def bce_naive_softplus(y_true, logits):
    return float(np.mean(y_true * np.log(1 + np.exp(-logits)) + (1 - y_true) * np.log(1 + np.exp(logits))))


def bce_pm_one_labels_log1p(y_true, logits):
    return float(np.mean(np.log1p(np.exp(-y_true * logits))))


def softmax_ce_global_max(y_true, logits):
    shifted = logits - np.max(logits)
    rows = np.arange(len(y_true))
    return float(np.mean(np.log(np.sum(np.exp(shifted), axis=1)) - shifted[rows, y_true]))


def softmax_ce_log_of_shifted_softmax(y_true, logits):
    rows = []
    for label, z in zip(y_true, logits):
        e = np.exp(z - z.max())
        rows.append(-np.log(e[label] / e.sum()))
    return float(np.mean(rows))


def softmax_ce_log_p_plus_1e_9(y_true, logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(y_true)), y_true] + 1e-9)))


def softmax_ce_clipped(y_true, logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = np.clip(e / e.sum(axis=1, keepdims=True), 1e-15, 1.0)
    return float(-np.mean(np.log(p[np.arange(len(y_true)), y_true])))


def softmax_ce_no_keepdims(y_true, logits):
    shifted = logits - logits.max(axis=1)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1))
    return float(-np.mean(log_p[np.arange(len(y_true)), y_true]))


def softmax_ce_normalized_over_matrix(y_true, logits):
    shifted = logits - logits.max()
    log_p = shifted - np.log(np.exp(shifted).sum())
    return float(-np.mean(log_p[np.arange(len(y_true)), y_true]))


def numgrad_fixed_step(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad, h = np.zeros_like(x), 1e-5
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


def numgrad_in_place_unrestored(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += eps
        f_plus = f(x)
        x[i] -= eps
        x[i] -= eps
        grad[i] = (f_plus - f(x)) / (2 * eps)
    return grad


def numgrad_rows_enumerated(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i, _ in enumerate(x):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def numgrad_all_entries_at_once(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    return np.full_like(x, (f(x + eps) - f(x - eps)) / (2 * eps))


def numgrad_changes_x(f, x, eps=1e-6):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        x[i] += eps
        f_plus = f(x)
        x[i] -= 2 * eps
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def gd_final_point_only(grad_fn, theta0, lr, n_steps):
    theta = np.array(theta0, dtype=float)
    for _ in range(n_steps):
        theta = theta - lr * grad_fn(theta)
    return theta


def gd_fixed_learning_rate(grad_fn, theta0, lr, n_steps):
    path = [np.array(theta0, dtype=float)]
    for _ in range(n_steps):
        path.append(path[-1] - 0.1 * grad_fn(path[-1]))
    return np.array(path)


def gd_list_of_one_array(grad_fn, theta0, lr, n_steps):
    theta = np.array(theta0, dtype=float)
    path = [theta]
    for _ in range(n_steps):
        theta[:] = theta - lr * grad_fn(theta)
        path.append(theta)
    return np.array(path)


def smoothness_frobenius(X):
    return float(2 / X.shape[0] * np.linalg.norm(X) ** 2)


def smoothness_largest_entry(X):
    return float(2 / X.shape[0] * np.max(np.abs(X.T @ X)))


def smoothness_sample_covariance(X):
    Xc = X - X.mean(axis=0)
    return float(2 / (X.shape[0] - 1) * np.linalg.eigvalsh(Xc.T @ Xc)[-1])


def smoothness_first_eigenvalue(X):
    return float(2 / X.shape[0] * np.linalg.eigvalsh(X.T @ X)[0])


def line_search_while_greater(f, grad_f, x, alpha0=1.0, shrink=0.5, c=1e-4):
    g, fx, alpha = grad_f(x), f(x), alpha0
    while f(x - alpha * g) > fx - c * alpha * (g @ g):
        alpha *= shrink
    return float(alpha)


def line_search_shrinks_first(f, grad_f, x, alpha0=1.0, shrink=0.5, c=1e-4):
    g, fx, alpha = grad_f(x), f(x), alpha0
    for _ in range(60):
        alpha *= shrink
        if f(x - alpha * g) <= fx - c * alpha * (g @ g):
            break
    return float(alpha)


def line_search_norm(f, grad_f, x, alpha0=1.0, shrink=0.5, c=1e-4):
    g, fx, alpha = grad_f(x), f(x), alpha0
    while not f(x - alpha * g) <= fx - c * alpha * np.linalg.norm(g):
        alpha *= shrink
    return float(alpha)


def line_search_starts_at_one(f, grad_f, x, alpha0=1.0, shrink=0.5, c=1e-4):
    g, fx, alpha = grad_f(x), f(x), 1.0
    while not f(x - alpha * g) <= fx - c * alpha * (g @ g):
        alpha *= shrink
    return float(alpha)


def line_search_no_c(f, grad_f, x, alpha0=1.0, shrink=0.5, c=1e-4):
    g, fx, alpha = grad_f(x), f(x), alpha0
    while not f(x - alpha * g) <= fx:
        alpha *= shrink
    return float(alpha)


HONEST_BUT_WRONG = [
    ("train_test_indices", split_global_np_random),
    ("train_test_indices", split_fixed_seed),
    ("train_test_indices", split_fresh_generator),
    ("train_test_indices", split_every_kth),
    ("train_test_indices", split_every_kth_random_start),
    ("train_test_indices", split_arange_reversed),
    ("train_test_indices", split_block_at_random_start),
    ("train_test_indices", split_random_rotation),
    ("train_test_indices", split_swapped_tuple),
    ("train_test_indices", split_rounded),
    ("minibatch_indices", batches_global_np_random),
    ("minibatch_indices", batches_fixed_seed),
    ("minibatch_indices", batches_arange_reversed),
    ("minibatch_indices", batches_fixed_batches_shuffled),
    ("minibatch_indices", batches_shuffled_within_fixed_batches),
    ("minibatch_indices", batches_random_rotation),
    ("minibatch_indices", batches_every_kth),
    ("fit_standardizer", standardizer_threshold_1e_12),
    ("fit_standardizer", standardizer_isclose),
    ("fit_standardizer", standardizer_std_plus_tiny),
    ("fit_standardizer", standardizer_flattened),
    ("mse_loss", mse_half),
    ("mse_loss", mse_std_squared),
    ("mse_loss", mse_root_sum_over_n),
    ("mse_loss", mse_square_of_mean_error),
    ("mse_loss", mse_difference_of_squares),
    ("mse_gradient", gradient_plus_sign),
    ("mse_gradient", gradient_without_predictions),
    ("mse_gradient", gradient_mean_over_entries),
    ("binary_cross_entropy_with_logits", bce_log_p_plus_1e_12),
    ("binary_cross_entropy_with_logits", bce_clip_1e_15),
    ("binary_cross_entropy_with_logits", bce_naive_softplus),
    ("binary_cross_entropy_with_logits", bce_pm_one_labels_log1p),
    ("softmax_cross_entropy", softmax_ce_global_max),
    ("softmax_cross_entropy", softmax_ce_log_of_shifted_softmax),
    ("softmax_cross_entropy", softmax_ce_log_p_plus_1e_9),
    ("softmax_cross_entropy", softmax_ce_clipped),
    ("softmax_cross_entropy", softmax_ce_no_keepdims),
    ("softmax_cross_entropy", softmax_ce_normalized_over_matrix),
    ("numerical_gradient", numgrad_fixed_step),
    ("numerical_gradient", numgrad_in_place_unrestored),
    ("numerical_gradient", numgrad_rows_enumerated),
    ("numerical_gradient", numgrad_all_entries_at_once),
    ("numerical_gradient", numgrad_changes_x),
    ("gradient_descent", gd_final_point_only),
    ("gradient_descent", gd_fixed_learning_rate),
    ("gradient_descent", gd_list_of_one_array),
    ("mse_smoothness_constant", smoothness_frobenius),
    ("mse_smoothness_constant", smoothness_largest_entry),
    ("mse_smoothness_constant", smoothness_sample_covariance),
    ("mse_smoothness_constant", smoothness_first_eigenvalue),
    ("backtracking_line_search", line_search_while_greater),
    ("backtracking_line_search", line_search_shrinks_first),
    ("backtracking_line_search", line_search_norm),
    ("backtracking_line_search", line_search_starts_at_one),
    ("backtracking_line_search", line_search_no_c),
]


@pytest.mark.parametrize("exercise_id,answer", HONEST_BUT_WRONG,
                         ids=[f"{e}:{fn.__name__}" for e, fn in HONEST_BUT_WRONG])
def test_honest_but_wrong_answer_is_rejected_on_every_seed(exercise_id, answer):
    exercise = get_exercise(exercise_id)
    public = run_check(exercise, answer)
    assert not public.passed, f"public check accepted {answer.__name__}"
    fixed = _fixed_labels(exercise)
    for seed in _seeds(exercise):
        report = run_check(exercise, answer, hidden=True, seed=seed)
        assert not report.passed, f"hidden check (seed {seed}) accepted {answer.__name__}"
        if exercise.behaviour is None:   # else the over-many-seeds check may be what rejects it
            assert _failed_case(report) in fixed, f"seed {seed}: rejected only by a random case"


@pytest.mark.parametrize("answer,expected", [
    (split_global_np_random, "ignores rng: two calls with the same seed gave different splits"),
    (split_fixed_seed, "the same for every rng"),
    (split_every_kth_random_start, "not a uniform random sample"),
    (split_swapped_tuple, "look swapped"),
    (batches_fixed_batches_shuffled, "with a fresh shuffle every epoch"),
    (batches_shuffled_within_fixed_batches, "hold the same samples for every rng"),
])
def test_random_answers_are_told_what_is_wrong(answer, expected):
    exercise_id = "train_test_indices" if answer.__name__.startswith("split") else "minibatch_indices"
    report = run_check(exercise_id, answer)
    assert expected in report.message


def test_a_rounded_down_split_is_not_told_it_is_swapped():
    report = run_check("train_test_indices", split_rounded)
    assert "rounded down" in report.message and "swapped" not in report.message


# --- answers that call the library --------------------------------------------------------------

@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(EXERCISES))
def test_the_reference_handed_in_as_an_answer_is_reported(exercise):
    report = run_check(exercise, exercise.reference)
    assert not report.passed
    assert report.called_reference


def _mse_via_linear_model(y_true, y_pred):
    from mlcourse_lib import models

    return models.linear_regression_loss(np.eye(len(y_true)), y_true, y_pred)


def _mse_via_metrics(y_true, y_pred):
    from mlcourse_lib import metrics

    return metrics.mean_squared_error(y_true, y_pred)


def _mse_via_sklearn(y_true, y_pred):
    import sklearn.metrics

    return sklearn.metrics.mean_squared_error(y_true, y_pred)


def _bce_via_two_class_softmax(y_true, logits):
    from mlcourse_lib import losses

    two_class = np.column_stack([np.zeros_like(logits), logits])
    return losses.softmax_cross_entropy(y_true.astype(int), two_class)


def _softmax_ce_via_log_softmax(y_true, logits):
    from mlcourse_lib import losses

    return float(-np.mean(losses.log_softmax(logits, axis=1)[np.arange(len(y_true)), y_true]))


def _softmax_ce_via_scipy(y_true, logits):
    from scipy.special import logsumexp

    return float(np.mean(logsumexp(logits, axis=1) - logits[np.arange(len(y_true)), y_true]))


def _split_via_library_helper(n_samples, test_fraction, rng):
    from mlcourse_lib import data

    idx = np.arange(n_samples)
    train, _, test = data.train_val_test_split(idx, val_fraction=0, test_fraction=test_fraction, rng=rng)
    return train, test


def _numgrad_via_scipy(f, x, eps=1e-6):
    from scipy.optimize import approx_fprime

    return approx_fprime(np.ravel(x), lambda v: f(v.reshape(np.shape(x))), eps).reshape(np.shape(x))


SHORTCUTS = [
    ("mse_loss", _mse_via_linear_model),
    ("mse_loss", _mse_via_metrics),
    ("mse_loss", _mse_via_sklearn),
    ("binary_cross_entropy_with_logits", _bce_via_two_class_softmax),
    ("softmax_cross_entropy", _softmax_ce_via_log_softmax),
    ("softmax_cross_entropy", _softmax_ce_via_scipy),
    ("train_test_indices", _split_via_library_helper),
    ("numerical_gradient", _numgrad_via_scipy),
]


@pytest.mark.parametrize("exercise_id,answer", SHORTCUTS, ids=[f"{e}:{fn.__name__}" for e, fn in SHORTCUTS])
def test_calling_a_library_shortcut_is_reported(exercise_id, answer):
    report = run_check(exercise_id, answer)
    assert not report.passed
    assert report.called_reference, report.message
    hidden = run_check(exercise_id, answer, hidden=True, seed=7)
    assert not hidden.passed and hidden.called_reference


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(EXERCISES))
def test_cheating_objects_and_stubs_are_rejected(exercise):
    class AlwaysEqual:
        def __eq__(self, other):
            return True

        __hash__ = object.__hash__

    def cheat(*args, **kwargs):
        return AlwaysEqual()

    def stub(*args, **kwargs):
        raise NotImplementedError()

    def forgot_return(*args, **kwargs):
        pass

    assert not run_check(exercise, cheat).passed
    assert "not implemented yet" in run_check(exercise, stub).message
    assert "returned None" in run_check(exercise, forgot_return).message
