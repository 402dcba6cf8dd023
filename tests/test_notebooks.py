"""The notebooks: structure of the sources, and the student release as a student meets it.

The solution notebooks themselves are executed by nbval (``--nbval-lax`` over ``solutions/``).
"""

from __future__ import annotations

import json

import pytest
from nbclient import NotebookClient

from mlcourse_lib.exercises import all_exercises, chapter_exercises, get_exercise

from ._course import RELEASED, ROOT, SOLUTIONS, checked_ids, graded_ids, is_answer, is_graded, read

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
    assert answers == [ex.id for ex in chapter_exercises(path.parent.name)], \
        "the chapter's answer cells and its catalog module must list the same exercises, in order"
    for grade_id in answers:
        assert grade_id in EXERCISE_IDS, f"answer cell {grade_id!r} has no exercise spec"
        visible = [c for c in nb.cells if not is_graded(c) and grade_id in checked_ids(c)]
        graded = [c for c in nb.cells if is_graded(c) and grade_id in graded_ids(c)]
        assert visible, f"{grade_id}: no visible check cell"
        assert len(graded) == 1, f"{grade_id}: expected one graded cell"
        cell = graded[0]
        assert cell.metadata["nbgrader"]["grade_id"] == f"{grade_id}_hidden"
        assert cell.metadata["nbgrader"]["points"] == get_exercise(grade_id).points
        hidden = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
        assert f'assert_passes("{grade_id}", {grade_id}, hidden=True)' in hidden


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.parent.name)
def test_graded_cells_come_last_in_a_grading_section(path):
    """Run All reaches every explanatory cell before the first graded cell can stop it."""
    nb = read(path)
    first_graded = next(i for i, c in enumerate(nb.cells) if is_graded(c))
    heading = [c for c in nb.cells[:first_graded] if c.cell_type == "markdown"][-2:]
    assert any(c.source.startswith("## Grading") for c in heading), "no '## Grading' heading before the graded cells"
    after = nb.cells[first_graded:]
    assert all(is_graded(c) or c.cell_type == "markdown" for c in after), \
        "only graded cells (and text) may follow the first graded cell"
    assert not any("assert_passes" in c.source for c in nb.cells[:first_graded] if c.cell_type == "code")


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.parent.name)
def test_chapter_opens_with_learning_objectives(path):
    assert "learning objectives" in read(path).cells[0].source.lower()


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: p.parent.name)
def test_release_hides_solutions_and_hidden_tests(path):
    text = path.read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert "hidden=True" not in text
    assert "raise NotImplementedError()" in text


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: p.parent.name)
def test_run_all_on_the_untouched_release_runs_every_explanatory_cell(path):
    """As JupyterLab's Run All: cells run in order until the first error, which must be a graded cell."""
    from nbclient.exceptions import CellExecutionError

    nb = read(path)
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with pytest.raises(CellExecutionError):
        client.execute()
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    first_graded = next(i for i, c in code if is_graded(c))
    checks = 0
    for index, cell in code:
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if index < first_graded:
            assert cell.execution_count is not None, f"cell {index} never ran:\n{cell.source}"
            assert not errors, (f"cell {index} failed in the student release:\n{cell.source}\n"
                                f"{errors[0].ename}: {errors[0].evalue}" if errors else "")
            for ex_id in checked_ids(cell):
                checks += 1
                text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
                assert f"✗ {ex_id}" in text and "not implemented yet" in text, text
        elif index == first_graded:
            assert errors and errors[0].ename == "CheckFailed", "the first graded cell must fail"
            assert any("not implemented yet" in line for line in errors[0].traceback)
        else:
            assert cell.execution_count is None, "Run All stops at the first failing graded cell"
    assert checks >= 3


def test_nbgrader_validate_lists_every_unsolved_exercise():
    from nbgrader.apps import NbGraderAPI  # noqa: F401  (nbgrader's configuration machinery)
    from nbgrader.validator import Validator

    path = RELEASED[0]
    result = Validator().validate(str(path))
    failed = {cell["source"].split("assert_passes(")[1].split(",")[0].strip('"')
              for cell in result.get("failed", [])}
    answers = {c.metadata["nbgrader"]["grade_id"] for c in read(path).cells if is_answer(c)}
    assert failed == answers, result
