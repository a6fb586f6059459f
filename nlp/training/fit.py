"""Fitting the moe model's head: per-domain experts (logistic regression over character n-grams, some with
the MiniLM embedding) and the gate over domains, with the settings chosen on each expert's own dev set."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from nlp.features import (
    N_FEATURES,
    class_contrast,
    fit_idf,
    latin_share,
    select_columns,
    sublinear_counts,
    tfidf,
)
from nlp.mixture import Expert, MixtureHead
from nlp.training.domains import shared_rows
from nlp.training.scores import macro_f1

log = logging.getLogger(__name__)

HEAD_C = {"sentiment": 4.0, "spam": 16.0}
# Char-only experts choose their L2 strength on their own dev set (hashed n-grams of the small Chinese sets
# gained about 1 point at C = 16).
HEAD_C_CANDIDATES = {"sentiment": (4.0, 16.0), "spam": (4.0, 16.0)}
# Gate: L2 strength and texts per domain, per task; every domain weighs the same in its fit (chosen on dev:
# 30,000 texts at C = 16 route product reviews and YouTube comments better than 6,000 at C = 4).
GATE_C = {"sentiment": 16.0, "spam": 16.0}
GATE_ROWS = {"sentiment": 30000, "spam": 30000}
# Weight of an expert's hand-written rows, as a share of its dataset's rows (chosen on dev: 3 % cost NSMC 0.1
# points and was no better anywhere else).
HAND_SHARE = 0.01
# Candidate weights of the MiniLM embedding next to the char n-grams, chosen per expert on its own dev set
# (0 = no embedding: on YouTube spam the embedding cost 2 points, on Vietnamese it adds about 3).
EMBED_WEIGHTS = (0.0, 0.5, 1.0)
# Candidate powers of the n-grams' class contrast (``class_contrast``) multiplying an expert's IDF, chosen per
# expert on its own dev set: 0.5 added 0.1 to 2.2 points to the Korean, Chinese and Vietnamese experts alone
# (char n-grams only) and cost the tweet experts 0.7 to 0.8. Spam: no candidate; it changed nothing on dev.
CONTRAST_POWERS = {"sentiment": (0.0, 0.5), "spam": (0.0,)}
CHAR_NGRAMS = (1, 4)
CHAR_FEATURES = N_FEATURES


@dataclass
class TaskData:
    """One task's rows and their features, as every fit of the moe trainer reads them: per domain its train
    rows' clean texts, n-gram counts and (embedding domains) MiniLM embeddings; per dev set the same."""

    task: str
    labels: Sequence[str]
    domains: dict[str, dict[str, list]]
    dev_sets: dict[str, list[dict]]
    vectorizer: Any
    clean: dict[str, list[str]]
    counts: dict[str, Any]
    clean_dev: dict[str, list[str]]
    embs: dict[str, np.ndarray]
    embs_dev: dict[str, np.ndarray]


def fit_expert(
    name: str,
    classes: Sequence[str],
    counts,  # type: ignore[no-untyped-def]
    y: np.ndarray,
    embeddings: np.ndarray | None,
    script_gate: np.ndarray | None,
    c: float,
    min_df: int = 2,
    max_iter: int = 3000,
    sample_weight: np.ndarray | None = None,
    embed_weight: float = 1.0,
    contrast_power: float = 0.0,
) -> Expert:
    """A multinomial logistic regression over this domain's TF-IDF (its own IDF, times the n-grams' class
    contrast to ``contrast_power``; none at 0) [+ gated embedding times ``embed_weight``; none at 0]."""
    from sklearn.linear_model import LogisticRegression

    cols, idf = fit_idf(counts, min_df=min_df)
    selected = select_columns(counts, cols)
    if contrast_power:
        idf = idf * class_contrast(selected, y, sample_weight, contrast_power)
    x = tfidf(selected, idf)
    if embed_weight == 0:
        embeddings = None
    if embeddings is not None:
        x = sp.hstack([sp.csr_matrix(embeddings * script_gate * embed_weight), x], format="csr")
    present = sorted(set(y.tolist()))
    clf = LogisticRegression(C=c, max_iter=max_iter, tol=1e-4).fit(x, y, sample_weight=sample_weight)
    coef, intercept = clf.coef_.astype(np.float32), clf.intercept_.astype(np.float32)
    if coef.shape[0] == 1:  # sklearn's binary head is one row: softmax([0, z]) == sigmoid(z)
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.array([0.0, intercept[0]], dtype=np.float32)
    d = 0 if embeddings is None else embeddings.shape[1]
    return Expert(
        name=name,
        classes=tuple(classes[i] for i in present),
        cols=cols,
        idf=idf,
        coef_char=coef[:, d:],
        intercept=intercept,
        coef_embed=coef[:, :d] if d else None,
        embed_weight=embed_weight if d else 1.0,
    )


def own_dev_f1(data: TaskData, expert: Expert) -> float:
    """The expert alone on its own domain's dev set."""
    texts = data.clean_dev[expert.name]
    z = expert.logits(
        sublinear_counts(data.vectorizer, texts), data.embs_dev[expert.name], latin_share(texts)
    )
    pred = [expert.classes[i] for i in z.argmax(1)]
    return macro_f1([r["label"] for r in data.dev_sets[expert.name]], pred)


def fit_mixture(
    data: TaskData,
    keep: Callable[[dict], bool],
    what: str,
    config: dict,
    seed: int,
    max_iter: int,
    given: dict[str, dict] | None = None,
) -> tuple[MixtureHead, dict[str, dict]]:
    """The mixture (head ``config``) fitted on the train rows for which ``keep`` is true, and each expert's
    settings ({"C", "embed_weight", "contrast_power"}): as given, or else chosen on the expert's own dev set
    (char-only experts: C from HEAD_C_CANDIDATES; experts with the embedding: its weight from EMBED_WEIGHTS;
    both: the contrast power from CONTRAST_POWERS)."""
    task, labels, domains, dev_sets = data.task, data.labels, data.domains, data.dev_sets
    clean, counts, embs = data.clean, data.counts, data.embs
    rows = {name: np.array([keep(r) for r in s["train"]], dtype=bool) for name, s in domains.items()}
    t1 = time.time()
    experts, chosen = [], {}
    for name, s in domains.items():
        idx = np.flatnonzero(rows[name])
        y = np.array([labels.index(s["train"][i]["label"]) for i in idx])
        emb = embs[name][idx] if name in embs else None
        gate_share = latin_share([clean[name][i] for i in idx]) if emb is not None else None
        hand = np.array([bool(s["train"][i].get("hand")) for i in idx])
        weight = np.ones(len(idx))
        if hand.any() and (~hand).any():
            # The few hand-written product comments (and corrections) would vanish among 100k movie
            # reviews: together they weigh HAND_SHARE of the dataset's rows, at least 1 each.
            weight[hand] = max(1.0, HAND_SHARE * (~hand).sum() / hand.sum())
        x_char = counts[name][idx]
        others = shared_rows(task, name, rows)
        if others:
            x_char = sp.vstack([x_char] + [counts[n][i] for n, i, _ in others], format="csr")
            y = np.concatenate(
                [y] + [[labels.index(domains[n]["train"][j]["label"]) for j in i] for n, i, _ in others]
            )
            if emb is not None:  # (an expert with the embedding learns only from such domains)
                emb = np.vstack([emb] + [embs[n][i] for n, i, _ in others])
                shares = [latin_share([clean[n][j] for j in i]) for n, i, _ in others]
                gate_share = np.vstack([gate_share, *shares])
            weight = np.concatenate([weight] + [np.full(len(i), w) for _, i, w in others])
        if given is not None:
            candidates = [(given[name]["C"], given[name]["embed_weight"], given[name]["contrast_power"])]
        elif len({r["label"] for r in dev_sets.get(name, [])}) < 2:
            # (The comments' dev rows are all ham: nothing to choose on.)
            candidates = [(HEAD_C[task], 1.0, 0.0)]
        elif emb is None:
            candidates = [(c, 1.0, pw) for c in HEAD_C_CANDIDATES[task] for pw in CONTRAST_POWERS[task]]
        else:
            candidates = [(HEAD_C[task], w, pw) for w in EMBED_WEIGHTS for pw in CONTRAST_POWERS[task]]
        fitted = {
            (c, w, pw): fit_expert(
                name,
                labels,
                x_char,
                y,
                emb,
                gate_share,
                c,
                max_iter=max_iter,
                sample_weight=weight,
                embed_weight=w,
                contrast_power=pw,
            ).rounded()
            for c, w, pw in candidates
        }
        best = candidates[0]
        if len(fitted) > 1:
            f1 = {key: round(own_dev_f1(data, e), 4) for key, e in fitted.items()}
            best = max(candidates, key=lambda key: (f1[key], key))
            log.info(
                "  %s: %s (C, embedding weight, contrast power) = %s; own dev macro-F1 %s",
                what,
                name,
                best,
                f1,
            )
        chosen[name] = {
            "C": best[0],
            "embed_weight": best[1] if emb is not None else 0.0,
            "contrast_power": best[2],
        }
        experts.append(fitted[best])
        log.info("  %s: expert %s: %d rows, %.0f s", what, name, len(y), time.time() - t1)
    return MixtureHead(config, experts, fit_gate(data, rows, seed, max_iter)), chosen


def fit_gate(data: TaskData, rows: dict[str, np.ndarray], seed: int, max_iter: int) -> Expert:
    """The gate: which domain a text resembles, from a balanced sample of every domain's kept training texts
    (at most GATE_ROWS a domain; each domain weighs the same, however many texts it has)."""
    rng = np.random.default_rng(seed)
    parts, gate_y, gate_w = [], [], []
    for i, name in enumerate(data.domains):
        idx = np.flatnonzero(rows[name])
        pick = np.sort(rng.permutation(idx)[: GATE_ROWS[data.task]])
        parts.append(data.counts[name][pick])
        gate_y.extend([i] * len(pick))
        gate_w.extend([1.0 / len(pick)] * len(pick))
    return fit_expert(
        "gate",
        list(data.domains),
        sp.vstack(parts, format="csr"),
        np.array(gate_y),
        None,
        None,
        GATE_C[data.task],
        max_iter=max_iter,
        sample_weight=np.array(gate_w) * len(gate_w) / len(data.domains),
    ).rounded()
