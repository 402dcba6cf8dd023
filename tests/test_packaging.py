"""The README's quick start, CI and Binder agree with pyproject.toml."""

from __future__ import annotations

import re
import tomllib

from ._course import ROOT


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```(?:bash|sh)?\n(.*?)```", section, re.DOTALL).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_quick_start_is_two_commands_that_ci_runs():
    setup, tests = _quick_start_commands()
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.startswith(".venv/") or line.startswith("python3 -m venv")]
    install, test = ci
    assert setup == f"{install} && .venv/bin/mlcourse lab"
    assert tests == test


def test_binder_requirements_match_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["course"]
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    pinned = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert sorted(pinned) == sorted(wanted)


def test_console_script_points_at_the_cli():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["mlcourse"] == "mlcourse_lib.cli:main"


def test_readme_feedback_example_is_what_the_checker_prints():
    import numpy as np

    from mlcourse_lib.exercises import run_check

    readme = (ROOT / "README.md").read_text()
    shown = re.search(r"```\n(✗ mse_loss.*?)\n```", readme, re.DOTALL).group(1)
    report = run_check("mse_loss", lambda y_true, y_pred: np.sum((y_true - y_pred) ** 2))
    assert report.message == shown
