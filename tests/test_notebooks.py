"""The notebooks: structure of the sources, and the student release as a student meets it.

The solution notebooks themselves are executed by nbval (``--nbval-lax`` over ``solutions/``).
"""

from __future__ import annotations

import json

import pytest
from nbclient import NotebookClient

from mlcourse_lib.exercises import all_exercises

from ._course import RELEASED, ROOT, SOLUTIONS, checked_ids, is_answer, is_graded, read

EXERCISE_IDS = {ex.id for ex in all_exercises()}


def test_there_are_three_chapters_released():
    assert len(SOLUTIONS) >= 3
    assert [p.relative_to(ROOT / "solutions") for p in SOLUTIONS] == \
           [p.relative_to(ROOT / "course") for p in RELEASED]


@pytest.mark.parametrize("path", SOLUTIONS + RELEASED, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebooks_are_stored_without_outputs(path):
    raw = json.loads(path.read_text())
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.parent.name)
def test_each_exercise_has_answer_visible_check_and_hidden_check(path):
    nb = read(path)
    answers = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if is_answer(c)]
    assert len(answers) >= 3, "a chapter has at least three exercises"
    for grade_id in answers:
        assert grade_id in EXERCISE_IDS, f"answer cell {grade_id!r} has no exercise spec"
        visible = [c for c in nb.cells if not is_graded(c) and grade_id in checked_ids(c)]
        graded = [c for c in nb.cells if is_graded(c) and grade_id in checked_ids(c)]
        assert visible, f"{grade_id}: no visible check cell"
        assert len(graded) == 1, f"{grade_id}: expected one graded cell"
        cell = graded[0]
        assert cell.metadata["nbgrader"]["grade_id"] == f"{grade_id}_hidden"
        assert cell.metadata["nbgrader"]["points"] > 0
        assert "### BEGIN HIDDEN TESTS" in cell.source and "hidden=True" in cell.source


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: p.parent.name)
def test_release_hides_solutions_and_hidden_tests(path):
    text = path.read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert "hidden=True" not in text
    assert "raise NotImplementedError()" in text


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: p.parent.name)
def test_student_release_runs_up_to_its_exercises_and_fails_exactly_there(path):
    nb = read(path)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    exercise_cells = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if checked_ids(cell):
            exercise_cells += 1
            assert errors, f"cell {index} checks an unwritten function but did not fail"
            assert errors[0].ename == "CheckFailed"
            assert any("not implemented yet" in line for line in errors[0].traceback), errors[0].traceback
        else:
            assert not errors, (f"cell {index} failed in the student release:\n{cell.source}\n"
                                f"{errors[0].ename}: {errors[0].evalue}" if errors else "")
    assert exercise_cells >= 6
