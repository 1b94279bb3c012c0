"""The SQLite store on disk: migrations, queue queries, changes and the event log."""

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from agent_tui.domain.models import (
    Address,
    Agent,
    Author,
    Customer,
    Message,
    Priority,
    Status,
)
from agent_tui.domain.queue import QueueQuery, SortKey, View, parse_filter
from agent_tui.errors import NotFoundError, StoreError
from agent_tui.store import Store
from agent_tui.store.schema import SCHEMA_VERSION

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ME = Agent("Dana Li", "dana@shop.example")


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "store.sqlite3")
    yield s
    s.close()


def add(store, subject, email="ann@example.com", name="Ann", minutes_ago=60, **kw):
    tid = store.create_ticket(
        subject=subject, customer=Customer(email, name), created_at=NOW - timedelta(minutes=minutes_ago), **kw
    )
    store.add_message(
        tid,
        Message(
            Author.CUSTOMER,
            Address(email, name),
            NOW - timedelta(minutes=minutes_ago),
            f"body of {subject}",
            subject=subject,
        ),
    )
    return tid


def test_schema_is_versioned_and_wal(tmp_path, store):
    raw = sqlite3.connect(tmp_path / "store.sqlite3")
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_keeps_data_and_a_newer_schema_is_refused(tmp_path, store):
    add(store, "kept")
    store.close()
    again = Store.open(tmp_path / "store.sqlite3")
    assert again.ticket_count() == 1
    again._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    again.close()
    with pytest.raises(StoreError, match="newer agent-tui"):
        Store.open(tmp_path / "store.sqlite3")


def test_ids_start_at_1001_and_count_up(store):
    assert [add(store, "a"), add(store, "b")] == [1001, 1002]


def test_views_and_filters(store):
    a = add(store, "Parcel lost", tags=["shipping"])
    b = add(store, "Refund please", email="bo@example.com", name="Bo Chen", assignee=ME)
    c = add(store, "退款问题", email="li@example.com", name="李雷")
    store.set_status(c, Status.PENDING, NOW, None)
    d = add(store, "Old thing")
    store.set_status(d, Status.SOLVED, NOW, None)

    def ids(**kw):
        return sorted(store.queue_ids(QueueQuery(**kw), ME, NOW))

    assert ids(view=View.OPEN) == [a, b, c]
    assert ids(view=View.ALL) == [a, b, c, d]
    assert ids(view=View.UNASSIGNED) == [a, c]
    assert ids(view=View.MINE) == [b]
    assert ids(view=View.PENDING) == [c]
    assert ids(view=View.OPEN, tag="shipping") == [a]
    assert ids(filter=parse_filter("bo chen")) == [b]
    assert ids(filter=parse_filter(f"#{c}")) == [c]
    assert ids(filter=parse_filter("李")) == [c]
    assert ids(filter=parse_filter("?退款")) == [c]
    assert ids(filter=parse_filter("?body lost")) == [a]
    assert ids(filter=parse_filter("status:pending")) == [c]
    assert ids(filter=parse_filter("assignee:none")) == [a, c]


def test_a_number_finds_its_ticket_first_and_hash_number_only_it(store):
    first = add(store, "Order PP-10021 late", email="amy@example.com", name="Amy")  # 1001: its subject has 1002
    named = add(store, "Wrong size", email="zed@example.com", name="Zed")  # 1002
    for sort in SortKey:
        found = store.queue_ids(QueueQuery(filter=parse_filter("1002"), sort=sort), ME, NOW)
        assert found == [named, first], sort  # the ticket the number names, then the numbers that contain it
    assert store.queue_ids(QueueQuery(filter=parse_filter("#1002")), ME, NOW) == [named]
    assert store.queue_position(QueueQuery(filter=parse_filter("1002")), ME, NOW, named) == 0


def test_assignee_me_is_the_mine_view_and_a_misspelt_value_says_what_would_do(store):
    mine = add(store, "Refund please", assignee=ME)
    add(store, "Parcel lost")
    assert store.queue_ids(QueueQuery(filter=parse_filter("assignee:me")), ME, NOW) == [mine]
    assert store.queue_ids(QueueQuery(view=View.MINE), ME, NOW) == [mine]
    assert parse_filter("priority:urgnet").hint == "Unknown priority 'urgnet': use one of low, normal, high, urgent."
    assert "pending" in (parse_filter("status:pend").hint or "")
    assert parse_filter("priority:urgent").hint is None


def test_sorting_by_priority_and_customer(store):
    low = add(store, "x", priority=Priority.LOW, email="zed@example.com", name="Zed")
    urgent = add(store, "y", priority=Priority.URGENT, email="amy@example.com", name="Amy")
    assert store.queue_ids(QueueQuery(sort=SortKey.PRIORITY), ME, NOW) == [urgent, low]
    assert store.queue_ids(QueueQuery(sort=SortKey.PRIORITY, descending=True), ME, NOW) == [low, urgent]
    assert store.queue_ids(QueueQuery(sort=SortKey.CUSTOMER), ME, NOW) == [urgent, low]


def test_breaching_view_reads_the_stored_deadline(store):
    soon, later = add(store, "soon"), add(store, "later")
    store.set_sla(soon, NOW + timedelta(minutes=30), "first_reply")
    store.set_sla(later, NOW + timedelta(hours=5), "first_reply")
    assert store.queue_ids(QueueQuery(view=View.BREACHING), ME, NOW) == [soon]
    assert store.queue_ids(QueueQuery(sort=SortKey.SLA), ME, NOW) == [soon, later]


def test_changes_are_logged_as_events(store):
    t = add(store, "x")
    store.set_status(t, Status.PENDING, NOW, "Dana Li")
    store.set_status(t, Status.OPEN, NOW + timedelta(hours=1), "Dana Li")
    _, changes = store.sla_inputs(t)
    assert [(c.status, c.at) for c in changes] == [(Status.PENDING, NOW), (Status.OPEN, NOW + timedelta(hours=1))]
    assert store.set_tag(t, "vip", True, NOW, None) is True
    assert store.set_tag(t, "vip", True, NOW, None) is False
    assert store.ticket(t).tags == ("vip",)
    assert store.queue_ids(QueueQuery(filter=parse_filter("vip")), ME, NOW) == [t]


def test_duplicate_message_id_is_ignored(store):
    t = add(store, "x")
    message = Message(Author.CUSTOMER, Address("a@b.c"), NOW, "hi", message_id="<1@x>")
    assert store.add_message(t, message) is not None
    assert store.add_message(t, message) is None
    assert store.ticket(t).message_count == 2


def test_missing_ticket_is_a_clear_error(store):
    with pytest.raises(NotFoundError, match="no ticket 4242"):
        store.ticket(4242)
    with pytest.raises(NotFoundError):
        store.set_status(4242, Status.OPEN, NOW, None)


def test_a_failed_transaction_rolls_back(store):
    t = add(store, "x")
    with pytest.raises(RuntimeError), store.transaction():
        store.set_status(t, Status.SOLVED, NOW, None)
        raise RuntimeError("boom")
    assert store.ticket(t).status is Status.NEW


def test_unwritable_location_is_a_store_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError):
        Store.open(blocker / "store.sqlite3")


def test_an_older_store_is_migrated_in_place(tmp_path):
    from agent_tui.store.db import _statements
    from agent_tui.store.schema import MIGRATIONS

    path = tmp_path / "old.sqlite3"
    raw = sqlite3.connect(path)
    for statement in _statements(MIGRATIONS[0]):
        raw.execute(statement)
    raw.execute("PRAGMA user_version = 1")
    raw.execute("INSERT INTO customers(id, email, name) VALUES (1, 'a@b.c', 'A')")
    raw.execute(
        "INSERT INTO tickets(id, subject, status, priority, customer_id, created_at, updated_at)"
        " VALUES (1001, 'RE: Fwd: Where is my order?', 'open', 1, 1, 0, 0)"
    )
    raw.commit()
    raw.close()
    store = Store.open(path)
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store._db.execute("SELECT thread_subject FROM tickets").fetchone()[0] == "where is my order?"
    assert store.ticket(1001).subject == "RE: Fwd: Where is my order?"
    store.close()
