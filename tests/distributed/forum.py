"""A local forum of many pages (a chain of pages, five comments each) that counts every fetch."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Forum:
    base_url: str
    pages: int
    fetches: Counter[str] = field(default_factory=Counter)

    def generic_args(self, **extra: str) -> dict[str, str]:
        """Arguments of the generic spider for this forum."""
        return {
            "start_urls": f"{self.base_url}/forum/page/1.html",
            "item": "div.c",
            "text": "p.t",
            "author": "span.u::text",
            "date": "time::attr(datetime)",
            "id": "::attr(id)",
            "next_page": "a.next::attr(href)",
            "platform": "forum",
            "max_pages": str(self.pages + 10),
            **extra,
        }

    def expected_comment_ids(self) -> set[str]:
        host = "127.0.0.1"  # the generic spider keys items by host name (not port)
        return {f"{host}/c{n}-{i}" for n in range(1, self.pages + 1) for i in range(5)}


def _page(n: int, pages: int) -> str:
    comments = "".join(
        f'<div class="c" id="c{n}-{i}"><span class="u">member{(n * 7 + i) % 53}</span>'
        f'<p class="t">Page {n} comment {i}: Glow Lab serum thoughts #{n * 5 + i}</p>'
        f'<time datetime="2026-03-01T{n % 24:02d}:{i:02d}:00Z"></time></div>'
        for i in range(5)
    )
    nxt = f'<a class="next" href="/forum/page/{n + 1}.html">next</a>' if n < pages else ""
    return f"<html><head><title>Thread page {n}</title></head><body>{comments}{nxt}</body></html>"


@contextmanager
def serve_forum(pages: int, delay: float = 0.0) -> Iterator[Forum]:
    forum = Forum(base_url="", pages=pages)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            with lock:
                forum.fetches[self.path] += 1
            if self.path == "/robots.txt":
                body, status = b"User-agent: *\nAllow: /\n", 200
            elif self.path.startswith("/forum/page/") and self.path.endswith(".html"):
                n = int(self.path.rsplit("/", 1)[1].removesuffix(".html"))
                body, status = (_page(n, pages).encode(), 200) if 1 <= n <= pages else (b"gone", 404)
            else:
                body, status = b"not found", 404
            if delay:
                time.sleep(delay)
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    forum.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield forum
    finally:
        server.shutdown()
        server.server_close()
