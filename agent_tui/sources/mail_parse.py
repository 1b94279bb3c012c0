"""Turn raw RFC 5322 mail into a :class:`Message`, whatever state it is in.

Real mail is often broken or hostile: undecodable or mislabelled charsets, unparsable dates and addresses,
bodies in HTML only, MIME nested a thousand deep, display names crafted to look like addresses. Nothing here
raises on bad mail: what can be decoded is, the raw bytes are kept by the caller, and every problem is named
in ``problems`` so the UI can flag it. Pure: bytes in, data out.

The standard library's parser runs with its ``compat32`` policy for the MIME structure: ``policy.default``
builds a parsed object for every header it is asked for, which made ingest eleven times slower (970 µs
against 88 µs a message here) for nothing we use. Header values are decoded here instead, for three reasons:

- An address header is split into addresses on its raw value and encoded words are decoded only inside
  display names (RFC 2047 §5). Decoding the whole header first, as ``email.header`` invites, turns
  ``=?utf-8?q?Support_<support@shop.example>,?= <attacker@evil.example>`` into a mail from the shop.
- Mail labels text with a charset's subset (gb2312 for GBK, big5 for Big5-HKSCS, iso-8859-1 for
  Windows-1252): every charset name goes through :data:`_SUPERSETS` first, as browsers do.
- ``email.utils.getaddresses`` recurses once per nested comment: a To header of a few thousand "(" (or of
  encoded words that decode to them) stopped the whole message. The tokenizer here is a loop.

The standard parser recurses once per MIME level too: past a few hundred levels, :func:`_shallow_parts`
reads the parts level by level instead, so such a message still keeps its headers and outer parts.
"""

from __future__ import annotations

import binascii
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import Message as MimePart
from email.parser import BytesParser, Parser
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

from agent_tui.domain.models import Address, Attachment, Author, Message

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_PARSER = BytesParser(policy=policy.compat32)
_HEADER_PARSER = Parser(policy=policy.compat32)
_SIMPLE_ADDRESS = re.compile(
    r'^\s*(?:(?P<name>[^"<>,;:()@\\]*?)\s*<(?P<email>[^<>\s,;:()"@]+@[^<>\s,;:()"@]+)>|(?P<bare>[^<>\s,;:()"@]+@[^<>\s,;:()"@]+))\s*$'
)
_RAW_BYTES = re.compile("[\udc80-\udcff]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # not text: SQLite and the terminal refuse it
_BOM = b"\xef\xbb\xbf"
# As the standard library's feedparser splits lines and tells a header line from the body.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # each line with its line break
_HEADER_LINE = re.compile(r"^(From |[\041-\071\073-\176]*:|[\t ])")
_FIELD = re.compile(r"([\041-\071\073-\176]+):([^\r\n]*(?:\r\n|\r|\n)?(?:[ \t][^\r\n]*(?:\r\n|\r|\n)?)*)")
_CHARSET = re.compile(r'charset\s*=\s*"?([^";\s]+)', re.IGNORECASE)
MADE_UP_ID_END = "@agent-tui.invalid>"  # ends the Message-ID made up for mail that has none

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


@dataclass(slots=True)
class ParsedMail:
    message: Message
    problems: list[str] = field(default_factory=list)


def parse_mail(raw: bytes, *, fallback_date: datetime) -> ParsedMail:
    """Parse one message; ``fallback_date`` stands in for a missing or unreadable Date header."""
    problems: list[str] = []
    data = raw.removeprefix(_BOM)  # a byte-order mark before the headers hides them all from the parser
    try:
        mail = _PARSER.parsebytes(data)
        parts = list(mail.walk())
        body = _walk(parts, problems)
        raw_headers: dict[str, str] = {}
        for name, value in mail.raw_items():  # as sent: 8-bit bytes kept as surrogates, not replaced
            raw_headers.setdefault(name.lower(), value)
    except Exception as error:  # noqa: BLE001  # RecursionError on deep nesting, or anything the parser trips on
        reason = "MIME nested too deep" if isinstance(error, RecursionError) else type(error).__name__
        problems = [f"could not be fully parsed ({reason})"]
        raw_headers = header_fields(data)
        parts, body = _fallback_body(data, problems)
    return _parsed(raw_headers, lambda: _declared_charset(parts), body, raw, fallback_date, problems)


def parse_headers(block: bytes, *, fallback_date: datetime) -> ParsedMail:
    """The header fields of a message from its header block alone (what an IMAP header fetch returns), with
    no body: what threading and the queue need, at a fraction of a full parse's cost. Every field comes
    out as :func:`parse_mail` gives it, except a header in raw 8-bit bytes of a multipart message, whose
    charset only its body declares (its text part's)."""
    problems: list[str] = []
    raw_headers = header_fields(block.removeprefix(_BOM))

    def charset() -> str:
        content_type = raw_headers.get("content-type", "")
        found = _CHARSET.search(content_type) if content_type.lstrip().lower().startswith("text/") else None
        return found.group(1).lower() if found else "utf-8"

    return _parsed(raw_headers, charset, _Body("", None, ()), block, fallback_date, problems)


def header_fields(block: bytes) -> dict[str, str]:
    """The first value of every header, lower-cased names, exactly as the standard library's parser (compat32)
    reads them: folded lines joined with their line breaks, 8-bit bytes kept as surrogates."""
    text = block.decode("ascii", "surrogateescape")
    fields: dict[str, str] = {}
    position = 0
    while found := _FIELD.match(text, position):  # well-formed headers: one match each
        fields.setdefault(found.group(1).lower(), found.group(2).lstrip(" \t").rstrip("\r\n"))
        position = found.end()
    if text.startswith(("From ", " ", "\t", ":"), position):
        return _odd_header_fields(text)  # an mbox "From " line or a broken header: the parser's own rules
    return fields


def _odd_header_fields(text: str) -> dict[str, str]:
    """:func:`header_fields` line by line, as the feedparser reads headers."""
    fields: dict[str, str] = {}
    name, lines = "", []
    header_lines = []
    for found in _LINE.finditer(text):
        line = found.group()
        if not _HEADER_LINE.match(line):
            break  # the blank line after the headers, or the body starting without one
        header_lines.append(line)
    for number, line in enumerate(header_lines):
        if line[0] in " \t":
            if name:
                lines.append(line)
            continue  # a continuation with no header before it is dropped
        if name:
            fields.setdefault(name.lower(), _joined(lines))
            name, lines = "", []
        if line.startswith("From "):
            if number == len(header_lines) - 1 and number:
                break  # the body's first line, as the standard parser reads it
            continue  # an mbox "From " line
        colon = line.find(":")
        if colon > 0:
            name, lines = line[:colon], [line]
    if name:
        fields.setdefault(name.lower(), _joined(lines))
    return fields


def _joined(lines: list[str]) -> str:
    value = lines[0].split(":", 1)[1].lstrip(" \t") + "".join(lines[1:])
    return value.rstrip("\r\n")


@dataclass(slots=True)
class _Body:
    text: str
    html: str | None
    attachments: tuple[Attachment, ...]


def _parsed(
    raw_headers: dict[str, str],
    charset: Callable[[], str],
    body: _Body,
    raw: bytes,
    fallback_date: datetime,
    problems: list[str],
) -> ParsedMail:
    def as_sent(name: str) -> str | None:
        """The header as sent, with raw 8-bit bytes decoded but encoded words not (yet)."""
        value = raw_headers.get(name.lower())
        if value is not None and _RAW_BYTES.search(value):  # undecoded 8-bit bytes, kept as surrogates
            value = _decode(value.encode("utf-8", "surrogateescape"), ("utf-8", charset()), problems, name)
        return value

    def header(name: str) -> str | None:
        value = as_sent(name)
        return _decode_words(value, problems, name) if value is not None else None

    def addresses(name: str) -> list[Address]:
        return _addresses(as_sent(name), problems, name)

    sender = addresses("From")
    message_id = _first_id(header("Message-ID"))
    if message_id is None:
        # Without a Message-ID, the content identifies the message, so ingesting it twice is harmless.
        message_id = f"<sha256-{hashlib.sha256(raw).hexdigest()[:32]}{MADE_UP_ID_END}"
    message = Message(
        author=Author.CUSTOMER,
        sender=sender[0] if sender else Address("unknown@invalid", "Unknown sender"),
        date=_date(header("Date"), fallback_date, problems),
        text=body.text,
        html=body.html,
        subject=" ".join((header("Subject") or "").split()),
        to=tuple(addresses("To")),
        cc=tuple(addresses("Cc")),
        attachments=body.attachments,
        message_id=message_id,
        in_reply_to=_first_id(header("In-Reply-To")),
        references=tuple(_MESSAGE_ID.findall(header("References") or "")),
    )
    if not sender:
        problems.append("no sender address")
    return ParsedMail(message, problems)


def _declared_charset(parts: Iterable[MimePart]) -> str:
    """The charset the message's text declares: the best guess for raw 8-bit headers."""
    for part in parts:
        charset = part.get_content_charset() if part.get_content_maintype() == "text" else None
        if charset:
            return charset
    return "utf-8"


# -- charsets -------------------------------------------------------------------------------------


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


# -- addresses ------------------------------------------------------------------------------------

# One token of an address header (RFC 5322 §3.2 and §3.4). Comments nest, so _comment_end reads them.
_ADDRESS_TOKEN = re.compile(
    r"""(?P<space>[ \t\r\n]+)
      | (?P<word>=\?[^?]*\?[qQbB]\?[^?]*\?=)              # an encoded word, which is only ever (part of) a name
      | "(?P<quoted>[^"\\]*(?:\\.[^"\\]*)*)(?:"|\\?\Z)    # a quoted string, to the end of the header if unclosed
      | (?P<atom>[^ \t\r\n()<>@,;:\\".\[\]]+)
      | (?P<special>.)""",
    re.VERBOSE | re.DOTALL,
)
_COMMENT_MARK = re.compile(r"\\.|[()]", re.DOTALL)
_QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)
_JOINERS = (("special", "."), ("special", "@"))  # join the words of an address written with spaces
_NEEDS_QUOTES = re.compile(r'[ \t\r\n()<>@,;:\\"\[\]]')  # in a local part; as the standard library's quote_string


def _addresses(value: str | None, problems: list[str], name: str) -> list[Address]:
    """The addresses of an address header, split on the raw value: the address comes only from where an
    address can stand, and encoded words are decoded inside display names alone (RFC 2047 §5)."""
    if not value:
        return []
    simple = _SIMPLE_ADDRESS.match(value)
    if simple:  # "Name <a@b>" or "a@b": the common case. A name holding <, > or a comma (even inside an
        # encoded word, where the fast pattern can't tell) goes to the full parser below.
        email = simple.group("email") or simple.group("bare")
        display = simple.group("name") or ""
        if "=?" in display:
            display = _display_name(list(_tokens(display)), problems, name)
        return [Address(email, " ".join(display.split()))]
    found = [address for address in _address_list(value, problems, name) if _usable(address.email)]
    if not found and value.strip():
        problems.append(f"unparsable {name} address")
    return found


def _tokens(value: str) -> Iterator[tuple[str, str]]:
    """(kind, text) pairs: space, word (encoded), quoted (its content), atom, comment (its content) or special."""
    position = 0
    while position < len(value):
        if value[position] == "(":
            end = _comment_end(value, position)
            yield "comment", value[position + 1 : end - 1]
            position = end
            continue
        found = _ADDRESS_TOKEN.match(value, position)
        assert found is not None and found.lastgroup is not None  # "special" takes any character
        yield found.lastgroup, found.group(found.lastgroup)
        position = found.end()


def _comment_end(value: str, start: int) -> int:
    """Where the comment opening at ``start`` ends, nested comments included; a loop, not a recursion."""
    depth = 0
    for found in _COMMENT_MARK.finditer(value, start):
        mark = found.group()
        if mark == "(":
            depth += 1
        elif mark == ")":
            depth -= 1
            if depth == 0:
                return found.end()
    return len(value)  # unclosed: the rest of the header


def _address_list(value: str, problems: list[str], name: str) -> Iterator[Address]:
    """Mailboxes and the members of groups, in order. What precedes ``<`` is the display name; a second
    angle address in one mailbox is ignored, as the standard library's parser does."""
    phrase: list[tuple[str, str]] = []  # the display name, or an address without angle brackets
    angle: list[tuple[str, str]] | None = None  # inside <...>
    address: list[tuple[str, str]] | None = None  # the first angle address of this mailbox

    def mailbox() -> Address | None:
        if address is not None:
            return Address(_addr_spec(address), _display_name(phrase, problems, name))
        return _bare_mailbox(phrase, problems, name) if phrase else None

    for kind, text in _tokens(value):
        special = text if kind == "special" else ""
        if angle is not None:
            route_so_far = angle[:1] == [("special", "@")]  # "<@relay1,@relay2:a@b>", obsolete
            if special == ">" or (special == "," and not route_so_far):
                address = angle if address is None else address
                angle = None
                if special == ">":
                    continue  # else the comma also ends the mailbox: "<a@b, c@d" lacks its ">"
            elif special == ":":
                angle = []  # the route ends: the address follows
                continue
            else:
                angle.append((kind, text))
                continue
        if special in (",", ";"):
            if (found := mailbox()) is not None:
                yield found
            phrase, address = [], None
        elif special == "<":
            angle = []
        elif special == ":" and address is None:
            phrase = []  # a group's name
        elif address is None:
            phrase.append((kind, text))
    if angle is not None and address is None:
        address = angle
    if (found := mailbox()) is not None:
        yield found


def _bare_mailbox(tokens: list[tuple[str, str]], problems: list[str], header: str) -> Address | None:
    """A mailbox without angle brackets: "a@b", "a@b (Name)" (the old way to name), or words then the
    address ("Big Bug bb@bug.com"). Whitespace ends the address unless a dot or @ joins it to the next word
    ("john . doe @ example . com", obsolete); a second address after it ("a@b c@d") is ignored."""
    words: list[list[tuple[str, str]]] = []
    comments: list[str] = []
    spaced = True
    for token in tokens:
        if token[0] in ("space", "comment"):
            spaced = True
            if token[0] == "comment":
                comments.append(" ".join(_QUOTED_PAIR.sub(r"\1", token[1]).split()))
            continue
        if not words or (spaced and token not in _JOINERS and words[-1][-1] not in _JOINERS):
            words.append([])
        words[-1].append(token)
        spaced = False
    for index, word in enumerate(words):
        if ("special", "@") in word:
            before = [token for earlier in words[:index] for token in (*earlier, ("space", " "))]
            return Address(_addr_spec(word), comments[0] if comments else _display_name(before, problems, header))
    return None


def _usable(email: str) -> bool:
    local, at, domain = email.rpartition("@")
    return bool(local and at and domain)


def _addr_spec(tokens: list[tuple[str, str]]) -> str:
    """local@domain as written, without whitespace and comments; a quoted local part unquoted where it
    needs no quotes, as the standard library's ``addr_spec`` gives it."""
    pieces = []
    for kind, text in tokens:
        if kind == "quoted":
            text = _QUOTED_PAIR.sub(r"\1", text)
            if _NEEDS_QUOTES.search(text) or not text:
                text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        elif kind in ("space", "comment"):
            continue
        pieces.append(text)
    return "".join(pieces)


def _display_name(tokens: list[tuple[str, str]], problems: list[str], name: str) -> str:
    """The words of a display name joined by single spaces; encoded words decoded, the whitespace between
    two of them dropped (RFC 2047 §6.2); quoted strings unquoted."""
    pieces: list[str] = []
    gap = ""  # what separates this word from the previous one: "", " " or "(" for a comment
    after_word = False
    for kind, text in tokens:
        if kind in ("space", "comment"):
            gap = "(" if kind == "comment" else gap or " "
            continue
        is_word = kind == "word"
        if is_word:
            charset, encoding, encoded = text[2:-2].split("?", 2)
            decoded = _decoded_word(charset, encoding, encoded, problems, name)
            text = decoded if decoded is not None else text
        elif kind == "quoted":
            text = _decode_words(_QUOTED_PAIR.sub(r"\1", text), problems, name)
        if pieces and gap and not (gap == " " and is_word and after_word):
            pieces.append(" ")
        pieces.append(text)
        gap, after_word = "", is_word
    return " ".join("".join(pieces).split())


def _date(value: str | None, fallback: datetime, problems: list[str]) -> datetime:
    if not value:
        problems.append("no Date header")
        return fallback
    try:
        moment = parsedate_to_datetime(value)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):  # Overflow: "31 Dec 9999 -0100" is past year 9999 in UTC
        problems.append("unreadable Date header")
        return fallback


def _first_id(value: str | None) -> str | None:
    if not value:
        return None
    found = _MESSAGE_ID.search(value)
    if found:
        return found.group()
    bare = value.strip().strip("<>").strip()
    return f"<{bare}>" if bare and " " not in bare else None  # "<>" or junk: as if there were none


# -- bodies ---------------------------------------------------------------------------------------

# "This is a multi-part message in MIME format.": a preamble that says only this is no body.
_MIME_NOTICE = re.compile(r"^.*\bMIME\b.*$", re.MULTILINE | re.IGNORECASE)
_MAX_DEPTH = 100  # levels the fallback reads: each level re-reads the part below it, so its cost is depth x size
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BLANK_LINE = re.compile(r"(?:\r\n|\r(?!\n)|\n)(?:\r\n|\r(?!\n)|\n)")
_DELIMITER_END = re.compile(r"(--)?[ \t]*(?:\r\n|\r|\n|\Z)")  # what may follow a boundary on its line (RFC 2046 §5.1.1)


def _walk(parts: Iterable[MimePart], problems: list[str]) -> _Body:
    """The first plain-text body, the first HTML body, and every attachment. A multipart whose parts hold
    no text shows its preamble, where some bounces put theirs."""
    text: str | None = None
    html: str | None = None
    preamble: str | None = None
    attachments: list[Attachment] = []
    for part in parts:
        if part.is_multipart():
            if preamble is None and part.preamble and _MIME_NOTICE.sub("", part.preamble).strip():
                preamble = part.preamble
            continue
        content_type = part.get_content_type()  # "text" with no subtype reads as text/plain (RFC 2045 §5.2)
        filename = _filename(part, problems)
        disposition = str(part.get("Content-Disposition") or "").split(";", 1)[0].strip().lower()
        if disposition == "attachment" or filename or not content_type.startswith("text/"):
            payload = part.get_payload(decode=True)
            size = len(payload) if isinstance(payload, bytes) else 0
            if content_type.startswith("multipart/") or (size == 0 and not filename):
                continue
            attachments.append(Attachment(filename or "unnamed", content_type, size))
        elif content_type == "text/html" and html is None:
            html = _decode_body(part, problems)
        elif not text and content_type != "text/html":  # an empty part (a delivery-status block) is no body
            text = _decode_body(part, problems) or None
    if text is None and html is None and preamble is not None:
        text = _decode(preamble.encode("ascii", "surrogateescape"), ("utf-8",), problems, "preamble")
        text = text.strip().replace("\r\n", "\n")
    if text is None:
        text = html_to_text(html) if html is not None else ""
    return _Body(text, html, tuple(attachments))


def _filename(part: MimePart, problems: list[str]) -> str | None:
    if "name" not in str(part.get("Content-Disposition", "")) + str(part.get("Content-Type", "")):
        return None  # no filename= or name= parameter: skip the parameter parser
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001  # a parameter the parser can't read: as if there were no name
        return None
    return _decode_words(name, problems, "attachment name") if name else None


def _decode_body(part: MimePart, problems: list[str]) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    return _decode(payload, (charset, "utf-8"), problems, f"body ({charset})").replace("\r\n", "\n")


def _fallback_body(data: bytes, problems: list[str]) -> tuple[list[MimePart], _Body]:
    try:
        parts = list(_shallow_parts(data))
        return parts, _walk(parts, problems)
    except Exception:  # noqa: BLE001  # the trouble is in a part itself: the headers alone (the caller keeps the raw)
        return [], _Body("", None, ())


def _shallow_parts(data: bytes) -> Iterator[MimePart]:
    """The leaf parts of a message the standard parser could not read (nested too deep for its recursion),
    read level by level in a loop, down to :data:`_MAX_DEPTH` levels."""
    stack = [(data.decode("ascii", "surrogateescape"), "text/plain", 0)]
    while stack:
        text, default_type, depth = stack.pop()
        part = _part(text)
        part.set_default_type(default_type)
        maintype, boundary = part.get_content_maintype(), part.get_boundary()
        payload = part.get_payload()
        if depth < _MAX_DEPTH and maintype == "message" and isinstance(payload, str):
            stack.append((payload, "text/plain", depth + 1))
        elif depth < _MAX_DEPTH and maintype == "multipart" and boundary and isinstance(payload, str):
            child_type = "message/rfc822" if part.get_content_subtype() == "digest" else "text/plain"
            stack.extend((child, child_type, depth + 1) for child in reversed(_split_multipart(payload, boundary)))
        else:
            yield part


def _part(text: str) -> MimePart:
    """One MIME entity's headers, parsed; its body, left as it is."""
    line_break = _LINE_BREAK.match(text)
    if line_break:  # no headers: the body follows the blank line
        header_end = line_break.end()
    else:
        blank = _BLANK_LINE.search(text)
        header_end = blank.end() if blank else len(text)
    part = _HEADER_PARSER.parsestr(text[:header_end], headersonly=True)
    part.set_payload(str(part.get_payload() or "") + text[header_end:])
    return part


def _split_multipart(body: str, boundary: str) -> list[str]:
    """The parts between a multipart body's boundary lines; all that follows the last, if it is not closed."""
    marker = "--" + boundary
    parts: list[str] = []
    start: int | None = None
    position = 0
    while (found := body.find(marker, position)) != -1:
        position = found + len(marker)
        line_end = _DELIMITER_END.match(body, position)
        if (found and body[found - 1] not in "\r\n") or not line_end:
            continue  # not at the start of a line, or followed by more than padding
        if start is not None:
            part = body[start:found]
            parts.append(part[:-2] if part.endswith("\r\n") else part[:-1])  # the line break belongs to the boundary
        if line_end.group(1):
            return parts
        start = position = line_end.end()
    if start is not None:
        parts.append(body[start:])
    return parts


class _TextExtractor(HTMLParser):
    _BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable text from an HTML body: tags dropped, blocks on their own lines, entities decoded."""
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
    except Exception:  # noqa: BLE001  # HTML the parser gives up on: its text without the tags, roughly
        return re.sub(r"<[^>]+>", " ", html)
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
