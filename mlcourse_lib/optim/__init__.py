"""Optimizers: pure update rules with immutable state, schedules, line search and loops.

The rules follow torch.optim's conventions, so their numbers match PyTorch:

- :func:`gd_step`, :func:`momentum_step` (heavy-ball and Nesterov), :func:`rmsprop_step`,
  :func:`adam_step`, :func:`adamw_step`, each with its ``*_init`` and state NamedTuple;
- :class:`Optimizer` and :func:`SGD`, :func:`RMSProp`, :func:`Adam`, :func:`AdamW`: a torch-like
  object that calls the same functions;
- learning-rate schedules (:func:`step_lr`, :func:`cosine_lr`, :func:`warmup_lr`,
  :func:`warmup_cosine_lr`, ...);
- mini-batch SGD for logistic regression (:func:`logistic_sgd_epoch`, :func:`logistic_sgd`), the
  variance of a mini-batch gradient (:func:`minibatch_gradient_variance`) and the choice of a
  learning rate from a validation sweep (:func:`best_learning_rate`);
- :func:`backtracking_line_search` (Armijo);
- :func:`gradient_descent` and :func:`minimize`, which return whole trajectories.

``params`` and ``grads`` are an ndarray or a flat dict of ndarrays; no function changes its
inputs in place.
"""

from .adam import AdamState, adam_init, adam_step, adamw_step, bias_correction, update_moment
from .line_search import backtracking_line_search
from .loops import gradient_descent, minimize
from .optimizer import RULES, SGD, Adam, AdamW, Optimizer, RMSProp
from .rmsprop import RMSPropState, rmsprop_init, rmsprop_step
from .schedules import (
    constant_lr,
    cosine_lr,
    exponential_lr,
    make_schedule,
    step_lr,
    warmup_cosine_lr,
    warmup_lr,
)
from .sgd import MomentumState, gd_step, momentum_init, momentum_step
from .stochastic import (
    SGDPath,
    best_learning_rate,
    logistic_sgd,
    logistic_sgd_epoch,
    minibatch_gradient_variance,
)

__all__ = [
    "gd_step",
    "MomentumState",
    "momentum_init",
    "momentum_step",
    "RMSPropState",
    "rmsprop_init",
    "rmsprop_step",
    "AdamState",
    "adam_init",
    "adam_step",
    "adamw_step",
    "update_moment",
    "bias_correction",
    "constant_lr",
    "step_lr",
    "exponential_lr",
    "cosine_lr",
    "warmup_lr",
    "make_schedule",
    "backtracking_line_search",
    "gradient_descent",
    "minimize",
    "Optimizer",
    "SGD",
    "RMSProp",
    "Adam",
    "AdamW",
    "RULES",
    "warmup_cosine_lr",
    "SGDPath",
    "logistic_sgd_epoch",
    "logistic_sgd",
    "minibatch_gradient_variance",
    "best_learning_rate",
]
