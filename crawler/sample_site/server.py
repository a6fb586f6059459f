"""The bundled demo site: PTT-, VnExpress- and Naver-like pages and APIs over local HTTP.

    with serve_sample_site() as site:
        for spider, args in site.spider_args():
            ...  # crawl `spider` with `args`: every base URL points at this server

Pages copy each source's markup and quirks (PTT's over18 gate and "‹ 上頁" paging, VnExpress's offset paging
with inline replies and ``getreplay``, Naver's JSONP wrapper that needs a ``Referer``) so the real spiders run
unchanged. Content comes from ``crawler.sample_site.data``; dates are computed from when the server starts.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from crawler.parsing import HO_CHI_MINH, SEOUL, TAIPEI
from crawler.sample_site import data
from crawler.sample_site.data import SampleComment, SamplePost

ROBOTS_TXT = "User-agent: *\nAllow: /ptt/\nAllow: /vnexpress/\nAllow: /naver/\nDisallow: /admin/\n"
PTT_PAGE_SIZE = 5
VNEXPRESS_SEARCH_PAGE_SIZE = 1  # small, so the spider's search paging runs on the demo too
VNEXPRESS_MAX_LIMIT = 5  # the API caps ``limit``, so offset paging runs on the demo too
VNEXPRESS_INLINE_REPLIES = 2
NAVER_MAX_PAGE_SIZE = 4
VI_WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
PTT_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PTT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class Reply:
    status: int
    content_type: str
    body: str


def _digest(*parts: object) -> int:
    return int(hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def _fake_ip(*parts: object) -> str:
    # Documentation-only ranges (RFC 5737): never a real visitor's address.
    value = _digest(*parts)
    prefix = ("192.0.2", "198.51.100", "203.0.113")[value % 3]
    return f"{prefix}.{value % 250 + 1}"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


class SampleContent:
    """Renders every page of the sample site for one ``now``."""

    def __init__(self, now: datetime) -> None:
        self.now = now.astimezone(UTC)

    # -- times ----------------------------------------------------------------------------------------------

    def post_time(self, post: SamplePost) -> datetime:
        return self.now - timedelta(days=post.days_ago)

    def comment_time(self, post: SamplePost, comment: SampleComment) -> datetime:
        # Never in the future, whatever the offsets say.
        written = self.post_time(post) + timedelta(hours=comment.hours_after)
        return min(written, self.now - timedelta(minutes=1))

    # -- PTT ------------------------------------------------------------------------------------------------

    def ptt_id(self, post: SamplePost) -> str:
        return f"M.{int(self.post_time(post).timestamp())}.A.{post.key}"

    def ptt_pages(self) -> list[list[SamplePost]]:
        """Index pages, oldest first; the last one is the newest (index.html)."""
        threads = list(data.PTT_THREADS)
        pages: list[list[SamplePost]] = []
        while threads:
            pages.insert(0, threads[-PTT_PAGE_SIZE:])
            threads = threads[:-PTT_PAGE_SIZE]
        return pages

    def ptt_index(self, prefix: str, number: int | None) -> Reply:
        board = data.PTT_BOARD
        pages = self.ptt_pages()
        number = len(pages) if number is None else number
        if not 1 <= number <= len(pages):
            return Reply(404, "text/html; charset=utf-8", "<html><body>404 - Not Found.</body></html>")
        base = f"{prefix}/bbs/{board}"
        prev_link = (f'<a class="btn wide" href="{base}/index{number - 1}.html">&lsaquo; 上頁</a>'
                     if number > 1 else '<a class="btn wide disabled">&lsaquo; 上頁</a>')
        next_link = (f'<a class="btn wide" href="{base}/index{number + 1}.html">下頁 &rsaquo;</a>'
                     if number < len(pages) else '<a class="btn wide disabled">下頁 &rsaquo;</a>')
        rows = [self._ptt_row(base, post) for post in pages[number - 1]]
        if number == len(pages):
            # The newest page also shows a deleted post and the pinned board rules, as the real board does.
            rows.insert(len(rows) // 2, self._ptt_deleted_row())
            rows.append('<div class="r-list-sep"></div>')
            rows.append(self._ptt_row(base, self.ptt_rules(), mark="M"))
        body = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>看板 {board} 文章列表 - 批踢踢實業坊 (sample)</title>
</head>
<body>
<div id="topbar-container"><div id="topbar" class="bbs-content">
<a id="logo" href="{prefix}/bbs/">批踢踢實業坊</a><span>&rsaquo;</span>
<a class="board" href="{base}/index.html"><span class="board-label">看板 </span>{board}</a>
</div></div>
<div id="main-container">
<div id="action-bar-container"><div class="action-bar">
<div class="btn-group btn-group-dir">
<a class="btn selected" href="{base}/index.html">看板</a>
<a class="btn" href="{prefix}/man/{board}/index.html">精華區</a>
</div>
<div class="btn-group btn-group-paging">
<a class="btn wide" href="{base}/index1.html">最舊</a>
{prev_link}
{next_link}
<a class="btn wide" href="{base}/index.html">最新</a>
</div>
</div></div>
<div class="r-list-container action-bar-margin bbs-screen">
{"".join(rows)}
</div>
</div>
</body>
</html>
"""
        return Reply(200, "text/html; charset=utf-8", body)

    def ptt_rules(self) -> SamplePost:
        return SamplePost(
            key="0AA", title=f"[公告] {data.PTT_BOARD} 板規 (請先閱讀)", author="boardmod01 (板主)",
            days_ago=60, body="1. 禁止商業廣告\n2. 禁止人身攻擊\n3. 心得文請附使用時間", comments=(),
        )

    def _ptt_row(self, base: str, post: SamplePost, mark: str = "") -> str:
        local = self.post_time(post).astimezone(TAIPEI)
        ups = sum(1 for p in post.comments if p.tag == "推")
        downs = sum(1 for p in post.comments if p.tag == "噓")
        score = ups - downs
        nrec = f'<span class="hl f{2 if score < 10 else 3}">{score}</span>' if score > 0 else ""
        return f"""
<div class="r-ent">
<div class="nrec">{nrec}</div>
<div class="title">
<a href="{base}/{self.ptt_id(post)}.html">{_esc(post.title)}</a>
</div>
<div class="meta">
<div class="author">{_esc(post.author.split(" ")[0])}</div>
<div class="article-menu"></div>
<div class="date">{local.month:>2}/{local.day:02d}</div>
<div class="mark">{mark}</div>
</div>
</div>"""

    def _ptt_deleted_row(self) -> str:
        local = (self.now - timedelta(days=6)).astimezone(TAIPEI)
        return f"""
<div class="r-ent">
<div class="nrec"></div>
<div class="title">
(本文已被刪除) [spam_bot_01]
</div>
<div class="meta">
<div class="author">-</div>
<div class="article-menu"></div>
<div class="date">{local.month:>2}/{local.day:02d}</div>
<div class="mark"></div>
</div>
</div>"""

    def ptt_article(self, prefix: str, article_id: str) -> Reply:
        posts = {self.ptt_id(p): p for p in (*data.PTT_THREADS, self.ptt_rules())}
        post = posts.get(article_id)
        if post is None:
            return Reply(404, "text/html; charset=utf-8", "<html><body>404 - Not Found.</body></html>")
        board = data.PTT_BOARD
        local = self.post_time(post).astimezone(TAIPEI)
        shown = (f"{PTT_WEEKDAYS[local.weekday()]} {PTT_MONTHS[local.month - 1]} {local.day:>2} "
                 f"{local:%H:%M:%S} {local.year}")
        author_id = post.author.split(" ")[0]
        url = f"https://www.ptt.cc/bbs/{board}/{article_id}.html"
        pushes = []
        for comment in post.comments:
            when = self.comment_time(post, comment).astimezone(TAIPEI)
            tag_class = "hl push-tag" if comment.tag == "推" else "f1 hl push-tag"
            pushes.append(
                f'<div class="push"><span class="{tag_class}">{comment.tag} </span>'
                f'<span class="f3 hl push-userid">{_esc(comment.author)}</span>'
                f'<span class="f3 push-content">: {_esc(comment.text)}</span>'
                f'<span class="push-ipdatetime"> {_fake_ip(comment.author)} {when:%m/%d %H:%M}\n</span></div>'
            )
        body = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(post.title)} - 看板 {board} - 批踢踢實業坊 (sample)</title>
<meta property="og:site_name" content="Ptt 批踢踢實業坊">
<meta property="og:title" content="{_esc(post.title)}">
</head>
<body>
<div id="main-container">
<div id="main-content" class="bbs-screen bbs-content"><div class="article-metaline"><span class="article-meta-tag">作者</span><span class="article-meta-value">{_esc(post.author)}</span></div><div class="article-metaline-right"><span class="article-meta-tag">看板</span><span class="article-meta-value">{board}</span></div><div class="article-metaline"><span class="article-meta-tag">標題</span><span class="article-meta-value">{_esc(post.title)}</span></div><div class="article-metaline"><span class="article-meta-tag">時間</span><span class="article-meta-value">{shown}</span></div>
{_esc(post.body)}

--
<span class="f2">※ 發信站: 批踢踢實業坊(ptt.cc), 來自: {_fake_ip(author_id)} (臺灣)
</span><span class="f2">※ 文章網址: <a href="{url}" target="_blank" rel="noopener noreferrer nofollow">{url}</a>
</span>{"".join(pushes)}</div>
</div>
</body>
</html>
"""  # noqa: E501 - one line per metaline block, as PTT serves it
        return Reply(200, "text/html; charset=utf-8", body)

    @staticmethod
    def ptt_over18(path: str) -> Reply:
        body = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>批踢踢實業坊</title></head>
<body>
<div class="bbs-screen bbs-content">
<div class="over18-notice">
<p>本網站已依網站內容分級規定處理</p>
<p>警告︰您即將進入之看板內容需滿十八歲方可瀏覽。</p>
</div>
</div>
<div class="bbs-screen bbs-content center clear">
<form action="/ask/over18" method="post">
<input type="hidden" name="from" value="{_esc(path)}">
<button class="btn-big" type="submit" name="yes" value="yes">我同意，我已年滿十八歲<br>
<small>進入</small></button>
<button class="btn-big" type="submit" name="no" value="no">未滿十八歲或不同意本條款<br>
<small>離開</small></button>
</form>
</div>
</body></html>
"""
        return Reply(200, "text/html; charset=utf-8", body)

    # -- VnExpress ------------------------------------------------------------------------------------------

    @staticmethod
    def vnexpress_comment_ids(post: SamplePost) -> dict[int, str]:
        """Stable comment ids: 5xxxxxxx numbers derived from the article id and the comment's position."""
        base = 50_000_000 + int(post.key) % 10_000 * 1_000
        return {id(comment): str(base + n) for n, comment in enumerate(data.flatten(post.comments), start=1)}

    def vnexpress_url(self, prefix: str, post: SamplePost) -> str:
        return f"{prefix}/{post.slug}-{post.key}.html"

    def vnexpress_search(self, prefix: str, query: str, page: int) -> Reply:
        needle = query.strip().lower()
        found = [p for p in reversed(data.VNEXPRESS_ARTICLES)
                 if needle and needle in f"{p.title} {p.body}".lower()]
        start = (page - 1) * VNEXPRESS_SEARCH_PAGE_SIZE
        shown = found[start:start + VNEXPRESS_SEARCH_PAGE_SIZE]
        items = "\n".join(
            f"""<article class="item-news item-news-common" data-url="{self.vnexpress_url(prefix, p)}" """
            f"""data-publishtime="{int(self.post_time(p).timestamp())}">
<h3 class="title-news"><a data-medium="Item-{n}" href="{self.vnexpress_url(prefix, p)}" """
            f"""title="{_esc(p.title)}">{_esc(p.title)}</a></h3>
<p class="description"><a href="{self.vnexpress_url(prefix, p)}">{_esc(p.body)}</a></p>
</article>"""
            for n, p in enumerate(shown, start=start + 1)
        )
        search = f"{prefix}/search/?q={quote(query)}&media_type=article"
        more = start + VNEXPRESS_SEARCH_PAGE_SIZE < len(found)
        next_href = f"{search}&amp;page={page + 1}" if more else "javascript:;"
        next_link = f'<a href="{next_href}" class="btn-page next-page{"" if more else " disable"}"></a>'
        empty = "" if found else '<p class="no-result">Không tìm thấy kết quả phù hợp</p>'
        body = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>Tìm kiếm "{_esc(query)}" - VnExpress (sample)</title></head>
<body>
<div class="width_common list-news-subfolder" id="result_search">
{items}{empty}
</div>
<div id="pagination" class="width_common pagination flexbox"><div class="button-page flexbox">
<a href="javascript:;" class="active">{page}</a>
{next_link}
</div></div>
</body></html>
"""
        return Reply(200, "text/html; charset=utf-8", body)

    def vnexpress_article(self, prefix: str, article_id: str) -> Reply:
        post = next((p for p in data.VNEXPRESS_ARTICLES if p.key == article_id), None)
        if post is None:
            return Reply(404, "text/html; charset=utf-8", "<html><body>404</body></html>")
        published = self.post_time(post)
        local = published.astimezone(HO_CHI_MINH)
        weekday = VI_WEEKDAYS[local.weekday()]
        shown = f"{weekday}, {local.day}/{local.month}/{local.year}, {local:%H:%M} (GMT+7)"
        config = json.dumps({"type": "comment", "article_id": post.key, "article_type": "1",
                             "site_id": "1000000", "category_id": "1003750", "limit": 24})
        body = f"""<!DOCTYPE html>
<html lang="vi">
<head>
<title>{_esc(post.title)} - VnExpress (sample)</title>
<meta charset="utf-8">
<meta name="description" content="{_esc(post.body)} - VnExpress" />
<meta name="tt_article_id" content="{post.key}" />
<meta name="tt_site_id" content="1000000" />
<meta property="og:url" content="https://vnexpress.net/{post.slug}-{post.key}.html" />
<meta content="{_esc(post.title)}" itemprop="headline" property="og:title" />
<meta content="{_esc(post.body)}" itemprop="description" property="og:description" />
<meta content="{local.isoformat(timespec="seconds")}" itemprop="datePublished" name="pubdate" />
<meta name="its_id" content="{post.key}" />
<meta name="its_publication" content="{int(published.timestamp())}" />
</head>
<body>
<section class="section page-detail top-detail"><div class="container"><div class="sidebar-1">
<div class="header-content width_common"><span class="date">{shown}</span></div>
<h1 class="title-detail">{_esc(post.title)}</h1>
<p class="description"><span class="location-stamp">TP HCM</span>{_esc(post.body)}</p>
<article class="fck_detail">
<p class="Normal" style="text-align:right;"><strong>{_esc(post.author)}</strong></p>
</article>
</div></div></section>
<section class="section page-detail middle-detail"><div class="container"><div class="sidebar-1">
<div id="box_comment_vne" data-component="true" data-component-type="comment_library"
 class="box_comment_vne box_category width_common" data-component-function="showComment"
 data-component-input='{_esc(config)}'></div>
</div></div></section>
</body>
</html>
"""
        return Reply(200, "text/html; charset=utf-8", body)

    def _vnexpress_item(self, post: SamplePost, comment: SampleComment, ids: dict[int, str],
                        parent_id: str | None) -> dict[str, Any]:
        comment_id = ids[id(comment)]
        created = self.comment_time(post, comment)
        hours = max(int((self.now - created).total_seconds() // 3600), 1)
        item: dict[str, Any] = {
            "comment_id": comment_id,
            "parent_id": parent_id or comment_id,
            "article_id": int(post.key),
            "content": html.escape(comment.text, quote=False),
            "full_name": comment.author,
            "creation_time": int(created.timestamp()),
            "time": f"{hours}h trước" if hours < 24 else f"{hours // 24} ngày trước",
            "userlike": comment.likes,
            "t_r_1": comment.likes // 3, "t_r_2": comment.likes // 7, "t_r_3": 0, "t_r_4": 0,
            # Guests ("Khách") have no account.
            "userid": None if comment.author == "Khách" else 1_060_000_000 + _digest(comment.author) % 10**7,
            "type": 6,
            "like_ismember": False,
        }
        if parent_id is None:
            inline = comment.replies[:VNEXPRESS_INLINE_REPLIES]
            item["replys"] = (
                {"total": len(comment.replies),
                 "items": [self._vnexpress_item(post, r, ids, comment_id) for r in inline]}
                if comment.replies else {}
            )
        return item

    def vnexpress_comments(self, params: dict[str, str]) -> Reply:
        post = next((p for p in data.VNEXPRESS_ARTICLES if p.key == params.get("objectid")), None)
        if post is None or params.get("siteid") != "1000000":
            return self._vnexpress_error(2, "Không tìm thấy đối tượng")
        offset, limit = self._offset_limit(params)
        ids = self.vnexpress_comment_ids(post)
        ranked = list(post.comments)
        if params.get("sort") == "like":
            ranked.sort(key=lambda c: -c.likes)
        items = [self._vnexpress_item(post, c, ids, None) for c in ranked[offset:offset + limit]]
        total_items = len(data.flatten(post.comments))
        payload = {"error": 0, "errorDescription": "", "iscomment": 1,
                   "data": {"total": len(post.comments), "totalitem": total_items, "offset": offset,
                            "items": items}}
        return Reply(200, "application/json; charset=utf-8", json.dumps(payload))

    def vnexpress_replies(self, params: dict[str, str]) -> Reply:
        post = next((p for p in data.VNEXPRESS_ARTICLES if p.key == params.get("objectid")), None)
        if post is None:
            return self._vnexpress_error(2, "Không tìm thấy đối tượng")
        ids = self.vnexpress_comment_ids(post)
        parent = next((c for c in post.comments if ids[id(c)] == params.get("id")), None)
        if parent is None:
            return self._vnexpress_error(3, "Không tìm thấy bình luận")
        offset, limit = self._offset_limit(params)
        items = [self._vnexpress_item(post, r, ids, ids[id(parent)])
                 for r in parent.replies[offset:offset + limit]]
        payload = {"error": 0, "errorDescription": "",
                   "data": {"items": items, "offset": offset, "parent_id": int(ids[id(parent)])}}
        return Reply(200, "application/json; charset=utf-8", json.dumps(payload))

    @staticmethod
    def _offset_limit(params: dict[str, str]) -> tuple[int, int]:
        try:
            offset = max(int(params.get("offset", "0")), 0)
            limit = min(max(int(params.get("limit", "24")), 1), VNEXPRESS_MAX_LIMIT)
        except ValueError:
            offset, limit = 0, VNEXPRESS_MAX_LIMIT
        return offset, limit

    @staticmethod
    def _vnexpress_error(code: int, message: str) -> Reply:
        return Reply(200, "application/json; charset=utf-8",
                     json.dumps({"error": code, "errorDescription": message, "data": []}))

    # -- Naver ----------------------------------------------------------------------------------------------

    def naver_article(self, oid: str, aid: str) -> Reply:
        post = next((p for p in data.NAVER_ARTICLES if p.key == f"{oid}/{aid}"), None)
        if post is None:
            return Reply(404, "text/html; charset=utf-8", "<html><body>404</body></html>")
        local = self.post_time(post).astimezone(SEOUL)
        half = "오전" if local.hour < 12 else "오후"
        shown = f"{local:%Y.%m.%d}. {half} {(local.hour % 12) or 12}:{local:%M}"
        paragraphs = "<br><br>".join(_esc(part) for part in post.body.split("\n\n"))
        body = f"""<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<title>{_esc(post.title)} : 네이버 뉴스 (sample)</title>
<meta property="og:title" content="{_esc(post.title)}">
<meta property="og:type" content="article">
<meta property="og:article:author" content="가상뉴스 | 네이버">
</head>
<body>
<div id="ct" class="newsct" role="main">
<div class="media_end_head go_trans">
<div class="media_end_head_title"><h2 id="title_area" class="media_end_head_headline"><span>{_esc(post.title)}</span></h2></div>
<div class="media_end_head_info_datestamp"><div class="media_end_head_info_datestamp_bunch">
<span class="media_end_head_info_datestamp_term">입력</span>
<span class="media_end_head_info_datestamp_time _ARTICLE_DATE_TIME" data-date-time="{local:%Y-%m-%d %H:%M:%S}">{shown}</span>
</div></div>
</div>
<div id="newsct_article" class="newsct_article _article_body">
<article id="dic_area" class="go_trans _article_content">
{paragraphs}<br><br>{_esc(post.author)}
</article>
</div>
</div>
</body>
</html>
"""  # noqa: E501 - markup kept on the lines Naver uses
        return Reply(200, "text/html; charset=utf-8", body)

    def naver_comments(self, params: dict[str, str], referer: str | None) -> Reply:
        callback = params.get("_callback") or "_callback"
        object_id = params.get("objectId", "")
        post = next((p for p in data.NAVER_ARTICLES if f"news{p.key.replace('/', ',')}" == object_id), None)

        def wrap(payload: dict[str, Any]) -> Reply:
            return Reply(200, "application/javascript; charset=utf-8",
                         f"{callback}({json.dumps(payload, ensure_ascii=False)});")

        error = {"success": False, "lang": "ko", "country": "KR", "result": {}}
        if post is None:
            return wrap({**error, "code": "5002", "message": "존재하지 않는 기사입니다."})
        if not referer or f"/article/{post.key}" not in referer:
            # The real API refuses requests that do not come from the article page.
            return wrap({**error, "code": "3999", "message": "잘못된 접근입니다."})
        try:
            page = max(int(params.get("page", "1")), 1)
            size = min(max(int(params.get("pageSize", "20")), 1), NAVER_MAX_PAGE_SIZE)
        except ValueError:
            page, size = 1, NAVER_MAX_PAGE_SIZE
        # Naver's default order is by sympathy; numbers follow posting order.
        ranked = sorted(enumerate(post.comments, start=1), key=lambda pair: -pair[1].likes)
        pages = max((len(ranked) + size - 1) // size, 1)
        shown = ranked[(page - 1) * size:page * size]
        comments = []
        base_no = 4_000_000_000 + int(post.key.split("/")[1]) % 100_000 * 100
        for position, comment in shown:
            number = base_no + position
            when = self.comment_time(post, comment).astimezone(SEOUL).strftime("%Y-%m-%dT%H:%M:%S%z")
            comments.append({
                "ticket": "news", "objectId": object_id, "templateId": "default_society",
                "commentNo": number, "parentCommentNo": number, "replyLevel": 1,
                "replyCount": 0, "replyAllCount": 0,
                "commentType": "stk" if not comment.text else "txt",
                "contents": comment.text,
                "userIdNo": f"{_digest(comment.author):x}"[:6],
                "userName": comment.author, "maskedUserId": comment.author,
                "regTime": when, "modTime": when,
                "sympathyCount": comment.likes, "antipathyCount": comment.dislikes,
                "deleted": False, "blind": False, "secret": False, "anonymous": False,
            })
        payload = {
            "success": True, "code": "1000", "message": "요청을 성공적으로 처리하였습니다.",
            "lang": "ko", "country": "KR",
            "result": {
                "commentList": comments,
                "pageModel": {"page": page, "pageSize": size, "indexSize": 10, "totalRows": len(ranked),
                              "totalPages": pages, "firstPage": 1, "lastPage": pages,
                              "prevPage": page - 1, "nextPage": page + 1 if page < pages else 0},
                "count": {"comment": len(ranked), "reply": 0, "exposeCount": len(ranked),
                          "total": len(ranked)},
                "sort": "FAVORITE",
            },
            "date": self.now.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        }
        return wrap(payload)

    # -- routing --------------------------------------------------------------------------------------------

    def route(self, path: str, params: dict[str, str], headers: dict[str, str]) -> Reply:
        if path == "/robots.txt":
            return Reply(200, "text/plain; charset=utf-8", ROBOTS_TXT)
        if path == "/":
            return Reply(200, "text/html; charset=utf-8",
                         '<html><body><h1>brandpulse sample site</h1><ul>'
                         f'<li><a href="/ptt/bbs/{data.PTT_BOARD}/index.html">PTT</a></li>'
                         '<li><a href="/vnexpress/search/?q=glow%20lab">VnExpress</a></li>'
                         '</ul></body></html>')
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["ptt"]:
            return self._route_ptt(path, parts[1:], headers)
        if parts[:1] == ["vnexpress"]:
            return self._route_vnexpress(parts[1:], params)
        if parts[:1] == ["naver"]:
            return self._route_naver(parts[1:], params, headers)
        return Reply(404, "text/plain; charset=utf-8", "not found")

    def _route_ptt(self, path: str, parts: list[str], headers: dict[str, str]) -> Reply:
        cookie = SimpleCookie(headers.get("cookie", ""))
        if len(parts) == 3 and parts[0] == "bbs" and parts[1] == data.PTT_BOARD:
            if "over18" not in cookie or cookie["over18"].value != "1":
                return self.ptt_over18(path)
            name = parts[2]
            if name == "index.html":
                return self.ptt_index("/ptt", None)
            if name.startswith("index") and name.endswith(".html") and name[5:-5].isdigit():
                return self.ptt_index("/ptt", int(name[5:-5]))
            if name.startswith("M.") and name.endswith(".html"):
                return self.ptt_article("/ptt", name[:-5])
        return Reply(404, "text/html; charset=utf-8", "<html><body>404 - Not Found.</body></html>")

    def _route_vnexpress(self, parts: list[str], params: dict[str, str]) -> Reply:
        if parts == ["search"]:
            try:
                page = max(int(params.get("page", "1")), 1)
            except ValueError:
                page = 1
            return self.vnexpress_search("/vnexpress", params.get("q", ""), page)
        if parts == ["api", "index", "get"]:
            return self.vnexpress_comments(params)
        if parts == ["api", "index", "getreplay"]:
            return self.vnexpress_replies(params)
        if len(parts) == 1 and parts[0].endswith(".html"):
            return self.vnexpress_article("/vnexpress", parts[0][:-5].rsplit("-", 1)[-1])
        return Reply(404, "text/html; charset=utf-8", "<html><body>404</body></html>")

    def _route_naver(self, parts: list[str], params: dict[str, str], headers: dict[str, str]) -> Reply:
        if len(parts) == 3 and parts[0] == "article":
            return self.naver_article(parts[1], parts[2])
        if parts == ["api", "comments.json"]:
            return self.naver_comments(params, headers.get("referer"))
        return Reply(404, "text/html; charset=utf-8", "<html><body>404</body></html>")


class _Handler(BaseHTTPRequestHandler):
    content: SampleContent  # set on the per-server subclass
    server_version = "brandpulse-sample/1.0"

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        split = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            reply = self.content.route(split.path, params, headers)
        except Exception as exc:  # noqa: BLE001 - a demo server answers 500 instead of dying
            reply = Reply(500, "text/plain; charset=utf-8", f"internal error: {exc.__class__.__name__}")
        body = reply.body.encode("utf-8")
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        pass  # quiet: the crawl logs what matters


@dataclass
class SampleSite:
    """A running sample site."""

    base_url: str
    now: datetime

    def spider_args(self) -> list[tuple[str, dict[str, str]]]:
        """(spider name, spider arguments) pairs that point each spider at this server."""
        naver_keys = ",".join(p.key for p in data.NAVER_ARTICLES)
        return [
            ("ptt", {"boards": data.PTT_BOARD, "base_url": f"{self.base_url}/ptt", "max_pages": "3"}),
            ("vnexpress", {
                "keywords": "glow lab,aqua veil,petal theory",
                "search_url": f"{self.base_url}/vnexpress/search/",
                "comments_api": f"{self.base_url}/vnexpress/api",
                "max_pages": "3",
            }),
            ("naver_comments", {
                "articles": naver_keys,
                "api_url": f"{self.base_url}/naver/api/comments.json",
                "article_base": f"{self.base_url}/naver/article",
            }),
        ]


@contextmanager
def serve_sample_site(
    host: str = "127.0.0.1", port: int = 0, now: datetime | None = None
) -> Iterator[SampleSite]:
    """Serve the sample site in a daemon thread for the duration of the ``with`` block.

    ``port=0`` picks a free port. ``now`` anchors every date (default: the current time, rounded down to the
    hour so that PTT ids, which embed the post time, stay the same when the demo is re-run within the hour).
    """
    anchor = (now or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)).astimezone(UTC)
    handler = type("SampleSiteHandler", (_Handler,), {"content": SampleContent(anchor)})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="brandpulse-sample-site", daemon=True)
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    try:
        yield SampleSite(base_url=f"http://{bound_host}:{bound_port}", now=anchor)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
