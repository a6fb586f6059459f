"""Showing user and source text on the dashboard as the characters it is, never as Markdown or HTML.

The one home for it. Streamlit renders ``st.markdown``, ``st.caption``, ``st.info``/``warning``/``error``/
``success``, ``st.toast``, widget labels and help tooltips as GitHub-flavoured Markdown (with links, images,
autolinked URLs, ``:material/…:`` icons and LaTeX). So:

- a whole text (a mention, a comment) goes through ``show_text`` (``st.text``, capped for long texts);
- a name or message put *into* such an element goes through ``md_text`` (or ``md_code`` for a code span);
- a line of plain parts for ``st.text`` or an option label goes through ``isolate`` per part;
- a URL becomes clickable only through ``web_link``.

Dataframe cells, option labels of select boxes and Vega-Lite chart labels and tooltips are drawn as text by
Streamlit and Vega themselves (tests/e2e/test_hostile_text_browser.py checks it in Chromium).
"""

from __future__ import annotations

import re

import streamlit as st

# A card shows the first CARD_TEXT_CHARS characters of a long text: a Negative feed of seven
# 100,000-character comments once took minutes to render.
CARD_TEXT_CHARS = 2_000

_MARKDOWN_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# An invisible U+2060 WORD JOINER after these stops what Markdown finds *after* unescaping: GFM autolinks
# ("http://", "www.", "a@b.c", "mailto:") and Streamlit's ":shortcode:" emoji and icons.
WORD_JOINER = "\u2060"
_WWW = re.compile(r"(www)(?=\\\.)", re.IGNORECASE)
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")

# Unicode bidi embeddings/overrides (closed by PDF) and isolates (closed by PDI).
_EMBEDDINGS, _PDF = frozenset("\u202a\u202b\u202d\u202e"), "\u202c"
_ISOLATES, _PDI = frozenset("\u2066\u2067\u2068"), "\u2069"
_BIDI_CONTROLS = _EMBEDDINGS | _ISOLATES | {_PDF, _PDI}
_FSI = "\u2068"


def isolate(text: str) -> str:
    """``text`` unchanged, or, if it holds bidi controls, balanced and wrapped in an isolate (FSI … PDI), so
    an RTL override in a name cannot reverse the rest of the line it is shown in.

    >>> isolate("Glow Lab")
    'Glow Lab'
    >>> isolate("\\u202eevil") == "\\u2068\\u202eevil\\u2069"
    True
    """
    if not any(ch in _BIDI_CONTROLS for ch in text):
        return text
    out: list[str] = []
    stack: list[str] = []
    for ch in text:
        if ch in _EMBEDDINGS:
            stack.append(_PDF)
        elif ch in _ISOLATES:
            stack.append(_PDI)
        elif ch == _PDF:
            if not stack or stack[-1] != _PDF:
                continue  # a stray close would end an embedding outside the text
            stack.pop()
        elif ch == _PDI:
            if _PDI not in stack:
                continue  # a stray PDI would close our own isolate
            while stack.pop() != _PDI:
                pass
        out.append(ch)
    # A PDI closes the embeddings opened inside its isolate; close the open isolates, then ours.
    return _FSI + "".join(out) + _PDI * stack.count(_PDI) + _PDI


def md_text(text: object) -> str:
    """``text`` for a Markdown element, so it shows as itself: every ASCII punctuation character
    backslash-escaped (no link, image, HTML tag, emphasis or LaTeX can start), line breaks as spaces, a word
    joiner where an autolink or shortcode would begin, and bidi controls isolated.

    >>> md_text("<b>Glow</b> *Lab*")
    '\\\\<b\\\\>Glow\\\\<\\\\/b\\\\> \\\\*Lab\\\\*'
    """
    flat = _LINE_BREAKS.sub(" ", str(text))
    out = []
    for ch in flat:
        out.append("\\" + ch if ch in _MARKDOWN_PUNCTUATION else ch)
        if ch in ":@":
            out.append(WORD_JOINER)
    return isolate(_WWW.sub(r"\1" + WORD_JOINER, "".join(out)))


def md_code(text: object) -> str:
    """``text`` as a Markdown code span (literal: no escapes, links or HTML inside), fenced by more backticks
    than it holds.

    >>> md_code("sqlite:///x.db")
    '`sqlite:///x.db`'
    """
    flat = _LINE_BREAKS.sub(" ", str(text))
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def web_link(link: str | None) -> str | None:
    """The URL if it is a plain http(s) link, else None."""
    # A javascript: or data: URL from a crawled page must never become clickable.
    link = (link or "").strip()
    return link if link.lower().startswith(("http://", "https://")) else None


def clip(text: str, limit: int = CARD_TEXT_CHARS) -> tuple[str, int]:
    """The first ``limit`` characters of ``text`` and how many more it has.

    >>> clip("abcdef", 4)
    ('abcd', 2)
    """
    return text[:limit], max(len(text) - limit, 0)


def show_text(text: str, *, key: str, limit: int = CARD_TEXT_CHARS) -> None:
    """A user's text as plain text (``st.text``). Over ``limit`` characters, the first ``limit`` and a note of
    how many more; a "Show the full text" toggle (widget ``key``) renders the rest only when asked."""
    shown, more = clip(text, limit)
    if not more:
        st.text(text)
        return
    if st.toggle(f"Show the full text ({len(text):,} characters)", key=key):
        st.text(text)
    else:
        st.text(shown + " …")
        st.caption(f"{more:,} more characters not shown.")
