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
from agent_tui.domain.models import Author, Status
from agent_tui.errors import SourceError
from agent_tui.services.sync import sync
from agent_tui.services.tickets import TicketService
from agent_tui.sources.helpdesk.zendesk import ZendeskSettings, ZendeskSource
from agent_tui.sources.helpdesk.zendesk.client import ZendeskClient
from agent_tui.sources.items import NewItems
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
    monkeypatch.setattr("agent_tui.sources.helpdesk.zendesk.source.EXPORT_PAGE", 2)
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
    count = 0
    for change in source.pull(_Known(), _State(), NOW):
        if isinstance(change, NewItems):
            count += sum(1 for _ in change.items)
    return count


class _Known:
    """The store's read-only view as an empty store has it."""

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


def test_zendesk_documented_shapes_requests_per_1000_tickets_are_bounded(fake):
    for i in range(1000):
        tid = fake.create_ticket(f"customer{i % 300}@example.com", f"Ticket {i}", "Hello")
        fake.add_comment(tid, 101, "We are on it", public=True)  # dana's answer: an agent side-loaded with it
    fake.tick(61)
    fake.requests.clear()
    source = _source(fake)
    assert _items(source) == 2000
    paths = [t.split("?")[0] for _, t in fake.requests]
    per_path = {p: paths.count(p) for p in {"/api/v2/incremental/tickets/cursor.json"}}
    assert per_path["/api/v2/incremental/tickets/cursor.json"] == 1
    assert not [p for p in paths if p.startswith("/api/v2/users")]  # no user looked up: side-loaded
    print(f"\nZendesk first sync: {len(paths)} requests for 1,000 tickets with 2 comments each")
    assert len(paths) <= 1001


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
