"""The label worker (real bundled model) and the export command over a small real SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from crawler.items import MentionItem
from nlp.quality import is_low_effort, text_hash
from store import repo
from store.db import ensure_schema, session_scope
from store.models import Mention
from ui.cli.app import app
from ui.jobs.label import label_mentions

TEXTS = [
    ("ko", "글로우랩 세럼 쓰고 피부 트러블이 너무 심해졌어요. 환불하고 싶어요"),
    ("zh", "光澤實驗室的精華液真的很好用，皮膚變得超水潤，推推！"),
    ("vi", "Serum Glow Lab dùng rất thích, da mịn hẳn, sẽ mua lại"),
    ("en", "Glow Lab serum broke me out badly, worst purchase this year"),
    ("en", "Tag 3 friends and follow @glowlab_giveaway to WIN a free Glow Lab set!!! http://bit.ly/xx"),
    ("vi", "Glow Lab ib mình giá sỉ, inbox zalo 0909xxxxxx nhé"),
    ("und", "😍😍😍"),
    ("en", "Glow Lab " + "very long review " * 3000),
]


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'label.db'}"
    ensure_schema(url)
    with session_scope(url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec("Glow Lab", '"glow lab" OR 글로우랩 OR 光澤實驗室')])
        items = []
        for i, (_, text) in enumerate(TEXTS):
            m = MentionItem(platform="test", external_id=str(i), text=text, brands=["Glow Lab"])
            m.text_hash, m.low_effort = text_hash(text), is_low_effort(text)
            items.append(m)
        repo.upsert_mentions(s, mentions=items)
    return url


def test_worker_labels_in_batches_and_resumes(store_url: str) -> None:
    seen: list[tuple[int, int]] = []
    first = label_mentions(store_url, batch_size=2, limit=3, progress=lambda d, t: seen.append((d, t)))
    assert first.labeled == 3
    assert seen == [(2, 3), (3, 3)]
    with session_scope(store_url) as s:
        assert repo.count_unlabeled(s) == len(TEXTS) - 3
    rest = label_mentions(store_url, batch_size=4)  # an interrupted run picks up the rest, nothing twice
    assert rest.labeled == len(TEXTS) - 3
    with session_scope(store_url) as s:
        rows = s.execute(select(Mention).order_by(Mention.id)).scalars().all()
    for row, (lang, _) in zip(rows, TEXTS, strict=True):
        assert row.labeled_at is not None and row.model and row.model_version
        assert row.sentiment in ("negative", "neutral", "positive")
        assert row.p_negative + row.p_neutral + row.p_positive == pytest.approx(1.0, abs=1e-4)
        assert 0.0 <= row.spam_score <= 1.0
        assert row.lang == lang
    assert rows[0].sentiment == "negative" and rows[3].sentiment == "negative"
    assert rows[1].sentiment == "positive" and rows[2].sentiment == "positive"
    assert rows[4].is_spam and rows[5].is_spam
    assert not rows[0].is_spam and not rows[1].is_spam


def test_export_command_writes_every_format(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", store_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["label"]).exit_code == 0
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["export", "--format", "jsonl", "--out", str(out), "--include-spam"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(TEXTS)
    required = {
        "mention_id",
        "platform",
        "url",
        "author",
        "published_at",
        "text",
        "lang",
        "brand",
        "sentiment",
        "sentiment_score",
        "spam_score",
        "is_spam",
        "likes",
        "replies",
        "model",
    }
    assert required <= set(rows[0])
    assert {r["brand"] for r in rows} == {"Glow Lab"}
    no_spam = tmp_path / "out.csv"
    assert runner.invoke(app, ["export", "-f", "csv", "-o", str(no_spam)]).exit_code == 0
    assert len(pd.read_csv(no_spam)) == sum(not r["is_spam"] for r in rows)
    pq = tmp_path / "out.parquet"
    assert (
        runner.invoke(
            app, ["export", "-f", "parquet", "-o", str(pq), "--sentiment", "negative", "--include-spam"]
        ).exit_code
        == 0
    )
    assert set(pd.read_parquet(pq)["sentiment"]) == {"negative"}
    bad = runner.invoke(app, ["export", "-f", "xml", "-o", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "'xml' is not one of" in bad.output
    bad_date = runner.invoke(app, ["export", "-o", str(tmp_path / "x.jsonl"), "--since", "yesterday"])
    assert bad_date.exit_code == 2 and "--since must be a date" in bad_date.output


def test_label_with_a_model_that_cannot_load_says_why(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "brandpulse.toml"
    missing = tmp_path / "no-such-model"
    toml = f'[database]\nurl = "{store_url}"\n[model]\nsentiment = "{missing}"\n'
    config.write_text(toml, encoding="utf-8")
    monkeypatch.delenv("BRANDPULSE_DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["label", "--config", str(config)])
    assert result.exit_code == 1, result.output
    assert "cannot label" in result.output and "no-such-model" in result.output
    assert "Traceback" not in result.output
