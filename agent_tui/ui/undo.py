"""The changes an agent made in this TUI session, newest last, so the last one can be taken back.

An entry is one action of the agent: a group of changes, each one field of one ticket (the value before, the
value it set, and a sentence saying what it did). A change on the ticket screen is a group of one; a bulk change
on the queue's marked tickets is one group holding every ticket and field it changed, so one undo takes back the
whole of it. One list per running app (``session_undo``), shared by the queue and every ticket screen it opens.

Taking a group back goes through the tickets service, like any change, so it is written and shared with the
team like the change was; a field someone changed again since is left as it is now."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar
from weakref import WeakKeyDictionary

from textual.keys import format_key
from textual.notifications import SeverityLevel

from agent_tui.domain.models import Agent, Priority, Ticket
from agent_tui.errors import AgentTuiError, SourceError
from agent_tui.services.tickets import TicketService

LIMIT = 100  # the oldest actions drop off after this many
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Change:
    ticket_id: int
    field: str  # "status" (with its snooze time), "assignee", "priority", or "tag:NAME" (present or not)
    before: object  # the value to bring back
    after: object  # the value the change set: undo only while the field still holds it
    said: str  # what the change did, for the notice: "solved", "assigned to Dana Li"

    @property
    def field_name(self) -> str:
        """The field as a sentence names it: ``tag`` for ``tag:NAME``."""
        return self.field.split(":")[0]


Group = tuple[Change, ...]  # the changes of one action, taken back together


class UndoStack:
    """Thread-safe: changes are made, and taken back, in worker threads."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._groups: list[Group] = []
        self._limit = limit
        self._lock = threading.Lock()
        # Held while a change is made and recorded, or undone: an undo pressed right after a change waits for it.
        self.working = threading.Lock()

    def push(self, changes: Iterable[Change]) -> None:
        """Remember the changes of one action, to be taken back together; an action that changed nothing
        leaves no entry (an undo then takes back the action before it)."""
        group = tuple(changes)
        if not group:
            return
        with self._lock:
            self._groups.append(group)
            del self._groups[: -self._limit]

    def pop(self) -> Group | None:
        with self._lock:
            return self._groups.pop() if self._groups else None

    def __len__(self) -> int:
        with self._lock:
            return len(self._groups)


_SESSIONS: WeakKeyDictionary[Hashable, UndoStack] = WeakKeyDictionary()


def session_undo(app: Hashable) -> UndoStack:
    """The undo list of one running app (made on first use, gone with the app)."""
    stack = _SESSIONS.get(app)
    if stack is None:
        stack = _SESSIONS[app] = UndoStack()
    return stack


def field_value(ticket: Ticket, field: str) -> object:
    """The value of one field an undo can bring back (``tag:NAME``: whether the tag is on)."""
    if field == "status":
        return ticket.status, ticket.snoozed_until  # an on-hold ticket's wake time comes back with it
    if field == "priority":
        return ticket.priority
    if field == "assignee":
        return (ticket.assignee.name, ticket.assignee.email) if ticket.assignee else None
    return field.removeprefix("tag:") in ticket.tags


def change_recorded(
    service: TicketService, stack: UndoStack, ticket_id: int, field: str, change: Callable[[], object], said: str
) -> bool:
    """Make one change of one field (``change``, through the service) and remember it for undo if it changed
    the field; True if it did. In a worker: it writes."""
    with stack.working:
        before = field_value(service.ticket(ticket_id), field)
        change()
        after = field_value(service.ticket(ticket_id), field)
        if after == before:
            return False
        stack.push([Change(ticket_id, field, before, after, said)])
        return True


def undo_hint(keys_in_force: Mapping[str, str], binding_id: str) -> str:
    """`` U undoes it.``, for the notice of a change just recorded; empty when undo has no key."""
    keys = keys_in_force.get(binding_id)
    return f" {format_key(keys.split(',')[0])} undoes it." if keys else ""


# -- taking changes back -------------------------------------------------------------------------------


@dataclass
class Undone:
    """What taking one group back did."""

    back: list[tuple[Change, str]] = field(default_factory=list)  # each taken back, with "it is open again"
    changed_since: list[Change] = field(default_factory=list)  # left alone: the field was changed again since
    failed: list[tuple[Change, str]] = field(default_factory=list)  # could not be taken back, and why
    not_shared: list[str] = field(default_factory=list)  # what the team's source refused, or why it wasn't told

    @property
    def severity(self) -> SeverityLevel:
        if not self.back:
            return "error"
        return "warning" if self.changed_since or self.failed or self.not_shared else "information"

    def notice(self) -> str:
        """One change: ``Undone on #1041: solved; it is open again.``; a group: ``Undone on 3 tickets: pending;
        #1002 not undone (its status was changed again since).``; then what could not be shared, a line each."""
        if not self.back and not self.changed_since:
            text = "Nothing undone."
        elif len(self.back) + len(self.changed_since) == 1:
            text = self._one_notice()
        else:
            text = self._group_notice()
        failed = [f"#{change.ticket_id} not undone ({change.said}): {why}" for change, why in self.failed]
        return "\n".join([text, *failed, *self.not_shared])

    def _one_notice(self) -> str:
        if self.back:
            change, now = self.back[0]
            return f"Undone on #{change.ticket_id}: {change.said}; {now}."
        change = self.changed_since[0]
        return f"Not undone on #{change.ticket_id} ({change.said}): its {change.field_name} was changed again since."

    def _group_notice(self) -> str:
        taken_back = [change for change, _ in self.back]
        said = ", ".join(_unique(change.said for change in [*taken_back, *self.changed_since]))
        left_alone = _unique(change.ticket_id for change in self.changed_since)
        if not taken_back:
            return f"Nothing undone ({said}): {', '.join(f'#{i}' for i in left_alone)} changed again since."
        count = len(_unique(change.ticket_id for change in taken_back))
        parts = [f"Undone on {count} ticket{'s' * (count != 1)}: {said}"]
        for ticket_id in left_alone:
            fields = _unique(c.field_name for c in self.changed_since if c.ticket_id == ticket_id)
            verb = "were" if len(fields) > 1 else "was"
            parts.append(f"#{ticket_id} not undone (its {' and '.join(fields)} {verb} changed again since)")
        return "; ".join(parts) + "."


def undo_last(service: TicketService, stack: UndoStack) -> tuple[str, SeverityLevel]:
    """Take back the last action of the session (in a worker: it writes and shares); the notice saying what
    was done, and its severity."""
    try:
        with stack.working:
            group = stack.pop()
            if group is None:
                return "Nothing to undo.", "information"
            undone = take_back(service, group)
    except AgentTuiError as error:
        return str(error), "error"
    return undone.notice(), undone.severity


def take_back(service: TicketService, group: Group) -> Undone:
    """Each change of the group whose field still holds what it set is taken back; a field changed again
    since (by anyone) is left alone and named. What was taken back is shared with the team once, at the end."""
    undone = Undone()
    for change in group:
        try:
            if field_value(service.ticket(change.ticket_id), change.field) != change.after:
                undone.changed_since.append(change)
                continue
            undone.back.append((change, _restore(service, change)))
        except AgentTuiError as error:  # this one (a ticket gone, a value refused); the others go on
            undone.failed.append((change, str(error).rstrip(".")))
    if undone.back:
        try:
            undone.not_shared = [f"{what}: {why}" for what, why in service.share()]
        except SourceError as error:  # taken back here; the next sync shares it
            undone.not_shared = [str(error)]
    return undone


def _restore(service: TicketService, change: Change) -> str:
    """Set the field back to its value before the change; says what it is again: ``it is open again``."""
    ticket_id, before = change.ticket_id, change.before
    if change.field == "status":
        assert isinstance(before, tuple)
        status, until = before
        until = until if until is not None and until > service.now() else None  # a wake time passed: just on hold
        service.set_status(ticket_id, status, until)
        return f"it is {status.value} again" + (f" until {until:%a %d %b %H:%M}" if until else "")
    if change.field == "priority":
        assert isinstance(before, Priority)
        service.set_priority(ticket_id, before)
        return f"it is {before.label} again"
    if change.field == "assignee":
        agent = Agent(*before) if isinstance(before, tuple) else None
        service.assign(ticket_id, agent)
        return f"it is {'with ' + agent.name if agent else 'unassigned'} again"
    tag = change.field.removeprefix("tag:")
    service.tag(ticket_id, tag, bool(before))
    return f"it {'has the tag' if before else 'no longer has the tag'} {tag}"


def _unique(items: Iterable[T]) -> list[T]:
    """The items in their order, each once."""
    return list(dict.fromkeys(items))
