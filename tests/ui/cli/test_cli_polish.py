"""The CLI as a person reads it, through the real `brandpulse` console script: the `kpi` tables show every
value whole with its currency, periods that end before they start are refused, choices are checked,
`alerts --help` keeps "[alerts]", and `export` shows progress on a terminal only."""

from __future__ import annotations

import csv
import json
import os
import pty
import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.procutil import brandpulse_cmd
from ui.cli.app import app

runner = CliRunner()
BRAND = "Glow Lab"
# Two campaigns paying in currencies without minor units, one name that looks like rich markup.
CAMPAIGNS = [
    ("[bold]Spring[/bold] glow", "mina.makeup", "P1", 1_200_000, "KRW", 3_600_000),
    ("Tết 2026", "linh.beauty", "P2", 35_000_000, "VND", 70_000_000),
]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder whose database holds two campaign posts of Glow Lab (engagement 1,000 and 500) and the
    campaigns' costs in KRW and VND."""
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'polish.db'}")
    monkeypatch.delenv("BRANDPULSE_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    posts = [
        {"platform": "instagram", "external_id": "P1", "author": "mina.makeup", "author_followers": 10_000,
         "published_at": "2026-03-05T09:00:00Z", "text": "Glow Lab serum", "likes": 900, "comments": 100,
         "brands": BRAND},
        {"platform": "tiktok", "external_id": "P2", "author": "linh.beauty", "author_followers": 5_000,
         "published_at": "2026-03-06T09:00:00Z", "text": "Glow Lab kem", "likes": 450, "comments": 50,
         "brands": BRAND},
    ]  # fmt: skip
    campaigns = [
        {"campaign": name, "brand": BRAND, "influencer": who,
         "platform": "instagram" if ext == "P1" else "tiktok",
         "post_external_id": ext, "cost": cost, "currency": currency, "revenue": revenue,
         "start": "2026-03-01", "end": "2026-03-31"}
        for name, who, ext, cost, currency, revenue in CAMPAIGNS
    ]  # fmt: skip
    for kind, rows in (("posts", posts), ("campaigns", campaigns)):
        result = runner.invoke(app, ["import", kind, str(_write_csv(tmp_path / f"{kind}.csv", rows))])
        assert result.exit_code == 0, result.output
    return tmp_path


def _run(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*brandpulse_cmd(), *args],
        cwd=folder,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _run_on_terminal(folder: Path, *args: str, columns: int, stream: str) -> tuple[int, str, str]:
    """``brandpulse ARGS`` with ``stream`` (stdout or stderr) on a pseudo-terminal ``columns`` wide; returns
    the exit code, what the terminal showed (without colours) and the other stream."""
    leader, follower = pty.openpty()
    on_terminal = {stream: follower}
    other = "stderr" if stream == "stdout" else "stdout"
    proc = subprocess.Popen(
        [*brandpulse_cmd(), *args],
        cwd=folder,
        env={**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns)},
        **{**on_terminal, other: subprocess.PIPE},  # type: ignore[arg-type]
        text=True,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the last writer closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    piped = getattr(proc, other).read()
    code = proc.wait(timeout=300)
    os.close(leader)
    return code, ANSI.sub("", shown.decode("utf-8", errors="replace")), piped


def test_kpi_tables_show_every_value_whole_with_its_currency(folder: Path) -> None:
    report = json.loads(_run(folder, "kpi", "--brand", BRAND, "--json").stdout)
    cpe = {c["currency"]: c["cpe"] for c in report["campaigns"]}
    assert cpe == {"KRW": pytest.approx(1_200.0), "VND": pytest.approx(70_000.0)}

    piped = _run(folder, "kpi", "--brand", BRAND, COLUMNS="80")
    assert piped.returncode == 0, piped.stderr
    # Written to a file or a pipe, the tables keep their full width: every value on one line, whole.
    for value in ("1,200,000 KRW", "35,000,000 VND", "1,200 KRW", "70,000 VND", "1,000", "200.00 %", "3.00×"):
        assert value in piped.stdout, value
    assert "[bold]Spring[/bold] glow" in piped.stdout  # a name is shown as written, never as markup
    assert "Tết 2026" in piped.stdout and "…" not in piped.stdout

    # A terminal too narrow for the campaign tables gets one short table per campaign, values whole.
    code, shown, _ = _run_on_terminal(folder, "kpi", "--brand", BRAND, columns=60, stream="stdout")
    assert code == 0 and "…" not in shown and "campaigns: cost and returns" not in shown
    assert max(len(line) for line in shown.splitlines()) <= 60
    for value in ("1,200,000 KRW", "35,000,000 VND", "1,200 KRW", "70,000 VND", "[bold]Spring[/bold] glow"):
        assert value in shown, value
    # A wide one gets the campaign tables.
    code, shown, _ = _run_on_terminal(folder, "kpi", "--brand", BRAND, columns=200, stream="stdout")
    assert code == 0 and "campaigns: cost and returns" in shown and "35,000,000 VND" in shown


def test_periods_that_end_before_they_start_are_refused(folder: Path) -> None:
    for command in (["kpi", "--brand", BRAND], ["export", "--out", str(folder / "m.csv")]):
        backwards = runner.invoke(app, [*command, "--since", "2026-03-10", "--until", "2026-03-01"])
        assert backwards.exit_code == 2, backwards.output
        refused = "--since 2026-03-10 is after --until 2026-03-01: the period would be empty"
        assert backwards.stderr.strip() == refused
        one_day = runner.invoke(app, [*command, "--since", "2026-03-05", "--until", "2026-03-05"])
        assert one_day.exit_code == 0, one_day.output


def test_choices_are_checked_case_insensitively(folder: Path) -> None:
    wrong = runner.invoke(app, ["export", "--out", str(folder / "m.csv"), "--sentiment", "angry"])
    assert wrong.exit_code == 2 and "'angry' is not one of" in wrong.stderr
    right = runner.invoke(app, ["export", "--out", str(folder / "m.csv"), "--sentiment", "Negative"])
    assert right.exit_code == 0, right.output


def test_alerts_help_keeps_the_section_name(folder: Path) -> None:
    shown = _run(folder, "alerts", "--help", COLUMNS="200").stdout
    assert "configuration's [alerts] section" in shown
    assert "(default: [alerts] k, else 2)" in shown


def test_export_shows_progress_on_a_terminal_only(folder: Path) -> None:
    out = folder / "m.xlsx"
    code, shown, stdout = _run_on_terminal(folder, "export", "--out", str(out), columns=100, stream="stderr")
    assert code == 0, shown
    assert "reading mentions" in shown and "writing xlsx" in shown
    assert stdout.startswith(f"wrote 2 rows to {out} (xlsx)")
    piped = _run(folder, "export", "--out", str(out))
    assert piped.returncode == 0 and piped.stdout.startswith("wrote 2 rows")
    assert "writing" not in piped.stderr  # a log or a pipe gets the summary line, not a bar
