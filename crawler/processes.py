"""Child processes that stop with the command that started them (the crawler, the dashboard's Streamlit).

``brandpulse crawl`` and ``brandpulse ui`` each run their work in a child process. A stop signal to the parent
(Ctrl+C, ``kill``, a service manager's or a container's stop) is forwarded to the child, which stops cleanly,
and the parent waits for it; a parent killed outright (SIGKILL) takes the child with it (Linux: the child gets
SIGTERM when its parent dies).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

# What a service manager, a container runtime or a terminal sends to stop a program.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_PR_SET_PDEATHSIG = 1


def _load_prctl() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None


# Looked up once here: the function that runs in the child between fork and exec does nothing but call it.
_PRCTL = _load_prctl()


def _die_with_parent() -> None:
    _PRCTL(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)


def start_child(cmd: Sequence[str], **popen: Any) -> subprocess.Popen[Any]:
    """``subprocess.Popen(cmd, **popen)`` for a child that gets SIGTERM when this process dies (Linux).

    A stop signal that arrives while the child is forked reaches this process's handler right after."""
    if _PRCTL is not None:
        popen.setdefault("preexec_fn", _die_with_parent)
    if threading.current_thread() is not threading.main_thread():
        return subprocess.Popen(list(cmd), **popen)
    # With a preexec_fn, the fork runs the interpreter's fork hooks (logging's lock release, ...), and an
    # exception a signal handler raises inside one is printed as "Exception ignored" and dropped: a SIGTERM
    # landing there was lost and `brandpulse run` carried on for good. So the stop signals are only noted
    # while forking, then raised again.
    held: list[int] = []
    previous = {s: signal.signal(s, lambda signum, _frame: held.append(signum)) for s in STOP_SIGNALS}
    try:
        return subprocess.Popen(list(cmd), **popen)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for s in dict.fromkeys(held):
            signal.raise_signal(s)


@contextmanager
def forwarding_stop_signals(child: subprocess.Popen[Any]) -> Iterator[list[int]]:
    """While in the block, a stop signal to this process is passed on to ``child`` instead of stopping this
    process; yields the list of signals received (in order). Only the main thread can handle signals:
    elsewhere nothing is forwarded."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def forward(signum: int, _frame: object) -> None:
        received.append(signum)
        with suppress(ProcessLookupError):
            child.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in STOP_SIGNALS}
    try:
        yield received
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def wait_for_child(child: subprocess.Popen[Any], received: list[int], grace: float | None = None) -> int:
    """Wait for ``child`` to end and return its exit code. With ``grace``, a child still running ``grace``
    seconds after the first stop signal was forwarded is killed."""
    deadline: float | None = None
    while True:
        try:
            return child.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            if grace is None or not received:
                continue
            deadline = deadline or time.monotonic() + grace
            if time.monotonic() >= deadline:
                child.kill()
                return child.wait()
