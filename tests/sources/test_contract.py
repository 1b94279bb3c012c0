"""The source contract (``sources/base.py``), run over every source: the same behaviours for each.

demo and local run in-process; imap runs against a real Dovecot and a real SMTP server on loopback. A source
joins by adding a harness below. What a source can't do (its capabilities say so) is skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from email.utils import make_msgid

import pytest

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import load_settings
from agent_tui.domain.models import Agent, Author, Message, Status
from agent_tui.errors import CollisionError, UsageError
from agent_tui.services.accounts import open_account
from agent_tui.services.ingest import Ingestor
from agent_tui.services.replies import Replies
from agent_tui.services.sync import sync
from agent_tui.services.tickets import TicketService
from agent_tui.sources.base import Capabilities
from agent_tui.sources.items import Incoming, NewItems, Push, TeamState, Unshared
from agent_tui.sources.mail import mail_item
from tests.conftest import NOW
from tests.sources.test_imap import mail

DANA = "Dana Li <dana@shop.example>"
SAM = "Sam Ortiz <sam@shop.example>"


class Harness:
    """One account of a source, as agents on two machines (``home``) would have it."""

    kind: str
    account: str | None = None  # the default account

    def __init__(self, tmp_path, monkeypatch) -> None:
        self.tmp_path, self.monkeypatch = tmp_path, monkeypatch

    def add(self, home) -> None:
        """Make the account on one agent's machine."""

    def open(self, home, agent: str = DANA) -> TicketService:
        self.monkeypatch.setenv("AGENT_TUI_AGENT", agent)
        paths = AppPaths.resolve(home)
        return open_account(paths, load_settings(paths), self.account, NOW)

    def customer_writes(self, service: TicketService, raw: bytes) -> None:
        """A customer's mail arrives in the account (through the source where it has one, else piped in)."""
        item = mail_item(raw, "customer", NOW)
        assert isinstance(item, Incoming)
        Ingestor(service).ingest([item])

    def delivered(self) -> int:
        """How many replies reached the outside world."""
        return 0


class Local(Harness):
    kind = "local"

    def add(self, home) -> None:
        from agent_tui.cli import main

        assert (
            main(["--home", str(home), "account", "add", "shop", "--local", "--address", "support@shop.example"]) == 0
        )


class Demo(Harness):
    kind = "demo"
    account = "demo"


class Imap(Harness):
    kind = "imap"

    def __init__(self, tmp_path, monkeypatch, dovecot, inbox, smtp) -> None:
        super().__init__(tmp_path, monkeypatch)
        self.dovecot, self.inbox, self.smtp = dovecot, inbox, smtp

    def add(self, home) -> None:
        from agent_tui.cli import main

        assert (
            main(
                [
                    "--home",
                    str(home),
                    "account",
                    "add",
                    "shop",
                    "--imap",
                    f"127.0.0.1:{self.dovecot.port}",
                    "--smtp",
                    f"127.0.0.1:{self.smtp.port}",
                    "--user",
                    "support",
                    "--address",
                    "support@shop.example",
                    "--tls",
                    "none",
                    "--password-command",
                    "echo secret",
                ]
            )
            == 0
        )

    def customer_writes(self, service: TicketService, raw: bytes) -> None:
        self.inbox.append("INBOX", raw)
        sync(service)

    def delivered(self) -> int:
        return len(self.smtp.received)


class _RtInbox:
    """Mail into RT's queue, through its mail gateway (what ``inbox.append`` is to the IMAP harness)."""

    def __init__(self, server) -> None:
        self.server = server

    def append(self, folder: str, raw: bytes) -> int:
        return self.server.mail(raw)


class Rt(Harness):
    """Request Tracker 5 over REST2: Dana is RT's agent1 (a token), Sam is RT's sam (a password). Customers write
    in by mail through RT's mail gateway; a follow-up names its ticket in the subject, as RT threads mail."""

    kind = "rt"
    long_tag = 300  # RT holds tags up to 255 characters

    def __init__(self, tmp_path, monkeypatch, server) -> None:
        super().__init__(tmp_path, monkeypatch)
        self.server, self.inbox = server, _RtInbox(server)
        self.baseline = self._replies()

    def add(self, home) -> None:
        from agent_tui.config.settings import add_account
        from tests.servers.rt import rt_table

        add_account(AppPaths.resolve(home), "desk", rt_table(self.server, "sam" if home.name == "sam" else "dana"))

    def customer_writes(self, service: TicketService, raw: bytes) -> None:
        from email import message_from_bytes

        replying_to = message_from_bytes(raw).get("In-Reply-To")
        ticket_id = service.store.ticket_for_message_ids([replying_to]) if replying_to else None
        if ticket_id is not None:
            self.server.reply_by_mail(ticket_id, raw)
        else:
            self.server.mail(raw)
        sync(service)

    def _replies(self) -> int:
        return sum(t["Creator"]["id"] == "agent1" for t in self.server.all_transactions("Correspond"))

    def delivered(self) -> int:
        return self._replies() - self.baseline


@pytest.fixture(params=["demo", "local", "imap", "rt"])
def harness(request, tmp_path, monkeypatch, capsys) -> Iterator[Harness]:
    if request.param == "rt":
        made: Harness = Rt(tmp_path, monkeypatch, request.getfixturevalue("rt"))
    elif request.param == "imap":
        made: Harness = Imap(
            tmp_path,
            monkeypatch,
            request.getfixturevalue("dovecot"),
            request.getfixturevalue("inbox"),
            request.getfixturevalue("smtp"),
        )
    else:
        made = {"demo": Demo, "local": Local}[request.param](tmp_path, monkeypatch)
    made.add(tmp_path / "dana")
    made.add(tmp_path / "sam")
    capsys.readouterr()
    yield made


def _new_ticket(harness: Harness, service: TicketService, subject: str) -> tuple[int, str]:
    message_id = make_msgid(domain="example.com")
    harness.customer_writes(
        service, mail(subject, sender="Ann Lee <ann@example.com>", message_id=message_id).as_bytes()
    )
    return service.store.ticket_for_message_ids([message_id]), message_id


def test_capabilities_are_data_and_what_is_off_is_refused_with_a_sentence(harness):
    service = harness.open(harness.tmp_path / "dana")
    source = service.source
    assert source is not None and source.kind == harness.kind and isinstance(source.capabilities, Capabilities)
    off = source.capabilities
    ticket_id, _ = _new_ticket(harness, service, "Where is my order?")
    calls = {
        "pull": lambda: sync(service),
        "push": lambda: source.push(
            [Push(ticket_id, Unshared(status=True), service.local_state(ticket_id))], service.store
        ),
        "claims": lambda: source.claim(ticket_id, service.local_state(ticket_id), service.me, service.store),
        "accepts_mail": lambda: source.deliver_mail([]),
    }
    for capability, call in calls.items():
        if not getattr(off, capability):
            with pytest.raises(UsageError):
                call()
    service.close()


def test_a_customer_message_makes_a_ticket_and_writing_again_reopens_it_once_solved(harness):
    service = harness.open(harness.tmp_path / "dana")
    ticket_id, first_id = _new_ticket(harness, service, "Parcel never came")
    assert ticket_id is not None and service.ticket(ticket_id).status is Status.NEW
    service.set_status(ticket_id, Status.SOLVED)
    service.share()
    # mail() dates are 5 h before NOW plus ``minutes``: this one comes 5 minutes after the solve.
    again = mail("Re: Parcel never came", sender="Ann Lee <ann@example.com>", minutes=5 * 60 + 5, in_reply_to=first_id)
    harness.customer_writes(service, again.as_bytes())
    assert service.ticket(ticket_id).status is Status.OPEN
    assert [m.author for m in service.store.messages(ticket_id)] == [Author.CUSTOMER, Author.CUSTOMER]
    service.close()


def test_a_reply_reaches_the_customer_once_however_often_it_is_handed_over(harness):
    service = harness.open(harness.tmp_path / "dana")
    ticket_id, _ = _new_ticket(harness, service, "Refund please")
    replies = Replies(
        service, AppPaths.resolve(harness.tmp_path / "dana"), load_settings(AppPaths.resolve(harness.tmp_path / "dana"))
    )
    sent = replies.send(ticket_id, "Your refund is on its way.")
    assert service.source is not None
    service.source.deliver_reply(ticket_id, sent)  # a retry after a crash: the source finds it already out
    assert harness.delivered() == (1 if service.source.capabilities.send else 0)
    stored = [m for m in service.store.messages(ticket_id) if m.author is Author.AGENT]
    assert [m.message_id for m in stored] == [sent.message_id]
    assert service.ticket(ticket_id).status is Status.OPEN  # an agent's first reply opens it
    service.close()


def test_a_status_set_here_is_seen_by_a_teammate_after_their_sync(harness):
    dana = harness.open(harness.tmp_path / "dana", DANA)
    if dana.source is None or not dana.source.capabilities.push:
        pytest.skip(f"a {harness.kind} account shares no ticket state")
    ticket_id, _ = _new_ticket(harness, dana, "Wrong size")
    dana.set_status(ticket_id, Status.PENDING)
    assert dana.share() == []
    dana.close()
    sam = harness.open(harness.tmp_path / "sam", SAM)
    sync(sam)
    assert sam.ticket(ticket_id).status is Status.PENDING
    sam.close()


def test_take_lets_exactly_one_agent_hold_a_ticket(harness):
    dana = harness.open(harness.tmp_path / "dana", DANA)
    ticket_id, _ = _new_ticket(harness, dana, "Broken zip")
    if dana.source is not None and dana.source.capabilities.claims:
        sam_home = harness.tmp_path / "sam"
        sam = harness.open(sam_home, SAM)
        sync(sam)
    else:  # no claims on a server: the agents share one store, and the store decides
        sam = harness.open(harness.tmp_path / "dana", SAM)
    assert dana.take(ticket_id).assignee.email == "dana@shop.example"
    with pytest.raises(CollisionError, match="(?i)dana"):  # by name where the team heard it, else by address
        sam.take(ticket_id)
    assert sam.ticket(ticket_id).assignee.email == "dana@shop.example"
    dana.close()
    sam.close()


class _ReadOnly:
    """The store as a source may see it: the four reads of ``KnownMessages``, and nothing that writes."""

    def __init__(self, store) -> None:
        self.source_refs_under = store.source_refs_under
        self.source_refs = store.source_refs
        self.message_ids_at = store.message_ids_at
        self.bodies_pending = store.bodies_pending


class _DictState(dict):
    def set(self, key: str, value: str) -> None:
        self[key] = value


def test_opening_and_pulling_read_the_store_only_through_the_contracts_views(harness):
    """A source that tried to write the store (or read it otherwise) would fail here: it only gets the views."""
    service = harness.open(harness.tmp_path / "dana")
    source = service.source
    assert source is not None
    if source.capabilities.pull:
        harness.inbox.append("INBOX", mail("Hello", sender="bo@example.com").as_bytes())
    state = _DictState()
    for opened in (
        source.prepare(_ReadOnly(service.store), state, NOW, Agent("Dana Li", "dana@shop.example")),
        source.pull(_ReadOnly(service.store), state, NOW),
    ):
        for change in opened:
            if isinstance(change, NewItems):
                for item in change.items:
                    assert not isinstance(item, Message)
    if harness.kind == "demo":
        assert set(state) == {"anchor"}
    if harness.kind == "imap":
        assert set(state) == {"INBOX", "Sent"}  # the folders' cursors, and nothing else
    if harness.kind == "rt":
        assert "txn" in state and set(state) <= {"txn", "users"}  # the transaction cursor, and the users seen
    service.close()


def test_a_tag_the_source_cannot_hold_is_refused_before_it_is_set(harness):
    service = harness.open(harness.tmp_path / "dana")
    ticket_id, _ = _new_ticket(harness, service, "Long tag")
    long_tag = "x" * getattr(harness, "long_tag", 60)
    if service.source is not None and service.source.capabilities.push:
        with pytest.raises(UsageError):
            service.tag(ticket_id, long_tag)
        assert long_tag not in service.ticket(ticket_id).tags  # undone with the refusal
    else:
        assert long_tag in service.tag(ticket_id, long_tag).tags
    service.close()


def test_team_state_merges_field_by_field():
    """What every pushing source writes: its own changed fields on top of the team's."""
    remote = TeamState(Status.OPEN, "sam@shop.example", frozenset({"vip"}))
    local = TeamState(Status.PENDING, "dana@shop.example", frozenset({"refund"}))
    merged = Unshared(status=True, tags={"refund": True}).merge_into(remote, local)
    assert merged == TeamState(Status.PENDING, "sam@shop.example", frozenset({"vip", "refund"}))
