"""The blend's neutral head for the polarity-only languages: fitting it, and the blend reading it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from nlp.blend_math import blend_log_probs
from nlp.classifier import BlendClassifier
from nlp.features import DEFAULT_DIR
from nlp.labels import NEUTRAL_HEAD
from nlp.mixture import softmax
from nlp.training.neutral_head import BIAS_GRID, MAX_BINARY_LOSS, fit_neutral_head, split_head_file

TINY_DATA = Path(__file__).resolve().parents[2] / "fixtures" / "train_tiny"

# Made up for these tests: short Korean and Chinese reviews, each clearly for or against the product.
BINARY_DEV = [
    ("negative", "배송이 너무 늦고 포장도 엉망이었어요"),
    ("positive", "향이 은은하고 촉촉해서 계속 쓸 거예요"),
    ("negative", "바르자마자 따갑고 빨갛게 올라왔어요"),
    ("positive", "가성비 최고, 재구매 의사 있어요"),
    ("negative", "서비스가 불친절해서 다시는 안 가요"),
    ("positive", "디자인도 예쁘고 성능도 만족합니다"),
    ("negative", "收到就是壞的，客服也不理人"),
    ("positive", "味道很清爽，用了皮膚變得很好"),
    ("negative", "包裝破損，東西也漏了一半"),
    ("positive", "出貨很快，品質超乎預期"),
    ("negative", "電池一天就沒電，很失望"),
    ("positive", "店員很熱情，環境也很乾淨"),
]


@pytest.fixture()
def model_copy(tmp_path: Path) -> Path:
    """A copy of the bundled model files, whose e5.json a test may change."""
    out = tmp_path / "model"
    shutil.copytree(DEFAULT_DIR, out)
    return out


def _with_head(folder: Path, head: dict | None) -> None:
    path = folder / "e5.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["blend"]["sentiment"].pop("neutral_head", None)
    if head is not None:
        config["blend"]["sentiment"]["neutral_head"] = head
    path.write_text(json.dumps(config), encoding="utf-8")


def test_the_head_file_splits_into_train_and_dev_by_language_and_label() -> None:
    train, dev = split_head_file(seed=13)
    assert len(dev) >= 100 and len(train) >= 4 * len(dev) - 40
    assert {r["text"] for r in train}.isdisjoint(r["text"] for r in dev)
    for lang in ("ko", "zh"):
        assert {r["label"] for r in dev if r["lang"] == lang} == {"negative", "neutral", "positive"}
    assert split_head_file(seed=13) == (train, dev)  # reproducible


def test_polarity_only_rows_take_p_neutral_from_the_head_when_given() -> None:
    e5 = np.log(np.array([[0.2, 0.1, 0.7], [0.2, 0.1, 0.7]]))
    moe = np.log(np.array([[0.5, 0.01, 0.49], [0.5, 0.01, 0.49]]))
    w, po = np.full((2, 1), 0.5), np.array([True, False])
    p = softmax(blend_log_probs(e5, moe, w, po, 1, p_neutral=np.array([0.8, 0.8])))
    assert p[0, 1] == pytest.approx(0.8) and p[0, 2] > p[0, 0]  # the head's neutral; the split as before
    assert np.allclose(p[1], softmax(0.5 * e5[1:] + 0.5 * moe[1:])[0])  # not polarity-only: the plain blend


def test_the_blend_reads_the_head_only_for_polarity_only_languages(model_copy: Path) -> None:
    """A head that calls everything neutral (intercept 8) makes Korean and Chinese texts neutral and
    leaves English and Vietnamese ones as they were."""
    texts = ["최악이에요. 돈 아까워요", "太爛了，浪費錢", "Terrible quality, it broke.", "Tệ quá"]
    _with_head(model_copy, None)
    plain = BlendClassifier("sentiment", model_copy).predict_proba(texts)
    _with_head(model_copy, {"coef": [0.0] * 384, "intercept": 8.0, "bias": 0.0})  # one bias: the first files
    sure_neutral = model_copy.parent / "neutral"
    shutil.copytree(model_copy, sure_neutral)  # another folder: a runner of its own, built with the head
    blend = BlendClassifier("sentiment", sure_neutral)
    assert NEUTRAL_HEAD in blend.e5.runner.top.tasks
    probs = blend.predict_proba(texts)
    assert probs[:2].argmax(1).tolist() == [1, 1]
    assert np.allclose(probs[2:], plain[2:], atol=1e-5)
    assert plain[:2].argmax(1).tolist() == [0, 0]
    # A bias per group: Chinese only; the Korean text keeps e5's p(neutral), as without a head.
    zh_neutral = model_copy.parent / "zh-neutral"
    shutil.copytree(model_copy, zh_neutral)
    _with_head(zh_neutral, {"coef": [0.0] * 384, "intercept": 8.0, "bias": {"zh": 0.0}})
    zh_only = BlendClassifier("sentiment", zh_neutral).predict_proba(texts)
    assert zh_only[1].argmax() == 1
    assert np.allclose(zh_only[[0, 2, 3]], plain[[0, 2, 3]], atol=1e-5)


def test_fit_keeps_the_binary_sets_within_the_allowed_loss(model_copy: Path) -> None:
    dev = [("ko_binary", {"text": t, "label": g}) for g, t in BINARY_DEV[:6] * 4]
    dev += [("zh_binary", {"text": t, "label": g}) for g, t in BINARY_DEV[6:] * 4]
    head = fit_neutral_head(model_copy, TINY_DATA, 13, dev)
    assert head, "no bias kept the binary sets within the allowed loss"
    assert (
        head["input"] == "top+lower"
        and len(head["coef"]) == 2 * 384
        and head["bias"]
        and set(head["bias"].values()) <= set(BIAS_GRID)
    )
    for name, f1 in head["dev_without_head"].items():
        if not name.startswith("head_dev"):
            assert head["dev_with_head"][name] >= f1 - MAX_BINARY_LOSS, name
    assert {"head_dev_ko", "head_dev_zh"} <= set(head["dev_with_head"])
    # The head learned the hand-written neutral comments: its held-out ones score better with it.
    with_head = np.mean([head["dev_with_head"][k] for k in ("head_dev_ko", "head_dev_zh")])
    without = np.mean([head["dev_without_head"][k] for k in ("head_dev_ko", "head_dev_zh")])
    assert with_head > without + 0.1


def test_the_blend_runs_e5_once_for_the_task_and_the_neutral_head(monkeypatch: pytest.MonkeyPatch) -> None:
    blend = BlendClassifier("sentiment")
    runner = blend.e5.runner
    assert blend.neutral_bias and NEUTRAL_HEAD in runner.top.tasks  # the shipped files have it
    calls = []
    forward = runner._forward
    monkeypatch.setattr(runner, "_forward", lambda *a, **k: calls.append(1) or forward(*a, **k))
    blend.predict_proba(["請問這款有分大小瓶嗎？ 第一次買", "Tệ quá, dùng một lần đã hỏng"])
    assert len(calls) == 1


def test_the_bias_keeps_binary_sets_near_their_score_and_above_their_baseline() -> None:
    from nlp.training.neutral_head import choose_bias

    without = {"head_dev_ko": 0.5, "nsmc": 0.871, "hotel": 0.900}
    baselines = {"nsmc": 0.869, "hotel": 0.910}  # hotel was below its baseline: only the loss bound applies
    curve = {
        -2.0: {"head_dev_ko": 0.70, "nsmc": 0.870, "hotel": 0.899},
        -1.0: {"head_dev_ko": 0.80, "nsmc": 0.869, "hotel": 0.896},
        -0.5: {"head_dev_ko": 0.80, "nsmc": 0.869, "hotel": 0.896},  # a tie: the lower bias wins
        0.0: {"head_dev_ko": 0.90, "nsmc": 0.868, "hotel": 0.899},  # under NSMC's baseline
        0.5: {"head_dev_ko": 0.95, "nsmc": 0.870, "hotel": 0.894},  # hotel loses 0.6 point
    }
    assert choose_bias(curve, without, baselines) == -1.0
    assert choose_bias(curve, without, {"nsmc": 0.8}) == 0.0
    assert choose_bias({0.0: curve[0.0]}, without, baselines) is None


def test_each_group_gets_its_bias_from_its_own_sets() -> None:
    """Korean is bound by NSMC, which sits just above its baseline; Chinese by nothing Korean."""
    from nlp.training.neutral_head import choose_bias, choose_biases

    without = {"head_dev_ko": 0.5, "head_dev_zh": 0.4, "nsmc": 0.871, "weibo": 0.880}
    curve = {
        -1.0: {"head_dev_ko": 0.80, "head_dev_zh": 0.70, "nsmc": 0.870, "weibo": 0.880},
        0.0: {"head_dev_ko": 0.90, "head_dev_zh": 0.85, "nsmc": 0.860, "weibo": 0.878},
        0.5: {"head_dev_ko": 0.95, "head_dev_zh": 0.90, "nsmc": 0.850, "weibo": 0.870},  # Weibo loses 1 point
    }
    groups = {"nsmc": "ko", "weibo": "zh"}
    assert choose_biases(curve, without, {"nsmc": 0.869}, groups) == {"ko": -1.0, "zh": 0.0}
    # One bias for both would have had to be -1.0: the mean over both groups' rows, bound by NSMC.
    assert choose_bias(curve, without, {"nsmc": 0.869}) == -1.0
    assert choose_biases({0.5: curve[0.5]}, without, {}, groups) == {}  # both lose over 0.5 point


def test_the_head_reads_at_inference_what_it_was_fitted_on() -> None:
    """The shipped head's logit in the classifier's pass equals its weights applied to the features the fit
    reads (``pooled(..., lower=True)``: the top and the lower layers' pooled outputs), batching included."""
    from nlp.e5_model import get_runner
    from nlp.features import preprocess

    config = json.loads((DEFAULT_DIR / "e5.json").read_text(encoding="utf-8"))
    head = config["blend"]["sentiment"]["neutral_head"]
    assert head["input"] == "top+lower"
    runner = get_runner(DEFAULT_DIR, precision="fp32")
    texts = [
        preprocess(t)
        for t in ("請問這款有分大小瓶嗎？", "배송 언제 와요?", "Tệ quá, dùng một lần đã hỏng", "ok")
    ]
    features = runner.pooled(texts, lower=True)
    assert features.shape == (4, 768)
    expected = features @ np.array(head["coef"]) + head["intercept"]
    assert np.allclose(runner.logits(texts)[NEUTRAL_HEAD][:, 0], expected, atol=1e-3)
