"""Queue views, filters and sort orders: what the queue shows, described as data.

The store turns a :class:`QueueQuery` into SQL; the UI and the CLI only build queries.
"""

from __future__ import annotations

import enum
import shlex
from dataclasses import dataclass, field
from datetime import timedelta

from agent_tui.domain.models import Priority, Status, normalise_tag
from agent_tui.errors import UsageError

# A running clock due within this window (or already overdue) counts as "breaching soon".
BREACHING_WINDOW = timedelta(hours=1)


class View(enum.StrEnum):
    OPEN = "open"
    UNASSIGNED = "unassigned"
    MINE = "mine"
    PENDING = "pending"
    BREACHING = "breaching"
    ALL = "all"

    @property
    def label(self) -> str:
        return _VIEW_LABELS[self]

    @property
    def slug(self) -> str:
        """The view's name as the TUI shows it, for the command line: ``all-open``, ``breaching-soon``."""
        return self.label.lower().replace(" ", "-")

    @classmethod
    def parse(cls, value: str) -> View:
        """A view by its TUI name (``everything``, ``all open``) or its short name (``all``, ``open``)."""
        wanted = "-".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
        for view in cls:
            if wanted in (view.value, view.slug):
                return view
        choices = ", ".join(f"{v.slug} ({v.value})" if v.slug != v.value else v.value for v in cls)
        raise UsageError(f"Unknown view {value!r}: use one of {choices}.")


_VIEW_LABELS = {
    View.OPEN: "All open",
    View.UNASSIGNED: "Unassigned",
    View.MINE: "Mine",
    View.PENDING: "Pending",
    View.BREACHING: "Breaching soon",
    View.ALL: "Everything",
}


class SortKey(enum.StrEnum):
    SLA = "sla"
    PRIORITY = "priority"
    STATUS = "status"
    CUSTOMER = "customer"
    SUBJECT = "subject"
    AGE = "age"
    ASSIGNEE = "assignee"
    ID = "id"


@dataclass(frozen=True, slots=True)
class Filter:
    """What the filter box holds, parsed.

    Free words match the ticket id, subject, customer and tags (case-insensitive substrings, all must
    match); a bare number also matches that ticket, which comes first, and ``#N`` is that ticket only.
    ``tag:x``, ``status:x``, ``priority:x`` and ``assignee:x`` (``assignee:me``, ``assignee:none``) narrow
    by field; text after a leading ``?`` is a full-text search of subjects, message bodies and customers.
    ``hint`` says what was not understood (``priority:urgnet``), with the values that would be.
    """

    words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    statuses: tuple[Status, ...] = ()
    priorities: tuple[Priority, ...] = ()
    assignee: str | None = None
    search: str | None = None
    ticket_ids: tuple[int, ...] = ()  # #N: exactly these tickets
    first: int | None = None  # a bare number: that ticket sorts first
    hint: str | None = field(default=None, compare=False)

    @property
    def is_empty(self) -> bool:
        return self == Filter()


def parse_filter(text: str) -> Filter:
    text = text.strip()
    if text.startswith("?"):
        search = text[1:].strip()
        return Filter(search=search or None)
    try:
        tokens = shlex.split(text)
    except ValueError:  # an unbalanced quote while the user is still typing
        tokens = text.replace('"', " ").replace("'", " ").split()
    words: list[str] = []
    tags: list[str] = []
    statuses: list[Status] = []
    priorities: list[Priority] = []
    assignee: str | None = None
    ids: list[int] = []
    first: int | None = None
    hint: str | None = None
    for token in tokens:
        key, sep, value = token.partition(":")
        key = key.lower()
        if sep and value and key in ("tag", "status", "priority", "assignee"):
            try:
                if key == "tag":
                    tags.append(normalise_tag(value))
                elif key == "status":
                    statuses.append(Status.parse(value))
                elif key == "priority":
                    priorities.append(Priority.parse(value))
                else:
                    assignee = value.lower()
                continue
            except UsageError as error:
                hint = hint or str(error)  # a half-typed value: a word meanwhile, and what it could be
        if token.startswith("#") and token[1:].isdigit():
            ids.append(int(token[1:]))
            continue
        if token.isdigit() and first is None:
            first = int(token)
        words.append(token.lower())
    return Filter(
        tuple(words), tuple(tags), tuple(statuses), tuple(priorities), assignee, None, tuple(ids), first, hint
    )


@dataclass(frozen=True, slots=True)
class QueueQuery:
    view: View = View.OPEN
    tag: str | None = None  # a "by tag" view: unsolved tickets with this tag
    filter: Filter = field(default_factory=Filter)
    sort: SortKey = SortKey.SLA
    descending: bool = False


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One line of the queue: only what the table shows, never a message body."""

    id: int
    subject: str
    status: Status
    priority: Priority
    customer_name: str
    customer_email: str
    assignee_name: str | None
    created_at: int  # epoch seconds: rows are many, datetimes are made only for what is drawn
    updated_at: int
    sla_due_at: int | None
    sla_metric: str | None
    tags: tuple[str, ...]
    message_count: int
    snoozed_until: int | None = None  # epoch seconds: on hold until then (domain.snooze)
