"""The queue: which tickets a view and a filter show, in which order, a page at a time, and the counts
beside the views and tags; with the WHERE and ORDER BY clauses they are built from, and the table row.

A mixin of ``Store`` (see ``base``). The screens read a queue a page at a time as an agent scrolls and
filters it, so these reads never touch a message body.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from agent_tui.domain.models import Agent, Priority, Status
from agent_tui.domain.queue import BREACHING_WINDOW, QueueQuery, QueueRow, SortKey, View
from agent_tui.store import fts
from agent_tui.store.base import StoreBase, to_epoch
from agent_tui.store.snooze import WOKEN

_QUEUE_COLUMNS = (
    "t.id, t.subject, t.status, t.priority, c.name, c.email, t.assignee_name, t.created_at,"
    " t.updated_at, t.sla_due_at, t.sla_metric, t.tags, t.message_count, t.snoozed_until"
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
        snoozed_until=row[13],
    )


class QueueMixin(StoreBase):
    """Queue pages, positions and counts."""

    def queue_ids(self, query: QueueQuery, me: Agent, now: datetime) -> list[int]:
        """Ids of every ticket a queue shows, in order (for scripts; the TUI reads pages)."""
        where, params, order, join = _queue_sql(query, me, now, self._woken_first(query))
        return [
            row[0] for row in self._read(f"SELECT t.id FROM tickets t{join} WHERE {where} ORDER BY {order}", params)
        ]

    def queue_count(self, query: QueueQuery, me: Agent, now: datetime) -> int:
        where, params, _, _ = _queue_sql(query, me, now)
        return self._read(f"SELECT COUNT(*) FROM tickets t WHERE {where}", params)[0][0]

    def queue_page(self, query: QueueQuery, me: Agent, now: datetime, offset: int, limit: int) -> list[QueueRow]:
        """One window of a queue's rows. Cheap at 100,000 tickets: no bodies read, the order is indexed."""
        where, params, order, _ = _queue_sql(query, me, now, self._woken_first(query))
        rows = self._read(
            f"SELECT {_QUEUE_COLUMNS} FROM tickets t JOIN customers c ON c.id = t.customer_id"
            f" WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_row_to_queue(row) for row in rows]

    def queue_position(self, query: QueueQuery, me: Agent, now: datetime, ticket_id: int) -> int | None:
        """Where a ticket stands in a queue (0-based), or None when the queue doesn't hold it."""
        where, params, order, join = _queue_sql(query, me, now, self._woken_first(query))
        rows = self._read(
            f"SELECT position FROM (SELECT t.id, ROW_NUMBER() OVER (ORDER BY {order}) - 1 AS position"
            f" FROM tickets t{join} WHERE {where}) WHERE id = ?",
            [*params, ticket_id],
        )
        return rows[0][0] if rows else None

    def _woken_first(self, query: QueueQuery) -> bool:
        """A ticket that woke from a snooze comes first in the SLA order until someone touches it. Only asked
        when one is there: ordering on it can't use the queue index."""
        return query.sort is SortKey.SLA and bool(
            self._read(f"SELECT 1 FROM tickets t WHERE t.woke_at IS NOT NULL AND {WOKEN} LIMIT 1")
        )

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


def _queue_sql(query: QueueQuery, me: Agent, now: datetime, woken_first: bool = False) -> tuple[str, list, str, str]:
    """WHERE clause, its parameters, ORDER BY clause, and the join the order needs."""
    where, params = _where(query, me, now)
    order = _SORT_SQL[query.sort].format(
        dir=" DESC" if query.descending else "", rev="" if query.descending else " DESC"
    )
    if woken_first:  # back from a snooze and untouched: on top, as new work is
        order = f"{WOKEN} DESC, {order}"
    if query.filter.first is not None:  # the ticket a bare number names comes before the numbers that contain it
        order = f"t.id = {int(query.filter.first)} DESC, {order}"
    join = " JOIN customers c ON c.id = t.customer_id" if query.sort is SortKey.CUSTOMER else ""
    return where, params, order, join


_MINE = "(t.assignee_email = ? COLLATE NOCASE OR (t.assignee_email IS NULL AND t.assignee_name = ? COLLATE NOCASE))"


def _where(query: QueueQuery, me: Agent, now: datetime) -> tuple[str, list]:
    clauses: list[str] = []
    params: list = []
    view = query.view
    if view is not View.ALL:
        clauses.append("t.unsolved = 1")
    if view is View.UNASSIGNED:
        clauses.append("t.assignee_name IS NULL")
    elif view is View.MINE:
        clauses.append(_MINE if me.email else "t.assignee_name = ? COLLATE NOCASE")
        params += [me.email, me.name] if me.email else [me.name]
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
        if word.isdigit():  # a ticket number, or a number in a subject (an order number)
            clauses.append("(t.id = ? OR instr(t.search_key, ?) > 0)")
            params += [int(word), word]
        else:
            clauses.append("instr(t.search_key, ?) > 0")
            params.append(word)
    if flt.ticket_ids:
        clauses.append(f"t.id IN ({','.join('?' * len(flt.ticket_ids))})")
        params += list(flt.ticket_ids)
    if flt.statuses:
        clauses.append(f"t.status IN ({','.join('?' * len(flt.statuses))})")
        params += [s.value for s in flt.statuses]
    if flt.priorities:
        clauses.append(f"t.priority IN ({','.join('?' * len(flt.priorities))})")
        params += [int(p) for p in flt.priorities]
    if flt.assignee is not None:
        if flt.assignee in ("none", "nobody"):
            clauses.append("t.assignee_name IS NULL")
        elif flt.assignee == "me":
            clauses.append(_MINE if me.email else "t.assignee_name = ? COLLATE NOCASE")
            params += [me.email, me.name] if me.email else [me.name]
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
