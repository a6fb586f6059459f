"""Offline language identification: script rules first (fast, deterministic), ``langid`` second.

Returns an ISO 639-1 code, or ``"und"`` when the text has no letters (empty, emoji, digits, punctuation).
Korean, Chinese (Simplified and Traditional both give ``"zh"``), Japanese and Vietnamese are decided by script
and diacritics (or frequent Vietnamese words); other Latin-script text goes to a ``langid`` restricted to
plausible languages, except that a plain-ASCII comment of one to three words is English unless ``langid`` is
fairly sure of another language: on so little text it mostly guesses ("hehe" came out German).
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from collections import Counter
from functools import lru_cache

UNDETERMINED = "und"

# (start, end, script) — sorted, non-overlapping code point ranges for the scripts we decide on.
_RANGES: list[tuple[int, int, str]] = sorted(
    [
        (0x0041, 0x024F, "latin"),
        (0x0370, 0x03FF, "greek"),
        (0x0400, 0x052F, "cyrillic"),
        (0x0530, 0x058F, "armenian"),
        (0x0590, 0x05FF, "hebrew"),
        (0x0600, 0x06FF, "arabic"),
        (0x0750, 0x077F, "arabic"),
        (0x0900, 0x097F, "devanagari"),
        (0x0980, 0x09FF, "bengali"),
        (0x0A00, 0x0A7F, "gurmukhi"),
        (0x0A80, 0x0AFF, "gujarati"),
        (0x0B80, 0x0BFF, "tamil"),
        (0x0C00, 0x0C7F, "telugu"),
        (0x0C80, 0x0CFF, "kannada"),
        (0x0D00, 0x0D7F, "malayalam"),
        (0x0D80, 0x0DFF, "sinhala"),
        (0x0E00, 0x0E7F, "thai"),
        (0x0E80, 0x0EFF, "lao"),
        (0x1000, 0x109F, "myanmar"),
        (0x10A0, 0x10FF, "georgian"),
        (0x1100, 0x11FF, "hangul"),
        (0x1200, 0x137F, "ethiopic"),
        (0x1780, 0x17FF, "khmer"),
        (0x1E00, 0x1EFF, "latin"),
        (0x3005, 0x3007, "han"),
        (0x3040, 0x309F, "kana"),
        (0x30A0, 0x30FF, "kana"),
        (0x3130, 0x318F, "hangul"),
        (0x31F0, 0x31FF, "kana"),
        (0x3400, 0x4DBF, "han"),
        (0x4E00, 0x9FFF, "han"),
        (0xA960, 0xA97F, "hangul"),
        (0xAC00, 0xD7AF, "hangul"),
        (0xF900, 0xFAFF, "han"),
        (0x20000, 0x3134F, "han"),
    ]
)
_STARTS = [r[0] for r in _RANGES]

# Scripts that belong to one language we report directly.
_SINGLE = {
    "hangul": "ko",
    "greek": "el",
    "armenian": "hy",
    "hebrew": "he",
    "bengali": "bn",
    "gurmukhi": "pa",
    "gujarati": "gu",
    "tamil": "ta",
    "telugu": "te",
    "kannada": "kn",
    "malayalam": "ml",
    "sinhala": "si",
    "thai": "th",
    "lao": "lo",
    "myanmar": "my",
    "georgian": "ka",
    "ethiopic": "am",
    "khmer": "km",
}
# Scripts shared by several languages: langid decides among these only.
_LANGID_SETS = {
    "latin": (
        "en",
        "vi",
        "id",
        "ms",
        "tl",
        "fr",
        "de",
        "es",
        "pt",
        "it",
        "nl",
        "pl",
        "tr",
        "sv",
        "da",
        "nb",
        "fi",
        "cs",
        "ro",
        "hu",
        "hr",
        "sk",
        "sl",
    ),
    "cyrillic": ("ru", "uk", "bg", "sr", "mk", "be", "kk", "mn"),
    "arabic": ("ar", "fa", "ur", "ps", "ug", "ku"),
    "devanagari": ("hi", "mr", "ne"),
}
# One ideograph or Hangul syllable carries about as much as two or three Latin letters, so East Asian
# characters weigh double when scripts are counted against each other.
_WEIGHT = {"han": 2.0, "kana": 2.0, "hangul": 2.0}

# Letters that only Vietnamese uses: the whole Vietnamese block of Latin Extended Additional (ạ ả ấ ầ ... ỹ)
# and ơ ư ă ĩ ũ. đ is also Croatian, so on its own it needs a second Vietnamese sign.
_VI_LETTERS = frozenset(chr(c) for c in range(0x1EA0, 0x1EFA)) | frozenset("ơưăĩũƠƯĂĨŨ")
_VI_D = frozenset("đĐ")
# Frequent Vietnamese words as written without diacritics ("khong dep lam", "shop oi"); chosen to be rare
# as words of English, Spanish, Indonesian and the other Latin-script languages we see.
_VI_PLAIN = frozenset(
    str.split(
        """
        khong ko hok k dc duoc nhung nguoi nhieu cung nhu nhat nhe nha roi dep mua cua voi lam minh thich
        chua biet vay thi sao gi toi oi qua rat den nay day hang sp gia cam on nhanh chat luong tot xau that
        giao ship shop mik mjk bn cx vs ak a e ban em anh chi san pham tuyet dong goi chac chan xinh thu tien
        nhan mau mong phai nen cai va la co di ve do hay moi lai vai hop gui uong an ngon bi hu loi cho nhiu
        hon hjhj ahihi hix
        """
    )
)
_VI_PLAIN_STRONG = frozenset(
    str.split(
        """
        khong ko hok dc duoc nhung nguoi nhieu cung nhat nhe nha roi dep cua voi minh thich chua biet vay oi
        rat nay luong tot xau giao mik mjk cx pham tuyet chac xinh nhan phai nhiu hjhj ahihi hix
        """
    )
)
_ENGLISH = frozenset(
    str.split(
        """
        the and or but is are were be been i you he she it we they my your his her its our their this that
        these those of to on at for with from by as not very just really too what why how when where who do
        does did don't doesn't didn't can can't will won't would should have has had i'm it's love like good
        great bad best worst nice awesome amazing cool wow lol omg thanks thank please check out buy get got
        product order shipping price quality recommend hate terrible awful happy sad nah bruh ikr lmao tbh
        idk imo smh yeah yep nope cute giveaway
        """
    )
)
# Plain-ASCII comments of at most this many words count as English unless langid gives another language
# at least this probability among the Latin-script candidates ("sehr gut" stays German, "hehe" is English).
SHORT_WORDS = 3
SHORT_MIN_PROB = 0.7
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
# Links, mentions and invisible characters say nothing about the language of the comment around them.
_NOISE = re.compile(r"(?:https?://|www\.)\S+|@[\w.]+|[\u200b-\u200f\ufeff]", re.UNICODE)

_langid_lock = threading.Lock()
_langid_state: dict[str, object] = {}


@lru_cache(maxsize=65536)
def _script(ch: str) -> str | None:
    cp = ord(ch)
    i = bisect.bisect_right(_STARTS, cp) - 1
    if i >= 0:
        start, end, name = _RANGES[i]
        if start <= cp <= end:
            return name
    return None


def _script_counts(text: str) -> Counter[str]:
    if text.isascii():  # the common case, and every ASCII letter is Latin
        letters = sum(map(str.isalpha, text))
        return Counter({"latin": letters}) if letters else Counter()
    counts = Counter(map(_script, filter(str.isalpha, text)))
    counts.pop(None, None)
    return counts  # type: ignore[return-value]


def _langid_among(text: str, langs: tuple[str, ...]) -> tuple[str, float]:
    """langid's best language among ``langs`` and its probability renormalised over them."""
    import numpy as np

    with _langid_lock:
        ident = _langid_state.get("ident")
        if ident is None:
            from langid.langid import LanguageIdentifier, model

            ident = LanguageIdentifier.from_modelstring(model, norm_probs=False)
            _langid_state["ident"] = ident
        tables = _langid_state.setdefault("tables", {})
        table = tables.get(langs)  # type: ignore[union-attr]
        if table is None:
            classes = ident.nb_classes  # type: ignore[attr-defined]
            idx = [classes.index(code) for code in langs if code in classes]
            # langid's naive Bayes over the candidate languages only: ~7,500 features x ~23 columns
            # instead of x 97, and below only the rows of the n-grams the text contains.
            table = (
                [classes[i] for i in idx],
                np.ascontiguousarray(ident.nb_ptc[:, idx]),  # type: ignore[attr-defined]
                np.asarray(ident.nb_pc)[idx],  # type: ignore[attr-defined]
            )
            tables[langs] = table  # type: ignore[index]
        fv = ident.instance2fv(text)  # type: ignore[attr-defined]
    codes, ptc, pc = table
    # The same log-probabilities as langid's nb_classprobs (np.dot(fv, nb_ptc) + nb_pc), restricted to the
    # features present: a dense product over all features cost ~15 ms per text here.
    present = np.flatnonzero(fv)
    sub = fv[present].astype(np.float64) @ ptc[present] + pc
    sub = np.exp(sub - sub.max())
    sub /= sub.sum()
    best = int(np.argmax(sub))
    return codes[best], float(sub[best])


def _unaccented(word: str) -> str:
    """``word`` without diacritics, đ as d ("quá" -> "qua", "đẹp" -> "dep")."""
    decomposed = unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _latin(text: str) -> str:
    vi_marks = sum(ch in _VI_LETTERS for ch in text)
    vi_d = sum(ch in _VI_D for ch in text)
    if vi_marks >= 1 and vi_marks + vi_d >= 1 and (vi_marks >= 2 or vi_d >= 1 or len(text) < 40):
        return "vi"
    if vi_d >= 2:
        return "vi"
    words = [w.casefold() for w in _WORD.findall(text)]
    if words:
        plain = [w if w.isascii() else _unaccented(w) for w in words]
        vi_hits = sum(p in _VI_PLAIN for p in plain)
        # A frequent Vietnamese word with its accents ("quá", "nên") is stronger evidence than without
        # them; one- and two-letter words are left out (Portuguese "é", French "là").
        strong = {
            p
            for w, p in zip(words, plain, strict=True)
            if p in _VI_PLAIN_STRONG or (p != w and len(p) >= 3 and p in _VI_PLAIN)
        }
        if len(strong) >= 2 and vi_hits >= 0.3 * len(words) or strong and vi_hits >= 0.5 * len(words):
            return "vi"
        if vi_d and vi_hits >= 1:
            return "vi"
    # langid was trained on mostly lower-case text: shouting ("CHECK MY CHANNEL") confuses it.
    code, prob = _langid_among(text.lower(), _LANGID_SETS["latin"])
    if code != "en" and words and all(w.isascii() for w in words):
        en_hits = sum(w in _ENGLISH for w in words)
        # langid is weak on short informal English ("so good lol"): trust common English words over it.
        if en_hits >= 1 and (en_hits >= 0.34 * len(words) or prob < 0.5):
            return "en"
        # On one to three plain words langid has little to go on ("hehe" came out German, "sz" Hungarian);
        # unless it is fairly sure, such a comment goes to the Latin-script language of our markets that
        # is left once Vietnamese is ruled out above.
        if len(words) <= SHORT_WORDS and prob < SHORT_MIN_PROB:
            return "en"
    return code


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text`` (``"zh"`` for both Chinese scripts), or ``"und"`` when it has no letters."""
    if not text:
        return UNDETERMINED
    text = _NOISE.sub(" ", unicodedata.normalize("NFKC", text[:2000]))
    counts = _script_counts(text)
    if not counts:
        return UNDETERMINED
    han, kana = counts.pop("han", 0), counts.pop("kana", 0)
    if han or kana:
        # Japanese mixes kanji with kana, so both count towards one East Asian group decided below.
        counts["cjk"] = han + kana
    weighted = {s: n * _WEIGHT.get(s, 2.0 if s == "cjk" else 1.0) for s, n in counts.items()}
    script = max(weighted, key=lambda s: (weighted[s], s))
    if script == "cjk":
        # A lone の is common Taiwanese slang for 的, so it does not make a Chinese text Japanese.
        real_kana = kana - text.count("の") if han > kana else kana
        return "ja" if real_kana > 0 and (han == 0 or real_kana >= 0.15 * (han + kana)) else "zh"
    if script in _SINGLE:
        return _SINGLE[script]
    if script == "latin":
        return _latin(text)
    if script in _LANGID_SETS:
        return _langid_among(text, _LANGID_SETS[script])[0]
    return UNDETERMINED
