"""Read a submitted notebook the way grading needs it: tolerant, and only for its answers.

Nothing here trusts the submission's metadata for anything that decides a grade. What an
assignment grades comes from the instructor's source notebook (:class:`Assignment`): which
exercise each graded cell checks, with which function, for how many points. From the
submission comes only code: the answer cells, and the definitions in cells a student added.
A duplicated, deleted or re-labelled cell therefore changes nothing but the code it holds.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Assignment", "GradedCell", "Plan", "definitions_only", "function_signature", "plan_answers",
           "read_notebook", "salvage_notebook", "top_level_names", "transform_ipython"]

# imports of the instructor's cells that the answers never need, and that would be slow or
# unavailable where the answers run
SKIPPED_IMPORTS = ("matplotlib", "IPython", "ipywidgets", "tqdm", "sklearn", "scipy", "torch",
                   "mlcourse_lib.exercises", "dask", "distributed")


@dataclass(frozen=True)
class GradedCell:
    """One graded cell of the source: it checks ``exercise`` with the function ``function``."""

    grade_id: str
    exercise: str
    function: str
    points: float
    source: str        # the instructor's source of the cell (with its hidden tests)
    visible: str       # what a student may see of it: the source before the hidden tests


@dataclass
class Assignment:
    """What the instructor's source notebook says is graded, and how."""

    name: str
    notebook: str                       # file name, e.g. "losses_and_gradients.ipynb"
    graded: list[GradedCell]
    preamble: list[str]                 # the import statements of the instructor's cells
    instructor_sources: set[str]        # the source of every non-answer cell of the release
    source_nb: dict = field(repr=False, default_factory=dict)

    @property
    def max_score(self) -> float:
        return float(sum(cell.points for cell in self.graded))

    @classmethod
    def from_source(cls, name: str, path: Path | str) -> "Assignment":
        path = Path(path)
        nb = json.loads(path.read_text())
        graded, preamble, instructor = [], [], set()
        for cell in nb["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            source = _text(cell.get("source", ""))
            if cell.get("cell_type") != "code":
                continue
            if meta.get("grade") and not meta.get("solution"):
                for exercise, function in _asserted(source):
                    graded.append(GradedCell(meta["grade_id"], exercise, function,
                                             float(meta.get("points", 0)), source,
                                             source.split("### BEGIN HIDDEN TESTS")[0].rstrip()))
                    break
                continue
            if meta.get("solution"):
                continue
            instructor.add(source.strip())
            preamble.extend(_imports(source))
        if not graded:
            raise ValueError(f"{path} has no graded cell calling assert_passes(...)")
        return cls(name, path.name, graded, preamble, instructor, nb)


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def _asserted(source: str):
    """``(exercise id, function name)`` of each ``assert_passes("id", fn, ...)`` in a cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "assert_passes"
                and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[1], ast.Name)):
            yield node.args[0].value, node.args[1].id


def _imports(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    kept = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if not any(n == s or n.startswith(s + ".") for n in names for s in SKIPPED_IMPORTS):
            kept.append(ast.unparse(node))
    return kept


def read_notebook(path: Path | str) -> tuple[dict | None, str]:
    """``(notebook, "")``, or ``(None, reason)`` when no notebook can be read from the file.

    Tolerates what editors and LMS downloads do to files: a byte-order mark, trailing
    garbage after the JSON, a missing ``nbformat`` field.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"cannot read {path.name}: {exc.strerror or exc}"
    if not raw.strip():
        return None, f"{path.name} is empty"
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        nb, _ = json.JSONDecoder(strict=False).raw_decode(text.lstrip())
    except ValueError as exc:
        return None, f"{path.name} is not a notebook (invalid JSON: {exc})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, f"{path.name} is not a notebook (no list of cells)"
    nb.setdefault("metadata", {})
    nb.setdefault("nbformat", 4)
    nb.setdefault("nbformat_minor", 5)
    return nb, ""


_SOURCE = re.compile(r'"source"\s*:\s*(\[(?:\s*"(?:[^"\\]|\\.)*"\s*,?)*\s*\]|"(?:[^"\\]|\\.)*")')


def salvage_notebook(path: Path | str) -> tuple[dict | None, str]:
    """The code cells that can still be read from a damaged notebook file.

    A file cut short, or with a merge conflict's markers or a stray character in it, is not
    JSON, but the cells before and after the damage usually are: every ``"source": ...``
    field that decodes is taken as a cell without metadata (answers are then found by the
    functions they define). Returns ``(notebook, note)``, or ``(None, "")`` when nothing can
    be read.
    """
    try:
        text = Path(path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None, ""
    cells = []
    for match in _SOURCE.finditer(text):
        try:
            source = json.loads(match.group(1), strict=False)
        except ValueError:
            continue
        source = _text(source)
        try:
            ast.parse(transform_ipython(source))
        except SyntaxError:
            continue  # markdown, or code cut in the middle
        cells.append({"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
                      "execution_count": None})
    if not any(c["source"].strip() for c in cells):
        return None, ""
    note = (f"{Path(path).name} is damaged (not valid JSON); the {len(cells)} code cells that could "
            "still be read were graded")
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, note


@dataclass
class Plan:
    """The code to run for one submission: ``(label, source)`` pairs in order."""

    steps: list[tuple[str, str]]
    defined_in: dict[str, list[str]]   # function name -> labels of the steps that define it


def transform_ipython(source: str) -> str:
    """IPython syntax (``%magic``, ``!cmd``) as plain Python calls of ``get_ipython()``."""
    if "%" not in source and "!" not in source:
        return source
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        return TransformerManager().transform_cell(source)
    except Exception:
        return source


def top_level_names(source: str) -> set[str]:
    """Names a cell defines at top level: ``def f``, ``f = ...``, ``from m import g as f``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).partition(".")[0] for a in node.names)
    return names


def definitions_only(source: str) -> str:
    """The function and class definitions and imports of a cell, without anything else."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ""
    kept = [n for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom))]
    return "\n".join(ast.unparse(n) for n in kept)


def plan_answers(assignment: Assignment, nb: dict) -> Plan:
    """What of the submission runs at grading time, in notebook order.

    The instructor's imports first; then every answer cell (nbgrader solution metadata) and
    every cell that defines a graded function, whole; of the other cells a student added,
    only their definitions and imports (helpers an answer may use), never their top-level
    code. The instructor's own cells and the graded cells never run: their code is known.
    """
    functions = {cell.function for cell in assignment.graded}
    steps = [("the notebook's imports", "\n".join(assignment.preamble))] if assignment.preamble else []
    defined_in: dict[str, list[str]] = {}
    for index, cell in enumerate(nb.get("cells", [])):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {}) if isinstance(cell.get("metadata"), dict) else {}
        grading = meta.get("nbgrader", {}) if isinstance(meta.get("nbgrader"), dict) else {}
        source = transform_ipython(_text(cell.get("source", "")))
        if not source.strip():
            continue
        defs = top_level_names(source)
        if grading.get("solution") or defs & functions:
            code = source
        elif grading.get("grade") or source.strip() in assignment.instructor_sources:
            continue
        else:
            code = definitions_only(source)
            if not code:
                continue
        label = f"cell {index + 1}"
        steps.append((label, code))
        for name in defs:
            defined_in.setdefault(name, []).append(label)
    return Plan(steps, defined_in)


def function_signature(source: str, name: str):
    """An :class:`inspect.Signature` of the last top-level ``def name`` in ``source`` (parameter kinds)."""
    import inspect

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    nodes = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name]
    if not nodes:
        return None
    a = nodes[-1].args
    P, params = inspect.Parameter, []
    positional = [*a.posonlyargs, *a.args]
    n_defaults = len(a.defaults)
    for i, arg in enumerate(positional):
        kind = P.POSITIONAL_ONLY if i < len(a.posonlyargs) else P.POSITIONAL_OR_KEYWORD
        has_default = i >= len(positional) - n_defaults
        params.append(P(arg.arg, kind, default=None if has_default else P.empty))
    if a.vararg:
        params.append(P(a.vararg.arg, P.VAR_POSITIONAL))
    for arg, default in zip(a.kwonlyargs, a.kw_defaults):
        params.append(P(arg.arg, P.KEYWORD_ONLY, default=P.empty if default is None else None))
    if a.kwarg:
        params.append(P(a.kwarg.arg, P.VAR_KEYWORD))
    try:
        return inspect.Signature(params)
    except ValueError:
        return None
