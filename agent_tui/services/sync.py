"""One sync of an account's remote source into its store, filed by the ingest rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from agent_tui.domain.models import Status
from agent_tui.errors import UsageError
from agent_tui.services.ingest import COUNTS, Ingestor, IngestReport
from agent_tui.services.tickets import TEAM_ACTOR, TicketService
from agent_tui.sources.imap_state import (
    BODY_GONE,
    Observed,
    Pending,
    SharedState,
    SyncCallbacks,
)
from agent_tui.sources.pipe import Item


def sync(service: TicketService, on_batch: Callable[[IngestReport], None] = lambda report: None) -> IngestReport:
    source = service.source
    if source is None or not source.can_sync:
        raise UsageError(f"Account {service.account!r} has no remote source to sync with.")
    with service.sync_lock:  # the live worker and a send's catch-up sync take turns
        return _sync(service, source, on_batch)


def _sync(service: TicketService, source, on_batch: Callable[[IngestReport], None]) -> IngestReport:
    ingestor = Ingestor(service)
    total = IngestReport()

    def file_items(items: Iterator[Item]) -> None:
        report = ingestor.ingest(items, on_batch=on_batch)
        for count in COUNTS:
            setattr(total, count, getattr(total, count) + getattr(report, count))
        total.errors.extend(report.errors)

    def shared_states(observed: list[Observed]) -> None:
        """Ticket state teammates set through the mailbox; logged now, by "shared inbox". Of a ticket's
        messages, the one changed last (highest MODSEQ) speaks for it, so every machine picks the same. A
        field changed here and not yet shared is left alone: this machine's change goes out next and wins."""
        store = service.store
        latest: dict[int, Observed] = {}
        for seen in observed:
            ticket_id = store.ticket_for_source_ref(seen.source_ref)
            if ticket_id is not None and (ticket_id not in latest or seen.modseq >= latest[ticket_id].modseq):
                latest[ticket_id] = seen
        with store.transaction():
            pending = source.pending(store)  # type: ignore[attr-defined]  # read inside: a mark can't slip in between
            for ticket_id, seen in latest.items():
                status_before = store.ticket_status(ticket_id)
                if _apply(service, ticket_id, seen.state, pending.get(ticket_id, Pending())):
                    service.refresh_sla(ticket_id)
                    total.team_changes += 1
                    total.status_changes += store.ticket_status(ticket_id) is not status_before

    def gone(source_refs: list[str], from_shared_inbox: bool) -> None:
        """Messages the server no longer has: a teammate deleted them, or moved them out of the shared inbox
        (archived them, say). They stay here, in the customer's history. A new or open ticket they leave with
        none of its messages in the shared inbox is solved, by "shared inbox", as the teammate meant; one
        waiting (pending, on hold) stays as it is, as the team may archive what it waits on. A status set here
        went out at the start of this sync. A customer writing again reopens the ticket."""
        store, now = service.store, service.now()
        with store.transaction():
            forgotten = store.forget_source_refs(source_refs, BODY_GONE)
            for ticket_id in sorted(forgotten):
                total.vanished += forgotten[ticket_id]
                if (from_shared_inbox and store.ticket_status(ticket_id) in (Status.NEW, Status.OPEN)
                        and not source.in_shared_inbox(store, ticket_id)):  # type: ignore[attr-defined]
                    store.set_status(ticket_id, Status.SOLVED, now, TEAM_ACTOR)
                    service.refresh_sla(ticket_id)
                    total.status_changes += 1

    problems = getattr(source, "share_problems", [])
    problems.clear()
    source.sync(service.store, service.now(), SyncCallbacks(file_items, shared_states, gone))  # type: ignore[attr-defined]
    total.errors.extend(problems)
    return total


def _apply(service: TicketService, ticket_id: int, shared: SharedState, mine: Pending) -> bool:
    store, now = service.store, service.now()
    ticket = store.ticket(ticket_id)
    changed = False
    new_or_open = {ticket.status, shared.status} == {Status.NEW, Status.OPEN}  # the same to a teammate
    if not mine.status and shared.status is not ticket.status and not new_or_open:
        store.set_status(ticket_id, shared.status, now, TEAM_ACTOR)
        changed = True
    if not mine.assignee:
        agent = service.source.agent_for(store, shared.assignee) if shared.assignee else None  # type: ignore[union-attr]
        changed |= service.assign_from_team(ticket_id, agent)
    for tag in (shared.tags ^ set(ticket.tags)) - set(mine.tags):
        changed |= store.set_tag(ticket_id, tag, tag in shared.tags, now, TEAM_ACTOR)
    return changed
