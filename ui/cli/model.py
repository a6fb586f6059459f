"""Commands about the model: ``eval`` (score a classifier), ``train`` (build the bundled models) and ``bench``
(the label path's texts per second against a naive ``transformers.pipeline`` loop).

    brandpulse train --data DATA_DIR [--model e5|moe] [--task sentiment|spam] [--out DIR] [--seed 13]
                     [--include-corrections] [--quick] [--baselines-only]

``--model e5`` (the default) fine-tunes multilingual-e5-small with ``nlp.training.e5``; ``--model moe`` builds
the previous default (character experts + MiniLM) with ``nlp.training.moe``. ``--include-corrections`` reads
the analysts' label corrections from the configured database (the same URL as every other command:
``BRANDPULSE_DATABASE_URL``, else ``brandpulse.toml``) through ``store.repo.corrected_texts`` and hands them
to the trainer as training rows (``correction_rows``).

    brandpulse bench [--n 5000] [--model M] [--task sentiment|spam] [--naive-n 500] [--precision P] [--json]

Both sides of the bench are timed in one run on the same fixed multilingual corpus (for the bundled default, a
third: the previous default's worker path); what each side does is printed with the numbers (and described in
``nlp/bench.py``). The model's precision, inference batch size and label mapping come from ``brandpulse.toml``
when there is one, as for ``brandpulse label``.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ui.cli.common import ConfigOpt, fail, load_config_or_exit, prepare_db
from ui.urls import masked_url

TASKS = ("sentiment", "spam")


class Task(StrEnum):
    sentiment = "sentiment"
    spam = "spam"


class TrainedModel(StrEnum):
    e5 = "e5"
    moe = "moe"


class Precision(StrEnum):
    auto = "auto"
    fp32 = "fp32"
    bf16 = "bf16"
    int8 = "int8"


DATASET_HINT = (
    'one subfolder per dataset, each with train.jsonl and dev.jsonl of rows {"text", "label", "lang"}'
)


def eval_model(
    data: Annotated[Path, typer.Option("--data", help='JSONL rows {"text", "label", "lang"}')],
    task: Annotated[Task, typer.Option(case_sensitive=False)] = Task.sentiment,
    model: Annotated[
        str | None,
        typer.Option(
            help="default (the bundled fine-tuned e5), moe (the previous default), a Hugging Face model id "
            "or local path"
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object")] = False,
) -> None:
    """Score a classifier on labeled data: macro-F1, accuracy, per label and language, texts per second."""
    from nlp import load_classifier
    from nlp.evaluate import evaluate, read_labeled

    try:
        rows = read_labeled(data)
        classifier = load_classifier(task, model)
    except (OSError, RuntimeError, ValueError) as exc:
        raise fail(str(exc)) from None
    result = evaluate(classifier, rows)
    if as_json:
        typer.echo(json.dumps(result))
        return
    typer.echo(
        f"{data.name}: n={result['n']}  macro-F1 {result['macro_f1']:.3f}  accuracy {result['accuracy']:.3f}"
        f"  {result['texts_per_s']:.0f} texts/s  ({classifier.model_id} {classifier.version})"
    )
    for label, m in result["per_label"].items():
        typer.echo(
            f"  {label:<10} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  n {m['support']}"
        )
    for lang, f1 in result["per_lang"].items():
        typer.echo(f"  lang {lang:<5} macro-F1 {f1:.3f}")


def dataset_folders(data: Path) -> list[Path]:
    """The subfolders of ``data`` that hold a dataset (a ``train.jsonl``), by name."""
    return sorted(p for p in data.iterdir() if p.is_dir() and (p / "train.jsonl").is_file())


def correction_rows(url: str, task: str) -> list[dict]:
    """Rows ``{"text", "label", "lang"}`` of the latest correction of each corrected mention for ``task``, as
    the trainers take them.

    Labels are as in the training data: negative / neutral / positive, or spam / ham. A mention without a
    stored language gets one from ``nlp.lang.detect_language``; empty texts are left out.
    """
    from nlp.labels import TASK_LABELS
    from nlp.lang import detect_language
    from store import repo
    from store.db import session_scope

    with session_scope(url) as session:
        corrected = repo.corrected_texts(session, task=task)
    allowed = TASK_LABELS[task]
    rows = []
    for c in corrected:
        if not c.text or not c.text.strip():
            continue
        if c.label not in allowed:  # the store validates labels; a hand-edited row must not poison training
            raise ValueError(f"correction label {c.label!r} is not a {task} label ({', '.join(allowed)})")
        rows.append({"text": c.text, "label": c.label, "lang": c.lang or detect_language(c.text)})
    return rows


def train(
    data: Annotated[Path, typer.Option("--data", help=f"training data: {DATASET_HINT}")],
    task: Annotated[Task | None, typer.Option(case_sensitive=False, help="default: both")] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="folder for the model files (default: the bundled model's, nlp/models/default)"),
    ] = None,
    seed: Annotated[int, typer.Option(help="random seed (same data and seed, same model)")] = 13,
    include_corrections: Annotated[
        bool,
        typer.Option(
            "--include-corrections", help="add the label corrections stored in the configured database"
        ),
    ] = False,
    quick: Annotated[bool, typer.Option("--quick", help="a tiny run of seconds (for tests)")] = False,
    baselines_only: Annotated[
        bool,
        typer.Option(
            "--baselines-only",
            help="refit only the character TF-IDF baselines and rewrite their dev scores in the model files",
        ),
    ] = False,
    config: ConfigOpt = None,
    model: Annotated[
        TrainedModel,
        typer.Option(
            case_sensitive=False,
            help="e5: the default, multilingual-e5-small fine-tuned for both tasks at once "
            "(nlp.training.e5); moe: the previous default, character experts + MiniLM (nlp.training.moe)",
        ),
    ] = TrainedModel.e5,
) -> None:
    """Train the bundled sentiment and spam models and print their dev scores."""
    if model == "e5" and (task is not None or baselines_only):
        raise fail(
            "--model e5 trains sentiment and spam together in one encoder; --task and --baselines-only "
            "apply to --model moe"
        )
    if not data.exists():
        raise fail(f"--data {data}: no such folder; it should hold {DATASET_HINT}")
    if not data.is_dir():
        raise fail(f"--data {data}: not a folder; it should hold {DATASET_HINT}")
    if baselines_only and (include_corrections or quick):
        raise fail(
            "--baselines-only refits the baselines on the full data: drop --include-corrections and --quick"
        )
    found = dataset_folders(data)
    if not found:
        raise fail(f"--data {data}: no dataset folders; expected {DATASET_HINT}")
    typer.echo(f"{len(found)} dataset folders in {data}: {', '.join(p.name for p in found)}")

    argv = ["--data", str(data), "--seed", str(seed)]
    if task:
        argv += ["--task", task]
    if out is not None:
        argv += ["--out", str(out)]
    corrections: dict[str, list[dict]] | None = None
    if include_corrections:
        url = load_config_or_exit(config).database_url
        prepare_db(url)
        corrections = {}
        for t in [task] if task else list(TASKS):
            try:
                corrections[t] = correction_rows(url, t)
            except (OSError, ValueError) as exc:
                raise fail(f"cannot read the label corrections: {exc}") from None
            n = len(corrections[t])
            typer.echo(f"{n} {t} correction{'' if n == 1 else 's'} in {masked_url(url)}")
    if quick:
        argv.append("--quick")
    if baselines_only:
        argv.append("--baselines-only")

    if model == "e5":
        from nlp.training import e5 as trainer
    else:
        from nlp.training import moe as trainer  # type: ignore[no-redef]

    try:
        trainer.main(argv, corrections)
    except (FileNotFoundError, ValueError) as exc:
        raise fail(str(exc)) from None
    except SystemExit as exc:  # the trainer's argparse has printed why
        if exc.code not in (0, None):
            raise typer.Exit(exc.code if isinstance(exc.code, int) else 2) from None


def bench(
    n: Annotated[int, typer.Option("--n", help="corpus texts for the worker side", min=1)] = 5000,
    model: Annotated[
        str | None,
        typer.Option(
            help="default (the bundled fine-tuned e5; the previous default, moe, is timed beside it), moe, "
            "or a Hugging Face model id or local path (default: the bundled model, both tasks)"
        ),
    ] = None,
    task: Annotated[
        Task, typer.Option(case_sensitive=False, help="with --model: the task it is run for")
    ] = Task.sentiment,
    naive_n: Annotated[
        int, typer.Option("--naive-n", help="time the naive side on the first N texts only (0: all)", min=0)
    ] = 500,
    precision: Annotated[
        Precision | None, typer.Option(case_sensitive=False, help="default: model.precision")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object")] = False,
    config: ConfigOpt = None,
) -> None:
    """Texts per second of the label worker's path and of a naive one-text-at-a-time pipeline; their ratio."""
    from nlp.bench import run_bench

    cfg = load_config_or_exit(config)
    if not as_json:
        typer.echo(f"labeling {n} corpus texts (the naive side: the first {naive_n or n}) ...", err=True)
    try:
        result = run_bench(
            n,
            model=model,
            task=task,
            naive_n=naive_n or None,
            precision=precision or cfg.model.precision,
            batch_size=cfg.model.batch_size,
            label_mapping=cfg.model.label_mapping or None,
        )
    except (OSError, RuntimeError, ValueError) as exc:
        raise fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    subset = "" if result.naive_n == result.n else f", timed on the first {result.naive_n} texts"
    agree = ", ".join(f"{k} {v:.1%}" for k, v in result.agreement.items())
    typer.echo(f"model {result.model} ({' + '.join(result.tasks)}), {result.threads} torch threads")
    typer.echo(f"  naive   {result.naive_texts_per_s:8.1f} texts/s   {result.naive}{subset}")
    typer.echo(f"  worker  {result.worker_texts_per_s:8.1f} texts/s   {result.worker}, {result.n} texts")
    typer.secho(f"  ratio   {result.ratio:8.2f} x", bold=True)
    if result.previous:
        prev = result.previous
        typer.echo(
            f"  previous default {prev['texts_per_s']:8.1f} texts/s   {prev['model']}, the same worker path "
            f"and texts (labels agreeing with the new worker: "
            + ", ".join(f"{k} {v:.1%}" for k, v in prev["agreement_with_worker"].items())
            + ")"
        )
    typer.echo(
        f"  peak RSS {result.peak_rss_mb:.0f} MB (after the worker side: {result.worker_peak_rss_mb:.0f} MB)"
    )
    typer.echo(f"  labels agreeing with the naive side: {agree}")
    load = " / ".join(f"{x:.2f}" for x in result.load_avg_start)
    typer.echo(f"  load average at start (1, 5, 15 min): {load}")
