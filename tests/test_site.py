"""The website: built from the release as a student meets it, read in headless Chromium.

The build (``mlcourse site``) executes every chapter, so it runs once per test session. The
browser check (``tests/browser/check_site.js``, Debian's chromium and npm's playwright-core,
both installed by ``.ci/run``) opens every page from disk and records every request to another
host, raw TeX left on the page after MathJax ran, and figures that did not load.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from mlcourse_lib.exercises import all_exercises
from mlcourse_lib.instructor.course import assignments
from mlcourse_lib.instructor.site import build_site, find_mathjax

from ._course import ROOT

BROWSER = ROOT / "tests" / "browser"


def _missing() -> str | None:
    try:
        find_mathjax()
    except FileNotFoundError as error:
        return str(error)
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=str(_missing()))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    index = build_site(ROOT, out)
    assert index == out / "index.html" and index.is_file()
    return out


def test_every_chapter_has_a_page_with_its_real_outputs(site):
    for name in assignments(ROOT):
        page = (site / "chapters" / f"{name}.html").read_text()
        assert 'class="cell_output' in page, f"{name}: no executed output on its page"
    html = (site / "intro.html").read_text()
    start = re.sub(r"<[^>]+>", "", html)
    assert ".venv/bin/mlcourse lab" in start and ".venv/bin/python -m pytest" in start
    assert all(f"chapters/{name}.html" in html for name in assignments(ROOT))


def test_exercises_appear_as_the_student_sees_them(site):
    pages = "".join((site / "chapters" / f"{name}.html").read_text() for name in assignments(ROOT))
    assert "BEGIN SOLUTION" not in pages and "BEGIN HIDDEN TESTS" not in pages
    assert "assert_passes" not in pages, "graded cells must not be on the site"
    assert pages.count("NotImplementedError") >= len(all_exercises())


def test_math_is_served_by_the_site_itself(site):
    assert (site / "_static" / "mathjax" / "MathJax.js").is_file()
    for page in site.rglob("*.html"):
        text = page.read_text()
        assert "cdn.jsdelivr" not in text and "cdnjs" not in text and "https://cdn" not in text, page


@pytest.mark.skipif(shutil.which("node") is None or not (BROWSER / "node_modules" / "playwright-core").is_dir()
                    or shutil.which("chromium") is None,
                    reason="needs node, chromium and `npm ci --prefix tests/browser`")
def test_every_page_in_chromium_loads_offline_with_math_and_figures(site, tmp_path):
    done = subprocess.run(["node", str(BROWSER / "check_site.js"), str(site), str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert [p["page"] for p in report] == ["intro.html", *(f"chapters/{n}.html" for n in assignments(ROOT))]
    for page in report:
        assert page["outside"] == [], (page["page"], page["outside"][:3])
        assert page["failed"] == [], (page["page"], page["failed"][:3])
        assert page["rawMath"] == [], (page["page"], page["rawMath"])
        assert page["brokenImages"] == [], (page["page"], page["brokenImages"])
    for page in report[1:]:
        assert page["images"] >= 1, f"{page['page']}: no figure"
        assert page["typeset"] >= 1, f"{page['page']}: no typeset math"
