"""How long a student waits for `check(...)`: public and hidden runs of every exercise.

Prints, per exercise, the median time (over repeats) of a public and of a hidden check of a
correct answer (the exercise's first alternative implementation), and the cost of the guards:
the ratio of a hidden check to the same check run without watching library calls. Run from
the repository root:

    .venv/bin/python benchmarks/bench_check.py
"""

from __future__ import annotations

import statistics
import time
from contextlib import contextmanager
from unittest import mock

from mlcourse_lib.exercises import all_exercises, checker, run_check

REPEATS = 9


def _median_ms(call) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


@contextmanager
def _unwatched():
    @contextmanager
    def nothing(**kwargs):
        yield []

    with mock.patch.object(checker, "watch_library_calls", nothing):
        yield


def main() -> None:
    print(f"{'exercise':34s} {'public ms':>10s} {'hidden ms':>10s} {'watcher cost':>13s}")
    ratios = []
    for ex in all_exercises():
        fn = ex.alternatives[0]
        public = _median_ms(lambda: run_check(ex, fn))
        hidden = _median_ms(lambda: run_check(ex, fn, hidden=True, seed=1))
        with _unwatched():
            bare = _median_ms(lambda: run_check(ex, fn, hidden=True, seed=1))
        ratios.append(hidden / bare)
        print(f"{ex.id:34s} {public:10.2f} {hidden:10.2f} {hidden / bare:12.2f}x")
    print(f"median watcher cost over all exercises: {statistics.median(ratios):.2f}x")


if __name__ == "__main__":
    main()
