"""Loading any Hugging Face sequence-classification model: a tiny random BERT written to tmp_path."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from nlp import load_classifier
from nlp.labels import LabelMappingError

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "bad", "great", "the", "is", "product", "##s"]


def _tiny_bert(path: Path, id2label: dict[int, str]) -> Path:
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    path.mkdir(parents=True, exist_ok=True)
    (path / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    BertTokenizer(vocab=str(path / "vocab.txt")).save_pretrained(path)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=160,
        id2label=id2label,
        label2id={v: k for k, v in id2label.items()},
    )
    BertForSequenceClassification(config).save_pretrained(path)
    return path


def test_binary_hf_model_for_sentiment(tmp_path: Path) -> None:
    path = _tiny_bert(tmp_path / "tiny", {0: "NEGATIVE", 1: "POSITIVE"})
    clf = load_classifier("sentiment", model=str(path), batch_size=4)
    assert clf.labels == ("negative", "neutral", "positive")
    assert clf.model_id == str(path)
    assert clf.version
    texts = ["good product", "", "😀", "bad " * 20_000, "the products is great", "good"]
    preds = clf.predict(texts)
    assert len(preds) == len(texts)
    for p in preds:
        assert p.probs["neutral"] == 0.0  # the binary model has no neutral class
        assert math.isclose(sum(p.probs.values()), 1.0, abs_tol=1e-5)
        assert p.label in ("negative", "positive")
    # Input order survives length sorting: the same text gives the same answer wherever it sits.
    assert preds[0].probs == pytest.approx(clf.predict(["good product"])[0].probs, abs=1e-5)


def test_generic_labels_fail_without_mapping(tmp_path: Path) -> None:
    path = _tiny_bert(tmp_path / "generic", {0: "LABEL_0", 1: "LABEL_1"})
    with pytest.raises(LabelMappingError, match="LABEL_0"):
        load_classifier("sentiment", model=str(path))
    clf = load_classifier("spam", model=str(path), label_mapping={"LABEL_0": "ham", "LABEL_1": "spam"})
    assert clf.labels == ("spam", "ham")
    (pred,) = clf.predict(["great"])
    assert set(pred.probs) == {"spam", "ham"}
    assert math.isclose(sum(pred.probs.values()), 1.0, abs_tol=1e-5)
