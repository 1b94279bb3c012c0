"""One sync of an account's source into its store: share what changed here, then file what changed there.

Any source: it is driven through ``sources.base`` alone. The source reports changes (``sources.items``), in
order; this module applies each before asking for the next: new messages through the ingest rules, removals,
and ticket states teammates set, all written through ``TicketService`` (the one writer of ticket state).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from agent_tui.domain.models import Status
from agent_tui.domain.queue import QueueQuery, SortKey, View
from agent_tui.errors import UsageError
from agent_tui.services.ingest import COUNTS, Ingestor, IngestReport
from agent_tui.services.merge import merges_seen
from agent_tui.services.tickets import TEAM_ACTOR, TicketService
from agent_tui.sources.items import BODY_GONE, Change, NewItems, Removed, StateSeen, StatesSeen, TeamState, Unshared


def sync(service: TicketService, on_batch: Callable[[IngestReport], None] = lambda report: None) -> IngestReport:
    """Push this machine's unshared changes, then pull and file the source's. Raises UsageError for an account
    without a remote source, SourceError when it can't be reached (what was filed so far stays)."""
    source = service.source
    if source is None or not source.capabilities.pull:
        raise UsageError(f"Account {service.account!r} has no remote source to sync with.")
    with service.sync_lock, source.session():  # the live worker and a send's catch-up sync take turns
        service.wake_snoozed()  # a snooze whose time came reopens first: the team hears of it in this push
        problems = service.push_unshared()
        total = apply_changes(service, source.pull(service.store, service.source_state, service.now()), on_batch)
    total.errors[:0] = problems
    return total


def apply_changes(
    service: TicketService,
    changes: Iterable[Change],
    on_batch: Callable[[IngestReport], None] = lambda report: None,
) -> IngestReport:
    """File a source's changes, each before the next is asked for (a pull, or what a source reports on opening)."""
    total = IngestReport()
    ingestor = Ingestor(service)
    for change in changes:
        if isinstance(change, NewItems):
            _add(total, ingestor.ingest(change.items, on_batch=on_batch))
        elif isinstance(change, Removed):
            _removed(service, change, total)
        elif isinstance(change, StatesSeen):
            _states_seen(service, change.seen, total)
        else:
            _shifted(service, change.seconds)
    return total


def _shifted(service: TicketService, seconds: int) -> None:
    store = service.store
    with store.transaction():
        store.shift_times(seconds)
        # A business-hours deadline does not move with the calendar: recompute every unsolved one.
        service.refresh_sla_many(
            store.queue_ids(QueueQuery(view=View.OPEN, sort=SortKey.ID), service.me, service.now())
        )


def _add(total: IngestReport, report: IngestReport) -> None:
    for count in COUNTS:
        setattr(total, count, getattr(total, count) + getattr(report, count))
    total.errors.extend(report.errors)


def _removed(service: TicketService, change: Removed, total: IngestReport) -> None:
    """Messages the source no longer has: a teammate deleted them, or moved them out of the team's queue
    (archived them, say). A message still there as another copy follows it. The rest stay here, in the
    customer's history. A new or open ticket they leave with none of its messages in the queue is solved,
    by the team, as the teammate meant; one waiting (pending, on hold) stays as it is, as the team may
    archive what it waits on. A status set here went out at the start of this sync. A customer writing
    again reopens the ticket."""
    store = service.store
    with store.transaction():
        gone = [
            ref
            for ref in change.refs
            if not (ref in change.copies and store.move_source_ref_from(ref, change.copies[ref]))
        ]
        forgotten = store.forget_source_refs(gone, BODY_GONE)
        for ticket_id in sorted(forgotten):
            total.vanished += forgotten[ticket_id]
            if (
                change.queue_prefix is not None
                and store.ticket_status(ticket_id) in (Status.NEW, Status.OPEN)
                and not store.source_refs(ticket_id, change.queue_prefix)
            ):
                service.record_status(ticket_id, Status.SOLVED, service.now(), TEAM_ACTOR)
                total.status_changes += 1


def _states_seen(service: TicketService, seen: list[StateSeen], total: IngestReport) -> None:
    """Ticket state teammates set on the source; logged now, by the team. Of a ticket's messages, the one
    changed last (highest order) speaks for it, so every machine picks the same. A field changed here and
    not yet shared is left alone: this machine's change goes out next and wins."""
    store = service.store
    total.team_changes += merges_seen(service, seen)  # a teammate's merges first: then refs lead to the target
    latest: dict[int, StateSeen] = {}
    for state in seen:
        if state.ticket_hint is not None and store.merged_into(state.ticket_hint) is not None:
            continue  # a merged ticket's state is its merge; its ref now leads to the target, which has its own
        ticket_id = store.ticket_for_source_ref(state.ref)
        if ticket_id is not None and (ticket_id not in latest or state.order >= latest[ticket_id].order):
            latest[ticket_id] = state
    if not latest:
        return
    with store.transaction():
        unshared = service.unshared()  # read inside: a mark can't slip in between
        for ticket_id, state in latest.items():
            status_before = store.ticket_status(ticket_id)
            if _apply(service, ticket_id, state.state, unshared.get(ticket_id, Unshared())):
                service.refresh_sla(ticket_id)
                total.team_changes += 1
                total.status_changes += store.ticket_status(ticket_id) is not status_before


def _apply(service: TicketService, ticket_id: int, shared: TeamState, mine: Unshared) -> bool:
    store, now = service.store, service.now()
    ticket = store.ticket(ticket_id)
    changed = False
    snooze_shared = service.source is not None and service.source.capabilities.snooze
    if shared.status is Status.ON_HOLD and shared.snoozed_until is not None and shared.snoozed_until <= now:
        shared = replace(shared, status=Status.OPEN, snoozed_until=None)  # its time came: awake, as it is here
    # New and open are the same to a teammate; a status the source holds as another reads back as it is here.
    same = {ticket.status, shared.status} == {Status.NEW, Status.OPEN} or (
        service.source is not None and service.source.reads_back_as.get(ticket.status) is shared.status
    )
    if not mine.status and shared.status is not ticket.status and not same:
        service.record_status(ticket_id, shared.status, now, TEAM_ACTOR, refresh=False)
        changed = True
    if not mine.assignee:
        changed |= service.assign_from_team(
            ticket_id, service.team_member(shared.assignee) if shared.assignee else None
        )
    if not mine.priority and shared.priority is not None:
        changed |= service.priority_from_team(ticket_id, shared.priority)
    if snooze_shared and not mine.snooze:
        changed |= service.snooze_from_team(ticket_id, shared.snoozed_until)
    for tag in (shared.tags ^ set(ticket.tags)) - set(mine.tags):
        changed |= service.tag_from_team(ticket_id, tag, tag in shared.tags)
    return changed
