"""Which part of a mention is about which brand, so that a comparison gets a sentiment per brand.

"듀드롭이 더 순해요. 루미에르랩은 좀 따가웠어요" praises one brand and criticises the other; one label for
the whole mention would be wrong for one of them. :func:`brand_segments` gives each brand the sentences
that are about it; the label worker classifies each segment with the mention's sentiment model.

Rules, kept simple on purpose:

- Sentences end at ``.``, ``!``, ``?`` or ``…`` followed by a space, the end of the text or a CJK or Hangul
  character (so "4.5" and "glowlab.com" stay whole); at ``。``, ``！``, ``？`` wherever they are; and at
  every line break. Closing quotes and brackets stay with their sentence.
- A sentence is about the brands whose query matches it (``nlp.match``). A sentence that names no brand
  continues the sentence before it ("Aqua Veil never broke me out. Love it."): Korean and Chinese often drop
  the subject of such a sentence. Sentences before the first named one are about no brand in particular.
- A brand gets a segment only when it is not in every brand-naming sentence of a mention that names at least
  two brands: otherwise the mention's own label already is the brand's. A comparison inside one sentence
  ("A is milder than B") therefore keeps the mention's label for both.

>>> from nlp.match import BrandQuery
>>> q = {"Glow Lab": BrandQuery.parse('"glow lab"'), "Aqua Veil": BrandQuery.parse('"aqua veil"')}
>>> brand_segments("Glow Lab's serum broke me out. Aqua Veil never did, love it.", q)
{'Glow Lab': "Glow Lab's serum broke me out.", 'Aqua Veil': 'Aqua Veil never did, love it.'}
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from nlp.match import BrandQuery, normalize_text

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"  # kana, Han, Hangul
_CLOSE = "\"'\u2019\u201d)\\]\u300d\u300f\uff09"  # quotes and brackets that close a sentence
_SENTENCE_END = re.compile(
    rf"[.!?\u2026]+[{_CLOSE}]*(?=\s|$|[{_CJK}])"  # Latin-style: needs a space, the end or CJK after it
    rf"|[\u3002\uff01\uff1f\uff61]+[{_CLOSE}]*"  # 。！？｡ end a sentence wherever they are
    r"|\n"
)


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order, stripped, empty ones dropped.

    >>> split_sentences("好用！但是有點黏。\\nRated 4.5/5... would buy again")
    ['好用！', '但是有點黏。', 'Rated 4.5/5...', 'would buy again']
    """
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[start : m.end()].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def brand_segments(text: str, queries: Mapping[str, BrandQuery]) -> dict[str, str]:
    """For each brand (of ``queries``) that needs its own label, the sentences of ``text`` about it, joined
    with spaces; brands whose label is the mention's own (see the module docstring) are left out, so a
    mention that names fewer than two brands gives ``{}``."""
    sentences = split_sentences(text)
    about: list[set[str]] = []  # per sentence, the brands it is about
    for sentence in sentences:
        norm = normalize_text(sentence)
        named = {name for name, q in queries.items() if q.matches_normalized(norm)}
        about.append(named or (about[-1] if about else set()))
    if len(set().union(*about)) < 2:
        return {}
    about_some = sum(1 for brands in about if brands)
    out: dict[str, str] = {}
    for name in queries:  # in the caller's order
        mine = [s for s, brands in zip(sentences, about, strict=True) if name in brands]
        if mine and len(mine) < about_some:
            out[name] = " ".join(mine)
    return out
