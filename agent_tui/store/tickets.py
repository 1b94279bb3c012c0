"""Tickets: their customers, their creation, the changes agents make (status, priority, assignee, tags,
the SLA clock), the event log those changes write, claims, and reading whole tickets back.

A mixin of ``Store`` (see ``base``): the ticket is the store's main record, and every change to one goes
through here so that the log and the denormalised columns (tags, the filter key) stay in step.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from agent_tui.domain.models import Agent, Customer, Priority, Status, Ticket
from agent_tui.domain.threading import normalise_subject
from agent_tui.errors import NotFoundError
from agent_tui.store.base import StoreBase, from_epoch, to_epoch


class TicketsMixin(StoreBase):
    """Tickets, customers and the event log."""

    # -- writes ----------------------------------------------------------------------------------

    def upsert_customer(self, customer: Customer) -> int:
        with self.transaction():
            return self._db.execute(
                "INSERT INTO customers(email, name, extra) VALUES (?, ?, ?) ON CONFLICT(email) DO UPDATE SET"
                " name = CASE WHEN excluded.name != '' THEN excluded.name ELSE name END"
                + (", extra = json_patch(extra, excluded.extra)" if customer.extra else "")  # mail brings none
                + " RETURNING id",
                (
                    customer.email,
                    customer.name,
                    json.dumps(customer.extra, ensure_ascii=False) if customer.extra else "{}",
                ),
            ).fetchone()[0]

    def create_ticket(
        self,
        *,
        subject: str,
        customer: Customer,
        created_at: datetime,
        status: Status = Status.NEW,
        priority: Priority = Priority.NORMAL,
        assignee: Agent | None = None,
        tags: Sequence[str] = (),
        ticket_id: int | None = None,
        external_key: str | None = None,
    ) -> int:
        """Create a ticket; ids count up from 1001 unless the source fixes one."""
        with self.transaction():
            customer_id = self.upsert_customer(customer)
            if ticket_id is None:
                ticket_id = max(1000, self._db.execute("SELECT COALESCE(MAX(id), 0) FROM tickets").fetchone()[0]) + 1
            at = to_epoch(created_at)
            self._db.execute(
                "INSERT INTO tickets(id, subject, status, priority, customer_id, assignee_name, assignee_email,"
                " created_at, updated_at, thread_subject, external_key, tags, search_key)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ticket_id,
                    subject,
                    status.value,
                    int(priority),
                    customer_id,
                    assignee.name if assignee else None,
                    assignee.email if assignee else None,
                    at,
                    at,
                    normalise_subject(subject),
                    external_key,
                    " ".join(sorted(set(tags))),
                    _search_key(ticket_id, subject, customer.name, customer.email, sorted(set(tags))),
                ),
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO ticket_tags(tag, ticket_id) VALUES (?, ?)", [(t, ticket_id) for t in tags]
            )
            if assignee is not None:  # reports count assignments from the log
                self.record_event(ticket_id, created_at, None, "assignee", _agent_text(assignee))
        return ticket_id

    def record_event(self, ticket_id: int, at: datetime, actor: str | None, kind: str, value: str | None) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO events(ticket_id, at, actor, kind, value) VALUES (?, ?, ?, ?, ?)",
                (ticket_id, to_epoch(at), actor, kind, value),
            )
            self._db.execute(
                "UPDATE tickets SET updated_at = MAX(updated_at, ?) WHERE id = ?", (to_epoch(at), ticket_id)
            )

    def set_status(self, ticket_id: int, status: Status, at: datetime, actor: str | None) -> None:
        """Log a status change at ``at``; the ticket's status is that of its latest change by date, so a
        replayed history may arrive in any order."""
        with self.transaction():
            self._require(ticket_id)
            self.record_event(ticket_id, at, actor, "status", status.value)
            self._db.execute(
                "UPDATE tickets SET status = (SELECT value FROM events WHERE ticket_id = :id AND kind = 'status'"
                " ORDER BY at DESC, id DESC LIMIT 1) WHERE id = :id",
                {"id": ticket_id},
            )

    def set_priority(self, ticket_id: int, priority: Priority, at: datetime, actor: str | None) -> None:
        with self.transaction():
            self._require(ticket_id)
            self._db.execute("UPDATE tickets SET priority = ? WHERE id = ?", (int(priority), ticket_id))
            self.record_event(ticket_id, at, actor, "priority", priority.label)

    def set_assignee(self, ticket_id: int, agent: Agent | None, at: datetime, actor: str | None) -> None:
        with self.transaction():
            self._require(ticket_id)
            self._db.execute(
                "UPDATE tickets SET assignee_name = ?, assignee_email = ? WHERE id = ?",
                (agent.name if agent else None, agent.email if agent else None, ticket_id),
            )
            self.record_event(ticket_id, at, actor, "assignee", _agent_text(agent) if agent else None)

    def set_tag(self, ticket_id: int, tag: str, present: bool, at: datetime, actor: str | None) -> bool:
        """Add or remove a tag; returns whether anything changed."""
        with self.transaction():
            self._require(ticket_id)
            if present:
                changed = self._db.execute(
                    "INSERT OR IGNORE INTO ticket_tags(tag, ticket_id) VALUES (?, ?)", (tag, ticket_id)
                ).rowcount
            else:
                changed = self._db.execute(
                    "DELETE FROM ticket_tags WHERE tag = ? AND ticket_id = ?", (tag, ticket_id)
                ).rowcount
            if changed:
                self.record_event(ticket_id, at, actor, "tag" if present else "untag", tag)
                self._refresh_derived(ticket_id)
            return bool(changed)

    def set_sla(self, ticket_id: int, due_at: datetime | None, metric: str | None) -> None:
        with self.transaction():
            self._db.execute(
                "UPDATE tickets SET sla_due_at = ?, sla_metric = ? WHERE id = ?",
                (to_epoch(due_at) if due_at else None, metric, ticket_id),
            )

    def shift_times(self, seconds: int) -> None:
        """Move every timestamp forward (the demo inbox keeps its SLA states lively on later days)."""
        with self.transaction():
            self._db.execute(
                "UPDATE tickets SET created_at = created_at + :s, updated_at = updated_at + :s,"
                " sla_due_at = sla_due_at + :s, snoozed_until = snoozed_until + :s, woke_at = woke_at + :s",
                {"s": seconds},
            )
            self._db.execute("UPDATE messages SET date = date + ?", (seconds,))
            self._db.execute("UPDATE events SET at = at + ?", (seconds,))

    def _require(self, ticket_id: int) -> None:
        if not self._db.execute("SELECT 1 FROM tickets WHERE id = ?", (ticket_id,)).fetchone():
            raise NotFoundError(f"There is no ticket {ticket_id} in this account.")

    def _refresh_derived(self, ticket_id: int) -> None:
        """Recompute the denormalised tag list and filter key after the tags changed."""
        tags = [
            r[0] for r in self._db.execute("SELECT tag FROM ticket_tags WHERE ticket_id = ? ORDER BY tag", (ticket_id,))
        ]
        subject, name, email = self._db.execute(
            "SELECT t.subject, c.name, c.email FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?",
            (ticket_id,),
        ).fetchone()
        self._db.execute(
            "UPDATE tickets SET tags = ?, search_key = ? WHERE id = ?",
            (" ".join(tags), _search_key(ticket_id, subject, name, email, tags), ticket_id),
        )

    def claim(self, ticket_id: int, me: Agent, at: datetime) -> Agent | None:
        """Assign to ``me`` only if unassigned or already mine (compare-and-set); returns the holder otherwise."""
        with self.transaction():
            ticket = self.ticket(ticket_id)
            holder = ticket.assignee
            if holder is not None and not me.matches(holder.name, holder.email):
                return holder
            if holder is None:
                self.set_assignee(ticket_id, me, at, me.name)
            return None

    # -- reads -----------------------------------------------------------------------------------

    def ticket(self, ticket_id: int) -> Ticket:
        found = self.tickets([ticket_id])
        if not found:
            raise NotFoundError(f"There is no ticket {ticket_id} in this account.")
        return found[0]

    def tickets(self, ids: Sequence[int]) -> list[Ticket]:
        """These tickets, in the order given; ids not found are left out."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self._read(
            "SELECT t.id, t.subject, t.status, t.priority, t.created_at, t.updated_at, t.assignee_name,"
            " t.assignee_email, t.tags, t.message_count, c.email, c.name, c.extra, t.snoozed_until"
            f" FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id IN ({marks})",
            list(ids),
        )
        by_id = {
            r[0]: Ticket(
                id=r[0],
                subject=r[1],
                status=Status(r[2]),
                priority=Priority(r[3]),
                created_at=from_epoch(r[4]),
                updated_at=from_epoch(r[5]),
                assignee=Agent(r[6], r[7]) if r[6] else None,
                tags=tuple(r[8].split()),
                message_count=r[9],
                customer=Customer(email=r[10], name=r[11], extra=json.loads(r[12])),
                snoozed_until=from_epoch(r[13]) if r[13] is not None else None,
            )
            for r in rows
        }
        return [by_id[i] for i in ids if i in by_id]

    def ticket_count(self) -> int:
        return self._read("SELECT COUNT(*) FROM tickets")[0][0]


def _agent_text(agent: Agent) -> str:
    return f"{agent.name} <{agent.email}>" if agent.email else agent.name


def _search_key(ticket_id: int, subject: str, name: str, email: str, tags: Sequence[str]) -> str:
    """What the filter box matches: the id (also as #id), subject, customer and tags, lower-cased."""
    return f"{ticket_id} #{ticket_id} {subject} {name} {email} {' '.join(tags)}".lower()
