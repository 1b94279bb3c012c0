"""ZendeskSource against Zendesk's DOCUMENTED request and response shapes (``tests/servers/zendesk_fake.py``).

Zendesk itself can't run here: every test name says "documented shapes". The contract behaviours of
``test_contract.py`` run below over a ``Zendesk`` harness (to be merged into that file's list).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import add_account
from agent_tui.domain.models import Author, Priority, Status
from agent_tui.errors import SourceError
from agent_tui.services.merge import merge_tickets
from agent_tui.services.sync import sync
from agent_tui.services.tickets import TicketService
from agent_tui.sources.helpdesk.zendesk import ZendeskSettings, ZendeskSource
from agent_tui.sources.helpdesk.zendesk.client import ZendeskClient
from agent_tui.sources.items import Incoming, NewItems, StateSeen, StatesSeen
from tests.conftest import NOW
from tests.servers.zendesk_fake import FakeZendesk
from tests.sources import test_contract as contract
from tests.sources.test_contract import DANA, SAM, Harness

START = NOW.timestamp() - 6 * 3600  # the fake's clock: before the contract's mail dates (NOW - 5 h + minutes)


class _Inbox:
    """Mail to the team's Zendesk support address (what ``Imap.inbox`` is to the IMAP harness)."""

    def __init__(self, fake: FakeZendesk) -> None:
        self.fake = fake

    def append(self, folder: str, raw: bytes) -> int:
        tid = self.fake.deliver_mail(raw)
        self.fake.tick(61)  # past the export's excluded last minute
        return tid


class Zendesk(Harness):
    kind = "zendesk"

    def __init__(self, tmp_path, monkeypatch, fake: FakeZendesk) -> None:
        super().__init__(tmp_path, monkeypatch)
        self.fake, self.inbox = fake, _Inbox(fake)

    def add(self, home) -> None:
        table: dict[str, str | int | bool] = {
            "kind": "zendesk",
            "url": self.fake.url,
            "user": f"{home.name}@shop.example",  # each agent logs in with their own token
            "token_command": "echo TOKEN",
        }
        add_account(AppPaths.resolve(home), "shop", table)

    def open(self, home, agent: str = DANA) -> TicketService:
        self.fake.tick(61)  # time passes between one agent's change and another's sync
        return super().open(home, agent)

    def customer_writes(self, service: TicketService, raw: bytes) -> None:
        self.inbox.append("INBOX", raw)
        sync(service)

    def delivered(self) -> int:
        return len(self.fake.public_agent_comments())


def _fake() -> FakeZendesk:
    fake = FakeZendesk(START).start()
    fake.add_user("dana@shop.example", "Dana Li", "agent")
    fake.add_user("sam@shop.example", "Sam Ortiz", "admin")
    return fake


@pytest.fixture
def fake() -> Iterator[FakeZendesk]:
    server = _fake()
    yield server
    server.stop()


@pytest.fixture
def harness(tmp_path, monkeypatch, capsys, fake) -> Iterator[Harness]:
    made = Zendesk(tmp_path, monkeypatch, fake)
    made.add(tmp_path / "dana")
    made.add(tmp_path / "sam")
    capsys.readouterr()
    yield made


# -- the contract's behaviours over this harness (the lead merges ``Zendesk`` into test_contract.py) ------------

test_zendesk_documented_shapes_capabilities = (
    contract.test_capabilities_are_data_and_what_is_off_is_refused_with_a_sentence
)
test_zendesk_documented_shapes_customer_message_and_reopen = (
    contract.test_a_customer_message_makes_a_ticket_and_writing_again_reopens_it_once_solved
)
test_zendesk_documented_shapes_reply_once = (
    contract.test_a_reply_reaches_the_customer_once_however_often_it_is_handed_over
)
test_zendesk_documented_shapes_status_seen_by_teammate = (
    contract.test_a_status_set_here_is_seen_by_a_teammate_after_their_sync
)
test_zendesk_documented_shapes_take_one_holder = contract.test_take_lets_exactly_one_agent_hold_a_ticket
test_zendesk_documented_shapes_store_views_only = (
    contract.test_opening_and_pulling_read_the_store_only_through_the_contracts_views
)
test_zendesk_documented_shapes_long_tag_refused = contract.test_a_tag_the_source_cannot_hold_is_refused_before_it_is_set


# -- Zendesk's own behaviours ------------------------------------------------------------------------------------


class _State(dict):
    def set(self, key: str, value: str) -> None:
        self[key] = value


def _source(fake: FakeZendesk, user: str = "dana@shop.example") -> ZendeskSource:
    table = {"kind": "zendesk", "url": fake.url, "user": user, "token_command": "echo TOKEN"}
    return ZendeskSource(ZendeskSettings.from_config("shop", table), sleep=lambda seconds: None)


def _service(harness: Zendesk, agent: str = DANA) -> TicketService:
    home = harness.tmp_path / ("dana" if agent == DANA else "sam")
    return harness.open(home, agent)


def test_zendesk_documented_shapes_first_sync_follows_the_cursor_over_three_pages(harness, monkeypatch):
    fake = harness.fake
    monkeypatch.setattr("agent_tui.sources.helpdesk.zendesk.export.EXPORT_PAGE", 2)
    service = _service(harness)
    ids = [fake.create_ticket(f"c{i}@example.com", f"Order {i}", f"Where is order {i}?") for i in range(5)]
    fake.tick(61)
    late = fake.create_ticket("late@example.com", "Just now", "Sent in the last minute")  # left out of the export
    report = sync(service)
    exports = [t for m, t in fake.requests if "/incremental/tickets/cursor.json" in t]
    assert len(exports) == 3 and "start_time=0" in exports[0] and "cursor=" in exports[2]  # 2 + 2 + 1 tickets
    assert report.new_tickets == 5 and all(service.ticket(i).subject.startswith("Order") for i in ids)
    assert not service.store.ticket_exists(late)
    cursor = service.source_state.get("cursor")
    assert cursor  # the export's after_cursor, saved
    # Next time: the last minute is read, a ticket updated again comes back (overlap) and files only what is new.
    fake.add_comment(ids[0], fake.add_user("c0@example.com"), "Any news?")
    fake.tick(61)
    again = sync(service)
    assert again.new_tickets == 1 and again.new_messages == 2 and service.store.ticket_exists(late)
    assert [m.text.strip() for m in service.store.messages(ids[0])] == ["Where is order 0?", "Any news?"]
    assert service.source_state.get("cursor") != cursor
    assert sync(service).new_messages == 0  # nothing new: nothing filed twice
    service.close()


def test_zendesk_documented_shapes_a_stale_push_is_retried_and_merged(harness):
    fake = harness.fake
    tid = fake.create_ticket("ann@example.com", "Wrong size", "It is too small", tags=["vip"])
    fake.tick(61)
    service = _service(harness)
    sync(service)
    service.set_status(tid, Status.PENDING)
    service.tag(tid, "refund")
    fake.before_put = lambda t: fake.update(t, tags=["vip", "exchange"], priority="high")  # a teammate, just before
    assert service.share() == []
    ticket = fake.tickets[tid]
    assert ticket["status"] == "pending" and set(ticket["tags"]) == {"vip", "exchange", "refund"}
    assert ticket["priority"] == "high"
    assert isinstance(service.source, ZendeskSource) and service.source.conflicts == 1
    puts = [t for m, t in fake.requests if m == "PUT"]
    assert len(puts) == 2  # the 409, then the merged write
    service.close()


def test_zendesk_documented_shapes_priority_is_shared_both_ways(harness):
    fake = harness.fake
    tid = fake.create_ticket("ann@example.com", "Wrong size", "It is too small")
    fake.tick(61)
    dana, sam = _service(harness), _service(harness, SAM)
    sync(dana), sync(sam)
    dana.set_priority(tid, Priority.URGENT)
    fake.before_put = lambda t: fake.update(t, tags=["exchange"])  # a teammate's tag, just before Dana's write
    assert dana.share() == []
    assert (fake.tickets[tid]["priority"], fake.tickets[tid]["tags"]) == ("urgent", ["exchange"])
    fake.tick(61)
    sync(sam)
    assert sam.ticket(tid).priority is Priority.URGENT
    fake.update(tid, priority="low")  # set on Zendesk by a teammate
    fake.tick(61)
    sync(dana)
    assert dana.ticket(tid).priority is Priority.LOW
    dana.close(), sam.close()


def test_zendesk_documented_shapes_429_retry_after_is_waited_and_counted(fake):
    fake.create_ticket("ann@example.com", "Hello", "Hi")
    fake.tick(61)
    fake.throttle, fake.retry_after = 2, 1
    waits: list[float] = []
    source = ZendeskSource(
        ZendeskSettings.from_config(
            "shop", {"url": fake.url, "user": "dana@shop.example", "token_command": "echo TOKEN"}
        ),
        sleep=waits.append,
    )
    assert _items(source) == 1
    assert waits == [1.0, 1.0] and source.waited == [1.0, 1.0] and fake.throttled == 2
    fake.throttle = 10  # more than the client's retries: one sentence, not a tight loop
    with pytest.raises(SourceError, match="rate limiting"):
        _items(source)
    assert fake.throttled == 2 + 4 and len(waits) == 2 + 3


def test_zendesk_documented_shapes_a_real_retry_after_wait_is_bounded(fake):
    fake.throttle, fake.retry_after = 1, 1
    client = ZendeskClient(
        ZendeskSettings.from_config(
            "shop", {"url": fake.url, "user": "dana@shop.example", "token_command": "echo TOKEN"}
        )
    )
    import time

    started = time.monotonic()
    assert client.get("/users/me.json")["user"]["email"] == "dana@shop.example"
    assert 0.9 <= time.monotonic() - started < 5 and client.waited == [1.0] and client.remaining is not None
    client.close()


def _items(source: ZendeskSource) -> int:
    """Pull into nowhere as the sync service does (each change's items read before the next): how many items."""
    return len(_pulled(source, _Known(), _State())[0])


def _pulled(
    source: ZendeskSource, known: _Known, state: _State, *, files: bool = True
) -> tuple[list[Incoming], list[StateSeen]]:
    """One pull as the sync service takes it: each item filed (its ref known) before the next change is asked for
    (``files=False``: none is, as if the service could not file them)."""
    items: list[Incoming] = []
    seen: list[StateSeen] = []
    for change in source.pull(known, state, NOW):
        if isinstance(change, NewItems):
            for item in change.items:
                assert isinstance(item, Incoming) and item.source_ref
                items.append(item)
                if files:
                    known.refs.append(item.source_ref)
        elif isinstance(change, StatesSeen):
            seen.extend(change.seen)
    return items, seen


class _Known:
    """The store's read-only view as an empty store has it (``_pulled`` files refs into it)."""

    def __init__(self) -> None:
        self.refs: list[str] = []

    def source_refs_under(self, prefix: str) -> list[str]:
        return [r for r in self.refs if r.startswith(prefix)]

    def source_refs(self, ticket_id: int, prefix: str) -> list[str]:
        return [r for r in self.refs if r.startswith(f"{prefix}{ticket_id}/")]

    def message_ids_at(self, refs) -> dict[str, str]:
        return {}

    def bodies_pending(self, prefix: str) -> list[str]:
        return []


def _paths(fake: FakeZendesk) -> list[str]:
    return [t.split("?")[0] for _, t in fake.requests]


def _per_ticket(paths: list[str]) -> list[str]:
    """Requests about one ticket (its comments, audits, or itself)."""
    return [p for p in paths if p.startswith("/api/v2/tickets/") and p.split("/")[4].split(".")[0].isdigit()]


def test_zendesk_documented_shapes_requests_per_1000_tickets_are_bounded(fake):
    for i in range(1000):
        tid = fake.create_ticket(f"customer{i % 300}@example.com", f"Ticket {i}", "Hello")
        fake.add_comment(tid, 101, "We are on it", public=True)  # dana's answer
    fake.tick(61)
    fake.requests.clear()
    source = _source(fake)
    assert _items(source) == 2000
    paths = _paths(fake)
    assert paths.count("/api/v2/incremental/tickets/cursor.json") == 1
    assert paths.count("/api/v2/incremental/ticket_events.json") == 3  # 1,000 events a page, 2,000 events
    assert paths.count("/api/v2/users/show_many.json") == 1  # dana, who wrote: not side-loaded with the tickets
    assert not _per_ticket(paths)
    print(f"\nZendesk first sync: {len(paths)} requests for 1,000 tickets with 2 comments each")
    assert len(paths) <= 6


def test_zendesk_documented_shapes_300_tickets_of_3_comments_sync_in_a_few_requests(harness):
    fake = harness.fake
    for i in range(300):
        tid = fake.create_ticket(f"c{i}@example.com", f"Order {i}", f"Where is order {i}?")
        fake.add_comment(tid, fake.add_user("dana@shop.example"), "We are looking into it.")
        fake.add_comment(tid, fake.add_user(f"c{i}@example.com"), "Thank you!")
    service = _service(harness)  # time passes: past the exports' left-out minute
    fake.requests.clear()
    report = sync(service)
    assert report.new_tickets == 300 and report.new_messages == 900
    assert [m.text.strip() for m in service.store.messages(tid)] == [
        "Where is order 299?",
        "We are looking into it.",
        "Thank you!",
    ]
    paths = _paths(fake)
    assert not _per_ticket(paths) and len(paths) < 10, paths
    fake.requests.clear()
    assert sync(service).new_messages == 0  # nothing new: the saved places, nothing per ticket
    assert sorted(_paths(fake)) == [
        "/api/v2/incremental/ticket_events.json",
        "/api/v2/incremental/tickets/cursor.json",
    ], fake.requests
    service.close()


def test_zendesk_documented_shapes_a_ticket_the_ticket_export_did_not_list_comes_by_show_many(fake):
    ids = [fake.create_ticket(f"c{i}@example.com", f"Order {i}", "Hello", tags=["vip"]) for i in range(3)]
    fake.update(ids[1], priority="urgent", status="pending")
    fake.tick(61)
    source, known, state = _source(fake), _Known(), _State()
    changes = source.pull(known, state, NOW)
    while not isinstance(next(changes), NewItems):  # the ticket export read, its place saved; then cut short
        pass
    changes.close()
    assert state.get("cursor") and "events_time" not in state
    fake.requests.clear()
    items, seen = _pulled(source, known, state)  # the tickets are no longer in the ticket export
    paths = _paths(fake)
    assert paths.count("/api/v2/tickets/show_many.json") == 1 and not _per_ticket(paths)
    assert [(i.ticket_id_hint, i.message.subject, i.priority) for i in items] == [
        (ids[0], "Order 0", Priority.NORMAL),
        (ids[1], "Order 1", Priority.URGENT),
        (ids[2], "Order 2", Priority.NORMAL),
    ]
    assert [(s.ref, s.state.status, s.state.tags) for s in seen] == [
        (f"zd/{t}/{fake.comments[t][0]['id']}", Status.PENDING if t == ids[1] else Status.NEW, frozenset({"vip"}))
        for t in ids
    ]
    assert state.get("events_time")


def test_zendesk_documented_shapes_the_repeated_second_at_a_page_boundary_is_filed_once(fake):
    fake.event_page = 3  # every page ends on a second the next page starts with
    for i in range(7):
        tid = fake.create_ticket(f"c{i}@example.com", f"Order {i}", "Hello")
        fake.tick(1)
        fake.add_comment(tid, fake.add_user("dana@shop.example"), "On it")
    fake.tick(61)
    fake.requests.clear()
    source, known, state = _source(fake), _Known(), _State()
    items, _seen = _pulled(source, known, state)
    assert sorted(i.source_ref for i in items) == sorted(
        f"zd/{t}/{c['id']}" for t, comments in fake.comments.items() for c in comments
    )  # 14 comments, each once, though each page after the first repeated 2 of them
    assert _paths(fake).count("/api/v2/incremental/ticket_events.json") == 7
    # The same with refs the store does not hold (items the service could not file): still once a pull.
    items, _seen = _pulled(source, _Known(), _State(), files=False)
    assert len(items) == len({i.source_ref for i in items}) == 14


def test_zendesk_documented_shapes_a_page_of_events_in_one_second_does_not_stop_the_export(fake):
    fake.event_page = 2
    ids = [fake.create_ticket(f"c{i}@example.com", f"Order {i}", "Hello") for i in range(5)]  # one second
    second = fake.stamps[fake.audits[ids[0]][0]["id"]]
    fake.tick(1)
    late = fake.create_ticket("late@example.com", "Later", "Hello")
    fake.tick(61)
    fake.requests.clear()
    source, known, state = _source(fake), _Known(), _State()
    result: list = []
    worker = threading.Thread(target=lambda: result.append(_pulled(source, known, state)), daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "the export asked for the same second again and again"
    items, seen = result[0]
    assert sorted(i.ticket_id_hint for i in items) == sorted([*ids, late])  # none of that second's comments lost
    assert {s.ref for s in seen} >= {f"zd/{t}/{fake.comments[t][0]['id']}" for t in ids}
    paths = _paths(fake)
    assert sorted(p for p in paths if p.endswith("/comments.json")) == sorted(
        f"/api/v2/tickets/{t}/comments.json" for t in ids
    )  # read one by one: only the tickets of that second
    assert int(state["events_time"]) > second


def test_zendesk_documented_shapes_a_too_recent_start_time_is_caught_up_not_an_error(fake):
    fake.create_ticket("ann@example.com", "Hello", "Hi")
    fake.tick(61)
    recent = str(int(fake.clock) - 10)  # Zendesk refuses a start_time within its last minute (422)
    state = _State(events_time=recent)
    items, _seen = _pulled(_source(fake), _Known(), state)
    assert items == [] and state["events_time"] == recent
    assert _paths(fake).count("/api/v2/incremental/ticket_events.json") == 1


def test_zendesk_documented_shapes_notes_written_on_zendesk_stay_notes(harness):
    fake = harness.fake
    tid = fake.create_ticket("ann@example.com", "Refund", "Please refund")
    sam = fake.add_user("sam@shop.example")
    fake.add_comment(tid, sam, "Internal: check the warehouse first.", public=False)
    fake.add_comment(tid, sam, "We are checking with the warehouse.")
    fake.add_comment(tid, fake.add_user("ann@example.com"), "Thanks")
    service = _service(harness)
    sync(service)
    assert [m.author for m in service.store.messages(tid)] == [
        Author.CUSTOMER,
        Author.NOTE,
        Author.AGENT,
        Author.CUSTOMER,
    ]
    service.close()


def test_zendesk_documented_shapes_offset_pagination_stops_at_10000_records(fake):
    client = ZendeskClient(
        ZendeskSettings.from_config(
            "shop", {"url": fake.url, "user": "dana@shop.example", "token_command": "echo TOKEN"}
        )
    )
    with pytest.raises(SourceError, match="10,000"):
        client.get("/tickets.json", page=101)
    assert client.get("/tickets.json", page=100)["tickets"] == []
    client.close()


def test_zendesk_documented_shapes_a_dead_server_is_one_sentence(fake):
    url = fake.url
    fake.stop()
    source = ZendeskSource(
        ZendeskSettings.from_config("shop", {"url": url, "user": "dana@shop.example", "token_command": "echo TOKEN"})
    )
    with pytest.raises(SourceError) as error:
        list(source.pull(_Known(), _State(), NOW))
    text = str(error.value)
    assert "could not be reached" in text and text.endswith(".") and "\n" not in text


def test_zendesk_documented_shapes_a_wrong_token_is_one_sentence(fake):
    source = ZendeskSource(
        ZendeskSettings.from_config(
            "shop", {"url": fake.url, "user": "dana@shop.example", "token_command": "echo NOPE"}
        )
    )
    with pytest.raises(SourceError, match="refused the API token of 'dana@shop.example'"):
        list(source.pull(_Known(), _State(), NOW))


def test_zendesk_documented_shapes_notes_are_private_and_a_sent_reply_is_not_filed_twice(harness):
    fake = harness.fake
    tid = fake.create_ticket("ann@example.com", "Refund", "Please refund")
    fake.tick(61)
    service = _service(harness)
    sync(service)
    from agent_tui.config.settings import load_settings
    from agent_tui.services.replies import Replies

    paths = AppPaths.resolve(harness.tmp_path / "dana")
    replies = Replies(service, paths, load_settings(paths))
    replies.note(tid, "Checked the order: it shipped.")
    sent = replies.send(tid, "Your refund is on its way.")
    comments = fake.comments[tid]
    assert [(c["public"], c["via"]["channel"]) for c in comments] == [(True, "email"), (False, "api"), (True, "api")]
    fake.tick(61)
    assert sync(service).new_messages == 0  # our own note and reply come back with their Message-IDs
    authors = [(m.author, m.message_id == sent.message_id) for m in service.store.messages(tid)]
    assert authors == [(Author.CUSTOMER, False), (Author.NOTE, False), (Author.AGENT, True)]
    # Sam, on another machine, sees dana's note as a note and her reply as an agent's.
    sam = _service(harness, SAM)
    sync(sam)
    assert [m.author for m in sam.store.messages(tid)] == [Author.CUSTOMER, Author.NOTE, Author.AGENT]
    sam.close()
    service.close()


def test_zendesk_documented_shapes_a_reply_sent_from_here_is_known_by_its_events_metadata(harness):
    fake = harness.fake
    tid = fake.create_ticket("ann@example.com", "Refund", "Please refund")
    fake.tick(61)
    service = _service(harness)
    sync(service)
    from agent_tui.config.settings import load_settings
    from agent_tui.services.replies import Replies

    paths = AppPaths.resolve(harness.tmp_path / "dana")
    sent = Replies(service, paths, load_settings(paths)).send(tid, "Your refund is on its way.")
    fake.tick(61)
    fake.requests.clear()
    assert sync(service).new_messages == 0  # the reply came back, known by the marker its event carries
    assert not _per_ticket(_paths(fake))  # no audits read for it
    sam = _service(harness, SAM)
    fake.requests.clear()
    sync(sam)
    assert [(m.author, m.message_id) for m in sam.store.messages(tid)][1:] == [(Author.AGENT, sent.message_id)]
    assert not _per_ticket(_paths(fake))
    sam.close()
    service.close()


def test_zendesk_documented_shapes_live_wait_returns_on_news_and_respects_the_pace(harness):
    fake = harness.fake
    service = _service(harness)
    sync(service)
    source = service.source
    assert source is not None
    stop = threading.Event()
    fake.requests.clear()
    source.wait_for_changes(service.source_state, stop, 0.3)  # nothing new: waits, polls once
    assert len([t for _, t in fake.requests if "incremental" in t]) == 1
    fake.create_ticket("bo@example.com", "New", "Hello")
    fake.tick(61)
    source.wait_for_changes(service.source_state, stop, 30)  # returns at once: news after the cursor
    assert sync(service).new_tickets == 1
    service.close()


def test_zendesk_documented_shapes_the_cli_adds_an_account_and_syncs_it(tmp_path, fake, capsys):
    """End to end through the registry: `account add --zendesk URL`, then `sync --json` and `list --json`."""
    import json

    from agent_tui.cli import main

    home = str(cli_account(fake, tmp_path / "cli"))
    capsys.readouterr()
    assert main(["--home", home, "sync", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["new_tickets"] == 1
    assert main(["--home", home, "list", "--json"]) == 0
    (ticket,) = json.loads(capsys.readouterr().out)
    assert ticket["subject"] == "Where is it?" and ticket["customer"]["email"] == "ann@example.com"


def cli_account(fake: FakeZendesk, home, message_id: str = "<zd-cli@example.com>"):
    """Ann's mail waiting in Zendesk, and an account for it added as a user would, with `account add --zendesk`."""
    from agent_tui.cli import main

    fake.add_user("ann@example.com", "Ann Lee", "end-user")
    fake.deliver_mail(
        b"From: Ann Lee <ann@example.com>\r\nTo: support@shop.example\r\nSubject: Where is it?\r\n"
        + f"Message-ID: {message_id}\r\n\r\nOrder PP-1 never came.\r\n".encode()
    )
    fake.tick(61)
    add = [
        "account",
        "add",
        "zd",
        "--zendesk",
        fake.url,
        "--user",
        "dana@shop.example",
        "--token-command",
        "echo TOKEN",
    ]
    assert main(["--home", str(home), *add]) == 0
    return home


def _two_tickets_of_one_customer(harness: Zendesk) -> tuple[FakeZendesk, TicketService, int, int]:
    """Ann's two tickets (the second tagged vip), synced by Dana: the pair the merge tests merge."""
    fake = harness.fake
    first = fake.create_ticket("ann@example.com", "Order 77: where is it?", "Where is it?")
    second = fake.create_ticket("ann@example.com", "Order 77 again", "Still nothing", tags=["vip"])
    fake.tick(61)
    service = _service(harness)
    sync(service)
    return fake, service, first, second


def test_zendesk_documented_shapes_a_merge_made_here_is_zendesks_merge_and_the_target_keeps_its_state(harness):
    fake, service, first, second = _two_tickets_of_one_customer(harness)
    merge_tickets(service, first, second)
    assert service.share() == []
    assert fake.merges == [([first], second)]  # Zendesk's merge endpoint, once
    assert fake.tickets[first]["status"] == "closed" and "closed_by_merge" in fake.tickets[first]["tags"]
    assert fake.tickets[second]["status"] != "closed" and "vip" in fake.tickets[second]["tags"]
    notes = [c for c in fake.comments[second] if not c["public"]]
    assert [f"#{first}" in c["body"] for c in notes] == [True]  # said privately, never to the customer
    assert not any(c["public"] for c in fake.comments[first][1:])

    service.tag(second, "late")  # the target is pushed again: the merge is not asked for twice
    assert service.share() == []
    assert len(fake.merges) == 1 and "late" in fake.tickets[second]["tags"]
    fake.tick(61)
    sync(service)  # Zendesk's merge, read back: the merged ticket stays merged and closed, the target open
    assert service.store.merged_into(first) == second
    assert service.ticket(first).status is Status.CLOSED and service.ticket(second).status is not Status.CLOSED
    assert [m.author for m in service.store.messages(first)] == [Author.NOTE]  # Zendesk's note of where it went
    service.close()


def test_zendesk_documented_shapes_a_merged_tickets_state_never_lands_on_its_target(harness):
    fake, service, first, second = _two_tickets_of_one_customer(harness)
    merge_tickets(service, first, second)
    assert service.share() == []
    fake._touch(first)  # Zendesk's job stamps the closed ticket after the target
    fake.tick(61)
    sync(service)  # the merged ticket's refs are the target's now: its closed state must not follow them
    target = service.ticket(second)
    assert target.status is not Status.CLOSED and "vip" in target.tags and "closed_by_merge" not in target.tags
    service.close()


def test_zendesk_documented_shapes_a_merge_zendesk_cannot_make_is_named_and_blocks_no_sync(harness):
    fake, service, first, second = _two_tickets_of_one_customer(harness)
    del fake.tickets[first]  # deleted in Zendesk meanwhile
    merge_tickets(service, first, second)
    service.tag(second, "late")
    problems = service.share()
    assert problems == [(f"ticket {first}", f"Zendesk did not merge it into {second}: Zendesk has no ticket {first}")]
    assert "late" in fake.tickets[second]["tags"]  # the target's own change went out all the same
    fake.tick(61)
    sync(service)  # and the next sync runs
    service.close()
