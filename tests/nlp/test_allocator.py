"""``release_freed_memory``: the heap's free pages go back to the OS (the label worker calls it per batch)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# In a fresh process: one 2 MB block freed (glibc then serves blocks of that size from its heap), then 150
# blocks of 2 MB, each followed by a small block that stays (it keeps the heap from shrinking at its top),
# then the large ones freed.
PROGRAM = """
import json, sys
import numpy as np
from nlp.encoder import release_freed_memory

def rss():
    return int([l for l in open("/proc/self/status") if l.startswith("VmRSS")][0].split()[1]) // 1024

freed = np.ones(1 << 18)
del freed
before = rss()
big, pins = [], []
for _ in range(150):
    big.append(np.ones(1 << 18))
    pins.append(np.ones(1000))
held = rss()
del big
kept = rss()
released = release_freed_memory() if sys.argv[1] == "release" else False
after = rss()
out = {"held": held - before, "kept": kept - before, "after": after - before, "released": released}
print(json.dumps(out))
"""


def _run(mode: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM, mode], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_free_heap_pages_go_back_to_the_os() -> None:
    default, released = _run("keep"), _run("release")
    assert default["held"] >= 250 and released["held"] >= 250  # 300 MB were really in use
    assert default["kept"] >= 250 and default["after"] >= 250  # glibc keeps the freed blocks by default
    assert released["released"] and released["kept"] >= 250 and released["after"] <= 50


def test_label_texts_releases_after_each_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    import nlp.labeling as labeling
    from nlp.classifier import load_classifier

    calls: list[int] = []
    monkeypatch.setattr(labeling, "release_freed_memory", lambda: calls.append(1) or True)
    sentiment = load_classifier("sentiment", "moe")
    labeling.label_texts(["great serum", "배송이 너무 늦어요"], sentiment, None)
    labeling.label_texts(["ok"], sentiment, None)
    assert len(calls) == 2
