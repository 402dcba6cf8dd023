r"""A small multilayer perceptron, forward and backward in plain numpy.

A network with layer sizes :math:`(n_0, n_1, \dots, n_L)` has parameters
:math:`W_l` of shape :math:`(n_{l-1}, n_l)` and :math:`b_l` of shape :math:`(n_l,)`,
stored in a dict ``{"W1", "b1", ..., "WL", "bL"}``. For a batch :math:`X` (one sample
per row) the forward pass is

.. math::
    h_0 = X, \qquad a_l = h_{l-1} W_l + b_l, \qquad h_l = \phi(a_l) \quad (l < L),
    \qquad \text{logits} = h_{L-1} W_L + b_L

with :math:`\phi` the activation (ReLU or tanh) and, during training, inverted dropout
applied to every hidden :math:`h_l`. The backward pass applies the chain rule to the same
lines in reverse order.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._tree import validate_tree
from .._validation import (
    as_float_array,
    as_label_array,
    check_choice,
    check_in_range,
    check_int,
    check_nonnegative,
    check_rng,
    check_same_length,
    check_same_shape,
)
from ..losses import (
    _check_class_labels,
    l2_penalty,
    l2_penalty_grad,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)

__all__ = ["MLPCache", "init_mlp", "mlp_forward", "mlp_backward", "mlp_loss_and_grad", "mlp_predict",
           "dropout_forward", "dropout_backward"]

ACTIVATIONS = ("relu", "tanh")


class MLPCache(NamedTuple):
    """What :func:`mlp_forward` keeps for :func:`mlp_backward`.

    ``layer_inputs[l-1]`` is :math:`h_{l-1}`, the input of layer :math:`l` (after dropout);
    ``pre_activations[l-1]`` is :math:`a_l` and ``masks[l-1]`` the scaled dropout mask of
    hidden layer :math:`l` (``None`` without dropout).
    """

    activation: str
    layer_inputs: list
    pre_activations: list
    masks: list


# --- activations ---------------------------------------------------------------------------------

def _activate(a, activation: str):
    r""":math:`\phi(a)`: :math:`\max(a, 0)` or :math:`\tanh a`."""
    if activation == "relu":
        return np.maximum(a, 0.0)
    return np.tanh(a)


def _activation_derivative(a, activation: str):
    r""":math:`\phi'(a)`: :math:`[a > 0]` for ReLU (0 at the kink), :math:`1 - \tanh^2 a` for tanh."""
    if activation == "relu":
        return (a > 0).astype(a.dtype)
    return 1.0 - np.tanh(a) ** 2


def dropout_forward(x, p, rng):
    r"""Inverted dropout in training: drop each entry with probability :math:`p`, scale the rest.

    .. math::
        u \sim U[0, 1)^{\text{shape}(x)}, \qquad m = \frac{[u \ge p]}{1 - p}, \qquad
        \text{out} = x \odot m

    Each entry is kept with probability :math:`P(u \ge p) = 1 - p`, and a kept entry is
    multiplied by :math:`1/(1-p)`, so the expected output equals the input:
    :math:`\mathbb E[\text{out}] = (1 - p)\cdot\frac{x}{1-p} + p \cdot 0 = x`. At evaluation
    dropout is left out, and the next layer sees inputs of the same expected size as in
    training.

    The uniform numbers are drawn with one call ``rng.random(x.shape)``, so the same
    Generator state always gives the same mask.

    Parameters
    ----------
    x : array_like
        The activations, any shape.
    p : float
        The drop probability, in ``[0, 1)``.
    rng : numpy.random.Generator or int
        The source of the uniform numbers (an integer is a seed).

    Returns
    -------
    out : ndarray, the shape of ``x``
    mask : ndarray, the shape of ``x``
        :math:`m`: 0 for dropped entries, :math:`1/(1-p)` for kept ones; what
        :func:`dropout_backward` needs. Float inputs keep their dtype.

    Examples
    --------
    >>> out, mask = dropout_forward(np.ones((2, 4)), 0.5, np.random.default_rng(0))
    >>> print(mask)
    [[2. 0. 0. 0.]
     [2. 2. 2. 2.]]
    >>> print(out.mean())
    1.25
    """
    x = as_float_array(x, "x", allow_empty=True, allow_nonfinite=True, keep_float_dtype=True)
    p = check_in_range(p, "p", 0.0, 1.0)
    rng = check_rng(rng)
    keep = rng.random(x.shape) >= p
    mask = (keep / (1.0 - p)).astype(x.dtype, copy=False)
    return x * mask, mask


def dropout_backward(grad_out, mask):
    r"""Gradient through inverted dropout: the upstream gradient times the same mask.

    Since :math:`\text{out} = x \odot m` with :math:`m` fixed by the forward pass,

    .. math::
        \frac{\partial \mathcal L}{\partial x} = \frac{\partial \mathcal L}{\partial\,\text{out}} \odot m

    Dropped entries get no gradient; kept ones get it scaled by :math:`1/(1-p)`.

    Parameters
    ----------
    grad_out : array_like
        :math:`\partial\mathcal L/\partial\,\text{out}`, the shape of the mask.
    mask : array_like
        The mask returned by :func:`dropout_forward`.

    Returns
    -------
    grad_x : ndarray, the shape of ``mask``

    Examples
    --------
    >>> print(dropout_backward(np.array([1.0, 2.0, 3.0]), np.array([2.0, 0.0, 2.0])))
    [2. 0. 6.]
    """
    mask = as_float_array(mask, "mask", allow_empty=True, keep_float_dtype=True)
    grad_out = as_float_array(grad_out, "grad_out", allow_empty=True, allow_nonfinite=True,
                               keep_float_dtype=True)
    check_same_shape(mask, "mask", grad_out, "grad_out")
    return grad_out * mask


# --- validation --------------------------------------------------------------------------------------

def _check_mlp_params(params):
    """Validated float copies of the parameters, in the order W1, b1, ..., WL, bL, and L."""
    if not isinstance(params, dict):
        raise TypeError(
            f"params must be a dict {{'W1', 'b1', ..., 'WL', 'bL'}}; got {type(params).__name__}. "
            "Create it with init_mlp(layer_sizes, rng=0)."
        )
    n_layers = len(params) // 2
    expected = [name for l in range(1, n_layers + 1) for name in (f"W{l}", f"b{l}")]
    if n_layers == 0 or set(params) != set(expected):
        raise ValueError(
            "params must hold the keys W1, b1, ..., WL, bL for layers 1..L; "
            f"got {sorted(params)}."
        )
    params = validate_tree({name: params[name] for name in expected}, "params", keep_float_dtype=True)
    for l in range(1, n_layers + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        if W.ndim != 2:
            raise ValueError(f"params['W{l}'] must be 2-D (fan_in, fan_out); got shape {W.shape}.")
        if b.shape != (W.shape[1],):
            raise ValueError(
                f"params['b{l}'] has shape {b.shape}, expected ({W.shape[1]},) to match params['W{l}'] "
                f"of shape {W.shape}."
            )
        if l > 1 and W.shape[0] != params[f"W{l - 1}"].shape[1]:
            previous = params[f"W{l - 1}"].shape
            raise ValueError(
                f"params['W{l}'] has shape {W.shape}, expected {previous[1]} rows to match the "
                f"{previous[1]} outputs of params['W{l - 1}'] of shape {previous}."
            )
    return params, n_layers


def _check_inputs(X, params):
    X = as_float_array(X, "X", ndim=2, keep_float_dtype=True)
    W1 = params["W1"]
    if X.shape[1] != W1.shape[0]:
        raise ValueError(
            f"X has {X.shape[1]} columns, expected {W1.shape[0]} to match params['W1'] of shape {W1.shape}."
        )
    return X


def _check_bool(value, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {type(value).__name__} {value!r}.")
    return bool(value)


def _check_dropout_rng(rng, dropout: float) -> np.random.Generator:
    if rng is None:
        raise TypeError(
            f"dropout={dropout} in training draws random masks: pass rng=np.random.default_rng(0) "
            "or an integer seed."
        )
    return check_rng(rng)


# --- initialization ------------------------------------------------------------------------------------

def init_mlp(layer_sizes, *, rng, activation="relu") -> dict:
    r"""Random initial parameters of an MLP.

    Weights are drawn from a normal distribution whose variance keeps the scale of the
    activations roughly constant from layer to layer; biases start at zero:

    .. math::
        W_l \sim \mathcal N\!\left(0, \frac{2}{n_{l-1}}\right) \ \text{(He, for ReLU)}, \qquad
        W_l \sim \mathcal N\!\left(0, \frac{2}{n_{l-1} + n_l}\right) \ \text{(Glorot, for tanh)},
        \qquad b_l = 0

    The same rule is used for every layer, the output layer included.

    Parameters
    ----------
    layer_sizes : sequence of int
        :math:`(n_0, n_1, \dots, n_L)`: the number of input features, the hidden widths and
        the number of classes; at least two entries, all positive.
    rng : numpy.random.Generator or int
        The source of randomness (an integer is a seed).
    activation : {"relu", "tanh"}
        Chooses He or Glorot initialization.

    Returns
    -------
    params : dict of ndarray
        ``{"W1": (n_0, n_1), "b1": (n_1,), ..., "WL": (n_{L-1}, n_L), "bL": (n_L,)}``.

    Examples
    --------
    >>> params = init_mlp([4, 8, 3], rng=0)
    >>> {name: value.shape for name, value in params.items()}
    {'W1': (4, 8), 'b1': (8,), 'W2': (8, 3), 'b2': (3,)}
    """
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
        raise TypeError(
            "layer_sizes must be a sequence of integers such as [4, 16, 3]; "
            f"got {type(layer_sizes).__name__}."
        )
    if len(layer_sizes) < 2:
        raise ValueError(
            f"layer_sizes must have at least 2 entries (inputs and outputs); got {list(layer_sizes)}."
        )
    sizes = [check_int(n, f"layer_sizes[{i}]", minimum=1) for i, n in enumerate(layer_sizes)]
    rng = check_rng(rng)
    activation = check_choice(activation, "activation", ACTIVATIONS)
    params = {}
    for l in range(1, len(sizes)):
        fan_in, fan_out = sizes[l - 1], sizes[l]
        if activation == "relu":
            std = np.sqrt(2.0 / fan_in)
        else:
            std = np.sqrt(2.0 / (fan_in + fan_out))
        params[f"W{l}"] = rng.normal(0.0, std, size=(fan_in, fan_out))
        params[f"b{l}"] = np.zeros(fan_out)
    return params


# --- forward and backward ------------------------------------------------------------------------------

def mlp_forward(params, X, *, activation="relu", dropout=0.0, rng=None, training=False):
    r"""The forward pass: logits for a batch, and the cache for :func:`mlp_backward`.

    .. math::
        h_0 = X, \qquad a_l = h_{l-1} W_l + b_l, \qquad h_l = \phi(a_l)\odot m_l \quad (l < L),
        \qquad \text{logits} = h_{L-1} W_L + b_L

    **Inverted dropout.** With ``training=True`` and ``dropout`` :math:`= p > 0` each hidden
    unit is kept with probability :math:`1-p`, and kept units are scaled by :math:`1/(1-p)`:
    :math:`m_l = [u \ge p]/(1-p)` with :math:`u \sim U[0,1)`. The expected value of every
    unit is unchanged, so at evaluation (``training=False``) dropout is simply left out
    (:math:`m_l = 1`). Inputs and logits are never dropped.

    Parameters
    ----------
    params : dict of ndarray
        ``{"W1", "b1", ..., "WL", "bL"}`` as from :func:`init_mlp`.
    X : array_like, shape (n, n_0)
    activation : {"relu", "tanh"}
    dropout : float
        The drop probability :math:`p \in [0, 1)` of hidden units in training.
    rng : numpy.random.Generator or int, optional
        Required when ``training`` and ``dropout > 0``. An integer seed gives the same masks
        at every call (useful for a gradient check); a Generator gives fresh ones.
    training : bool
        Apply dropout (True) or not (False, evaluation).

    Returns
    -------
    logits : ndarray, shape (n, n_L)
    cache : MLPCache
        The layer inputs, pre-activations and dropout masks.

    Examples
    --------
    >>> params = {"W1": np.array([[1.0, -1.0]]), "b1": np.zeros(2),
    ...           "W2": np.array([[1.0], [1.0]]), "b2": np.array([0.5])}
    >>> logits, cache = mlp_forward(params, np.array([[2.0], [-3.0]]))
    >>> print(logits)       # relu(2) + relu(-2) + 0.5, relu(-3) + relu(3) + 0.5
    [[2.5]
     [3.5]]
    """
    params, n_layers = _check_mlp_params(params)
    X = _check_inputs(X, params)
    activation = check_choice(activation, "activation", ACTIVATIONS)
    dropout = check_in_range(dropout, "dropout", 0.0, 1.0)
    training = _check_bool(training, "training")
    use_dropout = training and dropout > 0
    if use_dropout:
        rng = _check_dropout_rng(rng, dropout)

    h = X
    layer_inputs, pre_activations, masks = [], [], []
    for l in range(1, n_layers):
        layer_inputs.append(h)
        a = h @ params[f"W{l}"] + params[f"b{l}"]
        h = _activate(a, activation)
        mask = None
        if use_dropout:
            h, mask = dropout_forward(h, dropout, rng)
        pre_activations.append(a)
        masks.append(mask)
    layer_inputs.append(h)
    logits = h @ params[f"W{n_layers}"] + params[f"b{n_layers}"]
    return logits, MLPCache(activation, layer_inputs, pre_activations, masks)


def mlp_backward(params, cache, dlogits) -> dict:
    r"""The backward pass: gradients of a loss with respect to every parameter.

    Given :math:`\delta_L = \partial\mathcal L/\partial\,\text{logits}`, for
    :math:`l = L, \dots, 1`:

    .. math::
        \frac{\partial\mathcal L}{\partial W_l} = h_{l-1}^\top \delta_l, \qquad
        \frac{\partial\mathcal L}{\partial b_l} = \sum_{i} \delta_{l,i}, \qquad
        \delta_{l-1} = \left((\delta_l W_l^\top) \odot m_{l-1}\right) \odot \phi'(a_{l-1})

    where :math:`\delta_l = \partial\mathcal L/\partial a_l` and
    :math:`\phi'(a) = [a > 0]` (ReLU) or :math:`1 - \tanh^2 a` (tanh).

    Parameters
    ----------
    params : dict of ndarray
        The parameters used in the forward pass.
    cache : MLPCache
        The second output of :func:`mlp_forward`.
    dlogits : array_like, shape (n, n_L)
        The gradient of the loss with respect to the logits, e.g.
        :func:`~mlcourse_lib.losses.softmax_cross_entropy_grad`.

    Returns
    -------
    grads : dict of ndarray
        The same keys, shapes and dtypes as ``params`` (float32 parameters get float32
        gradients).

    Examples
    --------
    >>> params = {"W1": np.array([[1.0, -1.0]]), "b1": np.zeros(2),
    ...           "W2": np.array([[1.0], [1.0]]), "b2": np.array([0.5])}
    >>> logits, cache = mlp_forward(params, np.array([[2.0]]))
    >>> grads = mlp_backward(params, cache, np.array([[1.0]]))
    >>> print(grads["W1"], grads["W2"].ravel(), grads["b2"])
    [[2. 0.]] [2. 0.] [1.]
    """
    params, n_layers = _check_mlp_params(params)
    if not isinstance(cache, MLPCache):
        raise TypeError(f"cache must be the MLPCache returned by mlp_forward; got {type(cache).__name__}.")
    if len(cache.layer_inputs) != n_layers:
        raise ValueError(
            f"cache holds {len(cache.layer_inputs)} layers, expected {n_layers} to match params; "
            "pass the cache of the forward pass with these params."
        )
    dlogits = as_float_array(dlogits, "dlogits", ndim=2, keep_float_dtype=True)
    expected = (cache.layer_inputs[0].shape[0], params[f"W{n_layers}"].shape[1])
    if dlogits.shape != expected:
        raise ValueError(f"dlogits has shape {dlogits.shape}, expected {expected} to match the logits.")

    grads = {}
    delta = dlogits                                   # ∂L/∂a_L, the logits
    for l in range(n_layers, 0, -1):
        h_prev = cache.layer_inputs[l - 1]
        grads[f"W{l}"] = h_prev.T @ delta
        grads[f"b{l}"] = np.sum(delta, axis=0)
        if l > 1:
            d_h = delta @ params[f"W{l}"].T           # ∂L/∂h_{l-1}
            mask = cache.masks[l - 2]
            if mask is not None:
                d_h = dropout_backward(d_h, mask)
            delta = d_h * _activation_derivative(cache.pre_activations[l - 2], cache.activation)
    return {name: grads[name].astype(params[name].dtype, copy=False) for name in params}


# --- loss, gradient and prediction ----------------------------------------------------------------------

def mlp_loss_and_grad(params, X, y, *, activation="relu", l2=0.0, dropout=0.0, rng=None):
    r"""Mean softmax cross-entropy of the MLP plus an L2 penalty, and its gradient.

    .. math::
        \mathcal L = \frac{1}{n}\sum_{i=1}^n \left(\operatorname{LSE}(z_i) - z_{i,y_i}\right)
        + \frac{\lambda}{2}\sum_{l=1}^{L}\lVert W_l\rVert^2

    The penalty covers the weights :math:`W_l` only, not the biases (the usual choice:
    biases do not scale the inputs and need no shrinking). Its gradient
    :math:`\lambda W_l` is added to the backpropagated one.

    This is the training loss: with ``dropout > 0`` the forward pass runs in training
    mode (inverted dropout, masks from ``rng``).

    Parameters
    ----------
    params : dict of ndarray
        ``{"W1", "b1", ..., "WL", "bL"}``.
    X : array_like, shape (n, n_0)
    y : array_like of int, shape (n,)
        Class indices in ``0..n_L-1``.
    activation : {"relu", "tanh"}
    l2 : float
        The penalty strength :math:`\lambda \ge 0`.
    dropout : float
        The drop probability of hidden units, in ``[0, 1)``.
    rng : numpy.random.Generator or int, optional
        Required when ``dropout > 0``.

    Returns
    -------
    loss : float
    grads : dict of ndarray
        The same keys and shapes as ``params``.

    Examples
    --------
    >>> params = init_mlp([2, 4, 3], rng=0)
    >>> params = {name: np.zeros_like(value) for name, value in params.items()}
    >>> loss, grads = mlp_loss_and_grad(params, np.ones((2, 2)), np.array([0, 1]))
    >>> round(loss, 4)      # all logits 0: log 3
    1.0986
    """
    dropout_value = check_in_range(dropout, "dropout", 0.0, 1.0)
    logits, cache = mlp_forward(params, X, activation=activation, dropout=dropout, rng=rng,
                                training=dropout_value > 0)
    params, _ = _check_mlp_params(params)
    labels = as_label_array(y, "y")
    check_same_length(cache.layer_inputs[0], "X", labels, "y")
    _check_class_labels(labels, "y", logits.shape[1], "outputs of the network")
    l2 = check_nonnegative(l2, "l2")

    weights = {name: value for name, value in params.items() if name.startswith("W")}
    loss = softmax_cross_entropy(labels, logits) + l2_penalty(weights, lam=l2)
    grads = mlp_backward(params, cache, softmax_cross_entropy_grad(labels, logits))
    penalty_grads = l2_penalty_grad(weights, lam=l2)
    for name in weights:
        grads[name] = grads[name] + penalty_grads[name]
    return float(loss), grads


def mlp_predict(params, X, *, activation="relu") -> np.ndarray:
    r"""Predicted class labels: the index of the largest logit (evaluation mode, no dropout).

    .. math::
        \hat y_i = \arg\max_k z_{ik}

    Parameters
    ----------
    params : dict of ndarray
    X : array_like, shape (n, n_0)
    activation : {"relu", "tanh"}

    Returns
    -------
    y_pred : ndarray of int, shape (n,)

    Examples
    --------
    >>> params = {"W1": np.array([[1.0, -1.0]]), "b1": np.zeros(2)}
    >>> print(mlp_predict(params, np.array([[2.0], [-3.0]])))
    [0 1]
    """
    logits, _ = mlp_forward(params, X, activation=activation, training=False)
    return np.argmax(logits, axis=1)
