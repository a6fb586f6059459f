"""The default model's head: per-domain experts mixed by a domain gate.

Each expert is a linear model over hashed character n-grams (with its own term weights:
IDF, times a class contrast for some experts; see nlp/features.py), plus, for Latin-script
domains, the MiniLM sentence embedding. A gate (the same kind of linear model, whose classes are the experts)
says how much each domain resembles the text, and the head's probabilities are the gate-weighted average
of the experts' probabilities:

    p(label | text) = sum over domains d of  gate(d | text) * expert_d(label | text)

One linear model for all domains loses several points on each domain (hotel reviews, Weibo posts and product
reviews call different things good or bad); a hard router would make every routing error a labelling error.
The soft mixture keeps each domain's own model and degrades gracefully on text unlike any of them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from nlp.features import hasher, latin_share, select_columns, shared_sublinear_counts, tfidf


@dataclass
class Expert:
    """One linear model: ``classes`` are its output names (labels for an expert, domains for the gate).

    It knows only the hash buckets (``cols``, sorted) seen in at least two of its training texts; a text's
    other n-grams weigh nothing, as words outside a vocabulary.
    """

    name: str
    classes: tuple[str, ...]
    cols: np.ndarray  # (m,) sorted bucket numbers
    idf: np.ndarray  # (m,) term weights: IDF, times the class contrast where the expert chose it
    coef_char: np.ndarray  # (k, m)
    intercept: np.ndarray  # (k,)
    coef_embed: np.ndarray | None = None  # (k, 384): only for domains where MiniLM helps
    embed_weight: float = 1.0

    def __post_init__(self) -> None:
        # (m, k) C-contiguous, so that the product below does not copy a transposed view on every call.
        self._coef_char_t = np.ascontiguousarray(self.coef_char.T)

    def logits(
        self, counts: sp.csr_matrix, embeddings: np.ndarray | None, gate: np.ndarray | None
    ) -> np.ndarray:
        x = tfidf(select_columns(counts, self.cols), self.idf)
        z = np.asarray(x @ self._coef_char_t) + self.intercept
        if self.coef_embed is not None and embeddings is not None:
            emb = embeddings * self.embed_weight
            if gate is not None:
                emb = emb * gate
            z = z + emb @ self.coef_embed.T
        return z

    def proba(
        self, counts: sp.csr_matrix, embeddings: np.ndarray | None, gate: np.ndarray | None
    ) -> np.ndarray:
        return softmax(self.logits(counts, embeddings, gate))

    def arrays(self) -> dict[str, np.ndarray]:
        # Sorted bucket numbers are stored as differences: small numbers, which compress far better.
        out = {
            "idx_diff": np.diff(self.cols, prepend=0).astype(np.int32),
            "idf": self.idf.astype(np.float16),
            "coef_char": self.coef_char.astype(np.float16),
            "intercept": self.intercept.astype(np.float32),
        }
        if self.coef_embed is not None:
            out["coef_embed"] = self.coef_embed.astype(np.float16)
        return out

    def meta(self) -> dict:
        return {
            "name": self.name,
            "classes": list(self.classes),
            "embed": self.coef_embed is not None,
            "embed_weight": self.embed_weight,
        }

    @classmethod
    def from_arrays(cls, meta: dict, arrays: dict[str, np.ndarray]) -> Expert:
        if "idx_diff" in arrays:
            cols = np.cumsum(arrays["idx_diff"].astype(np.int64))
        else:  # models up to 0.3 stored the bucket numbers themselves
            cols = arrays["idx"].astype(np.int64)
        embed = arrays.get("coef_embed")
        return cls(
            name=meta["name"],
            classes=tuple(meta["classes"]),
            cols=cols,
            idf=arrays["idf"].astype(np.float32),
            coef_char=arrays["coef_char"].astype(np.float32),
            intercept=arrays["intercept"].astype(np.float32),
            coef_embed=None if embed is None else embed.astype(np.float32),
            embed_weight=float(meta.get("embed_weight", 1.0)),
        )

    def rounded(self) -> Expert:
        """This expert with its weights rounded exactly as stored (float16), to score what ships."""
        return Expert.from_arrays(self.meta(), self.arrays())


def log_softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class MixtureHead:
    """Gate-weighted mixture of domain experts; ``proba(clean_texts, embeddings)`` like the linear head."""

    def __init__(self, config: dict, experts: list[Expert], gate: Expert) -> None:
        self.config = config
        self.labels = tuple(config["labels"])
        self.experts = experts
        self.gate = gate
        feats = config["features"]["char"]
        self.n_features = int(feats["n_features"])
        self.vectorizer = hasher(self.n_features, tuple(feats["ngram_range"]))
        self.temperature = float(config.get("temperature", 1.0))
        missing = [e.name for e in experts if e.name not in gate.classes]
        if missing:
            raise ValueError(f"the gate has no class for experts {missing}")
        self._gate_col = [gate.classes.index(e.name) for e in experts]
        self._label_cols = [[self.labels.index(c) for c in e.classes] for e in experts]
        self.set_top(config.get("finetuned_top"))

    def set_top(self, top: dict | None) -> None:
        """Use (or, with None, stop using) a fine-tuned top: ``{"expert", "alpha", "first_layer", "classes",
        "file"}``. Its log-probabilities, times alpha, join that expert's logits; the encoder computes them
        (``top_name`` in the classifier), the head only adds them."""
        self.top = top
        self._top_expert = [e.name for e in self.experts].index(top["expert"]) if top else -1
        if top:
            self.config["finetuned_top"] = top
        else:
            self.config.pop("finetuned_top", None)

    def needs_embedding(self, clean_texts: Sequence[str]) -> np.ndarray:
        """Per text, whether its embedding can change the result (not where the script gate is exactly 0)."""
        if not any(e.coef_embed is not None for e in [*self.experts, self.gate]):
            return np.zeros(len(clean_texts), dtype=bool)
        return latin_share(clean_texts)[:, 0] > 0

    def parts(
        self, clean_texts: Sequence[str], embeddings: np.ndarray, top_logits: np.ndarray | None = None
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """The gate's weights (n, experts) and each expert's probabilities over the task's labels.

        ``top_logits``: the fine-tuned top's logits over the expert's classes (rows of zeros, i.e. no
        opinion, for texts the encoder did not run on).
        """
        counts = shared_sublinear_counts(self.vectorizer, clean_texts)
        script_gate = latin_share(clean_texts)
        weights = self.gate.proba(counts, embeddings, script_gate)[:, self._gate_col]
        probs = []
        for i, (expert, cols) in enumerate(zip(self.experts, self._label_cols, strict=True)):
            z = expert.logits(counts, embeddings, script_gate)
            if i == self._top_expert and top_logits is not None and self.top:
                z = z + float(self.top["alpha"]) * log_softmax(top_logits)
            p = np.zeros((len(clean_texts), len(self.labels)), dtype=np.float64)
            p[:, cols] = softmax(z)
            probs.append(p)
        return weights, probs

    def mixture(
        self, clean_texts: Sequence[str], embeddings: np.ndarray, top_logits: np.ndarray | None = None
    ) -> np.ndarray:
        """Uncalibrated mixture probabilities."""
        weights, probs = self.parts(clean_texts, embeddings, top_logits)
        # A power above 1 sharpens the gate towards its most likely domain (chosen on dev).
        weights = weights ** float(self.config.get("gate_power", 1.0))
        weights = weights / weights.sum(axis=1, keepdims=True)
        return sum(weights[:, [i]] * p for i, p in enumerate(probs))  # type: ignore[return-value]

    def logits(
        self, clean_texts: Sequence[str], embeddings: np.ndarray, top_logits: np.ndarray | None = None
    ) -> np.ndarray:
        """Log-probabilities of the mixture (before temperature)."""
        return np.log(np.clip(self.mixture(clean_texts, embeddings, top_logits), 1e-12, None))

    def proba(
        self, clean_texts: Sequence[str], embeddings: np.ndarray, top_logits: np.ndarray | None = None
    ) -> np.ndarray:
        return softmax(self.logits(clean_texts, embeddings, top_logits) / self.temperature)

    def top_state(self, folder: Path, task: str) -> dict[str, np.ndarray] | None:
        """The fine-tuned top's weights (for ``MiniLMEncoder.add_top``), or None without one."""
        if not self.top:
            return None
        with np.load(folder / self.top["file"], allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}

    def save(self, folder: Path, task: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {}
        for expert in [*self.experts, self.gate]:
            prefix = "gate" if expert is self.gate else f"expert:{expert.name}"
            for key, value in expert.arrays().items():
                arrays[f"{prefix}/{key}"] = value
        config = dict(self.config)
        config["experts"] = [e.meta() for e in self.experts]
        config["gate"] = self.gate.meta()
        np.savez_compressed(folder / f"{task}.npz", **arrays)
        (folder / f"{task}.json").write_text(
            json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: Path, task: str) -> MixtureHead:
        config = json.loads((folder / f"{task}.json").read_text(encoding="utf-8"))
        with np.load(folder / f"{task}.npz", allow_pickle=False) as npz:
            grouped: dict[str, dict[str, np.ndarray]] = {}
            for key in npz.files:
                prefix, name = key.rsplit("/", 1)
                grouped.setdefault(prefix, {})[name] = npz[key]
        experts = [Expert.from_arrays(meta, grouped[f"expert:{meta['name']}"]) for meta in config["experts"]]
        gate = Expert.from_arrays(config["gate"], grouped["gate"])
        return cls(config, experts, gate)
