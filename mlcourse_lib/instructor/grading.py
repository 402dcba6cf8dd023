"""Grade a class: every submission of one assignment, sandboxed, recorded in nbgrader's gradebook.

``grade(root, assignment)`` does, in order:

1. registers the assignment's graded cells in the gradebook (nbgrader's own
   ``generate_assignment``, released to a temporary folder so ``course/`` is untouched);
2. finds every student with a ``submitted/<student>/<assignment>/`` folder (see
   :mod:`.collect` for LMS downloads);
3. judges each submission (:func:`~.verdict.judge`) in ``jobs`` worker processes: a copy of
   the submission goes into a fresh folder, the only one its sandbox can write; the worker
   writes ``autograded/`` and ``feedback/`` for it;
4. records the scores, in student order whatever the order they finished in, with nbgrader's
   :class:`~nbgrader.api.Gradebook` (so formgrader, manual grading and ``nbgrader export``
   work as usual), then a verdict file per submission: a later run skips every submission
   whose notebook and grader are unchanged, so an interrupted run resumes where it stopped;
5. writes ``grades/<assignment>.csv`` (one row per submitting student, ``NOT GRADED`` rows
   say why) and the class report ``reports/<assignment>.html`` (:mod:`.report`).
"""

from __future__ import annotations

import csv
import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .course import check_assignment_names, course_directory, register
from .sandbox import Limits, protections
from .submission import Assignment, plan_answers, read_notebook, salvage_notebook
from .verdict import CellVerdict, SubmissionVerdict, judge

__all__ = ["ClassResult", "grade", "grader_key"]

VERDICT_FILE = ".mlcourse-verdict.json"


@dataclass
class ClassResult:
    """The outcome of one grading run."""

    assignment: str
    verdicts: list[SubmissionVerdict]
    csv_path: Path
    report_path: Path | None
    reused: int          # submissions whose stored verdict was still valid
    seconds: float
    warning: str | None  # what is not protected (no sandbox), else None


def grader_key(assignment: Assignment) -> str:
    """Changes when anything that decides a grade changes: the source notebook, the specs, the grader."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(json.dumps(assignment.source_nb, sort_keys=True).encode())
    try:
        digest.update(version("mlcourse").encode())
    except PackageNotFoundError:
        pass
    package = Path(__file__).resolve().parents[1]
    for folder in (package / "exercises", package / "instructor"):
        for path in sorted(folder.rglob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _submission_key(notebook: Path | None, key: str) -> str:
    digest = hashlib.sha256(key.encode())
    if notebook is not None and notebook.is_file():
        digest.update(notebook.read_bytes())
    return digest.hexdigest()


def _copy_submission(source: Path, target: Path) -> None:
    """Copy a submitted folder, leaving out symbolic links (never followed, never kept) and checkpoints."""
    def ignore(folder, names):
        return {n for n in names if n == ".ipynb_checkpoints" or os.path.islink(os.path.join(folder, n))}
    shutil.copytree(source, target, symlinks=True, ignore=ignore)


def _find_notebook(folder: Path, expected: str) -> tuple[Path | None, str]:
    """The submitted notebook: the expected name, else the only notebook there."""
    if (folder / expected).is_symlink():
        return None, f"{expected} is a symbolic link, not a notebook handed in"
    if (folder / expected).is_file():
        return folder / expected, ""
    notebooks = sorted(p for p in folder.glob("*.ipynb") if p.is_file() and not p.is_symlink())
    if len(notebooks) == 1:
        return notebooks[0], f"graded {notebooks[0].name} in place of {expected}"
    if not notebooks:
        return None, f"no notebook {expected} in the submission"
    return None, f"no notebook {expected} in the submission, and {len(notebooks)} others: which one?"


# ---------------------------------------------------------------- a worker's job

_WORKER = {"index": 0}


def _init_worker(counter) -> None:
    with counter.get_lock():
        counter.value += 1
        _WORKER["index"] = counter.value


def _titles() -> dict[str, str]:
    from ..exercises import all_exercises

    return {ex.id: ex.title for ex in all_exercises()}


def _grade_one(job: dict) -> dict:
    """Judge one submission, write its autograded copy and feedback; return the verdict as JSON."""
    from .feedback import autograded_notebook, feedback_html

    assignment: Assignment = job["assignment"]
    student = job["student"]
    submitted, autograded, feedback = Path(job["submitted"]), Path(job["autograded"]), Path(job["feedback"])
    notebook = Path(job["notebook"]) if job["notebook"] else None
    start = time.perf_counter()
    nb, error = (read_notebook(notebook) if notebook is not None else (None, job["missing"]))
    salvaged = ""
    if nb is None and notebook is not None and "invalid JSON" in error:
        nb, salvaged = salvage_notebook(notebook)
    if nb is None:
        verdict = SubmissionVerdict(student, assignment.name, error=error, cells=[
            CellVerdict(c.grade_id, c.exercise, c.points, 0.0, f"✗ {c.exercise} — not graded: {error}",
                        reason=f"not graded: {error}") for c in assignment.graded])
    else:
        with tempfile.TemporaryDirectory(prefix="mlcourse-sandbox-") as scratch:
            folder = Path(scratch) / student / assignment.name
            _copy_submission(submitted, folder)
            verdict = judge(assignment, nb, student, folder, limits=job["limits"], worker=_WORKER["index"],
                            course=job["course"])
        for note in (salvaged, job["note"]):
            if note:
                verdict.notes.insert(0, note)
    # nbgrader's layout: autograded/<student>/<assignment>/ holds the submission and the graded notebook
    staging = autograded.with_name(autograded.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    _copy_submission(submitted, staging)
    graded_nb = autograded_notebook(assignment, nb, verdict)
    (staging / assignment.notebook).unlink(missing_ok=True)
    with open(staging / assignment.notebook, "x") as fh:
        json.dump(graded_nb, fh, indent=1, ensure_ascii=False)
    if autograded.exists():
        shutil.rmtree(autograded)
    os.replace(staging, autograded)
    if job["feedback_on"]:
        answers = {}
        if nb is not None:
            plan = plan_answers(assignment, nb)
            steps = dict(plan.steps)
            answers = {name: steps[labels[-1]] for name, labels in plan.defined_in.items()}
        feedback.mkdir(parents=True, exist_ok=True)
        page = feedback_html(assignment, verdict, answers, job["titles"])
        (feedback / assignment.notebook.replace(".ipynb", ".html")).write_text(page)
    verdict.seconds = time.perf_counter() - start
    return verdict.to_json()


# ---------------------------------------------------------------- the class

def _record(gb, assignment: Assignment, verdict: SubmissionVerdict, timestamp: str | None) -> None:
    """Write one submission's scores (and one-line reasons as comments) with nbgrader's gradebook."""
    notebook_id = assignment.notebook.removesuffix(".ipynb")
    gb.update_or_create_student(verdict.student)
    kwargs = {"timestamp": timestamp} if timestamp else {}
    gb.update_or_create_submission(assignment.name, verdict.student, **kwargs)
    for cell in verdict.cells:
        grade = gb.find_grade(cell.grade_id, notebook_id, assignment.name, verdict.student)
        grade.auto_score = cell.score
        grade.needs_manual_grade = grade.manual_score is not None
        try:
            comment = gb.find_comment(cell.exercise, notebook_id, assignment.name, verdict.student)
            comment.auto_comment = cell.reason or None
        except Exception:  # the answer cell has another grade id: no comment to attach to
            pass
    gb.db.commit()


def _registered(db_url: str, assignment: Assignment) -> bool:
    """Whether the gradebook already holds this assignment's graded cells, with these points."""
    import warnings

    from nbgrader.api import Gradebook, MissingEntry

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Gradebook(db_url) as gb:
                notebook = gb.find_notebook(assignment.notebook.removesuffix(".ipynb"), assignment.name)
                cells = {c.name: c.max_score for c in notebook.grade_cells}
    except (MissingEntry, Exception):
        return False
    return cells == {c.grade_id: c.points for c in assignment.graded}


def _timestamp(folder: Path) -> str | None:
    path = folder / "timestamp.txt"
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    try:
        from nbgrader.utils import parse_utc
        parse_utc(text)
    except Exception:
        return None
    return text or None


def write_csv(path: Path, assignment: Assignment, verdicts: list[SubmissionVerdict]) -> None:
    """One row per student: total, status and reason, then each exercise's points."""
    path.parent.mkdir(parents=True, exist_ok=True)
    exercises = [c.exercise for c in assignment.graded]
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student_id", "assignment", "score", "max_score", "status", "reason", *exercises])
        for v in verdicts:
            status = "NOT GRADED" if v.error else "graded"
            points = {c.exercise: c.score for c in v.cells}
            writer.writerow([v.student, assignment.name, f"{v.score:g}", f"{assignment.max_score:g}", status,
                             v.error, *(f"{points.get(e, 0.0):g}" for e in exercises)])


def grade(root: Path | str, assignment: str, *, students: list[str] | None = None,
          regrade: bool | list[str] = False, jobs: int = 1, feedback: bool = True,
          csv_path: Path | str | None = None, report: bool = True, progress: bool = True,
          db_url: str | None = None, limits: Limits = Limits()) -> ClassResult:
    """Grade every submission of ``assignment`` (or only ``students``); see the module docstring.

    ``regrade`` is True to judge every submission again, or a list of students to judge
    again; otherwise stored verdicts of unchanged submissions are reused. ``db_url`` is any
    SQLAlchemy URL nbgrader accepts (default: the course's ``gradebook.db``).
    """
    import warnings

    from nbgrader.api import Gradebook
    from tqdm.auto import tqdm

    # nbgrader's add_submission warns about its own session handling on every new submission
    warnings.filterwarnings("ignore", message="Object of type <Submitted", module="nbgrader")
    warnings.filterwarnings("ignore", message="Object of type <Submitted")

    start = time.perf_counter()
    root = Path(root).resolve()
    check_assignment_names(root, [assignment])
    coursedir = course_directory(root, db_url=db_url)
    db = coursedir.db_url
    sources = sorted((root / coursedir.source_directory / assignment).glob("*.ipynb"))
    if len(sources) != 1:
        raise ValueError(f"{assignment} has {len(sources)} notebooks in its source folder; "
                         "mlcourse grades assignments of exactly one notebook")
    source = Assignment.from_source(assignment, sources[0])
    if not _registered(db, source):
        register(root, assignment, db_url=db)
    key = grader_key(source)
    warning = protections()

    submitted_root = root / coursedir.submitted_directory
    found = sorted(p.name for p in submitted_root.iterdir() if (p / assignment).is_dir()) \
        if submitted_root.is_dir() else []
    if students:
        missing = [s for s in students if s not in found]
        if missing:
            raise ValueError(f"no submission of {assignment} by {', '.join(missing)} in {submitted_root}")
    students = list(students) if students else found
    regrade_all = regrade is True
    regrade_some = set(regrade) if isinstance(regrade, (list, tuple, set)) else set()

    jobs_todo, verdicts, keys, reused = [], {}, {}, 0
    titles = _titles()
    for student in students:
        folder = submitted_root / student / assignment
        notebook, note = _find_notebook(folder, source.notebook)
        autograded = root / coursedir.autograded_directory / student / assignment
        keys[student] = _submission_key(notebook, key)
        stored = autograded / VERDICT_FILE
        if not regrade_all and student not in regrade_some and stored.is_file():
            try:
                data = json.loads(stored.read_text())
                if data.get("key") == keys[student]:
                    verdicts[student] = SubmissionVerdict.from_json(data["verdict"])
                    reused += 1
                    continue
            except (ValueError, KeyError, TypeError):
                pass
        jobs_todo.append({
            "assignment": source, "student": student, "submitted": str(folder),
            "notebook": str(notebook) if notebook else None, "missing": note, "note": note if notebook else "",
            "autograded": str(autograded),
            "feedback": str(root / coursedir.feedback_directory / student / assignment),
            "feedback_on": feedback, "limits": limits, "course": coursedir.course_id or None, "titles": titles,
        })

    order = {s: i for i, s in enumerate(students)}
    pending: dict[str, SubmissionVerdict] = {}
    bar = tqdm(total=len(jobs_todo), desc=f"grading {assignment}", unit="submission", disable=not progress)
    pool, futures = None, []
    if jobs > 1 and len(jobs_todo) > 1:
        # the workers are forked before the gradebook is opened: they never hold its connection
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        counter = context.Value("i", 0)
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(jobs_todo)), mp_context=context,
                                   initializer=_init_worker, initargs=(counter,))
        futures = [pool.submit(_grade_one, job) for job in jobs_todo]
    try:
        with Gradebook(db) as gb:
            done = set(verdicts)
            cursor = 0

            def flush():
                nonlocal cursor
                while cursor < len(students):
                    student = students[cursor]
                    if student in pending:
                        verdict = pending.pop(student)
                        _record(gb, source, verdict, _timestamp(submitted_root / student / assignment))
                        path = root / coursedir.autograded_directory / student / assignment / VERDICT_FILE
                        path.write_text(json.dumps({"key": keys[student], "verdict": verdict.to_json()}))
                        verdicts[student] = verdict
                    elif student not in done:
                        return
                    cursor += 1

            def finished(data):
                verdict = SubmissionVerdict.from_json(data)
                pending[verdict.student] = verdict
                done.add(verdict.student)
                bar.update()
                flush()

            flush()
            if pool is None:
                for job in jobs_todo:
                    finished(_grade_one(job))
            else:
                from concurrent.futures import as_completed

                for future in as_completed(futures):
                    finished(future.result())
            flush()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    bar.close()

    ordered = [verdicts[s] for s in students if s in verdicts]
    csv_path = Path(csv_path) if csv_path else root / "grades" / f"{assignment}.csv"
    write_csv(csv_path, source, ordered)
    report_path = None
    if report:
        from .report import write_report

        report_path = write_report(root / "reports" / f"{assignment}.html", source, ordered, titles)
    return ClassResult(assignment, ordered, csv_path, report_path, reused, time.perf_counter() - start, warning)
