"""The class report: what the class got right, and what to re-teach next lecture.

One self-contained HTML page per assignment (``reports/<assignment>.html``): the score
distribution (a histogram), the pass rate of each exercise, and for each exercise how many
students made each known mistake, most frequent first, with the other reasons for lost
points (not implemented, an error, a timeout, a library call) counted beside them.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections import Counter
from pathlib import Path

from .submission import Assignment
from .verdict import SubmissionVerdict

__all__ = ["summarize", "write_report"]


def _kind(reason: str) -> str:
    """A short category for a lost exercise that no known mistake explains."""
    if not reason:
        return "passed"
    rules = [("not implemented", "not implemented"), ("not graded", "not graded"),
             ("did not return within", "timed out"), ("ended the grading process", "ended the process"),
             ("which does the exercise's work", "called the library"), ("no code cell defines", "answer missing"),
             (" raised ", "raised an error"), ("returned None", "returned None"),
             ("changed its input", "changed its input")]
    for needle, kind in rules:
        if needle in reason:
            return kind
    return "wrong output, no known mistake"


def summarize(assignment: Assignment, verdicts: list[SubmissionVerdict]) -> dict:
    """Plain numbers behind the report (also what the tests check)."""
    graded = [v for v in verdicts if not v.error]
    per_exercise = {}
    for cell in assignment.graded:
        results = [c for v in graded for c in v.cells if c.exercise == cell.exercise]
        passed = sum(c.score >= c.points for c in results)
        mistakes = Counter(c.mistake for c in results if c.score < c.points and c.mistake)
        others = Counter(_kind(c.reason) for c in results if c.score < c.points and not c.mistake)
        per_exercise[cell.exercise] = {"passed": passed, "graded": len(results), "points": cell.points,
                                       "mistakes": dict(mistakes.most_common()),
                                       "other": dict(others.most_common())}
    return {"students": len(verdicts), "graded": len(graded), "not_graded": len(verdicts) - len(graded),
            "max_score": assignment.max_score, "scores": [v.score for v in graded],
            "exercises": per_exercise}


def _histogram(scores: list[float], max_score: float) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3), dpi=100)
    bins = [x - 0.5 for x in range(int(max_score) + 2)]
    ax.hist(scores, bins=bins, color="#4a7ab5", edgecolor="white", label="students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(f"score (out of {max_score:g})")
    ax.set_ylabel("students")
    ax.set_title("Score distribution")
    ax.legend()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def write_report(path: Path | str, assignment: Assignment, verdicts: list[SubmissionVerdict],
                 titles: dict[str, str]) -> Path:
    """Write the class report of one grading run and return its path."""
    esc = html.escape
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    s = summarize(assignment, verdicts)
    scores = s["scores"]
    mean = sum(scores) / len(scores) if scores else 0.0
    median = sorted(scores)[len(scores) // 2] if scores else 0.0
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>Class report: {esc(assignment.name)}</title>",
             "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
             "table{border-collapse:collapse}td,th{padding:.25rem .75rem;border-bottom:1px solid #ddd;"
             "text-align:left}td.num{text-align:right}</style></head><body>",
             f"<h1>Class report: {esc(assignment.name)}</h1>",
             f"<p>{s['students']} students submitted; {s['graded']} graded"
             + (f", {s['not_graded']} not graded (see the CSV for why)" if s["not_graded"] else "")
             + f". Mean score {mean:.2f}, median {median:g} of {s['max_score']:g}.</p>"]
    if scores:
        parts.append(f'<img alt="Histogram of the scores" src="data:image/png;base64,'
                     f'{_histogram(scores, s["max_score"])}">')
    parts.append("<h2>Pass rate per exercise</h2><table><tr><th>exercise</th><th>passed</th><th>rate</th></tr>")
    for exercise, e in s["exercises"].items():
        rate = e["passed"] / e["graded"] if e["graded"] else 0.0
        parts.append(f"<tr><td>{esc(titles.get(exercise, exercise))}</td>"
                     f'<td class="num">{e["passed"]} / {e["graded"]}</td><td class="num">{rate:.0%}</td></tr>')
    parts.append("</table><h2>What to re-teach: mistakes per exercise</h2>")
    for exercise, e in s["exercises"].items():
        if not e["mistakes"] and not e["other"]:
            continue
        parts.append(f"<h3>{esc(titles.get(exercise, exercise))}</h3><table>"
                     "<tr><th>known mistake, or why points were lost</th><th>students</th></tr>")
        for name, count in e["mistakes"].items():
            parts.append(f'<tr><td><b>{esc(name)}</b></td><td class="num">{count}</td></tr>')
        for name, count in e["other"].items():
            parts.append(f'<tr><td>{esc(name)}</td><td class="num">{count}</td></tr>')
        parts.append("</table>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts))
    markdown = path.with_suffix(".md")
    lines = [f"# Class report: {assignment.name}", "",
             f"{s['students']} students, {s['graded']} graded; mean {mean:.2f}, median {median:g} "
             f"of {s['max_score']:g}.", "", "| exercise | passed | most frequent known mistake |",
             "| --- | --- | --- |"]
    for exercise, e in s["exercises"].items():
        top = next(iter(e["mistakes"].items()), None)
        lines.append(f"| {exercise} | {e['passed']} / {e['graded']} | "
                     f"{re.sub(r'[|]', '/', top[0]) + f' ({top[1]})' if top else '—'} |")
    markdown.write_text("\n".join(lines) + "\n")
    return path
