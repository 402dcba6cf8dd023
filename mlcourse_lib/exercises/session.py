"""What a student's kernel remembers between checks: hints shown, latest results.

Used for :func:`hint` (progressive hints, one more per call) and :func:`progress` (one
line per chapter: exercises passed and points). Nothing is written to disk.
"""

from __future__ import annotations

import textwrap

from .registry import chapter_exercises, chapter_of, get_exercise

__all__ = ["hint", "progress", "progress_line", "record"]

_hints_shown: dict[str, int] = {}
_passed: dict[str, bool] = {}


def record(exercise_id: str, passed: bool) -> None:
    """Remember the latest result of an exercise's check."""
    _passed[exercise_id] = passed


def hint(exercise_id: str) -> None:
    """Print the next hint of an exercise: first a nudge, then the idea, then the formula.

    Examples
    --------
    >>> hint("mse_loss")  # doctest: +ELLIPSIS
    Hint 1 of ... for mse_loss: ...
    """
    exercise = get_exercise(exercise_id)
    hints = exercise.hints
    if not hints:
        print(f"No hints for {exercise_id}; read the exercise's text and the check's message again.")
        return
    k = min(_hints_shown.get(exercise_id, 0), len(hints) - 1)
    _hints_shown[exercise_id] = k + 1
    more = "" if k + 1 < len(hints) else " (that was the last one)"
    text = f"Hint {k + 1} of {len(hints)} for {exercise_id}{more}: {hints[k]}"
    print(textwrap.fill(text, width=100, subsequent_indent="  "))


def progress_line(chapter: str) -> str:
    """One line: how many of the chapter's exercises passed their latest check, and points."""
    exercises = chapter_exercises(chapter)
    done = [ex for ex in exercises if _passed.get(ex.id)]
    points = sum(ex.points for ex in done)
    total = sum(ex.points for ex in exercises)
    line = (f"{chapter}: {len(done)} of {len(exercises)} exercises pass "
            f"({points} of {total} points)")
    todo = [ex.id for ex in exercises if not _passed.get(ex.id)]
    return line + (f"; still to do: {', '.join(todo)}." if todo else "; all done.")


def progress(chapter: str | None = None) -> None:
    """Print the progress line of ``chapter`` (by default, that of the latest checked exercise).

    Only checks run in this kernel session count; after a restart, run the check cells again.
    """
    if chapter is None:
        if not _passed:
            print("No exercise checked yet in this session.")
            return
        chapter = chapter_of(next(reversed(_passed)))
    print(progress_line(chapter))
