"""One sync of an account's remote source into its store, filed by the ingest rules."""

from __future__ import annotations

from collections.abc import Iterator

from agent_tui.errors import UsageError
from agent_tui.services.ingest import Ingestor, IngestReport
from agent_tui.services.tickets import TicketService
from agent_tui.sources.pipe import Item


def sync(service: TicketService) -> IngestReport:
    source = service.source
    if source is None or not source.can_sync:
        raise UsageError(f"Account {service.account!r} has no remote source to sync with.")
    ingestor = Ingestor(service, service.team_addresses())
    total = IngestReport()

    def file_items(items: Iterator[Item]) -> None:
        report = ingestor.ingest(items)
        for name in ("read", "new_tickets", "new_messages", "status_changes", "duplicates", "failed", "flagged"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        total.errors.extend(report.errors)

    source.sync(service.store, service.now(), file_items)  # type: ignore[attr-defined]
    return total
