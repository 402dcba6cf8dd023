"""Tests of mlcourse_lib.search: samplers against their distributions, cross-validation against a
hand-written loop (and the leak it avoids), the GP posterior against the textbook formulas,
expected improvement against Monte Carlo, successive halving against worked schedules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlcourse_lib.data import fit_standardizer, kfold_indices
from mlcourse_lib.search import (
    bayesian_optimization,
    cross_val_scores,
    cv_score,
    expected_improvement,
    gp_posterior,
    grid_points,
    log_uniform,
    normal_cdf,
    normal_pdf,
    random_points,
    rbf_kernel,
    successive_halving,
    successive_halving_schedule,
    top_correlated_features,
)


# --- sampling ---------------------------------------------------------------------------------

def test_grid_points_is_the_cartesian_product_last_axis_fastest():
    points = grid_points([1.0, 2.0], [10.0, 20.0, 30.0], [0.5])
    assert points.shape == (6, 3)
    assert points[:, 0].tolist() == [1, 1, 1, 2, 2, 2]
    assert points[:, 1].tolist() == [10, 20, 30, 10, 20, 30]
    assert np.all(points[:, 2] == 0.5)


def test_a_grid_tries_few_distinct_values_per_axis_random_points_many():
    grid = grid_points(np.linspace(0, 1, 3), np.linspace(0, 1, 3))
    rand = random_points([0, 0], [1, 1], n_points=9, rng=0)
    assert len(np.unique(grid[:, 0])) == 3
    assert len(np.unique(rand[:, 0])) == 9 and len(np.unique(rand[:, 1])) == 9


def test_random_points_lie_in_the_box_and_follow_the_seed():
    points = random_points([-1.0, 10.0], [1.0, 12.0], n_points=500, rng=3)
    assert points.shape == (500, 2)
    assert np.all((points[:, 0] >= -1) & (points[:, 0] < 1) & (points[:, 1] >= 10) & (points[:, 1] < 12))
    np.testing.assert_array_equal(points, random_points([-1.0, 10.0], [1.0, 12.0], n_points=500, rng=3))
    assert abs(points[:, 1].mean() - 11) < 0.1


def test_log_uniform_is_exp_of_one_uniform_draw():
    got = log_uniform(1e-3, 10.0, size=7, rng=np.random.default_rng(5))
    expected = np.exp(np.random.default_rng(5).uniform(np.log(1e-3), np.log(10.0), 7))
    np.testing.assert_array_equal(got, expected)
    power_form = 1e-3 * (10.0 / 1e-3) ** np.random.default_rng(5).random(7)
    np.testing.assert_allclose(got, power_form, rtol=1e-13)


def test_log_uniform_gives_every_decade_the_same_share():
    values = log_uniform(1e-4, 1.0, size=40_000, rng=0)
    assert values.min() >= 1e-4 and values.max() < 1.0
    shares = np.histogram(values, 10.0 ** np.arange(-4, 1))[0] / values.size
    np.testing.assert_allclose(shares, 0.25, atol=0.01)
    # the CDF (ln t - ln low) / (ln high - ln low) at a point inside a decade
    assert abs(np.mean(values < 0.05) - (math.log(0.05) - math.log(1e-4)) / math.log(1e4)) < 0.01


@pytest.mark.parametrize("low,high,size,error,match", [
    (0.0, 1.0, 3, ValueError, "low must be > 0"),
    (-1.0, 1.0, 3, ValueError, "low must be > 0"),
    (1.0, 0.1, 3, ValueError, "Did you swap them"),
    (1.0, 1.0, 3, ValueError, "low must be < high"),
    (0.1, 1.0, -1, ValueError, "size must be >= 0"),
    (0.1, 1.0, 2.5, TypeError, "size must be an integer"),
])
def test_log_uniform_refuses_bad_arguments(low, high, size, error, match):
    with pytest.raises(error, match=match):
        log_uniform(low, high, size=size, rng=0)


def test_samplers_refuse_a_missing_rng_and_bad_boxes():
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        log_uniform(0.1, 1.0, size=2, rng=None)
    with pytest.raises(ValueError, match="high has shape"):
        random_points([0.0, 0.0], [1.0], n_points=2, rng=0)
    with pytest.raises(ValueError, match="at index 1"):
        random_points([0.0, 2.0], [1.0, 1.0], n_points=2, rng=0)
    with pytest.raises(TypeError, match="at least one axis"):
        grid_points()


# --- cross-validation ---------------------------------------------------------------------------

def _ridge(l2):
    def fit(X, y):
        n, d = X.shape
        b = y.mean()
        return np.linalg.solve(X.T @ X + n * l2 * np.eye(d), X.T @ (y - b)), b
    return fit


def _neg_mse(model, X, y):
    theta, b = model
    return -float(np.mean((y - X @ theta - b) ** 2))


def _problem(n=37, seed=0):
    rng = np.random.default_rng(seed)
    scales = np.array([0.01, 1.0, 100.0])
    X = rng.normal(size=(n, 3)) * scales + 5
    return X, X @ (np.array([1.0, -2.0, 0.5]) / scales) + 0.3 * rng.normal(size=n)


def test_cv_score_is_the_mean_over_folds_with_the_standardizer_refitted_in_each():
    X, y = _problem()
    scores = []
    for train_idx, val_idx in kfold_indices(len(y), n_folds=5, rng=np.random.default_rng(9)):
        s = fit_standardizer(X[train_idx])
        model = _ridge(0.3)(s.transform(X[train_idx]), y[train_idx])
        scores.append(_neg_mse(model, s.transform(X[val_idx]), y[val_idx]))
    got = cv_score(X, y, _ridge(0.3), _neg_mse, n_folds=5, rng=np.random.default_rng(9))
    assert isinstance(got, float)
    assert got == pytest.approx(np.mean(scores), rel=1e-12)
    folds = cross_val_scores(X, y, _ridge(0.3), _neg_mse, n_folds=5, rng=np.random.default_rng(9))
    np.testing.assert_allclose(folds, scores, rtol=1e-12)


def test_cv_score_differs_from_a_standardizer_fitted_on_all_data():
    X, y = _problem()
    honest = cv_score(X, y, _ridge(0.3), _neg_mse, n_folds=5, rng=1)
    Z = fit_standardizer(X).transform(X)
    leaky = cross_val_scores(Z, y, _ridge(0.3), _neg_mse, n_folds=5, rng=1, standardize=False).mean()
    assert honest != pytest.approx(leaky, rel=1e-6)


def test_selecting_features_on_all_data_is_optimistic_on_pure_noise():
    leaky, honest = [], []

    def fit_on(columns):
        return lambda X, y: (columns, np.linalg.lstsq(np.c_[X[:, columns], np.ones(len(y))], y, rcond=None)[0])

    def score(model, X, y):
        columns, w = model
        return -float(np.mean((y - np.c_[X[:, columns], np.ones(len(y))] @ w) ** 2))

    for seed in range(5):
        rng = np.random.default_rng(seed)
        X, y = rng.normal(size=(40, 500)), rng.normal(size=40)
        chosen = top_correlated_features(X, y, k=5)
        leaky.append(cross_val_scores(X, y, fit_on(chosen), score, n_folds=4, rng=seed, standardize=False).mean())
        pipeline = lambda X, y: fit_on(top_correlated_features(X, y, k=5))(X, y)
        honest.append(cross_val_scores(X, y, pipeline, score, n_folds=4, rng=seed, standardize=False).mean())
    assert np.all(np.array(leaky) > np.array(honest))


def test_cross_validation_refuses_bad_arguments():
    X, y = _problem()
    with pytest.raises(ValueError, match="y has 36 rows, expected 37"):
        cv_score(X, y[:-1], _ridge(0.1), _neg_mse, n_folds=3, rng=0)
    with pytest.raises(TypeError, match="fit_fn must be a function"):
        cv_score(X, y, None, _neg_mse, n_folds=3, rng=0)
    with pytest.raises(TypeError, match="score_fn must return a number"):
        cv_score(X, y, _ridge(0.1), lambda m, X, y: "good", n_folds=3, rng=0)
    with pytest.raises(TypeError, match="rng is required|rng must be"):
        cv_score(X, y, _ridge(0.1), _neg_mse, n_folds=3, rng=None)
    with pytest.raises(ValueError, match="n_samples must be >= n_folds"):
        cv_score(X[:2], y[:2], _ridge(0.1), _neg_mse, n_folds=3, rng=0)


def test_top_correlated_features_matches_corrcoef():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(30, 8))
    X[:, 3] = 7.0                                   # constant: correlation 0
    y = X[:, 5] - 0.5 * X[:, 1] + 0.1 * rng.normal(size=30)
    r = np.array([0.0 if j == 3 else np.corrcoef(X[:, j], y)[0, 1] for j in range(8)])
    expected = np.argsort(-np.abs(r), kind="stable")[:3]
    np.testing.assert_array_equal(top_correlated_features(X, y, k=3), expected)
    assert top_correlated_features(X, y, k=2).tolist() == [5, 1]
    with pytest.raises(ValueError, match="k must be <= the number of features"):
        top_correlated_features(X, y, k=9)


# --- Gaussian process and expected improvement ---------------------------------------------------

def test_rbf_kernel_values_symmetry_and_positive_definiteness():
    A = np.random.default_rng(0).normal(size=(12, 2))
    K = rbf_kernel(A, A, length_scale=0.7, variance=2.0)
    assert K[0, 1] == pytest.approx(2.0 * math.exp(-np.sum((A[0] - A[1]) ** 2) / (2 * 0.49)))
    np.testing.assert_allclose(K, K.T)
    np.testing.assert_allclose(np.diag(K), 2.0)
    assert np.linalg.eigvalsh(K).min() > -1e-10
    with pytest.raises(ValueError, match="length_scale must be > 0"):
        rbf_kernel(A, A, length_scale=0.0)
    with pytest.raises(ValueError, match="B has 3 features"):
        rbf_kernel(A, np.zeros((2, 3)))


def test_gp_posterior_equals_the_textbook_formulas():
    rng = np.random.default_rng(1)
    X, Xs = rng.uniform(0, 3, size=6), np.linspace(-1, 4, 9)
    y = np.sin(X)
    kw = dict(length_scale=0.8, variance=1.5, noise=0.01)
    mean, var = gp_posterior(X, y, Xs, **kw)
    K = rbf_kernel(X, X, length_scale=0.8, variance=1.5) + (0.01 + 1e-12) * np.eye(6)
    k_star = rbf_kernel(X, Xs, length_scale=0.8, variance=1.5)
    m = y.mean()
    np.testing.assert_allclose(mean, m + k_star.T @ np.linalg.solve(K, y - m), rtol=1e-9)
    np.testing.assert_allclose(var, 1.5 - np.sum(k_star * np.linalg.solve(K, k_star), axis=0), atol=1e-10)


def test_gp_posterior_interpolates_and_forgets():
    X, y = np.array([0.0, 1.0, 2.5]), np.array([1.0, -1.0, 0.5])
    mean, var = gp_posterior(X, y, np.array([0.0, 1.0, 2.5, 50.0]), length_scale=0.5, noise=1e-10)
    np.testing.assert_allclose(mean[:3], y, atol=1e-6)
    np.testing.assert_allclose(var[:3], 0.0, atol=1e-6)
    assert mean[3] == pytest.approx(y.mean()) and var[3] == pytest.approx(1.0)
    assert np.all(var >= 0)


def test_gp_posterior_averages_repeated_points_and_validates():
    mean, var = gp_posterior([0.0, 0.0], [1.0, 2.0], [0.0], noise=0.0)      # a tiny jitter keeps K invertible
    assert mean[0] == pytest.approx(1.5, abs=1e-6) and var[0] == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(ValueError, match="X_test has 2 features, expected 1"):
        gp_posterior([0.0, 1.0], [1.0, 2.0], np.zeros((3, 2)))
    with pytest.raises(ValueError, match="noise must be >= 0"):
        gp_posterior([0.0, 1.0], [1.0, 2.0], [0.5], noise=-1.0)


def test_normal_cdf_and_pdf():
    z = np.array([-3.0, -1.0, 0.0, 0.5, 2.0])
    Phi = normal_cdf(z)
    np.testing.assert_allclose(Phi + normal_cdf(-z), 1.0, atol=1e-15)
    assert normal_cdf(np.array([0.0]))[0] == 0.5
    # Φ' = φ
    h = 1e-5
    np.testing.assert_allclose((normal_cdf(z + h) - normal_cdf(z - h)) / (2 * h), normal_pdf(z), rtol=1e-7)
    stats = pytest.importorskip("scipy.stats")
    np.testing.assert_allclose(Phi, stats.norm.cdf(z), rtol=1e-14)


def test_expected_improvement_equals_monte_carlo():
    mean, var, f_best, xi = np.array([0.3, 1.0, 1.8]), np.array([0.2, 0.5, 0.1]), 1.0, 0.05
    draws = np.random.default_rng(0).normal(size=(400_000, 1)) * np.sqrt(var) + mean
    monte_carlo = np.maximum(f_best - draws - xi, 0).mean(axis=0)
    np.testing.assert_allclose(expected_improvement(mean, var, f_best, xi=xi), monte_carlo, rtol=0.02, atol=1e-4)


def test_expected_improvement_without_uncertainty_and_its_properties():
    ei = expected_improvement(np.array([0.5, 1.0, 1.5]), np.zeros(3), 1.0, xi=0.0)
    np.testing.assert_array_equal(ei, [0.5, 0.0, 0.0])       # no NaN at 0/0
    mean = np.linspace(-3, 3, 50)
    for v in (1e-8, 0.3, 4.0):
        values = expected_improvement(mean, np.full(50, v), 0.0, xi=0.1)
        assert np.all(values >= 0) and np.all(np.diff(values) <= 0)   # lower mean, more EI
    # more uncertainty, more EI; a larger margin ξ, less
    assert expected_improvement([1.0], [2.0], 0.0, xi=0.0)[0] > expected_improvement([1.0], [1.0], 0.0, xi=0.0)[0]
    assert expected_improvement([0.0], [1.0], 0.0, xi=0.5)[0] < expected_improvement([0.0], [1.0], 0.0, xi=0.0)[0]


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(mean=[0.0, 1.0], var=[1.0], f_best=0.0), ValueError, "var has shape"),
    (dict(mean=[0.0], var=[-0.1], f_best=0.0), ValueError, "var must be >= 0"),
    (dict(mean=[0.0], var=[1.0], f_best=0.0, xi=-0.1), ValueError, "xi must be >= 0"),
    (dict(mean=[0.0], var=[1.0], f_best="best"), TypeError, "f_best must be a real number"),
])
def test_expected_improvement_refuses_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        expected_improvement(**kwargs)


def test_bayesian_optimization_finds_the_minimum_of_a_smooth_function():
    grid = np.linspace(0, 1, 101)
    f = lambda x: float(np.sin(8 * x[0]) + (x[0] - 0.5) ** 2)
    result = bayesian_optimization(f, grid, n_init=3, n_iter=8, rng=0, length_scale=0.15)
    values = np.array([f([x]) for x in grid])
    assert result.x.shape == (11, 1) and len(np.unique(result.x)) == 11
    assert result.best_y == pytest.approx(values.min())
    assert result.best_y == result.y.min()
    with pytest.raises(ValueError, match="n_init \\+ n_iter must be <="):
        bayesian_optimization(f, grid[:5], n_init=3, n_iter=3, rng=0)


# --- successive halving ---------------------------------------------------------------------------

@pytest.mark.parametrize("n,r,eta,expected", [
    (27, 1, 3, [(27, 1), (9, 3), (3, 9), (1, 27)]),
    (20, 1, 3, [(20, 1), (6, 3), (2, 9)]),
    (243, 1, 3, [(243, 1), (81, 3), (27, 9), (9, 27), (3, 81), (1, 243)]),
    (1000, 2, 10, [(1000, 2), (100, 20), (10, 200), (1, 2000)]),
    (2, 5, 3, [(2, 5)]),
    (1, 5, 2, [(1, 5)]),
    (10, 0.5, 2, [(10, 0.5), (5, 1.0), (2, 2.0), (1, 4.0)]),
])
def test_successive_halving_schedule(n, r, eta, expected):
    rungs = successive_halving_schedule(n, r, eta=eta)
    assert rungs == expected
    assert all(isinstance(n_i, int) for n_i, _ in rungs)
    assert 1 <= rungs[-1][0] < eta
    assert len(rungs) == 1 + max(s for s in range(64) if eta ** s <= n)


@pytest.mark.parametrize("args,kwargs,error,match", [
    ((0, 1), {}, ValueError, "n_configs must be >= 1"),
    ((10, 0), {}, ValueError, "min_budget must be >= 1"),
    ((10, -0.5), {}, ValueError, "min_budget must be > 0"),
    ((10, 1), {"eta": 1}, ValueError, "eta must be >= 2"),
    ((10, 1), {"eta": 2.5}, TypeError, "eta must be an integer"),
])
def test_successive_halving_schedule_refuses_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        successive_halving_schedule(*args, **kwargs)


def test_successive_halving_keeps_the_best_and_ranks_nan_last():
    configs = [0.9, 0.1, 0.5, 0.3, float("nan"), 0.7, 0.2, 0.6, 0.4]
    calls = []

    def evaluate(c, budget):
        calls.append(budget)
        return float("nan") if math.isnan(c) else c / budget

    best, rungs = successive_halving(configs, evaluate, min_budget=1, eta=3)
    assert best == 1
    assert [(len(r.configs), r.budget) for r in rungs] == [(9, 1), (3, 3), (1, 9)]
    assert sorted(rungs[1].configs.tolist()) == [1, 3, 6]
    assert calls == [1] * 9 + [3] * 3 + [9]
    with pytest.raises(TypeError, match="evaluate must be a function"):
        successive_halving(configs, None, min_budget=1)


# --- the chapter's exercise checkers: honest but wrong answers outside the catalog's mistakes ------

def _log_uniform_global_random(low, high, size, rng):
    return np.exp(np.random.uniform(np.log(low), np.log(high), size))


def _log_uniform_own_generator(low, high, size, rng):
    return np.exp(np.random.default_rng(0).uniform(np.log(low), np.log(high), size))


def _cv_with_sample_std(X, y, fit_fn, score_fn, n_folds, rng):
    scores = []
    for train_idx, val_idx in kfold_indices(len(y), n_folds=n_folds, rng=rng):
        mean, std = X[train_idx].mean(axis=0), X[train_idx].std(axis=0, ddof=1)
        model = fit_fn((X[train_idx] - mean) / std, y[train_idx])
        scores.append(score_fn(model, (X[val_idx] - mean) / std, y[val_idx]))
    return float(np.mean(scores))


def _cv_fixed_seed(X, y, fit_fn, score_fn, n_folds, rng):
    scores = []
    for train_idx, val_idx in kfold_indices(len(y), n_folds=n_folds, rng=0):
        s = fit_standardizer(X[train_idx])
        scores.append(score_fn(fit_fn(s.transform(X[train_idx]), y[train_idx]), s.transform(X[val_idx]), y[val_idx]))
    return float(np.mean(scores))


def _cv_median(X, y, fit_fn, score_fn, n_folds, rng):
    scores = []
    for train_idx, val_idx in kfold_indices(len(y), n_folds=n_folds, rng=rng):
        s = fit_standardizer(X[train_idx])
        scores.append(score_fn(fit_fn(s.transform(X[train_idx]), y[train_idx]), s.transform(X[val_idx]), y[val_idx]))
    return float(np.median(scores))


def _ei_zero_without_uncertainty(mean, var, f_best, xi):
    sigma = np.sqrt(var)
    gap = f_best - mean - xi
    z = np.divide(gap, sigma, out=np.zeros_like(gap), where=sigma > 0)
    cdf = np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in z])
    return np.where(sigma > 0, gap * cdf + sigma * np.exp(-z ** 2 / 2) / math.sqrt(2 * math.pi), 0.0)


def _sh_while_more_than_one(n_configs, min_budget, eta):
    n, r, rungs = n_configs, min_budget, [(n_configs, min_budget)]
    while n > 1:
        n, r = n // eta, r * eta
        rungs.append((n, r))
    return rungs


def _sh_as_array(n_configs, min_budget, eta):
    return np.array(successive_halving_schedule(n_configs, min_budget, eta=eta))


HONEST_BUT_WRONG = [
    ("log_uniform", _log_uniform_global_random),
    ("log_uniform", _log_uniform_own_generator),
    ("cv_score", _cv_with_sample_std),
    ("cv_score", _cv_fixed_seed),
    ("cv_score", _cv_median),
    ("expected_improvement", _ei_zero_without_uncertainty),
    ("successive_halving_schedule", _sh_while_more_than_one),
]


@pytest.mark.parametrize("exercise_id,answer", HONEST_BUT_WRONG,
                         ids=[f"{e}:{fn.__name__}" for e, fn in HONEST_BUT_WRONG])
def test_honest_but_wrong_answers_are_rejected_by_fixed_cases(exercise_id, answer):
    from mlcourse_lib.exercises import get_exercise, run_check

    exercise = get_exercise(exercise_id)
    assert not run_check(exercise, answer).passed
    fixed = [c.label for c in exercise.make_cases(hidden=True, seed=0) if not c.label.startswith("random:")]
    for seed in (0, 1, 2):
        report = run_check(exercise, answer, hidden=True, seed=seed)
        assert not report.passed
        assert any(f"case '{label}' failed" in report.message for label in fixed), report.message


def test_calling_the_library_or_scipy_is_reported():
    from mlcourse_lib.exercises import run_check

    def ei_with_scipy(mean, var, f_best, xi):
        from scipy.stats import norm

        sigma = np.sqrt(var)
        gap = f_best - mean - xi
        z = np.divide(gap, sigma, out=np.zeros_like(gap), where=sigma > 0)
        return np.where(sigma > 0, gap * norm.cdf(z) + sigma * norm.pdf(z), np.maximum(gap, 0))

    def sh_with_the_library_run(n_configs, min_budget, eta):
        _, rungs = successive_halving(list(range(n_configs)), lambda c, b: c, min_budget=min_budget, eta=eta)
        return [(len(r.configs), r.budget) for r in rungs]

    def cv_with_the_library_scores(X, y, fit_fn, score_fn, n_folds, rng):
        return float(cross_val_scores(X, y, fit_fn, score_fn, n_folds=n_folds, rng=rng).mean())

    for exercise_id, answer in (("expected_improvement", ei_with_scipy),
                                ("successive_halving_schedule", sh_with_the_library_run),
                                ("cv_score", cv_with_the_library_scores)):
        report = run_check(exercise_id, answer)
        assert not report.passed and report.called_reference, report.message
    assert "type" in run_check("successive_halving_schedule", _sh_as_array).message or \
        not run_check("successive_halving_schedule", _sh_as_array).passed
