r"""Learning-rate schedules: pure functions of the (0-based) step number.

``schedule(k)`` is the learning rate of update ``k`` (the first update is ``k = 0``),
the value torch's ``lr_scheduler`` holds when ``optimizer.step()`` is called for the
``k``-th time with one ``scheduler.step()`` after each update. :func:`make_schedule`
fixes the keyword arguments and returns a function of the step alone, the form
that :class:`Optimizer` and :func:`minimize` take as ``schedule=``.
"""

from __future__ import annotations

import functools
import math

from .._validation import check_choice, check_in_range, check_int, check_nonnegative, check_positive

__all__ = [
    "constant_lr",
    "step_lr",
    "exponential_lr",
    "cosine_lr",
    "warmup_lr",
    "warmup_cosine_lr",
    "make_schedule",
]


def _check_step(step) -> int:
    return check_int(step, "step", minimum=0)


def _check_decay_factor(gamma) -> float:
    return check_in_range(gamma, "gamma", 0.0, 1.0, low_closed=False, high_closed=True)


def constant_lr(step, *, lr):
    r"""The same learning rate at every step: :math:`\eta_k = \eta`.

    Parameters
    ----------
    step : int
        The step number :math:`k \ge 0`.
    lr : float
        The learning rate :math:`\eta > 0`.

    Returns
    -------
    lr_k : float

    Examples
    --------
    >>> constant_lr(7, lr=0.1)
    0.1
    """
    _check_step(step)
    return check_positive(lr, "lr")


def step_lr(step, *, lr, step_size, gamma=0.1):
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` steps (torch's ``StepLR``).

    .. math::
        \eta_k = \eta\, \gamma^{\lfloor k / s \rfloor}

    Parameters
    ----------
    step : int
        The step number :math:`k \ge 0`.
    lr : float
        The initial learning rate :math:`\eta > 0`.
    step_size : int
        The period :math:`s \ge 1`.
    gamma : float, default=0.1
        The factor :math:`\gamma \in (0, 1]`.

    Returns
    -------
    lr_k : float

    Examples
    --------
    >>> [round(step_lr(k, lr=1.0, step_size=2, gamma=0.5), 4) for k in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    step = _check_step(step)
    lr = check_positive(lr, "lr")
    step_size = check_int(step_size, "step_size", minimum=1)
    gamma = _check_decay_factor(gamma)
    return lr * gamma ** (step // step_size)


def exponential_lr(step, *, lr, gamma):
    r"""Multiply the learning rate by ``gamma`` at every step (torch's ``ExponentialLR``).

    .. math::
        \eta_k = \eta\, \gamma^{k}

    Parameters
    ----------
    step : int
        The step number :math:`k \ge 0`.
    lr : float
        The initial learning rate :math:`\eta > 0`.
    gamma : float
        The factor :math:`\gamma \in (0, 1]`.

    Returns
    -------
    lr_k : float

    Examples
    --------
    >>> round(exponential_lr(3, lr=1.0, gamma=0.5), 4)
    0.125
    """
    step = _check_step(step)
    lr = check_positive(lr, "lr")
    gamma = _check_decay_factor(gamma)
    return lr * gamma**step


def cosine_lr(step, *, lr, total_steps, min_lr=0.0):
    r"""Cosine annealing from ``lr`` down to ``min_lr`` in ``total_steps`` steps.

    .. math::
        \eta_k = \eta_{\min} + \tfrac12(\eta - \eta_{\min})\left(1 + \cos\frac{\pi k}{T}\right)
        \quad (k \le T), \qquad \eta_k = \eta_{\min} \quad (k > T)

    For :math:`k \le T` this is the closed form of torch's ``CosineAnnealingLR``
    (``T_max = T``, ``eta_min =`` ``min_lr``); after :math:`T` the rate stays at
    ``min_lr`` instead of rising again. With ``min_lr=0`` the rate of step
    :math:`T` is 0, so run at most :math:`T` updates (steps :math:`0, \dots, T-1`).

    Parameters
    ----------
    step : int
        The step number :math:`k \ge 0`.
    lr : float
        The initial learning rate :math:`\eta > 0`.
    total_steps : int
        The length :math:`T \ge 1` of the annealing.
    min_lr : float, default=0.0
        The final learning rate :math:`0 \le \eta_{\min} \le \eta`.

    Returns
    -------
    lr_k : float

    Examples
    --------
    >>> [round(cosine_lr(k, lr=1.0, total_steps=4), 4) for k in range(6)]
    [1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
    """
    step = _check_step(step)
    lr = check_positive(lr, "lr")
    total_steps = check_int(total_steps, "total_steps", minimum=1)
    min_lr = check_nonnegative(min_lr, "min_lr")
    if min_lr > lr:
        raise ValueError(f"min_lr must be <= lr; got min_lr={min_lr} and lr={lr}.")
    if step > total_steps:
        return min_lr
    return min_lr + (lr - min_lr) * (1 + math.cos(math.pi * step / total_steps)) / 2


def warmup_lr(step, *, lr, warmup_steps, after=None):
    r"""Linear warm-up to ``lr`` over ``warmup_steps`` steps, then ``after`` (or ``lr``).

    .. math::
        \eta_k = \eta\, \frac{k + 1}{W} \quad (k < W), \qquad
        \eta_k = \text{after}(k - W) \quad (k \ge W)

    The first rate is :math:`\eta / W`, step :math:`W-1` reaches :math:`\eta`, and the
    schedule ``after`` then starts at its own step 0. Without ``after`` the rate stays :math:`\eta`.

    Parameters
    ----------
    step : int
        The step number :math:`k \ge 0`.
    lr : float
        The learning rate :math:`\eta > 0` reached at the end of the warm-up.
    warmup_steps : int
        :math:`W \ge 0`; ``0`` means no warm-up.
    after : callable, optional
        ``after(j) -> float``, the schedule that follows, e.g.
        ``make_schedule("cosine", lr=lr, total_steps=...)``.

    Returns
    -------
    lr_k : float

    Examples
    --------
    >>> [round(warmup_lr(k, lr=0.1, warmup_steps=4), 4) for k in range(6)]
    [0.025, 0.05, 0.075, 0.1, 0.1, 0.1]
    >>> decay = make_schedule("step", lr=0.1, step_size=1, gamma=0.5)
    >>> [round(warmup_lr(k, lr=0.1, warmup_steps=2, after=decay), 4) for k in range(5)]
    [0.05, 0.1, 0.1, 0.05, 0.025]
    """
    step = _check_step(step)
    lr = check_positive(lr, "lr")
    warmup_steps = check_int(warmup_steps, "warmup_steps", minimum=0)
    if after is not None and not callable(after):
        raise TypeError(
            f"after must be a function of the step number or None; got {type(after).__name__}. "
            "Use e.g. after=make_schedule('cosine', lr=0.1, total_steps=100)."
        )
    if step < warmup_steps:
        return lr * (step + 1) / warmup_steps
    if after is None:
        return lr
    return float(after(step - warmup_steps))


def warmup_cosine_lr(step, *, lr, warmup_steps, total_steps, min_lr=0.0):
    r"""Linear warm-up from 0 to ``lr``, then cosine annealing to ``min_lr``: the two composed.

    .. math::
        \eta_k = \eta\, \frac{k + 1}{W} \quad (k < W), \qquad
        \eta_k = \eta_{\min} + \tfrac12(\eta - \eta_{\min})
                 \left(1 + \cos\frac{\pi (k - W)}{T - W}\right) \quad (W \le k \le T),
        \qquad \eta_k = \eta_{\min} \quad (k > T)

    It is :func:`warmup_lr` with ``after`` the :func:`cosine_lr` of the
    :math:`T - W` steps that follow the warm-up:
    ``warmup_lr(k, lr=lr, warmup_steps=W, after=make_schedule("cosine", lr=lr,
    total_steps=T - W, min_lr=min_lr))``. The warm-up's first rate is :math:`\eta/W`,
    step :math:`W - 1` and step :math:`W` both have the rate :math:`\eta`, and step
    :math:`T` reaches :math:`\eta_{\min}`, where the rate stays.

    Parameters
    ----------
    step : int
        The step number :math:`k \ge 0`.
    lr : float
        The peak learning rate :math:`\eta > 0`.
    warmup_steps : int
        The length :math:`W \ge 0` of the warm-up; ``0`` means none.
    total_steps : int
        :math:`T > W`: the step at which the rate reaches ``min_lr``, warm-up included.
    min_lr : float, default=0.0
        The final learning rate :math:`0 \le \eta_{\min} \le \eta`.

    Returns
    -------
    lr_k : float

    Examples
    --------
    >>> [round(warmup_cosine_lr(k, lr=1.0, warmup_steps=2, total_steps=6), 4) for k in range(8)]
    [0.5, 1.0, 1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
    """
    step = _check_step(step)
    lr = check_positive(lr, "lr")
    warmup_steps = check_int(warmup_steps, "warmup_steps", minimum=0)
    total_steps = check_int(total_steps, "total_steps", minimum=1)
    if total_steps <= warmup_steps:
        raise ValueError(
            f"total_steps must be > warmup_steps; got total_steps={total_steps} and "
            f"warmup_steps={warmup_steps}. total_steps counts the warm-up too."
        )
    min_lr = check_nonnegative(min_lr, "min_lr")
    if min_lr > lr:
        raise ValueError(f"min_lr must be <= lr; got min_lr={min_lr} and lr={lr}.")
    anneal = functools.partial(cosine_lr, lr=lr, total_steps=total_steps - warmup_steps, min_lr=min_lr)
    return warmup_lr(step, lr=lr, warmup_steps=warmup_steps, after=anneal)


_SCHEDULES = {
    "constant": constant_lr,
    "step": step_lr,
    "exponential": exponential_lr,
    "cosine": cosine_lr,
    "warmup": warmup_lr,
    "warmup_cosine": warmup_cosine_lr,
}


def make_schedule(name, **kwargs):
    """A schedule as a function of the step number alone.

    Parameters
    ----------
    name : {"constant", "step", "exponential", "cosine", "warmup", "warmup_cosine"}
        Selects :func:`constant_lr`, :func:`step_lr`, :func:`exponential_lr`,
        :func:`cosine_lr`, :func:`warmup_lr` or :func:`warmup_cosine_lr`.
    **kwargs
        The keyword arguments of that function (``lr``, ``step_size``, ...). They are
        checked at once, by computing the rate of step 0.

    Returns
    -------
    schedule : callable
        ``schedule(step) -> float``.

    Examples
    --------
    >>> schedule = make_schedule("cosine", lr=0.1, total_steps=10)
    >>> round(schedule(0), 4), round(schedule(5), 4)
    (0.1, 0.05)
    """
    check_choice(name, "name", tuple(_SCHEDULES))
    schedule = functools.partial(_SCHEDULES[name], **kwargs)
    try:
        schedule(0)
    except TypeError as exc:
        if "argument" not in str(exc):
            raise
        raise TypeError(f"make_schedule({name!r}, ...): {exc}.") from None
    return schedule
