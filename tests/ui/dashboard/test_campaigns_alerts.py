"""The Influencers & campaigns and Alerts pages, run by Streamlit's AppTest on SQLite databases seeded through
the file imports and the store (no mocks)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.imports import import_campaigns, import_mentions, import_posts
from crawler.items import MentionItem
from store import repo
from store.alerts import RULES
from store.db import ensure_schema, session_scope
from tests.factories import seed_demo_db, seed_mention_series
from tests.ui.dashboard.apptest import open_app
from ui.dashboard import charts, queries, safe

F = queries.CAMPAIGN_FORMULAS


def _csv(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- influencers & campaigns

TEXTS = [f"really honest comment about texture number {i}" for i in range(7)]
DUPLICATE = TEXTS[0].upper() + " !!"  # a near-duplicate of the first comment
SPAM = ["win free gifts at my page", "follow me for a giveaway"]


@pytest.fixture
def campaign_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The KPIS.md campaign worked example, imported from files as a user would (dated in the last 30 days).

    1,000 followers, 80 likes, 10 shares, 10 comments (2 spam, 1 near-duplicate, 7 clean); cost 350, revenue
    1,050. A second influencer's campaign row names a post that was never imported.
    """
    url = f"sqlite:///{tmp_path / 'campaigns.db'}"
    posted = datetime.now(UTC).replace(microsecond=0) - timedelta(days=5)
    posts = [
        {
            "platform": "instagram",
            "external_id": "P1",
            "url": "https://instagram.example/p/P1",
            "author": "mina.makeup",
            "author_followers": 1000,
            "published_at": _iso(posted),
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
    comments = [
        {
            "platform": "instagram",
            "external_id": f"k{i}",
            "text": text,
            "post_external_id": "P1",
            "author": f"fan{i}",
            "published_at": _iso(posted + timedelta(hours=1, minutes=i)),
            "sentiment": "positive",
            "spam": 1 if i >= 8 else 0,
        }
        for i, text in enumerate([*TEXTS, DUPLICATE, *SPAM])
    ]
    lines = "".join(json.dumps(c) + "\n" for c in comments)
    (tmp_path / "comments.jsonl").write_text(lines, encoding="utf-8")
    campaign = {
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
        "start": _iso(posted - timedelta(days=2))[:10],
        "end": _iso(posted + timedelta(days=20))[:10],
    }
    unmatched = campaign | {"influencer": "leo.skin", "post_external_id": "P404", "cost": 100, "revenue": 0}
    assert import_posts(url, _csv(tmp_path / "posts.csv", posts)).stored == 1
    assert import_mentions(url, tmp_path / "comments.jsonl").stored == 10
    assert import_campaigns(url, _csv(tmp_path / "campaigns.csv", [campaign, unmatched])).stored == 2
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    return {"url": url, "posted": posted}


def _columns(frame_element: Any) -> dict[str, dict[str, Any]]:
    """The column configuration an st.dataframe sent to the browser: column name → config."""
    return json.loads(frame_element.proto.columns)


def test_campaign_table_holds_the_worked_example_with_a_formula_on_every_column(
    campaign_db: dict[str, Any],
) -> None:
    at = open_app("views/campaigns.py")
    assert at.title[0].value == "Influencers & campaigns"
    assert at.selectbox(key="campaigns_brand").value == "Brand C"

    table = at.dataframe[0]
    frame = table.value.set_index("influencer")
    # Raw and quality-weighted figures side by side, in this order.
    assert list(table.value.columns) == [
        "campaign",
        "influencer",
        "posts",
        "followers",
        "engagement",
        "qwe",
        "er",
        "qw_er",
        "cost",
        "currency",
        "cpe",
        "cpe_qwe",
        "cpm",
        "ctr",
        "conversions",
        "conversion_rate",
        "revenue",
        "roi",
        "roas",
    ]
    mina = frame.loc["mina.makeup"]
    assert (mina["campaign"], mina["posts"], mina["followers"]) == ("Spring glow", 1, 1000)
    assert mina["engagement"] == 100
    assert mina["qwe"] == pytest.approx(70.0)
    assert mina["er"] == pytest.approx(10.0) and mina["qw_er"] == pytest.approx(7.0)
    assert mina["cost"] == pytest.approx(350.0)
    assert mina["cpe"] == pytest.approx(3.5) and mina["cpe_qwe"] == pytest.approx(5.0)
    assert mina["roi"] == pytest.approx(200.0) and mina["roas"] == pytest.approx(3.0)
    assert mina["cpm"] == pytest.approx(17.5) and mina["ctr"] == pytest.approx(2.0)
    assert mina["conversion_rate"] == pytest.approx(5.0)
    leo = frame.loc["leo.skin"]  # its post was never imported: cost counts, engagement does not
    assert (leo["posts"], leo["engagement"], leo["cost"]) == (0, 0, 100.0) and leo["cpe"] != leo["cpe"]  # NaN

    config = _columns(table)
    for column in table.value.columns[2:]:
        assert config[column]["help"] == F[column], column
    assert config["cpe"]["type_config"]["format"] == "%.2f"  # CPE 3.50, CPE on QWE 5.00
    assert config["qw_er"]["label"] == "QW-ER %" and config["cpe_qwe"]["label"] == "CPE on QWE"
    assert F["cpe_qwe"].startswith("CPE on QWE = cost / QWE")
    assert F["roi"] == "ROI = (revenue − cost) / cost × 100"


def test_the_drill_down_shows_a_posts_comments_with_weights_and_reason_codes(
    campaign_db: dict[str, Any],
) -> None:
    at = open_app("views/campaigns.py")
    day = campaign_db["posted"].date().isoformat()
    # One option: the unmatched campaign row has no stored post to drill into.
    assert at.selectbox(key="campaigns_post").options == [
        f"Spring glow · mina.makeup · {day} · https://instagram.example/p/P1"
    ]
    tiles = {m.label: m.value for m in at.metric}
    assert tiles == {
        "Raw engagement": "100",
        "QWE": "70",
        "Qualified share": "0.70",
        "Inflation": "1.43×",
        "Comments stored": "10",
    }
    helps = {m.label: m.help for m in at.metric}
    assert helps["Qualified share"] == F["qualified_share"] and helps["Inflation"] == F["inflation"]

    comments = at.dataframe[1].value
    assert len(comments) == 10 and comments["weight"].sum() == pytest.approx(7.0)
    reasons = dict(zip(comments["text"], comments["reasons"], strict=True))
    assert [reasons[t] for t in SPAM] == ["spam", "spam"]
    assert reasons[DUPLICATE] == "duplicate"
    assert {reasons[t] for t in TEXTS} == {""}
    assert _columns(at.dataframe[1])["reasons"]["help"] == F["reasons"]
    assert "1 campaign row name a post that is not stored" in " ".join(c.value for c in at.caption)


def test_without_campaigns_the_page_says_how_to_import_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    ensure_schema(url)
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    at = open_app("views/campaigns.py")
    (info,) = at.info
    assert "brandpulse import campaigns FILE" in info.value
    assert not at.dataframe and not at.metric


# ---------------------------------------------------------------- alerts

STEADY = [(4, 0), (5, 0), (4, 0), (5, 0), (4, 0), (5, 0), (4, 0)]
MARKUP_TEXT = "<b>Lumen</b> serum broke me out [click](javascript:alert(1))"


@pytest.fixture
def alert_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The demo database (its naver_comments crawl stored nothing) plus a brand whose volume spiked today."""
    facts = seed_demo_db(f"sqlite:///{tmp_path / 'alerts.db'}")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    ids = seed_mention_series(
        facts["url"], brand="Lumen", platform="threads", now=now, daily=[(24, 0), *STEADY]
    )
    top = MentionItem(
        platform="threads",
        external_id="lumen-top",
        text=MARKUP_TEXT,
        url="javascript:alert(1)",
        published_at=now - timedelta(hours=3),
        likes=100,
        brands=["Lumen"],
        lang="en",
        sentiment="negative",
        spam_score=0.0,
    )
    with session_scope(facts["url"]) as session:
        repo.upsert_mentions(session, mentions=[top])
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", facts["url"])
    return facts | {"series_ids": ids}


def test_the_alerts_page_shows_the_spike_with_its_driving_mentions_and_source_health(
    alert_db: dict[str, Any],
) -> None:
    at = open_app("views/alerts.py")
    assert at.title[0].value == "Alerts"
    assert [s.value for s in at.subheader] == ["Source health (1)", "Spikes (1)"]
    (error,) = at.error
    assert error.value.startswith(safe.md_text("Source stored zero items: naver_comments"))

    headings = [m.value.strip("*") for m in at.markdown]
    assert safe.md_text("Volume spike: Lumen, all sources") in headings
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Last 24 h"] == "25" and tiles["7-day mean"] == "4.43"
    assert tiles["Threshold (k = 2)"] == charts.fmt_value(31 / 7 + 2 * (31 / 7) ** 0.5)
    assert {m.label: m.help for m in at.metric}["Threshold (k = 2)"] == RULES["threshold"]
    assert len(at.get("vega_lite_chart")) == 1  # the baseline days and the last 24 h against the threshold

    texts = [t.value for t in at.text]
    # The five most engaged mentions of the last 24 h, the markup one first, shown as the characters it is.
    assert texts.count(MARKUP_TEXT) == 1 and all(MARKUP_TEXT not in md.value for md in at.markdown)
    shown = [t for t in texts if t.startswith("Lumen on threads")]
    assert shown == [f"Lumen on threads, day -0, mention {j}" for j in (23, 22, 21, 20)]
    # Four web links; the javascript: URL gets none.
    urls = [b.proto.url for b in at.link_button]
    assert urls == [f"https://threads.example/lumen/0/{j}" for j in (23, 22, 21, 20)]

    at.number_input(key="alerts_k").set_value(10.0).run()  # 4.43 + 10 × 2.10 = 25.5 > 25
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Source health (1)"] and not at.metric


def test_the_alerts_page_starts_from_the_configured_thresholds(
    alert_db: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "brandpulse.toml"
    config.write_text("[alerts]\nk = 10\nbaseline_days = 7\n", encoding="utf-8")
    monkeypatch.setenv("BRANDPULSE_CONFIG", str(config))
    at = open_app("views/alerts.py")
    assert at.number_input(key="alerts_k").value == 10.0
    assert [s.value for s in at.subheader] == ["Source health (1)"] and not at.metric  # no spike at k = 10
    at.number_input(key="alerts_k").set_value(2.0).run()
    assert [s.value for s in at.subheader] == ["Source health (1)", "Spikes (1)"]


def test_with_nothing_unusual_the_alerts_page_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'calm.db'}"
    seed_mention_series(url, brand="Calm", platform="ptt", now=datetime.now(UTC), daily=[(5, 1)] * 8)
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    at = open_app("views/alerts.py")
    (success,) = at.success
    assert success.value.startswith("No alerts")
    assert not at.error and not at.subheader
