"""Train the previous default model, ``moe`` (a mixture of per-domain experts, see nlp/mixture.py), and
compare it with a character TF-IDF baseline per dataset.

    python -m nlp.training.moe --data DATA_DIR --out nlp/models/default [--task sentiment|spam] [--seed 13]

DATA_DIR holds one folder per dataset with ``train.jsonl`` and ``dev.jsonl`` (rows {"text","label","lang"}).
Every train row is used. MiniLM embeddings and the fine-tuned top layers are cached under ``--cache``
(default ~/.cache/brandpulse), so re-runs are quick. Dev splits are used for reporting macro-F1 and for these
choices: each expert's C or embedding weight (on its own dev set), the fine-tuned top's weight (alpha), the
gate's power and the temperature; they are made on a model fitted without the train rows that repeat a dev
text, then applied to the shipped model fitted on every row. Analysts' label corrections come in as rows
(``brandpulse train --model moe --include-corrections`` reads them from the database).
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from nlp.encoder import ENCODER_NAME, ENCODER_PACKAGE, MAX_TOKENS
from nlp.features import DEFAULT_DIR, hasher, preprocess, sublinear_counts
from nlp.labels import TASK_LABELS
from nlp.mixture import MixtureHead
from nlp.training import progress_to_stdout
from nlp.training.calibration import fit_temperature_bounded
from nlp.training.data import subsample, write_json
from nlp.training.domains import (
    ALSO_LEARNS_FROM,
    EMBED_DOMAINS,
    add_corrections,
    dev_sets,
    load_domains,
    shared_rows,
)
from nlp.training.embed import FINETUNE, FineTunedTop, embed, embed_latin, fine_tuned_top
from nlp.training.fit import CHAR_FEATURES, CHAR_NGRAMS, GATE_C, GATE_ROWS, HEAD_C, TaskData, fit_mixture
from nlp.training.scores import baseline_preds, dev_scores

log = logging.getLogger("nlp.training.moe")  # by name: run with -m, __name__ is "__main__"

VERSION = "bp-moe-char-minilm-0.6"
QUICK_ROWS = 200
DEV_SCORES_NOTE = (
    "model: fitted without the train rows that repeat a dev text of any dataset; baseline: one per dataset, "
    "fitted on its train split without the rows that repeat one of its own dev texts; shipped_model: fitted "
    "on every train row (inflated where those rows exist)"
)
GATE_POWERS = [1.0, 2.0, 4.0, 8.0]  # candidate gate sharpening, chosen on dev


def base_config(task: str, labels: Sequence[str]) -> dict:
    """The head's config before fitting: what the model files say about how it was built."""
    return {
        "task": task,
        "model_id": "brandpulse-default",
        "version": VERSION,
        "labels": list(labels),
        "encoder": {
            "name": ENCODER_NAME,
            "package": ENCODER_PACKAGE,
            "max_tokens": MAX_TOKENS,
            "pooling": "mean over attention mask, L2-normalised",
        },
        "preprocess": "first 2000 chars; links -> 'http', @mentions -> '@user'; Traditional -> Simplified "
        "Chinese (OpenCC one-character table, t2s_chars.json); whitespace collapsed",
        "head": {
            "type": "mixture",
            "experts": "multinomial logistic regression per domain, L2; C, embedding weight, class-contrast"
            " power per expert (chosen on its dev set)"
            + "".join(
                f"; the {name} expert also learns from the rows of "
                + ", ".join(f"{other} (each weighing {w:g})" for other, w in others.items())
                for name, others in ALSO_LEARNS_FROM[task].items()
            ),
            "gate": f"multinomial logistic regression over domains, L2, C = {GATE_C[task]:g}, "
            f"<= {GATE_ROWS[task]} texts per domain, domains weighted equally",
        },
        "features": {
            "embed_gate": "latin_share",
            "char": {
                "analyzer": "char_wb",
                "ngram_range": list(CHAR_NGRAMS),
                "n_features": CHAR_FEATURES,
                "alternate_sign": False,
                "lowercase": True,
                "sublinear_tf": True,
                "idf": "smoothed, per expert from its training texts, times the n-gram's class contrast "
                "(prior-weighted std over classes of log P(n-gram | class)) to the expert's contrast power "
                "(stored)",
                "min_df": 2,
                "norm": "l2",
            },
        },
        "temperature": 1.0,
        "empty_text_label": "neutral" if task == "sentiment" else "ham",
    }


def task_data(
    task: str, domains: dict[str, dict[str, list]], dev: dict[str, list[dict]], cache_dir: Path
) -> TaskData:
    """Clean texts, hashed n-gram counts and (embedding domains; every dev set) MiniLM embeddings."""
    vectorizer = hasher(CHAR_FEATURES, CHAR_NGRAMS)
    clean = {name: [preprocess(r["text"]) for r in s["train"]] for name, s in domains.items()}
    counts = {name: sublinear_counts(vectorizer, texts) for name, texts in clean.items()}
    clean_dev = {name: [preprocess(r["text"]) for r in rows] for name, rows in dev.items()}
    embed_domains = {d for d in domains if d in EMBED_DOMAINS[task]}
    embs = {name: embed(clean[name], cache_dir, f"{task}:{name}:train") for name in sorted(embed_domains)}
    embs_dev = {
        name: embed_latin(texts, cache_dir, f"{task}:{name}:dev") for name, texts in clean_dev.items()
    }
    return TaskData(
        task, TASK_LABELS[task], domains, dev, vectorizer, clean, counts, clean_dev, embs, embs_dev
    )


def rescore_baselines(data_dir: Path, out_dir: Path, task: str, seed: int = 13) -> dict:
    """Refit the per-dataset baselines and rewrite their dev scores in the trained ``<task>.json`` in
    ``out_dir``, leaving the model untouched: the baselines depend only on the data, not on the model.
    (Analysts' corrections, which only the hand-written rows' baseline would see, are not read.)"""
    path = out_dir / f"{task}.json"
    if not path.is_file():
        raise FileNotFoundError(f"no trained {task} model in {out_dir} ({path.name} is missing)")
    config = json.loads(path.read_text(encoding="utf-8"))
    domains, _, hand_dev = load_domains(task, data_dir, seed)
    dev = dev_sets(task, domains, hand_dev)
    clean = {name: [preprocess(r["text"]) for r in s["train"]] for name, s in domains.items()}
    clean_dev = {name: [preprocess(r["text"]) for r in rows] for name, rows in dev.items()}
    t0 = time.time()
    preds = baseline_preds(domains, clean, clean_dev, c=HEAD_C[task], ngram_range=CHAR_NGRAMS)
    config["dev_scores"]["baseline_char_tfidf_lr"] = dev_scores(dev, preds, task)
    config["dev_scores"]["note"] = DEV_SCORES_NOTE
    config.setdefault("training", {}).setdefault("seconds", {})["baseline"] = round(time.time() - t0, 1)
    write_json(path, config, indent=2)
    return config


def dev_logits(head: MixtureHead, data: TaskData, top: FineTunedTop) -> dict[str, np.ndarray]:
    return {n: head.logits(data.clean_dev[n], data.embs_dev[n], top.dev[n]) for n in data.dev_sets}


def dev_preds(head: MixtureHead, data: TaskData, top: FineTunedTop) -> dict[str, list[str]]:
    return {n: [data.labels[i] for i in z.argmax(1)] for n, z in dev_logits(head, data, top).items()}


def mean_dev_f1(head: MixtureHead, data: TaskData, top: FineTunedTop) -> float:
    """The head's mean macro-F1 over the dev sets, what the top's alpha and the gate power are chosen on."""
    scores = dev_scores(data.dev_sets, dev_preds(head, data, top), data.task)
    return round(float(np.mean([v["macro_f1"] for v in scores.values()])), 4)


def choose_alpha(reported: MixtureHead, data: TaskData, top: FineTunedTop) -> None:
    """The fine-tuned top's weight (alpha) with the best mean dev macro-F1 (the smallest on ties), set on
    ``reported`` and recorded in ``top.info``."""
    assert top.info is not None
    alphas = FINETUNE[data.task]["alphas"]
    alpha_scores: dict[str, float] = {}
    for alpha in alphas:
        reported.set_top(top.info | {"alpha": alpha})
        alpha_scores[str(alpha)] = mean_dev_f1(reported, data, top)
    best = max(alphas, key=lambda a: (alpha_scores[str(a)], -a))
    top.info["alpha"] = best
    top.info["dev_mean_macro_f1_by_alpha"] = alpha_scores
    reported.set_top(top.info)
    log.info("  fine-tuned top: alpha %s (dev mean macro-F1 by alpha %s)", best, alpha_scores)


def choose_gate_power(
    reported: MixtureHead, data: TaskData, top: FineTunedTop
) -> tuple[float, dict[str, float]]:
    """The gate power (``GATE_POWERS``) with the best mean dev macro-F1 (the smallest on ties), set on
    ``reported``; and the mean by power."""
    power_scores: dict[str, float] = {}
    for power in GATE_POWERS:
        reported.config["gate_power"] = power
        power_scores[str(power)] = mean_dev_f1(reported, data, top)
    gate_power = max(GATE_POWERS, key=lambda p: (power_scores[str(p)], -p))
    reported.config["gate_power"] = gate_power
    log.info("  gate power %s (dev mean macro-F1 by power %s)", gate_power, power_scores)
    return gate_power, power_scores


def training_record(
    data: TaskData, dropped: dict[str, int], seed: int, n_corrections: int, quick: bool
) -> dict:
    """What ``<task>.json`` says of the training data (per domain: rows, labels, dev repeats, shared rows)."""
    domains = data.domains
    everything = {d: np.ones(len(v["train"]), bool) for d, v in domains.items()}
    return {
        "seed": seed,
        "datasets": {
            name: {
                "train": len(s["train"]),
                "train_labels": dict(sorted(Counter(r["label"] for r in s["train"]).items())),
                "train_rows_equal_to_a_dev_text": dropped.get(name, 0),
                "dev": len(s["dev"]),
                "embedding": name in data.embs,
                "rows_from_other_datasets": dict(
                    Counter(r["dataset"] for r in s["train"] if r.get("dataset", name) != name)
                ),
                "also_learns_from": {n: len(i) for n, i, _ in shared_rows(data.task, name, everything)},
            }
            for name, s in domains.items()
        },
        "train_total": sum(len(s["train"]) for s in domains.values()),
        "corrections": n_corrections,
        "quick": quick,
    }


def train_task(
    task: str,
    data_dir: Path,
    out_dir: Path,
    seed: int,
    cache_dir: Path,
    corrections: Sequence[dict] | None = None,
    quick: bool = False,
) -> dict:
    """Train, score and save one task's model (``<task>.json``, ``<task>.npz``, ``<task>_top.npz``)."""
    labels = TASK_LABELS[task]
    domains, dropped, hand_dev = load_domains(task, data_dir, seed)
    if quick:  # a smoke run: a few rows per dataset, seconds instead of minutes
        rng = random.Random(seed)
        for s in domains.values():
            # The datasets' own rows and the hand-written ones apart: the latter could fill a domain's quota.
            own, hand = [r for r in s["train"] if not r.get("hand")], [r for r in s["train"] if r.get("hand")]
            s["train"] = subsample(own, QUICK_ROWS, rng) + subsample(hand, QUICK_ROWS // 4, rng)
            s["dev"] = subsample(s["dev"], QUICK_ROWS, rng)
    corrected = [r for r in corrections or [] if r["label"] in labels]
    add_corrections(task, domains, corrected)
    t0 = time.time()
    data = task_data(task, domains, dev_sets(task, domains, hand_dev), cache_dir)
    embed_seconds = time.time() - t0
    max_iter = 300 if quick else 3000

    t1 = time.time()
    top = fine_tuned_top(data, seed, quick, cache_dir)
    ft_seconds = time.time() - t1
    # 1. Without the train rows that repeat a dev text: the model whose dev scores are reported, and on whose
    #    dev outputs the temperature (and the fine-tuned top's alpha) are chosen.
    without_dups = base_config(task, labels)
    reported, expert_settings = fit_mixture(
        data, lambda r: not r.get("dev_dup"), "without dev duplicates", without_dups, seed, max_iter
    )
    if top.info is not None:
        choose_alpha(reported, data, top)
    gate_power, power_scores = choose_gate_power(reported, data, top)
    logits = dev_logits(reported, data, top)
    all_y = np.array([labels.index(r["label"]) for name in data.dev_sets for r in data.dev_sets[name]])
    temperature, nll_before, nll_after = fit_temperature_bounded(np.vstack(list(logits.values())), all_y)
    model_preds = {name: [labels[i] for i in z.argmax(1)] for name, z in logits.items()}
    # 2. The shipped model: every train row, like the baseline's.
    head, _ = fit_mixture(
        data, lambda r: True, "all train rows", base_config(task, labels), seed, max_iter, expert_settings
    )
    head.config["gate_power"] = gate_power
    head.config["expert_settings_chosen_on_dev"] = expert_settings
    head.config["gate_power_dev_mean_macro_f1"] = power_scores
    head.set_top(top.info)
    shipped_preds = dev_preds(head, data, top)
    fit_seconds = time.time() - t1
    config = head.config
    head.temperature = temperature
    config["temperature"] = round(temperature, 4)

    # The per-dataset baselines, fitted on the same preprocessed text.
    t2 = time.time()
    base_preds = baseline_preds(domains, data.clean, data.clean_dev, c=HEAD_C[task], ngram_range=CHAR_NGRAMS)
    baseline_seconds = time.time() - t2

    config["training"] = training_record(data, dropped, seed, len(corrected), quick)
    config["training"]["seconds"] = {
        "features_and_embedding": round(embed_seconds, 1),
        "fine_tune": round(ft_seconds, 1),
        "fit": round(fit_seconds, 1),
        "baseline": round(baseline_seconds, 1),
    }
    config["dev_scores"] = {
        "metric": "macro-F1 on each dataset's dev split (binary sets: over their two labels)",
        "model": dev_scores(data.dev_sets, model_preds, task),
        "baseline_char_tfidf_lr": dev_scores(data.dev_sets, base_preds, task),
        "shipped_model": dev_scores(data.dev_sets, shipped_preds, task),
        "note": DEV_SCORES_NOTE,
        "temperature_nll": {"T=1": round(nll_before, 4), "calibrated": round(nll_after, 4)},
    }
    head.config = config
    head.save(out_dir, task)
    if top.state is not None:
        np.savez_compressed(out_dir / f"{task}_top.npz", **top.state)
    elif (out_dir / f"{task}_top.npz").exists():
        (out_dir / f"{task}_top.npz").unlink()
    return config


def train(
    data_dir: Path,
    out_dir: Path,
    task: str | None = None,
    seed: int = 13,
    cache_dir: Path | None = None,
    corrections: dict[str, list[dict]] | None = None,
    quick: bool = False,
) -> dict:
    """Train the moe model's head for ``task`` (both if None); returns {task: config incl. dev scores}.

    ``corrections``: per task, analysts' corrections as rows ``{"text", "label", "lang"}``, added to the
    training rows (each as a hand-written row, in the expert of its language).
    """
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    cache_dir = Path(cache_dir) if cache_dir else Path.home() / ".cache" / "brandpulse"
    tasks = [task] if task else ["sentiment", "spam"]
    for t in tasks:
        if t not in TASK_LABELS:
            raise ValueError(f"unknown task {t!r}")
    rows = corrections or {}
    return {t: train_task(t, data_dir, out_dir, seed, cache_dir, rows.get(t), quick) for t in tasks}


def report_lines(results: dict) -> list[str]:
    """The dev scores of each trained task as a table: model, baseline and shipped model per dataset."""
    lines = []
    for task, cfg in results.items():
        ds = cfg["dev_scores"]
        lines.append(f"\n== {task} ({cfg['version']}), dev macro-F1; T={cfg['temperature']} ==")
        lines.append(f"{'dataset':32s} {'n':>5s} {'model':>7s} {'baseline':>8s} {'shipped':>8s}")
        for name, m in ds["model"].items():
            b = ds["baseline_char_tfidf_lr"][name]
            shipped = ds.get("shipped_model", {}).get(name, {}).get("macro_f1", float("nan"))
            extra = ""
            if "spam_recall" in m:
                extra = f"  spam P/R {m['spam_precision']:.3f}/{m['spam_recall']:.3f}"
                extra += f" (baseline {b['spam_precision']:.3f}/{b['spam_recall']:.3f})"
                extra += f"; flagged {m['flagged_as_spam']:.3f} (baseline {b['flagged_as_spam']:.3f})"
            lines.append(
                f"{name:32s} {m['n']:5d} {m['macro_f1']:7.4f} {b['macro_f1']:8.4f} {shipped:8.4f}{extra}"
            )
            for lang, v in m.get("by_lang", {}).items():
                lines.append(f"  {lang:30s} {'':5s} {v:7.4f} {b['by_lang'][lang]:8.4f}")
        lines.append(f"seconds: {cfg['training']['seconds']}")
    return lines


def main(argv: Sequence[str] | None = None, corrections: dict[str, list[dict]] | None = None) -> None:
    """The command line; ``corrections`` (per task, rows ``{"text", "label", "lang"}``) come from the caller,
    ``brandpulse train --include-corrections``, which reads them from the database."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m nlp.training.moe",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", type=Path, required=True, help="folder with one subfolder per dataset")
    parser.add_argument("--out", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--task", choices=sorted(TASK_LABELS), default=None)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--cache", type=Path, default=None, help="embedding cache (default ~/.cache/brandpulse)"
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"smoke run: at most {QUICK_ROWS} rows per dataset and split"
    )
    parser.add_argument(
        "--baselines-only",
        action="store_true",
        help="refit only the per-dataset baselines and rewrite their dev scores in the model files in --out",
    )
    args = parser.parse_args(argv)
    start = time.time()
    if args.baselines_only:
        for task in [args.task] if args.task else sorted(TASK_LABELS):
            scores = rescore_baselines(args.data, args.out, task, args.seed)["dev_scores"]
            print(f"{task}: baseline dev macro-F1 (model in brackets)")
            for name, base in scores["baseline_char_tfidf_lr"].items():
                model = scores["model"].get(name, {}).get("macro_f1")
                print(f"  {name:40s} {base['macro_f1']:.4f}  ({model if model is None else f'{model:.4f}'})")
        print(f"\nrewrote the baseline scores in {args.out}; wall time {time.time() - start:.0f} s")
        return
    with progress_to_stdout():
        results = train(
            args.data,
            args.out,
            task=args.task,
            seed=args.seed,
            cache_dir=args.cache,
            corrections=corrections,
            quick=args.quick,
        )
    for line in report_lines(results):
        print(line)
    print(f"\nwrote {args.out}; wall time {time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
