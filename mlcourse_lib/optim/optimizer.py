r"""A torch-like optimizer object on top of the pure update rules.

``Optimizer`` keeps ``params``, ``state`` and a step counter and calls the same
``*_init`` / ``*_step`` functions that a notebook calls by hand: the update rule
is written once, in :mod:`sgd`, :mod:`rmsprop` and :mod:`adam`.

>>> import numpy as np
>>> opt = Adam(np.array([1.0, 1.0]), lr=0.1)
>>> print(np.round(opt.step(np.array([0.5, -2.0])), 6))
[0.9 1.1]
"""

from __future__ import annotations

import functools
import inspect
from typing import Callable, NamedTuple

from .._tree import validate_tree
from .._validation import check_choice
from .adam import _check_adam_hyper, _check_adamw_hyper, adam_init, adam_step, adamw_step
from .rmsprop import _check_rmsprop_hyper, rmsprop_init, rmsprop_step
from .sgd import _check_gd_hyper, _check_momentum_hyper, gd_step, momentum_init, momentum_step

__all__ = ["Optimizer", "SGD", "RMSProp", "Adam", "AdamW", "RULES"]


class _Rule(NamedTuple):
    init: Callable     # init(params) -> state
    step: Callable     # step(params, grads, state, *, lr, **hyper) -> (new_params, new_state)
    check: Callable    # check(*, lr, **hyper) -> dict of validated hyperparameters
    fixed: dict        # hyperparameters that the name sets, e.g. nesterov=True


def _gd_init(params):
    """Gradient descent keeps no state."""
    return None


def _gd_step(params, grads, state, *, lr):
    """:func:`gd_step` with the ``(params, grads, state) -> (params, state)`` shape of the others."""
    return gd_step(params, grads, lr=lr), state


RULES = {
    "gd": _Rule(_gd_init, _gd_step, _check_gd_hyper, {}),
    "momentum": _Rule(momentum_init, momentum_step, _check_momentum_hyper, {}),
    "nesterov": _Rule(momentum_init, momentum_step, _check_momentum_hyper, {"nesterov": True}),
    "rmsprop": _Rule(rmsprop_init, rmsprop_step, _check_rmsprop_hyper, {}),
    "adam": _Rule(adam_init, adam_step, _check_adam_hyper, {}),
    "adamw": _Rule(adam_init, adamw_step, _check_adamw_hyper, {}),
}
"""The update rules by name: ``(init, step, check, fixed)`` for each."""


def _setup(rule_name: str, arg_name: str, lr, schedule, hyper: dict):
    """Validate a rule's name, learning rate or schedule and hyperparameters, once.

    Returns ``(rule, lr_at, hyper)`` where ``lr_at(k)`` is the learning rate of update ``k``.
    """
    check_choice(rule_name, arg_name, tuple(RULES))
    rule = RULES[rule_name]
    accepted = [p for p in inspect.signature(rule.check).parameters if p != "lr" and p not in rule.fixed]
    unknown = sorted(set(hyper) - set(accepted))
    if unknown:
        raise TypeError(
            f"unknown hyperparameter {unknown[0]!r} for {arg_name}={rule_name!r}; "
            f"expected some of {', '.join(accepted) or '(none)'}."
        )
    hyper = {**hyper, **rule.fixed}

    if schedule is not None:
        if lr is not None:
            raise ValueError(
                "pass either lr or schedule, not both: the schedule sets the learning rate of "
                "every step, e.g. schedule=make_schedule('cosine', lr=0.1, total_steps=100)."
            )
        if not callable(schedule):
            raise TypeError(
                f"schedule must be a function of the step number; got {type(schedule).__name__}. "
                "Use e.g. make_schedule('step', lr=0.1, step_size=30)."
            )

        def lr_at(k):
            lr_k = schedule(k)
            if not lr_k > 0:  # also refuses NaN
                raise ValueError(
                    f"schedule returned lr={lr_k} for step {k}; learning rates must be > 0. "
                    "Run fewer steps than the schedule's total_steps, or give it a min_lr > 0."
                )
            return float(lr_k)

        rule.check(lr=lr_at(0), **hyper)
    else:
        if lr is None:
            default = inspect.signature(rule.check).parameters["lr"].default
            if default is inspect.Parameter.empty:
                raise TypeError(
                    f"{arg_name}={rule_name!r} needs a learning rate: pass lr=... or schedule=..."
                )
            lr = default
        lr = rule.check(lr=lr, **hyper)["lr"]

        def lr_at(k):
            return lr

    return rule, lr_at, hyper


class Optimizer:
    r"""Keeps parameters and optimizer state between steps, like a ``torch.optim`` optimizer.

    ``opt.step(grads)`` computes ``params, state = <rule>_step(params, grads, state, lr=lr_k, ...)``
    with the learning rate ``lr_k = schedule(k)`` of the ``k``-th call (0-based) when a
    schedule is given, and returns the new parameters.

    Parameters
    ----------
    params : ndarray or dict of ndarray
        The initial parameters (copied; never changed in place). Their float dtype is
        kept through every step (float32 stays float32, as in torch).
    rule : {"gd", "momentum", "nesterov", "rmsprop", "adam", "adamw"}
        The update rule: :func:`gd_step`, :func:`momentum_step` (``"nesterov"`` sets
        ``nesterov=True``), :func:`rmsprop_step`, :func:`adam_step` or :func:`adamw_step`.
    lr : float, optional
        The learning rate. Defaults to the rule's default (required for ``"gd"``,
        ``"momentum"`` and ``"nesterov"``). Not together with ``schedule``.
    schedule : callable, optional
        ``schedule(k) -> float``, the learning rate of step ``k``, e.g. from :func:`make_schedule`.
    **hyper
        The rule's other hyperparameters (``momentum``, ``beta1``, ``weight_decay``, ...).

    Attributes
    ----------
    params : ndarray or dict of ndarray
        The current parameters.
    state : NamedTuple or None
        The rule's state (``None`` for ``"gd"``).
    step_count : int
        The number of steps taken.
    lr : float
        The learning rate the next step will use.

    Examples
    --------
    >>> import numpy as np
    >>> opt = Optimizer({"w": np.array([1.0, 1.0])}, "momentum", lr=0.1, momentum=0.9)
    >>> opt.step({"w": np.array([0.5, -2.0])})
    {'w': array([0.95, 1.2 ])}
    >>> opt.step_count, opt.state.velocity
    (1, {'w': array([ 0.5, -2. ])})
    """

    def __init__(self, params, rule, *, lr=None, schedule=None, **hyper):
        self._rule, self._lr_at, self.hyper = _setup(rule, "rule", lr, schedule, hyper)
        self.rule = rule
        self._schedule = schedule
        self._params = validate_tree(params, "params", keep_float_dtype=True)
        self.state = self._rule.init(self._params)
        self.step_count = 0

    @property
    def params(self):
        """The current parameters (new arrays after every step; do not change them in place)."""
        return self._params

    @property
    def lr(self) -> float:
        """The learning rate of the next step."""
        return self._lr_at(self.step_count)

    def step(self, grads):
        """Apply one update with ``grads`` (the gradient at :attr:`params`); return the new params."""
        self._params, self.state = self._rule.step(
            self._params, grads, self.state, lr=self.lr, **self.hyper
        )
        self.step_count += 1
        return self._params

    def __repr__(self) -> str:
        # the schedule is shown, not called: a used-up schedule must not break the repr
        if self._schedule is None:
            rate = f"lr={self._lr_at(0)!r}"
        else:
            rate = f"schedule={_describe_schedule(self._schedule)}"
        hyper = "".join(f", {k}={v!r}" for k, v in self.hyper.items())
        return f"Optimizer(rule={self.rule!r}, {rate}{hyper}, step_count={self.step_count})"


def _describe_schedule(schedule) -> str:
    """``cosine_lr(lr=0.1, total_steps=3)`` for a :func:`make_schedule` schedule, else its repr."""
    if isinstance(schedule, functools.partial) and not schedule.args:
        arguments = ", ".join(f"{k}={v!r}" for k, v in schedule.keywords.items())
        return f"{getattr(schedule.func, '__name__', repr(schedule.func))}({arguments})"
    return repr(schedule)


def SGD(params, lr=None, momentum=0.0, nesterov=False, *, schedule=None):
    """Gradient descent, with momentum when ``momentum > 0`` (torch.optim.SGD without weight decay).

    Parameters
    ----------
    params : ndarray or dict of ndarray
    lr : float
        Required unless ``schedule`` is given.
    momentum : float, default=0.0
        In ``[0, 1)``; ``0`` gives rule ``"gd"``, otherwise ``"momentum"`` or ``"nesterov"``.
    nesterov : bool, default=False
        Requires ``momentum > 0``.
    schedule : callable, optional

    Returns
    -------
    Optimizer

    Examples
    --------
    >>> import numpy as np
    >>> SGD(np.zeros(2), lr=0.1, momentum=0.9, nesterov=True).rule
    'nesterov'
    """
    if momentum == 0 and not nesterov:
        return Optimizer(params, "gd", lr=lr, schedule=schedule)
    rule = "nesterov" if nesterov is True else "momentum"
    extra = {} if rule == "nesterov" else {"nesterov": nesterov}
    return Optimizer(params, rule, lr=lr, schedule=schedule, momentum=momentum, **extra)


def RMSProp(params, lr=None, alpha=0.99, eps=1e-8, *, schedule=None):
    """An :class:`Optimizer` running :func:`rmsprop_step` (``lr`` defaults to 1e-2).

    Examples
    --------
    >>> import numpy as np
    >>> RMSProp(np.zeros(2)).lr
    0.01
    """
    return Optimizer(params, "rmsprop", lr=lr, schedule=schedule, alpha=alpha, eps=eps)


def Adam(params, lr=None, beta1=0.9, beta2=0.999, eps=1e-8, *, schedule=None):
    """An :class:`Optimizer` running :func:`adam_step` (``lr`` defaults to 1e-3).

    Examples
    --------
    >>> import numpy as np
    >>> Adam(np.zeros(2)).lr
    0.001
    """
    return Optimizer(params, "adam", lr=lr, schedule=schedule, beta1=beta1, beta2=beta2, eps=eps)


def AdamW(params, lr=None, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2, *, schedule=None):
    """An :class:`Optimizer` running :func:`adamw_step` (``lr`` defaults to 1e-3).

    Examples
    --------
    >>> import numpy as np
    >>> AdamW(np.zeros(2), lr=0.01).hyper["weight_decay"]
    0.01
    """
    return Optimizer(params, "adamw", lr=lr, schedule=schedule, beta1=beta1, beta2=beta2, eps=eps,
                     weight_decay=weight_decay)
