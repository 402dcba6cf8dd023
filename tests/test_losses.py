"""Tests of mlcourse_lib.losses: hand-computed values, scikit-learn's metrics, extreme logits,
gradients against finite differences, validation messages."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from mlcourse_lib.gradcheck import numerical_gradient, relative_error
from mlcourse_lib.losses import (
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    l2_penalty,
    l2_penalty_grad,
    log_softmax,
    log_sum_exp,
    mae_loss,
    mae_loss_grad,
    mse_loss,
    mse_loss_grad,
    one_hot,
    sigmoid,
    softmax,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)

EXTREME_LOGITS = np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.0])
EXTREME_LABELS = np.array([0.0, 1.0, 1.0, 0.0, 1.0])


def _strict():
    """Turn Python warnings into errors and make numpy raise on overflow, 0/0 and log(0)."""
    return np.errstate(over="raise", invalid="raise", divide="raise")


# --- mean squared and absolute error -----------------------------------------------------------

def test_mse_hand_computed():
    assert mse_loss([1.0, 2.0, 3.0], [1.0, 2.0, 5.0]) == pytest.approx(4 / 3)
    assert isinstance(mse_loss([1.0], [1.0]), float)
    assert mse_loss([0.5, -1.5], [0.5, -1.5]) == 0.0


def test_mse_2d_averages_over_all_entries():
    y_true = np.array([[1.0, 0.0], [0.0, 0.0]])
    y_pred = np.array([[3.0, 0.0], [0.0, 1.0]])
    assert mse_loss(y_true, y_pred) == pytest.approx((4 + 1) / 4)
    np.testing.assert_allclose(mse_loss_grad(y_true, y_pred), [[1.0, 0.0], [0.0, 0.5]])


def test_mse_and_mae_match_sklearn():
    rng = np.random.default_rng(0)
    from sklearn.metrics import mean_absolute_error, mean_squared_error

    y_true, y_pred = rng.normal(size=(2, 30))
    assert mse_loss(y_true, y_pred) == pytest.approx(mean_squared_error(y_true, y_pred), rel=1e-12)
    assert mae_loss(y_true, y_pred) == pytest.approx(mean_absolute_error(y_true, y_pred), rel=1e-12)
    Y_true, Y_pred = rng.normal(size=(2, 10, 3))
    assert mse_loss(Y_true, Y_pred) == pytest.approx(mean_squared_error(Y_true, Y_pred), rel=1e-12)


def test_mse_grad_hand_computed_and_numerical():
    rng = np.random.default_rng(1)
    np.testing.assert_allclose(mse_loss_grad([1.0, 2.0, 3.0], [1.0, 2.0, 5.0]), [0.0, 0.0, 4 / 3])
    y_true, y_pred = rng.normal(size=(2, 7))
    numeric = numerical_gradient(lambda p: mse_loss(y_true, p), y_pred)
    assert relative_error(mse_loss_grad(y_true, y_pred), numeric) < 1e-6


def test_mae_hand_computed_and_subgradient():
    rng = np.random.default_rng(2)
    assert mae_loss([1.0, 2.0, 3.0], [2.0, 2.0, 5.0]) == pytest.approx(1.0)
    # ties get the subgradient 0, others ±1/n
    np.testing.assert_allclose(mae_loss_grad([1.0, 2.0, 3.0], [2.0, 2.0, 0.0]), [1 / 3, 0.0, -1 / 3])
    y_true, y_pred = rng.normal(size=(2, 6))   # no ties: differentiable
    numeric = numerical_gradient(lambda p: mae_loss(y_true, p), y_pred)
    assert relative_error(mae_loss_grad(y_true, y_pred), numeric) < 1e-6


def test_regression_losses_reject_mismatched_shapes():
    with pytest.raises(ValueError, match=r"y_pred has shape \(3,\), expected \(4,\) to match y_true\."):
        mse_loss(np.zeros(4), np.zeros(3))
    with pytest.raises(ValueError, match=r"y_pred has shape \(4, 1\), expected \(4,\)"):
        mae_loss_grad(np.zeros(4), np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"y_true must be 1-D or 2-D"):
        mse_loss(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match=r"y_pred contains nan"):
        mse_loss([1.0], [np.nan])


# --- log-sum-exp, softmax, sigmoid ---------------------------------------------------------------

def test_log_sum_exp_values():
    rng = np.random.default_rng(3)
    assert log_sum_exp([0.0, 0.0]) == pytest.approx(math.log(2))
    assert isinstance(log_sum_exp([0.0, 1.0]), float)
    z = rng.normal(size=(4, 5))
    np.testing.assert_allclose(log_sum_exp(z), np.log(np.sum(np.exp(z), axis=1)))
    np.testing.assert_allclose(log_sum_exp(z, axis=0), np.log(np.sum(np.exp(z), axis=0)))
    assert log_sum_exp(z).shape == (4,) and log_sum_exp(z, axis=0).shape == (5,)


def test_log_sum_exp_is_exact_for_huge_logits():
    with _strict():
        assert log_sum_exp([1000.0, 1000.0]) == pytest.approx(1000 + math.log(2), rel=1e-15)
        assert log_sum_exp([-1000.0, -1000.0]) == pytest.approx(-1000 + math.log(2), rel=1e-15)
        assert log_sum_exp([1000.0, -1000.0]) == 1000.0


def test_softmax_properties():
    rng = np.random.default_rng(4)
    z = rng.normal(size=(3, 4))
    p = softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(softmax(z + 100.0), p)            # invariant to a shift
    np.testing.assert_allclose(softmax(z, axis=0).sum(axis=0), 1.0)
    np.testing.assert_allclose(log_softmax(z), np.log(p))
    with _strict():
        np.testing.assert_array_equal(softmax([1000.0, -1000.0]), [1.0, 0.0])
        np.testing.assert_array_equal(log_softmax([1000.0, -1000.0]), [0.0, -2000.0])


def test_softmax_rejects_scalars_and_bad_axis():
    with pytest.raises(ValueError, match=r"z must have at least one dimension; got a scalar"):
        softmax(3.0)
    with pytest.raises(ValueError, match=r"axis=2 is out of range for z with 2 dimension"):
        log_sum_exp(np.zeros((2, 3)), axis=2)
    with pytest.raises(TypeError, match=r"axis must be an integer"):
        log_softmax(np.zeros(3), axis=0.5)


def test_sigmoid_values_and_extremes():
    assert sigmoid(0.0) == 0.5
    assert isinstance(sigmoid(1.0), float)
    z = np.linspace(-20, 20, 41)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-14)
    np.testing.assert_allclose(sigmoid(-z), 1 - sigmoid(z), atol=1e-15)
    with _strict():
        np.testing.assert_array_equal(sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])
    assert sigmoid(np.zeros((2, 3))).shape == (2, 3)


# --- binary cross-entropy ---------------------------------------------------------------------------

def test_bce_hand_computed():
    assert binary_cross_entropy_with_logits([1], [0.0]) == pytest.approx(math.log(2))
    # y = 1, z = 2: log(1 + e^-2);  y = 0, z = -1: log(1 + e^-1)
    expected = (math.log1p(math.exp(-2)) + math.log1p(math.exp(-1))) / 2
    assert binary_cross_entropy_with_logits([1.0, 0.0], [2.0, -1.0]) == pytest.approx(expected, rel=1e-14)


def test_bce_is_exact_and_finite_for_logits_of_1000():
    with _strict():
        assert binary_cross_entropy_with_logits([0], [1000.0]) == 1000.0
        assert binary_cross_entropy_with_logits([1], [-1000.0]) == 1000.0
        assert binary_cross_entropy_with_logits([1], [1000.0]) == 0.0
        assert binary_cross_entropy_with_logits([0], [-1000.0]) == 0.0
        loss = binary_cross_entropy_with_logits(EXTREME_LABELS, EXTREME_LOGITS)
        assert loss == pytest.approx((1000 + 1000 + 0 + 0 + math.log(2)) / 5, rel=1e-15)


def test_bce_matches_sklearn_log_loss():
    rng = np.random.default_rng(5)
    from sklearn.metrics import log_loss

    y = rng.integers(0, 2, size=40).astype(float)
    z = rng.normal(scale=3, size=40)
    expected = log_loss(y, 1 / (1 + np.exp(-z)), labels=[0, 1])
    assert binary_cross_entropy_with_logits(y, z) == pytest.approx(expected, rel=1e-10)


def test_bce_grad_hand_computed_and_numerical():
    rng = np.random.default_rng(6)
    np.testing.assert_allclose(binary_cross_entropy_with_logits_grad([1, 0], [0.0, 1000.0]), [-0.25, 0.5])
    y = rng.integers(0, 2, size=8).astype(float)
    z = rng.normal(scale=2, size=8)
    numeric = numerical_gradient(lambda t: binary_cross_entropy_with_logits(y, t), z)
    assert relative_error(binary_cross_entropy_with_logits_grad(y, z), numeric) < 1e-6


def test_bce_validation_messages():
    with pytest.raises(ValueError, match=r"y_true must be 0 or 1; got 2 at index 2\. "
                                         r"For multi-class labels use softmax_cross_entropy\."):
        binary_cross_entropy_with_logits([0, 1, 2], [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"logits has shape \(2,\), expected \(3,\) to match y_true\."):
        binary_cross_entropy_with_logits_grad([0, 1, 1], [0.0, 0.0])
    with pytest.raises(ValueError, match=r"y_true must hold integer labels; got 0\.5 at index 0"):
        binary_cross_entropy_with_logits([0.5], [0.0])


# --- softmax cross-entropy ---------------------------------------------------------------------------

def test_softmax_cross_entropy_hand_computed():
    assert softmax_cross_entropy([1], [[0.0, 0.0, 0.0]]) == pytest.approx(math.log(3))
    # row 0: log(e^2 + e^1 + e^0.1) - 2; row 1: the same LSE - 0.1
    lse = math.log(math.exp(2) + math.exp(1) + math.exp(0.1))
    value = softmax_cross_entropy([0, 2], [[2.0, 1.0, 0.1], [2.0, 1.0, 0.1]])
    assert value == pytest.approx(((lse - 2) + (lse - 0.1)) / 2, rel=1e-14)


def test_softmax_cross_entropy_extremes():
    with _strict():
        logits = np.array([[1000.0, 1000.0, 0.0], [1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]])
        value = softmax_cross_entropy([0, 1, 1], logits)
        assert value == pytest.approx((math.log(2) + 2000 + 0) / 3, rel=1e-15)
        grad = softmax_cross_entropy_grad([0, 1, 1], logits)
        assert np.all(np.isfinite(grad))
        np.testing.assert_allclose(grad[1], [1 / 3, -1 / 3, 0.0])


def test_softmax_cross_entropy_matches_sklearn_log_loss():
    rng = np.random.default_rng(7)
    from sklearn.metrics import log_loss

    y = rng.integers(0, 4, size=30)
    z = rng.normal(scale=2, size=(30, 4))
    expected = log_loss(y, softmax(z), labels=[0, 1, 2, 3])
    assert softmax_cross_entropy(y, z) == pytest.approx(expected, rel=1e-10)


def test_softmax_cross_entropy_grad_numerical_and_rows_sum_to_zero():
    rng = np.random.default_rng(8)
    y = rng.integers(0, 3, size=5)
    z = rng.normal(size=(5, 3))
    grad = softmax_cross_entropy_grad(y, z)
    numeric = numerical_gradient(lambda t: softmax_cross_entropy(y, t), z)
    assert relative_error(grad, numeric) < 1e-6
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-15)


def test_softmax_cross_entropy_validation_messages():
    with pytest.raises(ValueError,
                       match=r"y_true must hold class indices 0\.\.2 \(K = 3 columns of logits\); "
                             r"got 3 at index 1\."):
        softmax_cross_entropy([0, 3], np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"got -1 at index 0"):
        softmax_cross_entropy_grad([-1, 0], np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"logits has 3 rows, expected 2 to match y_true\."):
        softmax_cross_entropy([0, 1], np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"logits must be 2-D; got an array of shape \(3,\)"):
        softmax_cross_entropy([0, 1, 1], np.zeros(3))


# --- L2 penalty and one-hot ----------------------------------------------------------------------------

def test_l2_penalty_hand_computed_with_half_convention():
    assert l2_penalty(np.array([3.0, 4.0]), lam=2.0) == pytest.approx(25.0)   # 2/2 · 25
    params = {"W": np.array([[1.0, 2.0]]), "v": np.array([2.0])}
    assert l2_penalty(params, lam=0.1) == pytest.approx(0.05 * 9)
    assert l2_penalty(params, lam=0.0) == 0.0
    grads = l2_penalty_grad(params, lam=0.1)
    assert set(grads) == {"W", "v"}
    np.testing.assert_allclose(grads["W"], [[0.1, 0.2]])


def test_l2_penalty_grad_numerical_for_a_dict():
    rng = np.random.default_rng(9)
    params = {"W": rng.normal(size=(2, 3)), "b": rng.normal(size=3)}
    numeric = numerical_gradient(lambda p: l2_penalty(p, lam=0.3), params)
    assert relative_error(l2_penalty_grad(params, lam=0.3), numeric) < 1e-6


def test_l2_penalty_validation():
    with pytest.raises(ValueError, match=r"lam must be >= 0; got lam=-1"):
        l2_penalty(np.ones(2), lam=-1)
    with pytest.raises(ValueError, match=r"params is an empty dict"):
        l2_penalty_grad({}, lam=1.0)


def test_one_hot():
    np.testing.assert_array_equal(one_hot([2, 0, 1], 3), [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    assert one_hot([0], 1).dtype == np.float64
    with pytest.raises(ValueError, match=r"labels must hold class indices 0\.\.1 \(K = 2 from n_classes\); "
                                         r"got 2 at index 0\."):
        one_hot([2], 2)
    with pytest.raises(ValueError, match=r"n_classes must be >= 1; got n_classes=0"):
        one_hot([0], 0)


# --- no warnings, no mutation ------------------------------------------------------------------------

def test_no_runtime_warning_for_extreme_logits():
    z2 = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    labels = np.array([0, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with _strict():
            results = [
                sigmoid(EXTREME_LOGITS),
                binary_cross_entropy_with_logits(EXTREME_LABELS, EXTREME_LOGITS),
                binary_cross_entropy_with_logits_grad(EXTREME_LABELS, EXTREME_LOGITS),
                log_sum_exp(z2), softmax(z2), log_softmax(z2),
                softmax_cross_entropy(labels, z2), softmax_cross_entropy_grad(labels, z2),
            ]
    assert all(np.all(np.isfinite(r)) for r in results)


def test_inputs_are_not_mutated():
    y = np.array([0.0, 1.0, 1.0])
    z = np.array([0.5, -2.0, 3.0])
    Z = np.array([[0.5, -2.0], [3.0, 1.0], [0.0, 0.0]])
    params = {"W": np.array([1.0, 2.0])}
    copies = [y.copy(), z.copy(), Z.copy(), params["W"].copy()]
    mse_loss_grad(y, z)
    mae_loss_grad(y, z)
    binary_cross_entropy_with_logits_grad(y, z)
    softmax_cross_entropy_grad(y.astype(int), Z)
    softmax(Z)
    grads = l2_penalty_grad(params, lam=1.0)
    grads["W"][0] = 99.0
    for before, after in zip(copies, [y, z, Z, params["W"]]):
        np.testing.assert_array_equal(before, after)


def test_inputs_do_not_depend_on_test_order():
    # every test draws from its own generator: no module-level RNG shared between tests
    import tests.test_losses as module

    assert not any(isinstance(v, np.random.Generator) for v in vars(module).values())


def test_float32_logits_and_predictions_give_float32_gradients():
    rng = np.random.default_rng(10)
    z = rng.normal(size=(4, 3)).astype(np.float32)
    y = np.array([0, 2, 1, 2])
    assert softmax(z).dtype == np.float32 and log_softmax(z).dtype == np.float32
    assert log_sum_exp(z).dtype == np.float32 and sigmoid(z).dtype == np.float32
    assert softmax_cross_entropy_grad(y, z).dtype == np.float32
    np.testing.assert_allclose(softmax_cross_entropy_grad(y, z),
                               softmax_cross_entropy_grad(y, z.astype(np.float64)), rtol=1e-6)
    assert binary_cross_entropy_with_logits_grad([0, 1, 1, 0], z[:, 0]).dtype == np.float32
    y_pred = z[:, 0]
    assert mse_loss_grad(np.zeros(4), y_pred).dtype == np.float32
    assert mae_loss_grad(np.zeros(4), y_pred).dtype == np.float32
    grads = l2_penalty_grad({"W": z, "b": np.ones(3)}, lam=0.1)
    assert grads["W"].dtype == np.float32 and grads["b"].dtype == np.float64
    assert softmax_cross_entropy_grad(y, [[0, 0, 0]] * 4).dtype == np.float64   # integers -> float64
