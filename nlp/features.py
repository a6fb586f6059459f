"""Features of the bundled default model: MiniLM sentence embedding + hashed character n-grams.

Everything here is deterministic and needs no training data at inference: the hashing vectorizer has no
vocabulary, and the only learned feature statistic (the IDF vector) ships with the model head.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

MAX_CHARS = 2000
DEFAULT_DIR = Path(__file__).resolve().parent / "models" / "default"

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"@[\w.\-]+", re.UNICODE)
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    # Traditional -> Simplified, one character at a time. The Chinese training data is Simplified only;
    # folding Traditional input onto it gives Taiwan/Hong Kong comments the same character n-grams.
    data = json.loads((DEFAULT_DIR / "t2s_chars.json").read_text(encoding="utf-8"))
    return str.maketrans(data["from"], data["to"])


def preprocess(text: str) -> str:
    """Clip, mask links and @mentions, fold Traditional to Simplified Chinese, collapse whitespace.

    Links and mentions are replaced by placeholders (as in TweetEval's own masking): the fact that a comment
    carries a link is a spam signal, the particular URL or handle is noise.
    """
    text = text[:MAX_CHARS]
    text = _INVISIBLE.sub("", text)
    text = _URL.sub(" http ", text)
    text = _MENTION.sub("@user", text)
    text = text.translate(_t2s_table())
    return _SPACES.sub(" ", text).strip()


# Hash space of the character n-grams: 2^31 - 1 buckets, so that two of the few million n-grams of our data
# almost never share one, and a text's unseen n-grams (weight 0) cannot land on a trained n-gram's weight,
# as they often did with 2^20 buckets. Only the buckets seen in training are stored.
N_FEATURES = 2**31 - 1
NGRAM_RANGE = (1, 4)


def hasher(n_features: int = N_FEATURES, ngram_range: tuple[int, int] = NGRAM_RANGE):  # type: ignore[no-untyped-def]
    """Character n-gram counts of word-bounded grams; no vocabulary, so nothing to ship but the weights."""
    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=tuple(ngram_range),
        n_features=n_features,
        alternate_sign=False,
        norm=None,
        lowercase=True,
        dtype=np.float32,
    )


def sublinear_counts(vectorizer, clean_texts: Sequence[str]) -> sp.csr_matrix:  # type: ignore[no-untyped-def]
    """Hashed counts with sublinear tf (1 + log tf): a repeated n-gram should not dominate."""
    x = vectorizer.transform(clean_texts).tocsr()
    x.data = 1.0 + np.log(x.data)
    return x


_counts_lock = threading.Lock()
_counts_memo: tuple[tuple[object, ...], sp.csr_matrix] | None = None


def shared_sublinear_counts(vectorizer, clean_texts: Sequence[str]) -> sp.csr_matrix:  # type: ignore[no-untyped-def]
    """``sublinear_counts``, remembering the last call: the label worker's sentiment and spam heads hash
    the same texts with the same settings one after the other, and this way they are hashed once."""
    global _counts_memo
    key = (vectorizer.analyzer, vectorizer.n_features, tuple(vectorizer.ngram_range), tuple(clean_texts))
    with _counts_lock:
        if _counts_memo is not None and _counts_memo[0] == key:
            return _counts_memo[1].copy()
    counts = sublinear_counts(vectorizer, clean_texts)
    with _counts_lock:
        _counts_memo = (key, counts)
    return counts.copy()


def fit_idf(counts: sp.csr_matrix, min_df: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """The columns in at least ``min_df`` texts (sorted) and their smoothed IDF (as sklearn's
    TfidfTransformer). Only these columns are kept: everything else weighs 0, as out of a vocabulary."""
    cols, df = np.unique(counts.indices, return_counts=True)
    kept = df >= min_df
    idf = np.log((1.0 + counts.shape[0]) / (1.0 + df[kept])) + 1.0
    return cols[kept].astype(np.int64), idf.astype(np.float32)


def class_contrast(
    counts: sp.csr_matrix, y: np.ndarray, weight: np.ndarray | None = None, power: float = 0.5
) -> np.ndarray:
    """Per column, how unevenly the classes use it, to the power ``power``: a supervised term weight that
    multiplies the IDF (as in NB-weighted logistic regression, Wang & Manning 2012).

    For each class c, P(column | c) is the (smoothed, row-weighted) share of the class's n-gram occurrences,
    counting an n-gram once per text; the weight is the class-prior-weighted standard deviation of
    log P(column | c) across classes. For two classes it is proportional to the naive-Bayes log-count ratio
    |log P(column | a) / P(column | b)|. A class with few rows (the hand-written neutral ones) weighs by its
    prior, so its noisy estimates move nothing much.
    """
    present = counts.copy()
    present.data = np.ones_like(present.data)
    w = np.ones(counts.shape[0]) if weight is None else np.asarray(weight, dtype=np.float64)
    logp, prior = [], []
    for c in np.unique(y):
        rows = y == c
        n = np.asarray(present[rows].T @ w[rows]).ravel() + 1.0
        logp.append(np.log(n / n.sum()))
        prior.append(w[rows].sum())
    logp_arr, prior_arr = np.array(logp), np.array(prior) / np.sum(prior)
    spread = np.sqrt(prior_arr @ (logp_arr - prior_arr @ logp_arr) ** 2)
    return (spread**power).astype(np.float32)


def select_columns(counts: sp.csr_matrix, cols: np.ndarray) -> sp.csr_matrix:
    """``counts`` restricted to the sorted columns ``cols``, renumbered 0..len(cols)-1 (others dropped)."""
    ind = counts.indices.astype(np.int64)
    pos = np.searchsorted(cols, ind)
    pos[pos >= len(cols)] = 0
    hit = (cols[pos] == ind) if len(cols) else np.zeros(len(ind), dtype=bool)
    row = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    indptr = np.zeros(counts.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(row[hit], minlength=counts.shape[0]), out=indptr[1:])
    return sp.csr_matrix(
        (counts.data[hit], pos[hit].astype(np.int32), indptr), shape=(counts.shape[0], len(cols))
    )


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """IDF-weighted, L2-normalised rows."""
    # In place on a copy of the CSR arrays: no (n_features x n_features) diagonal matrix per call.
    x = sp.csr_matrix(counts, dtype=np.float32, copy=True)
    x.data *= idf[x.indices]
    row_nnz = np.diff(x.indptr)
    rows = np.repeat(np.arange(x.shape[0]), row_nnz)
    norms = np.sqrt(np.bincount(rows, weights=x.data.astype(np.float64) ** 2, minlength=x.shape[0]))
    norms[norms == 0] = 1.0
    x.data /= np.repeat(norms, row_nnz).astype(np.float32)
    return x


class CharFeatures:
    """Hashed char_wb n-grams, sublinear tf, IDF-weighted (when an IDF is given), L2-normalised rows: the
    character features of a single linear head (models before the mixture)."""

    def __init__(
        self, n_features: int = 2**18, ngram_range: tuple[int, int] = (1, 4), idf: np.ndarray | None = None
    ) -> None:
        self.n_features = n_features
        self.ngram_range = tuple(ngram_range)
        self.idf = None if idf is None else np.asarray(idf, dtype=np.float32)
        self.vectorizer = hasher(n_features, self.ngram_range)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        idf = self.idf if self.idf is not None else np.ones(self.n_features, dtype=np.float32)
        return tfidf(sublinear_counts(self.vectorizer, texts), idf)


def latin_share(clean_texts: Sequence[str]) -> np.ndarray:
    """Per text, the share of its letters that are Latin (1.0 when it has none), shape (n, 1).

    The embedding is multiplied by this: MiniLM's vocabulary is English, so for Korean (jamo) and Chinese
    (mostly [UNK]) its embedding is noise that cost those languages dev F1, while for Latin-script text it
    adds what character n-grams miss.
    """
    from nlp.lang import _script_counts

    out = np.ones((len(clean_texts), 1), dtype=np.float32)
    for i, text in enumerate(clean_texts):
        counts = _script_counts(text)
        total = sum(counts.values())
        if total:
            out[i, 0] = counts.get("latin", 0) / total
    return out
