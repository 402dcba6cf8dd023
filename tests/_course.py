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


def make_tiny_course(root: Path, names=("01_a", "02_b")) -> Path:
    """A course root with one small solution notebook per assignment (fast to release)."""
    import shutil

    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    for name in names:
        nb = nbformat.v4.new_notebook()
        nb.cells = [
            nbformat.v4.new_markdown_cell(f"# {name}"),
            nbformat.v4.new_code_cell(
                "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                metadata={"nbgrader": {"grade": False, "solution": True, "locked": False,
                                       "grade_id": "double", "schema_version": 3}},
            ),
        ]
        folder = root / "solutions" / name
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{name}.ipynb")
    return root
