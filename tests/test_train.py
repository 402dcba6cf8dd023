"""Tests of mlcourse_lib.train: fit on a linear regression, history bookkeeping, mini-batch
weighting, early stopping with restored parameters, callbacks, progress output, validation."""

from __future__ import annotations

import numpy as np
import pytest

from mlcourse_lib import optim
from mlcourse_lib.train import Callback, DivergedError, EarlyStopping, History, TrainState, fit


class TinySGD:
    """A minimal optimizer object: keeps ``params`` and steps ``params - lr * grads``."""

    def __init__(self, params, lr):
        self.params = {k: np.array(v, dtype=float) for k, v in params.items()} \
            if isinstance(params, dict) else np.array(params, dtype=float)
        self.lr = lr
        self.steps = 0

    def step(self, grads):
        if isinstance(self.params, dict):
            self.params = {k: self.params[k] - self.lr * grads[k] for k in self.params}
        else:
            self.params = self.params - self.lr * grads
        self.steps += 1
        return self.params


def linear_loss_and_grad(params, X, y):
    """Mean squared error of y ≈ X w + b and its gradient."""
    residual = X @ params["w"] + params["b"] - y
    loss = float(np.mean(residual ** 2))
    return loss, {"w": 2 * X.T @ residual / len(y), "b": np.array(2 * np.mean(residual))}


def make_regression(n=64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3 + 0.01 * rng.normal(size=n)
    return X, y


def zero_params():
    return {"w": np.zeros(3), "b": np.array(0.0)}


# --- fitting -----------------------------------------------------------------------------------

def test_fit_linear_regression_loss_decreases():
    X, y = make_regression()
    params0 = zero_params()
    optimizer = TinySGD(params0, lr=0.05)
    params, history = fit(params0, linear_loss_and_grad, X, y, optimizer=optimizer, epochs=30,
                          batch_size=8, rng=0, progress=False)
    losses = np.array(history["loss"])
    assert losses[-1] < 1e-3 < losses[0]
    assert np.all(np.diff(losses[:10]) < 0)
    np.testing.assert_allclose(params["w"], [1.0, -2.0, 0.5], atol=0.02)
    assert optimizer.steps == 30 * 8                    # 64 samples / batch 8 = 8 steps per epoch
    np.testing.assert_array_equal(params0["w"], np.zeros(3))   # the input is not changed


def test_fit_with_step_function_full_batch():
    X, y = make_regression()

    def step(params, grads):
        return {k: params[k] - 0.1 * grads[k] for k in params}

    params, history = fit(zero_params(), linear_loss_and_grad, X, y, optimizer=step, epochs=100,
                          progress=False)
    assert history["loss"][-1] < 1e-3
    # full batch: the epoch loss is the loss at the parameters before that epoch's single step
    assert history["loss"][0] == pytest.approx(linear_loss_and_grad(zero_params(), X, y)[0])


def test_fit_with_library_optimizer():
    X, y = make_regression()
    params0 = zero_params()
    params, history = fit(params0, linear_loss_and_grad, X, y, optimizer=optim.SGD(params0, lr=0.05),
                          epochs=20, batch_size=16, rng=1, progress=False)
    assert history["loss"][-1] < history["loss"][0] / 100


def test_epoch_loss_is_sample_weighted_mean_of_batch_losses():
    X = np.arange(5.0).reshape(-1, 1)
    y = np.zeros(5)
    seen = []

    def loss_and_grad(w, X_batch, y_batch):
        seen.append(X_batch[:, 0].copy())
        return float(np.sum(X_batch)), np.zeros(1)          # batch "loss" = sum of its x values

    _, history = fit(np.zeros(1), loss_and_grad, X, y, optimizer=lambda w, g: w, epochs=2,
                     batch_size=2, rng=0, progress=False)
    assert [len(b) for b in seen] == [2, 2, 1, 2, 2, 1]
    expected = sum(len(b) * b.sum() for b in seen[:3]) / 5
    assert history["loss"][0] == pytest.approx(expected)
    assert sorted(np.concatenate(seen[:3]).tolist()) == [0, 1, 2, 3, 4]   # every sample once per epoch
    assert not np.array_equal(np.concatenate(seen[:3]), np.concatenate(seen[3:]))  # reshuffled


def test_history_lengths_and_metrics():
    X, y = make_regression()
    X_val, y_val = make_regression(20, seed=1)

    def mae(params, X, y):
        return float(np.mean(np.abs(X @ params["w"] + params["b"] - y)))

    _, history = fit(zero_params(), linear_loss_and_grad, X, y, optimizer=TinySGD(zero_params(), 0.05),
                     epochs=7, batch_size=10, rng=0, X_val=X_val, y_val=y_val,
                     metrics={"mae": mae}, progress=False)
    assert history.epochs == 7
    assert list(history) == ["loss", "mae", "val_loss", "val_mae"]
    assert all(len(history[k]) == 7 for k in history)
    assert history.best_epoch == int(np.argmin(history["val_loss"]))
    assert history.stopped_early is False
    assert all(isinstance(v, float) for v in history["val_mae"])


def test_history_without_validation_picks_best_training_epoch():
    X, y = make_regression()
    _, history = fit(zero_params(), linear_loss_and_grad, X, y, optimizer=TinySGD(zero_params(), 0.05),
                     epochs=3, progress=False)
    assert "val_loss" not in history
    assert history.best_epoch == 2
    with pytest.raises(KeyError, match="history has no metric 'val_loss'"):
        history["val_loss"]


# --- early stopping ----------------------------------------------------------------------------

def rising_validation_problem():
    """A 1-parameter problem whose training pulls w to 3 while the validation loss is best at w = 1."""
    X = np.ones((4, 1))
    y = np.full(4, 3.0)
    X_val, y_val = np.ones((4, 1)), np.ones(4)

    def loss_and_grad(w, X, y):
        residual = X @ w - y
        return float(np.mean(residual ** 2)), 2 * X.T @ residual / len(y)

    return loss_and_grad, X, y, X_val, y_val


def test_early_stopping_stops_and_restores_best_params():
    loss_and_grad, X, y, X_val, y_val = rising_validation_problem()
    stopper = EarlyStopping(patience=3)
    params, history = fit(np.zeros(1), loss_and_grad, X, y, optimizer=lambda w, g: w - 0.1 * g,
                          epochs=100, X_val=X_val, y_val=y_val, callbacks=[stopper], progress=False)
    val = np.array(history["val_loss"])
    best = int(np.argmin(val))
    assert history.stopped_early
    assert history.epochs == best + 1 + 3               # three epochs without improvement
    assert history.best_epoch == stopper.best_epoch == best
    assert stopper.stopped_epoch == history.epochs - 1
    assert loss_and_grad(params, X_val, y_val)[0] == pytest.approx(val[best])
    assert abs(params[0] - 1.0) < 0.2                    # near the validation optimum, not 3


def test_early_stopping_without_restore_returns_last_params():
    loss_and_grad, X, y, X_val, y_val = rising_validation_problem()
    params, history = fit(np.zeros(1), loss_and_grad, X, y, optimizer=lambda w, g: w - 0.1 * g,
                          epochs=100, X_val=X_val, y_val=y_val, progress=False,
                          callbacks=[EarlyStopping(patience=3, restore_best=False)])
    assert loss_and_grad(params, X_val, y_val)[0] == pytest.approx(history["val_loss"][-1])


def test_restored_params_are_a_copy():
    loss_and_grad, X, y, X_val, y_val = rising_validation_problem()

    def dict_loss_and_grad(params, X, y):
        loss, grad = loss_and_grad(params["w"], X, y)
        return loss, {"w": grad}

    stopper = EarlyStopping(patience=2)
    params, _ = fit({"w": np.zeros(1)}, dict_loss_and_grad, X, y, epochs=50, X_val=X_val, y_val=y_val,
                    optimizer=lambda p, g: {"w": p["w"] - 0.1 * g["w"]}, callbacks=[stopper],
                    progress=False)
    params["w"][0] = 123.0
    assert stopper.best_params["w"][0] != 123.0


def test_early_stopping_rules():
    state = TrainState(params=np.zeros(1), history=History())
    stopper = EarlyStopping(patience=2, min_delta=0.1, monitor="acc", mode="max")
    stopper.on_train_begin(state)
    answers = [stopper.on_epoch_end(k, {"acc": v}, state) for k, v in enumerate([0.5, 0.65, 0.7, 0.74])]
    assert answers == [None, None, None, "stop"]         # 0.7 and 0.74 improve by < 0.1
    assert (stopper.best_epoch, stopper.best) == (1, 0.65)
    stopper.on_train_begin(state)                        # reusable: starts afresh
    assert stopper.best_epoch is None
    assert EarlyStopping(patience=0).on_epoch_end(0, {"val_loss": np.nan}, state) == "stop"


def test_early_stopping_needs_monitored_metric():
    X, y = make_regression()
    with pytest.raises(ValueError, match=r"EarlyStopping monitors 'val_loss', but the logs have only \['loss'\]. "
                                         r"Pass X_val and y_val"):
        fit(zero_params(), linear_loss_and_grad, X, y, optimizer=TinySGD(zero_params(), 0.05), epochs=3,
            callbacks=[EarlyStopping()], progress=False)


def test_early_stopping_argument_errors():
    with pytest.raises(ValueError, match="patience must be >= 0; got patience=-1"):
        EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match="mode must be one of 'min', 'max'; got mode='maximum'"):
        EarlyStopping(mode="maximum")
    with pytest.raises(ValueError, match="min_delta must be >= 0"):
        EarlyStopping(min_delta=-0.1)


# --- callbacks and progress --------------------------------------------------------------------

class Recorder(Callback):
    def __init__(self, stop_at=None):
        self.calls = []
        self.stop_at = stop_at

    def on_train_begin(self, state):
        self.calls.append(("begin", state.epoch))

    def on_epoch_end(self, epoch, logs, state):
        self.calls.append(("epoch", epoch, sorted(logs), len(state.history["loss"])))
        return "stop" if epoch == self.stop_at else None

    def on_train_end(self, state):
        self.calls.append(("end", state.epoch))


def test_callbacks_called_once_per_epoch():
    X, y = make_regression()
    first, second = Recorder(), Recorder()
    fit(zero_params(), linear_loss_and_grad, X, y, optimizer=TinySGD(zero_params(), 0.05), epochs=4,
        callbacks=[first, second], progress=False)
    assert first.calls == second.calls
    assert first.calls == [("begin", 0)] + [("epoch", k, ["loss"], k + 1) for k in range(4)] + [("end", 3)]


def test_callback_stop_reaches_every_callback():
    X, y = make_regression()
    stopper, other = Recorder(stop_at=1), Recorder()
    _, history = fit(zero_params(), linear_loss_and_grad, X, y, optimizer=TinySGD(zero_params(), 0.05),
                     epochs=10, callbacks=[stopper, other], progress=False)
    assert history.epochs == 2 and history.stopped_early
    assert [c[0] for c in other.calls] == ["begin", "epoch", "epoch", "end"]


def test_callback_bad_answer():
    class Halt(Callback):
        def on_epoch_end(self, epoch, logs, state):
            return "halt"

    X, y = make_regression()
    with pytest.raises(ValueError, match="Halt.on_epoch_end returned 'halt'; expected None or 'stop'"):
        fit(zero_params(), linear_loss_and_grad, X, y, optimizer=TinySGD(zero_params(), 0.05), epochs=2,
            callbacks=[Halt()], progress=False)


def test_progress_false_prints_nothing(capsys):
    X, y = make_regression()
    fit(zero_params(), linear_loss_and_grad, X, y, optimizer=TinySGD(zero_params(), 0.05), epochs=3,
        progress=False)
    fit(zero_params(), linear_loss_and_grad, X, y, optimizer=TinySGD(zero_params(), 0.05), epochs=3,
        progress=None)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_text_shows_loss(capsys):
    pytest.importorskip("tqdm")
    X, y = make_regression()
    X_val, y_val = make_regression(10, seed=2)
    fit(zero_params(), linear_loss_and_grad, X, y, optimizer=TinySGD(zero_params(), 0.05), epochs=3,
        X_val=X_val, y_val=y_val, progress="text")
    err = capsys.readouterr().err
    assert "3/3" in err and "loss=" in err and "val_loss=" in err


# --- validation --------------------------------------------------------------------------------

def test_fit_argument_errors():
    X, y = make_regression()
    p = zero_params()
    sgd = TinySGD(p, 0.05)
    with pytest.raises(ValueError, match="y has 10 rows, expected 64 to match X"):
        fit(p, linear_loss_and_grad, X, y[:10], optimizer=sgd, epochs=1, progress=False)
    with pytest.raises(ValueError, match="pass both X_val and y_val"):
        fit(p, linear_loss_and_grad, X, y, optimizer=sgd, epochs=1, X_val=X, progress=False)
    with pytest.raises(TypeError, match="needs rng; pass rng=np.random.default_rng"):
        fit(p, linear_loss_and_grad, X, y, optimizer=sgd, epochs=1, batch_size=8, progress=False)
    with pytest.raises(ValueError, match="epochs must be >= 1; got epochs=0"):
        fit(p, linear_loss_and_grad, X, y, optimizer=sgd, epochs=0, progress=False)
    with pytest.raises(TypeError, match="optimizer must be an object with a step"):
        fit(p, linear_loss_and_grad, X, y, optimizer="sgd", epochs=1, progress=False)
    with pytest.raises(ValueError, match="params differ from optimizer.params"):
        fit(p, linear_loss_and_grad, X, y, optimizer=TinySGD({"w": np.ones(3), "b": 0.0}, 0.1),
            epochs=1, progress=False)
    with pytest.raises(ValueError, match="progress must be 'auto', 'text', True, False or None"):
        fit(p, linear_loss_and_grad, X, y, optimizer=sgd, epochs=1, progress="bar")
    with pytest.raises(ValueError, match="metric names must be strings other than 'loss'"):
        fit(p, linear_loss_and_grad, X, y, optimizer=sgd, epochs=1, metrics={"loss": len}, progress=False)


def test_loss_and_grad_contract_errors():
    X, y = make_regression()
    p = zero_params()
    with pytest.raises(TypeError, match=r"loss_and_grad must return a pair \(loss, grads\)"):
        fit(p, lambda params, X, y: 1.0, X, y, optimizer=TinySGD(p, 0.1), epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"grads must have the keys of params; missing \['b'\]"):
        fit(p, lambda params, X, y: (1.0, {"w": np.zeros(3)}), X, y, optimizer=TinySGD(p, 0.1),
            epochs=1, progress=False)


# --- divergence stops training with a clear error ----------------------------------------------------

def test_fit_stops_when_the_loss_becomes_non_finite_and_names_epoch_and_step():
    X, y = make_regression()
    X = 100 * X                                          # lr=0.5 is far too large at this scale
    params0 = zero_params()
    with pytest.raises(DivergedError, match=r"training diverged: the loss became (inf|nan) at epoch \d+, "
                                            r"step \d of 4; fit stopped. .*try a smaller learning rate "
                                            r"than lr=0.5, e.g. lr=0.05") as info:
        with np.errstate(over="ignore", invalid="ignore"):
            fit(params0, linear_loss_and_grad, X, y, optimizer=optim.SGD(params0, lr=0.5), epochs=200,
                batch_size=16, rng=0, progress=False)
    assert isinstance(info.value, FloatingPointError)
    history = info.value.history
    assert history.epochs >= 1 and all(np.isfinite(history["loss"]))
    assert all(np.all(np.isfinite(v)) for v in info.value.params.values())


def test_fit_stops_on_a_non_finite_gradient_or_update():
    X, y = make_regression(8)

    def nan_gradient(params, X, y):
        return 1.0, {"w": np.array([0.0, np.nan, 0.0]), "b": np.array(0.0)}

    with pytest.raises(DivergedError, match=r"the gradient\['w'\]\[1\] became nan at epoch 0, step 1, "
                                            r"before any update; fit stopped. Check loss_and_grad"):
        fit(zero_params(), nan_gradient, X, y, optimizer=lambda p, g: p, epochs=2, progress=False)

    def overflowing_step(params, grads):
        return {k: v + np.inf for k, v in params.items()}

    with pytest.raises(DivergedError, match=r"the parameters\['w'\]\[0\] became inf at epoch 0, step 1 "
                                            r"of 1; fit stopped. .*smaller learning rate"):
        fit(zero_params(), linear_loss_and_grad, X, y, optimizer=overflowing_step, epochs=2, progress=False)


def test_fit_keeps_float32_parameters_float32():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)).astype(np.float32)
    y = (X @ np.array([1.0, -2.0, 0.5], dtype=np.float32)).astype(np.float32)

    def loss_and_grad(w, Xb, yb):
        r = Xb @ w - yb
        return float(np.mean(r ** 2)), (2 / len(yb)) * Xb.T @ r

    w, history = fit(np.zeros(3, dtype=np.float32), loss_and_grad, X, y,
                     optimizer=lambda w, g: w - 0.1 * g, epochs=5, batch_size=8, rng=0, progress=False)
    assert w.dtype == np.float32
    params, _ = fit({"w": np.zeros(3, dtype=np.float32)},
                    lambda p, Xb, yb: (loss_and_grad(p["w"], Xb, yb)[0], {"w": loss_and_grad(p["w"], Xb, yb)[1]}),
                    X, y, optimizer=lambda p, g: {"w": p["w"] - 0.1 * g["w"]}, epochs=2, batch_size=8, rng=0,
                    progress=False)
    assert params["w"].dtype == np.float32
