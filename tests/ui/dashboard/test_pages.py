"""The dashboard pages, run by Streamlit's AppTest against a seeded SQLite database (no mocks)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from store import feed, kpi, repo
from store.db import ensure_schema, session_scope
from store.export import ExportFilter
from store.models import CrawlRun, Mention
from tests.factories import seed_demo_db
from tests.ui.dashboard.apptest import open_app
from ui.dashboard import queries, safe
from ui.urls import masked_url


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _chart_titles(at: AppTest) -> list[str]:
    """Titles of the Altair charts on the page (from their Vega-Lite specs)."""
    titles = [json.loads(chart.proto.spec).get("title") for chart in at.get("vega_lite_chart")]
    return [t["text"] if isinstance(t, dict) else t for t in titles]


# ---------------------------------------------------------------- overview


def test_overview_shows_the_busiest_brand_with_its_seeded_numbers(seeded: dict[str, Any]) -> None:
    at = open_app()
    assert at.selectbox(key="overview_brand").value == seeded["busiest_brand"] == "Glow Lab"
    assert _metrics(at) == {
        "Mentions": "6",
        "Share of voice": "60.0 %",
        "Net sentiment": "+50.0",
        "Spam rate": "25.0 %",
        "Raw engagement": "100",
        "Quality-weighted engagement": "51",
        "Inflation": "1.96×",
    }
    helps = {m.label: m.help for m in at.metric}
    assert helps["Share of voice"] == kpi.FORMULAS["sov"]
    assert helps["Inflation"] == kpi.FORMULAS["inflation"]
    assert helps["Net sentiment"].startswith(kpi.FORMULAS["net_sentiment"])
    assert "Comparison set: Aqua Veil, Glow Lab, Petal Theory" in [c.value for c in at.caption]
    assert _chart_titles(at) == [
        "Share of voice",
        "Net sentiment by week",
        "Engagement: raw vs quality-weighted",
    ]
    (voice,) = [d.value for d in at.dataframe if "net_sentiment_sov" in d.value.columns]
    (engagement,) = [d.value for d in at.dataframe if "qwe" in d.value.columns]
    table = voice.merge(engagement, on="brand").set_index("brand")
    assert table.loc["Glow Lab", "sov"] == pytest.approx(60.0)
    assert table.loc["Aqua Veil", "sov"] == pytest.approx(40.0)
    assert table.loc["Aqua Veil", "qwe"] == pytest.approx(seeded["engagement_30d"]["Aqua Veil"]["qwe"])
    assert table.loc["Petal Theory", "mentions"] == 0


def test_overview_follows_the_brand_picker_and_the_sidebar_period(seeded: dict[str, Any]) -> None:
    at = open_app()
    at.selectbox(key="overview_brand").set_value("Aqua Veil").run()
    assert not at.exception
    tiles = _metrics(at)
    assert (tiles["Mentions"], tiles["Share of voice"], tiles["Net sentiment"], tiles["Spam rate"]) == (
        "4",
        "40.0 %",
        "-25.0",
        "20.0 %",
    )
    assert tiles["Inflation"] == f"{seeded['engagement_30d']['Aqua Veil']['inflation']:.2f}×"

    at.selectbox(key="overview_brand").set_value("Glow Lab")
    at.sidebar.selectbox(key="period").set_value("all-time").run()
    assert not at.exception
    tiles = _metrics(at)
    assert tiles["Mentions"] == "7"  # plus the 45-day-old complaint
    assert tiles["Share of voice"] == f"{seeded['voice_all']['Glow Lab']['sov']:.1f} %" == "53.8 %"


def test_overview_on_an_empty_database_says_how_to_get_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    ensure_schema(url)
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    at = open_app()
    assert not at.metric
    (info,) = at.info
    assert "brandpulse demo" in info.value and "brandpulse crawl" in info.value
    assert "empty.db" in info.value and "writes one pointing at it" in info.value  # where it looked, and why


def test_a_database_not_created_yet_is_created_on_first_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "new" / "fresh.db"
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", f"sqlite:///{db}")
    at = open_app("views/sources.py")
    assert db.exists()
    assert "No crawl has run yet" in at.info[0].value


def test_sidebar_shows_the_database_url_with_the_password_masked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (
        masked_url("postgresql+psycopg://ana:s3cret@db:5432/bp") == "postgresql+psycopg://ana:***@db:5432/bp"
    )
    seeded = seed_demo_db(f"sqlite:///{tmp_path / 'side.db'}")
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", seeded["url"])
    at = open_app()
    assert f"Database: `{seeded['url']}`" in [c.value for c in at.sidebar.caption]


def test_an_invalid_configuration_stops_with_its_message(seeded: dict[str, Any], tmp_path: Path) -> None:
    (tmp_path / "brandpulse.toml").write_text('[database]\nurl = "sqlite:///x.db"\ncolour = "red"\n')
    at = open_app()
    (error,) = at.error
    # The message is shown as text: escaped for Markdown (ui.dashboard.safe.md_text).
    assert error.value.startswith("Invalid configuration")
    assert safe.md_text("database.colour: unknown key") in error.value
    assert not at.metric


# ---------------------------------------------------------------- negative feed


def test_negative_feed_lists_negative_mentions_as_plain_text_newest_first(seeded: dict[str, Any]) -> None:
    at = open_app("views/negative_feed.py")
    assert at.subheader[0].value == "3 negative mentions"
    texts = [t.value for t in at.text]
    shown = [t for t in texts if t in seeded["feed_default_texts"]]
    assert shown == seeded["feed_default_texts"]
    # Every seeded negative is the model's, at p = 0.88: its confidence, no "Low confidence" badge.
    assert [card[1:] for card in _feed_cards(at)] == [("confidence 88 %", None)] * 3
    # Markup in a comment stays literal text: it is an st.text element, never markdown/HTML.
    assert seeded["html_looking_text"] in texts
    assert all(seeded["html_looking_text"] not in md.value for md in at.markdown)
    assert seeded["resolved_text"] not in texts  # resolved is not in the default filter
    # A javascript: URL gets no link button; the two web links do.
    urls = [b.proto.url for b in at.link_button if b.label == "Open source"]
    assert len(urls) == seeded["feed_default_web_links"] and all(u.startswith("https://") for u in urls)

    at.selectbox(key="feed_brand").set_value("Glow Lab").run()
    assert at.subheader[0].value == "1 negative mention"
    # The resolved complaint is 45 days old: it needs the resolved status and a period that reaches back.
    at.multiselect(key="feed_statuses").set_value(["resolved"]).run()
    assert at.subheader[0].value == "0 negative mentions"
    at.sidebar.selectbox(key="period").set_value("last-90-days").run()
    assert [t.value for t in at.text if t.value == seeded["resolved_text"]] == [seeded["resolved_text"]]


def test_changing_the_status_saves_it_to_the_database(seeded: dict[str, Any]) -> None:
    at = open_app("views/negative_feed.py")
    mention_id = seeded["negative_id"]
    box = at.selectbox(key=f"triage_{mention_id}")
    assert box.value == "new"
    box.set_value("resolved").run()
    assert not at.exception

    with session_scope(seeded["url"]) as session:
        resolved = feed.negative_feed(session, statuses=("resolved",))
    assert mention_id in {m.mention_id for m in resolved}
    # The cache was cleared: the page no longer lists it under new + in progress.
    assert at.subheader[0].value == "2 negative mentions"
    assert seeded["negative_text"] not in [t.value for t in at.text]


def _feed_cards(at: AppTest) -> list[tuple[str, str, str | None]]:
    """Each feed card's (mention text, confidence line, help of its "Low confidence" badge or None)."""
    cards = []
    for column in at.columns:
        texts = [t.value for t in column.text]
        # A card's body: its meta line, the mention text and, for a comment, "Under the post: <title>".
        if len(texts) in (2, 3):
            badges = [
                md.proto.help
                for md in column.markdown
                if md.value.endswith("-badge[:material/help: Low confidence]")
            ]
            (confidence,) = [c.value for c in column.caption]
            cards.append((texts[1], confidence, badges[0] if badges else None))
    return cards


def test_negative_feed_shows_confidence_flags_unsure_labels_and_sorts_by_confidence(
    seeded: dict[str, Any],
) -> None:
    ids = seeded["mention_ids"]
    with session_scope(seeded["url"]) as session:
        session.get(Mention, ids["av_ko"]).p_negative = 0.55  # below feed.LOW_CONFIDENCE
        session.get(Mention, ids["av_neg"]).p_negative = 0.72
        # An analyst turns Glow Lab's neutral Korean comment into a negative: it joins the feed, corrected.
        repo.record_correction(session, mention_id=ids["gl_ko"], task="sentiment", label="negative")
        gl_ko_text = session.get(Mention, ids["gl_ko"]).text
    av_ko_text = seeded["feed_default_texts"][1]
    negative, html_looking = seeded["negative_text"], seeded["html_looking_text"]
    low_help = (
        "The model was unsure: its probability of negative is below 60 %. "
        "Check the label and correct it below if it is wrong."
    )

    at = open_app("views/negative_feed.py")
    assert at.subheader[0].value == "4 negative mentions"
    assert at.selectbox(key="feed_order").value == "newest"
    assert at.selectbox(key="feed_order").options == [
        "Newest first",
        "Widest reach first",
        "Most severe first",
        "Highest confidence first",
        "Lowest confidence first",
    ]
    assert _feed_cards(at) == [
        (negative, "confidence 88 %", None),
        (av_ko_text, "confidence 55 %", low_help),
        (gl_ko_text, "corrected by an analyst", None),
        (html_looking, "confidence 72 %", None),
    ]
    helps = {c.value: c.proto.help for c in at.caption}
    assert helps["confidence 88 %"] == "The model's probability that this mention is negative."
    assert helps["corrected by an analyst"] == ""  # no model probability to explain

    at.selectbox(key="feed_order").set_value("confidence_desc").run()
    assert [card[0] for card in _feed_cards(at)] == [gl_ko_text, negative, html_looking, av_ko_text]
    at.selectbox(key="feed_order").set_value("confidence_asc").run()
    assert _feed_cards(at)[0] == (av_ko_text, "confidence 55 %", low_help)
    assert [card[0] for card in _feed_cards(at)] == [av_ko_text, html_looking, negative, gl_ko_text]
    assert not at.exception


# ---------------------------------------------------------------- explore & export


def test_explore_shows_the_filtered_rows_and_three_downloads(seeded: dict[str, Any]) -> None:
    at = open_app("views/explore.py")
    assert at.subheader[0].value == f"{seeded['explore_30d_rows']} matching rows"
    assert len(at.dataframe[0].value) == seeded["explore_30d_rows"]
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download CSV", "Download Parquet", "Download JSONL"]

    at.selectbox(key="explore_brand").set_value("Glow Lab")
    at.segmented_control(key="explore_spam").set_value("include").run()
    frame = at.dataframe[0].value
    assert len(frame) == seeded["explore_30d_glow_with_spam"]
    assert set(frame["brand"]) == {"Glow Lab"} and frame["is_spam"].sum() == 2

    at.selectbox(key="explore_brand").set_value("Any")
    at.segmented_control(key="explore_spam").set_value("only").run()
    assert at.subheader[0].value == f"{seeded['explore_30d_only_spam']} matching rows"

    at.segmented_control(key="explore_spam").set_value("exclude")
    at.selectbox(key="explore_lang").set_value("vi").run()
    assert len(at.dataframe[0].value) == seeded["explore_30d_vi"]
    assert not at.exception


def test_the_download_bytes_are_the_filtered_frame(seeded: dict[str, Any]) -> None:
    """What a download button serves: the explore frame written by store.export.export_bytes."""
    flt = ExportFilter(brand="Glow Lab")
    csv = pd.read_csv(io.BytesIO(queries.export_file(seeded["url"], flt, "include", "csv")))
    assert len(csv) == 9 and set(csv["brand"]) == {"Glow Lab"}  # all time, spam included
    parquet = pd.read_parquet(io.BytesIO(queries.export_file(seeded["url"], flt, "only", "parquet")))
    assert len(parquet) == 2 and parquet["is_spam"].all()
    lines = queries.export_file(seeded["url"], flt, "exclude", "jsonl").decode("utf-8").splitlines()
    # All time: the 6 recent non-spam Glow Lab rows and the old complaint.
    assert len(lines) == 7 and any(seeded["negative_text"] in line for line in lines)


# ---------------------------------------------------------------- sources


def test_sources_flags_the_source_whose_last_run_stored_nothing(seeded: dict[str, Any]) -> None:
    at = open_app("views/sources.py")
    (banner,) = at.error
    assert banner.value.startswith(f"{safe.md_text(seeded['zero_item_spider'])}: the last run")
    table = at.dataframe[0].value.set_index("source")
    assert list(table.index) == ["naver_comments", "ptt", "vnexpress"]
    assert table.loc["naver_comments", "last run"] == seeded["crawl_runs"]["naver_comments"]
    assert table.loc["naver_comments", "errors"] == 2
    assert table.loc["ptt", "quarantine reasons"] == "missing_text (1)"
    assert table.loc["ptt", "items"] == 10


def test_sources_flags_a_run_that_never_finished_and_not_one_in_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'stuck.db'}"
    ensure_schema(url)
    now = datetime.now(UTC)
    with session_scope(url) as session:
        for spider, hours in (("ptt", 9), ("vnexpress", 0.5)):
            session.add(CrawlRun(spider=spider, started_at=now - timedelta(hours=hours), status="running"))
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    at = open_app("views/sources.py")
    assert not at.exception
    (banner,) = at.error
    assert banner.value.startswith("ptt: the last run (#1) started")
    assert "never recorded a finish" in banner.value
    (busy,) = at.info
    assert busy.value.startswith("vnexpress: a run (#2) is in progress")
    table = at.dataframe[0].value.set_index("source")
    assert table.loc["ptt", "status"] == "stuck (no finish recorded)"
    assert table.loc["vnexpress", "status"] == "running"
