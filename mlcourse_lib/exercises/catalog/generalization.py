"""Exercises on generalization (chapter "Generalization").

Polynomial features, ridge regression with an unpenalized intercept, the decision of early
stopping, and inverted dropout. Dropout is random, but its contract fixes how the generator
is used (one call ``rng.random(x.shape)``), so the check compares with the reference given
the same seeded generator: each call gets its own copy of the case's ``rng``.
"""

from __future__ import annotations

import numpy as np

from ...models import dropout_backward, dropout_forward, polynomial_features, ridge_fit
from ...train import early_stopping_decision
from ..spec import Case, Exercise, Mistake

CHAPTER = "07_generalization"


# --- polynomial_features ----------------------------------------------------------------------

def _poly_cases(rng, hidden):
    if not hidden:
        return [
            Case("four values, degree 3", (np.array([2.0, -1.0, 0.5, 3.0]), 3)),
            Case("a column of five values (shape (5, 1)), degree 2",
                 (np.array([[1.5], [-2.0], [0.0], [0.5], [3.0]]), 2)),
            Case("seven values, degree 5", (rng.uniform(-1.5, 1.5, size=7), 5)),
        ]
    n, degree = int(rng.integers(3, 30)), int(rng.integers(1, 9))
    return [
        Case("a column of six values (shape (6, 1)), degree 4",
             (np.array([[1.25], [-0.5], [2.0], [-1.5], [0.75], [3.0]]), 4)),
        Case("three values, degree 7", (np.array([1.1, -0.9, 2.0]), 7)),
        Case("degree 0: only the constant column", (np.array([3.0, -2.0, 0.5, 7.0]), 0)),
        Case(f"random: {n} values, degree {degree}", (rng.normal(size=n), degree)),
        Case(f"random: a column of {n} values, degree {degree}", (rng.normal(size=(n, 1)), degree)),
    ]


def _poly_vander(x, degree):
    return np.vander(np.ravel(x), degree + 1, increasing=True)


def _poly_loop(x, degree):
    x = np.asarray(x, dtype=float).reshape(-1)
    columns = [np.ones_like(x)]
    for _ in range(degree):
        columns.append(columns[-1] * x)
    return np.column_stack(columns)


def _poly_no_constant(x, degree):
    x = np.ravel(x)
    return x[:, None] ** np.arange(1, degree + 1)


def _poly_degree_columns(x, degree):
    x = np.ravel(x)
    return x[:, None] ** np.arange(degree)


POLYNOMIAL_FEATURES = Exercise(
    id="polynomial_features",
    title="Polynomial features",
    reference=polynomial_features,
    cases=_poly_cases,
    points=2,
    mistakes=(
        Mistake("constant column missing",
                "Column 0 is x⁰ = 1, so that a degree-D polynomial has its D + 1 coefficients "
                "c₀, …, c_D, the constant term included: the powers run from 0 to degree.",
                _poly_no_constant),
        Mistake("degree columns instead of degree + 1",
                "The powers 0, 1, …, degree are degree + 1 numbers; a range that stops before "
                "degree leaves out the highest power.",
                _poly_degree_columns),
        Mistake("powers in decreasing order",
                "Column k holds x^k: x⁰ first and x^degree last (np.vander puts the highest "
                "power first unless told otherwise).",
                lambda x, degree: np.vander(np.ravel(x), degree + 1)),
        Mistake("a column input kept 2-D",
                "x may come as a column of shape (n, 1); raising it to a row of powers then "
                "gives a 3-D array. Flatten x to shape (n,) first.",
                lambda x, degree: np.asarray(x)[:, None] ** np.arange(degree + 1)),
        Mistake("one row per power (transposed)",
                "The result has one row per sample and one column per power, shape "
                "(n, degree + 1); stacking the powers as rows gives the transpose.",
                lambda x, degree: np.vstack([np.ravel(x) ** k for k in range(degree + 1)])),
    ),
    alternatives=(_poly_vander, _poly_loop,
                  lambda x, degree: np.power.outer(np.reshape(x, -1), np.arange(degree + 1))),
    hints=(
        "Each sample gets one row, and each power of its x one column, starting from the "
        "power 0.",
        "Whatever shape x comes in, treat it as n numbers. Column k of the result holds x raised "
        "to the power k, for k = 0, 1, …, degree, so there are degree + 1 columns and the first "
        "one is all ones.",
        "Φ[i, k] = x_i^k for i = 0, …, n - 1 and k = 0, …, degree; shape (n, degree + 1).",
    ),
)


# --- ridge_fit --------------------------------------------------------------------------------

def _ridge_problem(rng, n, d, *, x_shift, intercept, lam):
    X = rng.normal(size=(n, d)) + x_shift
    y = intercept + X @ rng.normal(size=d) + 0.5 * rng.normal(size=n)
    return Case(f"{n} samples, {d} features, lam = {lam:g}", (X, y), {"lam": lam})


def _ridge_cases(rng, hidden):
    if not hidden:
        return [
            Case("four samples, one feature, lam = 0.5",
                 (np.array([[0.0], [1.0], [3.0], [4.0]]), np.array([1.0, 2.0, 7.0, 6.0])), {"lam": 0.5}),
            Case("five samples, two features, lam = 0.1",
                 (np.array([[1.0, 2.0], [2.0, 0.5], [3.0, 1.0], [4.0, 3.0], [6.0, 2.5]]),
                  np.array([4.0, 3.0, 6.5, 10.0, 12.0])), {"lam": 0.1}),
            _ridge_problem(rng, 12, 3, x_shift=np.array([2.0, -3.0, 5.0]), intercept=10.0, lam=0.3),
        ]
    fixed = [
        Case("eight samples, three features, a large intercept, lam = 0.25",
             (np.array([[3.0, -1.0, 5.0], [4.0, 0.5, 6.0], [2.5, -2.0, 4.5], [5.0, 1.0, 7.5],
                        [3.5, -0.5, 5.5], [6.0, 2.0, 5.0], [2.0, -1.5, 6.5], [4.5, 0.0, 4.0]]),
              np.array([20.0, 23.5, 17.0, 29.0, 21.0, 27.5, 19.0, 21.5])), {"lam": 0.25}),
        Case("three samples, two features, lam = 2",
             (np.array([[1.0, 4.0], [2.0, 3.0], [4.0, 8.0]]), np.array([-1.0, 2.0, 5.0])), {"lam": 2.0}),
    ]
    n, d = int(rng.integers(5, 40)), int(rng.integers(1, 6))
    lam = float(10 ** rng.uniform(-3, 0.5))
    random_case = _ridge_problem(rng, n, d, x_shift=rng.normal(scale=3, size=d),
                                 intercept=float(rng.normal(scale=5)), lam=lam)
    return fixed + [Case("random: " + random_case.label, random_case.args, random_case.kwargs)]


def _centered(X, y):
    x_mean, y_mean = X.mean(axis=0), y.mean()
    return X - x_mean, y - y_mean, x_mean, y_mean


def _ridge_with(system):
    """Ridge on centered data, with the matrix of the normal equations from ``system(Xc, n, lam)``."""
    def fit(X, y, *, lam):
        Xc, yc, x_mean, y_mean = _centered(X, y)
        w = np.linalg.solve(system(Xc, X.shape[0], lam), Xc.T @ yc)
        return w, float(y_mean - x_mean @ w)
    return fit


def _ridge_intercept_penalized(X, y, *, lam):
    n, d = X.shape
    A = np.column_stack([np.ones(n), X])
    theta = np.linalg.solve(A.T @ A + n * lam * np.eye(d + 1), A.T @ y)
    return theta[1:], float(theta[0])


def _ridge_b_is_mean(X, y, *, lam):
    Xc, yc, _, y_mean = _centered(X, y)
    w = np.linalg.solve(Xc.T @ Xc + X.shape[0] * lam * np.eye(X.shape[1]), Xc.T @ yc)
    return w, float(y_mean)


def _ridge_uncentered(X, y, *, lam):
    n, d = X.shape
    w = np.linalg.solve(X.T @ X + n * lam * np.eye(d), X.T @ y)
    return w, float(np.mean(y - X @ w))


def _ridge_penalty_matrix(X, y, *, lam):
    n, d = X.shape
    A = np.column_stack([np.ones(n), X])
    D = np.eye(d + 1)
    D[0, 0] = 0.0                                     # no penalty on the intercept
    theta = np.linalg.solve(A.T @ A + n * lam * D, A.T @ y)
    return theta[1:], float(theta[0])


def _ridge_inv(X, y, *, lam):
    Xc, yc, x_mean, y_mean = _centered(X, y)
    w = np.linalg.inv(Xc.T @ Xc + len(y) * lam * np.eye(X.shape[1])) @ Xc.T @ yc
    return w, float(y_mean - x_mean @ w)


def _ridge_stacked_lstsq(X, y, *, lam):
    Xc, yc, x_mean, y_mean = _centered(X, y)
    n, d = X.shape
    A = np.vstack([Xc, np.sqrt(n * lam) * np.eye(d)])
    w = np.linalg.lstsq(A, np.concatenate([yc, np.zeros(d)]), rcond=None)[0]
    return w, float(y_mean - x_mean @ w)


RIDGE_FIT = Exercise(
    id="ridge_fit",
    title="Ridge regression with an unpenalized intercept",
    reference=ridge_fit,
    cases=_ridge_cases,
    points=3,
    mistakes=(
        Mistake("intercept penalized",
                "A column of ones inside the penalty shrinks b towards 0, so shifting every "
                "target by a constant no longer just shifts b. Penalize w only: centre X and y, "
                "solve for w, then b = ȳ - x̄·w.",
                _ridge_intercept_penalized),
        Mistake("λ not multiplied by n",
                "The objective averages the squared errors (the 1/n), so setting its gradient "
                "to zero gives (XcᵀXc + nλI) w = Xcᵀyc: multiply the 1/n out and λ becomes nλ.",
                _ridge_with(lambda Xc, n, lam: Xc.T @ Xc + lam * np.eye(Xc.shape[1]))),
        Mistake("penalty (λ/2)‖w‖²",
                "The objective here is λ‖w‖², whose gradient is 2λw, not λw: the normal "
                "equations read (XcᵀXc + nλI) w = Xcᵀyc, not nλ/2.",
                _ridge_with(lambda Xc, n, lam: Xc.T @ Xc + n * lam / 2 * np.eye(Xc.shape[1]))),
        Mistake("λ added to every entry of XᵀX",
                "Adding the number nλ to a matrix adds it to every entry; the penalty adds nλ to "
                "the diagonal only: XcᵀXc + nλ·I, with the identity matrix I of size d.",
                _ridge_with(lambda Xc, n, lam: Xc.T @ Xc + n * lam)),
        Mistake("b = ȳ",
                "With centered data the intercept is b = ȳ - x̄·w: the mean prediction must equal "
                "the mean target, and the features' means contribute x̄·w to it.",
                _ridge_b_is_mean),
        Mistake("w fitted on uncentered data",
                "Solving (XᵀX + nλI) w = Xᵀy on the raw X fits w as if there were no intercept, "
                "and b fitted afterwards cannot repair it. Centre X and y first.",
                _ridge_uncentered),
    ),
    alternatives=(_ridge_inv, _ridge_penalty_matrix, _ridge_stacked_lstsq),
    hints=(
        "The intercept b only moves the predictions up and down: find it from the means, and "
        "let the penalty act on w alone.",
        "Setting the derivative in b to zero gives b = ȳ - x̄·w. Put that back, and the problem "
        "for w is ridge regression without intercept on the centered data Xc = X - x̄ and "
        "yc = y - ȳ. Mind the 1/n in front of the squared error when you set the gradient in w "
        "to zero.",
        "(XcᵀXc + nλI) w = Xcᵀyc, solved for w; then b = ȳ - x̄ᵀw. Return (w, b).",
    ),
    rtol=1e-7,
    atol=1e-9,
)


# --- early_stopping_decision --------------------------------------------------------------------

def _es_cases(rng, hidden):
    if not hidden:
        return [
            Case("patience 3, no ties", ([1.0, 0.8, 0.9, 0.85, 0.82, 0.95, 0.7, 0.6],), {"patience": 3}),
            Case("patience 2, min_delta 0.02",
                 ([2.0, 1.5, 1.5, 1.2, 1.19, 1.21, 1.195, 1.3, 1.0],), {"patience": 2, "min_delta": 0.02}),
            Case("ties with the best, patience 3", ([3.0, 2.0, 2.0, 2.0, 2.5, 1.9, 2.0],), {"patience": 3}),
            Case("never stops, patience 2", ([5.0, 4.0, 4.5, 3.0, 3.5, 2.0],), {"patience": 2}),
            Case("patience 0", ([2.0, 1.8, 1.9, 1.0],), {"patience": 0}),
        ]
    fixed = [
        # Exact binary fractions: 2.875 and 2.375 tie with best - min_delta exactly.
        Case("patience 3, min_delta 0.125, ties at best - min_delta",
             ([4.0, 3.0, 3.0, 2.875, 2.5, 2.45, 2.6, 2.375, 2.5, 2.4, 2.7, 1.0],),
             {"patience": 3, "min_delta": 0.125}),
        Case("patience 0: stop at the first epoch without improvement", ([1.0, 0.9, 0.95, 0.5],),
             {"patience": 0}),
        Case("a single epoch", ([0.7],), {"patience": 5}),
    ]
    n, patience = int(rng.integers(15, 60)), int(rng.integers(1, 8))
    walk = 2.0 + np.cumsum(rng.normal(-0.02, 0.1, size=n))
    rounded = np.round(walk, 1)                      # rounding makes ties
    return fixed + [
        Case(f"random: {n} epochs, patience {patience}", (walk.tolist(),), {"patience": patience}),
        Case(f"random: {n} epochs with ties, patience {patience}, min_delta 0.05",
             (rounded.tolist(),), {"patience": patience, "min_delta": 0.05}),
    ]


def _stopping_rule(*, improves, stops, best_of=None, reset=True):
    """An early-stopping loop built from its parts (the frame of several mistakes).

    ``improves(value, best, previous, min_delta)``; ``stops(waited, patience)``;
    ``best_of(values, stop_epoch, best_epoch)`` picks the epoch returned as the best.
    """
    def decide(val_losses, *, patience, min_delta=0.0):
        best, best_epoch, waited, previous = np.inf, None, 0, np.inf
        stop = len(val_losses) - 1
        for epoch, value in enumerate(val_losses):
            if improves(value, best, previous, min_delta):
                best, best_epoch = value, epoch
                if reset:
                    waited = 0
            else:
                waited += 1
                if stops(waited, patience):
                    stop = epoch
                    break
            previous = value
        if best_of is not None:
            best_epoch = best_of(val_losses, stop, best_epoch)
        return stop, best_epoch
    return decide


def _strictly_better(value, best, previous, min_delta):
    return value < best - min_delta


def _waited_enough(waited, patience):
    return waited >= patience


def _es_epochs_since_best(val_losses, *, patience, min_delta=0.0):
    best, best_epoch = float("inf"), 0
    for epoch, value in enumerate(val_losses):
        if value < best - min_delta:
            best, best_epoch = value, epoch
        elif epoch - best_epoch >= patience:
            return epoch, best_epoch
    return len(val_losses) - 1, best_epoch


def _es_while(val_losses, *, patience, min_delta=0.0):
    values = np.asarray(val_losses, dtype=float)
    best_epoch, epoch, waited = 0, 1, 0
    while epoch < len(values):
        if values[epoch] < values[best_epoch] - min_delta:
            best_epoch, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                break
        epoch += 1
    return min(epoch, len(values) - 1), best_epoch


def _previous_epoch_min(val_losses, stop, best_epoch):
    return int(np.argmin(val_losses[:stop + 1]))


EARLY_STOPPING_DECISION = Exercise(
    id="early_stopping_decision",
    title="The decision of early stopping",
    reference=early_stopping_decision,
    cases=_es_cases,
    points=3,
    mistakes=(
        Mistake("patience off by one",
                "Stop at the epoch where the number of epochs without improvement reaches "
                "patience (waited == patience), not one epoch later.",
                _stopping_rule(improves=_strictly_better, stops=lambda waited, patience: waited > patience)),
        Mistake("the last epoch restored, not the best",
                "Early stopping restores the parameters of the best epoch; those of the stop "
                "epoch are patience epochs past it, where the loss had stopped improving.",
                _stopping_rule(improves=_strictly_better, stops=_waited_enough,
                               best_of=lambda values, stop, best: stop)),
        Mistake("a tie counts as an improvement",
                "An epoch improves only when its loss is strictly below best - min_delta; an "
                "equal loss (<= instead of <) is no improvement and must not reset the count.",
                _stopping_rule(improves=lambda value, best, previous, min_delta: value <= best - min_delta,
                               stops=_waited_enough)),
        Mistake("epochs counted from the start, not since the best",
                "The count of epochs without improvement starts again at 0 at every improvement: "
                "patience is the number of epochs in a row since the best one.",
                _stopping_rule(improves=_strictly_better, stops=_waited_enough, reset=False)),
        Mistake("compared with the previous epoch, not the best",
                "An epoch improves when it beats the best loss so far (by more than min_delta); "
                "beating only the previous epoch can reset the count forever while the loss "
                "wanders above its best.",
                _stopping_rule(improves=lambda value, best, previous, min_delta: value < previous - min_delta,
                               stops=_waited_enough, best_of=_previous_epoch_min)),
        Mistake("best epoch looked up after the stop",
                "Training ended at the stop epoch, so the epochs after it were never trained: the "
                "best epoch is the best one up to the stop, not the smallest loss of the whole list.",
                _stopping_rule(improves=_strictly_better, stops=_waited_enough,
                               best_of=lambda values, stop, best: int(np.argmin(values)))),
        Mistake("min_delta ignored",
                "An improvement must beat the best loss by more than min_delta: "
                "value < best - min_delta.",
                _stopping_rule(improves=lambda value, best, previous, min_delta: value < best,
                               stops=_waited_enough)),
    ),
    alternatives=(_es_epochs_since_best, _es_while),
    hints=(
        "Walk through the epochs once, remembering the best loss so far, its epoch, and how "
        "many epochs have passed since it.",
        "An epoch improves when its loss is strictly below the best so far minus min_delta; then "
        "it becomes the best and the count goes back to 0. Otherwise the count grows by one, and "
        "when it reaches patience, that epoch is where training stops. If it never stops, the "
        "last epoch is the stop epoch. The best epoch is the last improvement up to the stop.",
        "best = +∞; for k = 0, 1, …: if v_k < best - min_delta then best = v_k, k_best = k, "
        "waited = 0, else waited = waited + 1 and stop at k when waited = patience. Return "
        "(k_stop, k_best).",
    ),
)


# --- inverted_dropout ---------------------------------------------------------------------------

def _inverted_dropout_reference(x, grad_out, *, p, rng):
    """Forward and backward pass of inverted dropout with the library's functions."""
    out, mask = dropout_forward(x, p, rng)
    return out, dropout_backward(grad_out, mask)


def _dropout_case(label, rng, shape, p, seed):
    return Case(label, (rng.normal(size=shape), rng.normal(size=shape)),
                {"p": p, "rng": np.random.default_rng(seed)})


def _dropout_cases(rng, hidden):
    if not hidden:
        return [
            Case("a 3 × 4 batch, p = 0.25",
                 (np.arange(1.0, 13.0).reshape(3, 4), np.linspace(-1.0, 1.0, 12).reshape(3, 4)),
                 {"p": 0.25, "rng": np.random.default_rng(0)}),
            _dropout_case("a 2 × 5 batch, p = 0.6", rng, (2, 5), 0.6, 1),
            _dropout_case("a vector of 8, p = 0.1", rng, (8,), 0.1, 2),
        ]
    fixed = [
        Case("a 4 × 5 batch, p = 0.3",
             (np.linspace(-2.0, 3.0, 20).reshape(4, 5), np.linspace(1.0, -1.0, 20).reshape(4, 5)),
             {"p": 0.3, "rng": np.random.default_rng(2024)}),
        Case("a 6 × 3 batch, p = 0.8",
             (np.arange(18.0).reshape(6, 3) - 8.0, np.ones((6, 3))),
             {"p": 0.8, "rng": np.random.default_rng(7)}),
    ]
    n, d = int(rng.integers(2, 20)), int(rng.integers(2, 20))
    p = float(rng.choice([0.1, 0.2, 0.4, 0.7]))
    seed = int(rng.integers(2 ** 31))
    return fixed + [_dropout_case(f"random: a {n} × {d} batch, p = {p}", rng, (n, d), p, seed)]


def _dropout_with(keep_of, scale_of, backward=None):
    """Dropout whose kept entries are ``keep_of(u, p)`` scaled by ``scale_of(p)``."""
    def dropout(x, grad_out, *, p, rng):
        u = rng.random(x.shape)
        mask = keep_of(u, p) * scale_of(p)
        grad_x = grad_out * mask if backward is None else backward(grad_out, mask, u, p, rng)
        return x * mask, grad_x
    return dropout


def _keep(u, p):
    return u >= p


def _inverse_keep_probability(p):
    return 1.0 / (1.0 - p)


def _dropout_where(x, grad_out, *, p, rng):
    keep = rng.random(size=x.shape) >= p
    return np.where(keep, x / (1 - p), 0.0), np.where(keep, grad_out / (1 - p), 0.0)


def _dropout_uniform(x, grad_out, *, p, rng):
    mask = (rng.uniform(0.0, 1.0, size=x.shape) >= p).astype(float) * (1.0 / (1.0 - p))
    return mask * x, mask * grad_out


INVERTED_DROPOUT = Exercise(
    id="inverted_dropout",
    title="Inverted dropout, forward and backward",
    reference=_inverted_dropout_reference,
    cases=_dropout_cases,
    points=3,
    mistakes=(
        Mistake("no rescaling",
                "Dropping a fraction p of the units lowers the expected activation to (1 - p)·x. "
                "Inverted dropout divides the kept units by 1 - p, so the expected output stays x "
                "and nothing needs to change at evaluation.",
                _dropout_with(_keep, lambda p: 1.0)),
        Mistake("scaled by 1 - p instead of 1/(1 - p)",
                "Multiplying by 1 - p is what non-inverted dropout does at evaluation. In training, "
                "inverted dropout divides the kept units by 1 - p, the keep probability.",
                _dropout_with(_keep, lambda p: 1.0 - p)),
        Mistake("scaled by 1/p",
                "p is the drop probability; a unit is kept with probability 1 - p, so the kept "
                "units are divided by 1 - p.",
                _dropout_with(_keep, lambda p: 1.0 / p)),
        Mistake("kept where u < p",
                "Keeping the units with u < p keeps a fraction p of them and drops 1 - p: the "
                "wrong fraction. A unit is dropped with probability p: keep it where u ≥ p.",
                _dropout_with(lambda u, p: u < p, _inverse_keep_probability)),
        Mistake("p read as the keep probability",
                "Here p is the probability of dropping a unit (as in torch.nn.Dropout): keep it "
                "where u ≥ p and divide by 1 - p.",
                _dropout_with(lambda u, p: u < p, lambda p: 1.0 / p)),
        Mistake("kept where u < 1 - p",
                "That keeps the right fraction, but not the units the contract asks for: the mask "
                "is u ≥ p with u = rng.random(x.shape), so the same generator always gives the "
                "same mask, and the check can compare it.",
                _dropout_with(lambda u, p: u < 1.0 - p, _inverse_keep_probability)),
        Mistake("backward ignores the mask",
                "out = x ⊙ m, so ∂L/∂x = ∂L/∂out ⊙ m: dropped units get no gradient, kept ones "
                "the upstream gradient times 1/(1 - p).",
                _dropout_with(_keep, _inverse_keep_probability,
                              backward=lambda grad_out, mask, u, p, rng: grad_out.copy())),
        Mistake("backward without the 1/(1 - p)",
                "The forward pass multiplies kept units by 1/(1 - p), so the chain rule multiplies "
                "their gradient by 1/(1 - p) too: reuse the scaled mask.",
                _dropout_with(_keep, _inverse_keep_probability,
                              backward=lambda grad_out, mask, u, p, rng: grad_out * (u >= p))),
        Mistake("a second mask drawn for the backward pass",
                "The backward pass must use the mask of the forward pass: the gradient flows "
                "through the units that were kept. Draw the mask once and reuse it.",
                _dropout_with(_keep, _inverse_keep_probability,
                              backward=lambda grad_out, mask, u, p, rng:
                              grad_out * (rng.random(grad_out.shape) >= p) / (1.0 - p))),
    ),
    alternatives=(_dropout_where, _dropout_uniform),
    hints=(
        "Draw one uniform number per entry of x from the generator you are given, and use the "
        "same mask in both directions.",
        "An entry is kept when its uniform number is at least p (so it is kept with probability "
        "1 - p), and kept entries are divided by 1 - p so that the expected output equals x. The "
        "backward pass multiplies the upstream gradient by that same scaled mask.",
        "u = one draw of the generator's uniform numbers with the shape of x; m = [u ≥ p] / (1 - p); "
        "out = x ⊙ m; grad_x = grad_out ⊙ m. Return (out, grad_x).",
    ),
)


EXERCISES = [POLYNOMIAL_FEATURES, RIDGE_FIT, EARLY_STOPPING_DECISION, INVERTED_DROPOUT]  # in chapter order
