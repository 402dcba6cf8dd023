"""`mlcourse lab` starts JupyterLab on the student's own copy of the release (course/)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from ._course import RELEASED, ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_mlcourse_lab_serves_a_copy_of_the_course(tmp_path):
    workspace = tmp_path / "work"
    port, token = _free_port(), "mlcourse-test"
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlcourse_lib.cli", "lab", f"--workspace={workspace}", "--no-browser",
         "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline, listing = time.monotonic() + 60, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                chapter = RELEASED[0].parent.name
                with urllib.request.urlopen(f"{base}/api/contents/{chapter}?token={token}", timeout=5) as r:
                    listing = json.load(r)
                break
            except OSError:
                time.sleep(0.5)
        assert listing is not None, proc.stdout.read1().decode() if proc.poll() is not None else "lab did not start"
        assert RELEASED[0].name in {item["name"] for item in listing["content"]}
        with urllib.request.urlopen(f"{base}/lab?token={token}", timeout=10) as r:
            page = r.read().decode()
            assert r.status == 200 and "JupyterLab" in page
        # the instructor's tools and the news pop-up are hidden; nbgrader's Validate stays
        config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                      page, re.DOTALL).group(1))
        disabled = set(config["disabledExtensions"])
        assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:menu",
                "@jupyterlab/apputils-extension:announcements"} <= disabled
        assert "@jupyter/nbgrader:validate-assignment" not in disabled
        assert config.get("newsUrl") in (None, "")
        try:
            urllib.request.urlopen(f"{base}/formgrader?token={token}", timeout=10)
            raise AssertionError("the Formgrader is served in the student's lab")
        except urllib.error.HTTPError as error:
            assert error.code == 404
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    copy = workspace / RELEASED[0].relative_to(ROOT / "course")
    assert copy.read_bytes() == RELEASED[0].read_bytes()


def test_workspace_copy_never_overwrites_student_work(tmp_path):
    from mlcourse_lib.instructor.course import prepare_workspace

    copied = prepare_workspace(ROOT, tmp_path)
    assert {p.relative_to(tmp_path) for p in copied} >= {p.relative_to(ROOT / "course") for p in RELEASED}
    mine = tmp_path / RELEASED[0].relative_to(ROOT / "course")
    mine.write_text("my work")
    mine.with_name("extra.py").write_text("# a file of my own")
    again = prepare_workspace(ROOT, tmp_path)
    assert again == [] and mine.read_text() == "my work"
