"""``brandpulse train``: build the bundled sentiment and spam models.

    brandpulse train --data DATA_DIR [--model e5|moe] [--task sentiment|spam] [--out DIR] [--seed 13]
                     [--include-corrections] [--quick] [--baselines-only]

``--model e5`` (the default) fine-tunes multilingual-e5-small with ``nlp.train_e5``; ``--model moe`` builds
the previous default (character experts + MiniLM) with ``nlp.train``.

``--include-corrections`` adds the analysts' label corrections from the configured database (the same URL as
every other command: ``BRANDPULSE_DATABASE_URL``, else ``brandpulse.toml``) to the training rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

TASKS = ("sentiment", "spam")
MODELS = ("e5", "moe")
DATASET_HINT = (
    'one subfolder per dataset, each with train.jsonl and dev.jsonl of rows {"text", "label", "lang"}'
)


def dataset_folders(data: Path) -> list[Path]:
    """The subfolders of ``data`` that hold a dataset (a ``train.jsonl``), by name."""
    return sorted(p for p in data.iterdir() if p.is_dir() and (p / "train.jsonl").is_file())


def train(
    data: Annotated[Path, typer.Option("--data", help=f"training data: {DATASET_HINT}")],
    task: Annotated[str | None, typer.Option(help="sentiment or spam (default: both)")] = None,
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
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="brandpulse.toml (default: ./brandpulse.toml)")
    ] = None,
    model: Annotated[
        str,
        typer.Option(
            help="e5: the default, multilingual-e5-small fine-tuned for both tasks at once (nlp.train_e5); "
            "moe: the previous default, character experts + MiniLM (nlp.train)"
        ),
    ] = "e5",
) -> None:
    """Train the bundled sentiment and spam models and print their dev scores."""
    from ui.cli import _fail, _load, _mask, _prepare_db  # here: ui.cli imports this module

    if model not in MODELS:
        raise _fail(f"--model must be one of {', '.join(MODELS)}")
    if task is not None and task not in TASKS:
        raise _fail("--task must be sentiment or spam")
    if model == "e5" and (task is not None or baselines_only):
        raise _fail(
            "--model e5 trains sentiment and spam together in one encoder; --task and --baselines-only "
            "apply to --model moe"
        )
    if not data.exists():
        raise _fail(f"--data {data}: no such folder; it should hold {DATASET_HINT}")
    if not data.is_dir():
        raise _fail(f"--data {data}: not a folder; it should hold {DATASET_HINT}")
    if baselines_only and (include_corrections or quick):
        raise _fail(
            "--baselines-only refits the baselines on the full data: drop --include-corrections and --quick"
        )
    found = dataset_folders(data)
    if not found:
        raise _fail(f"--data {data}: no dataset folders; expected {DATASET_HINT}")
    typer.echo(f"{len(found)} dataset folders in {data}: {', '.join(p.name for p in found)}")

    argv = ["--data", str(data), "--seed", str(seed)]
    if task:
        argv += ["--task", task]
    if out is not None:
        argv += ["--out", str(out)]
    if include_corrections:
        from nlp.corrections import load_corrections

        url = _load(config).database_url
        _prepare_db(url)
        for t in [task] if task else list(TASKS):
            try:
                n = len(load_corrections(url, t))
            except (OSError, ValueError) as exc:
                raise _fail(f"cannot read the label corrections: {exc}") from None
            typer.echo(f"{n} {t} correction{'' if n == 1 else 's'} in {_mask(url)}")
        argv += ["--include-corrections", url]
    if quick:
        argv.append("--quick")
    if baselines_only:
        argv.append("--baselines-only")

    if model == "e5":
        from nlp import train_e5 as trainer
    else:
        from nlp import train as trainer  # type: ignore[no-redef]

    try:
        trainer.main(argv)
    except (FileNotFoundError, ValueError) as exc:
        raise _fail(str(exc)) from None
    except SystemExit as exc:  # argparse in nlp.train has printed why
        if exc.code not in (0, None):
            raise typer.Exit(exc.code if isinstance(exc.code, int) else 2) from None
