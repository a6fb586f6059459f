"""A Negative feed card of a comment that names no brand says it counts for its post's brands "from thread";
a card of a mention that names its brand does not."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from crawler.items import MentionItem
from store import repo
from store.db import session_scope
from store.models import POST_KINDS, Mention, MentionBrand, Post
from tests.ui.dashboard.apptest import open_app

BADGE = "-badge[:material/forum: From thread]"
TEXT = "worst thread ever, so let down"


def test_a_comment_naming_no_brand_shows_from_thread(seeded: dict[str, Any]) -> None:
    with session_scope(seeded["url"]) as s:
        platform, post_ext = s.execute(
            select(Post.platform, Post.external_id)
            .join(Mention, Mention.post_id == Post.id)
            .join(MentionBrand, MentionBrand.mention_id == Mention.id)
            .where(Mention.kind.in_(POST_KINDS))
            .limit(1)
        ).one()
        comment = MentionItem(platform, "thread-1", TEXT, post_external_id=post_ext)
        comment.published_at = datetime.now(UTC)
        comment.lang, comment.sentiment, comment.spam_score = "en", "negative", 0.0
        repo.upsert_mentions(s, mentions=[comment])
    at = open_app("views/negative_feed.py")
    cards = []  # (whether it is the comment's card, the help of its "From thread" badges) per card
    for column in at.columns:
        if column.checkbox:  # a card's body: its "Select" box, meta line, text, queries
            badges = [md.proto.help for md in column.markdown if md.value.endswith(BADGE)]
            cards.append((TEXT in [t.value for t in column.text], badges))
    (ours,) = [badges for is_ours, badges in cards if is_ours]
    assert len(ours) == 1 and "names no brand" in ours[0]
    others = [badges for is_ours, badges in cards if not is_ours]
    assert len(others) >= 2 and not any(others), cards

    # The filter: only the thread's comments, then everything but them.
    def shown() -> list[list[str]]:
        return [[t.value for t in column.text] for column in at.columns if column.checkbox]

    at.radio(key="feed_thread").set_value("only").run()
    (only,) = shown()
    assert TEXT in only
    at.radio(key="feed_thread").set_value("exclude").run()
    rest = shown()
    assert len(rest) == len(cards) - 1 and not any(TEXT in texts for texts in rest)
