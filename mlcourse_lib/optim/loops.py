r"""Optimization loops that record the whole trajectory, to compare optimizers on one function."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_int, check_positive
from .optimizer import _setup

__all__ = ["gradient_descent", "minimize"]


def _check_grad(g, theta: np.ndarray) -> np.ndarray:
    g = np.asarray(g, dtype=np.float64)
    if g.shape != theta.shape:
        raise ValueError(f"grad_fn returned shape {g.shape}, expected {theta.shape} to match theta0.")
    return g


def gradient_descent(grad_fn, theta0, *, lr, n_steps):
    r"""Run gradient descent and return every iterate.

    .. math::
        \theta_{k+1} = \theta_k - \eta\, \nabla f(\theta_k), \qquad k = 0, \dots, n-1

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(theta) -> ndarray of shape (d,)``, the gradient :math:`\nabla f`.
    theta0 : ndarray of shape (d,)
        The starting point (copied into row 0).
    lr : float
        The learning rate :math:`\eta > 0`.
    n_steps : int
        The number of updates :math:`n \ge 0`.

    Returns
    -------
    trajectory : ndarray of shape (n_steps + 1, d)
        Row ``k`` is :math:`\theta_k`; row 0 is ``theta0``.

    Notes
    -----
    A learning rate that is too large makes the iterates grow without bound; the
    rows then overflow to ``inf`` and ``nan`` (silently, without numpy warnings),
    which is how divergence shows in the result.

    Examples
    --------
    >>> import numpy as np
    >>> grad_fn = lambda theta: 2 * theta          # f(theta) = ||theta||^2
    >>> print(gradient_descent(grad_fn, np.array([1.0, -2.0]), lr=0.25, n_steps=3))
    [[ 1.    -2.   ]
     [ 0.5   -1.   ]
     [ 0.25  -0.5  ]
     [ 0.125 -0.25 ]]
    """
    theta = as_float_array(theta0, "theta0", ndim=1)
    lr = check_positive(lr, "lr")
    n_steps = check_int(n_steps, "n_steps", minimum=0)

    trajectory = np.empty((n_steps + 1, theta.size))
    trajectory[0] = theta
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(n_steps):
            theta = theta - lr * _check_grad(grad_fn(theta), theta)
            trajectory[k + 1] = theta
    return trajectory


def minimize(grad_fn, theta0, *, optimizer="gd", n_steps, lr=None, schedule=None, **hyper):
    r"""Run one of the update rules for ``n_steps`` steps and return every iterate.

    The loop is the one a notebook writes by hand with the pure update rules::

        state = init(theta)
        for k in range(n_steps):
            theta, state = step(theta, grad_fn(theta), state, lr=schedule(k), **hyper)

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(theta) -> ndarray of shape (d,)``.
    theta0 : ndarray of shape (d,)
        The starting point (copied into row 0).
    optimizer : {"gd", "momentum", "nesterov", "rmsprop", "adam", "adamw"}, default="gd"
        Runs :func:`gd_step`, :func:`momentum_step` (``"nesterov"``: with ``nesterov=True``),
        :func:`rmsprop_step`, :func:`adam_step` or :func:`adamw_step`.
    n_steps : int
        The number of updates, ``>= 0``.
    lr : float, optional
        The learning rate; defaults to the rule's default (required for
        ``"gd"``, ``"momentum"``, ``"nesterov"``). Not together with ``schedule``.
    schedule : callable, optional
        ``schedule(k) -> float``, the learning rate of update ``k``, e.g. from :func:`make_schedule`.
    **hyper
        The rule's other hyperparameters, e.g. ``momentum=0.9`` or ``beta2=0.99``.

    Returns
    -------
    trajectory : ndarray of shape (n_steps + 1, d)
        Row ``k`` is the iterate after ``k`` updates.

    Notes
    -----
    When a run diverges (an iterate or gradient is no longer finite) the loop stops
    and the remaining rows are ``nan``.

    Examples
    --------
    >>> import numpy as np
    >>> grad_fn = lambda theta: np.array([1.0, 10.0]) * theta   # f = (x^2 + 10 y^2) / 2
    >>> path = minimize(grad_fn, np.array([1.0, 1.0]), optimizer="adam", n_steps=500, lr=0.05)
    >>> path.shape, bool(np.abs(path[-1]).max() < 1e-2)
    ((501, 2), True)
    """
    theta = as_float_array(theta0, "theta0", ndim=1)
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    rule, lr_at, hyper = _setup(optimizer, "optimizer", lr, schedule, hyper)

    trajectory = np.full((n_steps + 1, theta.size), np.nan)
    trajectory[0] = theta
    state = rule.init(theta)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(n_steps):
            grads = _check_grad(grad_fn(theta), theta)
            if not (np.all(np.isfinite(theta)) and np.all(np.isfinite(grads))):
                break  # diverged: the remaining rows stay nan
            theta, state = rule.step(theta, grads, state, lr=lr_at(k), **hyper)
            trajectory[k + 1] = theta
    return trajectory
