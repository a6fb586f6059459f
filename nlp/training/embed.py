"""MiniLM for the moe trainer: sentence embeddings of the training texts (cached on disk per text) and the
fine-tuned copy of its top layers that the English tweets' expert also reads (``FINETUNE``; cached per
training run), with that top's dev logits."""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.encoder import EMBED_DIM, ENCODER_NAME, MAX_TOKENS, additive_mask, get_encoder, mean_pool, run_layers
from nlp.features import latin_share
from nlp.training.fit import TaskData

log = logging.getLogger(__name__)

# The English tweets' expert also reads a fine-tuned copy of MiniLM's last layer (its log-probabilities,
# weighted by an alpha chosen on dev): the frozen sentence embedding misses much of what tweets say.
FINETUNE: dict[str, dict] = {
    "sentiment": {
        "expert": "en_semeval2017_tweeteval",
        "first_layer": 4,
        "epochs": 2,
        "lr": 5e-5,
        "head_lr": 2e-3,
        "batch": 32,
        "alphas": [0.0, 0.5, 1.0, 1.5, 2.0, 3.0],
    }
}


def embed_latin(texts: list[str], cache_dir: Path, desc: str) -> np.ndarray:
    """Embeddings of the texts with Latin letters, zeros for the others (as at inference: the script gate
    multiplies their embedding by 0, so it is never computed)."""
    out = np.zeros((len(texts), 384), dtype=np.float32)
    need = np.flatnonzero(latin_share(texts)[:, 0] > 0)
    if len(need):
        out[need] = embed([texts[i] for i in need], cache_dir, desc)
    return out


def embed(texts: list[str], cache_dir: Path, desc: str) -> np.ndarray:
    """MiniLM embeddings of (already preprocessed) texts, cached on disk per text, so that reruns on other
    subsets of the same data embed only the texts not seen before."""
    key = hashlib.sha1(f"{ENCODER_NAME}|{MAX_TOKENS}|fp32|{desc}".encode()).hexdigest()[:16]
    folder = cache_dir / "embeddings"
    store_path, texts_path = folder / f"{key}.npy", folder / f"{key}.json"
    known: dict[str, np.ndarray] = {}
    if store_path.is_file() and texts_path.is_file():
        stored = np.load(store_path, allow_pickle=False)
        stored_texts = json.loads(texts_path.read_text(encoding="utf-8"))
        if len(stored_texts) == len(stored):
            known = dict(zip(stored_texts, stored, strict=True))
    missing = list(dict.fromkeys(t for t in texts if t not in known))
    if missing:
        # Trained on the reference (fp32) embeddings; faster precisions at inference are checked against them.
        arr = get_encoder(precision="fp32").encode(missing, batch_size=64, progress=True, desc=desc)
        known.update(zip(missing, arr.astype(np.float16), strict=True))
        folder.mkdir(parents=True, exist_ok=True)
        np.save(store_path, np.stack(list(known.values())).astype(np.float16))
        texts_path.write_text(json.dumps(list(known), ensure_ascii=False), encoding="utf-8")
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([known[t] for t in texts]).astype(np.float32)  # float16 whether cached or not


def cached_fine_tuned_top(
    texts: list[str], y: np.ndarray, n_classes: int, seed: int, quick: bool, settings: dict, cache_dir: Path
) -> dict[str, np.ndarray]:
    """``fine_tune_top``, cached under ``cache_dir/finetuned``: it is deterministic for the same texts,
    labels, settings and seed, so re-runs skip it."""
    digest = hashlib.sha1(json.dumps([texts, y.tolist(), settings, seed, quick]).encode()).hexdigest()
    cached = cache_dir / "finetuned" / f"{digest[:20]}.npz"
    if cached.is_file():
        with np.load(cached, allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}
    state = fine_tune_top(texts, y, n_classes, seed, quick, settings)
    cached.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cached, **state)
    return state


def top_logits(
    state: dict[str, np.ndarray], first_layer: int, n_classes: int, texts_by_set: dict[str, list[str]]
) -> dict[str, np.ndarray]:
    """Per set, the fine-tuned top's logits of its texts, computed by the encoder exactly as at inference
    (zeros for texts without Latin letters, whose embedding the script gate never computes)."""
    encoder = get_encoder(precision="fp32")
    encoder.add_top("training", first_layer, state, n_classes)
    out = {}
    for name, texts in texts_by_set.items():
        logits = np.zeros((len(texts), n_classes), dtype=np.float32)
        need = np.flatnonzero(latin_share(texts)[:, 0] > 0)
        if len(need):
            logits[need] = encoder.encode_shared_with_tops([texts[i] for i in need])[1]["training"]
        out[name] = logits
    return out


def fine_tune_top(
    texts: list[str], y: np.ndarray, n_classes: int, seed: int, quick: bool, settings: dict
) -> dict[str, np.ndarray]:
    """Fine-tune a copy of MiniLM's top layers (from ``settings["first_layer"]``) with a linear head.

    The lower layers stay frozen, so their outputs are computed once (token states, float16) and only the
    copied top layers and the head are trained: on 2 CPU cores this takes minutes, not hours.
    Returns the weights as ``MiniLMEncoder.add_top`` takes them (float16).
    """
    import copy

    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    first = settings["first_layer"]
    encoder = get_encoder(precision="fp32")
    model, tok = encoder.model, encoder.tokenizer
    ids = tok([t[:2000] for t in texts], truncation=True, max_length=MAX_TOKENS)["input_ids"]
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    states: list = [None] * len(ids)
    t0 = time.time()
    with torch.inference_mode():
        for start in range(0, len(order), 128):
            batch = order[start : start + 128]
            width = max(len(ids[i]) for i in batch)
            x = torch.zeros((len(batch), width), dtype=torch.long)
            mask = torch.zeros((len(batch), width))
            for row, i in enumerate(batch):
                x[row, : len(ids[i])] = torch.tensor(ids[i])
                mask[row, : len(ids[i])] = 1
            h = run_layers(model.encoder.layer[:first], model.embeddings(input_ids=x), additive_mask(mask))
            for row, i in enumerate(batch):
                states[i] = h[row, : len(ids[i])].to(torch.float16).clone()
    log.info("  fine-tune: lower layers of %d texts in %.0f s", len(ids), time.time() - t0)

    top = copy.deepcopy(model.encoder.layer[first:]).train()
    head = torch.nn.Linear(EMBED_DIM, n_classes)
    opt = torch.optim.AdamW(
        [
            {"params": top.parameters(), "lr": settings["lr"]},
            {"params": head.parameters(), "lr": settings["head_lr"]},
        ],
        weight_decay=0.01,
    )
    epochs = 1 if quick else settings["epochs"]
    bs = settings["batch"]
    steps = epochs * (len(states) // bs + 1)
    warm = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1 - s / steps)
    )
    target = torch.tensor(y)

    def forward(batch: list[int]):  # type: ignore[no-untyped-def]
        width = max(states[i].shape[0] for i in batch)
        x = torch.zeros((len(batch), width, EMBED_DIM))
        mask = torch.zeros((len(batch), width))
        for row, i in enumerate(batch):
            x[row, : states[i].shape[0]] = states[i].float()
            mask[row, : states[i].shape[0]] = 1
        return head(mean_pool(run_layers(top, x, additive_mask(mask)), mask))

    for epoch in range(epochs):
        t1 = time.time()
        # Batches of similar length (little padding), in random order.
        by_len = sorted(range(len(states)), key=lambda i: states[i].shape[0] + rng.random() * 6)
        batches = [by_len[i : i + bs] for i in range(0, len(by_len), bs)]
        rng.shuffle(batches)
        total = 0.0
        for batch in batches:
            loss = torch.nn.functional.cross_entropy(forward(batch), target[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach())
        log.info(
            "  fine-tune: epoch %d/%d, loss %.4f, %.0f s",
            epoch + 1,
            epochs,
            total / max(1, len(batches)),
            time.time() - t1,
        )
    state = {f"layer.{k}": v.detach().numpy().astype(np.float16) for k, v in top.state_dict().items()}
    state.update({f"head.{k}": v.detach().numpy().astype(np.float16) for k, v in head.state_dict().items()})
    return state


@dataclass
class FineTunedTop:
    """The fine-tuned MiniLM top of one expert (``FINETUNE``): its weights, its logits of every dev set and
    what the model files record of it; ``state`` and ``info`` are None for a task without one."""

    state: dict[str, np.ndarray] | None
    dev: dict[str, np.ndarray | None]
    info: dict | None


def fine_tuned_top(data: TaskData, seed: int, quick: bool, cache_dir: Path) -> FineTunedTop:
    """Step 0: the fine-tuned top layer (on the expert's train rows without dev duplicates), and its dev
    logits computed by the encoder exactly as at inference."""
    settings = FINETUNE.get(data.task)
    if not settings or settings["expert"] not in data.domains:
        return FineTunedTop(None, {name: None for name in data.dev_sets}, None)
    name, labels = settings["expert"], data.labels
    keep = [i for i, r in enumerate(data.domains[name]["train"]) if not r.get("dev_dup")]
    texts = [data.clean[name][i] for i in keep]
    y = np.array([labels.index(data.domains[name]["train"][i]["label"]) for i in keep])
    state = cached_fine_tuned_top(texts, y, len(labels), seed, quick, settings, cache_dir)
    info = {
        "expert": name,
        "first_layer": settings["first_layer"],
        "classes": list(labels),
        "file": f"{data.task}_top.npz",
        "alpha": 0.0,
        "training": {k: v for k, v in settings.items() if k not in ("expert", "alphas")}
        | {"rows": len(keep)},
    }
    dev = top_logits(state, settings["first_layer"], len(labels), data.clean_dev)
    return FineTunedTop(state, dict(dev), info)
