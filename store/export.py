"""Labeled mentions as rows for analysts: one row per (mention, brand), as CSV, XLSX, Parquet or JSONL.

The CLI ``brandpulse export`` and the dashboard's download buttons both use ``export_frame`` and
``write_export``. CSV and XLSX are opened in spreadsheets. A CSV starts with a UTF-8 byte-order mark (without
it Excel reads UTF-8 as the legacy code page and garbles Korean, Chinese and Vietnamese), its text cells that
a spreadsheet would run as a formula get a leading ``'`` (``neutralise_formulas``, OWASP's CSV-injection
guidance) and every cell holding a line break is quoted. An XLSX stores every text as a text cell, which no
spreadsheet runs, so it keeps texts as stored (times as UTC without a zone: Excel has none). JSONL and Parquet
are data for programs and keep every value as stored.
"""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from store.kpi.response import first_action_times, resolution_times, response_start
from store.models import POST_KINDS, Author, Brand, LabelCorrection, Mention, MentionBrand, Post
from store.privacy import pseudonym
from store.sql import mention_time, not_spam, period_filter

FORMATS = ("csv", "xlsx", "parquet", "jsonl")
# The format a file name stands for (``format_for_path``): `--out mentions.csv` writes CSV.
SUFFIX_FORMATS = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
COLUMNS = [
    "mention_id",
    "platform",
    "external_id",
    "kind",
    "url",
    # The post a comment is under (a post's own text: that post), and the comment it replies to. The names
    # are `brandpulse import mentions`'s, so an exported file imports again.
    "post_external_id",
    "post_url",
    "post_title",
    "parent_external_id",
    "author",
    "published_at",
    "text",
    "lang",
    "brand",
    "sentiment",
    "sentiment_score",
    "p_negative",
    "p_neutral",
    "p_positive",
    "spam_score",
    "is_spam",
    "likes",
    "replies",
    "model",
    "model_version",
    "label_source",
    "triage_status",
    # The PR desk's handling (``store.kpi.response``): the current assignee and priority, the first triage
    # change and the change that resolved the mention (the latest, and only while it is resolved), and the
    # hours from when brandpulse stored the mention (first seen, else published) to each.
    "triage_assignee",
    "triage_priority",
    "first_action_at",
    "resolved_at",
    "hours_to_first_action",
    "hours_to_resolve",
    # Analyst corrections (empty when the mention has none): the latest corrected label per task, when the
    # mention was last corrected, and what the mention showed before its first correction of each task.
    "corrected_sentiment",
    "corrected_spam",
    "corrected_at",
    "sentiment_before_correction",
    "spam_before_correction",
]

# Hours from when the mention was stored to the time in the named column (empty where that is).
HOUR_COLUMNS = {"hours_to_first_action": "first_action_at", "hours_to_resolve": "resolved_at"}


@dataclass(frozen=True)
class ExportFilter:
    brand: str | None = None
    since: date | None = None
    until: date | None = None
    sentiment: str | None = None
    include_spam: bool = False
    only_spam: bool = False
    platform: str | None = None
    lang: str | None = None
    only_labeled: bool = False


def export_frame(
    session: Session,
    flt: ExportFilter = ExportFilter(),
    limit: int | None = None,
    *,
    pseudonym_salt: str | None = None,
) -> pd.DataFrame:
    """The export rows as a DataFrame, newest first. Mentions matching no brand have an empty brand.

    With ``pseudonym_salt``, each author is replaced by a salted hash of platform and handle
    (``store.privacy.pseudonym``: the same author, the same pseudonym, within and across exports with one
    salt) and ``url`` is left empty (a comment's link leads to its author). The salt is not in the rows."""
    score = case(
        (Mention.sentiment == "positive", Mention.p_positive),
        (Mention.sentiment == "negative", Mention.p_negative),
        (Mention.sentiment == "neutral", Mention.p_neutral),
        else_=None,
    )
    lc = LabelCorrection.__table__
    per_mention = (
        select(
            lc.c.mention_id,
            func.max(case((lc.c.task == "sentiment", lc.c.id))).label("sentiment_last"),
            func.min(case((lc.c.task == "sentiment", lc.c.id))).label("sentiment_first"),
            func.max(case((lc.c.task == "spam", lc.c.id))).label("spam_last"),
            func.min(case((lc.c.task == "spam", lc.c.id))).label("spam_first"),
            func.max(lc.c.created_at).label("corrected_at"),
        )
        .group_by(lc.c.mention_id)
        .subquery("corrections")
    )
    s_last, s_first, p_last, p_first = (lc.alias(n) for n in ("s_last", "s_first", "p_last", "p_first"))
    # The same first action and resolution as the response metrics.
    first_action = first_action_times()
    resolution = resolution_times()
    resolved_at = case((Mention.triage_status == "resolved", resolution.c.at), else_=None)
    parent = aliased(Post)
    stmt = (
        select(
            Mention.id,
            Mention.platform,
            Mention.external_id,
            Mention.kind,
            Mention.url,
            parent.external_id,
            parent.url,
            parent.title,
            Mention.parent_external_id,
            Author.handle,
            Mention.published_at,
            Mention.text,
            Mention.lang,
            Brand.name,
            Mention.sentiment,
            score,
            Mention.p_negative,
            Mention.p_neutral,
            Mention.p_positive,
            Mention.spam_score,
            Mention.is_spam,
            Mention.likes,
            Mention.replies,
            Mention.model,
            Mention.model_version,
            Mention.label_source,
            Mention.triage_status,
            Mention.triage_assignee,
            Mention.triage_priority,
            first_action.c.at,
            resolved_at,
            s_last.c.label,
            p_last.c.label,
            per_mention.c.corrected_at,
            s_first.c.previous_label,
            p_first.c.previous_label,
            response_start(),  # stored: the hours' start
        )
        .select_from(Mention)
        .outerjoin(Author, Author.id == Mention.author_id)
        .outerjoin(parent, parent.id == Mention.post_id)
        .outerjoin(per_mention, per_mention.c.mention_id == Mention.id)
        .outerjoin(s_last, s_last.c.id == per_mention.c.sentiment_last)
        .outerjoin(s_first, s_first.c.id == per_mention.c.sentiment_first)
        .outerjoin(p_last, p_last.c.id == per_mention.c.spam_last)
        .outerjoin(p_first, p_first.c.id == per_mention.c.spam_first)
        .outerjoin(first_action, first_action.c.mention_id == Mention.id)
        .outerjoin(resolution, resolution.c.mention_id == Mention.id)
        .outerjoin(MentionBrand, MentionBrand.mention_id == Mention.id)
        .outerjoin(Brand, Brand.id == MentionBrand.brand_id)
        .where(period_filter(mention_time(), flt.since, flt.until))
        .order_by(Mention.published_at.desc(), Mention.id.desc())
    )
    conds = []
    if flt.brand:
        conds.append(Brand.name == flt.brand)
    if flt.sentiment:
        conds.append(Mention.sentiment == flt.sentiment)
    if flt.only_spam:
        conds.append(func.coalesce(Mention.is_spam, False).is_(True))
    elif not flt.include_spam:
        conds.append(not_spam())
    if flt.platform:
        conds.append(Mention.platform == flt.platform)
    if flt.lang:
        conds.append(Mention.lang == flt.lang)
    if flt.only_labeled:
        conds.append(Mention.labeled_at.is_not(None))
    if conds:
        stmt = stmt.where(and_(*conds))
    if limit:
        stmt = stmt.limit(limit)
    rows = session.execute(stmt).all()
    read = [c for c in COLUMNS if c not in HOUR_COLUMNS] + ["stored_at"]
    frame = pd.DataFrame([tuple(r) for r in rows], columns=read)
    for column in ("published_at", "corrected_at", "first_action_at", "resolved_at", "stored_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    for column, at in HOUR_COLUMNS.items():
        frame[column] = (frame[at] - frame["stored_at"]).dt.total_seconds() / 3600
    frame = frame[COLUMNS]
    if pseudonym_salt is not None:
        pairs = zip(frame["platform"], frame["author"], strict=True)
        frame["author"] = [pseudonym(pseudonym_salt, p, a) if isinstance(a, str) else a for p, a in pairs]
        frame["url"] = None
        # A post's own link leads to its author as a comment's does; a comment's post link leads to the post.
        frame.loc[frame["kind"].isin(POST_KINDS), "post_url"] = None
    return frame


def format_for_path(path: str | Path) -> str | None:
    """The export format a file name's suffix stands for, None for any other suffix.

    >>> format_for_path("mentions.CSV"), format_for_path("out.txt")
    ('csv', None)
    """
    return SUFFIX_FORMATS.get(Path(path).suffix.lower())


def facets(session: Session) -> tuple[list[str], list[str]]:
    """The platforms and languages present in the store (for filter choices)."""
    platforms = (
        session.execute(select(Mention.platform).distinct().order_by(Mention.platform)).scalars().all()
    )
    langs = (
        session.execute(
            select(Mention.lang).where(Mention.lang.is_not(None)).distinct().order_by(Mention.lang)
        )
        .scalars()
        .all()
    )
    return list(platforms), list(langs)


# A cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets (OWASP, "CSV
# Injection"): "=HYPERLINK(...)", "+cmd|' /C calc'!A0", "-2+3", "@SUM(...)", or one hidden behind a tab or CR.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells starting with a ``FORMULA_PREFIXES`` character get a leading
    ``'``, so a spreadsheet shows them as text instead of running them. Numbers, dates and empty cells stay.

    >>> neutralise_formulas(pd.DataFrame({"text": ["=1+1", "fine", "@x"], "n": [-1, 2, 3]})).values.tolist()
    [["'=1+1", -1], ['fine', 2], ["'@x", 3]]
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype != object and not pd.api.types.is_string_dtype(values.dtype):
            continue
        try:
            hit = values.str.startswith(FORMULA_PREFIXES, na=False).astype(bool)
        except AttributeError:  # an object column holding no strings at all (booleans)
            hit = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_PREFIXES)).astype(bool)
        if hit.any():
            out.loc[hit, column] = "'" + values[hit]
    return out


# Rows written between two progress reports.
CHUNK_ROWS = 5_000
# What an XLSX sheet holds (Excel's limits): rows including the header, and characters in one cell.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_CELL_CHARS = 32_767


@dataclass(frozen=True)
class ExportWritten:
    rows: int
    cut_cells: int = 0  # XLSX: texts over Excel's cell limit, cut to XLSX_MAX_CELL_CHARS


def write_export(
    frame: pd.DataFrame,
    fmt: str,
    out: str | Path | IO[bytes],
    progress: Callable[[int], None] | None = None,
) -> ExportWritten:
    """Write ``frame`` as ``fmt`` (csv, xlsx, parquet, jsonl) to a path or a binary file object, calling
    ``progress(rows_written)`` as it goes. A path is written whole or not at all: into a temporary file
    beside it, renamed over it at the end. CSV cells that would run as spreadsheet formulas are neutralised
    (``neutralise_formulas``); an export too big for one XLSX sheet is a ValueError before anything is
    written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "xlsx" and len(frame) >= XLSX_MAX_ROWS:
        raise ValueError(
            f"{len(frame):,} rows do not fit in an XLSX sheet (at most {XLSX_MAX_ROWS - 1:,}): "
            "export CSV or Parquet, or fewer rows (--brand, --since, --until)"
        )
    report = progress or (lambda _rows: None)
    if not isinstance(out, str | Path):
        return _WRITERS[fmt](frame, out, report)
    target = Path(out)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as handle:
            written = _WRITERS[fmt](frame, handle, report)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return written


def _chunks(frame: pd.DataFrame) -> list[pd.DataFrame]:
    # At least one (maybe empty) chunk: an empty export still gets its header.
    return [frame.iloc[i : i + CHUNK_ROWS] for i in range(0, max(len(frame), 1), CHUNK_ROWS)]


def _write_csv(frame: pd.DataFrame, handle: IO[bytes], report: Callable[[int], None]) -> ExportWritten:
    handle.write(codecs.BOM_UTF8)
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    done = 0
    for i, chunk in enumerate(_chunks(neutralise_formulas(frame))):
        # CRLF rows (RFC 4180) make the csv writer quote every cell holding a CR or LF: with LF rows, a text
        # with a bare CR ("ok\r=HYPERLINK(...)") split its row and started a new one with a formula cell.
        chunk.to_csv(text, index=False, header=i == 0, lineterminator="\r\n")
        done += len(chunk)
        report(done)
    text.flush()
    text.detach()  # the caller's handle stays open
    return ExportWritten(done)


def _write_jsonl(frame: pd.DataFrame, handle: IO[bytes], report: Callable[[int], None]) -> ExportWritten:
    done = 0
    for chunk in _chunks(frame):
        data = chunk.to_json(orient="records", lines=True, date_format="iso", force_ascii=False)
        handle.write(data.encode("utf-8"))
        done += len(chunk)
        report(done)
    return ExportWritten(done)


def _write_parquet(frame: pd.DataFrame, handle: IO[bytes], report: Callable[[int], None]) -> ExportWritten:
    frame.to_parquet(handle, index=False)
    report(len(frame))
    return ExportWritten(len(frame))


def _write_xlsx(frame: pd.DataFrame, handle: IO[bytes], report: Callable[[int], None]) -> ExportWritten:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    values = frame.copy()
    for column in values.columns:
        if isinstance(values[column].dtype, pd.DatetimeTZDtype):
            values[column] = values[column].dt.tz_convert("UTC").dt.tz_localize(None)
    values = values.astype(object).where(values.notna(), None)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("mentions")
    sheet.append(list(values.columns))
    cut = done = 0
    for row in values.itertuples(index=False, name=None):
        cells: list[object] = []
        for value in row:
            if not isinstance(value, str):
                cells.append(value)
                continue
            # Control characters other than tab and line breaks are not allowed in an XLSX file.
            value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
            if len(value) > XLSX_MAX_CELL_CHARS:
                value, cut = value[:XLSX_MAX_CELL_CHARS], cut + 1
            # openpyxl stores a string starting with "=" as a formula; a text cell is shown, never run.
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
        done += 1
        if done % CHUNK_ROWS == 0:
            report(done)
    book.save(handle)
    report(done)
    return ExportWritten(done, cut)


_WRITERS = {"csv": _write_csv, "xlsx": _write_xlsx, "parquet": _write_parquet, "jsonl": _write_jsonl}


def export_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    buf = io.BytesIO()
    write_export(frame, fmt, buf)
    return buf.getvalue()


MIME_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "jsonl": "application/jsonl",
}
