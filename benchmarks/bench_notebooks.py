"""How long each solution notebook takes to execute, kernel start included.

Executes every `solutions/*/*.ipynb` with nbclient (as nbval does in the tests) a few
times and prints the median and the range per notebook, and the sum of the medians.
Run from the repository root:

    .venv/bin/python benchmarks/bench_notebooks.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BUDGET_SECONDS = 20.0


def run_once(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{'notebook':76s} {'median s':>9s} {'min s':>7s} {'max s':>7s}  budget {BUDGET_SECONDS:g} s")
    total = 0.0
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        times = [run_once(path) for _ in range(args.repeats)]
        median = statistics.median(times)
        total += median
        flag = "" if median < BUDGET_SECONDS else "  OVER BUDGET"
        print(f"{str(path.relative_to(ROOT)):76s} {median:9.2f} {min(times):7.2f} {max(times):7.2f}{flag}")
    print(f"{'all notebooks (sum of medians)':76s} {total:9.2f}")


if __name__ == "__main__":
    main()
