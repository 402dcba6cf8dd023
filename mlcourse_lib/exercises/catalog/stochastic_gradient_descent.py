"""Exercises on stochastic gradient descent (chapter "SGD and mini-batches").

The SGD epoch is random, but its contract fixes how the generator is used (one
``rng.permutation(n)`` per epoch, consecutive batches), so its output is compared with the
reference's, which receives a copy of the same generator.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ...models import logistic_gradient
from ...optim import best_learning_rate, logistic_sgd_epoch, warmup_cosine_lr
from ...train import History
from ..spec import Case, Exercise, Mistake

CHAPTER = "04_stochastic_gradient_descent"


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _classification(rng, n, d, scale=1.0):
    """Features, 0/1 labels that a linear model separates only roughly, and a starting point."""
    X = rng.normal(size=(n, d))
    y = (X @ rng.normal(size=d) + 0.8 * rng.normal(size=n) > 0).astype(float)
    return X, y, scale * rng.normal(size=d), float(scale * rng.normal())


# --- logistic_gradient --------------------------------------------------------------------------

def _gradient_cases(rng, hidden):
    if not hidden:
        return [
            Case("four samples, two features",
                 (np.array([[1.0, 2.0], [0.0, -1.0], [2.0, 0.5], [-1.0, 1.0]]),
                  np.array([1.0, 0.0, 0.0, 1.0]), np.array([0.5, -0.25]), 0.3)),
            Case("12 samples, 3 features", _classification(rng, 12, 3)),
            Case("at w = 0, b = 0", (np.array([[2.0, -1.0, 0.5], [1.0, 1.0, -2.0], [0.0, 3.0, 1.0]]),
                                     np.array([1.0, 1.0, 0.0]), np.zeros(3), 0.0)),
            Case("confident predictions (logits up to ±30)",
                 (np.array([[3.0, 1.0], [-2.0, 2.0], [1.0, -3.0]]), np.array([0.0, 1.0, 1.0]),
                  np.array([6.0, -4.0]), 2.0)),
        ]
    n, d = int(rng.integers(10, 80)), int(rng.integers(1, 6))
    return [
        Case("five samples, three features",
             (np.array([[1.0, 0.5, -1.0], [2.0, -1.0, 0.0], [0.0, 1.5, 1.0], [-1.0, 0.0, 2.0],
                        [0.5, 0.5, 0.5]]),
              np.array([1.0, 0.0, 1.0, 0.0, 1.0]), np.array([0.4, -0.6, 0.2]), -0.5)),
        Case("a single feature, wrong confident predictions",
             (np.array([[2.0], [-1.5], [0.5], [3.0]]), np.array([0.0, 1.0, 1.0, 0.0]),
              np.array([5.0]), 1.5)),
        Case(f"random: {n} samples, {d} features", _classification(rng, n, d)),
        Case("random: large weights", _classification(rng, 15, 4, scale=5.0)),
    ]


def _gradient_loop(X, y, w, b):
    n, d = X.shape
    dw, db = np.zeros(d), 0.0
    for i in range(n):
        z = X[i] @ w + b
        residual = 1.0 / (1.0 + math.exp(-z)) - y[i]
        dw += residual * X[i] / n
        db += residual / n
    return dw, db


def _gradient_augmented(X, y, w, b):
    A = np.column_stack([X, np.ones(len(y))])              # the intercept as a feature of 1s
    g = A.T @ (1 / (1 + np.exp(-(A @ np.append(w, b)))) - y) / len(y)
    return g[:-1], float(g[-1])


def _with_residual(residual_of, *, scale_w=None, scale_b=None, bias_in_z=True):
    """A gradient ``Xᵀ r · scale_w``, ``Σ r · scale_b`` with ``r = residual_of(z, y)``."""
    def gradient(X, y, w, b):
        n = len(y)
        z = X @ w + (b if bias_in_z else 0.0)
        r = residual_of(z, y)
        return X.T @ r * (scale_w or 1 / n), float(np.sum(r) * (scale_b or 1 / n))
    return gradient


LOGISTIC_GRADIENT = Exercise(
    id="logistic_gradient",
    title="The gradient of the logistic loss",
    reference=logistic_gradient,
    cases=_gradient_cases,
    points=2,
    mistakes=(
        Mistake("wrong sign (y - σ(z))",
                "The derivative of the loss with respect to the logit z is σ(z) - y: positive when "
                "the model predicts too much of class 1. With y - σ(z) gradient descent climbs.",
                _with_residual(lambda z, y: y - _sigmoid(z))),
        Mistake("sum instead of mean (1/n missing)",
                "The loss is a mean over the n samples, so both gradients carry the factor 1/n.",
                _with_residual(lambda z, y: _sigmoid(z) - y, scale_w=1.0, scale_b=1.0)),
        Mistake("z - y instead of σ(z) - y",
                "z - y is the residual of a linear model; the logistic loss compares the "
                "probability σ(z) with the label: the residual is σ(z) - y.",
                _with_residual(lambda z, y: z - y)),
        Mistake("b left out of the logits",
                "The logits are z = Xw + b: the intercept shifts every prediction, so it "
                "belongs in σ(z) for both gradients.",
                _with_residual(lambda z, y: _sigmoid(z) - y, bias_in_z=False)),
        Mistake("bias gradient missing",
                "Return both gradients, (dw, db): the intercept b is a parameter too, with "
                "∂L/∂b = (1/n) Σ (σ(zᵢ) - yᵢ).",
                lambda X, y, w, b: X.T @ (_sigmoid(X @ w + b) - y) / len(y)),
        Mistake("bias gradient summed, not averaged",
                "Like dw, db is a mean over the samples: (1/n) Σ (σ(zᵢ) - yᵢ).",
                _with_residual(lambda z, y: _sigmoid(z) - y, scale_b=1.0)),
        Mistake("gradient of the squared error (σ(z) - y)²",
                "That differentiates the MSE of the probabilities, which brings the factor "
                "2σ(z)(1 - σ(z)); the cross-entropy's derivative with respect to z is simply σ(z) - y.",
                _with_residual(lambda z, y: 2 * (_sigmoid(z) - y) * _sigmoid(z) * (1 - _sigmoid(z)))),
    ),
    alternatives=(
        _gradient_loop,
        lambda X, y, w, b: (np.mean((_sigmoid(X @ w + b) - y)[:, None] * X, axis=0),
                            float(np.mean(_sigmoid(X @ w + b) - y))),
        _gradient_augmented,
    ),
    hints=(
        "Start from one sample: how does its loss change when its logit z changes? Then use "
        "the chain rule through z = x·w + b.",
        "For the cross-entropy with a sigmoid, the derivative with respect to the logit is "
        "the prediction minus the label, σ(z) - y. The logit depends on w through x and on b "
        "with the factor 1. Average over the samples.",
        "dw = (1/n) Xᵀ(σ(Xw + b) - y), a vector of shape (d,); db = (1/n) Σᵢ (σ(zᵢ) - yᵢ), a float.",
    ),
    rtol=1e-7,
    atol=1e-10,
)


# --- sgd_epoch ----------------------------------------------------------------------------------

def _epoch_cases(rng, hidden):
    def seeded(seed):
        return np.random.default_rng(seed)

    if not hidden:
        return [
            Case("7 samples, 2 features, batches of 3",
                 (np.array([[1.0, -0.5], [0.2, 1.5], [-1.0, 0.3], [2.0, 1.0], [-0.4, -1.2],
                            [0.8, -2.0], [-1.5, 0.6]]),
                  np.array([1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0]), np.array([0.3, -0.2]), 0.1),
                 {"lr": 0.5, "batch_size": 3, "rng": seeded(1)}),
            Case("30 samples, 3 features, batches of 8", _classification(rng, 30, 3),
                 {"lr": 0.2, "batch_size": 8, "rng": seeded(2)}),
            Case("one batch of the whole data set", _classification(rng, 6, 2),
                 {"lr": 1.0, "batch_size": 10, "rng": seeded(3)}),
        ]
    fixed_X = np.array([[0.5, 1.0, -1.0], [1.5, -0.5, 0.0], [-1.0, 2.0, 0.5], [0.0, -1.0, 1.5],
                        [2.0, 0.5, -0.5], [-0.5, -1.5, 1.0], [1.0, 1.0, 1.0], [-2.0, 0.0, -1.0],
                        [0.3, -0.7, 2.0], [1.2, 0.4, -1.6]])
    fixed_y = np.array([1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0])
    n, d, B = int(rng.integers(10, 60)), int(rng.integers(1, 5)), int(rng.integers(1, 9))
    return [
        Case("10 samples, 3 features, batches of 4",
             (fixed_X, fixed_y, np.array([0.2, -0.4, 0.1]), -0.3),
             {"lr": 0.7, "batch_size": 4, "rng": seeded(11)}),
        Case("10 samples, batches of one (per-sample SGD)",
             (fixed_X, fixed_y, np.zeros(3), 0.5), {"lr": 0.3, "batch_size": 1, "rng": seeded(12)}),
        Case(f"random: {n} samples, {d} features, batches of {B}", _classification(rng, n, d),
             {"lr": float(rng.uniform(0.05, 1.0)), "batch_size": B, "rng": rng}),
    ]


def _shuffled_batches(n, batch_size, rng, *, drop_last=False):
    order = rng.permutation(n)
    batches = [order[i:i + batch_size] for i in range(0, n, batch_size)]
    if drop_last and len(batches[-1]) < batch_size:
        batches = batches[:-1]
    return batches


def _epoch(X, y, w, b, lr, batches, *, gradient=None, update_bias=True):
    """Steps over ``batches``; ``gradient(Xb, yb, w, b, batch_size)`` defaults to the batch mean."""
    for batch in batches:
        Xb, yb = X[batch], y[batch]
        if gradient is None:
            r = _sigmoid(Xb @ w + b) - yb
            g_w, g_b = Xb.T @ r / len(yb), float(np.mean(r))
        else:
            g_w, g_b = gradient(Xb, yb, w, b)
        w = w - lr * g_w
        if update_bias:
            b = b - lr * g_b
    return w, float(b)


def _sum_gradient(Xb, yb, w, b):
    r = _sigmoid(Xb @ w + b) - yb
    return Xb.T @ r, float(np.sum(r))


def _epoch_loop(X, y, w, b, *, lr, batch_size, rng):
    w = np.array(w, dtype=float)
    order = rng.permutation(len(y))
    for start in range(0, len(y), batch_size):
        batch = order[start:start + batch_size]
        g_w, g_b = np.zeros_like(w), 0.0
        for i in batch:
            r = 1.0 / (1.0 + math.exp(-(X[i] @ w + b))) - y[i]
            g_w += r * X[i] / len(batch)
            g_b += r / len(batch)
        w = w - lr * g_w
        b = b - lr * g_b
    return w, b


def _epoch_shuffled_copies(X, y, w, b, *, lr, batch_size, rng):
    order = rng.permutation(X.shape[0])
    Xs, ys = X[order], y[order]
    for start in range(0, len(ys), batch_size):
        Xb, yb = Xs[start:start + batch_size], ys[start:start + batch_size]
        r = 1 / (1 + np.exp(-(Xb @ w + b))) - yb
        w, b = w - lr * np.mean(r[:, None] * Xb, axis=0), b - lr * r.mean()
    return w, float(b)


SGD_EPOCH = Exercise(
    id="sgd_epoch",
    title="One epoch of mini-batch SGD",
    reference=logistic_sgd_epoch,
    cases=_epoch_cases,
    points=3,
    allowed=("mlcourse_lib.data.batches.minibatch_indices", "mlcourse_lib.losses.sigmoid",
             "mlcourse_lib.models.logistic.logistic_gradient"),
    mistakes=(
        Mistake("sum instead of mean over the batch",
                "Each step uses the batch's mean gradient, (1/m) X_bᵀ(σ(z) - y_b): with the sum "
                "the step grows with the batch size, and lr no longer means the same for every B.",
                lambda X, y, w, b, *, lr, batch_size, rng: _epoch(
                    X, y, w, b, lr, _shuffled_batches(len(y), batch_size, rng), gradient=_sum_gradient)),
        Mistake("no shuffling (rng ignored)",
                "Take the batches from a new random order every epoch, rng.permutation(n), not in "
                "the stored order: sorted data would give batches of a single class, and every "
                "epoch would repeat the same sequence.",
                lambda X, y, w, b, *, lr, batch_size, rng: _epoch(
                    X, y, w, b, lr, [np.arange(len(y))[i:i + batch_size]
                                     for i in range(0, len(y), batch_size)])),
        Mistake("gradient of the whole data set at every step",
                "That is full-batch gradient descent, ⌈n/B⌉ times over; a mini-batch step uses "
                "only the gradient of its own batch, X_b and y_b.",
                lambda X, y, w, b, *, lr, batch_size, rng: _epoch(
                    X, y, w, b, lr, [np.arange(len(y))] * len(_shuffled_batches(len(y), batch_size, rng)))),
        Mistake("bias not updated",
                "The intercept is a parameter too: update b ← b - lr·g_b at every step, with "
                "g_b the mean of σ(z) - y over the batch.",
                lambda X, y, w, b, *, lr, batch_size, rng: _epoch(
                    X, y, w, b, lr, _shuffled_batches(len(y), batch_size, rng), update_bias=False)),
        Mistake("last partial batch dropped",
                "When batch_size does not divide n, the leftover samples form a smaller last "
                "batch, and it gets its step too: an epoch uses every sample once.",
                lambda X, y, w, b, *, lr, batch_size, rng: _epoch(
                    X, y, w, b, lr, _shuffled_batches(len(y), batch_size, rng, drop_last=True))),
        Mistake("last batch divided by batch_size",
                "The mean over a batch divides by its own size m: the last batch may hold fewer "
                "than batch_size samples.",
                lambda X, y, w, b, *, lr, batch_size, rng: _epoch(
                    X, y, w, b, lr, _shuffled_batches(len(y), batch_size, rng),
                    gradient=lambda Xb, yb, w_, b_: tuple(g / batch_size for g in _sum_gradient(Xb, yb, w_, b_)))),
        Mistake("each batch drawn on its own",
                "Drawing every batch at random from all samples (rng.choice per step) repeats some "
                "samples and skips others within the epoch; cut one permutation, "
                "rng.permutation(n), into consecutive batches.",
                lambda X, y, w, b, *, lr, batch_size, rng: _epoch(
                    X, y, w, b, lr, [rng.choice(len(y), size=min(batch_size, len(y) - i), replace=False)
                                     for i in range(0, len(y), batch_size)])),
        Mistake("step along +gradient",
                "The gradient points uphill; each step subtracts it: w ← w - lr·g_w, b ← b - lr·g_b.",
                lambda X, y, w, b, *, lr, batch_size, rng: _epoch(
                    X, y, w, b, -lr, _shuffled_batches(len(y), batch_size, rng))),
    ),
    alternatives=(
        _epoch_loop,
        _epoch_shuffled_copies,
        lambda X, y, w, b, *, lr, batch_size, rng: _epoch(
            X, y, w, b, lr, np.array_split(rng.permutation(len(y)),
                                           range(batch_size, len(y), batch_size))),
    ),
    hints=(
        "An epoch visits every sample exactly once, in a random order, a batch at a time, and "
        "makes one small step per batch.",
        "Draw one permutation of the n indices from rng, cut it into consecutive pieces of "
        "batch_size (the last piece keeps what is left), and for each piece compute the mean "
        "gradient of the logistic loss on those rows only, at the current parameters, then "
        "step both w and b against it. Build new arrays rather than changing w in place.",
        "π = rng.permutation(n); for each batch β = π[jB : (j+1)B]: r = σ(X_β w + b) - y_β, "
        "w ← w - lr · X_βᵀ r / |β|, b ← b - lr · mean(r); return (w, b).",
    ),
    rtol=1e-7,
    atol=1e-10,
)


# --- warmup_cosine_lr ---------------------------------------------------------------------------

_SCHEDULE = {"lr": 0.1, "warmup_steps": 4, "total_steps": 14, "min_lr": 0.01}
_SCHEDULE_HIDDEN = {"lr": 0.5, "warmup_steps": 5, "total_steps": 25, "min_lr": 0.05}


def _schedule_cases(rng, hidden):
    def at(step, label, params):
        return Case(label, (step,), dict(params))

    if not hidden:
        p = _SCHEDULE
        return [
            at(0, "step 0, the first warm-up step", p),
            at(2, "step 2, in the warm-up", p),
            at(4, "step 4, the first step after the warm-up", p),
            at(7, "step 7, in the cosine", p),
            at(12, "step 12, near the end", p),
            at(17, "step 17, after total_steps", p),
            at(3, "step 3 with no min_lr", {**p, "min_lr": 0.0}),
        ]
    p = _SCHEDULE_HIDDEN
    total = int(rng.integers(10, 200))
    warmup = int(rng.integers(0, total))
    random = {"lr": float(rng.uniform(0.01, 1.0)), "warmup_steps": warmup, "total_steps": total}
    random["min_lr"] = float(rng.uniform(0, random["lr"]))
    return [
        at(0, "step 0, the first warm-up step", p),
        at(3, "step 3, in the warm-up", p),
        at(5, "step 5, the first step after the warm-up", p),
        at(11, "step 11, in the cosine", p),
        at(20, "step 20, in the cosine", p),
        at(30, "step 30, after total_steps", p),
        at(6, "step 6 without warm-up", {**p, "warmup_steps": 0}),
        at(int(rng.integers(0, total + 20)), "random: a step of a random schedule", random),
    ]


def _warmup_cosine(step, lr, warmup_steps, total_steps, min_lr, *, ramp, cosine, clamp=True):
    """The frame of the schedule mistakes: ``ramp(k)`` in the warm-up, ``cosine(k)`` after it."""
    if step < warmup_steps:
        return float(ramp(step))
    if clamp and step > total_steps:
        return float(min_lr)
    return float(cosine(step))


def _schedule_with(ramp=None, phase=None, top=None, clamp=True):
    """A schedule whose warm-up ``ramp``, cosine ``phase`` or ``top`` value differ from the contract."""
    def schedule(step, *, lr, warmup_steps, total_steps, min_lr=0.0):
        W, T = warmup_steps, total_steps
        r = ramp or (lambda k: lr * (k + 1) / W)
        ph = phase or (lambda k: math.pi * (k - W) / (T - W))
        tp = top or (lambda: (min_lr, lr - min_lr))
        base, amplitude = tp()
        return _warmup_cosine(step, lr, W, T, min_lr, ramp=r,
                              cosine=lambda k: base + amplitude * (1 + math.cos(ph(k))) / 2,
                              clamp=clamp)
    return schedule


def _schedule_reference_loop(step, *, lr, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps:
        return lr * (step + 1) / warmup_steps
    progress = min(1.0, (step - warmup_steps) / (total_steps - warmup_steps))
    return min_lr + (lr - min_lr) * 0.5 * (1.0 + math.cos(math.pi * progress))


def _schedule_numpy(step, *, lr, warmup_steps, total_steps, min_lr=0.0):
    warm = lr * (step + 1) / max(warmup_steps, 1)
    t = np.clip((step - warmup_steps) / (total_steps - warmup_steps), 0.0, 1.0)
    cosine = min_lr + (lr - min_lr) * (np.cos(np.pi * t) + 1) / 2
    return float(warm if step < warmup_steps else cosine)


WARMUP_COSINE_LR = Exercise(
    id="warmup_cosine_lr",
    title="Cosine schedule with linear warm-up",
    reference=warmup_cosine_lr,
    cases=_schedule_cases,
    points=2,
    mistakes=(
        Mistake("warm-up off by one (starts at 0)",
                "Step k of the warm-up has the rate lr·(k + 1)/W: the first update gets lr/W, not "
                "0 (a step with rate 0 is wasted), and step W - 1 reaches lr.",
                lambda step, *, lr, warmup_steps, total_steps, min_lr=0.0: _schedule_with(
                    ramp=lambda k: lr * k / warmup_steps)(
                    step, lr=lr, warmup_steps=warmup_steps, total_steps=total_steps, min_lr=min_lr)),
        Mistake("warm-up from min_lr instead of 0",
                "The warm-up rises linearly from 0, lr·(k + 1)/W; min_lr is only the floor of the "
                "cosine at the end.",
                lambda step, *, lr, warmup_steps, total_steps, min_lr=0.0: _schedule_with(
                    ramp=lambda k: min_lr + (lr - min_lr) * (k + 1) / warmup_steps)(
                    step, lr=lr, warmup_steps=warmup_steps, total_steps=total_steps, min_lr=min_lr)),
        Mistake("cosine over total_steps instead of the steps after the warm-up",
                "The cosine runs over the T - W steps that follow the warm-up: its phase is "
                "π(k - W)/(T - W), so that it reaches min_lr exactly at step T.",
                lambda step, *, lr, warmup_steps, total_steps, min_lr=0.0: _schedule_with(
                    phase=lambda k: math.pi * (k - warmup_steps) / total_steps)(
                    step, lr=lr, warmup_steps=warmup_steps, total_steps=total_steps, min_lr=min_lr)),
        Mistake("cosine not shifted by the warm-up",
                "The cosine starts after the warm-up, at its own step 0: use k - W, not k, so "
                "that the first step after the warm-up has the full rate lr.",
                lambda step, *, lr, warmup_steps, total_steps, min_lr=0.0: _schedule_with(
                    phase=lambda k: math.pi * k / (total_steps - warmup_steps))(
                    step, lr=lr, warmup_steps=warmup_steps, total_steps=total_steps, min_lr=min_lr)),
        Mistake("min_lr ignored",
                "The cosine decays to min_lr, not to 0: min_lr + ½(lr - min_lr)(1 + cos(…)).",
                lambda step, *, lr, warmup_steps, total_steps, min_lr=0.0: _schedule_with(
                    top=lambda: (0.0, lr))(
                    step, lr=lr, warmup_steps=warmup_steps, total_steps=total_steps, min_lr=0.0)),
        Mistake("min_lr added to the full cosine",
                "min_lr + ½·lr·(1 + cos(…)) starts above lr; scale the cosine by lr - min_lr so "
                "that it runs from lr down to min_lr.",
                lambda step, *, lr, warmup_steps, total_steps, min_lr=0.0: _schedule_with(
                    top=lambda: (min_lr, lr))(
                    step, lr=lr, warmup_steps=warmup_steps, total_steps=total_steps, min_lr=min_lr)),
        Mistake("rate rises again after total_steps",
                "cos keeps turning after step T, so the rate climbs back towards lr; after T it "
                "stays at min_lr.",
                lambda step, *, lr, warmup_steps, total_steps, min_lr=0.0: _schedule_with(clamp=False)(
                    step, lr=lr, warmup_steps=warmup_steps, total_steps=total_steps, min_lr=min_lr)),
    ),
    alternatives=(_schedule_reference_loop, _schedule_numpy),
    hints=(
        "Two phases: first the rate climbs in a straight line up to lr, then it follows half a "
        "cosine wave down to min_lr, where it stays.",
        "In the warm-up (k < W) step k gets lr times (k + 1)/W, so the first update is not wasted "
        "with a rate of 0. The cosine phase has its own step counter, starting at 0 right "
        "after the warm-up, and lasts T - W steps. After step T, return min_lr.",
        "k < W: lr·(k + 1)/W; W ≤ k ≤ T: min_lr + ½(lr - min_lr)(1 + cos(π(k - W)/(T - W))); "
        "k > T: min_lr.",
    ),
    rtol=1e-9,
    atol=1e-12,
)


# --- best_learning_rate -------------------------------------------------------------------------

NAN = float("nan")
INF = float("inf")


def _run(loss, val_loss):
    return {"loss": list(loss), "val_loss": list(val_loss)}


def _history(loss, val_loss):
    """A run as :func:`~mlcourse_lib.train.fit` records it. (Two cases built from the same
    History objects compare equal even with NaN entries, which plain dicts of lists do not.)"""
    return History(metrics={"loss": list(loss), "val_loss": list(val_loss)})


# Seven runs of a sweep, chosen so that every known mistake picks a different learning rate:
# the best epoch is the run at 0.01 (0.24 at epoch 3); the last epochs favour 0.1, the training
# loss 0.03, a run with NaN 0.3, the all-NaN run 1.0, and the worst best epoch 0.001.
_SWEEP_LRS = np.array([0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0])
_SWEEP = [
    _run([0.69, 0.66, 0.63, 0.61, 0.59], [0.70, 0.67, 0.64, 0.62, 0.60]),
    _run([0.62, 0.50, 0.42, 0.37, 0.33], [0.63, 0.52, 0.45, 0.40, 0.36]),
    _run([0.45, 0.30, 0.22, 0.17, 0.14], [0.47, 0.33, 0.26, 0.24, 0.25]),
    _run([0.30, 0.18, 0.12, 0.08, 0.06], [0.33, 0.27, 0.27, 0.29, 0.31]),
    _run([0.42, 0.30, 0.33, 0.25, 0.21], [0.40, 0.31, 0.35, 0.28, 0.245]),
    _run([0.90, 2.50, NAN, NAN, NAN], [0.55, 3.00, NAN, NAN, NAN]),
    _run([NAN] * 5, [NAN] * 5),
]

# The hidden twin: other numbers and order, an infinite loss, and the best run not in the middle;
# the run at 0.05 also has the lowest mean over its epochs.
_SWEEP_LRS_HIDDEN = np.array([0.05, 0.5, 0.0005, 5.0, 0.005, 50.0, 0.02])
_SWEEP_HIDDEN = [
    _history([0.35, 0.20, 0.12, 0.07, 0.05, 0.04], [0.36, 0.24, 0.21, 0.23, 0.24, 0.25]),    # train's pick
    _history([0.50, 0.40, 0.45, 0.38, 0.36, 0.34], [0.45, 0.33, 0.36, 0.31, 0.35, 0.215]),   # last epoch's
    _history([0.69, 0.68, 0.67, 0.66, 0.65, 0.64], [0.70, 0.69, 0.68, 0.67, 0.66, 0.65]),    # worst best
    _history([1.50, 4.00, INF, NAN, NAN, NAN], [0.60, 5.00, INF, NAN, NAN, NAN]),           # a NaN run
    _history([0.55, 0.42, 0.33, 0.27, 0.23, 0.20], [0.56, 0.44, 0.35, 0.30, 0.25, 0.22]),
    _history([NAN] * 6, [NAN] * 6),                                                         # all NaN
    _history([0.40, 0.26, 0.18, 0.13, 0.10, 0.08], [0.41, 0.28, 0.205, 0.21, 0.22, 0.23]),   # the best
]


def _random_sweep(rng, n_runs, n_epochs):
    """Validation curves that fall, then rise (overfitting), with some runs diverging."""
    lrs = np.sort(rng.choice(np.geomspace(1e-4, 10.0, 41), size=n_runs, replace=False))
    histories = []
    for r in range(n_runs):
        start, floor = rng.uniform(0.5, 0.8), rng.uniform(0.05, 0.4)
        epochs = np.arange(n_epochs)
        val = floor + (start - floor) * np.exp(-rng.uniform(0.2, 2.0) * epochs) \
            + rng.uniform(0, 0.02) * epochs + rng.uniform(0, 0.01, size=n_epochs)
        train = val - rng.uniform(0.0, 0.1, size=n_epochs)
        if r >= n_runs - 2:                                # the largest rates diverge
            cut = int(rng.integers(0, n_epochs))
            val[cut:], train[cut:] = NAN, NAN
        histories.append(_run(train, val))
    return lrs, histories


def _sweep_cases(rng, hidden):
    if not hidden:
        shuffled = [0, 2, 4, 6, 1, 3, 5]
        return [
            Case("seven learning rates, two diverged", (_SWEEP_LRS.copy(), _SWEEP)),
            Case("the same sweep in another order, as History objects of train.fit",
                 (_SWEEP_LRS[shuffled].copy(), [_history(**_SWEEP[i]) for i in shuffled])),
            Case("three runs, none diverged",
                 (np.array([0.01, 0.1, 1.0]),
                  [_run([0.5, 0.4, 0.35], [0.52, 0.45, 0.41]), _run([0.3, 0.2, 0.1], [0.33, 0.3, 0.34]),
                   _run([0.6, 0.3, 0.4], [0.5, 0.28, 0.45])])),
        ]
    lrs, histories = _random_sweep(rng, int(rng.integers(4, 10)), int(rng.integers(3, 12)))
    return [
        Case("seven learning rates, one run infinite then NaN", (_SWEEP_LRS_HIDDEN.copy(), _SWEEP_HIDDEN)),
        Case("a single run", (np.array([0.1]), [_run([0.5, 0.3], [0.6, 0.4])])),
        Case("random: a sweep with diverging runs", (lrs, histories)),
    ]


def _finite_best(curve):
    values = np.asarray(curve, dtype=float)
    values = values[np.isfinite(values)]
    return values.min() if values.size else np.inf


def _sweep_loop(learning_rates, histories):
    best_lr, best_loss = None, math.inf
    for lr, history in zip(learning_rates, histories):
        for value in history["val_loss"]:
            if math.isfinite(value) and value < best_loss:
                best_lr, best_loss = lr, value
    return float(best_lr)


def _sweep_masked(learning_rates, histories):
    val = np.array([h["val_loss"] for h in histories], dtype=float)
    val[~np.isfinite(val)] = np.inf
    return float(learning_rates[np.argmin(val.min(axis=1))])


def _scores(histories, key):
    """Each run's lowest finite ``key`` loss, NaN for a run without any."""
    best = np.array([_finite_best(h[key]) for h in histories])
    return np.where(np.isinf(best), np.nan, best)


def _nanmin_rows(histories):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.array([np.nanmin(np.asarray(h["val_loss"], dtype=float)) for h in histories])


BEST_LEARNING_RATE = Exercise(
    id="best_learning_rate",
    title="The best learning rate of a sweep",
    reference=best_learning_rate,
    cases=_sweep_cases,
    points=2,
    allowed=("mlcourse_lib.train.History.",),      # reading the histories the cases pass in
    mistakes=(
        Mistake("training loss instead of validation loss",
                "The training loss rewards the run that fits the training data best, overfitting "
                "included; the learning rate is a hyperparameter, chosen on the validation loss.",
                lambda learning_rates, histories: float(
                    learning_rates[np.nanargmin(_scores(histories, "loss"))])),
        Mistake("argmax instead of argmin",
                "A loss is minimized: the best run has the lowest validation loss.",
                lambda learning_rates, histories: float(
                    learning_rates[np.nanargmax(_scores(histories, "val_loss"))])),
        Mistake("NaN runs not skipped",
                "np.min of a curve that holds a NaN is NaN, and np.argmin returns the first NaN it "
                "meets, so a diverged run wins. Leave out NaN and infinite losses (np.isfinite) "
                "before taking minima.",
                lambda learning_rates, histories: float(learning_rates[np.argmin(
                    [np.min(h["val_loss"]) for h in histories])])),
        Mistake("all-NaN run not skipped",
                "np.nanmin ignores the NaN epochs of a run, but a run with no finite loss at all "
                "still scores NaN, and np.argmin picks it. Skip such runs (np.nanargmin, or a score "
                "of inf).",
                lambda learning_rates, histories: float(learning_rates[np.argmin(_nanmin_rows(histories))])),
        Mistake("last epoch instead of the best epoch",
                "Score each run by its best epoch, the one early stopping would keep: the lowest "
                "finite validation loss over all epochs, not the last one.",
                lambda learning_rates, histories: float(learning_rates[np.nanargmin(
                    [h["val_loss"][-1] if np.isfinite(h["val_loss"][-1]) else np.nan
                     for h in histories])])),
        Mistake("index instead of the learning rate",
                "Return the learning rate itself, learning_rates[r], not its position r.",
                lambda learning_rates, histories: int(np.argmin(
                    [_finite_best(h["val_loss"]) for h in histories]))),
    ),
    alternatives=(
        _sweep_loop,
        _sweep_masked,
        lambda learning_rates, histories: float(learning_rates[np.nanargmin(
            _scores(histories, "val_loss"))]),
    ),
    hints=(
        "Give each run one score from its validation curve, then pick the run with the best "
        "score; diverged epochs must not count.",
        "A run's score is its lowest validation loss over the epochs (the epoch early stopping "
        "would keep), with NaN and infinite values left out; a run with no finite value is "
        "skipped. The best run has the lowest score; return its learning rate, not its position.",
        "s_r = min over epochs e with finite v_{r,e} of v_{r,e}; r* = argmin_r s_r over the runs "
        "that have a score; return learning_rates[r*] as a float.",
    ),
)


EXERCISES = [LOGISTIC_GRADIENT, SGD_EPOCH, WARMUP_COSINE_LR, BEST_LEARNING_RATE]  # in chapter order
