"""The ``mlcourse`` command: open the course, release it, grade it.

::

    mlcourse lab                 copy course/ to work/ (once) and open it in JupyterLab
    mlcourse release [ID ...]    regenerate course/ from solutions/ (all assignments by default)
    mlcourse grade ID            autograde submitted/*/ID, write feedback/ and grades.csv
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

from .course import error_summary as _error_summary


def _lab(args, extra) -> int:
    from .course import find_root, prepare_workspace
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
    from .course import find_root, release

    root = find_root(args.root)
    for name in release(root, args.assignments or None):
        print(f"released {name} -> course/{name}")
    return 0


def _grade(args, extra) -> int:
    from .course import find_root, grade

    root = find_root(args.root)
    csv_path = Path(args.csv) if args.csv else root / "grades.csv"
    results = grade(root, args.assignment, feedback=not args.no_feedback, csv_path=csv_path,
                    memory_mb=args.memory_mb, file_mb=args.file_mb, jobs=args.jobs)
    failed = 0
    for r in results:
        if r.score is None:
            failed += 1
            print(f"{r.student:20s}  NOT GRADED: {_error_summary(r.error)}")
        elif r.error:
            print(f"{r.student:20s}  {r.score:g} / {r.max_score:g}  ({_error_summary(r.error)})")
        else:
            print(f"{r.student:20s}  {r.score:g} / {r.max_score:g}")
    print(f"{len(results) - failed} of {len(results)} submissions graded; grades in {csv_path}")
    return 1 if failed else 0


def _exercises(args, extra) -> int:
    from .exercises import all_exercises

    for ex in all_exercises():
        print(f"{ex.id}: {ex.title}")
        for m in ex.mistakes:
            print(f"    mistake: {m.name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mlcourse", description=__doc__, allow_abbrev=False,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=".", help="the course root (the folder of nbgrader_config.py)")
    parser.add_argument("--debug", action="store_true",
                        help="on an error, show the traceback (also: MLCOURSE_DEBUG=1)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("lab", help="open your copy of the student notebooks in JupyterLab "
                                   "(further arguments go to jupyter lab)")
    p.add_argument("--workspace", help="where your copy of course/ lives (default: work/ in the course root)")
    p.set_defaults(run=_lab)
    p = sub.add_parser("release", help="regenerate course/ from solutions/")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    p.set_defaults(run=_release)
    p = sub.add_parser("grade", help="autograde all submissions of an assignment")
    p.add_argument("assignment")
    p.add_argument("--csv", help="where to write the grades (default: grades.csv in the course root)")
    p.add_argument("--no-feedback", action="store_true", help="skip the HTML feedback")
    p.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1),
                   help="submissions graded at once, each in its own process (default: cores, at most 4)")
    p.add_argument("--memory-mb", type=int, default=4096,
                   help="memory cap of each grading kernel, in MiB (0: none; default 4096)")
    p.add_argument("--file-mb", type=int, default=100,
                   help="largest file a graded notebook may write, in MiB (0: none; default 100)")
    p.set_defaults(run=_grade)
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
