"""The ``mlcourse`` command: open the course, release it, grade it.

::

    mlcourse lab                 copy course/ to work/ (once) and open it in JupyterLab
    mlcourse release [ID ...]    regenerate course/ from solutions/ (all assignments by default)
    mlcourse grade ID            grade submitted/*/ID in a sandbox: gradebook, feedback/,
                                 grades/ID.csv and the class report reports/ID.html
    mlcourse doctor PATH         check a notebook (or a folder of them) before it is handed in
    mlcourse site                build the course website into site/ (open site/index.html)
    mlcourse exercises           list the exercises and their known mistakes

An error is reported as one line on stderr (``mlcourse: error: ...``) with exit status 1;
``--debug`` (or the environment variable MLCOURSE_DEBUG=1) shows the full traceback and
nbgrader's log instead.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from .instructor.course import error_summary as _error_summary


def _lab(args, extra) -> int:
    from .instructor.course import find_root, prepare_workspace
    from .lab import lab_command

    root = find_root(args.root)
    workspace = Path(args.workspace) if args.workspace else root / "work"
    copied = prepare_workspace(root, workspace)
    if copied:
        print(f"Copied {len(copied)} file(s) of the course to {workspace}; "
              "your work there is never overwritten.")
    argv, env = lab_command(workspace, extra)
    print(f"Opening {workspace} in JupyterLab; it keeps running until you press Ctrl-C.", flush=True)
    os.execve(sys.executable, argv, env)
    return 0  # not reached


def _release(args, extra) -> int:
    from .instructor.course import find_root, release

    root = find_root(args.root)
    for name in release(root, args.assignments or None):
        print(f"released {name} -> course/{name}")
    return 0


def _grade(args, extra) -> int:
    from .instructor.course import find_root
    from .instructor.grading import grade
    from .instructor.sandbox import Limits

    if args.jobs < 1:
        raise ValueError(f"--jobs must be a positive number of worker processes, got {args.jobs}")
    from .instructor.sandbox import protections

    root = find_root(args.root)
    warning = protections()
    if warning:
        print(f"WARNING: {warning}", file=sys.stderr, flush=True)
    if args.zip:
        from .instructor.collect import collect_zip

        collected = collect_zip(root, args.assignment, Path(args.zip), pattern=args.zip_pattern)
        skipped = getattr(collected, "skipped", [])
        print(f"collected {len(collected)} submission(s) of {args.assignment} from {args.zip}"
              + (f"; {len(skipped)} file(s) skipped (see the warnings above)" if skipped else ""))
    regrade = True if args.regrade == [] else (args.regrade or False)
    limits = Limits(memory_mb=args.memory_mb, file_mb=args.file_mb)
    result = grade(root, args.assignment, feedback=not args.no_feedback, csv_path=args.csv,
                   jobs=args.jobs, db_url=args.db, regrade=regrade, limits=limits,
                   students=args.student or None, progress=not args.quiet)
    failed = 0
    for v in result.verdicts:
        if v.error:
            failed += 1
            print(f"{v.student:20s}  NOT GRADED: {v.error}")
        else:
            print(f"{v.student:20s}  {v.score:g} / {v.max_score:g}")
    print(f"{len(result.verdicts) - failed} of {len(result.verdicts)} submissions graded "
          f"({result.reused} unchanged since the last run) in {result.seconds:.1f} s; "
          f"grades in {result.csv_path}" + (f", class report in {result.report_path}" if result.report_path else ""))
    return 0


def _doctor(args, extra) -> int:
    from .instructor.doctor import diagnose

    problems = diagnose(Path(args.path), root=args.root)
    for line in problems:
        print(line)
    if not problems:
        print(f"{args.path}: no problems found")
    return 1 if problems else 0


def _site(args, extra) -> int:
    from .instructor.course import find_root
    from .instructor.site import build_site

    root = find_root(args.root)
    index = build_site(root, Path(args.output) if args.output else None)
    print(f"built the site: open {index} in a browser")
    return 0


def _exercises(args, extra) -> int:
    from .exercises import all_exercises

    for ex in all_exercises():
        print(f"{ex.id}: {ex.title}")
        for m in ex.mistakes:
            print(f"    mistake: {m.name}")
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mlcourse")
    except PackageNotFoundError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mlcourse", description=__doc__, allow_abbrev=False,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=".", help="the course root (the folder of nbgrader_config.py)")
    parser.add_argument("--debug", action="store_true",
                        help="on an error, show the traceback (also: MLCOURSE_DEBUG=1)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("lab", help="open your copy of the student notebooks in JupyterLab "
                                   "(further arguments go to jupyter lab)")
    p.add_argument("--workspace", help="where your copy of course/ lives (default: work/ in the course root)")
    p.set_defaults(run=_lab)
    p = sub.add_parser("release", help="regenerate course/ from solutions/")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    p.set_defaults(run=_release)
    p = sub.add_parser("grade", help="grade all submissions of an assignment")
    p.add_argument("assignment")
    p.add_argument("--csv", help="where to write the grades (default: grades/ASSIGNMENT.csv in the course root)")
    p.add_argument("--no-feedback", action="store_true", help="skip the HTML feedback")
    p.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1),
                   help="submissions graded at once, each in its own process (default: cores, at most 4)")
    p.add_argument("--regrade", nargs="*", metavar="STUDENT",
                   help="judge these students again (no name: everyone); by default a submission "
                        "graded before and unchanged since keeps its stored verdict")
    p.add_argument("--student", action="append", metavar="STUDENT",
                   help="grade only this student (repeatable)")
    p.add_argument("--db", help="the gradebook's SQLAlchemy URL, passed on to nbgrader "
                                "(default: sqlite:///gradebook.db in the course root)")
    p.add_argument("--zip", help="an LMS download (zip) to collect into submitted/ first")
    p.add_argument("--zip-pattern", default=None,
                   help="regular expression with a named group 'student_id' (and optionally "
                        "'file_id', 'timestamp') matched against each file name of the zip; default: "
                        "c.FileNameCollectorPlugin.named_regexp of nbgrader_config.py when set, else "
                        "nbgrader's LMS example, else <student_id>_<notebook>.ipynb")
    p.add_argument("--memory-mb", type=int, default=2048,
                   help="memory cap of each sandbox, in MiB (default 2048)")
    p.add_argument("--file-mb", type=int, default=64,
                   help="largest file student code may write, in MiB (default 64)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=_grade)
    p = sub.add_parser("doctor", help="check a notebook or a folder of notebooks before handing it in")
    p.add_argument("path", help="a notebook, or a folder (searched recursively)")
    p.set_defaults(run=_doctor)
    p = sub.add_parser("site", help="build the course website (every chapter with its outputs, offline math)")
    p.add_argument("--output", help="where to build it (default: site/ in the course root)")
    p.set_defaults(run=_site)
    p = sub.add_parser("exercises", help="list the exercises and their known mistakes")
    p.set_defaults(run=_exercises)

    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.run(args, extra)
    except Exception as error:  # every failure becomes one line; --debug shows the rest
        if args.debug or os.environ.get("MLCOURSE_DEBUG", "") not in ("", "0"):
            traceback.print_exc()
            log = getattr(error, "log", "")
            if log:
                print(log, file=sys.stderr)
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"{parser.prog}: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
