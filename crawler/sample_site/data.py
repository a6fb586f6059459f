"""Made-up posts and comments of the bundled demo site (no real people, brands or texts).

Three skincare brands: Glow Lab (the demo's own brand), Aqua Veil and Petal Theory (competitors).
The story the charts tell: Glow Lab's vitamin C serum is liked at first, then a new batch causes breakouts
and complaints about customer service in the last ten days; Aqua Veil is steady with a sunscreen that stings
some users; Petal Theory is small and mostly liked.

About a fifth of the comments are seeded spam (``spam=True``): tag-a-friend contests, link drops, reseller
"inbox" offers, copy-pasted praise posted on several threads, "." and "ib". A few comments are deliberately
malformed (``malformed`` says how) so the pipelines' quarantine and low-effort paths are exercised.

Times are offsets (``days_ago`` for posts, ``hours_after`` the post for comments): the server turns them into
dates relative to the moment it starts, so the demo always shows the last ~30 days.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SampleComment:
    author: str
    text: str
    hours_after: float
    likes: int = 0
    dislikes: int = 0  # Naver's antipathy count
    tag: str = "推"  # PTT push tag: 推 | 噓 | →
    spam: bool = False
    malformed: str | None = None  # empty_text | no_author | emoji_only | long_text
    replies: tuple[SampleComment, ...] = ()


@dataclass(frozen=True)
class SamplePost:
    key: str  # the site's id: PTT hex suffix, VnExpress article id, Naver "oid/aid"
    title: str
    body: str
    author: str
    days_ago: float
    comments: tuple[SampleComment, ...]
    slug: str = ""  # VnExpress URL slug
    extra: dict[str, str] = field(default_factory=dict)


def c(
    author: str,
    text: str,
    hours_after: float,
    tag: str = "推",
    *,
    likes: int = 0,
    dislikes: int = 0,
    spam: bool = False,
    malformed: str | None = None,
    replies: tuple[SampleComment, ...] = (),
) -> SampleComment:
    return SampleComment(author, text, hours_after, likes, dislikes, tag, spam, malformed, replies)


# Copy-pasted praise, posted word for word under several posts (a classic seeded-review pattern).
SEEDED_PRAISE_ZH = "光澤實驗室維C精華真的是我用過最好的!!! 大推 👍👍"
SEEDED_PRAISE_VI = "Serum Glow Lab xịn thật sự, da mình sáng bật tone chỉ sau 3 ngày 😍😍 mua ngay đi"
SEEDED_PRAISE_KO = "글로우랩 세럼 진짜 인생템이에요!! 강추합니다 👍👍"

# A 50 KB rant: stored (the store takes long texts), long enough to stress text handling end to end.
LONG_COMMENT = " ".join(
    ["Mình muốn kể lại đầy đủ trải nghiệm với serum Glow Lab lô mới để mọi người cân nhắc."]
    + [
        f"Ngày {day}: da vẫn còn nổi mụn ẩn ở trán và cằm, bôi kem trị mụn cũng không đỡ, "
        "gọi tổng đài thì chờ rất lâu mà không ai trả lời, nhắn fanpage chỉ nhận được tin nhắn tự động."
        for day in range(1, 400)
    ]
)[:50_000]

PTT_BOARD = "MakeUp"

# The sample content keeps its hand-written layout (one comment a line): the formatter leaves it alone.
# fmt: off
# ----------------------------------------------------------------------------------------------------
# PTT, board MakeUp (Traditional Chinese, some English). Newest last, as PTT lists them.
# ----------------------------------------------------------------------------------------------------
PTT_THREADS: tuple[SamplePost, ...] = (
    SamplePost(
        key="1A3", author="mochi0312 (麻糬)", days_ago=28.2,
        title="[心得] 光澤實驗室 維C精華 一個月心得",
        body="混合肌 T字容易出油\n\n光澤實驗室(Glow Lab)的維C精華用滿一個月\n"
             "質地很水 吸收快 早上擦完上妝不會搓泥\n痘疤顏色有淡一點 整體膚色比較亮\n\n"
             "缺點是滴管很容易滴太多 開封後要冰\n整體 8/10 會回購",
        comments=(
            c("cocoabean", "我也在用 真的有變亮", 0.5, likes=0),
            c("tofu_chen", "心得推 想問早晚都擦嗎", 1.2, "→"),
            c("mochi0312", "我只有早上擦 晚上用A醇", 1.5, "→"),
            c("yuzu_tea", "週年慶剛好入手 期待", 3.0),
            c("grumpycat88", "這價格買別牌的維C比較划算吧", 4.1, "噓"),
            c("lulu0101", SEEDED_PRAISE_ZH, 5.0, spam=True),
            c("mikanmikan", "請問敏感肌可以用嗎", 7.3, "→"),
            c("mochi0312", "敏感肌建議先局部試用", 7.8, "→"),
            c("rosehip", "Good review, thanks for sharing!", 10.0),
            c("money_line88", "在家兼職日賺3000 加LINE: ez_money88 詳聊", 12.5, "→", spam=True),
            c("kiwi_milk", "滴管真的很難用 同感", 20.0),
            c("sakura_mi", "已收藏 謝謝分享", 26.0),
        ),
    ),
    SamplePost(
        key="2B6", author="pinkfrog77 (粉紅青蛙)", days_ago=24.5,
        title="[問題] 水紗防曬 vs 花瓣理論防曬 選哪個?",
        body="最近要換防曬\n在 Aqua Veil 水紗清透防曬乳 跟 花瓣理論 的物理防曬之間猶豫\n\n"
             "平常通勤 偶爾戶外\n想問油肌擦哪個比較不悶?",
        comments=(
            c("lotus_lin", "水紗比較清爽 但我擦會有點刺", 0.7, "→"),
            c("oily_boy", "油肌推水紗 花瓣理論偏乾", 1.1),
            c("sunnyday_tw", "花瓣理論不會刺 但會有一點白", 2.0, "→"),
            c("anon_ta", "兩個都用過 我選水紗", 3.5),
            c("kiwi_milk", "可以先去專櫃拿試用包", 5.0, "→"),
            c("tag_gift", "標記3位好友抽獎送水紗防曬 快來留言!!!", 6.0, spam=True),
            c("pinkfrog77", "謝謝大家 我去拿試用包", 8.0, "→"),
            c("yuzu_tea", "Aqua Veil's new formula is much lighter IMO", 12.0),
            c("grumpycat88", "防曬還是要看個人膚質啦", 14.0, "→"),
            c("cocoabean", "花瓣理論的補擦噴霧不錯用", 20.0),
        ),
    ),
    SamplePost(
        key="3C9", author="sunnyday_tw", days_ago=20.1,
        title="[分享] 花瓣理論 玫瑰化妝水 開箱",
        body="生日收到的禮物 花瓣理論 Petal Theory 玫瑰化妝水 200ml\n\n"
             "粉紅色玻璃瓶很好拍\n用起來很保濕 玫瑰味偏重\n不喜歡香味的人可能要先試試\n\nOverall 8/10",
        comments=(
            c("rosehip", "包裝好美", 0.4),
            c("kiwi_milk", "味道真的偏重 但保濕不錯", 1.3),
            c("anon_ta", "請問哪裡買", 2.2, "→"),
            c("sunnyday_tw", "官網跟藥妝店都有", 2.5, "→"),
            c("shop_tw_99", "便宜代購花瓣理論 私訊 www.cheap-beauty-tw.example 全館5折", 3.0, "→", spam=True),
            c("mikanmikan", "我擦完臉有點過敏泛紅QQ", 6.0, "噓"),
            c("lotus_lin", "Smells like real roses, love it", 9.0),
            c("tofu_chen", "推開箱", 15.0),
        ),
    ),
    SamplePost(
        key="4D2", author="oily_boy", days_ago=16.3,
        title="[心得] Aqua Veil 水紗 保濕凝露 踩雷",
        body="買了水紗的保濕凝露想說夏天用\n結果擦了一週 下巴冒了一排閉鎖粉刺\n\n"
             "停用之後才慢慢好\n油肌的朋友可能要小心",
        comments=(
            c("pinkfrog77", "我也是!! 擦完冒粉刺", 0.6, "噓"),
            c("lotus_lin", "凝露對我來說太黏", 1.4, "噓"),
            c("cocoabean", "我乾肌用起來還好耶", 2.0, "→"),
            c("sakura_mi", "感謝分享 差點買", 3.8),
            c("grumpycat88", "水紗客服超爛 問了三天都沒回", 5.2, "噓"),
            c("money_line88", "加LINE賺錢 line id: ez_money88 每天輕鬆入帳", 6.0, "→", spam=True),
            c("yuzu_tea", "每個人膚質不同啦", 9.0, "→"),
            c("kiwi_milk", "Same here, broke out after a week", 12.0, "噓"),
            c("anon_ta", ".", 13.0, "→", spam=True),
        ),
    ),
    SamplePost(
        key="5E5", author="deal_hunter (撿便宜)", days_ago=12.4,
        title="[情報] 光澤實驗室 週年慶 全品項8折",
        body="光澤實驗室官網週年慶\n全品項 8 折 滿 2000 再送旅行組\n活動到月底\n\n維C精華 30ml 特價 1024",
        comments=(
            c("yuzu_tea", "終於等到 手刀下單", 0.3),
            c("cocoabean", "旅行組是什麼內容", 0.8, "→"),
            c("deal_hunter", "化妝水+乳液 各30ml", 1.0, "→"),
            c("nana_sells", SEEDED_PRAISE_ZH, 1.5, spam=True),
            c("grumpycat88", "每次都8折 原價根本虛胖", 2.4, "噓"),
            c("tag_gift", "標記3位好友抽獎送光澤實驗室精華 分享就送!!", 3.0, spam=True),
            c("mikanmikan", "感謝情報", 5.5),
            c("money_line88", "加LINE賺錢 line id: ez_money88 每天輕鬆入帳", 6.5, "→", spam=True),
            c("rosehip", "Thanks, just ordered two bottles", 9.0),
            c("tofu_chen", "上次買的還沒用完QQ", 14.0, "→"),
            c("sakura_mi", "推推", 18.0),
        ),
    ),
    SamplePost(
        key="6F8", author="mikanmikan", days_ago=8.2,
        title="[問題] 光澤實驗室 新版精華 擦了過敏??",
        body="上個月買了光澤實驗室維C精華(新包裝那批)\n擦了三天臉頰又紅又癢 還冒了很多小痘痘\n\n"
             "之前舊版用都沒事\n想問有人也這樣嗎? 還是我突然變敏感",
        comments=(
            c("pinkfrog77", "我也是新版擦了過敏!!", 0.2, "噓"),
            c("lotus_lin", "新版好像改了配方 成分表不一樣", 0.7, "→"),
            c("cocoabean", "我擦新版也爆痘 超崩潰", 1.1, "噓"),
            c("", "先停用 去看皮膚科比較保險", 1.6, "→", malformed="no_author"),
            c("grumpycat88", "客服只叫我繼續擦說是排毒 傻眼", 2.4, "噓"),
            c("kiwi_milk", "舊版跟新版差在哪?", 3.0, "→"),
            c("lotus_lin", "新版多了香料跟酒精", 3.5, "→"),
            c("sakura_mi", "😱😱😱", 4.0, malformed="emoji_only"),
            c("nana_sells", "ib", 4.5, "→", spam=True),
            c("tofu_chen", "我用新版沒事耶 可能看膚質", 6.0, "→"),
            c("oily_boy", "光澤實驗室這次真的要出來說明", 8.0, "噓"),
            c("yuzu_tea", "Reported it to the brand, still no reply after 5 days", 10.0, "噓"),
            c("shop_tw_99", "正品代購 私訊 www.cheap-beauty-tw.example 全館5折", 11.0, "→", spam=True),
            c("mikanmikan", "謝謝大家 我先停用了", 12.0, "→"),
        ),
    ),
    SamplePost(
        key="7A1", author="lotus_lin (蓮)", days_ago=4.3,
        title="[心得] 敏感肌 保養分享 (水紗/花瓣理論)",
        body="敏感肌的保養清單分享\n\n化妝水: 花瓣理論 玫瑰化妝水 (香味重但不刺)\n"
             "防曬: 水紗清透防曬乳 (偶爾會刺 擦前先保濕)\n精華: 暫時停用光澤實驗室 等新版事件說明",
        comments=(
            c("kiwi_milk", "清單好實用", 0.5),
            c("sunnyday_tw", "花瓣理論真的溫和", 1.0),
            c("tag_gift", "標記3位好友抽獎送保養組!!! 留言+分享就送", 1.5, spam=True),
            c("cocoabean", "光澤實驗室那個事件還沒解決嗎", 2.2, "→"),
            c("lotus_lin", "還沒 客服一直已讀不回", 2.6, "→"),
            c("anon_ta", "", 3.0, "→", malformed="empty_text"),
            c("pinkfrog77", "Petal Theory toner is my holy grail", 5.0),
            c("grumpycat88", "水紗防曬對我還是太刺了", 8.0, "噓"),
            c("rosehip", "謝謝分享", 12.0),
        ),
    ),
    SamplePost(
        key="8B4", author="tofu_chen (豆腐)", days_ago=2.1,
        title="[討論] 光澤實驗室 客服回應過敏事件",
        body="光澤實驗室今天在官網發了聲明\n說新版精華成分合格 過敏是個人膚質問題\n"
             "願意退貨但要自付運費\n\n大家覺得這樣的回應 ok 嗎?",
        comments=(
            c("mikanmikan", "自付運費?? 太誇張", 0.2, "噓"),
            c("grumpycat88", "推卸責任 不會再買", 0.5, "噓"),
            c("yuzu_tea", "至少有回應了 比沒有好", 0.9, "→"),
            c("nana_sells", SEEDED_PRAISE_ZH, 1.2, spam=True),
            c("cocoabean", "舊版明明很好用 可惜了", 1.6, "→"),
            c("pinkfrog77", "我退貨了 客服態度很差", 2.0, "噓"),
            c("oily_boy", "Glow Lab needs a proper recall, not excuses", 3.0, "噓"),
            c("sakura_mi", ".", 3.5, "→", spam=True),
            c("lotus_lin", "希望他們改回舊配方", 5.0, "→"),
            c("kiwi_milk", "已經換成花瓣理論了", 7.0, "→"),
            c("tofu_chen", "我覺得聲明寫得很沒誠意", 9.0, "噓"),
            # Names the brand but is excluded by the demo query's "NOT job".
            c("rosehip", "Does anyone know if Glow Lab has a job opening? I'd like to work on QA there lol",
              12.0, "→"),
        ),
    ),
)

# ----------------------------------------------------------------------------------------------------
# VnExpress (Vietnamese, a few English). The server inlines the first two replies of a comment and serves the
# rest through getreplay, as the real API does for long threads.
# ----------------------------------------------------------------------------------------------------
VNEXPRESS_ARTICLES: tuple[SamplePost, ...] = (
    SamplePost(
        key="4900001", slug="serum-vitamin-c-glow-lab-hieu-qua-that-hay-chi-la-quang-cao", author="Minh An",
        days_ago=26.4,
        title="Serum vitamin C Glow Lab: hiệu quả thật hay chỉ là quảng cáo?",
        body="Dòng serum vitamin C của Glow Lab được giới trẻ săn lùng, bác sĩ da liễu khuyên nên thử "
             "trên vùng da nhỏ trước khi dùng toàn mặt.",
        comments=(
            c("Thu Trang", "Mình dùng Glow Lab được 2 tháng, da sáng hơn thấy rõ, vết thâm mờ đi nhiều.", 1.0,
              likes=52, replies=(
                  c("Hoàng Nam", "Mình cũng vậy, dùng buổi sáng rất thấm.", 2.0, likes=6),
                  c("Lan Anh", "Bạn mua ở đâu để chắc chính hãng vậy?", 3.0, likes=2),
                  c("Thu Trang", "Mình mua trên website của hãng nhé.", 4.0, likes=3),
              )),
            c("Quốc Bảo", "Giá hơi cao so với mặt bằng chung, nhưng chất lượng ổn.", 1.5, likes=18),
            c("Kho sỉ mỹ phẩm", "Inbox zalo 09xx.xxx.xxx giá sỉ serum Glow Lab chính hãng, ship toàn quốc",
              2.0, spam=True),
            c("Ngọc Hân", "Da nhạy cảm dùng có bị kích ứng không mọi người?", 3.5, likes=7, replies=(
                c("Bác sĩ Tuấn", "Bạn nên thử ở vùng da sau tai 2-3 ngày trước.", 5.0, likes=15),
            )),
            c("Shop Xinh Xinh", SEEDED_PRAISE_VI, 4.0, spam=True),
            c("Daniel P", "Tried it for a month, decent but nothing life-changing.", 6.0, likes=4),
            c("Minh Khoa", "Mình dùng thấy bình thường, không như quảng cáo.", 8.0, likes=9),
            c("Thảo Vy", "Mùi hơi khó chịu nhưng hiệu quả tốt.", 10.0, likes=5),
            c("Khách", "ib", 11.0, spam=True),
            c("Hải Yến", "Cảm ơn bài viết, rất hữu ích.", 15.0, likes=3),
            c("Phương Linh", "Dùng 3 tuần thì da đều màu hơn, sẽ mua lại.", 20.0, likes=11),
        ),
    ),
    SamplePost(
        key="4900002", slug="kem-chong-nang-aqua-veil-lot-top-ban-chay-mua-he", author="Thanh Hà",
        days_ago=18.2,
        title="Kem chống nắng Aqua Veil lọt top bán chạy mùa hè",
        body="Kem chống nắng Aqua Veil bán chạy trên các sàn thương mại điện tử nhờ kết cấu mỏng nhẹ, "
             "một số người dùng phản ánh cảm giác châm chích.",
        comments=(
            c("Bảo Ngọc", "Aqua Veil thấm nhanh, không bết dính, rất hợp da dầu.", 0.8, likes=33),
            c("Trọng Nghĩa", "Mình bôi bị châm chích quanh mắt, phải ngưng dùng.", 1.4, likes=21, replies=(
                c("Mai Phương", "Mình cũng bị, chắc do cồn trong thành phần.", 2.4, likes=4),
            )),
            c("Quà tặng 2024", "Tag 3 người bạn để nhận quà là 1 tuýp Aqua Veil miễn phí 🎁🎁", 2.0,
              spam=True),
            c("Kim Chi", "Giá bao nhiêu vậy mọi người?", 3.0, likes=2, replies=(
                c("Bảo Ngọc", "Khoảng 320k một tuýp 50ml.", 3.5, likes=1),
            )),
            c("Sarah L", "Best sunscreen I've used in Saigon humidity.", 5.0, likes=12),
            c("Đức Anh", "Chống nắng tốt nhưng hơi nâng tone, không tự nhiên lắm.", 7.0, likes=6),
            c("Kho sỉ mỹ phẩm", "Inbox zalo 09xx.xxx.xxx giá sỉ Aqua Veil, nhận làm CTV", 8.0, spam=True),
            c("Hồng Nhung", "CSKH của Aqua Veil trả lời nhanh, đổi hàng dễ.", 12.0, likes=8),
            c("Khách", ".", 13.0, spam=True),
            c("Tuấn Kiệt", "Mùa hè năm nào cũng mua, chưa thấy thất vọng.", 20.0, likes=10),
        ),
    ),
    SamplePost(
        key="4900003", slug="nguoi-dung-phan-anh-noi-mun-sau-khi-dung-serum-glow-lab-lo-moi",
        author="Minh An", days_ago=9.6,
        title="Người dùng phản ánh nổi mụn sau khi dùng serum Glow Lab lô mới",
        body="Nhiều người dùng cho biết bị nổi mụn, đỏ rát sau khi dùng serum Glow Lab bao bì mới; "
             "đại diện hãng nói sản phẩm đạt chuẩn.",
        comments=(
            c("Lan Anh", "Mình dùng lô mới bị nổi mụn ẩn khắp trán, lô cũ thì không sao.", 0.5, likes=88,
              replies=(
                c("Ngọc Hân", "Mình cũng bị y hệt, phải đi khám da liễu.", 1.0, likes=20),
                c("Quốc Bảo", "Lô mới đổi công thức mà không thông báo.", 1.5, likes=17),
                c("Thu Trang", "Buồn thật, trước đây mình rất thích sản phẩm này.", 2.5, likes=9),
                c("Shop Xinh Xinh", SEEDED_PRAISE_VI, 3.0, spam=True),
            )),
            c("Minh Khoa", "Gọi CSKH 3 lần không ai nghe máy, thái độ quá tệ.", 1.0, likes=64),
            c("Hải Yến", "Hãng cần thu hồi lô này và xin lỗi khách hàng.", 1.6, likes=45),
            c("Thảo Vy", LONG_COMMENT, 2.0, likes=3, malformed="long_text"),
            c("Shop Xinh Xinh", SEEDED_PRAISE_VI, 2.5, spam=True),
            c("Khách", "", 3.0, malformed="empty_text"),
            c("Daniel P", "Same here, broke out badly after switching to the new bottle.", 4.0, likes=12),
            c("Kho sỉ mỹ phẩm", "Cần thanh lý 200 chai Glow Lab giá rẻ, inbox zalo 09xx.xxx.xxx", 5.0,
              spam=True),
            c("Phương Linh", "Mình dùng lô mới vẫn ổn, có lẽ tùy cơ địa.", 6.0, likes=7),
            c("Trọng Nghĩa", "😡😡😡", 7.0, malformed="emoji_only"),
            c("Hoàng Nam", "Đã đổi sang Petal Theory, da dịu hẳn.", 9.0, likes=14),
            c("Mai Phương", "Có ai được hoàn tiền chưa? Mình gửi mail mãi không thấy trả lời.", 12.0,
              likes=19),
        ),
    ),
    SamplePost(
        key="4900004", slug="nuoc-hoa-hong-petal-theory-co-dang-tien", author="Thanh Hà",
        days_ago=3.2,
        title="Nước hoa hồng Petal Theory: có đáng tiền?",
        body="Nước hoa hồng Petal Theory được khen cấp ẩm tốt, số khác chê mùi hương quá nồng.",
        comments=(
            c("Hoàng Nam", "Petal Theory dịu nhẹ, da nhạy cảm dùng rất ổn.", 0.6, likes=25),
            c("Kim Chi", "Mùi hoa hồng nồng quá, mình không chịu được.", 1.2, likes=9),
            c("Quà tặng 2024", "Tag 3 người bạn để nhận quà nước hoa hồng Petal Theory!!! 🌹🌹", 1.5,
              spam=True),
            c("Sarah L", "Lovely toner, a bit pricey though.", 3.0, likes=4),
            c("Hồng Nhung", "Chai 200ml dùng được hơn 2 tháng, đáng tiền.", 4.5, likes=11, replies=(
                c("Kim Chi", "Vậy cũng tiết kiệm ha.", 5.0, likes=1),
            )),
            c("Shop Xinh Xinh", SEEDED_PRAISE_VI, 5.5, spam=True),
            c("Đức Anh", "Có ai so sánh với Glow Lab chưa?", 8.0, likes=2),
            c("Tuấn Kiệt", "Giao hàng nhanh, đóng gói cẩn thận.", 12.0, likes=3),
            c("Khách", "ib giá", 14.0, spam=True),
        ),
    ),
)

# ----------------------------------------------------------------------------------------------------
# Naver news (Korean). Keys are "oid/aid" (3 + 10 digits, as Naver's are).
# ----------------------------------------------------------------------------------------------------
NAVER_ARTICLES: tuple[SamplePost, ...] = (
    SamplePost(
        key="015/0004900001", author="김가상 기자", days_ago=22.3,
        title="글로우랩 비타민C 세럼, 헬스앤뷰티 스토어 판매 1위",
        body="화장품 브랜드 글로우랩의 비타민C 세럼이 출시 석 달 만에 헬스앤뷰티 스토어 세럼 부문 판매 1위에 "
             "올랐다.\n\n회사 측은 20~30대 소비자의 재구매율이 높다고 설명했다.",
        comments=(
            c("sky_****", "글로우랩 세럼 써봤는데 진짜 피부 톤이 밝아졌어요 재구매 의사 있습니다", 0.5,
              likes=152, dislikes=4),
            c("moon****", "가격이 좀 비싸긴 한데 효과는 확실해요", 1.0, likes=61, dislikes=8),
            c("even****", "친구 태그하면 추첨으로 글로우랩 세럼 드려요!! 👉 @친구 태그", 1.4, likes=1,
              dislikes=37, spam=True),
            c("jiny****", "광고 기사 같네요", 2.0, likes=40, dislikes=22),
            c("hana****", SEEDED_PRAISE_KO, 2.5, likes=0, dislikes=15, spam=True),
            c("park****", "민감성 피부인데 따갑지 않아서 좋았어요", 3.0, likes=33, dislikes=1),
            c("soo_****", "", 3.5, malformed="empty_text"),  # a sticker-only comment: no text at all
            c("leek****", "Tried it while visiting Seoul, pretty good!", 5.0, likes=5),
            c("ddal****", "올리브영에서 할인할 때 사세요", 8.0, likes=12),
            c("mart****", "부업으로 월 300 가능 카톡 문의 주세요 open.kakao.example/xyz", 9.0, dislikes=20,
              spam=True),
        ),
    ),
    SamplePost(
        key="009/0005300002", author="이가상 기자", days_ago=14.1,
        title="아쿠아베일 선크림, '백탁 없는 선크림'으로 인기",
        body="아쿠아베일의 수분 선크림이 백탁 현상이 없다는 입소문을 타고 판매가 늘고 있다.\n\n"
             "일부 소비자는 눈가 따가움을 호소하기도 했다.",
        comments=(
            c("cool****", "아쿠아베일 선크림 가볍고 촉촉해서 여름에 딱이에요", 0.4, likes=77, dislikes=3),
            c("rain****", "눈에 들어가면 엄청 따가워요 조심하세요", 0.9, likes=45, dislikes=2),
            c("star****", "백탁 없는 건 맞아요", 1.5, likes=20),
            c("even****", "친구 태그하면 추첨으로 아쿠아베일 선크림 증정!! 댓글 달고 참여하세요", 2.0,
              dislikes=30, spam=True),
            c("blue****", "고객센터 응대가 친절했어요 교환도 빨리 됨", 3.0, likes=18),
            c("jiny****", "가격 대비 용량이 적어요", 4.0, likes=9, dislikes=1),
            c("hana****", "ㅇㅇ", 5.0, spam=True),
            c("gold****", SEEDED_PRAISE_KO, 5.5, dislikes=9, spam=True),
            c("nami****", "🌞🌞🌞", 6.0, likes=2, malformed="emoji_only"),
            c("kimm****", "페탈띠어리 선크림이랑 비교하면 어떤가요?", 8.0, likes=3),
            c("mart****", "카톡 문의 주세요 정품 최저가 open.kakao.example/xyz", 9.0, dislikes=12, spam=True),
        ),
    ),
    SamplePost(
        key="421/0007400003", author="박가상 기자", days_ago=6.2,
        title="글로우랩 신제품 피부 트러블 논란…회사 측 \"성분 문제 없어\"",
        body="글로우랩 비타민C 세럼 새 제품을 쓴 뒤 피부 트러블이 생겼다는 소비자 불만이 잇따르고 있다.\n\n"
             "회사 측은 \"성분에는 문제가 없다\"는 입장이다.",
        comments=(
            c("moon****", "저도 새 제품 쓰고 트러블이 올라왔어요 ㅠㅠ 예전 거는 괜찮았는데", 0.3, likes=210,
              dislikes=5),
            c("sky_****", "고객센터에 전화했더니 계속 쓰라고만 하네요 황당", 0.8, likes=180, dislikes=3),
            c("park****", "환불 절차가 너무 복잡해요", 1.2, likes=95, dislikes=2),
            c("hana****", SEEDED_PRAISE_KO, 1.6, dislikes=60, spam=True),
            c("jiny****", "저는 새 제품 써도 괜찮던데 개인차 아닐까요", 2.0, likes=15, dislikes=40),
            c("cool****", "페탈띠어리로 갈아탔는데 훨씬 순해요", 3.0, likes=44, dislikes=6),
            c("even****", "친구 태그하면 추첨으로 보상 쿠폰 드려요", 3.5, dislikes=25, spam=True),
            c("leek****", "The company should just recall the new batch.", 5.0, likes=30),
            c("ddal****", "회사 해명이 너무 성의 없네요", 6.0, likes=88, dislikes=4),
            c("rain****", "피부과 다녀왔는데 접촉성 피부염이래요", 8.0, likes=120, dislikes=1),
            c("hana****", ".", 9.0, spam=True),
        ),
    ),
)
# fmt: on


SITES: dict[str, tuple[SamplePost, ...]] = {
    "ptt": PTT_THREADS,
    "vnexpress": VNEXPRESS_ARTICLES,
    "naver_news": NAVER_ARTICLES,
}


@dataclass(frozen=True)
class LabelledText:
    platform: str  # as the spiders name it: ptt | vnexpress | naver_news
    post_key: str
    text: str
    spam: bool
    malformed: str | None


def flatten(comments: tuple[SampleComment, ...]) -> list[SampleComment]:
    """Comments and their replies, depth first, in page order."""
    result: list[SampleComment] = []
    for comment in comments:
        result.append(comment)
        result.extend(flatten(comment.replies))
    return result


def labelled_comments() -> list[LabelledText]:
    """Every sample comment and reply with its seeded-spam flag: what the spam classifier should find."""
    return [
        LabelledText(platform, post.key, comment.text, comment.spam, comment.malformed)
        for platform, posts in SITES.items()
        for post in posts
        for comment in flatten(post.comments)
    ]


def seeded_spam_texts() -> list[str]:
    """Texts of the comments seeded as spam (with repeats: copy-pasted praise appears several times)."""
    return [item.text for item in labelled_comments() if item.spam]
