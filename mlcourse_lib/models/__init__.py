"""Models with their losses and gradients, written out by hand in numpy.

- :mod:`~mlcourse_lib.models.linear`: linear regression — :func:`linear_predict`,
  :func:`linear_regression_loss` and :func:`linear_regression_gradient`, the closed form
  :func:`least_squares` (optionally ridge), :func:`mse_smoothness_constant`, :func:`add_bias_column`;
- :mod:`~mlcourse_lib.models.logistic`: logistic regression (two classes) and softmax
  regression (K classes): probabilities, cross-entropy loss, gradient;
- :mod:`~mlcourse_lib.models.mlp`: a small multilayer perceptron with ReLU or tanh, inverted
  dropout and an L2 penalty — :func:`init_mlp`, :func:`mlp_forward`, :func:`mlp_backward`,
  :func:`mlp_loss_and_grad`, :func:`mlp_predict`, and the dropout layer itself,
  :func:`dropout_forward` and :func:`dropout_backward`;
- :mod:`~mlcourse_lib.models.regularized`: :func:`polynomial_features` and ridge regression
  with an unpenalized intercept — :func:`ridge_fit`, :func:`ridge_predict`, :func:`ridge_loss`,
  :func:`ridge_gradient`.

No function changes its inputs in place.
"""

from .linear import (
    add_bias_column,
    least_squares,
    linear_predict,
    linear_regression_gradient,
    linear_regression_loss,
    mse_smoothness_constant,
)
from .logistic import (
    logistic_gradient,
    logistic_loss,
    logistic_predict_proba,
    softmax_predict_proba,
    softmax_regression_gradient,
    softmax_regression_loss,
)
from .mlp import (
    MLPCache,
    dropout_backward,
    dropout_forward,
    init_mlp,
    mlp_backward,
    mlp_forward,
    mlp_loss_and_grad,
    mlp_predict,
)
from .regularized import polynomial_features, ridge_fit, ridge_gradient, ridge_loss, ridge_predict

__all__ = [
    "linear_predict",
    "linear_regression_loss",
    "linear_regression_gradient",
    "least_squares",
    "mse_smoothness_constant",
    "add_bias_column",
    "logistic_predict_proba",
    "logistic_loss",
    "logistic_gradient",
    "softmax_predict_proba",
    "softmax_regression_loss",
    "softmax_regression_gradient",
    "MLPCache",
    "init_mlp",
    "mlp_forward",
    "mlp_backward",
    "mlp_loss_and_grad",
    "mlp_predict",
    "dropout_forward",
    "dropout_backward",
    "polynomial_features",
    "ridge_fit",
    "ridge_predict",
    "ridge_loss",
    "ridge_gradient",
]
