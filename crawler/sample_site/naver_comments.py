"""Naver-news-like pages of the sample site: article pages, and the comment list as JSONP that answers only a
``Referer`` naming the article page."""

from __future__ import annotations

import json
from typing import Any

from crawler.parsing import SEOUL
from crawler.sample_site import data
from crawler.sample_site.pages import Reply, SamplePages, digest, esc

NAVER_MAX_PAGE_SIZE = 4


class NaverCommentsPages(SamplePages):
    """The Naver news pages and comments API: ``route_naver`` answers a path under ``/naver``."""

    def naver_article(self, oid: str, aid: str) -> Reply:
        post = next((p for p in data.NAVER_ARTICLES if p.key == f"{oid}/{aid}"), None)
        if post is None:
            return Reply(404, "text/html; charset=utf-8", "<html><body>404</body></html>")
        local = self.post_time(post).astimezone(SEOUL)
        half = "오전" if local.hour < 12 else "오후"
        shown = f"{local:%Y.%m.%d}. {half} {(local.hour % 12) or 12}:{local:%M}"
        paragraphs = "<br><br>".join(esc(part) for part in post.body.split("\n\n"))
        body = f"""<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<title>{esc(post.title)} : 네이버 뉴스 (sample)</title>
<meta property="og:title" content="{esc(post.title)}">
<meta property="og:type" content="article">
<meta property="og:article:author" content="가상뉴스 | 네이버">
</head>
<body>
<div id="ct" class="newsct" role="main">
<div class="media_end_head go_trans">
<div class="media_end_head_title"><h2 id="title_area" class="media_end_head_headline"><span>{esc(post.title)}</span></h2></div>
<div class="media_end_head_info_datestamp"><div class="media_end_head_info_datestamp_bunch">
<span class="media_end_head_info_datestamp_term">입력</span>
<span class="media_end_head_info_datestamp_time _ARTICLE_DATE_TIME" data-date-time="{local:%Y-%m-%d %H:%M:%S}">{shown}</span>
</div></div>
</div>
<div id="newsct_article" class="newsct_article _article_body">
<article id="dic_area" class="go_trans _article_content">
{paragraphs}<br><br>{esc(post.author)}
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
            return Reply(
                200,
                "application/javascript; charset=utf-8",
                f"{callback}({json.dumps(payload, ensure_ascii=False)});",
            )

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
        shown = ranked[(page - 1) * size : page * size]
        comments = []
        base_no = 4_000_000_000 + int(post.key.split("/")[1]) % 100_000 * 100
        for position, comment in shown:
            number = base_no + position
            when = self.comment_time(post, comment).astimezone(SEOUL).strftime("%Y-%m-%dT%H:%M:%S%z")
            comments.append(
                {
                    "ticket": "news",
                    "objectId": object_id,
                    "templateId": "default_society",
                    "commentNo": number,
                    "parentCommentNo": number,
                    "replyLevel": 1,
                    "replyCount": 0,
                    "replyAllCount": 0,
                    "commentType": "stk" if not comment.text else "txt",
                    "contents": comment.text,
                    "userIdNo": f"{digest(comment.author):x}"[:6],
                    "userName": comment.author,
                    "maskedUserId": comment.author,
                    "regTime": when,
                    "modTime": when,
                    "sympathyCount": comment.likes,
                    "antipathyCount": comment.dislikes,
                    "deleted": False,
                    "blind": False,
                    "secret": False,
                    "anonymous": False,
                }
            )
        payload = {
            "success": True,
            "code": "1000",
            "message": "요청을 성공적으로 처리하였습니다.",
            "lang": "ko",
            "country": "KR",
            "result": {
                "commentList": comments,
                "pageModel": {
                    "page": page,
                    "pageSize": size,
                    "indexSize": 10,
                    "totalRows": len(ranked),
                    "totalPages": pages,
                    "firstPage": 1,
                    "lastPage": pages,
                    "prevPage": page - 1,
                    "nextPage": page + 1 if page < pages else 0,
                },
                "count": {
                    "comment": len(ranked),
                    "reply": 0,
                    "exposeCount": len(ranked),
                    "total": len(ranked),
                },
                "sort": "FAVORITE",
            },
            "date": self.now.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        }
        return wrap(payload)

    def route_naver(self, parts: list[str], params: dict[str, str], headers: dict[str, str]) -> Reply:
        if len(parts) == 3 and parts[0] == "article":
            return self.naver_article(parts[1], parts[2])
        if parts == ["api", "comments.json"]:
            return self.naver_comments(params, headers.get("referer"))
        return Reply(404, "text/html; charset=utf-8", "<html><body>404</body></html>")
