"""VnExpress-like pages of the sample site: search pages, article pages with their comment box config, and the
comments API with offset paging, inline replies and ``getreplay`` for the rest of a thread."""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import quote

from crawler.parsing import HO_CHI_MINH
from crawler.sample_site import data
from crawler.sample_site.data import SampleComment, SamplePost
from crawler.sample_site.pages import Reply, SamplePages, digest, esc

VNEXPRESS_SEARCH_PAGE_SIZE = 1  # small, so the spider's search paging runs on the demo too
VNEXPRESS_MAX_LIMIT = 5  # the API caps ``limit``, so offset paging runs on the demo too
VNEXPRESS_INLINE_REPLIES = 2
VI_WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")


class VnexpressPages(SamplePages):
    """The VnExpress pages and comments API: ``route_vnexpress`` answers a path under ``/vnexpress``."""

    @staticmethod
    def vnexpress_comment_ids(post: SamplePost) -> dict[int, str]:
        """Stable comment ids: 5xxxxxxx numbers derived from the article id and the comment's position."""
        base = 50_000_000 + int(post.key) % 10_000 * 1_000
        return {id(comment): str(base + n) for n, comment in enumerate(data.flatten(post.comments), start=1)}

    def vnexpress_url(self, prefix: str, post: SamplePost) -> str:
        return f"{prefix}/{post.slug}-{post.key}.html"

    def vnexpress_search(self, prefix: str, query: str, page: int) -> Reply:
        needle = query.strip().lower()
        found = [
            p for p in reversed(data.VNEXPRESS_ARTICLES) if needle and needle in f"{p.title} {p.body}".lower()
        ]
        start = (page - 1) * VNEXPRESS_SEARCH_PAGE_SIZE
        shown = found[start : start + VNEXPRESS_SEARCH_PAGE_SIZE]
        items = "\n".join(
            f"""<article class="item-news item-news-common" data-url="{self.vnexpress_url(prefix, p)}" """
            f"""data-publishtime="{int(self.post_time(p).timestamp())}">
<h3 class="title-news"><a data-medium="Item-{n}" href="{self.vnexpress_url(prefix, p)}" """
            f"""title="{esc(p.title)}">{esc(p.title)}</a></h3>
<p class="description"><a href="{self.vnexpress_url(prefix, p)}">{esc(p.body)}</a></p>
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
<title>Tìm kiếm "{esc(query)}" - VnExpress (sample)</title></head>
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
        config = json.dumps(
            {
                "type": "comment",
                "article_id": post.key,
                "article_type": "1",
                "site_id": "1000000",
                "category_id": "1003750",
                "limit": 24,
            }
        )
        body = f"""<!DOCTYPE html>
<html lang="vi">
<head>
<title>{esc(post.title)} - VnExpress (sample)</title>
<meta charset="utf-8">
<meta name="description" content="{esc(post.body)} - VnExpress" />
<meta name="tt_article_id" content="{post.key}" />
<meta name="tt_site_id" content="1000000" />
<meta property="og:url" content="https://vnexpress.net/{post.slug}-{post.key}.html" />
<meta content="{esc(post.title)}" itemprop="headline" property="og:title" />
<meta content="{esc(post.body)}" itemprop="description" property="og:description" />
<meta content="{local.isoformat(timespec="seconds")}" itemprop="datePublished" name="pubdate" />
<meta name="its_id" content="{post.key}" />
<meta name="its_publication" content="{int(published.timestamp())}" />
</head>
<body>
<section class="section page-detail top-detail"><div class="container"><div class="sidebar-1">
<div class="header-content width_common"><span class="date">{shown}</span></div>
<h1 class="title-detail">{esc(post.title)}</h1>
<p class="description"><span class="location-stamp">TP HCM</span>{esc(post.body)}</p>
<article class="fck_detail">
<p class="Normal" style="text-align:right;"><strong>{esc(post.author)}</strong></p>
</article>
</div></div></section>
<section class="section page-detail middle-detail"><div class="container"><div class="sidebar-1">
<div id="box_comment_vne" data-component="true" data-component-type="comment_library"
 class="box_comment_vne box_category width_common" data-component-function="showComment"
 data-component-input='{esc(config)}'></div>
</div></div></section>
</body>
</html>
"""
        return Reply(200, "text/html; charset=utf-8", body)

    def _vnexpress_item(
        self, post: SamplePost, comment: SampleComment, ids: dict[int, str], parent_id: str | None
    ) -> dict[str, Any]:
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
            "t_r_1": comment.likes // 3,
            "t_r_2": comment.likes // 7,
            "t_r_3": 0,
            "t_r_4": 0,
            # Guests ("Khách") have no account.
            "userid": None if comment.author == "Khách" else 1_060_000_000 + digest(comment.author) % 10**7,
            "type": 6,
            "like_ismember": False,
        }
        if parent_id is None:
            inline = comment.replies[:VNEXPRESS_INLINE_REPLIES]
            item["replys"] = (
                {
                    "total": len(comment.replies),
                    "items": [self._vnexpress_item(post, r, ids, comment_id) for r in inline],
                }
                if comment.replies
                else {}
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
        items = [self._vnexpress_item(post, c, ids, None) for c in ranked[offset : offset + limit]]
        total_items = len(data.flatten(post.comments))
        payload = {
            "error": 0,
            "errorDescription": "",
            "iscomment": 1,
            "data": {"total": len(post.comments), "totalitem": total_items, "offset": offset, "items": items},
        }
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
        items = [
            self._vnexpress_item(post, r, ids, ids[id(parent)])
            for r in parent.replies[offset : offset + limit]
        ]
        payload = {
            "error": 0,
            "errorDescription": "",
            "data": {"items": items, "offset": offset, "parent_id": int(ids[id(parent)])},
        }
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
        return Reply(
            200,
            "application/json; charset=utf-8",
            json.dumps({"error": code, "errorDescription": message, "data": []}),
        )

    def route_vnexpress(self, parts: list[str], params: dict[str, str]) -> Reply:
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
