"""A time limit for a student's function that a ``try/except Exception`` cannot swallow.

:class:`TimeLimitExceeded` derives from :class:`BaseException`, like ``KeyboardInterrupt``,
so ordinary handlers (``except Exception``) let it through; the alarm fires again every
``REPEAT_SECONDS`` until the block ends, and the block's state records that it fired, so
even a bare ``except:`` that swallows every alarm cannot turn a late answer into a pass.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = ["TimeLimitExceeded", "time_limit"]

REPEAT_SECONDS = 0.05


class TimeLimitExceeded(BaseException):
    """Raised inside the student's code when its time is up (not an ``Exception``)."""


@dataclass
class _Deadline:
    seconds: float
    fired: bool = False
    active: bool = True
    tampered: bool = False   # the block replaced the alarm's handler or stopped its timer


@contextmanager
def time_limit(seconds: float):
    """Interrupt the block after ``seconds``; yields a state whose ``fired`` tells if it did.

    Works in the main thread on Unix (``SIGALRM``); elsewhere the block runs unlimited
    and ``fired`` stays False.

    Examples
    --------
    >>> with time_limit(5.0) as deadline:
    ...     total = sum(range(1000))
    >>> deadline.fired
    False
    """
    deadline = _Deadline(seconds)
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield deadline
        return

    def _on_alarm(signum, frame):
        if deadline.active:
            deadline.fired = True
            raise TimeLimitExceeded(f"time limit of {seconds:g} s exceeded")

    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT_SECONDS)
    try:
        yield deadline
    finally:
        deadline.active = False
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        deadline.tampered = signal.getsignal(signal.SIGALRM) is not _on_alarm or (
            remaining == 0 and not deadline.fired)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
