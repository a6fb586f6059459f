"""What every page of the sample site shares: the reply type, the clock all dates are computed from, and
small helpers for ids, IP addresses and HTML."""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from crawler.sample_site.data import SampleComment, SamplePost


@dataclass
class Reply:
    status: int
    content_type: str
    body: str


def digest(*parts: object) -> int:
    """A stable number from the parts (the same on every run), for made-up ids."""
    return int(hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def fake_ip(*parts: object) -> str:
    """A stable made-up IPv4 address."""
    # Documentation-only ranges (RFC 5737): never a real visitor's address.
    value = digest(*parts)
    prefix = ("192.0.2", "198.51.100", "203.0.113")[value % 3]
    return f"{prefix}.{value % 250 + 1}"


def esc(text: str) -> str:
    """Text as HTML (quotes included, for attributes)."""
    return html.escape(text, quote=True)


class SamplePages:
    """Renders pages for one ``now``: every post's and comment's time is an offset from it."""

    def __init__(self, now: datetime) -> None:
        self.now = now.astimezone(UTC)

    def post_time(self, post: SamplePost) -> datetime:
        return self.now - timedelta(days=post.days_ago)

    def comment_time(self, post: SamplePost, comment: SampleComment) -> datetime:
        # Never in the future, whatever the offsets say.
        written = self.post_time(post) + timedelta(hours=comment.hours_after)
        return min(written, self.now - timedelta(minutes=1))
