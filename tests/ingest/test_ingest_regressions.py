"""Regressions for defects the second review found in ingest, SLA, policies and reports."""

import json
from datetime import datetime

import pytest

from agent_tui.config.sla_policy import load_policy
from agent_tui.domain.models import Author, Priority, Status, StatusChange
from agent_tui.domain.sla import Metric, ticket_clocks
from agent_tui.errors import ConfigError
from agent_tui.sources.mail import parse_mail
from tests.ingest.test_ingest import cli, jsonl, mail, tickets

GOOD = {"ticket": "G", "from": "a@b.c", "subject": "Good", "text": "x", "date": "2026-11-02T09:00:00Z"}


@pytest.mark.parametrize(
    "bad",
    [
        {"from": "a@b.c", "text": "x", "author": "bot"},
        {"from": "a@b.c", "text": "x", "tags": 5},
        {"from": "a@b.c", "text": "x", "references": 5},
        {"from": "a@b.c", "text": "x", "date": "0001-01-01T00:00:00+01:00"},
        '{"from": "a@b.c", "text": "\\ud800"}',
    ],
)
def test_one_odd_line_fails_alone(shop, monkeypatch, capsys, bad):
    code, out, err = cli(
        shop,
        "ingest",
        "--json",
        "-",
        stdin=jsonl([GOOD, bad, {**GOOD, "ticket": "H", "subject": "Also good"}]),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    report = json.loads(out)
    assert code == 2 and (report["failed"], report["new_tickets"]) == (1, 2) and "Traceback" not in err
    assert {"Good", "Also good"} <= set(tickets(shop, capsys))


def test_a_maildir_without_new_and_an_mbox_with_junk(shop, tmp_path, capsys):
    (tmp_path / "md" / "cur").mkdir(parents=True)
    (tmp_path / "md" / "cur" / "1").write_bytes(mail("In cur", message_id="<c1@x>").as_bytes())
    assert cli(shop, "ingest", str(tmp_path / "md"), capsys=capsys)[0] == 0
    box = tmp_path / "bom.mbox"
    box.write_bytes(
        b"\xef\xbb\xbfFrom a@b.c Mon Nov  2 09:00:00 2026\n" + mail("BOM first", message_id="<b1@x>").as_bytes()
    )
    code, out, _ = cli(shop, "ingest", "--json", str(box), capsys=capsys)
    assert code == 0 and json.loads(out)["new_messages"] == 1
    eml = tmp_path / "one.eml"
    eml.write_bytes(mail("Not an mbox", message_id="<n1@x>").as_bytes())
    code, _, err = cli(shop, "ingest", "--format", "mbox", str(eml), capsys=capsys)
    assert code == 2 and "not an mbox" in err


def test_nul_in_a_charset_and_empty_message_ids(shop, tmp_path, capsys):
    raw = b'From: a@b.c\nSubject: nul\nMessage-ID: <>\nContent-Type: text/plain; charset="utf\x00-8"\n\nhello\n'
    parsed = parse_mail(raw, fallback_date=datetime(2026, 11, 2))
    assert parsed.message.text.strip() == "hello" and parsed.message.message_id.startswith("<sha256-")
    other = raw.replace(b"hello", b"another")
    (tmp_path / "a.eml").write_bytes(raw)
    (tmp_path / "b.eml").write_bytes(other)
    code, out, _ = cli(shop, "ingest", "--json", str(tmp_path / "a.eml"), str(tmp_path / "b.eml"), capsys=capsys)
    assert code == 0 and json.loads(out)["duplicates"] == 0


def test_a_closed_key_keeps_its_history_and_replays_are_idempotent(shop, monkeypatch, capsys):
    lines = [
        GOOD,
        {"ticket": "G", "status": "closed", "date": "2026-11-03T09:00:00Z"},
        {"ticket": "G", "from": "a@b.c", "text": "again", "date": "2026-11-05T09:00:00Z"},
    ]
    cli(shop, "ingest", "-", stdin=jsonl(lines), monkeypatch=monkeypatch, capsys=capsys)
    code, out, _ = cli(shop, "ingest", "--json", "-", stdin=jsonl(lines), monkeypatch=monkeypatch, capsys=capsys)
    assert json.loads(out)["duplicates"] == 3
    _, out, _ = cli(shop, "list", "--json", "--sort", "id", capsys=capsys)
    first, follow_up = json.loads(out)
    assert (first["status"], follow_up["status"]) == ("closed", "new")
    assert follow_up["subject"] == "Good"  # a follow-up keeps the subject


def test_out_of_order_replay_ends_as_in_order(shop, monkeypatch, capsys):
    lines = [
        GOOD,
        {
            "ticket": "G",
            "from": "s@shop.example",
            "author": "agent",
            "text": "Order number?",
            "date": "2026-11-02T10:00:00Z",
        },
        {"ticket": "G", "from": "a@b.c", "text": "PP-1", "date": "2026-11-03T08:00:00Z"},
        {"ticket": "G", "status": "pending", "date": "2026-11-02T10:00:30Z"},
    ]  # the pending line comes last
    cli(shop, "ingest", "-", stdin=jsonl(lines), monkeypatch=monkeypatch, capsys=capsys)
    assert tickets(shop, capsys)["Good"]["status"] == "open"


def test_a_message_dated_before_the_close_joins_the_closed_ticket(shop, monkeypatch, capsys):
    lines = [
        GOOD,
        {"ticket": "G", "status": "closed", "date": "2026-11-02T11:00:00Z"},
        {"ticket": "G", "from": "a@b.c", "text": "sent before the close", "date": "2026-11-02T10:30:00Z"},
    ]
    cli(shop, "ingest", "-", stdin=jsonl(lines), monkeypatch=monkeypatch, capsys=capsys)
    found = tickets(shop, capsys)
    assert list(found) == ["Good"] and found["Good"]["message_count"] == 2


def test_a_customer_writing_after_a_solve_gets_a_next_reply_clock():
    day = datetime(2026, 11, 2, 9).astimezone()
    from datetime import timedelta

    clocks = ticket_clocks(
        created_at=day,
        priority=Priority.NORMAL,
        messages=[(Author.CUSTOMER, day), (Author.CUSTOMER, day + timedelta(days=1))],
        status_changes=[
            StatusChange(day + timedelta(hours=1), Status.SOLVED),
            StatusChange(day + timedelta(days=1), Status.OPEN),
        ],
        now=day + timedelta(days=2),
    )
    assert any(c.metric is Metric.NEXT_REPLY and c.state.value == "breached" for c in clocks)


def test_periods_to_midnight_are_checked_for_overlap(tmp_path):
    path = tmp_path / "sla.toml"
    path.write_text('[business_hours]\nmon = ["09:00-24:00", "10:00-11:00"]\n')
    with pytest.raises(ConfigError, match="overlapping"):
        load_policy(path)
    path.write_text('[business_hours]\nmon = ["09:00-17:00"]\nholidays = [2026-11-02T10:00:00]\n')
    with pytest.raises(ConfigError, match="line 3: holiday 2026-11-02 10:00:00 is a time"):
        load_policy(path)
    path.write_text('[targets]\nnormal = { first_reply = "4x" }\n')
    with pytest.raises(ConfigError, match="line 2"):
        load_policy(path)
    path.write_text('[targets.normal]\nfirst_reply = "999999999d"\n')
    with pytest.raises(ConfigError, match="not a duration"):
        load_policy(path)


def test_report_counts_a_direct_close_and_measures_replies_after_the_customer(shop, monkeypatch, capsys):
    lines = [
        {
            "ticket": "O",
            "from": "s@shop.example",
            "author": "agent",
            "subject": "Outreach",
            "text": "Hello from us",
            "date": "2026-11-02T08:00:00Z",
            "to": "a@b.c",
        },
        {"ticket": "O", "from": "a@b.c", "text": "Thanks", "date": "2026-11-02T09:00:00Z"},
        {"ticket": "O", "from": "s@shop.example", "author": "agent", "text": "Welcome", "date": "2026-11-02T15:00:00Z"},
        {"ticket": "O", "status": "closed", "date": "2026-11-02T16:00:00Z"},
    ]
    cli(shop, "ingest", "-", stdin=jsonl(lines), monkeypatch=monkeypatch, capsys=capsys)
    code, out, _ = cli(shop, "report", "--since", "2026-11-02", "--until", "2026-11-02", "--json", capsys=capsys)
    data = json.loads(out)
    assert data["tickets_solved"] == 1 and data["backlog"]["open"] == 0
    assert data["first_response"]["median_seconds"] == 6 * 3600  # 09:00 -> 15:00, not the outreach at 08:00
    assert cli(shop, "report", "--until", "9999-12-31", capsys=capsys)[0] == 2
