"""The local store: one SQLite file per account, the only place the UI and the CLI read from.

One connection is shared by the UI's worker threads, serialised by a lock: SQLite work here is short
(milliseconds), and a single writer avoids ``database is locked`` between our own threads. Other
processes (a second agent-tui, a script running ``agent-tui set``) coordinate through WAL and the
busy timeout.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from agent_tui.domain.metrics import TicketFacts
from agent_tui.domain.models import (
    Address,
    Agent,
    Attachment,
    Author,
    Customer,
    Draft,
    Message,
    Priority,
    Status,
    StatusChange,
    Ticket,
)
from agent_tui.domain.queue import BREACHING_WINDOW, QueueQuery, QueueRow, SortKey, View
from agent_tui.domain.threading import normalise_subject
from agent_tui.errors import NotFoundError, StoreError
from agent_tui.store import fts
from agent_tui.store.codec import message_from_json, message_to_json
from agent_tui.store.schema import MIGRATIONS, SCHEMA_VERSION
from agent_tui.store.state import NamespacedState

# How long to wait for another agent-tui holding the write lock before saying so. The longest holders
# measured: an upgrade of a 100,000-ticket store (about 1 s), an ingest batch of 500 messages (0.2 s);
# the margin is for slow disks.
BUSY_TIMEOUT = 15.0


def to_epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


_QUEUE_COLUMNS = (
    "t.id, t.subject, t.status, t.priority, c.name, c.email, t.assignee_name, t.created_at,"
    " t.updated_at, t.sla_due_at, t.sla_metric, t.tags, t.message_count"
)
_STATUS_ORDER = "CASE t.status " + " ".join(f"WHEN '{s.value}' THEN {i}" for i, s in enumerate(Status)) + " END"
_SORT_SQL = {
    SortKey.SLA: "t.sla_order{dir}, t.priority DESC, t.id",
    SortKey.PRIORITY: "t.priority{rev}, t.sla_order, t.id",
    SortKey.STATUS: _STATUS_ORDER + "{dir}, t.sla_order, t.id",
    SortKey.CUSTOMER: "c.name COLLATE NOCASE{dir}, c.email{dir}, t.id",
    SortKey.SUBJECT: "t.subject COLLATE NOCASE{dir}, t.id",
    SortKey.AGE: "t.created_at{dir}, t.id",
    SortKey.ASSIGNEE: "t.assignee_name IS NULL, t.assignee_name COLLATE NOCASE{dir}, t.sla_order, t.id",
    SortKey.ID: "t.id{dir}",
}


def _row_to_queue(row: Sequence) -> QueueRow:
    return QueueRow(
        id=row[0],
        subject=row[1],
        status=Status(row[2]),
        priority=Priority(row[3]),
        customer_name=row[4],
        customer_email=row[5],
        assignee_name=row[6],
        created_at=row[7],
        updated_at=row[8],
        sla_due_at=row[9],
        sla_metric=row[10],
        tags=tuple(row[11].split()),
        message_count=row[12],
    )


class Store:
    """All reads and writes of one account's SQLite file. Thread-safe; no UI, no network."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self._db = connection
        self._lock = threading.RLock()
        self._depth = 0
        self._damage: str | None = None  # the sentence, once a statement has met a damaged page
        self.path = path

    # -- opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open the store at PATH, creating it only where no file exists: an empty file there is damage
        (a failed copy, a crash of the file system), and starting it afresh would hide every ticket."""
        path = Path(path)
        try:
            if not path.exists():
                _create(path)
            elif path.is_file() and path.stat().st_size == 0:
                raise StoreError(
                    f"The local store {path} is empty (0 bytes), which looks like damage; move it aside to start afresh, "
                    "or restore it from a backup."
                )
            connection = _connect(path)
            try:
                store = cls(connection, path)
                store._migrate()
            except BaseException:
                connection.close()
                raise
        except sqlite3.Error as error:
            raise _store_error(error, path) from None
        except OSError as error:
            raise StoreError(
                f"The local store {path} could not be created ({error.strerror}); check that its folder can be written."
            ) from None
        return store

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _migrate(self) -> None:
        """Bring the schema up to date. Other agent-tui processes may be opening the same store this moment,
        so the version is read again under the write lock, and every pending step commits together with the
        new version: whoever comes second finds the work done."""
        if self._schema_version() == SCHEMA_VERSION:
            return  # the usual case, without taking the write lock
        with self.transaction():
            for number in range(self._schema_version(), SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[number]):
                    self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _schema_version(self) -> int:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"The local store {self.path} was written by a newer agent-tui (schema {version}); upgrade "
                "agent-tui to open it."
            )
        return version

    def _failure(self, error: sqlite3.Error) -> StoreError:
        """The sentence for a failed statement. Damage is remembered: SQLite notices it only in the pages a
        statement reads, so a later write elsewhere would succeed on a store already known to be damaged."""
        failure = _store_error(error, self.path)
        if _is_damage(error):
            self._damage = str(failure)
        return failure

    def transaction(self) -> _Transaction:
        """A write transaction; nested calls join the outer one. Maps SQLite failures to StoreError."""
        return _Transaction(self)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Inside a transaction: undo just this block's writes if it raises (one bad item of a batch)."""
        with self.transaction():
            self._db.execute("SAVEPOINT item")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK TO item")
                self._db.execute("RELEASE item")
                raise
            self._db.execute("RELEASE item")

    def _read(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as error:
                raise self._failure(error) from None

    # -- meta ------------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def source_state(self, namespace: str) -> NamespacedState:
        """A source's own keys (its cursors), under ``namespace``: the one part of the store a source writes."""
        return NamespacedState(self, namespace)

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

    def add_message(
        self,
        ticket_id: int,
        message: Message,
        *,
        raw: bytes | None = None,
        problems: Sequence[str] = (),
        source_ref: str | None = None,
    ) -> int | None:
        """Add a message to a ticket; returns its row id, or None when its Message-ID is already stored.

        ``raw`` (the message as received) is kept compressed, so nothing undecodable is ever lost.
        """
        with self.transaction():
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO messages(ticket_id, author, from_email, from_name, to_addrs, cc_addrs, date, subject,"
                " body_text, body_html, attachments, message_id, in_reply_to, refs, raw, problems, source_ref, body_pending)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ticket_id,
                    message.author.value,
                    message.sender.email,
                    message.sender.name,
                    _addresses_json(message.to),
                    _addresses_json(message.cc),
                    to_epoch(message.date),
                    message.subject,
                    message.text,
                    message.html,
                    _attachments_json(message.attachments),
                    message.message_id,
                    message.in_reply_to,
                    _list_json(message.references),
                    zlib.compress(raw, 1) if raw is not None else None,
                    _list_json(problems),
                    source_ref,
                    message.body_pending,
                ),
            )
            if not cursor.rowcount:  # its Message-ID is stored already
                return None
            row_id = cursor.lastrowid
            assert row_id is not None  # set by every INSERT that added a row, as this one did
            self._db.execute(
                "UPDATE tickets SET message_count = message_count + 1, updated_at = MAX(updated_at, :at),"
                " created_at = MIN(created_at, :at) WHERE id = :id",
                {"at": to_epoch(message.date), "id": ticket_id},
            )
            if not message.body_pending:  # otherwise indexed when its body comes: one write, not two
                self._index(row_id, ticket_id, message.subject, message.text)
            return row_id

    def _index(self, row_id: int, ticket_id: int, subject: str, text: str) -> None:
        """Put a message in the full-text index."""
        customer = self._db.execute(
            "SELECT c.name || ' ' || c.email FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?",
            (ticket_id,),
        ).fetchone()[0]
        self._db.execute(
            "INSERT INTO search(rowid, subject, body, customer, ticket_id) VALUES (?, ?, ?, ?, ?)",
            (row_id, fts.index_text(subject), fts.index_text(text), customer, ticket_id),
        )

    def fill_body(self, source_ref: str, message: Message, *, raw: bytes | None, problems: Sequence[str]) -> bool:
        """Give a message filed from its headers its body, and index it; returns False when no message at
        ``source_ref`` waits for one. (Its header fields stay: they read the same from the whole message.)"""
        with self.transaction():
            row = self._db.execute(
                "UPDATE messages SET body_text = ?, body_html = ?, attachments = ?, raw = ?, problems = ?,"
                " body_pending = 0 WHERE source_ref = ? AND body_pending RETURNING id, ticket_id, subject",
                (
                    message.text,
                    message.html,
                    _attachments_json(message.attachments),
                    zlib.compress(raw, 1) if raw is not None else None,
                    _list_json(problems),
                    source_ref,
                ),
            ).fetchone()
            if row is None:
                return False
            self._index(row[0], row[1], row[2], message.text)
            return True

    def bodies_pending(self, prefix: str) -> list[str]:
        """Source refs starting with ``prefix`` of messages whose bodies are still to come, newest first."""
        return [
            r[0]
            for r in self._read(
                "SELECT source_ref FROM messages WHERE body_pending AND source_ref >= ? AND source_ref < ?"
                " ORDER BY date DESC, id DESC",
                (prefix, prefix + "\uffff"),
            )
        ]

    def body_unavailable(self, source_refs: Sequence[str], reason: str) -> None:
        """The source no longer has these messages: keep what their headers said, and say why there is no body."""
        if not source_refs:
            return
        with self.transaction():
            for ref in source_refs:
                row = self._db.execute(
                    "UPDATE messages SET body_pending = 0, problems = json_insert(problems, '$[#]', ?)"
                    " WHERE source_ref = ? AND body_pending RETURNING id, ticket_id, subject",
                    (reason, ref),
                ).fetchone()
                if row is not None:
                    self._index(row[0], row[1], row[2], "")

    def source_refs_under(self, prefix: str) -> list[str]:
        """Every stored source ref that starts with ``prefix`` (a folder under one numbering, say)."""
        return [
            r[0]
            for r in self._read(
                "SELECT source_ref FROM messages WHERE source_ref >= ? AND source_ref < ?",
                (prefix, prefix + "\uffff"),
            )
        ]

    def message_ids_at(self, source_refs: Sequence[str]) -> dict[str, str]:
        """The Message-ID of the message stored at each of these refs (where it has one)."""
        found: dict[str, str] = {}
        for ref in source_refs:
            rows = self._read("SELECT message_id FROM messages WHERE source_ref = ? AND message_id IS NOT NULL", (ref,))
            if rows:
                found[ref] = rows[0][0]
        return found

    def move_source_ref_from(self, old: str, new: str) -> bool:
        """The message at ``old`` is now at ``new`` (another copy of it); False when none is at ``old``, or
        another message is at ``new`` already."""
        with self.transaction():
            return (
                self._db.execute(
                    "UPDATE messages SET source_ref = ? WHERE source_ref = ?"
                    " AND NOT EXISTS (SELECT 1 FROM messages WHERE source_ref = ?)",
                    (new, old, new),
                ).rowcount
                > 0
            )

    def forget_source_refs(self, source_refs: Sequence[str], reason: str) -> dict[int, int]:
        """The source no longer has these messages: they stay here (a customer's history is kept), no longer
        tied to the source; one still waiting for its body keeps what its headers said, and ``reason`` says
        why there is no body. Returns how many were forgotten, by ticket."""
        forgotten: dict[int, int] = {}
        if not source_refs:
            return forgotten
        with self.transaction():
            self.body_unavailable(source_refs, reason)
            for ref in source_refs:
                for (ticket_id,) in self._db.execute(
                    "UPDATE messages SET source_ref = NULL WHERE source_ref = ? RETURNING ticket_id",
                    (ref,),
                ).fetchall():
                    forgotten[ticket_id] = forgotten.get(ticket_id, 0) + 1
        return forgotten

    def move_source_ref(self, message_id: str, source_ref: str) -> None:
        """A stored message was found again in its folder renumbered (a new UIDVALIDITY), or found on the
        source at all when it had no place there (sent from here, or gone and put back): follow it there. A
        copy in another folder (a reply in Sent and in INBOX), or a second one in the same, leaves it alone."""
        folder, numbering = source_ref.split("/", 1)[0] + "/", source_ref.rsplit("/", 1)[0] + "/"
        with self.transaction():
            self._db.execute(
                "UPDATE messages SET source_ref = ? WHERE message_id = ? AND (source_ref IS NULL OR"
                " (substr(source_ref, 1, ?) = ? AND substr(source_ref, 1, ?) != ?))",
                (source_ref, message_id, len(folder), folder, len(numbering), numbering),
            )

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
                " sla_due_at = sla_due_at + :s",
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

    # -- reads -----------------------------------------------------------------------------------

    def queue_ids(self, query: QueueQuery, me: Agent, now: datetime) -> list[int]:
        """Ids of every ticket a queue shows, in order (for scripts; the TUI reads pages)."""
        where, params, order, join = _queue_sql(query, me, now)
        return [
            row[0] for row in self._read(f"SELECT t.id FROM tickets t{join} WHERE {where} ORDER BY {order}", params)
        ]

    def queue_count(self, query: QueueQuery, me: Agent, now: datetime) -> int:
        where, params, _, _ = _queue_sql(query, me, now)
        return self._read(f"SELECT COUNT(*) FROM tickets t WHERE {where}", params)[0][0]

    def queue_page(self, query: QueueQuery, me: Agent, now: datetime, offset: int, limit: int) -> list[QueueRow]:
        """One window of a queue's rows. Cheap at 100,000 tickets: no bodies read, the order is indexed."""
        where, params, order, _ = _queue_sql(query, me, now)
        rows = self._read(
            f"SELECT {_QUEUE_COLUMNS} FROM tickets t JOIN customers c ON c.id = t.customer_id"
            f" WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_row_to_queue(row) for row in rows]

    def queue_position(self, query: QueueQuery, me: Agent, now: datetime, ticket_id: int) -> int | None:
        """Where a ticket stands in a queue (0-based), or None when the queue doesn't hold it."""
        where, params, order, join = _queue_sql(query, me, now)
        rows = self._read(
            f"SELECT position FROM (SELECT t.id, ROW_NUMBER() OVER (ORDER BY {order}) - 1 AS position"
            f" FROM tickets t{join} WHERE {where}) WHERE id = ?",
            [*params, ticket_id],
        )
        return rows[0][0] if rows else None

    def queue_rows(self, ids: Sequence[int]) -> list[QueueRow]:
        """The table rows for these ids, in the order given."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self._read(
            f"SELECT {_QUEUE_COLUMNS} FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id IN ({marks})",
            list(ids),
        )
        by_id = {row[0]: _row_to_queue(row) for row in rows}
        return [by_id[i] for i in ids if i in by_id]

    def view_counts(self, me: Agent, now: datetime) -> dict[View, int]:
        counts = {}
        for view in View:
            where, params = _where(QueueQuery(view=view), me, now)
            counts[view] = self._read(f"SELECT COUNT(*) FROM tickets t WHERE {where}", params)[0][0]
        return counts

    def tag_counts(self, limit: int = 12) -> list[tuple[str, int]]:
        """The most used tags among unsolved tickets: the sidebar's "by tag" views."""
        return [
            (tag, count)
            for tag, count in self._read(
                "SELECT g.tag, COUNT(*) FROM ticket_tags g JOIN tickets t ON t.id = g.ticket_id WHERE t.unsolved = 1"
                " GROUP BY g.tag ORDER BY COUNT(*) DESC, g.tag LIMIT ?",
                (limit,),
            )
        ]

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
            " t.assignee_email, t.tags, t.message_count, c.email, c.name, c.extra"
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
            )
            for r in rows
        }
        return [by_id[i] for i in ids if i in by_id]

    def messages(self, ticket_id: int) -> list[Message]:
        rows = self._read(
            "SELECT id, author, from_email, from_name, to_addrs, cc_addrs, date, subject, body_text, body_html,"
            " attachments, message_id, in_reply_to, refs, body_pending, problems FROM messages WHERE ticket_id = ?"
            " ORDER BY date, id",
            (ticket_id,),
        )
        return [
            Message(
                id=r[0],
                author=Author(r[1]),
                sender=Address(r[2], r[3]),
                to=tuple(Address(e, n) for e, n in json.loads(r[4])),
                cc=tuple(Address(e, n) for e, n in json.loads(r[5])),
                date=from_epoch(r[6]),
                subject=r[7],
                text=r[8],
                html=r[9],
                attachments=tuple(Attachment(*a) for a in json.loads(r[10])),
                message_id=r[11],
                in_reply_to=r[12],
                references=tuple(json.loads(r[13])),
                body_pending=bool(r[14]),
                problems=tuple(json.loads(r[15])),
            )
            for r in rows
        ]

    def sla_inputs(self, ticket_id: int) -> tuple[list[tuple[Author, datetime]], list[StatusChange]]:
        """What the SLA clocks read: message authors and dates, and the status log."""
        return self.sla_inputs_many([ticket_id])[ticket_id]

    def sla_inputs_many(
        self, ids: Sequence[int]
    ) -> dict[int, tuple[list[tuple[Author, datetime]], list[StatusChange]]]:
        inputs: dict[int, tuple[list[tuple[Author, datetime]], list[StatusChange]]] = {i: ([], []) for i in ids}
        if not ids:
            return inputs
        marks = ",".join("?" * len(ids))
        for ticket_id, author, date in self._read(
            f"SELECT ticket_id, author, date FROM messages WHERE ticket_id IN ({marks})", list(ids)
        ):
            inputs[ticket_id][0].append((Author(author), from_epoch(date)))
        for ticket_id, at, value in self._read(
            f"SELECT ticket_id, at, value FROM events WHERE ticket_id IN ({marks}) AND kind = 'status' ORDER BY at, id",
            list(ids),
        ):
            inputs[ticket_id][1].append(StatusChange(from_epoch(at), Status(value)))
        return inputs

    def metric_facts(self, since: datetime, until: datetime) -> list[TicketFacts]:
        """What reports read of every ticket that can matter to [since, until): those created before its
        end and either active since its start or still unsolved. Bodies are never read."""
        tickets = self._read(
            "SELECT id, created_at, priority, tags, assignee_name FROM tickets"
            " WHERE created_at < ? AND (updated_at >= ? OR unsolved = 1) ORDER BY id",
            (to_epoch(until), to_epoch(since)),
        )
        facts: list[TicketFacts] = []
        for start in range(0, len(tickets), 500):
            batch = tickets[start : start + 500]
            ids = [row[0] for row in batch]
            marks = ",".join("?" * len(ids))
            messages: dict[int, list] = {i: [] for i in ids}
            for ticket_id, author, date, name, email in self._read(
                f"SELECT ticket_id, author, date, from_name, from_email FROM messages WHERE ticket_id IN ({marks})"
                " ORDER BY date, id",
                ids,
            ):
                messages[ticket_id].append((Author(author), from_epoch(date), name or email))
            statuses: dict[int, list] = {i: [] for i in ids}
            assignments: dict[int, list] = {i: [] for i in ids}
            for ticket_id, at, kind, value in self._read(
                f"SELECT ticket_id, at, kind, value FROM events WHERE ticket_id IN ({marks})"
                " AND kind IN ('status', 'assignee') ORDER BY at, id",
                ids,
            ):
                if kind == "status":
                    statuses[ticket_id].append(StatusChange(from_epoch(at), Status(value)))
                else:
                    assignments[ticket_id].append((from_epoch(at), Agent.parse(value).name if value else None))
            facts.extend(
                TicketFacts(
                    id=ticket_id,
                    created_at=from_epoch(created),
                    priority=Priority(priority),
                    tags=tuple(tags.split()),
                    assignee=assignee,
                    messages=tuple(messages[ticket_id]),
                    status_changes=tuple(statuses[ticket_id]),
                    assignments=tuple(assignments[ticket_id]),
                )
                for ticket_id, created, priority, tags, assignee in batch
            )
        return facts

    def customer_tickets(self, email: str) -> list[QueueRow]:
        """Every ticket of one customer, newest first."""
        rows = self._read(
            f"SELECT {_QUEUE_COLUMNS} FROM tickets t JOIN customers c ON c.id = t.customer_id"
            " WHERE c.email = ? ORDER BY t.created_at DESC",
            (email,),
        )
        return [_row_to_queue(r) for r in rows]

    # -- threading lookups ----------------------------------------------------------------------

    def has_message(self, message_id: str) -> bool:
        return bool(self._read("SELECT 1 FROM messages WHERE message_id = ?", (message_id,)))

    def ticket_for_message_ids(self, message_ids: Sequence[str]) -> int | None:
        """The ticket holding any of these messages (the newest match), unless it is closed."""
        if not message_ids:
            return None
        marks = ",".join("?" * len(message_ids))
        rows = self._read(
            f"SELECT m.ticket_id FROM messages m JOIN tickets t ON t.id = m.ticket_id"
            f" WHERE m.message_id IN ({marks}) AND t.status != 'closed' ORDER BY m.date DESC LIMIT 1",
            list(message_ids),
        )
        return rows[0][0] if rows else None

    def ticket_for_source_ref(self, source_ref: str) -> int | None:
        rows = self._read("SELECT ticket_id FROM messages WHERE source_ref = ?", (source_ref,))
        return rows[0][0] if rows else None

    def source_refs(self, ticket_id: int, prefix: str) -> list[str]:
        rows = self._read(
            "SELECT source_ref FROM messages WHERE ticket_id = ? AND substr(source_ref, 1, length(?)) = ?",
            (ticket_id, prefix, prefix),
        )
        return [row[0] for row in rows]

    def ticket_exists(self, ticket_id: int) -> bool:
        return bool(self._read("SELECT 1 FROM tickets WHERE id = ?", (ticket_id,)))

    def open_ticket(self, ticket_id: int) -> int | None:
        """``ticket_id`` if it exists and is not closed."""
        rows = self._read("SELECT id FROM tickets WHERE id = ? AND status != 'closed'", (ticket_id,))
        return rows[0][0] if rows else None

    def ticket_by_thread(self, customer_email: str, thread_subject: str, since: datetime) -> int | None:
        """The customer's latest ticket on this subject active since ``since``, unless closed."""
        rows = self._read(
            "SELECT t.id FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE c.email = ?"
            " AND t.thread_subject = ? AND t.updated_at >= ? AND t.status != 'closed' ORDER BY t.updated_at DESC LIMIT 1",
            (customer_email, thread_subject, to_epoch(since)),
        )
        return rows[0][0] if rows else None

    def release_external_key(self, key: str) -> None:
        """The key's closed ticket keeps it as ``KEY<US>id``, so lines dated in its time still find it."""
        with self.transaction():
            self._db.execute(
                "UPDATE tickets SET external_key = external_key || char(31) || id WHERE external_key = ?", (key,)
            )

    def ticket_for_key_at(self, key: str, moment: datetime) -> int | None:
        """The ticket that held an external key at ``moment``: the latest created by then, else the current one."""
        rows = self._read(
            "SELECT id, created_at, external_key = ? FROM tickets WHERE external_key = ?"
            " OR substr(external_key, 1, length(?) + 1) = ? || char(31) ORDER BY created_at, id",
            (key, key, key, key),
        )
        before = [row[0] for row in rows if row[1] <= to_epoch(moment)]
        if before:
            return before[-1]
        current = [row[0] for row in rows if row[2]]
        return current[0] if current else None

    def first_customer_message_after(self, ticket_id: int, moment: datetime) -> datetime | None:
        rows = self._read(
            "SELECT MIN(date) FROM messages WHERE ticket_id = ? AND author = 'customer' AND date > ?",
            (ticket_id, to_epoch(moment)),
        )
        return from_epoch(rows[0][0]) if rows and rows[0][0] is not None else None

    def ticket_by_external_key(self, key: str) -> int | None:
        rows = self._read("SELECT id FROM tickets WHERE external_key = ?", (key,))
        return rows[0][0] if rows else None

    def has_event(self, ticket_id: int, at: datetime, kind: str, value: str | None) -> bool:
        return bool(
            self._read(
                "SELECT 1 FROM events WHERE ticket_id = ? AND at = ? AND kind = ? AND value IS ?",
                (ticket_id, to_epoch(at), kind, value),
            )
        )

    def ticket_status(self, ticket_id: int) -> Status:
        rows = self._read("SELECT status FROM tickets WHERE id = ?", (ticket_id,))
        if not rows:
            raise NotFoundError(f"There is no ticket {ticket_id} in this account.")
        return Status(rows[0][0])

    def last_status_change(self, ticket_id: int) -> StatusChange | None:
        rows = self._read(
            "SELECT at, value FROM events WHERE ticket_id = ? AND kind = 'status' ORDER BY at DESC, id DESC LIMIT 1",
            (ticket_id,),
        )
        return StatusChange(from_epoch(rows[0][0]), Status(rows[0][1])) if rows else None

    # -- drafts and the outbox ------------------------------------------------------------------

    def draft(self, ticket_id: int, agent: str) -> Draft | None:
        rows = self._read(
            "SELECT body, template, message_id, seen_at, updated_at FROM drafts WHERE ticket_id = ? AND agent = ?",
            (ticket_id, agent),
        )
        if not rows:
            return None
        body, template, message_id, seen_at, updated_at = rows[0]
        return Draft(ticket_id, agent, body, template, message_id, from_epoch(seen_at), from_epoch(updated_at))

    def save_draft(self, draft: Draft) -> None:
        """Insert or update; the Message-ID and the moment the ticket was seen stay those of the first save."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO drafts(ticket_id, agent, body, template, message_id, seen_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(ticket_id, agent) DO UPDATE SET body = excluded.body,"
                " template = excluded.template, updated_at = excluded.updated_at",
                (
                    draft.ticket_id,
                    draft.agent,
                    draft.body,
                    draft.template,
                    draft.message_id,
                    to_epoch(draft.seen_at),
                    to_epoch(draft.updated_at),
                    to_epoch(draft.updated_at),
                ),
            )

    def ticket_marks(self, ticket_id: int) -> tuple[int, int]:
        """(newest message row, newest event row) of a ticket: how far an agent has seen it."""
        rows = self._read(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM messages WHERE ticket_id = :id),"
            " (SELECT COALESCE(MAX(id), 0) FROM events WHERE ticket_id = :id)",
            {"id": ticket_id},
        )
        return rows[0][0], rows[0][1]

    def draft_marks(self, ticket_id: int, agent: str) -> tuple[int, int] | None:
        rows = self._read(
            "SELECT seen_message, seen_event FROM drafts WHERE ticket_id = ? AND agent = ?", (ticket_id, agent)
        )
        return (rows[0][0], rows[0][1]) if rows else None

    def set_draft_marks(self, ticket_id: int, agent: str, marks: tuple[int, int]) -> None:
        with self.transaction():
            self._db.execute(
                "UPDATE drafts SET seen_message = ?, seen_event = ? WHERE ticket_id = ? AND agent = ?",
                (marks[0], marks[1], ticket_id, agent),
            )

    def changes_since(self, ticket_id: int, marks: tuple[int, int], me: str) -> list[str]:
        """What others did to a ticket after ``marks``, one short phrase each, oldest first."""
        changes = []
        for author, name, email, date in self._read(
            "SELECT author, from_name, from_email, date FROM messages WHERE ticket_id = ? AND id > ? ORDER BY id",
            (ticket_id, marks[0]),
        ):
            who = name or email
            if author == "agent" and who != me:
                changes.append(f"{who} replied at {from_epoch(date):%H:%M} UTC")
            elif author == "customer":
                changes.append(f"{who} wrote again at {from_epoch(date):%H:%M} UTC")
        for actor, kind, value in self._read(
            "SELECT actor, kind, value FROM events WHERE ticket_id = ? AND id > ? ORDER BY id", (ticket_id, marks[1])
        ):
            if actor == me:
                continue
            who = actor or "someone"
            if kind == "status":
                changes.append(f"{who} set the status to {value}")
            elif kind == "assignee":
                changes.append(f"{who} assigned it to {Agent.parse(value).name}" if value else f"{who} unassigned it")
        return changes

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

    def delete_draft(self, ticket_id: int, agent: str) -> None:
        with self.transaction():
            self._db.execute("DELETE FROM drafts WHERE ticket_id = ? AND agent = ?", (ticket_id, agent))

    def outbox_add(self, ticket_id: int, message: Message, now: datetime) -> int:
        with self.transaction():
            existing = self._db.execute("SELECT id FROM outbox WHERE message_id = ?", (message.message_id,)).fetchone()
            if existing:
                return existing[0]
            return self._db.execute(
                "INSERT INTO outbox(ticket_id, message_id, message, state, created_at, updated_at)"
                " VALUES (?, ?, ?, 'queued', ?, ?) RETURNING id",
                (
                    ticket_id,
                    message.message_id,
                    json.dumps(message_to_json(message), ensure_ascii=False),
                    to_epoch(now),
                    to_epoch(now),
                ),
            ).fetchone()[0]

    def outbox_message(self, message_id: str) -> Message:
        rows = self._read("SELECT message FROM outbox WHERE message_id = ?", (message_id,))
        return message_from_json(json.loads(rows[0][0]))

    def outbox_state(self, message_id: str) -> str | None:
        rows = self._read("SELECT state FROM outbox WHERE message_id = ?", (message_id,))
        return rows[0][0] if rows else None

    def outbox_pending(self) -> list[tuple[int, int, Message, str]]:
        """(row id, ticket id, message, state) of every reply not yet confirmed, oldest first."""
        rows = self._read(
            "SELECT id, ticket_id, message, state FROM outbox WHERE state IN ('queued', 'sending', 'sent') ORDER BY id"
        )
        return [
            (row_id, ticket_id, message_from_json(json.loads(data)), state) for row_id, ticket_id, data, state in rows
        ]

    def outbox_mark(self, row_id: int, state: str, now: datetime, error: str | None = None) -> None:
        with self.transaction():
            self._db.execute(
                "UPDATE outbox SET state = ?, error = ?, attempts = attempts + (? = 'failed'), updated_at = ? WHERE id = ?",
                (state, error, state, to_epoch(now), row_id),
            )

    def agent_name(self, email: str) -> str | None:
        """The name this store knows an agent's address by (from an assignment), if any."""
        rows = self._read("SELECT assignee_name FROM tickets WHERE assignee_email = ? COLLATE NOCASE LIMIT 1", (email,))
        return rows[0][0] if rows else None

    def agent_addresses(self) -> set[str]:
        """Addresses the team has written from or been assigned as: mail from them is an agent's."""
        rows = self._read(
            "SELECT from_email FROM messages WHERE author = 'agent'"
            " UNION SELECT assignee_email FROM tickets WHERE assignee_email IS NOT NULL"
        )
        return {row[0].lower() for row in rows}

    def data_version(self) -> int:
        """Changes whenever another connection (another agent-tui, a script) commits to this file."""
        return self._read("PRAGMA data_version")[0][0]

    def ticket_count(self) -> int:
        return self._read("SELECT COUNT(*) FROM tickets")[0][0]


def _addresses_json(addresses: Sequence[Address]) -> str:
    return _addresses_json_of(tuple(addresses)) if addresses else "[]"


@functools.lru_cache(maxsize=4096)  # the same few To: lines (the shop's own address) come again and again
def _addresses_json_of(addresses: tuple[Address, ...]) -> str:
    return json.dumps([[a.email, a.name] for a in addresses], ensure_ascii=False)


def _attachments_json(attachments: Sequence[Attachment]) -> str:
    return json.dumps([[a.filename, a.content_type, a.size] for a in attachments]) if attachments else "[]"


def _list_json(items: Sequence[str]) -> str:
    return json.dumps(list(items)) if items else "[]"


class _Transaction:
    """What ``Store.transaction`` returns: a class rather than a ``@contextmanager`` generator, because ingest
    enters about ten a message (nested ones join the outer), and the generator's overhead was 6% of a sync."""

    __slots__ = ("_store", "_outer")

    def __init__(self, store: Store) -> None:
        self._store = store
        self._outer = False

    def __enter__(self) -> None:
        store = self._store
        store._lock.acquire()
        self._outer = store._depth == 0
        store._depth += 1
        if self._outer:
            try:
                if store._damage:
                    raise StoreError(store._damage)
                store._db.execute("BEGIN IMMEDIATE")
            except BaseException as error:
                self._leave()
                if isinstance(error, sqlite3.Error):
                    raise store._failure(error) from None
                raise

    def __exit__(self, kind: type | None, error: BaseException | None, traceback: object) -> None:
        store = self._store
        try:
            if error is None:
                if not self._outer:
                    return
                try:
                    store._db.execute("COMMIT")
                    return
                except BaseException as failure:  # noqa: BLE001  # rolled back below, then re-raised as a sentence
                    error = failure
            if self._outer and store._db.in_transaction:
                try:
                    store._db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # what was not committed never reaches the file; the error that led here is the one to tell
            if isinstance(error, sqlite3.Error):
                raise store._failure(error) from None
            if kind is None:
                raise error  # COMMIT failed with something other than an SQLite error
        finally:
            self._leave()

    def _leave(self) -> None:
        self._store._depth -= 1
        self._store._lock.release()


def _agent_text(agent: Agent) -> str:
    return f"{agent.name} <{agent.email}>" if agent.email else agent.name


def _search_key(ticket_id: int, subject: str, name: str, email: str, tags: Sequence[str]) -> str:
    """What the filter box matches: the id (also as #id), subject, customer and tags, lower-cased."""
    return f"{ticket_id} #{ticket_id} {subject} {name} {email} {' '.join(tags)}".lower()


def _statements(script: str) -> Iterator[str]:
    """Split a migration into statements (``executescript`` would commit the open transaction)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""
    if pending.strip():
        yield pending


def _queue_sql(query: QueueQuery, me: Agent, now: datetime) -> tuple[str, list, str, str]:
    """WHERE clause, its parameters, ORDER BY clause, and the join the order needs."""
    where, params = _where(query, me, now)
    order = _SORT_SQL[query.sort].format(
        dir=" DESC" if query.descending else "", rev="" if query.descending else " DESC"
    )
    join = " JOIN customers c ON c.id = t.customer_id" if query.sort is SortKey.CUSTOMER else ""
    return where, params, order, join


def _where(query: QueueQuery, me: Agent, now: datetime) -> tuple[str, list]:
    clauses: list[str] = []
    params: list = []
    view = query.view
    if view is not View.ALL:
        clauses.append("t.unsolved = 1")
    if view is View.UNASSIGNED:
        clauses.append("t.assignee_name IS NULL")
    elif view is View.MINE:
        if me.email:
            clauses.append(
                "(t.assignee_email = ? COLLATE NOCASE OR (t.assignee_email IS NULL AND t.assignee_name = ? COLLATE NOCASE))"
            )
            params += [me.email, me.name]
        else:
            clauses.append("t.assignee_name = ? COLLATE NOCASE")
            params.append(me.name)
    elif view is View.PENDING:
        clauses.append("t.status = 'pending'")
    elif view is View.BREACHING:
        clauses.append("t.sla_order <= ?")
        params.append(to_epoch(now + BREACHING_WINDOW))
    flt = query.filter
    for tag in ((query.tag,) if query.tag else ()) + flt.tags:
        clauses.append("t.id IN (SELECT ticket_id FROM ticket_tags WHERE tag = ?)")
        params.append(tag)
    for word in flt.words:
        clauses.append("instr(t.search_key, ?) > 0")
        params.append(word)
    if flt.statuses:
        clauses.append(f"t.status IN ({','.join('?' * len(flt.statuses))})")
        params += [s.value for s in flt.statuses]
    if flt.priorities:
        clauses.append(f"t.priority IN ({','.join('?' * len(flt.priorities))})")
        params += [int(p) for p in flt.priorities]
    if flt.assignee is not None:
        if flt.assignee in ("none", "nobody"):
            clauses.append("t.assignee_name IS NULL")
        else:
            clauses.append(
                "instr(lower(coalesce(t.assignee_name, '') || ' ' || coalesce(t.assignee_email, '')), ?) > 0"
            )
            params.append(flt.assignee)
    if flt.search is not None:
        match = fts.match_query(flt.search)
        if match is None:
            clauses.append("0")
        else:
            clauses.append("t.id IN (SELECT ticket_id FROM search WHERE search MATCH ?)")
            params.append(match)
    return " AND ".join(clauses) or "1", params


def _store_error(error: sqlite3.Error, path: Path | None) -> StoreError:
    text = str(error)
    code = _primary_code(error)
    if code == sqlite3.SQLITE_FULL or "full" in text:
        return StoreError(f"The disk holding {path} is full; free some space and try again (nothing was lost).")
    if _is_busy(error):
        return StoreError(f"Another agent-tui is writing this account's store {path}; try again in a moment.")
    if code == sqlite3.SQLITE_READONLY or "readonly" in text or "read-only" in text:
        return StoreError(f"The local store {path} is read-only; check its permissions.")
    if _is_damage(error):
        return StoreError(
            f"The local store {path} is damaged ({text}); restore it from a backup, or move it aside to start afresh."
        )
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return StoreError(
            f"The local store {path} could not be opened ({text}); check the permissions of the file and its folder."
        )
    return StoreError(f"The local store {path} failed ({text}).", whole_store=False)


def _primary_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)  # None for errors raised by Python's sqlite3 module itself
    return None if code is None else code & 0xFF


def _is_busy(error: sqlite3.Error) -> bool:
    text = str(error)
    return _primary_code(error) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text or "busy" in text


def _is_damage(error: sqlite3.Error) -> bool:
    """Pages that are not SQLite's: "database disk image is malformed", "file is not a database"."""
    return _primary_code(error) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT)
    try:
        _use_wal(connection)
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        connection.create_function("agent_tui_normalise_subject", 1, normalise_subject, deterministic=True)
    except BaseException:
        connection.close()
        raise
    return connection


def _use_wal(connection: sqlite3.Connection) -> None:
    """Switch to WAL, which lets readers go on while one process writes. Switching needs the file to itself,
    and SQLite reports another opener holding it as busy at once, without the busy timeout's wait: wait here."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _create(path: Path) -> None:
    """Make a new store beside PATH and give it PATH's name only once its schema is complete, so that
    another agent-tui opening PATH meanwhile finds no file or a whole store, never an empty one (which
    ``Store.open`` refuses as damage). Whoever links first wins; the others open the winner's store."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}.new")
    try:
        connection = _connect(draft)
        try:
            Store(connection, path)._migrate()
        finally:
            connection.close()
        try:
            os.link(draft, path)  # unlike a rename, never replaces a store another process has just made
        except OSError:
            pass  # it exists: open that one; or no hard links on this file system: Store.open makes it in place
    finally:
        for leftover in (draft, draft.with_name(draft.name + "-wal"), draft.with_name(draft.name + "-shm")):
            leftover.unlink(missing_ok=True)
