"""Gold sentiment labels for the bundled demo site's made-up texts (``crawler/sample_site/data.py``).

These are hand-written true sentiment labels of the sample site's made-up posts and comments. A reader judged
each one from the meaning of the text alone, never from a model's output. They are used to check the demo's
Negative feed, i.e. whether the texts the model puts there are really negative. The model is never trained
or tuned on them: they are test data only.

Labels are "negative", "neutral" or "positive". Spam keeps the label its literal content carries (copy-pasted
praise is positive; contests, link drops and "ib" are neutral). Texts that are both praise and complaint are
labelled by the stronger opinion and marked ``# mixed``.
"""

from __future__ import annotations

import unicodedata

from crawler.sample_site import data

NEGATIVE = "negative"
NEUTRAL = "neutral"
POSITIVE = "positive"

COMMENT_SENTIMENT: dict[str, str] = {
    # Rule: questions, advice, logistics and bare thanks ("謝謝分享", "感謝情報") are neutral; praise of the
    # post itself ("Good review", "推開箱", "清單好實用", "rất hữu ích") is positive; "it was fine for me"
    # with no further praise is neutral; an adverse skin reaction outweighs a cosmetic pro in mixed texts.
    # --- PTT 1A3: Glow Lab vitamin C review ---
    "我也在用 真的有變亮": POSITIVE,
    "心得推 想問早晚都擦嗎": POSITIVE,  # upvotes the review, then a question
    "我只有早上擦 晚上用A醇": NEUTRAL,
    "週年慶剛好入手 期待": POSITIVE,
    "這價格買別牌的維C比較划算吧": NEGATIVE,
    data.SEEDED_PRAISE_ZH: POSITIVE,
    "請問敏感肌可以用嗎": NEUTRAL,
    "敏感肌建議先局部試用": NEUTRAL,
    "Good review, thanks for sharing!": POSITIVE,
    "在家兼職日賺3000 加LINE: ez_money88 詳聊": NEUTRAL,
    "滴管真的很難用 同感": NEGATIVE,
    "已收藏 謝謝分享": NEUTRAL,
    # --- PTT 2B6: Aqua Veil vs Petal Theory sunscreen question ---
    "水紗比較清爽 但我擦會有點刺": NEGATIVE,  # mixed
    "油肌推水紗 花瓣理論偏乾": POSITIVE,  # mixed
    "花瓣理論不會刺 但會有一點白": NEUTRAL,  # mixed
    "兩個都用過 我選水紗": POSITIVE,  # mixed
    "可以先去專櫃拿試用包": NEUTRAL,
    "標記3位好友抽獎送水紗防曬 快來留言!!!": NEUTRAL,
    "謝謝大家 我去拿試用包": NEUTRAL,
    "Aqua Veil's new formula is much lighter IMO": POSITIVE,
    "防曬還是要看個人膚質啦": NEUTRAL,
    "花瓣理論的補擦噴霧不錯用": POSITIVE,
    # --- PTT 3C9: Petal Theory rose toner unboxing ---
    "包裝好美": POSITIVE,
    "味道真的偏重 但保濕不錯": POSITIVE,  # mixed
    "請問哪裡買": NEUTRAL,
    "官網跟藥妝店都有": NEUTRAL,
    "便宜代購花瓣理論 私訊 www.cheap-beauty-tw.example 全館5折": NEUTRAL,
    "我擦完臉有點過敏泛紅QQ": NEGATIVE,
    "Smells like real roses, love it": POSITIVE,
    "推開箱": POSITIVE,
    # --- PTT 4D2: Aqua Veil gel caused clogged pores ---
    "我也是!! 擦完冒粉刺": NEGATIVE,
    "凝露對我來說太黏": NEGATIVE,
    "我乾肌用起來還好耶": NEUTRAL,
    "感謝分享 差點買": NEGATIVE,
    "水紗客服超爛 問了三天都沒回": NEGATIVE,
    "加LINE賺錢 line id: ez_money88 每天輕鬆入帳": NEUTRAL,
    "每個人膚質不同啦": NEUTRAL,
    "Same here, broke out after a week": NEGATIVE,
    ".": NEUTRAL,
    # --- PTT 5E5: Glow Lab anniversary sale ---
    "終於等到 手刀下單": POSITIVE,
    "旅行組是什麼內容": NEUTRAL,
    "化妝水+乳液 各30ml": NEUTRAL,
    "每次都8折 原價根本虛胖": NEGATIVE,
    "標記3位好友抽獎送光澤實驗室精華 分享就送!!": NEUTRAL,
    "感謝情報": NEUTRAL,
    "Thanks, just ordered two bottles": POSITIVE,
    "上次買的還沒用完QQ": NEUTRAL,
    "推推": POSITIVE,
    # --- PTT 6F8: new Glow Lab serum allergy question ---
    "我也是新版擦了過敏!!": NEGATIVE,
    "新版好像改了配方 成分表不一樣": NEUTRAL,
    "我擦新版也爆痘 超崩潰": NEGATIVE,
    "先停用 去看皮膚科比較保險": NEUTRAL,
    "客服只叫我繼續擦說是排毒 傻眼": NEGATIVE,
    "舊版跟新版差在哪?": NEUTRAL,
    "新版多了香料跟酒精": NEUTRAL,
    "😱😱😱": NEGATIVE,
    "ib": NEUTRAL,
    "我用新版沒事耶 可能看膚質": NEUTRAL,
    "光澤實驗室這次真的要出來說明": NEGATIVE,
    "Reported it to the brand, still no reply after 5 days": NEGATIVE,
    "正品代購 私訊 www.cheap-beauty-tw.example 全館5折": NEUTRAL,
    "謝謝大家 我先停用了": NEUTRAL,
    # --- PTT 7A1: sensitive-skin routine ---
    "清單好實用": POSITIVE,
    "花瓣理論真的溫和": POSITIVE,
    "標記3位好友抽獎送保養組!!! 留言+分享就送": NEUTRAL,
    "光澤實驗室那個事件還沒解決嗎": NEUTRAL,
    "還沒 客服一直已讀不回": NEGATIVE,
    "": NEUTRAL,
    "Petal Theory toner is my holy grail": POSITIVE,
    "水紗防曬對我還是太刺了": NEGATIVE,
    "謝謝分享": NEUTRAL,
    # --- PTT 8B4: Glow Lab's statement on the allergy complaints ---
    "自付運費?? 太誇張": NEGATIVE,
    "推卸責任 不會再買": NEGATIVE,
    "至少有回應了 比沒有好": NEUTRAL,
    "舊版明明很好用 可惜了": NEGATIVE,
    "我退貨了 客服態度很差": NEGATIVE,
    "Glow Lab needs a proper recall, not excuses": NEGATIVE,
    "希望他們改回舊配方": NEGATIVE,
    "已經換成花瓣理論了": NEUTRAL,
    "我覺得聲明寫得很沒誠意": NEGATIVE,
    "Does anyone know if Glow Lab has a job opening? I'd like to work on QA there lol": NEUTRAL,
    # --- VnExpress 4900001: Glow Lab serum, real or hype? ---
    "Mình dùng Glow Lab được 2 tháng, da sáng hơn thấy rõ, vết thâm mờ đi nhiều.": POSITIVE,
    "Mình cũng vậy, dùng buổi sáng rất thấm.": POSITIVE,
    "Bạn mua ở đâu để chắc chính hãng vậy?": NEUTRAL,
    "Mình mua trên website của hãng nhé.": NEUTRAL,
    "Giá hơi cao so với mặt bằng chung, nhưng chất lượng ổn.": POSITIVE,  # mixed
    "Inbox zalo 09xx.xxx.xxx giá sỉ serum Glow Lab chính hãng, ship toàn quốc": NEUTRAL,
    "Da nhạy cảm dùng có bị kích ứng không mọi người?": NEUTRAL,
    "Bạn nên thử ở vùng da sau tai 2-3 ngày trước.": NEUTRAL,
    data.SEEDED_PRAISE_VI: POSITIVE,
    "Tried it for a month, decent but nothing life-changing.": NEUTRAL,  # mixed
    "Mình dùng thấy bình thường, không như quảng cáo.": NEGATIVE,
    "Mùi hơi khó chịu nhưng hiệu quả tốt.": POSITIVE,  # mixed
    "Cảm ơn bài viết, rất hữu ích.": POSITIVE,
    "Dùng 3 tuần thì da đều màu hơn, sẽ mua lại.": POSITIVE,
    # --- VnExpress 4900002: Aqua Veil sunscreen bestseller ---
    "Aqua Veil thấm nhanh, không bết dính, rất hợp da dầu.": POSITIVE,
    "Mình bôi bị châm chích quanh mắt, phải ngưng dùng.": NEGATIVE,
    "Mình cũng bị, chắc do cồn trong thành phần.": NEGATIVE,
    "Tag 3 người bạn để nhận quà là 1 tuýp Aqua Veil miễn phí 🎁🎁": NEUTRAL,
    "Giá bao nhiêu vậy mọi người?": NEUTRAL,
    "Khoảng 320k một tuýp 50ml.": NEUTRAL,
    "Best sunscreen I've used in Saigon humidity.": POSITIVE,
    "Chống nắng tốt nhưng hơi nâng tone, không tự nhiên lắm.": NEUTRAL,  # mixed
    "Inbox zalo 09xx.xxx.xxx giá sỉ Aqua Veil, nhận làm CTV": NEUTRAL,
    "CSKH của Aqua Veil trả lời nhanh, đổi hàng dễ.": POSITIVE,
    "Mùa hè năm nào cũng mua, chưa thấy thất vọng.": POSITIVE,
    # --- VnExpress 4900003: breakouts after the new Glow Lab batch ---
    "Mình dùng lô mới bị nổi mụn ẩn khắp trán, lô cũ thì không sao.": NEGATIVE,
    "Mình cũng bị y hệt, phải đi khám da liễu.": NEGATIVE,
    "Lô mới đổi công thức mà không thông báo.": NEGATIVE,
    "Buồn thật, trước đây mình rất thích sản phẩm này.": NEGATIVE,
    "Gọi CSKH 3 lần không ai nghe máy, thái độ quá tệ.": NEGATIVE,
    "Hãng cần thu hồi lô này và xin lỗi khách hàng.": NEGATIVE,
    data.LONG_COMMENT: NEGATIVE,
    "Same here, broke out badly after switching to the new bottle.": NEGATIVE,
    "Cần thanh lý 200 chai Glow Lab giá rẻ, inbox zalo 09xx.xxx.xxx": NEUTRAL,
    "Mình dùng lô mới vẫn ổn, có lẽ tùy cơ địa.": NEUTRAL,
    "😡😡😡": NEGATIVE,
    "Đã đổi sang Petal Theory, da dịu hẳn.": POSITIVE,  # mixed
    "Có ai được hoàn tiền chưa? Mình gửi mail mãi không thấy trả lời.": NEGATIVE,
    # --- VnExpress 4900004: Petal Theory toner, worth it? ---
    "Petal Theory dịu nhẹ, da nhạy cảm dùng rất ổn.": POSITIVE,
    "Mùi hoa hồng nồng quá, mình không chịu được.": NEGATIVE,
    "Tag 3 người bạn để nhận quà nước hoa hồng Petal Theory!!! 🌹🌹": NEUTRAL,
    "Lovely toner, a bit pricey though.": POSITIVE,  # mixed
    "Chai 200ml dùng được hơn 2 tháng, đáng tiền.": POSITIVE,
    "Vậy cũng tiết kiệm ha.": POSITIVE,
    "Có ai so sánh với Glow Lab chưa?": NEUTRAL,
    "Giao hàng nhanh, đóng gói cẩn thận.": POSITIVE,
    "ib giá": NEUTRAL,
    # --- Naver 015/0004900001: Glow Lab serum sales no. 1 ---
    "글로우랩 세럼 써봤는데 진짜 피부 톤이 밝아졌어요 재구매 의사 있습니다": POSITIVE,
    "가격이 좀 비싸긴 한데 효과는 확실해요": POSITIVE,  # mixed
    "친구 태그하면 추첨으로 글로우랩 세럼 드려요!! 👉 @친구 태그": NEUTRAL,
    "광고 기사 같네요": NEGATIVE,
    data.SEEDED_PRAISE_KO: POSITIVE,
    "민감성 피부인데 따갑지 않아서 좋았어요": POSITIVE,
    "Tried it while visiting Seoul, pretty good!": POSITIVE,
    "올리브영에서 할인할 때 사세요": NEUTRAL,
    "부업으로 월 300 가능 카톡 문의 주세요 open.kakao.example/xyz": NEUTRAL,
    # --- Naver 009/0005300002: Aqua Veil sunscreen without white cast ---
    "아쿠아베일 선크림 가볍고 촉촉해서 여름에 딱이에요": POSITIVE,
    "눈에 들어가면 엄청 따가워요 조심하세요": NEGATIVE,
    "백탁 없는 건 맞아요": POSITIVE,
    "친구 태그하면 추첨으로 아쿠아베일 선크림 증정!! 댓글 달고 참여하세요": NEUTRAL,
    "고객센터 응대가 친절했어요 교환도 빨리 됨": POSITIVE,
    "가격 대비 용량이 적어요": NEGATIVE,
    "ㅇㅇ": NEUTRAL,
    "🌞🌞🌞": NEUTRAL,
    "페탈띠어리 선크림이랑 비교하면 어떤가요?": NEUTRAL,
    "카톡 문의 주세요 정품 최저가 open.kakao.example/xyz": NEUTRAL,
    # --- Naver 421/0007400003: new Glow Lab serum skin-trouble controversy ---
    "저도 새 제품 쓰고 트러블이 올라왔어요 ㅠㅠ 예전 거는 괜찮았는데": NEGATIVE,
    "고객센터에 전화했더니 계속 쓰라고만 하네요 황당": NEGATIVE,
    "환불 절차가 너무 복잡해요": NEGATIVE,
    "저는 새 제품 써도 괜찮던데 개인차 아닐까요": NEUTRAL,
    "페탈띠어리로 갈아탔는데 훨씬 순해요": POSITIVE,  # mixed
    "친구 태그하면 추첨으로 보상 쿠폰 드려요": NEUTRAL,
    "The company should just recall the new batch.": NEGATIVE,
    "회사 해명이 너무 성의 없네요": NEGATIVE,
    "피부과 다녀왔는데 접촉성 피부염이래요": NEGATIVE,
}

# Sentiment of each post's title + body, keyed "platform:key" (platform names as in ``data.SITES``).
POST_SENTIMENT: dict[str, str] = {
    "ptt:1A3": POSITIVE,  # mixed: 8/10, will repurchase; dropper and storage are the cons
    "ptt:2B6": NEUTRAL,  # a question
    "ptt:3C9": POSITIVE,  # mixed: 8/10, moisturising; heavy scent
    "ptt:4D2": NEGATIVE,
    "ptt:5E5": NEUTRAL,  # sale announcement
    "ptt:6F8": NEGATIVE,
    "ptt:7A1": NEUTRAL,  # mixed: routine with praise and caveats, Glow Lab paused
    "ptt:8B4": NEGATIVE,
    "vnexpress:4900001": NEUTRAL,
    "vnexpress:4900002": POSITIVE,  # mixed: bestseller, some report stinging
    "vnexpress:4900003": NEGATIVE,
    "vnexpress:4900004": NEUTRAL,  # mixed: praised for hydration, criticised for scent
    "naver_news:015/0004900001": POSITIVE,
    "naver_news:009/0005300002": POSITIVE,  # mixed: popular, some report eye stinging
    "naver_news:421/0007400003": NEGATIVE,
}


def _norm(text: str) -> str:
    """NFC and whitespace-collapsed: the crawlers tidy spacing and line breaks (``clean_text``,
    ``html_to_text``), and a post is stored as "title\\n\\nbody" (Naver's body also gets the byline)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


_COMMENTS: dict[str, str] = {_norm(text): label for text, label in COMMENT_SENTIMENT.items()}
_LONG = 200  # a text at least this long may be stored or shown cut short: match it by prefix


def gold_sentiment(text: str) -> str | None:
    """The gold label of a sample-site text: a comment or reply (equal after whitespace normalisation), else
    a post whose title or body is contained in the text (a post mention's text is title + body); None if the
    text is not one of the sample site's."""
    norm = _norm(text)
    if norm in _COMMENTS:
        return _COMMENTS[norm]
    if len(norm) >= _LONG:
        for known, label in _COMMENTS.items():
            if len(known) >= _LONG and (known.startswith(norm) or norm.startswith(known)):
                return label
    if not norm:
        return None
    for platform, posts in data.SITES.items():
        for post in posts:
            parts = [_norm(part) for part in (post.title, post.body)]
            if any(part and part in norm for part in parts):
                return POST_SENTIMENT.get(f"{platform}:{post.key}")
    return None
