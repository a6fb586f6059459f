"""Training rows shared by both trainers (``nlp.training.moe`` and ``nlp.training.e5``): reading a dataset's
JSONL splits, capping and subsampling them, the key that spots one text in two splits, the hand-written
multilingual rows (``nlp/*_patterns.jsonl``, filled in at random) and the ordinary comments of the sentiment
sets used as extra "ham" for spam.

Every row is ``{"text", "label", "lang"}``; seeded ``random.Random`` instances make the draws reproducible.
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from pathlib import Path

from nlp.labels import TASK_LABELS

NLP_DIR = Path(__file__).resolve().parents[1]
AUGMENT_FILES = {
    "spam": NLP_DIR / "spam_patterns.jsonl",
    # Product/brand comments: none of the sentiment sets is about products in Korean, Vietnamese or
    # Traditional Chinese, and the Korean/Chinese sets have no neutral class at all.
    "sentiment": NLP_DIR / "sentiment_patterns.jsonl",
}
AUGMENT_COPIES = 5  # each hand-written row is filled in 5 ways: a few hundred rows next to thousands


def handwritten_set(task: str) -> str:
    """The name under which the task's hand-written rows are trained and scored, beside the data sets."""
    return f"{task}_handwritten_multilingual"


# Ordinary comments from the sentiment sets, used as extra "ham" for the spam head: the spam sets are English
# and Vietnamese only, and without real Korean/Chinese comments the head would learn that a script is spam.
# (train rows, dev rows) per set; the sets' own curation (e.g. Weibo2018 filtered ads) keeps spam rare.
HAM_FROM_SENTIMENT: dict[str, tuple[int, int]] = {
    "ko_nsmc": (400, 100),
    "zh_weibo2018": (300, 100),
    "zh_online_shopping_10cats": (300, 100),
    "en_semeval2017_tweeteval": (300, 100),
    "vi_uit_vsfc": (300, 100),
}


def read_jsonl(path: Path) -> list[dict]:
    """The rows of a JSONL file (blank lines skipped)."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def task_of(rows: list[dict]) -> str:
    """``sentiment`` or ``spam``: the task whose labels hold every row's label."""
    labels = {r["label"] for r in rows}
    for task, known in TASK_LABELS.items():
        if labels <= set(known):
            return task
    raise ValueError(f"labels {sorted(labels)} are neither sentiment nor spam labels")


# Two ways of taking at most ``cap`` rows, one per trainer: each trainer's shipped model was drawn with its
# own, so neither can change without changing that model.
def subsample(rows: list[dict], cap: int, rng: random.Random) -> list[dict]:
    """At most ``cap`` rows, same label (and language) proportions, source order kept (the moe trainer)."""
    if len(rows) <= cap:
        return rows
    strata: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        strata[(r["label"], r.get("lang", ""))].append(i)
    keep: list[int] = []
    for key in sorted(strata):
        idx = strata[key]
        k = round(cap * len(idx) / len(rows))
        keep.extend(rng.sample(idx, min(k, len(idx))))
    return [rows[i] for i in sorted(keep)]


def cap_rows(rows: list[dict], cap: int, rng: random.Random) -> list[dict]:
    """At most ``cap`` rows with the label proportions kept, grouped by label (the e5 trainer)."""
    if len(rows) <= cap:
        return rows
    by_label: dict[str, list[dict]] = {}
    for r in rows:
        by_label.setdefault(r["label"], []).append(r)
    out: list[dict] = []
    for label in sorted(by_label):
        group = by_label[label]
        out.extend(rng.sample(group, min(len(group), round(cap * len(group) / len(rows)))))
    return out


_KEY_DROP = re.compile(r"(?:https?://|www\.)\S+|@\S+|[\W_]+", re.UNICODE)


def dedup_key(text: str) -> str:
    """Case-, mention-, URL- and punctuation-insensitive key for spotting the same text in two splits."""
    return _KEY_DROP.sub("", text.casefold())


_FILL = {
    "url": [
        "http://bit.ly/3xQz9k",
        "https://tinyurl.com/deal77",
        "www.shop-sale.example/hot",
        "https://t.me/join_now",
    ],
    "phone": ["0912 345 678", "09{d}", "+84 9{d}", "010-{d4}-{d4}", "0987{d4}"],
    "handle": ["@{w}", "@{w}_{d4}", "@{w}.official"],
    "n": ["2", "3", "5"],
    "emoji": ["🎁", "🔥🔥", "💯", "👇👇", "🎉", "✨"],
    "product": ["serum", "phone", "bag", "headset"],
}
_NAMES = ["sunny", "mina", "hoa", "jiwoo", "lin", "kevin", "daisy", "tuan"]
_TAIL = ["", "", "", " 😍", " !!", " ❤️", " 👍"]


def _fill(template: str, rng: random.Random) -> str:
    text = template
    for key, options in _FILL.items():
        while "{" + key + "}" in text:
            value = rng.choice(options)
            value = value.replace("{d4}", f"{rng.randrange(10000):04d}")
            value = value.replace("{d}", f"{rng.randrange(10**8):08d}")
            value = value.replace("{w}", rng.choice(_NAMES))
            text = text.replace("{" + key + "}", value, 1)
    return text + rng.choice(_TAIL)


def augment_rows(task: str, seed: int) -> dict[str, list[dict]]:
    """The task's hand-written multilingual rows: 20% of rows (per label and language) held out as dev."""
    rows = read_jsonl(AUGMENT_FILES[task])
    rng = random.Random(f"{seed}-augment" if task == "spam" else f"{seed}-augment-{task}")
    strata: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        strata[(r["label"], r["lang"])].append(r)
    train, dev = [], []
    for key in sorted(strata):
        group = strata[key][:]
        rng.shuffle(group)
        cut = max(1, len(group) // 5)
        dev.extend({**r, "text": _fill(r["text"], rng)} for r in group[:cut])
        for r in group[cut:]:
            train.extend({**r, "text": _fill(r["text"], rng)} for _ in range(AUGMENT_COPIES))
    return {"train": train, "dev": dev}


def ham_from_sentiment(data_dir: Path, seed: int) -> dict[str, list[dict]]:
    """Short ordinary comments of the ``HAM_FROM_SENTIMENT`` sets as ham rows, train and dev (no text in
    both)."""
    rng = random.Random(f"{seed}-ham")
    out: dict[str, list[dict]] = {"train": [], "dev": []}
    for name, (n_train, n_dev) in HAM_FROM_SENTIMENT.items():
        dev_keys: set[str] = set()
        for split, n in (("dev", n_dev), ("train", n_train)):
            # Short texts only: long reviews look nothing like the comments the spam head will see.
            rows = [
                r
                for r in read_jsonl(data_dir / name / f"{split}.jsonl")
                if len(r["text"]) <= 280 and dedup_key(r["text"]) not in dev_keys
            ]
            picked = rng.sample(rows, min(n, len(rows)))
            out[split].extend({"text": r["text"], "label": "ham", "lang": r["lang"]} for r in picked)
            dev_keys |= {dedup_key(r["text"]) for r in picked}
    return out


def write_json(path: Path, config: dict, indent: int = 1) -> None:
    """Write a model's JSON file at once (tmp + rename): an interrupted write leaves the file as it was, never
    half written (the classifier would fail to load a truncated file)."""
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(config, indent=indent, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
