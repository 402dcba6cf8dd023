"""Exercise specs and the checker that notebooks and the grader share.

>>> from mlcourse_lib.exercises import check
>>> check("mse_loss", my_mse_loss)                 # doctest: +SKIP
✓ mse_loss: all 4 public cases passed.

Each exercise is one :class:`Exercise` in a module of :mod:`mlcourse_lib.exercises.catalog`:
its reference function, seeded case generators (public and hidden), its known mistakes
and different-but-correct alternatives. Expected values are computed at check time.
"""

from .checker import CheckFailed, CheckReport, check, run_check
from .compare import compare_outputs
from .registry import all_exercises, get_exercise
from .spec import Case, Exercise, Mistake

__all__ = [
    "Case", "CheckFailed", "CheckReport", "Exercise", "Mistake",
    "all_exercises", "check", "compare_outputs", "get_exercise", "run_check",
]
