r"""RMSProp (Tieleman & Hinton, 2012), with torch.optim.RMSprop's conventions."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._tree import tree_map
from .._validation import check_positive
from .sgd import _check_decay, _check_params, _check_params_and_grads, _check_state

__all__ = ["RMSPropState", "rmsprop_init", "rmsprop_step"]


class RMSPropState(NamedTuple):
    """State of :func:`rmsprop_step`: the running average :math:`v` of squared gradients."""

    square_avg: object


def rmsprop_init(params) -> RMSPropState:
    """The initial RMSProp state: ``square_avg`` of zeros shaped like ``params``.

    Parameters
    ----------
    params : ndarray or dict of ndarray
        The parameters to optimize.

    Returns
    -------
    state : RMSPropState

    Examples
    --------
    >>> import numpy as np
    >>> rmsprop_init({"w": np.ones(2)}).square_avg
    {'w': array([0., 0.])}
    """
    params = _check_params(params)
    return RMSPropState(square_avg=tree_map(np.zeros_like, params))


def _check_rmsprop_hyper(*, lr=1e-2, alpha=0.99, eps=1e-8):
    return {
        "lr": check_positive(lr, "lr"),
        "alpha": _check_decay(alpha, "alpha"),
        "eps": check_positive(eps, "eps"),
    }


def rmsprop_step(params, grads, state, *, lr=1e-2, alpha=0.99, eps=1e-8):
    r"""One RMSProp update: divide the gradient by a running RMS of its recent values.

    .. math::
        v_t = \alpha\, v_{t-1} + (1-\alpha)\, g_t^2, \qquad
        \theta_t = \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{v_t} + \epsilon}

    Operations are element-wise. :math:`v_0 = 0`, and ``state.square_avg`` must be
    :math:`\ge 0`. The result keeps the dtype of ``params`` (float32 stays float32).

    Parameters
    ----------
    params : ndarray or dict of ndarray
        The parameters :math:`\theta_{t-1}`.
    grads : ndarray or dict of ndarray
        The gradient :math:`g_t` at ``params``; same keys and shapes as ``params``.
    state : RMSPropState
        :math:`v_{t-1}` from :func:`rmsprop_init` or the previous step.
    lr : float, default=1e-2
        The learning rate :math:`\eta > 0`.
    alpha : float, default=0.99
        The smoothing constant :math:`\alpha \in [0, 1)`.
    eps : float, default=1e-8
        :math:`\epsilon > 0`, added to :math:`\sqrt{v_t}` to avoid dividing by zero.

    Returns
    -------
    new_params : ndarray or dict of ndarray
        :math:`\theta_t`.
    new_state : RMSPropState
        :math:`v_t`.

    Notes
    -----
    The defaults and the place of ``eps`` (outside the square root) are those of
    ``torch.optim.RMSprop``. There is no bias correction: the first step, with
    :math:`v_1 = (1-\alpha) g_1^2`, moves each coordinate by
    :math:`\eta/\sqrt{1-\alpha} = 10\,\eta` for :math:`\alpha = 0.99`.

    Examples
    --------
    >>> import numpy as np
    >>> theta, g = np.array([1.0, 1.0]), np.array([0.5, -2.0])
    >>> new_theta, state = rmsprop_step(theta, g, rmsprop_init(theta), lr=0.01, alpha=0.99)
    >>> print(np.round(state.square_avg, 4))   # 0.01 * g**2
    [0.0025 0.04  ]
    >>> print(np.round(new_theta, 6))          # each coordinate moves by 0.01 / sqrt(0.01) = 0.1
    [0.9 1.1]
    """
    params, grads = _check_params_and_grads(params, grads)
    state = _check_state(state, RMSPropState, params, "rmsprop_init", nonnegative=("square_avg",))
    hyper = _check_rmsprop_hyper(lr=lr, alpha=alpha, eps=eps)
    lr, alpha, eps = hyper["lr"], hyper["alpha"], hyper["eps"]

    square_avg = tree_map(lambda v, g: alpha * v + (1 - alpha) * g**2, state.square_avg, grads)
    new_params = tree_map(
        lambda theta, g, v: theta - lr * g / (np.sqrt(v) + eps), params, grads, square_avg
    )
    return new_params, RMSPropState(square_avg=square_avg)
