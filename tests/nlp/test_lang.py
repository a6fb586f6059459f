"""Language identification on a table of clear cases."""

from __future__ import annotations

import pytest

from nlp import detect_language

CASES = [
    ("ko", "글로우랩 세럼 진짜 좋아요 재구매 각"),
    ("ko", "ㅋㅋㅋㅋ 이거 대박"),
    ("ko", "Glow Lab 세럼 너무 좋아요 진짜 추천해요"),  # Latin brand name inside a Korean sentence
    ("zh", "這個產品真的很好用，推薦給大家"),  # Traditional
    ("zh", "客服回覆很慢，等了三天"),  # Traditional
    ("zh", "这个产品真的很好用，推荐给大家"),  # Simplified
    ("zh", "质量太差了，再也不买了"),  # Simplified
    ("zh", "我の天啊太好看了"),  # の as Taiwanese slang does not make it Japanese
    ("ja", "この化粧水はとても良いです"),
    ("ja", "ありがとう"),
    ("vi", "Sản phẩm đẹp quá, giao hàng nhanh"),
    ("vi", "cảm ơn shop"),
    ("vi", "shop oi hang dep qua"),  # unaccented Vietnamese
    ("vi", "khong dep lam, chat luong te"),
    ("vi", "quá good"),  # one accented Vietnamese word next to an English one
    ("vi", "Nên mua nhé mn"),
    ("vi", "hjhj"),  # Vietnamese teen spelling of "hihi"
    ("en", "This product is amazing, I love it"),
    ("en", "so good lol"),
    ("en", "CHECK MY CHANNEL OUT PLEASE"),
    ("en", "The packaging was damaged when it arrived https://example.com/x @someone"),
    ("en", "hehe"),  # langid alone: German
    ("en", "sz"),  # langid alone: Hungarian
    ("en", "LIFE + DOG = GREAT"),  # langid alone: Danish
    ("de", "sehr gut"),  # a short text langid is sure of keeps its language
    ("es", "gracias"),
    ("fr", "très bien"),
    ("fr", "Ce produit est vraiment génial, je le recommande"),
    ("es", "Este producto es muy bueno, lo recomiendo"),
    ("de", "Das ist wirklich ein tolles Produkt"),
    ("th", "สินค้าดีมากครับ"),
    ("und", ""),
    ("und", "   "),
    ("und", "😍😍🔥🔥"),
    ("und", "!!! 123 ..."),
]


@pytest.mark.parametrize(("expected", "text"), CASES)
def test_detect_language(expected: str, text: str) -> None:
    assert detect_language(text) == expected


def test_majority_script_wins() -> None:
    assert detect_language("새로 나온 세럼 후기 good") == "ko"
    assert detect_language("I bought the new serum yesterday and it is great 좋아") == "en"


def test_long_text_is_fast_and_safe() -> None:
    assert detect_language("좋아요 " * 20000) == "ko"
