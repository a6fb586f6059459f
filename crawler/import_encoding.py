"""The text encoding of an imported file, settled (the whole file decoded once) before anything is written.

In order: ``--encoding`` when given; a byte-order mark (UTF-8, UTF-16, UTF-32); UTF-8. A CSV that is none
of these is detected with charset-normalizer among the encodings spreadsheet programs of our markets save
CSV in: UTF-16 without a byte-order mark, CP949 (Korean Excel), Big5 / CP950 (Traditional Chinese) and
GB18030 (Simplified Chinese, a superset of GBK and GB2312). A detected encoding is used only if the whole
file decodes in it; anything else (a Western code page, which decodes any bytes into the wrong letters)
stops with one message naming ``--encoding``. JSON Lines are UTF-8 by definition (RFC 8259), so they are
never guessed.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DETECTED", "Encoding", "EncodingError", "file_encoding"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# charset-normalizer's name → the codecs tried in turn (the legacy name first, then its superset).
DETECTED = {
    "cp949": ("cp949",),
    "euc_kr": ("cp949",),
    "big5": ("big5", "cp950", "big5hkscs"),
    "cp950": ("cp950", "big5hkscs"),
    "big5hkscs": ("big5hkscs",),
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "gb18030": ("gb18030",),
}
# Offered in the message when a file is in none of the encodings read without --encoding.
_LIKELY = ("cp949", "big5", "gb18030", "cp1258", "cp1252")
_HEAD = 65536
_SAMPLE = 256 * 1024


class EncodingError(ValueError):
    """The file is not text in any encoding it can be read in; the message says what to do."""


@dataclass(frozen=True)
class Encoding:
    codec: str  # a Python codec name
    detected: bool = False  # guessed from the bytes (no --encoding, no byte-order mark, not UTF-8)

    def describe(self) -> str:
        """For the import's summary: "cp949, detected", "utf-8"."""
        return f"{self.codec}, detected" if self.detected else self.codec


def file_encoding(path: Path, given: str | None = None, *, detect: bool = True) -> Encoding:
    """The encoding ``path`` is read in, after decoding all of it once: a file that is not in it fails here,
    before anything is imported, not after its first thousand rows. ``detect``: guess legacy encodings."""
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
    if given:
        try:
            codec = codecs.lookup(given).name
        except LookupError:
            raise EncodingError(f"--encoding: unknown encoding {given!r}") from None
        return _checked(path, Encoding(codec), head, guessed=False)
    bom = next((name for mark, name in _BOMS if head.startswith(mark)), None)
    if bom:
        return _checked(path, Encoding(bom), head, guessed=False)
    if head.count(0) > len(head) // 4 > 0:
        utf16 = _utf16_without_bom(head) if detect else None
        if utf16 is None:
            raise EncodingError(
                f"{path.name} looks like UTF-16 without a byte-order mark; save it as UTF-8, or pass "
                "--encoding utf-16-le (or utf-16-be)"
            )
        return _checked(path, Encoding(utf16, detected=True), head, guessed=False)
    bad = _first_bad_byte(path, "utf-8")
    if bad is None:
        return Encoding("utf-8")
    if detect:
        for codec in _candidates(path, bad):
            if _first_bad_byte(path, codec) is None:
                return Encoding(codec, detected=True)
    raise EncodingError(_not_encoded(path, "utf-8", head, bad, guessed=True))


def _checked(path: Path, encoding: Encoding, head: bytes, *, guessed: bool) -> Encoding:
    bad = _first_bad_byte(path, encoding.codec)
    if bad is not None:
        raise EncodingError(_not_encoded(path, encoding.codec, head, bad, guessed))
    return encoding


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 by where its zero bytes fall: the high bytes of ASCII (delimiters, digits, an English
    header) are zero, all at odd offsets (little-endian) or all at even ones (big-endian)."""
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    if odd > 0 and even <= odd // 20:
        return "utf-16-le"
    if even > 0 and odd <= even // 20:
        return "utf-16-be"
    return None


def _candidates(path: Path, bad: int) -> tuple[str, ...]:
    """The codecs charset-normalizer's best guess stands for, when it is one we read without being told.

    The sample starts at the line of the first byte UTF-8 cannot decode (so a file whose first non-ASCII
    text comes late is recognised as well as one whose header has it) and is cut at a line end: no
    character is split."""
    from charset_normalizer import from_bytes

    with path.open("rb") as fh:
        fh.seek(max(0, bad - 4096))
        around = fh.read(_SAMPLE)
    start = around.rfind(b"\n", 0, min(4096, bad)) + 1
    best = from_bytes(_whole_lines(around[start:])).best()
    return DETECTED.get(best.encoding, ()) if best is not None else ()


def _whole_lines(data: bytes) -> bytes:
    end = data.rfind(b"\n")
    return data[: end + 1] if end >= 0 else data


def _first_bad_byte(path: Path, codec: str) -> int | None:
    """The offset of the first byte ``path`` cannot be decoded at in ``codec``; None when all of it can."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    done = 0
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(1 << 20)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                return done + max(exc.start, 0)
            if not chunk:
                return None
            done += len(chunk)


def _not_encoded(path: Path, codec: str, head: bytes, offset: int, guessed: bool) -> str:
    with path.open("rb") as fh:
        before = fh.read(offset)
        bad = fh.read(1)
    line = before.count(b"\n") + 1
    message = f"{path.name} is not valid {codec} text: byte 0x{bad.hex()} on line {line} cannot be decoded"
    if not guessed:
        return message
    readable = [name for name in _LIKELY if _decodes(head, name)]
    also = f" (it reads as {' or '.join(readable)})" if readable else ""
    return f"{message}. Save it as UTF-8, or name its encoding with --encoding{also}; nothing was imported"


def _decodes(data: bytes, codec: str) -> bool:
    try:
        codecs.getincrementaldecoder(codec)("strict").decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True
