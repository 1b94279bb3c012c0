"""Attachments: reading a message's files back from its raw form, saving them under safe names, and reading
the agent's own files to attach to a reply or forward.

Names come from mail, and mail is hostile: a name is a suggestion, cleaned by :func:`safe_filename` (no path
parts, no control or bidi characters, no Windows device names, at most 255 bytes) before it touches a disk,
and a file is never overwritten (``name (2).ext``). Pure Python, no UI: the CLI and the screens share it.
"""

from __future__ import annotations

import mimetypes
import os
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.message import Message as MimePart
from email.parser import BytesParser
from email.utils import format_datetime, formataddr
from pathlib import Path

from agent_tui.domain.models import Attachment, Message
from agent_tui.errors import UsageError
from agent_tui.services.tickets import TicketService

MAX_NAME_BYTES = 255  # what ext4, APFS and NTFS allow in one name
MAX_ATTACH_BYTES = 25 * 1024 * 1024  # what most mail servers take in one message
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
_UNSAFE = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
_PARSER = BytesParser(policy=policy.compat32)
_TOKEN = re.compile(r"[A-Za-z0-9!#$&^_.+-]+")


def safe_filename(name: str, index: int = 1) -> str:
    """A file name that is safe to create in a directory: the last path part of ``name``, with control and
    format characters (bidi overrides, zero-width joiners) removed, characters Windows refuses replaced, no
    leading dots (no hidden files, no ``..``), a Windows device name (``CON``, ``nul.txt``, ``COM1``) prefixed
    with ``_``, and at most 255 bytes of UTF-8 (shortened keeping the extension). ``attachment-INDEX`` when
    nothing is left."""
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split())  # tabs, runs of spaces, odd spaces: one plain space
    name = name.lstrip(". ").rstrip(". ")  # Windows drops trailing dots and spaces; leading dots hide a file
    if not name:
        return f"attachment-{index}"
    if name.split(".", 1)[0].upper().rstrip() in _RESERVED:
        name = "_" + name
    return _shorten(name, MAX_NAME_BYTES)


def _shorten(name: str, limit: int) -> str:
    """``name`` in at most ``limit`` bytes of UTF-8, keeping its extension (when short) and whole characters."""
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension.encode("utf-8")) > 16:
        stem, extension = name, ""
    tail = f".{extension}" if extension else ""
    room = limit - len(tail.encode("utf-8"))
    cut = stem.encode("utf-8")[:room].decode("utf-8", "ignore")  # never half a character
    return cut.rstrip(". ") + tail


def unused_path(directory: Path, name: str) -> Path:
    """``directory/name``, or ``name (2).ext``, ``name (3).ext``… when it is taken."""
    candidate = directory / name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    number = 2
    while candidate.exists() or candidate.is_symlink():
        suffix = f" ({number})" + (f".{extension}" if extension else "")
        candidate = directory / (_shorten(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8"))) + suffix)
        number += 1
    return candidate


def write_new(directory: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to a new file under a free name in ``directory``, never replacing or following anything
    there (O_EXCL: a file or link made meanwhile makes it try the next name)."""
    for _ in range(1000):
        path = unused_path(directory, name)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return path
    raise UsageError(f"No free file name for {name!r} in {directory}.")


# -- reading a message's files -------------------------------------------------------------------


def mime_files(raw: bytes) -> list[tuple[str, str, bytes]]:
    """(name as sent, content type, content) of every attachment of a raw message, in the order and by the
    rules by which its attachments were listed when it was filed (sources.mail.parse)."""
    try:
        mail = _PARSER.parsebytes(raw.removeprefix(b"\xef\xbb\xbf"))
        parts = list(mail.walk())
    except Exception:  # noqa: BLE001  # nested too deep, or broken: no files to give
        return []
    return list(_files(parts))


def _files(parts: Sequence[MimePart]) -> Iterator[tuple[str, str, bytes]]:
    for part in parts:
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        try:
            filename = part.get_filename() or ""
        except Exception:  # noqa: BLE001
            filename = ""
        disposition = str(part.get("Content-Disposition") or "").split(";", 1)[0].strip().lower()
        if disposition == "attachment" or filename or not content_type.startswith("text/"):
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            if content_type.startswith("multipart/") or (not data and not filename):
                continue
            yield filename, content_type, data


@dataclass(frozen=True, slots=True)
class AttachmentFile:
    """One attachment of a ticket's message: what was filed about it, and its content when it was kept."""

    message: Message
    number: int  # 1-based, over the whole ticket, as listed
    attachment: Attachment
    data: bytes | None  # None: the message's raw form was not kept (the demo, a help desk's file)
    named: bool = True  # False: the mail gave the file no name (filed as "unnamed")

    @property
    def safe_name(self) -> str:
        return safe_filename(self.attachment.filename if self.named else "", self.number)


def ticket_files(service: TicketService, ticket_id: int, message_index: int | None = None) -> list[AttachmentFile]:
    """Every attachment of the ticket's messages (or of its ``message_index``-th, from 1), oldest first."""
    messages = service.store.messages(ticket_id)
    if message_index is not None:
        if not 1 <= message_index <= len(messages):
            raise UsageError(f"Ticket {ticket_id} has {len(messages)} messages: give --message 1 to {len(messages)}.")
        messages = [messages[message_index - 1]]
    files: list[AttachmentFile] = []
    for message in messages:
        if not message.attachments:
            continue
        contents = _contents(service, message)
        for attachment, (data, named) in zip(message.attachments, contents, strict=True):
            files.append(AttachmentFile(message, len(files) + 1, attachment, data, named))
    return files


def _contents(service: TicketService, message: Message) -> list[tuple[bytes | None, bool]]:
    """Each attachment's content (None when not kept) and whether the mail named it."""
    raw = service.store.raw_message(message.id) if message.id is not None else None
    found = mime_files(raw) if raw is not None else []
    if len(found) == len(message.attachments):
        return [(data, bool(name)) for name, _, data in found]
    # Listed differently (a message parsed by the fallback reader): pair them by type and size, in order.
    contents: list[tuple[bytes | None, bool]] = []
    rest = list(found)
    for attachment in message.attachments:
        match = next((f for f in rest if f[1] == attachment.content_type and len(f[2]) == attachment.size), None)
        if match is not None:
            rest.remove(match)
        contents.append((match[2], bool(match[0])) if match else (None, True))
    return contents


def save_files(files: Sequence[AttachmentFile], directory: Path) -> list[Path | None]:
    """Save each file with content under its safe name in ``directory`` (made if missing); None for one
    whose content was not kept."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"The directory {directory} could not be made ({error.strerror}).") from None
    saved: list[Path | None] = []
    for file in files:
        if file.data is None:
            saved.append(None)
            continue
        try:
            saved.append(write_new(directory, file.safe_name, file.data))
        except OSError as error:
            raise UsageError(f"{directory} could not be written ({error.strerror}).") from None
    return saved


def add_files(mail: EmailMessage, message: Message) -> None:
    """Attach an outgoing message's files (``payloads``) to its MIME form, under their safe names."""
    for index, (attachment, data) in enumerate(zip(message.attachments, message.payloads, strict=True), 1):
        maintype, _, subtype = attachment.content_type.partition("/")
        if not subtype or not _TOKEN.fullmatch(maintype) or not _TOKEN.fullmatch(subtype):
            maintype, subtype = "application", "octet-stream"
        mail.add_attachment(
            data, maintype=maintype, subtype=subtype, filename=safe_filename(attachment.filename, index)
        )


def mail_bytes(message: Message) -> bytes:
    """An outgoing message as MIME (what the store keeps of a reply or forward sent with files)."""
    mail = EmailMessage()
    mail["From"] = formataddr((message.sender.name, message.sender.email))
    if message.to:
        mail["To"] = ", ".join(formataddr((a.name, a.email)) for a in message.to)
    if message.cc:
        mail["Cc"] = ", ".join(formataddr((a.name, a.email)) for a in message.cc)
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(message.date)
    if message.message_id:
        mail["Message-ID"] = message.message_id
    mail.set_content(message.text)
    add_files(mail, message)
    return mail.as_bytes()


# -- the agent's own files -----------------------------------------------------------------------


def read_attachment(path: str | os.PathLike[str]) -> tuple[Attachment, bytes]:
    """A file the agent attaches: its name (the last part of the path), type (by extension) and content."""
    file = Path(path).expanduser()
    try:
        if not file.is_file():
            raise UsageError(f"--attach {str(path)!r}: no such file.")
        if file.stat().st_size > MAX_ATTACH_BYTES:
            raise UsageError(f"--attach {str(path)!r}: larger than {MAX_ATTACH_BYTES // 2**20} MB, too big to mail.")
        data = file.read_bytes()
    except OSError as error:
        raise UsageError(f"--attach {str(path)!r} could not be read ({error.strerror}).") from None
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return Attachment(safe_filename(file.name), content_type, len(data)), data
