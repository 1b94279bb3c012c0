"""Assignee and tags shared through the mailbox, and claims that can't collide, against a real Dovecot."""

import json
import os
import subprocess
import sys
import threading

from imapclient import IMAPClient

from agent_tui.domain.models import Status
from agent_tui.sources.imap.keywords import write_state
from agent_tui.sources.items import TeamState, Unshared
from tests.sources.test_imap import mail, run

DANA = "Dana Li <dana@shop.example>"
SAM = "Sam Ortiz <sam@shop.example>"


def add_account(home, dovecot, capsys):
    """An account whose password comes from a command, so separate processes can log in too."""
    code, _, err = run(
        home,
        "account",
        "add",
        "shop",
        "--imap",
        f"127.0.0.1:{dovecot.port}",
        "--smtp",
        "127.0.0.1:25",
        "--user",
        "support",
        "--address",
        "support@shop.example",
        "--tls",
        "none",
        "--password-command",
        "echo secret",
        capsys=capsys,
    )
    assert code == 0, err


def as_agent(monkeypatch, agent):
    monkeypatch.setenv("AGENT_TUI_AGENT", agent)


def two_agents(tmp_path, dovecot, inbox, capsys, subject="Shared"):
    dana, sam = tmp_path / "dana", tmp_path / "sam"
    for agent_home in (dana, sam):
        add_account(agent_home, dovecot, capsys)
    uid = inbox.append("INBOX", mail(subject).as_bytes())
    for agent_home in (dana, sam):
        assert run(agent_home, "sync", capsys=capsys)[0] == 0
    return dana, sam, uid


def show(home, ticket, capsys):
    code, out, err = run(home, "show", ticket, "--json", capsys=capsys)
    assert code == 0, err
    return json.loads(out)


def flags(inbox, uid):
    inbox.client.select_folder("INBOX")
    return set(inbox.client.get_flags([uid])[uid])


def test_assignee_and_tags_reach_the_other_agent(tmp_path, dovecot, inbox, monkeypatch, capsys):
    dana, sam, uid = two_agents(tmp_path, dovecot, inbox, capsys)
    ticket = str(1000 + uid)
    as_agent(monkeypatch, DANA)
    code, _, err = run(dana, "set", ticket, "--assign", "me", "--tag", "refund", "--tag", "退款", capsys=capsys)
    assert code == 0, err
    assert {b"$TuiAsg.dana@shop.example", b"$TuiTag.refund", b"$TuiTag.&5gaibzvmxy-", b"$TuiNew"} <= flags(inbox, uid)

    as_agent(monkeypatch, SAM)
    code, out, _ = run(sam, "sync", "--json", capsys=capsys)
    assert json.loads(out)["team_changes"] == 1
    seen = show(sam, ticket, capsys)
    assert seen["assignee_email"] == "dana@shop.example"
    assert sorted(seen["tags"]) == sorted(["refund", "退款"])

    run(sam, "set", ticket, "--untag", "refund", "--unassign", capsys=capsys)
    assert run(dana, "sync", capsys=capsys)[0] == 0
    seen = show(dana, ticket, capsys)
    assert seen["assignee"] is None and seen["tags"] == ["退款"]


def test_changes_to_different_fields_at_once_both_survive(tmp_path, dovecot, inbox, monkeypatch, capsys):
    dana, sam, uid = two_agents(tmp_path, dovecot, inbox, capsys)
    ticket = str(1000 + uid)
    as_agent(monkeypatch, DANA)
    run(dana, "set", ticket, "--tag", "vip", capsys=capsys)  # Sam has not synced since
    as_agent(monkeypatch, SAM)
    run(sam, "set", ticket, "--status", "pending", capsys=capsys)
    assert {b"$TuiPending", b"$TuiTag.vip"} <= flags(inbox, uid)  # Sam's write merged Dana's tag, field by field
    for agent_home in (dana, sam):
        run(agent_home, "sync", capsys=capsys)
        seen = show(agent_home, ticket, capsys)
        assert (seen["status"], seen["tags"]) == ("pending", ["vip"])


def test_a_priority_set_by_one_agent_reaches_the_other_and_keeps_their_tag(
    tmp_path, dovecot, inbox, monkeypatch, capsys
):
    dana, sam, uid = two_agents(tmp_path, dovecot, inbox, capsys)
    ticket = str(1000 + uid)
    as_agent(monkeypatch, DANA)
    assert run(dana, "set", ticket, "--priority", "urgent", capsys=capsys)[0] == 0
    assert b"$TuiUrgent" in flags(inbox, uid)
    as_agent(monkeypatch, SAM)
    run(sam, "set", ticket, "--tag", "vip", capsys=capsys)  # before Sam synced: the merge keeps Dana's priority
    assert {b"$TuiUrgent", b"$TuiTag.vip"} <= flags(inbox, uid)
    run(sam, "sync", capsys=capsys)
    assert show(sam, ticket, capsys)["priority"] == "urgent"

    run(sam, "set", ticket, "--priority", "low", capsys=capsys)
    assert b"$TuiUrgent" not in flags(inbox, uid)
    run(dana, "sync", capsys=capsys)
    seen = show(dana, ticket, capsys)
    assert (seen["priority"], seen["tags"]) == ("low", ["vip"])


def test_take_names_the_holder_and_exits_3_for_the_loser(tmp_path, dovecot, inbox, monkeypatch, capsys):
    dana, sam, uid = two_agents(tmp_path, dovecot, inbox, capsys)
    ticket = str(1000 + uid)
    as_agent(monkeypatch, DANA)
    code, out, err = run(dana, "take", ticket, "--json", capsys=capsys)
    assert code == 0, err
    assert json.loads(out)["assignee_email"] == "dana@shop.example"
    as_agent(monkeypatch, SAM)
    code, _, err = run(sam, "take", ticket, capsys=capsys)  # Sam's store still says unassigned: the mailbox decides
    assert code == 3 and "already assigned to" in err and "dana" in err.lower()
    assert show(sam, ticket, capsys)["assignee_email"] == "dana@shop.example"  # the loser sees who won
    as_agent(monkeypatch, DANA)
    assert run(dana, "take", ticket, capsys=capsys)[0] == 0  # already mine: fine
    assert [f for f in flags(inbox, uid) if f.startswith(b"$TuiAsg.")] == [b"$TuiAsg.dana@shop.example"]


def test_take_while_the_server_is_down_takes_nothing(tmp_path, dovecot, inbox, monkeypatch, capsys):
    dana, _, uid = two_agents(tmp_path, dovecot, inbox, capsys)
    dovecot.stop()
    as_agent(monkeypatch, DANA)
    code, _, err = run(dana, "take", str(1000 + uid), capsys=capsys)
    assert code == 1 and "was not taken" in err and "Traceback" not in err
    assert show(dana, str(1000 + uid), capsys)["assignee"] is None


def test_an_interleaved_claim_loses_to_the_one_that_stored_first(dovecot, inbox):
    """Both read "unassigned"; Dana stores first; Sam's conditional store gets [MODIFIED] and he sees Dana."""
    uid = inbox.append("INBOX", mail("Race").as_bytes())
    clients = []
    for _ in range(2):
        client = IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=10)
        client.login("support", "secret")
        client.enable("CONDSTORE")
        client.select_folder("INBOX")
        clients.append(client)
    dana, sam = clients
    local = TeamState(Status.NEW)
    real_fetch = sam.fetch
    calls = []

    def fetch_then_let_dana_in(*args, **kwargs):
        result = real_fetch(*args, **kwargs)
        if not calls:  # right after Sam read the state, Dana's whole claim runs
            assert write_state(dana, [uid], Unshared(), local, claim_for="dana@shop.example") is None
        calls.append(result)
        return result

    sam.fetch = fetch_then_let_dana_in
    assert write_state(sam, [uid], Unshared(), local, claim_for="sam@shop.example") == "dana@shop.example"
    assert len(calls) == 2  # Sam's store was refused, so he read again
    assert [f for f in flags(inbox, uid) if f.startswith(b"$TuiAsg.")] == [b"$TuiAsg.dana@shop.example"]
    for client in clients:
        client.logout()


def test_two_processes_taking_at_once_exactly_one_wins(tmp_path, dovecot, inbox, capsys):
    dana, sam, _ = two_agents(tmp_path, dovecot, inbox, capsys, subject="First")
    uids = [inbox.append("INBOX", mail(f"Race {n}", sender=f"c{n}@example.com").as_bytes()) for n in range(4)]
    for agent_home in (dana, sam):
        run(agent_home, "sync", capsys=capsys)
    for uid in uids:
        start = threading.Barrier(2)
        results = {}

        def take(name, agent_home, agent, start=start, uid=uid, results=results):
            env = {**os.environ, "AGENT_TUI_AGENT": agent}
            start.wait()
            done = subprocess.run(
                [sys.executable, "-m", "agent_tui", "--home", str(agent_home), "take", str(1000 + uid)],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            results[name] = (done.returncode, done.stderr)

        threads = [threading.Thread(target=take, args=args) for args in (("dana", dana, DANA), ("sam", sam, SAM))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        codes = sorted(code for code, _ in results.values())
        assert codes == [0, 3], results
        loser_err = next(err for code, err in results.values() if code == 3)
        assert "already assigned to" in loser_err
        holders = [f for f in flags(inbox, uid) if f.startswith(b"$TuiAsg.")]
        assert len(holders) == 1


def test_a_tag_too_long_for_the_mailbox_is_refused_when_set(tmp_path, dovecot, inbox, monkeypatch, capsys):
    dana, _, uid = two_agents(tmp_path, dovecot, inbox, capsys)
    ticket = str(1000 + uid)
    as_agent(monkeypatch, DANA)
    code, _, err = run(dana, "set", ticket, "--tag", "退款申请中请尽快处理谢谢", capsys=capsys)  # over Dovecot's 50
    assert code == 2 and "too long to share" in err
    assert show(dana, ticket, capsys)["tags"] == []  # nothing half-done
    assert run(dana, "set", ticket, "--tag", "退款申请中", capsys=capsys)[0] == 0  # a short Chinese tag fits
    assert run(dana, "sync", capsys=capsys)[0] == 0


def test_a_change_made_while_a_push_runs_is_kept(tmp_path, dovecot, inbox, monkeypatch, capsys):
    """Unshared changes are pushed; during the push the agent sets solved: that second change must still go out."""
    from agent_tui.config.paths import AppPaths
    from agent_tui.config.settings import load_settings
    from agent_tui.services.accounts import open_account
    from agent_tui.sources.imap import source

    dana, _, uid = two_agents(tmp_path, dovecot, inbox, capsys)
    as_agent(monkeypatch, DANA)
    paths = AppPaths.resolve(dana)
    service = open_account(paths, load_settings(paths), None, None)
    ticket = 1000 + uid
    service.set_status(ticket, Status.PENDING)
    real_write = source.write_state

    def write_then_change(*args, **kwargs):
        result = real_write(*args, **kwargs)
        service.set_status(ticket, Status.SOLVED)  # the agent, meanwhile, in the UI
        return result

    monkeypatch.setattr(source, "write_state", write_then_change)
    service.share()
    monkeypatch.setattr(source, "write_state", real_write)
    assert ticket in service.unshared()  # the second change is still to be shared
    service.share()
    assert b"$TuiSolved" in flags(inbox, uid) and not service.unshared()
    service.close()


def test_the_message_changed_last_speaks_for_its_ticket_on_every_machine(tmp_path, dovecot, inbox, monkeypatch, capsys):
    from tests.sources.test_imap import mail as make_mail

    dana, sam, uid = two_agents(tmp_path, dovecot, inbox, capsys)
    ticket = str(1000 + uid)
    first = inbox.messages("INBOX")[0]
    message_id = first.split(b"Message-ID: ")[1].split(b"\r\n")[0].split(b"\n")[0].decode()
    inbox.append("INBOX", make_mail("Re: Shared", minutes=10, in_reply_to=message_id).as_bytes())
    as_agent(monkeypatch, DANA)
    run(dana, "sync", capsys=capsys)  # Dana has the follow-up; Sam has not synced it
    run(dana, "set", ticket, "--status", "solved", capsys=capsys)  # written on both messages
    as_agent(monkeypatch, SAM)
    run(sam, "set", ticket, "--status", "pending", capsys=capsys)  # written on the first only, later
    carol = tmp_path / "carol"
    add_account(carol, dovecot, capsys)
    for agent_home in (dana, sam, carol):
        assert run(agent_home, "sync", capsys=capsys)[0] == 0
    assert [show(h, ticket, capsys)["status"] for h in (dana, sam, carol)] == ["pending"] * 3


def test_a_ticket_with_nothing_in_the_inbox_cannot_be_taken(tmp_path, dovecot, inbox, monkeypatch, capsys):
    from tests.sources.test_imap import mail as make_mail

    dana = tmp_path / "dana"
    add_account(dana, dovecot, capsys)
    inbox.append(
        "Sent", make_mail("Your order shipped", sender="Dana <support@shop.example>", to="ann@example.com").as_bytes()
    )
    assert run(dana, "sync", capsys=capsys)[0] == 0
    ticket = str(json.loads(run(dana, "list", "--json", capsys=capsys)[1])[0]["id"])
    as_agent(monkeypatch, DANA)
    code, _, err = run(dana, "take", ticket, capsys=capsys)
    assert code == 1 and "no message in the shared INBOX" in err


def test_a_snooze_is_shared_and_wakes_on_every_machine(tmp_path, dovecot, inbox, monkeypatch, capsys):
    dana, sam, uid = two_agents(tmp_path, dovecot, inbox, capsys)
    ticket = str(1000 + uid)
    later = ["--now", "2026-11-24T14:30:00+00:00"]  # past the wake time
    as_agent(monkeypatch, DANA)
    assert run(dana, "set", ticket, "--until", "2h", capsys=capsys)[0] == 0  # 12:00 + 2h
    wake = "$TuiUntil.1795528800"  # 2026-11-24T14:00:00Z
    assert {b"$TuiOnHold", wake.encode()} <= flags(inbox, uid)

    as_agent(monkeypatch, SAM)
    assert run(sam, "sync", capsys=capsys)[0] == 0
    seen = show(sam, ticket, capsys)
    assert (seen["status"], seen["snoozed_until"]) == ("on-hold", "2026-11-24T14:00:00+00:00")
    code, out, _ = run(sam, "list", "--json", "--view", "all-open", *later, capsys=capsys)
    woken = json.loads(out)[0]
    assert (woken["id"], woken["status"], woken["snoozed_until"]) == (int(ticket), "open", None)
    assert run(sam, "sync", *later, capsys=capsys)[0] == 0  # the wake goes to the mailbox
    assert b"$TuiOpen" in flags(inbox, uid) and wake.encode() not in flags(inbox, uid)

    as_agent(monkeypatch, DANA)
    assert run(dana, "sync", *later, capsys=capsys)[0] == 0
    seen = show(dana, ticket, capsys)  # woken here too, and never put back on hold by the older state
    assert (seen["status"], seen["snoozed_until"]) == ("open", None)
