"""Where student code runs at grading time: a bubblewrap sandbox around :mod:`.runner`.

The sandbox (``bwrap``, Debian package ``bubblewrap``) sees a read-only system (``/usr``,
``/etc``, the Python installation and its virtual environment), an empty ``/tmp``, and one
writable folder: the submission being graded. It has no network, its own PID, IPC and UTS
namespaces, and runs as an unprivileged user. The course library, scikit-learn, SciPy and
torch are hidden in it; the gradebook, ``solutions/``, other students' folders and the
grading process are not in it at all. Limits: address space, file size, number of
processes and open files (``setrlimit``), and a wall-clock deadline on every request, after
which the whole sandbox is killed.

Where bubblewrap is missing (or cannot start), :func:`protections` says so and grading runs
the same runner as a plain child process with the same limits; those packages then refuse
to import, but the student's code can reach whatever the grading user can.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from . import wire

__all__ = ["Limits", "Sandbox", "SandboxDied", "SandboxTimeout", "bubblewrap", "protections"]

RUNNER_DIR = Path(__file__).resolve().parent
HIDDEN_PACKAGES = ("mlcourse_lib", "sklearn", "scipy", "torch")
SANDBOX_UID_BASE = 61000  # one unprivileged user per worker, so sandboxes cannot signal each other
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


class SandboxDied(RuntimeError):
    """The sandboxed process ended (``os._exit``, a crash, a killed memory bomb)."""


class SandboxTimeout(RuntimeError):
    """A request did not finish before its deadline; the sandbox was killed."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandbox."""

    memory_mb: int = 2048
    file_mb: int = 64
    processes: int = 64
    open_files: int = 256
    call_seconds: float = 10.0   # one call of a student's function
    cell_seconds: float = 10.0   # loading one answer cell


@lru_cache(maxsize=1)
def bubblewrap() -> str | None:
    """Path of a working ``bwrap``, or None (missing, or it cannot create a sandbox here)."""
    if os.environ.get("MLCOURSE_NO_SANDBOX", "") not in ("", "0"):
        return None
    path = shutil.which("bwrap")
    if path is None:
        return None
    try:
        user = ["--unshare-user"] if os.geteuid() != 0 else []
        probe = subprocess.run([path, *user, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid",
                                "--die-with-parent", "true"], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if probe.returncode == 0 else None


def protections() -> str | None:
    """None when the sandbox is available; otherwise one paragraph on what is not protected."""
    if bubblewrap() is not None:
        return None
    why = ("bubblewrap (bwrap) is not installed" if shutil.which("bwrap") is None
           else "bubblewrap (bwrap) cannot create a sandbox here")
    return (f"{why}: student code runs as a plain process with resource limits only. It can "
            "read and write every file the grading user can (the gradebook, solutions/, other "
            "students' folders) and use the network; scikit-learn, SciPy, torch and the course "
            "library refuse to import but can be reached by a determined student. Install "
            "bubblewrap (apt-get install bubblewrap) to grade safely.")


def _hidden_paths() -> list[str]:
    """Folders of the packages the sandbox must not see (their installed locations)."""
    paths = []
    for name in HIDDEN_PACKAGES:
        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            spec = None
        for location in (spec.submodule_search_locations or []) if spec else []:
            paths.append(str(Path(location).resolve()))
    return paths


def _under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _bwrap_argv(bwrap_path: str, folder: Path, uid: int, runner_fds: tuple[int, int]) -> list[str]:
    system = [p for p in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc") if os.path.exists(p)]
    pythons = sorted({str(Path(p).resolve()) for p in (sys.base_prefix, sys.prefix)})
    pythons = [p for p in pythons if not _under(p, system)]
    argv = [bwrap_path, *(["--unshare-user"] if os.geteuid() != 0 else []), "--unshare-net", "--unshare-ipc", "--unshare-pid", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for path in system:
        argv += ["--ro-bind", path, path]
    made = set()
    for target in [*pythons, "/grader", str(folder)]:
        parents = list(Path(target).parents)[::-1][1:]  # without "/"
        for parent in parents:
            p = str(parent)
            if p not in made and not _under(p, system):
                argv += ["--perms", "0755", "--dir", p]
                made.add(p)
    for path in pythons:
        argv += ["--ro-bind", path, path]
    for path in _hidden_paths():
        if _under(path, pythons) or _under(path, system):
            argv += ["--tmpfs", path]
    argv += ["--perms", "0755", "--dir", "/grader",
             "--ro-bind", str(RUNNER_DIR / "runner.py"), "/grader/runner.py",
             "--ro-bind", str(RUNNER_DIR / "wire.py"), "/grader/wire.py",
             "--bind", str(folder), str(folder), "--chdir", str(folder),
             "--setenv", "HOME", str(folder), "--setenv", "MPLCONFIGDIR", "/tmp",
             *_drop_privileges(uid), sys.executable, "-I", "-B", "/grader/runner.py", str(runner_fds[0]), str(runner_fds[1])]
    return argv


def _drop_privileges(uid: int) -> list[str]:
    """As root: run as the worker's own unprivileged user. Otherwise bwrap already runs unprivileged."""
    if os.geteuid() != 0:
        return []
    return ["/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all"]


class Sandbox:
    """One sandboxed runner for one submission folder.

    ``request(message, timeout, serve)`` sends a request and returns the runner's reply,
    answering the runner's own questions (library calls, case callables) with ``serve``
    meanwhile. A request that outlives its deadline kills the sandbox
    (:class:`SandboxTimeout`); a runner that exits raises :class:`SandboxDied`. Either way
    :meth:`start` brings up a fresh one.
    """

    def __init__(self, folder: Path | str, *, limits: Limits = Limits(), worker: int = 0):
        self.folder = Path(folder).resolve()
        self.limits = limits
        self.uid = SANDBOX_UID_BASE + worker
        self.sandboxed = bubblewrap() is not None
        self.process: subprocess.Popen | None = None
        self.counter = 0
        self.busy = 0.0  # seconds spent starting the sandbox and waiting for its answers

    # -- life cycle
    def start(self, timeout: float = 30.0) -> None:
        began = time.monotonic()
        try:
            self._start(timeout)
        finally:
            self.busy += time.monotonic() - began

    def _start(self, timeout: float) -> None:
        self.close()
        to_runner_r, to_runner_w = os.pipe()
        from_runner_r, from_runner_w = os.pipe()
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
               "PYTHONDONTWRITEBYTECODE": "1", **{name: "1" for name in THREAD_VARIABLES}}
        if self.sandboxed:
            if os.geteuid() == 0:
                os.chown(self.folder, self.uid, self.uid)
                for path in self.folder.rglob("*"):
                    os.lchown(path, self.uid, self.uid)
            argv = _bwrap_argv(bubblewrap(), self.folder, self.uid, (to_runner_r, from_runner_w))
        else:
            blocked = [name for name in HIDDEN_PACKAGES if name != "mlcourse_lib"]  # it has a stand-in
            argv = [sys.executable, "-I", "-B", str(RUNNER_DIR / "runner.py"), str(to_runner_r),
                    str(from_runner_w), ",".join(blocked)]
            env["HOME"] = str(self.folder)
        limits = self.limits

        def set_limits():
            import resource
            for which, value in ((resource.RLIMIT_AS, limits.memory_mb * 2**20),
                                 (resource.RLIMIT_FSIZE, limits.file_mb * 2**20),
                                 (resource.RLIMIT_NPROC, limits.processes),
                                 (resource.RLIMIT_NOFILE, limits.open_files),
                                 (resource.RLIMIT_CORE, 0)):
                if value > 0:
                    try:
                        resource.setrlimit(which, (value, value))
                    except (ValueError, OSError):
                        pass
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

        try:
            self.process = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=None if os.environ.get("MLCOURSE_SANDBOX_DEBUG") else subprocess.DEVNULL,
                pass_fds=(to_runner_r, from_runner_w), cwd=self.folder, env=env,
                preexec_fn=set_limits, start_new_session=True)
        finally:
            os.close(to_runner_r)
            os.close(from_runner_w)
        self.write_fd, self.read_fd = to_runner_w, from_runner_r
        reply = self._next_message(time.monotonic() + timeout)
        if reply.get("op") != "ready":
            self.close()
            raise SandboxDied("the sandbox did not start")

    def close(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        for fd in (self.write_fd, self.read_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.process = None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- messages
    def _read_exactly(self, n: int, deadline: float) -> bytes:
        chunks, remaining = [], n
        while remaining:
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise SandboxTimeout("deadline passed")
            ready, _, _ = select.select([self.read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.read_fd, min(remaining, 1 << 20))
            if not chunk:
                self.close()
                raise SandboxDied("the sandboxed process ended")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _next_message(self, deadline: float) -> dict:
        (length,) = wire.HEADER.unpack(self._read_exactly(wire.HEADER.size, deadline))
        if length > wire.MAX_MESSAGE:
            self.close()
            raise SandboxDied(f"the sandbox sent a message of {length} bytes")
        try:
            return wire.parse(self._read_exactly(length, deadline))
        except wire.WireError as exc:
            self.close()
            raise SandboxDied(f"the sandbox sent a malformed message ({exc})") from None

    def request(self, message: dict, *, timeout: float, serve=None) -> dict:
        began = time.monotonic()
        try:
            return self._request(message, timeout=timeout, serve=serve)
        finally:
            self.busy += time.monotonic() - began

    def _request(self, message: dict, *, timeout: float, serve=None) -> dict:
        if not self.alive:
            raise SandboxDied("the sandbox is not running")
        self.counter += 1
        message = {**message, "id": self.counter}
        deadline = time.monotonic() + timeout
        try:
            wire.send(self.write_fd, message)
        except (BrokenPipeError, OSError):
            self.close()
            raise SandboxDied("the sandboxed process ended") from None
        while True:
            reply = self._next_message(deadline)
            if reply.get("op") == "done" and reply.get("id") == self.counter:
                return reply
            if reply.get("op") == "done":
                continue  # a stale or forged answer: ignore it
            answer = serve(reply) if serve is not None else {"error": "nothing to answer with"}
            try:
                wire.send(self.write_fd, answer)
            except (wire.WireError, ValueError, TypeError) as exc:
                wire.send(self.write_fd, {"error": f"the answer could not be sent: {exc}"})
            except OSError:
                self.close()
                raise SandboxDied("the sandboxed process ended") from None
