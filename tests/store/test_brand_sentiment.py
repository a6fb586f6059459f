"""Sentiment per brand end to end: comparisons in Korean, Traditional Chinese, Vietnamese and English, stored
and linked to two brands, labeled by the real label worker with the real bundled model, and counted per brand
by the KPIs, the rollups and the negative feed, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from alembic import command
from sqlalchemy import inspect, select, text

from crawler.items import MentionItem
from nlp.match import BrandQuery, match_brands
from nlp.quality import is_low_effort, text_hash
from store import repo
from store.brand_sentiment import BrandLabel
from store.db import alembic_config, session_scope, upgrade
from store.feed import negative_feed
from store.kpi import net_sentiment_by_day, qw_net_sentiment, share_of_voice
from store.models import Brand, Mention, MentionBrand
from tests.store.helpers import T0, label
from tests.store.test_rollups import DAY0, DAY1, check
from ui.jobs.label import label_mentions
from ui.jobs.rematch import rematch_mentions

GLOW, AQUA, DEW, LUM = "Glow Lab", "Aqua Veil", "Dewdrop", "Lumiere Lab"
BRANDS = [
    repo.BrandSpec(GLOW, '"glow lab" OR glowlab OR 글로우랩 OR 光澤實驗室', "skincare"),
    repo.BrandSpec(AQUA, '"aqua veil" OR aquaveil OR 아쿠아베일 OR 水紗', "skincare"),
    repo.BrandSpec(DEW, "dewdrop OR 듀드롭", "skincare"),
    repo.BrandSpec(LUM, '"lumiere lab" OR 루미에르랩', "skincare"),
]
QUERIES = {b.name: BrandQuery.parse(b.query) for b in BRANDS}
PAIR = [b for b in BRANDS if b.name in (DEW, LUM)]

KO_DEW_LUM = (
    "듀드롭 토너는 정말 순하고 촉촉해서 너무 좋아요. "
    "루미에르랩은 바르자마자 따갑고 트러블이 올라와서 최악이었어요."
)
# (key, text, the brand it praises, the brand it criticises)
COMPARISONS = [
    ("ko1", KO_DEW_LUM, DEW, LUM),
    (
        "ko2",
        "글로우랩 크림은 끈적이고 냄새도 별로라 돈이 아까웠어요. "
        "아쿠아베일은 진짜 촉촉하고 좋아서 재구매할 거예요.",
        AQUA,
        GLOW,
    ),
    (
        "zh1",
        "光澤實驗室的精華液超好用，皮膚變得很水潤，推推！水紗的乳液用了就過敏長痘，超級失望。",
        GLOW,
        AQUA,
    ),
    (
        "zh2",
        "水紗的防曬很清爽，完全不黏，很喜歡。光澤實驗室的面膜味道很刺鼻，用完臉又紅又癢，很糟糕。",
        AQUA,
        GLOW,
    ),
    (
        "vi1",
        "Serum Glow Lab dùng rất thích, da mịn hẳn, sẽ mua lại. "
        "Còn Aqua Veil thì làm da mình nổi mụn, quá tệ.",
        GLOW,
        AQUA,
    ),
    (
        "vi2",
        "Kem chống nắng Aqua Veil thấm nhanh, tốt lắm. Glow Lab thì dùng bị kích ứng, rất thất vọng.",
        AQUA,
        GLOW,
    ),
    (
        "en1",
        "Glow Lab's serum broke me out badly, worst purchase this year. "
        "Aqua Veil never did, I love it and will buy again!",
        AQUA,
        GLOW,
    ),
    (
        "en2",
        "Aqua Veil sunscreen is amazing, light and gentle, highly recommend! "
        "Glow Lab's toner stung my face and gave me a rash, terrible.",
        AQUA,
        GLOW,
    ),
]
SAME_SENTENCE = ("both", "Glow Lab and Aqua Veil both feel fine on my skin, nothing special.")
SINGLE = ("single", "Glow Lab serum is lovely. Will buy again.")
LIVE = (datetime.combine(DAY0, time.min, tzinfo=UTC), datetime.combine(DAY1, time.max, tzinfo=UTC))


def _store(
    url: str,
    rows: list[tuple[str, str]],
    brands: dict[str, list[str]] | None = None,
    specs: list[repo.BrandSpec] = BRANDS,
) -> dict[str, int]:
    """Store the brands ``specs`` and mentions linked as the crawler links them (the brands whose query
    matches), or to ``brands``."""
    queries = {b.name: QUERIES[b.name] for b in specs}
    items = []
    for i, (key, body) in enumerate(rows):
        linked = (brands or {}).get(key, match_brands(body, queries))
        m = MentionItem(
            platform="test", external_id=key, text=body, published_at=T0 + timedelta(minutes=i), brands=linked
        )
        m.text_hash, m.low_effort = text_hash(body), is_low_effort(body)
        items.append(m)
    with session_scope(url) as s:
        repo.sync_brands(s, brands=specs)
        ids = repo.upsert_mentions(s, mentions=items)
    return {key.split(":", 1)[1]: id_ for key, id_ in ids.items()}


def _links(url: str) -> dict[tuple[str, str], tuple[str | None, datetime | None]]:
    """(mention key, brand) → (the link's per-brand sentiment, when it was decided)."""
    with session_scope(url) as s:
        rows = s.execute(
            select(Mention.external_id, Brand.name, MentionBrand.sentiment, MentionBrand.labeled_at)
            .join(MentionBrand, MentionBrand.mention_id == Mention.id)
            .join(Brand, Brand.id == MentionBrand.brand_id)
        ).all()
    return {(key, brand): (sentiment, at) for key, brand, sentiment, at in rows}


def _voice(url: str) -> dict[str, tuple[int, int, int, float | None]]:
    """brand → (P, N, U, net sentiment), read from the rollup (whole days), which must equal the live
    computation over every mention (the same period as datetimes)."""
    with session_scope(url) as s:
        rolled = share_of_voice(s, since=DAY0, until=DAY1)
        assert rolled == share_of_voice(s, since=LIVE[0], until=LIVE[1])
    return {v.brand: (v.positive, v.negative, v.neutral, v.net_sentiment) for v in rolled}


def _by_rule(url: str) -> dict[str, tuple[int, int, int]]:
    """P / N / U per brand recomputed here from the stored rows with the documented rule: the link's label
    for a model-labeled mention that has one, else the mention's own."""
    out = {b.name: [0, 0, 0] for b in BRANDS}
    with session_scope(url) as s:
        rows = s.execute(
            select(
                Brand.name, Mention.sentiment, Mention.label_source, Mention.is_spam, MentionBrand.sentiment
            )
            .join(MentionBrand, MentionBrand.mention_id == Mention.id)
            .join(Brand, Brand.id == MentionBrand.brand_id)
        ).all()
    for brand, own, source, spam, per_brand in rows:
        label = per_brand if source == "model" and own is not None and per_brand is not None else own
        if not spam and label is not None:
            out[brand][("positive", "negative", "neutral").index(label)] += 1
    return {b: (p, n, u) for b, (p, n, u) in out.items()}


def test_each_brand_of_a_comparison_gets_its_own_label_and_the_kpis_count_it(db_url: str) -> None:
    ids = _store(db_url, [(k, t) for k, t, _, _ in COMPARISONS] + [SAME_SENTENCE, SINGLE])
    result = label_mentions(db_url)
    assert result.labeled == len(COMPARISONS) + 2
    assert result.multi_brand == len(COMPARISONS) + 1  # the single-brand mention needs no split

    links = _links(db_url)
    expected = {(k, good): "positive" for k, _, good, _ in COMPARISONS}
    expected |= {(k, bad): "negative" for k, _, _, bad in COMPARISONS}
    wrong = {key: (links[key][0], want) for key, want in expected.items() if links[key][0] != want}
    assert len(wrong) <= 2, f"per-brand labels (got, expected) that differ: {wrong}"
    assert links[("ko1", DEW)][0] == "positive" and links[("ko1", LUM)][0] == "negative"
    # A comparison inside one sentence keeps the mention's label for both brands; decided, nothing stored.
    assert [links[("both", b)][0] for b in (GLOW, AQUA)] == [None, None]
    assert all(links[("both", b)][1] is not None for b in (GLOW, AQUA))
    assert links[("single", GLOW)] == (None, None)

    # One mention praising Dewdrop and criticising Lumiere Lab: positive for one, negative for the other.
    with session_scope(db_url) as s:
        ko1 = s.get(Mention, ids["ko1"])
        assert ko1 is not None and ko1.label_source == "model" and not ko1.is_spam
    voice = _voice(db_url)
    assert voice[DEW] == (1, 0, 0, 100.0) and voice[LUM] == (0, 1, 0, -100.0)
    assert {b: v[:3] for b, v in voice.items()} == _by_rule(db_url)
    with session_scope(db_url) as s:
        days = {
            (p.brand, p.positive, p.negative, p.neutral) for p in net_sentiment_by_day(s, brands=[DEW, LUM])
        }
        assert days == {(DEW, 1, 0, 0), (LUM, 0, 1, 0)}
        assert qw_net_sentiment(s, brand=DEW, since=DAY0, until=DAY1) == 100.0
        assert qw_net_sentiment(s, brand=LUM, since=DAY0, until=DAY1) == -100.0
        assert qw_net_sentiment(s, brand=LUM, since=LIVE[0], until=LIVE[1]) == -100.0
        assert [m.mention_id for m in negative_feed(s, brand=LUM)] == [ids["ko1"]]
        assert ids["ko1"] not in {m.mention_id for m in negative_feed(s, brand=DEW)}
        assert ids["ko1"] in {m.mention_id for m in negative_feed(s)}  # negative for one of its brands
    check(db_url)  # every rollup equals its recomputation; rollup KPIs equal the live ones

    # An analyst's correction outranks the per-brand labels: the mention counts as corrected for both.
    with session_scope(db_url) as s:
        repo.record_correction(s, mention_id=ids["ko1"], task="sentiment", label="neutral")
    voice = _voice(db_url)
    assert voice[DEW][:3] == (0, 0, 1) and voice[LUM][:3] == (0, 0, 1)
    assert {b: v[:3] for b, v in voice.items()} == _by_rule(db_url)
    with session_scope(db_url) as s:
        assert negative_feed(s, brand=LUM) == []
    check(db_url)


def test_links_added_after_labeling_get_their_brand_labels_on_the_next_run(db_url: str) -> None:
    # Stored before Lumiere Lab's query matched it: linked to Dewdrop only, labeled as a whole.
    ids = _store(db_url, [("ko1", KO_DEW_LUM)], brands={"ko1": [DEW]}, specs=PAIR)
    assert label_mentions(db_url).multi_brand == 0
    with session_scope(db_url) as s:
        own = s.get(Mention, ids["ko1"]).sentiment  # type: ignore[union-attr]
    assert _links(db_url) == {("ko1", DEW): (None, None)}

    # A re-match adds the Lumiere Lab link; until the worker runs, both brands count the mention's label.
    assert rematch_mentions(db_url).matched == {DEW: 0, LUM: 1}
    counts = {"positive": (1, 0, 0), "negative": (0, 1, 0), "neutral": (0, 0, 1)}[own]
    assert {b: v[:3] for b, v in _voice(db_url).items()} == {DEW: counts, LUM: counts}

    again = label_mentions(db_url)
    assert (again.labeled, again.multi_brand) == (0, 1)
    links = _links(db_url)
    assert links[("ko1", DEW)][0] == "positive" and links[("ko1", LUM)][0] == "negative"
    voice = _voice(db_url)
    assert voice[DEW][:3] == (1, 0, 0) and voice[LUM][:3] == (0, 1, 0)
    assert label_mentions(db_url).multi_brand == 0  # nothing left undecided
    check(db_url)

    # The text changes on a re-crawl: the labels are cleared, so the old per-brand ones no longer count, and
    # relabeling decides again (one sentence naming both now: the mention's label for both).
    _store(db_url, [("ko1", "듀드롭이랑 루미에르랩 둘 다 그냥 평범해요.")], specs=PAIR)
    assert {b: v[:3] for b, v in _voice(db_url).items()} == {
        DEW: (0, 0, 0),
        LUM: (0, 0, 0),
    }
    assert label_mentions(db_url).multi_brand == 1
    assert [_links(db_url)[("ko1", b)][0] for b in (DEW, LUM)] == [None, None]
    voice = _voice(db_url)
    assert voice[DEW][:3] == voice[LUM][:3] and sum(voice[DEW][:3]) == 1
    check(db_url)


def test_a_label_imported_with_the_data_counts_as_given_for_every_brand(db_url: str) -> None:
    item = MentionItem(
        platform="test",
        external_id="imp",
        text=KO_DEW_LUM,
        published_at=T0,
        brands=[DEW, LUM],
        sentiment="neutral",
    )
    item.text_hash = text_hash(KO_DEW_LUM)
    with session_scope(db_url) as s:
        repo.sync_brands(s, brands=PAIR)
        repo.upsert_mentions(s, mentions=[item])
    # The worker fills in what the import left out (language, spam) and decides the per-brand labels ...
    assert label_mentions(db_url).multi_brand == 1
    links = _links(db_url)
    assert links[("imp", DEW)][0] == "positive" and links[("imp", LUM)][0] == "negative"
    # ... but the imported label is what counts, for both brands.
    assert _voice(db_url) == {DEW: (0, 0, 1, 0.0), LUM: (0, 0, 1, 0.0)}
    check(db_url)


def test_the_downgrade_recounts_brand_day_from_the_mentions_own_labels(db_url: str) -> None:
    ids = _store(db_url, [("ko1", KO_DEW_LUM)], specs=PAIR)
    with session_scope(db_url) as s:
        brand = repo.brand_ids(s)
        repo.write_labels(
            s,
            labels=[label(ids["ko1"], "neutral")],
            brand_labels=[
                BrandLabel(ids["ko1"], brand[DEW], "positive", 0.1, 0.1, 0.8),
                BrandLabel(ids["ko1"], brand[LUM], "negative", 0.8, 0.1, 0.1),
            ],
        )
    assert _voice(db_url) == {DEW: (1, 0, 0, 100.0), LUM: (0, 1, 0, -100.0)}
    check(db_url)

    command.downgrade(alembic_config(db_url), "0006")
    with session_scope(db_url) as s:
        assert "sentiment" not in {c["name"] for c in inspect(s.connection()).get_columns("mention_brand")}
        counts = s.execute(text("SELECT positive, negative, neutral FROM brand_day")).all()
        assert sorted(tuple(r) for r in counts) == [(0, 0, 1), (0, 0, 1)]  # the mention's own label
    upgrade(db_url)
    assert _links(db_url) == {("ko1", DEW): (None, None), ("ko1", LUM): (None, None)}
    assert _voice(db_url) == {DEW: (0, 0, 1, 0.0), LUM: (0, 0, 1, 0.0)}
    check(db_url)
