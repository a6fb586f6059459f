"""The bundled demo site: PTT-, VnExpress- and Naver-like pages and APIs over local HTTP.

    with serve_sample_site() as site:
        for spider, args in site.spider_args():
            ...  # crawl `spider` with `args`: every base URL points at this server

Pages copy each source's markup and quirks (PTT's over18 gate and "‹ 上頁" paging, VnExpress's offset paging
with inline replies and ``getreplay``, Naver's JSONP wrapper that needs a ``Referer``) so the real spiders run
unchanged. Content comes from ``crawler.sample_site.data``; dates are computed from when the server starts.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.sample_site import data
from crawler.sample_site.naver_comments import NaverCommentsPages
from crawler.sample_site.pages import Reply
from crawler.sample_site.ptt import PttPages
from crawler.sample_site.vnexpress import VnexpressPages

ROBOTS_TXT = "User-agent: *\nAllow: /ptt/\nAllow: /vnexpress/\nAllow: /naver/\nDisallow: /admin/\n"


class SampleContent(PttPages, VnexpressPages, NaverCommentsPages):
    """Renders every page of the sample site for one ``now`` (each source's pages in its own module)."""

    def route(self, path: str, params: dict[str, str], headers: dict[str, str]) -> Reply:
        if path == "/robots.txt":
            return Reply(200, "text/plain; charset=utf-8", ROBOTS_TXT)
        if path == "/":
            return Reply(
                200,
                "text/html; charset=utf-8",
                "<html><body><h1>brandpulse sample site</h1><ul>"
                f'<li><a href="/ptt/bbs/{data.PTT_BOARD}/index.html">PTT</a></li>'
                '<li><a href="/vnexpress/search/?q=glow%20lab">VnExpress</a></li>'
                "</ul></body></html>",
            )
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["ptt"]:
            return self.route_ptt(path, parts[1:], headers)
        if parts[:1] == ["vnexpress"]:
            return self.route_vnexpress(parts[1:], params)
        if parts[:1] == ["naver"]:
            return self.route_naver(parts[1:], params, headers)
        return Reply(404, "text/plain; charset=utf-8", "not found")


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
            (
                "vnexpress",
                {
                    "keywords": "glow lab,aqua veil,petal theory",
                    "search_url": f"{self.base_url}/vnexpress/search/",
                    "comments_api": f"{self.base_url}/vnexpress/api",
                    "max_pages": "3",
                },
            ),
            (
                "naver_comments",
                {
                    "articles": naver_keys,
                    "api_url": f"{self.base_url}/naver/api/comments.json",
                    "article_base": f"{self.base_url}/naver/article",
                },
            ),
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
