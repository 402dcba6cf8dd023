"""Exercises on losses and their gradients (chapter "Losses and gradients")."""

from __future__ import annotations

import math

import numpy as np

from ...gradcheck import numerical_gradient
from ...losses import binary_cross_entropy_with_logits, mse_loss, softmax_cross_entropy
from ...models import linear_regression_gradient
from ..spec import Case, Exercise, Mistake

CHAPTER = "02_losses_and_gradients"


# --- mse_loss -----------------------------------------------------------------------------

def _mse_cases(rng, hidden):
    if not hidden:
        # The first case tells every known mistake apart: its errors -0.5, 1, -2.5, 1.5 have
        # a nonzero mean and no two of the mistakes' formulas agree on them.
        return [
            Case("four samples", (np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.5, 1.0, 5.5, 2.5]))),
            Case("ten random samples", (rng.normal(size=10), rng.normal(size=10))),
            Case("perfect predictions", (np.array([0.5, -1.5]), np.array([0.5, -1.5]))),
            Case("large values", (rng.normal(scale=1e3, size=6), rng.normal(scale=1e3, size=6))),
        ]
    n = int(rng.integers(20, 200))
    return [
        Case("five samples, errors of both signs",
             (np.array([3.0, -1.0, 0.5, 2.0, 7.0]), np.array([2.5, 0.0, 0.5, -1.0, 6.0]))),
        Case("negative targets, errors of mean 2",
             (np.array([-4.0, -2.0, -3.0]), np.array([-7.0, -3.0, -5.0]))),
        Case("a single sample", (np.array([2.0]), np.array([-1.0]))),
        Case(f"random: {n} samples", (rng.normal(size=n), rng.normal(size=n))),
        Case("random: large values", (rng.normal(scale=1e3, size=7), rng.normal(scale=1e3, size=7))),
    ]


def _mse_loop(y_true, y_pred):
    total = 0.0
    for t, p in zip(y_true, y_pred):
        total += (t - p) ** 2
    return total / len(y_true)


MSE_LOSS = Exercise(
    id="mse_loss",
    title="Mean squared error",
    reference=mse_loss,
    cases=_mse_cases,
    points=2,
    mistakes=(
        Mistake("sum instead of mean",
                "MSE averages the squared errors: divide the sum by n, so the loss does not grow "
                "with the size of the data set.",
                lambda y_true, y_pred: float(np.sum((y_true - y_pred) ** 2))),
        Mistake("absolute instead of squared errors",
                "That is the mean absolute error (MAE); MSE squares each error.",
                lambda y_true, y_pred: float(np.mean(np.abs(y_true - y_pred)))),
        Mistake("errors not squared",
                "Positive and negative errors cancel when they are not squared.",
                lambda y_true, y_pred: float(np.mean(y_true - y_pred))),
        Mistake("square root taken (RMSE)",
                "The root of the MSE is the RMSE, a different quantity; MSE has no square root.",
                lambda y_true, y_pred: float(np.sqrt(np.mean((y_true - y_pred) ** 2)))),
        Mistake("divided by n - 1",
                "n - 1 belongs to the unbiased sample variance; the MSE loss divides by n.",
                lambda y_true, y_pred: float(np.sum((y_true - y_pred) ** 2) / (len(y_true) - 1))),
        Mistake("halved (the ½ convention)",
                "Some texts minimize ½·mean(e²) because its gradient has no factor 2; this "
                "exercise asks for the MSE itself, (1/n) Σ eᵢ², without the ½.",
                lambda y_true, y_pred: float(np.mean((y_true - y_pred) ** 2) / 2)),
        Mistake("variance of the errors",
                "np.var(e) subtracts the mean error first: it is mean(e²) - mean(e)², which "
                "ignores a constant bias of the predictions. The MSE is mean(e²).",
                lambda y_true, y_pred: float(np.var(y_true - y_pred))),
        Mistake("norm of the errors divided by n",
                "‖e‖ is the square root of Σ eᵢ²; the MSE is ‖e‖² / n, the squared norm.",
                lambda y_true, y_pred: float(np.linalg.norm(y_true - y_pred) / len(y_true))),
    ),
    alternatives=(
        _mse_loop,
        lambda y_true, y_pred: float(np.dot(y_true - y_pred, y_true - y_pred) / y_true.size),
    ),
    hints=(
        "The loss looks at each prediction's error, makes it positive in a way that punishes "
        "large errors more, and averages.",
        "Take the difference of the two arrays, square each entry, and take the mean over "
        "the n samples; return it as a Python float.",
        "MSE = (1/n) Σᵢ (y_true,i - y_pred,i)².",
    ),
)


# --- mse_gradient -------------------------------------------------------------------------

def _gradient_cases(rng, hidden):
    def problem(n, d, scale=1.0):
        X = rng.normal(size=(n, d))
        return X, X @ rng.normal(size=d) + 0.1 * rng.normal(size=n), scale * rng.normal(size=d)

    if not hidden:
        return [
            Case("three samples, two features",
                 (np.array([[1.0, 0.0], [2.0, 1.0], [0.0, 1.0]]), np.array([2.0, 4.0, 1.0]),
                  np.array([1.0, 0.5]))),
            Case("5 samples, 3 features", problem(5, 3)),
            Case("at the optimum of a noiseless problem",
                 (np.eye(3), np.array([1.0, -2.0, 0.5]), np.array([1.0, -2.0, 0.5]))),
        ]
    n, d = int(rng.integers(10, 100)), int(rng.integers(2, 8))
    return [
        Case("four samples, three features",
             (np.array([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0], [2.0, 0.0, 1.0], [1.0, 1.0, 1.0]]),
              np.array([1.0, -2.0, 3.0, 0.5]), np.array([0.5, -1.0, 2.0]))),
        Case("far from the optimum",
             (np.array([[2.0, -1.0], [1.0, 3.0], [0.5, 0.5], [-1.0, 2.0], [0.0, 1.0]]),
              np.array([1.0, 2.0, 0.0, -1.0, 3.0]), np.array([40.0, -25.0]))),
        Case(f"random: {n} samples, {d} features", problem(n, d)),
        Case("random: far from the optimum", problem(8, 4, scale=100.0)),
    ]


def _gradient_loop(X, y, theta):
    n = X.shape[0]
    grad = np.zeros_like(theta, dtype=float)
    for i in range(n):
        residual = y[i] - X[i] @ theta
        grad += -2.0 * residual * X[i] / n
    return grad


MSE_GRADIENT = Exercise(
    id="mse_gradient",
    title="Gradient of the MSE of a linear model",
    reference=linear_regression_gradient,
    cases=_gradient_cases,
    points=2,
    mistakes=(
        Mistake("wrong sign",
                "d/dθ (y - Xθ)² = -2 Xᵀ(y - Xθ): the inner derivative of y - Xθ is -X. With the "
                "wrong sign, gradient descent climbs the loss.",
                lambda X, y, theta: (2 / len(y)) * X.T @ (y - X @ theta)),
        Mistake("factor 2 missing",
                "The derivative of a square brings down a factor 2: -(2/n) Xᵀ(y - Xθ).",
                lambda X, y, theta: -(1 / len(y)) * X.T @ (y - X @ theta)),
        Mistake("sum instead of mean (1/n missing)",
                "The loss is a mean over n samples, so its gradient carries the factor 1/n.",
                lambda X, y, theta: -2 * X.T @ (y - X @ theta)),
        Mistake("divided by the number of features",
                "The mean runs over the n samples (rows of X), not over the d features.",
                lambda X, y, theta: -(2 / X.shape[1]) * X.T @ (y - X @ theta)),
    ),
    alternatives=(
        _gradient_loop,
        lambda X, y, theta: (2 / X.shape[0]) * (X.T @ X @ theta - X.T @ y),
    ),
    hints=(
        "Differentiate the loss (1/n) Σᵢ (yᵢ - xᵢᵀθ)² with respect to θ, one sample at a time.",
        "The chain rule gives each sample the factor 2 (yᵢ - xᵢᵀθ) times the derivative of "
        "yᵢ - xᵢᵀθ, which is -xᵢ. Sum the samples' vectors and divide by n; in matrix form the "
        "sum over samples is a product with Xᵀ.",
        "∇L(θ) = -(2/n) Xᵀ (y - Xθ), a vector of shape (d,).",
    ),
)


# --- binary_cross_entropy_with_logits -------------------------------------------------------

def _bce_cases(rng, hidden):
    if not hidden:
        return [
            Case("four samples", (np.array([1.0, 0.0, 1.0, 0.0]), np.array([2.0, -1.0, -0.5, 0.3]))),
            Case("eight random samples",
                 (rng.integers(0, 2, size=8).astype(float), rng.normal(scale=3, size=8))),
            Case("logits of ±1000", (np.array([0.0, 1.0, 1.0, 0.0]),
                                     np.array([1000.0, -1000.0, 1000.0, -1000.0]))),
            Case("confident predictions at ±12", (np.array([1.0, 0.0, 1.0, 0.0]),
                                                  np.array([-12.0, 12.0, 3.0, -2.0]))),
        ]
    n = int(rng.integers(20, 200))
    return [
        Case("confident predictions, right and wrong",
             (np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0]),
              np.array([1000.0, -1000.0, 40.0, -40.0, -12.0, 12.0, 0.5]))),
        Case("logits of exactly 0", (np.array([0.0, 1.0, 1.0]), np.array([0.0, 0.0, 5.0]))),
        Case("very negative logits, positive labels",
             (np.array([1.0, 1.0, 0.0]), np.array([-800.0, -2.0, -750.0]))),
        Case(f"random: {n} samples",
             (rng.integers(0, 2, size=n).astype(float), rng.normal(scale=5, size=n))),
        Case("random: large logits of mixed signs",
             (rng.integers(0, 2, size=10).astype(float),
              rng.choice([-1, 1], size=10) * rng.uniform(40, 800, size=10))),
    ]


def _sigmoid_then_log(y_true, logits, eps=0.0, clip=False):
    p = 1.0 / (1.0 + np.exp(-logits))
    if clip:
        p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-np.mean(y_true * np.log(p + eps) + (1 - y_true) * np.log(1 - p + eps)))


def _bce_loop(y_true, logits):
    total = 0.0
    for y, z in zip(y_true, logits):
        # log(1 + e^z) - y z, with the larger exponent factored out
        softplus = max(z, 0.0) + math.log1p(math.exp(-abs(z)))
        total += softplus - y * z
    return total / len(y_true)


def _bce_stable(y_true, logits):
    return np.maximum(logits, 0) - logits * y_true + np.log1p(np.exp(-np.abs(logits)))


BCE_WITH_LOGITS = Exercise(
    id="binary_cross_entropy_with_logits",
    title="Binary cross-entropy from logits",
    reference=binary_cross_entropy_with_logits,
    cases=_bce_cases,
    points=3,
    mistakes=(
        Mistake("sigmoid then log (overflows)",
                "σ(1000) rounds to 1.0, so log(1 - σ(z)) = log(0) = -inf. Write the loss in terms of z: "
                "max(z, 0) - z·y + log(1 + exp(-|z|)).",
                _sigmoid_then_log, non_finite=True),
        Mistake("probabilities clipped",
                "Clipping σ(z) to [1e-7, 1 - 1e-7] avoids inf but caps the loss near 16: a logit "
                "of 1000 on the wrong side must cost 1000. Use the stable formula in z.",
                lambda y_true, logits: _sigmoid_then_log(y_true, logits, clip=True)),
        Mistake("log(p + ε)",
                "Adding a small ε inside the log avoids log(0) but caps the loss at -log ε (16 for "
                "ε = 1e-7) and shifts every loss of a confident sample: a logit of 1000 on the "
                "wrong side must cost 1000. Use the stable formula in z.",
                lambda y_true, logits: _sigmoid_then_log(y_true, logits, eps=1e-7)),
        Mistake("(1 - y)·z + log(1 + exp(-z)) overflows",
                "The formula is right, but exp(-z) overflows to inf for z below about -710. Factor "
                "out the larger exponent: max(z, 0) - z·y + log(1 + exp(-|z|)).",
                lambda y_true, logits: float(np.mean(
                    (1 - y_true) * logits + np.log1p(np.exp(-logits)))),
                non_finite=True),
        Mistake("the ±1-label formula with 0/1 labels",
                "log(1 + exp(-y·z)) is the loss for labels y ∈ {-1, +1}; with y = 0 it gives log 2 "
                "for every negative sample. With 0/1 labels the loss is log(1 + e^z) - y·z.",
                lambda y_true, logits: float(np.mean(np.logaddexp(0, -y_true * logits)))),
        Mistake("labels swapped",
                "The loss of a positive example (y = 1) is -log σ(z); you used y and 1 - y the "
                "other way round.",
                lambda y_true, logits: float(np.mean(np.logaddexp(0, logits) - (1 - y_true) * logits))),
        Mistake("minus sign missing",
                "The loss is the negative log-likelihood, -[y log σ(z) + (1 - y) log(1 - σ(z))], "
                "which is ≥ 0.",
                lambda y_true, logits: float(-np.mean(_bce_stable(y_true, logits)))),
        Mistake("sum instead of mean",
                "Average over the samples: the loss is a mean.",
                lambda y_true, logits: float(np.sum(np.logaddexp(0, logits) - y_true * logits))),
    ),
    alternatives=(
        _bce_loop,
        lambda y_true, logits: float(np.mean(np.logaddexp(0.0, logits) - y_true * logits)),
        lambda y_true, logits: float(np.mean(_bce_stable(y_true, logits))),
    ),
    hints=(
        "Write the loss in terms of the logit z itself, never through σ(z): σ(z) rounds to "
        "exactly 0 or 1 for large |z|, and the log of that is infinite.",
        "-log σ(z) = log(1 + e^(-z)) and -log(1 - σ(z)) = log(1 + e^z). Both are softplus "
        "functions, and a softplus never needs a large exponent: factor out e^max(z, 0).",
        "per sample: max(z, 0) - z·y + log(1 + exp(-|z|)); the loss is the mean over the samples.",
    ),
)


# --- softmax_cross_entropy ------------------------------------------------------------------

def _softmax_ce_cases(rng, hidden):
    def random_problem(n, k, scale):
        return rng.integers(0, k, size=n), rng.normal(scale=scale, size=(n, k))

    if not hidden:
        return [
            # As many samples as classes: forgetting keepdims broadcasts without an error.
            Case("three samples, three classes",
                 (np.array([0, 2, 1]), np.array([[2.0, 1.0, 0.1], [0.5, 0.5, 3.0], [-1.0, 2.5, 0.0]]))),
            Case("five samples, four classes", random_problem(5, 4, 2.0)),
            Case("logits around 1000", (np.array([1, 0, 2]),
                                        np.array([[1000.0, 1001.0, 999.0], [1000.0, 0.0, -1000.0],
                                                  [-5.0, 800.0, 802.0]]))),
            Case("rows far apart", (np.array([0, 1]),
                                    np.array([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -999.0]]))),
            Case("a confidently wrong prediction",
                 (np.array([2, 1]), np.array([[800.0, 0.0, -800.0], [801.0, 803.0, 802.0]]))),
        ]
    n, k = int(rng.integers(10, 100)), int(rng.integers(2, 8))
    return [
        Case("four samples, four classes",
             (np.array([3, 0, 0, 2]), np.array([[0.5, -1.0, 2.0, 1.5], [3.0, 0.0, -2.0, 1.0],
                                                [-0.5, 0.25, 1.0, 4.0], [2.0, 2.0, 2.5, -3.0]]))),
        Case("rows far apart, confidently wrong",
             (np.array([1, 2, 0]), np.array([[-900.0, -905.0, -899.0], [900.0, 0.0, -900.0],
                                             [850.0, 852.0, 851.0]]))),
        Case("logits of ±1000", (np.array([0, 1]), np.array([[1000.0, -1000.0], [1000.0, -1000.0]]))),
        Case(f"random: {n} samples, {k} classes", random_problem(n, k, 3.0)),
        Case("random: large logits", random_problem(7, 3, 500.0)),
    ]


def _softmax_ce_naive(y_true, logits):
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(y_true)), y_true])))


def _log_softmax(z, axis):
    m = z.max(axis=axis, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=axis, keepdims=True))


def _softmax_ce_without_keepdims(y_true, logits):
    m = logits.max(axis=1)
    log_sum_exp = m + np.log(np.exp(logits - m).sum(axis=1))   # broadcasts only when n = K
    return float(np.mean(log_sum_exp - logits[np.arange(len(y_true)), y_true]))


def _softmax_ce_global_max(y_true, logits):
    m = logits.max()
    log_sum_exp = m + np.log(np.exp(logits - m).sum(axis=1))
    return float(np.mean(log_sum_exp - logits[np.arange(len(y_true)), y_true]))


def _softmax_ce_log_of_softmax(y_true, logits, eps=0.0):
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = shifted / shifted.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(y_true)), y_true] + eps)))


def _softmax_ce_loop(y_true, logits):
    total = 0.0
    for label, row in zip(y_true, logits):
        m = max(row)
        total += m + np.log(sum(np.exp(v - m) for v in row)) - row[label]
    return total / len(y_true)


SOFTMAX_CROSS_ENTROPY = Exercise(
    id="softmax_cross_entropy",
    title="Softmax cross-entropy from logits",
    reference=softmax_cross_entropy,
    cases=_softmax_ce_cases,
    points=3,
    mistakes=(
        Mistake("no max shift (exp overflows)",
                "exp(1000) is inf in float64, and inf/inf is nan. Subtract each row's maximum "
                "before exponentiating: log Σ exp(z) = m + log Σ exp(z - m).",
                _softmax_ce_naive, non_finite=True),
        Mistake("the global maximum instead of each row's",
                "Subtracting one maximum over the whole matrix leaves a row far below it with "
                "exp(z - m) = 0 everywhere, and log 0 = -inf. Shift each row by its own maximum "
                "(max over axis=1, keepdims=True).",
                _softmax_ce_global_max, non_finite=True),
        Mistake("log of the softmax",
                "The shifted softmax is safe from overflow, but a probability that underflows to 0 "
                "gives -log 0 = inf: a confidently wrong sample must cost its logit gap, not inf. "
                "Compute log p directly: log p_c = z_c - m - log Σ exp(z - m).",
                _softmax_ce_log_of_softmax, non_finite=True),
        Mistake("log(p + ε)",
                "Adding a small ε to the probabilities avoids log 0 but caps the loss at -log ε "
                "(about 28 for ε = 1e-12): a confidently wrong sample must cost its logit gap. "
                "Compute log p directly: log p_c = z_c - m - log Σ exp(z - m).",
                lambda y_true, logits: _softmax_ce_log_of_softmax(y_true, logits, eps=1e-12)),
        Mistake("max without keepdims",
                "logits.max(axis=1) has shape (n,); subtracting it from the (n, K) logits lines "
                "it up with the columns, not the rows (numpy only lets it through when n = K). "
                "Use keepdims=True, or m[:, None].",
                _softmax_ce_without_keepdims),
        Mistake("softmax over the samples (axis=0)",
                "Each row holds one sample's logits over the K classes; normalize along axis=1.",
                lambda y_true, logits: float(-np.mean(
                    _log_softmax(logits, 0)[np.arange(len(y_true)), y_true]))),
        Mistake("z[:, y] instead of z[range(n), y]",
                "logits[:, y_true] picks every sample's logits for every label (an n × n array); "
                "logits[np.arange(n), y_true] picks each sample's own true class.",
                lambda y_true, logits: float(-np.mean(_log_softmax(logits, 1)[:, y_true]))),
        Mistake("averaged over n·K entries",
                "The one-hot mask keeps one entry per row, so a mean over the whole (n, K) array "
                "divides by n·K instead of n. Sum each row's entry, then average over the n samples.",
                lambda y_true, logits: float(-np.mean(
                    _log_softmax(logits, 1) * np.eye(logits.shape[1])[y_true]))),
        Mistake("minus sign missing",
                "The loss is -log p(true class), which is ≥ 0; log p alone is ≤ 0.",
                lambda y_true, logits: float(np.mean(
                    _log_softmax(logits, 1)[np.arange(len(y_true)), y_true]))),
        Mistake("sum instead of mean",
                "Average over the samples: the loss is a mean.",
                lambda y_true, logits: float(-np.sum(
                    _log_softmax(logits, 1)[np.arange(len(y_true)), y_true]))),
    ),
    alternatives=(
        _softmax_ce_loop,
        lambda y_true, logits: float(np.mean(
            np.logaddexp.reduce(logits, axis=1) - logits[np.arange(len(y_true)), y_true])),
        lambda y_true, logits: float(-np.mean(
            np.take_along_axis(_log_softmax(logits, 1), y_true[:, None], axis=1))),
    ),
    hints=(
        "Compute the log of the true class's probability directly from the logits; never form "
        "a probability that can round to 0 or an exponential that can overflow.",
        "-log p_c = log Σ_k e^(z_k) - z_c. Shift each row by its own maximum m before "
        "exponentiating: then every exponent is ≤ 0, and the largest term is e^0 = 1, so the "
        "sum is never 0 or inf. Pick each row's true-class logit with one index per row.",
        "per sample i: m_i + log Σ_k exp(z_ik - m_i) - z_i,yᵢ with m_i = max_k z_ik; the loss "
        "is the mean over the n samples.",
    ),
)


# --- numerical_gradient -------------------------------------------------------------------

def sum_of_exp(x):
    return float(np.sum(np.exp(x)))


def quartic_plus_product(x):
    return float(np.sum(x ** 4) + x.flat[0] * x.flat[-1])


def cube_of_sum(x):
    return float(np.sum(x) ** 3)


def log_sum_exp_of(x):
    m = np.max(x)
    return float(m + np.log(np.sum(np.exp(x - m))))


def _numgrad_cases(rng, hidden):
    if not hidden:
        return [
            Case("f(x) = Σ x⁴ + x₀x₋₁ at four points",
                 (quartic_plus_product, np.array([0.5, -1.2, 2.0, 0.8])), {"eps": 1e-3}),
            Case("f(x) = Σ exp(x) on a 2-D input", (sum_of_exp, rng.normal(size=(2, 3))), {"eps": 1e-4}),
            Case("f(x) = (Σ x)³ with a large step",
                 (cube_of_sum, np.array([0.4, -0.3, 0.6])), {"eps": 1e-2}),
            Case("f(x) = Σ exp(x) at random points", (sum_of_exp, rng.normal(size=5)), {"eps": 1e-3}),
        ]
    return [
        Case("f(x) = (Σ x)³ on a 3 × 2 input",
             (cube_of_sum, np.array([[0.3, -0.2], [0.5, 0.1], [-0.4, 0.6]])), {"eps": 1e-2}),
        Case("f(x) = Σ x⁴ + x₀x₋₁ with a large step",
             (quartic_plus_product, np.array([1.5, -0.5, 2.0, 1.2, -1.0])), {"eps": 5e-2}),
        Case("random: log-sum-exp", (log_sum_exp_of, rng.normal(scale=3, size=6)), {"eps": 1e-3}),
        Case("random: f(x) = Σ x⁴ + x₀x₋₁", (quartic_plus_product, rng.uniform(1, 2, size=5)),
             {"eps": 1e-2}),
    ]


def _differences(f, x, eps, quotient):
    """For each entry i: ``quotient(f(x + eps e_i), f(x), f(x - eps e_i))``."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += eps
        minus[i] -= eps
        grad[i] = quotient(f(plus), fx, f(minus))
    return grad


def _perturbation_not_restored(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += eps
        f_plus = f(x)
        x[i] -= 2 * eps
        f_minus = f(x)       # x[i] stays at x_i - eps for the entries that follow
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _rows_only(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        plus, minus = x.copy(), x.copy()
        plus[i] += eps
        minus[i] -= eps
        grad[i] = (f(plus) - f(minus)) / (2 * eps)
    return grad


def _numgrad_flat(f, x, eps=1e-6):
    x = np.asarray(x, dtype=float)
    flat = x.ravel()
    grad = np.empty(flat.size)
    for k in range(flat.size):
        e = np.zeros(flat.size)
        e[k] = eps
        grad[k] = (f((flat + e).reshape(x.shape)) - f((flat - e).reshape(x.shape))) / (2 * eps)
    return grad.reshape(x.shape)


def _numgrad_restored(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        original = x[i]
        x[i] = original + eps
        f_plus = f(x)
        x[i] = original - eps
        f_minus = f(x)
        x[i] = original
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


NUMERICAL_GRADIENT = Exercise(
    id="numerical_gradient",
    title="Gradient by centered finite differences",
    reference=numerical_gradient,
    cases=_numgrad_cases,
    points=3,
    mistakes=(
        Mistake("forward difference",
                "(f(x + ε) - f(x)) / ε has an error of order ε; the centered difference "
                "(f(x + ε) - f(x - ε)) / 2ε has an error of order ε², far smaller.",
                lambda f, x, eps=1e-6: _differences(f, x, eps, lambda up, mid, down: (up - mid) / eps)),
        Mistake("backward difference",
                "(f(x) - f(x - ε)) / ε has an error of order ε; the centered difference "
                "(f(x + ε) - f(x - ε)) / 2ε has an error of order ε², far smaller.",
                lambda f, x, eps=1e-6: _differences(f, x, eps, lambda up, mid, down: (mid - down) / eps)),
        Mistake("divided by ε instead of 2ε",
                "The two evaluation points x + ε and x - ε lie 2ε apart.",
                lambda f, x, eps=1e-6: _differences(f, x, eps, lambda up, mid, down: (up - down) / eps)),
        Mistake("perturbation not undone",
                "After evaluating f at x + ε·eᵢ and x - ε·eᵢ, put xᵢ back to its original value: "
                "otherwise every later entry is differentiated at a shifted point.",
                _perturbation_not_restored),
        Mistake("loop over the rows only",
                "for i in range(len(x)) visits the rows of a 2-D x, and x[i] += ε moves a whole "
                "row at once. Visit every entry: np.ndindex(x.shape) yields each index tuple.",
                _rows_only),
        Mistake("eps ignored",
                "The step must be the eps the caller passes (a fixed step inside the function "
                "gives other numbers than the ones asked for).",
                lambda f, x, eps=1e-6: _differences(
                    f, x, 1e-6, lambda up, mid, down: (up - down) / 2e-6)),
    ),
    alternatives=(_numgrad_flat, _numgrad_restored),
    hints=(
        "Change one entry of x at a time by a small step, look at how much f changes, and "
        "divide by the change of the input.",
        "Evaluate f once a step ε above and once a step ε below the entry, on a copy of x, "
        "and put the entry back before moving on. Visit every entry, whatever the shape of x "
        "(for a 2-D x, every row and every column).",
        "grad[i] = (f(x + ε·eᵢ) - f(x - ε·eᵢ)) / (2ε) for every index i of x, with eᵢ the array "
        "that is 1 at i and 0 elsewhere.",
    ),
    rtol=1e-6,
    atol=1e-8,
)


EXERCISES = [MSE_LOSS, MSE_GRADIENT, NUMERICAL_GRADIENT, BCE_WITH_LOGITS, SOFTMAX_CROSS_ENTROPY]  # in chapter order
