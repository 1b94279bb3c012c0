"""Bytes to text: charset labels read as their supersets, and RFC 2047 encoded words.

Mail labels text with a charset's subset (gb2312 for GBK, big5 for Big5-HKSCS, iso-8859-1 for
Windows-1252): every charset name goes through :data:`_SUPERSETS` first, as browsers do. Whatever the
bytes, the result is text: undecodable ones give a flagged Windows-1252 guess, never an exception.
Apart from the parse because headers, addresses and bodies all decode through it.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterable

_SURROGATE = re.compile("[\ud800-\udfff]")  # not text: SQLite and the terminal refuse it

# Charset labels as mail in the wild uses them -> the codecs to try, the superset first (after the WHATWG
# Encoding Standard, which maps these labels to the same supersets). ASCII-labelled 8-bit text is most often
# UTF-8, else Windows-1252; ISO-8859-1 is decoded as Windows-1252, whose only difference is printable
# characters where ISO-8859-1 has unused control codes.
_SUPERSETS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        (
            "gb2312",
            "gbk",
            "x-gbk",
            "euc-cn",
            "cn-gb",
            "csgb2312",
            "chinese",
            "gb_2312-80",
            "iso-ir-58",
            "cp936",
            "gb18030",
        ),
        ("gb18030",),
    ),
    **dict.fromkeys(("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5", "cp950"), ("big5hkscs", "cp950")),
    **dict.fromkeys(
        (
            "ks_c_5601-1987",
            "ks_c_5601-1989",
            "ksc5601",
            "ksc_5601",
            "euc-kr",
            "cseuckr",
            "csksc56011987",
            "korean",
            "iso-ir-149",
            "windows-949",
            "cp949",
        ),
        ("cp949",),
    ),
    **dict.fromkeys(
        ("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j", "cp932", "ms932"),
        ("cp932",),
    ),
    **dict.fromkeys(("us-ascii", "ascii", "ansi_x3.4-1968", "us", "iso646-us", "cp367"), ("utf-8", "cp1252")),
    **dict.fromkeys(
        (
            "iso-8859-1",
            "iso8859-1",
            "iso_8859-1",
            "latin1",
            "latin-1",
            "l1",
            "cp819",
            "ibm819",
            "csisolatin1",
            "iso-ir-100",
            "windows-1252",
            "cp1252",
            "x-cp1252",
        ),
        ("cp1252",),
    ),
    **dict.fromkeys(
        (
            "iso-8859-9",
            "iso8859-9",
            "iso_8859-9",
            "latin5",
            "l5",
            "csisolatin5",
            "iso-ir-148",
            "windows-1254",
            "cp1254",
        ),
        ("cp1254",),
    ),
    **dict.fromkeys(("iso-8859-11", "iso8859-11", "tis-620", "dos-874", "windows-874", "cp874"), ("cp874",)),
}
# Bytes a Windows code page leaves undefined are the ISO-8859 control codes (the WHATWG decoders agree).
_WINDOWS_CODEPAGES = ("cp1252", "cp1254", "cp874")
_UNDEFINED_BYTES = {0xDC00 + byte: byte for byte in range(0x80, 0x100)}  # as surrogateescape leaves them


def _decode(data: bytes, charsets: Iterable[str], problems: list[str], what: str) -> str:
    """Bytes in one of ``charsets`` (each read as its superset), else a flagged guess: Windows-1252, what
    undeclared Western mail most often is, which reads any bytes."""
    for charset in charsets:
        for codec in _SUPERSETS.get(charset.strip().lower(), (charset,)):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                if codec not in _WINDOWS_CODEPAGES:
                    continue
                return data.decode(codec, "surrogateescape").translate(_UNDEFINED_BYTES)
            except (LookupError, ValueError):  # ValueError: a NUL in the charset name
                continue
            if codec == "utf-8" or not _SURROGATE.search(text):  # unicode_escape and utf-7 can make lone ones
                return text
    problems.append(f"{what} charset guessed (windows-1252)")
    return data.decode("cp1252", "surrogateescape").translate(_UNDEFINED_BYTES)


# -- encoded words (RFC 2047) ---------------------------------------------------------------------

# Where email.header.decode_header finds encoded words: anywhere, even without the whitespace around them
# that RFC 2047 asks for (mailers leave it out).
_ENCODED_WORD = re.compile(r"=\?([^?\r\n]*?)\?([qQbB])\?([^\r\n]*?)\?=")


def _decode_words(value: str, problems: list[str], name: str) -> str:
    """An unstructured header (or a quoted display name) with its encoded words decoded: whitespace between
    two encoded words dropped (RFC 2047 §6.2), a space kept between an encoded word and plain text."""
    if "=?" not in value:  # no encoded words: nothing to decode (most headers)
        return value
    pieces: list[str] = []
    position = 0
    after_word = False  # the last piece is an encoded word
    for found in _ENCODED_WORD.finditer(value):
        decoded = _decoded_word(found.group(1), found.group(2), found.group(3), problems, name)
        if decoded is None:
            continue  # left as sent, part of the plain text around it
        plain = value[position : found.start()]
        if plain and not (after_word and plain.isspace()):
            pieces.append(_spaced(plain, before=after_word, after=True))
        pieces.append(decoded)
        position = found.end()
        after_word = True
    rest = value[position:]
    pieces.append(_spaced(rest, before=after_word, after=False) if rest else rest)
    return "".join(pieces)


def _spaced(plain: str, *, before: bool, after: bool) -> str:
    """Plain text kept apart from the encoded words it touches, as email.header.make_header does."""
    if before and not plain[0].isspace():
        plain = " " + plain
    return plain + " " if after and not plain[-1].isspace() else plain


def _decoded_word(charset: str, encoding: str, text: str, problems: list[str], name: str) -> str | None:
    """One encoded word's text, or None when it is not decodable (broken base64)."""
    data = text.encode("utf-8", "surrogateescape")
    if encoding in "bB":
        try:
            data = binascii.a2b_base64(data + b"=" * (-len(data) % 4))
        except binascii.Error:
            problems.append(f"unreadable {name} header")
            return None
    else:
        data = binascii.a2b_qp(data, header=True)
    return _decode(data, (charset.split("*", 1)[0], "utf-8"), problems, name)
