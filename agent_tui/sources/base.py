"""The one interface every ticket source implements: demo, IMAP shared inbox, help-desk APIs, stdin.

Sources fill the local store and apply the outbox; the UI never talks to a source directly. A source
says what it can do through capability flags, so the UI can offer only what works.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import ClassVar, Protocol

from agent_tui.domain.models import Agent, Message
from agent_tui.domain.presence import Activity, Presence
from agent_tui.store import Store


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


class Source(ABC):
    """A place tickets come from.

    Capability flags:
        can_sync: ``sync`` fetches changes from a remote system.
        can_send: replies written here reach the customer.
        live_updates: the source pushes changes while the app runs (e.g. IMAP IDLE).
        shared_state: status, assignee and tags are shared with the rest of the team.
    """

    kind: ClassVar[str]
    can_sync: ClassVar[bool] = False
    can_send: ClassVar[bool] = False
    live_updates: ClassVar[bool] = False
    shared_state: ClassVar[bool] = False

    def presence_channel(self, me: Agent, lease: timedelta) -> PresenceChannel | None:
        """The channel through which agents see each other on tickets; None where there is no team to see."""
        return None

    def deliver_reply(
        self, message: Message, *, before_handover: Callable[[], None] = lambda: None, uncertain: bool = False,
    ) -> None:
        """Hand an agent's reply to the outside world (SMTP, an API). Sources with nowhere to send it (the
        demo, local accounts) keep it in the store only, which this default does by doing nothing.

        Args:
            before_handover: called just before the last step that may deliver it (SMTP DATA): from then
                on, a crash leaves it unknown whether the reply went out.
            uncertain: an earlier attempt died after ``before_handover``: send only if the source can prove
                it did not go out; else raise DeliveryUncertain.

        Raises:
            DeliveryUncertain: the reply may have gone out; it is held for the agent to decide.
            SourceError: the reply could not be handed over; it stays queued in the outbox.
        """

    @abstractmethod
    def prepare(self, store: Store, now: datetime, me: Agent) -> list[int]:
        """Bring the store to a usable state before anything reads it. Must be quick and work offline.

        Args:
            store: the account's store.
            now: the current time (frozen by ``--now``).
            me: the agent running the app.

        Returns:
            Ids of tickets whose messages or status log changed, so their SLA deadlines get refreshed.

        Raises:
            StoreError: the store could not be written.
        """
