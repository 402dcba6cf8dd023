"""course/ is exactly what `mlcourse release` generates from solutions/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mlcourse_lib.instructor.course import CourseError, assignments, release

from ._course import ROOT, make_tiny_course


def _files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_committed_release_is_what_solutions_generate(tmp_path):
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    released = release(tmp_path)
    assert released == assignments(ROOT)
    fresh, committed = _files(tmp_path / "course"), _files(ROOT / "course")
    assert sorted(fresh) == sorted(committed), "course/ has missing or extra files: run `mlcourse release`"
    stale = [str(p) for p in fresh if fresh[p] != committed[p]]
    assert not stale, f"course/ is out of date for {stale}: run `mlcourse release` and commit course/"
    assert not (tmp_path / "gradebook.db").exists(), "releasing must not leave a gradebook behind"


# --- release is atomic -------------------------------------------------------------------------------

def _break(root, name):
    next((root / "solutions" / name).glob("*.ipynb")).write_text("{ not a notebook")


def test_failed_release_leaves_the_previous_release_untouched(tmp_path):
    root = make_tiny_course(tmp_path / "course_root")
    assert release(root) == ["01_a", "02_b"]
    before = _files(root / "course")
    assert sorted(map(str, before)) == ["01_a/01_a.ipynb", "02_b/02_b.ipynb", "README.md"]
    _break(root, "02_b")
    with pytest.raises(CourseError, match=r"^releasing 02_b failed: .*JSONDecodeError") as info:
        release(root)
    assert "\n" not in str(info.value) and "Traceback" in info.value.log
    assert _files(root / "course") == before
    assert sorted(p.name for p in root.iterdir()) == ["course", "nbgrader_config.py", "solutions"]


def test_release_of_some_assignments_replaces_only_theirs(tmp_path):
    root = make_tiny_course(tmp_path / "course_root")
    release(root)
    before = _files(root / "course")
    notebook = root / "solutions" / "01_a" / "01_a.ipynb"
    notebook.write_text(notebook.read_text().replace("# 01_a", "# 01_a, revised"))
    (root / "course" / "02_b" / "extra.txt").write_text("left alone")
    assert release(root, ["01_a"]) == ["01_a"]
    after = _files(root / "course")
    assert b"revised" in after[Path("01_a/01_a.ipynb")]
    assert after[Path("02_b/02_b.ipynb")] == before[Path("02_b/02_b.ipynb")]
    assert after[Path("02_b/extra.txt")] == b"left alone"


def test_release_refuses_unknown_assignments(tmp_path):
    root = make_tiny_course(tmp_path / "course_root")
    with pytest.raises(ValueError, match=r"unknown assignment '07_x'; the assignments in solutions/ are "
                                         r"01_a, 02_b."):
        release(root, ["01_a", "07_x"])
    assert not (root / "course").exists()
