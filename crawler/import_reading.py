"""Reading imported files (CSV, JSONL, XLSX) into numbered rows, with every check on the whole file done
before the first row is handed out.

A problem with the file itself (unsupported type, too large, not in its encoding, a workbook that does not
open, a header without a required column) is an ``ImportFileError`` with one clear message, raised before
anything is written. A problem with one row (broken quoting, a line that is not JSON, too many fields, a
field over the size limit) becomes a row ``{"__error__": reason}`` that the importer quarantines, and
reading goes on with the next row. The text encoding is settled first (``crawler/import_encoding.py``).

A CSV's header is its first line that is neither blank nor a comment: lines starting with ``#`` before it are
skipped (GA4's "Download CSV" opens with ``# Account: ...``, ``# Start date: ...``), unless they name a
column the import reads (a header "#,platform,..."). Only lines before the header: a row of data starting
with ``#`` is a hashtag. An import of one-table reports (``tables=True``: traffic) quarantines every row
after its first table ends (at a ``#`` line, or a header row of a second table) instead of misreading it.
"""

from __future__ import annotations

import csv
import json
import os
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from crawler.import_encoding import Encoding, EncodingError, file_encoding

Rows = Iterator[tuple[int, dict[str, Any]]]
# A column a header must have, or a tuple of columns of which it must have one.
Required = str | tuple[str, ...]

# Limits: a file (BRANDPULSE_IMPORT_MAX_BYTES overrides), and one CSV record or JSONL line.
MAX_FILE_BYTES = 2 * 1024**3
MAX_RECORD_CHARS = 2_000_000
SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
SUFFIXES |= {".json": "jsonl", ".xlsx": "xlsx", ".xlsm": "xlsx"}
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message says why and what to do."""


@dataclass
class OpenedFile:
    """A checked file's rows, the encoding it is read in (None for a workbook), and how far reading is:
    ``done()`` of ``total`` (bytes of a text file, rows of a sheet; a total of 0 is unknown)."""

    rows: Rows
    encoding: Encoding | None
    total: int
    done: Callable[[], int]


def max_file_bytes() -> int:
    value = os.environ.get("BRANDPULSE_IMPORT_MAX_BYTES")
    try:
        return int(value) if value else MAX_FILE_BYTES
    except ValueError:
        raise ImportFileError(
            f"BRANDPULSE_IMPORT_MAX_BYTES must be a number of bytes, not {value!r}"
        ) from None


def column_name(raw: Any, rename: dict[str, str]) -> str:
    """A header as the importer names it: ``--map`` renames first (exactly, else ignoring case and spaces),
    then names are normalised: "External ID" and "external-id" are ``external_id``."""
    text = _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", str(raw))).strip()
    if text in rename:
        return rename[text]
    key = _normal(text)
    for src, dst in rename.items():
        if _normal(src) == key:
            return dst
    return key


def _normal(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())


def open_rows(
    path: Path,
    column_map: dict[str, str] | None = None,
    *,
    columns: Collection[str] = (),
    required: Collection[Required] = (),
    encoding: str | None = None,
) -> Rows:
    """Check ``path`` and return its (row number, row) pairs (``open_file``'s rows)."""
    return open_file(path, column_map, columns=columns, required=required, encoding=encoding).rows


def open_file(
    path: Path,
    column_map: dict[str, str] | None = None,
    *,
    columns: Collection[str] = (),
    required: Collection[Required] = (),
    encoding: str | None = None,
    tables: bool = False,
) -> OpenedFile:
    """Check ``path`` and open its (row number, row) pairs; row numbers are as a person counts them (the
    CSV header and the sheet's first row are row 1; JSONL counts lines; a CSV record spanning lines has the
    number of its first line). ``columns`` are the names the import reads (to find a CSV's delimiter),
    ``required`` those a header must have (a tuple: one of them). Without ``encoding``, a CSV's encoding is
    detected; a JSONL file is UTF-8 (or as its byte-order mark says). ``tables``: the file is a report whose
    first table is the data (rows of later tables are quarantined)."""
    rename = {k.strip(): v.strip() for k, v in (column_map or {}).items()}
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        hint = "; save it as .xlsx or .csv" if path.suffix.lower() == ".xls" else ""
        raise ImportFileError(
            f"{path.name}: unsupported file type {path.suffix or '(none)'}; "
            f"use .csv, .tsv, .jsonl or .xlsx{hint}"
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFileError(f"{path.name}: cannot read it ({exc.strerror or exc})") from None
    limit = max_file_bytes()
    if size > limit:
        raise ImportFileError(
            f"{path.name} is {size:,} bytes, over the {limit:,}-byte import limit; split it, or raise "
            "BRANDPULSE_IMPORT_MAX_BYTES"
        )
    try:
        if kind == "xlsx":
            return _xlsx_rows(path, rename, required)
        try:
            found = file_encoding(path, encoding, detect=kind == "csv")
        except EncodingError as exc:
            raise ImportFileError(str(exc)) from None
        fh = path.open(encoding=found.codec, newline=None if kind == "jsonl" else "")
        try:
            if kind == "jsonl":
                rows = _jsonl_rows(fh, rename)
            else:
                rows = _csv_rows(path, fh, found.codec, rename, columns, required, tables=tables)
        except BaseException:
            fh.close()
            raise
    except OSError as exc:
        raise ImportFileError(f"{path.name}: cannot read it ({exc.strerror or exc})") from None

    def done() -> int:
        try:  # how far the file's buffers have read: cheap, and exact enough for a progress bar
            return int(fh.buffer.raw.tell())  # type: ignore[attr-defined]
        except (ValueError, OSError):  # closed: all of it
            return size

    return OpenedFile(rows, found, size, done)


# ---------------------------------------------------------------- JSONL


def _jsonl_rows(fh: IO[str], rename: dict[str, str]) -> Rows:
    with fh:
        n = 0
        while True:
            line = fh.readline(MAX_RECORD_CHARS + 1)
            if not line:
                return
            n += 1
            if len(line) > MAX_RECORD_CHARS and not line.endswith("\n"):
                while (rest := fh.readline(MAX_RECORD_CHARS)) and not rest.endswith("\n"):
                    pass
                yield n, {"__error__": f"line is longer than {MAX_RECORD_CHARS:,} characters"}
                continue
            if not line.strip():
                continue
            yield n, _json_row(line.lstrip("\ufeff"), rename)


def _json_row(line: str, rename: dict[str, str]) -> dict[str, Any]:
    raw = line[:2000]
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"__error__": f"not valid JSON ({exc.msg})", "__raw__": raw}
    except RecursionError:
        return {"__error__": "JSON nested too deeply", "__raw__": raw}
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        return {"__error__": f"not valid JSON ({exc})"[:200], "__raw__": raw}
    if not isinstance(obj, dict):
        return {"__error__": f"not a JSON object (a JSON {type(obj).__name__})", "__raw__": raw}
    row: dict[str, Any] = {}
    for key, value in obj.items():
        name = column_name(key, rename)
        if name in row and not _empty(row[name]):
            return {"__error__": f"two keys name the column {name!r}", "__raw__": raw}
        row[name] = value
    return row


def _empty(value: Any) -> bool:
    return value is None or value == ""


# ---------------------------------------------------------------- CSV


class _Lines:
    """The physical lines of a text file for ``csv.reader``, keeping those of the record being read so that
    a record broken by a stray quote can be given up line by line and the lines after its first read
    again."""

    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh
        self.pending: deque[tuple[int, str | None]] = deque()
        self.record: list[tuple[int, str | None]] = []
        self.chars = 0
        self.line_no = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pending:
            number, line = self.pending.popleft()
            if line is None:  # a line over the limit, given up before
                self.record.append((number, ""))
                raise _RecordTooLong
        else:
            line = self.fh.readline(MAX_RECORD_CHARS + 1)
            if not line:
                raise StopIteration
            self.line_no += 1
            number = self.line_no
            if len(line) > MAX_RECORD_CHARS:  # one physical line over the limit: skip the rest of it
                while (rest := self.fh.readline(MAX_RECORD_CHARS)) and not rest.endswith(("\n", "\r")):
                    pass
                self.record.append((number, None))
                raise _RecordTooLong
        self.record.append((number, line))
        self.chars += len(line)
        if self.chars > MAX_RECORD_CHARS:
            raise _RecordTooLong
        return line

    def start(self) -> None:
        self.record, self.chars = [], 0

    def first_line(self) -> int:
        return self.record[0][0] if self.record else self.line_no + 1

    def reread_after_first(self) -> None:
        """Give up the current record's first line; its other lines are read again."""
        self.pending.extendleft(reversed(self.record[1:]))
        self.start()


class _RecordTooLong(Exception):
    pass


def _delimiter(header_line: str, suffix: str, columns: Collection[str], rename: dict[str, str]) -> str:
    """The delimiter that splits the header into the most known column names (then into the most fields):
    a ';'-separated file from a European or Vietnamese Excel is not mistaken for one column."""
    candidates = ["\t", ",", ";", "|"] if suffix == ".tsv" else [",", ";", "\t", "|"]
    best, best_score = candidates[0], (-1, -1)
    for delimiter in candidates:
        try:
            fields = next(csv.reader([header_line], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        known = sum(1 for f in fields if column_name(f, rename) in columns)
        score = (known, len(fields))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(
    path: Path,
    fh: IO[str],
    codec: str,
    rename: dict[str, str],
    columns: Collection[str],
    required: Collection[Required],
    *,
    tables: bool = False,
) -> Rows:
    # One field may be as long as a record may be (the text limit quarantines long texts with their reason).
    csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_CHARS + 1))
    try:
        if codec == "utf-8" and fh.read(1) != "\ufeff":
            fh.seek(0)
        lines = _Lines(fh)
        number, first, comments = _header_line(path, lines, columns, rename)
        delimiter = _delimiter(first, path.suffix.lower(), columns, rename)
        lines.pending.append((number, first))  # read again, by csv, as the header
        try:
            header_fields = next(csv.reader(lines, delimiter=delimiter, strict=True))
        except (csv.Error, _RecordTooLong, StopIteration) as exc:
            raise ImportFileError(f"{path.name}: the header row cannot be read ({exc})") from None
        header = [column_name(h, rename) for h in header_fields]
        _check_header(path, header, required, comments)
    except BaseException:
        fh.close()
        raise
    known = frozenset(columns) if tables else frozenset()
    return _csv_records(fh, lines, header, delimiter, known, rename)


def _header_line(
    path: Path, lines: _Lines, columns: Collection[str], rename: dict[str, str]
) -> tuple[int, str, int]:
    """The header's line number and text, and how many comment lines came before it."""
    comments = 0
    while True:
        try:
            line = next(lines)
        except StopIteration:
            what = f"has only {comments} comment lines" if comments else "is empty"
            raise ImportFileError(f"{path.name} {what}: a CSV file needs a header row") from None
        except _RecordTooLong:
            raise ImportFileError(
                f"{path.name}: the header row cannot be read (longer than {MAX_RECORD_CHARS:,} characters)"
            ) from None
        number = lines.record[-1][0]
        lines.start()
        line = line.lstrip("\ufeff")
        if not line.strip():
            continue
        if line.startswith("#") and not _names_columns(line, path.suffix.lower(), columns, rename):
            comments += 1
            continue
        return number, line, comments


def _names_columns(line: str, suffix: str, columns: Collection[str], rename: dict[str, str]) -> bool:
    """Whether ``line``, split at its likeliest delimiter, names a column the import reads."""
    fields = next(csv.reader([line], delimiter=_delimiter(line, suffix, columns, rename)), [])
    return any(column_name(f, rename) in columns for f in fields)


def _check_header(path: Path, header: list[str], required: Collection[Required], comments: int = 0) -> None:
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise ImportFileError(f"{path.name}: the column {name!r} appears twice in the header")
        seen.add(name)
    alternatives = [(c,) if isinstance(c, str) else c for c in required]
    missing = [names for names in alternatives if not any(n in seen for n in names)]
    if missing:
        found = (", ".join(h for h in header if h) or "none")[:300]
        if comments:  # say which line was taken for the header: the one after the comments
            found += f"; the header is the line after {comments} comment lines"
        wanted = ", ".join(" or ".join(names) for names in missing)
        raise ImportFileError(
            f"{path.name}: the header has no column {wanted} (columns found: {found}); rename a "
            f"column with --map 'Their name={missing[0][0]}', or give a constant with --set "
            f"{missing[0][0]}=VALUE"
        )


def _csv_records(
    fh: IO[str],
    lines: _Lines,
    header: list[str],
    delimiter: str,
    known: frozenset[str] = frozenset(),
    rename: dict[str, str] | None = None,
) -> Rows:
    """The rows after the header. With ``known`` (the columns of a one-table report), the first table ends
    at a ``#`` line or at a row naming two known columns (one, right after a blank line): a second table's
    header. Its rows are quarantined, not read under the first table's header (GA4 puts chart data and
    totals in further tables)."""
    width = len(header)
    ended: int | None = None  # the line where the first table ended
    gap = False  # the last line was blank
    with fh:
        lines.start()
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except (csv.Error, _RecordTooLong) as exc:
                record = list(lines.record)
                reason = (
                    f"a record longer than {MAX_RECORD_CHARS:,} characters"
                    if isinstance(exc, _RecordTooLong)
                    else f"broken quoting ({exc})"
                )
                if len(record) == 1 and not isinstance(exc, _RecordTooLong):
                    # A stray quote inside one line ('1,"x"y,3'): read leniently, as spreadsheets do.
                    fields = next(csv.reader([record[0][1] or ""], delimiter=delimiter, strict=False), [])
                    yielded = _row(record[0][0], fields, header, width)
                else:
                    raw = (record[0][1] or "")[:2000] if record else ""
                    yielded = (lines.first_line(), {"__error__": reason, "__raw__": raw})
                    lines.reread_after_first()
                reader = csv.reader(lines, delimiter=delimiter, strict=True)
                lines.start()
                yield yielded
                continue
            record = list(lines.record)
            lines.start()
            if not fields or all(not f.strip() for f in fields):
                gap = True
                continue
            comment = (record[0][1] or "").startswith("#")
            if known and ended is None and (comment or _table_header(fields, known, rename or {}, gap)):
                ended = record[0][0]
            gap = False
            if ended is not None:
                if not comment:
                    why = f"part of a second table (from line {ended}); only the file's first table is read"
                    yield record[0][0], {"__error__": why, "__raw__": fields}
                continue
            single = len(record) == 1
            n, row = _row(record[0][0], fields, header, width)
            if not single and ("__error__" in row or len(fields) != width):
                # A quote that opened and never closed swallowed the lines after it: give up the first
                # line, read the others again as their own rows.
                lines.pending.extendleft(reversed(record[1:]))
                why = row.get("__error__") or f"{len(fields)} fields, the header has {width}"
                row = {"__error__": f"unterminated quote: {why}", "__raw__": (record[0][1] or "")[:2000]}
                reader = csv.reader(lines, delimiter=delimiter, strict=True)
            yield n, row


def _table_header(fields: list[str], known: frozenset[str], rename: dict[str, str], gap: bool) -> bool:
    names = sum(1 for f in fields if column_name(f, rename) in known)
    return names >= 2 or (gap and names >= 1)


def _row(n: int, fields: list[str], header: list[str], width: int) -> tuple[int, dict[str, Any]]:
    extra = fields[width:]
    if any(f.strip() for f in extra):
        return n, {
            "__error__": f"{len(fields)} fields, the header has {width} (an unquoted delimiter in a value?)",
            "__raw__": fields,
        }
    return n, {name: value for name, value in zip(header, fields, strict=False) if name}


# ---------------------------------------------------------------- XLSX


def _xlsx_rows(path: Path, rename: dict[str, str], required: Collection[Required]) -> OpenedFile:
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_cells = next(rows, ())
    except Exception as exc:  # noqa: BLE001 - any way a workbook fails to open gets one message
        raise ImportFileError(
            f"{path.name} is not a readable XLSX workbook ({exc.__class__.__name__}: {str(exc)[:200]})"
        ) from None
    header = [column_name(h, rename) if h is not None else "" for h in header_cells]
    try:
        _check_header(path, header, required)
    except ImportFileError:
        book.close()
        raise
    total = sheet.max_row if isinstance(sheet.max_row, int) else 0  # from the sheet's dimension, if any
    at = [1]
    return OpenedFile(_xlsx_records(path, book, rows, header, at), None, total, lambda: at[0])


def _xlsx_records(
    path: Path, book: Any, rows: Iterator[tuple[Any, ...]], header: list[str], at: list[int]
) -> Rows:
    n = 1
    try:
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # noqa: BLE001 - a damaged sheet stops the file with one message
                raise ImportFileError(
                    f"{path.name}: the workbook is damaged after row {n} "
                    f"({exc.__class__.__name__}: {str(exc)[:200]}); rows before it were imported"
                ) from None
            n += 1
            at[0] = n
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            yield n, {h: v for h, v in zip(header, values, strict=False) if h}
    finally:
        book.close()
