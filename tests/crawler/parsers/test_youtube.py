"""The YouTube Data API parsers (crawler/parsers/youtube.py): error reasons, videos, channels, ids, and a
recorded comment-threads page."""

from __future__ import annotations

import pytest

from crawler.parsers.youtube import (
    YoutubeApiError,
    parse_youtube_channels,
    parse_youtube_comment_threads,
    parse_youtube_videos,
    youtube_video_id,
)
from tests.crawler.parsers.recorded_apis import HANDMADE, SourceSet, is_utc, read, real_set
from tests.crawler.replay import FIXTURES, parametrize_recorded


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_recorded(metafunc, HANDMADE, real_set)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("error_commentsDisabled.json", "commentsDisabled"),
        ("error_quotaExceeded.json", "quotaExceeded"),
        ("error_keyInvalid.json", "keyInvalid"),
    ],  # badRequest in errors[], API_KEY_INVALID in details[]
)
def test_youtube_error_reasons(name: str, reason: str) -> None:
    with pytest.raises(YoutubeApiError) as caught:
        parse_youtube_comment_threads((FIXTURES / "youtube" / name).read_bytes())
    assert caught.value.reason == reason and "<" not in str(caught.value)


def test_youtube_videos_channels_and_ids() -> None:
    videos = {
        v.video_id: v for v in parse_youtube_videos((FIXTURES / "youtube" / "videos.json").read_bytes())
    }
    hidden = videos["NoComments1"]
    assert (hidden.views, hidden.likes, hidden.comments, hidden.description) == (8800, None, None, "")
    channels = parse_youtube_channels((FIXTURES / "youtube" / "channels.json").read_bytes())
    assert channels["UCgl0wLabOfficialChann01"].subscribers == 125000
    assert channels["UCgl0wLabOfficialChann01"].uploads_playlist == "UUgl0wLabOfficialChann01"
    assert channels["UCbeautyReviewerKim00001"].subscribers is None  # hiddenSubscriberCount
    for value in (
        "dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1s",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
    ):
        assert youtube_video_id(value) == "dQw4w9WgXcQ"
    assert youtube_video_id("https://example.com/v") is None


def test_youtube_comment_threads(recorded: SourceSet) -> None:
    page = parse_youtube_comment_threads(read(recorded, recorded.youtube_threads))
    assert [t.reply_total for t in page.threads] == recorded.youtube_reply_totals
    assert page.next_token
    for thread in page.threads:
        comment = thread.comment
        assert comment.comment_id.startswith("Ug") and comment.text and comment.author
        assert comment.likes is not None and is_utc(comment.published_at) and comment.parent_id is None
        assert all(r.parent_id == comment.comment_id for r in thread.replies)
