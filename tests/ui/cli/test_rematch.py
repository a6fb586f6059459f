"""A brand added to the configuration (or whose query widens) counts the mentions stored before it, on SQLite
and PostgreSQL: automatically when a command reads the configuration, and with `brandpulse rematch`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from crawler.items import MentionItem, PostItem
from store import repo
from store.db import session_scope
from store.models import Brand, MentionBrand
from tests.dbutil import migrated_db
from ui.cli.app import app
from ui.jobs.rematch import rematch_mentions

runner = CliRunner()
AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def cli_db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = migrated_db(request, tmp_path, "rematch.db")
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    return url


def _config(tmp_path: Path, brands: dict[str, str]) -> None:
    (tmp_path / "brandpulse.toml").write_text(
        "".join(f"[[brands]]\nname = \"{n}\"\nquery = '{q}'\n" for n, q in brands.items()), encoding="utf-8"
    )


def _invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _links(url: str) -> dict[str, set[str]]:
    """brand -> external ids of its mentions."""
    from store.models import Mention

    with session_scope(url) as session:
        rows = session.execute(
            select(Brand.name, Mention.external_id)
            .join(MentionBrand, MentionBrand.brand_id == Brand.id)
            .join(Mention, Mention.id == MentionBrand.mention_id)
        ).all()
    out: dict[str, set[str]] = {}
    for name, ext in rows:
        out.setdefault(name, set()).add(ext)
    return out


def _seed(url: str) -> None:
    """Mentions stored while only Glow Lab was configured: a post about Aqua Veil with two comments that do
    not name it, and comments naming each brand."""
    with session_scope(url) as session:
        repo.sync_brands(session, brands=[repo.BrandSpec("Glow Lab", '"glow lab"')])
        posts = repo.upsert_posts(session, posts=[PostItem("ptt", "p1", title="Aqua Veil sunscreen review")])
        items = [
            MentionItem("ptt", "p1", "Aqua Veil sunscreen review", kind="post", post_external_id="p1"),
            MentionItem("ptt", "c1", "same, I love it", post_external_id="p1"),
            MentionItem("ptt", "c2", "too pricey for me", post_external_id="p1"),
            MentionItem("ptt", "c3", "Glow Lab serum is great", brands=["Glow Lab"]),
            MentionItem("ptt", "c4", "AQUA VEIL gel cream broke me out"),
            MentionItem("ptt", "c5", "aquaveil? never heard of it"),
        ]
        for item in items:
            item.published_at = AT
            item.lang, item.sentiment, item.spam_score = "en", "neutral", 0.0
        repo.upsert_mentions(session, mentions=items, post_ids_by_key=posts)


def test_a_brand_added_to_the_configuration_counts_the_mentions_stored_before_it(
    cli_db: str, tmp_path: Path
) -> None:
    _seed(cli_db)
    assert _links(cli_db) == {"Glow Lab": {"c3"}}
    _config(tmp_path, {"Glow Lab": '"glow lab"', "Aqua Veil": '"aqua veil"'})

    # Any command that reads the configuration matches the new brand against what is stored; it says so on
    # stderr, and `kpi --json` still prints one JSON object on stdout.
    result = runner.invoke(
        app, ["kpi", "--brand", "Aqua Veil", "--since", "2026-03-01", "--until", "2026-03-03", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert "new or changed brand queries: Aqua Veil" in result.stderr
    assert "Aqua Veil +2" in result.stderr  # the post and c4; the post's comments follow it
    assert _links(cli_db) == {"Glow Lab": {"c3"}, "Aqua Veil": {"p1", "c1", "c2", "c4"}}
    assert json.loads(result.stdout)["mentions"] == 4

    # Reading an unchanged configuration again matches nothing anew.
    assert "new or changed" not in runner.invoke(app, ["kpi", "--brand", "Aqua Veil", "--json"]).stderr

    # A widened query adds what it now finds; nothing is linked twice.
    _config(tmp_path, {"Glow Lab": '"glow lab"', "Aqua Veil": '"aqua veil" OR aquaveil'})
    out = _invoke("rematch", "--brand", "Aqua Veil")
    assert "matched 6 stored mentions" in out and "Aqua Veil +1" in out and "1 mentions newly linked" in out
    assert _links(cli_db)["Aqua Veil"] == {"p1", "c1", "c2", "c4", "c5"}
    out = _invoke("rematch")
    assert "Aqua Veil +0" in out and "Glow Lab +0" in out and "0 mentions newly linked" in out

    # A narrowed query keeps the links it made (they cannot be told from an import's).
    _config(tmp_path, {"Glow Lab": '"glow lab"', "Aqua Veil": "aquaveil"})
    _invoke("rematch")
    assert _links(cli_db)["Aqua Veil"] == {"p1", "c1", "c2", "c4", "c5"}


def test_rematch_scans_in_pages_and_names_unknown_brands(cli_db: str, tmp_path: Path) -> None:
    _seed(cli_db)
    with session_scope(cli_db) as session:
        repo.sync_brands(session, brands=[repo.BrandSpec("Aqua Veil", '"aqua veil"')])
    seen: list[int] = []
    result = rematch_mentions(cli_db, brands=["Aqua Veil"], page_size=2, progress=seen.append)
    assert seen == [2, 4, 6] and result.scanned == 6
    assert result.matched == {"Aqua Veil": 2} and result.linked == 4
    with pytest.raises(ValueError, match=r"unknown brand\(s\): Nope \(known: Aqua Veil, Glow Lab\)"):
        rematch_mentions(cli_db, brands=["Nope"])
    result = runner.invoke(app, ["rematch", "--brand", "Nope"])
    assert result.exit_code == 2 and "unknown brand(s): Nope" in result.output


def test_a_rematched_brand_day_rollup_matches_a_full_recount(cli_db: str, tmp_path: Path) -> None:
    """The rollups behind the dashboard are recounted for the new links, as a full rebuild would count."""
    from store import rollups
    from store.models import BrandDay

    _seed(cli_db)
    with session_scope(cli_db) as session:
        repo.sync_brands(session, brands=[repo.BrandSpec("Aqua Veil", '"aqua veil"')])
    rematch_mentions(cli_db)

    def days() -> list[tuple]:  # type: ignore[type-arg]
        with session_scope(cli_db) as session:
            rows = session.execute(select(BrandDay)).scalars().all()
            return sorted((r.brand_id, r.day, r.mentions, r.spam_mentions, r.engagement) for r in rows)

    incremental = days()
    aqua = {r[0] for r in incremental} - {1}
    assert [(r[1], r[2]) for r in incremental if r[0] in aqua] == [("2026-03-02", 4)]
    with session_scope(cli_db) as session:
        rollups.refresh_all(session)
    assert days() == incremental
