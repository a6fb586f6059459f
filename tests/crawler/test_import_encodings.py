"""The encoding of an imported file: named, by its byte-order mark, UTF-8, or detected for a CSV among UTF-16,
CP949, Big5 and GB18030; anything else, or a file that does not decode all the way, is one clear error."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from crawler.import_encoding import Encoding, EncodingError, file_encoding
from crawler.import_reading import ImportFileError, open_file

HEADER = "platform,external_id,text,published_at,likes\n"
KOREAN = "ig,k{i},글로우랩 선크림 정말 좋아요 촉촉하고 끈적이지 않아요,2026. 11. 27. 오후 3:15,3만\n"
TRADITIONAL = "ig,t{i},光澤實驗室的防曬很好用，推薦給大家，質地清爽,2026年11月26日 下午3:20,1.2萬\n"
SIMPLIFIED = "ig,s{i},光泽实验室的防晒很好用，推荐给大家，质地清爽,2026年11月26日 下午3:20,1.2万\n"
MIXED = "ig,m{i},Glow Lab 글로우랩 光澤 rất tốt 😍,2026-11-28,12\n"


def _text(line: str, n: int = 3) -> str:
    return HEADER + "".join(line.format(i=i) for i in range(n))


@pytest.mark.parametrize(
    ("data", "codec", "detected"),
    [
        (_text(MIXED).encode(), "utf-8", False),
        (codecs.BOM_UTF8 + _text(MIXED).encode(), "utf-8-sig", False),
        (_text(MIXED).encode("utf-16"), "utf-16", False),
        (codecs.BOM_UTF16_BE + _text(MIXED).encode("utf-16-be"), "utf-16", False),
        (_text(MIXED).encode("utf-32"), "utf-32", False),
        (_text(MIXED).encode("utf-16-le"), "utf-16-le", True),
        (_text(MIXED).encode("utf-16-be"), "utf-16-be", True),
        (_text(KOREAN).encode("cp949"), "cp949", True),
        (_text(TRADITIONAL).encode("big5"), "big5", True),
        (_text(SIMPLIFIED).encode("gb18030"), "gb18030", True),
        (_text(TRADITIONAL).encode("gb18030"), "gb18030", True),  # GB18030 holds traditional characters too
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16be-bom", "utf32", "utf16le", "utf16be", "cp949", "big5",
         "gb18030", "gb18030-traditional"],
)  # fmt: skip
def test_each_encoding_is_found_and_the_rows_read_back_exactly(
    tmp_path: Path, data: bytes, codec: str, detected: bool
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    assert file_encoding(path) == Encoding(codec, detected)
    opened = open_file(path, columns=("platform", "external_id", "text"), required=("external_id",))
    assert opened.encoding == Encoding(codec, detected)
    text = data.decode(codec).lstrip("\ufeff")
    expected = [line.split(",")[2] for line in text.splitlines()[1:]]
    assert [row["text"] for _, row in opened.rows] == expected
    assert opened.done() == opened.total == len(data)


def test_a_legacy_encoding_is_detected_when_its_first_non_ascii_text_comes_late(tmp_path: Path) -> None:
    ascii_rows = "".join(f"ig,a{i},plain English comment number {i},2026-11-28,1\n" for i in range(4000))
    path = tmp_path / "late.csv"
    path.write_bytes((HEADER + ascii_rows + KOREAN.format(i=1)).encode("cp949"))
    assert path.stat().st_size > 200_000
    assert file_encoding(path) == Encoding("cp949", detected=True)


def test_a_named_encoding_is_used_as_given_and_a_wrong_one_stops_before_any_row(tmp_path: Path) -> None:
    path = tmp_path / "named.csv"
    path.write_bytes(_text(KOREAN).encode("cp949"))
    assert file_encoding(path, "CP949") == Encoding("cp949")
    with pytest.raises(EncodingError, match="is not valid big5 text: byte 0x.. on line 2"):
        file_encoding(path, "big5")
    with pytest.raises(EncodingError, match="unknown encoding 'klingon'"):
        file_encoding(path, "klingon")


@pytest.mark.parametrize(
    "data",
    [
        "platform,external_id,text\nig,l1,café crème brûlée\n".encode("latin-1"),  # Western: wrong letters
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01",
        _text(KOREAN).encode("cp949") + b"ig,x,\xff\xff broken\n",  # CP949 until a byte it does not have
    ],
    ids=["latin1", "png", "cp949-broken"],
)
def test_a_file_in_no_encoding_it_can_be_read_in_is_one_error_naming_encoding(
    tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(data)
    with pytest.raises(
        ImportFileError, match="is not valid utf-8 text: byte .*--encoding.*nothing was imported"
    ):
        open_file(path, required=("external_id",))


def test_jsonl_is_utf8_and_never_guessed(tmp_path: Path) -> None:
    path = tmp_path / "korean.jsonl"
    path.write_bytes('{"platform": "ig", "external_id": "j", "text": "글로우랩 좋아요"}\n'.encode("cp949"))
    with pytest.raises(ImportFileError, match="not valid utf-8.*reads as cp949"):
        open_file(path)
    path.write_bytes('{"platform": "ig", "external_id": "j", "text": "글로우랩"}\n'.encode("utf-16-le"))
    with pytest.raises(ImportFileError, match="UTF-16 without a byte-order mark"):
        open_file(path)
