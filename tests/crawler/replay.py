"""Local HTTP servers replaying the hand-made recorded responses in tests/fixtures/<source>/, and a helper
that runs a real Scrapy crawl in a child process (Twisted's reactor cannot restart in the test process)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
ROBOTS_TXT = "User-agent: *\nDisallow: /private/\n"
HTML = "text/html; charset=utf-8"


@dataclass
class Seen:
    """One request the server answered."""

    path: str
    params: dict[str, str]
    headers: dict[str, str]

    @property
    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie(self.headers.get("cookie", ""))
        return {k: v.value for k, v in jar.items()}


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes


Route = Callable[["ReplayServer", Seen], Answer]


@dataclass
class ReplayServer:
    route: Route
    base_url: str = ""
    seen: list[Seen] = field(default_factory=list)

    def paths(self, prefix: str = "") -> list[str]:
        return [s.path for s in self.seen if s.path.startswith(prefix)]


@contextmanager
def serve(route: Route) -> Iterator[ReplayServer]:
    """Run a replay server in a daemon thread; ``route`` answers everything but robots.txt."""
    replay = ReplayServer(route)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            split = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
            seen = Seen(split.path, params, {k.lower(): v for k, v in self.headers.items()})
            with lock:
                replay.seen.append(seen)
            if split.path == "/robots.txt":
                answer = Answer(200, "text/plain", ROBOTS_TXT.encode())
            else:
                answer = route(replay, seen)
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    replay.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield replay
    finally:
        server.shutdown()
        server.server_close()


def fixture_file(source: str, name: str) -> bytes:
    return (FIXTURES / source / name).read_bytes()


def not_found() -> Answer:
    return Answer(404, HTML, b"<html><body>404 - Not Found.</body></html>")


# -- PTT -------------------------------------------------------------------------------------------


def ptt_route(server: ReplayServer, seen: Seen) -> Answer:
    match = re.fullmatch(r"/bbs/(\w+)/([\w.]+|search)", seen.path)
    if not match:
        return not_found()
    board, name = match.groups()
    # "Adult" stands for a board whose gate stays up even with the cookie (a changed gate, a blocked client).
    if board == "Adult" or seen.cookies.get("over18") != "1":
        return Answer(200, HTML, fixture_file("ptt", "over18.html"))
    if board != "MakeUp":
        return not_found()
    if name == "search":
        if seen.params.get("q") == "水紗" and seen.params.get("page", "1") == "1":
            return Answer(200, HTML, fixture_file("ptt", "search_aqua-veil.html"))
        return not_found()
    path = FIXTURES / "ptt" / name
    return Answer(200, HTML, path.read_bytes()) if path.is_file() else not_found()


# -- VnExpress -------------------------------------------------------------------------------------


def vnexpress_route(server: ReplayServer, seen: Seen) -> Answer:
    def rewrite(body: bytes) -> bytes:
        # The recorded pages link to the live hosts; point those links back at this server, as a recording
        # proxy would.
        text = body.decode()
        text = text.replace("https://timkiem.vnexpress.net/", f"{server.base_url}/search/")
        return text.replace("https://vnexpress.net/", f"{server.base_url}/").encode()

    p = seen.params
    if seen.path == "/search/":
        if p.get("q") == "glow lab" and p.get("media_type") == "article":
            page = fixture_file("vnexpress", f"search_glow-lab_page{p.get('page', '1')}.html")
            return Answer(200, HTML, rewrite(page))
        return not_found()
    if seen.path == "/api/index/get":
        if p.get("objecttype") != "1" or p.get("siteid") != "1000000" or p.get("limit") != "3":
            return Answer(200, "application/json", b'{"error":3,"errorDescription":"bad query","data":[]}')
        name = f"comments_{p.get('objectid')}_offset{p.get('offset')}"
        for ext, kind in ((".json", "application/json"), (".html", HTML)):
            path = FIXTURES / "vnexpress" / (name + ext)
            if path.is_file():
                return Answer(200, kind, path.read_bytes())
        return not_found()
    if seen.path == "/api/index/getreplay":
        path = FIXTURES / "vnexpress" / f"replies_{p.get('id')}.json"
        if path.is_file() and p.get("offset") == "0":
            return Answer(200, "application/json", path.read_bytes())
        return Answer(200, "application/json", b'{"error":0,"errorDescription":"","data":{"items":[]}}')
    match = re.fullmatch(r"/[a-z0-9-]+-(\d{7})\.html", seen.path)
    if match and (FIXTURES / "vnexpress" / f"article_{match.group(1)}.html").is_file():
        return Answer(200, HTML, fixture_file("vnexpress", f"article_{match.group(1)}.html"))
    return not_found()


# -- Naver -----------------------------------------------------------------------------------------


def naver_route(server: ReplayServer, seen: Seen) -> Answer:
    match = re.fullmatch(r"/article/(\d{3})/(\d{10})", seen.path)
    if match:
        path = FIXTURES / "naver" / f"article_{match.group(1)}_{match.group(2)}.html"
        return Answer(200, HTML, path.read_bytes()) if path.is_file() else not_found()
    if seen.path == "/cbox/web_naver_list_jsonp.json":
        js = "application/javascript; charset=utf-8"
        object_id = seen.params.get("objectId", "")
        key = re.fullmatch(r"news(\d{3}),(\d{10})", object_id)
        if not key:
            return Answer(200, js, fixture_file("naver", "comments_no_referer.jsonp"))
        expected_referer = f"{server.base_url}/article/{key.group(1)}/{key.group(2)}"
        if seen.headers.get("referer") != expected_referer:
            return Answer(200, js, fixture_file("naver", "comments_no_referer.jsonp"))
        name = f"comments_{key.group(1)}_{key.group(2)}_page{seen.params.get('page')}.jsonp"
        path = FIXTURES / "naver" / name
        return Answer(200, js, path.read_bytes()) if path.is_file() else not_found()
    return not_found()


# -- crawling --------------------------------------------------------------------------------------

# The project settings (robots.txt obeyed, cookies on) minus what a local replay does not need: the store
# pipelines (items go to a JSON-lines feed instead) and politeness delays.
CRAWL_SETTINGS = {
    "ITEM_PIPELINES": "{}",
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "TELNETCONSOLE_ENABLED": "False",
    "LOG_LEVEL": "INFO",
}


@dataclass
class CrawlResult:
    items: list[dict[str, Any]]
    log: str

    @property
    def posts(self) -> list[dict[str, Any]]:
        return [i for i in self.items if "kind" not in i]

    def mentions(self, kind: str | None = None) -> list[dict[str, Any]]:
        return [i for i in self.items if "kind" in i and (kind is None or i["kind"] == kind)]

    def by_id(self, external_id: str, kind: str | None = None) -> dict[str, Any]:
        pool = self.posts if kind == "post-item" else self.mentions(kind)
        found = [i for i in pool if i["external_id"] == external_id]
        assert len(found) == 1, f"{external_id}: {len(found)} items"
        return found[0]

    def stat(self, key: str) -> int:
        """A stat from Scrapy's end-of-crawl dump (0 when absent), summed over the spiders of the process."""
        return sum(int(n) for n in re.findall(rf"'{re.escape(key)}': (\d+)", self.log))


def run_crawl(
    spider: str, args: dict[str, str], out_dir: Path, settings: dict[str, str] | None = None
) -> CrawlResult:
    out = out_dir / f"{spider}.jsonl"
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider, "-O", str(out)]
    for key, value in args.items():
        cmd += ["-a", f"{key}={value}"]
    for key, value in {**CRAWL_SETTINGS, **(settings or {})}.items():
        cmd += ["-s", f"{key}={value}"]
    env = {**os.environ, "BRANDPULSE_LOG_LEVEL": "INFO"}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    return CrawlResult(items, proc.stderr)
