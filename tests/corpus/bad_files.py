"""The whole-file cases of the bad-input corpus (``tests/corpus/bad_inputs.py``): encodings, damaged
workbooks, header and size problems, each imported on its own."""

from __future__ import annotations

import codecs
import io
import zipfile
from typing import Any

from tests.corpus.bad_inputs import FileCase

# ---------------------------------------------------------------- whole files

CSV_TEXT = "platform,external_id,text\nfile,{p}-1,글로우랩 좋아요 光澤 rất tốt\nfile,{p}-2,Glow Lab second\n"


def _xlsx(rows: list[list[Any]], sheets: int = 1) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    for i in range(sheets - 1):
        book.create_sheet(f"extra{i}").append(["nothing", "here"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_cases() -> list[FileCase]:
    c: list[FileCase] = []

    def add(category: str, name: str, data: bytes, **kw: Any) -> None:
        c.append(FileCase("mentions", category, name, data, **kw))

    def text(p: str) -> str:
        return CSV_TEXT.format(p=p)

    samples = {
        "cp949": "글로우랩 좋아요",
        "big5": "光澤實驗室很好用",
        "gb18030": "光泽实验室很好用",
        "cp1258": "Kem ch\u00f4\u0301ng n\u0103\u0301ng",  # as Windows writes Vietnamese: tone marks apart
    }
    for codec, sample in samples.items():
        data = f"platform,external_id,text\nfile,{codec}-1,{sample}\nfile,{codec}-2,Glow Lab\n".encode(codec)
        if codec == "cp1258":  # a Western code page decodes any bytes: never guessed, named with --encoding
            add("encoding/not_utf8", f"{codec}.csv", data, exit_code=2, message="--encoding")
        else:  # detected (issue 19), and said so
            add("encoding/detected", f"{codec}.csv", data, stored=2, message=f"({codec}, detected)")
        add("encoding/named", f"{codec}-named.csv", data, args=("--encoding", codec), stored=2)
    broken = (
        "platform,external_id,text\nfile,cp949b-1,글로우랩\n".encode("cp949")
    ) + b"file,cp949b-2,\xff\xfe\n"
    add("encoding/detected_then_broken", "cp949-broken.csv", broken, exit_code=2, message="--encoding")
    add("encoding/utf16_bom", "utf16.csv", text("u16").encode("utf-16"), stored=2)
    add(
        "encoding/utf16_be_bom",
        "utf16be.csv",
        codecs.BOM_UTF16_BE + text("u16be").encode("utf-16-be"),
        stored=2,
    )
    add("encoding/utf16_no_bom", "utf16nobom.csv", text("u16n").encode("utf-16-le"), stored=2,
        message="(utf-16-le, detected)")  # fmt: skip
    add("encoding/utf16be_no_bom", "utf16benobom.csv", text("u16bn").encode("utf-16-be"), stored=2)
    add("encoding/jsonl_utf16_no_bom", "utf16.jsonl", '{"platform":"f","external_id":"j","text":"x"}\n'.encode(
        "utf-16-le"), exit_code=2, message="UTF-16")  # fmt: skip
    add("encoding/utf32_bom", "utf32.csv", text("u32").encode("utf-32"), stored=2)
    add("encoding/utf8_bom", "bom.csv", codecs.BOM_UTF8 + text("bom").encode(), stored=2)
    add("encoding/latin1", "latin1.csv", "platform,external_id,text\nfile,l1,café crème\n".encode("latin-1"),
        exit_code=2, message="not valid utf-8")  # fmt: skip
    late = text("late") + "".join(f"file,late-{i},row {i}\n" for i in range(3, 1500))
    add("encoding/bad_byte_late", "late.csv", late.encode() + b"file,late-x,\xff\xfe broken\n", exit_code=2,
        message="line 1501")  # fmt: skip
    add("encoding/jsonl_cp949", "cp949.jsonl", '{"platform":"f","external_id":"j","text":"글로우랩"}\n'.encode("cp949"),
        exit_code=2, message="not valid utf-8")  # fmt: skip
    add("encoding/unknown_name", "unknown-enc.csv", text("ue").encode(), args=("--encoding", "klingon"), exit_code=2,
        message="unknown encoding")  # fmt: skip
    add("structure/empty", "empty.csv", b"", exit_code=2, message="empty")
    add("structure/header_only", "header-only.csv", b"platform,external_id,text\n")
    add(
        "structure/missing_column",
        "missing.csv",
        b"platform,text\nf,hello\n",
        exit_code=2,
        message="external_id",
    )
    add("structure/duplicate_header", "dupheader.csv", b"platform,external_id,text,Text\nf,d1,a,b\n", exit_code=2,
        message="appears twice")  # fmt: skip
    add("structure/title_case_semicolon", "semi.csv", b"Platform;External ID;Text\nfile;semi-1;hello, world\n"
        b"file;semi-2;b\n", stored=2)  # fmt: skip
    add("structure/tab", "tab.tsv", b"platform\texternal_id\ttext\nfile\ttab-1\thello, world\n", stored=1)
    add(
        "structure/pipe",
        "pipe.csv",
        b"platform|external_id|text\nfile|pipe-1|hello; world, again\n",
        stored=1,
    )
    add("structure/zero_width_header", "zw.csv", "\u200bplatform,external_id\u200b,text\nfile,zw-1,hi\n".encode(),
        stored=1)  # fmt: skip
    add("structure/map_ignores_case", "mapped.csv", b"Network,Comment ID,Comment\nfile,map-1,hi\n",
        args=("--map", "network=platform", "--map", "COMMENT ID=external_id", "--map", "comment=text"), stored=1)  # fmt: skip
    add("structure/unsupported_xls", "old.xls", b"\xd0\xcf\x11\xe0", exit_code=2, message=".xlsx or .csv")
    add("structure/unsupported_gz", "data.csv.gz", b"\x1f\x8b", exit_code=2, message="unsupported file type")
    add("structure/no_suffix", "noext", b"platform,external_id,text\n", exit_code=2, message="unsupported")
    add(
        "structure/png_as_csv",
        "image.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        exit_code=2,
        message="utf",
    )
    add("structure/size_limit", "big.csv", text("big").encode(), env={"BRANDPULSE_IMPORT_MAX_BYTES": "50"},
        exit_code=2, message="import limit")  # fmt: skip
    add("structure/size_limit_bad", "bigb.csv", text("bigb").encode(), env={"BRANDPULSE_IMPORT_MAX_BYTES": "lots"},
        exit_code=2, message="BRANDPULSE_IMPORT_MAX_BYTES")  # fmt: skip
    add("structure/header_spans_bad_quote", "badheader.csv", b'"platform,external_id,text\n', exit_code=2,
        message="header")  # fmt: skip
    good_xlsx = _xlsx([["platform", "external_id", "text"], ["file", "x-1", "hello"], [None, None, None],
                       ["file", "x-2", "after an empty row"]])  # fmt: skip
    add("xlsx/good_with_gap", "good.xlsx", good_xlsx, stored=2)
    add(
        "xlsx/two_sheets",
        "sheets.xlsx",
        _xlsx([["platform", "external_id", "text"], ["file", "s-1", "hi"]], 2),
        stored=1,
    )
    add("xlsx/not_zip", "garbage.xlsx", b"PK\x03\x04garbage", exit_code=2, message="not a readable XLSX")
    add("xlsx/csv_renamed", "renamed.xlsx", text("ren").encode(), exit_code=2, message="not a readable XLSX")
    add("xlsx/truncated", "truncated.xlsx", good_xlsx[: len(good_xlsx) // 2], exit_code=2, message="XLSX")
    add("xlsx/empty_zip", "emptyzip.xlsx", _empty_zip(), exit_code=2, message="XLSX")
    add("xlsx/no_header", "noheader.xlsx", _xlsx([]), exit_code=2, message="header has no column")
    add("xlsx/missing_column", "missingcol.xlsx", _xlsx([["platform", "text"], ["f", "x"]]), exit_code=2,
        message="external_id")  # fmt: skip
    add("xlsx/formula_text", "formula.xlsx", _xlsx([["platform", "external_id", "text", "likes"],
        ["file", "fx-1", "=CONCAT(\"a\",\"b\")", "=1+1"], ["file", "fx-2", "plain", 3]]), stored=1, quarantined=1)  # fmt: skip
    # Every row quarantined: exit 1 with the reasons (issue 19).
    add("xlsx/error_cells", "errors.xlsx", _xlsx([["platform", "external_id", "text", "likes"],
        ["file", "er-1", "ok", "#N/A"], ["file", "er-2", "ok", "#DIV/0!"]]), exit_code=1,
        message="nothing imported")  # fmt: skip
    add("xlsx/bool_count", "bools.xlsx", _xlsx([["platform", "external_id", "text", "likes"],
        ["file", "b-1", "ok", True]]), exit_code=1, message="its one row was quarantined")  # fmt: skip
    add(
        "xlsx/max_cell",
        "maxcell.xlsx",
        _xlsx([["platform", "external_id", "text"], ["file", "mc-1", "w" * 32767]]),
        stored=1,
    )
    return c


def _empty_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w"):
        pass
    return out.getvalue()
