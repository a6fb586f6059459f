"""One module per source, named after its spider, each with the same roles: the source's typed records
(dataclasses), then its pure ``parse_*`` functions (text or bytes in, records out; no I/O, no Scrapy).
Helpers every source shares (dates, counts, text, JSON, ``Link`` headers) are in ``crawler.parsing``.

appstore, bluesky, dcinside, generic, googlenews, googleplay, hackernews, mastodon, naver_comments,
naver_search, ptt, vnexpress, youtube
"""
