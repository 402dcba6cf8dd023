"""Shared fixtures and the mutation table printed at the end of the test run."""

from __future__ import annotations

import os
from collections import defaultdict

import pytest

# Kernels started by the tests (nbval, Run All, grading) inherit this: one BLAS thread each, so
# that two kernels on two cores do not fight over them.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

# exercise id -> {"mistakes": total, "rejected": n, "named": n, "alternatives": total, "accepted": n}
MUTATION_TABLE: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))


def pytest_terminal_summary(terminalreporter):
    if not MUTATION_TABLE:
        return
    tr = terminalreporter
    tr.section("mutation table")
    tr.write_line(f"{'exercise':36s} {'mistakes rejected':>18s} {'named':>7s} {'alternatives passed':>20s}")
    for ex_id in sorted(MUTATION_TABLE):
        row = MUTATION_TABLE[ex_id]
        tr.write_line(
            f"{ex_id:36s} {row['rejected']:>8d} / {row['mistakes']:<7d}"
            f" {row['named']:>7d} {row['accepted']:>10d} / {row['alternatives']:<7d}"
        )
    totals = {key: sum(r[key] for r in MUTATION_TABLE.values())
              for key in ("mistakes", "rejected", "named", "alternatives", "accepted")}
    tr.write_line(
        f"{'all exercises':36s} {totals['rejected']:>8d} / {totals['mistakes']:<7d}"
        f" {totals['named']:>7d} {totals['accepted']:>10d} / {totals['alternatives']:<7d}"
    )


@pytest.fixture
def mutation_table():
    return MUTATION_TABLE
