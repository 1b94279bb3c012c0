"""RtSource against a real Request Tracker 5 on loopback (the ``rt`` fixture; skipped where RT can't run)."""

from __future__ import annotations

import os
import subprocess
import threading
from email.utils import make_msgid

import pytest

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import add_account, load_settings
from agent_tui.domain.models import Author, Priority, Status
from agent_tui.errors import CollisionError, SourceError
from agent_tui.services.accounts import open_account
from agent_tui.services.merge import merge_tickets
from agent_tui.services.replies import Replies
from agent_tui.services.sync import sync
from agent_tui.services.tickets import TicketService
from agent_tui.sources.helpdesk.rt import RtSource
from tests.conftest import NOW
from tests.servers.rt import Rt, rt_table
from tests.sources.test_imap import mail

DANA = "Dana Li <dana@shop.example>"
SAM = "Sam Ortiz <sam@shop.example>"
LEE_PASSWORD = "pass3pass3"  # lee: an agent on General who may not read its comments (see _lee)


@pytest.fixture
def desk(tmp_path, monkeypatch, rt):
    """Open the account "desk" of Dana (agent1, by token) or Sam (sam, by password) on the test RT."""
    opened: list[TicketService] = []

    def open_desk(who: str = "dana", **table) -> TicketService:
        home = tmp_path / who
        paths = AppPaths.resolve(home)
        if "desk" not in load_settings(paths).accounts:
            if who == "lee":
                table = {"user": "lee", "password_command": f"echo {LEE_PASSWORD}", **table}
            add_account(paths, "desk", rt_table(rt, "sam" if who == "lee" else who, **table))
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


def _in_rt(rt: Rt, perl: str) -> str:
    """Perl run inside RT as its system user: RT's own API, for setting up in bulk what REST would take minutes for."""
    env = {
        **os.environ,
        "RT_SITE_CONFIG": str(rt.dir / "RT_SiteConfig.pm"),
        "RT_SITE_CONFIG_DIR": str(rt.dir / "site.d"),
    }
    head = "use lib '/usr/share/request-tracker5/lib'; use RT; RT::LoadConfig(); RT::Init();\n"
    done = subprocess.run(
        ["perl", "-e", head + perl], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _lee(rt: Rt) -> None:
    """The agent lee on General, without ShowTicketComments: RT hides the queue's comments from lee."""
    _in_rt(
        rt,
        f"""my $u = RT::User->new(RT->SystemUser); $u->Load('lee');
        unless ($u->id) {{
            $u->Create(Name=>'lee', EmailAddress=>'lee@shop.example', RealName=>'Lee Park', Privileged=>1,
                       Password=>'{LEE_PASSWORD}');
            my $q = RT::Queue->new(RT->SystemUser); $q->Load('General') or die;
            $u->PrincipalObj->GrantRight(Right=>$_, Object=>$q)
                for qw(SeeQueue ShowTicket OwnTicket ReplyToTicket CommentOnTicket ModifyTicket SeeCustomField);
        }}""",
    )


@pytest.mark.parametrize("queue", ["", "General"], ids=["every queue", "one queue"])
def test_rt_a_long_run_of_another_queues_transactions_never_holds_the_feed_back(rt, desk, queue):
    first, _ = _customer_ticket(rt, "Before the rush")
    service = desk(queue=queue)
    sync(service)
    # 310 transactions in a queue Dana may not see (more than RT's pages of 100 the old feed read on over)
    _in_rt(
        rt,
        """my $q = RT::Queue->new(RT->SystemUser); $q->Load('Elsewhere') || $q->Create(Name => 'Elsewhere');
        my $t = RT::Ticket->new(RT->SystemUser); $t->Create(Queue => 'Elsewhere', Subject => 'Busy elsewhere');
        $t->SetPriority($_) for 1 .. 310;""",
    )
    ticket, message_id = _customer_ticket(rt, "After the rush")
    report = sync(service)
    assert service.store.ticket_for_message_ids([message_id]) == ticket
    assert report.new_tickets == 1
    assert sync(service).new_messages == 0
    assert service.ticket(first).subject == "Before the rush"


def test_rt_a_long_run_of_transactions_the_agents_rights_hide_never_holds_the_feed_back(rt, desk):
    _lee(rt)
    noisy, _ = _customer_ticket(rt, "Much discussed")
    service = desk("lee")
    sync(service)
    _in_rt(rt, f"my $t = RT::Ticket->new(RT->SystemUser); $t->Load({noisy}); $t->Comment(Content => 'c') for 1 .. 120;")
    ticket, message_id = _customer_ticket(rt, "After the comments")
    sync(service)
    assert service.store.ticket_for_message_ids([message_id]) == ticket  # past 120 comments lee may not read
    assert [m.author for m in service.store.messages(noisy)] == [Author.CUSTOMER]


def test_rt_a_reply_leaves_the_ticket_in_the_status_shown_here_at_once(rt, desk, tmp_path):
    ticket, _ = _customer_ticket(rt, "Parcel late")
    service = desk()
    sync(service)
    paths = AppPaths.resolve(tmp_path / "dana")
    replies = Replies(service, paths, load_settings(paths))
    replies.send(ticket, "It left the warehouse today.")
    assert service.ticket(ticket).status is Status.OPEN and rt.ticket(ticket)["Status"] == "open"  # no sync between
    service.set_status(ticket, Status.SOLVED)
    assert service.share() == []
    assert rt.ticket(ticket)["Status"] == "resolved"
    # RT's "On Correspond Open Inactive Tickets" would open it again; agent-tui's workflow leaves it solved
    replies.send(ticket, "Glad it arrived.")
    assert service.ticket(ticket).status is Status.SOLVED and rt.ticket(ticket)["Status"] == "resolved"
    replies.save_draft(ticket, "P.S. Here is your invoice.")
    sync(service)
    assert service.ticket(ticket).status is Status.SOLVED
    replies.send(ticket)  # nothing changed that the agent has not seen: not refused


def test_rt_the_send_guard_holds_for_a_teammate_never_for_the_agent_themself(rt, desk, tmp_path):
    ticket, _ = _customer_ticket(rt, "Wrong size")
    service = desk()
    sync(service)
    paths = AppPaths.resolve(tmp_path / "dana")
    replies = Replies(service, paths, load_settings(paths))
    replies.save_draft(ticket, "We will exchange it.")
    # Dana herself answers in RT's web UI meanwhile: RT opens the new ticket; her draft is still hers to send
    answered = rt.api(
        "POST",
        f"/ticket/{ticket}/correspond",
        json={"Content": "Checking.", "ContentType": "text/plain"},
        user="agent1",
    )
    assert answered.status_code == 201, answered.text
    sync(service)
    assert service.ticket(ticket).status is Status.OPEN
    replies.send(ticket)
    replies.save_draft(ticket, "Any news?")
    stalled = rt.api("PUT", f"/ticket/{ticket}", json={"Status": "stalled"}, user="sam", password="pass2pass2")
    assert stalled.status_code == 200, stalled.text
    with pytest.raises(CollisionError, match="set the status to pending"):
        replies.send(ticket)  # a teammate's change: reviewed first (exit 3)


@pytest.mark.parametrize(
    ("here", "in_rt", "teammates"),
    [  # a status RT holds as another: read back it stays; a teammate's change in RT still reads as RT's
        (Status.ON_HOLD, "stalled", [("open", Status.OPEN), ("stalled", Status.PENDING)]),
        (Status.CLOSED, "resolved", [("open", Status.OPEN), ("resolved", Status.SOLVED), ("rejected", Status.CLOSED)]),
    ],
)
def test_rt_a_status_rt_holds_as_another_stays_as_set_here_and_a_teammates_reads_as_rts(
    rt, desk, here, in_rt, teammates
):
    ticket, _ = _customer_ticket(rt, f"Set {here} here")
    service = desk()
    sync(service)
    service.set_status(ticket, here)
    assert service.share() == []
    assert rt.ticket(ticket)["Status"] == in_rt
    sync(service)
    sync(service)
    assert service.ticket(ticket).status is here
    for status, seen in teammates:
        changed = rt.api("PUT", f"/ticket/{ticket}", json={"Status": status}, user="sam", password="pass2pass2")
        assert changed.status_code == 200, changed.text
        sync(service)
        assert service.ticket(ticket).status is seen


def test_rt_priority_is_shared_both_ways_and_rts_default_leaves_ours(rt, desk):
    ticket, _ = _customer_ticket(rt, "Priority both ways")
    dana = desk()
    sync(dana)
    assert dana.ticket(ticket).priority is Priority.NORMAL  # RT's default 0: nobody set one
    dana.set_priority(ticket, Priority.URGENT)
    assert dana.share() == []
    assert rt.ticket(ticket)["Priority"] == "100"  # RT's web UI shows it as High
    assert rt.api("PUT", f"/ticket/{ticket}", json={"Priority": "Medium"}).status_code == 200  # a teammate in RT
    sync(dana)
    assert dana.ticket(ticket).priority is Priority.NORMAL
    dana.set_priority(ticket, Priority.LOW)
    dana.share()
    sync(dana)
    assert dana.ticket(ticket).priority is Priority.LOW and rt.ticket(ticket)["Priority"] == "25"


def test_rt_a_merge_made_here_is_rts_merge_and_teammates_see_it_on_sync_and_on_a_first_sync(rt, desk, tmp_path):
    first, _ = _customer_ticket(rt, "Order 77: where is it?")
    second, _ = _customer_ticket(rt, "Order 77 again")
    dana, sam = desk("dana"), desk("sam")
    sync(dana), sync(sam)
    merge_tickets(dana, first, second)
    assert dana.share() == []
    assert int(rt.ticket(first)["id"]) == second  # RT reads a merged ticket as its target
    assert rt.ticket(second)["Status"] != "resolved"  # the merged ticket's close never reached the target

    sync(sam)  # Sam synced before the merge: the feed's link transaction merges it on his machine too
    assert sam.store.merged_into(first) == second
    assert sam.ticket(first).status is Status.CLOSED
    texts = [m.subject for m in sam.store.messages(second)]
    assert "Order 77: where is it?" in texts and "Order 77 again" in texts

    fresh_home = tmp_path / "fresh"  # a teammate's first sync: RT's searches leave the merged ticket out
    paths = AppPaths.resolve(fresh_home)
    add_account(paths, "desk", rt_table(rt, "dana"))
    fresh = open_account(paths, load_settings(paths), "desk", NOW)
    try:
        sync(fresh)
        assert fresh.store.merged_into(first) == second
        assert len(fresh.store.messages(second)) == 2
    finally:
        fresh.close()

    rt.api("POST", f"/ticket/{first}/correspond", json={"Content": "Any news?", "ContentType": "text/plain"})
    sync(dana)  # RT files a reply to the merged ticket in its target; so does agent-tui
    assert [m.text.strip() for m in dana.store.messages(second)][-1] == "Any news?"
    assert sync(dana).team_changes == 0  # read once: nothing comes again


def test_rt_chains_of_merges_end_in_the_ticket_left_on_a_first_sync_and_on_a_later_one(rt, desk, tmp_path):
    a, _ = _customer_ticket(rt, "Chain A subject")
    b, _ = _customer_ticket(rt, "Chain B subject")
    c, _ = _customer_ticket(rt, "Chain C subject")
    sam = desk("sam")
    sync(sam)  # Sam saw the three; then goes offline while both merges are made in RT
    for merged, into in ((c, a), (a, b)):
        assert "Merge Successful" in rt.api("PUT", f"/ticket/{merged}", json={"MergeInto": into}).text
    sync(sam)
    assert sam.store.merge_target(c) == b and sam.store.merge_target(a) == b
    assert sam.ticket(c).status is Status.CLOSED and sam.ticket(a).status is Status.CLOSED

    paths = AppPaths.resolve(tmp_path / "fresh")  # a first sync: RT's searches show B alone
    add_account(paths, "desk", rt_table(rt, "dana"))
    fresh = open_account(paths, load_settings(paths), "desk", NOW)
    try:
        sync(fresh)
        assert fresh.store.merge_target(c) == b and fresh.store.merge_target(a) == b
        subjects = sorted(m.subject for m in fresh.store.messages(b))  # each message keeps its own subject
        assert subjects == ["Chain A subject", "Chain B subject", "Chain C subject"]
    finally:
        fresh.close()


def test_rt_a_ticket_merged_into_another_in_rt_meanwhile_is_refused_and_the_target_here_stays_open(rt, desk):
    a, _ = _customer_ticket(rt, "Merged twice A")
    b, _ = _customer_ticket(rt, "Merged twice B")
    c, _ = _customer_ticket(rt, "Merged twice C")
    dana = desk("dana")
    sync(dana)
    assert (
        "Merge Successful"
        in rt.api("PUT", f"/ticket/{a}", json={"MergeInto": c}, user="sam", password="pass2pass2").text
    )
    merge_tickets(dana, a, b)  # Dana, who has not synced since, merges A into B
    assert dana.share() == [(f"ticket {a}", f"RT did not merge it into {b} (RT has it merged into #{c} already)")]
    sync(dana)
    assert dana.store.merged_into(b) is None and dana.ticket(b).status is not Status.CLOSED
    assert rt.ticket(b)["Status"] != "resolved"
