"""How long autograding takes: a class of N copies of the solution, one assignment.

Prints, for one and for two parallel jobs, the wall time of the whole `mlcourse grade` run
(registration, autograde, feedback) and the median and spread of the time nbgrader spends on
one submission. Run from the repository root:

    .venv/bin/python benchmarks/bench_grading.py [ASSIGNMENT] [N]
"""

from __future__ import annotations

import shutil
import statistics
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
            shutil.copytree(ROOT / "solutions" / assignment, root / "submitted" / f"student{k:03d}" / assignment)
        totals = {}
        for jobs in (1, 2):
            start = time.perf_counter()
            results = grade(root, assignment, progress=False, jobs=jobs)
            totals[jobs] = time.perf_counter() - start
            assert all(r.score == r.max_score for r in results), "the solution must score full marks"
            per = sorted(r.seconds for r in results)
            print(f"assignment {assignment}, {n} submissions, jobs={jobs}: {totals[jobs]:.1f} s in all "
                  f"({totals[jobs] / n:.2f} s per submission)")
            print(f"  autograde of one submission: median {statistics.median(per):.2f} s "
                  f"(min {per[0]:.2f}, max {per[-1]:.2f})")
    print(f"speed-up with 2 jobs: {totals[1] / totals[2]:.2f}x")


if __name__ == "__main__":
    main()
