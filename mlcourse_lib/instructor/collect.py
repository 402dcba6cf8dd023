"""Collect submissions from an LMS download: ``mlcourse grade ID --zip FILE [--zip-pattern REGEX]``.

The steps and folders are those of ``nbgrader zip_collect`` (:mod:`nbgrader.apps.zipcollectapp`),
so either tool can take over from the other::

    downloaded/<assignment>/archive/<file>.zip      a copy of the download
    downloaded/<assignment>/extracted/<file>/...    its content (nested zips extracted too,
                                                    each into a folder named after it)
    submitted/<student_id>/<assignment>/<notebook>  each collected notebook
    submitted/<student_id>/<assignment>/timestamp.txt   when the file name carries a timestamp

The student comes from each file's name, matched with nbgrader's
:class:`~nbgrader.plugins.zipcollect.FileNameCollectorPlugin` (``re.match``, ``.ipynb`` files
only) against a regular expression with the named group ``student_id`` and optionally
``file_id`` (the notebook's name; ``.ipynb`` is appended when missing; without it the
assignment's notebook name is used) and ``timestamp`` (the LMS form ``2016-01-30-15-00-00``,
or anything nbgrader's ``parse_utc`` reads; written to ``timestamp.txt`` as nbgrader does; of
two files of one student with the same name, the newer is kept). The
name is tried first, then the path inside the archive (for LMSs that make a folder per
student). Unless a pattern is given, the course's
``c.FileNameCollectorPlugin.named_regexp`` is used when ``nbgrader_config.py`` sets it; else
two patterns are tried in turn:

- nbgrader's documented LMS convention (Blackboard's download names),
  ``ps1_bitdiddle_attempt_2016-01-30-15-00-00_problem1.ipynb``::

      .*_(?P<student_id>\\w+)_attempt_(?P<timestamp>[0-9\\-]+)_(?P<file_id>\\w+)

- ``<student_id>_<notebook>.ipynb``, e.g. ``bitdiddle_losses_and_gradients.ipynb`` where
  ``<notebook>`` is the name of the assignment's notebook.

Every file that is not collected is reported (logged, and listed in ``.skipped`` of the
result): files that are not notebooks, names that match no pattern, an older copy of a
notebook. Entries whose path would leave the extraction folder (``../``, absolute paths:
"zip slip"), symbolic links and encrypted entries are refused; a file larger than
``max_file_mb``, more than ``max_total_mb`` extracted in all, or zips nested more than
:data:`MAX_DEPTH` deep stop the collection with a ``ValueError`` before anything reaches
``submitted/``. A student's earlier ``submitted/<student_id>/<assignment>/`` is replaced by
what the archive holds for them; students absent from the archive are left alone.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from .course import check_assignment_names, load_config

__all__ = ["Collected", "LMS_PATTERN", "collect_zip", "default_patterns"]

log = logging.getLogger(__name__)

MB = 1_000_000
MAX_DEPTH = 3          # zips inside zips inside zips
MAX_ENTRIES = 20_000   # files extracted in all

#: nbgrader's documented example for LMS downloads (``FileNameCollectorPlugin.named_regexp``)
LMS_PATTERN = r".*_(?P<student_id>\w+)_attempt_(?P<timestamp>[0-9\-]+)_(?P<file_id>\w+)"

# a student id becomes a folder name
_STUDENT_ID = re.compile(r"[A-Za-z0-9][\w.@+-]*")


class Collected(list):
    """The student ids collected, sorted; ``skipped`` lists ``(file in the archive, reason)``
    for every file of the archive that was not collected."""

    def __init__(self, students, skipped):
        super().__init__(students)
        self.skipped: list[tuple[str, str]] = list(skipped)


def default_patterns(notebooks: list[str]) -> list[str]:
    """The patterns tried when none is given: :data:`LMS_PATTERN`, then ``<student_id>_<notebook>.ipynb``.

    >>> print(default_patterns(["losses.ipynb"])[1])
    (?P<student_id>[\\w.@+-]+?)_(?P<file_id>losses)\\.ipynb$
    """
    stems = "|".join(re.escape(name.removesuffix(".ipynb")) for name in notebooks)
    patterns = [LMS_PATTERN]
    if stems:
        patterns.append(rf"(?P<student_id>[\w.@+-]+?)_(?P<file_id>{stems})\.ipynb$")
    return patterns


def collect_zip(root: Path | str, assignment: str, zip_path: Path | str, pattern: str | None = None, *,
                max_file_mb: float = 100, max_total_mb: float = 2000) -> Collected:
    """Collect the submissions of ``assignment`` from an LMS download into ``submitted/``.

    See the module docstring for the folders, the file-name patterns and the guards.

    Parameters
    ----------
    root : the course root (the folder of ``nbgrader_config.py``).
    assignment : the assignment id (a folder of ``solutions/``).
    zip_path : the zip file downloaded from the LMS.
    pattern : a regular expression with the named group ``student_id`` (optionally
        ``file_id``, ``timestamp``), matched at the start of each file name; by default the
        course's ``FileNameCollectorPlugin.named_regexp``, else :func:`default_patterns`.
    max_file_mb, max_total_mb : caps on one extracted file and on all of them, in MB.

    Returns
    -------
    Collected : the student ids collected (sorted), a list, with ``.skipped``.

    Raises
    ------
    ValueError for an unknown assignment, a pattern without ``student_id``, a file that is not
    a zip, a cap exceeded, an unreadable timestamp, two copies of one notebook without
    timestamps to choose between them; FileNotFoundError when there is no file at ``zip_path``.
    """
    root = Path(root).resolve()
    check_assignment_names(root, [assignment])
    zip_path = Path(zip_path)
    if not zip_path.is_file():
        raise FileNotFoundError(f"no zip file at {zip_path}")
    if not zipfile.is_zipfile(zip_path):
        raise ValueError(f"{zip_path} is not a zip archive; download the submissions again as one zip file")

    config = load_config(root)
    folders = config.CourseDirectory
    source = root / folders.get("source_directory", "source") / assignment
    notebooks = sorted(p.name for p in source.glob("*.ipynb"))
    plugins = _plugins(pattern, config, notebooks)

    steps = config.ZipCollectApp
    downloaded = root / steps.get("downloaded_directory", "downloaded") / assignment
    archive = downloaded / steps.get("archive_directory", "archive")
    extracted = downloaded / steps.get("extracted_directory", "extracted")
    archive.mkdir(parents=True, exist_ok=True)
    copy = archive / zip_path.name
    if not (copy.exists() and copy.samefile(zip_path)):
        shutil.copy2(zip_path, copy)
    if extracted.exists():
        shutil.rmtree(extracted)
    extracted.mkdir(parents=True)

    skipped: list[tuple[str, str]] = []
    budget = _Budget(int(max_file_mb * MB), int(max_total_mb * MB))
    top = _own_folder(extracted / zip_path.name)
    _extract(copy, top, zip_path.name, 0, budget, skipped)
    found = _match(top, zip_path.name, plugins, notebooks, skipped)
    students = _transfer(found, root / folders.get("submitted_directory", "submitted"), assignment)
    for name, reason in skipped:
        log.warning("skipped %s: %s", name, reason)
    return Collected(students, skipped)


# ---------------------------------------------------------------- patterns

def _plugins(pattern: str | None, config, notebooks: list[str]):
    """One nbgrader ``FileNameCollectorPlugin`` per pattern, logging nothing of its own."""
    from nbgrader.plugins import FileNameCollectorPlugin

    if pattern is not None:
        patterns = [pattern]
    elif config.FileNameCollectorPlugin.get("named_regexp"):
        patterns = [config.FileNameCollectorPlugin.named_regexp]
    else:
        patterns = default_patterns(notebooks)
    for p in patterns:
        try:
            compiled = re.compile(p)
        except re.error as exc:
            raise ValueError(f"the file-name pattern {p!r} is not a regular expression: {exc}") from None
        if "student_id" not in compiled.groupindex:
            raise ValueError(f"the file-name pattern {p!r} has no named group (?P<student_id>...) "
                             "to find the student in each file name")
    quiet = logging.getLogger(f"{__name__}.nbgrader")
    quiet.propagate = False
    if not quiet.handlers:
        quiet.addHandler(logging.NullHandler())
    return [FileNameCollectorPlugin(config=config, named_regexp=p, log=quiet) for p in patterns]


# ---------------------------------------------------------------- extraction

@dataclass
class _Budget:
    max_file: int
    max_total: int
    total: int = 0
    entries: int = 0


def _own_folder(archive: Path) -> Path:
    """Where an archive is extracted: a folder named after it, next to it (as nbgrader does)."""
    folder = archive.with_name(archive.stem or archive.name)
    return folder if not folder.exists() or folder.is_dir() else archive.with_name(archive.name + ".d")


def _refusal(info: zipfile.ZipInfo) -> tuple[str, list[str]]:
    """``(reason, [])`` for an entry that must not be extracted, else ``("", path parts)``."""
    name = info.filename.replace("\\", "/")
    if "\x00" in name:
        return "refused: its name holds a NUL character", []
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return "refused: an absolute path", []
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        return "refused: its path leaves the extraction folder (zip slip)", []
    if not parts:
        return "refused: an empty name", []
    if stat.S_ISLNK(info.external_attr >> 16):
        return "refused: a symbolic link", []
    if info.flag_bits & 0x1:
        return "encrypted: extract it by hand with its password", []
    return "", parts


def _extract(archive: Path, dest: Path, label: str, depth: int, budget: _Budget,
             skipped: list[tuple[str, str]]) -> None:
    """Extract ``archive`` into ``dest``, then every zip it holds into a folder of its own."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        if depth == 0:
            raise ValueError(f"{label} is not a readable zip archive ({exc})") from None
        skipped.append((label, f"not a readable zip archive ({exc})"))
        return
    dest.mkdir(parents=True, exist_ok=True)
    base = os.path.realpath(dest)
    nested = []
    with zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            shown = f"{label}/{info.filename}"
            reason, parts = _refusal(info)
            if parts and (parts[0] == "__MACOSX" or parts[-1].startswith("._") or parts[-1] == ".DS_Store"):
                continue  # macOS metadata, not a submission
            if reason:
                skipped.append((shown, reason))
                continue
            target = os.path.normpath(os.path.join(base, *parts))
            if os.path.commonpath([base, target]) != base:   # never reached after the checks above
                skipped.append((shown, "refused: its path leaves the extraction folder (zip slip)"))
                continue
            if os.path.lexists(target):
                skipped.append((shown, "a second entry with the same path in the archive"))
                continue
            budget.entries += 1
            if budget.entries > MAX_ENTRIES:
                raise ValueError(f"{label} holds more than {MAX_ENTRIES} files: not a class's submissions; "
                                 "check the download")
            if info.file_size > budget.max_file:
                raise _too_big(shown, info.file_size, budget)
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            try:
                _copy_capped(zf, info, Path(target), shown, budget)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error) as exc:
                skipped.append((shown, f"cannot be extracted ({exc})"))
                continue
            if Path(target).suffix.lower() == ".zip":
                nested.append((Path(target), shown))
    for inner, shown in nested:
        if depth + 1 > MAX_DEPTH:
            raise ValueError(f"{shown} nests zip archives more than {MAX_DEPTH} deep: not a class's "
                             "submissions; check the download")
        _extract(inner, _own_folder(inner), shown, depth + 1, budget, skipped)


def _too_big(shown: str, size: int, budget: _Budget) -> ValueError:
    return ValueError(f"{shown} is more than {budget.max_file / MB:g} MB, the cap on one extracted file "
                      f"({size / MB:.0f} MB): remove it from the zip (a notebook that large cannot be "
                      "graded), or raise max_file_mb")


def _copy_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, shown: str, budget: _Budget) -> None:
    """Copy one entry, counting the bytes really written (the sizes in a zip's header can lie)."""
    written = 0
    try:
        with zf.open(info) as src, open(target, "xb") as dst:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if written > budget.max_file:
                    raise _too_big(shown, written, budget)
                if budget.total + written > budget.max_total:
                    raise ValueError(f"the archive extracts to more than {budget.max_total / MB:g} MB "
                                     f"(reached at {shown}): not a class's submissions; check the download, "
                                     "or raise max_total_mb")
                dst.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    budget.total += written


# ---------------------------------------------------------------- matching and transfer

@dataclass
class _File:
    student: str
    name: str                    # the notebook's name in submitted/
    path: Path                   # the extracted file
    shown: str                   # its path in the archive, for messages
    timestamp: datetime | None


def _match(top: Path, label: str, plugins, notebooks: list[str], skipped) -> dict[tuple[str, str], _File]:
    """The file to collect for each (student, notebook name), from the extracted files' names."""
    from nbgrader.utils import parse_utc

    found: dict[tuple[str, str], _File] = {}
    for path in sorted(p for p in top.rglob("*") if p.is_file()):
        relative = path.relative_to(top).as_posix()
        shown = f"{label}/{relative}"
        if path.suffix.lower() == ".zip":
            continue  # extracted next to it
        if ".ipynb_checkpoints" in path.relative_to(top).parts:
            skipped.append((shown, "a Jupyter checkpoint, not the submission"))
            continue
        if path.suffix != ".ipynb":
            skipped.append((shown, "not a notebook (.ipynb)"))
            continue
        info = None
        for candidate in dict.fromkeys((path.name, relative)):
            info = next((i for i in (plugin.collect(candidate) for plugin in plugins) if i), None)
            if info:
                break
        if not info or not info.get("student_id"):
            skipped.append((shown, "no student id in its name (give the pattern of the LMS's file names "
                                   "with --zip-pattern)"))
            continue
        student = str(info["student_id"])
        if not _STUDENT_ID.fullmatch(student):
            skipped.append((shown, f"the student id {student!r} found in its name cannot be a folder name"))
            continue
        file_id = PurePosixPath(str(info.get("file_id") or "").replace("\\", "/")).name
        name = file_id or (notebooks[0] if len(notebooks) == 1 else path.name)
        if not name.endswith(".ipynb"):
            name += ".ipynb"
        timestamp = None
        if info.get("timestamp"):
            try:
                timestamp = _timestamp(str(info["timestamp"]), parse_utc)
            except (ValueError, OverflowError):
                raise ValueError(f"cannot read the timestamp {info['timestamp']!r} in the name of {shown}; "
                                 "fix the pattern's timestamp group") from None
        new = _File(student, name, path, shown, timestamp)
        old = found.get((student, name))
        if old is None:
            found[(student, name)] = new
        elif new.timestamp is not None and old.timestamp is not None:
            newer, older = (new, old) if new.timestamp >= old.timestamp else (old, new)
            found[(student, name)] = newer
            skipped.append((older.shown, f"an older submission of {student}'s {name} "
                                         f"(the one of {newer.timestamp.isoformat(' ')} was collected)"))
        else:
            raise ValueError(f"{old.shown} and {new.shown} are both {student}'s {name}, with no timestamp "
                             "to tell which is newer: remove one from the zip")
    return found


def _timestamp(text: str, parse_utc) -> datetime:
    """The time in a file name: the LMS form ``2016-01-30-15-00-00`` as such, else as nbgrader reads it.

    (nbgrader's ``parse_utc``, through dateutil, takes ``-30-00`` in ``18-30-00`` for a time zone.)
    """
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}", text):
        return datetime.strptime(text, "%Y-%m-%d-%H-%M-%S")
    return parse_utc(text)


def _transfer(found: dict[tuple[str, str], _File], submitted: Path, assignment: str) -> list[str]:
    """Write ``submitted/<student>/<assignment>/`` for each student, replacing an earlier one whole."""
    by_student: dict[str, list[_File]] = defaultdict(list)
    for file in found.values():
        by_student[file.student].append(file)
    for student, files in sorted(by_student.items()):
        folder = submitted / student / assignment
        staging = folder.with_name(f".{assignment}.collecting")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            for file in files:
                shutil.copyfile(file.path, staging / file.name)
            stamps = [file.timestamp for file in files if file.timestamp is not None]
            if stamps:  # as nbgrader's zip_collect writes it
                (staging / "timestamp.txt").write_text(max(stamps).isoformat(" "))
            if folder.exists():
                shutil.rmtree(folder)
            os.replace(staging, folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return sorted(by_student)
