"""Tests of mlcourse_lib.gradcheck: centered differences, the relative error, gradcheck's verdict."""

from __future__ import annotations

import numpy as np
import pytest

from mlcourse_lib.gradcheck import GradcheckResult, gradcheck, numerical_gradient, relative_error


def cube_sum(x):
    return float(np.sum(x ** 3))


# --- numerical_gradient -----------------------------------------------------------------------

def test_centered_difference_of_a_cube_is_exact_up_to_eps_squared():
    # ((x+h)³ - (x-h)³) / 2h = 3x² + h²: the error of the centered difference is exactly h²
    x = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(numerical_gradient(cube_sum, x, eps=1e-2), 3 * x ** 2 + 1e-4, rtol=1e-10)


def test_numerical_gradient_of_sum_exp_keeps_the_shape():
    x = np.random.default_rng(0).normal(size=(2, 3))
    g = numerical_gradient(lambda v: float(np.sum(np.exp(v))), x, eps=1e-5)
    assert g.shape == (2, 3) and g.dtype == np.float64
    np.testing.assert_allclose(g, np.exp(x), rtol=1e-9)


def test_numerical_gradient_of_a_dict():
    params = {"a": np.array([3.0]), "B": np.array([[1.0, 2.0]])}

    def f(p):
        return float(p["a"][0] * np.sum(p["B"] ** 2))

    g = numerical_gradient(f, params)
    assert list(g) == ["a", "B"]
    np.testing.assert_allclose(g["a"], [5.0], rtol=1e-8)
    np.testing.assert_allclose(g["B"], [[6.0, 12.0]], rtol=1e-8)


def test_numerical_gradient_accepts_lists_and_integers():
    g = numerical_gradient(cube_sum, [1, 2], eps=1e-4)
    np.testing.assert_allclose(g, [3.0, 12.0], rtol=1e-7)


def test_numerical_gradient_does_not_mutate_x_even_if_f_does():
    x = np.array([1.0, 2.0])
    params = {"w": np.array([1.0, 2.0])}

    def f_that_scribbles(v):
        value = cube_sum(v)
        v[...] = 0.0
        return value

    def g_that_scribbles(p):
        value = cube_sum(p["w"])
        p["w"][...] = 0.0
        return value

    np.testing.assert_allclose(numerical_gradient(f_that_scribbles, x), [3.0, 12.0], rtol=1e-7)
    np.testing.assert_allclose(numerical_gradient(g_that_scribbles, params)["w"], [3.0, 12.0], rtol=1e-7)
    np.testing.assert_array_equal(x, [1.0, 2.0])
    np.testing.assert_array_equal(params["w"], [1.0, 2.0])


def test_numerical_gradient_accepts_numpy_scalars_and_0d_arrays():
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v ** 2), np.array([1.0])), [2.0],
                               rtol=1e-8)
    np.testing.assert_allclose(numerical_gradient(lambda v: np.array(v[0] ** 2), np.array([1.0])), [2.0],
                               rtol=1e-8)


def test_numerical_gradient_validation_messages():
    with pytest.raises(TypeError, match=r"f must return a real scalar; got ndarray of shape \(2,\)"):
        numerical_gradient(lambda v: v ** 2, np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match=r"f must return a real scalar; got complex"):
        numerical_gradient(lambda v: complex(v[0]), np.array([1.0]))
    with pytest.raises(ValueError,
                       match=r"f returned nan at x with x\[\(1,\)\] \+ eps; expected a finite number"):
        numerical_gradient(lambda v: float("nan") if v[1] > 2 else 0.0, np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match=r"f must be a function; got ndarray"):
        numerical_gradient(np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match=r"eps must be > 0; got eps=0"):
        numerical_gradient(cube_sum, np.zeros(2), eps=0)
    with pytest.raises(ValueError, match=r"x contains nan"):
        numerical_gradient(cube_sum, np.array([np.nan]))


# --- relative_error ---------------------------------------------------------------------------------

def test_relative_error_hand_computed():
    assert relative_error([1.0, 2.0], [1.0, 2.2]) == pytest.approx(0.2 / 4.2)
    assert relative_error([1.0, -2.0], [-1.0, 2.0]) == 1.0          # opposite signs
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([0.0, 1e-12], [0.0, 0.0]) == 1.0            # scale-free: tiny but all wrong


def test_relative_error_normalizes_by_the_largest_entry():
    # a component that is zero up to round-off does not dominate the error
    assert relative_error([1.0, 0.0], [1.0, 1e-11]) == pytest.approx(1e-11 / 2.0)   # max |a|+|b| = 2


def test_relative_error_of_dicts_is_over_all_leaves():
    a = {"W": np.array([1.0, 2.0]), "b": np.array([0.5])}
    b = {"W": np.array([1.0, 2.0]), "b": np.array([0.6])}
    assert relative_error(a, b) == pytest.approx(0.1 / 4.0)     # max diff 0.1, max |a|+|b| = 4


def test_relative_error_validation():
    with pytest.raises(ValueError, match=r"b has shape \(3,\), expected \(2,\) to match a\."):
        relative_error(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match=r"b must have the keys of a; missing \['c'\]"):
        relative_error({"c": np.zeros(1)}, {"d": np.zeros(1)})


# --- gradcheck -------------------------------------------------------------------------------------------

def test_gradcheck_passes_a_correct_gradient():
    x = np.array([1.0, -2.0, 0.3])
    result = gradcheck(cube_sum, lambda v: 3 * v ** 2, x)
    assert isinstance(result, GradcheckResult)
    ok, err, analytic, numeric = result
    assert ok is True and err < 1e-8
    np.testing.assert_allclose(analytic, 3 * x ** 2)
    np.testing.assert_allclose(numeric, 3 * x ** 2, rtol=1e-8)
    assert str(result).startswith("gradcheck passed: max relative error ")


def test_gradcheck_reports_a_wrong_gradient_without_raising():
    x = np.array([1.0, -2.0, 0.3])
    wrong_sign = gradcheck(cube_sum, lambda v: -3 * v ** 2, x)
    assert not wrong_sign.ok and wrong_sign.max_rel_error == pytest.approx(1.0)
    assert str(wrong_sign) == "gradcheck FAILED: max relative error 1.0e+00"
    factor_missing = gradcheck(cube_sum, lambda v: v ** 2, x)
    assert not factor_missing.ok and factor_missing.max_rel_error == pytest.approx(0.5)


def test_gradcheck_respects_rtol():
    x = np.array([1.0, 2.0])
    slightly_off = lambda v: 3 * v ** 2 * (1 + 1e-4)    # noqa: E731
    assert not gradcheck(cube_sum, slightly_off, x).ok
    assert gradcheck(cube_sum, slightly_off, x, rtol=1e-3).ok


def test_gradcheck_on_a_dict_names_the_worst_leaf():
    params = {"w": np.array([1.0, 2.0]), "b": np.array([0.5])}

    def f(p):
        return float(np.sum(p["w"] ** 2) + 3 * p["b"][0])

    good = gradcheck(f, lambda p: {"w": 2 * p["w"], "b": np.array([3.0])}, params)
    assert good.ok and set(good.numeric) == {"w", "b"}
    bad = gradcheck(f, lambda p: {"w": 2 * p["w"], "b": np.array([-3.0])}, params)
    assert not bad.ok
    assert str(bad).endswith("(largest difference in 'b')")
    np.testing.assert_array_equal(params["w"], [1.0, 2.0])


def test_gradcheck_raises_on_bad_inputs():
    x = np.array([1.0, 2.0])
    with pytest.raises(ValueError, match=r"grad_f\(x\) has shape \(3,\), expected \(2,\) to match x\."):
        gradcheck(cube_sum, lambda v: np.zeros(3), x)
    with pytest.raises(TypeError, match=r"grad_f must be a function"):
        gradcheck(cube_sum, None, x)
    with pytest.raises(ValueError, match=r"rtol must be > 0; got rtol=-1"):
        gradcheck(cube_sum, lambda v: 3 * v ** 2, x, rtol=-1)
    with pytest.raises(TypeError, match=r"f must return a real scalar"):
        gradcheck(lambda v: v, lambda v: np.ones(2), x)


# --- dict leaves are paired by key, never by position -------------------------------------------

def test_relative_error_pairs_dict_leaves_by_key():
    a = {"u": np.array([1.0, 2.0]), "v": np.array([3.0, 4.0])}
    swapped_values = {"u": a["v"], "v": a["u"]}
    same_values_other_order = {"v": a["v"], "u": a["u"]}
    assert relative_error(a, swapped_values) == pytest.approx(2.0 / 6.0)
    assert relative_error(a, same_values_other_order) == 0.0


def test_gradcheck_fails_a_gradient_with_values_swapped_between_keys():
    def f(p):
        return float(np.sum(p["a"] ** 2) + 3 * np.sum(p["b"] ** 2))

    x = {"a": np.array([1.0, -1.0]), "b": np.array([2.0, 0.5])}
    right = {"a": 2 * x["a"], "b": 6 * x["b"]}
    wrong = {"b": right["a"], "a": right["b"]}     # the keys swapped: each leaf has the other's values
    assert gradcheck(f, lambda p: {"b": 6 * p["b"], "a": 2 * p["a"]}, x).ok
    assert not gradcheck(f, lambda p: wrong, x).ok


def test_gradcheck_accepts_a_correct_mlp_gradient_in_another_key_order():
    from mlcourse_lib.models import init_mlp, mlp_loss_and_grad

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 3)), np.array([0, 1, 2, 1, 0, 2])
    params = init_mlp([3, 4, 3], rng=1, activation="tanh")

    def f(p):
        return mlp_loss_and_grad(p, X, y, activation="tanh")[0]

    def grad_reversed(p):
        grads = mlp_loss_and_grad(p, X, y, activation="tanh")[1]
        return {k: grads[k] for k in reversed(list(grads))}

    result = gradcheck(f, grad_reversed, params)
    assert result.ok, result


def test_mismatched_keys_and_shapes_name_the_key():
    a = {"W": np.ones((2, 2)), "b": np.ones(2)}
    with pytest.raises(ValueError, match=r"b must have the keys of a; missing \['b'\], unexpected \['c'\]."):
        relative_error(a, {"W": np.ones((2, 2)), "c": np.ones(2)})
    with pytest.raises(ValueError, match=r"b\['b'\] has shape \(3,\), expected \(2,\) to match a\['b'\]."):
        relative_error(a, {"b": np.ones(3), "W": np.ones((2, 2))})
    with pytest.raises(ValueError, match=r"grad_f\(x\)\['W'\] has shape \(4,\), expected \(2, 2\)"):
        gradcheck(lambda p: 0.0, lambda p: {"b": np.ones(2), "W": np.ones(4)}, a)
