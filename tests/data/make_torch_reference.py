"""Write ``torch_optim_reference.json``: trajectories of torch.optim on fixed inputs.

torch is not a dependency of the course; this script is run by hand, in a separate
environment, and its output is committed. ``tests/test_torch_reference.py`` checks that the
update rules of :mod:`mlcourse_lib.optim` reproduce these trajectories::

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch numpy
    /tmp/torchvenv/bin/python tests/data/make_torch_reference.py

The problem is a quadratic f(θ) = ½ θᵀAθ − bᵀθ in three variables, with gradient Aθ − b
(computed by autograd), so that each step's gradient depends on the iterate. Every run starts
from ``theta0``, takes one learning rate per step from ``lrs`` (set in the optimizer's param
group before the step, as a scheduler does) and records θ after every step. Each run is
done in float64 and in float32.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

OUT = Path(__file__).with_name("torch_optim_reference.json")

A = [[3.0, 0.5, 0.0], [0.5, 1.0, -0.3], [0.0, -0.3, 0.2]]
B = [1.0, -2.0, 0.5]
THETA0 = [1.5, -0.5, 2.0]
N_STEPS = 8
CONSTANT = [0.05] * N_STEPS
SCHEDULE = [0.1, 0.1, 0.05, 0.05, 0.02, 0.2, 0.01, 0.08]   # changes between steps

# name -> (torch optimizer, library rule, its hyperparameters with torch's names, learning rates)
RUNS = {
    "sgd_momentum": ("SGD", "momentum", {"momentum": 0.9}, CONSTANT),
    "sgd_momentum_schedule": ("SGD", "momentum", {"momentum": 0.8}, SCHEDULE),
    "sgd_nesterov": ("SGD", "nesterov", {"momentum": 0.9, "nesterov": True}, CONSTANT),
    "sgd_nesterov_schedule": ("SGD", "nesterov", {"momentum": 0.7, "nesterov": True}, SCHEDULE),
    "rmsprop": ("RMSprop", "rmsprop", {"alpha": 0.99, "eps": 1e-8}, CONSTANT),
    "rmsprop_large_eps": ("RMSprop", "rmsprop", {"alpha": 0.9, "eps": 0.1}, SCHEDULE),
    "adam": ("Adam", "adam", {"betas": (0.9, 0.999), "eps": 1e-8}, CONSTANT),
    "adam_schedule": ("Adam", "adam", {"betas": (0.8, 0.95), "eps": 1e-3}, SCHEDULE),
    "adamw": ("AdamW", "adamw", {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.5}, CONSTANT),
    "adamw_schedule": ("AdamW", "adamw", {"betas": (0.85, 0.99), "eps": 1e-6, "weight_decay": 0.1},
                       SCHEDULE),
}


def run(optimizer_name, hyper, lrs, dtype):
    import torch

    A_t = torch.tensor(A, dtype=dtype)
    b_t = torch.tensor(B, dtype=dtype)
    theta = torch.tensor(THETA0, dtype=dtype, requires_grad=True)
    optimizer = getattr(torch.optim, optimizer_name)([theta], lr=lrs[0], foreach=False, **hyper)
    path = [theta.detach().clone()]
    for lr in lrs:
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.zero_grad()
        loss = 0.5 * theta @ A_t @ theta - b_t @ theta
        loss.backward()
        optimizer.step()
        path.append(theta.detach().clone())
    return torch.stack(path).tolist()


def main():
    import torch   # here, not at the top: pytest's doctest collection imports this file without torch

    runs = {}
    for name, (optimizer_name, rule, hyper, lrs) in RUNS.items():
        runs[name] = {
            "torch_optimizer": optimizer_name,
            "rule": rule,
            "hyper": {k: list(v) if isinstance(v, tuple) else v for k, v in hyper.items()},
            "lrs": lrs,
            "float64": run(optimizer_name, hyper, lrs, torch.float64),
            "float32": run(optimizer_name, hyper, lrs, torch.float32),
        }
    reference = {
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "problem": "f(theta) = 0.5 * theta @ A @ theta - b @ theta; gradient A @ theta - b",
        "A": A,
        "b": B,
        "theta0": THETA0,
        "runs": runs,
    }
    OUT.write_text(json.dumps(reference, indent=1) + "\n")
    print(f"wrote {OUT} ({len(runs)} runs, torch {torch.__version__})")


if __name__ == "__main__":
    main()
