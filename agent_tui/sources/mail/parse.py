"""Turn raw RFC 5322 mail into a :class:`Message`, whatever state it is in.

Real mail is often broken or hostile: undecodable or mislabelled charsets, unparsable dates and addresses,
bodies in HTML only, MIME nested a thousand deep, display names crafted to look like addresses. Nothing here
raises on bad mail: what can be decoded is, the raw bytes are kept by the caller, and every problem is named
in ``problems`` so the UI can flag it. Pure: bytes in, data out.

The standard library's parser runs with its ``compat32`` policy for the MIME structure: ``policy.default``
builds a parsed object for every header it is asked for, which made ingest eleven times slower (970 µs
against 88 µs a message here) for nothing we use. Header values are decoded by this package instead:
``headers`` splits the fields, ``addresses`` reads address headers and ``charsets`` decodes text (each says
why the standard library's way would not do).

The standard parser recurses once per MIME level too: past a few hundred levels, :func:`_shallow_parts`
reads the parts level by level instead, so such a message still keeps its headers and outer parts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import Message as MimePart
from email.parser import BytesParser, Parser
from html.parser import HTMLParser

from agent_tui.domain.models import Address, Attachment, Author, Message
from agent_tui.sources.mail.addresses import _addresses
from agent_tui.sources.mail.charsets import _decode, _decode_words
from agent_tui.sources.mail.headers import _MESSAGE_ID, _date, _first_id, header_fields

_PARSER = BytesParser(policy=policy.compat32)
_HEADER_PARSER = Parser(policy=policy.compat32)
_RAW_BYTES = re.compile("[\udc80-\udcff]")
_BOM = b"\xef\xbb\xbf"
_CHARSET = re.compile(r'charset\s*=\s*"?([^";\s]+)', re.IGNORECASE)
FORWARD_HEADER = "X-Agent-Tui-Forward"  # on a conversation an agent forwarded: not a reply to the customer
MADE_UP_ID_END = "@agent-tui.invalid>"  # ends the Message-ID made up for mail that has none


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
        # Marked by agent-tui on a forward it sent; believed only from the shop's own address (services.ingest).
        author=Author.FORWARD if raw_headers.get(FORWARD_HEADER.lower()) else Author.CUSTOMER,
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
