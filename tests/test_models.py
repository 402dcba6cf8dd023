"""Tests of mlcourse_lib.models: linear, logistic and softmax regression and the MLP — hand-computed
values, scikit-learn's solutions, gradients against finite differences, the 2/L step bound,
dropout, validation messages."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from mlcourse_lib.gradcheck import gradcheck, numerical_gradient, relative_error
from mlcourse_lib.losses import softmax_cross_entropy
from mlcourse_lib.models import (
    MLPCache,
    add_bias_column,
    init_mlp,
    least_squares,
    linear_predict,
    linear_regression_gradient,
    linear_regression_loss,
    logistic_gradient,
    logistic_loss,
    logistic_predict_proba,
    mlp_backward,
    mlp_forward,
    mlp_loss_and_grad,
    mlp_predict,
    mse_smoothness_constant,
    softmax_predict_proba,
    softmax_regression_gradient,
    softmax_regression_loss,
)


def _regression(seed=0, n=40, d=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)
    return X, y, rng


def _blobs(seed=0, n_per_class=30):
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    X = np.vstack([c + rng.normal(size=(n_per_class, 2)) for c in centers])
    y = np.repeat(np.arange(3), n_per_class)
    return X, y, rng


# --- linear regression ----------------------------------------------------------------------------

def test_linear_predict_loss_and_gradient_hand_computed():
    X, y, theta = [[1.0], [2.0]], [2.0, 4.0], [1.0]
    np.testing.assert_allclose(linear_predict(X, theta), [1.0, 2.0])
    assert linear_regression_loss(X, y, theta) == pytest.approx((1 + 4) / 2)
    # -(2/n) Xᵀ(y - Xθ) = -(2/2)(1·1 + 2·2) = -5
    np.testing.assert_allclose(linear_regression_gradient(X, y, theta), [-5.0])


def test_linear_regression_gradient_matches_finite_differences_and_points_uphill():
    X, y, rng = _regression()
    theta = rng.normal(size=3)
    grad = linear_regression_gradient(X, y, theta)
    numeric = numerical_gradient(lambda t: linear_regression_loss(X, y, t), theta)
    assert relative_error(grad, numeric) < 1e-6
    loss = linear_regression_loss(X, y, theta)
    assert linear_regression_loss(X, y, theta + 1e-3 * grad) > loss
    assert linear_regression_loss(X, y, theta - 1e-3 * grad) < loss


def test_least_squares_matches_lstsq_and_sklearn():
    from sklearn.linear_model import LinearRegression

    X, y, _ = _regression()
    theta = least_squares(X, y)
    np.testing.assert_allclose(theta, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-12)
    sk = LinearRegression(fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(theta, sk.coef_, rtol=1e-9)
    np.testing.assert_allclose(linear_regression_gradient(X, y, theta), 0.0, atol=1e-12)


def test_least_squares_handles_rank_deficient_X_silently():
    X, y, _ = _regression(n=5, d=3)
    X_dup = np.hstack([X, X[:, :1]])              # duplicated column
    X_wide = np.random.default_rng(1).normal(size=(3, 6))   # more features than samples
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        theta_dup = least_squares(X_dup, y)
        theta_wide = least_squares(X_wide, y[:3])
    np.testing.assert_allclose(theta_dup, np.linalg.lstsq(X_dup, y, rcond=None)[0], atol=1e-12)
    assert theta_dup[0] == pytest.approx(theta_dup[3])      # minimum norm splits the weight evenly
    assert linear_regression_loss(X_wide, y[:3], theta_wide) == pytest.approx(0.0, abs=1e-20)


def test_ridge_minimizes_loss_plus_l2_and_matches_sklearn():
    from sklearn.linear_model import Ridge

    X, y, _ = _regression()
    n, l2 = X.shape[0], 0.3
    theta = least_squares(X, y, l2=l2)
    # ∇[(1/n)||y - Xθ||² + l2 ||θ||²] = 0 at the minimizer
    np.testing.assert_allclose(linear_regression_gradient(X, y, theta) + 2 * l2 * theta, 0.0, atol=1e-12)
    sk = Ridge(alpha=n * l2, fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(theta, sk.coef_, rtol=1e-9)
    # one feature by hand: θ = Σxy / (Σx² + n·l2) = 4 / (2 + 2)
    np.testing.assert_allclose(least_squares([[1.0], [1.0]], [2.0, 2.0], l2=1.0), [1.0])


def test_mse_smoothness_constant_hand_computed_and_equals_the_hessian_norm():
    assert mse_smoothness_constant([[3.0, 0.0], [0.0, 1.0]]) == pytest.approx(9.0)   # (2/2)·max(9, 1)
    X, y, _ = _regression()
    # the gradient is affine, so its differences along the unit vectors give the Hessian (2/n) XᵀX
    g0 = linear_regression_gradient(X, y, np.zeros(3))
    H = np.array([linear_regression_gradient(X, y, e) - g0 for e in np.eye(3)]).T
    assert mse_smoothness_constant(X) == pytest.approx(np.linalg.eigvalsh(H)[-1], rel=1e-10)


@pytest.mark.parametrize("factor, converges", [(0.5, True), (1.9, True), (2.1, False)])
def test_gradient_descent_converges_below_2_over_L_and_diverges_above(factor, converges):
    X, y, _ = _regression(seed=3, n=50, d=4)
    X = X * np.array([1.0, 2.0, 0.5, 3.0])                     # unequal curvatures
    lr = factor / mse_smoothness_constant(X)
    theta_star = least_squares(X, y)
    best = linear_regression_loss(X, y, theta_star)
    theta = np.zeros(4)
    for _ in range(500):
        theta = theta - lr * linear_regression_gradient(X, y, theta)
    gap = linear_regression_loss(X, y, theta) - best
    if converges:
        assert gap < 1e-6
    else:
        assert gap > 1e6


def test_add_bias_column_lets_least_squares_fit_an_intercept():
    np.testing.assert_array_equal(add_bias_column([[2.0], [3.0]]), [[1.0, 2.0], [1.0, 3.0]])
    x = np.linspace(0, 1, 10).reshape(-1, 1)
    theta = least_squares(add_bias_column(x), 4.0 + 2.0 * x.ravel())
    np.testing.assert_allclose(theta, [4.0, 2.0], atol=1e-12)


def test_linear_validation_messages():
    with pytest.raises(ValueError,
                       match=r"theta has shape \(3,\), expected \(2,\) to match the 2 columns of X\."):
        linear_predict(np.zeros((4, 2)), np.zeros(3))
    with pytest.raises(ValueError, match=r"y has 3 rows, expected 4 to match X\."):
        linear_regression_loss(np.zeros((4, 2)), np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError,
                       match=r"X must be 2-D; got an array of shape \(4,\)\. Use x\.reshape\(-1, 1\)"):
        linear_regression_gradient(np.zeros(4), np.zeros(4), np.zeros(1))
    with pytest.raises(ValueError, match=r"l2 must be >= 0; got l2=-0\.1\."):
        least_squares(np.eye(2), np.zeros(2), l2=-0.1)


def test_linear_functions_do_not_mutate_inputs():
    X, y, _ = _regression()
    theta = np.ones(3)
    before = X.copy(), y.copy(), theta.copy()
    linear_regression_gradient(X, y, theta)
    least_squares(X, y, l2=0.1)
    add_bias_column(X)
    for a, b in zip(before, (X, y, theta)):
        np.testing.assert_array_equal(a, b)


# --- logistic and softmax regression --------------------------------------------------------------

def test_logistic_hand_computed():
    p = logistic_predict_proba([[0.0], [1000.0], [-1000.0]], [1.0], 0.0)
    np.testing.assert_allclose(p, [0.5, 1.0, 0.0])
    assert logistic_loss([[1.0], [-1.0]], [1, 0], [0.0], 0.0) == pytest.approx(np.log(2))
    dw, db = logistic_gradient([[1.0], [-1.0]], [1, 1], [0.0], 0.0)
    np.testing.assert_allclose(dw, [0.0])   # (-0.5·1 + -0.5·-1) / 2
    assert db == pytest.approx(-0.5) and isinstance(db, float)
    assert logistic_loss([[1.0]], [0], [1000.0], 0.0) == 1000.0


def test_logistic_loss_matches_sklearn_and_gradient_matches_finite_differences():
    from sklearn.metrics import log_loss

    X, _, rng = _regression(n=30)
    y = rng.integers(0, 2, size=30)
    w, b = rng.normal(size=3), 0.4
    p = logistic_predict_proba(X, w, b)
    assert logistic_loss(X, y, w, b) == pytest.approx(log_loss(y, p, labels=[0, 1]), rel=1e-10)
    params = {"w": w, "b": np.array(b)}
    result = gradcheck(lambda q: logistic_loss(X, y, q["w"], q["b"]),
                       lambda q: dict(zip(("w", "b"), logistic_gradient(X, y, q["w"], q["b"]))), params)
    assert result.max_rel_error < 1e-6


def test_logistic_gradient_vanishes_at_sklearns_solution():
    from sklearn.linear_model import LogisticRegression

    X, _, rng = _regression(n=60)
    y = (X[:, 0] + rng.normal(size=60) > 0).astype(int)
    C = 1.0
    sk = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, y)
    w, b = sk.coef_[0], sk.intercept_[0]
    dw, db = logistic_gradient(X, y, w, b)
    # sklearn minimizes ½||w||² + C Σ loss_i, i.e. our mean loss + ||w||² / (2Cn)
    np.testing.assert_allclose(dw + w / (C * len(y)), 0.0, atol=1e-6)
    assert db == pytest.approx(0.0, abs=1e-6)


def test_softmax_regression_values_and_sklearn():
    from sklearn.metrics import log_loss

    X, y, rng = _blobs()
    W, b = rng.normal(size=(2, 3)), rng.normal(size=3)
    P = softmax_predict_proba(X, W, b)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    assert softmax_regression_loss(X, y, W, b) == pytest.approx(log_loss(y, P, labels=[0, 1, 2]), rel=1e-10)
    assert softmax_regression_loss([[1.0]], [1], np.zeros((1, 3)), np.zeros(3)) == pytest.approx(np.log(3))


def test_softmax_regression_gradient_matches_finite_differences():
    X, y, rng = _blobs(n_per_class=5)
    params = {"W": rng.normal(size=(2, 3)), "b": rng.normal(size=3)}
    result = gradcheck(lambda q: softmax_regression_loss(X, y, q["W"], q["b"]),
                       lambda q: dict(zip(("W", "b"), softmax_regression_gradient(X, y, q["W"], q["b"]))),
                       params)
    assert result.max_rel_error < 1e-6


def test_softmax_regression_gradient_vanishes_at_sklearns_solution():
    from sklearn.linear_model import LogisticRegression

    X, y, _ = _blobs()
    X = X / 3                                       # overlapping classes: a finite optimum
    C = 1.0
    sk = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, y)
    W, b = sk.coef_.T, sk.intercept_
    dW, db = softmax_regression_gradient(X, y, W, b)
    np.testing.assert_allclose(dW + W / (C * len(y)), 0.0, atol=1e-6)
    np.testing.assert_allclose(db, 0.0, atol=1e-6)


def test_logistic_and_softmax_validation_messages():
    X = np.zeros((2, 3))
    with pytest.raises(ValueError,
                       match=r"b must be a single number \(the intercept\); got an array of shape \(1,\)"):
        logistic_loss(X, [0, 1], np.zeros(3), np.array([0.0]))
    with pytest.raises(ValueError,
                       match=r"w has shape \(2,\), expected \(3,\) to match the 3 columns of X\."):
        logistic_predict_proba(X, np.zeros(2), 0.0)
    with pytest.raises(ValueError, match=r"y must be 0 or 1; got 2 at index 1\. "
                                         r"For multi-class labels use softmax_regression_loss\."):
        logistic_gradient(X, [0, 2], np.zeros(3), 0.0)
    with pytest.raises(ValueError,
                       match=r"y must hold class indices 0\.\.2 \(K = 3 columns of W\); got 3 at index 0\."):
        softmax_regression_loss(X, [3, 0], np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError,
                       match=r"b has shape \(2,\), expected \(3,\) to match the 3 columns of W\."):
        softmax_predict_proba(X, np.zeros((3, 3)), np.zeros(2))
    with pytest.raises(ValueError,
                       match=r"W has shape \(2, 3\), expected \(3, K\) to match the 3 columns of X\."):
        softmax_regression_gradient(X, [0, 1], np.zeros((2, 3)), np.zeros(3))


# --- MLP: initialization --------------------------------------------------------------------------

def test_init_mlp_shapes_scales_and_reproducibility():
    params = init_mlp([4, 16, 8, 3], rng=0)
    assert {k: v.shape for k, v in params.items()} == {
        "W1": (4, 16), "b1": (16,), "W2": (16, 8), "b2": (8,), "W3": (8, 3), "b3": (3,)}
    assert list(params) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert all(np.all(params[f"b{l}"] == 0) for l in (1, 2, 3))
    again = init_mlp([4, 16, 8, 3], rng=np.random.default_rng(0))
    for k in params:
        np.testing.assert_array_equal(params[k], again[k])
    he = init_mlp([400, 300], rng=1)["W1"]
    glorot = init_mlp([400, 300], rng=1, activation="tanh")["W1"]
    assert he.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert glorot.std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)


def test_init_mlp_validation_messages():
    with pytest.raises(ValueError,
                       match=r"layer_sizes must have at least 2 entries \(inputs and outputs\); got \[4\]"):
        init_mlp([4], rng=0)
    with pytest.raises(ValueError, match=r"layer_sizes\[1\] must be >= 1; got layer_sizes\[1\]=0"):
        init_mlp([4, 0, 3], rng=0)
    with pytest.raises(TypeError, match=r"layer_sizes\[0\] must be an integer; got float 4\.0"):
        init_mlp([4.0, 3], rng=0)
    with pytest.raises(ValueError,
                       match=r"activation must be one of 'relu', 'tanh'; got activation='sigmoid'"):
        init_mlp([4, 3], rng=0, activation="sigmoid")
    with pytest.raises(TypeError, match=r"rng must be a numpy Generator or an integer seed; got NoneType"):
        init_mlp([4, 3], rng=None)


# --- MLP: forward, backward, gradients ------------------------------------------------------------

HAND_PARAMS = {"W1": np.array([[1.0, -1.0]]), "b1": np.zeros(2),
               "W2": np.array([[1.0], [2.0]]), "b2": np.array([0.5])}


def test_mlp_forward_and_backward_hand_computed():
    X = np.array([[2.0], [-3.0]])
    logits, cache = mlp_forward(HAND_PARAMS, X)
    # hidden: relu([2, -2]) = [2, 0], relu([-3, 3]) = [0, 3]; logits = h @ [1, 2] + 0.5
    np.testing.assert_allclose(logits, [[2.5], [6.5]])
    assert isinstance(cache, MLPCache)
    grads = mlp_backward(HAND_PARAMS, cache, np.array([[1.0], [1.0]]))
    np.testing.assert_allclose(grads["W2"], [[2.0], [3.0]])       # Σ h_i
    np.testing.assert_allclose(grads["b2"], [2.0])
    # δ1 = [1, 2] ⊙ [a > 0]: row 1 [1, 0], row 2 [0, 2]; dW1 = Xᵀ δ1
    np.testing.assert_allclose(grads["W1"], [[2.0, -6.0]])
    np.testing.assert_allclose(grads["b1"], [1.0, 2.0])
    logits_tanh, _ = mlp_forward(HAND_PARAMS, X, activation="tanh")
    # row 1: tanh(2) - 2 tanh(2); row 2: tanh(-3) + 2 tanh(3)
    np.testing.assert_allclose(logits_tanh[:, 0], [-np.tanh(2.0) + 0.5, np.tanh(3.0) + 0.5])


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("l2", [0.0, 0.1])
def test_mlp_gradient_matches_finite_differences(activation, l2):
    X, y, _ = _blobs(seed=2, n_per_class=4)
    params = init_mlp([2, 5, 4, 3], rng=3, activation=activation)
    params = {k: v + 0.1 for k, v in params.items()}             # nonzero biases too
    result = gradcheck(lambda p: mlp_loss_and_grad(p, X, y, activation=activation, l2=l2)[0],
                       lambda p: mlp_loss_and_grad(p, X, y, activation=activation, l2=l2)[1], params)
    assert result.max_rel_error < 1e-6, str(result)


def test_mlp_gradient_with_dropout_and_a_fixed_seed():
    X, y, _ = _blobs(seed=2, n_per_class=4)
    params = init_mlp([2, 6, 3], rng=4)
    f = lambda p: mlp_loss_and_grad(p, X, y, dropout=0.5, rng=7)[0]      # noqa: E731
    g = lambda p: mlp_loss_and_grad(p, X, y, dropout=0.5, rng=7)[1]      # noqa: E731
    assert gradcheck(f, g, params).max_rel_error < 1e-6


def test_l2_penalizes_weights_only():
    X, y, _ = _blobs(n_per_class=3)
    params = init_mlp([2, 4, 3], rng=0)
    loss0, grads0 = mlp_loss_and_grad(params, X, y)
    loss1, grads1 = mlp_loss_and_grad(params, X, y, l2=0.5)
    weights_sq = np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2)
    assert loss1 - loss0 == pytest.approx(0.25 * weights_sq)
    np.testing.assert_allclose(grads1["W1"] - grads0["W1"], 0.5 * params["W1"])
    np.testing.assert_array_equal(grads1["b1"], grads0["b1"])
    loss_plain = softmax_cross_entropy(y, mlp_forward(params, X)[0])
    assert loss0 == pytest.approx(loss_plain)


# --- MLP: dropout ---------------------------------------------------------------------------------

def test_dropout_is_the_identity_at_evaluation():
    X, _, _ = _blobs()
    params = init_mlp([2, 32, 3], rng=0)
    plain, _ = mlp_forward(params, X)
    evaluated, cache = mlp_forward(params, X, dropout=0.5, rng=0, training=False)
    np.testing.assert_array_equal(plain, evaluated)
    assert cache.masks == [None]
    no_rng_needed, _ = mlp_forward(params, X, dropout=0.5)
    np.testing.assert_array_equal(plain, no_rng_needed)


def test_inverted_dropout_keeps_the_mean():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5))
    params = init_mlp([5, 200, 1], rng=1)
    params["W2"] = np.ones((200, 1))             # logits = sum of the hidden units
    plain, _ = mlp_forward(params, X)
    dropped, cache = mlp_forward(params, X, dropout=0.3, rng=rng, training=True)
    mask = cache.masks[0]
    assert set(np.unique(mask)) == {0.0, 1 / 0.7}
    assert np.mean(mask == 0) == pytest.approx(0.3, abs=0.01)
    assert dropped.mean() == pytest.approx(plain.mean(), rel=0.02)
    assert not np.allclose(dropped, plain)
    again, _ = mlp_forward(params, X, dropout=0.3, rng=5, training=True)
    same, _ = mlp_forward(params, X, dropout=0.3, rng=5, training=True)
    np.testing.assert_array_equal(again, same)


def test_dropout_validation_messages():
    params = init_mlp([2, 4, 3], rng=0)
    X = np.zeros((3, 2))
    with pytest.raises(TypeError, match=r"dropout=0\.5 in training draws random masks: pass rng="):
        mlp_forward(params, X, dropout=0.5, training=True)
    with pytest.raises(ValueError, match=r"dropout must be in \[0\.0, 1\.0\); got dropout=1"):
        mlp_forward(params, X, dropout=1)
    with pytest.raises(ValueError, match=r"dropout must be in \[0\.0, 1\.0\); got dropout=-0\.1"):
        mlp_loss_and_grad(params, X, [0, 1, 2], dropout=-0.1)
    with pytest.raises(TypeError, match=r"training must be True or False; got str 'yes'"):
        mlp_forward(params, X, training="yes")


# --- MLP: training, prediction, validation --------------------------------------------------------

def test_mlp_learns_three_blobs_with_gradient_descent():
    X, y, _ = _blobs(seed=1)
    params = init_mlp([2, 16, 3], rng=0)
    first_loss = None
    for _ in range(200):
        loss, grads = mlp_loss_and_grad(params, X, y, l2=1e-3)
        first_loss = loss if first_loss is None else first_loss
        params = {k: params[k] - 0.3 * grads[k] for k in params}
    assert loss < 0.5 * first_loss
    assert np.mean(mlp_predict(params, X) == y) > 0.95
    assert mlp_predict(params, X).dtype.kind == "i"


def test_mlp_predict_hand_computed():
    params = {"W1": np.array([[1.0, -1.0]]), "b1": np.zeros(2)}   # a single layer: logits = [x, -x]
    np.testing.assert_array_equal(mlp_predict(params, [[2.0], [-3.0]]), [0, 1])


def test_mlp_validation_messages():
    params = init_mlp([2, 4, 3], rng=0)
    X = np.zeros((3, 2))
    with pytest.raises(ValueError,
                       match=r"params must hold the keys W1, b1, \.\.\., WL, bL for layers 1\.\.L; "
                             r"got \['W1', 'W2', 'b1', 'c2'\]"):
        mlp_forward({"W1": params["W1"], "b1": params["b1"], "W2": params["W2"], "c2": params["b2"]}, X)
    with pytest.raises(ValueError,
                       match=r"params\['W2'\] has shape \(5, 3\), expected 4 rows to match the 4 outputs "
                             r"of params\['W1'\] of shape \(2, 4\)\."):
        mlp_forward({**params, "W2": np.zeros((5, 3))}, X)
    with pytest.raises(ValueError,
                       match=r"params\['b1'\] has shape \(3,\), expected \(4,\) to match params\['W1'\]"):
        mlp_forward({**params, "b1": np.zeros(3)}, X)
    with pytest.raises(ValueError,
                       match=r"X has 5 columns, expected 2 to match params\['W1'\] of shape \(2, 4\)\."):
        mlp_predict(params, np.zeros((3, 5)))
    with pytest.raises(TypeError, match=r"params must be a dict"):
        mlp_forward(params["W1"], X)
    with pytest.raises(ValueError,
                       match=r"y must hold class indices 0\.\.2 \(K = 3 outputs of the network\); "
                             r"got 3 at index 2\."):
        mlp_loss_and_grad(params, X, [0, 1, 3])
    with pytest.raises(ValueError, match=r"y has 2 rows, expected 3 to match X\."):
        mlp_loss_and_grad(params, X, [0, 1])
    _, cache = mlp_forward(params, X)
    with pytest.raises(ValueError,
                       match=r"dlogits has shape \(3, 2\), expected \(3, 3\) to match the logits\."):
        mlp_backward(params, cache, np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"cache holds 2 layers, expected 1 to match params"):
        mlp_backward({"W1": np.zeros((2, 3)), "b1": np.zeros(3)}, cache, np.zeros((3, 3)))


def test_mlp_does_not_mutate_params_or_inputs():
    X, y, _ = _blobs(n_per_class=3)
    params = init_mlp([2, 4, 3], rng=0)
    before = {k: v.copy() for k, v in params.items()}
    X_before = X.copy()
    _, grads = mlp_loss_and_grad(params, X, y, l2=0.1, dropout=0.2, rng=0)
    grads["W1"][...] = 0.0
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])
    np.testing.assert_array_equal(X, X_before)


def test_float32_parameters_and_data_give_float32_outputs():
    from mlcourse_lib.models import (
        init_mlp,
        linear_regression_gradient,
        logistic_gradient,
        mlp_forward,
        mlp_loss_and_grad,
        softmax_regression_gradient,
    )

    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 3)).astype(np.float32)
    y = rng.integers(0, 3, size=8)
    params = {k: v.astype(np.float32) for k, v in init_mlp([3, 5, 3], rng=1).items()}
    logits, _ = mlp_forward(params, X)
    assert logits.dtype == np.float32
    for kwargs in ({}, {"activation": "tanh", "l2": 0.1, "dropout": 0.3, "rng": 2}):
        loss, grads = mlp_loss_and_grad(params, X, y, **kwargs)
        assert {v.dtype for v in grads.values()} == {np.dtype(np.float32)}
        assert isinstance(loss, float)
    _, grads = mlp_loss_and_grad(params, X.astype(np.float64), y)     # float64 data: grads follow params
    assert {v.dtype for v in grads.values()} == {np.dtype(np.float32)}
    theta = np.ones(3, dtype=np.float32)
    assert linear_regression_gradient(X, X @ theta, theta).dtype == np.float32
    dw, db = logistic_gradient(X, (y > 0).astype(int), theta, 0.0)
    assert dw.dtype == np.float32 and isinstance(db, float)
    dW, db = softmax_regression_gradient(X, y, np.ones((3, 3), np.float32), np.zeros(3, np.float32))
    assert dW.dtype == np.float32 and db.dtype == np.float32
