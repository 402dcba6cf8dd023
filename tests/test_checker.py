"""The checker's own rules, on a small exercise defined here (independent of the catalog)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from mlcourse_lib.exercises import Case, CheckFailed, Exercise, Mistake, check, compare_outputs, run_check


def double(x):
    """Reference: 2x, element-wise."""
    return 2.0 * np.asarray(x, dtype=float)


def _cases(rng, hidden):
    cases = [Case("three values", (np.array([1.0, 2.0, 3.0]),))]
    if hidden:
        cases.append(Case("random values", (rng.normal(size=5),)))
    return cases


DOUBLE = Exercise(
    id="double", title="Double", reference=double, cases=_cases,
    mistakes=(Mistake("added instead of multiplied", "2x, not x + 2.", lambda x: x + 2.0),),
    alternatives=(lambda x: x + x,),
)


def test_correct_function_passes_and_prints_a_tick(capsys):
    check(DOUBLE, lambda x: x * 2)
    assert capsys.readouterr().out.strip() == "✓ double: all 1 public cases passed."


def test_failure_names_case_inputs_expected_and_got():
    report = run_check(DOUBLE, lambda x: x * 3)
    assert not report.passed
    assert "case 'three values'" in report.message
    assert "x=[1., 2., 3.]" in report.message
    assert "expected 2, got 3" in report.message


def test_known_mistake_is_named():
    report = run_check(DOUBLE, lambda x: x + 2.0)
    assert report.mistake == "added instead of multiplied"
    assert "known mistake: added instead of multiplied" in report.message


def test_check_raises_checkfailed_with_short_rendering():
    with pytest.raises(CheckFailed) as info:
        check(DOUBLE, lambda x: x * 3)
    rendered = info.value._render_traceback_()
    assert rendered[0].endswith("CheckFailed\x1b[0m")
    assert any("expected 2, got 3" in line for line in rendered)


def test_hidden_failure_reports_seed_to_reproduce():
    report = run_check(DOUBLE, lambda x: x * 2 if len(x) == 3 else x, hidden=True, seed=7)
    assert not report.passed
    assert "seed 7" in report.message and "hidden=True, seed=7" in report.message


def test_hidden_seed_is_fresh_when_not_given():
    seeds = {run_check(DOUBLE, lambda x: 2 * x, hidden=True).seed for _ in range(5)}
    assert len(seeds) > 1


def test_wrong_shape_and_type_are_explained():
    assert "has shape (3, 1), expected (3,)" in run_check(DOUBLE, lambda x: (2 * x).reshape(-1, 1)).message
    assert "Same number of values: reshape to (3,)" in run_check(DOUBLE, lambda x: (2 * x).reshape(-1, 1)).message
    assert "is a str" in run_check(DOUBLE, lambda x: "2x").message
    assert "returned None" in run_check(DOUBLE, lambda x: None).message


def test_nan_is_not_accepted_for_a_finite_answer():
    report = run_check(DOUBLE, lambda x: np.full_like(x, np.nan))
    assert "expected the finite value" in report.message


def test_object_claiming_equality_is_rejected():
    class Liar:
        def __eq__(self, other):
            return True

    report = run_check(DOUBLE, lambda x: Liar())
    assert not report.passed
    assert "expected a numpy array" in report.message


def test_exception_in_student_code_is_reported_with_its_line():
    def broken(x):
        y = x * 2
        return y[10]

    report = run_check(DOUBLE, broken)
    assert "raised IndexError" in report.message
    assert "return y[10]" in report.message


def test_not_implemented_stub():
    def stub(x):
        raise NotImplementedError()

    assert "not implemented yet" in run_check(DOUBLE, stub).message


def test_changing_the_input_in_place_is_reported():
    def in_place(x):
        x *= 2
        return x

    report = run_check(DOUBLE, in_place)
    assert "changed its input `x` in place" in report.message


def test_wrong_signature_is_explained():
    report = run_check(DOUBLE, lambda: 0)
    assert "cannot be called the way the exercise calls it, double(x)" in report.message


def test_wrong_keyword_names_show_how_the_exercise_calls_the_function():
    report = run_check("train_test_indices", lambda n, frac, rng: None)
    assert "train_test_indices(n_samples, test_fraction=..., rng=...)" in report.message
    assert "missing a required argument: 'frac'" in report.message


def test_calling_the_reference_is_detected_even_through_an_alias():
    alias = double

    report = run_check(DOUBLE, lambda x: alias(x))
    assert report.called_reference and not report.passed


def test_endless_loop_is_interrupted(monkeypatch):
    import mlcourse_lib.exercises.checker as checker

    monkeypatch.setattr(checker, "TIME_LIMIT_SECONDS", 0.2)

    def spin(x):
        while True:
            time.sleep(0.01)

    report = run_check(DOUBLE, spin)
    assert "did not return within 0.2 s" in report.message


def test_not_a_function():
    assert "expected a function" in run_check(DOUBLE, 42).message


def test_unknown_exercise_lists_known_ids():
    with pytest.raises(KeyError, match="known exercises"):
        check("no_such_exercise", double)


def test_validate_based_exercise_uses_properties():
    def perm(n, rng):
        return np.random.default_rng(0).permutation(n)

    def validate(case, got):
        n = case.args[0]
        return None if sorted(np.asarray(got).tolist()) == list(range(n)) else "not a permutation"

    ex = Exercise(id="perm", title="Permutation", reference=perm,
                  cases=lambda rng, hidden: [Case("n=5", (5, rng))], validate=validate)
    assert run_check(ex, lambda n, rng: rng.permutation(n)).passed
    assert "not a permutation" in run_check(ex, lambda n, rng: np.zeros(n, dtype=int)).message


@pytest.mark.parametrize("expected,got,message", [
    (1.0, 1.0 + 1e-12, None),
    (1.0, np.float32(1.0), None),
    (1.0, np.array(1.0), None),
    (1.0, np.array([1.0]), "expected a single number"),
    (1.0, True, "boolean"),
    (1.0, float("inf"), "expected the finite value 1"),
    ((1.0, np.zeros(2)), [1.0, np.zeros(2)], None),
    ((1.0, np.zeros(2)), (1.0,), "has 1 elements; expected 2"),
    ({"w": np.ones(2)}, {"w": np.ones(2)}, None),
    ({"w": np.ones(2)}, {"b": np.ones(2)}, "has keys"),
    (np.array([1, 2]), np.array([1, 3]), "differs at index 1: expected 2, got 3"),
    (np.array([1, 2]), np.array([1.0, 2.0]), None),
    (np.array([1, 2]), np.array([1.0, 2.5]), "must hold integers"),
    (np.ones(2), np.array(["a", "b"]), "dtype"),
])
def test_compare_outputs_rules(expected, got, message):
    result = compare_outputs(expected, got)
    if message is None:
        assert result is None
    else:
        assert result is not None and message in result


def test_output_that_breaks_conversion_is_reported_not_raised():
    class Weird:
        def __array__(self, *args, **kwargs):
            raise RuntimeError("refuses conversion")

        def __len__(self):
            raise RuntimeError("no length either")

    scalar_ex = Exercise(id="one", title="One", reference=lambda: 1.0,
                         cases=lambda rng, hidden: [Case("no inputs")])
    for ex in (DOUBLE, scalar_ex):
        report = run_check(ex, lambda *a: Weird())
        assert not report.passed and report.message


def test_exit_in_student_code_is_reported():
    import sys

    report = run_check(DOUBLE, lambda x: sys.exit(3))
    assert "raised SystemExit: 3" in report.message
