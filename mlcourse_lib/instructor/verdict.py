"""Decide each graded cell's score, in a process that never runs student code.

For one submission, :func:`judge` starts a :class:`~.sandbox.Sandbox` in the submission's
folder, runs the answers there (:func:`~.submission.plan_answers`), and then, for each
graded cell, runs the exercise's public and hidden cases through the same
:func:`~mlcourse_lib.exercises.checker.run_check` as the notebook's ``check``. The
student's function is a :class:`SandboxedAnswer`: each call sends the case's inputs as plain
data and gets the output back as plain data. Expected outputs, comparisons and the naming of
known mistakes all happen here. Library functions the student's code calls are run here
too, and only when the exercise being checked allows them; the references of the graded
exercises are never in the sandbox.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..exercises.checker import RemoteAnswer, RemoteOutcome, run_check
from ..exercises.feedback import MISSING
from ..exercises.registry import get_exercise
from ..exercises.seeds import hidden_seed
from ..exercises.spec import Case
from ..exercises.watch import _is_allowed
from . import wire
from .sandbox import Limits, Sandbox, SandboxDied, SandboxTimeout
from .submission import Assignment, definitions_only, function_signature, plan_answers

__all__ = ["CellVerdict", "SubmissionVerdict", "judge"]

LIBRARY = "mlcourse_lib"
SUBMISSION_SECONDS = 300.0   # everything for one submission


@dataclass
class CellVerdict:
    """The verdict on one graded cell."""

    grade_id: str
    exercise: str
    points: float
    score: float
    message: str             # what the student reads: ✓ line, or the failing case and why
    mistake: str | None = None
    reason: str = ""         # one line: why it lost its points ("" when it passed)


@dataclass
class SubmissionVerdict:
    student: str
    assignment: str
    cells: list[CellVerdict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # one line each: what happened to the code
    error: str = ""                                   # why the submission could not be graded
    seconds: float = 0.0          # all the time spent on this submission
    sandbox_seconds: float = 0.0  # of which starting the sandbox and running the student's code in it

    @property
    def score(self) -> float:
        return float(sum(c.score for c in self.cells))

    @property
    def max_score(self) -> float:
        return float(sum(c.points for c in self.cells))

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "SubmissionVerdict":
        cells = [CellVerdict(**c) for c in data.pop("cells", [])]
        return cls(cells=cells, **data)


# ---------------------------------------------------------------- the library, served

def _canonical(obj) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', getattr(obj, '__name__', '?'))}"


def _is_record_class(obj) -> bool:
    return isinstance(obj, type) and (dataclasses.is_dataclass(obj)
                                      or (issubclass(obj, tuple) and hasattr(obj, "_fields")))


_TUPLE_OWN = {"_make", "_replace", "_asdict", "__new__", "__repr__", "__getnewargs__", "_field_defaults"}
_DATACLASS_OWN = {"__init__", "__repr__", "__eq__", "__hash__", "__post_init__", "__setattr__",
                  "__delattr__", "__getstate__", "__setstate__", "__match_args__"}
_DUNDERS = {"__getitem__", "__contains__", "__iter__", "__len__", "__call__"}


def _record_info(cls) -> dict:
    is_tuple = issubclass(cls, tuple)
    fields = list(cls._fields) if is_tuple else [f.name for f in dataclasses.fields(cls)]
    methods, properties = [], []
    for klass in reversed(cls.__mro__[:-1]):
        if klass in (tuple,) or klass.__module__ == "builtins":
            continue
        for name, value in vars(klass).items():
            if name in _TUPLE_OWN or name in _DATACLASS_OWN or name in fields:
                continue
            if name.startswith("_") and name not in _DUNDERS:
                continue
            if isinstance(value, property):
                properties.append(name)
            elif inspect.isfunction(value):
                methods.append(name)
    return {"kind": "record", "name": _canonical(cls), "tuple": is_tuple, "fields": fields,
            "methods": sorted(set(methods)), "properties": sorted(set(properties))}


def _resolve(name: str):
    """The library object a dotted name stands for (module, then attributes), or raise LookupError."""
    if name != LIBRARY and not name.startswith(LIBRARY + "."):
        raise LookupError(name)
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            raise LookupError(name) from None
        return obj
    raise LookupError(name)


def describe(name: str) -> dict:
    """What the sandbox's stand-in library needs to know about ``name``."""
    try:
        obj = _resolve(name)
    except LookupError:
        return {"kind": "missing"}
    if inspect.ismodule(obj):
        return {"kind": "module", "package": hasattr(obj, "__path__")}
    if _is_record_class(obj):
        return _record_info(obj)
    if callable(obj):
        return {"kind": "function", "name": _canonical(obj)}
    try:
        return {"kind": "value", "value": wire.encode(obj)}
    except wire.WireError:
        return {"kind": "missing"}


class _Codec:
    """Encoding for one call: records by class name, callables by handle into a table."""

    def __init__(self):
        self.callables: dict[int, object] = {}

    def handle(self, value) -> int:
        key = len(self.callables) + 1
        self.callables[key] = value
        return key

    def record_name(self, value):
        cls = type(value)
        return _canonical(cls) if cls.__module__.startswith(LIBRARY + ".") else None

    def encode(self, value):
        return wire.encode(value, record_name=self.record_name, callable_handle=self.handle)

    def make_record(self, name, kind, fields):
        cls = _resolve(name)
        if not _is_record_class(cls):
            raise wire.WireError(f"{name} is not a record of the library")
        return cls(**fields)

    def make_callable(self, handle):
        return self.callables.get(handle, wire.Opaque("function", "not one of the case's"))

    def decode(self, data):
        return wire.decode(data, make_record=self.make_record, make_callable=self.make_callable)


def _plain(value):
    """Iterators and views as lists, so that they can travel."""
    if inspect.isgenerator(value) or isinstance(value, (type({}.keys()), type({}.values()),
                                                        type({}.items()), map, filter, zip)):
        return list(value)
    return value


# ---------------------------------------------------------------- one submission's session

class _Session:
    """A sandbox with the submission's answers loaded, restarted when a call kills it."""

    def __init__(self, folder: Path, plan, *, limits: Limits, worker: int):
        self.sandbox = Sandbox(folder, limits=limits, worker=worker)
        self.limits = limits
        self.plan = plan
        self.cell_errors: dict[str, str] = {}     # label -> one line on what went wrong
        self.reduced: dict[str, str] = {}         # label -> "definitions" or "skipped"
        self.allowed: tuple[str, ...] | None = None
        self.called: list[str] = []
        self.codec = _Codec()
        self.poisoned: dict[str, RemoteOutcome] = {}

    def serve(self, request: dict) -> dict:
        op = request.get("op")
        try:
            if op == "describe":
                return {"value": describe(str(request.get("name")))}
            if op == "fn":
                target = self.codec.callables.get(request.get("handle"))
                if target is None:
                    return {"error": "not a function of this case"}
                args, kwargs = self.codec.decode(request["args"]), self.codec.decode(request["kwargs"])
                return {"value": self.codec.encode(_plain(target(*args, **kwargs)))}
            if op == "lib":
                name = str(request.get("name"))
                if self.allowed is None or not _is_allowed(name, self.allowed):
                    self.called.append(name)
                    return {"error": f"{name} cannot be called by this answer while it is graded"}
                target = _resolve(name)
                args, kwargs = self.codec.decode(request["args"]), self.codec.decode(request["kwargs"])
                if request.get("property"):
                    value = target.fget(*args)
                else:
                    value = target(*args, **kwargs)
                return {"value": self.codec.encode(_plain(value))}
        except LookupError as exc:
            return {"error": f"{exc} does not exist"}
        except Exception as exc:  # a library function refusing the student's arguments
            return {"error": f"{type(exc).__name__}: {exc}"}
        return {"error": f"unknown request {op!r}"}

    def ensure_started(self) -> None:
        if self.sandbox.alive:
            return
        self.sandbox.start()
        for label, source in self.plan.steps:
            mode = self.reduced.get(label)
            if mode == "skipped":
                continue
            code = definitions_only(source) if mode == "definitions" else source
            try:
                # the instructor's imports get more time: numpy's import on a loaded machine
                seconds = self.limits.cell_seconds if label.startswith("cell ") else max(30.0, self.limits.cell_seconds)
                reply = self.sandbox.request({"op": "exec", "cell": label.removeprefix("cell "), "source": code},
                                             timeout=seconds, serve=self.serve)
            except (SandboxTimeout, SandboxDied) as exc:
                what = (f"did not finish within {self.limits.cell_seconds:g} s" if isinstance(exc, SandboxTimeout)
                        else "ended the grading process (os._exit, a crash or too much memory)")
                self.cell_errors.setdefault(label, f"{label} {what}")
                self.reduced[label] = "skipped" if mode == "definitions" else "definitions"
                return self.ensure_started()
            errors = reply.get("errors") or []
            if errors and label not in self.cell_errors:
                e = errors[0]
                where = f" ({e['line']})" if e.get("line") else ""
                self.cell_errors[label] = f"{label} raised {e['type']}: {e['message']}{where}"

    def close(self) -> None:
        self.sandbox.close()


class SandboxedAnswer(RemoteAnswer):
    """The student's function ``name``, living in the sandbox of ``session``."""

    def __init__(self, session: _Session, name: str, signature, exercise_id: str):
        self.session, self.__name__, self.exercise_id = session, name, exercise_id
        if signature is not None:
            self.__signature__ = signature

    def run_case(self, case: Case, *, allowed, seconds) -> RemoteOutcome:
        session = self.session
        if self.exercise_id in session.poisoned:
            return session.poisoned[self.exercise_id]
        codec = session.codec = _Codec()
        session.allowed, session.called = tuple(allowed), []
        try:
            session.ensure_started()
            reply = session.sandbox.request(
                {"op": "call", "name": self.__name__, "args": codec.encode(list(case.args)),
                 "kwargs": codec.encode(dict(case.kwargs))},
                timeout=seconds, serve=session.serve)
        except SandboxTimeout:
            outcome = session.poisoned[self.exercise_id] = RemoteOutcome(timed_out=True)
            return outcome
        except SandboxDied as exc:
            outcome = session.poisoned[self.exercise_id] = RemoteOutcome(
                ended=f"{exc}; os._exit, a crash or too much memory")
            return outcome
        finally:
            session.allowed = None
        called = session.called[0] if session.called else None
        if reply.get("missing"):
            return RemoteOutcome(error={"type": "NameError", "message": (
                f"no code cell defines {self.__name__}(); keep the answer cell of this exercise"),
                "line": None}, called=called)
        try:
            args_after = tuple(codec.decode(reply.get("args_after", [])))
            kwargs_after = codec.decode(reply.get("kwargs_after", {"$dict": []}))
        except (wire.WireError, Exception):
            args_after, kwargs_after = tuple(case.args), dict(case.kwargs)
        if "error" in reply:
            return RemoteOutcome(MISSING, args_after, kwargs_after, error=reply["error"], called=called)
        try:
            output = codec.decode(reply.get("value"))
        except Exception as exc:  # a record the library cannot build from what was returned
            return RemoteOutcome(MISSING, args_after, kwargs_after, called=called,
                                 error={"type": type(exc).__name__,
                                        "message": f"the result could not be read: {exc}", "line": None})
        return RemoteOutcome(output, args_after, kwargs_after, called=called)


def _first_line(message: str) -> str:
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if len(lines) >= 3 and lines[1].startswith("inputs:"):
        return lines[2]
    return lines[1] if len(lines) > 1 else (lines[0] if lines else "")


def _reason(report) -> str:
    line = _first_line(report.message)
    return f"{line} Known mistake: {report.mistake}." if report.mistake else line


def judge(assignment: Assignment, nb: dict, student: str, folder: Path | str, *,
          limits: Limits = Limits(), worker: int = 0, course: str | None = None) -> SubmissionVerdict:
    """Every graded cell's verdict for one submission (notebook ``nb`` in ``folder``)."""
    start = time.perf_counter()
    verdict = SubmissionVerdict(student, assignment.name)
    plan = plan_answers(assignment, nb)
    session = _Session(Path(folder), plan, limits=limits, worker=worker)
    sources = dict(plan.steps)
    try:
        try:
            session.ensure_started()
        except (SandboxDied, SandboxTimeout, OSError) as exc:
            verdict.error = f"the sandbox could not start: {exc}"
            return verdict
        for cell in assignment.graded:
            exercise = get_exercise(cell.exercise)
            labels = plan.defined_in.get(cell.function, [])
            if time.perf_counter() - start > SUBMISSION_SECONDS:
                problem = f"not checked: grading this submission took longer than {SUBMISSION_SECONDS:g} s."
                verdict.cells.append(CellVerdict(cell.grade_id, cell.exercise, cell.points, 0.0,
                                                 f"✗ {cell.exercise} — {problem}", reason=problem))
                continue
            signature = function_signature(sources[labels[-1]], cell.function) if labels else None
            answer = SandboxedAnswer(session, cell.function, signature, cell.exercise)
            seed = hidden_seed(cell.exercise, student, course)
            report = run_check(exercise, answer, time_limit_s=limits.call_seconds)
            if report.passed:
                report = run_check(exercise, answer, hidden=True, seed=seed, time_limit_s=limits.call_seconds)
            message = report.message
            crashed = [session.cell_errors[label] for label in labels if label in session.cell_errors]
            if not report.passed and crashed:
                message += f"\n  Note: {crashed[0]}."
            verdict.cells.append(CellVerdict(
                cell.grade_id, cell.exercise, cell.points, cell.points if report.passed else 0.0,
                message, report.mistake, "" if report.passed else _reason(report)))
        verdict.notes = [line for line in session.cell_errors.values()]
    finally:
        session.close()
        verdict.seconds = time.perf_counter() - start
        verdict.sandbox_seconds = session.sandbox.busy
    return verdict
