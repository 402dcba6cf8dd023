r"""Optimization loops that record the whole trajectory, to compare optimizers on one function."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_int, check_positive
from .optimizer import _setup

__all__ = ["gradient_descent", "minimize"]


def _check_grad_fn(grad_fn) -> None:
    if not callable(grad_fn):
        raise TypeError(
            f"grad_fn must be a function theta -> gradient; got {type(grad_fn).__name__} "
            f"{grad_fn!r:.60}."
        )


def _check_theta0(theta0) -> np.ndarray:
    """``theta0`` as a finite 1-D float array; a float dtype (e.g. float32) is kept."""
    return as_float_array(theta0, "theta0", ndim=1, keep_float_dtype=True)


def _check_grad(g, theta: np.ndarray, k: int) -> np.ndarray:
    """What ``grad_fn`` returned at iterate ``k``, as an array of ``theta``'s shape and dtype.

    At the start (``k = 0``) the gradient must be finite: ``theta0`` is, so a NaN there
    is a bug in ``grad_fn``. Later non-finite values are divergence, which the
    trajectory shows.
    """
    try:
        g = np.asarray(g, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"grad_fn must return an array of numbers; got {type(g).__name__} {g!r:.60}."
        ) from None
    if g.shape != theta.shape:
        raise ValueError(f"grad_fn returned shape {g.shape}, expected {theta.shape} to match theta0.")
    if k == 0 and not np.all(np.isfinite(g)):
        i = int(np.flatnonzero(~np.isfinite(g))[0])
        raise ValueError(
            f"grad_fn returned {g[i]} at index {i} at theta0; expected finite numbers. "
            "Check grad_fn at the starting point."
        )
    return g.astype(theta.dtype, copy=False)


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
        Row ``k`` is :math:`\theta_k`; row 0 is ``theta0``. Its dtype is that of
        ``theta0`` when it is a float array (float32 stays float32), else float64.

    Raises
    ------
    TypeError
        If ``grad_fn`` is not callable or returns something other than numbers.
    ValueError
        If ``grad_fn`` returns the wrong shape, or NaN or infinity at ``theta0``.

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
    _check_grad_fn(grad_fn)
    theta = _check_theta0(theta0)
    lr = check_positive(lr, "lr")
    n_steps = check_int(n_steps, "n_steps", minimum=0)

    trajectory = np.empty((n_steps + 1, theta.size), dtype=theta.dtype)
    trajectory[0] = theta
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(n_steps):
            theta = theta - lr * _check_grad(grad_fn(theta), theta, k)
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
        Row ``k`` is the iterate after ``k`` updates; the dtype of ``theta0`` when it is
        a float array (float32 stays float32), else float64.

    Raises
    ------
    TypeError
        If ``grad_fn`` is not callable or returns something other than numbers.
    ValueError
        If ``grad_fn`` returns the wrong shape, or NaN or infinity at ``theta0``.

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
    _check_grad_fn(grad_fn)
    theta = _check_theta0(theta0)
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    rule, lr_at, hyper = _setup(optimizer, "optimizer", lr, schedule, hyper)

    trajectory = np.full((n_steps + 1, theta.size), np.nan, dtype=theta.dtype)
    trajectory[0] = theta
    state = rule.init(theta)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(n_steps):
            grads = _check_grad(grad_fn(theta), theta, k)
            if not (np.all(np.isfinite(theta)) and np.all(np.isfinite(grads))):
                break  # diverged: the remaining rows stay nan
            theta, state = rule.step(theta, grads, state, lr=lr_at(k), **hyper)
            trajectory[k + 1] = theta
    return trajectory
