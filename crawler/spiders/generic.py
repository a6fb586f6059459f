"""Any site with comments in plain HTML, read through CSS selectors given per site.

    scrapy crawl generic -a site_config=sites/example.toml
    scrapy crawl generic -a start_urls=https://forum.example/t/123 -a item=div.comment -a text=p.body \
        -a author=.user::text -a date=time::attr(datetime) -a likes=.votes -a next_page=a.next::attr(href) \
        -a platform=exampleforum -a max_pages=3

The file (JSON, or TOML by its ``.toml`` suffix) holds one site's keys at the top level, or several sites as a
``sites`` list; arguments given with ``-a`` override the file's keys for a one-site file. Keys (see
``crawler.parsers.generic.GenericSiteConfig``): start_urls, item, text, author, date, date_format, timezone,
likes, replies, url, id, next_page, title, platform, max_pages, post_scope ("page": one post per page URL, the
default; "start": the pages after the first belong to the start URL's post, for a thread split over pages).
Every item is a mention of kind "comment"; its id is the site's own (``id`` selector) or a hash of URL + text.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import AsyncIterator, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response

from crawler.items import MentionItem, PostItem
from crawler.parsers.generic import GenericSiteConfig, parse_generic_page
from crawler.spiders._base import SinceArgument, SourceSpider, inc_stat, is_fresh

SITE_KEYS = {f.name for f in fields(GenericSiteConfig)}


def load_site_configs(path: str | Path) -> list[dict[str, Any]]:
    """The sites of a JSON or TOML file: its top-level table, or each table of its ``sites`` list."""
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"generic: site_config {str(path)!r} is not a file")
    text = file.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text) if file.suffix.lower() == ".toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"generic: cannot read {file}: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"generic: {file} must hold a table (object)")
    sites = data.get("sites", [data])
    if not isinstance(sites, list) or not all(isinstance(s, dict) for s in sites):
        raise ValueError(f"generic: 'sites' in {file} must be a list of tables")
    return sites


class GenericSpider(SinceArgument, SourceSpider):
    name = "generic"

    def __init__(self, site_config: str = "", **kwargs: Any) -> None:
        # Site keys would otherwise become spider attributes (start_urls above all): take them out first.
        site_args = {k: kwargs.pop(k) for k in list(kwargs) if k in SITE_KEYS}
        super().__init__(**kwargs)
        sites = load_site_configs(site_config) if site_config else []
        if site_args:
            if len(sites) > 1:
                raise ValueError("generic: -a site keys apply to a one-site config only")
            sites = [{**(sites[0] if sites else {}), **site_args}]
        if not sites:
            raise ValueError(
                "generic: give -a site_config=path.(json|toml) or -a start_urls=... -a item=... -a text=..."
            )
        try:
            self.sites = [GenericSiteConfig.from_mapping(site) for site in sites]
        except (TypeError, ValueError) as exc:
            raise ValueError(f"generic: {exc}") from exc

    async def start(self) -> AsyncIterator[Request]:
        for site in self.sites:
            for url in site.start_urls:
                yield Request(
                    url,
                    callback=self.parse_page,
                    errback=self.failed,
                    cb_kwargs={"site": site, "start_url": url, "page": 1},
                )

    def parse_page(
        self, response: Response, site: GenericSiteConfig, start_url: str, page: int
    ) -> Iterator[PostItem | MentionItem | Request]:
        parsed = parse_generic_page(response.text, response.url, site)
        post_id = response.url if site.post_scope == "page" else start_url
        if site.post_scope == "page" or page == 1:
            yield PostItem(
                platform=site.platform,
                external_id=post_id,
                url=post_id,
                title=parsed.title,
                # Per page the count is known; a thread's total is not until its last page.
                comments=len(parsed.items) if site.post_scope == "page" else None,
            )
        if not parsed.items:
            self.logger.warning("no items matched %r on %s", site.item, response.url)
            inc_stat(self, "brandpulse/generic/empty_pages")
        host = urlsplit(response.url).hostname or ""
        for item in parsed.items:
            if item.raw_date and item.published_at is None:
                inc_stat(self, "brandpulse/generic/unreadable_dates")
            if not is_fresh(self, item.published_at, self.since):
                continue
            yield MentionItem(
                platform=site.platform,
                # The host keeps two sites' "c123" apart when they share a platform name.
                external_id=f"{host}/{item.external_id}",
                text=item.text,
                kind="comment",
                url=item.url or response.url,
                author=item.author,
                published_at=item.published_at,
                likes=item.likes,
                replies=item.replies,
                post_external_id=post_id,
                extra={"raw_date": item.raw_date} if item.raw_date else {},
            )
        if parsed.next_url and parsed.next_url != response.url:
            if page < site.max_pages:
                yield Request(
                    parsed.next_url,
                    callback=self.parse_page,
                    errback=self.failed,
                    cb_kwargs={"site": site, "start_url": start_url, "page": page + 1},
                )
            else:
                inc_stat(self, "brandpulse/generic/pages_capped")
