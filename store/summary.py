"""What the stored mentions are made of: how many per platform and per language, and how many are spam
(the summary ``brandpulse demo`` prints)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from store.models import Mention


@dataclass(frozen=True)
class MentionBreakdown:
    by_platform: list[tuple[str, int]]  # (platform, mentions), in the database's order
    by_lang: list[tuple[str | None, int]]  # (language, mentions); None: not labeled yet
    spam: int  # mentions labeled spam


def mention_breakdown(session: Session) -> MentionBreakdown:
    """Every stored mention counted by platform and by language, and the spam ones."""
    by_platform = session.execute(select(Mention.platform, func.count()).group_by(Mention.platform)).all()
    by_lang = session.execute(select(Mention.lang, func.count()).group_by(Mention.lang)).all()
    spam = session.execute(select(func.count()).where(Mention.is_spam.is_(True))).scalar_one()
    return MentionBreakdown(
        by_platform=[(platform, n) for platform, n in by_platform],
        by_lang=[(lang, n) for lang, n in by_lang],
        spam=spam,
    )
