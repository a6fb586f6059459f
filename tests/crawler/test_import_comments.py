"""Comment lines before a CSV's header (GA4's "Download CSV"), for every import; a second table after the
first, for a report import (``tables=True``). Row numbers stay the file's line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.import_reading import ImportFileError, open_file

MENTION = ("platform", "external_id", "text")


def _rows(path: Path, text: str, **kw: object) -> list[tuple[int, dict[str, object]]]:
    path.write_text(text, encoding="utf-8")
    return list(open_file(path, columns=MENTION, required=("external_id",), **kw).rows)  # type: ignore[arg-type]


def test_comment_and_blank_lines_before_the_header_are_skipped(tmp_path: Path) -> None:
    rows = _rows(tmp_path / "a.csv", "# Account: x\n\n#\n   \nplatform,external_id,text\nig,1,hi\n")
    assert rows == [(6, {"platform": "ig", "external_id": "1", "text": "hi"})]


def test_a_header_starting_with_a_hash_column_is_the_header(tmp_path: Path) -> None:
    rows = _rows(tmp_path / "b.csv", "#,platform,external_id,text\n1,ig,7,hi\n")
    assert rows == [(2, {"#": "1", "platform": "ig", "external_id": "7", "text": "hi"})]


def test_a_data_row_starting_with_a_hashtag_is_a_row(tmp_path: Path) -> None:
    rows = _rows(tmp_path / "c.csv", "text,platform,external_id\n#glowlab rocks,ig,1\n#2,ig,2\n")
    assert [(n, r["text"]) for n, r in rows] == [(2, "#glowlab rocks"), (3, "#2")]


def test_without_tables_a_later_hash_line_is_just_a_row(tmp_path: Path) -> None:
    rows = _rows(tmp_path / "d.csv", "platform,external_id,text\nig,1,a\n\n# note,x,y\n")
    assert [n for n, _ in rows] == [2, 4]


def test_a_report_quarantines_its_second_table(tmp_path: Path) -> None:
    """A second header after a blank line (no comment) also ends the first table; so does a row naming two
    columns anywhere."""
    text = "platform,external_id,text\nig,1,a\n\nexternal_id,likes\n9,3\n"
    rows = _rows(tmp_path / "e.csv", text, tables=True)
    assert rows[0] == (2, {"platform": "ig", "external_id": "1", "text": "a"})
    assert [(n, "part of a second table (from line 4)" in str(r["__error__"])) for n, r in rows[1:]] == [
        (4, True),
        (5, True),
    ]
    repeated = "platform,external_id,text\nig,1,a\nplatform,external_id,text\n"
    rows = _rows(tmp_path / "f.csv", repeated, tables=True)
    assert [n for n, r in rows if "__error__" in r] == [3]


def test_only_comments_or_nothing_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="has only 2 comment lines"):
        _rows(tmp_path / "g.csv", "# a\n\n# b\n")
    with pytest.raises(ImportFileError, match="is empty"):
        _rows(tmp_path / "h.csv", "\n\n")
