"""PTT-like pages of the sample site: board index pages with "‹ 上頁" paging, a deleted row and pinned rules,
articles with pushes, and the over-18 gate for requests without the ``over18=1`` cookie."""

from __future__ import annotations

from datetime import timedelta
from http.cookies import SimpleCookie

from crawler.parsing import TAIPEI
from crawler.sample_site import data
from crawler.sample_site.data import SamplePost
from crawler.sample_site.pages import Reply, SamplePages, esc, fake_ip

PTT_PAGE_SIZE = 5
PTT_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PTT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class PttPages(SamplePages):
    """The PTT pages: ``route_ptt`` answers a path under ``/ptt``."""

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
        prev_link = (
            f'<a class="btn wide" href="{base}/index{number - 1}.html">&lsaquo; 上頁</a>'
            if number > 1
            else '<a class="btn wide disabled">&lsaquo; 上頁</a>'
        )
        next_link = (
            f'<a class="btn wide" href="{base}/index{number + 1}.html">下頁 &rsaquo;</a>'
            if number < len(pages)
            else '<a class="btn wide disabled">下頁 &rsaquo;</a>'
        )
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
            key="0AA",
            title=f"[公告] {data.PTT_BOARD} 板規 (請先閱讀)",
            author="boardmod01 (板主)",
            days_ago=60,
            body="1. 禁止商業廣告\n2. 禁止人身攻擊\n3. 心得文請附使用時間",
            comments=(),
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
<a href="{base}/{self.ptt_id(post)}.html">{esc(post.title)}</a>
</div>
<div class="meta">
<div class="author">{esc(post.author.split(" ")[0])}</div>
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
        shown = (
            f"{PTT_WEEKDAYS[local.weekday()]} {PTT_MONTHS[local.month - 1]} {local.day:>2} "
            f"{local:%H:%M:%S} {local.year}"
        )
        author_id = post.author.split(" ")[0]
        url = f"https://www.ptt.cc/bbs/{board}/{article_id}.html"
        pushes = []
        for comment in post.comments:
            when = self.comment_time(post, comment).astimezone(TAIPEI)
            tag_class = "hl push-tag" if comment.tag == "推" else "f1 hl push-tag"
            pushes.append(
                f'<div class="push"><span class="{tag_class}">{comment.tag} </span>'
                f'<span class="f3 hl push-userid">{esc(comment.author)}</span>'
                f'<span class="f3 push-content">: {esc(comment.text)}</span>'
                f'<span class="push-ipdatetime"> {fake_ip(comment.author)} {when:%m/%d %H:%M}\n</span></div>'
            )
        body = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(post.title)} - 看板 {board} - 批踢踢實業坊 (sample)</title>
<meta property="og:site_name" content="Ptt 批踢踢實業坊">
<meta property="og:title" content="{esc(post.title)}">
</head>
<body>
<div id="main-container">
<div id="main-content" class="bbs-screen bbs-content"><div class="article-metaline"><span class="article-meta-tag">作者</span><span class="article-meta-value">{esc(post.author)}</span></div><div class="article-metaline-right"><span class="article-meta-tag">看板</span><span class="article-meta-value">{board}</span></div><div class="article-metaline"><span class="article-meta-tag">標題</span><span class="article-meta-value">{esc(post.title)}</span></div><div class="article-metaline"><span class="article-meta-tag">時間</span><span class="article-meta-value">{shown}</span></div>
{esc(post.body)}

--
<span class="f2">※ 發信站: 批踢踢實業坊(ptt.cc), 來自: {fake_ip(author_id)} (臺灣)
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
<input type="hidden" name="from" value="{esc(path)}">
<button class="btn-big" type="submit" name="yes" value="yes">我同意，我已年滿十八歲<br>
<small>進入</small></button>
<button class="btn-big" type="submit" name="no" value="no">未滿十八歲或不同意本條款<br>
<small>離開</small></button>
</form>
</div>
</body></html>
"""
        return Reply(200, "text/html; charset=utf-8", body)

    def route_ptt(self, path: str, parts: list[str], headers: dict[str, str]) -> Reply:
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
