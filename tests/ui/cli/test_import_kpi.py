"""The KPI worked examples reproduced through the import commands and `brandpulse kpi --json`, on SQLite and
PostgreSQL; bad rows quarantined with row and column; re-imports change nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from store import repo
from store.db import session_scope
from store.models import Mention, QuarantinedRecord
from tests.dbutil import migrated_db
from ui.cli.app import app

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def cli_db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = migrated_db(request, tmp_path, "kpi.db")
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)  # no brandpulse.toml here: built-in defaults
    return url


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _csv(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _kpi(brand: str, *extra: str) -> dict:  # type: ignore[type-arg]
    return json.loads(_invoke("kpi", "--brand", brand, "--json", *extra).strip().splitlines()[-1])


def test_voice_worked_example(cli_db: str, tmp_path: Path) -> None:
    """A: 6 non-spam (4 P, 1 N, 1 U) + 2 spam; B: 4 non-spam (1 P, 2 N, 1 U).

    → SOV_A 60, net sentiment 50, net-sentiment SOV 37.5, spam rate 25."""
    specs = [("A", "positive", "ham")] * 4 + [("A", "negative", "ham"), ("A", "neutral", "ham")]
    specs += [("A", "positive", "spam")] * 2
    specs += [
        ("B", "positive", "ham"),
        ("B", "negative", "ham"),
        ("B", "negative", "ham"),
        ("B", "neutral", "ham"),
    ]
    rows = [
        {
            "platform": "instagram",
            "external_id": f"c{i}",
            "text": f"comment number {i}",
            "lang": "en",
            "published_at": "2026-03-02T10:00:00Z",
            "sentiment": sent,
            "spam": spam,
            "brands": brand,
        }
        for i, (brand, sent, spam) in enumerate(specs)
    ]
    out = _invoke("import", "mentions", str(_jsonl(tmp_path / "m.jsonl", rows)))
    assert "12 rows, 12 stored, 0 quarantined" in out
    assert "new brands: A, B" in out
    a = _kpi("A", "--since", "2026-03-01", "--until", "2026-03-31")
    assert (a["brand"], a["since"], a["until"]) == ("A", "2026-03-01", "2026-03-31")
    assert (a["mentions"], a["spam_mentions"]) == (6, 2)
    assert a["sov"] == pytest.approx(60.0)
    assert a["net_sentiment"] == pytest.approx(50.0)
    assert a["net_sentiment_sov"] == pytest.approx(37.5)
    assert a["spam_rate"] == pytest.approx(25.0)
    assert a["positive_pct"] == pytest.approx(4 / 6 * 100)
    assert a["campaigns"] == []
    b = _kpi("B")
    assert b["sov"] == pytest.approx(40.0)
    assert b["net_sentiment"] == pytest.approx(-25.0)
    with session_scope(cli_db) as s:  # imported labels are kept by the label worker
        assert repo.count_unlabeled(s) == 0
        assert set(s.execute(select(Mention.label_source)).scalars()) == {"imported"}


def test_campaign_worked_example(cli_db: str, tmp_path: Path) -> None:
    """1,000 followers, 80 likes, 10 shares, 10 comments (2 spam, 1 duplicate, 7 clean); cost 350,
    revenue 1,050 → QWE 70, inflation 1.43, QW-ER 7 %, CPE 3.50, CPE on QWE 5.00, ROI 200 %, ROAS 3.0."""
    posts = [
        {
            "platform": "instagram",
            "external_id": "P1",
            "url": "https://instagram.example/p/P1",
            "author": "mina.makeup",
            "author_followers": 1000,
            "published_at": "2026-03-05T09:00:00Z",
            "text": "My morning routine with the new serum",
            "likes": 80,
            "comments": 10,
            "shares": 10,
            "saves": "",
            "views": "",
            "impressions": "",
            "reach": "",
            "brands": "Brand C",
        }
    ]
    _invoke("import", "posts", str(_csv(tmp_path / "posts.csv", posts)))
    texts = [f"really honest comment about texture number {i}" for i in range(7)]
    texts += [texts[0].upper() + " !!"]  # a near-duplicate of the first comment
    texts += ["win free gifts at my page", "follow me for a giveaway"]
    comments = [
        {
            "platform": "instagram",
            "external_id": f"k{i}",
            "text": t,
            "post_external_id": "P1",
            "author": f"fan{i}",
            "published_at": f"2026-03-05T10:{i:02d}:00Z",
            "sentiment": "positive",
            "spam": 1 if i >= 8 else 0,
        }
        for i, t in enumerate(texts)
    ]
    _invoke("import", "mentions", str(_jsonl(tmp_path / "comments.jsonl", comments)))
    campaigns = [
        {
            "campaign": "Spring glow",
            "brand": "Brand C",
            "influencer": "mina.makeup",
            "platform": "instagram",
            "post_url": "",
            "post_external_id": "P1",
            "cost": 350,
            "currency": "USD",
            "impressions": 20000,
            "clicks": 400,
            "conversions": 20,
            "revenue": 1050,
            "start": "2026-03-01",
            "end": "2026-03-31",
        }
    ]
    _invoke("import", "campaigns", str(_csv(tmp_path / "campaigns.csv", campaigns)))
    k = _kpi("Brand C")
    assert k["engagement"] == 100
    assert k["qwe"] == pytest.approx(70.0)
    assert k["inflation"] == pytest.approx(100 / 70)
    (c,) = k["campaigns"]
    assert (c["campaign"], c["influencer"], c["posts"], c["followers"]) == (
        "Spring glow",
        "mina.makeup",
        1,
        1000,
    )
    assert c["engagement"] == 100 and c["qwe"] == pytest.approx(70.0)
    assert c["er"] == pytest.approx(10.0) and c["qw_er"] == pytest.approx(7.0)
    assert c["cost"] == pytest.approx(350.0)
    assert c["cpe"] == pytest.approx(3.5) and c["cpe_qwe"] == pytest.approx(5.0)
    assert c["roi"] == pytest.approx(200.0) and c["roas"] == pytest.approx(3.0)
    assert c["cpm"] == pytest.approx(17.5) and c["ctr"] == pytest.approx(2.0)
    assert c["conversion_rate"] == pytest.approx(5.0)
    # Importing the same files again changes nothing.
    with session_scope(cli_db) as s:
        before = repo.counts(s)
    _invoke("import", "posts", str(tmp_path / "posts.csv"))
    _invoke("import", "mentions", str(tmp_path / "comments.jsonl"))
    _invoke("import", "campaigns", str(tmp_path / "campaigns.csv"))
    with session_scope(cli_db) as s:
        after = repo.counts(s)
    assert {k: v for k, v in after.items() if k != "crawl_runs"} == {
        k: v for k, v in before.items() if k != "crawl_runs"
    }
    assert _kpi("Brand C") == k


def test_empty_period_gives_nulls_not_errors(cli_db: str, tmp_path: Path) -> None:
    rows = [
        {
            "platform": "x",
            "external_id": "1",
            "text": "Brand D is fine",
            "brands": "Brand D",
            "published_at": "2026-03-01T00:00:00Z",
        }
    ]
    _invoke("import", "mentions", str(_jsonl(tmp_path / "m.jsonl", rows)))
    k = _kpi("Brand D", "--since", "2030-01-01", "--until", "2030-01-31")
    assert k["mentions"] == 0 and k["engagement"] == 0 and k["campaigns"] == []
    for key in (
        "sov",
        "spam_rate",
        "net_sentiment",
        "net_sentiment_sov",
        "positive_pct",
        "inflation",
        "qw_net_sentiment",
        "sov_engagement",
        "sov_reach",
    ):
        assert k[key] is None, key
    table = runner.invoke(app, ["kpi", "--brand", "Brand D"])
    assert table.exit_code == 0 and "net_sentiment" in table.output
    unknown = runner.invoke(app, ["kpi", "--brand", "Nope", "--json"])
    assert unknown.exit_code == 2 and "unknown brand 'Nope'" in unknown.output


def test_bad_rows_are_quarantined_with_row_and_column(cli_db: str, tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    good = {"platform": "tiktok", "text": "Glow Lab sunscreen is nice on oily skin"}
    lines = [
        json.dumps({**good, "external_id": "g1"}),
        json.dumps({**good, "external_id": "g2", "text": "😍😍", "likes": "12"}),
        json.dumps({"platform": "tiktok", "external_id": "b1", "text": ""}),
        json.dumps({**good, "external_id": "b2", "likes": "many"}),
        json.dumps({**good, "external_id": "b3", "sentiment": "angry"}),
        "{not json",
        json.dumps({**good, "external_id": "b4", "published_at": "last tuesday"}),
        json.dumps({**good, "text": "no id"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = _invoke("import", "mentions", str(path), "--map", "Comment=text")
    assert "8 rows, 2 stored, 6 quarantined" in out
    with session_scope(cli_db) as s:
        reasons = sorted(s.execute(select(QuarantinedRecord.reason)).scalars())
        assert repo.counts(s)["mentions"] == 2
    assert reasons == sorted(
        [
            "row 3: empty_text: mention has no text",
            "row 4: column likes: 'many' is not a number",
            "row 5: column sentiment: 'angry' is not one of negative, neutral, positive",
            "row 6: not valid JSON (Expecting property name enclosed in double quotes)",
            "row 7: column published_at: 'last tuesday' is not a date like 2026-03-01 or "
            "2026-03-01T12:00:00Z",
            "row 8: column external_id: is required",
        ]
    )
    again = _invoke("import", "mentions", str(path))
    assert "2 stored" in again
    with session_scope(cli_db) as s:
        assert repo.counts(s)["mentions"] == 2
    csv_path = _csv(tmp_path / "renamed.csv", [{"Network": "tiktok", "Comment ID": "r1", "Comment": "hello"}])
    _invoke(
        "import",
        "mentions",
        str(csv_path),
        "-m",
        "Network=platform",
        "-m",
        "Comment ID=external_id",
        "-m",
        "Comment=text",
    )
    with session_scope(cli_db) as s:
        assert s.execute(select(Mention.text).where(Mention.external_id == "r1")).scalar_one() == "hello"
    missing = runner.invoke(app, ["import", "mentions", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_xlsx_import_and_run_interval(cli_db: str, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["platform", "external_id", "text", "likes", "published_at"])
    sheet.append(["facebook", 1001, "Aqua Veil sunscreen stings my eyes", 4, "2026-03-03T08:00:00Z"])
    sheet.append(["facebook", 1002, "", 1, None])
    sheet.append(["facebook", 1003, "Love the Aqua Veil tint", "lots", None])
    path = tmp_path / "facebook.xlsx"
    book.save(path)
    out = _invoke("import", "mentions", str(path))
    assert "3 rows, 1 stored, 2 quarantined" in out
    with session_scope(cli_db) as s:
        assert s.execute(select(Mention.external_id)).scalars().all() == [
            "1001"
        ]  # a float cell, kept as an id
        reasons = sorted(s.execute(select(QuarantinedRecord.reason)).scalars())
    assert reasons == [
        "row 3: empty_text: mention has no text",
        "row 4: column likes: 'lots' is not a number",
    ]
    bad = runner.invoke(app, ["run", "--every", "soon"])
    assert bad.exit_code == 2 and "--every takes a duration like 30m" in bad.output
