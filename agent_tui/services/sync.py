"""One sync of an account's remote source into its store, filed by the ingest rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from agent_tui.domain.models import Status
from agent_tui.errors import UsageError
from agent_tui.services.ingest import Ingestor, IngestReport
from agent_tui.services.tickets import TicketService
from agent_tui.sources.pipe import Item


def sync(service: TicketService, on_batch: Callable[[IngestReport], None] = lambda report: None) -> IngestReport:
    source = service.source
    if source is None or not source.can_sync:
        raise UsageError(f"Account {service.account!r} has no remote source to sync with.")
    ingestor = Ingestor(service, service.team_addresses())
    total = IngestReport()

    def file_items(items: Iterator[Item]) -> None:
        report = ingestor.ingest(items, on_batch=on_batch)
        for name in ("read", "new_tickets", "new_messages", "status_changes", "duplicates", "failed", "flagged"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        total.errors.extend(report.errors)

    def shared_states(observed: list[tuple[str, Status | None]]) -> None:
        """Statuses other agents set through the mailbox; changes are logged now, by "shared inbox"."""
        store = service.store
        with store.transaction():
            for source_ref, status in observed:
                ticket_id = store.ticket_for_source_ref(source_ref)
                if ticket_id is None or status is None or store.ticket_status(ticket_id) is status:
                    continue
                if status is Status.OPEN and store.ticket_status(ticket_id) is Status.NEW:
                    continue
                store.set_status(ticket_id, status, service.now(), "shared inbox")
                service.refresh_sla(ticket_id)
                total.status_changes += 1

    source.sync(service.store, service.now(), file_items, shared_states)  # type: ignore[attr-defined]
    return total
