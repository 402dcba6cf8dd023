"""Watch which library functions a student's function calls while it runs.

An exercise asks for a computation written with numpy and the standard library. While
the student's function runs, any call into ``mlcourse_lib``, SciPy, scikit-learn or torch
is recorded by its dotted name, except:

- the callables the case passes in (``grad_fn``, ``f``) and everything they call;
- names the exercise allows (``Exercise.allowed``).

It is an allow-list, so no list of forbidden functions has to keep up with the libraries.
Calls are recognised by where the running code lives (its module, or its file), so a copy
of a function's code object (``types.FunctionType(ref.__code__.replace(), ...)``) is seen
like the original, and so are calls made from threads the function starts.
"""

from __future__ import annotations

import os
import sys
import threading
from contextlib import contextmanager
from functools import lru_cache
from types import CodeType

__all__ = ["WATCHED_PACKAGES", "CallLog", "callable_codes", "watch_library_calls"]

WATCHED_PACKAGES = ("mlcourse_lib", "scipy", "sklearn", "torch")

# Code in these modules may be a "student" (the tests run known mistakes and alternatives).
OWN_CODE_PACKAGES = ("mlcourse_lib.exercises.catalog.",)

# The checker's own machinery runs around the student's call (context managers, the alarm).
_CHECKER_MODULES = frozenset(f"mlcourse_lib.exercises.{name}" for name in ("watch", "timeout", "checker"))


def _package_roots() -> tuple[str, ...]:
    """Folders of the watched packages that are imported (one not imported cannot be called)."""
    roots = []
    for name in WATCHED_PACKAGES:
        module = sys.modules.get(name)
        for folder in getattr(module, "__path__", None) or ():
            roots.append(os.path.join(os.path.realpath(folder), ""))
    return tuple(roots)


def callable_codes(values) -> set[CodeType]:
    """Code objects of the callables among ``values``: functions, methods, callable objects.

    For an object, every function defined on its class counts, so ``problem`` and
    ``problem.gradient`` passed by a case may both run freely.
    """
    codes: set[CodeType] = set()
    for value in values:
        if value is None or not callable(value) and not hasattr(value, "__dict__"):
            continue
        func = getattr(value, "__func__", value)
        code = getattr(func, "__code__", None)
        if isinstance(code, CodeType):
            codes.add(code)
        else:
            codes |= _class_codes(type(value))
    return codes


@lru_cache(maxsize=256)
def _class_codes(klass: type) -> frozenset[CodeType]:
    codes = set()
    for base in klass.__mro__:
        if base is object:
            continue
        for attr in vars(base).values():
            attr = getattr(attr, "__func__", attr)
            code = getattr(attr, "__code__", None)
            if isinstance(code, CodeType):
                codes.add(code)
    return frozenset(codes)


class CallLog(list):
    """The watched calls, in order; ``tampered`` tells that the block switched the watch off."""

    tampered = False


def _is_allowed(name: str, allowed: tuple[str, ...]) -> bool:
    return any(name == a or (a.endswith(".") and name.startswith(a)) for a in allowed)


@contextmanager
def watch_library_calls(*, trusted_codes=(), allowed: tuple[str, ...] = (), flagged=(),
                        own_module: str | None = None):
    """Record calls into the watched packages made inside the block.

    Parameters
    ----------
    trusted_codes : iterable of code objects
        Code that runs freely with everything it calls (the case's callables, the
        checker's own alarm handler).
    allowed : tuple of str
        Dotted names, or prefixes ending in ``"."``, that the student may call.
    flagged : iterable of callables
        Functions recorded wherever they live (the exercise's reference, even outside
        the watched packages).
    own_module : str, optional
        The module of the student's function (``__main__`` in a notebook): its code is the
        student's own, even when it lies in a watched package (the catalog's known
        mistakes and alternatives, which the tests run as students).

    Yields
    ------
    CallLog
        The dotted names called, outermost calls only, in order (a list); its ``tampered``
        is True when the block replaced the profile function that does the watching.
    """
    trusted = {id(c) for c in trusted_codes}
    verdict: dict[int, str | None] = {}   # id(code) -> watched name or None
    for f in flagged:
        code = getattr(getattr(f, "__func__", f), "__code__", None)
        if code is not None:
            verdict[id(code)] = f"{getattr(f, '__module__', None) or '?'}.{code.co_qualname}"
    roots = _package_roots()
    seen = CallLog()
    local = threading.local()             # per thread: frames inside which nothing is recorded

    def _wrapped_name(frame) -> str | None:
        """For a decorator's wrapper, the watched function it wraps (from its closure)."""
        for var in frame.f_code.co_freevars:
            value = frame.f_locals.get(var)
            module = getattr(value, "__module__", None) or ""
            qualname = getattr(value, "__qualname__", "")
            if callable(value) and module.partition(".")[0] in WATCHED_PACKAGES and "<locals>" not in qualname:
                return f"{module}.{qualname}"
        return None

    def _watched_name(frame) -> str | None:
        code = frame.f_code
        key = id(code)
        if key in verdict:
            return verdict[key]
        module = frame.f_globals.get("__name__") or ""
        top = module.partition(".")[0]
        name = None
        if top in WATCHED_PACKAGES:
            name = f"{module}.{code.co_qualname}"
        elif roots and os.path.realpath(code.co_filename).startswith(roots):
            name = f"{os.path.basename(code.co_filename)}:{code.co_qualname}"
        if module in _CHECKER_MODULES or module == own_module:
            name = None
        elif name is not None and _is_allowed(name, allowed):
            name = ""   # runs freely, with everything it calls
        verdict[key] = name
        return name

    def _profile(frame, event, arg):
        stack = getattr(local, "stack", None)
        if stack is None:
            stack = local.stack = []
        if stack:
            if event == "return" and frame is stack[-1]:
                stack.pop()
            return
        if event == "call":
            if id(frame.f_code) in trusted:
                stack.append(frame)
                return
            name = _watched_name(frame)
            if name is not None:
                if name:
                    if "<locals>" in name:
                        name = _wrapped_name(frame) or name
                    seen.append(name)
                stack.append(frame)
        elif event == "c_call":
            module = getattr(arg, "__module__", None) or ""
            if module.partition(".")[0] in WATCHED_PACKAGES:
                name = f"{module}.{getattr(arg, '__qualname__', getattr(arg, '__name__', '?'))}"
                if not _is_allowed(name, allowed):
                    seen.append(name)

    set_all = getattr(threading, "setprofile_all_threads", None)
    previous = sys.getprofile()
    get_thread_profile = getattr(threading, "getprofile", None)   # Python 3.10+
    previous_threads = get_thread_profile() if get_thread_profile else None
    threading.setprofile(_profile)   # threads started inside the block
    if set_all is not None:          # Python 3.12+: threads already running, too
        set_all(_profile)
    sys.setprofile(_profile)
    try:
        yield seen
    finally:
        seen.tampered = sys.getprofile() is not _profile
        sys.setprofile(previous)
        if set_all is not None:
            set_all(previous)
        threading.setprofile(previous_threads)
