"""Hostile settings: every bad configuration or brand query stops a command with one clear message and
exit code 2 (no traceback, no hang); brand queries are fuzzed; ``kpi --json`` is valid JSON for any figure."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from nlp.match import MAX_DEPTH, BrandQuery, QueryError
from tests.fuzzing import FUZZ, hostile_text
from ui.cli.app import app
from ui.cli.report import json_text
from ui.config import ConfigError, load_config

runner = CliRunner()
MANY_TERMS = " OR ".join(f"t{i}" for i in range(100_000))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("a = " + "[" * 3000 + "]" * 3000, "nested too deeply"),
        ('[[brands]]\nname = "X"\nquery = "' + "(" * 200 + "a" + ")" * 200 + '"\n', "nests parentheses"),
        ('[[brands]]\nname = "X"\nquery = "' + "NOT " * 200 + 'a"\n', "nests parentheses or NOTs"),
        ('[[brands]]\nname = "X"\nquery = "' + MANY_TERMS + '"\n', "over the limit of 10,000"),
        (
            '[[brands]]\nname = "X"\nquery = "' + " OR ".join(f"t{i}" for i in range(1001)) + '"\n',
            "1,001 terms",
        ),
        ('[database]\nurl = "not a url"\n', "database.url: 'not a url' is not a database URL"),
        ('[database]\nurl = "mysql://u@h/db"\n', "'mysql' databases are not supported"),
        ("[alerts]\nmax_run_hours = inf\n", "alerts.max_run_hours: Input should be a finite number"),
        ("[alerts]\nk = nan\n", "alerts.k: Input should be a finite number"),
        ('[[brands]]\nname = "X\\u0000"\nquery = "x"\n', "brands.0.name: Value error, contains control"),
        ('[[brands]]\nname = "X"\nquery = "x\\u0000"\n', "NUL byte"),
        ('[[sources]]\nspider = "ptt"\nargs = { boards = ["a\\u0000"] }\n', "NUL byte"),
        ("[alerts]\nmin_volume = 99999999999999999999\n", "alerts.min_volume"),
    ],
)
def test_bad_settings_stop_with_one_clear_message(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    start = time.monotonic()
    result = runner.invoke(app, ["kpi", "--brand", "X", "--config", str(path)])
    assert time.monotonic() - start < 10
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert expected.replace("Value error, ", "") in result.output


def test_a_folder_a_huge_file_and_a_bad_environment_url_are_clear_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigError, match="is not a file"):
        load_config(tmp_path)
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * 1_100_000, encoding="utf-8")
    with pytest.raises(ConfigError, match="a configuration is at most"):
        load_config(big)
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", "::::")
    result = runner.invoke(app, ["kpi", "--brand", "X"])
    assert result.exit_code == 2 and "BRANDPULSE_DATABASE_URL: '::::' is not a database URL" in result.output


def test_a_utf8_config_with_a_byte_order_mark_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BRANDPULSE_DATABASE_URL", raising=False)
    path = tmp_path / "notepad.toml"
    path.write_bytes('\ufeff[[brands]]\nname = "Glow Lab"\nquery = \'"glow lab"\'\n'.encode())
    assert [b.name for b in load_config(path).brands] == ["Glow Lab"]


def test_query_limits_answer_fast() -> None:
    start = time.monotonic()
    for query in (MANY_TERMS, "(" * 5000 + "a" + ")" * 5000, "NOT " * 2000 + "a"):
        with pytest.raises(QueryError):
            BrandQuery.parse(query)
    BrandQuery.parse("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH)
    BrandQuery.parse(" OR ".join(f"t{i}" for i in range(1000)))
    assert time.monotonic() - start < 5


def test_near_is_fast_on_a_text_repeating_both_terms() -> None:
    query = BrandQuery.parse("glow NEAR/2 lab")
    start = time.monotonic()
    assert not query.matches("glow " * 20_000 + "x x x x " + "lab " * 20_000)
    assert query.matches("lab x glow") and not query.matches("glow x x x lab")
    assert time.monotonic() - start < 2


QUERY_PIECES = st.one_of(
    hostile_text,
    st.sampled_from(["AND", "OR", "NOT", "(", ")", '"', "\u201c", "\u201d", "NEAR/3", "NEAR/0", "NEAR", " "]),
    st.sampled_from(["glow", "lab", "글로우랩", "光澤", "ánh", "#tag", "@u"]),
)


@FUZZ
@given(st.lists(QUERY_PIECES, max_size=30).map(" ".join), hostile_text)
def test_brand_queries_parse_or_raise_query_error_and_matching_never_fails(query: str, text: str) -> None:
    try:
        parsed = BrandQuery.parse(query)
    except QueryError as exc:
        assert exc.position >= 0
        return
    assert isinstance(parsed.matches(text), bool)


FIGURES = st.recursive(
    st.one_of(st.floats(), st.integers(), st.none(), hostile_text),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(hostile_text, inner, max_size=3)),
    max_leaves=12,
)


@FUZZ
@given(FIGURES)
def test_json_output_is_valid_json_for_any_figures(report: object) -> None:
    json.loads(json_text(report), parse_constant=lambda name: pytest.fail(f"{name} in JSON output"))
