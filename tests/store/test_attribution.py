"""Attribution (issue 20, item 4): a comment counts for the brands it names; a comment naming none counts for
its post's brands, marked from thread. The Glow Lab / Aqua Veil thread through `brandpulse import`, the KPIs,
the Negative feed and `brandpulse rematch`, on SQLite and PostgreSQL; then a store written by the earlier
rule, migrated by 0012 and settled by rematch."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select, text
from typer.testing import CliRunner

from store import rollups
from store.db import alembic_config, session_scope
from store.feed_pages import FeedFilter, feed_page
from store.kpi import share_of_voice
from store.models import Brand, BrandDay, Mention, MentionBrand
from tests.dbutil import migrated_db
from ui.cli.app import app

runner = CliRunner()
GLOW, AQUA = "Glow Lab", "Aqua Veil"
DAY = "2026-03-02"
UNTIL = datetime(2026, 3, 3, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def cli_db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = migrated_db(request, tmp_path, "attribution.db")
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "brandpulse.toml").write_text(
        f'[[brands]]\nname = "{GLOW}"\nquery = \'"glow lab"\'\ncompetitor_group = "skin"\n'
        f'[[brands]]\nname = "{AQUA}"\nquery = \'"aqua veil"\'\ncompetitor_group = "skin"\n',
        encoding="utf-8",
    )
    return url


def _invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


# (id, text, sentiment) of the comments under the comparison post.
COMMENTS = [
    ("g1", "Glow Lab recalled the serum, my face burned", "negative"),
    ("g2", "glow lab still silent about the burns??", "negative"),
    ("n1", "this whole thread is so disappointing", "negative"),  # names neither brand
    ("a1", "Aqua Veil gel has been gentle on me", "positive"),
]


def _import_thread(tmp_path: Path) -> None:
    post = {
        "platform": "ptt",
        "external_id": "P1",
        "url": "https://ptt.example/P1",
        "text": "Glow Lab vs Aqua Veil: the serum crisis",
        "published_at": f"{DAY}T09:00:00Z",
        "likes": 10,
        "comments": 4,
    }
    _invoke("import", "posts", str(_jsonl(tmp_path / "posts.jsonl", [post])))
    rows = [
        {
            "platform": "ptt",
            "external_id": ext,
            "text": body,
            "post_external_id": "P1",
            "published_at": f"{DAY}T10:00:00Z",
            "lang": "en",
            "sentiment": sentiment,
            "spam": 0.0,
        }
        for ext, body, sentiment in COMMENTS
    ]
    # The post's own text comes as a labeled mention too, so every mention is labeled without the model.
    body = {"external_id": "P1", "kind": "post", "text": post["text"], "sentiment": "neutral"}
    rows.append({**rows[0], **body})
    out = _invoke("import", "mentions", str(_jsonl(tmp_path / "comments.jsonl", rows)))
    assert "5 rows, 5 stored, 0 quarantined" in out


def _links(url: str) -> dict[tuple[str, str], bool]:
    """(external id, brand) → from_thread, for every link."""
    with session_scope(url) as s:
        rows = s.execute(
            select(Mention.external_id, Brand.name, MentionBrand.from_thread)
            .join(MentionBrand, MentionBrand.mention_id == Mention.id)
            .join(Brand, Brand.id == MentionBrand.brand_id)
        ).all()
    return {(ext, name): bool(ft) for ext, name, ft in rows}


EXPECTED_LINKS = {
    ("P1", GLOW): False,
    ("P1", AQUA): False,
    ("g1", GLOW): False,
    ("g2", GLOW): False,
    ("n1", GLOW): True,
    ("n1", AQUA): True,
    ("a1", AQUA): False,
}


def _kpi(brand: str, *extra: str) -> dict[str, Any]:
    args = ("kpi", "--brand", brand, "--since", "2026-03-01", "--until", "2026-03-31", "--json", *extra)
    return json.loads(_invoke(*args).strip().splitlines()[-1])


def _feed(url: str, brand: str, from_thread: bool | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """The brand's Negative feed: (external id, brands shown as from thread) per card."""
    with session_scope(url) as s:
        page = feed_page(s, FeedFilter(brand=brand, from_thread=from_thread), sort="newest")
        ids = {m.mention_id: m for m in page.mentions}
        ext = dict(s.execute(select(Mention.id, Mention.external_id).where(Mention.id.in_(ids))).all())
    assert page.total == len(page.mentions)
    return sorted((ext[i], m.thread_brands) for i, m in ids.items())


def _brand_days(url: str) -> list[tuple[Any, ...]]:
    with session_scope(url) as s:
        rows = s.execute(select(BrandDay)).scalars().all()
        return sorted((r.brand_id, r.day, r.mentions, r.positive, r.negative, r.neutral) for r in rows)


def _check_rollups_match_a_full_recount(url: str) -> None:
    incremental = _brand_days(url)
    with session_scope(url) as s:
        rollups.refresh_all(s)
    assert _brand_days(url) == incremental


def _check_thread_figures(url: str) -> None:
    assert _links(url) == EXPECTED_LINKS
    # Glow Lab: the post, g1, g2 and n1 (from thread); Aqua Veil: the post, n1 (from thread) and a1.
    glow, aqua = _kpi(GLOW), _kpi(AQUA)
    assert (glow["mentions"], aqua["mentions"]) == (4, 3)
    assert glow["sov"] == pytest.approx(400 / 7) and aqua["sov"] == pytest.approx(300 / 7)
    # Glow Lab: P 0, N 3, U 1 → −75; Aqua Veil: P 1 (a1), N 1 (n1), U 1 (the post) → 0. Under the old rule
    # Aqua Veil also had g1 and g2: P 1, N 3, U 1 → −40.
    assert glow["net_sentiment"] == pytest.approx(-75.0) and aqua["net_sentiment"] == pytest.approx(0.0)
    assert glow["net_sentiment_sov"] == pytest.approx(-300 / 5) and aqua["net_sentiment_sov"] == 0.0
    # Without the thread: Glow Lab the post, g1, g2 (N 2, U 1); Aqua Veil the post and a1 (P 1, U 1).
    glow, aqua = _kpi(GLOW, "--exclude-thread"), _kpi(AQUA, "--exclude-thread")
    assert glow["exclude_thread"] is True
    assert (glow["mentions"], aqua["mentions"]) == (3, 2)
    assert glow["sov"] == pytest.approx(60.0) and aqua["sov"] == pytest.approx(40.0)
    assert glow["net_sentiment"] == pytest.approx(-200 / 3) and aqua["net_sentiment"] == pytest.approx(50.0)
    assert glow["qw_net_sentiment"] == pytest.approx(-200 / 3) and aqua["qw_net_sentiment"] == 50.0
    assert "exclude_thread" not in _kpi(GLOW)
    # The same figures for a period that is not whole days (counted from the mentions, not the rollup).
    with session_scope(url) as s:
        partial = {"since": datetime(2026, 3, 2, 8, 30, tzinfo=UTC), "until": UNTIL}
        assert [v.mentions for v in share_of_voice(s, brands=[AQUA, GLOW], **partial)] == [3, 4]
        own = share_of_voice(s, brands=[AQUA, GLOW], exclude_thread=True, **partial)
        assert [v.mentions for v in own] == [2, 3]

    # The feed: Aqua Veil's shows only the comment naming no brand, marked from thread; Glow Lab's crisis
    # comments are Glow Lab's alone.
    assert _feed(url, AQUA) == [("n1", (AQUA, GLOW))]
    assert _feed(url, AQUA, from_thread=False) == []
    assert _feed(url, GLOW) == [("g1", ()), ("g2", ()), ("n1", (AQUA, GLOW))]
    assert _feed(url, GLOW, from_thread=False) == [("g1", ()), ("g2", ())]
    assert _feed(url, GLOW, from_thread=True) == [("n1", (AQUA, GLOW))]
    _check_rollups_match_a_full_recount(url)


def test_a_comment_counts_for_the_brands_it_names_and_one_naming_none_for_its_thread(
    cli_db: str, tmp_path: Path
) -> None:
    _import_thread(tmp_path)
    _check_thread_figures(cli_db)
    # A rematch finds the same links and changes nothing.
    out = _invoke("rematch")
    assert "0 mentions newly linked" in out
    _check_thread_figures(cli_db)


def test_a_comment_that_later_names_a_brand_leaves_its_thread(cli_db: str, tmp_path: Path) -> None:
    """n1 edited to name Aqua Veil and crawled again: it counts for Aqua Veil alone, no longer from thread."""
    _import_thread(tmp_path)
    row = {
        "platform": "ptt",
        "external_id": "n1",
        "text": "this whole thread is so disappointing, back to Aqua Veil",
        "post_external_id": "P1",
        "published_at": f"{DAY}T10:00:00Z",
        "lang": "en",
        "sentiment": "negative",
        "spam": 0.0,
    }
    _invoke("import", "mentions", str(_jsonl(tmp_path / "edit.jsonl", [row])))
    links = _links(cli_db)
    assert {k: v for k, v in links.items() if k[0] == "n1"} == {("n1", AQUA): False}
    assert (_kpi(GLOW)["mentions"], _kpi(AQUA)["mentions"]) == (3, 3)
    _check_rollups_match_a_full_recount(cli_db)


def test_links_of_the_earlier_rule_are_marked_by_the_migration_and_settled_by_rematch(
    cli_db: str, tmp_path: Path
) -> None:
    _import_thread(tmp_path)
    # A store of the earlier rule: every comment linked to every brand of its post, unmarked.
    command.downgrade(alembic_config(cli_db), "0011")
    with session_scope(cli_db) as s:
        s.execute(
            text(
                "INSERT INTO mention_brand (mention_id, brand_id) "
                "SELECT c.id, pb.brand_id FROM mention c "
                "JOIN mention p ON p.post_id = c.post_id AND p.kind = 'post' "
                "JOIN mention_brand pb ON pb.mention_id = p.id "
                "WHERE c.kind = 'comment' AND NOT EXISTS (SELECT 1 FROM mention_brand x "
                "WHERE x.mention_id = c.id AND x.brand_id = pb.brand_id)"
            )
        )
        rollups.refresh_brand_days(s)
    _invoke("db", "upgrade")
    every = {(c, b) for c, _, _ in COMMENTS for b in (GLOW, AQUA)}
    # The migration marks each comment's link to a brand of its post: it cannot tell which the text names.
    assert _links(cli_db) == {("P1", GLOW): False, ("P1", AQUA): False} | dict.fromkeys(every, True)
    assert (_kpi(GLOW)["mentions"], _kpi(AQUA)["mentions"]) == (5, 5)  # the counts are the earlier rule's
    _check_rollups_match_a_full_recount(cli_db)
    out = _invoke("rematch")
    assert "Glow Lab +2" in out and "Aqua Veil +1" in out  # g1, g2 and a1 named their brand
    _check_thread_figures(cli_db)
