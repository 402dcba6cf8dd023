"""Exercises on gradient descent (chapter "Gradient descent")."""

from __future__ import annotations

import numpy as np

from ...models import linear_regression_gradient, linear_regression_loss, mse_smoothness_constant
from ...optim import backtracking_line_search, gradient_descent
from ..spec import Case, Exercise, Mistake

CHAPTER = "03_gradient_descent"


# --- gradient_descent ---------------------------------------------------------------------

class Quadratic:
    """f(θ) = ½ (θ - c)ᵀ A (θ - c), with its gradient; a named, printable test function."""

    def __init__(self, A, c):
        self.A, self.c = np.asarray(A, dtype=float), np.asarray(c, dtype=float)
        self.__name__ = f"quadratic_{len(self.c)}d"

    def __call__(self, theta):
        d = theta - self.c
        return float(0.5 * d @ self.A @ d)

    def gradient(self, theta):
        return self.A @ (theta - self.c)


class LinearRegressionProblem:
    """The MSE of a linear model on fixed data, as f(θ) and ∇f(θ)."""

    def __init__(self, X, y):
        self.X, self.y = X, y
        self.__name__ = f"mse_on_{X.shape[0]}_samples"

    def __call__(self, theta):
        return linear_regression_loss(self.X, self.y, theta)

    def gradient(self, theta):
        return linear_regression_gradient(self.X, self.y, theta)


def _random_quadratic(rng, d, cond=10.0):
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    A = q @ np.diag(np.geomspace(1.0, cond, d)) @ q.T
    return Quadratic(A, rng.normal(size=d))


def _regression(rng, n, d):
    X = rng.normal(size=(n, d))
    return LinearRegressionProblem(X, X @ rng.normal(size=d) + 0.1 * rng.normal(size=n))


def _gd_cases(rng, hidden):
    bowl = Quadratic(np.diag([1.0, 10.0]), np.array([1.0, -1.0]))
    if not hidden:
        reg = _regression(rng, 30, 3)
        return [
            Case("2-D bowl, 5 steps", (bowl.gradient, np.array([0.0, 0.0])), {"lr": 0.05, "n_steps": 5}),
            Case("linear regression, 20 steps", (reg.gradient, np.zeros(3)), {"lr": 0.1, "n_steps": 20}),
            Case("zero steps", (bowl.gradient, np.array([3.0, 4.0])), {"lr": 0.1, "n_steps": 0}),
        ]
    tilted = Quadratic(np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]]),
                       np.array([1.0, -2.0, 0.5]))
    d = int(rng.integers(2, 6))
    quad = _random_quadratic(rng, d)
    return [
        Case("a tilted 3-D bowl, 8 steps", (tilted.gradient, np.array([2.0, 0.0, -1.0])),
             {"lr": 0.2, "n_steps": 8}),
        Case("a step size that diverges", (bowl.gradient, np.array([1.0, 1.0])), {"lr": 0.21, "n_steps": 10}),
        Case("one step", (bowl.gradient, np.array([-2.0, 0.5])), {"lr": 0.1, "n_steps": 1}),
        Case(f"random: a {d}-D quadratic", (quad.gradient, rng.normal(size=d)), {"lr": 0.15, "n_steps": 30}),
    ]


def _gd_ascent(grad_fn, theta0, lr, n_steps):
    path = [np.array(theta0, dtype=float)]
    for _ in range(n_steps):
        path.append(path[-1] + lr * grad_fn(path[-1]))
    return np.array(path)


def _gd_no_start(grad_fn, theta0, lr, n_steps):
    theta, path = np.array(theta0, dtype=float), []
    for _ in range(n_steps):
        theta = theta - lr * grad_fn(theta)
        path.append(theta)
    return np.array(path).reshape(n_steps, -1)


def _gd_frozen_gradient(grad_fn, theta0, lr, n_steps):
    theta = np.array(theta0, dtype=float)
    g = grad_fn(theta)
    path = [theta]
    for _ in range(n_steps):
        theta = theta - lr * g
        path.append(theta)
    return np.array(path)


def _gd_aliased_rows(grad_fn, theta0, lr, n_steps):
    theta = np.array(theta0, dtype=float)
    path = [theta]
    for _ in range(n_steps):
        theta -= lr * grad_fn(theta)  # updates the one array that every entry of path refers to
        path.append(theta)
    return np.array(path)


def _gd_one_step_short(grad_fn, theta0, lr, n_steps):
    path = [np.array(theta0, dtype=float)]
    for _ in range(n_steps - 1):
        path.append(path[-1] - lr * grad_fn(path[-1]))
    return np.array(path)


def _gd_preallocated(grad_fn, theta0, lr, n_steps):
    path = np.empty((n_steps + 1, np.size(theta0)))
    path[0] = theta0
    for k in range(n_steps):
        path[k + 1] = path[k] - lr * grad_fn(path[k])
    return path


def _gd_recursive(grad_fn, theta0, lr, n_steps):
    theta0 = np.asarray(theta0, dtype=float)
    if n_steps == 0:
        return theta0[None, :]
    rest = _gd_recursive(grad_fn, theta0 - lr * grad_fn(theta0), lr, n_steps - 1)
    return np.vstack([theta0, rest])


GRADIENT_DESCENT = Exercise(
    id="gradient_descent",
    title="The gradient descent loop",
    reference=gradient_descent,
    cases=_gd_cases,
    mistakes=(
        Mistake("steps along +gradient",
                "The gradient points uphill; descent subtracts it: θ ← θ - α ∇f(θ).",
                _gd_ascent),
        Mistake("starting point missing from the trajectory",
                "Row 0 of the trajectory is θ₀ itself, so n_steps steps give n_steps + 1 rows.",
                _gd_no_start),
        Mistake("gradient computed once",
                "The gradient changes as θ moves: evaluate grad_fn at the current θ in every step.",
                _gd_frozen_gradient),
        Mistake("every row is the same array",
                "`theta -= ...` changes the array in place, and appending it n times stores n "
                "references to one array, all equal to the last θ. Append a copy or write "
                "`theta = theta - ...`.",
                _gd_aliased_rows),
        Mistake("one step too few",
                "range(n_steps - 1) makes n_steps - 1 steps; the trajectory holds θ₀ and then one "
                "row per step, n_steps + 1 rows in all.",
                _gd_one_step_short),
    ),
    alternatives=(_gd_preallocated, _gd_recursive),
    points=2,
    hints=(
        "Keep a list of the points visited, starting with θ₀, and add one point per step.",
        "Each step evaluates the gradient at the current point and moves against it by lr "
        "times the gradient. Build each new point as a new array (not by changing the previous "
        "one in place), and stack the list into one array at the end.",
        "θ_{k+1} = θ_k - lr · ∇f(θ_k) for k = 0, …, n_steps - 1; return the rows "
        "θ_0, θ_1, …, θ_{n_steps}, shape (n_steps + 1, d).",
    ),
    rtol=1e-9,
    atol=1e-12,
)


# --- mse_smoothness_constant --------------------------------------------------------------

def _smoothness_cases(rng, hidden):
    if not hidden:
        # The first case tells every known mistake apart: not diagonal, not square, features
        # with nonzero means (so centering changes XᵀX) and columns of different norms.
        return [
            Case("four samples, two correlated features",
                 (np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 4.0], [0.0, 1.0]]),)),
            Case("20 samples, 3 features", (rng.normal(loc=1.0, size=(20, 3)),)),
            Case("correlated features",
                 (rng.normal(size=(50, 1)) @ np.ones((1, 4)) + 0.1 * rng.normal(size=(50, 4)),)),
            Case("diagonal design", (np.array([[3.0, 0.0], [0.0, 1.0]]),)),
        ]
    n, d = int(rng.integers(10, 200)), int(rng.integers(1, 8))
    return [
        Case("five samples, three features",
             (np.array([[1.0, 0.0, 2.0], [2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [1.0, 1.0, 1.0],
                        [4.0, -1.0, 2.0]]),)),
        Case("more features than samples", (np.array([[1.0, 2.0, 0.0, -1.0], [0.5, -1.0, 3.0, 2.0]]),)),
        Case("a single feature", (np.array([[1.0], [-2.0], [3.0]]),)),
        Case(f"random: {n} samples, {d} features", (rng.normal(loc=0.5, scale=3, size=(n, d)),)),
        Case("random: features on different scales",
             (rng.normal(size=(30, 3)) * np.array([0.1, 1.0, 10.0]),)),
    ]


def _power_iteration(X):
    n = X.shape[0]
    H = X.T @ X
    v = np.ones(H.shape[0]) / np.sqrt(H.shape[0])
    for _ in range(5000):
        w = H @ v
        v_next = w / np.linalg.norm(w)
        if np.allclose(v_next, v, rtol=0, atol=1e-15):
            break
        v = v_next
    return float(2.0 / n * v @ H @ v)


MSE_SMOOTHNESS_CONSTANT = Exercise(
    id="mse_smoothness_constant",
    title="The smoothness constant L of the MSE",
    reference=mse_smoothness_constant,
    cases=_smoothness_cases,
    mistakes=(
        Mistake("factor 2 missing",
                "The Hessian of (1/n)||y - Xθ||² is (2/n) XᵀX; L is its largest eigenvalue.",
                lambda X: float(np.linalg.eigvalsh(X.T @ X).max() / X.shape[0])),
        Mistake("1/n missing",
                "The loss is a mean over n samples, so its Hessian is (2/n) XᵀX, not 2 XᵀX.",
                lambda X: float(2 * np.linalg.eigvalsh(X.T @ X).max())),
        Mistake("largest singular value not squared",
                "The eigenvalues of XᵀX are the squares of the singular values of X.",
                lambda X: float(2 / X.shape[0] * np.linalg.svd(X, compute_uv=False).max())),
        Mistake("smallest eigenvalue",
                "L bounds the curvature in the steepest direction: the largest eigenvalue. The "
                "smallest one is the strong-convexity constant μ.",
                lambda X: float(2 / X.shape[0] * np.linalg.eigvalsh(X.T @ X).min())),
        Mistake("trace instead of the largest eigenvalue",
                "The trace sums all eigenvalues; it bounds L from above but is not L.",
                lambda X: float(2 / X.shape[0] * np.trace(X.T @ X))),
        Mistake("covariance matrix instead of XᵀX",
                "np.cov centers the features (and divides by n - 1), but the Hessian of the MSE is "
                "(2/n) XᵀX with X as it is: the model has no intercept to absorb the means.",
                lambda X: float(2 * np.linalg.eigvalsh(np.atleast_2d(np.cov(X, rowvar=False))).max())),
        Mistake("largest diagonal entry of XᵀX",
                "The diagonal of XᵀX holds the squared column norms; the largest eigenvalue also "
                "counts how the columns line up (it is at least the largest diagonal entry).",
                lambda X: float(2 / X.shape[0] * np.max(np.sum(X ** 2, axis=0)))),
    ),
    alternatives=(
        lambda X: float(2 / X.shape[0] * np.linalg.norm(X, 2) ** 2),
        lambda X: float(2 / X.shape[0] * np.linalg.eigvalsh(X @ X.T)[-1]),
        _power_iteration,
    ),
    points=2,
    hints=(
        "L is the largest curvature of the loss; for the MSE of a linear model the curvature "
        "(the Hessian) is the same matrix at every θ.",
        "Differentiate the gradient -(2/n) Xᵀ(y - Xθ) once more with respect to θ to get the "
        "Hessian, then take its largest eigenvalue. XᵀX is symmetric, so numpy's eigenvalue "
        "routine for symmetric matrices applies (it sorts the eigenvalues in ascending order).",
        "L = (2/n) · λ_max(XᵀX), with n the number of rows of X.",
    ),
    rtol=1e-7,
)


# --- backtracking_line_search -------------------------------------------------------------

class Rosenbrock:
    """f(x, y) = (1 - x)² + 100 (y - x²)²."""

    __name__ = "rosenbrock"

    def __call__(self, p):
        return float((1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2)

    def gradient(self, p):
        return np.array([-2 * (1 - p[0]) - 400 * p[0] * (p[1] - p[0] ** 2), 200 * (p[1] - p[0] ** 2)])


class LogBarrier:
    """f(x) = Σ (xᵢ - log xᵢ), minimal at x = 1; NaN outside its domain x > 0."""

    __name__ = "sum_of_x_minus_log_x"

    def __call__(self, x):
        if np.any(x <= 0):
            return float("nan")
        return float(np.sum(x - np.log(x)))

    def gradient(self, x):
        return 1.0 - 1.0 / x


def _line_search_cases(rng, hidden):
    bowl = Quadratic(np.diag([1.0, 10.0]), np.zeros(2))
    rosen = Rosenbrock()
    barrier = LogBarrier()
    if not hidden:
        return [
            Case("2-D bowl, alpha0 = 1", (bowl, bowl.gradient, np.array([1.0, 1.0])),
                 {"alpha0": 1.0, "shrink": 0.5, "c": 1e-4}),
            Case("Rosenbrock at (-1, 1)", (rosen, rosen.gradient, np.array([-1.0, 1.0])),
                 {"alpha0": 1.0, "shrink": 0.5, "c": 1e-4}),
            Case("strict sufficient decrease (c = 0.5)", (bowl, bowl.gradient, np.array([2.0, 0.5])),
                 {"alpha0": 1.0, "shrink": 0.8, "c": 0.5}),
            Case("a first step that is accepted", (bowl, bowl.gradient, np.array([1.0, 1.0])),
                 {"alpha0": 0.05, "shrink": 0.5, "c": 1e-4}),
            Case("a long first step (alpha0 = 3)", (bowl, bowl.gradient, np.array([3.0, 0.1])),
                 {"alpha0": 3.0, "shrink": 0.5, "c": 0.1}),
            # The first trial point leaves the domain x > 0, where f is NaN: NaN ≤ t is False,
            # so the step must shrink (a loop `while f(...) > t` would accept it).
            Case("f is NaN at the first trial point", (barrier, barrier.gradient, np.array([3.0, 2.0])),
                 {"alpha0": 8.0, "shrink": 0.5, "c": 1e-4}),
        ]
    tilted = Quadratic(np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]]),
                       np.array([1.0, -2.0, 0.5]))
    d = int(rng.integers(2, 6))
    quad = _random_quadratic(rng, d, cond=50.0)
    reg = _regression(rng, 40, 3)
    return [
        Case("a tilted 3-D bowl, c = 0.4, alpha0 = 3", (tilted, tilted.gradient, np.array([3.0, 1.0, -2.0])),
             {"alpha0": 3.0, "shrink": 0.7, "c": 0.4}),
        Case("f is NaN at the first two trial points",
             (barrier, barrier.gradient, np.array([4.0, 0.5, 2.0])),
             {"alpha0": 20.0, "shrink": 0.6, "c": 0.2}),
        Case("Rosenbrock near the valley", (rosen, rosen.gradient, np.array([0.5, 0.3])),
             {"alpha0": 1.0, "shrink": 0.3, "c": 0.1}),
        Case("a first step that is accepted", (tilted, tilted.gradient, np.array([0.0, 1.0, 2.0])),
             {"alpha0": 0.1, "shrink": 0.5, "c": 0.3}),
        Case(f"random: a {d}-D quadratic", (quad, quad.gradient, rng.normal(size=d)),
             {"alpha0": 2.0, "shrink": 0.7, "c": 0.3}),
        Case("random: linear regression", (reg, reg.gradient, rng.normal(size=3)),
             {"alpha0": 1.0, "shrink": 0.5, "c": 1e-4}),
    ]


def _armijo(f, grad_f, x, alpha0, shrink, c, condition):
    g = grad_f(x)
    alpha = alpha0
    for _ in range(200):
        if condition(f(x - alpha * g), f(x), alpha, g @ g, c):
            return float(alpha)
        alpha *= shrink
    return float(alpha)


def _ls_uphill(f, grad_f, x, alpha0=1.0, shrink=0.5, c=1e-4):
    g = grad_f(x)
    alpha = alpha0
    for _ in range(200):
        if f(x + alpha * g) <= f(x) - c * alpha * (g @ g):
            return float(alpha)
        alpha *= shrink
    return float(alpha)


def _ls_recursive(f, grad_f, x, alpha0=1.0, shrink=0.5, c=1e-4):
    g = grad_f(x)
    fx, slope = f(x), -float(g @ g)

    def search(alpha, depth):
        if f(x + alpha * -g) <= fx + c * alpha * slope or depth == 0:
            return float(alpha)
        return search(alpha * shrink, depth - 1)

    return search(alpha0, 200)


BACKTRACKING_LINE_SEARCH = Exercise(
    id="backtracking_line_search",
    title="Backtracking (Armijo) line search",
    reference=backtracking_line_search,
    cases=_line_search_cases,
    mistakes=(
        Mistake("plain decrease instead of sufficient decrease",
                "f(x - α g) < f(x) accepts steps that barely help; Armijo asks for a decrease of at "
                "least c·α·||g||².",
                lambda f, grad_f, x, alpha0=1.0, shrink=0.5, c=1e-4: _armijo(
                    f, grad_f, x, alpha0, shrink, c, lambda new, old, a, gg, c_: new < old)),
        Mistake("decrease term with the wrong sign",
                "Along -g the predicted change is -α||g||², so the test is f(x - αg) ≤ f(x) - c·α·||g||²; "
                "with + it also accepts steps that increase f.",
                lambda f, grad_f, x, alpha0=1.0, shrink=0.5, c=1e-4: _armijo(
                    f, grad_f, x, alpha0, shrink, c, lambda new, old, a, gg, c_: new <= old + c_ * a * gg)),
        Mistake("step along +gradient",
                "The search direction is p = -∇f(x); x + α∇f(x) goes uphill.",
                _ls_uphill),
        Mistake("one shrink too many",
                "Return the first α that passes the test, not the one after it.",
                lambda f, grad_f, x, alpha0=1.0, shrink=0.5, c=1e-4: shrink * _armijo(
                    f, grad_f, x, alpha0, shrink, c, lambda new, old, a, gg, c_: new <= old - c_ * a * gg)),
        Mistake("alpha0 never tried",
                "Shrinking before the first test skips alpha0 itself; test α = alpha0 first and "
                "shrink only when it fails.",
                lambda f, grad_f, x, alpha0=1.0, shrink=0.5, c=1e-4: _armijo(
                    f, grad_f, x, alpha0 * shrink, shrink, c,
                    lambda new, old, a, gg, c_: new <= old - c_ * a * gg)),
        Mistake("‖g‖ instead of ‖g‖²",
                "The decrease that the linear model predicts is α·∇f(x)ᵀg = α‖g‖², the squared norm "
                "(g @ g), not the norm.",
                lambda f, grad_f, x, alpha0=1.0, shrink=0.5, c=1e-4: _armijo(
                    f, grad_f, x, alpha0, shrink, c,
                    lambda new, old, a, gg, c_: new <= old - c_ * a * np.sqrt(gg))),
        Mistake("alpha0 ignored",
                "The search starts from the alpha0 the caller passes, not from 1.",
                lambda f, grad_f, x, alpha0=1.0, shrink=0.5, c=1e-4: _armijo(
                    f, grad_f, x, 1.0, shrink, c, lambda new, old, a, gg, c_: new <= old - c_ * a * gg)),
        Mistake("NaN trial values accepted",
                "A loop `while f(x - αg) > t` stops when f is NaN, because every comparison with "
                "NaN is False: a step that leaves the domain of f (or overflows) is accepted. "
                "Accept α only when f(x - αg) <= t is True, so NaN keeps shrinking the step.",
                lambda f, grad_f, x, alpha0=1.0, shrink=0.5, c=1e-4: _armijo(
                    f, grad_f, x, alpha0, shrink, c,
                    lambda new, old, a, gg, c_: not new > old - c_ * a * gg)),
    ),
    points=3,
    hints=(
        "Start with the largest step alpha0 and make it smaller until the step lowers f by "
        "enough; return the first step that does.",
        "Compute g = ∇f(x) and f(x) once. A step α is good enough when f at x - αg is at most "
        "f(x) minus c times the decrease that the gradient predicts for that step. Test "
        "'is good enough' rather than 'is too large', so that a NaN value of f (outside its "
        "domain) counts as not good enough.",
        "α = alpha0, alpha0·shrink, alpha0·shrink², …: return the first with "
        "f(x - α g) ≤ f(x) - c·α·‖g‖², with ‖g‖² the squared norm of g (the sum of its squared entries).",
    ),
    alternatives=(
        _ls_recursive,
        lambda f, grad_f, x, alpha0=1.0, shrink=0.5, c=1e-4: _armijo(
            f, grad_f, x, alpha0, shrink, c, lambda new, old, a, gg, c_: old - new >= c_ * a * gg),
    ),
)


EXERCISES = [GRADIENT_DESCENT, MSE_SMOOTHNESS_CONSTANT, BACKTRACKING_LINE_SEARCH]  # in chapter order
