"""The e5 fine-tuning's work on tensors: the frozen lower layers' token states (computed once per text and
cached on disk), the training of copies of the top layers with one head per task, and their logits.

The recipe around it (data, weights, calibration, scores, files) is ``nlp.training.e5``.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nlp.e5 import e5_file_sha256
from nlp.e5_model import PREFIX, length_batches, pad, tokenize
from nlp.encoder import additive_mask, precision_context, resolve_precision, run_layers
from nlp.labels import TASK_LABELS

log = logging.getLogger(__name__)

CACHE_DIR = Path.home() / ".cache" / "brandpulse" / "e5"


def lower_states(texts: list[str], first_layer: int, tokenizer: Any, base: Any) -> list[np.ndarray]:
    """Token states after the frozen lower layers, float16 (len, 384) per text; cached on disk by text."""
    import torch

    if not texts:
        return []
    base_id = e5_file_sha256()[:12]  # states of another base file are not these
    key = hashlib.sha1(("\x00".join(texts) + f"|{first_layer}|{PREFIX}|{base_id}").encode()).hexdigest()[:16]
    path = CACHE_DIR / f"states-{key}.npz"
    if path.is_file():
        with np.load(path) as npz:
            flat, offsets = npz["flat"], npz["offsets"]
        return [flat[offsets[i] : offsets[i + 1]] for i in range(len(texts))]
    ids = tokenize(tokenizer, texts)
    states: list[np.ndarray] = [np.zeros(0)] * len(texts)
    precision = resolve_precision("auto", "cpu")
    t0, done = time.time(), 0
    with torch.inference_mode(), precision_context(precision, "cpu"):
        for batch in length_batches([len(x) for x in ids], 128, budget=8192):
            x, mask = pad(ids, batch, tokenizer.pad_token_id)
            h = run_layers(
                base.encoder.layer[:first_layer], base.embeddings(input_ids=x), additive_mask(mask)
            )
            h = h.float().numpy().astype(np.float16)
            for row, i in enumerate(batch):
                states[i] = h[row, : len(ids[i])]
            done += len(batch)
            if done % 5000 < len(batch):
                log.info("  lower layers: %d/%d texts, %.0f s", done, len(texts), time.time() - t0)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    offsets = np.cumsum([0] + [len(s) for s in states])
    np.savez(path, flat=np.concatenate(states), offsets=offsets)
    return states


def _batch_tensor(states: Sequence[np.ndarray], batch: Sequence[int]) -> tuple[Any, Any]:
    import torch

    width = max(states[i].shape[0] for i in batch)
    x = np.zeros((len(batch), width, states[batch[0]].shape[1]), dtype=np.float32)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, i in enumerate(batch):
        n = states[i].shape[0]
        x[row, :n] = states[i]
        mask[row, :n] = 1
    return torch.from_numpy(x), mask


def fine_tune(
    states: list[np.ndarray],
    tasks: list[str],
    targets: list[int],
    weights: list[float],
    binary: list[bool],
    base: Any,
    first_layer: int,
    settings: dict,
    seed: int,
) -> tuple[Any, Any]:
    """Train copies of the top layers and one head per task; returns (layers, heads) in eval mode."""
    import copy

    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    layers = copy.deepcopy(base.encoder.layer[first_layer:]).train()
    heads = torch.nn.ModuleDict(
        {t: torch.nn.Linear(base.config.hidden_size, len(TASK_LABELS[t])) for t in TASK_LABELS}
    )
    opt = torch.optim.AdamW(
        [
            {"params": layers.parameters(), "lr": settings["lr"]},
            {"params": heads.parameters(), "lr": settings["head_lr"]},
        ],
        weight_decay=0.01,
    )
    bs, epochs = settings["batch"], settings["epochs"]
    steps = epochs * (len(states) // bs + 1)
    warm = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1 - s / steps)
    )
    y = torch.tensor(targets)
    w = torch.tensor(weights, dtype=torch.float32)
    task_idx = {t: torch.tensor([i for i, x in enumerate(tasks) if x == t]) for t in TASK_LABELS}
    is_binary = torch.tensor(binary, dtype=torch.bool)
    neutral = TASK_LABELS["sentiment"].index("neutral")
    alpha = settings["binary_full_weight"]
    is_task = {
        t: torch.zeros(len(tasks), dtype=torch.bool).index_fill_(0, idx, True) for t, idx in task_idx.items()
    }
    precision = resolve_precision("auto", "cpu")
    for epoch in range(epochs):
        t0, total, n = time.time(), 0.0, 0
        by_len = sorted(range(len(states)), key=lambda i: states[i].shape[0] + rng.random() * 8)
        batches = [by_len[i : i + bs] for i in range(0, len(by_len), bs)]
        rng.shuffle(batches)
        for b, batch in enumerate(batches):
            x, mask = _batch_tensor(states, batch)
            bi = torch.tensor(batch)
            with precision_context(precision, "cpu"):
                h = run_layers(layers, x, additive_mask(mask))
            pooled = (h.float() * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
            loss = torch.zeros(())
            for t, head in heads.items():
                sel = is_task[t][bi]
                if sel.any():
                    z = head(pooled[sel])
                    ce = torch.nn.functional.cross_entropy(z, y[bi][sel], reduction="none")
                    two = is_binary[bi][sel]
                    if t == "sentiment" and alpha is not None and two.any():
                        # Binary rows: cross-entropy over negative/positive only, plus alpha x the 3-way one.
                        masked = z.masked_fill(torch.arange(z.shape[1]) == neutral, -1e4)
                        ce2 = torch.nn.functional.cross_entropy(masked, y[bi][sel], reduction="none")
                        ce = torch.where(two, ce2 + alpha * ce, ce)
                    loss = loss + (ce * w[bi][sel]).sum() / len(batch)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(list(layers.parameters()) + list(heads.parameters()), 1.0)
            opt.step()
            sched.step()
            total += float(loss.detach())
            n += 1
            if b % 200 == 0:
                log.info("  epoch %d: batch %d/%d, loss %.4f, %.0f s",
                         epoch + 1, b, len(batches), total / n, time.time() - t0)  # fmt: skip
        log.info("  epoch %d/%d: loss %.4f, %.0f s", epoch + 1, epochs, total / max(1, n), time.time() - t0)
    return layers.eval(), heads.eval()


def predict_logits(states: list[np.ndarray], layers: Any, heads: Any) -> dict[str, np.ndarray]:
    """Per task, the logits of every text (its states) by the trained top layers and that task's head."""
    import torch

    out = {t: np.zeros((len(states), len(TASK_LABELS[t])), dtype=np.float32) for t in heads}
    precision = resolve_precision("auto", "cpu")
    with torch.inference_mode(), precision_context(precision, "cpu"):
        for batch in length_batches([s.shape[0] for s in states], 128, budget=8192):
            x, mask = _batch_tensor(states, batch)
            h = run_layers(layers, x, additive_mask(mask)).float()
            pooled = (h * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
            for t, head in heads.items():
                out[t][batch] = head(pooled).float().numpy()
    return out
