"""The one interface every ticket source implements: demo, IMAP shared inbox, help-desk APIs, stdin.

Sources fill the local store and apply the outbox; the UI never talks to a source directly. A source
says what it can do through capability flags, so the UI can offer only what works.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import ClassVar

from agent_tui.domain.models import Agent, Message
from agent_tui.store import Store


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

    def deliver_reply(self, message: Message) -> None:
        """Hand an agent's reply to the outside world (SMTP, an API). Sources with nowhere to send it (the
        demo, local accounts) keep it in the store only, which this default does by doing nothing.

        Raises:
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
