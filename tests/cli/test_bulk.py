"""Bulk `set`: several ids or `-` (ids or JSON lines on stdin); each ticket all-or-nothing, a summary naming
every ticket left as it was, and the exit code: 3 guard, 2 bad input, 1 dead server, 0 all applied."""

import io
import json

from agent_tui.cli import main
from tests.conftest import NOW_ISO

LATER = "2026-11-24T12:30:00+00:00"


def cli(home, *args, capsys, monkeypatch, stdin=None, agent=None, now=NOW_ISO):
    if agent:
        monkeypatch.setenv("AGENT_TUI_AGENT", agent)
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--home", str(home), "--now", now, *args])
    out, err = capsys.readouterr()
    return code, out, err


def statuses(home, ids, capsys, monkeypatch):
    _, out, _ = cli(home, "list", "--json", capsys=capsys, monkeypatch=monkeypatch)
    return {t["id"]: t["status"] for t in json.loads(out) if t["id"] in ids}


def teammate_sets(home, ticket_id, *options, capsys, monkeypatch):
    """Dana changes one ticket half an hour after the listing (and the commands after run as her too)."""
    code, _, err = cli(
        home,
        "set",
        str(ticket_id),
        *options,
        capsys=capsys,
        monkeypatch=monkeypatch,
        agent="Dana Li <dana@pineandpebble.example>",
        now=LATER,
    )
    assert code == 0, err


def test_bulk_solve_of_three_with_one_refused_by_the_guard(home, capsys, monkeypatch):
    code, listed, _ = cli(
        home, "list", "--view", "open", "--limit", "3", "--jsonl", capsys=capsys, monkeypatch=monkeypatch
    )
    ids = [json.loads(line)["id"] for line in listed.splitlines()]
    assert code == 0 and len(ids) == 3
    # After the listing, a teammate changes the second ticket.
    teammate_sets(home, ids[1], "--tag", "vip", capsys=capsys, monkeypatch=monkeypatch)
    code, out, err = cli(
        home, "set", "-", "--status", "solved", stdin=listed, capsys=capsys, monkeypatch=monkeypatch, now=LATER
    )
    assert code == 3
    assert f"#{ids[1]} (stdin line 2): not changed: it changed at" in err
    assert "3 tickets: 2 changed, 1 not changed" in out
    after = statuses(home, ids, capsys, monkeypatch)
    assert after[ids[0]] == after[ids[2]] == "solved" and after[ids[1]] != "solved"


def test_bulk_json_gives_per_ticket_results(home, capsys, monkeypatch):
    code, listed, _ = cli(
        home, "list", "--view", "open", "--limit", "2", "--jsonl", capsys=capsys, monkeypatch=monkeypatch
    )
    ids = [json.loads(line)["id"] for line in listed.splitlines()]
    teammate_sets(home, ids[0], "--priority", "low", capsys=capsys, monkeypatch=monkeypatch)
    code, out, _ = cli(
        home, "set", "-", "--tag", "batch", "--json", stdin=listed, capsys=capsys, monkeypatch=monkeypatch, now=LATER
    )
    data = json.loads(out)
    assert code == 3 and data["exit_code"] == 3 and data["applied"] == 1 and data["refused"] == 1
    first, second = data["results"]
    assert first["id"] == ids[0] and first["result"] == "refused" and first["input"] == "stdin line 1"
    assert "changed at" in first["reason"]
    assert second["result"] == "applied" and "batch" in second["ticket"]["tags"]


def test_set_dash_reads_list_jsonl(home, capsys, monkeypatch):
    _, listed, _ = cli(home, "list", "--view", "pending", "--jsonl", capsys=capsys, monkeypatch=monkeypatch)
    ids = [json.loads(line)["id"] for line in listed.splitlines()]
    assert len(ids) >= 3
    code, out, err = cli(home, "set", "-", "--status", "solved", stdin=listed, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and err == ""
    assert out.startswith(f"{len(ids)} tickets: {len(ids)} changed (solved)")
    assert set(statuses(home, ids, capsys, monkeypatch).values()) == {"solved"}


def test_several_ids_and_plain_id_lines(home, capsys, monkeypatch):
    code, out, _ = cli(
        home, "set", "1041", "#1044", "--tag", "Bulk", "--priority", "high", capsys=capsys, monkeypatch=monkeypatch
    )
    assert code == 0 and "#1041 #1044" in out
    code, out, _ = cli(
        home, "set", "-", "--untag", "bulk", stdin="1041\n\n#1044\n1041\n", capsys=capsys, monkeypatch=monkeypatch
    )
    assert code == 0 and out.startswith("2 tickets: 2 changed")
    _, out, _ = cli(home, "list", "--json", capsys=capsys, monkeypatch=monkeypatch)
    tickets = {t["id"]: t for t in json.loads(out)}
    assert tickets[1041]["priority"] == tickets[1044]["priority"] == "high"
    assert "bulk" not in tickets[1041]["tags"] + tickets[1044]["tags"]


def test_a_bad_line_changes_nothing_and_names_the_line(home, capsys, monkeypatch):
    before = statuses(home, {1041, 1044}, capsys, monkeypatch)
    code, out, err = cli(
        home, "set", "-", "--status", "solved", stdin="1041\nID  SLA\n1044\n", capsys=capsys, monkeypatch=monkeypatch
    )
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "stdin line 2" in err and "'ID  SLA' is not a ticket id" in err
    assert statuses(home, {1041, 1044}, capsys, monkeypatch) == before
    code, _, err = cli(
        home, "set", "-", "--status", "solved", stdin='{"subject": "x"}\n', capsys=capsys, monkeypatch=monkeypatch
    )
    assert code == 2 and "stdin line 1" in err and '"id"' in err


def test_an_unknown_id_is_bad_input_and_the_others_go_on(home, capsys, monkeypatch):
    code, out, err = cli(home, "set", "1041", "99999", "--status", "pending", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and "#99999: There is no ticket 99999" in err
    assert statuses(home, {1041}, capsys, monkeypatch)[1041] == "pending"


def test_a_bad_value_changes_nothing(home, capsys, monkeypatch):
    code, out, err = cli(home, "set", "1041", "1044", "--status", "sovled", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and out == "" and "Unknown status 'sovled'" in err


def test_one_ticket_set_keeps_its_output(home, capsys, monkeypatch):
    code, out, _ = cli(home, "set", "1041", "--status", "pending", "--json", capsys=capsys, monkeypatch=monkeypatch)
    ticket = json.loads(out)
    assert code == 0 and ticket["id"] == 1041 and ticket["status"] == "pending" and "results" not in ticket
    code, out, _ = cli(home, "set", "1041", "--status", "open", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and out.startswith("#1041  ")


def test_bulk_snooze_puts_every_ticket_on_hold_until_then(home, capsys, monkeypatch):
    code, out, err = cli(home, "set", "1041", "1030", "--until", "2h", "--json", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err
    for ticket in ("1041", "1030"):
        code, out, _ = cli(home, "show", ticket, "--json", capsys=capsys, monkeypatch=monkeypatch)
        shown = json.loads(out)
        assert shown["status"] == "on-hold" and shown["snoozed_until"] == "2026-11-24T14:00:00+00:00"
    code, _, err = cli(
        home, "set", "1041", "1030", "--status", "solved", "--until", "2h", capsys=capsys, monkeypatch=monkeypatch
    )
    assert code == 2 and "--until snoozes" in err
