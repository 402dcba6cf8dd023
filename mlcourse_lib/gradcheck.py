r"""Finite-difference gradient checks.

The centered difference

.. math::
    \frac{\partial f}{\partial x_i}(x) \approx
    \frac{f(x + \varepsilon e_i) - f(x - \varepsilon e_i)}{2\varepsilon}

has an error of order :math:`\varepsilon^2`; it costs two evaluations of :math:`f` per
entry of :math:`x`, too slow for training but ideal to test an analytic gradient.
``x`` may be an ndarray or a flat dict of ndarrays (the parameters of a model).
"""

from __future__ import annotations

import numbers
from typing import Callable, NamedTuple

import numpy as np

from ._tree import check_same_tree, tree_leaf_pairs, tree_map, validate_tree
from ._validation import check_positive

__all__ = ["numerical_gradient", "relative_error", "gradcheck", "GradcheckResult"]


# --- helpers -------------------------------------------------------------------------------------

def _check_callable(f, name: str) -> None:
    if not callable(f):
        raise TypeError(f"{name} must be a function; got {type(f).__name__} {f!r:.60}.")


def _scalar_value(value, where: str) -> float:
    """``f``'s return value as a float; raise unless it is one finite real number."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        shape = f" of shape {value.shape}" if isinstance(value, np.ndarray) else ""
        raise TypeError(
            f"f must return a real scalar; got {type(value).__name__}{shape} {where}. "
            "Return one number, e.g. float(np.sum(...))."
        )
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"f returned {value} {where}; expected a finite number.")
    return value


def _copy_tree(x):
    return tree_map(np.copy, x)


def _shifted(x, key, index, delta: float):
    """A fresh copy of ``x`` with the single entry ``x[key][index]`` moved by ``delta``."""
    moved = _copy_tree(x)
    leaf = moved[key] if isinstance(moved, dict) else moved
    leaf[index] += delta
    return moved


def _entries(x):
    """Every (key, index) of the tree; ``key`` is None for a plain array."""
    if isinstance(x, dict):
        return [(k, i) for k in x for i in np.ndindex(x[k].shape)]
    return [(None, i) for i in np.ndindex(x.shape)]


def _describe_entry(key, index) -> str:
    where = f"x[{key!r}][{index}]" if key is not None else f"x[{index}]"
    return where


# --- numerical gradient ---------------------------------------------------------------------------

def numerical_gradient(f: Callable, x, *, eps=1e-6):
    r"""The gradient of a scalar function by centered finite differences.

    .. math::
        g_i = \frac{f(x + \varepsilon e_i) - f(x - \varepsilon e_i)}{2\varepsilon}

    for every entry :math:`i` of ``x`` (every entry of every leaf for a dict).

    ``f`` is called with fresh float64 copies of ``x``, so neither ``x`` nor the
    points seen by earlier calls change.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``: a real scalar for an input of the structure and shapes of ``x``.
    x : array_like or dict of array_like
        The point, any shape(s).
    eps : float
        The step :math:`\varepsilon > 0`. Around ``1e-6`` to ``1e-5`` balances the
        truncation error (order :math:`\varepsilon^2`) against round-off (order
        :math:`10^{-16}/\varepsilon`).

    Returns
    -------
    grad : ndarray or dict of ndarray
        Same structure and shapes as ``x``, float64.

    Examples
    --------
    >>> g = numerical_gradient(lambda x: float(np.sum(x ** 2)), np.array([1.0, -2.0]))
    >>> print(np.round(g, 6))    # 2x
    [ 2. -4.]
    >>> g = numerical_gradient(lambda p: float(p["a"][0] * p["b"][0]), {"a": [3.0], "b": [5.0]})
    >>> {k: round(float(v[0]), 6) for k, v in g.items()}
    {'a': 5.0, 'b': 3.0}
    """
    _check_callable(f, "f")
    x = validate_tree(x, "x")
    eps = check_positive(eps, "eps")
    grad = tree_map(np.zeros_like, x)
    for key, index in _entries(x):
        where = _describe_entry(key, index)
        f_plus = _scalar_value(f(_shifted(x, key, index, +eps)), f"at x with {where} + eps")
        f_minus = _scalar_value(f(_shifted(x, key, index, -eps)), f"at x with {where} - eps")
        leaf = grad[key] if key is not None else grad
        leaf[index] = (f_plus - f_minus) / (2 * eps)
    return grad


# --- relative error ---------------------------------------------------------------------------------

def relative_error(a, b) -> float:
    r"""The largest difference between two gradients, relative to their size.

    .. math::
        \operatorname{rel}(a, b) = \frac{\max_i |a_i - b_i|}
                                        {\max\left(\max_i (|a_i| + |b_i|),\ \text{tiny}\right)}

    with both maxima over all entries (over all entries of all leaves for dicts) and
    ``tiny`` the smallest positive float64, so that two zero gradients give 0. The result
    lies in :math:`[0, 1]`: near :math:`10^{-9}` for a correct analytic gradient against
    a numerical one, near 1 for a wrong one (wrong sign: exactly 1). Normalizing by the
    largest entry (not entry by entry) keeps entries that are zero up to round-off, such
    as the gradient of a dead ReLU unit, from dominating the error.

    Parameters
    ----------
    a, b : array_like or dict of array_like
        Same structure and shapes; dicts need the same keys (in any order), and their
        leaves are compared key by key.

    Returns
    -------
    error : float

    Examples
    --------
    >>> round(relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.2])), 6)   # 0.2 / 4.2
    0.047619
    >>> relative_error(np.array([1.0, -2.0]), np.array([-1.0, 2.0]))
    1.0
    """
    a = validate_tree(a, "a")
    b = validate_tree(b, "b")
    pairs = tree_leaf_pairs(a, "a", b, "b")          # dict leaves are matched by key
    differences = [np.max(np.abs(u - v)) for u, v in pairs if u.size]
    scales = [np.max(np.abs(u) + np.abs(v)) for u, v in pairs if u.size]
    if not differences:
        return 0.0
    tiny = np.finfo(np.float64).tiny
    return float(max(differences) / max(max(scales), tiny))


# --- gradcheck ---------------------------------------------------------------------------------------

class GradcheckResult(NamedTuple):
    """What :func:`gradcheck` found.

    ``ok`` tells whether ``max_rel_error <= rtol``; ``analytic`` and ``numeric`` are the two
    gradients compared (same structure as ``x``). ``str(result)`` is a one-line summary.
    """

    ok: bool
    max_rel_error: float
    analytic: object
    numeric: object

    def summary(self) -> str:
        """One line: passed or FAILED, and the largest relative error."""
        verdict = "passed" if self.ok else "FAILED"
        line = f"gradcheck {verdict}: max relative error {self.max_rel_error:.1e}"
        if not self.ok and isinstance(self.analytic, dict):
            worst = max(self.analytic, key=lambda k: _max_abs_difference(self.analytic[k], self.numeric[k]))
            line += f" (largest difference in {worst!r})"
        return line

    def __str__(self) -> str:
        return self.summary()


def _max_abs_difference(a, b) -> float:
    return float(np.max(np.abs(a - b))) if np.size(a) else 0.0


def gradcheck(f: Callable, grad_f: Callable, x, *, eps=1e-6, rtol=1e-5) -> GradcheckResult:
    r"""Compare an analytic gradient with centered finite differences.

    .. math::
        \text{ok} \iff \operatorname{rel}\left(\nabla f(x),\ g^{\text{num}}(x)\right) \le \text{rtol}

    with :math:`g^{\text{num}}` from :func:`numerical_gradient` and
    :math:`\operatorname{rel}` from :func:`relative_error`.

    A mismatch does not raise: the result says ``ok=False`` and the caller decides.
    Bad inputs do raise (``f`` not returning a scalar, ``grad_f`` returning the wrong
    shapes or keys, ``eps`` or ``rtol`` not positive).

    Parameters
    ----------
    f : callable
        ``f(x) -> float``.
    grad_f : callable
        ``grad_f(x) ->`` the analytic gradient, same structure and shapes as ``x``.
    x : array_like or dict of array_like
        The point at which to compare; it is not changed.
    eps : float
        The finite-difference step.
    rtol : float
        The largest accepted relative error.

    Returns
    -------
    result : GradcheckResult
        ``(ok, max_rel_error, analytic, numeric)``.

    Examples
    --------
    >>> f = lambda x: float(np.sum(x ** 3))
    >>> result = gradcheck(f, lambda x: 3 * x ** 2, np.array([1.0, -2.0]))
    >>> result.ok
    True
    >>> print(gradcheck(f, lambda x: 2 * x, np.array([1.0, -2.0])))
    gradcheck FAILED: max relative error 1.0e+00
    """
    _check_callable(f, "f")
    _check_callable(grad_f, "grad_f")
    x = validate_tree(x, "x")
    eps = check_positive(eps, "eps")
    rtol = check_positive(rtol, "rtol")
    analytic = validate_tree(grad_f(_copy_tree(x)), "grad_f(x)")
    check_same_tree(x, "x", analytic, "grad_f(x)")
    numeric = numerical_gradient(f, x, eps=eps)
    error = relative_error(analytic, numeric)
    return GradcheckResult(ok=error <= rtol, max_rel_error=error, analytic=analytic, numeric=numeric)
