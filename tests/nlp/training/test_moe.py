"""``nlp.training.moe``: which rows each expert and each baseline sees, and the choices made on dev."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nlp.features import hasher, preprocess, sublinear_counts
from nlp.mixture import MixtureHead
from nlp.training import domains as moe_domains
from nlp.training import fit, moe

TINY_DATA = Path(__file__).resolve().parents[2] / "fixtures" / "train_tiny"


def test_xlmt_english_tweets_join_the_english_expert_and_stay_in_their_baseline() -> None:
    domains, _, _ = moe_domains.load_domains("sentiment", TINY_DATA, seed=13)
    xlmt_rows = [json.loads(line) for line in (TINY_DATA / "xlmt_umsab" / "train.jsonl").open()]
    english = [r["text"] for r in xlmt_rows if r["lang"] == "en"]
    assert english, "the fixture needs an English XLM-T row"

    assert all(r["lang"] != "en" for r in domains["xlmt_umsab"]["train"])
    moved = [r for r in domains["en_semeval2017_tweeteval"]["train"] if r.get("dataset") == "xlmt_umsab"]
    assert [r["text"] for r in moved] == english
    # Dev sets are not moved: each dataset is still scored on all of its own dev rows.
    assert len(domains["xlmt_umsab"]["dev"]) == len(
        (TINY_DATA / "xlmt_umsab" / "dev.jsonl").read_text().splitlines()
    )

    clean = {n: [preprocess(r["text"]) for r in s["train"]] for n, s in domains.items()}
    xlmt_base = [r["text"] for r, _ in moe_domains.baseline_rows("xlmt_umsab", domains, clean)]
    assert sorted(xlmt_base) == sorted(r["text"] for r in xlmt_rows)
    en_base = moe_domains.baseline_rows("en_semeval2017_tweeteval", domains, clean)
    assert not any(r.get("dataset") == "xlmt_umsab" or r.get("hand") for r, _ in en_base)


@pytest.mark.parametrize("task", ["sentiment", "spam"])
def test_each_expert_records_the_settings_chosen_on_its_dev_set(task: str, tmp_path: Path) -> None:
    moe.train(TINY_DATA, tmp_path, task=task, cache_dir=tmp_path / "cache", quick=True)
    config = json.loads((tmp_path / f"{task}.json").read_text(encoding="utf-8"))
    chosen = config["expert_settings_chosen_on_dev"]
    assert set(chosen) == {e["name"] for e in config["experts"]}
    for expert in config["experts"]:
        settings = chosen[expert["name"]]
        assert settings["contrast_power"] in fit.CONTRAST_POWERS[task]
        if expert["name"] in moe_domains.EMBED_DOMAINS[task] and settings["embed_weight"] > 0:
            assert settings["C"] == fit.HEAD_C[task]
            assert settings["embed_weight"] in fit.EMBED_WEIGHTS
            assert expert["embed"] and expert["embed_weight"] == settings["embed_weight"]
        else:
            assert settings["C"] in (*fit.HEAD_C_CANDIDATES[task], fit.HEAD_C[task])
            assert not expert["embed"]
    # The shipped model's gate is balanced over the domains and its settings are stated.
    assert "domains weighted equally" in config["head"]["gate"]
    # The spam task's comments expert learns from every spam set's train rows, the sentiment task's shopping
    # reviews expert from the hotel reviews'; no other expert learns from another domain's rows.
    datasets = config["training"]["datasets"]
    spam_sets = {n: d["train"] for n, d in datasets.items() if n != moe_domains.COMMENTS_DOMAIN}
    hotel = datasets["zh_chnsenticorp_htl"]["train"] if task == "sentiment" else 0
    expected = {
        "spam": {moe_domains.COMMENTS_DOMAIN: spam_sets},
        "sentiment": {"zh_online_shopping_10cats": {"zh_chnsenticorp_htl": hotel}},
    }[task]
    learners = {name: info["also_learns_from"] for name, info in datasets.items() if info["also_learns_from"]}
    assert learners == expected
    for name, others in moe_domains.ALSO_LEARNS_FROM[task].items():
        for other, weight in others.items():
            assert f"the {name} expert also learns from the rows of" in config["head"]["experts"]
            assert f"{other} (each weighing {weight:g})" in config["head"]["experts"]
    # And it does learn them: n-grams in two or more of the other domain's texts and in none of its own
    # can only be in its vocabulary (min_df 2) because it learned from those rows. (Spam's comments domain
    # has over a thousand rows of its own, holding every n-gram of the tiny spam sets: nothing to tell apart.)
    if task == "spam":
        return
    head = MixtureHead.load(tmp_path, task)
    experts = {e.name: e for e in head.experts}
    vectorizer = hasher(fit.CHAR_FEATURES, fit.CHAR_NGRAMS)
    domains, _, _ = moe_domains.load_domains(task, TINY_DATA, seed=13)

    def buckets(name: str, min_df: int) -> set[int]:
        counts = sublinear_counts(vectorizer, [preprocess(r["text"]) for r in domains[name]["train"]])
        cols, n_texts = np.unique(counts.indices, return_counts=True)  # a row holds each bucket once
        return set(cols[n_texts >= min_df].tolist())

    for name, others in moe_domains.ALSO_LEARNS_FROM[task].items():
        for other in others:
            foreign = buckets(other, 2) - buckets(name, 1)
            assert foreign, f"the fixture needs n-grams that only {other} has"
            assert foreign <= set(experts[name].cols.tolist())


def _tiny_copy(tmp_path: Path) -> Path:
    """A copy of the tiny data whose XLM-T train split repeats one English tweets dev text and one of its
    own dev texts."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(TINY_DATA, data)
    first = lambda name: json.loads((data / name / "dev.jsonl").read_text().splitlines()[0])  # noqa: E731
    other, own = first("en_semeval2017_tweeteval"), first("xlmt_umsab")
    with (data / "xlmt_umsab" / "train.jsonl").open("a", encoding="utf-8") as f:
        for row in ({**other, "lang": "es"}, own):
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return data


def test_a_baseline_leaves_out_only_the_rows_that_repeat_its_own_dev_texts(tmp_path: Path) -> None:
    data = _tiny_copy(tmp_path)
    other = json.loads((data / "en_semeval2017_tweeteval" / "dev.jsonl").read_text().splitlines()[0])["text"]
    own = json.loads((data / "xlmt_umsab" / "dev.jsonl").read_text().splitlines()[0])["text"]
    domains, dropped, _ = moe_domains.load_domains("sentiment", data, seed=13)
    rows = {r["text"]: r for r in domains["xlmt_umsab"]["train"]}
    # The reported model leaves out both (the English tweets' dev text would inflate that set's score) ...
    assert rows[other]["dev_dup"] and rows[own]["dev_dup"] and dropped["xlmt_umsab"] == 2
    # ... XLM-T's baseline, trained on XLM-T's train split and scored on XLM-T's dev split, only its own.
    assert not rows[other]["own_dev_dup"] and rows[own]["own_dev_dup"]
    clean = {n: [preprocess(r["text"]) for r in s["train"]] for n, s in domains.items()}
    base = [r["text"] for r, _ in moe_domains.baseline_rows("xlmt_umsab", domains, clean)]
    assert other in base and own not in base
    # The hand-written rows' baseline (of all training rows) leaves out every dev repeat, as the model does.
    hand = [
        r["text"] for r, _ in moe_domains.baseline_rows("sentiment_handwritten_multilingual", domains, clean)
    ]
    assert other not in hand and own not in hand


def test_baselines_only_rewrites_the_baseline_scores_and_nothing_else(tmp_path: Path) -> None:
    data = _tiny_copy(tmp_path)
    out = tmp_path / "model"
    with pytest.raises(FileNotFoundError, match="no trained sentiment model"):
        moe.rescore_baselines(data, out, "sentiment")
    moe.train(data, out, task="sentiment", cache_dir=tmp_path / "cache", quick=True)
    path = out / "sentiment.json"
    before = json.loads(path.read_text(encoding="utf-8"))
    weights = (out / "sentiment.npz").read_bytes()
    stale = before["dev_scores"]["baseline_char_tfidf_lr"]["xlmt_umsab"] | {"macro_f1": -1.0}
    before["dev_scores"]["baseline_char_tfidf_lr"]["xlmt_umsab"] = stale
    path.write_text(json.dumps(before), encoding="utf-8")

    moe.main(["--data", str(data), "--out", str(out), "--task", "sentiment", "--baselines-only"])
    after = json.loads(path.read_text(encoding="utf-8"))
    assert (out / "sentiment.npz").read_bytes() == weights
    assert after["dev_scores"]["baseline_char_tfidf_lr"]["xlmt_umsab"]["macro_f1"] >= 0
    assert set(after["dev_scores"]["baseline_char_tfidf_lr"]) == set(after["dev_scores"]["model"])
    assert after["dev_scores"]["note"] == moe.DEV_SCORES_NOTE
    for key in ("experts", "gate", "temperature", "expert_settings_chosen_on_dev"):
        assert after[key] == before[key]
    assert after["dev_scores"]["model"] == before["dev_scores"]["model"]
