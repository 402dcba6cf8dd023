"""Grading a class: plain nbgrader against `mlcourse grade`, on the same synthetic class.

A class of N students (default 30) on one chapter: a third hand in the solution, a third the
untouched release, a third the solution with one exercise answered by one of its known
mistakes. The same submissions are graded twice, each in a course root of its own:

- plain nbgrader, sequential, as an instructor runs it: ``nbgrader autograde`` then
  ``nbgrader generate_feedback``;
- ``mlcourse grade`` with its defaults (sandboxed, feedback and class report included),
  ``--jobs`` workers (default 2).

Prints both wall times, their ratio, the seconds per submission, and checks that both gave
every student the same total. Run from the repository root:

    .venv/bin/python benchmarks/bench_grading.py [ASSIGNMENT] [N] [JOBS]
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mlcourse_lib.instructor.grading import grade  # noqa: E402
from tests._class import answer_cells, load, mistake_sources, save, set_source  # noqa: E402


def make_class(root: Path, assignment: str, n: int) -> None:
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(ROOT / "solutions" / assignment, root / "solutions" / assignment)
    name = next((ROOT / "solutions" / assignment).glob("*.ipynb")).name
    solution = load(ROOT / "solutions" / assignment / name)
    exercises = [c["metadata"]["nbgrader"]["grade_id"] for c in answer_cells(solution)]
    mistakes = [(ex, src) for ex in exercises for _, src in mistake_sources(ex, ex)]
    for k in range(n):
        folder = root / "submitted" / f"student{k:03d}" / assignment
        folder.mkdir(parents=True)
        if k % 3 == 0:
            shutil.copy(ROOT / "solutions" / assignment / name, folder / name)
        elif k % 3 == 1:
            shutil.copy(ROOT / "course" / assignment / name, folder / name)
        else:
            nb = json.loads(json.dumps(solution))
            exercise, source = mistakes[(k // 3) % len(mistakes)]
            set_source(next(c for c in answer_cells(nb) if c["metadata"]["nbgrader"]["grade_id"] == exercise), source)
            save(nb, folder / name)


def plain_nbgrader(root: Path, assignment: str) -> tuple[float, dict[str, float]]:
    from nbgrader.api import Gradebook

    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    nbgrader = [sys.executable, "-m", "nbgrader"]
    # registering the assignment is set-up for both; it is not timed
    subprocess.run([*nbgrader, "generate_assignment", assignment, "--force"], cwd=root, env=env,
                   check=True, capture_output=True)
    start = time.perf_counter()
    subprocess.run([*nbgrader, "autograde", assignment, "--force"], cwd=root, env=env, check=True,
                   capture_output=True)
    subprocess.run([*nbgrader, "generate_feedback", assignment, "--force"], cwd=root, env=env,
                   check=True, capture_output=True)
    seconds = time.perf_counter() - start
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions(assignment)}
    return seconds, scores


def ours(root: Path, assignment: str, jobs: int) -> tuple[float, dict[str, float], list]:
    from mlcourse_lib.instructor.course import register

    register(root, assignment)  # set-up, as for nbgrader
    start = time.perf_counter()
    result = grade(root, assignment, jobs=jobs, progress=False)
    seconds = time.perf_counter() - start
    return seconds, {v.student: v.score for v in result.verdicts}, result.verdicts


def main() -> None:
    assignment = sys.argv[1] if len(sys.argv) > 1 else "02_losses_and_gradients"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    jobs = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "nbgrader", Path(tmp) / "mlcourse"
        for root in (a, b):
            root.mkdir()
            make_class(root, assignment, n)
        plain_s, plain_scores = plain_nbgrader(a, assignment)
        ours_s, ours_scores, verdicts = ours(b, assignment, jobs)
    same = plain_scores == ours_scores
    print(f"{assignment}, {n} submissions, {os.cpu_count()} cores")
    print(f"  plain nbgrader (autograde + generate_feedback, sequential): {plain_s:7.1f} s "
          f"({plain_s / n:.2f} s per submission)")
    print(f"  mlcourse grade (sandboxed, feedback, report, {jobs} jobs):   {ours_s:7.1f} s "
          f"({ours_s / n:.2f} s per submission)")
    print(f"  ratio: {plain_s / ours_s:.1f}x faster; same total for every student: {same}")
    per = statistics.median(v.seconds for v in verdicts)
    inside = statistics.median(v.sandbox_seconds for v in verdicts)
    print(f"  one submission in a worker (median): {per:.2f} s, of which {inside:.2f} s in its sandbox "
          f"(start, the student's code, plain-data transport) and {per - inside:.2f} s beyond it "
          "(cases, expected values, verdicts, files)")
    if not same:
        for student in sorted(set(plain_scores) | set(ours_scores)):
            if plain_scores.get(student) != ours_scores.get(student):
                print(f"    {student}: nbgrader {plain_scores.get(student)}, mlcourse {ours_scores.get(student)}")


if __name__ == "__main__":
    main()
