"""Items and labels the store tests write: what a spider yields and what the label worker writes."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.items import MentionItem
from nlp.quality import is_low_effort, text_hash
from store import repo

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def mention(
    ext: str, text: str, *, post: str | None = None, brands: list[str] | None = None, **kw
) -> MentionItem:  # type: ignore[no-untyped-def]
    m = MentionItem(
        platform="ptt",
        external_id=ext,
        text=text,
        post_external_id=post,
        brands=brands or [],
        published_at=kw.pop("published_at", T0),
        **kw,
    )
    m.text_hash = text_hash(text)
    m.low_effort = is_low_effort(text)
    return m


def label(mention_id: int, sentiment: str, spam: float = 0.0) -> repo.MentionLabel:
    probs = {"negative": 0.0, "neutral": 0.0, "positive": 0.0, sentiment: 1.0}
    return repo.MentionLabel(
        mention_id,
        "en",
        sentiment,
        probs["negative"],
        probs["neutral"],
        probs["positive"],
        spam,
        spam >= 0.5,
        "test-model",
        "1",
    )


def voice_example(s) -> None:  # type: ignore[no-untyped-def]
    """KPIS.md: A has 6 non-spam mentions (4 P, 1 N, 1 U) and 2 spam; B has 4 non-spam (1 P, 2 N, 1 U)."""
    repo.sync_brands(s, brands=[repo.BrandSpec("A", "alpha", "g"), repo.BrandSpec("B", "beta", "g")])
    specs = (
        [("A", "positive", 0)] * 4 + [("A", "negative", 0), ("A", "neutral", 0)] + [("A", "positive", 1)] * 2
    )
    specs += [("B", "positive", 0), ("B", "negative", 0), ("B", "negative", 0), ("B", "neutral", 0)]
    items = [mention(f"m{i}", f"text {i}", brands=[b]) for i, (b, _, _) in enumerate(specs)]
    ids = repo.upsert_mentions(s, mentions=items)
    repo.write_labels(
        s, labels=[label(ids[f"ptt:m{i}"], sent, float(sp)) for i, (_, sent, sp) in enumerate(specs)]
    )
