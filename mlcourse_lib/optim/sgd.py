r"""Gradient descent and (Nesterov) momentum, with torch.optim.SGD's conventions.

Every rule is a pure function: it takes ``params``, ``grads`` and (for rules with
memory) an immutable ``state``, and returns new ones. ``params`` is an ndarray
or a flat dict of ndarrays; the inputs are never changed in place.

Weight decay is left out on purpose: an L2 penalty belongs in the loss (its
gradient then arrives in ``grads``); decoupled decay is :func:`adamw_step`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._tree import check_same_tree, tree_map, validate_tree
from .._validation import check_in_range, check_int, check_positive

__all__ = ["gd_step", "MomentumState", "momentum_init", "momentum_step"]


# --- validation shared by the update rules of this subpackage ------------------------------

def _check_params(params):
    """A validated copy of ``params``; float leaves keep their dtype (float32 stays float32, as in torch)."""
    return validate_tree(params, "params", keep_float_dtype=True)


def _in_dtype_of(tree, params):
    """``tree`` with every leaf cast to the dtype of the matching leaf of ``params``."""
    return tree_map(lambda leaf, theta: leaf.astype(theta.dtype, copy=False), tree, params)


def _check_params_and_grads(params, grads):
    """Validated copies of ``params`` and ``grads``, which must have the same keys and shapes.

    The update is computed in the dtype of each parameter, so ``grads`` is cast to it.
    """
    params = _check_params(params)
    grads = validate_tree(grads, "grads", keep_float_dtype=True)
    check_same_tree(params, "params", grads, "grads")
    return params, _in_dtype_of(grads, params)


def _check_nonnegative_tree(tree, name: str, init_name: str) -> None:
    """Raise unless every entry of ``tree`` is >= 0 (a running average of squares)."""
    leaves = tree.items() if isinstance(tree, dict) else [(None, tree)]
    for key, leaf in leaves:
        negative = np.argwhere(leaf < 0)
        if negative.size:
            where = tuple(int(i) for i in negative[0])
            index = where if len(where) != 1 else where[0]
            label = name if key is None else f"{name}[{key!r}]"
            raise ValueError(
                f"{label} must be >= 0 (a running average of squared gradients); got "
                f"{leaf[tuple(negative[0])]} at index {index}. Create the state with "
                f"{init_name}(params) and pass on the state that each step returns."
            )


def _check_state(state, state_type, params, init_name: str, *, nonnegative=()):
    """Raise unless ``state`` is a ``state_type`` whose arrays match ``params``; return it validated.

    The arrays are cast to the dtypes of ``params``; the fields named in ``nonnegative``
    (averages of squared gradients) must hold no negative entry.
    """
    if not isinstance(state, state_type):
        article = "an" if state_type.__name__[0] in "AEIOU" else "a"
        raise TypeError(
            f"state must be {article} {state_type.__name__}; got {type(state).__name__}. "
            f"Create it with {init_name}(params)."
        )
    fields = {}
    for name, value in state._asdict().items():
        if name == "step":
            fields[name] = check_int(value, "state.step", minimum=0)
        else:
            value = validate_tree(value, f"state.{name}", keep_float_dtype=True)
            check_same_tree(params, "params", value, f"state.{name}")
            if name in nonnegative:
                _check_nonnegative_tree(value, f"state.{name}", init_name)
            fields[name] = _in_dtype_of(value, params)
    return state_type(**fields)


def _check_decay(value, name: str) -> float:
    """A decay rate such as ``momentum``, ``alpha``, ``beta1``: a number in ``[0, 1)``."""
    return check_in_range(value, name, 0.0, 1.0)


def _check_gd_hyper(*, lr):
    return {"lr": check_positive(lr, "lr")}


def _check_momentum_hyper(*, lr, momentum=0.9, nesterov=False):
    lr = check_positive(lr, "lr")
    momentum = _check_decay(momentum, "momentum")
    if not isinstance(nesterov, (bool, np.bool_)):
        raise TypeError(f"nesterov must be True or False; got {type(nesterov).__name__} {nesterov!r}.")
    if nesterov and momentum == 0:
        raise ValueError(f"nesterov=True requires momentum > 0; got momentum={momentum}.")
    return {"lr": lr, "momentum": momentum, "nesterov": bool(nesterov)}


# --- gradient descent ------------------------------------------------------------------------

def gd_step(params, grads, *, lr):
    r"""One step of (stochastic) gradient descent.

    .. math::
        \theta_t = \theta_{t-1} - \eta\, g_t

    The step goes against the gradient, downhill on the loss.

    Parameters
    ----------
    params : ndarray or dict of ndarray
        The parameters :math:`\theta_{t-1}`, any shape(s).
    grads : ndarray or dict of ndarray
        The gradient :math:`g_t` of the loss at ``params``; same keys and shapes as ``params``.
    lr : float
        The learning rate :math:`\eta > 0`.

    Returns
    -------
    new_params : ndarray or dict of ndarray
        :math:`\theta_t`, same structure, shapes and dtypes as ``params`` (new arrays;
        float32 parameters stay float32, as in torch).

    Examples
    --------
    >>> import numpy as np
    >>> print(gd_step(np.array([1.0, 1.0]), np.array([0.5, -2.0]), lr=0.1))
    [0.95 1.2 ]
    """
    params, grads = _check_params_and_grads(params, grads)
    lr = _check_gd_hyper(lr=lr)["lr"]
    return tree_map(lambda theta, g: theta - lr * g, params, grads)


# --- momentum ----------------------------------------------------------------------------------

class MomentumState(NamedTuple):
    """State of :func:`momentum_step`: the momentum buffer :math:`b`, shaped like ``params``."""

    velocity: object


def momentum_init(params) -> MomentumState:
    """The initial momentum state: a zero buffer shaped like ``params``.

    Parameters
    ----------
    params : ndarray or dict of ndarray
        The parameters to optimize.

    Returns
    -------
    state : MomentumState
        ``velocity`` of zeros with the structure and shapes of ``params``.

    Examples
    --------
    >>> import numpy as np
    >>> momentum_init(np.array([1.0, 2.0])).velocity
    array([0., 0.])
    """
    params = _check_params(params)
    return MomentumState(velocity=tree_map(np.zeros_like, params))


def momentum_step(params, grads, state, *, lr, momentum=0.9, nesterov=False):
    r"""One step of SGD with (Nesterov) momentum, as torch.optim.SGD computes it.

    .. math::
        b_t = \mu\, b_{t-1} + g_t, \qquad
        \theta_t = \theta_{t-1} - \eta\, b_t

    and with ``nesterov=True``

    .. math::
        b_t = \mu\, b_{t-1} + g_t, \qquad
        \theta_t = \theta_{t-1} - \eta\,(g_t + \mu\, b_t)

    The buffer starts at zero, so :math:`b_1 = g_1` and the first step equals a
    gradient-descent step (torch sets :math:`b_1 = g_1` directly: the same).

    Parameters
    ----------
    params : ndarray or dict of ndarray
        The parameters :math:`\theta_{t-1}`.
    grads : ndarray or dict of ndarray
        The gradient :math:`g_t` at ``params``; same keys and shapes as ``params``.
    state : MomentumState
        The buffer :math:`b_{t-1}` from :func:`momentum_init` or the previous step.
    lr : float
        The learning rate :math:`\eta > 0`.
    momentum : float, default=0.9
        The momentum :math:`\mu \in [0, 1)`; ``momentum=0`` is plain gradient descent.
    nesterov : bool, default=False
        Use Nesterov's look-ahead form (requires ``momentum > 0``).

    Returns
    -------
    new_params : ndarray or dict of ndarray
        :math:`\theta_t`, same structure as ``params``.
    new_state : MomentumState
        The buffer :math:`b_t`.

    Notes
    -----
    Sutskever et al. (2013) and cs231n write momentum as :math:`v_t = \mu v_{t-1} - \eta g_t`,
    :math:`\theta_t = \theta_{t-1} + v_t`. With a constant learning rate this is the same
    trajectory, since :math:`v_t = -\eta\, b_t`: the two velocities differ by the factor
    :math:`-\eta` only. They part ways when the learning rate changes during training.
    In both forms the step goes against the gradient.

    Examples
    --------
    >>> import numpy as np
    >>> theta, g = np.array([1.0, 1.0]), np.array([0.5, -2.0])
    >>> state = momentum_init(theta)
    >>> theta, state = momentum_step(theta, g, state, lr=0.1, momentum=0.9)
    >>> print(theta)          # the first step is a gradient-descent step
    [0.95 1.2 ]
    >>> theta, state = momentum_step(theta, g, state, lr=0.1, momentum=0.9)
    >>> print(state.velocity) # b_2 = 0.9 * g + g
    [ 0.95 -3.8 ]
    >>> print(theta)
    [0.855 1.58 ]
    """
    params, grads = _check_params_and_grads(params, grads)
    state = _check_state(state, MomentumState, params, "momentum_init")
    hyper = _check_momentum_hyper(lr=lr, momentum=momentum, nesterov=nesterov)
    lr, mu = hyper["lr"], hyper["momentum"]

    velocity = tree_map(lambda b, g: mu * b + g, state.velocity, grads)
    if hyper["nesterov"]:
        direction = tree_map(lambda g, b: g + mu * b, grads, velocity)
    else:
        direction = velocity
    new_params = tree_map(lambda theta, d: theta - lr * d, params, direction)
    return new_params, MomentumState(velocity=velocity)
