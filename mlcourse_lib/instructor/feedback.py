"""What a student and the instructor get back for one submission.

- :func:`feedback_html`: the student's page, ``feedback/<student>/<assignment>/<notebook>.html``.
  For each graded exercise: points, the verdict (✓, or the one failing case with its inputs,
  the expected and returned values and the known mistake it matches), and the student's own
  answer code. It never shows hidden test code, nor any hidden case but the one that failed.
  Self-contained, no scripts, no outside requests.
- :func:`autograded_notebook`: the instructor's copy, ``autograded/<student>/<assignment>/``,
  as nbgrader lays it out: the submission with the locked cells restored from the source and
  each graded cell's verdict as its output, so formgrader shows it for manual review.
"""

from __future__ import annotations

import copy
import html
import json

from .submission import Assignment, _text
from .verdict import SubmissionVerdict

__all__ = ["autograded_notebook", "feedback_html", "OUTPUT_LIMIT"]

OUTPUT_LIMIT = 20_000  # characters of one stored output kept in the autograded copy

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; } td, th { padding: .25rem .75rem; border-bottom: 1px solid #ddd; text-align: left; }
td.num, th.num { text-align: right; }
.pass { color: #1a7f37; } .fail { color: #b3261e; }
pre { background: #f6f8fa; padding: .75rem; overflow-x: auto; white-space: pre-wrap; border-radius: 4px; }
pre.verdict { background: #fff8f0; } pre.verdict.pass { background: #f0fff4; }
.note { color: #555; }
"""


def _pre(text: str, cls: str = "") -> str:
    return f'<pre class="{cls}">{html.escape(text)}</pre>' if cls else f"<pre>{html.escape(text)}</pre>"


def feedback_html(assignment: Assignment, verdict: SubmissionVerdict, answers: dict[str, str],
                  titles: dict[str, str]) -> str:
    """The feedback page; ``answers`` maps a function name to the student's answer code."""
    esc = html.escape
    total = f"{verdict.score:g} / {verdict.max_score:g}"
    rows = []
    for cell in verdict.cells:
        ok = cell.score >= cell.points
        mark = '<span class="pass">✓</span>' if ok else '<span class="fail">✗</span>'
        rows.append(f"<tr><td>{mark}</td><td>{esc(titles.get(cell.exercise, cell.exercise))}</td>"
                    f'<td class="num">{cell.score:g} / {cell.points:g}</td>'
                    f"<td>{esc(cell.reason)}</td></tr>")
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(assignment.name)}: feedback for {esc(verdict.student)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{esc(assignment.name)}: {total}</h1>",
        f'<p class="note">Feedback for <b>{esc(verdict.student)}</b> on {esc(assignment.notebook)}. '
        "Each exercise was run on its public cases and then on hidden cases: fixed hard cases and "
        "random ones drawn from a seed of your own, named below so that you can reproduce a "
        "failure with <code>check(..., hidden=True, seed=...)</code>.</p>",
    ]
    if verdict.error:
        parts.append(f'<p class="fail"><b>Not graded:</b> {esc(verdict.error)}</p>')
    parts.append('<table><tr><th></th><th>exercise</th><th class="num">points</th><th>why</th></tr>')
    parts += rows
    parts.append("</table>")
    if verdict.notes:
        parts.append("<h2>While your answers were loaded</h2><ul>")
        parts += [f"<li>{esc(note)}</li>" for note in verdict.notes]
        parts.append("</ul>")
    graded = {c.exercise: c for c in assignment.graded}
    for cell in verdict.cells:
        ok = cell.score >= cell.points
        function = graded[cell.exercise].function if cell.exercise in graded else cell.exercise
        parts.append(f"<h2>{esc(titles.get(cell.exercise, cell.exercise))} "
                     f"({cell.score:g} / {cell.points:g})</h2>")
        parts.append(_pre(cell.message, "verdict pass" if ok else "verdict"))
        if function in answers:
            parts.append(f"<p>Your answer:</p>{_pre(answers[function])}")
    parts.append("</body></html>")
    return "\n".join(parts)


def _trim_outputs(cell: dict) -> None:
    """Keep each output of a stored cell below ``OUTPUT_LIMIT`` characters."""
    for output in cell.get("outputs", []) or []:
        if not isinstance(output, dict):
            continue
        if "text" in output:
            text = _text(output["text"])
            if len(text) > OUTPUT_LIMIT:
                output["text"] = text[:OUTPUT_LIMIT] + f"\n… {len(text) - OUTPUT_LIMIT} more characters not kept\n"
        data = output.get("data")
        if isinstance(data, dict):
            for key in list(data):
                value = _text(data[key]) if isinstance(data[key], (str, list)) else json.dumps(data[key])
                if len(value) > 50 * OUTPUT_LIMIT:
                    data[key] = f"[output of {len(value)} characters not kept]" if key == "text/plain" else None
                    if data[key] is None:
                        del data[key]


def autograded_notebook(assignment: Assignment, nb: dict | None, verdict: SubmissionVerdict) -> dict:
    """The instructor's copy of the submission, with the verdicts as the graded cells' outputs."""
    source = assignment.source_nb
    by_grade_id = {c.grade_id: c for c in verdict.cells}
    if nb is None:
        out = copy.deepcopy(source)
        for cell in out["cells"]:
            if cell.get("cell_type") == "code":
                cell["outputs"], cell["execution_count"] = [], None
    else:
        out = copy.deepcopy(nb)
    locked = {c["metadata"]["nbgrader"]["grade_id"]: c for c in source["cells"]
              if c.get("metadata", {}).get("nbgrader", {}).get("locked")}
    seen, cells = set(), []
    for cell in out.get("cells", []):
        if not isinstance(cell, dict):
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell.get("metadata"), dict) else {}
        grade_id = meta.get("grade_id")
        if grade_id in seen:
            continue  # a duplicated cell: nbgrader needs each grade id once
        if grade_id is not None:
            seen.add(grade_id)
        if grade_id in locked:
            original = copy.deepcopy(locked[grade_id])
            original["outputs"] = cell.get("outputs", []) if original["cell_type"] == "code" else None
            if original["cell_type"] != "code":
                original.pop("outputs", None)
            cell = original
        if grade_id in by_grade_id:
            v = by_grade_id[grade_id]
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": v.message + "\n"}]
            if v.score < v.points:
                cell["outputs"].append({"output_type": "error", "ename": "CheckFailed",
                                        "evalue": v.reason, "traceback": [v.reason]})
        _trim_outputs(cell)
        cells.append(cell)
    for grade_id, cell in locked.items():  # graded cells the student deleted come back
        if grade_id not in seen and grade_id in by_grade_id:
            v = by_grade_id[grade_id]
            restored = copy.deepcopy(cell)
            restored["outputs"] = [{"output_type": "stream", "name": "stdout", "text": v.message + "\n"}]
            cells.append(restored)
    out["cells"] = cells
    out["metadata"] = {**source.get("metadata", {})}
    return out
