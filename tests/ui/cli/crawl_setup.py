"""A brandpulse.toml for the bundled sample site (its three spiders and the demo brands), running the real
CLI on it, and the stored rows of a crawl in a comparable form (for the stop and secrets tests)."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from crawler.sample_site.server import SampleSite
from store.db import session_scope
from store.models import Author, Brand, CrawlRun, Mention, MentionBrand, Post, QuarantinedRecord
from tests.procutil import brandpulse_cmd
from ui.cli.admin import DEMO_BRANDS


def _toml_value(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def write_config(
    folder: Path, site: SampleSite, extra_sources: list[tuple[str, dict[str, str]]] = ()
) -> Path:  # type: ignore[assignment]
    lines = []
    for name, query, group in DEMO_BRANDS:
        lines += ["[[brands]]", f"name = {_toml_value(name)}", f"query = {_toml_value(query)}"]
        lines += [f"competitor_group = {_toml_value(group)}", ""]
    for spider, args in [*site.spider_args(), *extra_sources]:
        inline = ", ".join(f"{k} = {_toml_value(v)}" for k, v in args.items())
        lines += ["[[sources]]", f"spider = {_toml_value(spider)}", f"args = {{ {inline} }}", ""]
    path = folder / "brandpulse.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def cli_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "BRANDPULSE_DATABASE_URL": database_url, **extra}
    env.pop("BRANDPULSE_CONFIG", None)
    return env


def start_cli(folder: Path, database_url: str, *args: str, **env: str) -> subprocess.Popen[str]:
    """``brandpulse ARGS`` in ``folder`` (where the brandpulse.toml is), output captured."""
    return subprocess.Popen(
        [*brandpulse_cmd(), *args],
        cwd=folder,
        env=cli_env(database_url, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run_cli(
    folder: Path, database_url: str, *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*brandpulse_cmd(), *args],
        cwd=folder,
        env=cli_env(database_url),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def crawl_runs(url: str) -> list[CrawlRun]:
    with session_scope(url) as s:
        return list(s.execute(select(CrawlRun).order_by(CrawlRun.id)).scalars())


def wait_for_runs(url: str, n: int, timeout: float = 60) -> None:
    """Until ``n`` crawl runs have started (the crawl is under way)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if len(crawl_runs(url)) >= n:
                return
        except Exception:  # noqa: BLE001 - the schema may not exist yet
            pass
        time.sleep(0.1)
    raise AssertionError(f"{n} crawl runs never started")


def stored_rows(url: str) -> dict[str, Any]:
    """What a crawl stored, without ids and times of writing: comparable between two databases."""
    with session_scope(url) as s:
        handle = {a.id: (a.platform, a.handle, a.followers) for a in s.execute(select(Author)).scalars()}
        posts = {p.id: p for p in s.execute(select(Post)).scalars()}
        post_rows = sorted(
            (p.platform, p.external_id, p.url, p.title, handle.get(p.author_id), str(p.published_at), p.likes,
             p.comments, p.shares, p.views)
            for p in posts.values()
        )  # fmt: skip
        mentions = list(s.execute(select(Mention)).scalars())
        mention_rows = sorted(
            (m.platform, m.external_id, m.kind, m.url, posts[m.post_id].external_id if m.post_id else None,
             m.parent_external_id, handle.get(m.author_id), m.text, str(m.published_at), m.likes, m.replies,
             m.text_hash, m.low_effort, m.duplicate, m.extra)
            for m in mentions
        )  # fmt: skip
        ext = {m.id: (m.platform, m.external_id) for m in mentions}
        names = {b.id: b.name for b in s.execute(select(Brand)).scalars()}
        links = sorted(
            (ext[link.mention_id], names[link.brand_id]) for link in s.execute(select(MentionBrand)).scalars()
        )
        quarantined = sorted(
            set(
                s.execute(
                    select(QuarantinedRecord.source, QuarantinedRecord.reason, QuarantinedRecord.payload)
                ).all()
            )
        )
        n_rows = s.execute(select(func.count()).select_from(Mention)).scalar_one()
    return {
        "posts": post_rows,
        "mentions": mention_rows,
        "links": links,
        "quarantined": quarantined,
        "n": n_rows,
    }
