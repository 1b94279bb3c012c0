"""The one contract every ticket source implements: the demo, a local account, a shared IMAP inbox, help desks.

A source talks to its server and describes what it saw; it never writes the store. The services call it
only through this module:

    services.sync      pull() -> Change, Change, ...   filed by one service (services.ingest), in order
                       push(unshared changes)          before each pull, so the team sees this machine's changes
                                                       (a merge too: ``known.merged_tickets``; a teammate's comes
                                                       back as ``TeamState.merged_into`` on the merged ticket)
    services.tickets   claim(), validate()             take a ticket; refuse a change the source can't hold
    services.replies   deliver_reply(), deliver_note() exactly once, through the outbox
    services.live      wait_for_changes()              between pulls, while the TUI runs
    ui (via services)  presence_channel()              who is viewing or replying to which ticket

What a source can do is data (``capabilities``), read before calling: no ``hasattr``. A method whose
capability is off is never called; its default raises ``UsageError``.

Two narrow views of the store are handed in, never the store itself:
``state``, the source's own key-value memory (cursors: UIDVALIDITY and MODSEQ, a help desk's last
transaction id), namespaced by the account's kind; and ``known``, what the store holds of the source's
messages, read only. A new source is one module (or package) under ``sources/``, one line in
``sources/__init__.open_source``, and a run of the contract tests (``tests/sources/test_contract.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from agent_tui.domain.models import Agent, Message, Status
from agent_tui.domain.presence import Activity, Presence
from agent_tui.errors import UsageError
from agent_tui.sources.items import Change, Push, TeamState


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a source can do. Services and screens read these; they never probe for methods."""

    pull: bool = False  # pull() reports changes on a server (``agent-tui sync``)
    live: bool = False  # wait_for_changes() returns when the server has news (IMAP IDLE, a polled change feed)
    push: bool = False  # ticket state (status, assignee, tags) is shared with the team through push()
    claims: bool = False  # claim() is a compare-and-set on the server: two agents can't both take a ticket
    presence: bool = False  # presence_channel() shows who is viewing or replying
    send: bool = False  # deliver_reply() reaches the customer
    notes: bool = False  # deliver_note() puts an internal note where the team sees it
    accepts_mail: bool = False  # deliver_mail() puts raw mail into the team's queue (``ingest --deliver``)
    snooze: bool = False  # push() and pull() carry a snooze's wake time (``TeamState.snoozed_until``)
    merge: bool = False  # a merge made here reaches the team through push() (see ``KnownMessages.merged_tickets``)


class SourceState(Protocol):
    """A source's own memory in the store (cursors), under its namespace. Writes join the service's
    transaction, so a cursor saved after yielding a change is saved with what that change filed."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str) -> None: ...


class KnownMessages(Protocol):
    """What the store holds of this source's messages, by ref (read only)."""

    def source_refs_under(self, prefix: str) -> list[str]:
        """Refs of stored messages that start with ``prefix``."""
        ...

    def source_refs(self, ticket_id: int, prefix: str) -> list[str]:
        """Refs of one ticket's messages that start with ``prefix``."""
        ...

    def message_ids_at(self, source_refs: Sequence[str]) -> dict[str, str]:
        """The Message-ID stored at each of these refs (refs with none left out)."""
        ...

    def bodies_pending(self, prefix: str) -> list[str]:
        """Refs under ``prefix`` of messages filed from their headers whose bodies are still to come, newest first."""
        ...

    def merged_tickets(self, ticket_id: int) -> list[int]:
        """The ids of the tickets merged into this one (their messages are now its messages)."""
        ...


class PresenceChannel(Protocol):
    """Where one running agent-tui says what its agent is doing and hears what the team is doing."""

    client_id: str
    names: dict[str, str]  # address -> name of every agent heard from

    def announce(self, ticket_id: int | None, activity: Activity | None) -> None:
        """Say what this agent does now (None: on no ticket). Must return at once."""

    def run(self, stop: threading.Event, on_update: Callable[[list[Presence]], None]) -> None:
        """Announce and listen until ``stop`` (or return early when nothing can change), calling ``on_update``
        with everyone's live presence when it changes. Raises SourceError when the connection fails (the
        caller retries)."""

    def read_once(self) -> list[Presence]:
        """Everyone's live presence now, read once. Raises SourceError when it can't be read."""

    def become(self, me: Agent) -> None:
        """Announce as ``me`` from now on (the first run named the agent). Must return at once."""


class Source:
    """A place tickets come from. Subclasses set ``kind`` and ``capabilities`` and override what those promise.

    Errors: every method raises ``SourceError`` (one sentence for the user, exit 1) when the server can't be
    reached or refuses, ``UsageError`` (exit 2) for what the source can never do, and nothing else.
    """

    kind: ClassVar[str]
    capabilities: ClassVar[Capabilities] = Capabilities()
    address: str | None = None  # the team's own address on this source: mail from it is an agent's
    policy_file: ClassVar[Path | None] = None  # an SLA policy that comes with the source (the demo's)
    # A status the source can't hold, and the status it reads back as (RT writes on hold as stalled, read as
    # pending): read back, it leaves the ticket's status here as it is. (New and open are alike for every source.)
    reads_back_as: ClassVar[dict[Status, Status]] = {}

    def before_tui(self) -> None:
        """Called once before the TUI takes over the terminal (start helper processes while stderr is real)."""

    def session(self) -> AbstractContextManager[object]:
        """One connection for the calls made inside the ``with`` block (a sync's push and pull, say); calls
        made outside one open their own (``ThreadConnections`` does this for a source with connections). Raises
        SourceError when the server can't be reached."""
        return nullcontext()

    def pull(self, known: KnownMessages, state: SourceState, now: datetime) -> Iterator[Change]:
        """Report what changed on the server since the cursor kept in ``state``.

        Yields changes in the order they must be applied (new messages before removals, so a customer's new
        message keeps its ticket in the queue). The caller applies each change before asking for the next, so
        what the source reads from ``known`` after a yield includes it. Save the cursor in ``state`` only after
        yielding what it covers: an interrupted pull then resumes where it stopped, and never skips anything.
        Cursors are the server's (MODSEQ, a transaction id, an export cursor), never the local clock.

        Problems with single messages are ``Unreadable`` items, never exceptions.
        """
        return iter(())

    def push(self, pushes: Sequence[Push], known: KnownMessages) -> list[tuple[str, str]]:
        """Write these tickets' unshared changes on the server for the team, merged field by field with what
        teammates wrote there (compare-and-set where the server has it: CONDSTORE, If-Match, safe_update).

        Returns (what, why) for each ticket the server refused (reported; that change is dropped, the rest
        go on). Raises SourceError when the connection fails: nothing is cleared, the next sync retries."""
        raise UsageError(f"A {self.kind} account does not share ticket state.")

    def validate(self, *, tag: str | None = None, assignee: Agent | None = None) -> None:
        """Raise UsageError, before the change is made, for a tag or assignee this source could not hold."""

    def claim(self, ticket_id: int, local: TeamState, me: Agent, known: KnownMessages) -> str | None:
        """Take the ticket for ``me`` on the server, compare-and-set. Returns the holder's agent key when
        someone else holds it (nothing is written then), None when it is now ``me``'s.
        Raises SourceError when the server can't be reached: nothing was taken (an offline claim could collide)."""
        raise UsageError(f"A {self.kind} account has no claims on the server.")

    def wait_for_changes(self, state: SourceState, stop: threading.Event, seconds: float) -> None:
        """Block until the server has news since the last pull, ``seconds`` pass, or ``stop`` is set. Returns at
        once if news came between that pull and this call. Raises SourceError when the connection fails."""
        stop.wait(seconds)

    def presence_channel(self, me: Agent, lease: timedelta) -> PresenceChannel | None:
        """The channel through which agents see each other on tickets; None where there is no team to see."""
        return None

    def deliver_reply(
        self,
        ticket_id: int,
        message: Message,
        *,
        before_handover: Callable[[], None] = lambda: None,
        uncertain: bool = False,
    ) -> None:
        """Hand an agent's reply to the customer (SMTP, an API), exactly once: before sending, look on the
        server for this Message-ID (Sent, the ticket's transactions) and return if it is there. Sources without
        ``send`` keep replies in the store only, which this default does by doing nothing.

        Args:
            before_handover: called just before the last step that may deliver it (SMTP DATA, the POST):
                from then on, a crash leaves it unknown whether the reply went out.
            uncertain: an earlier attempt died after ``before_handover``: send only if the source can prove
                it did not go out; else raise DeliveryUncertain.

        Raises:
            DeliveryUncertain: the reply may have gone out; it is held for the agent to decide.
            SourceError: the reply could not be handed over; it stays queued in the outbox.
        """

    def deliver_note(self, ticket_id: int, message: Message) -> None:
        """Put an internal note where the team sees it, never the customer (exactly once, as replies).
        Sources without ``notes`` keep notes in the store only, which this default does by doing nothing."""

    def deliver_mail(self, messages: Iterable[tuple[bytes, datetime]]) -> int:
        """Put raw mail (bytes, date) into the team's queue (``accepts_mail``); returns how many went in.
        Raises SourceError naming how many went in before it stopped."""
        raise UsageError(f"A {self.kind} account has no remote queue to deliver to; drop --deliver.")

    def prepare(self, known: KnownMessages, state: SourceState, now: datetime, me: Agent) -> Iterator[Change]:
        """Changes to apply when the account is opened, before anything reads the store: quick, offline (the
        demo writes its script the first time). Most sources have none."""
        return iter(())


C = TypeVar("C")


class ThreadConnections(Generic[C]):
    """``Source.session()`` for a source with connections: inside a session, this thread's calls share its
    connection (a sync's push and pull make one login); a call outside one opens its own for the call. Per
    thread: the live worker, a send and the presence channel each have theirs.

    ``connect(*args)`` is a context manager that opens a connection and closes it at the end of the block.
    """

    def __init__(self, connect: Callable[..., AbstractContextManager[C]]) -> None:
        self._connect = connect
        self._open = threading.local()

    @contextmanager
    def session(self) -> Iterator[C]:
        """This thread's session, opened here unless one is open already (then it stays the outer one's)."""
        current = getattr(self._open, "connection", None)
        if current is not None:
            yield current
            return
        with self._connect() as made:
            self._open.connection = made
            try:
                yield made
            finally:
                self._open.connection = None

    @contextmanager
    def connection(self, *args: Any) -> Iterator[C]:
        """This thread's session's connection, else one opened (with ``args``) for the block."""
        current = getattr(self._open, "connection", None)
        if current is not None:
            yield current
            return
        with self._connect(*args) as made:
            yield made
