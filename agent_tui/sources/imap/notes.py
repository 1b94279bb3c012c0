"""Internal notes shared through the mailbox: a small message APPENDed to INBOX, never handed to SMTP.

A note written here is stored in the shared INBOX (the folder every teammate syncs, and IDLEs on), so every
machine files it in the same ticket:

    From: "Dana Li" <support@shop.example>      the agent's name, the team's shared address (as replies)
    Subject: Internal note: <ticket subject> [#1042]
    In-Reply-To, References                     the ticket's thread, when the note names it
    X-Agent-Tui-Note: 1
    flags: \\Seen $TuiNote                       read by nobody's mail client as new mail; agent-tui's mark

It is From the shared address, not the agent's own, because that is the one address every teammate's
store knows is the team's, even a store that has never seen this agent.

A message is filed as a note only when all three hold: it has the ``$TuiNote`` keyword, the
``X-Agent-Tui-Note`` header, and its From is the shared address. Mail from outside can't carry a keyword
(only a client logged in to the mailbox can set one), so a customer's forged header, or a forged From,
gives at most an ordinary message. A note carries no ticket state: its keywords are never read as a
state, and ``ImapSource.push`` and ``claim`` never write on it (so ``$TuiNote`` is never stripped).
"""

from __future__ import annotations

from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formataddr

from agent_tui.domain.models import Message
from agent_tui.domain.threading import with_token
from agent_tui.sources.imap.settings import ImapSettings
from agent_tui.sources.imap.smtp import thread_headers
from agent_tui.sources.mail.headers import header_fields

NOTE_KEYWORD = "$TuiNote"
NOTE_HEADER = "X-Agent-Tui-Note"
NOTE_FLAGS = [b"\\Seen", NOTE_KEYWORD.encode()]
_KEYWORD = NOTE_KEYWORD.lower().encode()


def note_mime(ticket_id: int, message: Message, settings: ImapSettings) -> EmailMessage:
    """The note as the message stored in the shared INBOX."""
    mail = EmailMessage()
    name = " ".join((message.sender.name or settings.name).split())
    mail["From"] = formataddr((name, settings.address))
    mail["To"] = formataddr((" ".join(settings.name.split()), settings.address))
    subject = " ".join(message.subject.split())  # the customer's words: no line breaks in our header
    mail["Subject"] = with_token(f"Internal note: {subject}", ticket_id)
    thread_headers(mail, message)
    mail[NOTE_HEADER] = "1"
    mail.set_content(message.text)
    return mail


def has_note_keyword(flags: Iterable[bytes]) -> bool:
    return any(f.lower() == _KEYWORD for f in flags)


def is_note(flags: tuple[bytes, ...], header_block: bytes, message: Message, shared_address: str | None) -> bool:
    """Whether an INBOX message is a team note: keyword, header and the shared address, all three."""
    if not shared_address or not has_note_keyword(flags):
        return False
    if message.sender.email.lower() != shared_address.lower():
        return False
    return NOTE_HEADER.lower() in header_fields(header_block)
