"""Run a student's function through an exercise's cases and explain what went wrong.

:func:`run_check` never raises because of the student's code: it returns a
:class:`CheckReport`. :func:`check` is the notebook's entry point: it prints a ✓ or
raises :class:`CheckFailed`, whose message (shown without a long traceback in
Jupyter) names the failing case, the expected and returned values and, when the
output matches a known mistake, that mistake by name.
"""

from __future__ import annotations

import copy
import inspect
import secrets
import signal
import sys
import textwrap
import threading
import traceback
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .compare import compare_outputs, short_repr
from .registry import get_exercise
from .spec import Case, Exercise

__all__ = ["CheckFailed", "CheckReport", "check", "run_check"]

TIME_LIMIT_SECONDS = 10.0


class CheckFailed(AssertionError):
    """Raised by :func:`check` when a student's function fails a case.

    In Jupyter only the message is shown (no traceback into the checker), so the
    feedback stays short. nbgrader still sees an error and gives the cell no points.
    """

    def _render_traceback_(self):  # IPython's hook for custom tracebacks
        return ["\x1b[0;31mCheckFailed\x1b[0m", *str(self).splitlines()]


@dataclass(frozen=True)
class CheckReport:
    """What one check found.

    ``mistake`` is the name of the known mistake that the output matched, if any;
    ``called_reference`` tells that the function called the library's answer.
    """

    exercise_id: str
    passed: bool
    message: str
    n_cases: int
    hidden: bool
    seed: int | None
    mistake: str | None = None
    called_reference: bool = False


class _Timeout(Exception):
    pass


@contextmanager
def _time_limit(seconds: float):
    """Interrupt the block after ``seconds`` (main thread on Unix only; elsewhere a no-op)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def _on_alarm(signum, frame):
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _resolve(target):
    """A forbidden function given as a callable, or as ``"module:qualname"``.

    A named function is resolved only when its module is already imported (a student
    who calls it must have imported it), so naming scikit-learn costs nothing otherwise.
    """
    if callable(target):
        return target
    module_name, _, qualname = target.partition(":")
    obj = sys.modules.get(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
    return obj


@contextmanager
def _watch_calls(functions):
    """Record calls to any of ``functions`` (by code object) made inside the block."""
    codes = {}  # keyed by identity: code objects compare equal by content
    for f in filter(None, map(_resolve, functions)):
        code = getattr(inspect.unwrap(f), "__code__", None)
        if code is not None:
            codes[id(code)] = getattr(f, "__qualname__", getattr(f, "__name__", "?"))
    seen: list[str] = []

    def _profile(frame, event, arg):
        if event == "call" and id(frame.f_code) in codes:
            seen.append(codes[id(frame.f_code)])

    previous = sys.getprofile()
    sys.setprofile(_profile)
    try:
        yield seen
    finally:
        sys.setprofile(previous)


def _describe_inputs(exercise: Exercise, case: Case) -> str:
    try:
        bound = inspect.signature(exercise.reference).bind_partial(*case.args, **case.kwargs)
        items = bound.arguments.items()
    except (TypeError, ValueError):
        items = [(f"arg{i}", a) for i, a in enumerate(case.args)] + list(case.kwargs.items())
    parts = []
    for name, value in items:
        if callable(value) and not isinstance(value, np.ndarray):
            shown = getattr(value, "__name__", "a function")
        elif isinstance(value, np.random.Generator):
            shown = "a seeded numpy Generator"
        else:
            shown = short_repr(value, max_len=80)
        parts.append(f"{name}={shown}")
    return ", ".join(parts)


def _call_shape(exercise: Exercise, case: Case) -> str:
    """How the exercise calls the function: ``train_test_indices(n_samples, test_fraction=..., rng=...)``."""
    names = list(inspect.signature(exercise.reference).parameters)
    positional = [names[i] if i < len(names) else f"arg{i}" for i in range(len(case.args))]
    keywords = [f"{k}=..." for k in case.kwargs]
    return f"{exercise.id}({', '.join(positional + keywords)})"


def _student_line(exc: BaseException) -> str:
    """The last line of the traceback that lies in the student's own code, if any."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames
           if "site-packages" not in f.filename and "mlcourse_lib" not in f.filename
           and not f.filename.startswith(sys.prefix)]
    if not own:
        return ""
    f = own[-1]
    return f" (line {f.lineno}: `{(f.line or '').strip()}`)"


def _changed_inputs(before: Case, after_args: tuple, after_kwargs: dict, exercise: Exercise) -> str | None:
    """Name the first argument that the call changed in place, if any."""
    try:
        names = list(inspect.signature(exercise.reference).parameters)
    except (TypeError, ValueError):
        names = []
    pairs = [(names[i] if i < len(names) else f"argument {i}", b, a)
             for i, (b, a) in enumerate(zip(before.args, after_args))]
    pairs += [(k, before.kwargs[k], after_kwargs[k]) for k in before.kwargs]
    for name, b, a in pairs:
        if isinstance(b, np.ndarray):
            if not (isinstance(a, np.ndarray) and a.shape == b.shape
                    and np.array_equal(a, b, equal_nan=True)):
                return name
        elif isinstance(b, dict):
            for k, v in b.items():
                if isinstance(v, np.ndarray) and not np.array_equal(a.get(k), v, equal_nan=True):
                    return f"{name}[{k!r}]"
    return None


def _call(fn: Callable, case: Case):
    args = copy.deepcopy(case.args)
    kwargs = copy.deepcopy(dict(case.kwargs))
    return fn(*args, **kwargs), args, kwargs


def _match_mistake(exercise: Exercise, case: Case, got) -> Any:
    for mistake in exercise.mistakes:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with np.errstate(all="ignore"):
                    wrong, _, _ = _call(mistake.fn, case)
        except Exception:
            continue
        try:
            if compare_outputs(wrong, got, rtol=exercise.rtol, atol=exercise.atol) is None:
                return mistake
        except Exception:  # the student's output may defy comparison
            continue
    return None


def _fail(exercise, case, hidden, seed, n_cases, text, *, mistake=None, called_reference=False,
          fn_name="your function", show_inputs=True):
    where = f"case {case.label!r}" if case is not None else "the call"
    lines = [f"✗ {exercise.id} — {where} failed.", f"  {text}"]
    if case is not None and show_inputs:
        lines.insert(1, f"  inputs: {_describe_inputs(exercise, case)}")
    if mistake is not None:
        lines.append(f"  This looks like a known mistake: {mistake.name}.")
        lines.append(textwrap.fill(mistake.explanation, width=96, initial_indent="  ",
                                   subsequent_indent="  "))
    if hidden:
        lines.append(f"  (hidden case, seed {seed}: reproduce with "
                     f"check({exercise.id!r}, {fn_name}, hidden=True, seed={seed}))")
    return CheckReport(exercise.id, False, "\n".join(lines), n_cases, hidden, seed,
                       mistake=mistake.name if mistake else None, called_reference=called_reference)


def run_check(exercise: Exercise | str, fn: Callable, *, hidden: bool = False,
              seed: int | None = None) -> CheckReport:
    """Run ``fn`` on the exercise's public (or hidden) cases and report.

    Parameters
    ----------
    exercise : Exercise or str
        The exercise or its id.
    fn : callable
        The student's function.
    hidden : bool
        Use the hidden cases, drawn from ``seed`` (fresh when None), as at grading time.
    seed : int, optional
        Seed of the hidden cases, to reproduce a failure.

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
        seed = secrets.randbits(31)
    cases = exercise.make_cases(hidden=hidden, seed=seed if hidden else None)
    n = len(cases)
    fn_name = getattr(fn, "__name__", "fn")

    def fail(case, text, **kw):
        return _fail(exercise, case, hidden, seed, n, text, fn_name=fn_name, **kw)

    if not callable(fn):
        return fail(None, f"expected a function, got {type(fn).__name__} {short_repr(fn)}.")
    try:
        student_sig = inspect.signature(fn)
    except (TypeError, ValueError):
        student_sig = None
    forbidden = (exercise.reference, *exercise.forbidden)

    for case in cases:
        if student_sig is not None:
            try:
                student_sig.bind(*case.args, **case.kwargs)
            except TypeError as exc:
                return fail(case, f"{fn_name}{student_sig} cannot be called the way the exercise "
                                  f"calls it, {_call_shape(exercise, case)} ({exc}).")
        expected = None
        if exercise.validate is None:
            expected, _, _ = _call(exercise.reference, case)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                with _watch_calls(forbidden) as called, _time_limit(TIME_LIMIT_SECONDS):
                    got, args_after, kwargs_after = _call(fn, case)
            except NotImplementedError:
                return fail(case, f"{fn_name} is not implemented yet: replace "
                                  "`raise NotImplementedError()` with your code.", show_inputs=False)
            except _Timeout:
                return fail(case, f"{fn_name} did not return within {TIME_LIMIT_SECONDS:g} s "
                                  "(an endless loop?).")
            except (Exception, SystemExit) as exc:  # the student's code may raise anything
                return fail(case, f"{fn_name} raised {type(exc).__name__}: {exc}{_student_line(exc)}")

        if called:
            return fail(case, f"{fn_name} calls the library's own answer ({called[0]}); "
                              "write the computation yourself.", called_reference=True)
        changed = _changed_inputs(case, args_after, kwargs_after, exercise)
        if changed:
            return fail(case, f"{fn_name} changed its input `{changed}` in place; "
                              "work on a copy (e.g. x = x.copy()) or build a new array.")
        if got is None:
            return fail(case, f"{fn_name} returned None; did you forget to `return` the result?")
        try:
            if exercise.validate is not None:
                problem = exercise.validate(case, got)
            else:
                problem = compare_outputs(expected, got, rtol=exercise.rtol, atol=exercise.atol)
        except Exception as exc:  # an object that breaks conversion or comparison
            problem = (f"the result ({type(got).__name__}) could not be read as the expected "
                       f"output: {type(exc).__name__}: {exc}")
        if problem:
            runtime = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
            if runtime:
                problem += f" numpy warned: {runtime[0]}."
            return fail(case, problem, mistake=_match_mistake(exercise, case, got))

    kind = "hidden" if hidden else "public"
    return CheckReport(exercise.id, True, f"✓ {exercise.id}: all {n} {kind} cases passed.",
                       n, hidden, seed)


def check(exercise: Exercise | str, fn: Callable, *, hidden: bool = False,
          seed: int | None = None) -> None:
    """Check a student's function; print ✓ or raise :class:`CheckFailed` with feedback.

    Parameters
    ----------
    exercise : Exercise or str
        The exercise or its id, e.g. ``"mse_loss"``.
    fn : callable
        The student's function.
    hidden : bool
        Run the hidden cases (as the graded cell does) instead of the public ones.
    seed : int, optional
        Seed of the hidden cases; a failure message names it, to reproduce the failure.

    Raises
    ------
    CheckFailed
        With the failing case, its inputs, expected and returned values and, when the
        output matches one, the known mistake by name.

    Examples
    --------
    >>> from mlcourse_lib.exercises import check
    >>> check("mse_loss", lambda y_true, y_pred: float(((y_true - y_pred) ** 2).mean()))
    ✓ mse_loss: all 4 public cases passed.
    """
    report = run_check(exercise, fn, hidden=hidden, seed=seed)
    if not report.passed:
        raise CheckFailed(report.message)
    print(report.message)
