"""Tests of mlcourse_lib.optim: hand-computed single steps (torch.optim's conventions),
one rule behind functions and objects, convergence, schedules, line search, validation."""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np
import pytest

from mlcourse_lib.optim import (
    RULES,
    SGD,
    Adam,
    AdamState,
    AdamW,
    MomentumState,
    Optimizer,
    RMSProp,
    RMSPropState,
    adam_init,
    adam_step,
    adamw_step,
    backtracking_line_search,
    bias_correction,
    constant_lr,
    cosine_lr,
    exponential_lr,
    gd_step,
    gradient_descent,
    make_schedule,
    minimize,
    momentum_init,
    momentum_step,
    rmsprop_init,
    rmsprop_step,
    step_lr,
    update_moment,
    warmup_lr,
)

THETA0 = np.array([1.0, 1.0])
G1 = np.array([0.5, -2.0])
G2 = np.array([1.5, 0.5])


# --- a quadratic with condition number 10 and the Rosenbrock function ------------------------

def _rotation(angle):
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]])


A = _rotation(0.3) @ np.diag([1.0, 10.0]) @ _rotation(0.3).T   # SPD, eigenvalues 1 and 10


def quadratic_grad(theta):
    """Gradient of f = 1/2 theta^T A theta, minimised at 0."""
    return A @ theta


def rosenbrock(theta):
    x, y = theta
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosenbrock_grad(theta):
    x, y = theta
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


# --- gradient descent and momentum -------------------------------------------------------------

def test_gd_step_goes_against_the_gradient():
    # theta - lr * g = [1 - 0.05, 1 + 0.2]
    np.testing.assert_allclose(gd_step(THETA0, G1, lr=0.1), [0.95, 1.2])


def test_momentum_first_step_equals_gd_and_second_step_by_hand():
    state = momentum_init(THETA0)
    np.testing.assert_array_equal(state.velocity, [0.0, 0.0])
    theta1, state = momentum_step(THETA0, G1, state, lr=0.1, momentum=0.9)
    # b_1 = g_1 (zero buffer), so the first step is a GD step, downhill
    np.testing.assert_allclose(theta1, gd_step(THETA0, G1, lr=0.1))
    np.testing.assert_allclose(state.velocity, G1)
    theta2, state = momentum_step(theta1, G2, state, lr=0.1, momentum=0.9)
    # b_2 = 0.9 * [0.5, -2] + [1.5, 0.5] = [1.95, -1.3]; theta_2 = [0.95 - 0.195, 1.2 + 0.13]
    np.testing.assert_allclose(state.velocity, [1.95, -1.3])
    np.testing.assert_allclose(theta2, [0.755, 1.33])
    assert isinstance(state, MomentumState)


def test_momentum_equals_sutskever_form_for_constant_lr():
    lr, mu = 0.05, 0.9
    theta_torch, state = THETA0, momentum_init(THETA0)
    theta_cs231n, v = THETA0.copy(), np.zeros(2)
    for _ in range(20):
        theta_torch, state = momentum_step(theta_torch, quadratic_grad(theta_torch), state,
                                           lr=lr, momentum=mu)
        v = mu * v - lr * quadratic_grad(theta_cs231n)
        theta_cs231n = theta_cs231n + v
        np.testing.assert_allclose(v, -lr * state.velocity, atol=1e-12)
    np.testing.assert_allclose(theta_torch, theta_cs231n, atol=1e-12)


def test_nesterov_two_steps_by_hand():
    theta1, state = momentum_step(THETA0, G1, momentum_init(THETA0), lr=0.1, nesterov=True)
    # b_1 = g_1; step along g_1 + 0.9 b_1 = 1.9 g_1 = [0.95, -3.8]
    np.testing.assert_allclose(theta1, [0.905, 1.38])
    theta2, state = momentum_step(theta1, G2, state, lr=0.1, nesterov=True)
    # b_2 = [1.95, -1.3]; g_2 + 0.9 b_2 = [3.255, -0.67]
    np.testing.assert_allclose(state.velocity, [1.95, -1.3])
    np.testing.assert_allclose(theta2, [0.5795, 1.447])


def test_zero_momentum_is_gradient_descent():
    theta, state = THETA0, momentum_init(THETA0)
    for g in (G1, G2, G1):
        expected = gd_step(theta, g, lr=0.1)
        theta, state = momentum_step(theta, g, state, lr=0.1, momentum=0.0)
        np.testing.assert_allclose(theta, expected)


# --- RMSProp ------------------------------------------------------------------------------------

def test_rmsprop_one_step_by_hand():
    theta1, state = rmsprop_step(THETA0, G1, rmsprop_init(THETA0), lr=0.01, alpha=0.99, eps=1e-8)
    # v_1 = 0.01 g^2 = [0.0025, 0.04]; sqrt = [0.05, 0.2]; g / sqrt(v_1) = [10, -10]
    np.testing.assert_allclose(state.square_avg, [0.0025, 0.04])
    np.testing.assert_allclose(theta1, [1 - 0.01 * 0.5 / (0.05 + 1e-8), 1 + 0.01 * 2 / (0.2 + 1e-8)])
    np.testing.assert_allclose(theta1, [0.9, 1.1], atol=1e-8)
    theta2, state = rmsprop_step(theta1, G2, state)   # defaults lr=0.01, alpha=0.99
    # v_2 = 0.99 * [0.0025, 0.04] + 0.01 * [2.25, 0.25] = [0.024975, 0.0421]
    np.testing.assert_allclose(state.square_avg, [0.024975, 0.0421])
    np.testing.assert_allclose(theta2, theta1 - 0.01 * G2 / (np.sqrt([0.024975, 0.0421]) + 1e-8))
    assert isinstance(state, RMSPropState)


def test_rmsprop_eps_sits_outside_the_square_root():
    # a zero gradient with zero history: 0 / (sqrt(0) + eps) = 0, no division by zero
    theta1, _ = rmsprop_step(THETA0, np.zeros(2), rmsprop_init(THETA0), eps=1.0)
    np.testing.assert_array_equal(theta1, THETA0)
    # eps = 1 outside the root: step = lr * g / (|g| sqrt(1 - alpha) + 1)
    theta1, _ = rmsprop_step(np.zeros(1), np.array([1.0]), rmsprop_init(np.zeros(1)),
                             lr=1.0, alpha=0.0, eps=1.0)
    np.testing.assert_allclose(theta1, [-0.5])   # inside the root it would be -1/sqrt(2)


# --- Adam and AdamW ----------------------------------------------------------------------------

def test_adam_two_steps_by_hand():
    state = adam_init(THETA0)
    assert state == AdamState(step=0, m=state.m, v=state.v)
    theta1, state = adam_step(THETA0, G1, state, lr=0.1)
    # m_1 = 0.1 g, v_1 = 0.001 g^2, m_hat = g, v_hat = g^2: each coordinate moves by lr * sign(g)
    np.testing.assert_allclose(theta1, [0.9, 1.1], atol=1e-8)
    np.testing.assert_allclose(theta1, [1 - 0.1 * 0.5 / (0.5 + 1e-8), 1 + 0.1 * 2 / (2 + 1e-8)])
    assert state.step == 1
    np.testing.assert_allclose(state.m, [0.05, -0.2])
    np.testing.assert_allclose(state.v, [0.00025, 0.004])

    theta2, state = adam_step(theta1, G2, state, lr=0.1)
    # m_2 = 0.9 m_1 + 0.1 g_2 = [0.045 + 0.15, -0.18 + 0.05] = [0.195, -0.13]
    # v_2 = 0.999 v_1 + 0.001 g_2^2 = [0.00024975 + 0.00225, 0.003996 + 0.00025] = [0.00249975, 0.004246]
    # m_hat = m_2 / 0.19 = [1.0263158, -0.6842105];  v_hat = v_2 / 0.001999 = [1.2505003, 2.1240620]
    # step = 0.1 * m_hat / sqrt(v_hat) = [0.0917782, -0.0469468]
    assert state.step == 2
    np.testing.assert_allclose(state.m, [0.195, -0.13])
    np.testing.assert_allclose(state.v, [0.00249975, 0.004246])
    np.testing.assert_allclose(theta2, [0.9 - 0.0917782, 1.1 + 0.0469468], atol=1e-7)


def test_adam_without_bias_correction_differs():
    theta1, state = adam_step(THETA0, G1, adam_init(THETA0), lr=0.1)
    step = THETA0 - theta1
    # uncorrected m with corrected v: m_1 = 0.1 g -> a step 10 times too small
    only_v_corrected = 0.1 * state.m / (np.sqrt(state.v / 0.001) + 1e-8)
    np.testing.assert_allclose(step / only_v_corrected, 10.0, rtol=1e-6)
    # neither corrected: 0.1 g / (sqrt(0.001) |g|) -> a step sqrt(1000) / 10 = 3.16 times too large
    uncorrected = 0.1 * state.m / (np.sqrt(state.v) + 1e-8)
    np.testing.assert_allclose(uncorrected / step, math.sqrt(1000) / 10, rtol=1e-6)


def test_moment_helpers():
    np.testing.assert_allclose(update_moment(np.array([1.0]), np.array([3.0]), 0.75), [1.5])
    np.testing.assert_allclose(bias_correction(np.array([0.19]), 0.9, 2), [1.0])


def test_adamw_first_step_by_hand():
    theta1, state = adamw_step(THETA0, G1, adam_init(THETA0), lr=0.1, weight_decay=0.5)
    # decay first: 1 * (1 - 0.1 * 0.5) = 0.95; then the Adam step -/+ 0.1
    np.testing.assert_allclose(theta1, [0.85, 1.05], atol=1e-8)
    # the decay does not pass through the moments
    _, adam_state = adam_step(THETA0, G1, adam_init(THETA0), lr=0.1)
    np.testing.assert_allclose(state.m, adam_state.m)
    np.testing.assert_allclose(state.v, adam_state.v)


def test_adamw_zero_decay_is_adam():
    theta_a, state_a = THETA0, adam_init(THETA0)
    theta_w, state_w = THETA0, adam_init(THETA0)
    for g in (G1, G2):
        theta_a, state_a = adam_step(theta_a, g, state_a, lr=0.1)
        theta_w, state_w = adamw_step(theta_w, g, state_w, lr=0.1, weight_decay=0.0)
    np.testing.assert_allclose(theta_w, theta_a)


def test_adamw_differs_from_adam_with_l2_penalty():
    lr, wd = 0.1, 0.5
    theta_w, state_w = THETA0, adam_init(THETA0)
    theta_l2, state_l2 = THETA0, adam_init(THETA0)
    for g in (G1, G2):
        theta_w, state_w = adamw_step(theta_w, g, state_w, lr=lr, weight_decay=wd)
        theta_l2, state_l2 = adam_step(theta_l2, g + wd * theta_l2, state_l2, lr=lr)
    # first step with L2: g + 0.5 theta = [1.0, -1.5] -> [0.9, 1.1], no shrinkage at all
    assert np.abs(theta_w - theta_l2).max() > 0.02
    # the L2 gradient went into the moments, the decoupled decay did not
    assert not np.allclose(state_w.m, state_l2.m)


# --- pytrees, purity ---------------------------------------------------------------------------

STATEFUL = [
    ("momentum", momentum_init, functools.partial(momentum_step, lr=0.1)),
    ("nesterov", momentum_init, functools.partial(momentum_step, lr=0.1, nesterov=True)),
    ("rmsprop", rmsprop_init, rmsprop_step),
    ("adam", adam_init, adam_step),
    ("adamw", adam_init, adamw_step),
]


@pytest.mark.parametrize("name, init, step", STATEFUL, ids=[s[0] for s in STATEFUL])
def test_dict_params_match_flat_arrays(name, init, step):
    params = {"W": np.array([[1.0, -1.0], [0.5, 2.0]]), "b": np.array([0.3])}
    grads = {"W": np.array([[0.1, -0.4], [2.0, 0.0]]), "b": np.array([-1.0])}
    new, state = step(params, grads, init(params))
    assert set(new) == {"W", "b"} and new["W"].shape == (2, 2)
    flat = np.concatenate([params["W"].ravel(), params["b"]])
    flat_grads = np.concatenate([grads["W"].ravel(), grads["b"]])
    new_flat, _ = step(flat, flat_grads, init(flat))
    np.testing.assert_allclose(np.concatenate([new["W"].ravel(), new["b"]]), new_flat)


@pytest.mark.parametrize("name, init, step", STATEFUL, ids=[s[0] for s in STATEFUL])
def test_inputs_are_not_mutated(name, init, step):
    params = {"w": np.array([1.0, -2.0, 3.0])}
    grads = {"w": np.array([0.5, 0.5, -1.0])}
    _, state = step(params, grads, init(params))   # a non-zero state
    copies = [np.copy(params["w"]), np.copy(grads["w"])] + [
        np.copy(v["w"]) for v in state if isinstance(v, dict)
    ]
    new, new_state = step(params, grads, state)
    after = [params["w"], grads["w"]] + [v["w"] for v in state if isinstance(v, dict)]
    for before, now in zip(copies, after):
        np.testing.assert_array_equal(before, now)
    assert new["w"] is not params["w"]


def test_gd_step_does_not_mutate():
    params, grads = np.array([1.0, 2.0]), np.array([1.0, 1.0])
    gd_step(params, grads, lr=0.5)
    np.testing.assert_array_equal(params, [1.0, 2.0])


def test_integer_params_are_accepted():
    np.testing.assert_allclose(gd_step([1, 2], [1, 1], lr=0.5), [0.5, 1.5])


# --- one rule behind the functions and the Optimizer object ----------------------------------

FUNCTIONAL = {
    "gd": (lambda p: None, lambda p, g, s, **kw: (gd_step(p, g, **kw), s), {"lr": 0.05}),
    "momentum": (momentum_init, momentum_step, {"lr": 0.05, "momentum": 0.8}),
    "nesterov": (momentum_init, functools.partial(momentum_step, nesterov=True),
                 {"lr": 0.05, "momentum": 0.8}),
    "rmsprop": (rmsprop_init, rmsprop_step, {"lr": 0.01, "alpha": 0.9}),
    "adam": (adam_init, adam_step, {"lr": 0.05, "beta2": 0.99}),
    "adamw": (adam_init, adamw_step, {"lr": 0.05, "weight_decay": 0.1}),
}


@pytest.mark.parametrize("rule", sorted(FUNCTIONAL))
def test_function_api_and_optimizer_give_identical_trajectories(rule):
    init, step, hyper = FUNCTIONAL[rule]
    theta0 = np.array([2.0, -1.5])
    theta, state = theta0, init(theta0)
    opt = Optimizer(theta0, rule, **hyper)
    by_hand = [theta0]
    for _ in range(25):
        theta, state = step(theta, quadratic_grad(theta), state, **hyper)
        by_hand.append(theta)
        returned = opt.step(quadratic_grad(opt.params))
        np.testing.assert_array_equal(returned, theta)
        np.testing.assert_array_equal(opt.params, theta)
    assert opt.step_count == 25
    extra = {k: v for k, v in hyper.items() if k != "lr"}
    path = minimize(quadratic_grad, theta0, optimizer=rule, n_steps=25, lr=hyper["lr"], **extra)
    np.testing.assert_array_equal(path, np.array(by_hand))


def test_factories_build_the_matching_rules():
    theta0 = np.array([1.0, 1.0])
    assert SGD(theta0, 0.1).rule == "gd"
    assert SGD(theta0, 0.1, momentum=0.9).rule == "momentum"
    assert SGD(theta0, 0.1, momentum=0.9, nesterov=True).rule == "nesterov"
    assert RMSProp(theta0).rule == "rmsprop" and RMSProp(theta0).lr == 0.01
    assert Adam(theta0).lr == 0.001
    opt = AdamW(theta0, lr=0.1, weight_decay=0.5)
    np.testing.assert_allclose(opt.step(G1), [0.85, 1.05], atol=1e-8)
    assert isinstance(opt.state, AdamState) and opt.state.step == 1
    opt = SGD(theta0, 0.1, momentum=0.9, nesterov=True)
    opt.step(G1)
    np.testing.assert_allclose(opt.params, [0.905, 1.38])


def test_optimizer_does_not_mutate_the_initial_params():
    theta0 = np.array([1.0, 1.0])
    opt = Adam(theta0, lr=0.1)
    opt.step(G1)
    np.testing.assert_array_equal(theta0, [1.0, 1.0])


def test_optimizer_uses_the_schedule_per_step():
    schedule = make_schedule("step", lr=1.0, step_size=2, gamma=0.5)
    opt = SGD(np.array([0.0]), schedule=schedule)
    lrs = []
    for _ in range(5):
        lrs.append(opt.lr)
        opt.step(np.array([-1.0]))   # theta += lr
    assert lrs == [1.0, 1.0, 0.5, 0.5, 0.25]
    np.testing.assert_allclose(opt.params, [3.25])
    path = minimize(lambda t: np.array([-1.0]), np.array([0.0]), n_steps=5, schedule=schedule)
    np.testing.assert_allclose(path[:, 0], np.cumsum([0.0] + lrs))


def test_schedule_reaching_zero_lr_is_reported():
    schedule = make_schedule("cosine", lr=0.1, total_steps=3)
    path = minimize(quadratic_grad, np.ones(2), optimizer="momentum", n_steps=3, schedule=schedule)
    assert np.all(np.isfinite(path))
    with pytest.raises(ValueError, match=r"schedule returned lr=0.0 for step 3; learning rates must be > 0"):
        minimize(quadratic_grad, np.ones(2), optimizer="momentum", n_steps=4, schedule=schedule)


def test_optimizer_argument_errors():
    with pytest.raises(ValueError, match=r"rule must be one of 'gd', 'momentum'.*got rule='sgdm'"):
        Optimizer(THETA0, "sgdm", lr=0.1)
    with pytest.raises(TypeError, match=r"unknown hyperparameter 'beta' for rule='adam'; "
                                        r"expected some of beta1, beta2, eps"):
        Optimizer(THETA0, "adam", beta=0.9)
    with pytest.raises(TypeError, match=r"rule='gd' needs a learning rate"):
        Optimizer(THETA0, "gd")
    with pytest.raises(ValueError, match="pass either lr or schedule, not both"):
        Optimizer(THETA0, "adam", lr=0.1, schedule=make_schedule("constant", lr=0.1))
    with pytest.raises(ValueError, match=r"beta1 must be in \[0.0, 1.0\); got beta1=1.0."):
        Adam(THETA0, beta1=1.0)
    with pytest.raises(ValueError, match=r"nesterov=True requires momentum > 0"):
        SGD(THETA0, 0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"grads has shape \(3,\), expected \(2,\) to match params."):
        Adam(THETA0).step(np.ones(3))


# --- convergence ---------------------------------------------------------------------------------

CONVERGENCE = [
    ("gd", {"lr": 0.15}),
    ("momentum", {"lr": 0.05, "momentum": 0.5}),
    ("nesterov", {"lr": 0.05, "momentum": 0.5}),
    ("rmsprop", {"lr": 0.01}),
    ("adam", {"lr": 0.05}),
    ("adamw", {"lr": 0.05, "weight_decay": 0.01}),
]


@pytest.mark.parametrize("rule, hyper", CONVERGENCE, ids=[c[0] for c in CONVERGENCE])
def test_every_rule_converges_on_an_ill_conditioned_quadratic(rule, hyper):
    assert np.isclose(np.linalg.cond(A), 10.0)
    path = minimize(quadratic_grad, np.array([2.0, -1.5]), optimizer=rule, n_steps=1000, **hyper)
    assert np.linalg.norm(path[-1]) < 1e-6
    f = 0.5 * np.einsum("ki,ij,kj->k", path, A, path)
    assert f[-1] < 1e-3 * f[0]


@pytest.mark.parametrize("rule, hyper, n_steps", [
    ("adam", {"lr": 0.02}, 3000),
    ("momentum", {"lr": 1e-3, "momentum": 0.9}, 2000),
])
def test_rosenbrock(rule, hyper, n_steps):
    path = minimize(rosenbrock_grad, np.array([-1.5, 2.0]), optimizer=rule, n_steps=n_steps, **hyper)
    assert np.linalg.norm(path[-1] - [1.0, 1.0]) < 1e-2
    assert rosenbrock(path[-1]) < 1e-4


def test_gradient_descent_trajectory():
    path = gradient_descent(quadratic_grad, np.array([2.0, -1.5]), lr=0.15, n_steps=50)
    assert path.shape == (51, 2)
    np.testing.assert_array_equal(path[0], [2.0, -1.5])
    # row k+1 = row k - lr * A row k
    np.testing.assert_allclose(path[1:], path[:-1] - 0.15 * path[:-1] @ A.T)
    np.testing.assert_array_equal(
        path, minimize(quadratic_grad, np.array([2.0, -1.5]), n_steps=50, lr=0.15)
    )


def test_gradient_descent_copies_theta0():
    theta0 = np.array([1.0, 2.0])
    path = gradient_descent(lambda t: t, theta0, lr=0.5, n_steps=2)
    path[0, 0] = 99.0
    np.testing.assert_array_equal(theta0, [1.0, 2.0])


def test_divergence_shows_without_warnings():
    theta0 = np.array([1.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # lr = 0.3 > 2 / lambda_max = 0.2: |1 - 0.3 * 10| = 2, the iterates double every step
        path = gradient_descent(quadratic_grad, theta0, lr=0.3, n_steps=2000)
        assert np.linalg.norm(path[50]) > 1e10
        assert not np.all(np.isfinite(path[-1]))
        # heavy ball is stable only for lr * lambda_max < 2 (1 + momentum) = 3; here 5
        path = minimize(quadratic_grad, theta0, optimizer="momentum", lr=0.5, momentum=0.5,
                        n_steps=3000)
        assert np.isnan(path[-1]).all()
        assert np.linalg.norm(path[50]) > 1e10


def test_zero_steps():
    np.testing.assert_array_equal(gradient_descent(quadratic_grad, [1.0, 2.0], lr=0.1, n_steps=0),
                                  [[1.0, 2.0]])
    assert minimize(quadratic_grad, [1.0, 2.0], optimizer="adam", n_steps=0).shape == (1, 2)


def test_loop_errors():
    with pytest.raises(ValueError, match=r"grad_fn returned shape \(3,\), expected \(2,\) to match theta0."):
        gradient_descent(lambda t: np.ones(3), np.ones(2), lr=0.1, n_steps=1)
    with pytest.raises(ValueError, match=r"theta0 must be 1-D; got an array of shape \(2, 2\)"):
        minimize(quadratic_grad, np.ones((2, 2)), n_steps=1, lr=0.1)
    with pytest.raises(ValueError, match=r"optimizer must be one of .*got optimizer='lbfgs'"):
        minimize(quadratic_grad, np.ones(2), optimizer="lbfgs", n_steps=1, lr=0.1)
    with pytest.raises(ValueError, match=r"n_steps must be >= 0; got n_steps=-1."):
        gradient_descent(quadratic_grad, np.ones(2), lr=0.1, n_steps=-1)


# --- schedules -------------------------------------------------------------------------------

def test_step_lr_values():
    assert step_lr(0, lr=0.1, step_size=30) == pytest.approx(0.1)
    assert step_lr(29, lr=0.1, step_size=30) == pytest.approx(0.1)
    assert step_lr(30, lr=0.1, step_size=30) == pytest.approx(0.01)
    assert step_lr(60, lr=0.1, step_size=30) == pytest.approx(0.001)
    assert step_lr(5, lr=1.0, step_size=2, gamma=0.5) == pytest.approx(0.25)


def test_cosine_lr_values():
    assert cosine_lr(0, lr=0.1, total_steps=100) == pytest.approx(0.1)
    assert cosine_lr(50, lr=0.1, total_steps=100) == pytest.approx(0.05)
    assert cosine_lr(25, lr=0.1, total_steps=100) == pytest.approx(0.05 * (1 + math.sqrt(0.5)))
    assert cosine_lr(100, lr=0.1, total_steps=100) == pytest.approx(0.0)
    assert cosine_lr(50, lr=0.1, total_steps=100, min_lr=0.02) == pytest.approx(0.06)
    assert cosine_lr(150, lr=0.1, total_steps=100, min_lr=0.02) == pytest.approx(0.02)


def test_constant_and_exponential_lr():
    assert constant_lr(1000, lr=0.3) == 0.3
    assert exponential_lr(0, lr=0.2, gamma=0.9) == pytest.approx(0.2)
    assert exponential_lr(2, lr=0.2, gamma=0.9) == pytest.approx(0.162)


def test_warmup_lr():
    lrs = [warmup_lr(k, lr=1.0, warmup_steps=4) for k in range(6)]
    np.testing.assert_allclose(lrs, [0.25, 0.5, 0.75, 1.0, 1.0, 1.0])
    after = make_schedule("cosine", lr=1.0, total_steps=10)
    assert warmup_lr(3, lr=1.0, warmup_steps=4, after=after) == pytest.approx(1.0)
    assert warmup_lr(4, lr=1.0, warmup_steps=4, after=after) == pytest.approx(1.0)   # after(0)
    assert warmup_lr(9, lr=1.0, warmup_steps=4, after=after) == pytest.approx(0.5)   # after(5)
    assert warmup_lr(0, lr=1.0, warmup_steps=0) == 1.0


def test_make_schedule_is_the_function_with_fixed_arguments():
    schedule = make_schedule("exponential", lr=0.5, gamma=0.5)
    assert [schedule(k) for k in range(3)] == [0.5, 0.25, 0.125]
    warm = make_schedule("warmup", lr=0.1, warmup_steps=10)
    assert warm(4) == pytest.approx(0.05)


def test_schedule_errors():
    with pytest.raises(ValueError, match=r"name must be one of .*got name='linear'"):
        make_schedule("linear", lr=0.1)
    with pytest.raises(TypeError, match=r"make_schedule\('cosine', ...\): .*total_steps"):
        make_schedule("cosine", lr=0.1)
    with pytest.raises(ValueError, match=r"lr must be > 0; got lr=-0.1."):
        make_schedule("step", lr=-0.1, step_size=3)
    with pytest.raises(ValueError, match=r"step must be >= 0; got step=-1."):
        cosine_lr(-1, lr=0.1, total_steps=10)
    with pytest.raises(ValueError, match=r"step_size must be >= 1; got step_size=0."):
        step_lr(3, lr=0.1, step_size=0)
    with pytest.raises(ValueError, match=r"gamma must be in \(0.0, 1.0\]; got gamma=2."):
        exponential_lr(3, lr=0.1, gamma=2)
    with pytest.raises(ValueError, match=r"min_lr must be <= lr; got min_lr=0.5 and lr=0.1."):
        cosine_lr(3, lr=0.1, total_steps=10, min_lr=0.5)
    with pytest.raises(TypeError, match=r"after must be a function of the step number"):
        warmup_lr(5, lr=0.1, warmup_steps=2, after=0.01)


# --- backtracking line search ---------------------------------------------------------------------

def _armijo(f, x, p, g, alpha, c=1e-4):
    return f(x + alpha * p) <= f(x) + c * alpha * (g @ p)


@pytest.mark.parametrize("x", [np.array([-1.5, 2.0]), np.array([0.0, 0.0]), np.array([1.2, 1.0])])
def test_backtracking_returns_the_first_accepted_step(x):
    alpha = backtracking_line_search(rosenbrock, rosenbrock_grad, x)
    g = rosenbrock_grad(x)
    p = -g
    assert _armijo(rosenbrock, x, p, g, alpha)
    k = round(math.log(alpha, 0.5))
    assert alpha == 0.5**k
    if k > 0:   # the step before it, alpha / shrink, was rejected
        assert not _armijo(rosenbrock, x, p, g, alpha / 0.5)


def test_backtracking_by_hand_and_with_a_direction():
    f = lambda x: float(x @ x)
    grad_f = lambda x: 2 * x
    x = np.array([1.0, -2.0])
    # p = -[2, -4]; alpha = 1 lands on -x (f unchanged, rejected), alpha = 0.5 on 0 (accepted)
    assert backtracking_line_search(f, grad_f, x) == 0.5
    # along p = -x: alpha = 1 reaches the minimum at once
    assert backtracking_line_search(f, grad_f, x, direction=-x) == 1.0
    assert backtracking_line_search(f, grad_f, x, alpha0=4.0, shrink=0.25) == 0.25
    np.testing.assert_array_equal(x, [1.0, -2.0])


def test_backtracking_rejects_non_descent_directions():
    f = lambda x: float(x @ x)
    grad_f = lambda x: 2 * x
    x = np.array([1.0, -2.0])
    with pytest.raises(ValueError, match=r"direction is not a descent direction: "
                                         r"grad_f\(x\) @ direction = 10, expected < 0"):
        backtracking_line_search(f, grad_f, x, direction=x)
    with pytest.raises(ValueError, match="not a descent direction"):
        backtracking_line_search(f, grad_f, x, direction=np.array([2.0, 1.0]))   # orthogonal
    with pytest.raises(ValueError, match="stationary point"):
        backtracking_line_search(f, grad_f, np.zeros(2))


def test_backtracking_warns_when_no_step_is_accepted():
    f = lambda x: float(x @ x)
    wrong_grad = lambda x: -2 * x      # the negated gradient: -wrong_grad(x) points uphill
    x = np.array([1.0, 1.0])
    # f(x + alpha * 2x) = (1 + 2 alpha)^2 f(x) > f(x) for every alpha: nothing is accepted
    with pytest.warns(RuntimeWarning, match=r"no step met the Armijo condition in max_iter=5 tries; "
                                            r"returning the last one, alpha=0.0625"):
        alpha = backtracking_line_search(f, wrong_grad, x, max_iter=5)
    assert alpha == 0.0625


def test_backtracking_argument_errors():
    f = lambda x: float(x @ x)
    grad_f = lambda x: 2 * x
    with pytest.raises(ValueError, match=r"shrink must be in \(0.0, 1.0\); got shrink=1.5."):
        backtracking_line_search(f, grad_f, np.ones(2), shrink=1.5)
    with pytest.raises(ValueError, match=r"c must be in \(0.0, 1.0\); got c=0."):
        backtracking_line_search(f, grad_f, np.ones(2), c=0)
    with pytest.raises(ValueError, match=r"x must be 1-D"):
        backtracking_line_search(f, grad_f, np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"direction has shape \(3,\), expected \(2,\) to match x."):
        backtracking_line_search(f, grad_f, np.ones(2), direction=-np.ones(3))


# --- validation of the update rules --------------------------------------------------------------

def test_lr_message_is_pinned():
    with pytest.raises(ValueError, match=r"^lr must be > 0; got lr=-0.1.$"):
        gd_step(THETA0, G1, lr=-0.1)
    with pytest.raises(ValueError, match=r"^lr must be > 0; got lr=-0.1.$"):
        adam_step(THETA0, G1, adam_init(THETA0), lr=-0.1)


@pytest.mark.parametrize("call, message", [
    (lambda: adam_step(THETA0, G1, adam_init(THETA0), beta1=1.0),
     r"beta1 must be in \[0.0, 1.0\); got beta1=1.0."),
    (lambda: adam_step(THETA0, G1, adam_init(THETA0), beta2=-0.1),
     r"beta2 must be in \[0.0, 1.0\); got beta2=-0.1."),
    (lambda: adam_step(THETA0, G1, adam_init(THETA0), eps=0.0), r"eps must be > 0; got eps=0.0."),
    (lambda: adamw_step(THETA0, G1, adam_init(THETA0), weight_decay=-1),
     r"weight_decay must be >= 0; got weight_decay=-1."),
    (lambda: momentum_step(THETA0, G1, momentum_init(THETA0), lr=0.1, momentum=1.0),
     r"momentum must be in \[0.0, 1.0\); got momentum=1.0."),
    (lambda: rmsprop_step(THETA0, G1, rmsprop_init(THETA0), alpha=1.2),
     r"alpha must be in \[0.0, 1.0\); got alpha=1.2."),
    (lambda: adam_step(THETA0, np.ones(3), adam_init(THETA0)),
     r"grads has shape \(3,\), expected \(2,\) to match params."),
    (lambda: adam_step(THETA0, np.array([1.0, np.nan]), adam_init(THETA0)),
     r"grads contains nan at index 1; expected finite numbers"),
    (lambda: adam_step(THETA0, G1, adam_init(np.ones(3))),
     r"state.m has shape \(3,\), expected \(2,\) to match params."),
    (lambda: adam_step({"w": THETA0}, {"v": G1}, adam_init({"w": THETA0})),
     r"grads must have the keys of params; missing \['w'\], unexpected \['v'\]."),
    (lambda: adam_step(THETA0, G1, AdamState(step=-1, m=np.zeros(2), v=np.zeros(2))),
     r"state.step must be >= 0; got state.step=-1."),
], ids=["beta1", "beta2", "eps", "weight_decay", "momentum", "alpha", "grads-shape", "grads-nan",
        "state-shape", "dict-keys", "state-step"])
def test_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("call, message", [
    (lambda: adam_step(THETA0, G1, momentum_init(THETA0)),
     r"state must be an AdamState; got MomentumState. Create it with adam_init\(params\)."),
    (lambda: momentum_step(THETA0, G1, momentum_init(THETA0), lr=0.1, nesterov="yes"),
     r"nesterov must be True or False"),
    (lambda: adam_step({"w": THETA0}, G1, adam_init({"w": THETA0})),
     r"grads must have the same structure as params"),
    (lambda: gd_step(THETA0, G1, lr="0.1"), r"lr must be a real number; got str '0.1'."),
], ids=["state-type", "nesterov", "structure", "lr-type"])
def test_type_errors(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_registry_lists_every_rule():
    assert sorted(RULES) == ["adam", "adamw", "gd", "momentum", "nesterov", "rmsprop"]


# --- the second-moment state must be >= 0 ------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: adam_step(THETA0, G1, AdamState(step=1, m=np.zeros(2), v=np.array([0.1, -1.0]))),
     r"state.v must be >= 0 \(a running average of squared gradients\); got -1.0 at index 1. "
     r"Create the state with adam_init\(params\)"),
    (lambda: adamw_step({"w": THETA0}, {"w": G1},
                        AdamState(step=1, m={"w": np.zeros(2)}, v={"w": np.array([-0.5, 0.0])})),
     r"state.v\['w'\] must be >= 0 .*got -0.5 at index 0"),
    (lambda: rmsprop_step(THETA0, G1, RMSPropState(square_avg=np.array([-1e-3, 0.0]))),
     r"state.square_avg must be >= 0 .*got -0.001 at index 0. Create the state with rmsprop_init"),
], ids=["adam", "adamw-dict", "rmsprop"])
def test_negative_second_moment_state_is_refused(call, message):
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # no "invalid value in sqrt" on the way
        with pytest.raises(ValueError, match=message):
            call()


# --- repr of an optimizer whose schedule is used up -----------------------------------------------

def test_optimizer_repr_works_after_the_schedule_is_used_up():
    opt = SGD(np.zeros(2), schedule=make_schedule("cosine", lr=0.1, total_steps=2))
    opt.step(np.ones(2))
    opt.step(np.ones(2))
    assert repr(opt) == "Optimizer(rule='gd', schedule=cosine_lr(lr=0.1, total_steps=2), step_count=2)"
    with pytest.raises(ValueError, match="schedule returned lr=0.0 for step 2"):
        opt.step(np.ones(2))
    assert repr(Adam(np.zeros(2), lr=0.1)) == (
        "Optimizer(rule='adam', lr=0.1, beta1=0.9, beta2=0.999, eps=1e-08, step_count=0)")


# --- callables given to the loops and the line search ---------------------------------------------

@pytest.mark.parametrize("run", [
    lambda g: gradient_descent(g, np.ones(2), lr=0.1, n_steps=3),
    lambda g: minimize(g, np.ones(2), optimizer="adam", n_steps=3),
], ids=["gradient_descent", "minimize"])
def test_loops_check_grad_fn(run):
    with pytest.raises(TypeError, match=r"grad_fn must be a function theta -> gradient; got ndarray"):
        run(np.ones(2))
    with pytest.raises(TypeError, match=r"grad_fn must return an array of numbers; got str 'oops'"):
        run(lambda t: "oops")
    with pytest.raises(ValueError, match=r"grad_fn returned shape \(\), expected \(2,\) to match theta0."):
        run(lambda t: 1.0)
    with pytest.raises(ValueError, match=r"grad_fn returned nan at index 1 at theta0; expected finite "
                                         r"numbers. Check grad_fn at the starting point."):
        run(lambda t: np.array([1.0, np.nan]))


def test_line_search_checks_its_callables():
    f = lambda x: float(x @ x)
    grad_f = lambda x: 2 * x
    x = np.array([1.0, -2.0])
    with pytest.raises(TypeError, match=r"f must be a function x -> float; got float 3.0."):
        backtracking_line_search(3.0, grad_f, x)
    with pytest.raises(TypeError, match=r"grad_f must be a function x -> ndarray of shape \(d,\); got list"):
        backtracking_line_search(f, [2.0, -4.0], x)
    with pytest.raises(TypeError, match=r"f must return a real number; got str 'low' at x."):
        backtracking_line_search(lambda x: "low", grad_f, x)
    with pytest.raises(ValueError, match=r"f must return a single number; got an array of shape \(2,\) at x."):
        backtracking_line_search(lambda x: x ** 2, grad_f, x)
    with pytest.raises(ValueError, match=r"grad_f\(x\) has shape \(3,\), expected \(2,\) to match x."):
        backtracking_line_search(f, lambda x: np.ones(3), x)
    with pytest.raises(ValueError, match=r"grad_f\(x\) contains nan at index 0; expected finite numbers"):
        backtracking_line_search(f, lambda x: np.array([np.nan, 1.0]), x)
    with pytest.raises(ValueError, match=r"f\(x\) must be finite; got nan."):
        backtracking_line_search(lambda x: float("nan"), grad_f, x)


@pytest.mark.parametrize("bad", [np.nan, -np.inf, np.inf])
def test_line_search_never_accepts_a_non_finite_trial_value(bad):
    # f is x @ x but `bad` where some |x_i| > 0.4; the trial points are (1 - 2 alpha) x:
    # alpha = 1.5 gives -2x and 0.75 gives -x/2 (both `bad`), 0.375 gives x/4 (accepted)
    def f(x):
        return float(x @ x) if np.all(np.abs(x) <= 0.4) or np.all(x == [1.0, -1.0]) else bad

    x = np.array([1.0, -1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert backtracking_line_search(f, lambda x: 2 * x, x, alpha0=1.5) == 0.375
        assert backtracking_line_search(f, lambda x: 2 * x, x, alpha0=1.5, shrink=0.5, c=1e-4) == 0.375


# --- float32 in, float32 out ----------------------------------------------------------------------

FLOAT32_RULES = {
    "gd": lambda p, g, s: (gd_step(p, g, lr=0.1), s),
    "momentum": lambda p, g, s: momentum_step(p, g, s, lr=0.1, nesterov=True),
    "rmsprop": lambda p, g, s: rmsprop_step(p, g, s),
    "adam": lambda p, g, s: adam_step(p, g, s),
    "adamw": lambda p, g, s: adamw_step(p, g, s),
}
FLOAT32_INITS = {"gd": lambda p: None, "momentum": momentum_init, "rmsprop": rmsprop_init,
                 "adam": adam_init, "adamw": adam_init}


@pytest.mark.parametrize("rule", sorted(FLOAT32_RULES))
def test_update_rules_keep_float32(rule):
    params = {"W": np.ones((2, 2), dtype=np.float32), "b": np.zeros(2, dtype=np.float32)}
    grads = {"W": np.full((2, 2), 0.5), "b": np.array([1.0, -1.0], dtype=np.float32)}  # float64 W-grad
    state = FLOAT32_INITS[rule](params)
    for _ in range(3):
        params, state = FLOAT32_RULES[rule](params, grads, state)
    assert {k: v.dtype for k, v in params.items()} == {"W": np.float32, "b": np.float32}
    if state is not None:
        for field in state:
            if isinstance(field, dict):
                assert all(v.dtype == np.float32 for v in field.values())
    theta = np.array([1.0, 1.0], dtype=np.float32)
    new_theta, _ = FLOAT32_RULES[rule](theta, G1, FLOAT32_INITS[rule](theta))
    assert new_theta.dtype == np.float32
    np.testing.assert_allclose(new_theta, FLOAT32_RULES[rule](THETA0, G1, FLOAT32_INITS[rule](THETA0))[0],
                               rtol=1e-6)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_optimizer_and_loops_keep_float32(rule):
    theta0 = np.array([2.0, -1.5], dtype=np.float32)
    schedule = make_schedule("warmup", lr=0.05, warmup_steps=2)
    opt = Optimizer(theta0, rule, schedule=schedule)
    for _ in range(4):
        opt.step(quadratic_grad(opt.params))
    assert opt.params.dtype == np.float32
    path = minimize(quadratic_grad, theta0, optimizer=rule, n_steps=5, schedule=schedule)
    assert path.dtype == np.float32
    assert gradient_descent(quadratic_grad, theta0, lr=0.1, n_steps=3).dtype == np.float32
    assert gradient_descent(quadratic_grad, [2, -1], lr=0.1, n_steps=3).dtype == np.float64
