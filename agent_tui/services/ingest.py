"""Filing incoming messages into tickets: threading, status changes, idempotence.

Used for piped input (``agent-tui ingest``) and, by the same rules, for synced mail. Dates drive every
clock: a status change or message is recorded at its own date, so replaying a ticket's history gives
the same statuses and SLA clocks as living it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from itertools import islice

from agent_tui.domain.models import Author, Customer, Message, Priority, Status
from agent_tui.domain.threading import SUBJECT_WINDOW, normalise_subject, ticket_token
from agent_tui.domain.workflow import REOPENED_BY_CUSTOMER, moves_status, status_after_message
from agent_tui.errors import StoreError, UsageError
from agent_tui.services.csat import answers_a_survey, is_a_thank_you, record_rating
from agent_tui.services.tickets import TicketService
from agent_tui.sources.items import BodyUnavailable, Incoming, Item, StatusLine, Unreadable

BATCH = 500  # items per transaction: few commits, yet a crash loses at most one batch of work


@dataclass(slots=True)
class IngestReport:
    read: int = 0
    new_tickets: int = 0
    new_messages: int = 0
    status_changes: int = 0
    duplicates: int = 0
    failed: int = 0
    flagged: int = 0  # stored, but with parts that could not be decoded (the raw message is kept)
    team_changes: int = 0  # tickets whose status, assignee or tags a teammate changed (sync only)
    bodies: int = 0  # bodies given to messages first filed from their headers (sync only)
    vanished: int = 0  # messages the server no longer has: deleted or moved away by a teammate (sync only)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """Every count, by its field name and in field order (scripts read these keys), then the errors."""
        return {count: getattr(self, count) for count in COUNTS} | {
            "errors": [{"input": origin, "error": reason} for origin, reason in self.errors],
        }

    def summary(self) -> str:
        return (
            f"read {self.read} · new tickets {self.new_tickets} · new messages {self.new_messages} · "
            f"status changes {self.status_changes} · duplicates {self.duplicates} · failed {self.failed}"
            + (f" · {self.flagged} stored with problems noted (agent-tui show lists them)" if self.flagged else "")
            + (f" · {self.team_changes} changed by teammates" if self.team_changes else "")
            + (f" · {self.bodies} message bodies downloaded" if self.bodies else "")
            + (f" · {self.vanished} removed from the server" if self.vanished else "")
        )


COUNTS = [f.name for f in dataclasses.fields(IngestReport) if f.name != "errors"]  # every count the report keeps


class _Redo(Exception):
    """A batch must be filed again, carefully."""


class Ingestor:
    def __init__(self, service: TicketService) -> None:
        self.service = service
        self.store = service.store
        self.touched: set[int] = set()  # tickets of the current batch whose SLA deadline needs refreshing
        self._item_touched: set[int] = set()  # ...and of the current item, until it is known to be kept

    @cached_property
    def own(self) -> set[str]:
        """The team's addresses: mail from them is an agent's. Read once, and only when a message needs it
        (it scans every agent message: a sync with nothing new should not pay for it)."""
        return self.service.team_addresses()

    def ingest(
        self,
        items: Iterable[Item],
        *,
        strict: bool = False,
        on_error: Callable[[str, str], None] = lambda o, r: None,
        on_batch: Callable[[IngestReport], None] = lambda report: None,
    ) -> IngestReport:
        report = IngestReport()
        items = iter(items)
        while batch := list(islice(items, BATCH)):
            before = (dataclasses.replace(report, errors=list(report.errors)), set(self.touched))
            try:
                self._batch(batch, report, strict, on_error, careful=False)
            except _Redo:
                # Something failed half-way: the batch was rolled back; file it again one savepoint per item,
                # so exactly the bad items fail. (Savepoints for every item would cost 10% of the speed.)
                report, self.touched = before[0], before[1]
                self._batch(batch, report, strict, on_error, careful=True)
            if strict and report.failed:
                break
            on_batch(report)  # committed: a first sync of a big mailbox shows up batch by batch
        return report

    def _batch(
        self, batch: list[Item], report: IngestReport, strict: bool, on_error: Callable[[str, str], None], careful: bool
    ) -> None:
        failures: list[tuple[str, str]] = []
        with self.store.transaction():
            for item in batch:
                report.read += not isinstance(item, BodyUnavailable) and not (
                    isinstance(item, Incoming) and item.fills_body
                )
                reason = self._one(item, report, careful)
                if reason is None:
                    continue
                report.failed += 1
                failures.append((item.origin, reason))
                if strict:
                    break
            self.service.refresh_sla_many(sorted(self.touched))
            self.touched.clear()
        report.errors.extend(failures)  # told only once the batch is in: a redone batch reports once
        for origin, reason in failures:
            on_error(origin, reason)

    def _one(self, item: Item, report: IngestReport, careful: bool) -> str | None:
        """File one item; returns why it failed, or None. Not careful: a failure raises _Redo instead."""
        if isinstance(item, Unreadable):
            return item.reason
        if isinstance(item, BodyUnavailable):
            self.store.body_unavailable(item.refs, item.reason)
            return None
        counts = [getattr(report, count) for count in COUNTS]
        self._item_touched = set()
        try:
            with self.store.savepoint() if careful else nullcontext():
                if isinstance(item, StatusLine):
                    self._status(item, report)
                else:
                    self._message(item, report)
        except UsageError as error:
            if not careful:
                raise _Redo from None
            reason = str(error).rstrip(".")
        except StoreError as error:
            if error.whole_store:
                raise  # the disk or the store, not the item: stop, keeping what was ingested
            if not careful:
                raise _Redo from None
            reason = f"could not be stored ({error})"
        else:
            self.touched |= self._item_touched
            return None
        # Nothing of the item was kept: its counts go too.
        for count, value in zip(COUNTS, counts, strict=True):
            setattr(report, count, value)
        return reason

    def _message(self, item: Incoming, report: IngestReport) -> None:
        message = item.message
        if item.fills_body:
            if item.source_ref and self.store.fill_body(item.source_ref, message, raw=item.raw, problems=item.problems):
                report.bodies += 1
                report.flagged += bool(item.problems)
                self._body_came(item.source_ref, message)
            return
        if message.message_id and self.store.has_message(message.message_id):
            if item.source_ref:  # the same message at a new place (its folder renumbered): follow it there
                self.store.move_source_ref(message.message_id, item.source_ref)
            report.duplicates += 1
            return
        if not item.author_known:
            own = message.sender.email.lower() in self.own
            # A forward from the shop (its Sent copy) is an agent's message, but not a reply to the customer.
            forward = own and message.author is Author.FORWARD
            message.author = Author.FORWARD if forward else Author.AGENT if own else Author.CUSTOMER
        # The customer is who wrote in, or, for a message from the shop, whom it was written to.
        party = message.sender if message.author is Author.CUSTOMER or not message.to else message.to[0]
        ticket_id = self._find_ticket(item, party.email)
        store, at = self.store, message.date
        status: Status | None = None  # read below, unless this message starts the ticket
        if ticket_id is None:
            subject = message.subject
            if item.ticket_key is not None and (previous := store.ticket_by_external_key(item.ticket_key)):
                store.release_external_key(item.ticket_key)  # its ticket is closed: the key moves to the follow-up
                subject = subject or store.ticket(previous).subject
            ticket_id = store.create_ticket(
                subject=subject or "(no subject)",
                customer=Customer(party.email, party.name, item.customer_data),
                created_at=at,
                priority=item.priority if item.priority is not None else Priority.NORMAL,
                assignee=item.assignee,
                tags=item.tags,
                external_key=item.ticket_key,
                ticket_id=item.ticket_id_hint
                if item.ticket_id_hint and not store.ticket_exists(item.ticket_id_hint)
                else None,
            )
            report.new_tickets += 1
            status = Status.NEW
        else:
            self._apply_fields(ticket_id, item)
        store.add_message(ticket_id, message, raw=item.raw, problems=item.problems, source_ref=item.source_ref)
        decide = True  # whether the message moves the ticket's status now
        if status is None and message.author is Author.CUSTOMER:
            rated = record_rating(store, ticket_id, message)  # CSAT: the customer's answer to a survey, if it is one
            if is_a_thank_you(rated, message):
                decide = False  # a bare "5" to a solved ticket's survey: no reopen
            elif (
                message.body_pending
                and status_after_message(Author.CUSTOMER, store.ticket_status(ticket_id)) is not None
                and answers_a_survey(store, ticket_id, message)
            ):
                decide = False  # a reopen that may be a rating: decided when its body comes (``_body_came``)
        report.new_messages += 1
        report.flagged += bool(item.problems) and not message.body_pending  # else counted when the body comes
        self._item_touched.add(ticket_id)
        if decide:
            self._move_status(ticket_id, message.author, message.date, status)

    def _body_came(self, source_ref: str, message: Message) -> None:
        """A customer's message filed from its headers has its body: its rating, if it answers a survey, and the
        reopen its headers could not decide (a reply that is only a rating leaves a solved ticket solved)."""
        ticket_id = self.store.ticket_for_source_ref(source_ref)
        if ticket_id is None or message.sender.email.lower() in self.own:
            return
        if not is_a_thank_you(record_rating(self.store, ticket_id, message), message):
            self._move_status(ticket_id, Author.CUSTOMER, message.date, None)
            self._item_touched.add(ticket_id)

    def _move_status(self, ticket_id: int, author: Author, at: datetime, status: Status | None) -> None:
        """The status a message by ``author`` dated ``at`` moves its ticket to (``status``: the ticket's, when
        the message just made it)."""
        store = self.store
        moved = status_after_message(author, status or store.ticket_status(ticket_id))
        if moved is None:
            return
        last = store.last_status_change(ticket_id)
        if moves_status(at, last.at if last else None):
            # A reopen is news for the team (the ticket comes back to everyone's queue); an agent's reply is
            # seen by every machine itself.
            self.service.record_status(ticket_id, moved, at, None, share=author is Author.CUSTOMER, refresh=False)

    def _find_ticket(self, item: Incoming, customer_email: str) -> int | None:
        store, message = self.store, item.message
        if item.ticket_key is not None:
            found = store.ticket_for_key_at(item.ticket_key, message.date)
            if found is None or store.ticket_status(found) is not Status.CLOSED:
                return found
            if found == item.ticket_id_hint:
                return found  # a help desk's own ticket: the help desk decides about follow-ups, and keeps the id
            closed = store.last_status_change(found)
            return found if closed is not None and message.date < closed.at else None  # written before the close
        ids = [i for i in (message.in_reply_to, *message.references) if i]
        found = store.ticket_for_message_ids(ids) if ids else None
        if found is None and (token := ticket_token(message.subject)) is not None:
            found = store.open_ticket(store.merge_target(token))  # a merged ticket's mail goes where it went
        if found is None and message.subject:
            found = store.ticket_by_thread(
                customer_email, normalise_subject(message.subject), message.date - SUBJECT_WINDOW
            )
        return found

    def _apply_fields(self, ticket_id: int, item: Incoming) -> None:
        self.service.record_fields(
            ticket_id,
            item.message.date,
            item.message.sender.name or None,
            priority=item.priority,
            assignee=item.assignee,
            tags=item.tags,
        )

    def _status(self, item: StatusLine, report: IngestReport) -> None:
        store = self.store
        ticket_id = store.ticket_for_key_at(item.ticket_key, item.date)
        if ticket_id is None:
            raise UsageError(f"no ticket {item.ticket_key!r} yet: its messages must come before its status changes")
        if store.has_event(ticket_id, item.date, "status", item.status.value):
            report.duplicates += 1
            return
        self.service.record_status(ticket_id, item.status, item.date, None, refresh=False)
        report.status_changes += 1
        self._item_touched.add(ticket_id)
        # Lines may come in any order: a customer message already filed after this change reopens it.
        if item.status in REOPENED_BY_CUSTOMER:
            later = store.first_customer_message_after(ticket_id, item.date)
            if later is not None and not store.has_event(ticket_id, later, "status", Status.OPEN.value):
                self.service.record_status(ticket_id, Status.OPEN, later, None, refresh=False)
