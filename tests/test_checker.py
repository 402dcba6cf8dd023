"""The checker's own rules, on a small exercise defined here (independent of the catalog)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from mlcourse_lib.exercises import (Case, CheckFailed, Exercise, Mistake, assert_passes, check,
                                    compare_outputs, hidden_seed, hint, run_check)


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


def test_check_prints_the_failure_and_never_raises(capsys):
    check(DOUBLE, lambda x: x * 3)          # Run All must go on past an unsolved exercise
    out = capsys.readouterr().out
    assert out.startswith("✗ double") and "expected 2, got 3" in out


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


def test_assert_passes_raises_checkfailed_with_short_rendering(capsys):
    assert_passes(DOUBLE, lambda x: x * 2)
    assert capsys.readouterr().out.startswith("✓ double")
    with pytest.raises(CheckFailed) as info:
        assert_passes(DOUBLE, lambda x: x * 3)
    rendered = info.value._render_traceback_()
    assert rendered[0].endswith("CheckFailed\x1b[0m")
    assert any("expected 2, got 3" in line for line in rendered)


def test_hidden_failure_reports_seed_to_reproduce():
    report = run_check(DOUBLE, lambda x: x * 2 if len(x) == 3 else x, hidden=True, seed=7)
    assert not report.passed
    assert "seed 7" in report.message and "hidden=True, seed=7" in report.message


def test_hidden_seed_is_the_same_at_every_grading_and_differs_between_students(monkeypatch):
    monkeypatch.delenv("MLCOURSE_STUDENT", raising=False)
    seeds = {run_check(DOUBLE, lambda x: 2 * x, hidden=True).seed for _ in range(3)}
    assert len(seeds) == 1
    assert seeds == {hidden_seed("double", "local")}
    ada = run_check(DOUBLE, lambda x: 2 * x, hidden=True, student="ada").seed
    bob = run_check(DOUBLE, lambda x: 2 * x, hidden=True, student="bob").seed
    assert ada != bob and ada == hidden_seed("double", "ada")
    monkeypatch.setenv("MLCOURSE_STUDENT", "ada")
    assert run_check(DOUBLE, lambda x: 2 * x, hidden=True).seed == ada


def test_grading_student_is_read_from_nbgraders_folder(monkeypatch, tmp_path):
    from mlcourse_lib.exercises.seeds import grading_student

    monkeypatch.delenv("MLCOURSE_STUDENT", raising=False)
    folder = tmp_path / "autograded" / "ada" / "02_losses"
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    assert grading_student() == "ada"
    assert run_check(DOUBLE, lambda x: 2 * x, hidden=True).seed == hidden_seed("double", "ada")


def test_hidden_pass_names_its_seed():
    report = run_check(DOUBLE, lambda x: 2 * x, hidden=True, seed=5)
    assert report.passed and "seed 5" in report.message


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


def test_time_limit_cannot_be_swallowed_by_except_exception():
    def stubborn(x):
        start = time.monotonic()
        while time.monotonic() - start < 5:
            try:
                time.sleep(0.01)
            except Exception:
                pass
        return 2 * x

    start = time.monotonic()
    report = run_check(DOUBLE, stubborn, time_limit_s=0.2)
    assert "did not return within 0.2 s" in report.message
    assert time.monotonic() - start < 2


def test_a_late_answer_fails_even_when_every_alarm_is_swallowed():
    def swallow_everything(x):
        start = time.monotonic()
        while time.monotonic() - start < 0.5:
            try:
                time.sleep(0.01)
            except BaseException:
                pass
        return 2 * x

    report = run_check(DOUBLE, swallow_everything, time_limit_s=0.1)
    assert not report.passed and "did not return within 0.1 s" in report.message


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


# --- the allow-list of library calls ---------------------------------------------------------

def _mse(y_true, y_pred):
    return float(np.mean((y_true - y_pred) ** 2))


MSE = Exercise(
    id="mse_here", title="MSE", reference=_mse,
    cases=lambda rng, hidden: [Case("three", (np.array([1.0, 2.0, 3.0]), np.array([1.5, 2.0, 5.0])))],
)


def test_any_call_into_the_library_is_reported_by_name():
    from mlcourse_lib import models

    def via_model(y_true, y_pred):
        return models.linear_regression_loss(np.eye(len(y_true)), y_true, y_pred)

    report = run_check(MSE, via_model)
    assert report.called_reference and report.called == "mlcourse_lib.models.linear.linear_regression_loss"
    assert "calls mlcourse_lib.models.linear.linear_regression_loss" in report.message


def test_scipy_and_scikit_learn_calls_are_reported():
    import scipy.special
    import sklearn.metrics

    report = run_check(MSE, lambda a, b: float(sklearn.metrics.mean_squared_error(a, b)))
    assert report.called_reference and report.called.startswith("sklearn.metrics")
    report = run_check(MSE, lambda a, b: float(np.mean((a - b) ** 2)) + 0 * float(scipy.special.logsumexp(a)))
    assert report.called_reference and "logsumexp" in report.called


def test_calls_from_other_threads_and_through_copied_code_are_reported():
    import threading
    import types

    from mlcourse_lib import losses

    def in_a_thread(y_true, y_pred):
        out = []
        worker = threading.Thread(target=lambda: out.append(losses.mse_loss(y_true, y_pred)))
        worker.start()
        worker.join()
        return out[0]

    ref = losses.mse_loss
    copy = types.FunctionType(ref.__code__.replace(), ref.__globals__, "mine", ref.__defaults__)
    foreign = types.FunctionType(ref.__code__.replace(), {"np": np}, "mine", ref.__defaults__)
    for fn in (in_a_thread, lambda a, b: copy(a, b), lambda a, b: foreign(a, b)):
        report = run_check(MSE, fn)
        assert report.called_reference and "mse_loss" in report.called, report.message


def test_callables_passed_by_the_case_may_use_the_library():
    from mlcourse_lib import models

    class Problem:
        def __call__(self, theta):
            return models.linear_regression_loss(np.eye(2), np.ones(2), theta)

    def reference(f, theta):
        return float(f(theta))

    ex = Exercise(id="evaluate", title="Evaluate", reference=reference,
                  cases=lambda rng, hidden: [Case("a problem", (Problem(), np.zeros(2)))])
    assert run_check(ex, lambda f, theta: float(f(theta))).passed


def test_allowed_names_may_be_called():
    from mlcourse_lib import losses

    ex = Exercise(id="mse_allowed", title="MSE", reference=_mse, cases=MSE.cases,
                  allowed=("mlcourse_lib.losses.",))
    assert run_check(ex, lambda a, b: losses.mse_loss(a, b)).passed


# --- naming a mistake only on evidence ----------------------------------------------------------

def _mse_cases(rng, hidden):
    return [Case("errors 0, 0, 2", (np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0]))),
            Case("errors 0.5, 1, 3", (np.array([1.0, 2.0, 3.0]), np.array([1.5, 1.0, 6.0])))]


MSE_NAMED = Exercise(
    id="mse_named", title="MSE", reference=_mse, cases=_mse_cases,
    mistakes=(Mistake("MAE", "absolute errors", lambda a, b: float(np.mean(np.abs(a - b)))),
              Mistake("sum", "sum, not mean", lambda a, b: float(np.sum((a - b) ** 2)))),
    hints=("Look at the errors.", "Square them.", "MSE = (1/n) Σ (y - ŷ)²."),
)


def test_a_mistake_is_not_named_from_one_coincidence():
    # ½·mean(e²) equals the MAE on the first case (errors 0, 0, 2), not on the second.
    half = run_check(MSE_NAMED, lambda a, b: float(np.mean((a - b) ** 2) / 2))
    assert not half.passed and half.mistake is None
    assert run_check(MSE_NAMED, lambda a, b: float(np.mean(np.abs(a - b)))).mistake == "MAE"


def test_a_mistake_is_not_named_when_two_fit():
    twin = Exercise(id="twin", title="MSE", reference=_mse, cases=_mse_cases,
                    mistakes=MSE_NAMED.mistakes + (Mistake("sum again", "", MSE_NAMED.mistakes[1].fn),))
    assert run_check(twin, lambda a, b: float(np.sum((a - b) ** 2))).mistake is None


def _lse(z):
    m = np.max(z)
    return float(m + np.log(np.sum(np.exp(z - m))))


def _naive_lse(z):
    return float(np.log(np.sum(np.exp(z))))


LSE = Exercise(
    id="lse", title="log-sum-exp", reference=_lse,
    cases=lambda rng, hidden: [Case("small", (np.array([0.0, 1.0]),)),
                               Case("large", (np.array([1000.0, 999.0]),))],
    mistakes=(Mistake("no max shift", "exp overflows", _naive_lse, non_finite=True),),
)


def test_an_overflow_mistake_is_named_only_when_everything_else_is_right():
    with np.errstate(all="ignore"):
        assert run_check(LSE, _naive_lse).mistake == "no max shift"
        # infinite output, but also wrong on the finite case: not "no max shift"
        wrong_and_infinite = run_check(LSE, lambda z: float(np.sum(np.exp(z))))
    assert not wrong_and_infinite.passed and wrong_and_infinite.mistake is None


def test_hints_come_one_at_a_time_and_failures_point_to_them(capsys, monkeypatch):
    from mlcourse_lib.exercises import registry, session

    monkeypatch.setattr(registry, "get_exercise", lambda _id: MSE_NAMED)
    monkeypatch.setattr(session, "get_exercise", lambda _id: MSE_NAMED)
    for _ in range(4):
        hint("mse_named")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Hint 1 of 3 for mse_named: Look at the errors.")
    assert lines[2].startswith("Hint 3 of 3") and lines[3] == lines[2]
    assert "hint('mse_named')" in run_check(MSE_NAMED, lambda a, b: 0.0).message


def test_changing_a_field_of_a_state_tuple_in_place_is_reported():
    from typing import NamedTuple

    class State(NamedTuple):
        v: np.ndarray

    def step(x, state):
        return x - state.v, State(state.v + 1.0)

    ex = Exercise(id="state_step", title="Step", reference=step,
                  cases=lambda rng, hidden: [Case("one step", (np.ones(2), State(np.zeros(2))))])

    def in_place(x, state):
        state.v[:] += 1.0
        return x - (state.v - 1.0), State(state.v)

    assert run_check(ex, lambda x, state: (x - state.v, State(state.v + 1.0))).passed
    report = run_check(ex, in_place)
    assert "changed its input `state.v` in place" in report.message


def test_switching_off_the_alarm_is_reported():
    import signal

    def ignore_alarm(x):
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
        return 2 * x

    def stop_timer(x):
        signal.setitimer(signal.ITIMER_REAL, 0)
        return 2 * x

    for fn in (ignore_alarm, stop_timer):
        report = run_check(DOUBLE, fn)
        assert not report.passed and "SIGALRM" in report.message, report.message
    assert run_check(DOUBLE, lambda x: 2 * x).passed


def test_switching_off_the_call_watch_is_reported():
    import sys

    from mlcourse_lib import losses

    def unwatched(y_true, y_pred):
        sys.setprofile(None)
        return losses.mse_loss(y_true, y_pred)

    report = run_check(MSE, unwatched)
    assert not report.passed and report.called_reference and "sys.setprofile" in report.message
