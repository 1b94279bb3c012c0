"""The help-desk domain: tickets, messages, customers, agents. Pure data, no I/O.

Times are timezone-aware ``datetime`` objects in UTC; the store keeps them as epoch seconds.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from agent_tui.errors import UsageError


class Status(enum.StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    ON_HOLD = "on-hold"
    SOLVED = "solved"
    CLOSED = "closed"

    @property
    def is_unsolved(self) -> bool:
        return self not in (Status.SOLVED, Status.CLOSED)

    @property
    def pauses_sla(self) -> bool:
        """Waiting on the customer (pending) or on a third party (on-hold) stops the clocks."""
        return self in (Status.PENDING, Status.ON_HOLD)

    @classmethod
    def parse(cls, value: str) -> Status:
        normalised = value.strip().lower().replace("_", "-").replace("onhold", "on-hold")
        try:
            return cls(normalised)
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise UsageError(f"Unknown status {value!r}: use one of {choices}.") from None


class Priority(enum.IntEnum):
    LOW = 0
    NORMAL = 1
    HIGH = 2
    URGENT = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Priority:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            choices = ", ".join(p.label for p in cls)
            raise UsageError(f"Unknown priority {value!r}: use one of {choices}.") from None


class Author(enum.StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    NOTE = "note"  # an internal note: never sent, never counts as a reply
    # The conversation forwarded by an agent to someone else (a supplier, a courier): sent, but not to the
    # customer, so it never counts as a reply (SLA, metrics) and never moves the status.
    FORWARD = "forward"


@dataclass(frozen=True, slots=True)
class Address:
    email: str
    name: str = ""

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass(frozen=True, slots=True)
class Agent:
    name: str
    email: str | None = None

    def matches(self, name: str | None, email: str | None) -> bool:
        """True when an assignee (name, email) is this agent; email decides when both have one."""
        if self.email and email:
            return self.email.lower() == email.lower()
        return bool(name and name.casefold() == self.name.casefold())

    @classmethod
    def parse(cls, text: str) -> Agent:
        """Parse ``"Name <email>"``, ``"email"`` or ``"Name"``."""
        text = text.strip()
        if "<" in text and text.endswith(">"):
            name, _, email = text[:-1].partition("<")
            agent = cls(name=name.strip() or email.strip(), email=email.strip() or None)
        elif "@" in text:
            agent = cls(name=text.split("@", 1)[0], email=text)
        else:
            agent = cls(name=text)
        if not agent.name:
            raise UsageError(f'{text!r} names no agent: give a name, an email or "Name <email>".')
        return agent


@dataclass(slots=True)
class Customer:
    email: str
    name: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def display_name(self) -> str:
        return self.name or self.email


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    size: int


@dataclass(slots=True)
class Message:
    author: Author
    sender: Address
    date: datetime
    text: str
    subject: str = ""
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()
    message_id: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    id: int | None = None  # the store's row id once saved
    body_pending: bool = False  # filed from its headers; text, html and attachments are still to come
    problems: tuple[str, ...] = ()  # as stored: what could not be read of it (its raw form is kept)
    # An outgoing message's attachment contents, in the order of ``attachments`` (kept in the outbox until it
    # is sent; once recorded, a message's attachments are read from its raw form).
    payloads: tuple[bytes, ...] = ()


@dataclass(slots=True)
class Ticket:
    id: int
    subject: str
    status: Status
    priority: Priority
    customer: Customer
    created_at: datetime
    updated_at: datetime
    assignee: Agent | None = None
    tags: tuple[str, ...] = ()
    message_count: int = 0
    snoozed_until: datetime | None = None  # on hold until then: it reopens by itself (domain.snooze)


@dataclass(frozen=True, slots=True)
class Draft:
    """A reply being written: autosaved, so it survives quitting and a crash."""

    ticket_id: int
    agent: str
    body: str
    template: str | None
    message_id: str  # fixed when the draft is created, so the reply is recognisable wherever it lands
    seen_at: datetime  # the ticket as it was when the agent started: the send-time guard compares with it
    updated_at: datetime
    # The To and Cc lines as the agent edited them (comma-separated addresses); None: the reply-all default.
    to_line: str | None = None
    cc_line: str | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One entry of a ticket's event log that the SLA clocks read."""

    at: datetime
    status: Status


def normalise_tag(tag: str) -> str:
    """Tags are shown everywhere and typed in filters: printable, no spaces, no separators."""
    cleaned = "-".join(tag.strip().lower().split())
    if not cleaned or any(c in cleaned for c in ",:\"'[]") or not all(c.isprintable() for c in cleaned):
        raise UsageError(f"Invalid tag {tag!r}: use letters, digits and hyphens.")
    return cleaned
