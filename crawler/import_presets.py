"""How an export's columns become an import's: presets for the post exports of Instagram and Facebook (Meta
Business Suite), TikTok Studio and YouTube Studio, constant columns (``--set platform=instagram``), columns
derived from others (a TikTok video's id from its link), and the other options of an import
(``ImportOptions``).

A preset is a column map from the export's header names, the platform as a constant, and the order its
numeric dates are written in. What the analyst gives wins over the preset: ``--map`` over its column map,
``--set`` over its constants, ``--date-order`` over its order. A constant fills a column that the file does
not have or that is blank in a row; a value in the file wins.

This module stays light to import (the CLI builds its options from ``PresetName`` and ``DateOrder``): the
value parsers, which bring the crawler's pipelines, are imported when a file is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.import_reading import OpenedFile, Required, column_name, open_file

if TYPE_CHECKING:
    from crawler.import_values import Notation

__all__ = ["PRESETS", "DateOrder", "Derived", "ImportOptions", "Preset", "PresetName", "import_options"]

# (rows read, progress units done, units in all): bytes of a text file, rows of a sheet.
Progress = Callable[[int, int, int], None]


class PresetName(StrEnum):
    instagram = "instagram"
    tiktok = "tiktok"
    facebook = "facebook"
    youtube_studio = "youtube-studio"


class DateOrder(StrEnum):
    """The order of a numeric date that reads both ways (01/03/2026)."""

    dmy = "dmy"
    mdy = "mdy"


@dataclass(frozen=True)
class Derived:
    """``column``, when blank, from ``source``: group 1 of ``pattern`` put into ``template``."""

    column: str
    source: str
    pattern: str
    template: str = "{}"

    def value(self, row: Mapping[str, Any]) -> str | None:
        from crawler.import_values import blank

        source = row.get(self.source)
        if blank(source) or not isinstance(source, str | int):
            return None
        match = re.search(self.pattern, str(source).strip())
        return self.template.format(match.group(1)) if match else None


@dataclass(frozen=True)
class Preset:
    """An export's columns (header → our column, for posts and mentions alike, then per kind), its
    platform, what else can be derived, rows that are totals (by external id) and its date order."""

    platform: str
    export: str  # where the file comes from, for the docs
    columns: dict[str, str]
    per_kind: dict[str, dict[str, str]] = field(default_factory=dict)
    derived: tuple[Derived, ...] = ()
    total_ids: frozenset[str] = frozenset()
    month_first: bool = True  # the English exports these headers come from write 11/28/2026

    def column_map(self, kind: str) -> dict[str, str]:
        return {**self.columns, **self.per_kind.get(kind, {})}


# A post export imported as mentions: each row is a post's own text, with its comments as replies.
_AS_MENTIONS = {"Comments": "replies"}
_META = {
    "Post ID": "external_id",
    "Description": "text",
    "Publish time": "published_at",
    "Permalink": "url",
}
PRESETS: dict[str, Preset] = {
    PresetName.instagram: Preset(
        platform="instagram",
        export="Meta Business Suite → Insights → Content → Export data (Instagram posts)",
        columns={**_META, "Account username": "author"},
        per_kind={"mentions": _AS_MENTIONS},
    ),
    PresetName.facebook: Preset(
        platform="facebook",
        export="Meta Business Suite → Insights → Content → Export data (Facebook posts)",
        columns={**_META, "Page name": "author", "Reactions": "likes"},
        per_kind={"mentions": _AS_MENTIONS},
        derived=(Derived("text", "title", r"(?s)(.+)"),),  # a video's title when it has no description
    ),
    PresetName.tiktok: Preset(
        platform="tiktok",
        export="TikTok Studio → Analytics → Content → Download data",
        columns={
            "Video title": "text",
            "Video link": "url",
            "Post time": "published_at",
            "Total likes": "likes",
            "Total comments": "comments",
            "Total shares": "shares",
            "Total views": "views",
            "Total saves": "saves",
        },
        per_kind={"mentions": {"Total comments": "replies"}},
        derived=(
            Derived("external_id", "url", r"/video/(\d+)"),
            Derived("author", "url", r"/@([^/?#]+)"),
        ),
    ),
    PresetName.youtube_studio: Preset(
        platform="youtube",  # the crawler's name: the videos' crawled comments join these posts
        export="YouTube Studio → Analytics → Advanced mode → Export current view (Table data.csv)",
        columns={
            "Content": "external_id",
            "Video title": "text",
            "Video publish time": "published_at",
            "Comments added": "comments",
        },
        per_kind={"mentions": {"Comments added": "replies"}},
        derived=(Derived("url", "external_id", r"^([\w-]{11})$", "https://www.youtube.com/watch?v={}"),),
        total_ids=frozenset({"total"}),  # the export's second line sums the columns
    ),
}


@dataclass
class ImportOptions:
    """Everything about a file besides its path: how its columns are named and filled, its encoding, how
    its times are written, and who is told of the progress."""

    column_map: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    derived: tuple[Derived, ...] = ()
    total_ids: frozenset[str] = frozenset()
    encoding: str | None = None
    tz: tzinfo = UTC
    month_first: bool = False
    progress: Progress | None = None

    def open(
        self, path: Path, columns: Collection[str], required: Collection[str], *, tables: bool = False
    ) -> OpenedFile:
        """Check and open ``path`` for an import reading ``columns``, of which ``required`` are; ``tables``:
        a report whose first table is the data (``open_file``)."""
        return open_file(
            path,
            self.column_map,
            columns=columns,
            required=self.required(required),
            encoding=self.encoding,
            tables=tables,
        )

    def notation(self) -> Notation:
        """A fresh ``Notation`` for one import (its ``now`` is when the import starts)."""
        from crawler.import_values import Notation

        return Notation(tz=self.tz, month_first=self.month_first)

    def required(self, required: Collection[str]) -> tuple[Required, ...]:
        """What the header must have: a constant needs no column, a derived one its source (or itself)."""
        out: list[Required] = []
        for col in required:
            if col in self.constants:
                continue
            sources = tuple(d.source for d in self.derived if d.column == col)
            out.append((col, *sources) if sources else col)
        return tuple(out)

    def is_total(self, row: Mapping[str, Any]) -> bool:
        """A row that sums the others (YouTube Studio's "Total"), not a record."""
        ext = row.get("external_id")
        return bool(self.total_ids) and isinstance(ext, str) and ext.strip().casefold() in self.total_ids

    def fill(self, row: dict[str, Any]) -> dict[str, Any]:
        """``row`` with constants and derived values in the columns it has blank or lacks."""
        if not self.constants and not self.derived:
            return row
        from crawler.import_values import blank

        out = dict(row)
        for col, value in self.constants.items():
            if blank(out.get(col)):
                out[col] = value
        for rule in self.derived:
            if blank(out.get(rule.column)):
                value = rule.value(out)
                if value is not None:
                    out[rule.column] = value
        return out


def import_options(
    kind: str,
    columns: Collection[str],
    *,
    preset: str | None = None,
    column_map: Mapping[str, str] | None = None,
    constants: Mapping[str, str] | None = None,
    encoding: str | None = None,
    tz: tzinfo | None = None,
    date_order: str | None = None,
    progress: Progress | None = None,
) -> ImportOptions:
    """The options of an import of ``kind`` (reading ``columns``), the analyst's over the preset's.
    Raises ``ValueError`` with a message for a preset or constant that does not fit."""
    chosen = None
    if preset is not None:
        chosen = PRESETS.get(preset)
        if chosen is None:
            raise ValueError(f"--preset: unknown preset {preset!r}; one of {', '.join(PRESETS)}")
        if kind not in ("posts", "mentions"):
            raise ValueError(f"--preset is for post exports (import posts or mentions), not {kind}")
    unknown = [c for c in constants or {} if c not in columns]
    if unknown:
        raise ValueError(f"--set: {kind} have no column {unknown[0]!r}; the columns are {', '.join(columns)}")
    mapping = chosen.column_map(kind) if chosen else {}
    # The analyst's --map replaces the preset's for the same header and for the same column.
    given = {column_name(src, {}) for src in column_map or {}}
    taken = set((column_map or {}).values())
    mapping = {
        src: dst for src, dst in mapping.items() if column_name(src, {}) not in given and dst not in taken
    }
    fixed = {"platform": chosen.platform} if chosen else {}
    if chosen and kind == "mentions":
        fixed["kind"] = "post"  # a post export's rows are posts' own texts
    month_first = chosen.month_first if chosen else False
    if date_order is not None:
        month_first = DateOrder(date_order) is DateOrder.mdy
    return ImportOptions(
        column_map={**mapping, **(column_map or {})},
        constants={**fixed, **(constants or {})},
        derived=chosen.derived if chosen else (),
        total_ids=chosen.total_ids if chosen else frozenset(),
        encoding=encoding,
        tz=tz or UTC,
        month_first=month_first,
        progress=progress,
    )
