"""Exercises on hyperparameter search (chapter "Hyperparameter search").

The random answers here take their randomness from the ``rng`` they are given, in a defined
way (``log_uniform`` draws ``rng.uniform(ln low, ln high, size)``, ``cv_score`` cuts its folds
with ``data.kfold_indices(n, n_folds=k, rng=rng)``), so their outputs are compared with the
reference's directly: the checker hands both the same random stream.
"""

from __future__ import annotations

import math

import numpy as np

from ...data import fit_standardizer, kfold_indices
from ...search import cv_score, expected_improvement, log_uniform, successive_halving_schedule
from ..spec import Case, Exercise, Mistake

CHAPTER = "08_hyperparameter_search"


# --- log_uniform --------------------------------------------------------------------------

def _log_uniform_cases(rng, hidden):
    # Each case has a Generator of its own seed, so that an answer that ignores rng (a fixed
    # seed of its own, np.random) cannot match them all.
    def case(label, low, high, size, seed):
        return Case(label, (low, high), {"size": size, "rng": np.random.default_rng(seed)})

    if not hidden:
        return [
            case("5 values in [1e-4, 0.1)", 1e-4, 0.1, 5, 11),
            case("7 values in [0.5, 8)", 0.5, 8.0, 7, 12),
            case("4 values in [1e-6, 100)", 1e-6, 100.0, 4, 13),
        ]
    low = float(10.0 ** rng.uniform(-6, 0))
    high = float(low * 10.0 ** rng.uniform(0.5, 5))
    return [
        case("6 values in [1e-5, 1)", 1e-5, 1.0, 6, 21),
        case("5 values in [3, 300)", 3.0, 300.0, 5, 22),
        case("8 values in [0.001, 1000)", 1e-3, 1e3, 8, 23),
        case("a single value in [2, 2.5)", 2.0, 2.5, 1, 24),
        case(f"random: 10 values in [{low:.3g}, {high:.3g})", low, high, 10, int(rng.integers(2**31))),
    ]


def _log_uniform_power(low, high, size, rng):
    return low * (high / low) ** rng.random(size)


def _log_uniform_log10(low, high, size, rng):
    return 10.0 ** rng.uniform(math.log10(low), math.log10(high), size)


def _log_uniform_loop(low, high, size, rng):
    a, b = math.log(low), math.log(high)
    u = rng.random(size)
    return np.array([math.exp(a + (b - a) * u_i) for u_i in u])


def _log_uniform_integer_exponents(low, high, size, rng):
    exponents = rng.integers(math.floor(math.log10(low)), math.ceil(math.log10(high)), size)
    return 10.0 ** exponents


LOG_UNIFORM = Exercise(
    id="log_uniform",
    title="Log-uniform samples for a random search",
    reference=log_uniform,
    cases=_log_uniform_cases,
    points=2,
    mistakes=(
        Mistake("uniform instead of log-uniform",
                "Uniform values in [low, high) put almost all samples in the top decade (90% "
                "above 0.1 for [1e-4, 1)). Draw the exponent uniformly: exp(uniform(ln low, ln high)).",
                lambda low, high, size, rng: rng.uniform(low, high, size)),
        Mistake("10 to the power of natural logarithms",
                "The exponent was drawn between ln low and ln high, but raised as a power of 10: "
                "the values leave the range. Undo the logarithm with the same base: exp after ln, "
                "10** after log10.",
                lambda low, high, size, rng: 10.0 ** rng.uniform(np.log(low), np.log(high), size)),
        Mistake("exp of base-10 logarithms",
                "The exponent was drawn between log10 low and log10 high, but undone with exp: the "
                "values leave the range. Undo the logarithm with the same base: exp after ln, "
                "10** after log10.",
                lambda low, high, size, rng: np.exp(rng.uniform(np.log10(low), np.log10(high), size))),
        Mistake("bounds swapped",
                "high·(low/high)^u starts from the top of the range: the same uniform draws u give "
                "other values than exp(ln low + u·(ln high − ln low)) = low·(high/low)^u. Start from "
                "the low bound, as rng.uniform(ln low, ln high) does.",
                lambda low, high, size, rng: high * (low / high) ** rng.random(size)),
        Mistake("integer exponents only",
                "Powers of 10 only (1e-4, 1e-3, ...) are a coarse grid, not a log-uniform sample: "
                "the exponent must be a real number drawn uniformly between the logs of the bounds.",
                _log_uniform_integer_exponents),
        Mistake("evenly spaced on a log scale (no randomness)",
                "np.geomspace gives a log-spaced grid, the same for every seed; random search needs "
                "random values: draw the exponents with the rng you are given.",
                lambda low, high, size, rng: np.geomspace(low, high, size)),
    ),
    alternatives=(_log_uniform_power, _log_uniform_log10, _log_uniform_loop),
    hints=(
        "A learning rate of 0.001 and one of 0.01 differ as much as 0.1 and 1: spread the samples "
        "evenly over the exponents, not over the values.",
        "Draw size numbers uniformly between the natural logarithms of the bounds with the "
        "generator you are given (one uniform draw, low bound first), then undo the logarithm "
        "with the same base.",
        "xᵢ = exp(vᵢ) with vᵢ drawn from the uniform distribution on [ln low, ln high).",
    ),
)


# --- cv_score -----------------------------------------------------------------------------

class RidgeFit:
    """Ridge regression with an intercept: θ = (XᵀX + nλI)⁻¹ Xᵀ(y - ȳ), b = ȳ."""

    def __init__(self, l2):
        self.l2 = l2
        self.__name__ = f"ridge_fit(l2={l2:g})"

    def __call__(self, X_train, y_train):
        n, d = X_train.shape
        b = float(np.mean(y_train))
        theta = np.linalg.solve(X_train.T @ X_train + n * self.l2 * np.eye(d), X_train.T @ (y_train - b))
        return theta, b


def neg_mse_score(model, X_val, y_val):
    """Minus the mean squared error of a (θ, b) model: larger is better."""
    theta, b = model
    return -float(np.mean((y_val - (X_val @ theta + b)) ** 2))


def _cv_problem(rng, n, scales, noise=0.5):
    d = len(scales)
    X = rng.normal(size=(n, d)) * np.asarray(scales) + rng.normal(size=d) * np.asarray(scales)
    w = rng.normal(size=d) / np.asarray(scales)
    return X, X @ w + noise * rng.normal(size=n)


def _cv_cases(rng, hidden):
    def case(label, X, y, l2, k, seed):
        return Case(label, (X, y, RidgeFit(l2), neg_mse_score),
                    {"n_folds": k, "rng": np.random.default_rng(seed)})

    if not hidden:
        X1, y1 = _cv_problem(np.random.default_rng(1), 23, [1.0, 100.0, 0.01])
        X2, y2 = _cv_problem(rng, 40, [0.1, 1.0, 10.0, 1000.0])
        return [
            case("23 samples, 3 features on different scales, 4 folds", X1, y1, 0.5, 4, 11),
            case("40 samples, 4 features, 5 folds", X2, y2, 0.2, 5, 12),
        ]
    X1, y1 = _cv_problem(np.random.default_rng(101), 31, [0.01, 1.0, 50.0, 3.0])
    X2, y2 = _cv_problem(np.random.default_rng(102), 14, [1.0, 1e3])
    n, d = int(rng.integers(20, 60)), int(rng.integers(2, 6))
    X3, y3 = _cv_problem(rng, n, 10.0 ** rng.uniform(-2, 3, size=d))
    return [
        case("31 samples, 4 features, 5 folds", X1, y1, 1.0, 5, 21),
        case("14 samples, 2 features, 3 folds", X2, y2, 0.3, 3, 22),
        case(f"random: {n} samples, {d} features", X3, y3, float(rng.uniform(0.05, 1.0)),
             int(rng.integers(2, 7)), int(rng.integers(1000))),
    ]


def _cv_with(*, standardize="train", fit_on="train", weighted=False, shuffle=True, swap=False):
    """A k-fold CV with one step done a (wrong) way: the frame of the known mistakes."""
    def cv(X, y, fit_fn, score_fn, n_folds, rng):
        n = len(y)
        folds = kfold_indices(n, n_folds=n_folds, rng=rng) if shuffle else \
            kfold_indices(n, n_folds=n_folds, shuffle=False)
        all_stats = fit_standardizer(X)
        scores, sizes = [], []
        for train_idx, val_idx in folds:
            if swap:
                train_idx, val_idx = val_idx, train_idx
            if standardize == "train":
                s = fit_standardizer(X[train_idx])
                Z_train, Z_val = s.transform(X[train_idx]), s.transform(X[val_idx])
            elif standardize == "all":
                Z_train, Z_val = all_stats.transform(X[train_idx]), all_stats.transform(X[val_idx])
            elif standardize == "own":
                Z_train = fit_standardizer(X[train_idx]).transform(X[train_idx])
                Z_val = fit_standardizer(X[val_idx]).transform(X[val_idx])
            else:
                Z_train, Z_val = X[train_idx], X[val_idx]
            if fit_on == "all":
                model = fit_fn(all_stats.transform(X), y)
            else:
                model = fit_fn(Z_train, y[train_idx])
            scores.append(score_fn(model, Z_val, y[val_idx]))
            sizes.append(len(val_idx))
        if weighted:
            return float(np.sum(np.array(scores) * np.array(sizes)) / n)
        return float(np.mean(scores))
    return cv


def _cv_by_hand(X, y, fit_fn, score_fn, n_folds, rng):
    order = rng.permutation(len(y))
    folds = np.array_split(order, n_folds)
    total = 0.0
    for j, val_idx in enumerate(folds):
        train_idx = np.concatenate([f for i, f in enumerate(folds) if i != j])
        mean = X[train_idx].mean(axis=0)
        std = X[train_idx].std(axis=0)
        model = fit_fn((X[train_idx] - mean) / std, y[train_idx])
        total += score_fn(model, (X[val_idx] - mean) / std, y[val_idx])
    return total / n_folds


def _cv_with_standardize(X, y, fit_fn, score_fn, n_folds, rng):
    from ...data import standardize

    scores = []
    for train_idx, val_idx in kfold_indices(len(y), n_folds=n_folds, rng=rng):
        Z_train, Z_val, _ = standardize(X[train_idx], X[val_idx])
        scores.append(score_fn(fit_fn(Z_train, y[train_idx]), Z_val, y[val_idx]))
    return sum(scores) / len(scores)


CV_SCORE = Exercise(
    id="cv_score",
    title="k-fold cross-validation with the standardizer fitted in each fold",
    reference=cv_score,
    cases=_cv_cases,
    points=3,
    allowed=("mlcourse_lib.data.splits.kfold_indices",
             "mlcourse_lib.data.preprocessing.fit_standardizer",
             "mlcourse_lib.data.preprocessing.standardize",
             "mlcourse_lib.data.preprocessing.Standardizer."),
    mistakes=(
        Mistake("standardizer fitted on all the data",
                "Means and scales computed on every sample have seen the validation fold: a leak. "
                "Fit the standardizer on the training folds of each split, then apply it to both parts.",
                _cv_with(standardize="all")),
        Mistake("validation fold standardized with its own statistics",
                "The validation fold stands for new data, which must be transformed with what was "
                "learned on the training folds: transform it with the training folds' standardizer.",
                _cv_with(standardize="own")),
        Mistake("model fitted on all the data",
                "A model fitted on every sample has seen the validation fold, so its score measures "
                "memory. Fit on the training folds of each split only.",
                _cv_with(fit_on="all")),
        Mistake("fold scores weighted by fold size",
                "The exercise asks for the plain mean of the k fold scores (each fold counts once, "
                "as in scikit-learn's cross_val_score(...).mean()), not a mean weighted by the sizes "
                "of the folds.",
                _cv_with(weighted=True)),
        Mistake("no standardization",
                "Standardize in every fold: fit the standardizer on the training folds and apply it to "
                "the training and the validation fold (ridge's penalty depends on the features' scales).",
                _cv_with(standardize="none")),
        Mistake("folds not shuffled",
                "The folds must come from data.kfold_indices(n, n_folds=n_folds, rng=rng), which "
                "shuffles the samples with rng; contiguous blocks differ whenever the data are ordered.",
                _cv_with(shuffle=False)),
        Mistake("training and validation folds swapped",
                "kfold_indices yields (train_idx, val_idx): fit on the k - 1 training folds and "
                "score on the one validation fold, not the other way round.",
                _cv_with(swap=True)),
    ),
    alternatives=(_cv_by_hand, _cv_with_standardize),
    hints=(
        "Whatever is learned from data, here the means and scales of the features, must be learned "
        "from the training folds only, exactly like the model's weights.",
        "Get the k splits from the k-fold helper of the data module with the rng you are given. In "
        "each split, fit the standardizer on the training rows, transform both parts with it, fit "
        "on the training part and score on the validation part. Then average the k scores, each "
        "fold counting once.",
        "CV = (1/k) Σⱼ score_fn(fit_fn((X_Tⱼ − μⱼ)/sⱼ, y_Tⱼ), (X_Vⱼ − μⱼ)/sⱼ, y_Vⱼ), with μⱼ and sⱼ "
        "the means and scales of the training rows X_Tⱼ only.",
    ),
)


# --- expected_improvement -----------------------------------------------------------------

def _phi(z):
    return np.exp(-0.5 * np.asarray(z, dtype=float) ** 2) / math.sqrt(2 * math.pi)


def _Phi(z):
    return np.array([0.5 * (1.0 + math.erf(v / math.sqrt(2.0))) for v in np.ravel(z)]).reshape(np.shape(z))


def _ei_with(*, sign=1.0, xi_sign=-1.0, use_var=False, swap=False, divide_by_zero=False,
             clip_certain=True, clip_inside=False):
    """EI with one step done a (wrong) way: the frame of the known mistakes."""
    def ei(mean, var, f_best, xi):
        sigma = var if use_var else np.sqrt(var)
        improvement = sign * (f_best - mean) + xi_sign * xi
        with np.errstate(divide="ignore", invalid="ignore"):
            if divide_by_zero:
                z = improvement / sigma
            else:
                z = np.where(sigma > 0, improvement / np.where(sigma > 0, sigma, 1.0), 0.0)
            first = np.maximum(improvement, 0.0) if clip_inside else improvement
            cdf, pdf = _Phi(z), _phi(z)
            if swap:
                cdf, pdf = pdf, cdf
            uncertain = first * cdf + sigma * pdf
        if divide_by_zero:
            return uncertain
        certain = np.maximum(improvement, 0.0) if clip_certain else improvement
        return np.where(sigma > 0, uncertain, certain)
    return ei


def _ei_loop(mean, var, f_best, xi):
    out = []
    for m, v in zip(mean, var):
        s = math.sqrt(v)
        gap = f_best - m - xi
        if s == 0:
            out.append(max(gap, 0.0))
        else:
            z = gap / s
            cdf = 0.5 * math.erfc(-z / math.sqrt(2))
            pdf = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
            out.append(gap * cdf + s * pdf)
    return np.array(out)


def _ei_masked(mean, var, f_best, xi):
    sigma = np.sqrt(var)
    gap = f_best - mean - xi
    ei = np.maximum(gap, 0.0)
    pos = sigma > 0
    z = gap[pos] / sigma[pos]
    erf = np.vectorize(math.erf)
    ei[pos] = gap[pos] * 0.5 * (1 + erf(z / np.sqrt(2))) + sigma[pos] * np.exp(-z ** 2 / 2) / np.sqrt(2 * np.pi)
    return ei


def _ei_cases(rng, hidden):
    def case(label, mean, var, f_best, xi):
        return Case(label, (np.asarray(mean, dtype=float), np.asarray(var, dtype=float), f_best),
                    {"xi": xi})

    if not hidden:
        m = 6
        return [
            # σ = 0 at the last three: a gain of 0 exactly (0.75 + 0.25 = 1), a loss, a gain.
            case("six candidates, three without uncertainty",
                 [0.5, 1.25, 2.0, 0.75, 1.5, 0.25], [0.25, 1.0, 0.0625, 0.0, 0.0, 0.0], 1.0, 0.25),
            case("six random candidates", rng.normal(size=m), rng.uniform(0.01, 2.0, size=m),
                 0.0, 0.05),
            case("far above the best", [3.0, 2.5, 5.0], [0.25, 4.0, 1.0], 0.0, 0.1),
        ]
    m = int(rng.integers(5, 30))
    return [
        case("five candidates, two without uncertainty",
             [-1.0, 0.5, 0.0, 2.0, -0.5], [0.5, 0.04, 0.0, 2.25, 0.0], 0.25, 0.125),
        case("the best observation itself (σ = 0, μ = f*), ξ = 0",
             [2.0, 1.5, 2.5, 3.0], [0.0, 0.09, 0.0, 0.36], 2.0, 0.0),
        case("large variances", [0.0, 1.0, -2.0], [9.0, 16.0, 0.01], 0.5, 0.5),
        case(f"random: {m} candidates", rng.normal(size=m),
             np.where(rng.random(m) < 0.2, 0.0, rng.uniform(0.01, 3.0, size=m)),
             float(rng.normal()), float(rng.uniform(0, 0.3))),
    ]


EXPECTED_IMPROVEMENT = Exercise(
    id="expected_improvement",
    title="Expected improvement for minimization",
    reference=expected_improvement,
    cases=_ei_cases,
    points=3,
    mistakes=(
        Mistake("maximization sign",
                "Losses are minimized: an improvement is a value below the best loss f*, so the "
                "margin is f* − μ − ξ, not μ − f* − ξ.",
                _ei_with(sign=-1.0)),
        Mistake("σ = 0 divides by zero",
                "Where σ = 0 and f* − μ − ξ = 0 (at the best observation itself when ξ = 0, for "
                "instance), z = 0/0 is NaN. Where σ = 0 there is no uncertainty: EI = max(f* − μ − ξ, 0), without z.",
                _ei_with(divide_by_zero=True), non_finite=True),
        Mistake("Φ and φ swapped",
                "The margin is multiplied by the normal CDF Φ(z) (the probability of an improvement) "
                "and σ by the density φ(z): (f* − μ − ξ)Φ(z) + σφ(z).",
                _ei_with(swap=True)),
        Mistake("variance used as σ",
                "var is σ², the posterior variance; EI needs the standard deviation σ = √var, both "
                "in z and in the σφ(z) term.",
                _ei_with(use_var=True)),
        Mistake("ξ ignored",
                "The margin is f* − μ − ξ: ξ asks for an improvement of at least ξ and favours "
                "exploring. Subtract it in z and in the first term.",
                _ei_with(xi_sign=0.0)),
        Mistake("ξ added instead of subtracted",
                "ξ is a required margin of improvement: the margin is f* − μ − ξ, which makes EI "
                "smaller, not f* − μ + ξ.",
                _ei_with(xi_sign=1.0)),
        Mistake("negative improvement where σ = 0",
                "Where σ = 0 the improvement is certain, and an improvement is never negative: "
                "EI = max(f* − μ − ξ, 0).",
                _ei_with(clip_certain=False)),
        Mistake("margin clipped at 0 inside the formula",
                "The closed form already accounts for the chance of no improvement: its first "
                "term is (f* − μ − ξ)Φ(z), with the margin itself, which may be negative. "
                "Clip only where σ = 0.",
                _ei_with(clip_inside=True)),
    ),
    alternatives=(_ei_loop, _ei_masked),
    hints=(
        "EI averages the improvement max(f* − f(x) − ξ, 0) over the GP's normal distribution of "
        "f(x). Losses are minimized, so an improvement is a value below the best loss f*.",
        "Take the square root of the variance to get σ. Compute the margin f* − μ − ξ and its "
        "ratio z to σ; the two terms use the normal CDF Φ (via the error function erf of Python's "
        "math module) and the normal density φ. Where σ is 0 there is no uncertainty: EI is the "
        "margin if it is positive, else 0, and nothing is divided by σ.",
        "EI = (f* − μ − ξ)·Φ(z) + σ·φ(z) with z = (f* − μ − ξ)/σ, Φ(z) = ½(1 + erf(z/√2)) and "
        "φ(z) = exp(−z²/2)/√(2π); where σ = 0, EI = max(f* − μ − ξ, 0).",
    ),
)


# --- successive_halving_schedule ----------------------------------------------------------

def _sh_cases(rng, hidden):
    def case(label, n, r, eta):
        return Case(label, (n, r), {"eta": eta})

    if not hidden:
        return [
            case("20 configurations, η = 3", 20, 1, 3),
            case("1000 configurations, η = 10", 1000, 1, 10),
            case("10 configurations, a budget of 0.5, η = 2", 10, 0.5, 2),
            case("2 configurations, η = 3: a single rung", 2, 4, 3),
        ]
    n, eta = int(rng.integers(1, 500)), int(rng.integers(2, 6))
    return [
        case("243 configurations, η = 3", 243, 1, 3),
        case("50 configurations, a budget of 2, η = 4", 50, 2, 4),
        case("7 configurations, a budget of 0.25, η = 2", 7, 0.25, 2),
        case("1 configuration, η = 3", 1, 5, 3),
        case(f"random: {n} configurations, η = {eta}", n, int(rng.integers(1, 10)), eta),
    ]


def _sh_closed_form(n_configs, min_budget, eta):
    s = 0
    while eta ** (s + 1) <= n_configs:
        s += 1
    return [(n_configs // eta ** i, min_budget * eta ** i) for i in range(s + 1)]


def _sh_recursive(n_configs, min_budget, eta):
    if n_configs < eta:
        return [(n_configs, min_budget)]
    return [(n_configs, min_budget)] + _sh_recursive(n_configs // eta, min_budget * eta, eta)


def _sh_ceil(n_configs, min_budget, eta):
    n, r = n_configs, min_budget
    rungs = [(n, r)]
    while n > 1:
        n, r = math.ceil(n / eta), r * eta
        rungs.append((n, r))
    return rungs


def _sh_fixed_budget(n_configs, min_budget, eta):
    n, rungs = n_configs, [(n_configs, min_budget)]
    while n >= eta:
        n = n // eta
        rungs.append((n, min_budget))
    return rungs


def _sh_one_too_many(n_configs, min_budget, eta):
    n, r = n_configs, min_budget
    rungs = [(n, r)]
    while n >= 1:
        n, r = n // eta, r * eta
        rungs.append((n, r))
    return rungs


def _sh_one_too_few(n_configs, min_budget, eta):
    n, r, rungs = n_configs, min_budget, []
    while n >= eta:
        rungs.append((n, r))
        n, r = n // eta, r * eta
    return rungs


def _sh_float_log(n_configs, min_budget, eta):
    s = int(math.log(n_configs) / math.log(eta))
    return [(n_configs // eta ** i, min_budget * eta ** i) for i in range(s + 1)]


def _sh_true_division(n_configs, min_budget, eta):
    n, r = n_configs, min_budget
    rungs = [(n, r)]
    while n >= eta:
        n, r = n / eta, r * eta
        rungs.append((n, r))
    return rungs


SUCCESSIVE_HALVING_SCHEDULE = Exercise(
    id="successive_halving_schedule",
    title="The rungs of successive halving",
    reference=successive_halving_schedule,
    cases=_sh_cases,
    points=2,
    mistakes=(
        Mistake("⌈n/η⌉ instead of ⌊n/η⌋",
                "Each rung keeps ⌊nᵢ/η⌋ configurations (rounded down) and the bracket stops when "
                "fewer than η remain; rounding up keeps one too many and adds rungs down to 1.",
                _sh_ceil),
        Mistake("budget not multiplied by η",
                "The survivors of each rung get η times the budget of the previous one: "
                "rᵢ₊₁ = η·rᵢ. With a fixed budget the last rungs learn nothing new.",
                _sh_fixed_budget),
        Mistake("one rung too many (down to 0 configurations)",
                "Stop when fewer than η configurations remain: the next rung would keep "
                "⌊nᵢ/η⌋ = 0 of them. The last rung has between 1 and η − 1 configurations.",
                _sh_one_too_many),
        Mistake("one rung too few (the last rung is missing)",
                "The rung with fewer than η configurations is the last one and belongs to the "
                "schedule: it is where the winner is trained with the largest budget.",
                _sh_one_too_few),
        Mistake("rung count from a floating-point logarithm",
                "int(log(n)/log(η)) rounds 2.9999999999999996 (for n = 1000, η = 10) down to 2, so "
                "exact powers of η lose their last rung. Count the rungs with integers: keep "
                "dividing while nᵢ ≥ η.",
                _sh_float_log),
        Mistake("n/η not rounded down",
                "Configurations are whole: a rung keeps ⌊nᵢ/η⌋ of them (integer division), not "
                "the fraction nᵢ/η.",
                _sh_true_division),
    ),
    alternatives=(_sh_closed_form, _sh_recursive),
    hints=(
        "Each rung keeps the best η-th of the configurations, rounded down, and gives every "
        "survivor η times the budget.",
        "Start with the rung (n, r). While the current rung has at least η configurations, the "
        "next one has nᵢ divided by η and rounded down, each with η·rᵢ budget. The last rung has "
        "between 1 and η − 1 configurations. Count with integers, not with logarithms.",
        "nᵢ = ⌊n/ηⁱ⌋ and rᵢ = r·ηⁱ for i = 0, 1, …, s, where s is the largest integer with ηˢ ≤ n; "
        "return the list of pairs (nᵢ, rᵢ).",
    ),
)


EXERCISES = [LOG_UNIFORM, CV_SCORE, EXPECTED_IMPROVEMENT, SUCCESSIVE_HALVING_SCHEDULE]  # chapter order
