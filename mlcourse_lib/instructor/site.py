"""The course as a website: every chapter as a student sees it, with its real outputs, offline.

``mlcourse site`` builds it with Jupyter Book 1 (Sphinx) into ``site/`` (``site/index.html``):

- a start page with the chapter table and the two-command quick start, both taken from the
  README, so the two cannot drift apart;
- one page per chapter: the student release in ``course/`` (answer cells are the stubs, no
  hidden tests), without its *Grading* section, executed during the build, so every number
  and plot on the page is what the code printed;
- math rendered by MathJax served from the site itself (Debian's ``libjs-mathjax``, copied
  into the site), never from a CDN.

Nothing is downloaded while building. The build folder is ``site/_source`` (generated).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .course import assignments, course_directory

__all__ = ["MATHJAX_DIRS", "build_site", "find_mathjax", "site_sources"]

MATHJAX_DIRS = ("/usr/share/javascript/mathjax", "/usr/share/mathjax")
# what MathJax 2 needs for TeX input and CommonHTML output, in the site
_MATHJAX_PARTS = ("MathJax.js", "extensions", "jax/input/TeX", "jax/element", "jax/output/CommonHTML",
                  "localization/en", "fonts/HTML-CSS/TeX/woff")


def find_mathjax() -> Path:
    """A local MathJax 2 (Debian ``libjs-mathjax``), or ``FileNotFoundError`` saying how to get one."""
    for folder in MATHJAX_DIRS:
        if (Path(folder) / "MathJax.js").is_file():
            return Path(folder)
    raise FileNotFoundError("MathJax is not installed; the site serves its own copy of it: install "
                            "Debian's libjs-mathjax (apt-get install libjs-mathjax).")


def _readme_parts(root: Path) -> tuple[str, str]:
    """The chapter table and the quick-start block of the README."""
    readme = (root / "README.md").read_text()
    table = "\n".join(line for line in readme.split("## Quick start")[0].splitlines() if line.startswith("|"))
    quick = re.search(r"## Quick start\n(.*?)\n## ", readme, re.DOTALL).group(1).strip()
    return table, quick


def _chapter_notebook(path: Path) -> dict:
    """The release notebook without its Grading section (and stored outputs cleared)."""
    nb = json.loads(path.read_text())
    cells = []
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown" and source.lstrip().startswith("## Grading"):
            break
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    nb["cells"] = cells
    return nb


def site_sources(root: Path | str, folder: Path | str) -> list[str]:
    """Write the book's sources (pages, table of contents, configuration) into ``folder``."""
    import yaml

    root, folder = Path(root).resolve(), Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "chapters").mkdir(parents=True)
    release = root / course_directory(root).release_directory
    names = assignments(root)
    pages = []
    for name in names:
        notebooks = sorted((release / name).glob("*.ipynb"))
        if not notebooks:
            raise FileNotFoundError(f"course/{name} has no notebook; run mlcourse release first")
        (folder / "chapters" / f"{name}.ipynb").write_text(json.dumps(_chapter_notebook(notebooks[0]), indent=1))
        pages.append(f"chapters/{name}")
    table, quick = _readme_parts(root)
    (folder / "intro.md").write_text(
        "# mlcourse\n\n"
        "An open, Jupyter-based course on how AI models are trained and optimized, with exercises "
        "that grade themselves. Each chapter below is shown as a student meets it: the explanations, "
        "the code and what it printed and plotted when this site was built, and each exercise as an "
        "empty function to write, with the ✗ its check prints until it is written.\n\n"
        f"{table}\n\n## Quick start\n\n{quick}\n")
    toc = {"format": "jb-book", "root": "intro", "chapters": [{"file": page} for page in pages]}
    (folder / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    config = {
        "title": "mlcourse",
        "author": "the mlcourse authors",
        "copyright": "MIT license",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "force", "timeout": 300, "allow_errors": False,
                    "run_in_temp": False},
        "parse": {"myst_enable_extensions": ["dollarmath", "amsmath"]},
        "html": {"use_repository_button": False, "use_issues_button": False, "use_edit_page_button": False,
                 "use_download_button": False, "home_page_in_navbar": True},
        "launch_buttons": {"binderhub_url": "", "colab_url": "", "thebe": False, "notebook_interface": "jupyterlab"},
        "sphinx": {"config": {
            # MathJax 2 with TeX input and HTML output only (no menu, no accessibility
            # extensions, which Debian's package leaves out)
            "mathjax_path": "mathjax/MathJax.js",
            "mathjax2_config": {"jax": ["input/TeX", "output/CommonHTML"], "extensions": ["tex2jax.js"],
                                "TeX": {"extensions": ["AMSmath.js", "AMSsymbols.js", "noErrors.js",
                                                       "noUndefined.js"]},
                                # myst-nb marks notebook pages "ignore": typeset the math elements only
                                "tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]],
                                            "processEscapes": True, "processClass": "math|output_area",
                                            "ignoreClass": "tex2jax_ignore|mathjax_ignore|document"},
                                "showMathMenu": False, "messageStyle": "none"},
            # not "_static": Jupyter Book adds every script found there to every page
            "html_static_path": ["_mathjax"],
            "html_theme_options": {"use_download_button": False, "use_fullscreen_button": False},
            "nb_merge_streams": True,
            # widgets (a slider, tqdm's bar) show their static fallback: their scripts live on a CDN
            "nb_ipywidgets_js": {},
        }},
    }
    (folder / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    mathjax = find_mathjax()
    for part in _MATHJAX_PARTS:
        source, target = mathjax / part, folder / "_mathjax" / "mathjax" / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
    return pages


def build_site(root: Path | str, output: Path | str | None = None) -> Path:
    """Build the website into ``output`` (default ``site/``) and return its ``index.html``."""
    root = Path(root).resolve()
    output = Path(output).resolve() if output else root / "site"
    source = output / "_source"
    site_sources(root, source)
    command = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(source), "--path-output",
               str(source), "--warningiserror", "--keep-going", "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=root)
    if done.returncode != 0:
        from .course import CourseError

        log = done.stdout + done.stderr
        lines = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line or "Error" in line]
        raise CourseError(f"building the site failed: {lines[0].strip() if lines else 'see the log'}", log=log)
    html = source / "_build" / "html"
    for item in output.iterdir():
        if item.name != "_source":
            shutil.rmtree(item) if item.is_dir() else item.unlink()
    for item in html.iterdir():
        shutil.move(str(item), output / item.name)
    return output / "index.html"
