"""Regressions for defects a review found: each test failed before its fix."""

import json
import subprocess
import sys
from datetime import timedelta

import pytest

from agent_tui.cli import main
from agent_tui.domain.models import normalise_tag
from agent_tui.errors import UsageError
from tests.conftest import NOW, NOW_ISO
from tests.ingest.test_ingest import cli, jsonl, tickets


def test_a_late_reply_is_a_breach_on_record_not_a_running_clock(shop, monkeypatch, capsys):
    lines = [
        {"ticket": "L", "from": "ann@example.com", "subject": "Late", "text": "Hi", "date": "2026-11-24T09:00:00Z"},
        {
            "ticket": "L",
            "from": "support@shop.example",
            "author": "agent",
            "text": "Sorry",
            "date": "2026-11-24T14:00:00Z",
        },
        {"ticket": "L", "from": "ann@example.com", "text": "Thanks, one more thing", "date": "2026-11-24T15:00:00Z"},
    ]
    cli(
        shop, "--now", "2026-11-24T16:00:00Z", "ingest", "-", stdin=jsonl(lines), monkeypatch=monkeypatch, capsys=capsys
    )
    code, out, _ = cli(shop, "--now", "2026-11-24T16:00:00Z", "list", "--view", "breaching", "--json", capsys=capsys)
    assert json.loads(out) == []  # the live clock (next reply, 8 h from 15:00) has 7 h left
    code, out, _ = cli(shop, "--now", "2026-11-24T16:00:00Z", "list", capsys=capsys)
    assert "7h 00m" in out
    code, out, _ = cli(shop, "--now", "2026-11-24T16:00:00Z", "sla", "1001", capsys=capsys)
    assert "breached · 1h 00m late" in out


@pytest.mark.parametrize("tag", ["\x1b[31m", "a\x07b", "x\u202ey", "[bold]"])
def test_tags_with_control_characters_or_markup_are_refused(tag):
    with pytest.raises(UsageError):
        normalise_tag(tag)


def test_low_priority_is_a_priority(shop, monkeypatch, capsys):
    cli(
        shop,
        "ingest",
        "-",
        stdin=jsonl(
            [
                {
                    "ticket": "P",
                    "from": "a@b.c",
                    "subject": "Low",
                    "text": "x",
                    "priority": "low",
                    "date": "2026-11-24T09:00:00Z",
                }
            ]
        ),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert tickets(shop, capsys)["Low"]["priority"] == "low"
    code, out, _ = cli(shop, "set", "1001", "--priority", "normal", "--json", capsys=capsys)
    code, out, _ = cli(shop, "set", "1001", "--priority", "low", "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["priority"] == "low"


def test_a_key_of_a_closed_ticket_starts_a_follow_up(shop, monkeypatch, capsys):
    lines = [
        {"ticket": "K", "from": "a@b.c", "subject": "Old", "text": "x", "date": "2026-11-20T09:00:00Z"},
        {"ticket": "K", "status": "closed", "date": "2026-11-21T09:00:00Z"},
        {"ticket": "K", "from": "a@b.c", "subject": "Again", "text": "y", "date": "2026-11-23T09:00:00Z"},
    ]
    cli(shop, "ingest", "-", stdin=jsonl(lines), monkeypatch=monkeypatch, capsys=capsys)
    found = tickets(shop, capsys)
    assert found["Old"]["status"] == "closed" and found["Old"]["message_count"] == 1
    assert found["Again"]["status"] == "new"


def test_empty_assignee_and_absurd_ids_are_usage_errors(home, capsys):
    assert main(["--home", str(home), "--now", NOW_ISO, "set", "1001", "--assign", "<>"]) == 2
    assert "names no agent" in capsys.readouterr().err
    assert main(["--home", str(home), "show", "99999999999999999999"]) == 2
    assert "is not a ticket id" in capsys.readouterr().err


def test_an_account_that_is_not_a_table_is_a_config_error(home, capsys):
    home.mkdir(parents=True)
    (home / "config.toml").write_text('[accounts]\nshop = "local"\n')
    assert main(["--home", str(home), "list"]) == 2
    assert "accounts.shop must be a table" in capsys.readouterr().err


def test_json_escapes_what_a_terminal_would_act_on(home, capsys):
    from agent_tui.domain.models import Customer
    from tests.ui.test_queue_and_ticket import service_for

    service = service_for(home)
    ticket_id = service.store.create_ticket(
        subject="a\x9b31mb\u202ec\x7fd 退款", customer=Customer("x@y.z"), created_at=NOW
    )
    service.close()
    main(["--home", str(home), "--now", NOW_ISO, "show", str(ticket_id), "--json"])
    out = capsys.readouterr().out
    assert not any(ch in out for ch in "\x9b\u202e\x7f\x1b") and "退款" in out
    assert json.loads(out)["subject"] == "a\x9b31mb\u202ec\x7fd 退款"


def test_a_status_set_with_a_lagging_clock_still_takes_effect(home, capsys):
    main(["--home", str(home), "--now", NOW_ISO, "set", "1001", "--status", "solved"])
    capsys.readouterr()
    earlier = (NOW - timedelta(hours=1)).isoformat()
    assert main(["--home", str(home), "--now", earlier, "set", "1001", "--status", "open", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "open"


def test_the_policy_fingerprint_is_the_same_in_every_process(tmp_path):
    (tmp_path / "sla.toml").write_text(
        '[business_hours]\nmon = ["09:00-17:00"]\nholidays = ["2026-12-25", "2026-12-28", "2027-01-01"]\n'
    )
    code = f"from pathlib import Path; from agent_tui.config.sla_policy import load_policy; print(load_policy(Path({str(tmp_path / 'sla.toml')!r})).fingerprint())"
    prints = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        for _ in range(3)
    }
    assert len(prints) == 1


def test_the_demo_recomputes_business_deadlines_when_it_moves_its_clock(home, capsys):
    main(["--home", str(home), "--now", "2026-11-24T09:30:00Z", "list"])
    capsys.readouterr()
    later = "2026-11-25T02:30:00Z"
    main(["--home", str(home), "--now", later, "list", "--view", "open", "--filter", "priority:low", "--json"])
    low = [t for t in json.loads(capsys.readouterr().out) if t["status"] in ("new", "open")]
    assert low
    for ticket in low:
        main(["--home", str(home), "--now", later, "list", "--filter", f"#{ticket['id']}"])
        row = capsys.readouterr().out.splitlines()[1]
        running = [c for c in ticket["sla"] if c["state"] in ("ok", "warning", "breached") and c["due_at"]]
        nearest = min(running, key=lambda c: c["due_at"])
        from agent_tui.domain.sla import format_remaining

        assert format_remaining(nearest["remaining_seconds"]) in row
