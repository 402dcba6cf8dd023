"""Exercises on gradient descent (chapter "Gradient descent")."""

from __future__ import annotations

import numpy as np

from ...models import linear_regression_gradient, linear_regression_loss, mse_smoothness_constant
from ...optim import backtracking_line_search, gradient_descent, minimize
from ..spec import Case, Exercise, Mistake


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
    reg = _regression(rng, 30, 3)
    cases = [
        Case("2-D bowl, 5 steps", (bowl.gradient, np.array([0.0, 0.0])), {"lr": 0.05, "n_steps": 5}),
        Case("linear regression, 20 steps", (reg.gradient, np.zeros(3)), {"lr": 0.1, "n_steps": 20}),
        Case("zero steps", (bowl.gradient, np.array([3.0, 4.0])), {"lr": 0.1, "n_steps": 0}),
    ]
    if hidden:
        d = int(rng.integers(2, 6))
        quad = _random_quadratic(rng, d)
        cases += [
            Case(f"random {d}-D quadratic", (quad.gradient, rng.normal(size=d)), {"lr": 0.15, "n_steps": 30}),
            Case("a step size that diverges", (bowl.gradient, np.array([1.0, 1.0])), {"lr": 0.21, "n_steps": 10}),
        ]
    return cases


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
    ),
    alternatives=(_gd_preallocated, _gd_recursive),
    forbidden=(minimize,),
    rtol=1e-9,
    atol=1e-12,
)


# --- mse_smoothness_constant --------------------------------------------------------------

def _smoothness_cases(rng, hidden):
    cases = [
        Case("diagonal design", (np.array([[3.0, 0.0], [0.0, 1.0]]),)),
        Case("20 samples, 3 features", (rng.normal(size=(20, 3)),)),
        Case("correlated features", (rng.normal(size=(50, 1)) @ np.ones((1, 4)) + 0.1 * rng.normal(size=(50, 4)),)),
    ]
    if hidden:
        n, d = int(rng.integers(10, 200)), int(rng.integers(1, 8))
        cases += [
            Case(f"{n} samples, {d} features", (rng.normal(scale=3, size=(n, d)),)),
            Case("features on different scales", (rng.normal(size=(30, 3)) * np.array([0.1, 1.0, 10.0]),)),
        ]
    return cases


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
    ),
    alternatives=(
        lambda X: float(2 / X.shape[0] * np.linalg.norm(X, 2) ** 2),
        _power_iteration,
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


def _line_search_cases(rng, hidden):
    bowl = Quadratic(np.diag([1.0, 10.0]), np.zeros(2))
    rosen = Rosenbrock()
    cases = [
        Case("2-D bowl, alpha0 = 1", (bowl, bowl.gradient, np.array([1.0, 1.0])),
             {"alpha0": 1.0, "shrink": 0.5, "c": 1e-4}),
        Case("Rosenbrock at (-1, 1)", (rosen, rosen.gradient, np.array([-1.0, 1.0])),
             {"alpha0": 1.0, "shrink": 0.5, "c": 1e-4}),
        Case("strict sufficient decrease (c = 0.5)", (bowl, bowl.gradient, np.array([2.0, 0.5])),
             {"alpha0": 1.0, "shrink": 0.8, "c": 0.5}),
    ]
    if hidden:
        d = int(rng.integers(2, 6))
        quad = _random_quadratic(rng, d, cond=50.0)
        reg = _regression(rng, 40, 3)
        cases += [
            Case(f"random {d}-D quadratic", (quad, quad.gradient, rng.normal(size=d)),
                 {"alpha0": 2.0, "shrink": 0.7, "c": 0.3}),
            Case("linear regression", (reg, reg.gradient, rng.normal(size=3)),
                 {"alpha0": 1.0, "shrink": 0.5, "c": 1e-4}),
            Case("Rosenbrock near the valley", (rosen, rosen.gradient, np.array([0.5, 0.3])),
                 {"alpha0": 1.0, "shrink": 0.3, "c": 0.1}),
        ]
    return cases


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
    ),
    alternatives=(
        _ls_recursive,
        lambda f, grad_f, x, alpha0=1.0, shrink=0.5, c=1e-4: _armijo(
            f, grad_f, x, alpha0, shrink, c, lambda new, old, a, gg, c_: old - new >= c_ * a * gg),
    ),
)


EXERCISES = [GRADIENT_DESCENT, MSE_SMOOTHNESS_CONSTANT, BACKTRACKING_LINE_SEARCH]
