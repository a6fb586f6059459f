"""Fill a brandpulse database with N synthetic, labeled mentions for the scale benchmarks.

    python benchmarks/generate.py --url sqlite:///bench-100k.db --mentions 100000 --seed 7
    python benchmarks/generate.py --url postgresql+psycopg://postgres@127.0.0.1:5432/brandpulse_bench \\
        --mentions 1000000

The data has the skew that makes the KPI queries hard: a few viral posts with thousands of comments and many
small ones, Zipf-like commenters, bursty / copy-paste spammers commenting across posts, mentions naming two
brands, campaign posts, multilingual text (ko / zh / vi / en) with labels filled in, and times spread over the
last 90 days (ending now, so the dashboard's "last 30 days" sees a third of it). Rows go in with COPY on
PostgreSQL and ``executemany`` on SQLite, ids assigned here, so 1M mentions load in a few minutes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

# This checkout's code, or the tree named by BRANDPULSE_BENCH_TREE (as in bench_kpi.py).
TREE = Path(os.environ.get("BRANDPULSE_BENCH_TREE") or Path(__file__).resolve().parents[1]).resolve()
sys.path.insert(0, str(TREE))

from gen_insert import (  # noqa: E402  (sibling modules: benchmarks/ is sys.path[0] when run as a file)
    _analyze,
    _fill_rollups,
    _insert_postgres,
    _insert_sqlite,
    _is_empty,
    _reset,
)
from gen_tables import (  # noqa: E402
    BODIES,
    BRANDS,
    CAMPAIGNS,
    DAYS,
    DETAILS,
    LANG_MIX,
    LANGS,
    LOW_EFFORT,
    OPENERS,
    PLATFORMS,
    POST_KINDS,
    SENTIMENTS,
    SPAM_TEXTS,
    THEMES,
    Data,
    _zipf_probs,
)

from nlp.quality import is_low_effort, text_hash  # noqa: E402
from store.db import ensure_schema, get_engine  # noqa: E402


@cache
def _text_key(text: str) -> tuple[str, bool]:
    """text_hash and low_effort as the crawler computes them (cached: many texts repeat)."""
    return text_hash(text), is_low_effort(text)


def build(n_mentions: int, seed: int, now: datetime) -> Data:
    """Every row of the synthetic dataset, deterministic for (n_mentions, seed, now)."""
    rng = np.random.default_rng(seed)
    t_end = now.timestamp()
    t_start = t_end - DAYS * 86400
    n_posts = max(20, n_mentions // 25)
    n_free = n_mentions // 12  # reviews with no post
    n_comments = n_mentions - n_posts - n_free
    n_spam = int(n_comments * 0.03)  # comments by spam accounts, in bursts
    n_organic = n_comments - n_spam
    n_accounts = max(50, n_posts // 4)
    n_commenters = max(500, n_mentions // 6)
    n_spammers = max(6, n_commenters // 10000)

    brand_names = [b[0] for b in BRANDS]
    brand_pop = np.array([b[3] for b in BRANDS])
    brand_pop /= brand_pop.sum()
    brand_mix = np.array([b[4] for b in BRANDS])
    group_of = np.array([0 if b[2] == "skincare" else 1 for b in BRANDS])
    brands = [(i + 1, b[0], b[1], b[2]) for i, b in enumerate(BRANDS)]

    # ---- authors: accounts that post (ids 1..A), commenters (Zipf), spammers
    plat_names = [p[0] for p in PLATFORMS]
    plat_share = np.array([p[1] for p in PLATFORMS])
    acc_platform = rng.choice(len(PLATFORMS), n_accounts, p=plat_share / plat_share.sum())
    acc_followers = np.minimum(rng.lognormal(9.5, 1.6, n_accounts), 5e6).astype(np.int64) + 100
    com_followers = rng.lognormal(5, 1.5, n_commenters).astype(np.int64)
    com_platform = rng.choice(len(PLATFORMS), n_commenters, p=plat_share / plat_share.sum())
    first_com = n_accounts + 1
    first_spammer = first_com + n_commenters
    authors: list[tuple[Any, ...]] = []
    for i in range(n_accounts):
        authors.append((i + 1, plat_names[acc_platform[i]], f"acct{i}", int(acc_followers[i])))
    for i in range(n_commenters):
        authors.append((first_com + i, plat_names[com_platform[i]], f"user{i}", int(com_followers[i])))
    for i in range(n_spammers):
        authors.append((first_spammer + i, plat_names[i % len(PLATFORMS)], f"promo_deals{i}", 12))

    # ---- posts
    acc_p = _zipf_probs(n_accounts, 0.9, 3)
    post_acc = rng.choice(n_accounts, n_posts, p=acc_p)
    post_plat = acc_platform[post_acc]
    post_time = np.sort(rng.uniform(t_start, t_end - 600, n_posts))  # ids in time order, like a crawl
    plat_lang = np.array([p[2] for p in PLATFORMS])
    post_lang_idx = rng.choice(len(LANGS), n_posts, p=LANG_MIX)
    fixed = plat_lang[post_plat] != ""
    lang_idx_of = {lg: i for i, lg in enumerate(LANGS)}
    post_lang_idx[fixed] = [lang_idx_of[x] for x in plat_lang[post_plat][fixed]]
    r = rng.random(n_posts)
    post_b1 = rng.choice(len(BRANDS), n_posts, p=brand_pop)
    post_b1[r < 0.12] = -1  # general posts that name no brand
    # a second brand from the same competitor group ("X vs Y")
    post_b2 = np.full(n_posts, -1)
    two = (r > 0.88) & (post_b1 >= 0)
    cand = rng.choice(len(BRANDS), n_posts, p=brand_pop)
    ok = two & (cand != post_b1) & (group_of[cand] == group_of[np.maximum(post_b1, 0)])
    post_b2[ok] = cand[ok]

    # comments per post: lognormal for most, a few viral posts share 12 % of all comments
    weight = rng.lognormal(0, 1.2, n_posts)
    n_viral = max(3, n_posts // 4000)
    viral = rng.choice(n_posts, n_viral, replace=False)
    weight[viral] = 0
    weight = weight / weight.sum() * 0.88
    weight[viral] = 0.12 / n_viral
    org_post = np.repeat(np.arange(n_posts), rng.multinomial(n_organic, weight))

    # ---- spam bursts: a spammer drops 5-15 copies of a few texts on recent posts within 5 minutes
    burst_sizes = []
    left = n_spam
    while left > 0:
        k = int(min(left, rng.integers(5, 16)))
        burst_sizes.append(k)
        left -= k
    n_bursts = len(burst_sizes)
    burst_start = rng.uniform(t_start + 86400, t_end - 600, n_bursts)
    burst_spammer = rng.integers(0, n_spammers, n_bursts)
    sizes = np.array(burst_sizes)
    spam_time = np.repeat(burst_start, sizes) + rng.uniform(0, 300, n_spam)
    spam_author = first_spammer + np.repeat(burst_spammer, sizes)
    start_of = np.repeat(burst_start, sizes)
    hi = np.searchsorted(post_time, start_of)  # posts published in the three days before the burst
    lo = np.searchsorted(post_time, start_of - 3 * 86400)
    width = hi - lo
    spam_post = np.where(width > 0, lo + (rng.random(n_spam) * width).astype(np.int64), np.maximum(hi - 1, 0))
    spam_text_idx = (np.repeat(burst_spammer, sizes) + rng.integers(0, 2, n_spam)) % len(SPAM_TEXTS)

    # ---- organic comments: after their post, Zipf commenters
    org_time = np.minimum(post_time[org_post] + rng.exponential(8 * 3600, n_organic), t_end - 1)
    com_p = _zipf_probs(n_commenters, 0.8, 10)
    org_author = first_com + rng.choice(n_commenters, n_organic, p=com_p)

    c_post = np.concatenate([org_post, spam_post])
    c_time = np.concatenate([org_time, np.maximum(spam_time, post_time[spam_post] + 1)])
    c_author = np.concatenate([org_author, spam_author])
    c_spammy = np.concatenate([np.zeros(n_organic, bool), np.ones(n_spam, bool)])
    order = np.lexsort((c_time, c_post))  # comments of a post together, in time order
    c_post, c_time, c_author, c_spammy = c_post[order], c_time[order], c_author[order], c_spammy[order]
    spam_text_of = np.full(n_comments, -1)
    spam_text_of[c_spammy] = spam_text_idx[order[c_spammy] - n_organic]
    stored = np.bincount(c_post, minlength=n_posts)

    # ---- post engagement (reported counts; a crawl stored only some of the comments)
    fol = acc_followers[post_acc].astype(float)
    likes = (fol * rng.lognormal(np.log(0.02), 0.8, n_posts)).astype(np.int64)
    likes[viral] *= 20
    comments_rep = stored + (stored * rng.uniform(0, 0.5, n_posts)).astype(np.int64)
    shares = (likes * rng.uniform(0.01, 0.08, n_posts)).astype(np.int64)
    has_saves = np.array([p[4] for p in PLATFORMS])[post_plat]
    saves = np.where(has_saves, (likes * rng.uniform(0.02, 0.12, n_posts)).astype(np.int64), 0)
    has_views = np.array([p[5] for p in PLATFORMS])[post_plat]
    views = np.where(has_views, (likes * rng.uniform(8, 30, n_posts)).astype(np.int64), -1)
    post_kind = np.array([p[3] for p in PLATFORMS])[post_plat]

    # ---- mention rows: posts' own text, then comments, then free-standing reviews
    m_n = n_mentions
    m_id = np.arange(1, m_n + 1)
    kind = np.empty(m_n, dtype=object)
    kind[:n_posts] = post_kind
    kind[n_posts : n_posts + n_comments] = np.where(rng.random(n_comments) < 0.15, "reply", "comment")
    kind[n_posts + n_comments :] = "review"
    m_post = np.concatenate([np.arange(n_posts), c_post, np.full(n_free, -1)])
    free_time = rng.uniform(t_start, t_end - 1, n_free)
    m_time = np.concatenate([post_time, c_time, free_time])
    free_author = first_com + rng.choice(n_commenters, n_free, p=com_p)
    m_author = np.concatenate([post_acc + 1, c_author, free_author])
    m_plat = np.concatenate([post_plat, post_plat[c_post], rng.choice(len(PLATFORMS), n_free)])
    spammy = np.concatenate([np.zeros(n_posts, bool), c_spammy, np.zeros(n_free, bool)])
    # organic spam: tag-a-friend giveaways from ordinary accounts
    spammy |= (rng.random(m_n) < 0.02) & (np.arange(m_n) >= n_posts)
    is_spammer_text = np.concatenate([np.zeros(n_posts, bool), spam_text_of >= 0, np.zeros(n_free, bool)])

    # brands each mention names (b1, b2): posts name theirs, some comments name a competitor
    b1 = np.full(m_n, -1)
    b2 = np.full(m_n, -1)
    b1[:n_posts], b2[:n_posts] = post_b1, post_b2
    cb = n_posts + np.arange(n_comments)
    under = post_b1[c_post]
    roll = rng.random(n_comments)
    named = rng.choice(len(BRANDS), n_comments, p=brand_pop)
    b1[cb] = np.where((under >= 0) & (roll < 0.35), under, np.where((under < 0) & (roll < 0.12), named, -1))
    comp = (
        (under >= 0) & (roll > 0.96) & (named != under) & (group_of[named] == group_of[np.maximum(under, 0)])
    )
    b2[cb] = np.where(comp, named, -1)
    fb = n_posts + n_comments + np.arange(n_free)
    b1[fb] = rng.choice(len(BRANDS), n_free, p=brand_pop)
    other = rng.choice(len(BRANDS), n_free, p=brand_pop)
    b2[fb] = np.where((rng.random(n_free) < 0.15) & (other != b1[fb]), other, -1)

    # language: the post's, with some mixing in comments
    m_lang = np.concatenate(
        [
            post_lang_idx,
            np.where(
                rng.random(n_comments) < 0.9,
                post_lang_idx[c_post],
                rng.choice(len(LANGS), n_comments, p=LANG_MIX),
            ),
            rng.choice(len(LANGS), n_free, p=LANG_MIX),
        ]
    )
    # sentiment: the mix of the brand the text is about (its post's brand for comments)
    about = np.where(b1 >= 0, b1, np.where(m_post >= 0, post_b1[np.maximum(m_post, 0)], -1))
    mix = np.where(about[:, None] >= 0, brand_mix[np.maximum(about, 0)], np.array([0.3, 0.2, 0.5]))
    u = rng.random(m_n)
    sent_idx = (u[:, None] > np.cumsum(mix, axis=1)).sum(axis=1).clip(0, 2)
    sent_idx[spammy] = 0  # seeded praise
    low = (rng.random(m_n) < 0.08) & (np.arange(m_n) >= n_posts) & ~spammy
    spam_score = np.where(spammy, rng.beta(12, 2, m_n), rng.beta(1, 25, m_n))
    detail_n = rng.integers(1, 400, m_n)
    has_detail = rng.random(m_n) < 0.6
    pick = rng.integers(0, 1000, (m_n, 3))

    texts: list[str] = []
    for i in range(m_n):
        lg = LANGS[m_lang[i]]
        bname = brand_names[b1[i]] if b1[i] >= 0 else THEMES[lg]
        if is_spammer_text[i]:
            t = SPAM_TEXTS[spam_text_of[i - n_posts]].format(b=bname, n=detail_n[i] % 7)
        elif spammy[i]:
            t = f"@friend{pick[i, 0] % 50} tag 3 friends to win {bname} 🎁"
        elif low[i]:
            t = LOW_EFFORT[pick[i, 0] % len(LOW_EFFORT)]
        else:
            bodies = BODIES[(lg, SENTIMENTS[sent_idx[i]])]
            body = bodies[pick[i, 1] % len(bodies)].format(b=bname)
            if b2[i] >= 0:
                body += f" / {brand_names[b2[i]]}"
            t = f"{OPENERS[lg][pick[i, 0] % 10]} {body}"
            if has_detail[i]:
                t += " " + DETAILS[lg].format(n=detail_n[i])
        texts.append(t)
    keys = [_text_key(t) for t in texts]
    low_effort = np.array([k[1] for k in keys])

    # likes / replies of a mention; a post's own text carries the post's counts
    m_likes = rng.geometric(0.3, m_n) - 1
    m_replies = rng.geometric(0.7, m_n) - 1
    m_likes[:n_posts], m_replies[:n_posts] = likes, comments_rep

    p_pos = np.where(sent_idx == 0, 0.8, 0.1)
    p_neg = np.where(sent_idx == 1, 0.8, 0.1)
    mentions = {
        "id": m_id,
        "platform": [plat_names[x] for x in m_plat],
        "kind": kind,
        "post_id": m_post + 1,  # 0 = none
        "author_id": m_author,
        "text": texts,
        "text_hash": [k[0] for k in keys],
        "low_effort": low_effort,
        "time": m_time,
        "likes": m_likes,
        "replies": m_replies,
        "lang": [LANGS[x] for x in m_lang],
        "sentiment": [SENTIMENTS[x] for x in sent_idx],
        "p_negative": p_neg,
        "p_neutral": 1.0 - p_pos - p_neg,
        "p_positive": p_pos,
        "spam_score": np.round(spam_score, 4),
        "is_spam": spam_score >= 0.5,
    }

    posts: list[tuple[Any, ...]] = []
    for i in range(n_posts):
        posts.append(
            (
                i + 1,
                plat_names[post_plat[i]],
                f"p{i + 1}",
                f"https://{plat_names[post_plat[i]]}.example/p/{i + 1}",
                texts[i][:80],
                int(post_acc[i] + 1),
                float(post_time[i]),
                int(likes[i]),
                int(comments_rep[i]),
                int(shares[i]),
                int(saves[i]),
                None if views[i] < 0 else int(views[i]),
            )
        )

    # ---- campaigns: 3-8 influencer posts of the brand each, plus a row whose post was never crawled
    campaigns: list[tuple[Any, ...]] = []
    used: set[int] = set()
    cid = 1
    for name, brand in CAMPAIGNS:
        bi = brand_names.index(brand)
        cands = [i for i in np.nonzero(post_b1 == bi)[0][::-1][:400] if i not in used]
        for i in rng.permutation(cands)[: int(rng.integers(3, 9))] if cands else []:
            used.add(int(i))
            imp = int(acc_followers[post_acc[i]] * rng.uniform(0.3, 1.5))
            clicks = int(imp * rng.uniform(0.005, 0.03))
            conv = int(clicks * rng.uniform(0.01, 0.08))
            campaigns.append(
                (
                    cid,
                    name,
                    bi + 1,
                    f"acct{post_acc[i]}",
                    plat_names[post_plat[i]],
                    f"p{i + 1}",
                    int(i + 1),
                    round(float(acc_followers[post_acc[i]]) * rng.uniform(0.005, 0.02) + 50, 2),
                    "USD",
                    imp,
                    clicks,
                    conv,
                    round(conv * float(rng.uniform(20, 60)), 2),
                    float(post_time[i]) - 2 * 86400,
                    float(post_time[i]) + 14 * 86400,
                )
            )
            cid += 1
        campaigns.append(
            (
                cid,
                name,
                bi + 1,
                "offline_creator",
                "instagram",
                f"https://instagram.example/p/x{cid}",
                None,
                300.0,
                "USD",
                20000,
                300,
                12,
                540.0,
                t_end - 20 * 86400,
                t_end - 6 * 86400,
            )
        )
        cid += 1

    # ---- mention_brand: named brands, every comment under a brand post, every mention under a campaign post
    links = [np.stack([m_id[b1 >= 0], b1[b1 >= 0] + 1], 1), np.stack([m_id[b2 >= 0], b2[b2 >= 0] + 1], 1)]
    is_comment = (m_post >= 0) & np.isin(kind, POST_KINDS, invert=True)
    for col in (post_b1, post_b2):
        pb = np.where(is_comment, col[np.maximum(m_post, 0)], -1)
        links.append(np.stack([m_id[pb >= 0], pb[pb >= 0] + 1], 1))
    camp_brand = np.full(n_posts, -1)
    for c in campaigns:
        if c[6] is not None:
            camp_brand[c[6] - 1] = c[2] - 1
    cbm = np.where(m_post >= 0, camp_brand[np.maximum(m_post, 0)], -1)
    links.append(np.stack([m_id[cbm >= 0], cbm[cbm >= 0] + 1], 1))
    link_arr = np.unique(np.concatenate(links), axis=0)
    return Data(brands, authors, posts, campaigns, mentions, link_arr)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True, help="database URL (sqlite:///… or postgresql+psycopg://…)")
    ap.add_argument("--mentions", type=int, required=True, help="number of mentions to generate")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--reset", action="store_true", help="delete existing brands, posts and mentions first")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    ensure_schema(args.url)
    if not _is_empty(args.url):
        if not args.reset:
            sys.exit("the database already holds brands or mentions: use a fresh one, or pass --reset")
        _reset(args.url)
    now = datetime.now(UTC).replace(microsecond=0)
    data = build(args.mentions, args.seed, now)
    t1 = time.perf_counter()
    if get_engine(args.url).dialect.name == "postgresql":
        _insert_postgres(args.url, data)
    else:
        _insert_sqlite(args.url, data)
    _fill_rollups(args.url)
    _analyze(args.url)
    t2 = time.perf_counter()
    print(
        f"{args.mentions:,} mentions, {len(data.posts):,} posts, {len(data.authors):,} authors, "
        f"{len(data.links):,} brand links, {len(data.campaigns)} campaign rows "
        f"(until {now.isoformat()}): built in {t1 - t0:.1f} s, loaded in {t2 - t1:.1f} s"
    )


if __name__ == "__main__":
    main()
