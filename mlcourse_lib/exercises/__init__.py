"""Exercise specs and the checker that notebooks and the grader share.

>>> from mlcourse_lib.exercises import check, hint
>>> check("mse_loss", my_mse_loss)                 # doctest: +SKIP
✓ mse_loss: all 5 public cases passed.

Each exercise is one :class:`Exercise` in a module of :mod:`mlcourse_lib.exercises.catalog`:
its reference function, seeded case generators (public, and hidden: fixed hard cases plus
random ones), its known mistakes, different-but-correct alternatives and progressive hints.
Expected values are computed at check time.
"""

from .checker import CheckFailed, CheckReport, assert_passes, check, run_check
from .compare import compare_outputs
from .registry import all_exercises, chapter_exercises, chapter_of, get_exercise
from .seeds import hidden_seed
from .session import hint, progress
from .spec import Case, Exercise, Mistake

__all__ = [
    "Case", "CheckFailed", "CheckReport", "Exercise", "Mistake", "all_exercises",
    "assert_passes", "chapter_exercises", "chapter_of", "check", "compare_outputs",
    "get_exercise", "hidden_seed", "hint", "progress", "run_check",
]
