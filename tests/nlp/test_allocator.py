"""``configure_allocator``: freed large blocks go back to the OS, in a fresh process as the CLI starts one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# 150 blocks of 2 MB, each followed by a small block that stays (it keeps the heap from shrinking at its
# top), after one 2 MB block freed first (glibc's default then serves blocks of that size from its heap).
PROGRAM = """
import json, sys
import numpy as np
from nlp.encoder import configure_allocator

def rss():
    return int([l for l in open("/proc/self/status") if l.startswith("VmRSS")][0].split()[1]) // 1024

configured = configure_allocator() if sys.argv[1] == "on" else False
freed = np.ones(1 << 18)
del freed
before = rss()
big, pins = [], []
for _ in range(150):
    big.append(np.ones(1 << 18))
    pins.append(np.ones(1000))
held = rss()
del big
print(json.dumps({"configured": configured, "held": held - before, "kept": rss() - before}))
"""


def _run(mode: str, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM, mode],
        cwd=ROOT,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_freed_blocks_return_to_the_os_once_configured() -> None:
    default, configured = _run("off"), _run("on")
    assert default["held"] >= 250 and configured["held"] >= 250  # 300 MB were really in use
    assert default["kept"] >= 250  # glibc's default keeps the freed blocks in its heap
    assert configured["configured"] and configured["kept"] <= 50


def test_the_users_malloc_settings_win() -> None:
    mine = _run("on", MALLOC_ARENA_MAX="2")
    assert not mine["configured"] and mine["kept"] >= 250
