"""Exercises on losses and their gradients (chapter "Losses and gradients")."""

from __future__ import annotations

import numpy as np

from ...gradcheck import numerical_gradient
from ...losses import binary_cross_entropy_with_logits, mse_loss, softmax_cross_entropy
from ...metrics import mean_squared_error
from ...models import linear_regression_gradient
from ..spec import Case, Exercise, Mistake


# --- mse_loss -----------------------------------------------------------------------------

def _mse_cases(rng, hidden):
    cases = [
        Case("three samples", (np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0]))),
        Case("ten random samples", (rng.normal(size=10), rng.normal(size=10))),
        Case("perfect predictions", (np.array([0.5, -1.5]), np.array([0.5, -1.5]))),
        Case("large values", (rng.normal(scale=1e3, size=6), rng.normal(scale=1e3, size=6))),
    ]
    if hidden:
        n = int(rng.integers(20, 200))
        cases += [
            Case(f"{n} random samples", (rng.normal(size=n), rng.normal(size=n))),
            Case("negative targets", (-rng.uniform(1, 5, size=7), rng.normal(size=7))),
        ]
    return cases


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
    ),
    alternatives=(
        _mse_loop,
        lambda y_true, y_pred: float(np.dot(y_true - y_pred, y_true - y_pred) / y_true.size),
    ),
    forbidden=(mean_squared_error, "sklearn.metrics:mean_squared_error"),
)


# --- mse_gradient -------------------------------------------------------------------------

def _gradient_cases(rng, hidden):
    def problem(n, d, scale=1.0):
        X = rng.normal(size=(n, d))
        return X, X @ rng.normal(size=d) + 0.1 * rng.normal(size=n), scale * rng.normal(size=d)

    cases = [
        Case("three samples, two features",
             (np.array([[1.0, 0.0], [2.0, 1.0], [0.0, 1.0]]), np.array([2.0, 4.0, 1.0]),
              np.array([1.0, 0.5]))),
        Case("5 samples, 3 features", problem(5, 3)),
        Case("at the optimum of a noiseless problem",
             (np.eye(3), np.array([1.0, -2.0, 0.5]), np.array([1.0, -2.0, 0.5]))),
    ]
    if hidden:
        n, d = int(rng.integers(10, 100)), int(rng.integers(2, 8))
        cases += [Case(f"{n} samples, {d} features", problem(n, d)),
                  Case("far from the optimum", problem(8, 4, scale=100.0))]
    return cases


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
)


# --- binary_cross_entropy_with_logits -------------------------------------------------------

def _bce_cases(rng, hidden):
    cases = [
        Case("two samples", (np.array([1.0, 0.0]), np.array([2.0, -1.0]))),
        Case("eight random samples",
             (rng.integers(0, 2, size=8).astype(float), rng.normal(scale=3, size=8))),
        Case("logits of ±1000", (np.array([0.0, 1.0, 1.0, 0.0]),
                                 np.array([1000.0, -1000.0, 1000.0, -1000.0]))),
    ]
    if hidden:
        n = int(rng.integers(20, 200))
        cases += [
            Case(f"{n} random samples",
                 (rng.integers(0, 2, size=n).astype(float), rng.normal(scale=5, size=n))),
            Case("large logits of mixed signs",
                 (rng.integers(0, 2, size=10).astype(float), rng.choice([-1, 1], size=10) * rng.uniform(40, 800, size=10))),
        ]
    return cases


def _bce_naive(y_true, logits):
    p = 1.0 / (1.0 + np.exp(-logits))
    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))


def _bce_clipped(y_true, logits):
    p = np.clip(1.0 / (1.0 + np.exp(-logits)), 1e-7, 1 - 1e-7)
    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))


def _bce_loop(y_true, logits):
    import math
    total = 0.0
    for y, z in zip(y_true, logits):
        # log(1 + e^z) - y z, with the larger exponent factored out
        softplus = max(z, 0.0) + math.log1p(math.exp(-abs(z)))
        total += softplus - y * z
    return total / len(y_true)


BCE_WITH_LOGITS = Exercise(
    id="binary_cross_entropy_with_logits",
    title="Binary cross-entropy from logits",
    reference=binary_cross_entropy_with_logits,
    cases=_bce_cases,
    mistakes=(
        Mistake("sigmoid then log (overflows)",
                "σ(1000) rounds to 1.0, so log(1 - σ(z)) = log(0) = -inf. Write the loss in terms of z: "
                "max(z, 0) - z·y + log(1 + exp(-|z|)).",
                _bce_naive),
        Mistake("probabilities clipped",
                "Clipping σ(z) to [1e-7, 1 - 1e-7] avoids inf but caps the loss near 16: a logit "
                "of 1000 on the wrong side must cost 1000. Use the stable formula in z.",
                _bce_clipped),
        Mistake("labels swapped",
                "The loss of a positive example (y = 1) is -log σ(z); you used y and 1 - y the other way round.",
                lambda y_true, logits: float(np.mean(np.logaddexp(0, logits) - (1 - y_true) * logits))),
        Mistake("sum instead of mean",
                "Average over the samples: the loss is a mean.",
                lambda y_true, logits: float(np.sum(np.logaddexp(0, logits) - y_true * logits))),
    ),
    alternatives=(
        _bce_loop,
        lambda y_true, logits: float(np.mean(np.logaddexp(0.0, logits) - y_true * logits)),
    ),
    forbidden=("sklearn.metrics:log_loss",),
)


# --- softmax_cross_entropy ------------------------------------------------------------------

def _softmax_ce_cases(rng, hidden):
    def random_problem(n, k, scale):
        return rng.integers(0, k, size=n), rng.normal(scale=scale, size=(n, k))

    cases = [
        Case("two samples, three classes",
             (np.array([0, 2]), np.array([[2.0, 1.0, 0.1], [0.5, 0.5, 3.0]]))),
        Case("five samples, four classes", random_problem(5, 4, 2.0)),
        Case("logits around 1000", (np.array([1, 0, 2]),
                                    np.array([[1000.0, 1001.0, 999.0], [1000.0, 0.0, -1000.0],
                                              [-5.0, 800.0, 802.0]]))),
    ]
    if hidden:
        n, k = int(rng.integers(10, 100)), int(rng.integers(2, 8))
        cases += [
            Case(f"{n} samples, {k} classes", random_problem(n, k, 3.0)),
            Case("large logits", random_problem(7, 3, 500.0)),
        ]
    return cases


def _softmax_ce_naive(y_true, logits):
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(y_true)), y_true])))


def _log_softmax(z, axis):
    m = z.max(axis=axis, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=axis, keepdims=True))


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
    mistakes=(
        Mistake("no max shift (exp overflows)",
                "exp(1000) is inf in float64, and inf/inf is nan. Subtract each row's maximum "
                "before exponentiating: log Σ exp(z) = m + log Σ exp(z - m).",
                _softmax_ce_naive),
        Mistake("softmax over the samples (axis=0)",
                "Each row holds one sample's logits over the K classes; normalize along axis=1.",
                lambda y_true, logits: float(-np.mean(
                    _log_softmax(logits, 0)[np.arange(len(y_true)), y_true]))),
        Mistake("z[:, y] instead of z[range(n), y]",
                "logits[:, y_true] picks every sample's logits for every label (an n × n array); "
                "logits[np.arange(n), y_true] picks each sample's own true class.",
                lambda y_true, logits: float(-np.mean(_log_softmax(logits, 1)[:, y_true]))),
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
    ),
    forbidden=("sklearn.metrics:log_loss",),
)


# --- numerical_gradient -------------------------------------------------------------------

def sum_of_exp(x):
    return float(np.sum(np.exp(x)))


def quartic_plus_product(x):
    return float(np.sum(x ** 4) + x[0] * x[-1])


def log_sum_exp_of(x):
    m = np.max(x)
    return float(m + np.log(np.sum(np.exp(x - m))))


def _numgrad_cases(rng, hidden):
    cases = [
        Case("f(x) = Σ exp(x) at three points", (sum_of_exp, np.array([0.0, 1.0, -1.0])),
             {"eps": 1e-3}),
        Case("f(x) = Σ x⁴ + x₀x₋₁", (quartic_plus_product, rng.normal(size=4)), {"eps": 1e-3}),
        Case("a 2-D input", (sum_of_exp, rng.normal(size=(2, 3))), {"eps": 1e-4}),
    ]
    if hidden:
        cases += [
            Case("log-sum-exp", (log_sum_exp_of, rng.normal(scale=3, size=6)), {"eps": 1e-3}),
            Case("f(x) = Σ x⁴ + x₀x₋₁, larger step", (quartic_plus_product, rng.uniform(1, 2, size=5)),
                 {"eps": 1e-2}),
        ]
    return cases


def _forward_difference(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        step = x.copy()
        step[i] += eps
        grad[i] = (f(step) - fx) / eps
    return grad


def _centered_over_eps(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += eps
        minus[i] -= eps
        grad[i] = (f(plus) - f(minus)) / eps
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


NUMERICAL_GRADIENT = Exercise(
    id="numerical_gradient",
    title="Gradient by centered finite differences",
    reference=numerical_gradient,
    cases=_numgrad_cases,
    mistakes=(
        Mistake("forward difference",
                "(f(x + ε) - f(x)) / ε has an error of order ε; the centered difference "
                "(f(x + ε) - f(x - ε)) / 2ε has an error of order ε², far smaller.",
                _forward_difference),
        Mistake("divided by ε instead of 2ε",
                "The two evaluation points x + ε and x - ε lie 2ε apart.",
                _centered_over_eps),
    ),
    alternatives=(_numgrad_flat,),
    forbidden=("scipy.optimize:approx_fprime",),
    rtol=1e-6,
    atol=1e-8,
)


EXERCISES = [MSE_LOSS, MSE_GRADIENT, BCE_WITH_LOGITS, SOFTMAX_CROSS_ENTROPY, NUMERICAL_GRADIENT]
