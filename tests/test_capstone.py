"""The pipeline of the capstone (mlcourse_lib.pipeline) and the held-out check of its exercise.

- the digits are split once into 1400 for the course and 397 held out, the same every time;
- fit_mlp_classifier standardizes with training statistics, stops early on the validation loss
  and restores the best epoch; train_and_predict follows the exercise's contract;
- sample_config draws in the documented order, log-uniformly;
- the exercise train_and_predict never shows held-out labels, keeps a clear margin between a
  correct pipeline and every known mistake, and rejects honest but wrong answers.
"""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from mlcourse_lib import data, models, pipeline
from mlcourse_lib.exercises import get_exercise, run_check
from mlcourse_lib.exercises.catalog import capstone

from ._course import ROOT


@pytest.fixture(scope="module")
def digits():
    return pipeline.course_digits(), pipeline.held_out_digits()


def _rows(X):
    return {row.tobytes() for row in np.asarray(X, dtype=np.float64)}


# --- the split of the digits ---------------------------------------------------------------------

def test_course_and_held_out_digits_split_all_1797_once(digits):
    course, held = digits
    everything = data.load_dataset("digits")
    assert course.X.shape == (1400, 64) and held.X.shape == (397, 64)
    assert course.y.dtype == held.y.dtype == np.int64
    assert _rows(course.X).isdisjoint(_rows(held.X))
    assert _rows(course.X) | _rows(held.X) == _rows(everything.X)
    assert set(held.y.tolist()) == set(course.y.tolist()) == set(range(10))
    again = pipeline.held_out_digits()
    assert np.array_equal(again.X, held.X) and np.array_equal(again.y, held.y)
    assert course.target_names == everything.target_names


def test_importing_the_pipeline_loads_no_heavy_package():
    code = ("import sys, mlcourse_lib.pipeline; "
            "print(','.join(m for m in ('matplotlib', 'sklearn', 'nbgrader', 'tqdm') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


# --- fit_mlp_classifier ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def split(digits):
    course, _ = digits
    return data.train_val_test_split(course.X, course.y, val_fraction=0.2, test_fraction=0.2, rng=0,
                                     stratify=course.y)


def test_fit_standardizes_with_training_statistics_and_records_every_epoch(split):
    X_train, X_val, _, y_train, y_val, _ = split
    model, history = pipeline.fit_mlp_classifier(X_train, y_train, hidden_units=16, lr=0.01, epochs=4,
                                                 batch_size=64, rng=0, X_val=X_val, y_val=y_val)
    reference = data.fit_standardizer(X_train)
    assert np.array_equal(model.standardizer.mean, reference.mean)
    assert np.array_equal(model.standardizer.scale, reference.scale)
    assert {k: v.shape for k, v in model.params.items()} == {"W1": (64, 16), "b1": (16,), "W2": (16, 10),
                                                              "b2": (10,)}
    assert history.epochs == 4 and set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    Z_val = reference.transform(X_val)
    assert np.array_equal(model.predict(X_val), models.mlp_predict(model.params, Z_val))
    assert history["val_accuracy"][-1] == pytest.approx(np.mean(model.predict(X_val) == y_val))
    assert np.allclose(model.logits(X_val), models.mlp_forward(model.params, Z_val)[0])


def test_fit_is_reproducible_from_its_seed(split):
    X_train, _, _, y_train, _, _ = split
    runs = [pipeline.fit_mlp_classifier(X_train, y_train, hidden_units=8, lr=0.01, epochs=2, batch_size=64,
                                        rng=seed)[0] for seed in (3, 3, 4)]
    assert all(np.array_equal(runs[0].params[k], runs[1].params[k]) for k in runs[0].params)
    assert not np.array_equal(runs[0].params["W1"], runs[2].params["W1"])


def test_early_stopping_restores_the_epoch_of_the_lowest_validation_loss(split):
    X_train, X_val, _, y_train, y_val, _ = split
    model, history = pipeline.fit_mlp_classifier(X_train, y_train, hidden_units=32, lr=0.02, l2=1e-4,
                                                 epochs=40, batch_size=64, rng=0, X_val=X_val, y_val=y_val,
                                                 patience=4)
    val_loss = np.array(history["val_loss"])
    assert history.stopped_early and history.best_epoch == int(np.argmin(val_loss))
    assert history.epochs == history.best_epoch + 5
    Z_val = model.standardizer.transform(X_val)
    restored = models.mlp_loss_and_grad(model.params, Z_val, y_val, l2=1e-4)[0]
    assert restored == pytest.approx(val_loss.min(), rel=1e-12)


def test_early_stopping_on_the_training_loss_keeps_going(split):
    X_train, X_val, _, y_train, y_val, _ = split
    _, history = pipeline.fit_mlp_classifier(X_train, y_train, hidden_units=32, lr=0.02, epochs=25,
                                             batch_size=64, rng=0, X_val=X_val, y_val=y_val, patience=4,
                                             monitor="loss")
    assert not history.stopped_early and history.epochs == 25
    assert np.all(np.diff(history["loss"]) < 0)
    assert np.argmin(history["val_loss"]) < 10       # while the validation loss turned long ago


@pytest.mark.parametrize("kwargs,error,message", [
    ({"X_val": np.zeros((2, 64))}, ValueError, "pass both X_val and y_val"),
    ({"patience": 3}, ValueError, "early stopping on 'val_loss' needs a validation set"),
    ({"monitor": "val_accuracy"}, ValueError, "monitor must be 'val_loss' or 'loss'"),
    ({"hidden_units": 0}, ValueError, "hidden_units"),
    ({"lr": -0.1}, ValueError, "lr must be > 0"),
    ({"l2": -1.0}, ValueError, "l2"),
])
def test_fit_names_its_bad_arguments(split, kwargs, error, message):
    X_train, _, _, y_train, _, _ = split
    arguments = dict(hidden_units=8, lr=0.01, epochs=1, batch_size=64, rng=0) | kwargs
    with pytest.raises(error, match=message):
        pipeline.fit_mlp_classifier(X_train, y_train, **arguments)


def test_fit_refuses_negative_labels():
    with pytest.raises(ValueError, match="y_train must hold class indices 0..K-1; got -1 at index 1"):
        pipeline.fit_mlp_classifier(np.zeros((3, 2)), np.array([0, -1, 1]), hidden_units=2, lr=0.1,
                                    epochs=1, batch_size=2, rng=0)


# --- train_and_predict --------------------------------------------------------------------------

def test_train_and_predict_follows_the_exercises_contract(digits):
    course, held = digits
    kwargs = dict(hidden_units=32, lr=0.02, epochs=8, batch_size=100)
    library = pipeline.train_and_predict(course.X[:1000], course.y[:1000], held.X, **kwargs,
                                         rng=np.random.default_rng(5))
    by_hand = capstone._pipeline_with()(course.X[:1000], course.y[:1000], held.X, **kwargs,
                                        rng=np.random.default_rng(5))
    assert library.dtype == np.int64 and library.shape == (397,)
    assert np.mean(library == by_hand) > 0.98     # the same draws; only rounding differs


def test_train_and_predict_does_not_care_about_the_units(digits):
    course, held = digits
    kwargs = dict(hidden_units=16, lr=0.02, epochs=3, batch_size=100)
    plain = pipeline.train_and_predict(course.X[:600], course.y[:600], held.X, **kwargs, rng=1)
    scaled = pipeline.train_and_predict(12 * course.X[:600] + 150, course.y[:600], 12 * held.X + 150,
                                        **kwargs, rng=1)
    assert np.mean(plain == scaled) > 0.98


# --- sample_config ----------------------------------------------------------------------------------

def test_sample_config_draws_lr_width_penalty_in_this_order():
    config = pipeline.sample_config(np.random.default_rng(7), lr_range=(1e-4, 1.0), hidden_choices=(8, 99, 3),
                                    l2_range=(1e-5, 1e-1))
    rng = np.random.default_rng(7)
    expected = {"lr": math.exp(rng.uniform(math.log(1e-4), math.log(1.0))),
                "hidden_units": (8, 99, 3)[rng.integers(3)],
                "l2": math.exp(rng.uniform(math.log(1e-5), math.log(1e-1)))}
    assert config == pytest.approx(expected, rel=1e-15)
    assert type(config["lr"]) is float and type(config["hidden_units"]) is int and type(config["l2"]) is float


def test_sample_config_gives_each_decade_its_share():
    rng = np.random.default_rng(0)
    configs = [pipeline.sample_config(rng) for _ in range(4000)]
    lr = np.array([c["lr"] for c in configs])
    l2 = np.array([c["l2"] for c in configs])
    widths = np.array([c["hidden_units"] for c in configs])
    assert lr.min() >= 1e-3 and lr.max() < 1e-1 and l2.min() >= 1e-6 and l2.max() < 1e-2
    assert np.allclose(np.histogram(np.log10(lr), bins=[-3, -2, -1])[0] / 4000, 0.5, atol=0.03)
    assert np.allclose(np.histogram(np.log10(l2), bins=[-6, -5, -4, -3, -2])[0] / 4000, 0.25, atol=0.03)
    assert np.allclose([np.mean(widths == w) for w in (16, 32, 64)], 1 / 3, atol=0.03)


@pytest.mark.parametrize("kwargs,error,message", [
    ({"lr_range": (0.1, 0.01)}, ValueError, r"must satisfy 0 < low < high; got lr_range=\(0.1, 0.01\)"),
    ({"l2_range": (0.0, 1.0)}, ValueError, "l2_range must satisfy 0 < low < high"),
    ({"lr_range": 0.1}, TypeError, "lr_range must be a pair"),
    ({"hidden_choices": ()}, ValueError, "hidden_choices must hold at least one width"),
    ({"hidden_choices": (16, 0)}, ValueError, r"hidden_choices\[1\]"),
])
def test_sample_config_names_its_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        pipeline.sample_config(0, **kwargs)


# --- the exercise: held-out labels stay with the grader ------------------------------------------------

EXERCISE = get_exercise("train_and_predict")


def _raw(case):
    """The case's X_train and X_new in pixel units (the cases use integer pixels times a, plus b)."""
    X_train, X_new = case.args[0], case.args[2]
    offset = X_train.min()
    scale = (X_train.max() - offset) / 16
    return np.round((X_train - offset) / scale), np.round((X_new - offset) / scale)


def test_public_cases_use_course_digits_only(digits):
    course, held = digits
    for case in EXERCISE.make_cases(hidden=False):
        X_train, X_new = _raw(case)
        assert _rows(X_new) <= _rows(course.X) and _rows(X_train) <= _rows(course.X)
        assert _rows(X_new).isdisjoint(_rows(X_train))
        assert _rows(X_new).isdisjoint(_rows(held.X))


def test_hidden_cases_predict_held_out_digits_and_never_pass_their_labels(digits):
    course, held = digits
    cases = EXERCISE.make_cases(hidden=True, seed=11)
    assert [_rows(_raw(c)[1]) for c in cases] == [_rows(held.X), _rows(held.X[held.y == 6]), _rows(held.X)]
    for case in cases:
        assert _rows(_raw(case)[0]) <= _rows(course.X)
        assert len(case.args) == 3
        assert set(case.kwargs) == {"hidden_units", "lr", "epochs", "batch_size", "rng"}
        assert "labels" not in repr(case)
        rows = {row.tobytes(): label for row, label in zip(held.X, held.y)}
        assert [rows[r.tobytes()] for r in _raw(case)[1]] == case.labels.tolist()


def test_every_case_is_a_short_training(digits):
    # 1000 digits in batches of 100 for 8 epochs: 80 Adam steps, tens of milliseconds in numpy
    for case in EXERCISE.make_cases(hidden=False) + EXERCISE.make_cases(hidden=True, seed=3):
        steps = math.ceil(len(case.args[1]) / case.kwargs["batch_size"]) * case.kwargs["epochs"]
        assert steps == 80


def _accuracy(fn, case):
    out = np.asarray(fn(*copy.deepcopy(case.args), **copy.deepcopy(dict(case.kwargs))))
    return float(np.mean(out == case.labels)) if out.shape == case.labels.shape else 0.0


def test_a_correct_pipeline_clears_the_threshold_with_a_margin():
    cases = EXERCISE.make_cases(hidden=False) + EXERCISE.make_cases(hidden=True, seed=5)
    for fn in (pipeline.train_and_predict, *EXERCISE.alternatives):
        assert min(_accuracy(fn, case) for case in cases) >= capstone.ACCURACY_THRESHOLD + 0.04


@pytest.mark.parametrize("mistake", EXERCISE.mistakes, ids=[m.name for m in EXERCISE.mistakes])
def test_every_known_mistake_falls_clearly_short_on_a_fixed_case(mistake):
    fixed = [c for c in EXERCISE.make_cases(hidden=True, seed=5) if not c.label.startswith("random:")]
    assert min(_accuracy(mistake.fn, case) for case in fixed) <= capstone.ACCURACY_THRESHOLD - 0.1


def _pipeline(X_train, y_train, X_new, *, hidden_units, lr, epochs, batch_size, rng,
              standardize_new=True, weight_std=None, lr_factor=1.0):
    """The exercise's pipeline in numpy, with knobs for honest but wrong variants."""
    mean, scale = X_train.mean(axis=0), X_train.std(axis=0)
    scale = np.where(scale == 0, 1.0, scale)
    Z = (X_train - mean) / scale
    Z_new = (X_new - mean) / scale if standardize_new else X_new
    n, d = Z.shape
    k = int(y_train.max()) + 1
    shapes = {"W1": (d, hidden_units), "W2": (hidden_units, k)}
    params = {}
    for name, (fan_in, fan_out) in shapes.items():
        params[name] = rng.normal(0.0, weight_std or math.sqrt(2 / fan_in), (fan_in, fan_out))
        params["b" + name[1]] = np.zeros(fan_out)
    m = {name: np.zeros_like(p) for name, p in params.items()}
    v = {name: np.zeros_like(p) for name, p in params.items()}
    Y, t = np.eye(k)[y_train], 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            a = Z[batch] @ params["W1"] + params["b1"]
            h = np.maximum(a, 0)
            z = h @ params["W2"] + params["b2"]
            p = np.exp(z - z.max(axis=1, keepdims=True))
            G = (p / p.sum(axis=1, keepdims=True) - Y[batch]) / len(batch)
            d_a = (G @ params["W2"].T) * (a > 0)
            grads = {"W1": Z[batch].T @ d_a, "b1": d_a.sum(0), "W2": h.T @ G, "b2": G.sum(0)}
            t += 1
            for name, g in grads.items():
                m[name] = 0.9 * m[name] + 0.1 * g
                v[name] = 0.999 * v[name] + 0.001 * g * g
                step = (m[name] / (1 - 0.9 ** t)) / (np.sqrt(v[name] / (1 - 0.999 ** t)) + 1e-8)
                params[name] = params[name] - lr * lr_factor * step
    return np.argmax(np.maximum(Z_new @ params["W1"] + params["b1"], 0) @ params["W2"] + params["b2"], axis=1)


def _new_left_in_raw_units(X_train, y_train, X_new, **kwargs):
    return _pipeline(X_train, y_train, X_new, **kwargs, standardize_new=False)


def _weights_of_std_one(X_train, y_train, X_new, **kwargs):
    return _pipeline(X_train, y_train, X_new, **kwargs, weight_std=1.0)


def _learning_rate_100_times_smaller(X_train, y_train, X_new, **kwargs):
    return _pipeline(X_train, y_train, X_new, **kwargs, lr_factor=0.01)


def _most_frequent_class(X_train, y_train, X_new, **kwargs):
    return np.full(len(X_new), np.bincount(y_train).argmax())


def test_the_test_pipeline_itself_passes():
    assert run_check(EXERCISE, _pipeline).passed
    assert run_check(EXERCISE, _pipeline, hidden=True, seed=0).passed


@pytest.mark.parametrize("answer", [_new_left_in_raw_units, _weights_of_std_one,
                                    _learning_rate_100_times_smaller, _most_frequent_class])
def test_honest_but_wrong_pipelines_are_rejected(answer):
    assert not run_check(EXERCISE, answer).passed
    for seed in (0, 1):
        report = run_check(EXERCISE, answer, hidden=True, seed=seed)
        assert not report.passed and "random:" not in report.message.splitlines()[0]


@pytest.mark.parametrize("got,message", [
    (np.zeros(1000, dtype=int), "one label per training sample"),
    (np.zeros((400, 10)), "argmax over axis 1"),
    (np.full(400, 10), "the label 10 at index 0; labels run from 0 to 9"),
    (np.full(400, 0.5), "non-integer numbers"),
    (np.array(["7"] * 400), "dtype <U1"),
    ("7", "the result is a str"),
])
def test_validation_says_what_is_wrong_with_an_output(got, message):
    case = EXERCISE.make_cases(hidden=False)[0]
    assert message in capstone._validate_predictions(case, got)


def test_validation_reports_the_accuracy_and_nothing_of_the_labels():
    case = EXERCISE.make_cases(hidden=True, seed=0)[0]
    wrong = (case.labels + 1) % 10
    message = capstone._validate_predictions(case, wrong)
    assert message.startswith("0.0% of the 397 new digits are predicted right; at least 90% must be")
    assert capstone._validate_predictions(case, case.labels.astype(float)) is None
    plain = capstone.Case(case.label, case.args, case.kwargs)          # a case that lost its labels
    assert "without the labels" in capstone._validate_predictions(plain, case.labels)


# --- the notebook ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("folder", ["solutions", "course"])
def test_the_notebook_never_loads_the_held_out_digits(folder):
    cells = json.loads((ROOT / folder / "10_capstone" / "capstone.ipynb").read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "held_out" not in code and "course_digits()" in code
