"""A fixed, made-up multilingual corpus of comment-like texts for ``brandpulse bench``.

Generated from templates and fragments with a seeded ``random.Random``, so the same ``n`` and ``seed`` always
give the same texts on every machine. The mix follows what the label worker sees on our sources: English,
Korean, Traditional Chinese and Vietnamese comments of 1 to ~80 words, with emoji, links, @mentions, spam
(link drops, tag-a-friend contests, "ib" asks), very short texts and a few long reviews.
"""

from __future__ import annotations

import random

LATIN_BRANDS = ["Glow Lab", "Aqua Veil", "Petal Theory", "glowlab"]
BRANDS = {
    "en": LATIN_BRANDS,
    "vi": LATIN_BRANDS,
    "ko": ["글로우랩", "아쿠아베일", "Glow Lab"],
    "zh": ["光澤實驗室", "水紗"],
}
EMOJI = ["😍", "🔥", "👍", "😭", "🙏", "❤️", "✨", "😂", "🥰", "😡", "💯", "👀", "🤔", "😊", "🎁"]
LINKS = [
    "https://bit.ly/3xYz{n}",
    "http://shop-deal{n}.example.com/sale?id={n}",
    "www.free-gift{n}.example.net",
    "https://youtu.be/abc{n}XYZ",
]

EN_SUBJECTS = [
    "this serum",
    "the new toner",
    "their sunscreen",
    "the cushion",
    "this moisturizer",
    "the lipstick",
]
EN_POSITIVE = [
    "is honestly the best thing I bought this year",
    "made my skin so soft and glowy",
    "works really well for my dry skin",
    "smells amazing and lasts all day",
    "is worth every penny",
]
EN_NEGATIVE = [
    "broke me out after two days",
    "is way too expensive for what it does",
    "arrived leaking and customer service ignored me",
    "did absolutely nothing for my skin",
    "smells weird and feels sticky",
]
EN_NEUTRAL = [
    "is on sale this week at the mall",
    "comes in two sizes now",
    "was mentioned in the video at 3:15",
    "has a new formula according to the label",
]
EN_EXTRA = [
    "I have combination skin btw.",
    "Used it for about a month.",
    "My sister recommended it.",
    "Not sponsored lol.",
    "Would love to see a comparison with other brands.",
    "Shipping took a week.",
]
EN_SPAM = [
    "Check out my channel for free giveaways!!! {link}",
    "I make $500 a day working from home, DM me {link}",
    "Tag 3 friends and follow us to win a free set! {emoji}",
    "Subscribe to my channel please {emoji}{emoji}",
    "Best price here >>> {link}",
]

KO_SUBJECTS = ["이 세럼", "토너", "선크림", "쿠션", "수분크림", "립스틱"]
KO_POSITIVE = [
    "진짜 최고예요",
    "피부가 촉촉해졌어요",
    "향이 너무 좋아요",
    "가성비 최고입니다",
    "재구매 의사 있어요",
]
KO_NEGATIVE = [
    "트러블이 났어요",
    "너무 비싸요",
    "효과가 하나도 없네요",
    "배송이 너무 늦었어요",
    "완전 실망했어요",
]
KO_NEUTRAL = ["이번 주에 세일한대요", "용량이 두 가지예요", "성분표 확인해 보세요", "매장에서 봤어요"]
KO_EXTRA = [
    "건성 피부예요.",
    "한 달 정도 썼어요.",
    "언니가 추천해줬어요.",
    "광고 아니에요 ㅋㅋ",
    "다음에도 살게요.",
]
KO_SPAM = [
    "무료 체험 신청하세요 {link}",
    "친구 3명 태그하고 선물 받아가세요 {emoji}",
    "부업으로 월 300 버는 법 {link}",
]

ZH_SUBJECTS = ["這款精華", "化妝水", "防曬乳", "氣墊粉餅", "保濕霜", "口紅"]
ZH_POSITIVE = ["真的超好用", "皮膚變得很水潤", "味道很好聞", "CP值很高", "會再回購"]
ZH_NEGATIVE = ["用了會過敏", "價格太貴了", "完全沒有效果", "出貨太慢了", "非常失望"]
ZH_NEUTRAL = ["這週有打折", "有兩種容量", "成分可以看一下", "在專櫃有看到"]
ZH_EXTRA = ["我是乾性肌膚。", "用了一個月左右。", "朋友推薦的。", "不是業配哈哈", "下次還會買。"]
ZH_SPAM = ["免費試用請點 {link}", "標記三位好友就能抽獎 {emoji}", "在家兼職日賺三千 加賴 {link}"]

VI_SUBJECTS = ["serum này", "nước hoa hồng", "kem chống nắng", "phấn nước", "kem dưỡng ẩm", "son"]
VI_POSITIVE = ["dùng rất thích", "da mềm mịn hẳn", "mùi thơm dễ chịu", "giá hợp lý", "sẽ mua lại"]
VI_NEGATIVE = [
    "bị nổi mụn luôn",
    "giá quá đắt",
    "chẳng có tác dụng gì",
    "giao hàng chậm quá",
    "thất vọng thật sự",
]
VI_NEUTRAL = ["tuần này đang giảm giá", "có hai dung tích", "thành phần ghi trên hộp", "thấy bán ở cửa hàng"]
VI_EXTRA = [
    "Da mình khô.",
    "Dùng được một tháng rồi.",
    "Bạn mình giới thiệu.",
    "Không quảng cáo nha.",
    "Shop đóng gói kỹ.",
]
VI_SPAM = [
    "ib mình để nhận quà nha {emoji}",
    "Tuyển cộng tác viên online lương cao {link}",
    "inbox shop giá sỉ {link}",
]
VI_PLAIN = ["sp dung thich lam nha shop", "khong dep nhu hinh", "hang tot giao nhanh", "chat luong qua te"]

SHORT = [
    "ok",
    ".",
    "ib",
    "first",
    "wow",
    "ㅋㅋㅋ",
    "讚",
    "hay",
    "nice",
    "+1",
    "?",
    "lol",
    "좋아요",
    "推",
    "đẹp",
]

LANGS = {
    "en": (EN_SUBJECTS, EN_POSITIVE, EN_NEGATIVE, EN_NEUTRAL, EN_EXTRA, EN_SPAM, " "),
    "ko": (KO_SUBJECTS, KO_POSITIVE, KO_NEGATIVE, KO_NEUTRAL, KO_EXTRA, KO_SPAM, " "),
    "zh": (ZH_SUBJECTS, ZH_POSITIVE, ZH_NEGATIVE, ZH_NEUTRAL, ZH_EXTRA, ZH_SPAM, ""),
    "vi": (VI_SUBJECTS, VI_POSITIVE, VI_NEGATIVE, VI_NEUTRAL, VI_EXTRA, VI_SPAM, " "),
}
# Share of each kind of text in the corpus.
KINDS = [
    ("en", 0.28),
    ("ko", 0.18),
    ("zh", 0.18),
    ("vi", 0.18),
    ("short", 0.06),
    ("emoji", 0.04),
    ("long", 0.08),
]


def _fill(rng: random.Random, template: str) -> str:
    return template.format(
        link=rng.choice(LINKS).format(n=rng.randrange(1000)),
        emoji=rng.choice(EMOJI),
    )


def _comment(rng: random.Random, lang: str) -> str:
    subjects, pos, neg, neu, extra, spam, sep = LANGS[lang]
    if rng.random() < 0.12:
        text = _fill(rng, rng.choice(spam))
    else:
        if lang == "vi" and rng.random() < 0.2:
            text = rng.choice(VI_PLAIN)  # Vietnamese typed without diacritics
        else:
            opinion = rng.choice(rng.choice([pos, neg, neu]))
            brand = rng.choice(BRANDS[lang]) if rng.random() < 0.4 else ""
            subject = rng.choice(subjects)
            text = sep.join(p for p in (brand, subject, opinion) if p)
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            text += " " + rng.choice(extra)
    if rng.random() < 0.3:
        text += " " + "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 4)))
    if rng.random() < 0.1:
        text = "@" + rng.choice(["minji_", "thu.trang", "jenny88", "小美"]) + " " + text
    return text


def bench_corpus(n: int = 5000, seed: int = 13) -> list[str]:
    """``n`` comment-like texts, the same for the same ``n`` and ``seed``.

    >>> len(bench_corpus(40)), bench_corpus(40) == bench_corpus(40)
    (40, True)
    """
    rng = random.Random(seed)
    kinds, weights = zip(*KINDS, strict=True)
    texts = []
    for _ in range(n):
        kind = rng.choices(kinds, weights)[0]
        if kind == "short":
            text = rng.choice(SHORT)
        elif kind == "emoji":
            text = "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 6)))
        elif kind == "long":
            # A long review: several sentences of one language, about 40-80 words in Latin script.
            lang = rng.choice(list(LANGS))
            text = " ".join(_comment(rng, lang) for _ in range(rng.randint(4, 8)))
        else:
            text = _comment(rng, kind)
        texts.append(text)
    return texts
