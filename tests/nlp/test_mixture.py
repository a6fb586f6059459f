"""The default model's mixture-of-experts head: arithmetic, storage round trip, script gate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from nlp.features import class_contrast, fit_idf, hasher, select_columns, sublinear_counts
from nlp.mixture import Expert, MixtureHead

N_FEATURES = 2**12
LABELS = ["negative", "neutral", "positive"]


def _expert(name: str, classes: list[str], seed: int, embed: bool) -> Expert:
    rng = np.random.default_rng(seed)
    cols = np.flatnonzero(rng.random(N_FEATURES) < 0.5)
    return Expert(
        name=name,
        classes=tuple(classes),
        cols=cols,
        idf=rng.uniform(1, 5, len(cols)).astype(np.float32),
        coef_char=rng.normal(0, 2, (len(classes), len(cols))).astype(np.float32),
        intercept=rng.normal(0, 0.5, len(classes)).astype(np.float32),
        coef_embed=rng.normal(0, 1, (len(classes), 8)).astype(np.float32) if embed else None,
    ).rounded()


def _head() -> MixtureHead:
    experts = [
        _expert("tweets", LABELS, 1, embed=True),
        # A binary domain: its expert knows negative/positive only.
        _expert("reviews", ["negative", "positive"], 2, embed=False),
    ]
    gate = _expert("gate", ["reviews", "tweets"], 3, embed=False)
    config = {
        "labels": LABELS,
        "features": {"char": {"n_features": N_FEATURES, "ngram_range": [1, 4]}},
        "temperature": 1.3,
    }
    return MixtureHead(config, experts, gate)


TEXTS = ["great stuff!!", "terrible, never again", "배송이 느려요", "質量很好", "", "😍😍"]


def test_mixture_is_the_gate_weighted_average_of_experts() -> None:
    head = _head()
    emb = np.random.default_rng(0).normal(size=(len(TEXTS), 8)).astype(np.float32)
    weights, probs = head.parts(TEXTS, emb)
    assert np.allclose(weights.sum(axis=1), 1.0, atol=1e-6)
    # The binary expert never gives "neutral".
    assert np.all(probs[1][:, LABELS.index("neutral")] == 0)
    expected = weights[:, [0]] * probs[0] + weights[:, [1]] * probs[1]
    assert np.allclose(head.mixture(TEXTS, emb), expected, atol=1e-9)
    p = head.proba(TEXTS, emb)
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-6)
    # Temperature scaling keeps the argmax.
    assert (p.argmax(axis=1) == expected.argmax(axis=1)).all()


def test_embedding_is_ignored_for_text_without_latin_letters() -> None:
    head = _head()
    texts = ["배송이 느려요", "質量很好", "fine, thanks"]
    assert head.needs_embedding(texts).tolist() == [False, False, True]
    zeros = np.zeros((3, 8), dtype=np.float32)
    noise = np.random.default_rng(1).normal(size=(3, 8)).astype(np.float32)
    a, b = head.proba(texts, zeros), head.proba(texts, noise)
    assert np.allclose(a[:2], b[:2])
    assert not np.allclose(a[2], b[2])


def test_save_and_load_give_the_same_probabilities(tmp_path: Path) -> None:
    head = _head()
    emb = np.random.default_rng(2).normal(size=(len(TEXTS), 8)).astype(np.float32)
    head.save(tmp_path, "sentiment")
    loaded = MixtureHead.load(tmp_path, "sentiment")
    assert [e.name for e in loaded.experts] == ["tweets", "reviews"]
    assert loaded.labels == tuple(LABELS)
    assert np.allclose(loaded.proba(TEXTS, emb), head.proba(TEXTS, emb), atol=1e-6)


def test_gate_must_cover_every_expert() -> None:
    experts = [_expert("tweets", LABELS, 1, embed=False)]
    gate = _expert("gate", ["reviews"], 3, embed=False)
    config = {"labels": LABELS, "features": {"char": {"n_features": N_FEATURES, "ngram_range": [1, 4]}}}
    with pytest.raises(ValueError, match="tweets"):
        MixtureHead(config, experts, gate)


def test_sublinear_counts() -> None:
    x = sublinear_counts(hasher(N_FEATURES), ["aaaa", ""])
    assert x.shape == (2, N_FEATURES)
    assert x[1].nnz == 0
    assert x.data.min() >= 1.0  # 1 + log(tf) with tf >= 1


def test_only_columns_seen_in_two_training_texts_are_kept() -> None:
    # Columns 5 and 2**31 - 2 occur in two texts, column 7 in one: only the first two are kept.
    train = sp.csr_matrix(
        (np.ones(5, dtype=np.float32), [5, 2**31 - 2, 5, 2**31 - 2, 7], [0, 2, 4, 5]), shape=(3, 2**31 - 1)
    )
    cols, idf = fit_idf(train, min_df=2)
    assert cols.tolist() == [5, 2**31 - 2]
    assert np.allclose(idf, np.log(4 / 3) + 1)
    # A new text's columns outside ``cols`` are dropped; the others are renumbered to their position.
    new = sp.csr_matrix(
        (np.array([1.0, 2.0, 3.0], dtype=np.float32), [3, 5, 2**31 - 2], [0, 0, 3]), shape=(2, 2**31 - 1)
    )
    x = select_columns(new, cols)
    assert x.shape == (2, 2)
    assert x.toarray().tolist() == [[0.0, 0.0], [2.0, 3.0]]


def test_class_contrast_weighs_ngrams_by_how_unevenly_the_classes_use_them() -> None:
    # Column 0: in every text; column 1: in two positive texts; column 2: mostly in negative ones. Both
    # classes have as many n-gram occurrences (the shares are taken of those).
    x = sp.csr_matrix(
        np.array(
            [[1, 1, 0], [1, 1, 0], [1, 0, 1], [1, 0, 1], [1, 0, 1], [1, 0, 1]],
            dtype=np.float32,
        )
    )
    y = np.array([1, 1, 1, 0, 0, 0])
    w = class_contrast(x, y, power=1.0)
    assert w[1] > w[2] > w[0] == 0
    # Two classes: half the naive-Bayes log-count ratio |log P(col | a) / P(col | b)| (equal priors).
    present = x.toarray()
    logp = []
    for c in (0, 1):
        n = present[y == c].sum(0) + 1
        logp.append(np.log(n / n.sum()))
    assert np.allclose(w, np.abs(logp[1] - logp[0]) / 2, atol=1e-6)
    assert np.allclose(class_contrast(x, y, power=0.5), np.sqrt(w), atol=1e-6)
    # A class with a tiny share of the row weight barely moves the weights.
    y3 = np.array([1, 1, 1, 0, 0, 2])
    tiny = np.array([1, 1, 1, 1, 1, 0.001])
    assert np.allclose(class_contrast(x, y3, tiny, power=1.0), class_contrast(x, y, tiny, 1.0), atol=0.01)


def test_experts_stored_by_bucket_number_still_load() -> None:
    # Models up to 0.3 stored the kept buckets' numbers ("idx") instead of their differences.
    expert = _expert("tweets", LABELS, 1, embed=False)
    arrays = expert.arrays()
    old = {k: v for k, v in arrays.items() if k != "idx_diff"} | {"idx": expert.cols.astype(np.int32)}
    loaded = Expert.from_arrays(expert.meta(), old)
    assert loaded.cols.tolist() == expert.cols.tolist()
    counts = sublinear_counts(hasher(N_FEATURES), TEXTS)
    assert np.allclose(loaded.logits(counts, None, None), expert.logits(counts, None, None))


def test_shared_counts_hash_each_batch_once_and_hand_out_copies() -> None:
    from unittest import mock

    from nlp import features

    texts = ["tag 3 friends 🎁", "배송이 느려요", "質量很好"]
    vec = features.hasher()
    with mock.patch.object(features, "sublinear_counts", wraps=features.sublinear_counts) as spy:
        first = features.shared_sublinear_counts(vec, texts)
        first.data[:] = 0.0  # a caller changing its copy changes nothing for the next one
        second = features.shared_sublinear_counts(vec, list(texts))
        other = features.shared_sublinear_counts(features.hasher(ngram_range=(1, 3)), texts)
    assert spy.call_count == 2  # the same texts and settings again are not hashed again
    expected = features.sublinear_counts(vec, texts)
    assert (second != expected).nnz == 0
    assert other.nnz < expected.nnz
