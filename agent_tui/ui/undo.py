"""The changes an agent made in this TUI session, newest last, so the last one can be taken back.

Domain-free: a change is a ticket, a field, the value before and the value it set, and a sentence saying what
it did. Taking one back is the screen's work (through the tickets service, like any change); this only keeps
the list. One list per running app (``session_undo``), shared by every ticket screen it opens."""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass
from weakref import WeakKeyDictionary

LIMIT = 100  # the oldest changes drop off after this many


@dataclass(frozen=True, slots=True)
class Change:
    ticket_id: int
    field: str  # "status", "assignee", "priority", or "tag:NAME" (present or not)
    before: object  # the value to bring back
    after: object  # the value the change set: undo only while the field still holds it
    said: str  # what the change did, for the notice: "solved", "assigned to Dana Li"


class UndoStack:
    """Thread-safe: changes are made, and taken back, in worker threads."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._changes: list[Change] = []
        self._limit = limit
        self._lock = threading.Lock()
        # Held while a change is made and recorded, or undone: an undo pressed right after a change waits for it.
        self.working = threading.Lock()

    def push(self, change: Change) -> None:
        with self._lock:
            self._changes.append(change)
            del self._changes[: -self._limit]

    def pop(self) -> Change | None:
        with self._lock:
            return self._changes.pop() if self._changes else None

    def __len__(self) -> int:
        with self._lock:
            return len(self._changes)


_SESSIONS: WeakKeyDictionary[Hashable, UndoStack] = WeakKeyDictionary()


def session_undo(app: Hashable) -> UndoStack:
    """The undo list of one running app (made on first use, gone with the app)."""
    stack = _SESSIONS.get(app)
    if stack is None:
        stack = _SESSIONS[app] = UndoStack()
    return stack
