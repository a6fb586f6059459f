"""Runs the bad-input corpus (``tests/corpus/bad_inputs.py``) through the real ``brandpulse import`` command
against one database, and checks each case: no traceback, every good row stored exactly once, every bad row
quarantined with a reason. Returns the figures and every problem found."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner, Result

from store.db import session_scope
from store.models import Campaign, CodeRedemption, Mention, Post, QuarantinedRecord, WebTraffic
from tests.corpus.bad_inputs import FORMATS, HEADER_CSV, FileCase, RawCase, RowCase, dumps_json_line

KEY_COLUMNS = {"mentions": ("platform", "external_id", "text"), "posts": ("platform", "external_id", "text")}
KEY_COLUMNS["campaigns"] = ("campaign", "brand", "influencer", "platform", "post_external_id")
KEY_COLUMNS["traffic"] = ("date", "source", "medium", "campaign", "content")
KEY_COLUMNS["codes"] = ("code", "date")
KINDS = ("posts", "mentions", "campaigns", "traffic", "codes")
_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class Figures:
    database: str
    row_cases: int = 0
    renderings: int = 0
    raw_cases: int = 0
    file_cases: int = 0
    quarantined: int = 0
    stored: int = 0
    file_errors: int = 0
    tracebacks: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def cases(self) -> int:
        return self.renderings + self.raw_cases + self.file_cases


def _invoke(runner: CliRunner, args: list[str], env: dict[str, str] | None = None) -> Result:
    from ui.cli.app import app

    return runner.invoke(app, args, env=env)


def _crashed(result: Result) -> bool:
    return (result.exception is not None and not isinstance(result.exception, SystemExit)) or (
        "Traceback" in result.output
    )


# ---------------------------------------------------------------- writing the combined files


@dataclass
class _Planned:
    n: int  # row number in the file
    case: RowCase | None
    key: tuple[str, ...] | None  # what a good row is stored under
    good: bool
    reason: str


def _defaults(kind: str, fmt: str, i: int) -> dict[str, Any]:
    if kind == "campaigns":
        return {"campaign": f"camp-{fmt}-{i}"}
    if kind == "traffic":  # stored under (campaign, content): one campaign per format's file
        return {"campaign": f"corpus-{fmt}", "content": f"t{i}"}
    if kind == "codes":
        return {"code": f"{fmt}-{i}"}
    return {"platform": f"corpus-{fmt}", "external_id": f"{kind[0]}{i}"}


def _key(kind: str, values: dict[str, Any], case: RowCase) -> tuple[str, ...]:
    if kind == "campaigns":
        return (str(values["campaign"]),)
    if kind == "traffic":
        content = case.stored_id if case.stored_id is not None else str(values["content"])
        return (str(values["campaign"]).strip(), content)
    if kind == "codes":
        return ((case.stored_id if case.stored_id is not None else str(values["code"]).strip()).upper(),)
    ext = case.stored_id if case.stored_id is not None else str(values["external_id"]).strip()
    return (str(values["platform"]).strip(), ext)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _in_format(value: Any, fmt: str) -> Any:
    return value.replace("{fmt}", fmt) if isinstance(value, str) else value


def write_rows(kind: str, fmt: str, cases: list[RowCase], folder: Path) -> tuple[Path, list[_Planned]]:
    rows = []
    for i, case in enumerate(cases):
        # "{fmt}" in a value names the format, so that a key a case sets is not shared by two formats' files
        case = replace(case, stored_id=_in_format(case.stored_id, fmt))
        given = {k: _in_format(v, fmt) for k, v in case.values.items()}
        values = {"case": f"{kind}-{fmt}-{i}", **_defaults(kind, fmt, i), **given}
        rows.append((case, values))
    columns = ["case", *KEY_COLUMNS[kind]]
    columns += sorted({c for _, v in rows for c in v} - set(columns))
    planned: list[_Planned] = []
    path = folder / f"{kind}.{fmt}"
    if fmt == "csv":
        buffer, line = io.StringIO(), 1
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for case, values in rows:
            start = buffer.tell()
            writer.writerow([_cell(values.get(c)) for c in columns])
            planned.append(_Planned(line + 1, case, _key(kind, values, case), case.good, case.reason))
            line += len(_BREAK.findall(buffer.getvalue()[start:]))
        path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    elif fmt == "jsonl":
        lines = [dumps_json_line(values) for _, values in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        planned = [_Planned(i + 1, c, _key(kind, v, c), c.good, c.reason) for i, (c, v) in enumerate(rows)]
    else:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(columns)
        for _, values in rows:
            sheet.append([values.get(c) for c in columns])
        book.save(path)
        planned = [_Planned(i + 2, c, _key(kind, v, c), c.good, c.reason) for i, (c, v) in enumerate(rows)]
    return path, planned


def write_raw(fmt: str, cases: list[RawCase], folder: Path) -> tuple[Path, list[_Planned]]:
    text, line, planned = (HEADER_CSV if fmt == "csv" else ""), (2 if fmt == "csv" else 1), []
    for case in cases:
        # The rows a raw case makes start on its consecutive lines (a multi-line record is one outcome).
        for offset, (ext, good, reason) in enumerate(case.outcomes):
            planned.append(_Planned(line + offset, None, ("raw", ext) if ext else None, good, reason))
        text += case.text
        line += len(_BREAK.findall(case.text))
    path = folder / f"raw.{fmt}"
    path.write_text(text, encoding="utf-8", newline="")
    return path, planned


# ---------------------------------------------------------------- checking


def _quarantined_by_row(url: str, file_name: str) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    with session_scope(url) as session:
        for reason, payload in session.execute(select(QuarantinedRecord.reason, QuarantinedRecord.payload)):
            try:
                data = json.loads(payload)
            except ValueError:
                continue
            if isinstance(data, dict) and data.get("file") == file_name:
                out.setdefault(int(data["row"]), []).append(reason)
    return out


def _stored(url: str, kind: str) -> Counter[tuple[str, ...]]:
    with session_scope(url) as session:
        if kind == "campaigns":
            return Counter((name,) for (name,) in session.execute(select(Campaign.name)))
        if kind == "traffic":
            return Counter(tuple(r) for r in session.execute(select(WebTraffic.campaign, WebTraffic.content)))
        if kind == "codes":
            return Counter((code,) for (code,) in session.execute(select(CodeRedemption.code)))
        if kind == "posts":
            return Counter(tuple(r) for r in session.execute(select(Post.platform, Post.external_id)))
        rows = session.execute(select(Mention.platform, Mention.external_id).where(Mention.kind != "post"))
        return Counter(tuple(r) for r in rows)


def _stored_values(url: str, kind: str, key: tuple[str, ...]) -> dict[str, Any]:
    with session_scope(url) as session:
        if kind == "campaigns":
            row: Any = session.execute(select(Campaign).where(Campaign.name == key[0])).scalar_one()
        elif kind == "traffic":
            where = (WebTraffic.campaign == key[0], WebTraffic.content == key[1])
            row = session.execute(select(WebTraffic).where(*where)).scalar_one()
        elif kind == "codes":
            row = session.execute(select(CodeRedemption).where(CodeRedemption.code == key[0])).scalar_one()
        elif kind == "posts":
            row = session.execute(
                select(Post).where(Post.platform == key[0], Post.external_id == key[1])
            ).scalar_one()
        else:
            row = session.execute(
                select(Mention).where(Mention.platform == key[0], Mention.external_id == key[1])
            ).scalar_one()
        return row.model_dump()


def _import(runner: CliRunner, kind: str, path: Path, figures: Figures, args: tuple[str, ...] = ()) -> Result:
    result = _invoke(runner, ["import", kind, str(path), *args])
    if _crashed(result):
        figures.tracebacks += 1
        figures.problems.append(f"{path.name}: crashed: {result.exception!r} {result.output[-300:]}")
    return result


def check_rows(
    url: str, runner: CliRunner, kind: str, path: Path, planned: list[_Planned], figures: Figures
) -> set[tuple[str, ...]]:
    """Import ``path`` twice; returns the keys its good rows are stored under."""
    for attempt in (1, 2):
        result = _import(runner, kind, path, figures)
        if result.exit_code != 0:
            figures.problems.append(
                f"{path.name} (import {attempt}): exit {result.exit_code}: {result.output[-300:]}"
            )
            return set()
    quarantined = _quarantined_by_row(url, path.name)
    good_keys = {p.key for p in planned if p.good and p.key}
    for p in planned:
        reasons = quarantined.get(p.n, [])
        label = f"{path.name} row {p.n} ({p.case.category if p.case else 'raw'})"
        if p.good:
            if reasons:
                figures.problems.append(f"{label}: a good row was quarantined: {reasons[0][:200]}")
            if p.case and p.case.check and p.key:
                stored = _stored_values(url, kind, p.key)
                for column, expected in p.case.check.items():
                    if stored.get(column) != expected:
                        figures.problems.append(
                            f"{label}: {column} stored {stored.get(column)!r}, not {expected!r}"
                        )
        else:
            if len(reasons) != 2:  # once per import
                figures.problems.append(f"{label}: a bad row quarantined {len(reasons)} times, not twice")
            elif p.reason and not all(p.reason in r for r in reasons):
                figures.problems.append(f"{label}: reason {reasons[0][:200]!r} does not name {p.reason!r}")
            elif not all(r.startswith(f"row {p.n}: ") for r in reasons):
                figures.problems.append(f"{label}: reason {reasons[0][:100]!r} does not give the row")
    figures.quarantined += sum(len(r) for r in quarantined.values()) // 2
    figures.stored += len(good_keys)
    return good_keys


def run_rows(url: str, folder: Path, row_cases: list[RowCase], raw_cases: list[RawCase]) -> Figures:
    """Every row and raw case, in one combined file per import kind and format."""
    figures = Figures(url.split(":", 1)[0], row_cases=len(row_cases), raw_cases=len(raw_cases))
    runner = CliRunner()
    expected: dict[str, set[tuple[str, ...]]] = {kind: set() for kind in KINDS}
    for kind in KINDS:
        for fmt in FORMATS:
            cases = [c for c in row_cases if c.kind == kind and fmt in c.formats]
            if not cases:
                continue
            figures.renderings += len(cases)
            sub = folder / fmt
            sub.mkdir(exist_ok=True)
            path, planned = write_rows(kind, fmt, cases, sub)
            expected[kind] |= check_rows(url, runner, kind, path, planned, figures)
    for fmt in ("csv", "jsonl"):
        path, planned = write_raw(fmt, [c for c in raw_cases if c.fmt == fmt], folder)
        expected["mentions"] |= check_rows(url, runner, "mentions", path, planned, figures)
    for kind, keys in expected.items():
        stored = _stored(url, kind)
        if set(stored) != keys:
            lost, extra = keys - set(stored), set(stored) - keys
            figures.problems.append(f"{kind}: {len(lost)} good rows lost {sorted(lost)[:5]}, {len(extra)} "
                                    f"stored that should not be {sorted(extra)[:5]}")  # fmt: skip
        if any(n != 1 for n in stored.values()):
            figures.problems.append(f"{kind}: rows stored more than once")
    return figures


def run_files(url: str, folder: Path, cases: list[FileCase]) -> Figures:
    """Every whole-file case, each its own import."""
    figures = Figures(url.split(":", 1)[0], file_cases=len(cases))
    runner = CliRunner()
    for case in cases:
        path = folder / case.name
        path.write_bytes(case.data)
        before = sum(_stored(url, case.kind).values())
        result = _invoke(runner, ["import", case.kind, str(path), *case.args], env=case.env or None)
        label = f"{case.name} ({case.category})"
        if _crashed(result):
            figures.tracebacks += 1
            figures.problems.append(f"{label}: crashed: {result.exception!r}")
            continue
        if result.exit_code != case.exit_code:
            figures.problems.append(
                f"{label}: exit {result.exit_code}, not {case.exit_code}: {result.output[-300:]}"
            )
        if case.message and case.message.lower() not in result.output.lower():
            figures.problems.append(
                f"{label}: the output does not say {case.message!r}: {result.output[-300:]}"
            )
        after = sum(_stored(url, case.kind).values())
        if case.exit_code:
            figures.file_errors += 1
            if after != before:
                figures.problems.append(f"{label}: a failed file stored {after - before} rows")
            if len(result.output.strip().splitlines()) > 3:
                figures.problems.append(f"{label}: more than one message: {result.output[-300:]}")
        elif f"{case.stored} stored, {case.quarantined} quarantined" not in result.output:
            expected = f"{case.stored} stored, {case.quarantined} quarantined"
            figures.problems.append(f"{label}: expected {expected}: {result.output[-200:]}")
        figures.quarantined += len(_quarantined_by_row(url, case.name))
        figures.stored += after - before
    return figures
