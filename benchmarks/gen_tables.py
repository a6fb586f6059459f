"""Tables and constants of the synthetic benchmark data (``generate.py``): brands, platforms, text
templates, spam and low-effort texts, campaigns; the ``Data`` container ``build`` fills and the timestamp
formatting the inserts share. No store imports: the code under test is imported by ``generate.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

DAYS = 90
POST_KINDS = ("post", "article")

# name, query, competitor group, popularity (share of brand posts), P / N / U mix of its mentions
BRANDS: list[tuple[str, str, str, float, tuple[float, float, float]]] = [
    ("Glow Lab", "glow lab OR 글로우랩 OR 光研", "skincare", 0.28, (0.55, 0.15, 0.30)),
    ("Aurora Skin", "aurora skin", "skincare", 0.22, (0.45, 0.20, 0.35)),
    ("Lotus Beauty", "lotus beauty OR 蓮花", "skincare", 0.17, (0.40, 0.30, 0.30)),
    ("Seoul Dew", "seoul dew OR 서울듀", "skincare", 0.13, (0.50, 0.10, 0.40)),
    ("Jade Garden", "jade garden OR 玉園", "skincare", 0.10, (0.30, 0.35, 0.35)),
    ("Bean There", "bean there", "coffee", 0.06, (0.50, 0.20, 0.30)),
    ("Pho Real", "pho real", "coffee", 0.04, (0.45, 0.25, 0.30)),
]

# platform, share of posts, main language, kind of its posts, reports saves, reports views
PLATFORMS: list[tuple[str, float, str, str, bool, bool]] = [
    ("instagram", 0.24, "", "post", True, False),
    ("tiktok", 0.14, "", "post", True, True),
    ("youtube", 0.10, "", "post", False, True),
    ("facebook", 0.14, "", "post", False, False),
    ("ptt", 0.14, "zh", "post", False, False),
    ("naver", 0.12, "ko", "article", False, False),
    ("vnexpress", 0.12, "vi", "article", False, False),
]
LANGS = ("ko", "zh", "vi", "en")
LANG_MIX = (0.30, 0.25, 0.25, 0.20)
SENTIMENTS = ("positive", "negative", "neutral")

# Comment text = opener + body (+ detail); a brand-naming text puts the brand in the body.
OPENERS = {
    "en": [
        "Honestly,",
        "Ok so",
        "Update:",
        "Not gonna lie,",
        "Day 3 and",
        "Tbh",
        "Hmm,",
        "Wow,",
        "So far",
        "Guys,",
    ],
    "ko": ["솔직히", "와", "근데", "후기:", "3일째인데", "진짜", "음", "드디어", "결론은", "언니들"],
    "zh": ["說真的", "哇", "老實說", "心得：", "用了三天", "真的", "嗯", "終於", "結論是", "大家"],
    "vi": [
        "Thật sự",
        "Wow",
        "Nói thật",
        "Review:",
        "Dùng 3 ngày rồi",
        "Công nhận",
        "Hmm",
        "Cuối cùng",
        "Tóm lại",
        "Mọi người ơi",
    ],
}
BODIES = {
    ("en", "positive"): [
        "I love {b}, my skin feels amazing",
        "{b} is worth every penny",
        "{b} works so well for me",
        "best purchase this year, thanks {b}",
        "{b} smells great and lasts",
    ],
    ("en", "negative"): [
        "{b} broke me out, so disappointed",
        "{b} is overpriced for what it is",
        "my {b} order never arrived",
        "{b} customer service ignored me",
        "the {b} bottle leaked everywhere",
    ],
    ("en", "neutral"): [
        "does {b} ship to Vietnam?",
        "which {b} serum is for dry skin",
        "{b} restocked at the mall today",
        "how long does {b} take to work",
        "comparing {b} with my old one",
    ],
    ("ko", "positive"): [
        "{b} 진짜 좋아요 피부가 촉촉해졌어요",
        "{b} 재구매 각입니다",
        "{b} 향이 너무 좋아요",
        "{b} 덕분에 피부 톤이 밝아졌어요",
        "{b} 가성비 최고예요",
    ],
    ("ko", "negative"): [
        "{b} 쓰고 트러블 났어요",
        "{b} 너무 비싸요",
        "{b} 배송이 너무 늦어요",
        "{b} 고객센터 답이 없네요",
        "{b} 용기가 새요",
    ],
    ("ko", "neutral"): [
        "{b} 건성에도 괜찮나요?",
        "{b} 어디서 사요?",
        "{b} 세일 언제 해요",
        "{b} 성분 궁금해요",
        "{b} 용량이 어떻게 되나요",
    ],
    ("zh", "positive"): [
        "{b}真的很好用推薦給大家",
        "{b}用完皮膚變好了",
        "{b}味道很香",
        "{b}回購第三次了",
        "{b}CP值超高",
    ],
    ("zh", "negative"): [
        "{b}用了過敏好失望",
        "{b}太貴了不值得",
        "{b}的客服都不回",
        "{b}包裝漏液",
        "{b}等了兩週還沒到貨",
    ],
    ("zh", "neutral"): [
        "{b}乾性肌可以用嗎",
        "{b}哪裡買比較便宜",
        "{b}有在打折嗎",
        "{b}成分是什麼",
        "{b}跟舊款差在哪",
    ],
    ("vi", "positive"): [
        "{b} dùng rất thích da mịn hơn hẳn",
        "{b} đáng tiền thật sự",
        "{b} thơm lắm luôn",
        "mua {b} lần thứ ba rồi",
        "{b} giá hợp lý mà xài tốt",
    ],
    ("vi", "negative"): [
        "{b} làm mình nổi mụn thất vọng quá",
        "{b} đắt quá",
        "đơn {b} giao chậm quá",
        "{b} chăm sóc khách hàng tệ",
        "chai {b} bị rò rỉ",
    ],
    ("vi", "neutral"): [
        "{b} da khô dùng được không",
        "{b} mua ở đâu vậy",
        "{b} bao giờ sale",
        "{b} thành phần là gì",
        "{b} khác bản cũ chỗ nào",
    ],
}
THEMES = {"en": "this serum", "ko": "이 세럼", "zh": "這款精華", "vi": "serum này"}
DETAILS = {
    "en": "after {n} days",
    "ko": "{n}일 사용 후기",
    "zh": "用了{n}天",
    "vi": "sau {n} ngày",
}
SPAM_TEXTS = [
    "Follow me for FREE giveaways!!! link in bio 🎁",
    "DM me for 50% off {b} 👉 bit.ly/deal{n}",
    "kiếm tiền online 500k/ngày inbox ngay",
    "무료 체험단 모집 프로필 링크 클릭",
    "加LINE領{b}免費試用",
    "Check my page for {b} dupes cheap cheap",
]
LOW_EFFORT = [
    "nice",
    "wow",
    "😍😍😍",
    "🔥🔥",
    "❤️",
    "최고",
    "대박",
    "ㅋㅋㅋ",
    "好",
    "讚",
    "+1",
    "đẹp",
    "hay",
    "xinh",
    "ib",
    "👍",
    "love",
]
CAMPAIGNS = [
    ("Summer Glow 2026", "Glow Lab"),
    ("Aurora Night Repair", "Aurora Skin"),
    ("Lotus Tet Gift Box", "Lotus Beauty"),
    ("Bean There Cold Brew", "Bean There"),
]


@dataclass
class Data:
    """Column arrays / row lists of every table, ids assigned."""

    brands: list[tuple[int, str, str, str]]
    authors: list[tuple[Any, ...]]
    posts: list[tuple[Any, ...]]
    campaigns: list[tuple[Any, ...]]
    mentions: dict[str, Any]
    links: np.ndarray  # (k, 2): mention_id, brand_id


def _zipf_probs(n: int, s: float, offset: float) -> np.ndarray:
    w = 1.0 / np.power(np.arange(n) + offset, s)
    return w / w.sum()


def _ts_strings(seconds: np.ndarray, sqlite: bool) -> list[str]:
    """Epoch seconds → the text each backend stores: SQLAlchemy's SQLite format, or a UTC literal for COPY."""
    us = np.round(seconds * 1e6).astype("int64").astype("datetime64[us]")
    s = np.datetime_as_string(us, unit="us")
    return [x.replace("T", " ") for x in s] if sqlite else [x.replace("T", " ") + "+00" for x in s]
