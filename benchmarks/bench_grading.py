"""How long autograding takes: a class of N copies of the solution, one assignment.

Prints the time of the whole `mlcourse grade` run (registration, autograde, feedback) and the
time per submission. Run from the repository root:

    .venv/bin/python benchmarks/bench_grading.py [ASSIGNMENT] [N]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from mlcourse_lib.course import assignments, grade

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    assignment = sys.argv[1] if len(sys.argv) > 1 else assignments(ROOT)[0]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copy(ROOT / "nbgrader_config.py", root)
        shutil.copytree(ROOT / "solutions", root / "solutions")
        for k in range(n):
            target = root / "submitted" / f"student{k:03d}" / assignment
            shutil.copytree(ROOT / "solutions" / assignment, target)
        runs = []
        for feedback in (False, True):
            start = time.perf_counter()
            results = grade(root, assignment, feedback=feedback, progress=False)
            runs.append((feedback, time.perf_counter() - start))
            assert all(r.score == r.max_score for r in results), "the solution must score full marks"
    print(f"assignment {assignment}, {n} submissions")
    for feedback, seconds in runs:
        label = "autograde + feedback" if feedback else "autograde only     "
        print(f"  {label}: {seconds:6.1f} s in all, {seconds / n:5.2f} s per submission")
    print(f"  with feedback / without: {runs[1][1] / runs[0][1]:.2f}x")


if __name__ == "__main__":
    main()
