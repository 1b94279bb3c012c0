"""Killed sends and a restarted server, against a real Dovecot and a real SMTP server on loopback.

The sending agent-tui runs in its own process and is killed (SIGKILL) while the SMTP server holds it at a
chosen step; then a fresh process retries, as after a crash and a restart."""

import asyncio
import io
import json
import os
import subprocess
import sys
import threading
from email import message_from_bytes

from aiosmtpd.controller import Controller

from agent_tui.cli import make_app
from tests.conftest import NOW
from tests.servers.dovecot import free_port
from tests.sources.conftest import Inbox
from tests.sources.test_imap import mail, run
from tests.sources.test_imap_live import subjects, wait_for
from tests.sources.test_imap_presence import add_account
from tests.sources.test_imap_team import DANA, as_agent


class HoldingSmtp:
    """An SMTP server that can hold a client at RCPT or at the end of DATA until told to go on."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.hold_at: str | None = None
        self.reached = threading.Event()
        self.release = threading.Event()
        outer = self

        class Handler:
            async def _maybe_hold(self, step):
                if outer.hold_at == step:
                    outer.reached.set()
                    while not outer.release.is_set():
                        await asyncio.sleep(0.05)

            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                await self._maybe_hold("rcpt")
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                outer.received.append(envelope.original_content or envelope.content)  # a real MTA queues it now
                await self._maybe_hold("data")
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()


def sending_process(home):
    env = {**os.environ, "AGENT_TUI_AGENT": DANA}
    return subprocess.Popen(
        [sys.executable, "-m", "agent_tui", "--home", str(home), "reply", ticket_of(home), "--send"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def ticket_of(home):
    return str(
        json.loads(
            subprocess.run(
                [sys.executable, "-m", "agent_tui", "--home", str(home), "list", "--json"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )[0]["id"]
    )


def killed_while_sending(tmp_path, dovecot, inbox, monkeypatch, capsys, hold_at, draft_options=()):
    smtp = HoldingSmtp()
    home = tmp_path / "dana"
    add_account(home, dovecot, smtp.port, capsys)
    inbox.append("INBOX", mail("Where is my refund?").as_bytes())
    as_agent(monkeypatch, DANA)
    run(home, "sync", capsys=capsys)
    monkeypatch.setattr("sys.stdin", io.StringIO("Your refund left today.\n"))
    saved = run(home, "reply", ticket_of(home), "--body-file", "-", *draft_options, capsys=capsys)
    assert saved[0] == 0, saved[2]  # a saved draft
    smtp.hold_at = hold_at
    process = sending_process(home)
    assert smtp.reached.wait(30), "the send never reached the SMTP server"
    process.kill()
    process.wait()
    smtp.hold_at = None
    smtp.release.set()
    return smtp, home


def test_killed_before_the_message_was_handed_over_sends_it_once_on_restart(
    tmp_path, dovecot, inbox, monkeypatch, capsys
):
    smtp, home = killed_while_sending(tmp_path, dovecot, inbox, monkeypatch, capsys, hold_at="rcpt")
    try:
        assert smtp.received == []
        code, _, err = run(home, "reply", ticket_of(home), "--send", capsys=capsys)
        assert code == 0, err
        assert len(smtp.received) == 1 and len(inbox.messages("Sent")) == 1
        assert run(home, "reply", ticket_of(home), "--send", capsys=capsys)[0] == 2  # no draft left: sent, and once
        assert len(smtp.received) == 1
    finally:
        smtp.controller.stop()


def test_killed_while_the_server_took_it_is_held_never_sent_twice_on_its_own(
    tmp_path, dovecot, inbox, monkeypatch, capsys
):
    smtp, home = killed_while_sending(tmp_path, dovecot, inbox, monkeypatch, capsys, hold_at="data")
    try:
        assert len(smtp.received) == 1  # the server had it all when the sender died: the customer gets it
        ticket = ticket_of(home)
        for _ in range(2):  # a restart retries: held, not sent again, and the draft is kept
            code, _, err = run(home, "reply", ticket, "--send", capsys=capsys)
            assert code == 1 and "may already have reached the customer" in err and "Traceback" not in err
        assert len(smtp.received) == 1
        code, _, err = run(home, "reply", ticket, "--send", "--resend", capsys=capsys)  # the agent decides
        assert code == 0, err
        assert len(smtp.received) == 2
        code, out, _ = run(home, "show", ticket, "--json", capsys=capsys)
        assert [m["text"] for m in json.loads(out)["messages"]].count("Your refund left today.\n") == 1
    finally:
        smtp.controller.stop()


def test_a_held_reply_is_settled_by_the_agent_and_holds_back_no_other_ticket(
    tmp_path, dovecot, inbox, monkeypatch, capsys
):
    smtp, home = killed_while_sending(tmp_path, dovecot, inbox, monkeypatch, capsys, hold_at="data")
    try:
        held = ticket_of(home)
        code, out, _ = run(home, "outbox", "list", "--json", capsys=capsys)
        (entry,) = json.loads(out)
        assert (str(entry["ticket"]), entry["kind"], entry["state"]) == (held, "reply", "held")

        inbox.append("INBOX", mail("Wrong size", sender="Bo Chen <bo@example.com>").as_bytes())
        run(home, "sync", capsys=capsys)
        other = next(t["id"] for t in json.loads(run(home, "list", "--json", capsys=capsys)[1]) if str(t["id"]) != held)
        monkeypatch.setattr("sys.stdin", io.StringIO("Send it back, we swap it.\n"))
        code, _, err = run(home, "reply", str(other), "--body-file", "-", "--send", capsys=capsys)
        assert code == 0, err  # the held reply of another ticket does not stop this one
        assert len(smtp.received) == 2

        code, out, err = run(home, "outbox", "drop", held, "--json", capsys=capsys)
        assert code == 0 and json.loads(out)["status"] == "dropped", err
        assert json.loads(run(home, "outbox", "list", "--json", capsys=capsys)[1]) == []
        code, _, err = run(home, "reply", held, "--send", capsys=capsys)  # the text came back as the draft
        assert code == 0, err
        assert len(smtp.received) == 3  # the agent chose to send it again: a new mail, under a new Message-ID
        assert run(home, "outbox", "sent", held, capsys=capsys)[0] == 2  # nothing left to settle
    finally:
        smtp.controller.stop()


def test_a_held_reply_that_did_go_out_is_recorded_without_sending_again(tmp_path, dovecot, inbox, monkeypatch, capsys):
    smtp, home = killed_while_sending(tmp_path, dovecot, inbox, monkeypatch, capsys, hold_at="data")
    try:
        ticket = ticket_of(home)
        code, out, err = run(home, "outbox", "sent", ticket, capsys=capsys)
        assert code == 0 and "nothing was sent again" in out, err
        assert len(smtp.received) == 1
        shown = json.loads(run(home, "show", ticket, "--json", capsys=capsys)[1])
        assert [m["author"] for m in shown["messages"]] == ["customer", "agent"]
        assert shown["status"] == "open"  # a reply moves a new ticket to open, as a sent one does
        assert run(home, "reply", ticket, "--send", capsys=capsys)[0] == 2  # no draft left: it was the reply
        assert len(smtp.received) == 1
    finally:
        smtp.controller.stop()


async def test_the_tui_reconnects_after_the_server_restarts(home, dovecot, inbox, memory_keyring, monkeypatch, capsys):
    add_account(home, dovecot, 25, capsys)
    inbox.append("INBOX", mail("Before the restart").as_bytes())
    app = make_app(home=home, now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        assert await wait_for(pilot, lambda: app.connection_status == "online")
        dovecot.stop()
        assert await wait_for(pilot, lambda: app.connection_status.startswith("offline, retrying"), seconds=20)
        dovecot.restart()
        assert await wait_for(pilot, lambda: app.connection_status == "online", seconds=40)
        again = Inbox(dovecot.port)
        again.append("INBOX", mail("After the restart", sender="late@example.com").as_bytes())
        table = app.screen.query_one("QueueTable")
        assert await wait_for(pilot, lambda: "After the restart" in subjects(table), seconds=15)
        again.client.logout()


def test_a_forward_the_server_refused_is_listed_as_a_forward_and_settled_as_one(
    tmp_path, dovecot, inbox, monkeypatch, capsys
):
    home = tmp_path / "dana"
    add_account(home, dovecot, free_port(), capsys)  # nothing listens there: the forward can't go
    inbox.append("INBOX", mail("Parcel lost").as_bytes())
    run(home, "sync", capsys=capsys)
    ticket = ticket_of(home)
    as_agent(monkeypatch, DANA)
    monkeypatch.setattr("sys.stdin", io.StringIO("Please trace this one.\n"))
    code, _, err = run(home, "forward", ticket, "--to", "depot@courier.example", "--body-file", "-", capsys=capsys)
    assert code == 1 and "Traceback" not in err
    (entry,) = json.loads(run(home, "outbox", "list", "--json", capsys=capsys)[1])
    assert (str(entry["ticket"]), entry["kind"]) == (ticket, "forward")
    assert "forward" in run(home, "outbox", "list", capsys=capsys)[1]

    code, out, err = run(home, "outbox", "drop", ticket, "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["kind"] == "forward", err
    assert json.loads(run(home, "outbox", "list", "--json", capsys=capsys)[1]) == []
    assert run(home, "reply", ticket, "--send", capsys=capsys)[0] == 2  # a forward's text is no draft of a reply


def test_a_held_reply_dropped_comes_back_as_the_draft_with_the_recipients_it_had(
    tmp_path, dovecot, inbox, monkeypatch, capsys
):
    smtp, home = killed_while_sending(
        tmp_path, dovecot, inbox, monkeypatch, capsys, hold_at="data", draft_options=("--cc", "boss@example.com")
    )
    try:
        held = ticket_of(home)
        assert run(home, "outbox", "drop", held, capsys=capsys)[0] == 0
        code, _, err = run(home, "reply", held, "--send", capsys=capsys)
        assert code == 0, err
        assert message_from_bytes(smtp.received[-1])["Cc"] == "boss@example.com"  # not the reply-all default
    finally:
        smtp.controller.stop()
