"""Terms and short phrases of mention texts, in every market's script, with no external service: the
"themes" behind a brand's positive and negative mentions (``store.kpi.drivers``). Pure functions.

A text is normalised (NFKC, case-folded; links, e-mail addresses and @handles dropped) and cut into clauses
at punctuation. Within a clause:

- Chinese and Japanese (Han and kana runs): character bigrams (``過敏``, ``保濕``), since neither script
  marks words; bigrams with a function character (的, 了, 是, 很 …, a Japanese particle) and bigrams of two
  hiragana (inflections: した, です) are dropped.
- Korean (Hangul): words, with a trailing particle, copula or polite 요 taken off (``세럼이`` → ``세럼``,
  ``최악이에요`` → ``최악``), and pairs of adjacent words.
- Vietnamese, English and other space-separated scripts: words of two or more characters and pairs of
  adjacent words (a Vietnamese word is often two syllables: ``nổi mụn``, ``chống nắng``).

Stopwords are few (articles, pronouns, intensifiers, a few particles) and end a phrase; a negation (not,
không, 안 …) starts a phrase (``not good``) but is no term alone; numbers alone are no terms. A term counts
once per text (how many mentions use it, not how often).

>>> sorted(mention_terms("Serum gave me a rash, not good"))
['gave', 'good', 'not good', 'rash', 'serum', 'serum gave']
>>> sorted(mention_terms("用了會過敏"))
['會過', '過敏']
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from store.kpi.common import pct

_DROP = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+|@[\w.]+")
# Clause breaks: a phrase never spans one.
_CLAUSE = frozenset('.!?;:,()[]{}"“”‘«»，。！？；：、…（）「」『』【】〈〉《》\n\r\t|/')


def _wordlist(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _wordlist(
    # English
    "a an the and or but if so as at by for from in into of on to with about than then this that these those "
    "it its it's i i'm me my we our you your he she they them their is are was were be been being am do does "
    "did have has had will would can could should just very really too also here there what which who when "
    "how all any some more most much many again still even only own same such each other"
    # Vietnamese (syllables)
    " và là của có thì này cho với mình tôi em anh chị bạn các những một được rất lắm quá đã đang sẽ cũng"
    " nhưng mà thế nào gì ở trong khi vì nên để bị ạ nha nhé"
    # Korean
    " 그리고 그런데 그래서 하지만 정말 진짜 너무 그냥 이거 저거 그거 제가 저는 나는 이번 좀 더 또"
)
# Kept at the start of a phrase ("not good", "không tốt", "안 맞아요"), never a term alone.
NEGATIONS = _wordlist(
    "not no never don't doesn't didn't isn't wasn't can't won't không chưa chẳng đừng 안 못"
)
_HAN_STOP = frozenset("的了是我你他她它們们也就都在和與与及這这那很嗎吗呢啊吧呀喔哦")
_KANA_PARTICLES = frozenset("のはがをにへでとも")
# Korean particles and the polite ending, longest first, taken off a word of 3+ syllables.
_KO_SUFFIXES = (
    "이에요", "입니다", "에서는", "에게서", "으로는",
    "예요", "에요", "에서", "에게", "으로", "까지", "부터", "보다", "처럼", "하고", "이랑",
    "은", "는", "이", "가", "을", "를", "에", "의", "도", "로", "와", "과", "만", "요",
)  # fmt: skip


def _kind(ch: str) -> str:
    """c: Han or kana; h: Hangul syllables; j: Hangul jamo (ㅋㅋ); w: other letters and digits;
    p: clause break; s: space or symbol."""
    o = ord(ch)
    if 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or o == 0x3005:
        return "c"
    if 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF:
        return "c"
    if 0xAC00 <= o <= 0xD7A3:
        return "h"
    if 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
        return "j"
    if ch in _CLAUSE:
        return "p"
    if ch.isalnum() or ch in "'’" or unicodedata.category(ch).startswith("M"):
        return "w"
    return "s"


def _runs(text: str) -> list[tuple[str, str]]:
    """(kind, run) of consecutive characters of one kind. Letters, digits and Hangul make one word run
    (``spf50``, ``글로우랩2``), of kind h when it holds Hangul (its particles come off), else w."""
    out: list[list[str]] = []
    for ch in text:
        kind = _kind(ch)
        kind = "w" if kind == "h" else kind
        if out and out[-1][0] == kind:
            out[-1][1] += ch
        else:
            out.append([kind, ch])
    return [("h" if kind == "w" and _has_hangul(run) else kind, run) for kind, run in out]


def _has_hangul(text: str) -> bool:
    return any(0xAC00 <= ord(ch) <= 0xD7A3 for ch in text)


def _cjk_bigrams(run: str) -> set[str]:
    out = set()
    for a, b in zip(run, run[1:], strict=False):
        pair = a + b
        if a in _HAN_STOP or b in _HAN_STOP or a in _KANA_PARTICLES or b in _KANA_PARTICLES:
            continue
        if _is_hiragana(a) and _is_hiragana(b):  # Japanese inflections and particles (した, です)
            continue
        out.add(pair)
    return out


def _is_hiragana(ch: str) -> bool:
    return 0x3040 <= ord(ch) <= 0x309F


def _word(run: str, kind: str) -> str:
    word = run.strip("'’")
    if kind == "h" and len(word) >= 3:
        for suffix in _KO_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 2:
                return word[: -len(suffix)]
    return word


def _normalise(text: str) -> str:
    return _DROP.sub(" ", unicodedata.normalize("NFKC", text).casefold())


def mention_terms(text: str) -> set[str]:
    """The distinct terms and phrases of one text (see the module)."""
    terms: set[str] = set()
    words: list[str | None] = []  # a clause's words in order; None breaks a phrase

    for kind, run in _runs(_normalise(text)):
        if kind == "c":
            words.append(None)
            terms |= _cjk_bigrams(run)
        elif kind in "hw":
            word = _word(run, kind)
            if word not in NEGATIONS and (len(word) < 2 or word.isdigit() or word in STOPWORDS):
                words.append(None)
            else:
                words.append(word)
        elif kind in "pj":
            words.append(None)
    for i, word in enumerate(words):
        if word is None:
            continue
        if word not in NEGATIONS:
            terms.add(word)
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is not None and nxt not in NEGATIONS:
            terms.add(f"{word} {nxt}")
    return terms


def brand_terms(*texts: str) -> frozenset[str]:
    """The words and character bigrams of a brand's name and query: they are in nearly every mention of the
    brand and say nothing about why, so ``term_trends`` leaves out every term made of one.

    >>> sorted(brand_terms("Glow Lab", '"glow lab" OR 光澤 NOT job'))
    ['glow', 'job', 'lab', '光澤']
    """
    out: set[str] = set()
    for text in texts:
        # Query operators are no brand words.
        cleaned = re.sub(r"\b(?:AND|OR|NOT|NEAR/\d+)\b", " ", text)
        out |= {t for t in mention_terms(cleaned) if " " not in t}
        out |= {_word(run, kind) for kind, run in _runs(_normalise(cleaned)) if kind in "hw"}
    return frozenset(t for t in out if len(t) >= 2)


def is_brand_term(term: str, excluded: frozenset[str]) -> bool:
    """Whether ``term`` is, or has a word that is, one of ``excluded`` (``brand_terms``)."""
    return term in excluded or any(part in excluded for part in term.split(" "))


@dataclass(frozen=True)
class TermTrend:
    """A term's mentions in this period and the previous one (None: no previous period); shares are of the
    period's mentions (× 100), ``share_change`` in percentage points."""

    term: str
    mentions: int
    share: float | None
    previous_mentions: int | None
    previous_share: float | None
    share_change: float | None


def term_counts(texts: Iterable[str]) -> tuple[Counter[str], int]:
    """How many of ``texts`` use each term, and how many texts there were."""
    counts: Counter[str] = Counter()
    n = 0
    for text in texts:
        n += 1
        counts.update(mention_terms(text))
    return counts, n


def term_trends(
    current: Iterable[str],
    previous: Iterable[str] | None = None,
    *,
    exclude: frozenset[str] = frozenset(),
    limit: int = 10,
    min_mentions: int = 2,
) -> list[TermTrend]:
    """The ``limit`` terms used by the most of the ``current`` texts (at least ``min_mentions`` of them),
    each with its count in the ``previous`` texts; ties go to the larger rise, then alphabetical order.

    A word is left out when a phrase holding it is in as many texts (``nổi mụn`` says more than ``nổi``).
    """
    now, n_now = term_counts(current)
    before, n_before = term_counts(previous) if previous is not None else (Counter(), 0)
    candidates = {t: c for t, c in now.items() if c >= max(min_mentions, 1) and not is_brand_term(t, exclude)}
    covered = {
        part for t, c in candidates.items() if " " in t for part in t.split(" ") if candidates.get(part) == c
    }
    out = []
    for term, count in candidates.items():
        if term in covered:
            continue
        share = pct(count, n_now)
        if previous is None:
            out.append(TermTrend(term, count, share, None, None, None))
            continue
        prev = before.get(term, 0)
        prev_share = pct(prev, n_before)
        diff = None if share is None or prev_share is None else share - prev_share
        out.append(TermTrend(term, count, share, prev, prev_share, diff))
    out.sort(key=lambda t: (-t.mentions, -(t.mentions - (t.previous_mentions or 0)), t.term))
    return out[:limit]
