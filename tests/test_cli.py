"""The `mlcourse` command line: argument handling and what it prints."""

from __future__ import annotations

import pytest

from mlcourse_lib.cli import _error_summary, main
from mlcourse_lib.course import find_root
from mlcourse_lib.exercises import all_exercises

from ._course import ROOT


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
