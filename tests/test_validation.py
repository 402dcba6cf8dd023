"""The shared boundary checks: each message names the argument, what it got and what was expected."""

from __future__ import annotations

import numpy as np
import pytest

from mlcourse_lib._tree import check_same_tree, tree_map, validate_tree
from mlcourse_lib.data import kfold_indices, make_moons, minibatch_indices, train_test_indices
from mlcourse_lib.models import init_mlp
from mlcourse_lib.train import fit
from mlcourse_lib._validation import (
    as_binary_labels,
    as_float_array,
    as_label_array,
    check_choice,
    check_fraction,
    check_in_range,
    check_int,
    check_positive,
    check_rng,
    check_same_shape,
)


@pytest.mark.parametrize("call,error,message", [
    (lambda: as_float_array(None, "X"), TypeError, "X must be an array of numbers; got None."),
    (lambda: as_float_array("abc", "X"), TypeError, "got the string 'abc'"),
    (lambda: as_float_array([[1, 2], [3]], "X"), TypeError, "X must be an array of numbers"),
    (lambda: as_float_array([1.0, np.nan], "y_pred"), ValueError,
     r"y_pred contains nan at index 1; expected finite numbers \(no NaN or infinity\)."),
    (lambda: as_float_array([[1.0, np.inf]], "X"), ValueError, r"X contains inf at index \(0, 1\)"),
    (lambda: as_float_array([], "y"), ValueError, r"y is empty \(shape \(0,\)\); expected at least one value."),
    (lambda: as_float_array([1.0, 2.0], "X", ndim=2), ValueError,
     r"X must be 2-D; got an array of shape \(2,\). Use x.reshape\(-1, 1\) for a single feature."),
    (lambda: check_same_shape(np.zeros(4), "y_true", np.zeros(3), "y_pred"), ValueError,
     r"y_pred has shape \(3,\), expected \(4,\) to match y_true."),
    (lambda: check_positive(-0.1, "lr"), ValueError, r"lr must be > 0; got lr=-0.1."),
    (lambda: check_positive(True, "lr"), TypeError, "lr must be a real number; got bool True."),
    (lambda: check_in_range(1.0, "beta1", 0.0, 1.0), ValueError, r"beta1 must be in \[0.0, 1.0\); got beta1=1.0."),
    (lambda: check_fraction(1.5, "test_fraction"), ValueError, r"test_fraction must be in \(0.0, 1.0\)"),
    (lambda: check_int(2.5, "n_steps"), TypeError, "n_steps must be an integer; got float 2.5."),
    (lambda: check_int(-1, "n_steps", minimum=0), ValueError, "n_steps must be >= 0; got n_steps=-1."),
    (lambda: as_label_array([0.5, 1.0], "y"), ValueError, "y must hold integer labels; got 0.5 at index 0."),
    (lambda: as_binary_labels([0, 1, 1, 1, 0, 2], "labels", hint="For multi-class labels use softmax_cross_entropy."),
     ValueError, "labels must be 0 or 1; got 2 at index 5. For multi-class labels use softmax_cross_entropy."),
    (lambda: check_rng(None), TypeError, r"rng must be a numpy Generator or an integer seed; got NoneType."),
    (lambda: check_choice("sigmoid", "activation", ("relu", "tanh")), ValueError,
     "activation must be one of 'relu', 'tanh'; got activation='sigmoid'."),
    (lambda: validate_tree({}, "params"), ValueError, "params is an empty dict"),
    (lambda: check_same_tree({"w": np.zeros(2)}, "params", {"w": np.zeros(3)}, "grads"), ValueError,
     r"grads\['w'\] has shape \(3,\), expected \(2,\) to match params\['w'\]."),
    (lambda: check_same_tree(np.zeros(2), "params", {"w": np.zeros(2)}, "grads"), TypeError,
     "grads must have the same structure as params"),
])
def test_messages_name_argument_value_and_expectation(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_valid_inputs_are_converted():
    assert as_float_array([1, 2], "x").dtype == np.float64
    assert as_label_array([True, False], "y").tolist() == [1, 0]
    assert as_binary_labels([0, 1], "y").dtype == np.float64
    assert check_positive(3, "lr") == 3.0 and check_int(np.int64(4), "k") == 4
    assert isinstance(check_rng(0), np.random.Generator)


def test_validate_tree_copies_and_tree_map_keeps_keys():
    params = {"w": np.ones(2), "b": np.zeros(1)}
    copy = validate_tree(params, "params")
    copy["w"][0] = 5.0
    assert params["w"][0] == 1.0
    doubled = tree_map(lambda a, b: a + b, params, params)
    assert list(doubled) == ["w", "b"] and doubled["w"].tolist() == [2.0, 2.0]


# --- seeds ---------------------------------------------------------------------------------------

def test_check_rng_refuses_negative_seeds_with_a_clear_message():
    with pytest.raises(ValueError, match=r"^rng must be a Generator or an integer seed >= 0; got rng=-1. "
                                         r"Use e.g. rng=0 or rng=np.random.default_rng\(0\).$"):
        check_rng(-1)
    with pytest.raises(ValueError, match=r"seed >= 0; got rng=-5"):
        check_rng(np.int64(-5))
    assert isinstance(check_rng(np.uint8(3)), np.random.Generator)
    with pytest.raises(TypeError, match="rng must be a numpy Generator or an integer seed; got bool"):
        check_rng(True)


@pytest.mark.parametrize("call", [
    lambda: train_test_indices(10, test_fraction=0.2, rng=-1),
    lambda: make_moons(10, rng=-1),
    lambda: minibatch_indices(10, batch_size=3, rng=-1),
    lambda: kfold_indices(10, rng=-1),
    lambda: init_mlp([2, 3], rng=-1),
    lambda: fit(
        np.zeros(1), lambda w, X, y: (0.0, np.zeros(1)), np.ones((4, 1)), np.ones(4),
        optimizer=lambda w, g: w, epochs=1, batch_size=2, rng=-3, progress=False),
], ids=["train_test_indices", "make_moons", "minibatch_indices", "kfold_indices", "init_mlp", "fit"])
def test_every_public_rng_argument_explains_a_negative_seed(call):
    with pytest.raises(ValueError, match=r"rng must be a Generator or an integer seed >= 0; got rng=-\d"):
        call()
