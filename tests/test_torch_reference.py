"""The update rules of mlcourse_lib.optim reproduce torch.optim's trajectories.

``tests/data/torch_optim_reference.json`` holds trajectories of torch.optim.SGD (momentum,
Nesterov), RMSprop, Adam and AdamW on a quadratic, in float64 and float32, with a constant
learning rate and with one that changes between steps; ``tests/data/make_torch_reference.py``
wrote it (torch is not a dependency of the course).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mlcourse_lib import optim

REFERENCE = json.loads((Path(__file__).parent / "data" / "torch_optim_reference.json").read_text())
RUNS = REFERENCE["runs"]
A = np.array(REFERENCE["A"])
B = np.array(REFERENCE["b"])


def _library_hyper(run):
    """torch's hyperparameter names -> the library's (``betas`` -> ``beta1``, ``beta2``)."""
    hyper = dict(run["hyper"])
    if "betas" in hyper:
        hyper["beta1"], hyper["beta2"] = hyper.pop("betas")
    return hyper


# rule -> (init, step); "nesterov" runs pass nesterov=True among their hyperparameters
RULES = {
    "momentum": (optim.momentum_init, optim.momentum_step),
    "nesterov": (optim.momentum_init, optim.momentum_step),
    "rmsprop": (optim.rmsprop_init, optim.rmsprop_step),
    "adam": (optim.adam_init, optim.adam_step),
    "adamw": (optim.adam_init, optim.adamw_step),
}


def _library_path(run, dtype):
    init, step = RULES[run["rule"]]
    hyper = _library_hyper(run)
    A_d, b_d = A.astype(dtype), B.astype(dtype)
    theta = np.array(REFERENCE["theta0"], dtype=dtype)
    state = init(theta)
    path = [theta]
    for lr in run["lrs"]:
        grads = A_d @ theta - b_d
        theta, state = step(theta, grads, state, lr=lr, **hyper)
        path.append(theta)
    return np.array(path)


def test_the_reference_names_its_torch_version_and_covers_every_rule():
    assert REFERENCE["torch_version"].startswith("2.")
    assert {run["torch_optimizer"] for run in RUNS.values()} == {"SGD", "RMSprop", "Adam", "AdamW"}
    assert {run["rule"] for run in RUNS.values()} == {"momentum", "nesterov", "rmsprop", "adam", "adamw"}
    assert any(len(set(run["lrs"])) > 1 for run in RUNS.values())


@pytest.mark.parametrize("name", sorted(RUNS))
def test_float64_trajectories_match_torch(name):
    run = RUNS[name]
    expected = np.array(run["float64"])
    got = _library_path(run, np.float64)
    assert got.shape == expected.shape == (len(run["lrs"]) + 1, 3)
    assert np.abs(expected[-1] - expected[0]).max() > 0.05, "the run moves"
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(RUNS))
def test_float32_in_float32_out_close_to_torch(name):
    run = RUNS[name]
    got = _library_path(run, np.float32)
    assert got.dtype == np.float32
    # float32 all the way; the order of the operations differs from torch's, hence a few ulp
    np.testing.assert_allclose(got, np.array(run["float32"], dtype=np.float32), rtol=1e-6, atol=1e-6)


def test_the_schedule_runs_tell_the_two_momentum_conventions_apart():
    # b ← μb + g, θ ← θ − αb (torch) and v ← μv + αg, θ ← θ − v agree for a constant α only.
    def lr_inside(run):
        mu = run["hyper"]["momentum"]
        theta = np.array(REFERENCE["theta0"])
        v = np.zeros(3)
        path = [theta]
        for lr in run["lrs"]:
            v = mu * v + lr * (A @ theta - B)
            theta = theta - v
            path.append(theta)
        return np.array(path)

    constant, changing = RUNS["sgd_momentum"], RUNS["sgd_momentum_schedule"]
    np.testing.assert_allclose(lr_inside(constant), constant["float64"], rtol=1e-12, atol=1e-12)
    assert np.abs(lr_inside(changing) - np.array(changing["float64"])).max() > 1e-3


def test_adamw_is_not_adam_with_l2_in_torch_either():
    run = RUNS["adamw"]
    hyper = _library_hyper(run)
    weight_decay = hyper.pop("weight_decay")
    theta = np.array(REFERENCE["theta0"])
    state = optim.adam_init(theta)
    path = [theta]
    for lr in run["lrs"]:
        grads = A @ theta - B + weight_decay * theta
        theta, state = optim.adam_step(theta, grads, state, lr=lr, **hyper)
        path.append(theta)
    assert np.abs(np.array(path) - np.array(run["float64"])).max() > 1e-3
