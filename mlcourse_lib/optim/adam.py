r"""Adam (Kingma & Ba, 2015) and AdamW (Loshchilov & Hutter, 2019), as torch.optim computes them."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._tree import tree_map
from .._validation import check_nonnegative, check_positive
from .sgd import _check_decay, _check_params, _check_params_and_grads, _check_state

__all__ = ["AdamState", "adam_init", "adam_step", "adamw_step", "update_moment", "bias_correction"]


class AdamState(NamedTuple):
    """State of :func:`adam_step` and :func:`adamw_step`.

    ``step`` is the number of updates done so far (:math:`t - 1` before update :math:`t`);
    ``m`` and ``v`` are the first and second moment estimates, shaped like ``params``.
    """

    step: int
    m: object
    v: object


def adam_init(params) -> AdamState:
    """The initial Adam state: ``step=0`` and zero moments shaped like ``params``.

    Parameters
    ----------
    params : ndarray or dict of ndarray
        The parameters to optimize.

    Returns
    -------
    state : AdamState

    Examples
    --------
    >>> import numpy as np
    >>> adam_init(np.array([1.0, 2.0]))
    AdamState(step=0, m=array([0., 0.]), v=array([0., 0.]))
    """
    params = _check_params(params)
    return AdamState(step=0, m=tree_map(np.zeros_like, params), v=tree_map(np.zeros_like, params))


def update_moment(moment, value, beta):
    r"""An exponential moving average: :math:`\beta\, \text{moment} + (1-\beta)\, \text{value}`.

    The helper of :func:`adam_step` for both moments (``value`` is :math:`g_t` or
    :math:`g_t^2`); it does no validation.

    Examples
    --------
    >>> import numpy as np
    >>> print(update_moment(np.zeros(2), np.array([0.5, -2.0]), 0.9))
    [ 0.05 -0.2 ]
    """
    return beta * moment + (1 - beta) * value


def bias_correction(moment, beta, t):
    r"""Undo the pull of a zero-initialised moving average towards zero: :math:`\text{moment}/(1-\beta^t)`.

    After :math:`t` updates from zero the weights of a moving average sum to
    :math:`1-\beta^t`, not 1; dividing by it makes the average unbiased. The helper
    of :func:`adam_step`; it does no validation.

    Examples
    --------
    >>> import numpy as np
    >>> print(bias_correction(np.array([0.05, -0.2]), 0.9, 1))
    [ 0.5 -2. ]
    """
    return moment / (1 - beta**t)


def _check_adam_hyper(*, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return {
        "lr": check_positive(lr, "lr"),
        "beta1": _check_decay(beta1, "beta1"),
        "beta2": _check_decay(beta2, "beta2"),
        "eps": check_positive(eps, "eps"),
    }


def _check_adamw_hyper(*, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    hyper = _check_adam_hyper(lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    hyper["weight_decay"] = check_nonnegative(weight_decay, "weight_decay")
    return hyper


def _adam_update(params, grads, state, *, lr, beta1, beta2, eps):
    """The Adam update on validated inputs, written once for adam_step and adamw_step."""
    t = state.step + 1
    m = tree_map(lambda m, g: update_moment(m, g, beta1), state.m, grads)
    v = tree_map(lambda v, g: update_moment(v, g**2, beta2), state.v, grads)
    m_hat = tree_map(lambda m: bias_correction(m, beta1, t), m)
    v_hat = tree_map(lambda v: bias_correction(v, beta2, t), v)
    new_params = tree_map(
        lambda theta, m_hat, v_hat: theta - lr * m_hat / (np.sqrt(v_hat) + eps), params, m_hat, v_hat
    )
    return new_params, AdamState(step=t, m=m, v=v)


def adam_step(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    r"""One Adam update (Kingma & Ba, 2015).

    .. math::
        t = \text{state.step} + 1, \qquad
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2

        \hat m_t = \frac{m_t}{1-\beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1-\beta_2^t}, \qquad
        \theta_t = \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    Operations are element-wise; :math:`m_0 = v_0 = 0`. The result keeps the dtype of
    ``params`` (float32 stays float32, as in torch). ``state.v`` must be :math:`\ge 0`.

    Parameters
    ----------
    params : ndarray or dict of ndarray
        The parameters :math:`\theta_{t-1}`.
    grads : ndarray or dict of ndarray
        The gradient :math:`g_t` at ``params``; same keys and shapes as ``params``.
    state : AdamState
        From :func:`adam_init` or the previous step.
    lr : float, default=1e-3
        The learning rate :math:`\eta > 0`.
    beta1, beta2 : float, default=0.9, 0.999
        Decay rates of the first and second moment estimates, in :math:`[0, 1)`.
    eps : float, default=1e-8
        :math:`\epsilon > 0`, added to :math:`\sqrt{\hat v_t}`.

    Returns
    -------
    new_params : ndarray or dict of ndarray
        :math:`\theta_t`.
    new_state : AdamState
        ``AdamState(step=t, m=m_t, v=v_t)``.

    Notes
    -----
    The defaults and the place of ``eps`` (added after the square root of
    :math:`\hat v_t`) are those of ``torch.optim.Adam``.

    Why bias correction: with :math:`\beta_1 = 0.9` the first moment after one step is
    :math:`m_1 = 0.1\, g_1`, ten times too small, and :math:`\sqrt{v_1} = \sqrt{0.001}\,|g_1|
    \approx 0.032\,|g_1|`, about 32 times too small. Corrected, :math:`\hat m_1 = g_1` and
    :math:`\sqrt{\hat v_1} = |g_1|`, so the first step moves every coordinate by about
    :math:`\eta` against the sign of its gradient. Correcting only :math:`v` would make the
    first steps 10 times too small; correcting neither, about 3.2 times too large.

    Examples
    --------
    >>> import numpy as np
    >>> theta, g = np.array([1.0, 1.0]), np.array([0.5, -2.0])
    >>> new_theta, state = adam_step(theta, g, adam_init(theta), lr=0.1)
    >>> print(np.round(new_theta, 6))   # about lr * sign(g) per coordinate
    [0.9 1.1]
    >>> state.step
    1
    """
    params, grads = _check_params_and_grads(params, grads)
    state = _check_state(state, AdamState, params, "adam_init", nonnegative=("v",))
    hyper = _check_adam_hyper(lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    return _adam_update(params, grads, state, **hyper)


def adamw_step(params, grads, state, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
               weight_decay=1e-2):
    r"""One AdamW update: decoupled weight decay, then the Adam update (Loshchilov & Hutter, 2019).

    .. math::
        \theta' = \theta_{t-1}\,(1 - \eta\lambda), \qquad
        \theta_t = \theta' - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    with :math:`\hat m_t, \hat v_t` computed from ``grads`` exactly as in :func:`adam_step`.
    The decay does not pass through the moments: unlike an L2 penalty
    :math:`\tfrac{\lambda}{2}\|\theta\|^2` added to the loss (whose gradient
    :math:`\lambda\theta` Adam would rescale by :math:`1/\sqrt{\hat v_t}`), every weight
    shrinks by the same factor :math:`1 - \eta\lambda`.

    Parameters
    ----------
    params, grads, state, lr, beta1, beta2, eps
        As in :func:`adam_step`.
    weight_decay : float, default=1e-2
        The decay :math:`\lambda \ge 0` (torch.optim.AdamW's default).

    Returns
    -------
    new_params : ndarray or dict of ndarray
        :math:`\theta_t`.
    new_state : AdamState

    Examples
    --------
    >>> import numpy as np
    >>> theta, g = np.array([1.0, 1.0]), np.array([0.5, -2.0])
    >>> new_theta, _ = adamw_step(theta, g, adam_init(theta), lr=0.1, weight_decay=0.5)
    >>> print(np.round(new_theta, 6))   # 1 * (1 - 0.1 * 0.5) -/+ 0.1
    [0.85 1.05]
    """
    params, grads = _check_params_and_grads(params, grads)
    state = _check_state(state, AdamState, params, "adam_init", nonnegative=("v",))
    hyper = _check_adamw_hyper(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)
    weight_decay = hyper.pop("weight_decay")

    decayed = tree_map(lambda theta: theta * (1 - hyper["lr"] * weight_decay), params)
    return _adam_update(decayed, grads, state, **hyper)
