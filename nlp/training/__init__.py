"""Training the bundled models: ``python -m nlp.training.e5`` fine-tunes multilingual-e5-small (the default),
``python -m nlp.training.moe`` builds the previous default (character experts + MiniLM); ``brandpulse train``
runs either.

One module per role:

- ``data``: reading the datasets' JSONL splits, capping them, the dedup key, the hand-written rows and the
  sentiment sets' ordinary comments as extra ham (both trainers).
- ``e5``: the e5 fine-tuning recipe; ``blend``: the blend of e5 with moe chosen on dev at its end.
- ``moe``: the moe recipe, step by step; ``domains``: its datasets, domains and the rows each expert and
  baseline learns from; ``embed``: its MiniLM embeddings and fine-tuned top; ``fit``: its experts and gate;
  ``scores``: its dev scores and character TF-IDF baselines.
- ``calibration``: the temperature fitters and the expected calibration error.

Trainers report progress through ``logging`` (a logger per module, INFO); their command lines show it on
stdout as plain lines (``progress_to_stdout``). Analysts' label corrections come in as rows
``{"text", "label", "lang"}`` per task: ``nlp`` reads no database.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def progress_to_stdout() -> Iterator[None]:
    """While the block runs, the trainers' progress (INFO and up) is printed to stdout, a plain line each."""
    logger = logging.getLogger(__name__)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
