"""course/ is exactly what `mlcourse release` generates from solutions/."""

from __future__ import annotations

import shutil

from mlcourse_lib.course import assignments, release

from ._course import ROOT


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
