"""Class grading end to end, on throw-away course roots.

Every chapter: a class of four (the solution, the untouched release, one known mistake, a file
that is not a notebook) gets the scores its answers deserve, in one parallel run.

Chapter 02, in depth: one class run over every known mistake of the chapter, ordinary
accidents (duplicated, deleted and relabelled cells, another kernel, trailing garbage, an
empty file, no notebook, ``input()``, ``sys.exit``, ``os._exit``, an endless loop, a memory
bomb, huge outputs) and cheats (calling the reference, patching numpy's comparisons or the
checker, switching off the profiler, threads and copied code objects, reading ``solutions/``,
overwriting or updating the gradebook). Each submission gets its expected score and reason;
nothing outside the submissions changes; regrading, a sequential run and a resumed run give
the same gradebook.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from mlcourse_lib.exercises import get_exercise, hidden_seed
from mlcourse_lib.instructor.course import assignments
from mlcourse_lib.instructor.grading import grade
from mlcourse_lib.instructor.sandbox import Limits, bubblewrap

from ._class import Student, answer_cell, answer_cells, from_solution, load, mistake_sources, raw, save, set_source
from ._course import ROOT

FAST = Limits(call_seconds=2.0, cell_seconds=3.0, memory_mb=1024)
CH02 = "02_losses_and_gradients"


def _course(tmp_path: Path, names) -> Path:
    root = tmp_path / "course-root"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root)
    for name in names:
        shutil.copytree(ROOT / "solutions" / name, root / "solutions" / name)
    return root


def _notebook(assignment: str) -> str:
    return next((ROOT / "solutions" / assignment).glob("*.ipynb")).name


def _submit(root: Path, assignment: str, students: list[Student]) -> None:
    name = _notebook(assignment)
    for student in students:
        folder = root / "submitted" / student.name / assignment
        folder.mkdir(parents=True, exist_ok=True)
        student.write(folder, name)


def _snapshot(root: Path) -> dict[str, str]:
    """Hash of every file the grading run must leave alone."""
    ignored = {"autograded", "feedback", "grades", "reports", "gradebook.db", "downloaded"}
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.relative_to(root).parts[0] not in ignored}


def _check(result, students: list[Student]) -> None:
    by_name = {v.student: v for v in result.verdicts}
    assert set(by_name) == {s.name for s in students}
    for s in students:
        v = by_name[s.name]
        if s.score is None:
            assert v.error and s.reason in v.error, (s.name, v.error)
            continue
        assert not v.error, (s.name, v.error)
        assert v.score == pytest.approx(s.score), (s.name, v.score, [(c.exercise, c.score, c.reason) for c in v.cells])
        if s.reason:
            cells = [c for c in v.cells if s.exercise in (None, c.exercise)]
            text = " ".join(f"{c.message} {c.mistake or ''}" for c in cells) + " " + " ".join(v.notes)
            assert s.reason in text, (s.name, s.reason, text[:2000])


# ---------------------------------------------------------------- every chapter

def _first_mistake(assignment: str):
    nb = load(ROOT / "solutions" / assignment / _notebook(assignment))
    exercise = answer_cells(nb)[0]["metadata"]["nbgrader"]["grade_id"]
    name, source = mistake_sources(exercise, exercise)[0]
    return exercise, name, source


@pytest.mark.parametrize("assignment", assignments(ROOT))
def test_each_chapter_grades_solution_release_mistake_and_broken(tmp_path, assignment):
    root = _course(tmp_path, [assignment])
    exercise, mistake, source = _first_mistake(assignment)
    full = sum(get_exercise(c["metadata"]["nbgrader"]["grade_id"]).points
               for c in answer_cells(load(ROOT / "solutions" / assignment / _notebook(assignment))))
    students = [
        Student("perfect", from_solution(assignment), full),
        Student("untouched", lambda folder, name: (folder.mkdir(parents=True, exist_ok=True),
                                                   shutil.copy(ROOT / "course" / assignment / name, folder)),
                0, "not implemented yet"),
        Student("one_mistake", from_solution(assignment, lambda nb: set_source(answer_cell(nb, exercise), source)),
                full - get_exercise(exercise).points, mistake, exercise),
        Student("broken", raw("{ this is not a notebook"), None, "not a notebook"),
    ]
    _submit(root, assignment, students)
    result = grade(root, assignment, jobs=2, progress=False, limits=FAST)
    _check(result, students)

    rows = {r["student_id"]: r for r in csv.DictReader(open(root / "grades" / f"{assignment}.csv"))}
    assert rows["perfect"]["score"] == f"{full:g}" and rows["broken"]["status"] == "NOT GRADED"
    page = next((root / "feedback" / "perfect" / assignment).glob("*.html")).read_text()
    for cell in answer_cells(load(ROOT / "solutions" / assignment / _notebook(assignment))):
        ex = cell["metadata"]["nbgrader"]["grade_id"]
        assert f"seed {hidden_seed(ex, 'perfect')}" in page
    assert "BEGIN HIDDEN TESTS" not in page and "hidden=True)" not in page.replace("hidden=True, seed", "")
    assert (root / "reports" / f"{assignment}.html").is_file()


# ---------------------------------------------------------------- chapter 02 in depth

def _replace(exercise: str, source: str):
    return lambda nb: set_source(answer_cell(nb, exercise), source)


def _prepend(exercise: str, code: str):
    def change(nb):
        cell = answer_cell(nb, exercise)
        cell["source"] = code + "\n" + "".join(cell["source"])
    return change


def _append(exercise: str, code: str):
    def change(nb):
        cell = answer_cell(nb, exercise)
        cell["source"] = "".join(cell["source"]) + "\n" + code
    return change


def _body(exercise: str, body: str) -> str:
    """An answer for ``exercise`` (its own signature) whose body is ``body``."""
    signature = {"mse_loss": "y_true, y_pred", "mse_gradient": "X, y, theta",
                 "numerical_gradient": "f, x, eps=1e-6", "binary_cross_entropy_with_logits": "y_true, logits",
                 "softmax_cross_entropy": "y_true, logits"}[exercise]
    lines = "\n".join("    " + line for line in body.strip().splitlines())
    return f"import numpy as np\n\ndef {exercise}({signature}):\n{lines}\n"


def _duplicate(kind: str):
    def change(nb):
        cells = nb["cells"]
        if kind == "answer":
            i = next(i for i, c in enumerate(cells) if c.get("metadata", {}).get("nbgrader", {}).get("solution"))
        else:
            i = next(i for i, c in enumerate(cells) if c.get("metadata", {}).get("nbgrader", {}).get("grade"))
        cells.insert(i + 1, json.loads(json.dumps(cells[i])))
    return change


def _delete_graded(nb):
    nb["cells"] = [c for c in nb["cells"] if not c.get("metadata", {}).get("nbgrader", {}).get("grade")]


def _rename_ids(nb):
    for c in nb["cells"]:
        meta = c.get("metadata", {}).get("nbgrader")
        if meta and "grade_id" in meta:
            meta["grade_id"] = "renamed-" + meta["grade_id"]


def _strip_metadata(nb):
    for c in nb["cells"]:
        c.get("metadata", {}).pop("nbgrader", None)


def _kernel(nb):
    nb["metadata"]["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}


def _huge_output(nb):
    cell = answer_cell(nb, "mse_loss")
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x" * 20_000_000}]


def _trailing_garbage(folder: Path, name: str) -> None:
    from_solution(CH02)(folder, name)
    with open(folder / name, "a") as fh:
        fh.write("\n}}garbage")


def _truncated(folder: Path, name: str) -> None:
    """Cut short just before the third answer cell: the first two answers can still be read."""
    from_solution(CH02)(folder, name)
    text = (folder / name).read_text()
    (folder / name).write_text(text[: text.index('"def numerical_gradient(')])


def _merge_conflict(folder: Path, name: str) -> None:
    from_solution(CH02)(folder, name)
    lines = (folder / name).read_text().splitlines()
    middle = len(lines) // 2
    lines[middle:middle] = ["<<<<<<< HEAD", "=======", ">>>>>>> theirs"]
    (folder / name).write_text("\n".join(lines))


POINTS = {"mse_loss": 2, "mse_gradient": 2, "numerical_gradient": 3,
          "binary_cross_entropy_with_logits": 3, "softmax_cross_entropy": 3}
FULL = sum(POINTS.values())
REFERENCE_CALL = "from mlcourse_lib.losses import mse_loss as _ref\nreturn _ref(y_true, y_pred)"


def _hostile_class() -> list[Student]:
    s = [Student("perfect", from_solution(CH02), FULL),
         Student("untouched", lambda f, n: (f.mkdir(parents=True, exist_ok=True),
                                            shutil.copy(ROOT / "course" / CH02 / n, f)), 0, "not implemented yet")]
    for exercise in POINTS:
        for i, (mistake, source) in enumerate(mistake_sources(exercise, exercise)):
            s.append(Student(f"mistake-{exercise}-{i}", from_solution(CH02, _replace(exercise, source)),
                             FULL - POINTS[exercise], mistake, exercise))
    s += [
        # accidents
        Student("dup-answer", from_solution(CH02, _duplicate("answer")), FULL),
        Student("dup-graded", from_solution(CH02, _duplicate("graded")), FULL),
        Student("deleted-graded", from_solution(CH02, _delete_graded), FULL),
        Student("renamed-ids", from_solution(CH02, _rename_ids), FULL),
        Student("no-metadata", from_solution(CH02, _strip_metadata), FULL),
        Student("other-kernel", from_solution(CH02, _kernel), FULL),
        Student("trailing-garbage", _trailing_garbage, FULL),
        Student("truncated", _truncated, 4, "is damaged"),
        Student("merge-conflict", _merge_conflict, FULL, "is damaged"),
        Student("binary-garbage", raw(bytes(range(256)) * 40), None, "not a notebook"),
        Student("empty", raw(""), None, "is empty"),
        Student("symlink", lambda f, n: (f.mkdir(parents=True, exist_ok=True),
                                         (f / n).symlink_to(f.parents[2] / "solutions" / CH02 / n)),
                None, "symbolic link"),
        Student("deleted-answer", from_solution(CH02, lambda nb: nb["cells"].remove(answer_cell(nb, "mse_loss"))),
                FULL - 2, "no code cell defines mse_loss()", "mse_loss"),
        Student("no-notebook", lambda f, n: (f.mkdir(parents=True, exist_ok=True),
                                             (f / "notes.txt").write_text("hi")), None, "no notebook"),
        Student("input-top-level", from_solution(CH02, _prepend("mse_loss", "name = input('your name? ')")), FULL,
                "input() cannot be answered"),
        Student("input-in-answer", from_solution(CH02, _replace("mse_loss", _body(
            "mse_loss", "input('go?')\nreturn float(np.mean((y_true - y_pred) ** 2))"))),
            FULL - 2, "input() cannot be answered", "mse_loss"),
        Student("sys-exit", from_solution(CH02, _append("mse_loss", "import sys\nsys.exit(0)")), FULL),
        Student("os-exit-top-level", from_solution(CH02, _append("mse_gradient", "import os\nos._exit(0)")), FULL,
                "ended the grading process"),
        Student("os-exit-in-answer", from_solution(CH02, _replace("mse_gradient", _body(
            "mse_gradient", "import os\nos._exit(1)"))), FULL - 2, "ended the grading process", "mse_gradient"),
        Student("endless-loop", from_solution(CH02, _replace("mse_gradient", _body(
            "mse_gradient", "while True:\n    pass"))), FULL - 2, "did not return within", "mse_gradient"),
        Student("endless-top-level", from_solution(CH02, _append("mse_loss", "while True:\n    pass")), FULL,
                "did not finish within"),
        Student("memory-bomb", from_solution(CH02, _replace("mse_loss", _body(
            "mse_loss", "big = np.ones(10**11)\nreturn float(big.sum())"))), FULL - 2, "MemoryError", "mse_loss"),
        Student("fork-bomb", from_solution(CH02, _replace("mse_loss", _body(
            "mse_loss", "import os\nfor _ in range(10000):\n    os.fork()\nreturn 0.0"))), FULL - 2, "", "mse_loss"),
        Student("huge-print", from_solution(CH02, _replace("mse_loss", _body(
            "mse_loss", "print('x' * 50_000_000)\nreturn float(np.mean((y_true - y_pred) ** 2))"))), FULL),
        Student("huge-stored-output", from_solution(CH02, _huge_output), FULL),
        # cheats
        Student("calls-reference", from_solution(CH02, _replace("mse_loss", _body("mse_loss", REFERENCE_CALL))),
                FULL - 2, "calls mlcourse_lib.losses.mse_loss", "mse_loss"),
        Student("patches-numpy", from_solution(CH02, _replace("mse_loss", _body(
            "mse_loss", "np.isclose = np.allclose = lambda *a, **k: True\n"
                        "np.testing.assert_allclose = lambda *a, **k: None\nreturn 0.0"))), FULL - 2, "", "mse_loss"),
        Student("patches-checker", from_solution(CH02, _replace("mse_loss",
            "import mlcourse_lib.exercises as ex\nex.check = ex.assert_passes = lambda *a, **k: None\n"
            "from mlcourse_lib.exercises import checker\nchecker.run_check = lambda *a, **k: None\n"
            + _body("mse_loss", "return 1.0"))), FULL - 2, "", "mse_loss"),
        Student("no-profiler", from_solution(CH02, _replace("mse_loss", _body(
            "mse_loss", "import sys\nsys.setprofile(None)\n" + REFERENCE_CALL))), FULL - 2,
            "calls mlcourse_lib.losses.mse_loss", "mse_loss"),
        Student("thread", from_solution(CH02, _replace("mse_loss", _body("mse_loss", (
            "import threading\nfrom mlcourse_lib.losses import mse_loss as _ref\nout = []\n"
            "t = threading.Thread(target=lambda: out.append(_ref(y_true, y_pred)))\nt.start(); t.join()\n"
            "return out[0]")))), FULL - 2, "calls mlcourse_lib.losses.mse_loss", "mse_loss"),
        Student("copied-code", from_solution(CH02, _replace("mse_loss", _body("mse_loss", (
            "import types\nfrom mlcourse_lib import losses\n"
            "f = types.FunctionType(losses.mse_loss.__code__, losses.mse_loss.__globals__)\n"
            "return f(y_true, y_pred)")))), FULL - 2, "", "mse_loss"),
        Student("reads-solutions", from_solution(CH02, _replace("mse_loss", _body("mse_loss", (
            "import glob, json\n"
            "for path in glob.glob('/**/solutions/02_*/*.ipynb', recursive=True) + "
            "glob.glob('../../../solutions/02_*/*.ipynb'):\n"
            "    for c in json.load(open(path))['cells']:\n"
            "        if 'def mse_loss' in ''.join(c['source']):\n"
            "            ns = {}; exec(''.join(c['source']), ns); return ns['mse_loss'](y_true, y_pred)\n"
            "return 0.0")))), FULL - 2, "", "mse_loss"),
        Student("overwrites-gradebook", from_solution(CH02, _append("mse_loss", (
            "import glob\nfor p in glob.glob('../../../gradebook.db') + glob.glob('/**/gradebook.db', recursive=True):\n"
            "    open(p, 'w').write('not a database')\n"
            "open('../../../HACKED', 'w').write('x')"))), FULL, ""),
        Student("updates-gradebook", from_solution(CH02, _append("mse_loss", (
            "import sqlite3\ncon = sqlite3.connect('../../../gradebook.db')\n"
            "con.execute('UPDATE grade SET manual_score = 99'); con.commit()"))), FULL, ""),
        Student("writes-other-student", from_solution(CH02, _append("mse_loss", (
            "import os\nfor d in os.listdir('..'):\n"
            "    open(os.path.join('..', d, 'losses_and_gradients.ipynb'), 'w').write('{}')"))), FULL, ""),
    ]
    return s


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = _course(tmp_path_factory.mktemp("hostile"), [CH02])
    students = _hostile_class()
    _submit(root, CH02, students)
    before = _snapshot(root)
    result = grade(root, CH02, jobs=2, progress=False, limits=FAST)
    return root, students, before, result


def test_every_submission_gets_the_score_its_answers_deserve(hostile_run):
    root, students, before, result = hostile_run
    _check(result, students)


def test_nothing_outside_the_submissions_changes(hostile_run):
    root, students, before, result = hostile_run
    assert _snapshot(root) == before
    assert not (root.parent / "HACKED").exists() and not (root / "HACKED").exists()


@pytest.mark.skipif(bubblewrap() is None, reason="needs bubblewrap")
def test_the_gradebook_holds_the_verdicts(hostile_run):
    from nbgrader.api import Gradebook

    root, students, before, result = hostile_run
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for v in result.verdicts:
            sub = gb.find_submission(CH02, v.student)
            assert sub.score == pytest.approx(v.score), v.student
            for cell in v.cells:
                grade_row = gb.find_grade(cell.grade_id, "losses_and_gradients", CH02, v.student)
                assert grade_row.manual_score is None and grade_row.auto_score == cell.score


def _gradebook_scores(db: Path) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        return {(s.student.id, g.name): (g.auto_score, g.manual_score)
                for s in gb.assignment_submissions(CH02) for n in s.notebooks for g in n.grades}


def test_regrading_sequentially_and_resuming_give_the_same_gradebook(hostile_run):
    root, students, before, result = hostile_run
    first = _gradebook_scores(root / "gradebook.db")
    resumed = grade(root, CH02, jobs=2, progress=False, limits=FAST, report=False, feedback=False)
    assert resumed.reused == len(students)
    assert _gradebook_scores(root / "gradebook.db") == first
    # a sequential run, into a gradebook of its own, of a part of the class (for time)
    some = sorted(s.name for s in students if not s.name.startswith("mistake-"))[::2] + ["mistake-mse_loss-0"]
    db = root.parent / "sequential.db"
    again = grade(root, CH02, students=some, jobs=1, progress=False, limits=FAST, regrade=True,
                  report=False, feedback=False, db_url=f"sqlite:///{db}")
    assert again.reused == 0
    parallel = {v.student: v.score for v in result.verdicts}
    assert {v.student: v.score for v in again.verdicts} == {s: parallel[s] for s in some}
    assert _gradebook_scores(db) == {k: v for k, v in first.items() if k[0] in some}


def test_regrading_one_student_is_one_flag(hostile_run):
    root, students, before, result = hostile_run
    again = grade(root, CH02, regrade=["perfect"], progress=False, limits=FAST, report=False, feedback=False)
    assert again.reused == len(students) - 1


def test_feedback_hides_the_hidden_tests_and_stays_small(hostile_run):
    root, students, before, result = hostile_run
    for student in ("perfect", "huge-print", "huge-stored-output", "mistake-mse_loss-0"):
        page = (root / "feedback" / student / CH02 / "losses_and_gradients.html").read_text()
        assert "BEGIN HIDDEN TESTS" not in page and "assert_passes" not in page
        assert len(page) < 200_000
    autograded = root / "autograded" / "huge-stored-output" / CH02 / "losses_and_gradients.ipynb"
    assert autograded.stat().st_size < 2_000_000


def test_the_class_report_counts_the_known_mistakes(hostile_run):
    from mlcourse_lib.instructor.report import summarize
    from mlcourse_lib.instructor.submission import Assignment

    root, students, before, result = hostile_run
    source = Assignment.from_source(CH02, root / "solutions" / CH02 / "losses_and_gradients.ipynb")
    summary = summarize(source, result.verdicts)
    for exercise in POINTS:
        mistakes = summary["exercises"][exercise]["mistakes"]
        for name, _ in mistake_sources(exercise, exercise):
            assert mistakes.get(name, 0) >= 1, (exercise, name, mistakes)
    html = (root / "reports" / f"{CH02}.html").read_text()
    assert "data:image/png;base64," in html and "sum instead of mean" in html


def test_without_bubblewrap_grading_works_and_says_what_is_off(tmp_path, monkeypatch):
    from mlcourse_lib.instructor import sandbox

    monkeypatch.setenv("MLCOURSE_NO_SANDBOX", "1")
    sandbox.bubblewrap.cache_clear()
    try:
        root = _course(tmp_path, [CH02])
        students = [Student("perfect", from_solution(CH02), FULL),
                    Student("calls-reference", from_solution(CH02, _replace("mse_loss", _body("mse_loss", REFERENCE_CALL))),
                            FULL - 2, "calls mlcourse_lib.losses.mse_loss", "mse_loss")]
        _submit(root, CH02, students)
        result = grade(root, CH02, jobs=1, progress=False, limits=FAST)
        _check(result, students)
        assert result.warning and "bubblewrap" in result.warning and "gradebook" in result.warning
    finally:
        monkeypatch.delenv("MLCOURSE_NO_SANDBOX")
        sandbox.bubblewrap.cache_clear()


def test_nbgrader_export_and_formgrader_read_what_grading_wrote(hostile_run):
    import nbformat
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    root, students, before, result = hostile_run
    out = root.parent / "export.csv"
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        CsvExportPlugin(to=str(out), assignment=[CH02]).export(gb)
    exported = {r["student_id"]: float(r["score"]) for r in csv.DictReader(open(out))}
    assert exported == {v.student: v.score for v in result.verdicts}
    for v in result.verdicts[:5] + [x for x in result.verdicts if x.student == "dup-answer"]:
        nb = nbformat.read(root / "autograded" / v.student / CH02 / "losses_and_gradients.ipynb", as_version=4)
        nbformat.validate(nb)
        ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
        assert len(ids) == len(set(ids))
