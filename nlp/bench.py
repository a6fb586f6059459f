"""``brandpulse bench``: texts per second of the label path against a naive ``transformers.pipeline`` loop.

Both sides run in one process, on the same machine state, over the same fixed corpus (``nlp.bench_corpus``),
with the same model weights and the same torch thread count; model loading and a short warm-up are not timed.

- **worker**: exactly what the label worker (``ui/jobs/label.py``) computes per text, on texts in memory:
  ``nlp.labeling.label_texts`` over batches of ``chunk_size`` texts (the worker's rows per database batch):
  language id, sentiment and spam. Each classifier sorts a batch by token length and runs the model on up to
  ``batch_size`` texts at a time (the bundled encoder: at most ``TOKEN_BUDGET`` tokens a batch) under
  ``torch.inference_mode()`` at the configured precision. Reading and writing the database is not included
  (``benchmarks/bench_label.py`` times the whole ``brandpulse label``).
- **naive**: one text at a time, as a first script with ``transformers.pipeline`` would do it, fp32 (the
  pipeline's default). Bundled model: language id, the model's own preprocessing, then
  ``pipeline("feature-extraction")`` on MiniLM's folder, mean pooling + L2 norm, and the sentiment and spam
  heads (character n-grams + linear) on that one text; MiniLM runs once per text for both tasks (a naive loop
  running it twice would be slower still). A Hugging Face model (``model``): language id and
  ``pipeline("text-classification", top_k=None)`` per text, for ``task`` only (the worker side then runs
  the same single task). The naive side may be timed on the first ``naive_n`` texts only: it is slow.

The labels of both sides are compared on the naive subset (``agreement``): near 1.0 shows both do the same
work (exactly 1.0 at ``precision="fp32"`` on the bundled model, up to ties).
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from nlp.bench_corpus import bench_corpus
from nlp.blend_math import lang_group
from nlp.classifier import (
    BUNDLED_ALIASES,
    EMPTY_TEXT_LABEL,
    BlendClassifier,
    DefaultClassifier,
    E5Classifier,
    HFClassifier,
    TextClassifier,
    load_classifier,
)
from nlp.e5_model import E5_TOKEN_BUDGET
from nlp.encoder import TOKEN_BUDGET
from nlp.features import DEFAULT_DIR, preprocess
from nlp.labeling import label_texts
from nlp.labels import NEUTRAL_HEAD
from nlp.lang import detect_language

WORKER_DESCRIPTION = (
    "nlp.labeling.label_texts (what ui/jobs/label.py runs per database batch) over batches of {chunk} texts: "
    "language id + {tasks}; each classifier sorts by token length, model batches of up to {batch} texts "
    "(bundled encoders: up to {budget} tokens), "
    "torch.inference_mode, precision {precision}; no database reads or writes"
)
NAIVE_DESCRIPTION = {
    "default": (
        "per text: language id, preprocess, pipeline('feature-extraction') on the MiniLM folder (fp32), "
        "mean pooling + L2 norm, then the sentiment and spam heads on that text (MiniLM once for both tasks)"
    ),
    "default_tops": (
        "per text: language id, preprocess, pipeline('feature-extraction') on the MiniLM folder (fp32), "
        "mean pooling + L2 norm, the fine-tuned top layer on the pipeline model's layer below (a forward "
        "hook), then the sentiment and spam heads on that text (MiniLM once for both tasks)"
    ),
    "e5": (
        "per text: language id, preprocess, pipeline('feature-extraction') on a BertModel of e5's "
        "embeddings, its frozen lower layers and the fine-tuned top layers (fp32), mean pooling, then the "
        "sentiment and spam heads (the encoder once for both tasks)"
    ),
    "blend": "per text: language id; e5: {e5}; moe: {moe}; mixed with the weight of the text's language",
    "hf": "per text: language id, pipeline('text-classification', top_k=None) (fp32), {tasks}",
}


@dataclass
class BenchResult:
    """One run of ``run_bench``; ``to_dict`` gives the JSON ``brandpulse bench --json`` prints."""

    naive_texts_per_s: float
    worker_texts_per_s: float
    ratio: float
    peak_rss_mb: float
    worker_peak_rss_mb: float
    n: int
    naive_n: int
    naive_seconds: float
    worker_seconds: float
    model: str
    tasks: list[str]
    precision: str
    threads: int
    batch_size: int
    chunk_size: int
    agreement: dict[str, float]
    load_avg_start: list[float]
    load_avg_end: list[float]
    worker: str
    naive: str
    timing: dict[str, float] = field(default_factory=dict)
    model_version: str = ""
    previous_texts_per_s: float | None = None  # the previous default's worker path, same texts, same run
    previous: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def _load_avg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else []


class NaiveDefault:
    """The bundled model the naive way: a feature-extraction pipeline per text, then both heads.

    A fine-tuned copy of MiniLM's top layer(s) takes the pipeline model's hidden states from the layer below
    through a forward hook, so MiniLM still runs once per text.
    """

    def __init__(self, sentiment: DefaultClassifier, spam: DefaultClassifier) -> None:
        from transformers import pipeline

        from nlp.encoder import build_top, encoder_path, quiet_transformers
        from nlp.mixture import MixtureHead

        self.heads = {"sentiment": sentiment.head, "spam": spam.head}
        with quiet_transformers():
            self.pipe = pipeline("feature-extraction", model=str(encoder_path()), device="cpu")
        # A fine-tuned copy of MiniLM's top layer(s): the pipeline's model hands it the output of the layer
        # below through a forward hook, so MiniLM still runs once per text, inside the pipeline call.
        self.tops: dict[str, tuple[object, object]] = {}
        self._below: list = []
        for task, head in self.heads.items():
            if isinstance(head, MixtureHead) and head.top:
                state = head.top_state(DEFAULT_DIR, task)
                first = int(head.top["first_layer"])
                layers = self.pipe.model.encoder.layer
                module = build_top(
                    self.pipe.model.config, len(layers) - first, state, len(head.top["classes"])
                )
                self.tops[task] = (module["layers"], module["head"])
                if not self._below:
                    layers[first - 1].register_forward_hook(lambda _m, _i, out: self._below.append(out))
        self.description = NAIVE_DESCRIPTION["default_tops" if self.tops else "default"]

    def _top_logits(self, task: str) -> np.ndarray:
        import torch

        from nlp.encoder import run_layers

        layers, head = self.tops[task]
        out = self._below[-1]
        with torch.inference_mode():  # one text, no padding: no attention mask
            h = run_layers(layers, out[0] if isinstance(out, tuple) else out)
            return head(h.float().mean(1)).numpy()  # type: ignore[operator]

    def label(self, text: str) -> dict[str, str]:
        detect_language(text)
        probs = self.probs(text)
        return {t: clf.labels[int(np.argmax(probs[t]))] for t, clf in self.heads.items()}

    def probs(self, text: str) -> dict[str, np.ndarray]:
        """Per task, the probabilities of one text (the model's preprocessing included)."""
        clean = preprocess(text)
        self._below.clear()
        hidden = self.pipe(clean, truncation=True, tokenize_kwargs={"max_length": 128}, return_tensors=True)
        emb = hidden[0].float().mean(0).numpy()
        emb = (emb / max(float(np.linalg.norm(emb)), 1e-12))[None, :]
        out = {}
        for task, head in self.heads.items():
            if task in self.tops:
                # As the worker: no MiniLM opinion on a text whose script gate is 0 (no Latin letters).
                n_out = len(head.top["classes"])  # type: ignore[union-attr]
                latin = head.needs_embedding([clean])[0]
                top = self._top_logits(task) if latin else np.zeros((1, n_out), np.float32)
                probs = head.proba([clean], emb, top)[0]  # type: ignore[call-arg]
            else:
                probs = head.proba([clean], emb)[0]
            empty_label = head.config.get("empty_text_label")
            if not clean and empty_label:
                probs = (np.array(head.labels) == empty_label).astype(np.float64)
            out[task] = probs
        return out


class NaiveE5:
    """The fine-tuned e5 the naive way: a feature-extraction pipeline per text (fp32), then both heads.

    The pipeline's model is a ``BertModel`` made of the base's embeddings and lower layers and the fine-tuned
    top layers (shared, not copied), so it computes exactly the classifier's function, one text at a time.
    """

    def __init__(self, sentiment: E5Classifier, spam: E5Classifier) -> None:
        import torch
        from transformers import BertModel, pipeline

        from nlp.e5 import load_e5
        from nlp.encoder import quiet_transformers

        tokenizer, base = load_e5()
        self.runner = sentiment.runner
        top = self.runner.top
        with torch.device("meta"):
            model = BertModel(base.config, add_pooling_layer=False)
        model.embeddings = base.embeddings
        model.encoder.layer = torch.nn.ModuleList([*base.encoder.layer[: top.first_layer], *top.layers])
        self.heads = {"sentiment": sentiment, "spam": spam}
        # The lower layers' output, which the neutral head may read beside the pooled output.
        self._lower: list[Any] = []
        model.encoder.layer[top.first_layer - 1].register_forward_hook(
            lambda _m, _i, out: self._lower.append(out[0] if isinstance(out, tuple) else out)
        )
        with quiet_transformers():
            self.pipe = pipeline("feature-extraction", model=model.eval(), tokenizer=tokenizer, device="cpu")
        self.description = NAIVE_DESCRIPTION["e5"]

    def label(self, text: str) -> dict[str, str]:
        detect_language(text)
        probs = self.probs(text)
        return {t: clf.labels[int(np.argmax(probs[t]))] for t, clf in self.heads.items()}

    def probs(self, text: str) -> dict[str, np.ndarray]:
        """Per task, the probabilities of one text (preprocessing, prefix and temperature included)."""
        import torch

        from nlp.e5_model import E5_MAX_TOKENS, PREFIX

        clean = preprocess(text)
        self._lower.clear()
        hidden = self.pipe(
            PREFIX + clean,
            truncation=True,
            tokenize_kwargs={"max_length": E5_MAX_TOKENS},
            return_tensors=True,
        )
        pooled = hidden[0].float().mean(0, keepdim=True)
        out = {}
        with torch.inference_mode():
            for task, clf in self.heads.items():
                logits = self.runner.top.heads[task](pooled).float().numpy()[0] / clf.temperature
                probs = np.exp(logits - logits.max())
                out[task] = probs / probs.sum()
                if not clean:
                    out[task] = (np.array(clf.labels) == EMPTY_TEXT_LABEL[task]).astype(np.float64)
            if NEUTRAL_HEAD in self.runner.top.heads:  # the blend's neutral head: its raw logit
                lower = self._lower[-1][0].float().mean(0, keepdim=True)
                features = self.runner.top.neutral_features(pooled, lower)
                out[NEUTRAL_HEAD] = self.runner.top.heads[NEUTRAL_HEAD](features).float().numpy()[0]
        return out


class NaiveBlend:
    """The default blend the naive way: per text, language id, then ``NaiveE5`` and ``NaiveDefault`` (each
    one text at a time, fp32), mixed with the blend's weight for the text's language group."""

    def __init__(self, sentiment: BlendClassifier, spam: BlendClassifier) -> None:
        self.blends = {"sentiment": sentiment, "spam": spam}
        self.e5 = NaiveE5(sentiment.e5, spam.e5)
        self.moe = NaiveDefault(sentiment.moe, spam.moe)
        self.description = NAIVE_DESCRIPTION["blend"].format(e5=self.e5.description, moe=self.moe.description)

    def label(self, text: str) -> dict[str, str]:
        group = lang_group(detect_language(text))
        p_e5, p_moe = self.e5.probs(text), self.moe.probs(text)
        out = {}
        head = p_e5.get(NEUTRAL_HEAD)
        for task, blend in self.blends.items():
            probs = blend.combine(p_e5[task][None], p_moe[task][None], [group], head)
            out[task] = blend.labels[int(np.argmax(probs))]
        return out


class NaiveHF:
    """A Hugging Face model the naive way: a text-classification pipeline per text."""

    def __init__(self, classifier: HFClassifier, task: str) -> None:
        from transformers import pipeline

        from nlp.encoder import quiet_transformers

        self.task = task
        self.classifier = classifier
        with quiet_transformers():
            self.pipe = pipeline("text-classification", model=classifier.model_id, device="cpu")
        self.label2id = {v: int(k) for k, v in self.pipe.model.config.id2label.items()}

    def label(self, text: str) -> dict[str, str]:
        detect_language(text)
        scores = self.pipe(text[:2000], truncation=True, max_length=128, top_k=None)
        ours: dict[str, float] = {}
        for s in scores:
            name = self.classifier.id2ours[self.label2id[s["label"]]]
            ours[name] = ours.get(name, 0.0) + float(s["score"])
        return {self.task: max(ours, key=lambda k: ours[k])}


def _worker_labels(
    texts: Sequence[str], sentiment: TextClassifier | None, spam: TextClassifier | None, chunk_size: int
) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for start in range(0, len(texts), chunk_size):
        chunk = texts[start : start + chunk_size]
        if sentiment is not None:
            for lab in label_texts(chunk, sentiment, spam):
                row = {"sentiment": lab.sentiment.label}
                if spam is not None:
                    row["spam"] = "spam" if lab.spam_score >= 0.5 else "ham"
                out.append(row)
        else:  # a spam-only Hugging Face model: the same steps as label_texts, without sentiment
            assert spam is not None
            for text, p in zip(chunk, spam.predict(chunk), strict=True):
                detect_language(text)
                out.append({"spam": p.label})
    return out


def run_bench(
    n: int = 5000,
    *,
    model: str | None = None,
    task: str = "sentiment",
    naive_n: int | None = 500,
    precision: str | None = None,
    batch_size: int = 64,
    chunk_size: int = 2048,
    label_mapping: dict[str, str] | None = None,
    seed: int = 13,
) -> BenchResult:
    """Time the worker's label path on ``n`` corpus texts and the naive loop on the first ``naive_n``
    (None: all ``n``) in this process; ``model`` None is the bundled model (both tasks), else a Hugging Face
    model run for ``task``."""
    import torch

    load_start = _load_avg()
    texts = bench_corpus(n, seed=seed)
    naive_texts = texts if naive_n is None else texts[: max(1, min(naive_n, n))]
    timing: dict[str, float] = {}

    t0 = time.perf_counter()
    sentiment: TextClassifier | None
    spam: TextClassifier | None
    bundled = BUNDLED_ALIASES.get(model or "default") is not None
    if bundled:
        sentiment = load_classifier("sentiment", model, batch_size=batch_size, precision=precision)
        spam = load_classifier("spam", model, batch_size=batch_size, precision=precision)
        tasks = ["sentiment", "spam"]
        precision_used = (
            sentiment.precision  # type: ignore[attr-defined]
            if isinstance(sentiment, E5Classifier | BlendClassifier)
            else sentiment.encoder.precision  # type: ignore[attr-defined]
        )
    else:
        clf = load_classifier(
            task, model, batch_size=batch_size, precision=precision, label_mapping=label_mapping
        )
        sentiment, spam = (clf, None) if task == "sentiment" else (None, clf)
        tasks = [task]
        precision_used = clf.precision  # type: ignore[attr-defined]
    timing["worker_load_s"] = time.perf_counter() - t0
    _worker_labels(texts[:32], sentiment, spam, chunk_size)  # warm-up: first calls allocate, langid loads

    t0 = time.perf_counter()
    worker_labels = _worker_labels(texts, sentiment, spam, chunk_size)
    worker_seconds = time.perf_counter() - t0
    worker_peak = _peak_rss_mb()

    t0 = time.perf_counter()
    naive: NaiveDefault | NaiveE5 | NaiveBlend | NaiveHF
    if isinstance(sentiment, BlendClassifier):
        naive = NaiveBlend(sentiment, spam)  # type: ignore[arg-type]
        naive_description = naive.description
    elif isinstance(sentiment, E5Classifier):
        naive = NaiveE5(sentiment, spam)  # type: ignore[arg-type]
        naive_description = naive.description
    elif bundled:
        naive = NaiveDefault(sentiment, spam)  # type: ignore[arg-type]
        naive_description = naive.description
    else:
        naive = NaiveHF(sentiment or spam, task)  # type: ignore[arg-type]
        naive_description = NAIVE_DESCRIPTION["hf"].format(tasks=task)
    timing["naive_load_s"] = time.perf_counter() - t0
    for text in naive_texts[:8]:
        naive.label(text)

    t0 = time.perf_counter()
    naive_labels = [naive.label(text) for text in naive_texts]
    naive_seconds = time.perf_counter() - t0

    # The previous default (character experts + MiniLM), the same worker path on the same texts, for users
    # choosing between label quality and raw speed.
    previous: dict[str, Any] = {}
    if isinstance(sentiment, E5Classifier | BlendClassifier):
        prev_sent = load_classifier("sentiment", "moe", batch_size=batch_size, precision=precision)
        prev_spam = load_classifier("spam", "moe", batch_size=batch_size, precision=precision)
        _worker_labels(texts[:32], prev_sent, prev_spam, chunk_size)
        t0 = time.perf_counter()
        prev_labels = _worker_labels(texts, prev_sent, prev_spam, chunk_size)
        prev_seconds = time.perf_counter() - t0
        previous = {
            "model": prev_sent.version,
            "texts_per_s": round(len(texts) / prev_seconds, 1),
            "seconds": round(prev_seconds, 2),
            "agreement_with_worker": {
                t: round(
                    sum(a[t] == b[t] for a, b in zip(prev_labels, worker_labels, strict=True)) / len(texts), 4
                )
                for t in tasks
            },
        }

    agreement = {
        t: sum(a[t] == b[t] for a, b in zip(naive_labels, worker_labels, strict=False)) / len(naive_labels)
        for t in tasks
    }
    naive_rate = len(naive_texts) / naive_seconds
    worker_rate = len(texts) / worker_seconds
    return BenchResult(
        naive_texts_per_s=round(naive_rate, 1),
        worker_texts_per_s=round(worker_rate, 1),
        ratio=round(worker_rate / naive_rate, 2),
        peak_rss_mb=round(_peak_rss_mb(), 1),
        worker_peak_rss_mb=round(worker_peak, 1),
        n=len(texts),
        naive_n=len(naive_texts),
        naive_seconds=round(naive_seconds, 2),
        worker_seconds=round(worker_seconds, 2),
        model=model or "default",
        tasks=tasks,
        precision=precision_used,
        threads=torch.get_num_threads(),
        batch_size=batch_size,
        chunk_size=chunk_size,
        agreement={k: round(v, 4) for k, v in agreement.items()},
        load_avg_start=load_start,
        load_avg_end=_load_avg(),
        worker=WORKER_DESCRIPTION.format(
            chunk=chunk_size,
            batch=batch_size,
            budget=E5_TOKEN_BUDGET if isinstance(sentiment, E5Classifier | BlendClassifier) else TOKEN_BUDGET,
            precision=precision_used,
            tasks=" + ".join(tasks),
        ),
        naive=naive_description,
        timing={k: round(v, 2) for k, v in timing.items()},
        model_version=sentiment.version if sentiment is not None else spam.version,  # type: ignore[union-attr]
        previous_texts_per_s=previous.get("texts_per_s"),
        previous=previous,
    )
