"""`agent-tui note`: an internal note joins the ticket, is never a reply, and never reaches the customer."""

import json

from tests.ingest.test_ingest import cli, jsonl


def test_a_note_joins_the_ticket_and_counts_as_no_reply(shop, monkeypatch, capsys):
    line = {
        "ticket": "A",
        "from": "ann@example.com",
        "subject": "Late",
        "text": "Where is it?",
        "date": "2026-11-24T09:00:00Z",
    }
    assert cli(shop, "ingest", "-", stdin=jsonl([line]), monkeypatch=monkeypatch, capsys=capsys)[0] == 0
    code, out, _ = cli(
        shop,
        "note",
        "1001",
        "--body-file",
        "-",
        "--json",
        stdin=b"Courier says Tuesday.\n",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0 and json.loads(out)["status"] == "noted"
    ticket = json.loads(cli(shop, "show", "1001", "--json", capsys=capsys)[1])
    assert [(m["author"], m["text"].strip()) for m in ticket["messages"]] == [
        ("customer", "Where is it?"),
        ("note", "Courier says Tuesday."),
    ]
    assert ticket["status"] == "new"  # a note is no reply: the ticket is not opened...
    first_reply = next(c for c in ticket["sla"] if c["metric"] == "first_reply")
    assert first_reply["state"] != "met"  # ...and the first-reply clock still runs


def test_an_empty_note_or_an_unknown_ticket_is_one_sentence_and_exit_2(shop, monkeypatch, capsys):
    code, _, err = cli(shop, "note", "1001", "--body-file", "-", stdin=b"\n", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and err.count("\n") == 1
