"""The demo's made-up business files (``crawler.sample_site.campaigns``): written next to the demo's
database and loaded through the importers of ``brandpulse import posts / campaigns / traffic / codes``, so
the campaign, influencer and attribution pages show the product's own paths at work; and the configuration
they need."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the importers load nlp: imported when the demo runs, not when the CLI starts
    from crawler.imports import ImportResult

DEMO_FILES_FOLDER = "brandpulse-demo-files"


def import_demo_files(url: str, folder: Path, now: datetime) -> list[ImportResult]:
    """Write the demo's files for a sample site whose clock reads ``now`` into ``folder`` and import them as
    the CLI would: posts first (their authors' followers), then the campaigns joined to those posts, then the
    traffic and codes attributed to them."""
    from crawler import import_attribution, imports
    from crawler.import_presets import import_options
    from crawler.sample_site.campaigns import DemoData

    files = DemoData(now).write(folder)
    steps = (
        ("posts", files.posts, imports.POST_COLUMNS, imports.import_posts),
        ("campaigns", files.campaigns, imports.CAMPAIGN_COLUMNS, imports.import_campaigns),
        ("traffic", files.traffic, import_attribution.TRAFFIC_COLUMNS, import_attribution.import_traffic),
        ("codes", files.codes, import_attribution.CODE_COLUMNS, import_attribution.import_codes),
    )
    return [run(url, path, options=import_options(kind, columns)) for kind, path, columns, run in steps]


def _toml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string or list of strings is valid TOML


def brand_market_lines(brand: str) -> list[str]:
    """The ``markets`` / ``regions`` keys of a demo brand's ``[[brands]]`` entry."""
    from crawler.sample_site.campaigns import MARKETS

    if brand not in MARKETS:
        return []
    languages, regions = MARKETS[brand]
    return [f"markets = {_toml(list(languages))}", f"regions = {_toml(list(regions))}"]


def campaigns_section() -> list[str]:
    """The ``[campaigns]`` table mapping the demo's traffic and codes to its campaigns and influencers."""
    from crawler.sample_site.campaigns import ATTRIBUTION

    lines = ["", "# How the demo's traffic.csv and codes.csv map to its campaigns and influencers."]
    lines += ["[campaigns]", "", "[campaigns.utm_campaign]"]
    lines += [f"{_toml(k)} = {_toml(v)}" for k, v in ATTRIBUTION.utm_campaign.items()]
    lines += ["", "[campaigns.utm_content]"]
    lines += [f"{_toml(k)} = {_toml(v)}" for k, v in ATTRIBUTION.utm_content.items()]
    for prefix, influencer, campaign in ATTRIBUTION.codes:
        lines += ["", "[[campaigns.codes]]", f"prefix = {_toml(prefix)}", f"influencer = {_toml(influencer)}"]
        lines.append(f"campaign = {_toml(campaign)}")
    return lines
