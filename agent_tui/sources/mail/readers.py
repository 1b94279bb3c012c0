"""Reading tickets piped in: eml files, mbox, maildir and JSON lines, from paths or stdin.

Each input yields :class:`Incoming` items (a message or a status change) or :class:`Unreadable` ones
naming where the problem is and why, so one bad line never stops the rest, and input that holds nothing
is said so rather than read as nothing. Reading streams: an mbox of any size is split as it is read, and
a JSON line too long to be a message is skipped without being held whole.

JSON lines format, one object per line:

- a message: ``from`` ("a@b", "Name <a@b>" or {"email", "name"}), ``subject``, ``text``, optional
  ``html``, ``date`` (ISO 8601), ``message_id``, ``in_reply_to``, ``references``, ``ticket`` (an external
  key grouping lines into one ticket), ``author`` (customer | agent | note; default customer), ``to``,
  ``tags``, ``priority``, ``assignee``;
- a status change: ``ticket``, ``date``, ``status`` and no ``text``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from email.utils import getaddresses
from pathlib import Path
from typing import BinaryIO

from agent_tui.domain.models import (
    Address,
    Agent,
    Author,
    Message,
    Priority,
    Status,
    normalise_tag,
)
from agent_tui.errors import UsageError
from agent_tui.sources.items import Incoming, Item, StatusLine, Unreadable
from agent_tui.sources.mail.parse import html_to_text, parse_mail

FORMATS = ("auto", "eml", "mbox", "maildir", "jsonl")
_FILE_KINDS = {"eml": "an eml file", "mbox": "an mbox file", "jsonl": "a JSON lines file"}
_ESCAPED_FROM = re.compile(rb">+From ")
_BLANK = (b"\n", b"\r\n")
# 25 MB is the most mail Gmail sends, the usual cap; a JSON line carrying such a message, its images inlined
# in "html" as base64, fits. A longer line is no help-desk message, and reading it whole would cost over six
# times its size in memory (a 60 MB line: 390 MB).
_MAX_JSON_LINE = 25 << 20
# A Content-Length is believed up to 64 MB (beyond the 50 MB Gmail receives): checking one means holding
# the body it claims, so a false claim must not make us hold a whole file. Claims that prove false cost
# re-reading what they covered; past this much of that, an input's Content-Lengths are no longer checked.
_MAX_CONTENT_LENGTH = 64 << 20
_FALSE_CONTENT_LENGTH_BUDGET = 256 << 20


def read_inputs(paths: Iterable[str], fmt: str, stdin: BinaryIO, now: datetime) -> Iterator[Item]:
    """Every item of every input, in order; ``-`` (or no path at all) is standard input."""
    if fmt not in FORMATS:
        raise UsageError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    for path in list(paths) or ["-"]:
        if path == "-":
            if fmt == "maildir":
                yield Unreadable("stdin", "is a stream, not a maildir folder; give the maildir's path instead")
                continue
            yield from _read_stream(stdin, "stdin", fmt, now)
            continue
        target = Path(path)
        if target.is_dir():
            if fmt not in ("auto", "maildir"):
                yield Unreadable(path, f"is a folder, not {_FILE_KINDS[fmt]}")
                continue
            yield from _read_folder(target, now)
            continue
        if fmt == "maildir":
            yield Unreadable(path, "is a file, not a maildir folder; drop --format maildir to read it as mail")
            continue
        try:
            handle = target.open("rb")
        except OSError as error:
            yield Unreadable(path, f"could not be opened ({error.strerror})")
            continue
        with handle:
            yield from _read_stream(handle, path, fmt, now)


def _read_stream(stream: BinaryIO, name: str, fmt: str, now: datetime) -> Iterator[Item]:
    if not hasattr(stream, "peek"):  # a stream we can't look ahead in: buffer it so the format can be told
        stream = io.BufferedReader(io.BytesIO(stream.read()))
    if fmt == "auto":
        fmt = _detect(stream.peek(64)[:64])
    if fmt == "jsonl":
        yield from _read_json_lines(stream, name, now)
    elif fmt == "mbox":
        yield from _read_mbox(stream, name, now)
    else:
        yield mail_item(stream.read(), name, now)


def _detect(head: bytes) -> str:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        return "jsonl"
    if stripped.startswith(b"From "):
        return "mbox"
    return "eml"


def _read_json_lines(stream: BinaryIO, name: str, now: datetime) -> Iterator[Item]:
    empty = True
    number = 0
    while line := stream.readline(_MAX_JSON_LINE + 1):
        number += 1
        if len(line) > _MAX_JSON_LINE:
            while line and not line.endswith(b"\n"):  # skip the rest a bounded piece at a time
                line = stream.readline(1 << 20)
            empty = False
            yield Unreadable(
                f"{name} line {number}",
                f"is longer than {_MAX_JSON_LINE >> 20} MB, the most one line may "
                "hold; shorten it (leave out inlined files) and ingest it again",
            )
        elif line.strip():
            empty = False
            yield parse_json_line(line, f"{name} line {number}", now)
    if empty:
        yield Unreadable(name, "is empty")


def _read_mbox(stream: BinaryIO, name: str, now: datetime) -> Iterator[Item]:
    empty = True
    for number, raw in enumerate(_split_mbox(stream), start=1):
        empty = False
        if raw is None:
            yield Unreadable(name, 'does not start with a "From " line, so it is not an mbox')
            continue
        yield mail_item(raw, f"{name} message {number}", now)
    if empty:
        yield Unreadable(name, "is empty")


def _split_mbox(stream: BinaryIO) -> Iterator[bytes | None]:
    """Messages of an mbox, split as they are read, as Python's ``mailbox.mbox`` splits them: every line
    starting "From " is a separator, blank line before it or not (many writers leave none out).

    Each message is the lines between its "From " line and the next (a blank line before that one is
    kept, as it always was: mail without a Message-ID is known by these bytes). Body lines quoted mboxrd-
    style lose one ">" (">From " -> "From ", ">>From " -> ">From "). A Content-Length header is believed
    when the body it counts ends exactly at a "From " line (after an optional blank line) or at the end:
    then "From " lines inside that body are body, as writers of such files leave them unquoted; any other
    Content-Length is ignored. Text before the first "From " line yields None once (it is reported, not
    silently dropped)."""
    readline = stream.readline
    pending: list[bytes] = []  # lines read ahead to check a Content-Length and given back, next one last
    budget = _FALSE_CONTENT_LENGTH_BUDGET  # bytes re-read after false Content-Lengths, left
    message: list[bytes] | None = None  # the lines of the message being read; None before the first "From "
    in_headers = False
    length: int | None = None  # the message's Content-Length
    junk = False
    line = readline()
    if line.startswith(b"\xef\xbb\xbf"):
        line = line[3:]
    while line:
        if line.startswith(b"From "):
            if message is not None:
                yield b"".join(message)
            message, in_headers, length = [], True, None
        elif message is None:
            junk = junk or bool(line.strip())
        elif in_headers and line in _BLANK:
            in_headers = False
            message.append(line)
            if length is not None and budget > 0:
                body = _counted_body(length, readline, pending)
                if body is None:  # given back, to be read on by "From " lines
                    budget -= length
                else:
                    message.extend(_unquoted(body_line) for body_line in body)
        else:
            if in_headers and length is None and line[:15].lower() == b"content-length:":
                length = _content_length(line[15:])
            message.append(_unquoted(line))
        line = pending.pop() if pending else readline()
    if message is not None:
        yield b"".join(message)
    if junk:
        yield None


def _unquoted(line: bytes) -> bytes:
    """mboxrd escapes body lines that look like separators: ">From " -> "From ", ">>From " -> ">From "."""
    return line[1:] if line[:1] == b">" and _ESCAPED_FROM.match(line) else line


def _content_length(value: bytes) -> int | None:
    value = value.strip()
    if not value.isdigit() or len(value) > 9 or int(value) > _MAX_CONTENT_LENGTH:
        return None
    return int(value)


def _counted_body(length: int, readline: Callable[[], bytes], pending: list[bytes]) -> list[bytes] | None:
    """The lines of a body of ``length`` bytes (and the blank line after it), if it ends as a Content-Length
    must: at a "From " line, after an optional blank line, or at the end. If not, None, and every line read
    is given back to be read again."""
    lines: list[bytes] = []
    size = 0
    while size < length and (line := pending.pop() if pending else readline()):
        lines.append(line)
        size += len(line)
    if size == length:
        after = pending.pop() if pending else readline()
        if after in _BLANK:
            lines.append(after)
            after = pending.pop() if pending else readline()
        if not after or after.startswith(b"From "):
            if after:
                pending.append(after)
            return lines
        lines.append(after)
    pending.extend(reversed(lines))
    return None


def _read_folder(folder: Path, now: datetime) -> Iterator[Item]:
    """A maildir's messages, from cur/ and new/. A plain folder's .eml files are read too: saved mail is often
    kept so, and naming each file is a chore. Its other files are left alone (a plain folder may hold
    anything). A folder with neither is reported: reading nothing without a word would hide a wrong path."""
    subfolders = [folder / sub for sub in ("cur", "new") if (folder / sub).is_dir()]
    try:
        if subfolders:
            files = [
                entry
                for sub in subfolders
                for entry in sorted(os.scandir(sub), key=lambda e: e.name)
                if entry.is_file() and not entry.name.startswith(".")
            ]
        else:
            files = [
                entry
                for entry in sorted(os.scandir(folder), key=lambda e: e.name)
                if entry.is_file() and entry.name.lower().endswith(".eml") and not entry.name.startswith(".")
            ]
    except OSError as error:
        yield Unreadable(str(folder), f"could not be read ({error.strerror})")
        return
    if not subfolders and not files:
        yield Unreadable(
            str(folder),
            "is not a maildir (no cur/ or new/ folder) and holds no .eml files; "
            "name the maildir or the mail files to read",
        )
    for entry in files:
        try:
            raw = Path(entry.path).read_bytes()
        except OSError as error:
            yield Unreadable(entry.path, f"could not be read ({error.strerror})")
            continue
        yield mail_item(raw, entry.path, now)


def mail_item(raw: bytes, origin: str, now: datetime) -> Item:
    if not raw.strip():
        return Unreadable(origin, "is empty")
    try:
        parsed = parse_mail(raw, fallback_date=now)
    except Exception as error:  # noqa: BLE001  # parse_mail is built not to raise; this keeps one message from stopping the rest
        return Unreadable(origin, f"could not be parsed as mail ({type(error).__name__})")
    return Incoming(origin, parsed.message, raw=raw, problems=parsed.problems)


# -- JSON lines ----------------------------------------------------------------------------------


class _BadLine(ValueError):
    pass


def parse_json_line(line: bytes | str, origin: str, now: datetime) -> Item:
    try:
        data = json.loads(line)
    except (ValueError, UnicodeDecodeError) as error:
        return Unreadable(origin, f"is not JSON ({error})")
    except RecursionError:  # json's parser recurses per level: thousands of "[" or "{" exhaust it
        return Unreadable(origin, "is JSON nested too deeply to be a message")
    if not isinstance(data, dict):
        return Unreadable(origin, "is not a JSON object")
    try:
        item = _json_item(data, origin, now)
    except _BadLine as error:
        return Unreadable(origin, str(error))
    except UsageError as error:
        return Unreadable(origin, str(error).rstrip("."))
    except (ValueError, TypeError, OverflowError, AttributeError) as error:  # odd types and values
        return Unreadable(origin, f"has a value that can't be used ({error})")
    if isinstance(item, Incoming) and not _encodable(item.message):
        return Unreadable(origin, "has text that is not valid Unicode (a lone surrogate)")
    return item


def _encodable(message: Message) -> bool:
    try:
        for text in (message.text, message.subject, message.html or "", message.sender.name):
            text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _json_item(data: dict, origin: str, now: datetime) -> Item:
    key = data.get("ticket")
    if key is not None and not isinstance(key, (str, int)):
        raise _BadLine('"ticket" must be a string or a number')
    ticket_key = str(key) if key is not None else None
    if "text" not in data and "html" not in data and "status" in data:
        if ticket_key is None:
            raise _BadLine('a status change needs "ticket"')
        return StatusLine(
            origin, ticket_key, _json_date(data, required=True, now=now), Status.parse(_string(data, "status"))
        )
    if "text" not in data and "html" not in data:
        raise _BadLine('has neither "text" nor "status"')
    sender = _json_addresses(data.get("from"), "from")
    if not sender:
        raise _BadLine('needs "from" with an email address')
    date = _json_date(data, required=False, now=now)
    html = _string(data, "html") if data.get("html") is not None else None
    text = _string(data, "text") if data.get("text") is not None else html_to_text(html or "")
    try:
        author = Author(_string(data, "author").strip().lower()) if data.get("author") else Author.CUSTOMER
    except ValueError:
        raise _BadLine('"author" must be customer, agent or note') from None
    given_id = _string(data, "message_id").strip().strip("<>").strip() if data.get("message_id") else ""
    message_id = given_id if given_id else _line_id(ticket_key, date if data.get("date") else None, sender[0], text)
    references = data.get("references") or []
    if isinstance(references, str):
        references = references.split()
    tags = data.get("tags") or []
    if isinstance(tags, str):
        tags = tags.split(",")
    if not isinstance(references, list) or not isinstance(tags, list):
        raise _BadLine('"references" and "tags" must be lists (or strings)')
    message = Message(
        author=author,
        sender=sender[0],
        date=date,
        text=text,
        html=html,
        subject=" ".join(_string(data, "subject").split()) if data.get("subject") is not None else "",
        to=tuple(_json_addresses(data.get("to"), "to")),
        message_id=_angle(message_id),
        in_reply_to=_angle(_string(data, "in_reply_to")) if data.get("in_reply_to") else None,
        references=tuple(_angle(str(r)) for r in references),
    )
    return Incoming(
        origin,
        message,
        author_known=True,
        ticket_key=ticket_key,
        tags=tuple(normalise_tag(str(t)) for t in tags if str(t).strip()),
        priority=Priority.parse(_string(data, "priority")) if data.get("priority") else None,
        assignee=Agent.parse(_string(data, "assignee")) if data.get("assignee") else None,
    )


def _string(data: dict, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise _BadLine(f'"{key}" must be a string')
    return value


def _json_date(data: dict, *, required: bool, now: datetime) -> datetime:
    if data.get("date") is None:
        if required:
            raise _BadLine('a status change needs "date"')
        return now
    text = _string(data, "date")
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise _BadLine(f'"date" {text!r} is not ISO 8601') from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _json_addresses(value: object, key: str) -> list[Address]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if isinstance(item, dict):
            email, name = item.get("email"), item.get("name") or ""
            if not isinstance(email, str) or "@" not in email or not isinstance(name, str):
                raise _BadLine(f'"{key}" needs an "email" address')
            found.append(Address(email.strip(), name.strip()))
        elif isinstance(item, str):
            parsed = [Address(e.strip(), n.strip()) for n, e in getaddresses([item]) if "@" in e]
            if not parsed:
                raise _BadLine(f'"{key}" {item!r} has no email address')
            found.extend(parsed)
        else:
            raise _BadLine(f'"{key}" must be an address or a list of them')
    return found


def _angle(message_id: str) -> str:
    message_id = message_id.strip()
    return message_id if message_id.startswith("<") else f"<{message_id}>"


def _line_id(ticket_key: str | None, date: datetime | None, sender: Address, text: str) -> str:
    """A stable id for a line without ``message_id``: the same ticket, date and sender is the same message."""
    basis = [ticket_key or "", date.isoformat() if date else "", sender.email.lower()]
    if date is None:
        basis.append(text)  # no date: only the same text can be the same message
    digest = hashlib.sha256("\x1f".join(basis).encode()).hexdigest()[:32]
    return f"<jsonl-{digest}@agent-tui.invalid>"
