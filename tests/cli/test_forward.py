"""`agent-tui forward`: recorded in the ticket as a forward, never a reply to the customer (SLA, status)."""

import json

from tests.ingest.test_ingest import cli, jsonl

LINE = {
    "ticket": "A",
    "from": "ann@example.com",
    "subject": "Late",
    "text": "Where is it?",
    "date": "2026-11-24T09:00:00Z",
}


def test_a_forward_is_recorded_and_stops_no_clock(shop, monkeypatch, capsys):
    assert cli(shop, "ingest", "-", stdin=jsonl([LINE]), monkeypatch=monkeypatch, capsys=capsys)[0] == 0
    code, out, err = cli(
        shop,
        "forward",
        "1001",
        "--to",
        "Depot <depot@courier.example>",
        "--body-file",
        "-",
        "--json",
        stdin=b"Please trace this one.\n",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0, err
    sent = json.loads(out)
    assert sent["author"] == "forward" and sent["to"] == [{"email": "depot@courier.example", "name": "Depot"}]
    assert sent["subject"] == "Fwd: Late [#1001]" and "Where is it?" in sent["text"]
    ticket = json.loads(cli(shop, "show", "1001", "--json", capsys=capsys)[1])
    assert [m["author"] for m in ticket["messages"]] == ["customer", "forward"]
    assert ticket["status"] == "new"
    assert next(c for c in ticket["sla"] if c["metric"] == "first_reply")["state"] != "met"
    text = cli(shop, "show", "1001", capsys=capsys)[1]
    assert "── forward:" in text and "To: Depot <depot@courier.example>" in text


def test_forward_refuses_a_bad_address_or_message_number(shop, monkeypatch, capsys):
    assert cli(shop, "ingest", "-", stdin=jsonl([LINE]), monkeypatch=monkeypatch, capsys=capsys)[0] == 0
    code, _, err = cli(shop, "forward", "1001", "--to", "nobody", capsys=capsys)
    assert code == 2 and "not an email address" in err
    code, _, err = cli(shop, "forward", "1001", "--to", "a@b.example", "--message", "5", capsys=capsys)
    assert code == 2 and "--message 1 to 1" in err
