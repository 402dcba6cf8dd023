"""`mlcourse doctor`: one line per problem of a notebook, nothing for a sound one."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from mlcourse_lib.cli import main
from mlcourse_lib.instructor.doctor import checksum, diagnose

from ._course import ROOT

ASSIGNMENT = "02_losses_and_gradients"
NOTEBOOK = "losses_and_gradients.ipynb"
RELEASE = f"course/{ASSIGNMENT}/{NOTEBOOK}"
RESTORE = f"from a fresh copy of the released notebook ({RELEASE})"
CLEAR = "clear outputs before handing in (Edit > Clear Outputs of All Cells), then save"
ANSWERS = ["mse_loss", "mse_gradient", "numerical_gradient", "binary_cross_entropy_with_logits",
           "softmax_cross_entropy"]


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A course root with the solution and the release of one assignment (the release as generated)."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", root)
    for folder in ("solutions", "course"):
        shutil.copytree(ROOT / folder / ASSIGNMENT, root / folder / ASSIGNMENT)
    (root / "work" / ASSIGNMENT).mkdir(parents=True)
    return root


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def released(course: Path) -> dict:
    return load(course / RELEASE)


def answered(course: Path) -> dict:
    """The release with every answer cell filled in from the solution: a finished student notebook."""
    nb = released(course)
    solution = load(course / "solutions" / ASSIGNMENT / NOTEBOOK)
    answers = {c["metadata"]["nbgrader"]["grade_id"]: c["source"] for c in solution["cells"]
               if c["metadata"].get("nbgrader", {}).get("solution")}
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            cell["source"] = answers[meta["grade_id"]]
    return nb


def number(nb: dict, grade_id: str) -> int:
    """The cell number (from 1) of the cell with this grade id."""
    return next(i for i, c in enumerate(nb["cells"], start=1)
                if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def code_cell(source: str, outputs=None) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": f"c{abs(hash(source)) % 10**8}",
            "metadata": {}, "outputs": outputs or [], "source": source}


def write(course: Path, name: str, nb: dict | str, folder: str = f"work/{ASSIGNMENT}") -> Path:
    path = course / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nb if isinstance(nb, str) else json.dumps(nb, indent=1))
    return path


def problems(path: Path, course: Path) -> list[str]:
    """The problem lines of one notebook, without the path prefix (checked here once)."""
    lines = diagnose(path, root=course)
    assert all(line.startswith(f"{path}: ") for line in lines), lines
    return [line.removeprefix(f"{path}: ") for line in lines]


def not_answered(nb: dict, ids=ANSWERS) -> list[str]:
    return [f"cell {number(nb, i)} ({i}) is not answered yet (it still raises NotImplementedError): "
            "write your answer in place of `# YOUR CODE HERE` and the raise" for i in ids]


# ---------------------------------------------------------------- sound notebooks

def test_solution_and_finished_notebook_have_no_problem(course):
    assert problems(course / "solutions" / ASSIGNMENT / NOTEBOOK, course) == []
    assert problems(write(course, "finished.ipynb", answered(course)), course) == []


def test_untouched_release_is_only_not_answered_yet(course):
    nb = released(course)
    assert problems(course / RELEASE, course) == not_answered(nb)
    # a student's copy, under the released name, in a submission folder
    path = write(course, NOTEBOOK, nb, folder=f"submitted/alice/{ASSIGNMENT}")
    assert problems(path, course) == not_answered(nb)


def test_checksum_is_nbgraders():
    import nbformat
    from nbgrader.utils import compute_checksum

    nb = nbformat.read(ROOT / RELEASE, as_version=4)
    cells = [c for c in nb.cells if "nbgrader" in c.metadata]
    assert len(cells) == 10
    for cell in cells:
        assert checksum(json.loads(json.dumps(cell))) == compute_checksum(cell) == cell.metadata.nbgrader.checksum


# ---------------------------------------------------------------- each problem

@pytest.mark.parametrize("text, reason", [
    ("", "x.ipynb is empty"),
    ("   \n", "x.ipynb is empty"),
    ('{"cells": [', "x.ipynb is not a notebook (invalid JSON: "),
    ('{"metadata": {}}', "x.ipynb is not a notebook (no list of cells)"),
])
def test_unreadable_file_is_one_line(course, text, reason):
    lines = problems(write(course, "x.ipynb", text), course)
    assert len(lines) == 1
    assert lines[0].startswith(reason)
    assert lines[0].endswith("; restore a copy that opens in Jupyter (e.g. from .ipynb_checkpoints/) "
                             "before handing it in")


def test_duplicate_grade_id(course):
    nb = answered(course)
    at = number(nb, "mse_loss")
    nb["cells"].insert(at, copy.deepcopy(nb["cells"][at - 1]))
    assert problems(write(course, "duplicate.ipynb", nb), course) == [
        f"cell {at + 1} duplicates grade id mse_loss (from a copied cell): "
        "delete the copy or clear its nbgrader metadata"]


def test_missing_answer_cell_and_graded_cell(course):
    nb = answered(course)
    del nb["cells"][number(nb, "mse_gradient") - 1]
    del nb["cells"][number(nb, "softmax_cross_entropy_hidden") - 1]
    assert problems(write(course, "missing.ipynb", nb), course) == [
        "the answer cell mse_gradient of the assignment is missing (deleted, or its nbgrader metadata "
        f"cleared): copy it back {RESTORE} and write your answer in it again",
        "the graded cell softmax_cross_entropy_hidden of the assignment is missing (deleted, or its "
        f"nbgrader metadata cleared): copy it back {RESTORE}",
    ]


def test_answer_in_a_cell_of_ones_own_is_not_missing(course):
    """An answer cell whose metadata was cleared still defines its function: only the grade id is missing."""
    nb = answered(course)
    at = number(nb, "mse_loss")
    nb["cells"][at - 1]["metadata"] = {}
    assert problems(write(course, "cleared.ipynb", nb), course) == [
        "the answer cell mse_loss of the assignment is missing (deleted, or its nbgrader metadata "
        f"cleared): copy it back {RESTORE} and write your answer in it again"]


def test_locked_cell_changed(course):
    nb = answered(course)
    at = number(nb, "mse_gradient_hidden")
    nb["cells"][at - 1]["source"] = "".join(nb["cells"][at - 1]["source"]) + "\nprint('done')"
    expected = [f"cell {at} (grade id mse_gradient_hidden) is locked but was changed: undo the change "
                f"(copy the cell back {RESTORE}); put code of your own in a new cell"]
    assert problems(write(course, "locked.ipynb", nb), course) == expected
    # without nbgrader's checksum, the source's text decides
    del nb["cells"][at - 1]["metadata"]["nbgrader"]["checksum"]
    assert problems(write(course, "locked_no_checksum.ipynb", nb), course) == expected
    nb["cells"][at - 1]["source"] = "".join(released(course)["cells"][at - 1]["source"]) + "\n"
    assert problems(write(course, "locked_whitespace.ipynb", nb), course) == []


def test_locked_cell_of_the_solution_compares_with_the_source(course):
    nb = load(course / "solutions" / ASSIGNMENT / NOTEBOOK)
    at = number(nb, "mse_loss_hidden")
    nb["cells"][at - 1]["source"] = "assert True"
    assert problems(write(course, "solution_edited.ipynb", nb), course) == [
        f"cell {at} (grade id mse_loss_hidden) is locked but was changed: undo the change "
        f"(copy the cell back {RESTORE}); put code of your own in a new cell"]


def test_input_call(course):
    nb = answered(course)
    nb["cells"].append(code_cell("%matplotlib inline\nname = input('your name? ')\nprint(name)"))
    at = len(nb["cells"])
    assert problems(write(course, "input.ipynb", nb), course) == [
        f"cell {at} calls input() on its line 2: nobody can type an answer when it is graded, so it would "
        "wait forever: remove the call and set the value in the code"]
    nb["cells"][-1] = code_cell("def input_size(x):\n    return x.input(3)")   # not a call of input()
    assert problems(write(course, "input_method.ipynb", nb), course) == []


def test_huge_output_and_huge_file(course):
    nb = answered(course)
    stream = {"output_type": "stream", "name": "stdout", "text": "x" * 1_200_000}
    nb["cells"].append(code_cell("print('x' * 1_200_000)", [stream]))
    at = len(nb["cells"])
    assert problems(write(course, "output.ipynb", nb), course) == [
        f"cell {at} has an output of 1.2 MB (more than 1 MB): {CLEAR}"]
    small = {"output_type": "stream", "name": "stdout", "text": "y" * 950_000}
    nb["cells"][-1] = code_cell("print('y' * 950_000)", [small] * 11)
    path = write(course, "big.ipynb", nb)
    assert path.stat().st_size > 10_000_000
    assert problems(path, course) == [
        f"the file is {path.stat().st_size / 1e6:.1f} MB (more than 10 MB): {CLEAR}"]


def test_missing_exercise(course):
    nb = answered(course)
    at = number(nb, "numerical_gradient")
    nb["cells"][at - 1]["source"] = "".join(nb["cells"][at - 1]["source"]).replace(
        "def numerical_gradient(", "def numeric_gradient(")
    assert problems(write(course, "renamed.ipynb", nb), course) == [
        "exercise numerical_gradient is missing: no cell defines numerical_gradient(): copy its answer "
        f"cell back {RESTORE} and write your answer in it"]
    # defined at the top level of a cell of one's own, by assignment or import: grading finds it
    for definition in ("numerical_gradient = numeric_gradient",
                       "from numpy import gradient as numerical_gradient"):
        nb["cells"].append(code_cell(definition))
        assert problems(write(course, "assigned.ipynb", nb), course) == []
        nb["cells"].pop()
    # defined only inside a function or under an if: not at the top level
    nb["cells"].append(code_cell("if True:\n    numerical_gradient = numeric_gradient"))
    assert len(problems(write(course, "nested.ipynb", nb), course)) == 1


def test_not_answered_yet(course):
    nb = answered(course)
    at = number(nb, "mse_gradient")
    nb["cells"][at - 1]["source"] = released(course)["cells"][at - 1]["source"]
    assert problems(write(course, "one_left.ipynb", nb), course) == not_answered(nb, ["mse_gradient"])


def test_syntax_error_is_reported_once(course):
    nb = answered(course)
    at = number(nb, "mse_loss")
    nb["cells"][at - 1]["source"] = "def mse_loss(y_true, y_pred):\n    return (y_true - y_pred ** 2\n"
    lines = problems(write(course, "syntax.ipynb", nb), course)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"cell {at} has a syntax error on its line 2: ")
    assert lines[0].endswith("fix it (a cell that does not parse cannot run when graded)")


def test_kernel_not_python(course):
    nb = answered(course)
    nb["metadata"]["kernelspec"] = {"display_name": "R", "language": "R", "name": "ir"}
    assert problems(write(course, "kernel.ipynb", nb), course) == [
        "its kernel is R (r), not Python: choose a Python 3 kernel (Kernel > Change Kernel), "
        "run the notebook again and save"]


# ---------------------------------------------------------------- where the source is

def test_without_a_course_root_the_other_checks_still_run(course, tmp_path):
    path = tmp_path / ASSIGNMENT / NOTEBOOK
    path.parent.mkdir()
    shutil.copy(course / RELEASE, path)
    lines = problems(path, tmp_path)
    assert lines[0] == (f"no course root (no nbgrader_config.py in {tmp_path.resolve()} or above it), so it was "
                        "not compared with its source notebook: run mlcourse doctor from the course folder or "
                        "pass --root COURSE")
    assert lines[1:] == not_answered(released(course))
    # the notebook's own folders are searched too
    assert problems(course / RELEASE, tmp_path) == not_answered(released(course))


def test_notebook_outside_an_assignment_folder(course):
    nb = answered(course)
    at = number(nb, "mse_loss_hidden")
    del nb["cells"][at - 1]     # missing grade ids need the source: not reported here
    path = write(course, "mine.ipynb", nb, folder="elsewhere")
    assert problems(path, course) == [
        f"its folder 'elsewhere' is not an assignment of the course at {course.resolve()} ({ASSIGNMENT}), "
        "so it was not compared with its source notebook: keep it in the folder named after its "
        "assignment (e.g. work/<assignment>/)"]


# ---------------------------------------------------------------- folders and the command

def test_folder_checks_every_notebook_but_checkpoints(course, tmp_path):
    folder = tmp_path / "work" / ASSIGNMENT
    (folder / ".ipynb_checkpoints").mkdir(parents=True)
    (folder / ".ipynb_checkpoints" / "broken-checkpoint.ipynb").write_text("")
    nb = answered(course)
    nb["cells"].append(code_cell("x = input()"))
    (folder / "a.ipynb").write_text(json.dumps(nb))
    (folder / "b.ipynb").write_text(json.dumps(answered(course)))
    (folder / "c.ipynb").write_text("")
    assert diagnose(tmp_path / "work", root=course) == [
        f"{folder / 'a.ipynb'}: cell {len(nb['cells'])} calls input() on its line 1: nobody can type an answer "
        "when it is graded, so it would wait forever: remove the call and set the value in the code",
        f"{folder / 'c.ipynb'}: c.ipynb is empty; restore a copy that opens in Jupyter "
        "(e.g. from .ipynb_checkpoints/) before handing it in",
    ]
    (tmp_path / "empty").mkdir()
    assert diagnose(tmp_path / "empty", root=course) == [
        f"{tmp_path / 'empty'}: no notebook (*.ipynb) in this folder or below it: check the path"]
    with pytest.raises(FileNotFoundError, match="no notebook or folder at"):
        diagnose(tmp_path / "nowhere.ipynb", root=course)


def test_command_exit_status_and_lines(course, capsys):
    finished = write(course, "finished.ipynb", answered(course))
    assert main(["--root", str(course), "doctor", str(finished)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{finished}: no problems found"]

    assert main(["--root", str(course), "doctor", str(course / RELEASE)]) == 1
    assert capsys.readouterr().out.splitlines() == [f"{course / RELEASE}: {line}"
                                                    for line in not_answered(released(course))]

    assert main(["--root", str(course), "doctor", str(course / "course")]) == 1
    assert len(capsys.readouterr().out.splitlines()) == len(ANSWERS)

    assert main(["--root", str(course), "doctor", str(course / "nowhere.ipynb")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == f"mlcourse: error: no notebook or folder at {course / 'nowhere.ipynb'}"
