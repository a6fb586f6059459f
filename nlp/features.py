"""Features of the bundled default model: MiniLM sentence embedding + hashed character n-grams.

Everything here is deterministic and needs no training data at inference: the hashing vectorizer has no
vocabulary, and the only learned feature statistic (the IDF vector) ships with the model head.
"""

from __future__ import annotations

import json
import re
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


class CharFeatures:
    """Hashed char_wb 1–4-grams, sublinear tf, IDF-weighted, L2-normalised rows."""

    def __init__(
        self, n_features: int = 2**18, ngram_range: tuple[int, int] = (1, 4), idf: np.ndarray | None = None
    ) -> None:
        self.n_features = n_features
        self.ngram_range = tuple(ngram_range)
        self.idf = None if idf is None else np.asarray(idf, dtype=np.float32)
        # norm=None here: normalising happens after the sublinear tf and IDF weighting below.
        self.vectorizer = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=self.ngram_range,
            n_features=n_features,
            alternate_sign=False,
            norm=None,
            lowercase=True,
            dtype=np.float32,
        )

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.vectorizer.transform(texts).tocsr()

    def fit_idf(self, texts: Sequence[str], min_df: int = 2) -> np.ndarray:
        """Smoothed IDF from ``texts`` (as sklearn's TfidfTransformer); buckets seen in < min_df texts get 0.

        Zeroing rare buckets is the hashing analogue of TfidfVectorizer(min_df=2): n-grams the head never
        learned from would otherwise take the largest IDF weights and shrink, through the L2 norm, the
        features it did learn from.
        """
        x = self.counts(texts)
        df = np.bincount(x.indices, minlength=self.n_features).astype(np.float64)
        n = x.shape[0]
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        idf[df < min_df] = 0.0
        self.idf = idf.astype(np.float32)
        return self.idf

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        x = self.counts(texts)
        x.data = 1.0 + np.log(x.data)  # sublinear tf: a repeated n-gram should not dominate
        if self.idf is not None:
            x = (x @ sp.diags(self.idf)).tocsr()
            x.eliminate_zeros()
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ x, dtype=np.float32)


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


def combine(embeddings: np.ndarray, chars: sp.csr_matrix, embed_weight: float) -> sp.csr_matrix:
    """[weighted dense embedding | sparse char n-grams] as one CSR matrix."""
    dense = sp.csr_matrix(np.asarray(embeddings, dtype=np.float32) * embed_weight)
    return sp.hstack([dense, chars], format="csr", dtype=np.float32)
