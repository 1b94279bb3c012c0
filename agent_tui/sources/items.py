"""What every source produces, whatever it reads: items to file into tickets, and the changes a pull reports.

A source never writes the store. It reads its server (or a file, or stdin) and describes what it saw in
these types; one service (``services.sync`` with ``services.ingest``) files them, applying the ticket
workflow once for every source. A source refers to a message by a **ref**, a string of its own making that
says where the message lives (IMAP: ``INBOX/<uidvalidity>/<uid>``; a help desk: ``rt/<ticket>/<transaction>``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from agent_tui.domain.models import Agent, Message, Priority, Status

BODY_GONE = "removed from the server before its body was downloaded"  # the note a headers-only message keeps

# -- items: filed into tickets in the order given ---------------------------------------------------


@dataclass(slots=True)
class Incoming:
    """One message to file into a ticket, with what the input said about the ticket."""

    origin: str  # where it came from, for messages to the user: "orders.mbox message 12"
    message: Message
    author_known: bool = False  # JSON lines and help desks say who wrote it; mail is classified by sender address
    ticket_key: str | None = None
    customer_data: dict[str, object] = field(default_factory=dict)  # what the source knows of the customer (shop data)
    tags: tuple[str, ...] = ()
    priority: Priority | None = None
    assignee: Agent | None = None
    raw: bytes | None = None
    problems: list[str] = field(default_factory=list)
    ticket_id_hint: int | None = None  # a source's stable id for a ticket this message starts
    source_ref: str | None = None  # where the message lives on its source
    fills_body: bool = False  # the whole of a message already filed from its headers, stored at source_ref


@dataclass(slots=True)
class StatusLine:
    """A ticket's status changed at ``date`` (a replayed history, or a help desk's transaction)."""

    origin: str
    ticket_key: str
    date: datetime
    status: Status


@dataclass(slots=True)
class Unreadable:
    """Input that could not be read: reported with where it is and why, never silently dropped."""

    origin: str
    reason: str


@dataclass(slots=True)
class BodyUnavailable:
    """Messages filed from their headers whose bodies will never come; they keep their headers and ``reason``."""

    refs: list[str]
    reason: str

    @property
    def origin(self) -> str:
        return ", ".join(self.refs[:3]) + (" …" if len(self.refs) > 3 else "")


Item = Incoming | StatusLine | Unreadable | BodyUnavailable


# -- ticket state as the team sees it on the source --------------------------------------------------


@dataclass(frozen=True, slots=True)
class TeamState:
    """A ticket's state as written on the source for the whole team to see."""

    status: Status
    assignee: str | None = None  # an agent key: the agent's lowercase address (or name, for one without)
    tags: frozenset[str] = frozenset()
    priority: Priority | None = None  # None: the source says nothing of it (a mailbox no one set it in)
    # On hold until then (a snooze). Read only from a source whose ``capabilities.snooze`` is on; elsewhere
    # None says nothing, and the snooze stays on the machine that set it.
    snoozed_until: datetime | None = None
    merged_into: int | None = None  # read on a merged ticket's first message: a teammate merged it into this id


def agent_key(agent: Agent) -> str:
    """How a source names an agent: their lowercase address, or their name for an agent with none."""
    return agent.email.lower() if agent.email else agent.name


class StateSeen(NamedTuple):
    """A ticket state read on the source, at the message ``ref``; of a ticket's states, the highest ``order``
    (IMAP MODSEQ, a help desk's transaction id) is the newest, so every machine picks the same one."""

    ref: str
    state: TeamState
    order: int
    # The source's own id of the ticket, where it has one (a help desk's ticket id, the local id too): a ticket
    # merged here is then known even though its messages, and so ``ref``, now belong to its target.
    ticket_hint: int | None = None


@dataclass
class Unshared:
    """A ticket's changes made here and not yet on the source: which fields, and tag additions/removals."""

    status: bool = False
    assignee: bool = False
    tags: dict[str, bool] = field(default_factory=dict)
    generation: int = 0  # counts marks: a push clears the entry only if no mark came while it ran
    priority: bool = False
    snooze: bool = False  # the snooze was set, changed or cleared here

    @classmethod
    def from_json(cls, data: Mapping) -> Unshared:
        return cls(
            bool(data.get("status")),
            bool(data.get("assignee")),
            dict(data.get("tags", {})),
            int(data.get("generation", 0)),
            bool(data.get("priority")),
            snooze=bool(data.get("snooze")),
        )

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "assignee": self.assignee,
            "tags": self.tags,
            "generation": self.generation,
            "priority": self.priority,
            "snooze": self.snooze,
        }

    def merge_into(self, remote: TeamState | None, local: TeamState) -> TeamState:
        """The state to write: the source's, with this machine's unshared changes on top (field by field,
        so a teammate's change to another field is kept). With nothing on the source, all of ours."""
        if remote is None:
            return local
        tags = (set(remote.tags) | {t for t, present in self.tags.items() if present}) - {
            t for t, present in self.tags.items() if not present
        }
        status = local.status if self.status else remote.status
        snoozed_until = local.snoozed_until if self.snooze else remote.snoozed_until
        return TeamState(
            status,
            local.assignee if self.assignee else remote.assignee,
            frozenset(tags),
            local.priority if self.priority else remote.priority,
            snoozed_until=snoozed_until if status is Status.ON_HOLD else None,  # a snooze holds only on hold
        )


@dataclass(frozen=True, slots=True)
class Push:
    """One ticket's unshared changes, handed to ``Source.push``: what changed, and the ticket's state here."""

    ticket_id: int
    unshared: Unshared
    local: TeamState


# -- what a pull reports, in order: the service applies each before the source goes on ---------------------


@dataclass(slots=True)
class NewItems:
    """Messages (and bodies, and status lines) to file, streamed: a first sync's queue fills as they come."""

    items: Iterator[Item]


@dataclass(slots=True)
class Removed:
    """Messages the source no longer has at these refs (deleted, or moved out of the team's queue).

    ``copies`` maps a removed ref to another place the same message still is (put back, delivered twice): the
    stored message follows it there instead of being removed. Removed messages stay in the store (customer
    history). With ``queue_prefix``, the removal was from the team's queue: a new or open ticket left with
    none of its messages' refs under that prefix is solved, as the teammate who archived it meant.
    """

    refs: list[str]
    copies: dict[str, str] = field(default_factory=dict)
    queue_prefix: str | None = None


@dataclass(slots=True)
class StatesSeen:
    """Ticket states teammates wrote on the source, read on new or changed messages."""

    seen: list[StateSeen]


@dataclass(slots=True)
class TimeShift:
    """Every stored time of the account moves forward by ``seconds`` (the demo, opened on a later day, keeps
    its SLA states as lively as on the first)."""

    seconds: int


Change = NewItems | Removed | StatesSeen | TimeShift
