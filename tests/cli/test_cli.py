"""The CLI contract: commands, JSON keys, exit codes, one-sentence errors."""

import json
import os
import subprocess
import sys

import pytest

from agent_tui.cli import main
from tests.conftest import NOW_ISO

TICKET_KEYS = {
    "id",
    "subject",
    "status",
    "priority",
    "assignee",
    "tags",
    "customer",
    "created_at",
    "updated_at",
    "message_count",
    "sla",
}
MESSAGE_KEYS = {"id", "author", "from", "date", "subject", "text", "message_id"}


def run(home, *args, capsys):
    code = main(["--home", str(home), "--now", NOW_ISO, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_prints_every_demo_ticket_with_the_schema(home, capsys):
    code, out, err = run(home, "list", "--json", capsys=capsys)
    assert code == 0 and err == ""
    tickets = json.loads(out)
    assert len(tickets) >= 60
    statuses = {t["status"] for t in tickets}
    assert statuses == {"new", "open", "pending", "on-hold", "solved", "closed"}
    for ticket in tickets:
        assert ticket.keys() >= TICKET_KEYS
        assert isinstance(ticket["id"], int) and ticket["priority"] in {"low", "normal", "high", "urgent"}
        assert set(ticket["customer"]) == {"email", "name"}
        assert ticket["created_at"].endswith("+00:00")
        assert ticket["assignee"] is None or isinstance(ticket["assignee"], str)
    languages = {any("\u4e00" <= ch <= "\u9fff" for ch in t["subject"]) for t in tickets}
    assert languages == {True, False}  # English and Chinese


def test_demo_sla_states_are_meaningful_at_any_now(home, capsys):
    code, out, _ = run(home, "list", "--view", "open", "--json", capsys=capsys)
    clocks = [c for t in json.loads(out) for c in t["sla"]]
    assert {"breached", "ok", "warning", "paused", "met"} <= {c["state"] for c in clocks}
    due_within_hour = [c for c in clocks if c["state"] in ("ok", "warning") and 0 < c["remaining_seconds"] <= 3600]
    assert len(due_within_hour) >= 3


def test_jsonl_streams_one_ticket_per_line(home, capsys):
    code, out, _ = run(home, "list", "--view", "pending", "--jsonl", capsys=capsys)
    lines = out.splitlines()
    assert code == 0 and lines
    assert all(json.loads(line)["status"] == "pending" for line in lines)


def test_show_json_adds_messages(home, capsys):
    _, out, _ = run(home, "list", "--json", "--limit", "1", capsys=capsys)
    ticket_id = json.loads(out)[0]["id"]
    code, out, _ = run(home, "show", str(ticket_id), "--json", capsys=capsys)
    ticket = json.loads(out)
    assert code == 0 and ticket["id"] == ticket_id
    assert ticket["messages"] and ticket["messages"][0].keys() >= MESSAGE_KEYS
    assert {m["author"] for m in ticket["messages"]} <= {"customer", "agent", "note"}
    assert ticket["message_count"] == len(ticket["messages"])


def test_set_changes_persist_and_are_reported(home, capsys):
    _, out, _ = run(home, "list", "--view", "unassigned", "--json", "--limit", "1", capsys=capsys)
    ticket_id = str(json.loads(out)[0]["id"])
    code, out, _ = run(
        home,
        "set",
        ticket_id,
        "--status",
        "pending",
        "--assign",
        "me",
        "--priority",
        "high",
        "--tag",
        "VIP",
        "--json",
        capsys=capsys,
    )
    assert code == 0
    ticket = json.loads(out)
    assert (ticket["status"], ticket["priority"], ticket["assignee"]) == ("pending", "high", "Robin Ng")
    assert "vip" in ticket["tags"]
    _, out, _ = run(home, "list", "--view", "mine", "--json", capsys=capsys)
    assert int(ticket_id) in [t["id"] for t in json.loads(out)]
    code, out, _ = run(home, "set", ticket_id, "--unassign", "--untag", "vip", "--json", capsys=capsys)
    ticket = json.loads(out)
    assert ticket["assignee"] is None and "vip" not in ticket["tags"]


@pytest.mark.parametrize(
    "args, wording",
    [
        (["show", "99999"], "There is no ticket 99999"),
        (["show", "abc"], "is not a ticket id"),
        (["set", "1001", "--status", "done"], "Unknown status 'done'"),
        (["set", "1001", "--priority", "meh"], "Unknown priority 'meh'"),
        (["set", "1001"], "Nothing to change"),
        (["list", "--view", "later"], "Unknown view 'later'"),
        (["list", "--sort", "mood"], "Unknown sort 'mood'"),
        (["--account", "nope", "list"], "There is no account named 'nope'"),
        (["--now", "yesterday", "list"], "is not an ISO 8601 time"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_with_one_sentence(home, capsys, args, wording):
    code, out, err = run(home, *args, capsys=capsys)
    assert code == 2
    assert wording in err and err.count("\n") == 1 and "Traceback" not in err


def test_bad_value_changes_nothing(home, capsys):
    _, out, _ = run(home, "show", "1001", "--json", capsys=capsys)
    before = json.loads(out)
    code, _, _ = run(home, "set", "1001", "--tag", "ok", "--status", "nope", capsys=capsys)
    assert code == 2
    _, out, _ = run(home, "show", "1001", "--json", capsys=capsys)
    assert json.loads(out)["tags"] == before["tags"]


def test_broken_config_is_a_clear_error(home, capsys):
    home.mkdir(parents=True)
    (home / "config.toml").write_text("[agent\nname = 'x'\n")
    code, _, err = run(home, "list", capsys=capsys)
    assert code == 2 and "config.toml is not valid TOML" in err and "line 1" in err


def test_hostile_text_is_shown_literally_in_plain_output(home, capsys):
    from agent_tui.domain.models import Customer
    from tests.conftest import NOW
    from tests.ui.test_queue_and_ticket import service_for

    service = service_for(home)
    evil = service.store.create_ticket(
        subject="[red]x[/red] \x1b[31mred\x1b[0m \x1b]2;title\x07",
        customer=Customer("m@evil.example", "M\x1b[2J"),
        created_at=NOW,
    )
    service.close()
    code, out, _ = run(home, "list", "--filter", f"#{evil}", capsys=capsys)
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert "[red]x[/red] ␛[31mred␛[0m ␛]2;title␇" in out and "M␛[2J" in out
    code, out, _ = run(home, "show", str(evil), "--json", capsys=capsys)
    assert "\x1b" not in out and json.loads(out)["subject"].startswith("[red]x[/red] \x1b[31m")


def test_installed_command_version_env_home_and_exit_codes(home):
    env = {**os.environ, "AGENT_TUI_HOME": str(home), "AGENT_TUI_NOW": NOW_ISO}
    version = subprocess.run([sys.executable, "-m", "agent_tui", "--version"], capture_output=True, text=True, env=env)
    assert version.returncode == 0 and version.stdout.startswith("agent-tui ")
    listed = subprocess.run(
        [sys.executable, "-m", "agent_tui", "list", "--json"], capture_output=True, text=True, env=env
    )
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) >= 60
    assert (home / "data" / "accounts" / "demo" / "store.sqlite3").is_file()
    missing = subprocess.run(
        [sys.executable, "-m", "agent_tui", "show", "4242"], capture_output=True, text=True, env=env
    )
    assert missing.returncode == 2 and missing.stderr.strip() == "agent-tui: There is no ticket 4242 in this account."


def test_keys_command_lists_bindings(home, capsys):
    code, out, _ = run(home, "--keymap", "vim", "keys", "--json", capsys=capsys)
    keys = {k["id"]: k["keys"] for k in json.loads(out)}
    assert code == 0 and keys["queue.down"] == ["j", "down"]


def test_list_filter_finds_the_numbered_ticket_first_and_names_a_misspelt_value(home, capsys):
    code, out, _ = run(home, "list", "--view", "all", "--filter", "1044", "--sort", "customer", "--json", capsys=capsys)
    assert code == 0 and json.loads(out)[0]["id"] == 1044
    code, out, _ = run(home, "list", "--view", "all", "--filter", "#1044", "--json", capsys=capsys)
    assert [t["id"] for t in json.loads(out)] == [1044]
    code, _, err = run(home, "list", "--filter", "priority:urgnet", capsys=capsys)
    assert code == 2 and "use one of low, normal, high, urgent" in err


def test_report_takes_yesterday_today_and_spans_and_names_them_when_refused(home, capsys):
    def period(*args):
        code, out, err = run(home, "report", "--json", *args, capsys=capsys)
        assert code == 0, err
        return json.loads(out)["period"]

    # --now is Tue 24 Nov 2026 12:00 UTC; the demo's policy is London's, on UTC in November.
    assert period("--since", "yesterday", "--until", "yesterday") == {
        "since": "2026-11-23T00:00:00+00:00",
        "until": "2026-11-24T00:00:00+00:00",
    }
    assert period("--since", "today")["since"] == "2026-11-24T00:00:00+00:00"
    assert period("--since", "3d")["since"] == period("--since", "72h")["since"]
    code, _, err = run(home, "report", "--since", "last week", capsys=capsys)
    assert code == 2 and "yesterday" in err and "7d" in err


def test_reply_send_on_an_account_without_a_server_says_nothing_was_delivered(home, capsys):
    code, out, err = run(home, "reply", "1041", "--template", "apology-late-order", "--send", capsys=capsys)
    assert code == 0, err
    assert out.startswith("recorded (this account has no mail server or help desk: nothing was delivered)")
    code, out, err = run(home, "reply", "1030", "--template", "apology-late-order", "--send", "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["delivered"] is False and json.loads(out)["status"] == "sent"


def test_views_take_the_tuis_names_and_keep_the_old_ones(home, capsys):
    def ids(view):
        code, out, err = run(home, "list", "--view", view, "--json", capsys=capsys)
        assert code == 0, err
        return [t["id"] for t in json.loads(out)]

    assert ids("all-open") == ids("open") and ids("All open") == ids("open")
    assert ids("everything") == ids("all") and ids("breaching-soon") == ids("breaching")
    code, _, err = run(home, "list", "--view", "closed", capsys=capsys)
    assert code == 2 and "everything (all)" in err
