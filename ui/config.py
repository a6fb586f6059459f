"""brandpulse.toml: brands, sources, database and model choices, validated at start.

Environment overrides: ``BRANDPULSE_DATABASE_URL`` (database URL), ``BRANDPULSE_CONFIG`` (config path) and
``BRANDPULSE_PRECISION`` (``model.precision``).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from crawler.run import available_spiders
from nlp.match import BrandQuery, QueryError
from store.alerts import DEFAULT_SETTINGS as DEFAULT_ALERTS
from store.alerts import AlertSettings
from store.db import database_url
from ui.config_attribution import CampaignsConfig

DEFAULT_CONFIG_PATH = Path("brandpulse.toml")


class ConfigError(ValueError):
    """Invalid configuration; the message names the key and the problem."""


# A configuration file is small; a bigger one is a mistake (a log or a database named by accident).
MAX_CONFIG_BYTES = 1_000_000
DATABASE_BACKENDS = ("sqlite", "postgresql")


class _Strict(BaseModel):
    # No NaN or infinity anywhere: `max_run_hours = inf` would switch a check off without saying so.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def _no_controls(value: str | None) -> str | None:
    if value is not None and any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("contains control characters (a NUL byte, a tab or a line break?)")
    return value


def _codes(value: list[str], pattern: str, what: str, case: Any) -> list[str]:
    """``value`` in ``case``, without repeats; an entry not matching ``pattern`` is an error naming it."""
    import re

    out: list[str] = []
    for i, code in enumerate(value):
        norm = case(code.strip())
        if not re.fullmatch(pattern, norm):
            shown = code[:20] if code.isprintable() else "(unprintable)"
            raise ValueError(f"entry {i + 1}: {shown!r} is not {what}")
        if norm not in out:
            out.append(norm)
    return out


class BrandConfig(_Strict):
    name: str = Field(min_length=1, max_length=200)
    query: str = Field(min_length=1)
    competitor_group: str | None = Field(default=None, max_length=200)
    # Target markets (influencer audience fit): languages as ISO 639 codes ("vi", "en"), and optionally
    # regions as ISO 3166 alpha-2 codes ("VN"); none: audience fit is not computed.
    markets: list[str] = Field(default_factory=list, max_length=50)
    regions: list[str] = Field(default_factory=list, max_length=250)

    @field_validator("markets")
    @classmethod
    def _language_codes(cls, value: list[str]) -> list[str]:
        return _codes(value, r"[a-z]{2,3}", "a language code such as vi, en or ko (ISO 639)", str.lower)

    @field_validator("regions")
    @classmethod
    def _region_codes(cls, value: list[str]) -> list[str]:
        return _codes(value, r"[A-Z]{2}", "a region code such as VN, KR or US (ISO 3166 alpha-2)", str.upper)

    @field_validator("name", "competitor_group")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        return _no_controls(value)

    @field_validator("query")
    @classmethod
    def _query_parses(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("invalid boolean query: contains a NUL byte")
        try:
            BrandQuery.parse(value)
        except QueryError as exc:
            shown = value if len(value) <= 200 else f"{value[:200]}… ({len(value):,} characters)"
            raise ValueError(f"invalid boolean query {shown!r}: {exc}") from exc
        return value


class SourceConfig(_Strict):
    spider: str
    args: dict[str, str | int | list[str]] = Field(default_factory=dict)
    enabled: bool = True

    @field_validator("spider")
    @classmethod
    def _known_spider(cls, value: str) -> str:
        known = available_spiders()
        if value not in known:
            raise ValueError(f"unknown spider {value!r}; known: {', '.join(known)}")
        return value

    @field_validator("args")
    @classmethod
    def _printable_args(cls, value: dict[str, str | int | list[str]]) -> dict[str, str | int | list[str]]:
        for key, arg in value.items():
            for text in [key, *(arg if isinstance(arg, list) else [str(arg)])]:
                if "\x00" in text:
                    raise ValueError(f"argument {key[:50]!r} contains a NUL byte")
        return value

    def spider_args(self) -> dict[str, str]:
        """Arguments as Scrapy takes them (strings; lists joined by commas)."""
        return {k: ",".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in self.args.items()}


class DatabaseConfig(_Strict):
    url: str | None = None

    @field_validator("url")
    @classmethod
    def _a_database_url(cls, value: str | None) -> str | None:
        return None if value is None else check_database_url(value)


def check_database_url(value: str) -> str:
    """``value`` when it is a URL of a database brandpulse supports; else a ValueError saying what is."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    example = "e.g. sqlite:///brandpulse.db or postgresql+psycopg://user@host:5432/db"
    try:
        backend = make_url(value).get_backend_name()
    except (ArgumentError, ValueError):
        raise ValueError(f"{value[:100]!r} is not a database URL ({example})") from None
    if backend not in DATABASE_BACKENDS:
        raise ValueError(f"{backend!r} databases are not supported; use SQLite or PostgreSQL ({example})")
    return value


class ModelConfig(_Strict):
    sentiment: str = "default"
    spam: str = "default"
    batch_size: int = Field(default=64, ge=1, le=4096)
    precision: Literal["auto", "fp32", "bf16", "int8"] = "auto"
    spam_threshold: float = Field(default=0.5, gt=0, lt=1)
    label_mapping: dict[str, str] = Field(default_factory=dict)


class AlertsConfig(_Strict):
    """Thresholds of the alert rules (``store.alerts``; the defaults are ``AlertSettings``'s)."""

    k: float = Field(default=DEFAULT_ALERTS.k, gt=0, le=20)
    baseline_days: int = Field(default=DEFAULT_ALERTS.baseline_days, ge=2, le=90)
    min_volume: int = Field(default=DEFAULT_ALERTS.min_volume, ge=1, le=1_000_000_000)
    min_negative: int = Field(default=DEFAULT_ALERTS.min_negative, ge=1, le=1_000_000_000)
    max_quarantine_share: float = Field(default=DEFAULT_ALERTS.max_quarantine_share, gt=0, le=1)
    max_run_hours: float = Field(default=DEFAULT_ALERTS.max_run_hours, gt=0, le=24 * 366)
    drivers: int = Field(default=DEFAULT_ALERTS.drivers, ge=0, le=50)
    reach_threshold: int = Field(default=DEFAULT_ALERTS.reach_threshold, ge=1, le=10**15)
    cooldown_hours: float = Field(default=DEFAULT_ALERTS.cooldown_hours, ge=0, le=24 * 366)
    # Where new alerts go: apprise URLs (slack://, mailto://, tgram://, line://, workflows://, json://...).
    notify: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("notify")
    @classmethod
    def _apprise_urls(cls, value: list[str]) -> list[str]:
        from store.alerts.delivery import notify_target

        for i, url in enumerate(value):
            try:
                notify_target(url)
            except ValueError as exc:  # the message shows the URL masked: it holds tokens
                raise ValueError(f"entry {i + 1}: {exc}") from None
        return value

    def settings(self) -> AlertSettings:
        return AlertSettings(**self.model_dump(exclude={"notify"}))


class UiConfig(_Strict):
    """The dashboard: ``timezone`` is the IANA zone times are shown in (stored times stay UTC)."""

    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            shown = value[:100] if value.isprintable() else "(unprintable)"
            raise ValueError(
                f"unknown time zone {shown!r}: use an IANA name such as UTC, Asia/Seoul or Europe/Paris"
            ) from None
        return value


class PrConfig(_Strict):
    """The PR desk: a negative mention should be resolved within ``resolve_target_hours`` of being stored
    (the response metrics' "resolved within target", ``store.kpi.response``)."""

    resolve_target_hours: float = Field(default=24.0, gt=0, le=24 * 366)


class Config(_Strict):
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    ui: UiConfig = Field(default_factory=UiConfig)
    pr: PrConfig = Field(default_factory=PrConfig)
    campaigns: CampaignsConfig = Field(default_factory=CampaignsConfig)  # phases, UTM and code mapping
    brands: list[BrandConfig] = Field(default_factory=list)
    sources: list[SourceConfig] = Field(default_factory=list)
    # The brand the dashboard's Overview opens on; after `brands`, so its validator sees them.
    home_brand: str | None = Field(default=None, max_length=200)

    @field_validator("brands")
    @classmethod
    def _unique_brands(cls, value: list[BrandConfig]) -> list[BrandConfig]:
        seen: set[str] = set()
        for brand in value:
            if brand.name.casefold() in seen:
                raise ValueError(f"brand {brand.name!r} is listed twice")
            seen.add(brand.name.casefold())
        return value

    @field_validator("home_brand")
    @classmethod
    def _a_configured_brand(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or "brands" not in info.data:  # no brands: their own error says why
            return value
        names = [b.name for b in info.data["brands"]]
        for name in names:
            if name.casefold() == value.casefold():
                return name  # as the brand is spelled in [[brands]]
        known = ", ".join(repr(n) for n in names[:20]) or "none configured"
        raise ValueError(f"{_no_controls(value)!r} is not a configured brand (brands: {known})")

    @property
    def database_url(self) -> str:
        return database_url(self.database.url)


def _check_effective_url(cfg: Config, source: Path | str) -> None:
    """The URL in force (``BRANDPULSE_DATABASE_URL`` wins over ``database.url``) must be one we can open."""
    env = os.environ.get("BRANDPULSE_DATABASE_URL")
    if env:
        try:
            check_database_url(env)
        except ValueError as exc:
            raise ConfigError(f"BRANDPULSE_DATABASE_URL: {exc}") from None
    try:
        cfg.database_url  # noqa: B018 - resolving it (a relative SQLite path) must work too
    except Exception as exc:  # noqa: BLE001 - any failure is a bad URL; the message says which
        raise ConfigError(f"invalid configuration in {source}:\n  database.url: {exc}") from None


def _format_errors(path: Path | str, exc: ValidationError) -> str:
    lines = [f"invalid configuration in {path}:"]
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        lines.append(f"  {key}: {msg}")
    return "\n".join(lines)


def parse_config(data: dict[str, Any], source: Path | str = "<config>") -> Config:
    try:
        cfg = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_errors(source, exc)) from None
    except RecursionError:
        raise ConfigError(f"invalid configuration in {source}: nested too deeply") from None
    _check_effective_url(cfg, source)
    return cfg


def load_config(path: Path | str | None = None) -> Config:
    """Read and validate the config; a missing default file means built-in defaults."""
    explicit = path is not None or "BRANDPULSE_CONFIG" in os.environ
    cfg_path = Path(path or os.environ.get("BRANDPULSE_CONFIG") or DEFAULT_CONFIG_PATH)
    if not cfg_path.exists():
        if explicit:
            raise ConfigError(
                f"configuration file {cfg_path} does not exist (create one with `brandpulse init`)"
            )
        cfg = Config()
        _check_effective_url(cfg, cfg_path)
        return cfg
    if not cfg_path.is_file():
        raise ConfigError(f"configuration file {cfg_path} is not a file (a folder?)")
    try:
        size = cfg_path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(
                f"configuration file {cfg_path} is {size:,} bytes; a configuration is at most "
                f"{MAX_CONFIG_BYTES:,} (is it the right file?)"
            )
        # utf-8-sig: Notepad saves UTF-8 with a byte-order mark.
        data = tomllib.loads(cfg_path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid configuration in {cfg_path}: TOML syntax error: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"invalid configuration in {cfg_path}: not UTF-8 ({exc})") from None
    except RecursionError:
        raise ConfigError(f"invalid configuration in {cfg_path}: nested too deeply") from None
    except OSError as exc:
        raise ConfigError(f"cannot read configuration file {cfg_path}: {exc.strerror or exc}") from None
    return parse_config(data, cfg_path)


EXAMPLE_CONFIG = """\
# brandpulse configuration. Every key is optional; these are the defaults or examples.
# BRANDPULSE_DATABASE_URL in the environment overrides [database].url.

# The brand the dashboard's Overview opens on (one of [[brands]] below); without it, the busiest brand.
# home_brand = "Glow Lab"

[database]
# SQLite file by default (WAL mode); PostgreSQL: "postgresql+psycopg://user@host:5432/dbname"
url = "sqlite:///brandpulse.db"

[model]
# "default" = the bundled multilingual model, or any Hugging Face sequence-classification model
# (hub id or local path).
sentiment = "default"
spam = "default"
batch_size = 64
# Numeric precision of the bundled model: "auto" (bf16 on CPUs with native bf16, fp16 on CUDA, else fp32),
# "fp32", "bf16" or "int8" (dynamic quantisation). BRANDPULSE_PRECISION in the environment overrides it.
precision = "auto"
# A mention counts as spam when its spam probability is at least this.
spam_threshold = 0.5
# For models whose labels are LABEL_0, LABEL_1 ...: map them to negative/neutral/positive or spam/ham.
# label_mapping = { LABEL_0 = "negative", LABEL_1 = "neutral", LABEL_2 = "positive" }

[alerts]
# A spike: the last 24 h above the mean of the baseline_days before + k standard deviations, with at least
# min_volume mentions (min_negative negative ones for a negative-share spike).
k = 2.0
baseline_days = 7
min_volume = 10
min_negative = 3
# Source health: a last run that quarantined more than this share of its records (0.2 = 20 %), or a run
# still "running" this many hours after its start (a crawler killed mid-run).
max_quarantine_share = 0.2
max_run_hours = 6.0
# Top mentions shown (and sent with the alert) per spike.
drivers = 5
# A negative mention whose reach (author followers + likes + replies) is at least this is an alert.
reach_threshold = 10000
# An open alert announced within this many hours is updated (last seen), not announced again.
cooldown_hours = 6.0
# Where new alerts are delivered (apprise URLs): Slack, Microsoft Teams, email, Telegram, LINE, JSON webhooks.
# notify = ["slack://TokenA/TokenB/TokenC/#alerts", "mailto://user:app-password@gmail.com",
#           "tgram://bot_token/chat_id", "line://token/user_id", "json://127.0.0.1:8000/hook"]

[ui]
# The time zone the dashboard shows times in (an IANA name); times are stored as UTC.
timezone = "UTC"

[pr]
# Response metrics: the share of negative mentions resolved within this many hours of being stored.
resolve_target_hours = 24.0

# Campaigns: the windows before and after a campaign that `brandpulse phases` compares with it (in days;
# default: as long as the campaign), and how imported web traffic (`brandpulse import traffic`, GA4-style)
# and promo codes (`brandpulse import codes`) map to campaigns and influencers. A traffic row's
# utm_campaign names its campaign and its utm_content its influencer: by default the campaign of that name
# and the influencer of that handle; map other values here. A promo code is the influencer's whose prefix it
# starts with (the longest prefix wins). Mapping happens when figures are read: no re-import after a change.
# [campaigns]
# before_days = 14
# after_days = 14
#
# [campaigns.utm_campaign]    # utm_campaign value = campaign name
# glow_spring_26 = "Spring Glow"
#
# [campaigns.utm_content]     # utm_content value = influencer
# minji_reel = "@minji"
#
# [[campaigns.codes]]         # one block per prefix
# prefix = "MINJI"
# influencer = "@minji"
# campaign = "Spring Glow"    # optional: else the influencer's campaign running on the day of the order

# Brands: a boolean query (AND, OR, NOT, parentheses, "quoted phrases"); case-insensitive, whole words
# for Latin script, substrings for Korean and Chinese. Brands sharing a competitor_group are compared in
# share of voice.
[[brands]]
name = "Glow Lab"
query = '"glow lab" OR glowlab OR 글로우랩 OR 光澤實驗室 NOT job'
competitor_group = "skincare"
# Target markets, for influencer audience fit: commenters' languages (ISO 639) and, where sources tell
# it, regions (ISO 3166). Without markets, audience fit is not computed.
# markets = ["vi", "en"]
# regions = ["VN"]

[[brands]]
name = "Aqua Veil"
query = '"aqua veil" OR aquaveil OR 아쿠아베일 OR 水紗'
competitor_group = "skincare"

# Sources: a spider and its arguments.
[[sources]]
spider = "ptt"
args = { boards = ["MakeUp"], max_pages = 3 }

[[sources]]
spider = "vnexpress"
args = { keywords = ["glow lab", "aqua veil"] }

[[sources]]
spider = "naver_comments"
args = { articles = ["001,0014000001"] }
"""
