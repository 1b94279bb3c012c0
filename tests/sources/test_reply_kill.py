"""Issue 15: a send killed (SIGKILL) at each step reaches the customer at most once, and at least once after the
agent sends again, with one copy in the store and no outbox row left unconfirmed.

``agent-tui reply ID --body-file - --send`` runs in a process of its own (``tests/sources/kill_agent.py``), which
kills itself at the step named by AGENT_TUI_TEST_KILL_AT, a variable agent-tui does not know:

- ``queued``: the outbox row is written, the source not called yet;
- ``sending``: inside before_handover ("sending" recorded, nothing handed over);
- ``accepted``: the server accepted the reply (RT's correspond POST, Zendesk's PUT, SMTP's 250), nothing more done;
- ``delivered``: the source returned (for IMAP: the copy is in Sent), "sent" not recorded;
- ``sent``: "sent" recorded, the reply not yet in the store.

The send is killed in two ways (``sent_from``): ``body``, the one command ``reply ID --body-file - --send``, and
``draft``, the draft saved first (``reply ID --body-file -``, as the composer does) and then ``reply ID --send``.
Then the agent runs ``agent-tui reply ID --send`` again, does what agent-tui says (the collision guard: ``show``,
then send again) and, when it says the reply may have reached the customer, decides to send it anyway
(``--resend``). What the customer got is counted on the server: RT's
Correspond transactions by agent1, the Zendesk fake's public agent comments, the SMTP server's messages and
the copies in Sent. Every wait is a hang guard only; nothing depends on timing.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.utils import make_msgid
from pathlib import Path

import pytest

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import add_account
from tests.conftest import NOW_ISO
from tests.servers.rt import rt_table
from tests.sources.kill_agent import POINTS
from tests.sources.test_imap import mail

ROOT = Path(__file__).resolve().parents[2]
DANA = "Dana Li <dana@shop.example>"
SAM = "Sam Ortiz <sam@shop.example>"
BODY = "Your refund of 12.50 is on its way.\n"
HANG_GUARD = 300  # seconds: only a hung process ever waits this long


def agent_tui(
    home: Path, *args: str, stdin: str = "", kill_at: str = "", agent: str = DANA
) -> subprocess.CompletedProcess[str]:
    """agent-tui as the agent runs it, in a process of its own (killed at ``kill_at`` when given)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AGENT_TUI_")}
    env.update(AGENT_TUI_AGENT=agent, AGENT_TUI_NOW=NOW_ISO, PYTHONPATH=str(ROOT))
    module = "agent_tui"
    if kill_at:
        env["AGENT_TUI_TEST_KILL_AT"], module = kill_at, "tests.sources.kill_agent"
    return subprocess.run(
        [sys.executable, "-m", module, "--home", str(home), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=HANG_GUARD,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr.strip()}"
    return result


@dataclass
class Desk:
    """One source's account on Dana's machine, a customer's ticket in it, and what reached the customer."""

    kind: str
    home: Path
    account: str
    ticket: int
    delivered: Callable[[], int]  # replies the customer got, counted on the server
    copies: Callable[[], int] = lambda: 0  # copies the team keeps on the server (IMAP: Sent), 0 where none
    later: Callable[[], None] = lambda: None  # time passes on the server (the Zendesk export's left-out minute)


def _stored(desk: Desk) -> tuple[list[str], list[str]]:
    """(bodies of the agent's replies in the store, states of outbox rows not confirmed)."""
    shown = json.loads(ok(agent_tui(desk.home, "show", str(desk.ticket), "--json")).stdout)
    replies = [m["text"] for m in shown["messages"] if m["author"] == "agent"]
    with sqlite3.connect(AppPaths.resolve(desk.home).store_file(desk.account)) as db:
        open_rows = [state for (state,) in db.execute("SELECT state FROM outbox WHERE state != 'confirmed'")]
    return replies, open_rows


def kill_then_send_again(desk: Desk, point: str, drafted: bool) -> list[subprocess.CompletedProcess[str]]:
    if drafted:  # the draft is saved first (as the TUI's composer does), then sent
        ok(agent_tui(desk.home, "reply", str(desk.ticket), "--body-file", "-", stdin=BODY))
        killed = agent_tui(desk.home, "reply", str(desk.ticket), "--send", kill_at=point)
    else:
        killed = agent_tui(
            desk.home, "reply", str(desk.ticket), "--body-file", "-", "--send", stdin=BODY, kill_at=point
        )
    assert killed.returncode == -signal.SIGKILL, f"not killed at {point}: {killed.returncode} {killed.stderr}"
    assert desk.delivered() <= 1
    runs = [agent_tui(desk.home, "reply", str(desk.ticket), "--send")]
    assert desk.delivered() <= 1, f"sent twice by a plain retry after a kill at {point}"
    if runs[-1].returncode == 3 and "review it" in runs[-1].stderr:  # the guard: the agent looks, then sends again
        ok(agent_tui(desk.home, "show", str(desk.ticket)))
        runs.append(agent_tui(desk.home, "reply", str(desk.ticket), "--send"))
        assert desk.delivered() <= 1, f"sent twice by a plain retry after a kill at {point}"
    if runs[-1].returncode != 0 and "--resend" in runs[-1].stderr:  # held: the agent decides to send it anyway
        runs.append(agent_tui(desk.home, "reply", str(desk.ticket), "--send", "--resend"))
    return runs


def check_once(desk: Desk, point: str, drafted: bool) -> None:
    runs = kill_then_send_again(desk, point, drafted)
    said = " | ".join(f"exit {r.returncode}: {r.stderr.strip()}" for r in runs)
    assert desk.delivered() == 1, f"kill at {point}: the customer got {desk.delivered()} replies ({said})"
    if desk.kind == "imap":
        assert desk.copies() == 1, f"kill at {point}: {desk.copies()} copies in Sent ({said})"
    desk.later()
    ok(agent_tui(desk.home, "sync"))  # the reply read back from the server is the one sent, not another
    replies, open_rows = _stored(desk)
    assert [r.strip() for r in replies] == [BODY.strip()], f"kill at {point}: stored {replies} ({said})"
    assert open_rows == [], f"kill at {point}: outbox rows left {open_rows} ({said})"


# -- the sources -------------------------------------------------------------------------------------------


@pytest.fixture
def rt_desk(rt, tmp_path) -> Desk:
    home = tmp_path / "dana"
    add_account(AppPaths.resolve(home), "desk", rt_table(rt))
    message_id = make_msgid(domain="example.com")
    ticket = rt.mail(mail("Refund please", message_id=message_id, body="Where is my refund?").as_bytes())
    ok(agent_tui(home, "sync"))

    def delivered() -> int:
        return sum(t["Creator"]["id"] == "agent1" for t in rt.transactions(ticket, "Correspond"))

    return Desk("rt", home, "desk", ticket, delivered)


@pytest.fixture
def zendesk_desk(tmp_path) -> Iterator[Desk]:
    from tests.sources.test_zendesk import _fake

    fake = _fake()
    home = tmp_path / "dana"
    table = {"kind": "zendesk", "url": fake.url, "user": "dana@shop.example", "token_command": "echo TOKEN"}
    add_account(AppPaths.resolve(home), "shop", table)
    ticket = fake.deliver_mail(mail("Refund please", body="Where is my refund?").as_bytes())
    fake.tick(61)  # past the export's left-out last minute
    ok(agent_tui(home, "sync"))

    def delivered() -> int:
        agents = {uid for uid, user in fake.users.items() if user["role"] != "end-user"}
        return sum(c["public"] and c["author_id"] in agents for c in fake.comments[ticket])

    yield Desk("zendesk", home, "shop", ticket, delivered, later=lambda: fake.tick(61))
    fake.stop()


@pytest.fixture
def imap_desk(tmp_path, dovecot, inbox, smtp) -> Desk:
    home = tmp_path / "dana"
    ok(
        agent_tui(
            home,
            *("account", "add", "shop", "--imap", f"127.0.0.1:{dovecot.port}", "--smtp", f"127.0.0.1:{smtp.port}"),
            *("--user", "support", "--address", "support@shop.example", "--tls", "none"),
            *("--password-command", "echo secret"),
        )
    )
    uid = inbox.append("INBOX", mail("Refund please", body="Where is my refund?").as_bytes())
    ok(agent_tui(home, "sync"))

    def ours(raw: bytes) -> bool:
        return str(message_from_bytes(raw).get("From", "")).endswith("<support@shop.example>")

    def delivered() -> int:
        return sum(ours(raw) for raw in smtp.received)

    def copies() -> int:
        return sum(ours(raw) for raw in inbox.messages("Sent"))

    return Desk("imap", home, "shop", 1000 + uid, delivered, copies)


# -- a send killed at each step ----------------------------------------------------------------------------


# Kill points where a send was known to go wrong, with why (strict xfail: a fix makes them fail until removed).
KNOWN_BUGS: dict[tuple[str, str, str], str] = {
    **{
        ("imap", "accepted", sent_from): (
            "documented, not a bug: killed between SMTP's 250 and the copy in Sent, nothing on either server says the "
            "reply went out, so it is held as uncertain; the simulated agent always chooses --resend, which sends it "
            "again (a real one checks the customer's mailbox first)"
        )
        for sent_from in ("body", "draft")
    },
}


def run_case(request, desk: Desk, point: str, sent_from: str) -> None:
    reason = KNOWN_BUGS.get((desk.kind, point, sent_from))
    if reason:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
    check_once(desk, point, sent_from == "draft")


@pytest.mark.parametrize("sent_from", ["body", "draft"])
@pytest.mark.parametrize("point", POINTS)
def test_rt_a_send_killed_at_each_step_reaches_the_customer_once(request, rt_desk, point, sent_from):
    run_case(request, rt_desk, point, sent_from)


@pytest.mark.parametrize("sent_from", ["body", "draft"])
@pytest.mark.parametrize("point", POINTS)
def test_zendesk_documented_shapes_a_send_killed_at_each_step_reaches_the_customer_once(
    request, zendesk_desk, point, sent_from
):
    run_case(request, zendesk_desk, point, sent_from)


@pytest.mark.parametrize("sent_from", ["body", "draft"])
@pytest.mark.parametrize("point", POINTS)
def test_imap_a_send_killed_at_each_step_reaches_the_customer_once(request, imap_desk, point, sent_from):
    run_case(request, imap_desk, point, sent_from)


# -- two agents racing to take a ticket, each in a process of its own ----------------------------------------


def test_rt_two_agent_processes_racing_to_take_a_ticket_exactly_one_wins_the_other_exits_3_naming_it(rt, tmp_path):
    ticket = rt.mail(mail("Broken zip", body="The zip broke.").as_bytes())
    homes = {"dana": (tmp_path / "dana", DANA), "sam": (tmp_path / "sam", SAM)}
    for who, (home, agent) in homes.items():
        add_account(AppPaths.resolve(home), "desk", rt_table(rt, who))
        ok(agent_tui(home, "sync", agent=agent))
    env = {key: value for key, value in os.environ.items() if not key.startswith("AGENT_TUI_")}
    racing = {
        who: subprocess.Popen(
            [sys.executable, "-m", "agent_tui", "--home", str(home), "take", str(ticket)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**env, "AGENT_TUI_AGENT": agent, "AGENT_TUI_NOW": NOW_ISO},
        )
        for who, (home, agent) in homes.items()
    }
    results = {}
    for who, process in racing.items():
        said = process.communicate(timeout=HANG_GUARD)
        results[who] = (process.returncode, said)
    codes = sorted(code for code, _ in results.values())
    assert codes == [0, 3], results
    winner = next(who for who, (code, _) in results.items() if code == 0)
    loser_err = next(err for code, (_, err) in results.values() if code == 3)
    assert re.search(rf"(?i)\b{winner}\b", loser_err), loser_err  # by name, address or (unknown here) its local part
    assert rt.ticket(ticket)["Owner"]["id"] == ("agent1" if winner == "dana" else "sam")
