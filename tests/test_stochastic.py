"""Tests of mlcourse_lib.optim.stochastic and the warm-up + cosine schedule: SGD epochs against
hand-written loops, the batch-gradient variance against exhaustive enumeration, the choice of a
learning rate, and the chapter's checkers against honest but wrong answers."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from mlcourse_lib import data, models
from mlcourse_lib.exercises import run_check
from mlcourse_lib.optim import (
    SGDPath,
    best_learning_rate,
    cosine_lr,
    logistic_sgd,
    logistic_sgd_epoch,
    make_schedule,
    minibatch_gradient_variance,
    warmup_cosine_lr,
    warmup_lr,
)
from mlcourse_lib.train import History


def _problem(n=23, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = (X @ rng.normal(size=d) + rng.normal(size=n) > 0).astype(float)
    return X, y, rng.normal(size=d), float(rng.normal())


# --- logistic_sgd_epoch and logistic_sgd ----------------------------------------------------------

@pytest.mark.parametrize("batch_size", [1, 4, 5, 23, 50])
def test_epoch_is_the_loop_over_shuffled_batches_with_the_library_gradient(batch_size):
    X, y, w, b = _problem()
    w_ref, b_ref = w.copy(), b
    for batch in data.minibatch_indices(len(y), batch_size=batch_size, rng=np.random.default_rng(3)):
        dw, db = models.logistic_gradient(X[batch], y[batch], w_ref, b_ref)
        w_ref, b_ref = w_ref - 0.3 * dw, b_ref - 0.3 * db
    w_new, b_new = logistic_sgd_epoch(X, y, w, b, lr=0.3, batch_size=batch_size, rng=np.random.default_rng(3))
    assert np.allclose(w_new, w_ref, rtol=1e-12, atol=1e-14) and math.isclose(b_new, b_ref, abs_tol=1e-14)
    assert isinstance(b_new, float) and w_new.shape == w.shape


def test_epoch_with_one_batch_is_a_gradient_descent_step_and_inputs_are_untouched():
    X, y, w, b = _problem()
    X0, y0, w0 = X.copy(), y.copy(), w.copy()
    w_new, b_new = logistic_sgd_epoch(X, y, w, b, lr=0.5, batch_size=len(y), rng=0)
    dw, db = models.logistic_gradient(X, y, w, b)
    assert np.allclose(w_new, w - 0.5 * dw) and math.isclose(b_new, b - 0.5 * db)
    assert np.array_equal(X, X0) and np.array_equal(y, y0) and np.array_equal(w, w0)


def test_epoch_draws_exactly_one_permutation():
    X, y, w, b = _problem()
    rng = np.random.default_rng(5)
    logistic_sgd_epoch(X, y, w, b, lr=0.1, batch_size=4, rng=rng)
    twin = np.random.default_rng(5)
    twin.permutation(len(y))
    assert rng.integers(1 << 30) == twin.integers(1 << 30)


def test_sgd_path_is_successive_epochs_with_one_generator():
    X, y, w, b = _problem()
    path = logistic_sgd(X, y, w, b, lr=0.2, batch_size=5, epochs=3, rng=np.random.default_rng(9))
    assert isinstance(path, SGDPath) and path.steps_per_epoch == 5
    assert path.w.shape == (16, 3) and path.b.shape == (16,)
    assert np.array_equal(path.w[0], w) and path.b[0] == b
    rng = np.random.default_rng(9)
    w_k, b_k = w, b
    for epoch in range(1, 4):
        w_k, b_k = logistic_sgd_epoch(X, y, w_k, b_k, lr=0.2, batch_size=5, rng=rng)
        assert np.allclose(path.w[5 * epoch], w_k, atol=1e-14) and math.isclose(path.b[5 * epoch], b_k)


def test_sgd_path_uses_the_schedule_per_step_and_the_stored_order_without_shuffling():
    X, y, w, b = _problem(n=6)
    rates = [0.5, 0.25, 0.1, 0.05]
    path = logistic_sgd(X, y, w, b, schedule=lambda k: rates[k], batch_size=3, epochs=2, rng=0,
                        shuffle=False)
    w_k, b_k = w, b
    for k, batch in enumerate([slice(0, 3), slice(3, 6)] * 2):
        dw, db = models.logistic_gradient(X[batch], y[batch], w_k, b_k)
        w_k, b_k = w_k - rates[k] * dw, b_k - rates[k] * db
        assert np.allclose(path.w[k + 1], w_k) and math.isclose(path.b[k + 1], b_k)


def test_sgd_with_a_constant_rate_ends_in_a_noise_ball_and_a_decaying_one_converges():
    X, y, _, _ = _problem(n=200, d=2, seed=1)
    full = logistic_sgd(X, y, np.zeros(2), 0.0, lr=1.0, batch_size=200, epochs=3000, rng=0)
    w_star = full.w[-1]
    assert np.linalg.norm(models.logistic_gradient(X, y, w_star, full.b[-1])[0]) < 1e-8
    constant = logistic_sgd(X, y, np.zeros(2), 0.0, lr=0.5, batch_size=4, epochs=30, rng=1)
    decaying = logistic_sgd(X, y, np.zeros(2), 0.0, batch_size=4, epochs=30, rng=1,
                            schedule=make_schedule("cosine", lr=0.5, total_steps=30 * 50))
    far = np.linalg.norm(constant.w[-500:] - w_star, axis=1).mean()
    assert np.linalg.norm(decaying.w[-1] - w_star) < 0.1 * far


@pytest.mark.parametrize("kwargs,error,match", [
    ({"lr": 0.1, "schedule": lambda k: 0.1}, TypeError, "exactly one of lr"),
    ({}, TypeError, "exactly one of lr"),
    ({"schedule": lambda k: -1.0}, ValueError, "schedule returned lr=-1.0 for step 0"),
    ({"lr": 0.1, "shuffle": "yes"}, TypeError, "shuffle must be True or False"),
    ({"lr": -0.1}, ValueError, "lr must be > 0"),
])
def test_sgd_path_validates_its_options(kwargs, error, match):
    X, y, w, b = _problem()
    with pytest.raises(error, match=match):
        logistic_sgd(X, y, w, b, batch_size=4, epochs=1, rng=0, **kwargs)


def test_epoch_validates_its_inputs():
    X, y, w, b = _problem()
    with pytest.raises(ValueError, match="labels|0 or 1"):
        logistic_sgd_epoch(X, y + 2, w, b, lr=0.1, batch_size=4, rng=0)
    with pytest.raises(ValueError, match=r"w has shape \(2,\)"):
        logistic_sgd_epoch(X, y, w[:2], b, lr=0.1, batch_size=4, rng=0)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        logistic_sgd_epoch(X, y, w, b, lr=0.1, batch_size=0, rng=0)
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        logistic_sgd_epoch(X, y, w, b, lr=0.1, batch_size=4, rng=None)


# --- minibatch_gradient_variance ------------------------------------------------------------------

@pytest.mark.parametrize("B", [1, 2, 3, 4, 6])
def test_batch_variance_equals_the_mean_over_every_possible_batch(B):
    G = np.random.default_rng(2).normal(size=(6, 3))
    full = G.mean(axis=0)
    enumerated = np.mean([np.sum((G[list(c)].mean(axis=0) - full) ** 2)
                          for c in itertools.combinations(range(6), B)])
    assert math.isclose(minibatch_gradient_variance(G, batch_size=B), enumerated, abs_tol=1e-14)


def test_batch_variance_of_one_sample_is_the_spread_and_a_1d_input_is_one_coordinate():
    g = np.array([1.0, 2.0, 6.0])
    assert math.isclose(minibatch_gradient_variance(g, batch_size=1), np.var(g))
    assert minibatch_gradient_variance(g, batch_size=3) == 0.0


@pytest.mark.parametrize("grads,B,match", [
    (np.ones((3, 2)), 4, "batch_size must be <= n = 3"),
    (np.ones((1, 2)), 1, "at least 2 samples"),
    (np.ones((3, 2)), 0, "batch_size must be >= 1"),
    (np.ones((3, 2, 2)), 1, "must be 1-D or 2-D"),
])
def test_batch_variance_validates(grads, B, match):
    with pytest.raises(ValueError, match=match):
        minibatch_gradient_variance(grads, batch_size=B)


# --- best_learning_rate ---------------------------------------------------------------------------

NAN = float("nan")


def test_best_learning_rate_uses_the_best_finite_validation_epoch():
    histories = [{"loss": [0.1, 0.05], "val_loss": [0.5, 0.4]},
                 {"loss": [0.3, 0.2], "val_loss": [0.3, 0.45]},
                 {"loss": [NAN, NAN], "val_loss": [0.2, NAN]},
                 {"loss": [NAN], "val_loss": [NAN, float("inf")]}]
    assert best_learning_rate([0.01, 0.1, 1.0, 10.0], histories) == 1.0
    assert best_learning_rate([0.01, 0.1, 1.0, 10.0], histories[:2] + histories[3:] + histories[2:3]) == 10.0
    assert best_learning_rate(np.array([0.01, 0.1]), histories[:2]) == 0.1


def test_best_learning_rate_takes_histories_of_fit_and_keeps_the_first_of_ties():
    first, second = History(), History()
    for value in (0.5, 0.3):
        first.append({"loss": value, "val_loss": value})
        second.append({"loss": value, "val_loss": value})
    assert best_learning_rate([0.2, 0.1], [first, second]) == 0.2


@pytest.mark.parametrize("lrs,histories,error,match", [
    ([0.1], [{"val_loss": [NAN]}], ValueError, "no run has a finite validation loss"),
    ([0.1, 1.0], [{"val_loss": [0.2]}], ValueError, "histories has 1 runs, expected 2"),
    ([0.1], [{"loss": [0.2]}], ValueError, "has no 'val_loss'"),
    ([-0.1], [{"val_loss": [0.2]}], ValueError, "learning rates must be > 0"),
    ([0.1], {"val_loss": [0.2]}, TypeError, "a list of dicts"),
])
def test_best_learning_rate_validates(lrs, histories, error, match):
    with pytest.raises(error, match=match):
        best_learning_rate(lrs, histories)


# --- warmup_cosine_lr ---------------------------------------------------------------------------

def test_warmup_cosine_is_warmup_then_cosine_composed():
    after = make_schedule("cosine", lr=0.3, total_steps=16, min_lr=0.01)
    for k in range(30):
        expected = warmup_lr(k, lr=0.3, warmup_steps=4, after=after)
        assert warmup_cosine_lr(k, lr=0.3, warmup_steps=4, total_steps=20, min_lr=0.01) == expected
    rates = [warmup_cosine_lr(k, lr=1.0, warmup_steps=4, total_steps=12) for k in range(14)]
    assert rates[:5] == [0.25, 0.5, 0.75, 1.0, 1.0]
    assert math.isclose(rates[8], 0.5) and rates[12] == 0.0 and rates[13] == 0.0
    assert warmup_cosine_lr(3, lr=1.0, warmup_steps=0, total_steps=12) == cosine_lr(3, lr=1.0, total_steps=12)
    schedule = make_schedule("warmup_cosine", lr=1.0, warmup_steps=4, total_steps=12)
    assert [schedule(k) for k in range(14)] == rates


@pytest.mark.parametrize("kwargs,match", [
    ({"warmup_steps": 10, "total_steps": 10}, "total_steps must be > warmup_steps"),
    ({"warmup_steps": 2, "total_steps": 10, "min_lr": 2.0}, "min_lr must be <= lr"),
    ({"warmup_steps": -1, "total_steps": 10}, "warmup_steps must be >= 0"),
])
def test_warmup_cosine_validates(kwargs, match):
    with pytest.raises(ValueError, match=match):
        warmup_cosine_lr(0, lr=1.0, **kwargs)


# --- the chapter's checkers against honest but wrong answers ------------------------------------

def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sgd_epoch_in_place(X, y, w, b, *, lr, batch_size, rng):
    order = rng.permutation(len(y))
    for start in range(0, len(y), batch_size):
        batch = order[start:start + batch_size]
        r = _sigmoid(X[batch] @ w + b) - y[batch]
        w -= lr * X[batch].T @ r / len(batch)
        b -= lr * r.mean()
    return w, b


def sgd_epoch_global_random(X, y, w, b, *, lr, batch_size, rng):
    order = np.random.permutation(len(y))
    for start in range(0, len(y), batch_size):
        batch = order[start:start + batch_size]
        r = _sigmoid(X[batch] @ w + b) - y[batch]
        w, b = w - lr * X[batch].T @ r / len(batch), b - lr * r.mean()
    return w, b


def sgd_epoch_stale_gradient(X, y, w, b, *, lr, batch_size, rng):
    order = rng.permutation(len(y))
    w0, b0 = w, b
    for start in range(0, len(y), batch_size):
        batch = order[start:start + batch_size]
        r = _sigmoid(X[batch] @ w0 + b0) - y[batch]      # gradient at the start of the epoch
        w, b = w - lr * X[batch].T @ r / len(batch), b - lr * r.mean()
    return w, b


def sgd_epoch_with_library_batches(X, y, w, b, *, lr, batch_size, rng):
    for batch in data.minibatch_indices(len(y), batch_size=batch_size, rng=rng):
        dw, db = models.logistic_gradient(X[batch], y[batch], w, b)
        w, b = w - lr * dw, b - lr * db
    return w, b


def sgd_epoch_calls_the_library(X, y, w, b, *, lr, batch_size, rng):
    from mlcourse_lib import optim

    return optim.logistic_sgd_epoch(X, y, w, b, lr=lr, batch_size=batch_size, rng=rng)


def gradient_mean_of_everything(X, y, w, b):
    r = _sigmoid(X @ w + b) - y
    return np.full(X.shape[1], np.mean(X.T @ r)), float(np.mean(r))


def gradient_labels_flipped(X, y, w, b):
    r = _sigmoid(X @ w + b) - (1 - y)
    return X.T @ r / len(y), float(np.mean(r))


def schedule_warmup_over_w_minus_one(step, *, lr, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps:
        return lr * step / max(warmup_steps - 1, 1)
    t = min(1.0, (step - warmup_steps) / (total_steps - warmup_steps))
    return min_lr + (lr - min_lr) * (1 + math.cos(math.pi * t)) / 2


def schedule_cosine_from_step_w_minus_one(step, *, lr, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps - 1:
        return lr * (step + 1) / warmup_steps
    t = min(1.0, (step - warmup_steps + 1) / (total_steps - warmup_steps))
    return min_lr + (lr - min_lr) * (1 + math.cos(math.pi * t)) / 2


def best_lr_mean_of_epochs(learning_rates, histories):
    scores = [np.nanmean(np.where(np.isfinite(h["val_loss"]), h["val_loss"], np.nan))
              if np.any(np.isfinite(h["val_loss"])) else np.inf for h in histories]
    return float(learning_rates[int(np.argmin(scores))])


def best_lr_first_epoch(learning_rates, histories):
    scores = [h["val_loss"][0] if np.isfinite(h["val_loss"][0]) else np.inf for h in histories]
    return float(learning_rates[int(np.argmin(scores))])


def best_lr_changes_input(learning_rates, histories):
    learning_rates[:] = learning_rates[::-1][::-1]
    learning_rates *= 1.0
    learning_rates += 0.0
    scores = []
    for h in histories:
        v = np.asarray(h["val_loss"], dtype=float)
        scores.append(np.min(v[np.isfinite(v)]) if np.any(np.isfinite(v)) else np.inf)
    learning_rates[0] = -1.0 if np.argmin(scores) != 0 else learning_rates[0]
    return float(learning_rates[int(np.argmin(scores))])


HONEST_BUT_WRONG = [
    ("sgd_epoch", sgd_epoch_in_place, "changed its input `w` in place"),
    ("sgd_epoch", sgd_epoch_global_random, "failed"),
    ("sgd_epoch", sgd_epoch_stale_gradient, "failed"),
    ("logistic_gradient", gradient_mean_of_everything, "failed"),
    ("logistic_gradient", gradient_labels_flipped, "failed"),
    ("warmup_cosine_lr", schedule_warmup_over_w_minus_one, "failed"),
    ("warmup_cosine_lr", schedule_cosine_from_step_w_minus_one, "failed"),
    ("best_learning_rate", best_lr_mean_of_epochs, "failed"),
    ("best_learning_rate", best_lr_first_epoch, "failed"),
    ("best_learning_rate", best_lr_changes_input, "in place"),
]


@pytest.mark.parametrize("exercise_id,answer,message", HONEST_BUT_WRONG,
                         ids=[f"{e}:{fn.__name__}" for e, fn, _ in HONEST_BUT_WRONG])
def test_honest_but_wrong_answers_are_rejected_by_fixed_cases(exercise_id, answer, message):
    public = run_check(exercise_id, answer)
    assert not public.passed and message in public.message, public.message
    for seed in range(5):
        hidden = run_check(exercise_id, answer, hidden=True, seed=seed)
        assert not hidden.passed
        assert "random:" not in hidden.message.splitlines()[0], hidden.message


def test_sgd_epoch_may_use_the_library_batches_and_gradient():
    report = run_check("sgd_epoch", sgd_epoch_with_library_batches)
    assert report.passed, report.message
    assert run_check("sgd_epoch", sgd_epoch_with_library_batches, hidden=True, seed=3).passed


def test_sgd_epoch_that_calls_the_library_epoch_is_reported():
    report = run_check("sgd_epoch", sgd_epoch_calls_the_library)
    assert not report.passed and report.called_reference
