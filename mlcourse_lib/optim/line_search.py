r"""Backtracking line search with the Armijo (sufficient decrease) condition."""

from __future__ import annotations

import warnings

import numpy as np

from .._validation import as_float_array, check_fraction, check_int, check_positive, check_same_shape

__all__ = ["backtracking_line_search"]


def _check_callable(fn, name: str, returns: str) -> None:
    if not callable(fn):
        raise TypeError(f"{name} must be a function x -> {returns}; got {type(fn).__name__} {fn!r:.60}.")


def _value(f, x, what: str) -> float:
    """``f(x)`` as a float; non-finite values are allowed (a trial point may overflow)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        value = f(x)
    try:
        number = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"f must return a real number; got {type(value).__name__} {value!r:.60} at {what}."
        ) from None
    if number.size != 1:
        raise ValueError(f"f must return a single number; got an array of shape {number.shape} at {what}.")
    return float(number.reshape(()))


def _sufficient_decrease(f_trial: float, f0: float, c: float, alpha: float, slope: float) -> bool:
    r"""The Armijo condition :math:`f(x + \alpha p) \le f(x) + c\,\alpha\,\nabla f(x)^\top p`.

    A trial value that is NaN or infinite is no decrease, so the step keeps shrinking.
    """
    return bool(np.isfinite(f_trial)) and f_trial <= f0 + c * alpha * slope


def backtracking_line_search(f, grad_f, x, *, direction=None, alpha0=1.0, shrink=0.5, c=1e-4,
                             max_iter=50):
    r"""The largest step :math:`\alpha = \alpha_0 \rho^k` that satisfies the Armijo condition.

    .. math::
        f(x + \alpha p) \le f(x) + c\, \alpha\, \nabla f(x)^\top p

    Starting from :math:`\alpha_0`, the step is multiplied by :math:`\rho` (``shrink``)
    until the condition holds: the loss must drop by at least the fraction :math:`c`
    of what its linear model :math:`f(x) + \alpha \nabla f(x)^\top p` predicts.
    The direction :math:`p` defaults to steepest descent, :math:`p = -\nabla f(x)`.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``, the function to minimize.
    grad_f : callable
        ``grad_f(x) -> ndarray of shape (d,)``, its gradient.
    x : ndarray of shape (d,)
        The current point.
    direction : ndarray of shape (d,), optional
        A descent direction :math:`p` (:math:`\nabla f(x)^\top p < 0`); default :math:`-\nabla f(x)`.
    alpha0 : float, default=1.0
        The first step tried, :math:`\alpha_0 > 0`.
    shrink : float, default=0.5
        :math:`\rho \in (0, 1)`.
    c : float, default=1e-4
        :math:`c \in (0, 1)`.
    max_iter : int, default=50
        The number of steps tried at most.

    A trial point where ``f`` is NaN or infinite (it overflowed, or left the domain of
    ``f``) does not satisfy the condition: the step shrinks further.

    Returns
    -------
    alpha : float
        The first accepted step. If none of the ``max_iter`` steps is accepted, the
        last one tried, :math:`\alpha_0 \rho^{\text{max\_iter}-1}`, is returned with a
        ``RuntimeWarning`` (usually a sign that ``grad_f`` is not the gradient of ``f``).

    Raises
    ------
    TypeError
        If ``f`` or ``grad_f`` is not callable, or returns something other than numbers.
    ValueError
        If :math:`p` is not a descent direction, including at a stationary point
        (:math:`\nabla f(x) = 0`); if ``grad_f(x)`` has the wrong shape or ``f(x)`` or
        ``grad_f(x)`` is not finite at ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda x: float(x @ x)          # gradient 2x: the step 1 overshoots to -x
    >>> grad_f = lambda x: 2 * x
    >>> backtracking_line_search(f, grad_f, np.array([1.0, -2.0]))
    0.5
    """
    _check_callable(f, "f", "float")
    _check_callable(grad_f, "grad_f", "ndarray of shape (d,)")
    x = as_float_array(x, "x", ndim=1)
    alpha0 = check_positive(alpha0, "alpha0")
    shrink = check_fraction(shrink, "shrink")
    c = check_fraction(c, "c")
    max_iter = check_int(max_iter, "max_iter", minimum=1)

    g = as_float_array(grad_f(x), "grad_f(x)", ndim=1)
    check_same_shape(x, "x", g, "grad_f(x)")
    if direction is None:
        if not np.any(g):
            raise ValueError(
                "grad_f(x) is zero: x is already a stationary point, there is no descent direction."
            )
        p = -g
    else:
        p = as_float_array(direction, "direction", ndim=1)
        check_same_shape(x, "x", p, "direction")
    slope = float(g @ p)
    if slope >= 0:
        raise ValueError(
            f"direction is not a descent direction: grad_f(x) @ direction = {slope:.6g}, "
            "expected < 0. Pass direction=None to use the steepest descent direction -grad_f(x)."
        )
    f0 = _value(f, x, "x")
    if not np.isfinite(f0):
        raise ValueError(f"f(x) must be finite; got {f0}.")

    for k in range(max_iter):
        alpha = alpha0 * shrink**k
        f_trial = _value(f, x + alpha * p, f"x + {alpha:g} * direction")
        if _sufficient_decrease(f_trial, f0, c, alpha, slope):
            return alpha
    warnings.warn(
        f"no step met the Armijo condition in max_iter={max_iter} tries; returning the last one, "
        f"alpha={alpha:g}. Check that grad_f is the gradient of f.",
        RuntimeWarning,
        stacklevel=2,
    )
    return alpha
