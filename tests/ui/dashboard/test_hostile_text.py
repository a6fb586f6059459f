"""Hostile names and texts in Streamlit's AppTest: every Markdown element shows them as text, whole texts go
through st.text, long texts are capped. (tests/e2e/test_hostile_text_browser.py checks the same pages in
Chromium.)"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from tests.hostile import (
    AUTHORS,
    BRAND_IMG,
    BRAND_MD,
    BRAND_RTL,
    CAMPAIGN,
    FAILED_CHECK_DETAIL,
    INFLUENCER,
    LONG_TEXT_CHARS,
    LONG_TEXTS,
    MARKER,
    PLATFORM,
    PLATFORM_MD,
    POST_TITLE,
    SPIDER_WARN,
    SPIDER_ZERO,
    TEXTS,
    long_text,
    seed_hostile_db,
)
from tests.ui.dashboard.apptest import open_app
from ui.dashboard import safe

PAGES = [
    None,  # Overview, the default page
    "views/explore.py",
    "views/negative_feed.py",
    "views/campaigns.py",
    "views/alerts.py",
    "views/sources.py",
]
MARKDOWN_ELEMENTS = (
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "error",
    "warning",
    "info",
    "success",
)
# Markdown as Streamlit's renderer sees it (CommonMark with raw HTML on: an unescaped tag would show up).
RENDER = MarkdownIt("commonmark", {"html": True}).enable("strikethrough")
ALLOWED_TAGS = {"p", "code", "strong", "em", "br"}
# What GFM and Streamlit find in rendered text: autolinks and :shortcodes:/:colour[...] directives.
ACTIVE_TEXT = re.compile(r"https?:/|www\.|mailto:|[\w.+-]@[\w-]+\.\w|:[\w/-]+(:|\[)", re.IGNORECASE)
INVISIBLE = dict.fromkeys(map(ord, "\u2060\u2068\u2069"))


@pytest.fixture
def hostile(seeded: dict[str, Any]) -> dict[str, Any]:
    """The demo store plus tests/hostile.py's records."""
    return seed_hostile_db(seeded["url"])


def _rendered_text(markdown: str) -> tuple[set[str], str]:
    """The HTML tags ``markdown`` renders to, and its text outside code spans (invisible characters kept)."""
    out = RENDER.render(markdown)
    tags = {m.group(1).lower() for m in re.finditer(r"</?([a-zA-Z][\w-]*)", out)}
    text = re.sub(r"<code>.*?</code>", " ", out, flags=re.S)
    return tags, html.unescape(re.sub(r"<[^>]+>", "", text))


def _markdown_values(at: AppTest) -> list[str]:
    """Every string the page hands to Streamlit's Markdown renderer: elements, labels and help texts."""
    values = [el.value for kind in MARKDOWN_ELEMENTS for el in at.get(kind)]
    values += [t.value for t in at.toast]
    for kind in ("selectbox", "multiselect", "toggle", "text_input", "number_input", "button", "metric"):
        for widget in at.get(kind):
            help_text = getattr(widget, "help", None) or getattr(widget.proto, "help", "")
            values += [widget.label, help_text]
    values += [e.label for e in at.expander]
    return values


def _one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "overview")
def test_every_markdown_element_shows_hostile_text_as_text(hostile: dict[str, Any], page: str | None) -> None:
    at = open_app(page)
    shown = []
    for value in _markdown_values(at):
        tags, text = _rendered_text(value)
        assert tags <= ALLOWED_TAGS, (value, tags)
        assert not ACTIVE_TEXT.search(text), (value, text)
        shown.append(text.translate(INVISIBLE))
    markdown_text = _one_line(" ".join(shown))
    plain_text = _one_line(" ".join(t.value for t in at.text).translate(INVISIBLE))
    # Not vacuous: each page shows its hostile names (in Markdown, escaped) and texts (st.text) as they are.
    expected_markdown = {
        None: [BRAND_IMG, BRAND_MD, BRAND_RTL],
        "views/alerts.py": [BRAND_IMG, SPIDER_ZERO],
        "views/sources.py": [SPIDER_ZERO, SPIDER_WARN, FAILED_CHECK_DETAIL],
    }.get(page, [])
    for name in expected_markdown:
        assert _one_line(name) in markdown_text, name
    expected_plain = {
        "views/negative_feed.py": [MARKER, TEXTS[4], BRAND_MD, AUTHORS[0], PLATFORM, PLATFORM_MD],
        "views/alerts.py": [MARKER, PLATFORM],
        "views/explore.py": [MARKER],
    }.get(page, [])
    for text in expected_plain:
        assert _one_line(text) in plain_text, text


def test_campaign_names_stay_in_dataframe_cells_and_option_labels(hostile: dict[str, Any]) -> None:
    at = open_app("views/campaigns.py")
    assert at.selectbox(key="campaigns_brand").value == BRAND_IMG
    assert at.dataframe[0].value["campaign"].tolist() == [CAMPAIGN]
    post = at.selectbox(key="campaigns_post")
    # Option labels are plain text: shown as they are (bidi-isolated).
    label = post.format_func(post.value).translate(INVISIBLE)
    assert label.startswith(f"{CAMPAIGN} · {INFLUENCER} · ") and label.endswith(f" · {POST_TITLE}")


@pytest.mark.parametrize(
    "payload", [*TEXTS, BRAND_IMG, BRAND_MD, BRAND_RTL, *AUTHORS, PLATFORM, SPIDER_WARN, FAILED_CHECK_DETAIL]
)
def test_md_text_renders_to_exactly_its_input(payload: str) -> None:
    tags, text = _rendered_text(safe.md_text(payload))
    assert tags <= {"p"}
    assert not ACTIVE_TEXT.search(text)
    assert text.translate(INVISIBLE).strip() == " ".join(payload.splitlines()).translate(INVISIBLE).strip()


def test_md_code_cannot_be_closed_from_inside() -> None:
    for value in ("sqlite:///x.db", "a`b", "``x``", "`"):
        out = RENDER.render(safe.md_code(value))
        assert out.count("<code>") == 1 and html.unescape(re.sub(r"<[^>]+>", "", out)).strip() == value


def test_isolate_balances_bidi_controls() -> None:
    assert safe.isolate("Glow Lab") == "Glow Lab"
    # A stray PDI cannot close the isolate early; an open override is closed inside it.
    assert safe.isolate("\u2069\u202eevil") == "\u2068\u202eevil\u2069"
    assert safe.isolate("\u2067x") == "\u2068\u2067x\u2069\u2069"


# ---------------------------------------------------------------- long texts


def _long_cards(at: AppTest) -> list[str]:
    return [t.value for t in at.text if t.value.startswith("long ")]


def test_negative_feed_caps_long_texts_and_shows_one_in_full_on_request(hostile: dict[str, Any]) -> None:
    at = open_app("views/negative_feed.py")
    cards = _long_cards(at)
    assert len(cards) == LONG_TEXTS
    assert sorted(cards) == sorted(long_text(i)[: safe.CARD_TEXT_CHARS] + " …" for i in range(LONG_TEXTS))
    # Seven 100,000-character comments put 700,000 characters on the page before; now every text element
    # is at most one cap long.
    assert max(len(t.value) for t in at.text) <= safe.CARD_TEXT_CHARS + 2
    assert sum(len(t.value) for t in at.text) < (LONG_TEXTS + len(TEXTS) + 10) * (safe.CARD_TEXT_CHARS + 2)
    more = f"{LONG_TEXT_CHARS - safe.CARD_TEXT_CHARS:,} more characters not shown."
    assert [c.value for c in at.caption].count(more) == LONG_TEXTS

    first = hostile["long_ids"][0]
    toggle = at.toggle(key=f"feed_full_{first}")
    assert toggle.label == f"Show the full text ({LONG_TEXT_CHARS:,} characters)"
    toggle.set_value(True).run()
    assert not at.exception
    full = [t.value for t in at.text if len(t.value) > safe.CARD_TEXT_CHARS + 2]
    assert full == [long_text(0)]
    assert len(_long_cards(at)) == LONG_TEXTS  # the other six stay capped


def test_explore_caps_the_text_of_the_mention_to_correct(hostile: dict[str, Any]) -> None:
    at = open_app("views/explore.py")
    long_id = hostile["long_ids"][3]
    at.selectbox(key="correct_mention").set_value(long_id).run()
    assert not at.exception
    assert long_text(3)[: safe.CARD_TEXT_CHARS] + " …" in [t.value for t in at.text]
    assert max(len(t.value) for t in at.text) <= safe.CARD_TEXT_CHARS + 2
    at.toggle(key=f"explore_full_{long_id}").set_value(True).run()
    assert long_text(3) in [t.value for t in at.text]


def test_the_dashboard_never_allows_html() -> None:
    """No page can turn text into HTML: no unsafe_allow_html, st.html or components anywhere."""
    from pathlib import Path

    root = Path(safe.__file__).parent
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for needle in ("unsafe_allow_html", "st.html", "components.v1", "st.components"):
            assert needle not in source, f"{path}: {needle}"


def test_campaign_and_group_options_are_bidi_isolated(hostile: dict[str, Any]) -> None:
    """The phase chart's campaign picker and the A/B page's group picker label options through
    safe.isolate: a name with an RTL override cannot reverse the rest of its line."""
    rtl = "\u202eevil"
    phase = open_app("views/campaigns.py").selectbox(key="campaigns_phase_campaign")
    assert phase.format_func(rtl) == safe.isolate(rtl) != rtl
    assert phase.format_func(CAMPAIGN) == CAMPAIGN
    groups = open_app("views/compare.py").multiselect(key="ab_groups_influencer")
    assert groups.format_func(rtl) == safe.isolate(rtl) != rtl
