"""The send-time guard and claims: what issue 7 needs that works without a shared server (store-based)."""

import json
import subprocess
import sys

from agent_tui.cli import main
from tests.conftest import NOW_ISO
from tests.ingest.test_ingest import jsonl


def cli(home, *args, capsys, agent=None, monkeypatch=None):
    if agent:
        monkeypatch.setenv("AGENT_TUI_AGENT", agent)
    code = main(["--home", str(home), "--now", NOW_ISO, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_send_is_refused_when_the_customer_wrote_meanwhile_until_the_agent_looks(home, capsys, monkeypatch):
    assert cli(home, "reply", "1041", "--template", "apology-late-order", capsys=capsys)[0] == 0  # draft saved
    # While Robin writes, Lucy writes again (the mail arrives by another program).
    monkeypatch.setattr(
        "sys.stdin",
        __import__("io").TextIOWrapper(
            __import__("io").BytesIO(
                jsonl(
                    [
                        {
                            "from": "Lucy Barnes <lucy.barnes@mail.example>",
                            "subject": "Re: Missing item from order PP-10585 [#1041]",
                            "text": "Actually it just arrived, sorry!",
                            "date": "2026-11-24T11:59:00Z",
                        }
                    ]
                )
            )
        ),
    )
    assert cli(home, "ingest", "-", capsys=capsys)[0] == 0
    code, out, err = cli(home, "reply", "1041", "--send", capsys=capsys)
    assert code == 3 and err.count("\n") == 1
    assert "changed since your draft was saved (Lucy Barnes wrote again at 11:59 UTC)" in err
    assert "agent-tui show 1041" in err
    assert cli(home, "show", "1041", capsys=capsys)[0] == 0  # seen
    code, out, err = cli(home, "reply", "1041", "--send", "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["status"] == "sent"


def test_another_agents_reply_or_status_change_blocks_the_send(home, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("Sorry about the size!\n"))
    assert (
        cli(
            home,
            "reply",
            "1044",
            "--body-file",
            "-",
            capsys=capsys,
            agent="Robin Ng <robin@pineandpebble.example>",
            monkeypatch=monkeypatch,
        )[0]
        == 0
    )
    code, _, err = cli(
        home,
        "set",
        "1044",
        "--status",
        "pending",
        capsys=capsys,
        agent="Dana Li <dana@pineandpebble.example>",
        monkeypatch=monkeypatch,
    )
    assert code == 0, err
    code, _, err = cli(
        home,
        "reply",
        "1044",
        "--send",
        capsys=capsys,
        agent="Robin Ng <robin@pineandpebble.example>",
        monkeypatch=monkeypatch,
    )
    assert code == 3 and "Dana Li set the status to pending" in err


def test_take_is_a_compare_and_set(home, capsys, monkeypatch):
    code, out, _ = cli(home, "list", "--view", "unassigned", "--json", "--limit", "1", capsys=capsys)
    ticket = str(json.loads(out)[0]["id"])
    assert cli(home, "take", ticket, capsys=capsys, agent="Dana Li <dana@x.example>", monkeypatch=monkeypatch)[0] == 0
    assert (
        cli(home, "take", ticket, capsys=capsys, agent="Dana Li <dana@x.example>", monkeypatch=monkeypatch)[0] == 0
    )  # mine: fine
    code, _, err = cli(home, "take", ticket, capsys=capsys, agent="Sam Okafor <sam@x.example>", monkeypatch=monkeypatch)
    assert code == 3 and err.strip() == f"agent-tui: Ticket {ticket} is already assigned to Dana Li; it was not taken."


def test_two_processes_taking_at_once_exactly_one_wins(home, capsys):
    cli(home, "list", capsys=capsys)  # the demo exists
    code, out, _ = cli(home, "list", "--view", "unassigned", "--json", "--limit", "1", capsys=capsys)
    ticket = str(json.loads(out)[0]["id"])
    env = lambda who: {**__import__("os").environ, "AGENT_TUI_AGENT": who, "AGENT_TUI_HOME": str(home)}  # noqa: E731
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "agent_tui", "take", ticket],
            env=env(who),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("Ann <ann@x.example>", "Bo <bo@x.example>")
    ]
    codes = sorted(run.wait(timeout=60) for run in runs)
    assert codes == [0, 3]
