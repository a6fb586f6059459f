"""The one hypothesis profile of the property tests: few examples (the suite stays fast) and derandomised, so
a run in CI tries exactly what a run here tries."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)

# Text that hurts parsers: every script we serve, controls, NUL, zero-width and bidi marks, surrogates.
HOSTILE_CHARS = st.one_of(
    st.characters(codec=None),
    st.sampled_from(list("\x00\r\n\t\ud800\u200b\u200d\u202e\ufeff\u3164\u2028'\"<>&;,|#=-+.:/\\0123456789")),
    st.sampled_from(list("글로우랩光澤實驗室ấốđ전前trướcK만萬억年月日시분午後")),
)
hostile_text = st.text(HOSTILE_CHARS, max_size=80)


def vocabulary(*modules: str) -> list[str]:
    """String literals of the given source files (JSON keys, CSS classes, words the parsers look for), so
    that generated input reaches past the first ``if``."""
    words: set[str] = set()
    for module in modules:
        source = (Path(__file__).resolve().parents[1] / module).read_text(encoding="utf-8")
        words |= {w for w in re.findall(r"""["']([A-Za-z_][\w.:-]{0,40})["']""", source)}
    return sorted(words)


def json_values(keys: list[str]) -> st.SearchStrategy[Any]:
    """Any JSON value, its object keys mostly drawn from ``keys``."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        hostile_text,
        st.sampled_from(keys) if keys else hostile_text,
    )
    key = st.sampled_from(keys) if keys else hostile_text
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.one_of(key, hostile_text), inner, max_size=6)
        ),
        max_leaves=30,
    )


def json_bodies(keys: list[str]) -> st.SearchStrategy[str]:
    """JSON text (sometimes cut short or with garbage around it), as a broken API might answer."""
    whole = json_values(keys).map(lambda v: json.dumps(v, ensure_ascii=False))
    return st.one_of(whole, whole.map(lambda s: s[: len(s) // 2]), hostile_text)
