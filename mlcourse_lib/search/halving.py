r"""Successive halving: many configurations on a small budget, the best few on a large one.

Start ``n`` configurations with a budget :math:`r` each (epochs, steps, samples); keep the best
:math:`\lfloor n/\eta \rfloor` and give them :math:`\eta` times the budget; repeat until fewer
than :math:`\eta` remain (Jamieson & Talwalkar, 2016; the bracket of Hyperband, Li et al., 2017).
Every rung costs about :math:`n r`, so the whole bracket costs about :math:`n r` times the number
of rungs instead of :math:`n r \eta^{s}` for training every configuration in full.
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from .._validation import check_int, check_positive

__all__ = ["successive_halving_schedule", "Rung", "successive_halving"]


def _check_eta(eta) -> int:
    return check_int(eta, "eta", minimum=2)


def successive_halving_schedule(n_configs, min_budget, *, eta=3) -> list[tuple[int, float]]:
    r"""The rungs :math:`(n_i, r_i)` of one bracket of successive halving.

    .. math::
        n_0 = n, \quad r_0 = r, \qquad
        n_{i+1} = \lfloor n_i / \eta \rfloor, \quad r_{i+1} = \eta\, r_i,
        \qquad \text{while } n_i \ge \eta

    So :math:`n_i = \lfloor n / \eta^i \rfloor` and :math:`r_i = r\,\eta^i` for
    :math:`i = 0, \dots, s` with :math:`s = \lfloor \log_\eta n \rfloor`: :math:`s + 1` rungs,
    the last one with :math:`1 \le n_s < \eta` configurations (the best of which is the
    result). The rung count is found with integer arithmetic; a float logarithm misses
    exact powers (``math.log(243, 3)`` is 4.999999999999999).

    Parameters
    ----------
    n_configs : int
        :math:`n \ge 1` configurations in the first rung.
    min_budget : float
        :math:`r > 0`, the budget of each configuration in the first rung.
    eta : int, default=3
        :math:`\eta \ge 2`: keep :math:`1/\eta` of the configurations, multiply the budget by
        :math:`\eta`.

    Returns
    -------
    rungs : list of (int, float)
        :math:`[(n_0, r_0), (n_1, r_1), \dots, (n_s, r_s)]`; budgets are ints when ``min_budget``
        is an int.

    Examples
    --------
    >>> successive_halving_schedule(27, 1, eta=3)
    [(27, 1), (9, 3), (3, 9), (1, 27)]
    >>> successive_halving_schedule(20, 0.5, eta=3)
    [(20, 0.5), (6, 1.5), (2, 4.5)]
    """
    n = check_int(n_configs, "n_configs", minimum=1)
    if isinstance(min_budget, numbers.Integral) and not isinstance(min_budget, bool):
        r = check_int(min_budget, "min_budget", minimum=1)
    else:
        r = check_positive(min_budget, "min_budget")
    eta = _check_eta(eta)
    rungs = [(n, r)]
    while n >= eta:
        n, r = n // eta, r * eta
        rungs.append((n, r))
    return rungs


class Rung(NamedTuple):
    """One rung of a successive-halving run.

    Attributes
    ----------
    budget : float
        The budget each configuration of the rung was given.
    configs : ndarray of shape (n_i,)
        Indices (into ``configs``) of the configurations evaluated in the rung.
    losses : ndarray of shape (n_i,)
        Their losses at that budget (NaN counted as infinitely bad).
    """

    budget: float
    configs: np.ndarray
    losses: np.ndarray


def successive_halving(configs, evaluate, *, min_budget, eta=3):
    r"""Run one bracket of successive halving and return the best configuration and every rung.

    The schedule is :func:`successive_halving_schedule`; in each rung, every surviving
    configuration is evaluated with the rung's budget, and the :math:`n_{i+1}` with the
    smallest losses go on (ties: the earlier configuration first; a NaN loss, say from a
    diverged run, ranks last).

    Parameters
    ----------
    configs : sequence
        The :math:`n` configurations (anything ``evaluate`` accepts).
    evaluate : callable
        ``evaluate(config, budget) -> float``, the validation loss of ``config`` trained with
        ``budget``.
    min_budget : float
        :math:`r`, the first rung's budget.
    eta : int, default=3

    Returns
    -------
    best : int
        Index of the configuration with the smallest loss in the last rung.
    rungs : list of Rung

    Examples
    --------
    >>> best, rungs = successive_halving([3.0, 1.0, 2.0, 0.5], lambda c, b: abs(c - 1) / b,
    ...                                  min_budget=1, eta=2)
    >>> best, [(r.budget, r.configs.tolist()) for r in rungs]
    (1, [(1, [0, 1, 2, 3]), (2, [1, 3]), (4, [1])])
    """
    if not callable(evaluate):
        raise TypeError(f"evaluate must be a function evaluate(config, budget) -> float; "
                        f"got {type(evaluate).__name__}.")
    configs = list(configs)
    schedule = successive_halving_schedule(len(configs), min_budget, eta=eta)
    alive = np.arange(len(configs))
    rungs = []
    for i, (n_i, r_i) in enumerate(schedule):
        losses = np.array([float(evaluate(configs[c], r_i)) for c in alive])
        rungs.append(Rung(budget=r_i, configs=alive, losses=losses))
        ranked = np.argsort(np.where(np.isnan(losses), np.inf, losses), kind="stable")
        if i + 1 < len(schedule):
            alive = alive[np.sort(ranked[:schedule[i + 1][0]])]
    best = int(rungs[-1].configs[ranked[0]])
    return best, rungs
