"""Snooze (`set ID --until WHEN`): on hold until a time, then open and first in its queue; a customer writing
ends it early. ``--now`` stands for the passing time."""

import io
import json

from agent_tui.cli import main
from tests.ingest.test_ingest import jsonl

NOW = "2026-11-24T12:00:00+00:00"  # Tuesday
LATER = "2026-11-24T15:00:00+00:00"


def cli(home, now, *args, stdin=None, monkeypatch=None, capsys=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(stdin))))
    code = main(["--home", str(home), "--now", now, *args])
    out, err = capsys.readouterr()
    return code, out, err


def two_tickets(shop, monkeypatch, capsys):
    lines = [
        {"ticket": "A", "from": "ann@example.com", "subject": "Late", "text": "Where?", "date": "2026-11-24T09:00:00Z"},
        {
            "ticket": "B",
            "from": "bob@example.com",
            "subject": "Size",
            "text": "Too big",
            "date": "2026-11-24T08:00:00Z",
        },
        {
            "ticket": "A",
            "from": "support@shop.example",
            "author": "agent",
            "text": "Asking",
            "date": "2026-11-24T09:30:00Z",
        },
    ]
    assert cli(shop, NOW, "ingest", "-", stdin=jsonl(lines), monkeypatch=monkeypatch, capsys=capsys)[0] == 0


def listed(shop, now, capsys, *args):
    code, out, err = cli(shop, now, "list", "--json", *args, capsys=capsys)
    assert code == 0, err
    return json.loads(out)


def test_a_snoozed_ticket_wakes_open_and_on_top_of_all_open(shop, monkeypatch, capsys):
    two_tickets(shop, monkeypatch, capsys)
    code, out, err = cli(shop, NOW, "set", "1001", "--until", "2h", "--json", capsys=capsys)  # implies on-hold
    assert code == 0, err
    ticket = json.loads(out)
    assert (ticket["status"], ticket["snoozed_until"]) == ("on-hold", "2026-11-24T14:00:00+00:00")
    assert {c["state"] for c in ticket["sla"]} <= {"paused", "met"}

    before = {t["id"]: t for t in listed(shop, "2026-11-24T13:59:00+00:00", capsys)}
    assert (before[1001]["status"], before[1001]["snoozed_until"]) == ("on-hold", "2026-11-24T14:00:00+00:00")
    code, out, _ = cli(shop, "2026-11-24T13:59:00+00:00", "list", capsys=capsys)
    row = next(line for line in out.splitlines() if line.startswith("1001"))
    assert "14:00" in row and "snoozed" in row  # the queue says when it wakes

    woken = listed(shop, LATER, capsys, "--view", "all-open")
    assert [t["id"] for t in woken] == [1001, 1002]  # first, though 1002's clock is nearer its deadline
    assert (woken[0]["status"], woken[0]["snoozed_until"]) == ("open", None)
    resolution = next(c for c in woken[0]["sla"] if c["metric"] == "resolution")
    assert resolution["state"] == "ok"  # running again since 14:00

    # The reopen is logged at the snooze time, by "snooze": the clocks were paused from 12:00 to 14:00 only.
    code, out, _ = cli(shop, LATER, "sla", "1001", "--json", capsys=capsys)
    clock = next(c for c in json.loads(out) if c["metric"] == "resolution")
    assert clock["remaining_seconds"] == 3 * 86400 - (3 * 3600 + 1 * 3600)  # 09:00-12:00 and 14:00-15:00 ran

    # Touched by an agent: no longer first; its place is its SLA's again.
    assert cli(shop, LATER, "set", "1001", "--priority", "low", capsys=capsys)[0] == 0
    assert [t["id"] for t in listed(shop, LATER, capsys, "--view", "all-open")] == [1002, 1001]


def test_a_customer_message_before_the_time_reopens_and_ends_the_snooze(shop, monkeypatch, capsys):
    two_tickets(shop, monkeypatch, capsys)
    assert cli(shop, NOW, "set", "1001", "--status", "on-hold", "--until", "tomorrow 09:00", capsys=capsys)[0] == 0
    line = {"ticket": "A", "from": "ann@example.com", "text": "Any news?", "date": "2026-11-24T13:00:00Z"}
    assert cli(shop, NOW, "ingest", "-", stdin=jsonl([line]), monkeypatch=monkeypatch, capsys=capsys)[0] == 0
    ticket = next(t for t in listed(shop, "2026-11-24T13:30:00+00:00", capsys) if t["id"] == 1001)
    assert (ticket["status"], ticket["snoozed_until"]) == ("open", None)
    # Nothing happens at the old time: the snooze is gone.
    assert cli(shop, "2026-11-25T08:00:00+00:00", "set", "1001", "--status", "pending", capsys=capsys)[0] == 0
    ticket = next(t for t in listed(shop, "2026-11-25T10:00:00+00:00", capsys) if t["id"] == 1001)
    assert ticket["status"] == "pending"


def test_another_status_or_a_plain_on_hold_ends_the_snooze(shop, monkeypatch, capsys):
    two_tickets(shop, monkeypatch, capsys)
    assert cli(shop, NOW, "set", "1001", "--until", "3d", capsys=capsys)[0] == 0
    code, out, _ = cli(shop, NOW, "set", "1001", "--status", "on-hold", "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["snoozed_until"] is None
    assert cli(shop, NOW, "set", "1001", "--until", "mon 09:00", capsys=capsys)[0] == 0
    code, out, _ = cli(shop, NOW, "show", "1001", capsys=capsys)
    assert "on-hold until Mon 30 Nov 09:00" in out
    code, out, _ = cli(shop, NOW, "set", "1001", "--status", "open", "--json", capsys=capsys)
    assert (json.loads(out)["status"], json.loads(out)["snoozed_until"]) == ("open", None)


def test_until_with_another_status_or_garbage_is_exit_2_and_changes_nothing(shop, monkeypatch, capsys):
    two_tickets(shop, monkeypatch, capsys)
    code, _, err = cli(shop, NOW, "set", "1001", "--status", "pending", "--until", "2h", capsys=capsys)
    assert code == 2 and "on-hold" in err and err.count("\n") == 1
    code, _, err = cli(shop, NOW, "set", "1001", "--until", "whenever", capsys=capsys)
    assert code == 2 and "'whenever' is not a time" in err and "tomorrow 09:00" in err
    code, _, err = cli(shop, NOW, "set", "1001", "--until", "2026-11-01T09:00", capsys=capsys)
    assert code == 2 and "already past" in err
    ticket = next(t for t in listed(shop, NOW, capsys) if t["id"] == 1001)
    assert (ticket["status"], ticket["snoozed_until"]) == ("open", None)


def test_when_is_read_in_the_sla_policys_zone(shop, monkeypatch, capsys):
    (shop / "sla.toml").write_text('timezone = "Asia/Shanghai"\n[business_hours]\nmon = ["09:00-17:00"]\n')
    two_tickets(shop, monkeypatch, capsys)
    code, out, err = cli(shop, NOW, "set", "1001", "--until", "tomorrow 09:00", "--json", capsys=capsys)
    assert code == 0, err
    assert json.loads(out)["snoozed_until"] == "2026-11-25T01:00:00+00:00"  # 09:00 in Shanghai
