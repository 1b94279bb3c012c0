"""Two agents on one real Dovecot: presence (viewing, replying, a killed client's lease running out) and
the send-time guard across machines. Dana's agent-tui runs in its own process (tests/sources/pilot_agent.py),
so it can be killed; Sam's is a Pilot app in this process."""

import io
import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from email import message_from_bytes

from agent_tui.cli import make_app
from agent_tui.domain.models import Agent
from agent_tui.domain.presence import Activity
from agent_tui.sources.imap import ImapSettings, ImapSource
from agent_tui.sources.imap.presence import CLIENT_HEADER, ImapPresence
from agent_tui.ui.modals import ConfirmModal
from agent_tui.ui.screens.compose import ComposeScreen
from agent_tui.ui.screens.ticket import TicketScreen
from agent_tui.ui.widgets.queue_table import QueueTable
from tests.conftest import NOW
from tests.sources.test_imap import mail, run
from tests.sources.test_imap_live import wait_for
from tests.sources.test_imap_team import DANA, SAM, as_agent

LEASE_SECONDS = 5  # Dana's: short, so the test sees a killed client expire; renewed every 1.7 s, even on a busy CI box


def add_account(home, dovecot, smtp_port, capsys, lease=None):
    code, _, err = run(
        home,
        "account",
        "add",
        "shop",
        "--imap",
        f"127.0.0.1:{dovecot.port}",
        "--smtp",
        f"127.0.0.1:{smtp_port}",
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
    if lease:
        with (home / "config.toml").open("a") as config:
            config.write(f"\n[agent]\npresence_lease_seconds = {lease}\n")


class AgentProcess:
    """Dana's agent-tui, in another process."""

    def __init__(self, home, agent):
        env = {**os.environ, "AGENT_TUI_AGENT": agent}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.sources.pilot_agent", str(home)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def send(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        lines = []
        while (line := self.process.stdout.readline().strip()) != "ok":
            assert line or self.process.poll() is None, "the other agent's process died"
            lines.append(line)
        return lines

    def open_first_ticket(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            self.send("press enter")
            ticket = self.send("ticket")[0]
            if ticket != "None":
                return int(ticket)
            time.sleep(0.3)
        raise AssertionError("Dana's queue never showed a ticket")

    def kill(self):
        self.process.kill()
        self.process.wait()


def dana_on(app, ticket_id, activity):
    return any(p.ticket_id == ticket_id and p.agent.name == "Dana Li" and p.activity is activity for p in app.presence)


async def test_sam_sees_dana_viewing_then_replying_until_her_killed_client_expires(
    tmp_path, dovecot, inbox, monkeypatch, capsys
):
    dana_home, sam_home = tmp_path / "dana", tmp_path / "sam"
    add_account(dana_home, dovecot, 25, capsys, lease=LEASE_SECONDS)
    add_account(sam_home, dovecot, 25, capsys)
    inbox.append("INBOX", mail("Where is my tent?").as_bytes())
    for home in (dana_home, sam_home):
        assert run(home, "sync", capsys=capsys)[0] == 0
    as_agent(monkeypatch, SAM)
    app = make_app(home=sam_home, now=NOW)
    dana = AgentProcess(dana_home, DANA)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            ticket = dana.open_first_ticket()
            assert await wait_for(pilot, lambda: dana_on(app, ticket, Activity.VIEWING), seconds=10)
            table = app.screen.query_one(QueueTable)
            assert await wait_for(pilot, lambda: table.presence.get(ticket, "").startswith("◉ Dana"))

            dana.send("press r")  # Dana starts a reply
            assert await wait_for(pilot, lambda: dana_on(app, ticket, Activity.REPLYING), seconds=10)
            await pilot.press("enter")  # Sam opens the same ticket (the only one)
            assert await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.detail is not None)
            line = app.screen.query_one("#ticket-presence")
            assert await wait_for(pilot, lambda: line.display and "Dana Li is replying" in str(line.render()))

            shown = subprocess.run(
                [sys.executable, "-m", "agent_tui", "--home", str(sam_home), "show", str(ticket), "--json"],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "AGENT_TUI_AGENT": SAM},
            )
            presence = json.loads(shown.stdout)["presence"]  # the CLI reads the presence folder itself
            assert [(p["agent"], p["activity"]) for p in presence if p["agent"].startswith("Dana")] == [
                ("Dana Li <dana@shop.example>", "replying")
            ]
            assert {(p["agent"], p["activity"]) for p in presence} >= {("Sam Ortiz <sam@shop.example>", "viewing")}

            dana.kill()  # no goodbye: only the lease can clear her
            assert await wait_for(pilot, lambda: not app.others_on(ticket), seconds=LEASE_SECONDS + 10)
            assert await wait_for(pilot, lambda: not line.display)
            inbox.client.select_folder("agent-tui-presence")
            notes = [d[b"BODY[]"] for d in inbox.client.fetch(inbox.client.search(["ALL"]), ["BODY.PEEK[]"]).values()]
            assert any(b"Dana Li" in note for note in notes)  # her last note is still there: cleared by expiry alone
            # Notes from two clients only: Sam's and Dana's. A renewal appends before it deletes (so no one sees
            # an agent vanish for a moment), so a client killed, or read, between the two has two notes for a while.
            clients = {message_from_bytes(note)[CLIENT_HEADER] for note in notes}
            assert len(clients) == 2 and len(notes) <= 4
    finally:
        dana.kill()


async def test_dana_replies_while_sam_writes_and_sams_send_waits_for_his_review(
    tmp_path, dovecot, inbox, smtp, monkeypatch, capsys
):
    dana_home, sam_home = tmp_path / "dana", tmp_path / "sam"
    for home in (dana_home, sam_home):
        add_account(home, dovecot, smtp.port, capsys)
    inbox.append("INBOX", mail("Refund for order 7").as_bytes())
    for home in (dana_home, sam_home):
        run(home, "sync", capsys=capsys)
    code, out, _ = run(sam_home, "list", "--json", capsys=capsys)
    ticket = json.loads(out)[0]["id"]
    as_agent(monkeypatch, SAM)
    app = make_app(home=sam_home, now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        assert await wait_for(pilot, lambda: app.screen.query_one(QueueTable).current_id == ticket)
        await pilot.press("enter", "r")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen) and app.screen.detail is not None)
        await pilot.press("enter")  # the first suggested template
        assert await wait_for(pilot, lambda: app.replies.draft(ticket) is not None)

        as_agent(monkeypatch, DANA)  # meanwhile, on Dana's machine
        monkeypatch.setattr("sys.stdin", io.StringIO("Refunded today.\n"))
        code, _, err = run(dana_home, "reply", str(ticket), "--body-file", "-", "--send", capsys=capsys)
        assert code == 0, err
        assert len(smtp.received) == 1

        await pilot.press("ctrl+s")  # Sam's send syncs first, finds Dana's reply in Sent, and holds back
        assert await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert any("Dana Li replied" in detail for detail in app.screen._details)  # the dialog names the change
        assert app.replies.draft(ticket) is not None
        assert len(smtp.received) == 1
        await pilot.press("s")  # reviewed: send anyway
        assert await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen))
        assert len(smtp.received) == 2


def test_hostile_or_stale_notes_in_the_presence_folder_are_ignored_and_cleared(tmp_path, dovecot, inbox, capsys):
    from datetime import UTC, datetime, timedelta
    from email.message import EmailMessage

    home = tmp_path / "sam"
    add_account(home, dovecot, 25, capsys)
    uid = inbox.append("INBOX", mail("Hello").as_bytes())
    run(home, "sync", capsys=capsys)
    ticket = 1000 + uid
    inbox.client.create_folder("agent-tui-presence")
    now = datetime.now(UTC)

    def note(agent, client, lease=45, when=None, ticket_id=ticket):
        message = EmailMessage()
        message["Subject"] = "agent-tui presence"
        message.set_content(
            json.dumps(
                {
                    "agent": agent,
                    "client": client,
                    "ticket": ticket_id,
                    "activity": "viewing",
                    "since": now.isoformat(),
                    "lease": lease,
                },
                indent=1,
            ),
            cte="7bit",
        )
        return (
            inbox.append("agent-tui-presence", message.as_bytes())
            if when is None
            else inbox.client.append("agent-tui-presence", message.as_bytes(), msg_time=when)
        )

    note("Dana Li <dana@shop.example>", "dana")
    note("\x1b]52;c;ZXZpbA==\x07Mallory <m@evil.example>", "mallory")
    note("Huge Lease <h@evil.example>", "huge", lease=1e20)
    note("Huge Ticket <t@evil.example>", "bigticket", ticket_id=10**30)
    note("Long Gone <g@evil.example>", "gone", when=now - timedelta(days=2))  # a client that died long ago
    code, out, err = run(home, "show", str(ticket), "--json", capsys=capsys)
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out  # JSON escapes what a hostile name carries
    agents = sorted(p["agent"].rsplit(" <", 1)[1] for p in json.loads(out)["presence"])
    assert agents == ["dana@shop.example>", "m@evil.example>"]  # well-formed, live notes only
    code, out, _ = run(home, "show", str(ticket), capsys=capsys)
    assert "\x1b" not in out and "is viewing" in out
    inbox.client.select_folder("agent-tui-presence")
    left = [data[b"BODY[]"] for data in inbox.client.fetch(inbox.client.search(["ALL"]), ["BODY.PEEK[]"]).values()]
    assert not any(b"Long Gone" in body for body in left)  # ten leases old: deleted by whoever saw it


def test_an_agent_who_quits_cleanly_is_gone_for_the_others_at_once_not_at_the_next_renewal(dovecot):
    """Her note is deleted on quitting; the others' IDLE hears it (as VANISHED, since QRESYNC is enabled)."""
    source = ImapSource(
        ImapSettings(
            "shop",
            "127.0.0.1",
            dovecot.port,
            "127.0.0.1",
            25,
            "support",
            "support@shop.example",
            "",
            "none",
            "echo secret",
        )
    )
    lease = timedelta(seconds=60)  # the next renewal is 20 s away: only hearing the deletion is quick
    sam, dana = (
        ImapPresence(source, Agent("Sam", "sam@shop.example"), lease),
        ImapPresence(source, Agent("Dana", "dana@shop.example"), lease),
    )
    dana.announce(1001, Activity.VIEWING)
    seen: list[list[str]] = []
    sam_stop, dana_stop = threading.Event(), threading.Event()
    sam_thread = threading.Thread(
        target=sam.run, args=(sam_stop, lambda live: seen.append([p.agent.name for p in live]))
    )
    dana_thread = threading.Thread(target=dana.run, args=(dana_stop, lambda live: None))
    sam_thread.start()
    time.sleep(1)  # Sam is listening first
    dana_thread.start()
    try:
        deadline = time.monotonic() + 10
        while "Dana" not in (seen[-1] if seen else []) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert seen and "Dana" in seen[-1]
        dana_stop.set()
        dana_thread.join()
        left = time.monotonic()
        while "Dana" in seen[-1] and time.monotonic() < left + 8:
            time.sleep(0.1)
        assert "Dana" not in seen[-1]
    finally:
        dana_stop.set()
        sam_stop.set()
        dana_thread.join()
        sam_thread.join()


def test_an_agent_named_at_first_run_is_announced_under_that_name_at_once(
    tmp_path, dovecot, inbox, monkeypatch, capsys
):
    """The first-run dialog names the agent while presence runs under the login name: the team hears the new
    name at once (service.become tells the running channel), not after a restart."""
    from agent_tui.config.paths import AppPaths
    from agent_tui.config.settings import load_settings
    from agent_tui.services.accounts import open_account

    home = tmp_path / "robin"
    add_account(home, dovecot, 25, capsys)
    monkeypatch.delenv("AGENT_TUI_AGENT", raising=False)
    paths = AppPaths.resolve(home)
    service = open_account(paths, load_settings(paths), None, None)
    channel = service.presence_channel
    assert channel is not None
    login = channel.me.name
    channel.announce(1001, Activity.VIEWING)
    stop = threading.Event()
    thread = threading.Thread(target=channel.run, args=(stop, lambda live: None))
    thread.start()
    try:
        listener = ImapPresence(service.source, Agent("Sam", "sam@shop.example"))

        def names() -> set[str]:
            return {p.agent.name for p in listener.read_once()}

        deadline = time.monotonic() + 10
        while login not in names() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert login in names()
        service.become(Agent("Robin Ng", "robin@shop.example"))
        deadline = time.monotonic() + 10  # the lease is 45 s: only an announcement made at once is seen in time
        while "Robin Ng" not in names() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "Robin Ng" in names() and login not in names()
    finally:
        stop.set()
        thread.join()
        service.close()
