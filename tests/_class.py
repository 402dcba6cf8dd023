"""A generated class for grading tests: correct, untouched, known mistakes, accidents, cheats.

Each submission is a notebook built from the solution (or the release) with one change, and
the score it deserves: what its *answers* are worth. The known mistakes are the catalog's own
wrong implementations, turned into answer-cell source code (the catalog module's imports and
helper functions, then ``<function> = <the mistake>``), since the library is not reachable
where answers run.
"""

from __future__ import annotations

import ast
import copy
import importlib
import inspect
import json
from dataclasses import dataclass
from pathlib import Path

from mlcourse_lib.exercises import get_exercise

from ._course import ROOT


@dataclass
class Student:
    name: str
    write: callable          # (folder: Path, notebook name) -> None
    score: float | None      # None: NOT GRADED
    reason: str = ""         # a phrase the verdict (or the NOT GRADED reason) must contain
    exercise: str | None = None   # the exercise the reason belongs to


def load(path: Path) -> dict:
    return json.loads(Path(path).read_text())


def save(nb: dict, path: Path) -> None:
    Path(path).write_text(json.dumps(nb, indent=1))


def answer_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]


def answer_cell(nb: dict, exercise: str) -> dict:
    return next(c for c in answer_cells(nb) if c["metadata"]["nbgrader"]["grade_id"] == exercise)


def set_source(cell: dict, source: str) -> None:
    cell["source"] = source


def _module_of(exercise_id: str) -> str:
    from mlcourse_lib.exercises import catalog
    import pkgutil

    for info in pkgutil.iter_modules(catalog.__path__):
        module = importlib.import_module(f"{catalog.__name__}.{info.name}")
        if any(ex.id == exercise_id for ex in getattr(module, "EXERCISES", ())):
            return module.__name__
    raise KeyError(exercise_id)


def mistake_sources(exercise_id: str, function: str) -> list[tuple[str, str]]:
    """``(mistake name, answer-cell source)`` for each known mistake of the exercise."""
    module = importlib.import_module(_module_of(exercise_id))
    tree = ast.parse(inspect.getsource(module))
    header = [ast.unparse(n) for n in tree.body
              if isinstance(n, (ast.Import,)) or (isinstance(n, ast.ImportFrom) and n.level == 0
                                                  and n.module != "__future__")]
    helpers = [ast.unparse(n) for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))
               or (isinstance(n, ast.Assign) and all(isinstance(t, ast.Name) and t.id.isupper() is False
                                                     and t.id.startswith("_") for t in n.targets))]
    exercise = get_exercise(exercise_id)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Exercise"):
            continue
        ids = [k.value for k in node.keywords if k.arg == "id"]
        if not ids or not isinstance(ids[0], ast.Constant) or ids[0].value != exercise_id:
            continue
        mistakes = next(k.value for k in node.keywords if k.arg == "mistakes")
        for call in mistakes.elts:
            args = list(call.args)
            fn = args[2] if len(args) > 2 else next(k.value for k in call.keywords if k.arg == "fn")
            name = args[0].value if args and isinstance(args[0], ast.Constant) else \
                next(k.value.value for k in call.keywords if k.arg == "name")
            found.append((name, "\n".join([*header, *helpers, f"{function} = {ast.unparse(fn)}"])))
    assert [n for n, _ in found] == [m.name for m in exercise.mistakes], exercise_id
    return found


def from_solution(assignment: str, change=None):
    """A writer: the solution notebook, changed by ``change(nb)``."""
    def write(folder: Path, name: str) -> None:
        nb = load(ROOT / "solutions" / assignment / name)
        if change is not None:
            nb = copy.deepcopy(nb)
            nb = change(nb) or nb
        folder.mkdir(parents=True, exist_ok=True)
        save(nb, folder / name)
    return write


def raw(text: str | bytes):
    def write(folder: Path, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(text.encode() if isinstance(text, str) else text)
    return write
