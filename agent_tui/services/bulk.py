"""Changing many tickets at once: the same change (or macro) on each, each ticket all-or-nothing.

A bulk change goes on past a ticket it can't change and says, for each one, why: an unknown ticket or a value
the source can't hold is bad input (exit 2); a ticket that changed since the agent saw it is refused by the
collision guard (exit 3), like a held reply. What "saw" means depends on where the ids came from: a JSON line of
``list --jsonl`` carries the ticket's ``updated_at`` (a later change, by anyone, refuses it); a ticket marked in
the queue carries how far the store had it when it was marked (a change by someone else refuses it); a bare id
is not guarded, as ``set`` on one ticket is not. Every change goes through TicketService and is shared with the
team once, at the end.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from agent_tui.domain.models import Agent, Priority, Status, Ticket, normalise_tag
from agent_tui.errors import AgentTuiError, CollisionError, SourceError, StoreError, UsageError
from agent_tui.services.tickets import TicketService

APPLIED, REFUSED, INVALID = "applied", "refused", "invalid"


@dataclass(frozen=True, slots=True)
class TicketChange:
    """Fields to set on a ticket, as ``set`` takes them."""

    status: Status | None = None
    priority: Priority | None = None
    assignee: Agent | None = None
    unassign: bool = False
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    until: datetime | None = None  # snoozed (on hold) until then

    @property
    def is_empty(self) -> bool:
        return (
            not (self.status or self.priority is not None or self.assignee or self.unassign or self.add_tags)
            and not self.remove_tags
        )

    def validate(self, service: TicketService) -> None:
        """Refuse before anything changes what the team's source could not hold (a tag too long for a keyword)."""
        if service.shares_state and service.source is not None:
            for tag in self.add_tags:
                service.source.validate(tag=tag, assignee=None)
            if self.assignee is not None:
                service.source.validate(tag=None, assignee=self.assignee)

    def describe(self) -> str:
        """``pending · assigned to Dana Li · +late-order``: what it does, in a few words."""
        parts = [self.status.value] if self.status else []
        if self.until is not None:
            parts.append(f"until {self.until:%a %d %b %H:%M}")
        if self.priority is not None:
            parts.append(f"priority {self.priority.label}")
        if self.assignee is not None:
            parts.append(f"assigned to {self.assignee.name}")
        if self.unassign:
            parts.append("unassigned")
        parts += [f"+{t}" for t in self.add_tags] + [f"-{t}" for t in self.remove_tags]
        return " · ".join(parts) or "no change"


def parse_change(
    service: TicketService,
    *,
    status: str | None = None,
    priority: str | None = None,
    assign: str | None = None,
    unassign: bool = False,
    tags: Iterable[str] = (),
    untags: Iterable[str] = (),
    until: str | None = None,
) -> TicketChange:
    """The change the options ask for; UsageError (nothing changed yet) for a bad value. ``until`` snoozes:
    on hold until then (with no status, or with on-hold; with another status it is a usage error)."""
    wanted = Status.parse(status) if status else None
    if until is not None and wanted not in (None, Status.ON_HOLD):
        raise UsageError(f"--until snoozes an on-hold ticket; it does not go with --status {wanted}.")
    snooze = service.parse_until(until) if until is not None else None
    return TicketChange(
        until=snooze,
        status=Status.ON_HOLD if snooze is not None else wanted,
        priority=Priority.parse(priority) if priority else None,
        assignee=service.resolve_agent(assign) if assign else None,
        unassign=unassign,
        add_tags=tuple(normalise_tag(t) for t in tags),
        remove_tags=tuple(normalise_tag(t) for t in untags),
    )


def apply_change(service: TicketService, ticket_id: int, change: TicketChange) -> Ticket:
    """Every field of ``change`` on one ticket, in one transaction: all of them or none."""
    with service.store.transaction():
        if change.status:
            service.set_status(ticket_id, change.status, change.until)
        if change.priority is not None:
            service.set_priority(ticket_id, change.priority)
        if change.assignee or change.unassign:
            service.assign(ticket_id, change.assignee)
        for tag in change.add_tags:
            service.tag(ticket_id, tag, True)
        for tag in change.remove_tags:
            service.tag(ticket_id, tag, False)
    return service.ticket(ticket_id)


@dataclass(frozen=True, slots=True)
class Target:
    """One ticket to change, where it came from (``line 3``), and how far the agent had seen it."""

    ticket_id: int
    origin: str = ""
    listed_at: datetime | None = None  # a JSON line's updated_at: any later change refuses the ticket
    marks: tuple[int, int] | None = None  # the store's marks when it was marked in the queue: others' changes refuse


@dataclass(slots=True)
class Outcome:
    ticket_id: int
    result: str  # applied, refused (the collision guard), invalid (bad input)
    reason: str = ""
    origin: str = ""
    note: str = ""  # applied, with something to say (a reply saved as a draft)

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"id": self.ticket_id, "result": self.result}
        if self.reason:
            data["reason"] = self.reason
        if self.origin:
            data["input"] = self.origin
        if self.note:
            data["note"] = self.note
        return data


@dataclass(slots=True)
class BulkResult:
    outcomes: list[Outcome] = field(default_factory=list)
    not_shared: list[tuple[str, str]] = field(default_factory=list)  # (what, why) the team's source refused
    share_error: str | None = None  # the team's source could not be reached: saved here, shared by the next sync

    @property
    def applied(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result == APPLIED]

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result != APPLIED]

    @property
    def exit_code(self) -> int:
        """1 the server could not be told; 2 bad input; 3 the collision guard refused one; 0 all applied."""
        if self.share_error:
            return 1
        if any(o.result == INVALID for o in self.outcomes):
            return 2
        if any(o.result == REFUSED for o in self.outcomes):
            return 3
        return 0

    def summary(self) -> str:
        """One line: ``3 tickets: 2 changed, 1 refused (#1044: ...)``."""
        count = len(self.outcomes)
        text = f"{count} ticket{'s' if count != 1 else ''}: {len(self.applied)} changed"
        refused = self.refused
        if refused:
            text += f", {len(refused)} not changed"
        return text

    def refusals(self) -> list[str]:
        """One sentence per ticket left as it was, naming it and why."""
        return [f"#{o.ticket_id}{f' ({o.origin})' if o.origin else ''}: {o.reason}" for o in self.refused]


def guard(service: TicketService, target: Target) -> None:
    """Refuse a ticket that changed since the agent saw it (CollisionError naming what changed)."""
    ticket_id = target.ticket_id
    if target.marks is not None:
        changes = service.store.changes_since(ticket_id, target.marks, service.me.name)
        if changes:
            raise CollisionError(
                f"not changed: it changed since you marked it ({'; '.join(changes)}); look at it and change it again"
            )
    if target.listed_at is not None:
        updated = service.ticket(ticket_id).updated_at
        if updated > target.listed_at:
            raise CollisionError(
                f"not changed: it changed at {updated:%Y-%m-%d %H:%M:%S} UTC, after the listing it came from "
                f"({target.listed_at:%H:%M:%S} UTC); list it again (or give the bare id) to change it"
            )


def apply_many(
    service: TicketService,
    targets: Sequence[Target],
    action: Callable[[int], str | None],
) -> BulkResult:
    """Run ``action`` (one ticket's whole change, all-or-nothing, its own transaction; it may return a note) on
    every target, going on past the ones refused, then share what changed with the team once. A failing store
    stops it (StoreError)."""
    result = BulkResult()
    if any(t.marks is not None or t.listed_at is not None for t in targets):
        _catch_up(service)  # a teammate's change elsewhere is known only after a sync: the guard must see it
    for target in targets:
        outcome = Outcome(target.ticket_id, APPLIED, origin=target.origin)
        try:
            service.ticket(target.ticket_id)  # an unknown ticket is bad input
            guard(service, target)
            outcome.note = action(target.ticket_id) or ""
        except CollisionError as error:
            outcome.result, outcome.reason = REFUSED, _sentence(error)
        except StoreError:
            raise
        except SourceError as error:  # a reply that could not go out now: it waits in the outbox
            outcome.note, result.share_error = _sentence(error), str(error)
        except AgentTuiError as error:  # UsageError and kin: bad input for this ticket
            outcome.result, outcome.reason = INVALID, _sentence(error)
        result.outcomes.append(outcome)
    if result.applied:
        try:
            result.not_shared = service.share()
        except SourceError as error:
            result.share_error = str(error)
    return result


def change_many(service: TicketService, targets: Sequence[Target], change: TicketChange) -> BulkResult:
    """The same field change on every target (``set ID ID ...``, the queue's keys on marked tickets)."""
    if change.is_empty:
        raise UsageError("Nothing to change: give --status, --assign, --unassign, --priority, --tag or --untag.")
    change.validate(service)

    def one(ticket_id: int) -> None:
        apply_change(service, ticket_id, change)

    return apply_many(service, targets, one)


def _catch_up(service: TicketService) -> None:
    source = service.source
    if source is not None and source.capabilities.pull:
        from agent_tui.services.sync import sync

        try:
            sync(service)
        except SourceError:
            pass  # offline: the guard knows what this machine knows, and sharing says the server is away


def _sentence(error: Exception) -> str:
    return str(error).rstrip(".")


# -- reading ids ---------------------------------------------------------------------------------------


def read_targets(lines: Iterable[str], source: str = "stdin") -> list[Target]:
    """Ticket ids, one a line (``1042`` or ``#1042``), or JSON lines with an ``id`` (``list --jsonl``; its
    ``updated_at`` is kept for the guard). Blank lines are skipped; anything else is a UsageError naming the line,
    raised before any ticket changes."""
    targets: list[Target] = []
    seen: set[int] = set()
    for number, raw in enumerate(lines, start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        where = f"{source} line {number}"
        if line.startswith("{"):
            target = _json_target(line, where)
        else:
            target = Target(parse_id(line, where), where)
        if target.ticket_id not in seen:  # a ticket listed twice changes once
            seen.add(target.ticket_id)
            targets.append(target)
    if not targets:
        raise UsageError(f"No ticket ids on {source}: give one a line, or the JSON lines of `agent-tui list --jsonl`.")
    return targets


def parse_id(text: str, where: str) -> int:
    try:
        number = int(text.strip().lstrip("#"))
    except ValueError:
        number = -1
    if not 0 < number < 2**63:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise UsageError(f"{where}: {shown!r} is not a ticket id such as 1042; nothing was changed.")
    return number


def _json_target(line: str, where: str) -> Target:
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):
        raise UsageError(f"{where} is not valid JSON; nothing was changed.") from None
    if not isinstance(data, dict) or "id" not in data:
        raise UsageError(f'{where} is a JSON object without an "id"; nothing was changed.')
    value = data["id"]
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise UsageError(f'{where}: its "id" is not a ticket id such as 1042; nothing was changed.')
    ticket_id = parse_id(str(value), where)
    listed_at = None
    if isinstance(data.get("updated_at"), str):
        try:
            listed_at = datetime.fromisoformat(data["updated_at"].replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(f'{where}: its "updated_at" is not an ISO 8601 time; nothing was changed.') from None
        if listed_at.tzinfo is None:
            listed_at = listed_at.replace(tzinfo=UTC)
    return Target(ticket_id, where, listed_at=listed_at)
