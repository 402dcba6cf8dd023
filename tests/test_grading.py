"""Autograding with nbgrader, end to end, on a throw-away course root.

Per assignment, four submissions: the instructor's solution (full marks), the untouched
release (zero), the solution with one exercise replaced by a known mistake (loses exactly
that exercise's points) and a file that is not a notebook (reported, and the others are
still graded).
"""

from __future__ import annotations

import csv
import shutil

import nbformat
import pytest

from mlcourse_lib.course import assignments, grade

from ._course import ROOT, is_answer, is_graded, read


@pytest.fixture(scope="module")
def course_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(ROOT / "solutions", root / "solutions")
    return root


def _with_mistake(nb):
    """The solution notebook with its first exercise answered by that exercise's first known mistake."""
    answer = next(c for c in nb.cells if is_answer(c))
    ex_id = answer.metadata["nbgrader"]["grade_id"]
    answer.source = (
        f"def {ex_id}(*args, **kwargs):\n"
        "    from mlcourse_lib.exercises import get_exercise\n"
        f"    return get_exercise({ex_id!r}).mistakes[0].fn(*args, **kwargs)"
    )
    graded = next(c for c in nb.cells if is_graded(c) and c.metadata["nbgrader"]["grade_id"] == f"{ex_id}_hidden")
    return nb, graded.metadata["nbgrader"]["points"]


@pytest.mark.parametrize("assignment", assignments(ROOT))
def test_autograde_scores_solution_release_mistake_and_broken(course_root, assignment):
    submitted = course_root / "submitted"
    for source in sorted((ROOT / "solutions" / assignment).glob("*.ipynb")):
        name = source.name
        for student in ("perfect", "untouched", "one_mistake", "broken"):
            (submitted / student / assignment).mkdir(parents=True, exist_ok=True)
        shutil.copy(source, submitted / "perfect" / assignment / name)
        shutil.copy(ROOT / "course" / assignment / name, submitted / "untouched" / assignment / name)
        nb, lost = _with_mistake(read(source))
        nbformat.write(nb, submitted / "one_mistake" / assignment / name)
        (submitted / "broken" / assignment / name).write_text("{ this is not a notebook")

    csv_path = course_root / f"{assignment}.csv"
    results = {r.student: r for r in grade(course_root, assignment, csv_path=csv_path, progress=False,
                                           jobs=2)}

    assert set(results) == {"perfect", "untouched", "one_mistake", "broken"}
    perfect = results["perfect"]
    assert not perfect.error and perfect.max_score >= 3
    assert perfect.score == perfect.max_score
    assert results["untouched"].score == 0 and not results["untouched"].error
    assert results["one_mistake"].score == perfect.max_score - lost
    assert results["broken"].error, "a broken submission must be reported"

    feedback = course_root / "feedback" / "perfect" / assignment
    assert list(feedback.glob("*.html")), "feedback HTML was not generated"
    with open(csv_path) as fh:
        rows = {row["student_id"]: row for row in csv.DictReader(fh)}
    assert float(rows["perfect"]["score"]) == perfect.max_score
    assert float(rows["untouched"]["score"]) == 0

    # The feedback names each hidden check's seed, derived from the student and the exercise.
    from mlcourse_lib.exercises import hidden_seed

    html = next(feedback.glob("*.html")).read_text()
    answer_ids = [c.metadata["nbgrader"]["grade_id"] for c in read(next((ROOT / "solutions" / assignment)
                                                                        .glob("*.ipynb"))).cells if is_answer(c)]
    for ex_id in answer_ids:
        assert f"seed {hidden_seed(ex_id, 'perfect')}" in html, ex_id

    # Regrading the same submissions gives the same scores (checked on one chapter, to save time).
    if assignment == assignments(ROOT)[0]:
        again = {r.student: r.score for r in grade(course_root, assignment, students=["perfect", "one_mistake"],
                                                   feedback=False, progress=False, jobs=2)}
        assert again == {"perfect": perfect.score, "one_mistake": results["one_mistake"].score}


def test_hostile_submissions_are_contained_and_the_rest_still_graded(tmp_path):
    """An endless loop is cut off by the cell timeout, a huge allocation by the memory cap;
    each loses only the exercise it broke."""
    assignment = "02_losses_and_gradients"
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    with open(tmp_path / "nbgrader_config.py", "a") as fh:
        fh.write("\nc.Execute.timeout = 10\n")  # generous for the honest cells of a loaded machine
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    source = next((ROOT / "solutions" / assignment).glob("*.ipynb"))
    attacks = {
        "endless": "while True:\n    pass\n",
        "hog": "import numpy as np\nhog = np.empty(400_000_000)  # 3.2 GB\n",
    }
    for student, prefix in attacks.items():
        nb = read(source)
        answer = next(c for c in nb.cells if is_answer(c))
        answer.source = prefix + answer.source
        first_points = next(c for c in nb.cells if is_graded(c)).metadata["nbgrader"]["points"]
        folder = tmp_path / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / source.name)

    results = {r.student: r for r in grade(tmp_path, assignment, feedback=False, progress=False,
                                           memory_mb=2048)}

    for student in attacks:
        r = results[student]
        assert not r.error, r.error
        assert r.score == r.max_score - first_points, (student, r.score, r.max_score)
    graded = read(tmp_path / "autograded" / "hog" / assignment / source.name)
    answer = next(c for c in graded.cells if is_answer(c))
    assert [o.ename for o in answer.outputs if o.output_type == "error"] == ["MemoryError"]
