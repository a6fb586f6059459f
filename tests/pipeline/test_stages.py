"""The validate and normalise stages on their own: what passes, what is quarantined and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler.items import MentionItem, PostItem
from crawler.pipelines import NormalisePipeline, QuarantineReason, ValidatePipeline
from nlp.quality import is_low_effort, text_hash

validate = ValidatePipeline(max_chars=60_000)
normalise = NormalisePipeline()


def m(text: object = "hello", **kw) -> MentionItem:  # type: ignore[no-untyped-def]
    return MentionItem(
        platform=kw.pop("platform", "ptt"), external_id=kw.pop("external_id", "1"), text=text, **kw
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("item", "code"),
    [
        (m(""), "empty_text"),
        (m("   \n "), "empty_text"),
        (m(None), "empty_text"),
        (m(external_id=""), "missing_id"),
        (m(platform=""), "missing_id"),
        (m("x" * 60_001), "text_too_long"),
        (m(likes=-3), "bad_count"),
        (m(replies="12"), "bad_count"),
        (PostItem(platform="ptt", external_id=" "), "missing_id"),
        ({"text": "a dict"}, "unknown_item"),
    ],
)
def test_validate_quarantines_with_a_reason(item: object, code: str) -> None:
    with pytest.raises(QuarantineReason) as info:
        validate.process_item(item)
    assert info.value.code == code
    assert str(info.value).startswith(f"{code}: ")


def test_valid_items_pass_including_50kb_and_emoji_only() -> None:
    assert validate.process_item(m("a" * 50_000)).text == "a" * 50_000
    assert validate.process_item(m("😍😍")).text == "😍😍"


def test_normalise_cleans_text_times_and_quality_flags() -> None:
    taipei = timezone(timedelta(hours=8))
    item = normalise.process_item(
        m(
            "  Cafe\u0301 \x00great\x07 serum \n",
            published_at=datetime(2026, 3, 1, 20, 0, tzinfo=taipei),
            external_id=" 42 ",
        )
    )
    assert item.text == "Café great serum"
    assert item.published_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert item.external_id == "42"
    assert item.text_hash == text_hash("café GREAT serum!!")
    assert item.low_effort is False
    assert normalise.process_item(m("😍😍😍")).low_effort is True
    iso = normalise.process_item(m("x y", published_at="2026-03-01T12:00:00Z"))
    assert iso.published_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with pytest.raises(QuarantineReason, match="bad_date"):
        normalise.process_item(m("x", published_at="03/01 12:00"))
    with pytest.raises(QuarantineReason, match="bad_date"):
        normalise.process_item(m("x", published_at=datetime(2026, 3, 1)))  # naive: refuse to guess the zone
    with pytest.raises(QuarantineReason, match="empty_text"):
        normalise.process_item(m("\x00\x01"))


@pytest.mark.parametrize(
    ("text", "low"),
    [
        ("😍🔥👍", True),
        ("@someone", True),
        ("nice", True),
        ("đẹp", True),
        ("讚", True),
        ("ㅋㅋㅋ", True),
        (".", True),
        ("ib", True),
        ("Nice serum but pricey", False),
        ("這瓶精華很好用", False),
        ("글로우랩 최고예요 진짜", False),
        ("@someone look at this serum", False),
    ],
)
def test_low_effort_comments(text: str, low: bool) -> None:
    assert is_low_effort(text) is low


def test_duplicate_key_ignores_case_spacing_and_emoji() -> None:
    assert text_hash("Love this serum 😍") == text_hash("love   this serum!!")
    assert text_hash("Love this serum") != text_hash("Love that serum")
    assert text_hash("😍😍") == ""
