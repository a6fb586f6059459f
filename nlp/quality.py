"""Text-quality signals used by quality-weighted engagement: duplicate keys and low-effort comments."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# One generic word carries no opinion: the usual ones in our markets' languages.
_GENERIC = [
    "nice",
    "wow",
    "great",
    "cool",
    "ok",
    "okay",
    "lol",
    "lmao",
    "first",
    "love",
    "good",
    "yes",
    "yay",
    "amazing",
    "awesome",
    "beautiful",
    "perfect",
    "omg",
    "same",
    "đẹp",
    "hay",
    "ok",
    "oke",
    "quá",
    "tuyệt",
    "xinh",
    "thích",
    "chấm",
    "ib",
    "inbox",
    "좋아요",
    "좋다",
    "굿",
    "최고",
    "대박",
    "ㅋㅋ",
    "ㅋㅋㅋ",
    "ㅎㅎ",
    "ㅎㅎㅎ",
    "와",
    "오",
    "예쁘다",
    "감사",
    "讚",
    "推",
    "好",
    "棒",
    "美",
    "水",
    "讚讚",
    "好看",
    "好用",
    "朝聖",
    "卡",
    "收到",
    "同意",
    "+1",
    "1",
]
# Compared after NFKC (which also turns Hangul compatibility jamo like ㅋ into conjoining ones).
GENERIC_WORDS = frozenset(unicodedata.normalize("NFKC", w).casefold() for w in _GENERIC)
_MENTION = re.compile(r"^@[\w.\-]+$", re.UNICODE)
_WORD_CHARS = re.compile(r"[^\W_]", re.UNICODE)


def normalise_for_duplicates(text: str) -> str:
    """NFKC, case-folded, letters and digits only: copies that differ in spacing, case or emoji match."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def text_hash(text: str) -> str:
    """A short stable key of the normalised text (empty key for texts with no letters or digits)."""
    norm = normalise_for_duplicates(text)
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:16] if norm else ""


def is_low_effort(text: str) -> bool:
    """Emoji-only, a lone @mention, or one generic word (in any of our languages)."""
    stripped = unicodedata.normalize("NFKC", text).strip()
    if not _WORD_CHARS.search(stripped):
        return True  # emoji, punctuation or nothing at all
    if _MENTION.match(stripped):
        return True
    words = stripped.split()
    if len(words) == 1:
        core = "".join(ch for ch in words[0].casefold() if ch.isalnum() or ch == "+")
        return core in GENERIC_WORDS or len(core) <= 1
    return False
