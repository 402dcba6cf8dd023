"""Check a notebook before it is handed in: ``mlcourse doctor NOTEBOOK|FOLDER``.

:func:`diagnose` reads each notebook (nothing is executed) and returns one line per
problem, ``"<notebook>: <the problem and what to do>"``; no line means no problem found.
It looks for what makes grading fail or surprise a student:

- a file that cannot be read: empty, not JSON, not a notebook;
- a file over 10 MB, a cell output over 1 MB (clear the outputs);
- a kernel that is not Python;
- a cell that does not parse;
- a grade id on more than one cell (a copied cell), a grade id of the source missing
  (a deleted answer or graded cell), a locked cell that was changed (nbgrader's checksum,
  or the source's text when the notebook carries no checksum);
- a call of ``input()``, which would wait forever when graded;
- an exercise whose function no cell defines (at its top level, as grading looks for it:
  ``def``, assignment or import), an answer cell that still raises ``NotImplementedError``
  ("not answered yet").

The instructor's source notebook, ``solutions/<assignment>/<notebook>`` of the course root,
says which cells and functions are graded; ``<assignment>`` is the name of the notebook's
folder (``work/<assignment>/``, ``course/<assignment>/``,
``submitted/<student>/<assignment>/``). Without a course root or a source, one line says so
and the checks that need no source are still done.

Only the standard library is imported (and IPython for cells with ``%magic`` syntax), so a
check takes a fraction of a second.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from pathlib import Path

from .course import CONFIG_FILE, find_root, load_config
from .submission import Assignment, _text, read_notebook, top_level_names, transform_ipython

__all__ = ["checksum", "diagnose"]

MB = 1_000_000
OUTPUT_LIMIT = 1 * MB      # bytes of one cell output (as JSON)
FILE_LIMIT = 10 * MB       # bytes of the notebook file

CLEAR_OUTPUTS = "clear outputs before handing in (Edit > Clear Outputs of All Cells), then save"


def diagnose(path: Path | str, root: str | Path = ".") -> list[str]:
    """The problems of a notebook, or of every notebook below a folder: one line each.

    Parameters
    ----------
    path : the notebook, or a folder searched recursively for ``*.ipynb``
        (``.ipynb_checkpoints`` is skipped).
    root : where to look for the course root (the folder of ``nbgrader_config.py``, at
        ``root`` or above it); when there is none, the folders above the notebook are tried.

    Returns
    -------
    list of str, each ``"<notebook path>: <problem and what to do>"``; empty when no problem
    was found.

    Raises
    ------
    FileNotFoundError when ``path`` does not exist.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "x.ipynb").write_text("")
    ...     for line in diagnose(Path(folder) / "x.ipynb", root=folder):
    ...         print(line.split(": ", 1)[1])
    x.ipynb is empty; restore a copy that opens in Jupyter (e.g. from .ipynb_checkpoints/) before handing it in
    """
    path = Path(path)
    if path.is_dir():
        notebooks = sorted(p for p in path.rglob("*.ipynb")
                           if p.is_file() and ".ipynb_checkpoints" not in p.relative_to(path).parts)
        if not notebooks:
            return [f"{path}: no notebook (*.ipynb) in this folder or below it: check the path"]
    elif path.exists():
        notebooks = [path]
    else:
        raise FileNotFoundError(f"no notebook or folder at {path}")
    sources = _Sources(root)
    problems = []
    for notebook in notebooks:
        problems.extend(f"{notebook}: {line}" for line in _diagnose_one(notebook, sources))
    return problems


# ---------------------------------------------------------------- the instructor's source

class _Sources:
    """Finds (and caches) the source :class:`Assignment` of a notebook."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.cache: dict[Path, Assignment | str] = {}

    def course_root(self, notebook: Path) -> Path | None:
        for start in (self.root, notebook.resolve().parent):
            try:
                return find_root(start)
            except (FileNotFoundError, OSError):
                continue
        return None

    def find(self, notebook: Path) -> tuple[Assignment | None, str, str]:
        """``(assignment, release path for messages, "")`` or ``(None, "", why there is none)``."""
        course = self.course_root(notebook)
        if course is None:
            return None, "", (f"no course root (no {CONFIG_FILE} in {self.root.resolve()} or above it), so it "
                              "was not compared with its source notebook: run mlcourse doctor from the "
                              "course folder or pass --root COURSE")
        try:
            config = load_config(course).CourseDirectory
            source_dir = course / config.get("source_directory", "source")
            release_dir = config.get("release_directory", "release")
        except Exception as exc:  # a broken nbgrader_config.py
            return None, "", (f"the course's {CONFIG_FILE} cannot be read ({exc}), so the notebook was not "
                              "compared with its source notebook: fix the configuration")
        name = notebook.resolve().parent.name
        folder = source_dir / name
        source = folder / notebook.name
        if not source.is_file():
            candidates = sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
            if len(candidates) == 1:
                source = candidates[0]
            elif not candidates:
                known = sorted(p.name for p in source_dir.iterdir() if p.is_dir()) if source_dir.is_dir() else []
                return None, "", (f"its folder {name!r} is not an assignment of the course at {course} "
                                  f"({', '.join(known) or 'none found'}), so it was not compared with its "
                                  "source notebook: keep it in the folder named after its assignment "
                                  "(e.g. work/<assignment>/)")
            else:
                return None, "", (f"{source_dir.name}/{name} holds {len(candidates)} notebooks and none is "
                                  f"named {notebook.name}, so it was not compared with its source notebook: "
                                  "give it the name of the released notebook")
        if source not in self.cache:
            try:
                self.cache[source] = Assignment.from_source(name, source)
            except Exception as exc:
                self.cache[source] = (f"its source notebook {source} cannot be used ({exc}), so it was not "
                                      "compared with it: tell the instructor")
        found = self.cache[source]
        if isinstance(found, str):
            return None, "", found
        return found, f"{release_dir}/{name}/{source.name}", ""


# ---------------------------------------------------------------- cells

def _grading(cell: dict) -> dict:
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return meta if isinstance(meta, dict) else {}


def _is_locked(meta: dict):
    """nbgrader's ``is_locked`` (the raw value, as its checksum hashes ``str()`` of it)."""
    if not meta:
        return False
    if meta.get("solution", False):
        return False
    if meta.get("grade", False):
        return True
    return meta.get("locked", False)


def checksum(cell: dict) -> str:
    """nbgrader's checksum of a cell (:func:`nbgrader.utils.compute_checksum`), on a plain dict.

    The MD5 of the source, the cell type, the grade / solution / locked flags, the grade id
    and, for a graded cell, its points: what nbgrader stores in ``metadata.nbgrader.checksum``
    when it releases a notebook. Written out here so that checking a notebook does not pay
    for importing nbgrader.
    """
    meta = _grading(cell)
    m = hashlib.md5()
    m.update(_text(cell.get("source", "")).encode("utf-8"))
    m.update(str(cell.get("cell_type", "")).encode("utf-8"))
    m.update(str(meta.get("grade", False)).encode("utf-8"))
    m.update(str(meta.get("solution", False)).encode("utf-8"))
    m.update(str(_is_locked(meta)).encode("utf-8"))
    m.update(str(meta["grade_id"]).encode("utf-8"))
    if meta.get("grade", False):
        m.update(str(float(meta["points"])).encode("utf-8"))
    return m.hexdigest()


def _parse(source: str) -> ast.Module:
    """The syntax tree of a cell; IPython syntax (``%magic``, ``!cmd``) is translated first."""
    try:
        return ast.parse(source)
    except SyntaxError as error:
        try:
            from IPython.core.inputtransformer2 import TransformerManager

            translated = TransformerManager().transform_cell(source)
        except Exception:
            raise error from None
        if translated == source:
            raise
        try:
            return ast.parse(translated)
        except SyntaxError:
            raise error from None


def _normalized(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _without_hidden_tests(text: str) -> str:
    """The text of a cell as nbgrader releases it: without the ``### BEGIN/END HIDDEN TESTS`` regions."""
    kept, hidden = [], False
    for line in text.splitlines():
        if "BEGIN HIDDEN TESTS" in line:
            hidden = True
        elif "END HIDDEN TESTS" in line:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)


def _raises_not_implemented(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
                return True
    return False


# ---------------------------------------------------------------- one notebook

def _diagnose_one(path: Path, sources: _Sources) -> list[str]:
    """The problems of one notebook, without the path prefix: notebook-wide ones first, then by cell."""
    general: list[str] = []
    by_cell: list[tuple[int, int, str]] = []   # (cell number, order of the check, line)

    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size > FILE_LIMIT:
        general.append(f"the file is {size / MB:.1f} MB (more than {FILE_LIMIT // MB} MB): {CLEAR_OUTPUTS}")
    nb, error = read_notebook(path)
    if nb is None:
        general.append(f"{error}; restore a copy that opens in Jupyter (e.g. from .ipynb_checkpoints/) "
                       "before handing it in")
        return general

    kernel = _kernel_problem(nb.get("metadata"))
    if kernel:
        general.append(kernel)

    assignment, release, why = sources.find(path)
    if why:
        general.append(why)
    restore = f"from a fresh copy of the released notebook ({release})" if release else \
        "from a fresh copy of the released notebook"

    cells = [(number, cell) for number, cell in enumerate(nb["cells"], start=1) if isinstance(cell, dict)]
    trees: dict[int, ast.Module] = {}
    broken: dict[int, str] = {}      # cell number -> its source, for cells that do not parse
    for number, cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = _text(cell.get("source", ""))
        try:
            trees[number] = _parse(source)
        except SyntaxError as exc:
            broken[number] = source
            by_cell.append((number, 0, f"cell {number} has a syntax error on its line {exc.lineno}: {exc.msg}: "
                                       "fix it (a cell that does not parse cannot run when graded)"))

    # grade ids: copies, edits of locked cells
    seen: dict[str, int] = {}
    present: set[str] = set()
    source_cells = {}
    if assignment is not None:
        for cell in assignment.source_nb.get("cells", []):
            meta = _grading(cell)
            if meta.get("grade_id"):
                source_cells[str(meta["grade_id"])] = cell
    for number, cell in cells:
        meta = _grading(cell)
        grade_id = meta.get("grade_id")
        if not grade_id:
            continue
        grade_id = str(grade_id)
        present.add(grade_id)
        if grade_id in seen:
            by_cell.append((number, 1, f"cell {number} duplicates grade id {grade_id} (from a copied cell): "
                                       "delete the copy or clear its nbgrader metadata"))
            continue
        seen[grade_id] = number
        if _is_locked(meta) and _locked_changed(cell, meta, source_cells.get(grade_id)):
            by_cell.append((number, 2, f"cell {number} (grade id {grade_id}) is locked but was changed: "
                                       f"undo the change (copy the cell back {restore}); "
                                       "put code of your own in a new cell"))

    # input(), outputs, answers not written yet
    for number, cell in cells:
        tree = trees.get(number)
        if tree is not None:
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id == "input"):
                    by_cell.append((number, 3, f"cell {number} calls input() on its line {node.lineno}: "
                                               "nobody can type an answer when it is graded, so it would wait "
                                               "forever: remove the call and set the value in the code"))
                    break
        outputs = cell.get("outputs")
        if isinstance(outputs, list):
            largest = max((len(_json(output)) for output in outputs), default=0)
            if largest > OUTPUT_LIMIT:
                by_cell.append((number, 4, f"cell {number} has an output of {largest / MB:.1f} MB "
                                           f"(more than {OUTPUT_LIMIT // MB} MB): {CLEAR_OUTPUTS}"))
        meta = _grading(cell)
        if meta.get("solution") and tree is not None and _raises_not_implemented(tree):
            label = f" ({meta['grade_id']})" if meta.get("grade_id") else ""
            by_cell.append((number, 5, f"cell {number}{label} is not answered yet (it still raises "
                                       "NotImplementedError): write your answer in place of "
                                       "`# YOUR CODE HERE` and the raise"))

    if assignment is not None:
        general.extend(_missing(assignment, cells, trees, broken, present, source_cells, restore))

    return general + [line for _, _, line in sorted(by_cell, key=lambda item: item[:2])]


def _json(output) -> bytes:
    """An output as the notebook file stores it (UTF-8 JSON), for its size."""
    try:
        return json.dumps(output, ensure_ascii=False).encode("utf-8", errors="replace")
    except (TypeError, ValueError):
        return str(output).encode("utf-8", errors="replace")


def _kernel_problem(metadata) -> str:
    metadata = metadata if isinstance(metadata, dict) else {}
    spec = metadata.get("kernelspec") if isinstance(metadata.get("kernelspec"), dict) else {}
    info = metadata.get("language_info") if isinstance(metadata.get("language_info"), dict) else {}
    language = str(spec.get("language") or info.get("name") or "").lower()
    name = str(spec.get("name") or "")
    if not language and not name:
        return ""
    if language == "python" or (not language and "python" in name.lower()):
        return ""
    display = spec.get("display_name") or name or language
    return (f"its kernel is {display} ({language or 'not Python'}), not Python: choose a Python 3 kernel "
            "(Kernel > Change Kernel), run the notebook again and save")


def _locked_changed(cell: dict, meta: dict, source_cell: dict | None) -> bool:
    """Whether a locked cell differs from what was released: nbgrader's checksum when the cell
    carries one, else the source's text (with or without its hidden tests)."""
    stored = meta.get("checksum")
    if stored:
        try:
            return checksum(cell) != stored
        except (KeyError, TypeError, ValueError):
            return True
    if source_cell is None:
        return False
    text = _normalized(_text(cell.get("source", "")))
    original = _text(source_cell.get("source", ""))
    return text not in {_normalized(original), _normalized(_without_hidden_tests(original))}


def _missing(assignment: Assignment, cells, trees, broken, present, source_cells, restore) -> list[str]:
    """Grade ids of the source absent from the notebook, and graded functions no cell defines."""
    lines = []
    lost = set()                       # functions defined by a source answer cell that is missing
    for grade_id, cell in source_cells.items():
        meta = _grading(cell)
        if grade_id in present or not (meta.get("solution") or meta.get("grade")):
            continue
        if meta.get("solution"):
            try:
                tree = ast.parse(_text(cell.get("source", "")))
                lost |= {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
            except SyntaxError:
                pass
        kind = "answer" if meta.get("solution") else "graded"
        lines.append(f"the {kind} cell {grade_id} of the assignment is missing (deleted, or its nbgrader "
                     f"metadata cleared): copy it back {restore}" +
                     (" and write your answer in it again" if kind == "answer" else ""))

    defined: set[str] = set()          # found as grading finds them (plan_answers)
    for number, cell in cells:
        if number in trees:
            defined |= top_level_names(transform_ipython(_text(cell.get("source", ""))))
    done = set()
    for graded in assignment.graded:
        function = graded.function
        if function in defined or function in done or function in lost:
            continue  # defined, reported, or its answer cell is missing (that line says what to do)
        done.add(function)
        if any(re.search(rf"^\s*(async\s+)?def\s+{re.escape(function)}\s*\(", source, re.MULTILINE)
               for source in broken.values()):
            continue  # its cell does not parse: that line says what to do
        lines.append(f"exercise {graded.exercise} is missing: no cell defines {function}(): copy its "
                     f"answer cell back {restore} and write your answer in it")
    return lines
