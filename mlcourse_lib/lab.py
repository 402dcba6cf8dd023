"""The student's JupyterLab: the course's notebooks without the instructor's tools.

nbgrader installs its JupyterLab extension for instructors and students alike. In the
student's lab, :func:`lab_command` keeps nbgrader's *Validate* button and hides the rest:
the Formgrader, the *Create Assignment* panel, the course and assignment lists and the
nbgrader menu, in the page (``labconfig/page_config.json``) and on the server
(``jupyter_server_config.json``), plus JupyterLab's news pop-up. The settings live in a
config folder of the workspace, added to ``JUPYTER_CONFIG_PATH`` for this lab only, so
nothing changes in the user's own Jupyter configuration.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

__all__ = ["HIDDEN_PLUGINS", "HIDDEN_SERVER_EXTENSIONS", "lab_command", "write_lab_config"]

CONFIG_FOLDER = ".mlcourse-lab"

HIDDEN_PLUGINS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:menu",
    "@jupyterlab/apputils-extension:announcements",
)

HIDDEN_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
    "nbgrader.server_extensions.assignment_list",
)


def write_lab_config(workspace: Path | str) -> Path:
    """Write the student lab's config folder in ``workspace`` and return it."""
    folder = Path(workspace) / CONFIG_FOLDER
    (folder / "labconfig").mkdir(parents=True, exist_ok=True)
    page = {"disabledExtensions": {name: True for name in HIDDEN_PLUGINS}}
    (folder / "labconfig" / "page_config.json").write_text(json.dumps(page, indent=1) + "\n")
    server = {"ServerApp": {"jpserver_extensions": {name: False for name in HIDDEN_SERVER_EXTENSIONS}}}
    (folder / "jupyter_server_config.json").write_text(json.dumps(server, indent=1) + "\n")
    return folder


def lab_command(workspace: Path | str, extra: list[str]) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that open ``workspace`` in the student's JupyterLab."""
    workspace = Path(workspace)
    config = write_lab_config(workspace)
    env = dict(os.environ)
    previous = env.get("JUPYTER_CONFIG_PATH")
    env["JUPYTER_CONFIG_PATH"] = str(config) + (os.pathsep + previous if previous else "")
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={workspace}",
            "--LabApp.news_url=None", *extra]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        argv.append("--allow-root")  # containers and CI machines often run as root
    return argv, env
