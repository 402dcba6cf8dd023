"""Polynomial features, ridge regression, the early-stopping decision, inverted dropout and augmentation.

Ridge is compared with scikit-learn's ``Ridge`` and its gradient with finite differences;
:func:`early_stopping_decision` with the :class:`EarlyStopping` callback inside :func:`fit`;
dropout with its expectation and with the MLP's forward pass. The honest-but-wrong answers at
the end are rejected by the chapter's checkers even though they are not named mistakes.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlcourse_lib import data, gradcheck, models, train
from mlcourse_lib.exercises import run_check


# --- polynomial_features ------------------------------------------------------------------------

def test_polynomial_features_columns_are_increasing_powers():
    x = np.array([2.0, -1.0, 0.5])
    Phi = models.polynomial_features(x, 3)
    assert Phi.shape == (3, 4)
    assert np.array_equal(Phi, np.column_stack([np.ones(3), x, x ** 2, x ** 3]))
    assert np.array_equal(models.polynomial_features(x[:, None], 3), Phi)      # a column works too
    assert np.array_equal(models.polynomial_features(x, 0), np.ones((3, 1)))


def test_polynomial_features_matches_numpy_polyval():
    x = np.linspace(-1, 1, 7)
    c = np.array([0.5, -1.0, 2.0, 0.25])
    assert np.allclose(models.polynomial_features(x, 3) @ c, np.polynomial.polynomial.polyval(x, c))


@pytest.mark.parametrize("x,degree,error,match", [
    (np.ones((3, 2)), 2, ValueError, r"x has shape \(3, 2\); expected one variable"),
    (np.ones(3), -1, ValueError, "degree must be >= 0"),
    (np.ones(3), 2.0, TypeError, "degree must be an integer"),
])
def test_polynomial_features_validates(x, degree, error, match):
    with pytest.raises(error, match=match):
        models.polynomial_features(x, degree)


# --- ridge ----------------------------------------------------------------------------------------

def _ridge_problem(seed=0, n=30, d=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) + rng.normal(scale=3, size=d)
    y = 7.0 + X @ rng.normal(size=d) + 0.3 * rng.normal(size=n)
    return X, y


@pytest.mark.parametrize("lam", [0.0, 1e-3, 0.5, 10.0])
def test_ridge_fit_matches_sklearn_with_alpha_n_lam(lam):
    from sklearn.linear_model import LinearRegression, Ridge

    X, y = _ridge_problem()
    w, b = models.ridge_fit(X, y, lam=lam)
    ref = LinearRegression() if lam == 0 else Ridge(alpha=len(y) * lam)
    ref.fit(X, y)
    assert np.allclose(w, ref.coef_, rtol=1e-8, atol=1e-10)
    assert abs(b - ref.intercept_) < 1e-8
    assert isinstance(b, float)


def test_ridge_gradient_matches_finite_differences_and_vanishes_at_the_fit():
    X, y = _ridge_problem(1)
    lam = 0.2
    point = np.random.default_rng(2).normal(size=X.shape[1] + 1)
    result = gradcheck.gradcheck(
        lambda v: models.ridge_loss(X, y, v[:-1], v[-1], lam=lam),
        lambda v: np.append(*models.ridge_gradient(X, y, v[:-1], v[-1], lam=lam)), point)
    assert result.ok and result.max_rel_error < 1e-7
    w, b = models.ridge_fit(X, y, lam=lam)
    grad_w, grad_b = models.ridge_gradient(X, y, w, b, lam=lam)
    assert np.abs(grad_w).max() < 1e-10 and abs(grad_b) < 1e-10


def test_ridge_intercept_is_not_penalized_and_weights_shrink():
    X, y = _ridge_problem(3)
    w, b = models.ridge_fit(X, y, lam=0.3)
    w_shift, b_shift = models.ridge_fit(X, y + 100.0, lam=0.3)
    assert np.allclose(w_shift, w) and abs(b_shift - b - 100.0) < 1e-9
    norms = [np.linalg.norm(models.ridge_fit(X, y, lam=lam)[0]) for lam in np.logspace(-4, 2, 13)]
    assert np.all(np.diff(norms) < 0)
    w_big, b_big = models.ridge_fit(X, y, lam=1e8)           # all weight shrunk away: b → ȳ
    assert np.abs(w_big).max() < 1e-6 and abs(b_big - y.mean()) < 1e-5


def test_ridge_gradient_descent_reaches_the_closed_form():
    X, y = _ridge_problem(4, n=40, d=3)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    w, b = np.zeros(3), 0.0
    for _ in range(2000):
        grad_w, grad_b = models.ridge_gradient(X, y, w, b, lam=0.1)
        w, b = w - 0.1 * grad_w, b - 0.1 * grad_b
    w_star, b_star = models.ridge_fit(X, y, lam=0.1)
    assert np.allclose(w, w_star, atol=1e-8) and abs(b - b_star) < 1e-8


def test_ridge_predict_and_loss():
    X = np.array([[1.0, 2.0], [0.0, 1.0]])
    assert np.allclose(models.ridge_predict(X, [1.0, -1.0], 0.5), [-0.5, -0.5])
    assert models.ridge_loss(X, np.array([0.0, 0.0]), np.array([1.0, -1.0]), 0.5, lam=1.0) == 0.25 + 2.0


@pytest.mark.parametrize("call,error,match", [
    (lambda: models.ridge_fit(np.ones((3, 2)), np.ones(4), lam=0.1), ValueError, "y has 4 rows, expected 3 to match X"),
    (lambda: models.ridge_fit(np.ones((3, 2)), np.ones(3), lam=-1.0), ValueError, "lam must be >= 0"),
    (lambda: models.ridge_fit(np.ones(3), np.ones(3), lam=0.1), ValueError, "X"),
    (lambda: models.ridge_gradient(np.ones((3, 2)), np.ones(3), np.ones(3), 0.0, lam=0.1), ValueError,
     r"w has shape \(3,\), expected \(2,\)"),
    (lambda: models.ridge_loss(np.ones((3, 2)), np.ones(3), np.ones(2), "b", lam=0.1), TypeError,
     "b must be a real number"),
])
def test_ridge_validates(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- early_stopping_decision --------------------------------------------------------------------

@pytest.mark.parametrize("losses,patience,min_delta,expected", [
    ([3.0, 2.0, 2.5, 2.0, 2.1, 1.0], 3, 0.0, (4, 1)),      # the tie at epoch 3 is no improvement
    ([3.0, 2.0, 2.5, 1.5], 3, 0.0, (3, 3)),                # never stops: runs to the last epoch
    ([1.0, 0.9, 0.95, 0.5], 0, 0.0, (2, 1)),               # patience 0: the first epoch without improvement
    ([1.0, 0.95, 0.9, 0.85, 0.8], 2, 0.1, (2, 0)),         # improvements smaller than min_delta do not count
    ([0.7], 5, 0.0, (0, 0)),
    ([np.nan, np.nan, 1.0, 2.0], 3, 0.0, (3, 2)),          # NaN never improves
])
def test_early_stopping_decision_by_hand(losses, patience, min_delta, expected):
    assert train.early_stopping_decision(losses, patience=patience, min_delta=min_delta) == expected


@pytest.mark.parametrize("seed", range(8))
def test_early_stopping_decision_is_the_rule_of_the_callback(seed):
    """Replaying the callback on a list gives the epochs where fit stops and which it restores."""
    rng = np.random.default_rng(seed)
    losses = np.round(2.0 + np.cumsum(rng.normal(-0.02, 0.1, size=40)), 1)   # rounding makes ties
    patience, min_delta = int(rng.integers(0, 6)), float(rng.choice([0.0, 0.05]))

    def loss_and_grad(params, X, y):          # the "validation loss" of epoch k is losses[k]
        if len(X) == 1:                       # the training batch
            return 0.0, np.zeros(1)
        return float(losses[int(params[0]) - 1]), np.zeros(1)   # params[0] = epochs done

    stopper = train.EarlyStopping(patience=patience, min_delta=min_delta)
    params, history = train.fit(np.zeros(1), loss_and_grad, np.zeros((1, 1)), np.zeros(1),
                                optimizer=lambda p, g: p + 1, epochs=len(losses),
                                X_val=np.zeros((2, 1)), y_val=np.zeros(2), callbacks=[stopper],
                                progress=False)
    stop, best = train.early_stopping_decision(losses, patience=patience, min_delta=min_delta)
    assert history.epochs == stop + 1
    assert stopper.best_epoch == best
    assert params[0] == best + 1              # the parameters after the best epoch were restored


@pytest.mark.parametrize("kwargs,error,match", [
    ({"val_losses": [], "patience": 2}, ValueError, "val_losses"),
    ({"val_losses": [1.0, 2.0], "patience": -1}, ValueError, "patience must be >= 0"),
    ({"val_losses": [1.0, 2.0], "patience": 1.5}, TypeError, "patience must be an integer"),
    ({"val_losses": [1.0, 2.0], "patience": 1, "min_delta": -0.1}, ValueError, "min_delta must be >= 0"),
])
def test_early_stopping_decision_validates(kwargs, error, match):
    with pytest.raises(error, match=match):
        train.early_stopping_decision(**kwargs)


# --- dropout --------------------------------------------------------------------------------------

def test_dropout_forward_follows_its_contract():
    x = np.arange(1.0, 13.0).reshape(3, 4)
    out, mask = models.dropout_forward(x, 0.25, np.random.default_rng(5))
    u = np.random.default_rng(5).random(x.shape)
    assert np.array_equal(mask, (u >= 0.25) / 0.75)
    assert np.array_equal(out, x * mask)
    again, _ = models.dropout_forward(x, 0.25, 5)                # an integer seed gives the same mask
    assert np.array_equal(again, out)


def test_inverted_dropout_keeps_the_expected_activation():
    h = np.array([0.5, -2.0, 3.0])
    out, mask = models.dropout_forward(np.tile(h, (50_000, 1)), 0.7, np.random.default_rng(0))
    assert abs(np.mean(mask > 0) - 0.3) < 0.005
    assert np.allclose(out.mean(axis=0), h, rtol=0.03)


def test_dropout_backward_is_the_gradient_and_keeps_float32():
    x = np.random.default_rng(1).normal(size=(4, 3))
    upstream = np.random.default_rng(2).normal(size=(4, 3))
    _, mask = models.dropout_forward(x, 0.5, np.random.default_rng(3))
    result = gradcheck.gradcheck(lambda v: float(np.sum(upstream * v * mask)),
                                 lambda v: models.dropout_backward(upstream, mask), x)
    assert result.ok
    out32, mask32 = models.dropout_forward(x.astype(np.float32), 0.5, 0)
    assert out32.dtype == mask32.dtype == np.float32
    with pytest.raises(ValueError, match=r"grad_out has shape \(2,\), expected \(4, 3\) to match mask"):
        models.dropout_backward(np.ones(2), mask)
    with pytest.raises(ValueError, match=r"p must be in \[0.0, 1.0\)"):
        models.dropout_forward(x, 1.0, 0)


def test_mlp_forward_uses_the_same_dropout():
    params = models.init_mlp([3, 5, 2], rng=0)
    X = np.random.default_rng(1).normal(size=(4, 3))
    logits, cache = models.mlp_forward(params, X, dropout=0.3, rng=np.random.default_rng(7), training=True)
    hidden = np.maximum(X @ params["W1"] + params["b1"], 0)
    dropped, mask = models.dropout_forward(hidden, 0.3, np.random.default_rng(7))
    assert np.array_equal(cache.masks[0], mask)
    assert np.allclose(logits, dropped @ params["W2"] + params["b2"])


# --- augmentation ---------------------------------------------------------------------------------

def test_shift_images_moves_pixels_and_fills_zeros():
    X = np.arange(1.0, 10.0).reshape(1, 9)
    down_left = data.shift_images(X, (1, -1), image_shape=(3, 3)).reshape(3, 3)
    assert np.array_equal(down_left, [[0, 0, 0], [2, 3, 0], [5, 6, 0]])
    assert np.array_equal(data.shift_images(X, (0, 0), image_shape=(3, 3)), X)
    assert np.array_equal(data.shift_images(X, (3, 0), image_shape=(3, 3)), np.zeros((1, 9)))
    two = np.vstack([X, X])
    per_image = data.shift_images(two, np.array([[0, 1], [-1, 0]]), image_shape=(3, 3))
    assert np.array_equal(per_image[0].reshape(3, 3), [[0, 1, 2], [0, 4, 5], [0, 7, 8]])
    assert np.array_equal(per_image[1].reshape(3, 3), [[4, 5, 6], [7, 8, 9], [0, 0, 0]])


def test_random_shifts_noise_and_augment():
    X = np.random.default_rng(0).uniform(0, 16, size=(20, 64))
    moved = data.random_shifts(X, max_shift=1, rng=1)
    assert moved.shape == X.shape and not np.array_equal(moved, X)
    assert np.array_equal(data.random_shifts(X, max_shift=0, rng=1), X)
    assert np.array_equal(moved, data.random_shifts(X, max_shift=1, rng=1))     # same seed, same result
    noisy = data.add_noise(X, std=2.0, rng=0, clip=(0, 16))
    assert noisy.min() >= 0 and noisy.max() <= 16 and 1.0 < np.std(noisy - X) < 2.0
    X_aug, y_aug = data.augment(X, np.arange(20), copies=2, noise_std=0.5, rng=0)
    assert X_aug.shape == (60, 64) and np.array_equal(X_aug[:20], X)
    assert np.array_equal(y_aug, np.tile(np.arange(20), 3))


@pytest.mark.parametrize("call,error,match", [
    (lambda: data.shift_images(np.ones((2, 10)), (1, 0)), ValueError, r"X has 10 columns, expected 64"),
    (lambda: data.shift_images(np.ones((2, 64)), (0.5, 0)), TypeError, "shifts must be whole pixels"),
    (lambda: data.shift_images(np.ones((2, 64)), np.zeros((3, 2), dtype=int)), ValueError, "shifts has shape"),
    (lambda: data.add_noise(np.ones((2, 3)), std=-1.0, rng=0), ValueError, "std must be >= 0"),
    (lambda: data.add_noise(np.ones((2, 3)), std=1.0, rng=0, clip=(1, 0)), ValueError, "clip must be"),
    (lambda: data.augment(np.ones((2, 64)), np.ones(3), rng=0), ValueError, "y has 3 rows, expected 2 to match X"),
])
def test_augmentation_validates(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- honest but wrong answers to the chapter's exercises ------------------------------------------

def dropout_global_np_random(x, grad_out, *, p, rng):
    mask = (np.random.random(x.shape) >= p) / (1 - p)
    return x * mask, grad_out * mask


def dropout_own_generator(x, grad_out, *, p, rng):
    mask = (np.random.default_rng(0).random(x.shape) >= p) / (1 - p)
    return x * mask, grad_out * mask


def dropout_binomial(x, grad_out, *, p, rng):
    mask = rng.binomial(1, 1 - p, size=x.shape) / (1 - p)
    return x * mask, grad_out * mask


def dropout_transposed_draw(x, grad_out, *, p, rng):
    mask = (rng.random(x.shape[::-1]).T >= p) / (1 - p)
    return x * mask, grad_out * mask


def ridge_unpenalized(X, y, *, lam):
    A = np.column_stack([np.ones(len(y)), X])
    theta = np.linalg.lstsq(A, y, rcond=None)[0]
    return theta[1:], float(theta[0])


def ridge_sum_not_mean(X, y, *, lam):
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    w = np.linalg.solve(Xc.T @ Xc + lam * len(y) ** 2 * np.eye(X.shape[1]), Xc.T @ yc)
    return w, float(y.mean() - X.mean(axis=0) @ w)


def polynomial_powers_one_to_degree_plus_one(x, degree):
    x = np.ravel(x)
    return x[:, None] ** np.arange(1, degree + 2)


def early_stopping_argmin_then_patience(val_losses, *, patience, min_delta=0.0):
    best = int(np.argmin(val_losses))
    return min(best + patience, len(val_losses) - 1), best


def early_stopping_counts_the_best_epoch(val_losses, *, patience, min_delta=0.0):
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, value in enumerate(val_losses):
        waited += 1
        if value < best - min_delta:
            best, best_epoch, waited = value, epoch, 1
        if waited > patience:
            return epoch, best_epoch
    return len(val_losses) - 1, best_epoch


HONEST_BUT_WRONG = [
    ("inverted_dropout", dropout_global_np_random),
    ("inverted_dropout", dropout_own_generator),
    ("inverted_dropout", dropout_binomial),
    ("inverted_dropout", dropout_transposed_draw),
    ("ridge_fit", ridge_unpenalized),
    ("ridge_fit", ridge_sum_not_mean),
    ("polynomial_features", polynomial_powers_one_to_degree_plus_one),
    ("early_stopping_decision", early_stopping_argmin_then_patience),
    ("early_stopping_decision", early_stopping_counts_the_best_epoch),   # wrong only for patience 0
]


@pytest.mark.parametrize("exercise_id,answer", HONEST_BUT_WRONG,
                         ids=[f"{e}:{fn.__name__}" for e, fn in HONEST_BUT_WRONG])
def test_honest_but_wrong_answer_is_rejected(exercise_id, answer):
    assert not run_check(exercise_id, answer).passed
    for seed in range(5):
        report = run_check(exercise_id, answer, hidden=True, seed=seed)
        assert not report.passed
        assert "'random:" not in report.message.splitlines()[0], report.message


def test_calling_the_library_is_reported():
    def via_library(x, grad_out, *, p, rng):
        out, mask = models.dropout_forward(x, p, rng)
        return out, grad_out * mask

    report = run_check("inverted_dropout", via_library)
    assert not report.passed and report.called_reference
