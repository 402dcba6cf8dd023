"""Seeds of the hidden cases: the same notebook always gets the same cases, hence the same grade.

The seed is derived from the course, the student and the exercise, so regrading a class
reproduces every score, two students see different random cases, and a student who is
shown the seed in the feedback can rerun exactly the failing cases.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["COURSE_ENV", "STUDENT_ENV", "grading_student", "hidden_seed"]

COURSE_ENV = "MLCOURSE_COURSE_ID"
STUDENT_ENV = "MLCOURSE_STUDENT"
DEFAULT_COURSE = "mlcourse"


def grading_student(cwd: Path | str | None = None) -> str:
    """Who is being graded: ``$MLCOURSE_STUDENT``, else the ``<student>`` of nbgrader's folder.

    nbgrader runs a submission from ``submitted/<student>/<assignment>/`` or
    ``autograded/<student>/<assignment>/``; outside grading the answer is ``"local"``.

    Examples
    --------
    >>> grading_student("/course/autograded/ada/02_losses")
    'ada'
    >>> grading_student("/home/ada/work/02_losses")
    'local'
    """
    student = os.environ.get(STUDENT_ENV)
    if student:
        return student
    parts = Path(cwd if cwd is not None else os.getcwd()).parts
    if len(parts) >= 3 and parts[-3] in ("autograded", "submitted"):
        return parts[-2]
    return "local"


def hidden_seed(exercise_id: str, student: str | None = None, course: str | None = None) -> int:
    """The seed of ``exercise_id``'s hidden cases for ``student`` in ``course``.

    ``seed = int(sha256("course/student/exercise")[:4]) mod 2³¹``; the student defaults to
    :func:`grading_student`, the course to ``$MLCOURSE_COURSE_ID`` or ``"mlcourse"``.

    Examples
    --------
    >>> hidden_seed("mse_loss", "ada") == hidden_seed("mse_loss", "ada")
    True
    >>> hidden_seed("mse_loss", "ada") != hidden_seed("mse_loss", "bob")
    True
    """
    student = student if student is not None else grading_student()
    course = course or os.environ.get(COURSE_ENV) or DEFAULT_COURSE
    digest = hashlib.sha256(f"{course}/{student}/{exercise_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF
