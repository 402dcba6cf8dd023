"""Paths and notebook helpers shared by the notebook, release and grading tests."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*/*.ipynb"))
RELEASED = sorted((ROOT / "course").glob("*/*.ipynb"))

CHECK_CALL = re.compile(r"^check\(\s*\"(?P<id>[^\"]+)\"", re.MULTILINE)
GRADED_CALL = re.compile(r"^assert_passes\(\s*\"(?P<id>[^\"]+)\"", re.MULTILINE)


def read(path: Path):
    return nbformat.read(path, as_version=4)


def is_graded(cell) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("grade"))


def is_answer(cell) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def checked_ids(cell) -> list[str]:
    """The exercise ids a visible check cell checks with ``check(...)`` (empty for other cells)."""
    return CHECK_CALL.findall(cell.source) if cell.cell_type == "code" else []


def graded_ids(cell) -> list[str]:
    """The exercise ids a graded cell asserts with ``assert_passes(...)``."""
    return GRADED_CALL.findall(cell.source) if cell.cell_type == "code" else []
