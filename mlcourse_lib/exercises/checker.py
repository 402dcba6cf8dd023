"""Run a student's function through an exercise's cases and explain what went wrong.

:func:`run_check` never raises because of the student's code: it returns a
:class:`CheckReport`. The notebook uses three entry points:

- :func:`check` below an answer prints ✓ or ✗ with feedback and never raises, so
  *Run All* runs every explanatory cell of a chapter;
- :func:`assert_passes` in the graded cells at the end of a chapter raises
  :class:`CheckFailed`, which nbgrader counts as a failed test;
- hidden cases (``hidden=True``) are drawn from a seed derived from the course, the
  student and the exercise (:func:`~mlcourse_lib.exercises.seeds.hidden_seed`), so a
  notebook always gets the same grade.

Each call of the student's function runs under a time limit that ``except Exception``
cannot swallow and with a watch on library calls (:mod:`.watch`).
"""

from __future__ import annotations

import copy
import inspect
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from . import session
from .compare import compare_outputs, short_repr
from .feedback import MISSING, call_shape, describe_inputs, name_mistake, student_line, wrap
from .registry import chapter_of, get_exercise
from .seeds import grading_student, hidden_seed
from .spec import Case, Exercise
from .timeout import TimeLimitExceeded, time_limit
from .watch import OWN_CODE_PACKAGES, WATCHED_PACKAGES, CallLog, callable_codes, watch_library_calls

__all__ = ["CheckFailed", "CheckReport", "RemoteAnswer", "RemoteOutcome", "assert_passes", "check", "run_check"]

TIME_LIMIT_SECONDS = 10.0


class RemoteOutcome:
    """What one call of a :class:`RemoteAnswer` gave: its output or what went wrong."""

    def __init__(self, output=MISSING, args_after=(), kwargs_after=None, *, error=None,
                 called=None, timed_out=False, ended=None, warnings=()):
        self.output, self.args_after = output, args_after
        self.kwargs_after = kwargs_after if kwargs_after is not None else {}
        self.error, self.called, self.timed_out, self.ended = error, called, timed_out, ended
        self.warnings = warnings


class RemoteAnswer:
    """A student's function that runs in another process (the grading sandbox).

    :func:`run_check` calls :meth:`run_case` instead of the function itself; the
    subclass sends the case's inputs and returns a :class:`RemoteOutcome` of plain data.
    Time limits and allowed library calls are enforced on the far side's behalf by the
    subclass.
    """

    __name__ = "answer"

    def run_case(self, case: Case, *, allowed: tuple[str, ...], seconds: float) -> RemoteOutcome:
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        outcome = self.run_case(Case("call", args, kwargs), allowed=(), seconds=TIME_LIMIT_SECONDS)
        if outcome.output is MISSING:
            raise RuntimeError(f"{self.__name__} gave no result")
        return outcome.output


class CheckFailed(AssertionError):
    """Raised by :func:`assert_passes` when a student's function fails a case.

    In Jupyter only the message is shown (no traceback into the checker), so the
    feedback stays short. nbgrader sees an error and gives the cell no points.
    """

    def _render_traceback_(self):  # IPython's hook for custom tracebacks
        return ["\x1b[0;31mCheckFailed\x1b[0m", *str(self).splitlines()]


@dataclass(frozen=True)
class CheckReport:
    """What one check found.

    ``mistake`` is the name of the known mistake that the outputs matched, if any;
    ``called_reference`` tells that the function called library code instead of
    computing the answer itself (``called`` names it).
    """

    exercise_id: str
    passed: bool
    message: str
    n_cases: int
    hidden: bool
    seed: int | None
    mistake: str | None = None
    called_reference: bool = False
    called: str | None = None


class _StudentFailure(Exception):
    """The student's function failed while a behaviour check called it."""

    def __init__(self, message: str, called: str | None = None):
        super().__init__(message)
        self.called = called


class _Runner:
    """Calls the student's function on a case with every guard, and says what went wrong."""

    def __init__(self, exercise: Exercise, fn: Callable, fn_name: str, time_limit_s: float):
        self.exercise, self.fn, self.fn_name, self.seconds = exercise, fn, fn_name, time_limit_s
        self.own_module = own_module(fn)
        self.warnings: list[str] = []   # numpy's RuntimeWarnings of the latest call

    def call(self, case: Case):
        """``(output, args_after, kwargs_after, problem, called)``; ``problem`` is None on success."""
        if isinstance(self.fn, RemoteAnswer):
            return self._call_remote(case)
        args = copy.deepcopy(case.args)
        kwargs = copy.deepcopy(dict(case.kwargs))
        trusted = callable_codes([*args, *kwargs.values()])
        name, out, error, called = self.fn_name, MISSING, None, CallLog()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                with time_limit(self.seconds) as deadline:
                    with watch_library_calls(trusted_codes=trusted, allowed=self.exercise.allowed,
                                             flagged=(self.exercise.reference,),
                                             own_module=self.own_module) as called:
                        out = self.fn(*args, **kwargs)
            except TimeLimitExceeded:
                pass
            except (Exception, SystemExit) as exc:  # the student's code may raise anything
                error = exc
        self.warnings = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
        if deadline.tampered:
            return MISSING, args, kwargs, (f"{name} changed the alarm signal (SIGALRM) or its timer, "
                                           "which the checker's time limit relies on; leave "
                                           "signal handlers and timers alone."), None
        if deadline.fired:  # first: an alarm raised inside the watch also switches the watch off
            return MISSING, args, kwargs, (f"{name} did not return within {self.seconds:g} s "
                                           "(an endless loop?)."), None
        if called.tampered:
            return out, args, kwargs, (f"{name} switched off the checker's watch on library calls "
                                       "(sys.setprofile); leave the profiler alone."), "sys.setprofile"
        if called and self.own_module is None:
            return out, args, kwargs, (
                f"{name} is the library's own {called[0]}; write the computation yourself "
                "with numpy and plain Python."), called[0]
        if called:
            return out, args, kwargs, (
                f"{name} calls {called[0]}, which does the exercise's work for you; write the "
                "computation yourself with numpy and plain Python."), called[0]
        if isinstance(error, NotImplementedError):
            return out, args, kwargs, (f"{name} is not implemented yet: replace "
                                       "`raise NotImplementedError()` with your code."), None
        if error is not None:
            return out, args, kwargs, (f"{name} raised {type(error).__name__}: {error}"
                                       f"{student_line(error)}"), None
        return out, args, kwargs, None, None

    def _call_remote(self, case: Case):
        """The same, for an answer that runs elsewhere (a grading sandbox)."""
        name = self.fn_name
        outcome = self.fn.run_case(case, allowed=self.exercise.allowed, seconds=self.seconds)
        out, args, kwargs = outcome.output, outcome.args_after, outcome.kwargs_after
        if outcome.timed_out:
            return MISSING, args, kwargs, (f"{name} did not return within {self.seconds:g} s "
                                           "(an endless loop?)."), None
        if outcome.ended:
            return MISSING, args, kwargs, (f"{name} ended the grading process ({outcome.ended}); "
                                           "an answer must return its result, not exit."), None
        if outcome.called:
            return out, args, kwargs, (
                f"{name} calls {outcome.called}, which does the exercise's work for you; write the "
                "computation yourself with numpy and plain Python."), outcome.called
        error = outcome.error
        if error is not None and error.get("type") == "NotImplementedError":
            return out, args, kwargs, (f"{name} is not implemented yet: replace "
                                       "`raise NotImplementedError()` with your code."), None
        if error is not None:
            where = f" ({error['line']})" if error.get("line") else ""
            return out, args, kwargs, f"{name} raised {error['type']}: {error['message']}{where}", None
        self.warnings = list(outcome.warnings)
        return out, args, kwargs, None, None

    def output(self, case: Case):
        """The output on ``case``, or raise :class:`_StudentFailure` (for behaviour checks)."""
        out, _, _, problem, called = self.call(case)
        if problem:
            raise _StudentFailure(problem, called)
        return out


def own_module(fn: Callable) -> str | None:
    """The module whose code counts as the student's own: where ``fn`` was written.

    A function of a watched package (``losses.mse_loss`` handed in as an answer) has no
    own module, so calling it is reported, except in the catalog, whose known mistakes and
    alternatives the test suite runs as if a student wrote them.
    """
    module = getattr(inspect.unwrap(fn), "__module__", None) or ""
    if module.partition(".")[0] not in WATCHED_PACKAGES or module.startswith(OWN_CODE_PACKAGES):
        return module
    return None


def _changed_inputs(before: Case, after_args: tuple, after_kwargs: dict, exercise: Exercise) -> str | None:
    """Name the first argument (or part of one) that the call changed in place, if any."""
    try:
        names = list(inspect.signature(exercise.reference).parameters)
    except (TypeError, ValueError):
        names = []
    pairs = [(names[i] if i < len(names) else f"argument {i}", b, a)
             for i, (b, a) in enumerate(zip(before.args, after_args))]
    pairs += [(k, before.kwargs[k], after_kwargs[k]) for k in before.kwargs]
    for name, b, a in pairs:
        changed = _first_change(name, b, a)
        if changed:
            return changed
    return None


def _first_change(name: str, before, after) -> str | None:
    """``name`` (or ``name.field``, ``name[key]``) of the first array that differs, else None."""
    if isinstance(before, np.ndarray):
        same = (isinstance(after, np.ndarray) and after.shape == before.shape
                and np.array_equal(after, before, equal_nan=True))
        return None if same else name
    if isinstance(before, dict):
        for key, value in before.items():
            changed = _first_change(f"{name}[{key!r}]", value, after.get(key) if isinstance(after, dict) else None)
            if changed:
                return changed
    elif isinstance(before, (tuple, list)):
        fields = getattr(before, "_fields", None)
        for i, value in enumerate(before):
            inner = f"{name}.{fields[i]}" if fields else f"{name}[{i}]"
            other = after[i] if isinstance(after, (tuple, list)) and i < len(after) else None
            changed = _first_change(inner, value, other)
            if changed:
                return changed
    return None


def _call_on_copy(fn: Callable, case: Case):
    """``fn`` on a deep copy of the case's arguments."""
    return fn(*copy.deepcopy(case.args), **copy.deepcopy(dict(case.kwargs)))


def _reference_output(exercise: Exercise, case: Case):
    return _call_on_copy(exercise.reference, case)


def _judge(exercise: Exercise, case: Case, expected, got) -> str | None:
    """Message if ``got`` is not an acceptable output for ``case``, else None."""
    try:
        if exercise.validate is not None:
            return exercise.validate(case, got)
        return compare_outputs(expected, got, rtol=exercise.rtol, atol=exercise.atol)
    except Exception as exc:  # an object that breaks conversion or comparison
        return (f"the result ({type(got).__name__}) could not be read as the expected "
                f"output: {type(exc).__name__}: {exc}")


def run_check(exercise: Exercise | str, fn: Callable, *, hidden: bool = False,
              seed: int | None = None, student: str | None = None,
              time_limit_s: float | None = None) -> CheckReport:
    """Run ``fn`` on the exercise's public (or hidden) cases and report.

    Parameters
    ----------
    exercise : Exercise or str
        The exercise or its id.
    fn : callable
        The student's function.
    hidden : bool
        Use the hidden cases, as at grading time: fixed hard cases, then random ones.
    seed : int, optional
        Seed of the hidden cases' random part; by default
        ``hidden_seed(exercise.id, student)``, the same at every grading.
    student : str, optional
        Whose seed to use (default: :func:`~mlcourse_lib.exercises.seeds.grading_student`).
    time_limit_s : float, optional
        Time limit of each call of ``fn`` (default ``TIME_LIMIT_SECONDS``).

    Returns
    -------
    CheckReport

    Examples
    --------
    >>> report = run_check("mse_loss", lambda y_true, y_pred: float(((y_true - y_pred) ** 2).sum()))
    >>> report.passed, report.mistake
    (False, 'sum instead of mean')
    """
    exercise = get_exercise(exercise) if isinstance(exercise, str) else exercise
    if hidden and seed is None:
        student = student if student is not None else grading_student()
        seed = hidden_seed(exercise.id, student)
    cases = exercise.make_cases(hidden=hidden, seed=seed if hidden else None)
    n = len(cases)
    fn_name = getattr(fn, "__name__", "fn")
    if not isinstance(fn_name, str) or fn_name == "<lambda>":
        fn_name = "your function"

    def fail(case, text, *, mistake=None, called=None, show_inputs=True):
        where = f"case {case.label!r}" if case is not None else "the check"
        lines = [f"✗ {exercise.id} — {where} failed.", f"  {text}"]
        if case is not None and show_inputs:
            lines.insert(1, f"  inputs: {describe_inputs(exercise, case)}")
        if mistake is not None:
            lines.append(f"  This looks like a known mistake: {mistake.name}.")
            lines.append(wrap(mistake.explanation))
        if hidden:
            lines.append(f"  (hidden cases, seed {seed}: reproduce with "
                         f"check({exercise.id!r}, {getattr(fn, '__name__', 'fn')}, hidden=True, seed={seed}))")
        if exercise.hints:
            lines.append(f"  Stuck? hint({exercise.id!r}) gives a hint.")
        return CheckReport(exercise.id, False, "\n".join(lines), n, hidden, seed,
                           mistake=mistake.name if mistake else None,
                           called_reference=called is not None, called=called)

    if not callable(fn):
        return fail(None, f"expected a function, got {type(fn).__name__} {short_repr(fn)}.")
    try:
        student_sig = inspect.signature(fn)
    except (TypeError, ValueError):
        student_sig = None

    runner = _Runner(exercise, fn, fn_name, time_limit_s or TIME_LIMIT_SECONDS)
    for index, case in enumerate(cases):
        if student_sig is not None:
            try:
                student_sig.bind(*case.args, **case.kwargs)
            except TypeError as exc:
                return fail(case, f"{fn_name}{student_sig} cannot be called the way the exercise "
                                  f"calls it, {call_shape(exercise, case)} ({exc}).")
        expected = None if exercise.validate is not None else _reference_output(exercise, case)
        got, args_after, kwargs_after, problem, called = runner.call(case)
        if problem:
            return fail(case, problem, called=called,
                        show_inputs="not implemented yet" not in problem)
        changed = _changed_inputs(case, args_after, kwargs_after, exercise)
        if changed:
            return fail(case, f"{fn_name} changed its input `{changed}` in place; "
                              "work on a copy (e.g. x = x.copy()) or build a new array.")
        if got is None:
            return fail(case, f"{fn_name} returned None; did you forget to `return` the result?")
        problem = _judge(exercise, case, expected, got)
        if problem:
            if runner.warnings:
                problem += f" numpy warned: {runner.warnings[0]}."
            mistake = _explain(exercise, runner, cases, index, got)
            return fail(case, problem, mistake=mistake)

    if exercise.behaviour is not None:
        try:
            problem = exercise.behaviour(lambda *a, **kw: runner.output(Case("behaviour", a, kw)))
        except _StudentFailure as exc:
            return fail(None, str(exc), called=exc.called)
        if problem:
            return fail(None, problem)

    kind = "hidden" if hidden else "public"
    tail = f" (seed {seed})" if hidden else ""
    return CheckReport(exercise.id, True, f"✓ {exercise.id}: all {n} {kind} cases passed{tail}.",
                       n, hidden, seed)


def _explain(exercise: Exercise, runner: _Runner, cases, failed_index: int, got):
    """The known mistake behind a failure, judged on every case of the list."""
    if not exercise.mistakes:
        return None
    outputs, failed = [], []
    for i, case in enumerate(cases):
        if i == failed_index:
            outputs.append(got)
            failed.append(True)
            continue
        out, *_, problem, _ = runner.call(case)
        if problem or out is None:
            outputs.append(MISSING)
            failed.append(True)
            continue
        expected = None if exercise.validate is not None else _reference_output(exercise, case)
        outputs.append(out)
        failed.append(_judge(exercise, case, expected, out) is not None)

    return name_mistake(exercise, cases, outputs, failed, _call_on_copy)


def check(exercise: Exercise | str, fn: Callable, *, hidden: bool = False,
          seed: int | None = None) -> None:
    """Check a student's function and print ✓ or ✗ with feedback; never raises for its mistakes.

    Below every answer cell: the message names the failing case, its inputs, the
    expected and returned values and, when the outputs match one, the known mistake.
    A line of chapter progress follows.

    Parameters
    ----------
    exercise : Exercise or str
        The exercise or its id, e.g. ``"mse_loss"``.
    fn : callable
        The student's function.
    hidden : bool
        Run the hidden cases, as grading does, to reproduce a failure shown in feedback.
    seed : int, optional
        Seed of the hidden cases (the feedback names it).

    Examples
    --------
    >>> from mlcourse_lib.exercises import check
    >>> check("mse_loss", lambda y_true, y_pred: float(((y_true - y_pred) ** 2).mean()))  # doctest: +ELLIPSIS
    ✓ mse_loss: all ... public cases passed.
    ...
    """
    exercise = get_exercise(exercise) if isinstance(exercise, str) else exercise
    report = run_check(exercise, fn, hidden=hidden, seed=seed)
    session.record(exercise.id, report.passed)
    print(report.message)
    try:
        print(session.progress_line(chapter_of(exercise.id)))
    except KeyError:  # an exercise that is not in the catalog
        pass


def assert_passes(exercise: Exercise | str, fn: Callable, *, hidden: bool = False,
                  seed: int | None = None) -> None:
    """The graded form of :func:`check`: print ✓, or raise :class:`CheckFailed` with the feedback.

    Examples
    --------
    >>> assert_passes("mse_loss", lambda y_true, y_pred: float(((y_true - y_pred) ** 2).sum()))
    Traceback (most recent call last):
    ...
    mlcourse_lib.exercises.checker.CheckFailed: ✗ mse_loss — case ...
    """
    exercise = get_exercise(exercise) if isinstance(exercise, str) else exercise
    report = run_check(exercise, fn, hidden=hidden, seed=seed)
    session.record(exercise.id, report.passed)
    if not report.passed:
        raise CheckFailed(report.message)
    print(report.message)
