"""Collecting an LMS download into submitted/, as nbgrader's zip_collect lays it out."""

from __future__ import annotations

import io
import json
import re
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from mlcourse_lib.instructor.collect import LMS_PATTERN, collect_zip, default_patterns

from ._course import ROOT

ASSIGNMENT = "02_losses_and_gradients"
NOTEBOOK = "losses_and_gradients.ipynb"


@pytest.fixture
def course(tmp_path) -> Path:
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, root / "solutions" / ASSIGNMENT)
    return root


def notebook(owner: str) -> bytes:
    return json.dumps({"cells": [], "metadata": {"owner": owner}, "nbformat": 4, "nbformat_minor": 5}).encode()


def lms_name(student: str, when: str, file_id: str = "losses_and_gradients") -> str:
    """A file name as Blackboard writes it (nbgrader's documented example)."""
    return f"{ASSIGNMENT}_{student}_attempt_{when}_{file_id}.ipynb"


def make_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def nested_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def owner(path: Path) -> str:
    return json.loads(path.read_text())["metadata"]["owner"]


def test_collects_an_lms_download(course, tmp_path):
    download = tmp_path / "gradebook_download.zip"
    with zipfile.ZipFile(download, "w") as zf:
        zf.writestr(lms_name("alice", "2024-03-01-10-00-00"), notebook("alice, first attempt"))
        zf.writestr(lms_name("alice", "2024-03-02-18-30-00"), notebook("alice, second attempt"))
        zf.writestr(lms_name("bob", "2024-03-01-23-59-59"), notebook("bob"))
        zf.writestr(f"dave_{NOTEBOOK}", notebook("dave"))                         # <student_id>_<notebook>
        zf.writestr("instructions.txt", b"not a submission")
        zf.writestr("untitled.ipynb", notebook("nobody"))                        # matches no pattern
        zf.writestr("late/more.zip", nested_zip({lms_name("carol", "2024-03-03-08-15-00"): notebook("carol")}))
        zf.writestr(f"../../{lms_name('mallory', '2024-03-01-00-00-00')}", notebook("mallory"))  # zip slip
        zf.writestr(f"/tmp/{lms_name('oscar', '2024-03-01-00-00-00')}", notebook("oscar"))       # absolute
        link = zipfile.ZipInfo(lms_name("trudy", "2024-03-01-00-00-00"))
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")                                           # a symbolic link
        zf.writestr(f"__MACOSX/._{lms_name('alice', '2024-03-09-00-00-00')}", b"\x00\x05\x16\x07")

    collected = collect_zip(course, ASSIGNMENT, download)

    assert collected == ["alice", "bob", "carol", "dave"]
    submitted = course / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == ["alice", "bob", "carol", "dave"]
    for student in collected:
        folder = submitted / student / ASSIGNMENT
        files = sorted(p.name for p in folder.iterdir())
        assert files == ([NOTEBOOK] if student == "dave" else [NOTEBOOK, "timestamp.txt"])
    assert owner(submitted / "alice" / ASSIGNMENT / NOTEBOOK) == "alice, second attempt"
    assert owner(submitted / "carol" / ASSIGNMENT / NOTEBOOK) == "carol"
    timestamps = {s: (submitted / s / ASSIGNMENT / "timestamp.txt").read_text()
                  for s in ("alice", "bob", "carol")}
    assert timestamps == {"alice": "2024-03-02 18:30:00", "bob": "2024-03-01 23:59:59",
                          "carol": "2024-03-03 08:15:00"}

    # nbgrader's folders: the archive copied, its content (nested zips too) extracted
    downloaded = course / "downloaded" / ASSIGNMENT
    assert (downloaded / "archive" / download.name).read_bytes() == download.read_bytes()
    extracted = downloaded / "extracted" / "gradebook_download"
    assert (extracted / "late" / "more" / lms_name("carol", "2024-03-03-08-15-00")).is_file()

    # the malicious entries are refused: nothing outside the extraction folder, nothing collected
    assert not any(p.name.startswith(f"{ASSIGNMENT}_mallory") for p in tmp_path.rglob("*"))
    assert not any("oscar" in p.name or "trudy" in p.name for p in tmp_path.rglob("*"))
    reasons = dict(collected.skipped)
    prefix = download.name + "/"
    assert reasons == {
        prefix + f"../../{lms_name('mallory', '2024-03-01-00-00-00')}":
            "refused: its path leaves the extraction folder (zip slip)",
        prefix + f"/tmp/{lms_name('oscar', '2024-03-01-00-00-00')}": "refused: an absolute path",
        prefix + lms_name("trudy", "2024-03-01-00-00-00"): "refused: a symbolic link",
        prefix + lms_name("alice", "2024-03-01-10-00-00"):
            f"an older submission of alice's {NOTEBOOK} (the one of 2024-03-02 18:30:00 was collected)",
        prefix + "instructions.txt": "not a notebook (.ipynb)",
        prefix + "untitled.ipynb": "no student id in its name (give the pattern of the LMS's file names "
                                   "with --zip-pattern)",
    }


def test_skipped_files_are_logged(course, tmp_path, caplog):
    download = make_zip(tmp_path / "d.zip", {"notes.txt": b"x",
                                             lms_name("bob", "2024-03-01-10-00-00"): notebook("b")})
    with caplog.at_level("WARNING", logger="mlcourse_lib.instructor.collect"):
        assert collect_zip(course, ASSIGNMENT, download) == ["bob"]
    assert [r.getMessage() for r in caplog.records] == ["skipped d.zip/notes.txt: not a notebook (.ipynb)"]


def test_file_id_names_the_notebook_and_a_pattern_can_be_given(course, tmp_path):
    download = make_zip(tmp_path / "d.zip", {
        "week2/s1234567-losses.ipynb": notebook("s1234567"),
        "week2/s7654321-losses.ipynb": notebook("s7654321"),
        "week2/s7654321-extra.ipynb": notebook("s7654321 extra"),
    })
    pattern = r"(?P<student_id>s\d+)-(?P<file_id>\w+)"
    assert collect_zip(course, ASSIGNMENT, download, pattern=pattern) == ["s1234567", "s7654321"]
    assert sorted(p.name for p in (course / "submitted" / "s7654321" / ASSIGNMENT).iterdir()) == [
        "extra.ipynb", "losses.ipynb"]
    # without a file_id group, the notebook gets the assignment's notebook name
    assert collect_zip(course, ASSIGNMENT, download, pattern=r"(?P<student_id>s1\d+)") == ["s1234567"]
    assert [p.name for p in (course / "submitted" / "s1234567" / ASSIGNMENT).iterdir()] == [NOTEBOOK]


def test_the_course_configuration_gives_the_default_pattern(course, tmp_path):
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text()
                      + "\nc.FileNameCollectorPlugin.named_regexp = r'(?P<student_id>\\w+)-hw'\n")
    download = make_zip(tmp_path / "d.zip", {"erin-hw.ipynb": notebook("erin"),
                                             lms_name("bob", "2024-03-01-10-00-00"): notebook("bob")})
    collected = collect_zip(course, ASSIGNMENT, download)
    assert collected == ["erin"]
    assert len(collected.skipped) == 1


def test_collecting_again_replaces_a_students_submission(course, tmp_path):
    first = make_zip(tmp_path / "first.zip", {lms_name("alice", "2024-03-01-10-00-00"): notebook("old"),
                                              lms_name("bob", "2024-03-01-10-00-00"): notebook("bob")})
    collect_zip(course, ASSIGNMENT, first)
    (course / "submitted" / "alice" / ASSIGNMENT / "stray.ipynb").write_text("{}")
    second = make_zip(tmp_path / "second.zip", {lms_name("alice", "2024-03-05-10-00-00"): notebook("new")})
    assert collect_zip(course, ASSIGNMENT, second) == ["alice"]
    alice = course / "submitted" / "alice" / ASSIGNMENT
    assert sorted(p.name for p in alice.iterdir()) == [NOTEBOOK, "timestamp.txt"]
    assert owner(alice / NOTEBOOK) == "new"
    assert (alice / "timestamp.txt").read_text() == "2024-03-05 10:00:00"
    assert owner(course / "submitted" / "bob" / ASSIGNMENT / NOTEBOOK) == "bob"   # absent from the zip: kept
    assert sorted(p.name for p in (course / "downloaded" / ASSIGNMENT / "archive").iterdir()) == [
        "first.zip", "second.zip"]
    assert [p.name for p in (course / "downloaded" / ASSIGNMENT / "extracted").iterdir()] == ["second"]
    assert not list((course / "submitted" / "alice").glob(".*"))   # no staging folder left


def test_huge_files_stop_the_collection(course, tmp_path):
    download = make_zip(tmp_path / "d.zip", {lms_name("alice", "2024-03-01-10-00-00"): b"0" * 3_000_000})
    with pytest.raises(ValueError, match=r"d.zip/.*alice.* is more than 1 MB, the cap on one extracted file"):
        collect_zip(course, ASSIGNMENT, download, max_file_mb=1)
    assert not (course / "submitted").exists()
    # a zip bomb: small on disk, its nested zip extracts beyond the total cap
    inner = nested_zip({f"f{i}.bin": b"0" * 600_000 for i in range(4)})
    bomb = make_zip(tmp_path / "bomb.zip", {"inner.zip": inner})
    with pytest.raises(ValueError, match="the archive extracts to more than 2 MB"):
        collect_zip(course, ASSIGNMENT, bomb, max_total_mb=2)


def test_zips_nested_too_deep_are_refused(course, tmp_path):
    data = notebook("x")
    name = lms_name("alice", "2024-03-01-10-00-00")
    inner = {name: data}
    for level in range(4):
        inner = {f"level{level}.zip": nested_zip(inner)}
    download = make_zip(tmp_path / "d.zip", inner)
    with pytest.raises(ValueError, match="nests zip archives more than 3 deep"):
        collect_zip(course, ASSIGNMENT, download)


def test_two_copies_without_timestamps_are_an_error(course, tmp_path):
    download = make_zip(tmp_path / "d.zip", {f"a/alice_{NOTEBOOK}": notebook("1"),
                                             f"b/alice_{NOTEBOOK}": notebook("2")})
    with pytest.raises(ValueError, match=rf"d.zip/a/alice_{NOTEBOOK} and d.zip/b/alice_{NOTEBOOK} are both "
                                         rf"alice's {NOTEBOOK}, with no timestamp"):
        collect_zip(course, ASSIGNMENT, download)


def test_bad_arguments_are_one_clear_line(course, tmp_path):
    download = make_zip(tmp_path / "d.zip", {f"alice_{NOTEBOOK}": notebook("a")})
    with pytest.raises(ValueError, match=f"unknown assignment '99_nothing'; the assignments in "
                                         f"solutions/ are {ASSIGNMENT}"):
        collect_zip(course, "99_nothing", download)
    with pytest.raises(FileNotFoundError, match="no zip file at .*missing.zip"):
        collect_zip(course, ASSIGNMENT, tmp_path / "missing.zip")
    (tmp_path / "notes.zip").write_text("not a zip")
    with pytest.raises(ValueError, match="notes.zip is not a zip archive"):
        collect_zip(course, ASSIGNMENT, tmp_path / "notes.zip")
    with pytest.raises(ValueError, match=r"has no named group \(\?P<student_id>...\)"):
        collect_zip(course, ASSIGNMENT, download, pattern=r"(?P<name>\w+)")
    with pytest.raises(ValueError, match="is not a regular expression"):
        collect_zip(course, ASSIGNMENT, download, pattern=r"(?P<student_id>\w+")
    bad_time = make_zip(tmp_path / "t.zip", {lms_name("alice", "2024-99-99-99"): notebook("a")})
    with pytest.raises(ValueError, match="cannot read the timestamp '2024-99-99-99'"):
        collect_zip(course, ASSIGNMENT, bad_time)


def test_default_patterns():
    lms, simple = default_patterns([NOTEBOOK])
    assert lms == LMS_PATTERN
    match = re.match(lms, "ps1_bitdiddle_attempt_2016-01-30-15-00-00_problem1.ipynb")
    assert match.groupdict() == {"student_id": "bitdiddle", "timestamp": "2016-01-30-15-00-00",
                                 "file_id": "problem1"}
    assert re.match(simple, f"ben.bitdiddle_{NOTEBOOK}").groupdict() == {
        "student_id": "ben.bitdiddle", "file_id": "losses_and_gradients"}
    assert re.match(simple, f"ben_bitdiddle_{NOTEBOOK}")["student_id"] == "ben_bitdiddle"
    assert re.match(simple, "ben_other.ipynb") is None
