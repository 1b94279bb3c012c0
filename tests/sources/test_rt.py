"""RtSource against a real Request Tracker 5 on loopback (the ``rt`` fixture; skipped where RT can't run)."""

from __future__ import annotations

import threading
from email.utils import make_msgid

import pytest

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import add_account, load_settings
from agent_tui.domain.models import Author, Status
from agent_tui.errors import CollisionError, SourceError
from agent_tui.services.accounts import open_account
from agent_tui.services.replies import Replies
from agent_tui.services.sync import sync
from agent_tui.services.tickets import TicketService
from agent_tui.sources.helpdesk.rt import RtSource
from tests.conftest import NOW
from tests.servers.rt import Rt, rt_table
from tests.sources.test_imap import mail

DANA = "Dana Li <dana@shop.example>"
SAM = "Sam Ortiz <sam@shop.example>"


@pytest.fixture
def desk(tmp_path, monkeypatch, rt):
    """Open the account "desk" of Dana (agent1, by token) or Sam (sam, by password) on the test RT."""
    opened: list[TicketService] = []

    def open_desk(who: str = "dana", **table) -> TicketService:
        home = tmp_path / who
        paths = AppPaths.resolve(home)
        if "desk" not in load_settings(paths).accounts:
            add_account(paths, "desk", rt_table(rt, who, **table))
        monkeypatch.setenv("AGENT_TUI_AGENT", SAM if who == "sam" else DANA)
        service = open_account(paths, load_settings(paths), "desk", NOW)
        opened.append(service)
        return service

    yield open_desk
    for service in opened:
        service.close()


def _customer_ticket(rt: Rt, subject: str) -> tuple[int, str]:
    message_id = make_msgid(domain="example.com")
    ticket = rt.mail(
        mail(subject, sender="Ann Lee <ann@example.com>", message_id=message_id, body="Where is it?").as_bytes()
    )
    return ticket, message_id


def test_rt_first_sync_files_tickets_with_rt_ids_and_messages_in_order(rt, desk):
    ticket, message_id = _customer_ticket(rt, "Parcel lost")
    reply = rt.api(
        "POST",
        f"/ticket/{ticket}/correspond",
        json={"Content": "We are on it.", "ContentType": "text/plain"},
        user="agent1",
    )
    assert reply.status_code == 201, reply.text
    note = rt.api(
        "POST",
        f"/ticket/{ticket}/comment",
        user="sam",
        password="pass2pass2",
        json={"Content": "Courier called.", "ContentType": "text/plain"},
    )
    assert note.status_code == 201, note.text
    service = desk()
    sync(service)
    assert service.store.ticket_for_message_ids([message_id]) == ticket  # the ticket id is RT's
    messages = service.store.messages(ticket)
    assert [m.author for m in messages] == [Author.CUSTOMER, Author.AGENT, Author.NOTE]
    assert [m.text.strip() for m in messages] == ["Where is it?", "We are on it.", "Courier called."]
    assert messages[1].sender.email == "dana@shop.example" and messages[2].sender.email == "sam@shop.example"
    assert service.ticket(ticket).customer.email == "ann@example.com"
    assert service.ticket(ticket).status is Status.OPEN  # RT opened it with the reply
    assert sync(service).new_messages == 0  # a second sync finds nothing new


def test_rt_status_owner_and_tags_changed_in_rt_arrive_on_the_next_sync(rt, desk):
    ticket, _ = _customer_ticket(rt, "Wrong colour")
    service = desk()
    sync(service)
    changed = rt.api(
        "PUT",
        f"/ticket/{ticket}",
        json={"Status": "stalled", "Owner": "sam", "CustomFields": {"Tags": ["VIP", "refund"]}},
    )
    assert changed.status_code == 200, changed.text
    report = sync(service)
    seen = service.ticket(ticket)
    assert report.team_changes == 1
    assert seen.status is Status.PENDING
    assert seen.assignee is not None and seen.assignee.email == "sam@shop.example"
    assert set(seen.tags) == {"vip", "refund"}


def test_rt_a_status_set_here_reaches_rt_and_a_stale_etag_is_read_and_merged(rt, desk, monkeypatch):
    ticket, _ = _customer_ticket(rt, "Refund")
    service = desk()
    sync(service)
    service.set_status(ticket, Status.SOLVED)
    service.tag(ticket, "refund")
    original, calls = RtSource._ticket, []

    def teammate_writes_between(self, client, ticket_id):
        read = original(self, client, ticket_id)
        calls.append(ticket_id)
        if len(calls) == 1:  # a teammate tags it in RT after this read: the write's ETag is stale
            assert rt.api("PUT", f"/ticket/{ticket_id}", json={"CustomFields": {"Tags": ["vip"]}}).status_code == 200
        return read

    monkeypatch.setattr(RtSource, "_ticket", teammate_writes_between)
    assert service.share() == []
    assert len(calls) >= 3  # read, refused (412), read again, written, checked
    there = rt.ticket(ticket)
    assert there["Status"] == "resolved"
    tags = next(cf["values"] for cf in there["CustomFields"] if cf["name"] == "Tags")
    assert sorted(tags) == ["refund", "vip"]  # the teammate's tag is kept, ours is added


def test_rt_two_agents_racing_to_take_a_ticket_exactly_one_wins(rt, desk):
    ticket, _ = _customer_ticket(rt, "Broken zip")
    dana, sam = desk("dana"), desk("sam")
    sync(dana)
    sync(sam)
    start, results = threading.Barrier(2), {}

    def take(name: str, service: TicketService) -> None:
        start.wait()
        try:
            service.take(ticket)
            results[name] = "took"
        except CollisionError:
            results[name] = "refused"

    threads = [threading.Thread(target=take, args=(n, s)) for n, s in (("dana", dana), ("sam", sam))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results.values()) == ["refused", "took"]
    winner = next(name for name, result in results.items() if result == "took")
    assert rt.ticket(ticket)["Owner"]["id"] == ("agent1" if winner == "dana" else "sam")


def test_rt_a_reply_handed_over_twice_makes_one_correspond_and_one_message(rt, desk, tmp_path):
    ticket, _ = _customer_ticket(rt, "Refund please")
    service = desk()
    sync(service)
    paths = AppPaths.resolve(tmp_path / "dana")
    replies = Replies(service, paths, load_settings(paths))
    sent = replies.send(ticket, "Your refund is on its way.")
    assert service.source is not None
    service.source.deliver_reply(ticket, sent)  # the response was lost: handed over again
    service.source.deliver_reply(ticket, sent, uncertain=True)  # and after a crash in the middle
    by_agent1 = [t for t in rt.transactions(ticket, "Correspond") if t["Creator"]["id"] == "agent1"]
    assert len(by_agent1) == 1
    sync(service)  # the reply comes back from RT as the very message sent: not a second one
    agent = [m for m in service.store.messages(ticket) if m.author is Author.AGENT]
    assert [m.message_id for m in agent] == [sent.message_id]


def test_rt_a_note_is_a_comment_never_a_correspond_and_goes_once(rt, desk):
    ticket, _ = _customer_ticket(rt, "Address change")
    service = desk()
    sync(service)
    note = service.store.messages(ticket)[0]
    note.author, note.text, note.message_id = Author.NOTE, "Check the warehouse.\n", make_msgid(domain="shop.example")
    assert service.source is not None
    service.source.deliver_note(ticket, note)
    service.source.deliver_note(ticket, note)
    assert len(rt.transactions(ticket, "Comment")) == 1
    assert rt.transactions(ticket, "Correspond") == []
    sync(service)
    notes = [m for m in service.store.messages(ticket) if m.author is Author.NOTE]
    assert [m.message_id for m in notes] == [note.message_id]


def test_rt_a_dead_server_or_a_bad_token_is_one_sentence(rt, desk, tmp_path):
    from tests.servers.dovecot import free_port

    dead = desk("dana", url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(SourceError, match="could not be reached") as error:
        sync(dead)
    assert "\n" not in str(error.value) and "Traceback" not in str(error.value)
    bad = desk("sam", password_command="echo wrong")
    with pytest.raises(SourceError, match="refused the login for 'sam'"):
        sync(bad)
