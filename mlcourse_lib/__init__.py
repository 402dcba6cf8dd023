"""mlcourse_lib: the numpy reference library and exercise checkers of the mlcourse course.

Submodules load on first use, so ``import mlcourse_lib`` stays light (numpy only):

- :mod:`mlcourse_lib.data`       synthetic data, bundled datasets, splits, scaling, mini-batches
- :mod:`mlcourse_lib.losses`     losses and their gradients
- :mod:`mlcourse_lib.models`     linear, logistic, softmax regression, ridge, a small MLP with dropout
- :mod:`mlcourse_lib.optim`      gradient descent, momentum, RMSProp, Adam(W), schedules, line search
- :mod:`mlcourse_lib.metrics`    classification and regression metrics
- :mod:`mlcourse_lib.gradcheck`  finite-difference gradient checks
- :mod:`mlcourse_lib.train`      a training loop with history and early stopping
- :mod:`mlcourse_lib.search`     hyperparameter search: sampling, cross-validation, Bayesian
                                 optimization, successive halving
- :mod:`mlcourse_lib.parallel`   data-parallel SGD on shards, ring all-reduce, Dask workers
- :mod:`mlcourse_lib.compress`   float16/bfloat16 rounding, int8 quantization, magnitude pruning
- :mod:`mlcourse_lib.pipeline`   the capstone's pipeline: digits, an MLP classifier, random search
- :mod:`mlcourse_lib.plots`      matplotlib figures (matplotlib is imported only here)
- :mod:`mlcourse_lib.exercises`  exercise specs and ``check()``
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "data", "losses", "models", "optim", "metrics", "gradcheck", "train", "search", "parallel",
    "compress", "pipeline", "plots", "exercises",
)

__all__ = list(_SUBMODULES)


def __getattr__(name: str):
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
