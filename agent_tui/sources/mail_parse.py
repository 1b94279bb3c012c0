"""Turn raw RFC 5322 mail into a :class:`Message`, whatever state it is in.

Real mail is often broken: undecodable charsets, unparsable dates and addresses, bodies in HTML only.
Nothing here raises on bad mail: what can be decoded is, the raw bytes are kept by the caller, and
every problem is named in ``problems`` so the UI can flag it. Pure: bytes in, data out.

The standard library's parser runs with its ``compat32`` policy and headers are decoded with
``email.header`` and ``email.utils``: ``policy.default`` builds a parsed object for every header it is
asked for, which made ingest eleven times slower (970 µs against 88 µs a message here) for nothing we use.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.message import Message as MimePart
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from agent_tui.domain.models import Address, Attachment, Author, Message

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_PARSER = BytesParser(policy=policy.compat32)
_SIMPLE_ADDRESS = re.compile(r'^\s*(?:(?P<name>[^"<>,;:()@\\]*?)\s*<(?P<email>[^<>\s,;:()"@]+@[^<>\s,;:()"@]+)>|(?P<bare>[^<>\s,;:()"@]+@[^<>\s,;:()"@]+))\s*$')
_RAW_BYTES = re.compile("[\udc80-\udcff]")
# As the standard library's feedparser splits lines and tells a header line from the body.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # each line with its line break
_HEADER_LINE = re.compile(r"^(From |[\041-\071\073-\176]*:|[\t ])")
_FIELD = re.compile(r"([\041-\071\073-\176]+):([^\r\n]*(?:\r\n|\r|\n)?(?:[ \t][^\r\n]*(?:\r\n|\r|\n)?)*)")
_CHARSET = re.compile(r'charset\s*=\s*"?([^";\s]+)', re.IGNORECASE)
MADE_UP_ID_END = "@agent-tui.invalid>"  # ends the Message-ID made up for mail that has none


@dataclass(slots=True)
class ParsedMail:
    message: Message
    problems: list[str] = field(default_factory=list)


def parse_mail(raw: bytes, *, fallback_date: datetime) -> ParsedMail:
    """Parse one message; ``fallback_date`` stands in for a missing or unreadable Date header."""
    problems: list[str] = []
    mail = _PARSER.parsebytes(raw)
    raw_headers: dict[str, str] = {}
    for name, value in mail.raw_items():  # as sent: 8-bit bytes kept as surrogates, not replaced
        raw_headers.setdefault(name.lower(), value)
    text, html, attachments = _walk(mail, problems)
    return _parsed(raw_headers, lambda: _declared_charset(mail), text, html, tuple(attachments), raw, fallback_date, problems)


def parse_headers(block: bytes, *, fallback_date: datetime) -> ParsedMail:
    """The header fields of a message from its header block alone (what an IMAP header fetch returns), with
    no body: what threading and the queue need, at a fraction of a full parse's cost. Every field comes
    out as :func:`parse_mail` gives it, except a header in raw 8-bit bytes of a multipart message, whose
    charset only its body declares (its text part's)."""
    problems: list[str] = []
    raw_headers = header_fields(block)

    def charset() -> str:
        content_type = raw_headers.get("content-type", "")
        found = _CHARSET.search(content_type) if content_type.lstrip().lower().startswith("text/") else None
        return found.group(1).lower() if found else "utf-8"

    return _parsed(raw_headers, charset, "", None, (), block, fallback_date, problems)


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


def _parsed(
    raw_headers: dict[str, str], charset: Callable[[], str], text: str, html: str | None,
    attachments: tuple[Attachment, ...], raw: bytes, fallback_date: datetime, problems: list[str],
) -> ParsedMail:
    def header(name: str) -> str | None:
        return _header(raw_headers.get(name.lower()), name, charset, problems)

    sender = _addresses(header("From"), problems, "From")
    message_id = _first_id(header("Message-ID"))
    if message_id is None:
        # Without a Message-ID, the content identifies the message, so ingesting it twice is harmless.
        message_id = f"<sha256-{hashlib.sha256(raw).hexdigest()[:32]}{MADE_UP_ID_END}"
    message = Message(
        author=Author.CUSTOMER,
        sender=sender[0] if sender else Address("unknown@invalid", "Unknown sender"),
        date=_date(header("Date"), fallback_date, problems),
        text=text,
        html=html,
        subject=" ".join((header("Subject") or "").split()),
        to=tuple(_addresses(header("To"), problems, "To")),
        cc=tuple(_addresses(header("Cc"), problems, "Cc")),
        attachments=attachments,
        message_id=message_id,
        in_reply_to=_first_id(header("In-Reply-To")),
        references=tuple(_MESSAGE_ID.findall(header("References") or "")),
    )
    if not sender:
        problems.append("no sender address")
    return ParsedMail(message, problems)


def _declared_charset(mail: MimePart) -> str:
    """The charset the message's text declares: the best guess for raw 8-bit headers."""
    for part in mail.walk():
        if part.get_content_maintype() == "text" and part.get_content_charset():
            return part.get_content_charset()
    return "utf-8"


def _header(value: str | None, name: str, charset: Callable[[], str], problems: list[str]) -> str | None:
    if value is None:
        return None
    if _RAW_BYTES.search(value):  # undecoded 8-bit bytes, kept as surrogates
        value = _redecode(value.encode("utf-8", "surrogateescape"), charset(), problems, name)
    if "=?" not in value:  # no encoded words: nothing to decode (most headers; decoding costs ~10 µs each)
        return value
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # bad encoded words (unknown charset, broken base64): show them as sent
        problems.append(f"unreadable {name} header")
        return value


def _redecode(data: bytes, charset: str, problems: list[str], what: str) -> str:
    """Bytes in an unknown or wrong charset: UTF-8, then the declared charset, then a flagged guess
    (Windows-1252, what undeclared Western mail most often is), then replacement characters."""
    for candidate in ("utf-8", charset):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError, ValueError):  # ValueError: a NUL in the charset name
            continue
    try:
        text = data.decode("cp1252")
        problems.append(f"{what} charset guessed (windows-1252)")
        return text
    except UnicodeDecodeError:
        problems.append(f"{what} decoded with replacement characters")
        return data.decode("utf-8", "replace")


def _addresses(value: str | None, problems: list[str], name: str) -> list[Address]:
    if not value:
        return []
    simple = _SIMPLE_ADDRESS.match(value)
    if simple:  # "Name <a@b>" or "a@b": the common case, without the full RFC 5322 address parser
        email = simple.group("email") or simple.group("bare")
        return [Address(email, " ".join((simple.group("name") or "").split()))]
    found = [Address(email.strip(), " ".join(person.split())) for person, email in getaddresses([value]) if "@" in email]
    if not found and value.strip():
        problems.append(f"unparsable {name} address")
    return found


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


def _walk(mail: MimePart, problems: list[str]) -> tuple[str, str | None, list[Attachment]]:
    """The first plain-text body, the first HTML body, and every attachment."""
    text: str | None = None
    html: str | None = None
    attachments: list[Attachment] = []
    for part in mail.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        filename = _filename(part)
        disposition = str(part.get("Content-Disposition") or "").split(";", 1)[0].strip().lower()
        if disposition == "attachment" or filename or not content_type.startswith("text/"):
            payload = part.get_payload(decode=True)
            size = len(payload) if isinstance(payload, bytes) else 0
            if content_type.startswith("multipart/") or (size == 0 and not filename):
                continue
            attachments.append(Attachment(filename or "unnamed", content_type, size))
        elif content_type == "text/html" and html is None:
            html = _decode_body(part, problems)
        elif text is None and content_type != "text/html":
            text = _decode_body(part, problems)
    if text is None:
        text = html_to_text(html) if html is not None else ""
    return text, html, attachments


def _filename(part: MimePart) -> str | None:
    if "name" not in str(part.get("Content-Disposition", "")) + str(part.get("Content-Type", "")):
        return None  # no filename= or name= parameter: skip the parameter parser
    try:
        name = part.get_filename()
    except Exception:
        return None
    if not name:
        return None
    try:
        return str(make_header(decode_header(name)))
    except Exception:
        return name


def _decode_body(part: MimePart, problems: list[str]) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset).replace("\r\n", "\n")
    except (LookupError, UnicodeDecodeError, ValueError):
        return _redecode(payload, "latin-1" if charset in ("us-ascii", "ascii") else charset, problems, f"body ({charset})").replace("\r\n", "\n")


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
    except Exception:
        return re.sub(r"<[^>]+>", " ", html)
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
