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
    method: str = "GET"
    body: bytes = b""

    @property
    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie(self.headers.get("cookie", ""))
        return {k: v.value for k, v in jar.items()}

    @property
    def form(self) -> dict[str, str]:
        """The fields of a form POST (application/x-www-form-urlencoded)."""
        return {k: v[-1] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # extra response headers (Link, Set-Cookie ...)


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
            self._answer("GET", b"")

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            self._answer("POST", self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def _answer(self, method: str, body: bytes) -> None:
            split = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
            seen = Seen(split.path, params, {k.lower(): v for k, v in self.headers.items()}, method, body)
            with lock:
                replay.seen.append(seen)
            if split.path == "/robots.txt":
                answer = Answer(200, "text/plain", ROBOTS_TXT.encode())
            else:
                answer = route(replay, seen)
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
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

    @property
    def finish_reason(self) -> str | None:
        """Why the crawl ended, from Scrapy's end-of-crawl stats ("finished", "missing_config", ...)."""
        found = re.findall(r"'finish_reason': '([^']*)'", self.log)
        return found[-1] if found else None

    def stat(self, key: str) -> int:
        """A stat from Scrapy's end-of-crawl dump (0 when absent), summed over the spiders of the process."""
        return sum(int(n) for n in re.findall(rf"'{re.escape(key)}': (\d+)", self.log))


def assert_post_first(result: CrawlResult) -> None:
    """Every post's PostItem comes before its own mention, which comes before the comments under it."""
    first_seen: dict[str, str] = {}
    for item in result.items:
        post_id = item.get("post_external_id") or item["external_id"]
        role = "post" if "kind" not in item else ("own" if item["external_id"] == post_id else "comment")
        previous = first_seen.get(post_id)
        if previous is None:
            assert role == "post", f"{post_id}: {role} before the PostItem"
            first_seen[post_id] = "post"
        elif previous == "post":
            assert role == "own", f"{post_id}: {role} right after the PostItem"
            first_seen[post_id] = "own"


def assert_posts_first(result: CrawlResult) -> None:
    """Every mention comes after its post's PostItem, and a post's own mention (when the crawl stores one:
    ``since`` can leave it out) before the comments under it."""
    posted: set[str] = set()
    commented: set[str] = set()
    for item in result.items:
        if "kind" not in item:
            posted.add(item["external_id"])
            continue
        post_id = item.get("post_external_id")
        if not post_id:
            continue
        assert post_id in posted, f"{item['external_id']}: before the PostItem of {post_id}"
        if item["external_id"] == post_id:
            assert post_id not in commented, f"{post_id}: own mention after its comments"
        else:
            commented.add(post_id)


def run_crawl(
    spider: str,
    args: dict[str, str],
    out_dir: Path,
    settings: dict[str, str] | None = None,
    env: dict[str, str | None] | None = None,
) -> CrawlResult:
    """Crawl in a child process; ``env`` sets (or, with None, removes) environment variables such as keys."""
    out = out_dir / f"{spider}.jsonl"
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider, "-O", str(out)]
    for key, value in args.items():
        cmd += ["-a", f"{key}={value}"]
    for key, value in {**CRAWL_SETTINGS, **(settings or {})}.items():
        cmd += ["-s", f"{key}={value}"]
    child_env = {**os.environ, "BRANDPULSE_LOG_LEVEL": "INFO"}
    for key, value in (env or {}).items():
        if value is None:
            child_env.pop(key, None)
        else:
            child_env[key] = value
    proc = subprocess.run(cmd, cwd=ROOT, env=child_env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    return CrawlResult(items, proc.stderr)


# -- Naver Search API ------------------------------------------------------------------------------

NAVER_CLIENT = ("test-client-id", "test-client-secret")
JSON = "application/json; charset=utf-8"
NAVER_QUERIES = {"글로우랩": "glowlab", "아쿠아베일": "aquaveil"}


def naver_search_route(server: ReplayServer, seen: Seen) -> Answer:
    match = re.fullmatch(r"/v1/search/(blog|news|cafearticle)\.json", seen.path)
    if not match:
        return not_found()
    if (seen.headers.get("x-naver-client-id"), seen.headers.get("x-naver-client-secret")) != NAVER_CLIENT:
        return Answer(401, JSON, fixture_file("naver_search", "error_auth.json"))
    kind, slug = match.group(1), NAVER_QUERIES.get(seen.params.get("query", ""))
    if (kind, slug) == ("news", "aquaveil"):
        return Answer(429, JSON, fixture_file("naver_search", "error_rate_limit.json"))
    if seen.params.get("display") != "2" or seen.params.get("sort") != "date":
        return Answer(400, JSON, b'{"errorMessage":"Incorrect query request.","errorCode":"SE01"}')
    path = FIXTURES / "naver_search" / f"{kind}_{slug}_start{seen.params.get('start')}.json"
    return Answer(200, JSON, path.read_bytes()) if path.is_file() else not_found()


# -- DC Inside -------------------------------------------------------------------------------------

DC_COOKIE, DC_COOKIE_VALUE = "ci_c", "6f1e2d3c4b5a"
DC_GALLTYPES = {"cosmetic": "G", "skinlab": "M"}


def dcinside_route(server: ReplayServer, seen: Seen) -> Answer:
    gallery, p = seen.params.get("id", ""), seen.params
    prefix = "/mgallery" if DC_GALLTYPES.get(gallery) == "M" else ""
    if seen.path == f"{prefix}/board/lists/":
        searched = p.get("s_keyword") == "글로우랩" and p.get("s_type") == "search_subject_memo"
        search = "_search" if searched else ""
        path = FIXTURES / "dcinside" / f"list_{gallery}{search}_page{p.get('page', '1')}.html"
        return Answer(200, HTML, path.read_bytes()) if path.is_file() else not_found()
    if seen.path == f"{prefix}/board/view/":
        path = FIXTURES / "dcinside" / f"view_{gallery}_{p.get('no')}.html"
        if not path.is_file():
            return not_found()
        # The comment form only answers a client that kept the cookie the article page set.
        return Answer(200, HTML, path.read_bytes(), {"Set-Cookie": f"{DC_COOKIE}={DC_COOKIE_VALUE}; path=/"})
    if seen.path == "/board/comment/" and seen.method == "POST":
        form = seen.form
        gallery, number = form.get("id", ""), form.get("no", "")
        view = FIXTURES / "dcinside" / f"view_{gallery}_{number}.html"
        token = re.search(r'id="e_s_n_o" value="(\w+)"', view.read_text()) if view.is_file() else None
        valid = (
            token is not None
            and form.get("e_s_n_o") == token.group(1)
            and form.get("cmt_id") == gallery
            and form.get("cmt_no") == number
            and form.get("_GALLTYPE_") == DC_GALLTYPES.get(gallery)
            and seen.headers.get("x-requested-with") == "XMLHttpRequest"
            and seen.cookies.get(DC_COOKIE) == DC_COOKIE_VALUE
        )
        path = FIXTURES / "dcinside" / f"comments_{gallery}_{number}_page{form.get('comment_page')}.json"
        if not valid or not path.is_file():
            return Answer(200, HTML, b"")  # what the site sends a request it does not accept
        return Answer(200, JSON, path.read_bytes())
    return not_found()


# -- YouTube Data API v3 ---------------------------------------------------------------------------

YOUTUBE_KEY = "test-youtube-key"


def _youtube_filtered(name: str, ids: set[str]) -> bytes:
    payload = json.loads(fixture_file("youtube", name))
    payload["items"] = [item for item in payload["items"] if item["id"] in ids]
    return json.dumps(payload).encode()


def youtube_route(server: ReplayServer, seen: Seen) -> Answer:
    p, resource = seen.params, seen.path.removeprefix("/youtube/v3/")
    if p.get("key") == "exhausted":
        return Answer(403, JSON, fixture_file("youtube", "error_quotaExceeded.json"))
    if p.get("key") != YOUTUBE_KEY:
        return Answer(400, JSON, fixture_file("youtube", "error_keyInvalid.json"))
    ids = set(p.get("id", "").split(","))
    if resource == "videos" and p.get("part") == "snippet,statistics":
        return Answer(200, JSON, _youtube_filtered("videos.json", ids))
    if resource == "channels":
        if p.get("forHandle") == "@glowlabofficial":
            ids = {"UCgl0wLabOfficialChann01"}
        return Answer(200, JSON, _youtube_filtered("channels.json", ids))
    if resource == "search" and (p.get("q"), p.get("type"), p.get("order")) == ("glow lab", "video", "date"):
        return Answer(200, JSON, fixture_file("youtube", "search_glow-lab.json"))
    if resource == "playlistItems":
        path = FIXTURES / "youtube" / f"playlistitems_{p.get('playlistId')}.json"
        return Answer(200, JSON, path.read_bytes()) if path.is_file() else not_found()
    if resource == "commentThreads":
        if p.get("videoId") == "NoComments1":
            return Answer(403, JSON, fixture_file("youtube", "error_commentsDisabled.json"))
        if (p.get("part"), p.get("order"), p.get("textFormat")) != ("snippet,replies", "time", "plainText"):
            return not_found()
        page = "2" if p.get("pageToken", "").startswith("QURTSl9pM0dsb3dMYWJQYWdlMk") else "1"
        path = FIXTURES / "youtube" / f"threads_{p.get('videoId')}_page{page}.json"
        return Answer(200, JSON, path.read_bytes()) if path.is_file() else not_found()
    if resource == "comments":
        path = FIXTURES / "youtube" / f"comments_parent_{p.get('parentId')}.json"
        return Answer(200, JSON, path.read_bytes()) if path.is_file() else not_found()
    return not_found()


# -- App Store customer reviews --------------------------------------------------------------------


def appstore_route(server: ReplayServer, seen: Seen) -> Answer:
    pattern = r"/([a-z]{2})/rss/customerreviews/page=(\d+)/id=(\d+)/sortBy=mostRecent/json"
    match = re.fullmatch(pattern, seen.path)
    if not match or match.group(3) != "1234567890":
        return Answer(400, HTML, b"<html><body>Bad Request</body></html>")
    path = FIXTURES / "appstore" / f"{match.group(1)}_page{match.group(2)}.json"
    return Answer(200, "text/javascript; charset=utf-8", path.read_bytes()) if path.is_file() else not_found()


# -- Google Play (batchexecute) --------------------------------------------------------------------

PLAY_TOKEN_PAGE2 = "CtgBIs8BAU60USFakeTokenForPage2_abcdefghijklmnopqrstuvwxyz0123456789"


def googleplay_route(server: ReplayServer, seen: Seen) -> Answer:
    if seen.path != "/_/PlayStoreUi/data/batchexecute" or seen.method != "POST":
        return not_found()
    js = "application/json; charset=utf-8"
    try:
        rpc, inner_text, _, _ = json.loads(seen.form["f.req"])[0][0]
        inner = json.loads(inner_text)
        app, (count, _, token), sort = inner[3][0], inner[2][2], inner[2][1]
    except (KeyError, ValueError, TypeError, IndexError):
        return Answer(400, HTML, b"<html><body>Bad Request</body></html>")
    if rpc != "UsvDTd" or count != 3 or sort != 2 or not seen.params.get("hl") or not seen.params.get("gl"):
        return Answer(400, HTML, b"<html><body>Bad Request</body></html>")
    if app != "com.glowlab.app":
        return Answer(200, js, fixture_file("googleplay", "error_unknown_app.txt"))
    page = {None: 1, PLAY_TOKEN_PAGE2: 2}.get(token)
    if page is None:
        return not_found()
    return Answer(200, js, fixture_file("googleplay", f"reviews_{app}_page{page}.txt"))


# -- Google News RSS -------------------------------------------------------------------------------

GOOGLE_NEWS_EDITIONS = {("ko", "KR", "KR:ko"): "ko", ("en-US", "US", "US:en"): "en"}
GOOGLE_NEWS_QUERIES = {"글로우랩 when:7d": "glowlab-ko", "glow lab when:7d": "glow-lab"}


def googlenews_route(server: ReplayServer, seen: Seen) -> Answer:
    p = seen.params
    edition = GOOGLE_NEWS_EDITIONS.get((p.get("hl", ""), p.get("gl", ""), p.get("ceid", "")))
    query = GOOGLE_NEWS_QUERIES.get(p.get("q", ""))
    if seen.path != "/rss/search" or not edition or not query:
        return not_found()
    path = FIXTURES / "googlenews" / f"search_{query}_{edition}.xml"
    if not path.is_file():
        return Answer(503, HTML, b"<html><body>Service Unavailable</body></html>")
    return Answer(200, "application/xml; charset=utf-8", path.read_bytes())


# -- Hacker News (Algolia) -------------------------------------------------------------------------

HN_WINDOWS = {
    "created_at_i>1715299200": "window1",
    "created_at_i>1715299200,created_at_i<=1715430000": "window2",  # ends at the oldest hit of window 1
}


def hackernews_route(server: ReplayServer, seen: Seen) -> Answer:
    p = seen.params
    if seen.path == "/api/v1/search_by_date":
        window = HN_WINDOWS.get(p.get("numericFilters", ""))
        if (p.get("query"), p.get("tags"), p.get("hitsPerPage")) != ("glow lab", "(story,comment)", "4"):
            return Answer(400, JSON, b'{"message":"unexpected query","status":400}')
        path = FIXTURES / "hackernews" / f"search_{window}_page{p.get('page')}.json"
        if window and path.is_file():
            return Answer(200, JSON, path.read_bytes())
        return Answer(200, JSON, b'{"hits":[],"nbHits":0,"page":0,"nbPages":0,"hitsPerPage":4}')
    if seen.path == "/api/v1/search" and p.get("tags") == "story,(story_39990001)":
        return Answer(200, JSON, fixture_file("hackernews", "stories_39990001.json"))
    return not_found()


# -- Mastodon --------------------------------------------------------------------------------------


def mastodon_route(server: ReplayServer, seen: Seen) -> Answer:
    timeline = re.fullmatch(r"/api/v1/timelines/tag/(\w+)", seen.path)
    if timeline:
        tag, p = timeline.group(1), seen.params
        if p.get("limit") != "2":
            return Answer(422, JSON, b'{"error":"unexpected limit"}')
        page = {None: 1, "1001": 2, "998": 3}.get(p.get("max_id"))
        path = FIXTURES / "mastodon" / f"timeline_{tag}_page{page}.json"
        if not path.is_file():
            return Answer(200, JSON, b"[]")
        # Mastodon pages its timelines by the Link header, as absolute URLs with max_id.
        last_id = json.loads(path.read_bytes())[-1]["id"]
        base = f"{server.base_url}/api/v1/timelines/tag/{tag}?limit=2"
        if tag != "skincare":  # the last page: no Link header at all
            return Answer(200, JSON, path.read_bytes())
        link = f'<{base}&max_id={last_id}>; rel="next", <{base}&min_id=1>; rel="prev"'
        return Answer(200, JSON, path.read_bytes(), {"Link": link})
    context = re.fullmatch(r"/api/v1/statuses/(\d+)/context", seen.path)
    if context:
        path = FIXTURES / "mastodon" / f"context_{context.group(1)}.json"
        return (
            Answer(200, JSON, path.read_bytes())
            if path.is_file()
            else Answer(404, JSON, b'{"error":"Record not found"}')
        )
    return not_found()


# -- Bluesky ---------------------------------------------------------------------------------------

BLUESKY_LOGIN = ("tester.bsky.social", "app-pass-1234")


def bluesky_route(server: ReplayServer, seen: Seen) -> Answer:
    p, method = seen.params, seen.path.rsplit("/", 1)[-1]
    if seen.path.startswith("/public/xrpc/"):
        if method == "app.bsky.feed.getPostThread" and p.get("parentHeight") == "0":
            path = FIXTURES / "bluesky" / f"thread_{p.get('uri', '').rsplit('/', 1)[-1]}.json"
            if path.is_file():
                return Answer(200, JSON, path.read_bytes())
            return Answer(400, JSON, fixture_file("bluesky", "error_not_found.json"))
        if method == "app.bsky.actor.getProfile" and p.get("actor") == "did:plc:g7lwlab4offcl2xq5mz3ktr6a":
            return Answer(200, JSON, fixture_file("bluesky", "profile_glowlab.json"))
        if method == "app.bsky.actor.getProfiles" and p.get("actors"):
            return Answer(200, JSON, fixture_file("bluesky", "profiles_search.json"))
        return Answer(400, JSON, b'{"error":"InvalidRequest","message":"unexpected call"}')
    if seen.path == "/pds/xrpc/com.atproto.server.createSession" and seen.method == "POST":
        body = json.loads(seen.body or b"{}")
        if (body.get("identifier"), body.get("password")) != BLUESKY_LOGIN:
            return Answer(401, JSON, fixture_file("bluesky", "error_auth.json"))
        return Answer(200, JSON, fixture_file("bluesky", "session.json"))
    if seen.path == "/pds/xrpc/app.bsky.feed.searchPosts":
        token = json.loads(fixture_file("bluesky", "session.json"))["accessJwt"]
        if seen.headers.get("authorization") != f"Bearer {token}":
            return Answer(401, JSON, b'{"error":"AuthenticationRequired","message":"Bad token"}')
        if (p.get("q"), p.get("limit"), p.get("sort")) != ("glow lab", "2", "latest"):
            return Answer(400, JSON, b'{"error":"InvalidRequest","message":"unexpected search"}')
        page = {None: 1, "2": 2}.get(p.get("cursor"))
        return Answer(200, JSON, fixture_file("bluesky", f"search_page{page}.json")) if page else not_found()
    return not_found()


# -- a generic site (forum thread) -----------------------------------------------------------------


def generic_route(server: ReplayServer, seen: Seen) -> Answer:
    if seen.path in ("/t/123", "/private/t/123"):
        path = FIXTURES / "generic" / f"thread_123_page{seen.params.get('page', '1')}.html"
        return Answer(200, HTML, path.read_bytes()) if path.is_file() else not_found()
    return not_found()


def parametrize_recorded(metafunc: Any, handmade: Any, real_set: Any) -> None:
    """Parametrise a ``recorded`` argument over the hand-made set and, with ``--real-fixtures DIR``, the real
    one: never a silent skip, always the hand-made set."""
    if "recorded" in metafunc.fixturenames:
        sets, ids = [handmade], ["handmade"]
        real = metafunc.config.getoption("--real-fixtures")
        if real:
            sets.append(real_set(Path(real)))
            ids.append("real")
        metafunc.parametrize("recorded", sets, ids=ids)


def read_recorded(folder: Path, name: str) -> bytes:
    path = folder / name
    assert path.is_file(), f"missing recorded response {path}"
    return path.read_bytes()
