"""Processes as the operating system sees them (Linux /proc): children, command lines, environments, and
waiting for a process or a port to go away. For the tests of stopping and of secrets on command lines."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path

BIN = Path(__file__).resolve().parents[1] / ".venv" / "bin"


def brandpulse_cmd() -> list[str]:
    """The installed ``brandpulse`` console script (the real CLI, as a user runs it)."""
    script = BIN / "brandpulse"
    assert script.exists(), f"{script} missing: install the project (make install)"
    return [str(script)]


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def cmdline(pid: int) -> str:
    """What ``ps`` shows as the process's arguments (NUL-separated in /proc, joined by spaces here)."""
    return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")


def environ(pid: int) -> str:
    return (Path("/proc") / str(pid) / "environ").read_bytes().replace(b"\0", b"\n").decode(errors="replace")


def alive(pid: int) -> bool:
    """Running (a zombie, dead but not yet reaped by its new parent, counts as gone)."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listening_ports(pid: int) -> set[int]:
    """The TCP ports process ``pid`` listens on (its socket inodes matched against /proc/net/tcp{,6})."""
    inodes = set()
    for fd in (Path("/proc") / str(pid) / "fd").iterdir():
        try:
            target = fd.readlink().name
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("tcp", "tcp6"):
        lines = (Path("/proc") / str(pid) / "net" / table).read_text().splitlines()[1:]
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports
