"""Fine-tuned top layers run beside the shared MiniLM encoder: same embedding, and the top's own logits."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from nlp.encoder import EMBED_DIM, MiniLMEncoder, encoder_path

TEXTS = ["great stuff, love it", "terrible!!", "배송이 느려요", "質量很好", "ok " * 60, "🔥"]


def test_a_copied_top_layer_reproduces_the_encoder() -> None:
    enc = MiniLMEncoder(encoder_path(), "cpu", "fp32")
    plain = enc.encode(TEXTS)
    last = len(enc.model.encoder.layer) - 1
    rng = np.random.default_rng(0)
    state = {f"layer.0.{k}": v.numpy() for k, v in enc.model.encoder.layer[last].state_dict().items()}
    w = rng.normal(size=(3, EMBED_DIM)).astype(np.float32)
    b = rng.normal(size=3).astype(np.float32)
    state["head.weight"], state["head.bias"] = w, b
    enc.add_top("copy", last, state, 3)
    emb, extras = enc.encode_shared_with_tops(TEXTS)
    assert np.allclose(emb, plain, atol=1e-5)
    # The top is an exact copy of the last layer, so its mean pool is the un-normalised embedding.
    with torch.inference_mode():
        tok = enc.tokenizer(TEXTS, padding=True, truncation=True, max_length=128, return_tensors="pt")
        hidden = enc.model(**tok).last_hidden_state
        m = tok["attention_mask"].unsqueeze(-1).float()
        pooled = ((hidden * m).sum(1) / m.sum(1)).numpy()
    assert np.allclose(extras["copy"], pooled @ w.T + b, atol=1e-3)
    # Remembered for the next head over the same texts.
    again, extras_again = enc.encode_shared_with_tops(TEXTS)
    assert np.array_equal(again, emb) and np.array_equal(extras_again["copy"], extras["copy"])


def test_repeated_texts_run_once_and_come_back_in_place() -> None:
    enc = MiniLMEncoder(encoder_path(), "cpu", "fp32")
    last = len(enc.model.encoder.layer) - 1
    state = {f"layer.0.{k}": v.numpy() for k, v in enc.model.encoder.layer[last].state_dict().items()}
    rng = np.random.default_rng(1)
    state["head.weight"] = rng.normal(size=(2, EMBED_DIM)).astype(np.float32)
    state["head.bias"] = np.zeros(2, dtype=np.float32)
    enc.add_top("copy", last, state, 2)
    unique_emb, unique_extras = enc.encode_shared_with_tops(TEXTS)
    order = [3, 0, 3, 5, 0, 0, 1, 4, 2, 3]
    seen: list[int] = []
    real_forward = enc._forward_with_tops

    def counting_forward(input_ids, mask, tops, batch, extras):  # type: ignore[no-untyped-def]
        seen.append(int(input_ids.shape[0]))
        return real_forward(input_ids, mask, tops, batch, extras)

    enc._forward_with_tops = counting_forward  # type: ignore[method-assign]
    emb, extras = enc.encode_shared_with_tops([TEXTS[i] for i in order])
    assert sum(seen) == len(set(order))  # each distinct text ran once
    assert np.allclose(emb, unique_emb[order], atol=1e-5)
    assert np.allclose(extras["copy"], unique_extras["copy"][order], atol=1e-4)


def test_long_texts_go_in_smaller_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    from nlp import encoder as encoder_module

    enc = MiniLMEncoder(encoder_path(), "cpu", "fp32")
    texts = [f"review {i}: " + "the serum absorbs quickly and smells nice " * (i % 7 + 1) for i in range(40)]
    reference = np.vstack([enc.encode([t]) for t in texts])  # one text per batch
    shapes: list[tuple[int, int]] = []
    real_model = enc.model

    class Recording:
        def __getattr__(self, name: str) -> object:
            return getattr(real_model, name)

        def __call__(self, input_ids, attention_mask):  # type: ignore[no-untyped-def]
            shapes.append(tuple(input_ids.shape))
            return real_model(input_ids=input_ids, attention_mask=attention_mask)

    monkeypatch.setattr(encoder_module, "TOKEN_BUDGET", 400)
    enc.model = Recording()
    emb = enc.encode(texts, batch_size=16)
    assert sum(rows for rows, _ in shapes) == len(texts)
    assert all(rows * width <= 400 or rows == 1 for rows, width in shapes)
    assert all(rows <= 16 for rows, _ in shapes) and shapes[0][0] > shapes[-1][0]  # short texts batch more
    assert np.allclose(emb, reference, atol=1e-5)
