"""The words of a check: inputs of a case, the failure message, the known mistake it matches.

A known mistake is named only on evidence: the student's outputs equal the mistake's on
every case that was compared, no other known mistake fits as well, and at least one of
those outputs is finite and differs from the reference (or, for a mistake whose only
symptom is overflow, is NaN or infinite exactly where the mistake's is).
"""

from __future__ import annotations

import inspect
import sys
import textwrap
import traceback
import warnings
from typing import Any, Callable, Sequence

import numpy as np

from .compare import compare_outputs, short_repr
from .spec import Case, Exercise, Mistake

__all__ = ["call_shape", "describe_inputs", "name_mistake", "student_line", "wrap"]

MISSING = object()  # a case on which the student's function gave no output


def wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, width=96, initial_indent=indent, subsequent_indent=indent)


def describe_inputs(exercise: Exercise, case: Case) -> str:
    """``name=value`` for each argument of the case, short enough for one line."""
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


def call_shape(exercise: Exercise, case: Case) -> str:
    """How the exercise calls the function: ``train_test_indices(n_samples, test_fraction=..., rng=...)``."""
    names = list(inspect.signature(exercise.reference).parameters)
    positional = [names[i] if i < len(names) else f"arg{i}" for i in range(len(case.args))]
    keywords = [f"{k}=..." for k in case.kwargs]
    return f"{exercise.id}({', '.join(positional + keywords)})"


def student_line(exc: BaseException) -> str:
    """`` (line N: `code`)`` for the last traceback line in the student's own code, if any."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames
           if "site-packages" not in f.filename and "mlcourse_lib" not in f.filename
           and not f.filename.startswith(sys.prefix)]
    if not own:
        return ""
    f = own[-1]
    return f" (line {f.lineno}: `{(f.line or '').strip()}`)"


def _all_finite(value) -> bool:
    """True when every number in ``value`` (nested tuples, lists, dicts) is finite."""
    if isinstance(value, dict):
        return all(_all_finite(v) for v in value.values())
    if isinstance(value, (tuple, list)):
        return all(_all_finite(v) for v in value)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return True
    return bool(np.all(np.isfinite(arr)))


def _same(a, b, exercise: Exercise) -> bool:
    """Outputs equal within the exercise's tolerances (NaN equals NaN, inf equals inf)."""
    try:
        return compare_outputs(a, b, rtol=exercise.rtol, atol=exercise.atol) is None
    except Exception:  # a student's output may defy comparison
        return False


def _quietly(fn: Callable, case: Case, call: Callable[[Callable, Case], Any]):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                return call(fn, case)
    except Exception:
        return MISSING


def name_mistake(exercise: Exercise, cases: Sequence[Case], student_outputs: Sequence[Any],
                 failed: Sequence[bool], call: Callable[[Callable, Case], Any]) -> Mistake | None:
    """The one known mistake that explains the student's outputs, or None.

    Parameters
    ----------
    cases, student_outputs, failed
        The cases compared, the student's output on each (``MISSING`` when there is none)
        and whether each failed the check.
    call : callable ``(fn, case) -> output``
        Runs a function on a case (arguments copied).
    """
    compared = [i for i, out in enumerate(student_outputs) if out is not MISSING]
    fits = []
    for mistake in exercise.mistakes:
        outputs = {i: _quietly(mistake.fn, cases[i], call) for i in compared}
        if any(outputs[i] is MISSING or not _same(outputs[i], student_outputs[i], exercise)
               for i in compared):
            continue
        if mistake.non_finite:
            evidence = any(failed[i] and not _all_finite(student_outputs[i]) for i in compared)
            # overflow only: everywhere the output is finite, it must be right
            evidence = evidence and all(
                not failed[i] or not _all_finite(student_outputs[i]) for i in compared)
        else:
            evidence = any(failed[i] and _all_finite(student_outputs[i]) for i in compared)
        if evidence:
            fits.append(mistake)
    return fits[0] if len(fits) == 1 else None
