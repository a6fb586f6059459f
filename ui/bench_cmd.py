"""``brandpulse bench``: the label path's texts per second against a naive ``transformers.pipeline`` loop.

    brandpulse bench [--n 5000] [--model M] [--task sentiment|spam] [--naive-n 500] [--precision P] [--json]

Both sides are timed in one run on the same fixed multilingual corpus (for the bundled default, a third: the
previous default's worker path); what each side does is printed with
the numbers (and described in ``nlp/bench.py``). The model's precision, inference batch size and label mapping
come from ``brandpulse.toml`` when there is one, as for ``brandpulse label``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def bench(
    n: Annotated[int, typer.Option("--n", help="corpus texts for the worker side", min=1)] = 5000,
    model: Annotated[
        str | None,
        typer.Option(
            help="default (the bundled fine-tuned e5; the previous default, moe, is timed beside it), moe, "
            "or a Hugging Face model id or local path (default: the bundled model, both tasks)"
        ),
    ] = None,
    task: Annotated[str, typer.Option(help="with --model: the task it is run for")] = "sentiment",
    naive_n: Annotated[
        int, typer.Option("--naive-n", help="time the naive side on the first N texts only (0: all)", min=0)
    ] = 500,
    precision: Annotated[
        str | None, typer.Option(help="auto, fp32, bf16 or int8 (default: model.precision)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object")] = False,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="brandpulse.toml (default: ./brandpulse.toml)")
    ] = None,
) -> None:
    """Texts per second of the label worker's path and of a naive one-text-at-a-time pipeline; their ratio."""
    from nlp.bench import run_bench
    from ui.cli import _fail, _load  # here: ui.cli imports this module

    if task not in ("sentiment", "spam"):
        raise _fail("--task must be sentiment or spam")
    if precision is not None and precision not in ("auto", "fp32", "bf16", "int8"):
        raise _fail("--precision must be auto, fp32, bf16 or int8")
    cfg = _load(config)
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
        raise _fail(str(exc)) from None
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
