"""Find exercises: every module in :mod:`mlcourse_lib.exercises.catalog` that defines ``EXERCISES``.

A new chapter adds one catalog module; nothing here changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from .spec import Exercise

__all__ = ["all_exercises", "chapter_exercises", "chapter_of", "get_exercise"]


@lru_cache(maxsize=1)
def _catalog() -> dict[str, Exercise]:
    return {ex.id: ex for exercises in _chapters().values() for ex in exercises}


@lru_cache(maxsize=1)
def _chapters() -> dict[str, list[Exercise]]:
    """Chapter (``CHAPTER`` of the catalog module, else its name) -> its exercises."""
    from . import catalog

    chapters: dict[str, list[Exercise]] = {}
    found: dict[str, Exercise] = {}
    for info in sorted(pkgutil.iter_modules(catalog.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{catalog.__name__}.{info.name}")
        for exercise in getattr(module, "EXERCISES", ()):
            if not isinstance(exercise, Exercise):
                raise TypeError(f"{module.__name__}.EXERCISES holds a {type(exercise).__name__}, "
                                "expected Exercise")
            if exercise.id in found:
                raise ValueError(f"exercise id {exercise.id!r} is defined twice "
                                 f"(again in {module.__name__})")
            found[exercise.id] = exercise
            chapters.setdefault(getattr(module, "CHAPTER", info.name), []).append(exercise)
    return chapters


def chapter_of(exercise_id: str) -> str:
    """The chapter an exercise belongs to (``CHAPTER`` of its catalog module)."""
    for chapter, exercises in _chapters().items():
        if any(ex.id == exercise_id for ex in exercises):
            return chapter
    get_exercise(exercise_id)  # raises the KeyError that lists the known ids
    raise AssertionError("unreachable")


def chapter_exercises(chapter: str) -> list[Exercise]:
    """The exercises of a chapter, in catalog order; ``KeyError`` lists the chapters otherwise."""
    chapters = _chapters()
    if chapter not in chapters:
        raise KeyError(f"no chapter {chapter!r}; known chapters: {', '.join(sorted(chapters))}")
    return list(chapters[chapter])


def all_exercises() -> list[Exercise]:
    """Every exercise of the course, in catalog order."""
    return list(_catalog().values())


def get_exercise(exercise_id: str) -> Exercise:
    """The exercise with this id; ``KeyError`` lists the known ids otherwise.

    Examples
    --------
    >>> get_exercise("mse_loss").title
    'Mean squared error'
    """
    catalog = _catalog()
    if exercise_id not in catalog:
        raise KeyError(f"no exercise {exercise_id!r}; known exercises: {', '.join(sorted(catalog))}")
    return catalog[exercise_id]
