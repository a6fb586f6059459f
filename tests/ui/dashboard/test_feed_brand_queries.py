"""Each Negative feed card says which brand query brought each of its brands in, as plain text (a query is
user data: Markdown in it is shown as the characters it is)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from store.db import session_scope
from store.models import Brand
from tests.factories import AQUA, GLOW
from tests.ui.dashboard.apptest import open_app

HOSTILE_QUERY = '"aqua veil" OR **aquaveil** OR [click](http://outside.test/) OR :material/home:'


def test_every_card_shows_its_brands_queries_as_plain_text(seeded: dict[str, Any]) -> None:
    with session_scope(seeded["url"]) as s:
        s.execute(update(Brand).where(Brand.name == AQUA).values(query=HOSTILE_QUERY))
        glow_query = s.query(Brand.query).filter(Brand.name == GLOW).scalar()
    at = open_app("views/negative_feed.py")
    cards = [box.key for box in at.selectbox if box.key and box.key.startswith("triage_")]
    # The second line of each card's meta element (source, brands, author ...).
    lines = [t.value.splitlines()[1] for t in at.text if " query: " in t.value]
    assert len(lines) == len(cards) == 3, lines  # the demo's three negative mentions, one line each
    assert f"{AQUA} query: {HOSTILE_QUERY}" in lines
    assert any(f"{GLOW} query: {glow_query}" in line for line in lines), lines
    # Never in a Markdown element, where "**" or a link would be rendered.
    assert not [m.value for m in at.markdown if "aquaveil" in m.value]
    assert not [c.value for c in at.caption if "aquaveil" in c.value]
