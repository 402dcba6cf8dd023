"""Exercises of the capstone (chapter "Capstone: digits from end to end").

One-hot targets, the loss and gradient of a one-hidden-layer MLP, one configuration of a
random search, and the whole pipeline in one function, ``train_and_predict``.

The pipeline's answer is random (initial weights, the order of the mini-batches), so it is
judged by what it must achieve, not by its numbers: its predictions must be right for at
least ``ACCURACY_THRESHOLD`` of the new digits of every case. Its hidden cases ask for the
digits that :func:`mlcourse_lib.pipeline.held_out_digits` keeps out of the course: the
student's function gets their features, and their labels stay here, in the cases' ``labels``
field, which only :func:`_validate_predictions` reads (the grader never sends it).

A pipeline that never shuffles is not among the known mistakes: with Adam on digits it still
predicts over 93 % right, even from training data sorted by class, so accuracy cannot tell it
apart. Shuffling X and y with two different permutations, the shuffling bug that does break
training, is.
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from dataclasses import field, make_dataclass
from functools import lru_cache, wraps

import numpy as np

from ...losses import one_hot
from ...models import mlp_loss_and_grad
from ...pipeline import N_COURSE_DIGITS, course_digits, held_out_digits, sample_config, train_and_predict
from ..spec import Case, Exercise, Mistake

CHAPTER = "10_capstone"


# --- one_hot ----------------------------------------------------------------------------------

def _one_hot_cases(rng, hidden):
    if not hidden:
        return [
            Case("four labels, three classes", (np.array([2, 0, 1, 2]), 3)),
            Case("labels 0, 3, 1 of five classes (class 4 absent)", (np.array([0, 3, 1]), 5)),
            Case("one label of ten classes", (np.array([7]), 10)),
        ]
    n, k = int(rng.integers(1, 40)), int(rng.integers(2, 12))
    return [
        Case("labels 4, 1, 4, 2 of six classes (classes 0 and 5 absent)", (np.array([4, 1, 4, 2]), 6)),
        Case("twelve digits of ten classes (7 and 0 absent)",
             (np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]), 10)),
        Case(f"random: {n} labels of {k} classes", (rng.integers(0, k, size=n), k)),
    ]


def _one_hot_eye(y, n_classes):
    return np.eye(n_classes)[y]


def _one_hot_compare(y, n_classes):
    return (np.asarray(y)[:, None] == np.arange(n_classes)).astype(float)


def _one_hot_loop(y, n_classes):
    Y = np.zeros((len(y), n_classes))
    for i, label in enumerate(y):
        Y[i, label] = 1.0
    return Y


def _one_hot_counted_classes(y, n_classes):
    return np.eye(int(np.max(y)) + 1)[y]


def _one_hot_distinct_labels(y, n_classes):
    classes = np.unique(y)
    return (np.asarray(y)[:, None] == classes).astype(float)


ONE_HOT = Exercise(
    id="one_hot",
    title="One-hot targets",
    reference=one_hot,
    cases=_one_hot_cases,
    points=2,
    mistakes=(
        Mistake("classes counted from the labels",
                "A batch need not hold every class (the largest label may be absent), yet the "
                "network always has n_classes outputs: the result has n_classes columns, "
                "whatever labels y holds.",
                _one_hot_counted_classes),
        Mistake("one row per class (transposed)",
                "Row i is sample i, so that Y lines up with the logits of shape (n, n_classes): "
                "the result has shape (n, n_classes).",
                lambda y, n_classes: np.eye(n_classes)[y].T),
        Mistake("labels counted from 1",
                "The labels are class indices 0, …, n_classes - 1, and label k puts its 1 in "
                "column k (label 0 in column 0), not in column k - 1.",
                lambda y, n_classes: np.eye(n_classes)[np.asarray(y) - 1]),
        Mistake("one column per distinct label",
                "Column k stands for class k, whether or not it occurs in y; columns for the "
                "distinct labels only (np.unique) lose the absent classes and shift the others.",
                _one_hot_distinct_labels),
    ),
    alternatives=(_one_hot_eye, _one_hot_compare, _one_hot_loop),
    hints=(
        "Each sample becomes a row with one 1, in the column of its class, and 0 elsewhere.",
        "The result has one row per label and n_classes columns, even for classes that do not "
        "occur in y. Start from zeros and set one entry per row, or pick rows of an identity "
        "matrix by the labels.",
        "Y[i, k] = 1 if k = y_i else 0, for i = 0, …, n - 1 and k = 0, …, n_classes - 1; shape "
        "(n, n_classes), floats.",
    ),
)


# --- mlp_loss_and_grad --------------------------------------------------------------------------

def _mlp_problem(rng, n, d, hidden, k, *, logit_scale=1.0):
    params = {
        "W1": rng.normal(size=(d, hidden)),
        "b1": rng.normal(scale=0.5, size=hidden),
        "W2": logit_scale * rng.normal(size=(hidden, k)),
        "b2": rng.normal(scale=0.5, size=k),
    }
    X = rng.normal(size=(n, d))
    y = rng.integers(0, k, size=n)
    if n >= k:
        y[:k] = np.arange(k)                               # every class occurs in the batch
    return params, X, y


def _mlp_cases(rng, hidden):
    if not hidden:
        params = {"W1": np.array([[1.0, -1.0, 0.5, 2.0], [0.5, 1.0, -1.5, -0.5]]),
                  "b1": np.array([0.1, -0.2, 0.0, 0.3]),
                  "W2": np.array([[1.0, -0.5, 0.2], [0.3, 0.8, -1.0], [-0.6, 0.4, 0.9], [0.5, 0.5, -0.5]]),
                  "b2": np.array([0.0, 0.2, -0.1])}
        X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.5, -1.5]])
        return [
            Case("3 samples, 2 features, 4 hidden units, 3 classes", (params, X, np.array([2, 0, 1]))),
            Case("7 samples, 5 features, 6 hidden units, 4 classes", _mlp_problem(rng, 7, 5, 6, 4)),
            Case("logits of several hundred (exp overflows)",
                 _mlp_problem(rng, 4, 3, 5, 3, logit_scale=300.0)),
        ]
    fixed_rng = np.random.default_rng(2024)
    n, d = int(rng.integers(2, 30)), int(rng.integers(1, 10))
    h, k = int(rng.integers(2, 20)), int(rng.integers(2, 8))
    return [
        Case("6 samples, 3 features, 5 hidden units, 4 classes", _mlp_problem(fixed_rng, 6, 3, 5, 4)),
        Case("logits of about ±1000", _mlp_problem(fixed_rng, 5, 4, 6, 3, logit_scale=500.0)),
        Case(f"random: {n} samples, {d} features, {h} hidden units, {k} classes",
             _mlp_problem(rng, n, d, h, k)),
    ]


def _log_softmax_rows(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _mlp_with(*, probabilities=None, targets=None, batch_scale=None, relu_mask=True, bias_reduce=np.sum):
    """The one-hidden-layer MLP's loss and gradient, built from parts (the frame of the mistakes).

    ``probabilities(z) -> (log_p, p)``; ``targets(y, n, k) -> T``, what ``p`` is compared with;
    ``batch_scale(n)`` divides the output error (default ``n``).
    """
    def loss_and_grad(params, X, y):
        W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
        n = X.shape[0]
        a = X @ W1 + b1
        h = np.maximum(a, 0.0)
        z = h @ W2 + b2
        if probabilities is None:
            log_p = _log_softmax_rows(z)
            p = np.exp(log_p)
        else:
            log_p, p = probabilities(z)
        loss = float(-np.mean(log_p[np.arange(n), y]))
        T = np.eye(z.shape[1])[y] if targets is None else targets(y, n, z.shape[1])
        G = (p - T) / (n if batch_scale is None else batch_scale(n))
        d_h = G @ W2.T
        d_a = d_h * (a > 0) if relu_mask else d_h
        return loss, {"W1": X.T @ d_a, "b1": bias_reduce(d_a, axis=0),
                      "W2": h.T @ G, "b2": bias_reduce(G, axis=0)}
    return loss_and_grad


def _naive_softmax(z):
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    return np.log(p), p


def _softmax_over_samples(z):
    shifted = z - z.max(axis=0, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    return log_p, np.exp(log_p)


def _mlp_logsumexp(params, X, y):
    a = X @ params["W1"] + params["b1"]
    h = np.where(a > 0, a, 0.0)
    z = h @ params["W2"] + params["b2"]
    m = z.max(axis=1)
    lse = m + np.log(np.sum(np.exp(z - m[:, None]), axis=1))
    n = len(y)
    loss = float(np.mean(lse - z[np.arange(n), y]))
    G = np.exp(z - lse[:, None])
    G[np.arange(n), y] -= 1.0
    G /= n
    d_a = (G @ params["W2"].T) * (a > 0)
    return loss, {"W2": np.einsum("ij,ik->jk", h, G), "b2": G.sum(axis=0),
                  "W1": np.einsum("ij,ik->jk", X, d_a), "b1": d_a.sum(axis=0)}


def _mlp_per_sample(params, X, y):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    total, n = 0.0, len(y)
    for x, label in zip(X, y):
        a = x @ W1 + b1
        h = np.maximum(a, 0.0)
        z = h @ W2 + b2
        shifted = z - z.max()
        p = np.exp(shifted) / np.exp(shifted).sum()
        total += np.log(np.exp(shifted).sum()) - shifted[label]
        g = p.copy()
        g[label] -= 1.0
        grads["W2"] += np.outer(h, g) / n
        grads["b2"] += g / n
        d_a = (W2 @ g) * (a > 0)
        grads["W1"] += np.outer(x, d_a) / n
        grads["b1"] += d_a / n
    return float(total / n), grads


MLP_LOSS_AND_GRAD = Exercise(
    id="mlp_loss_and_grad",
    title="Loss and gradient of a one-hidden-layer MLP",
    reference=mlp_loss_and_grad,
    cases=_mlp_cases,
    points=4,
    mistakes=(
        Mistake("labels not one-hot",
                "p - y with y of shape (n,) or (n, 1) subtracts each sample's label number from "
                "every probability. The output error is p - Y with Y the one-hot targets: Y[i, k] "
                "= 1 for k = y_i, so only the true class's probability is lowered by 1.",
                _mlp_with(targets=lambda y, n, k: y[:, None])),
        Mistake("gradient summed, not averaged",
                "The loss is the mean over the n samples, so every gradient carries the same 1/n: "
                "G = (p - Y)/n. A summed gradient is n times too large.",
                _mlp_with(batch_scale=lambda n: 1.0)),
        Mistake("ReLU derivative left out",
                "h = max(a, 0) passes a gradient only where a > 0: ∂L/∂a = ∂L/∂h ⊙ [a > 0]. "
                "Without the mask, inactive units get a gradient they did not earn.",
                _mlp_with(relu_mask=False)),
        Mistake("softmax over the samples (axis=0)",
                "Each row of the logits is one sample's scores over the K classes; the softmax "
                "normalizes each row (axis=1), not each class over the batch.",
                _mlp_with(probabilities=_softmax_over_samples)),
        Mistake("bias gradient averaged again",
                "G already holds the 1/n of the mean loss, so a bias gradient is the plain sum "
                "of its rows, Σ_i G_i; averaging divides by n a second time.",
                _mlp_with(bias_reduce=np.mean)),
        Mistake("no max shift (exp overflows)",
                "exp of a logit above about 709 is inf in float64, and inf/inf is nan. Subtract "
                "each row's maximum first: the softmax and log Σ exp do not change, and every "
                "exponent is ≤ 0.",
                _mlp_with(probabilities=_naive_softmax), non_finite=True),
    ),
    alternatives=(_mlp_logsumexp, _mlp_per_sample,
                  _mlp_with(probabilities=lambda z: (_log_softmax_rows(z), np.exp(_log_softmax_rows(z))))),
    hints=(
        "Run the forward pass keeping a, h and the logits z, then walk the same lines backwards, "
        "from the loss to W2 and b2, then through the ReLU to W1 and b1.",
        "The loss is the mean over the samples of log Σ_k exp(z_ik) - z_i,yᵢ (shift each row by "
        "its maximum first). Its gradient with respect to the logits is (softmax(z) - Y)/n with "
        "Y the one-hot targets. A weight's gradient is its layer's input (transposed) times the "
        "gradient at its output; a bias's gradient sums that over the samples; the ReLU lets the "
        "gradient through only where a > 0.",
        "a = XW1 + b1, h = max(a, 0), z = hW2 + b2; G = (softmax(z) - Y)/n; ∂W2 = hᵀG, "
        "∂b2 = Σ_i G_i; ∂h = GW2ᵀ; ∂a = ∂h ⊙ [a > 0]; ∂W1 = Xᵀ∂a, ∂b1 = Σ_i ∂a_i. "
        "Return (loss, {'W1', 'b1', 'W2', 'b2'}).",
    ),
    rtol=1e-7,
    atol=1e-10,
)


# --- sample_config ------------------------------------------------------------------------------

def _config_case(label, seed, lr_range, hidden_choices, l2_range):
    return Case(label, (np.random.default_rng(seed),),
                {"lr_range": lr_range, "hidden_choices": hidden_choices, "l2_range": l2_range})


def _config_cases(rng, hidden):
    if not hidden:
        return [
            _config_case("the default space", 0, (1e-3, 1e-1), (16, 32, 64), (1e-6, 1e-2)),
            _config_case("widths in no order, rates in [1e-4, 1)", 1, (1e-4, 1.0), (8, 128, 32, 512),
                         (1e-5, 1e-1)),
            _config_case("a single width", 2, (0.01, 0.5), (100,), (1e-3, 1.0)),
        ]
    low = float(10 ** rng.uniform(-5, -1))
    widths = tuple(int(w) for w in rng.choice([4, 8, 16, 24, 32, 48, 64, 128, 256],
                                              size=int(rng.integers(1, 6)), replace=False))
    return [
        _config_case("rates in [1e-5, 0.3), widths 64, 16, 256", 7, (1e-5, 0.3), (64, 16, 256), (1e-8, 1e-4)),
        _config_case("rates in [0.002, 0.2), widths 10, 20, 30, 40, 50", 8, (0.002, 0.2),
                     (10, 20, 30, 40, 50), (1e-6, 1e-2)),
        _config_case(f"random: rates in [{low:.3g}, {100 * low:.3g}), widths {widths}",
                     int(rng.integers(2**31)), (low, 100 * low), widths, (low / 100, low)),
    ]


def _config_with(draw_lr=None, draw_width=None, order=("lr", "hidden_units", "l2")):
    """A sampler built from its draws (the frame of the mistakes)."""
    def log_uniform(rng, bounds):
        return math.exp(rng.uniform(math.log(bounds[0]), math.log(bounds[1])))

    def width(rng, choices):
        return choices[int(rng.integers(len(choices)))]

    def sample(rng, *, lr_range, hidden_choices, l2_range):
        draws = {"lr": lambda: (draw_lr or log_uniform)(rng, lr_range),
                 "hidden_units": lambda: (draw_width or width)(rng, list(hidden_choices)),
                 "l2": lambda: log_uniform(rng, l2_range)}
        config = {}
        for name in order:
            config[name] = draws[name]()
        return {"lr": float(config["lr"]), "hidden_units": int(config["hidden_units"]),
                "l2": float(config["l2"])}
    return sample


def _config_log10(rng, *, lr_range, hidden_choices, l2_range):
    lr = 10.0 ** rng.uniform(math.log10(lr_range[0]), math.log10(lr_range[1]))
    hidden_units = rng.choice(hidden_choices)
    l2 = 10.0 ** rng.uniform(math.log10(l2_range[0]), math.log10(l2_range[1]))
    return {"lr": lr, "hidden_units": int(hidden_units), "l2": l2}


def _config_power(rng, *, lr_range, hidden_choices, l2_range):
    lo, hi = lr_range
    lr = lo * (hi / lo) ** rng.random()
    hidden_units = list(hidden_choices)[rng.integers(0, len(hidden_choices))]
    lo, hi = l2_range
    return {"lr": lr, "hidden_units": hidden_units, "l2": lo * (hi / lo) ** rng.random()}


SAMPLE_CONFIG = Exercise(
    id="sample_config",
    title="One configuration of a random search",
    reference=sample_config,
    cases=_config_cases,
    points=2,
    mistakes=(
        Mistake("learning rate uniform, not log-uniform",
                "Drawn uniformly in [1e-3, 0.1), 90 % of the learning rates land in the top "
                "decade [0.01, 0.1). A rate acts by its order of magnitude: draw its logarithm "
                "uniformly, lr = exp(u) with u uniform in [ln low, ln high).",
                _config_with(draw_lr=lambda rng, bounds: rng.uniform(bounds[0], bounds[1]))),
        Mistake("base-10 logarithms under a natural exponential",
                "exp undoes ln, and 10** undoes log10; exp(u) with u in [log10 low, log10 high) "
                "lands in a different range altogether. Use ln with exp (or log10 with 10**).",
                _config_with(draw_lr=lambda rng, bounds: math.exp(
                    rng.uniform(math.log10(bounds[0]), math.log10(bounds[1]))))),
        Mistake("draws in another order",
                "The contract fixes the order of the draws (the learning rate, then the width, "
                "then the penalty), so that the same Generator gives the same configuration, "
                "here and in the check.",
                _config_with(order=("hidden_units", "lr", "l2"))),
        Mistake("width drawn between the smallest and the largest choice",
                "The width is one of hidden_choices, picked by a uniform index 0, …, m - 1, not "
                "any integer between the smallest and the largest of them.",
                _config_with(draw_width=lambda rng, choices: int(rng.integers(min(choices),
                                                                               max(choices) + 1)))),
    ),
    alternatives=(_config_log10, _config_power),
    hints=(
        "Three draws from the rng you are given, in the order lr, hidden_units, l2.",
        "The two rates are log-uniform: draw the logarithm uniformly between the logarithms of "
        "the bounds, then exponentiate. The width is hidden_choices at a uniform random index.",
        "lr = exp(u₁), u₁ uniform in [ln lr_low, ln lr_high); j = uniform integer in 0, …, m - 1, "
        "hidden_units = hidden_choices[j]; l2 = exp(u₂), u₂ uniform in [ln l2_low, ln l2_high). "
        "Return {'lr': float, 'hidden_units': int, 'l2': float}.",
    ),
    rtol=1e-9,
    atol=0.0,
)


# --- train_and_predict ----------------------------------------------------------------------------

ACCURACY_THRESHOLD = 0.9
"""The share of new digits a pipeline must predict right, in every case (a correct one gets about 95 %)."""

_TRAIN_SIZE = 1000
_HYPER = {"hidden_units": 32, "lr": 0.02, "epochs": 8, "batch_size": 100}
_SINGLE_CLASS = 6
_PUBLIC_UNITS = (16.0, 100.0)
_HIDDEN_UNITS = (12.0, 150.0)


LabelledCase = make_dataclass(
    "LabelledCase", [("labels", np.ndarray, field(default=None, repr=False, compare=False))],
    bases=(Case,), frozen=True,
    namespace={"__module__": __name__, "__doc__": (
        "A Case with the true labels of its new samples, read by _validate_predictions alone.\n\n"
        "``labels`` is no argument of the student's function: it stays with whoever judges the\n"
        "output (for hidden cases, the grader), so held-out labels never reach a notebook.")})


@lru_cache(maxsize=1)
def _digits():
    """``(X_course, y_course, X_held, y_held)``, loaded once (scikit-learn reads a file)."""
    course, held = course_digits(), held_out_digits()
    return course.X, course.y, held.X, held.y


def _prediction_case(label, X_train, y_train, X_new, y_new, *, seed, units=(1.0, 0.0)):
    """A LabelledCase with both sets in the units ``scale·x + offset`` and the labels of X_new."""
    scale, offset = units
    kwargs = dict(_HYPER, rng=np.random.default_rng(seed))
    return LabelledCase(label, (scale * X_train + offset, y_train.copy(), scale * X_new + offset),
                        kwargs, labels=y_new.copy())


def _prediction_cases(rng, hidden):
    X, y, X_held, y_held = _digits()
    if not hidden:
        order = np.random.default_rng(0).permutation(N_COURSE_DIGITS)
        train, new = order[:_TRAIN_SIZE], order[_TRAIN_SIZE:]
        single = new[y[new] == _SINGLE_CLASS]
        scale, offset = _PUBLIC_UNITS
        return [
            _prediction_case(f"{_TRAIN_SIZE} training digits, the other {len(new)} course digits to "
                             "predict", X[train], y[train], X[new], y[new], seed=0),
            _prediction_case(f"the same digits in other units ({scale:g}·x + {offset:g})",
                             X[train], y[train], X[new], y[new], seed=0, units=_PUBLIC_UNITS),
            _prediction_case(f"{len(single)} new digits, all of one class", X[train], y[train],
                             X[single], y[single], seed=0),
        ]
    order = np.random.default_rng(1).permutation(N_COURSE_DIGITS)
    train = order[:_TRAIN_SIZE]
    single = y_held == _SINGLE_CLASS
    scale, offset = _HIDDEN_UNITS
    random_train = rng.permutation(N_COURSE_DIGITS)[:_TRAIN_SIZE]
    units = (float(rng.uniform(5.0, 20.0)), float(rng.uniform(100.0, 250.0)))
    return [
        _prediction_case(f"{_TRAIN_SIZE} course digits; the {len(y_held)} held-out digits to predict, "
                         f"all in other units ({scale:g}·x + {offset:g})",
                         X[train], y[train], X_held, y_held, seed=1, units=_HIDDEN_UNITS),
        _prediction_case(f"{_TRAIN_SIZE} course digits; {int(single.sum())} held-out digits of one "
                         "class to predict", X[train], y[train], X_held[single], y_held[single], seed=2),
        _prediction_case(f"random: {_TRAIN_SIZE} course digits drawn at random; the {len(y_held)} "
                         f"held-out digits, in units {units[0]:.3g}·x + {units[1]:.3g}",
                         X[random_train], y[random_train], X_held, y_held,
                         seed=int(rng.integers(2**31)), units=units),
    ]


def _validate_predictions(case, got):
    labels = getattr(case, "labels", None)
    if labels is None:
        return ("this case reached the check without the labels of its new samples; it must be "
                "built by the exercise's own cases (a LabelledCase).")
    n, n_train = len(labels), len(case.args[1])
    if isinstance(got, (np.ndarray, list, tuple)):
        try:
            pred = np.asarray(got)
        except Exception as exc:  # ragged lists and the like
            return f"the result cannot be read as an array of labels ({exc})."
    else:
        return f"the result is a {type(got).__name__}; expected an array of {n} predicted labels."
    if pred.dtype.kind not in "biuf":
        return f"the result has dtype {pred.dtype}; expected integer labels."
    if pred.shape != (n,):
        if pred.shape == (n_train,):
            return (f"the result has shape {pred.shape}: one label per training sample. Predict the "
                    f"{n} samples of X_new: the training samples tell nothing about new data.")
        if pred.ndim == 2 and pred.shape[0] == n:
            return (f"the result has shape {pred.shape}; expected ({n},): one label per new sample, "
                    "the index of its largest logit (argmax over axis 1).")
        return f"the result has shape {pred.shape}; expected ({n},), one label per row of X_new."
    if pred.dtype.kind == "f" and not np.all(pred == np.round(pred)):
        return "the result holds non-integer numbers; expected class labels (argmax of the logits)."
    n_classes = int(np.max(case.args[1])) + 1
    outside = (pred < 0) | (pred >= n_classes)
    if np.any(outside):
        i = int(np.flatnonzero(outside)[0])
        return f"the result holds the label {pred[i]} at index {i}; labels run from 0 to {n_classes - 1}."
    accuracy = float(np.mean(pred == labels))
    if accuracy < ACCURACY_THRESHOLD:
        return (f"{accuracy:.1%} of the {n} new digits are predicted right; at least "
                f"{ACCURACY_THRESHOLD:.0%} must be (a correct pipeline gets about 95%).")
    return None


def _fingerprint(*values) -> bytes:
    digest = hashlib.sha1()
    for value in values:
        if isinstance(value, np.ndarray):
            digest.update(f"{value.dtype}{value.shape}".encode())
            digest.update(np.ascontiguousarray(value).tobytes())
        elif isinstance(value, np.random.Generator):
            digest.update(repr(value.bit_generator.state).encode())
        else:
            digest.update(repr(value).encode())
    return digest.digest()


def _remembered(fn):
    """``fn`` with its outputs remembered by its exact inputs, the Generator's state included.

    One training takes tens of milliseconds, and the tests run each known mistake and each
    alternative on the same fixed cases over and over; the answer never changes for the same
    inputs, so it is computed once.
    """
    memory: OrderedDict = OrderedDict()

    @wraps(fn)
    def remembered(X_train, y_train, X_new, *, hidden_units, lr, epochs, batch_size, rng):
        key = _fingerprint(X_train, y_train, X_new, hidden_units, lr, epochs, batch_size, rng)
        if key not in memory:
            memory[key] = fn(X_train, y_train, X_new, hidden_units=hidden_units, lr=lr,
                             epochs=epochs, batch_size=batch_size, rng=rng)
            if len(memory) > 256:
                memory.popitem(last=False)
        memory.move_to_end(key)
        out = memory[key]
        return out.copy() if isinstance(out, np.ndarray) else out
    return remembered


def _statistics(X):
    mean, std = X.mean(axis=0), X.std(axis=0)
    return mean, np.where(std == 0, 1.0, std)


def _pipeline_with(*, standardize="train", zero_std="one", init="he", shuffle="together",
                   targets="one_hot", softmax_axis=1, predict="new"):
    """A numpy pipeline built from its choices (the frame of the mistakes and an alternative)."""
    def train_and_predict(X_train, y_train, X_new, *, hidden_units, lr, epochs, batch_size, rng):
        n, d = X_train.shape
        k = int(y_train.max()) + 1
        if standardize == "none":
            Z, Z_new = X_train, X_new
        else:
            mean, std = _statistics(X_train)
            if zero_std == "zero":
                std = X_train.std(axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                Z = (X_train - mean) / std
                if standardize == "own":
                    mean, std = _statistics(X_new)
                Z_new = (X_new - mean) / std
        params = {"W1": rng.normal(0.0, math.sqrt(2.0 / d), (d, hidden_units)), "b1": np.zeros(hidden_units),
                  "W2": rng.normal(0.0, math.sqrt(2.0 / hidden_units), (hidden_units, k)), "b2": np.zeros(k)}
        if init == "zeros":
            params = {name: np.zeros_like(value) for name, value in params.items()}
        Y = np.eye(k)[y_train] if targets == "one_hot" else y_train[:, None].astype(float)
        m = {name: np.zeros_like(value) for name, value in params.items()}
        v = {name: np.zeros_like(value) for name, value in params.items()}
        t = 0
        for _ in range(epochs):
            order = rng.permutation(n)
            target_order = rng.permutation(n) if shuffle == "apart" else order
            for start in range(0, n, batch_size):
                xb, yb = Z[order[start:start + batch_size]], Y[target_order[start:start + batch_size]]
                a = xb @ params["W1"] + params["b1"]
                h = np.maximum(a, 0.0)
                z = h @ params["W2"] + params["b2"]
                z = z - z.max(axis=softmax_axis, keepdims=True)
                p = np.exp(z) / np.exp(z).sum(axis=softmax_axis, keepdims=True)
                G = (p - yb) / len(xb)
                d_a = (G @ params["W2"].T) * (a > 0)
                grads = {"W1": xb.T @ d_a, "b1": d_a.sum(axis=0), "W2": h.T @ G, "b2": G.sum(axis=0)}
                t += 1
                for name, g in grads.items():
                    m[name] = 0.9 * m[name] + 0.1 * g
                    v[name] = 0.999 * v[name] + 0.001 * g ** 2
                    m_hat, v_hat = m[name] / (1 - 0.9 ** t), v[name] / (1 - 0.999 ** t)
                    params[name] = params[name] - lr * m_hat / (np.sqrt(v_hat) + 1e-8)
        Z_out = Z if predict == "train" else Z_new
        with np.errstate(invalid="ignore"):
            logits = np.maximum(Z_out @ params["W1"] + params["b1"], 0.0) @ params["W2"] + params["b2"]
        return np.argmax(logits, axis=1)
    return train_and_predict


def _pipeline_from_parts(X_train, y_train, X_new, *, hidden_units, lr, epochs, batch_size, rng):
    """The pipeline written with the chapter's own pieces: one_hot and mlp_loss_and_grad."""
    mean, scale = _statistics(X_train)
    Z, Z_new = (X_train - mean) / scale, (X_new - mean) / scale
    n, d = Z.shape
    k = int(np.max(y_train)) + 1
    params = {}
    for l, (fan_in, fan_out) in enumerate([(d, hidden_units), (hidden_units, k)], start=1):
        params[f"W{l}"] = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
        params[f"b{l}"] = np.zeros(fan_out)
    moments = {name: (np.zeros_like(p), np.zeros_like(p)) for name, p in params.items()}
    beta1, beta2, eps, step = 0.9, 0.999, 1e-8, 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for batch in np.array_split(order, np.arange(batch_size, n, batch_size)):
            _, grads = _mlp_logsumexp(params, Z[batch], y_train[batch])
            step += 1
            for name in params:
                m, v = moments[name]
                m = beta1 * m + (1 - beta1) * grads[name]
                v = beta2 * v + (1 - beta2) * grads[name] ** 2
                moments[name] = (m, v)
                update = (m / (1 - beta1 ** step)) / (np.sqrt(v / (1 - beta2 ** step)) + eps)
                params[name] = params[name] - lr * update
    hidden = np.maximum(Z_new @ params["W1"] + params["b1"], 0.0)
    return (hidden @ params["W2"] + params["b2"]).argmax(axis=1)


def _pipeline_float32(X_train, y_train, X_new, *, hidden_units, lr, epochs, batch_size, rng):
    """Another correct pipeline: float32 arithmetic, Glorot-scaled weights, Adam with eps under the root."""
    mean, scale = _statistics(X_train)
    Z = ((X_train - mean) / scale).astype(np.float32)
    Z_new = ((X_new - mean) / scale).astype(np.float32)
    n, d = Z.shape
    k = int(y_train.max()) + 1
    W1 = rng.normal(0.0, math.sqrt(2.0 / (d + hidden_units)), (d, hidden_units)).astype(np.float32)
    W2 = rng.normal(0.0, math.sqrt(2.0 / (hidden_units + k)), (hidden_units, k)).astype(np.float32)
    params = [W1, np.zeros(hidden_units, np.float32), W2, np.zeros(k, np.float32)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    Y = np.eye(k, dtype=np.float32)[y_train]
    t = 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            xb, yb = Z[batch], Y[batch]
            a = xb @ params[0] + params[1]
            h = np.maximum(a, 0)
            z = h @ params[2] + params[3]
            p = np.exp(z - z.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            G = (p - yb) / len(batch)
            d_a = (G @ params[2].T) * (a > 0)
            t += 1
            for i, g in enumerate((xb.T @ d_a, d_a.sum(0), h.T @ G, G.sum(0))):
                m[i] = 0.9 * m[i] + 0.1 * g
                v[i] = 0.999 * v[i] + 0.001 * g * g
                m_hat, v_hat = m[i] / (1 - 0.9 ** t), v[i] / (1 - 0.999 ** t)
                params[i] = params[i] - lr * m_hat / np.sqrt(v_hat + 1e-12)
    return np.argmax(np.maximum(Z_new @ params[0] + params[1], 0) @ params[2] + params[3], axis=1)


TRAIN_AND_PREDICT = Exercise(
    id="train_and_predict",
    title="The whole pipeline: standardize, train, predict",
    reference=train_and_predict,
    cases=_prediction_cases,
    validate=_validate_predictions,
    points=5,
    mistakes=(
        Mistake("no standardization",
                "Raw features with a large scale and offset (such as pixels recorded as "
                "16·x + 100) give pre-activations in the hundreds, dominated by the offset that "
                "all samples share, and training fails. Standardize: z = (x - μ)/s with the "
                "training set's mean and scale, whatever the units.",
                _remembered(_pipeline_with(standardize="none"))),
        Mistake("new samples standardized with their own statistics",
                "The model learned on (x - μ_train)/s_train; new samples must be transformed the "
                "same way. Statistics of the new samples themselves shift every feature by the "
                "batch's own mean: a batch of a single class loses exactly what makes it that "
                "class.",
                _remembered(_pipeline_with(standardize="own"))),
        Mistake("constant features divided by a zero scale",
                "Some pixels are 0 in every training digit: their standard deviation is 0, and "
                "0/0 gives NaN, which spreads through the whole network. Give a constant feature "
                "the scale 1, so that it maps to 0.",
                _remembered(_pipeline_with(zero_std="zero"))),
        Mistake("X and y shuffled with different permutations",
                "Each epoch's order must move a sample's features and its label together: draw "
                "one permutation and index both X and y with it. Two permutations pair every "
                "image with a random label.",
                _remembered(_pipeline_with(shuffle="apart"))),
        Mistake("labels not one-hot",
                "The output error is p - Y with Y the one-hot targets (Y[i, k] = 1 for k = y_i); "
                "p - y subtracts the label's number from every probability.",
                _remembered(_pipeline_with(targets="labels"))),
        Mistake("softmax over the samples (axis=0)",
                "Each row of the logits is one sample; the softmax normalizes each row over the "
                "K classes (axis=1).",
                _remembered(_pipeline_with(softmax_axis=0))),
        Mistake("all weights initialized to zero",
                "With zero weights every hidden unit computes the same thing and gets the same "
                "gradient (here: none at all through the ReLU), so they never become different. "
                "Draw the weights at random: W ~ N(0, 2/fan_in).",
                _remembered(_pipeline_with(init="zeros"))),
        Mistake("predictions for the training samples",
                "The function must predict X_new, the samples it was not trained on; predictions "
                "for the training samples say nothing about new data.",
                _remembered(_pipeline_with(predict="train"))),
    ),
    alternatives=(_remembered(_pipeline_with()), _remembered(_pipeline_from_parts),
                  _remembered(_pipeline_float32)),
    hints=(
        "Four steps in order: standardize with the training statistics, initialize the weights "
        "from rng, run the epochs of Adam on shuffled mini-batches, predict the new samples.",
        "Compute the mean and scale on X_train only (scale 1 for constant pixels) and apply them "
        "to both sets. Each epoch draws one permutation and cuts it into batches; each batch "
        "gives the loss and gradient of your mlp_loss_and_grad, then one Adam step per "
        "parameter with its own two moments. Predict with the largest logit.",
        "z = (x - μ)/s; W1 ~ N(0, 2/d), W2 ~ N(0, 2/H), biases 0; per batch: g = ∇L, "
        "m = β₁m + (1 - β₁)g, v = β₂v + (1 - β₂)g², θ -= lr·(m/(1 - β₁ᵗ))/(√(v/(1 - β₂ᵗ)) + ε); "
        "prediction = argmax over the classes of the logits of z_new.",
    ),
)


EXERCISES = [ONE_HOT, MLP_LOSS_AND_GRAD, SAMPLE_CONFIG, TRAIN_AND_PREDICT]  # in chapter order
