"""Comment classifiers: sentiment (negative/neutral/positive) and spam (spam/ham).

``load_classifier(task)`` gives the bundled default shipped in ``nlp/models/default``: the fine-tuned
multilingual e5 (``nlp/e5_model.py``) blended per language with the previous default, per-domain character
n-gram experts mixed by a domain gate with MiniLM for Latin-script text (``nlp/mixture.py``; "moe").
``load_classifier(task, "org/model" or "/local/folder")`` gives any
Hugging Face sequence-classification model, its labels mapped onto ours through ``map_id2label``.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Before transformers is imported anywhere: models load from local files or the local cache only.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from nlp.blend_math import blend_log_probs, lang_group, sigmoid  # noqa: E402
from nlp.encoder import (  # noqa: E402
    EMBED_DIM,
    MAX_CHARS,
    MAX_TOKENS,
    get_encoder,
    pick_device,
    precision_context,
    prepare_model,
    quiet_transformers,
    resolve_precision,
)
from nlp.features import DEFAULT_DIR, CharFeatures, latin_share, preprocess  # noqa: E402
from nlp.labels import NEUTRAL_HEAD, TASK_LABELS, map_id2label  # noqa: E402
from nlp.mixture import MixtureHead, softmax  # noqa: E402


@dataclass(frozen=True)
class Prediction:
    """One text's label, the probability of that label, and the probabilities of all the task's labels."""

    label: str
    score: float
    probs: dict[str, float]


class TextClassifier(ABC):
    """A loaded classifier for one task; ``predict`` keeps the input order."""

    task: str
    model_id: str
    version: str
    labels: tuple[str, ...]

    @abstractmethod
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (len(texts), len(self.labels)), rows in input order."""

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Label every text; the result is in input order."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        if not texts:
            return []
        probs = self.predict_proba(texts)
        out = []
        for row in probs:
            best = int(np.argmax(row))
            out.append(
                Prediction(
                    label=self.labels[best],
                    score=float(row[best]),
                    probs={lab: float(p) for lab, p in zip(self.labels, row, strict=True)},
                )
            )
        return out

    def __repr__(self) -> str:
        return f"<{type(self).__name__} task={self.task} model={self.model_id} version={self.version}>"


class LinearHead:
    """The shipped head of the default model: weights + feature settings, no training data needed."""

    def __init__(self, config: dict, arrays: dict[str, np.ndarray]) -> None:
        self.config = config
        self.labels = tuple(config["labels"])
        feats = config["features"]
        self.embed_weight = float(feats["embed_weight"])
        self.embed_gate = feats.get("embed_gate")
        self.chars = CharFeatures(
            n_features=int(feats["char"]["n_features"]),
            ngram_range=tuple(feats["char"]["ngram_range"]),
            idf=arrays["idf"].astype(np.float32),
        )
        self.coef_embed = arrays["coef_embed"].astype(np.float32)  # (k, 384)
        self.coef_char = arrays["coef_char"].astype(np.float32)  # (k, n_features)
        self.intercept = arrays["intercept"].astype(np.float32)  # (k,)
        self.temperature = float(config.get("temperature", 1.0))

    @classmethod
    def load(cls, folder: Path, task: str) -> LinearHead:
        config = json.loads((folder / f"{task}.json").read_text(encoding="utf-8"))
        with np.load(folder / f"{task}.npz", allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        return cls(config, arrays)

    def needs_embedding(self, clean_texts: Sequence[str]) -> np.ndarray:
        """Per text, whether its embedding can change the logits (False where the gate is exactly 0)."""
        if self.embed_weight == 0:
            return np.zeros(len(clean_texts), dtype=bool)
        if self.embed_gate == "latin_share":
            return latin_share(clean_texts)[:, 0] > 0
        return np.ones(len(clean_texts), dtype=bool)

    def logits(self, clean_texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """Raw scores from preprocessed texts and their MiniLM embeddings (before temperature)."""
        chars = self.chars.transform(clean_texts)
        emb = embeddings * self.embed_weight
        if self.embed_gate == "latin_share":
            emb = emb * latin_share(clean_texts)
        return np.asarray(chars @ self.coef_char.T) + emb @ self.coef_embed.T + self.intercept

    def proba(self, clean_texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        return softmax(self.logits(clean_texts, embeddings) / self.temperature)


def load_head(folder: Path, task: str) -> LinearHead | MixtureHead:
    """The task's shipped head: a mixture of domain experts, or (older models) one linear head."""
    config = json.loads((folder / f"{task}.json").read_text(encoding="utf-8"))
    if config.get("head", {}).get("type") == "mixture":
        return MixtureHead.load(folder, task)
    return LinearHead.load(folder, task)


class DefaultClassifier(TextClassifier):
    """The bundled model: the shared MiniLM encoder (and any fine-tuned top layer) + this task's head."""

    def __init__(
        self,
        task: str,
        folder: Path = DEFAULT_DIR,
        *,
        batch_size: int = 64,
        device: str | None = None,
        precision: str | None = None,
    ) -> None:
        self.task = task
        self.head = load_head(folder, task)
        self.labels = self.head.labels
        self.version = str(self.head.config["version"])
        self.model_id = str(self.head.config.get("model_id", "brandpulse-default"))
        self.batch_size = batch_size
        self.encoder = get_encoder(device, precision)  # shared across tasks within the process
        # A fine-tuned copy of MiniLM's top layer(s) runs beside the shared encoder, on the same lower layers.
        self.top_name: str | None = None
        if isinstance(self.head, MixtureHead) and self.head.top:
            state = self.head.top_state(folder, task)
            self.top_name = f"{task}:{folder}"
            if state is not None:
                self.encoder.add_top(
                    self.top_name, int(self.head.top["first_layer"]), state, len(self.head.top["classes"])
                )

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        clean = [preprocess(t) for t in texts]
        # MiniLM runs only on texts whose gated embedding is not multiplied by 0 (Korean or Chinese text has
        # no Latin letters): the logits are the same, and most of the time goes into MiniLM.
        emb = np.zeros((len(clean), EMBED_DIM), dtype=np.float32)
        need = np.flatnonzero(self.head.needs_embedding(clean))
        top_logits = None
        if self.top_name is not None and isinstance(self.head, MixtureHead) and self.head.top:
            top_logits = np.zeros((len(clean), len(self.head.top["classes"])), dtype=np.float32)
        if len(need):
            emb[need], extras = self.encoder.encode_shared_with_tops(
                [clean[i] for i in need], batch_size=self.batch_size
            )
            if top_logits is not None:
                top_logits[need] = extras[self.top_name]
        probs = (
            self.head.proba(clean, emb, top_logits)
            if isinstance(self.head, MixtureHead)
            else self.head.proba(clean, emb)
        )
        empty_label = self.head.config.get("empty_text_label")
        if empty_label in self.labels:
            empty_text_is(empty_label, clean, self.labels, probs)
        return probs


def empty_text_is(label: str, clean: Sequence[str], labels: Sequence[str], probs: np.ndarray) -> None:
    """Rows of texts with nothing left after preprocessing (empty, whitespace, invisible characters) become
    ``label`` with certainty, in place: no evidence at all, and a model would answer with whatever the
    encoding of "" happens to be near (spam, 0.7)."""
    for i, text in enumerate(clean):
        if not text:
            probs[i] = 0.0
            probs[i, labels.index(label)] = 1.0


class E5Classifier(TextClassifier):
    """The bundled fine-tuned multilingual-e5-small (``nlp/e5_model.py``); both tasks share a forward pass."""

    def __init__(
        self,
        task: str,
        folder: Path = DEFAULT_DIR,
        *,
        batch_size: int = 64,
        device: str | None = None,
        precision: str | None = None,
    ) -> None:
        from nlp.e5_model import get_runner

        self.task = task
        self.runner = get_runner(folder, device, precision)
        config = self.runner.config
        self.labels = tuple(config["tasks"][task]["labels"])
        self.version = str(config["version"])
        self.model_id = str(config.get("model_id", "brandpulse-e5"))
        self.precision = self.runner.precision
        self.temperature = self.runner.temperature[task]
        self.batch_size = batch_size

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.proba_and_logits(texts)[0]

    def proba_and_logits(self, texts: Sequence[str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The task's probabilities and the forward pass's raw logits of every head (the blend's neutral
        head included), from one pass."""
        clean = [preprocess(t) for t in texts]
        logits = self.runner.logits(clean, self.batch_size)
        probs = softmax(logits[self.task] / self.temperature)
        empty_text_is(EMPTY_TEXT_LABEL[self.task], clean, self.labels, probs)
        return probs, logits


class BlendClassifier(TextClassifier):
    """The bundled default: the fine-tuned e5 and the previous default (``moe``) mixed per language group,

        log p = w · log p_e5 + (1 − w) · log p_moe, renormalised, then divided by a temperature,

    with w per language group (en, ko, zh, vi, other) and the temperature chosen on dev (``e5.json``,
    ``blend``), plus a per-group log-prior shift where dev chose one (``nlp.training.label_offsets``). In
    the groups of ``blend.polarity_only`` p(neutral) is the neutral head's (a logistic head on e5's pooled
    output, and the lower layers' beside it, that learned "neutral or not" from the 3-class sets and
    hand-written brand comments, with a bias per group; ``nlp.training.neutral_head``), or e5's where the
    files have no such head or no bias for the group. The character experts of ``moe`` know their in-domain
    sets (movie reviews, shopping, Weibo) better; e5 reads every language and carries over to domains
    without training data (see the model card).
    """

    def __init__(
        self,
        task: str,
        folder: Path = DEFAULT_DIR,
        *,
        batch_size: int = 64,
        device: str | None = None,
        precision: str | None = None,
        moe: TextClassifier | None = None,
    ) -> None:
        self.e5 = E5Classifier(task, folder, batch_size=batch_size, device=device, precision=precision)
        # moe: given (a training run blends the shipped one), the shipped one, or the folder's own.
        self.moe = moe or (
            load_classifier(task, "moe", batch_size=batch_size, device=device, precision=precision)
            if folder == DEFAULT_DIR
            else DefaultClassifier(task, folder, batch_size=batch_size, device=device, precision=precision)
        )
        if self.e5.labels != self.moe.labels:
            raise ValueError(f"e5 labels {self.e5.labels} differ from moe labels {self.moe.labels}")
        # Files trained without a blend (``--quick``, ``--no-blend``) give e5 alone: every weight 1.
        blend = self.e5.runner.config.get("blend", {}).get(task, {"weights": {}})
        self.weights: dict[str, float] = {g: float(w) for g, w in blend["weights"].items()}
        self.temperature = float(blend.get("temperature", 1.0))
        self.polarity_only = set(blend.get("polarity_only", []))
        # The head's bias per polarity-only group (files of the first head had one bias for all of them).
        head = blend.get("neutral_head")
        bias = head["bias"] if head else {}
        self.neutral_bias: dict[str, float] = (
            {g: float(b) for g, b in bias.items()}
            if isinstance(bias, dict)
            else {g: float(bias) for g in self.polarity_only}
        )
        # A log-prior shift per group, chosen on dev after the head (nlp.training.label_offsets).
        self.label_offsets: dict[str, np.ndarray] = {
            g: np.array(o, dtype=float) for g, o in blend.get("label_offsets", {}).get("by_group", {}).items()
        }
        self.task = task
        self.labels = self.e5.labels
        self.version = f"{self.e5.version}+{self.moe.version}"
        self.model_id = "brandpulse-e5-moe"
        self.precision = self.e5.precision

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        from nlp.lang import detect_language

        groups = [lang_group(detect_language(t)) for t in texts]
        p_e5, logits = self.e5.proba_and_logits(texts)
        head = logits[NEUTRAL_HEAD][:, 0] if NEUTRAL_HEAD in logits else None
        return self.combine(p_e5, self.moe.predict_proba(texts), groups, head)

    def combine(
        self, p_e5: np.ndarray, p_moe: np.ndarray, groups: Sequence[str], head_logit: np.ndarray | None
    ) -> np.ndarray:
        """The blend's probabilities from its parts: e5's and moe's probabilities (rows × labels), each row's
        language group, and the neutral head's raw logit per row (None: the files have no head)."""
        w = np.array([self.weights.get(g, 1.0) for g in groups])[:, None]
        neutral = self.labels.index("neutral") if "neutral" in self.labels else None
        polarity_only = np.array([g in self.polarity_only for g in groups], dtype=bool)
        p_neutral = None
        if self.neutral_bias and head_logit is not None:
            p_neutral = sigmoid(head_logit + np.array([self.neutral_bias.get(g, np.nan) for g in groups]))
        log_e5, log_moe = np.log(np.clip(p_e5, 1e-6, 1.0)), np.log(np.clip(p_moe, 1e-6, 1.0))
        z = blend_log_probs(log_e5, log_moe, w, polarity_only, neutral, p_neutral) / self.temperature
        if self.label_offsets:
            none = np.zeros(len(self.labels))
            z = z + np.array([self.label_offsets.get(g, none) for g in groups])
        return softmax(z)


class HFClassifier(TextClassifier):
    """Any Hugging Face sequence-classification model; its labels are mapped onto the task's labels."""

    def __init__(
        self,
        task: str,
        model: str,
        *,
        batch_size: int = 64,
        device: str | None = None,
        label_mapping: dict[str, str] | None = None,
        precision: str | None = None,
    ) -> None:
        import torch
        from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer

        self.task = task
        self.labels = TASK_LABELS[task]
        try:
            config = AutoConfig.from_pretrained(model)
        except OSError as exc:
            raise OSError(
                f"cannot load model {model!r}: not a local model folder and not in the local Hugging Face "
                f"cache (downloads from the hub are off here: HF_HUB_OFFLINE=1). {exc}"
            ) from exc
        # Map labels before loading weights, so a model we cannot use fails fast with a clear message.
        self.id2ours = map_id2label({int(k): v for k, v in config.id2label.items()}, task, label_mapping)
        self.device = pick_device(device)
        with quiet_transformers():
            self.tokenizer = AutoTokenizer.from_pretrained(model)
            hf_model = AutoModelForSequenceClassification.from_pretrained(model)
        # A user's model runs in fp32 on CPU unless asked otherwise (the accuracy cost of bf16 or int8 on it
        # is unmeasured), in fp16 on CUDA. The environment still wins.
        default = "auto" if self.device.startswith("cuda") else "fp32"
        self.precision = resolve_precision(precision or default, self.device)
        self.model = prepare_model(hf_model, self.precision, self.device)
        self.batch_size = batch_size
        self.model_id = model
        self.version = _hf_version(model, config)
        self._torch = torch
        # Column index in our label order for each model output; several outputs may sum into one label
        # ("1 star" and "2 stars" are both negative), and labels the model lacks keep probability 0.
        self._index = np.array([self.labels.index(self.id2ours[i]) for i in range(len(self.id2ours))])

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        torch = self._torch
        clipped = [t[:MAX_CHARS] for t in texts]
        enc = self.tokenizer(clipped, truncation=True, max_length=MAX_TOKENS)
        ids = enc["input_ids"]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float64)
        pad = self.tokenizer.pad_token_id or 0
        has_types = "token_type_ids" in enc
        with torch.inference_mode(), precision_context(self.precision, self.device):
            for start in range(0, len(order), self.batch_size):
                batch = order[start : start + self.batch_size]
                width = max(len(ids[i]) for i in batch)
                input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, i in enumerate(batch):
                    input_ids[row, : len(ids[i])] = torch.tensor(ids[i])
                    mask[row, : len(ids[i])] = 1
                kwargs = {"input_ids": input_ids.to(self.device), "attention_mask": mask.to(self.device)}
                if has_types:
                    kwargs["token_type_ids"] = torch.zeros_like(input_ids).to(self.device)
                logits = self.model(**kwargs).logits.float()
                if logits.shape[-1] == 1:  # a single-logit binary head: sigmoid, not softmax
                    p1 = torch.sigmoid(logits)
                    probs = torch.cat([1 - p1, p1], dim=-1)
                else:
                    probs = torch.softmax(logits, dim=-1)
                probs_np = probs.cpu().numpy()
                for row, i in enumerate(batch):
                    np.add.at(out[i], self._index, probs_np[row])
        return out


def _hf_version(model: str, config: object) -> str:
    commit = getattr(config, "_commit_hash", None)
    if commit:
        return str(commit)[:12]
    cfg = Path(model) / "config.json"
    if cfg.is_file():
        return "local-" + hashlib.sha1(cfg.read_bytes()).hexdigest()[:12]
    return "unknown"


# Names of the bundled models: the fine-tuned multilingual e5 (the default) and the previous default, the
# character-expert mixture with MiniLM (faster, weaker on brand comments; kept for users who need raw speed).
BUNDLED_ALIASES = {
    "default": "default",
    "blend": "blend",
    "e5": "e5",
    "bp-e5-small-ft": "e5",
    "moe": "moe",
    "previous": "moe",
    "bp-moe-char-minilm-0.6": "moe",
}
EMPTY_TEXT_LABEL = {"sentiment": "neutral", "spam": "ham"}
_CLASSES: dict[str, type[DefaultClassifier | E5Classifier | BlendClassifier]] = {
    "blend": BlendClassifier,
    "e5": E5Classifier,
    "moe": DefaultClassifier,
}

_cache: dict[tuple, TextClassifier] = {}
_cache_lock = threading.RLock()  # re-entered: the blend loads its "moe" half through load_classifier


def load_classifier(
    task: str,
    model: str | None = None,
    *,
    batch_size: int = 64,
    device: str | None = None,
    label_mapping: dict[str, str] | None = None,
    precision: str | None = None,
) -> TextClassifier:
    """A classifier for ``task`` ("sentiment" or "spam").

    ``model`` None or "default" (or "blend"): the bundled default, the fine-tuned multilingual e5 blended per
    language with the previous default; "e5": the fine-tuned e5 alone; "moe" (or "previous",
    "bp-moe-char-minilm-0.6"): the previous default, character experts + MiniLM (the fastest). Otherwise
    a Hugging Face model id (from the local cache only: hub downloads are off) or a local folder; its
    ``config.id2label`` is mapped onto the task's labels (``label_mapping`` for generic names like LABEL_0),
    and a label set that cannot be mapped raises LabelMappingError here, at load time.

    ``precision`` ("auto", "fp32", "bf16" or "int8"; ``BRANDPULSE_PRECISION`` overrides it, see
    ``nlp.encoder.resolve_precision``). None: "auto" for the bundled model, "fp32" for a Hugging Face model
    (fp16 for both on CUDA).
    """
    if task not in TASK_LABELS:
        raise ValueError(f"unknown task {task!r}; expected one of {sorted(TASK_LABELS)}")
    name = BUNDLED_ALIASES.get(model or "default")
    if name is not None:
        if name == "default":
            name = "blend" if (DEFAULT_DIR / "e5.json").is_file() else "moe"
        key: tuple = (task, name, batch_size, device, resolve_precision(precision, pick_device(device)))
        with _cache_lock:
            if key not in _cache:
                _cache[key] = _CLASSES[name](task, batch_size=batch_size, device=device, precision=precision)
            return _cache[key]
    return HFClassifier(
        task,
        str(model),
        batch_size=batch_size,
        device=device,
        label_mapping=label_mapping,
        precision=precision,
    )
