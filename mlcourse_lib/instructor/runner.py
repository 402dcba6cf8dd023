"""The process that runs a student's answers inside the sandbox, and nothing else.

Started as ``python -I runner.py READ_FD WRITE_FD`` next to ``wire.py``; it imports neither
the course library nor anything but the standard library and numpy. It executes the code
the grader sends (the answer cells, statement by statement), then calls the student's
functions on the inputs the grader sends and answers with plain data (:mod:`wire`). It never
sees an expected output: comparing and naming mistakes happen in the grader.

``mlcourse_lib`` is not installed in here. Importing it gives a stand-in whose functions
forward each call to the grader, which runs it only if the exercise being checked allows it;
its NamedTuples and dataclasses are rebuilt from their field names, their methods forwarded
the same way.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import importlib.abc
import importlib.machinery
import io
import linecache
import os
import sys
import traceback
import types
from collections import namedtuple
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `python -I` leaves the script's folder out
import wire  # noqa: E402

LIBRARY = "mlcourse_lib"
OUTPUT_LIMIT = 4000  # characters of printed output kept per request


class LibraryCallRefused(Exception):
    """The grader did not run a library function for the student's code."""


class _Channel:
    def __init__(self, read_fd: int, write_fd: int):
        self.read_fd, self.write_fd, self.counter = read_fd, write_fd, 0

    def ask(self, op: str, **payload):
        """Send a request to the grader and return its answer (or raise its refusal)."""
        self.counter += 1
        wire.send(self.write_fd, {"op": op, "ask": self.counter, **payload})
        reply = wire.receive(self.read_fd)
        if "error" in reply:
            raise LibraryCallRefused(reply["error"])
        return reply.get("value")


CHANNEL: _Channel | None = None


class _Capped(io.TextIOBase):
    """A text stream that keeps the first ``OUTPUT_LIMIT`` characters and counts the rest."""

    def __init__(self):
        self.parts, self.kept, self.dropped = [], 0, 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = OUTPUT_LIMIT - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def take(self) -> str:
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n… {self.dropped} more characters of output not kept"
        self.parts, self.kept, self.dropped = [], 0, 0
        return text


OUTPUT = _Capped()


# ---------------------------------------------------------------- values on the wire

class _RemoteCallable:
    """A callable of a case (an objective, a scoring function): it runs in the grader."""

    def __init__(self, handle):
        self._handle = handle
        self.__name__ = "function"

    def __call__(self, *args, **kwargs):
        return _decode(CHANNEL.ask("fn", handle=self._handle, args=_encode(list(args)),
                                   kwargs=_encode(kwargs)))

    def __repr__(self):
        return "<function of the case>"


_RECORDS: dict[str, type] = {}


def _record_class(name: str) -> type:
    if name not in _RECORDS:
        info = CHANNEL.ask("describe", name=name)
        if not info or info.get("kind") != "record":
            raise ImportError(f"{name} is not available while grading")
        _RECORDS[name] = _build_record(name, info)
    return _RECORDS[name]


def _build_record(name: str, info: dict) -> type:
    short = name.rpartition(".")[2]
    if info["tuple"]:
        cls = namedtuple(short, info["fields"])
    else:
        cls = dataclasses.make_dataclass(short, [(f, object, dataclasses.field(default=None))
                                                 for f in info["fields"]])
    for method in info.get("methods", ()):
        setattr(cls, method, _method_proxy(f"{name}.{method}"))
    for prop in info.get("properties", ()):
        setattr(cls, prop, property(_method_proxy(f"{name}.{prop}", prop=True)))
    cls.__module__ = name.rpartition(".")[0]
    cls.__mlcourse_name__ = name
    return cls


def _method_proxy(name: str, prop: bool = False):
    def method(self, *args, **kwargs):
        return _decode(CHANNEL.ask("lib", name=name, property=prop,
                                   args=_encode([self, *args]), kwargs=_encode(kwargs)))
    method.__name__ = name.rpartition(".")[2]
    return method


def _encode(value):
    return wire.encode(value, record_name=lambda v: getattr(type(v), "__mlcourse_name__", None),
                       callable_handle=lambda v: v._handle if isinstance(v, _RemoteCallable) else None)


def _decode(data):
    return wire.decode(data, make_record=lambda name, kind, fields: _record_class(name)(**fields),
                       make_callable=_RemoteCallable)


# ---------------------------------------------------------------- the library's stand-in

def _function_proxy(name: str):
    def function(*args, **kwargs):
        return _decode(CHANNEL.ask("lib", name=name, args=_encode(list(args)), kwargs=_encode(kwargs)))
    function.__name__ = name.rpartition(".")[2]
    function.__qualname__ = function.__name__
    function.__module__ = name.rpartition(".")[0]
    return function


class _LibraryModule(types.ModuleType):
    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        info = CHANNEL.ask("describe", name=f"{self.__name__}.{attr}")
        kind = info.get("kind") if info else "missing"
        if kind == "module":
            value = importlib.import_module(f"{self.__name__}.{attr}")
        elif kind == "function":
            value = _function_proxy(info["name"])
        elif kind == "record":
            value = _RECORDS.get(info["name"]) or _RECORDS.setdefault(info["name"], _build_record(info["name"], info))
        elif kind == "value":
            value = _decode(info["value"])
        else:
            raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r} while grading")
        setattr(self, attr, value)
        return value


class _LibraryFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname != LIBRARY and not fullname.startswith(LIBRARY + "."):
            return None
        info = CHANNEL.ask("describe", name=fullname)
        if not info or info.get("kind") != "module":
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=info.get("package", False))

    def create_module(self, spec):
        module = _LibraryModule(spec.name)
        if spec.submodule_search_locations is not None:
            module.__path__ = []
        return module

    def exec_module(self, module):
        pass


class _Blocked(importlib.abc.MetaPathFinder):
    """Without a sandbox, the packages that could do an exercise's work refuse to import."""

    def __init__(self, names):
        self.names = set(names)

    def find_spec(self, fullname, path=None, target=None):
        if fullname.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"{fullname} is not available while grading", name=fullname)
        return None


class _Shell:
    """What ``get_ipython()`` returns here: magics and shell commands do nothing."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


# ---------------------------------------------------------------- running the answers

NAMESPACE: dict = {"__name__": "__main__", "__builtins__": builtins, "get_ipython": lambda: _Shell()}


def _input(*args, **kwargs):
    raise RuntimeError("input() cannot be answered while grading; remove it from the answer")


def _error(exc: BaseException, filename_prefix: str = "<cell") -> dict:
    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        name = frame.f_code.co_filename
        if name.startswith(filename_prefix):
            text = linecache.getline(name, lineno).strip()
            line = f"{name.strip('<>')}, line {lineno}: {text}" if text else f"{name.strip('<>')}, line {lineno}"
    try:
        message = str(exc)
    except BaseException:
        message = "<message could not be shown>"
    if isinstance(exc, SystemExit):
        message = f"the code called sys.exit({exc.code!r})"
    return {"type": type(exc).__name__, "message": message[:1000], "line": line}


MAIN_PID = os.getpid()


def _only_the_runner() -> None:
    """A process the student's code forked never gets back to the grader's pipe."""
    if os.getpid() != MAIN_PID:
        os._exit(0)


def _exec(request: dict) -> dict:
    """Run a cell's statements one by one; a failing statement does not stop the next."""
    filename = f"<cell {request['cell']}>"
    source = request["source"]
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    errors = []
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as exc:
        return {"errors": [{"type": "SyntaxError", "message": str(exc.msg),
                            "line": f"cell {request['cell']}, line {exc.lineno}: {(exc.text or '').strip()}"}],
                "output": ""}
    for statement in tree.body:
        try:
            exec(compile(ast.Module([statement], []), filename, "exec"), NAMESPACE)
        except BaseException as exc:  # the student's code may raise anything, SystemExit too
            _only_the_runner()
            errors.append(_error(exc))
        _only_the_runner()
    return {"errors": errors, "output": OUTPUT.take()}


def _call(request: dict) -> dict:
    name = request["name"]
    function = NAMESPACE.get(name)
    if not callable(function):
        return {"missing": True, "output": OUTPUT.take()}
    args = _decode(request["args"])
    kwargs = _decode(request["kwargs"])
    reply = {}
    try:
        result = function(*args, **kwargs)
        reply["value"] = _encode(result)
    except BaseException as exc:  # the student's code may raise anything, SystemExit too
        _only_the_runner()
        reply["error"] = _error(exc)
    _only_the_runner()
    try:
        reply["args_after"] = _encode(list(args))
        reply["kwargs_after"] = _encode(kwargs)
    except BaseException:
        pass
    reply["output"] = OUTPUT.take()
    return reply


def main(argv) -> int:
    global CHANNEL
    CHANNEL = _Channel(int(argv[1]), int(argv[2]))
    blocked = [name for name in argv[3].split(",") if name] if len(argv) > 3 else []
    sys.meta_path.insert(0, _LibraryFinder())
    if blocked:
        sys.meta_path.insert(0, _Blocked(blocked))
    for name in list(sys.modules):
        if name == LIBRARY or name.startswith(LIBRARY + "."):
            del sys.modules[name]
    sys.stdout = sys.stderr = OUTPUT
    builtins.input = _input
    wire.send(CHANNEL.write_fd, {"op": "ready"})
    while True:
        try:
            request = wire.receive(CHANNEL.read_fd)
        except EOFError:
            return 0
        op = request.get("op")
        if op == "exec":
            reply = _exec(request)
        elif op == "call":
            reply = _call(request)
        elif op == "bye":
            return 0
        else:
            reply = {"error": {"type": "ProtocolError", "message": f"unknown op {op!r}", "line": None}}
        reply["op"] = "done"
        reply["id"] = request.get("id")
        try:
            wire.send(CHANNEL.write_fd, reply)
        except (wire.WireError, ValueError, TypeError) as exc:
            wire.send(CHANNEL.write_fd, {"op": "done", "id": request.get("id"), "output": "",
                                         "error": {"type": "OutputTooLarge", "message": str(exc), "line": None}})


if __name__ == "__main__":
    sys.exit(main(sys.argv))
