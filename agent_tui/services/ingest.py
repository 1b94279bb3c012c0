"""Filing incoming messages into tickets: threading, status changes, idempotence.

Used for piped input (``agent-tui ingest``) and, by the same rules, for synced mail. Dates drive every
clock: a status change or message is recorded at its own date, so replaying a ticket's history gives
the same statuses and SLA clocks as living it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice

from agent_tui.domain.models import Author, Customer, Priority, Status
from agent_tui.domain.threading import SUBJECT_WINDOW, normalise_subject, ticket_token
from agent_tui.errors import UsageError
from agent_tui.services.tickets import TicketService
from agent_tui.sources.pipe import Incoming, Item, StatusLine, Unreadable

BATCH = 500  # items per transaction: few commits, yet a crash loses at most one batch of work
_REOPENED_BY_CUSTOMER = (Status.PENDING, Status.ON_HOLD, Status.SOLVED)


@dataclass(slots=True)
class IngestReport:
    read: int = 0
    new_tickets: int = 0
    new_messages: int = 0
    status_changes: int = 0
    duplicates: int = 0
    failed: int = 0
    flagged: int = 0  # stored, but with parts that could not be decoded (the raw message is kept)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "read": self.read,
            "new_tickets": self.new_tickets,
            "new_messages": self.new_messages,
            "status_changes": self.status_changes,
            "duplicates": self.duplicates,
            "failed": self.failed,
            "flagged": self.flagged,
            "errors": [{"input": origin, "error": reason} for origin, reason in self.errors],
        }

    def summary(self) -> str:
        return (
            f"read {self.read} · new tickets {self.new_tickets} · new messages {self.new_messages} · "
            f"status changes {self.status_changes} · duplicates {self.duplicates} · failed {self.failed}"
            + (f" · {self.flagged} stored with undecodable parts" if self.flagged else "")
        )


class Ingestor:
    def __init__(self, service: TicketService, own_addresses: Iterable[str]) -> None:
        self.service = service
        self.store = service.store
        self.own = {a.lower() for a in own_addresses if a}
        self.touched: set[int] = set()

    def ingest(
        self, items: Iterable[Item], *, strict: bool = False, on_error: Callable[[str, str], None] = lambda o, r: None
    ) -> IngestReport:
        report = IngestReport()
        items = iter(items)
        while batch := list(islice(items, BATCH)):
            with self.store.transaction():
                for item in batch:
                    report.read += 1
                    reason = self._one(item, report)
                    if reason is None:
                        continue
                    report.failed += 1
                    report.errors.append((item.origin, reason))
                    on_error(item.origin, reason)
                    if strict:
                        break
            if strict and report.failed:
                break
        with self.store.transaction():
            for ticket_id in self.touched:
                self.service.refresh_sla(ticket_id)
        return report

    def _one(self, item: Item, report: IngestReport) -> str | None:
        """File one item; returns why it failed, or None."""
        if isinstance(item, Unreadable):
            return item.reason
        try:
            if isinstance(item, StatusLine):
                self._status(item, report)
            else:
                self._message(item, report)
        except UsageError as error:
            return str(error).rstrip(".")
        return None

    def _message(self, item: Incoming, report: IngestReport) -> None:
        message = item.message
        if message.message_id and self.store.has_message(message.message_id):
            report.duplicates += 1
            return
        if not item.author_known:
            message.author = Author.AGENT if message.sender.email.lower() in self.own else Author.CUSTOMER
        # The customer is who wrote in, or, for a message from the shop, whom it was written to.
        party = message.sender if message.author is Author.CUSTOMER or not message.to else message.to[0]
        ticket_id = self._find_ticket(item, party.email)
        store, at = self.store, message.date
        if ticket_id is None:
            if item.ticket_key is not None:  # its ticket is closed: the key moves to the follow-up
                store.release_external_key(item.ticket_key)
            ticket_id = store.create_ticket(
                subject=message.subject or "(no subject)",
                customer=Customer(party.email, party.name),
                created_at=at,
                priority=item.priority if item.priority is not None else Priority.NORMAL,
                assignee=item.assignee,
                tags=item.tags,
                external_key=item.ticket_key,
            )
            report.new_tickets += 1
        else:
            self._apply_fields(ticket_id, item)
        store.add_message(ticket_id, message, raw=item.raw, problems=item.problems)
        report.new_messages += 1
        report.flagged += bool(item.problems)
        self.touched.add(ticket_id)
        # As help desks do: the customer writing again reopens a waiting or solved ticket; an agent's
        # first reply opens a new one. Only when the message is newer than the last status change.
        status = store.ticket_status(ticket_id)
        reopens = message.author is Author.CUSTOMER and status in _REOPENED_BY_CUSTOMER
        opens = message.author is Author.AGENT and status is Status.NEW
        if reopens or opens:
            last = store.last_status_change(ticket_id)
            if last is None or at >= last.at:
                store.set_status(ticket_id, Status.OPEN, at, None)

    def _find_ticket(self, item: Incoming, customer_email: str) -> int | None:
        store, message = self.store, item.message
        if item.ticket_key is not None:
            found = store.ticket_by_external_key(item.ticket_key)
            return store.open_ticket(found) if found is not None else None
        ids = [i for i in (message.in_reply_to, *message.references) if i]
        found = store.ticket_for_message_ids(ids) if ids else None
        if found is None and (token := ticket_token(message.subject)) is not None:
            found = store.open_ticket(token)
        if found is None and message.subject:
            found = store.ticket_by_thread(customer_email, normalise_subject(message.subject), message.date - SUBJECT_WINDOW)
        return found

    def _apply_fields(self, ticket_id: int, item: Incoming) -> None:
        store, at, actor = self.store, item.message.date, item.message.sender.name or None
        if item.priority is not None and store.ticket(ticket_id).priority is not item.priority:
            store.set_priority(ticket_id, item.priority, at, actor)
        if item.assignee is not None:
            store.set_assignee(ticket_id, item.assignee, at, actor)
        for tag in item.tags:
            store.set_tag(ticket_id, tag, True, at, actor)

    def _status(self, item: StatusLine, report: IngestReport) -> None:
        ticket_id = self.store.ticket_by_external_key(item.ticket_key)
        if ticket_id is None:
            raise UsageError(f"no ticket {item.ticket_key!r} yet: its messages must come before its status changes")
        if self.store.has_event(ticket_id, item.date, "status", item.status.value):
            report.duplicates += 1
            return
        self.store.set_status(ticket_id, item.status, item.date, None)
        report.status_changes += 1
        self.touched.add(ticket_id)
