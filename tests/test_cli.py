"""The `mlcourse` command line: argument handling and what it prints."""

from __future__ import annotations

import pytest

from mlcourse_lib.cli import _error_summary, main
from mlcourse_lib.instructor.course import find_root
from mlcourse_lib.exercises import all_exercises

from ._course import ROOT, make_tiny_course


def test_exercises_lists_every_exercise_and_its_mistakes(capsys):
    assert main(["--root", str(ROOT), "exercises"]) == 0
    out = capsys.readouterr().out
    for ex in all_exercises():
        assert f"{ex.id}: {ex.title}" in out
        for mistake in ex.mistakes:
            assert f"mistake: {mistake.name}" in out


def test_unknown_arguments_are_refused_outside_lab(capsys):
    with pytest.raises(SystemExit):
        main(["release", "--frobnicate"])
    assert "unrecognized arguments: --frobnicate" in capsys.readouterr().err


def test_find_root_explains_what_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="no nbgrader_config.py in .* or any folder above it"):
        find_root(tmp_path)
    assert find_root(ROOT / "solutions") == ROOT


def test_error_summary_picks_the_exception_line():
    log = ("[INFO] Updating/creating assignment\n"
           "[ERROR] There was an error processing assignment\n"
           "[ERROR] json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)\n"
           "[ERROR] Please see the above traceback for details")
    assert _error_summary(log) == "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)"
    assert _error_summary("") == "unknown error"


# --- every error is one line on stderr and exit status 1 ---------------------------------------------

def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("mlcourse: error: ")
    return lines[0]


def test_release_outside_a_course_is_one_line(tmp_path, capsys):
    assert main(["--root", str(tmp_path), "release"]) == 1
    assert "no nbgrader_config.py in" in _one_error_line(capsys)
    assert main(["--root", str(tmp_path), "grade", "01_a"]) == 1
    assert "no nbgrader_config.py in" in _one_error_line(capsys)


def test_unknown_assignment_is_one_line(tmp_path, capsys):
    root = make_tiny_course(tmp_path / "c")
    assert main(["--root", str(root), "release", "07_x"]) == 1
    assert _one_error_line(capsys) == ("mlcourse: error: unknown assignment '07_x'; the assignments in "
                                       "solutions/ are 01_a, 02_b.")
    assert main(["--root", str(root), "grade", "07_x"]) == 1
    assert "unknown assignment '07_x'" in _one_error_line(capsys)


def test_malformed_notebook_is_one_line_and_keeps_the_release(tmp_path, capsys):
    root = make_tiny_course(tmp_path / "c")
    assert main(["--root", str(root), "release"]) == 0
    released = (root / "course" / "02_b" / "02_b.ipynb").read_bytes()
    capsys.readouterr()
    (root / "solutions" / "02_b" / "02_b.ipynb").write_text("{ not a notebook")
    assert main(["--root", str(root), "release"]) == 1
    line = _one_error_line(capsys)
    assert line.startswith("mlcourse: error: releasing 02_b failed: json.decoder.JSONDecodeError")
    assert (root / "course" / "02_b" / "02_b.ipynb").read_bytes() == released


def test_debug_shows_the_traceback(tmp_path, capsys, monkeypatch):
    assert main(["--debug", "--root", str(tmp_path), "release"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and err.rstrip().splitlines()[-1].startswith("mlcourse: error: no nbgrader")
    monkeypatch.setenv("MLCOURSE_DEBUG", "1")
    assert main(["--root", str(tmp_path), "release"]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_bad_jobs_is_one_line(tmp_path, capsys):
    root = make_tiny_course(tmp_path / "c")
    assert main(["--root", str(root), "grade", "01_a", "--jobs", "0"]) == 1
    assert _one_error_line(capsys) == ("mlcourse: error: --jobs must be a positive number of worker "
                                       "processes, got 0")


def test_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"mlcourse {version('mlcourse')}"


def test_grade_prints_one_line_per_student_and_where_the_grades_are(tmp_path, capsys):
    import shutil

    root = tmp_path / "c"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(ROOT / "solutions" / "02_losses_and_gradients", root / "solutions" / "02_losses_and_gradients")
    folder = root / "submitted" / "alice" / "02_losses_and_gradients"
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "course" / "02_losses_and_gradients" / "losses_and_gradients.ipynb", folder)
    (root / "submitted" / "bob" / "02_losses_and_gradients").mkdir(parents=True)
    assert main(["--root", str(root), "grade", "02_losses_and_gradients", "--quiet", "--jobs", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["alice", "0", "/", "13"]
    assert out[1].startswith("bob") and "NOT GRADED: no notebook losses_and_gradients.ipynb" in out[1]
    assert "1 of 2 submissions graded" in out[2] and "grades/02_losses_and_gradients.csv" in out[2]
