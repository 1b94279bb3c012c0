"""`agent-tui ingest`: every input format, real-world mail, bad input, idempotence and replayed histories."""

import io
import json
import mailbox
from email.message import EmailMessage
from pathlib import Path

import pytest

from agent_tui.cli import main
from tests.conftest import NOW_ISO

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def cli(home, *args, stdin: bytes | None = None, monkeypatch=None, capsys=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(stdin))))
    code = main(["--home", str(home), "--now", NOW_ISO, *args])
    out, err = capsys.readouterr()
    return code, out, err


def tickets(home, capsys):
    code, out, _ = cli(home, "list", "--json", capsys=capsys)
    assert code == 0
    return {t["subject"]: t for t in json.loads(out)}


def mail(
    subject,
    sender="Ann Lee <ann@example.com>",
    to="support@shop.example",
    date="Mon, 02 Nov 2026 09:00:00 +0000",
    message_id=None,
    in_reply_to=None,
    body="Hello",
    attachment=False,
):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"], message["Date"] = sender, to, subject, date
    if message_id:
        message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = message["References"] = in_reply_to
    message.set_content(body)
    if attachment:
        message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="invoice.pdf")
    return message


def test_account_add_local_becomes_default_and_lists(shop, capsys):
    code, out, _ = cli(shop, "account", "list", "--json", capsys=capsys)
    assert {"name": "shop", "kind": "local", "default": True} in json.loads(out)
    assert 'default_account = "shop"' in (shop / "config.toml").read_text()
    code, _, err = cli(shop, "account", "add", "shop", "--local", capsys=capsys)
    assert code == 2 and "exists already" in err
    code, out, _ = cli(shop, "account", "add", "second", "--local", "--json", capsys=capsys)
    assert json.loads(out)["default"] is False
    assert cli(shop, "account", "remove", "second", capsys=capsys)[0] == 0
    assert "second" not in (shop / "config.toml").read_text()


def test_eml_files_thread_by_headers_and_keep_attachments(shop, tmp_path, capsys):
    first = tmp_path / "1.eml"
    first.write_bytes(mail("Parcel crushed", message_id="<a1@example.com>", attachment=True).as_bytes())
    reply = tmp_path / "2.eml"
    reply.write_bytes(
        mail(
            "Re: Parcel crushed",
            sender="Dana <support@shop.example>",
            to="ann@example.com",
            date="Mon, 02 Nov 2026 10:00:00 +0000",
            message_id="<a2@shop.example>",
            in_reply_to="<a1@example.com>",
        ).as_bytes()
    )
    code, out, _ = cli(shop, "ingest", "--json", str(first), str(reply), capsys=capsys)
    assert code == 0
    assert json.loads(out) | {"errors": []} == {
        "read": 2,
        "new_tickets": 1,
        "new_messages": 2,
        "status_changes": 0,
        "duplicates": 0,
        "failed": 0,
        "flagged": 0,
        "team_changes": 0,
        "bodies": 0,
        "vanished": 0,
        "errors": [],
    }
    ticket = tickets(shop, capsys)["Parcel crushed"]
    assert ticket["status"] == "open" and ticket["customer"] == {"email": "ann@example.com", "name": "Ann Lee"}
    code, out, _ = cli(shop, "show", str(ticket["id"]), "--json", capsys=capsys)
    messages = json.loads(out)["messages"]
    assert [m["author"] for m in messages] == ["customer", "agent"]  # the shop's address is an agent's
    assert messages[0]["attachments"] == [{"filename": "invoice.pdf", "content_type": "application/pdf", "size": 8}]


def test_threading_by_subject_token_and_by_sender_and_subject(shop, tmp_path, capsys):
    box = mailbox.mbox(tmp_path / "in.mbox")
    box.add(mail("Where is my order?", message_id="<o1@example.com>"))
    box.add(mail("Re: Where is my order?", date="Tue, 03 Nov 2026 09:00:00 +0000", message_id="<o2@example.com>"))
    box.add(mail("Refund", sender="bo@example.com", message_id="<r1@example.com>"))
    box.add(mail("Where is my order?", sender="other@example.com", message_id="<x1@example.com>"))  # another customer
    box.flush()
    assert cli(shop, "ingest", str(tmp_path / "in.mbox"), capsys=capsys)[0] == 0
    found = tickets(shop, capsys)
    assert found["Where is my order?"]["message_count"] in (1, 2)
    by_customer = {(t["customer"]["email"], t["subject"]): t for t in found.values()}
    code, out, _ = cli(shop, "list", "--json", "--filter", "where", capsys=capsys)
    where = json.loads(out)
    assert sorted(t["message_count"] for t in where) == [1, 2]  # Ann's two messages joined, the stranger's did not
    refund_id = by_customer[("bo@example.com", "Refund")]["id"]
    token_reply = tmp_path / "token.eml"
    token_reply.write_bytes(
        mail(f"Fwd: something else [#{refund_id}]", sender="bo@example.com", message_id="<r2@example.com>").as_bytes()
    )
    assert cli(shop, "ingest", str(token_reply), capsys=capsys)[0] == 0
    code, out, _ = cli(shop, "show", str(refund_id), "--json", capsys=capsys)
    assert json.loads(out)["message_count"] == 2


def test_maildir_folder(shop, tmp_path, capsys):
    box = mailbox.Maildir(tmp_path / "Maildir")
    box.add(mail("From the maildir", message_id="<m1@example.com>"))
    box.add(mail("Another one", sender="cy@example.com", message_id="<m2@example.com>"))
    code, out, _ = cli(shop, "ingest", "--json", str(tmp_path / "Maildir"), capsys=capsys)
    assert code == 0 and json.loads(out)["new_tickets"] == 2
    assert {"From the maildir", "Another one"} <= set(tickets(shop, capsys))


def test_mbox_from_stdin_and_escaped_from_lines(shop, monkeypatch, capsys):
    first = mail("Piped", body="Line one\nFrom here on it is quoted\n", message_id="<p1@example.com>")
    data = (
        b"From ann@example.com Mon Nov  2 09:00:00 2026\n"
        + first.as_bytes().replace(b"\nFrom here", b"\n>From here")
        + b"\n"
    )
    data += (
        b"From bo@example.com Mon Nov  2 09:05:00 2026\n"
        + mail("Second", sender="bo@example.com", message_id="<p2@example.com>").as_bytes()
    )
    code, out, _ = cli(shop, "ingest", "-", stdin=data, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "new tickets 2" in out
    ticket = tickets(shop, capsys)["Piped"]
    _, out, _ = cli(shop, "show", str(ticket["id"]), "--json", capsys=capsys)
    assert "From here on it is quoted" in json.loads(out)["messages"][0]["text"]


REPLAY = [
    {
        "ticket": "T1",
        "from": {"email": "ann@example.com", "name": "Ann Lee"},
        "subject": "Late order",
        "text": "Where is it?",
        "date": "2026-11-02T09:00:00Z",
        "tags": ["shipping"],
        "priority": "high",
    },
    {
        "ticket": "T1",
        "from": "support@shop.example",
        "author": "agent",
        "text": "Could you send the order number?",
        "date": "2026-11-02T10:00:00Z",
    },
    {"ticket": "T1", "status": "pending", "date": "2026-11-02T10:00:30Z"},
    {"ticket": "T1", "from": "ann@example.com", "text": "PP-10001", "date": "2026-11-03T08:00:00Z"},
    {
        "ticket": "T1",
        "from": "support@shop.example",
        "author": "note",
        "text": "Found it in the depot.",
        "date": "2026-11-03T08:30:00Z",
    },
    {
        "ticket": "T1",
        "from": "support@shop.example",
        "author": "agent",
        "text": "It ships today.",
        "date": "2026-11-03T09:00:00Z",
    },
    {"ticket": "T1", "status": "solved", "date": "2026-11-03T09:00:10Z"},
    {
        "ticket": "T2",
        "from": "李雷 <li@example.com>",
        "subject": "退款",
        "text": "我要退款",
        "date": "2026-11-24T10:00:00+08:00",
    },
]


def jsonl(lines) -> bytes:
    return (
        "\n".join(json.dumps(line, ensure_ascii=False) if isinstance(line, dict) else line for line in lines).encode()
        + b"\n"
    )


def test_replayed_history_gives_statuses_and_clocks(shop, monkeypatch, capsys):
    code, out, err = cli(shop, "ingest", "--json", "-", stdin=jsonl(REPLAY), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and err == ""
    assert json.loads(out)["status_changes"] == 2
    found = tickets(shop, capsys)
    late, refund = found["Late order"], found["退款"]
    assert (late["status"], late["priority"], late["tags"]) == ("solved", "high", ["shipping"])
    assert late["created_at"] == "2026-11-02T09:00:00+00:00" and late["message_count"] == 5
    clocks = {c["metric"]: c for c in late["sla"]}
    assert clocks["first_reply"]["state"] == "met" and clocks["first_reply"]["remaining_seconds"] == 3600  # high: 2 h
    assert clocks["next_reply"]["state"] == "met" and clocks["next_reply"]["remaining_seconds"] == 3 * 3600
    # resolution counted 1 h 00 m 30 s before pending and 1 h 00 m 10 s after the customer reopened it
    assert clocks["resolution"]["state"] == "met"
    assert clocks["resolution"]["remaining_seconds"] == 24 * 3600 - (3630 + 3610)
    assert refund["status"] == "new" and refund["customer"]["name"] == "李雷"


def test_replay_in_any_order_ends_the_same(shop, monkeypatch, capsys):
    cli(
        shop,
        "ingest",
        "-",
        stdin=jsonl([REPLAY[0], REPLAY[6], REPLAY[2], REPLAY[1], REPLAY[3], REPLAY[5]]),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert tickets(shop, capsys)["Late order"]["status"] == "solved"


def test_ingesting_again_changes_nothing(shop, monkeypatch, capsys, tmp_path):
    cli(shop, "ingest", "-", stdin=jsonl(REPLAY), monkeypatch=monkeypatch, capsys=capsys)
    before = tickets(shop, capsys)
    code, out, _ = cli(shop, "ingest", "--json", "-", stdin=jsonl(REPLAY), monkeypatch=monkeypatch, capsys=capsys)
    report = json.loads(out)
    assert code == 0 and report["duplicates"] == len(REPLAY) and report["new_messages"] == report["new_tickets"] == 0
    assert tickets(shop, capsys) == before
    eml = tmp_path / "same.eml"
    eml.write_bytes(mail("No id", message_id=None).as_bytes())  # no Message-ID: the content identifies it
    cli(shop, "ingest", str(eml), capsys=capsys)
    code, out, _ = cli(shop, "ingest", "--json", str(eml), capsys=capsys)
    assert json.loads(out)["duplicates"] == 1


def test_bad_lines_are_named_the_rest_is_ingested_and_exit_is_2(shop, monkeypatch, capsys):
    lines = [
        REPLAY[0],
        "not json at all",
        '["a list"]',
        {"ticket": "T9", "status": "solved", "date": "2026-11-02T09:00:00Z"},
        {"from": "ann@example.com", "subject": "x"},
        {"from": "nobody", "text": "x"},
        {"from": "a@b.c", "text": "x", "date": "tuesday"},
        {"from": "a@b.c", "text": "x", "priority": "asap"},
        REPLAY[7],
    ]
    code, out, err = cli(shop, "ingest", "--json", "-", stdin=jsonl(lines), monkeypatch=monkeypatch, capsys=capsys)
    report = json.loads(out)
    assert code == 2
    assert (report["read"], report["new_tickets"], report["failed"]) == (9, 2, 7)
    errors = err.strip().splitlines()
    assert len(errors) == 7 and all(e.startswith("agent-tui: stdin line ") for e in errors)
    assert "stdin line 2: is not JSON" in errors[0]
    assert "stdin line 4: no ticket 'T9' yet" in errors[2]
    assert "stdin line 7: \"date\" 'tuesday' is not ISO 8601" in errors[5]
    assert "Unknown priority 'asap'" in errors[6]
    assert "Traceback" not in err


def test_strict_stops_at_the_first_problem(shop, monkeypatch, capsys):
    code, out, err = cli(
        shop,
        "ingest",
        "--strict",
        "--json",
        "-",
        stdin=jsonl([REPLAY[0], "oops", REPLAY[7]]),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 2 and json.loads(out)["read"] == 2 and err.count("\n") == 1
    assert "退款" not in tickets(shop, capsys)


def test_missing_file_and_wrong_format_are_reported(shop, tmp_path, capsys):
    code, _, err = cli(shop, "ingest", str(tmp_path / "nope.mbox"), capsys=capsys)
    assert code == 2 and "could not be opened" in err
    code, _, err = cli(shop, "ingest", "--format", "yaml", str(tmp_path), capsys=capsys)
    assert code == 2 and "Unknown format 'yaml'" in err
    code, _, err = cli(shop, "ingest", "--deliver", str(tmp_path), capsys=capsys)
    assert code == 2 and "no remote source" in err


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project on this machine")
def test_every_corpus_message_ingests_without_a_traceback(shop, capsys):
    files = [p for p in sorted(CORPUS.rglob("*")) if p.is_file() and p.name != "LICENSE"]
    code, out, err = cli(shop, "ingest", "--json", "--format", "eml", *map(str, files), capsys=capsys)
    report = json.loads(out)
    empty = [str(p) for p in files if p.stat().st_size == 0]  # the corpus holds an empty file: reported, not stored
    assert "Traceback" not in err
    assert report["read"] == len(files) > 90
    assert report["errors"] == [{"input": path, "error": "is empty"} for path in empty]
    assert report["new_messages"] + report["duplicates"] == len(files) - len(empty)
    assert report["flagged"] > 0  # broken mail is stored and flagged, not dropped
    _, listing, _ = cli(shop, "list", capsys=capsys)
    assert "\x1b" not in listing
    _, out, _ = cli(shop, "list", "--json", "--search", "まみむめも", capsys=capsys)
    assert json.loads(out)


def test_list_jsonl_after_piping_in(shop, monkeypatch, capsys):
    cli(shop, "ingest", "-", stdin=jsonl(REPLAY), monkeypatch=monkeypatch, capsys=capsys)
    code, out, _ = cli(shop, "list", "--jsonl", capsys=capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and {r["subject"] for r in rows} == {"Late order", "退款"}


def test_sla_json_on_ingested_tickets_with_a_business_hours_policy(shop, monkeypatch, capsys):
    (shop / "sla.toml").write_text((Path(__file__).resolve().parents[2] / "sla.example.toml").read_text())
    line = {
        "ticket": "B1",
        "from": "cy@example.com",
        "subject": "Friday afternoon",
        "text": "Hello?",
        "date": "2026-11-20T16:00:00Z",
    }
    cli(shop, "ingest", "-", stdin=jsonl([line]), monkeypatch=monkeypatch, capsys=capsys)
    ticket_id = str(tickets(shop, capsys)["Friday afternoon"]["id"])

    def clocks(now):
        code, out, _ = cli(shop, "--now", now, "sla", ticket_id, "--json", capsys=capsys)
        assert code == 0
        return {c["metric"]: c for c in json.loads(out)}

    # Saturday noon: 1.5 business hours ran on Friday (16:00-17:30); 2.5 are left for Monday morning.
    saturday = clocks("2026-11-21T12:00:00Z")
    assert saturday["first_reply"] == {
        "metric": "first_reply",
        "state": "ok",
        "due_at": "2026-11-23T11:30:00+00:00",
        "remaining_seconds": 9000,
        "business": True,
    }
    assert saturday["resolution"] == {
        "metric": "resolution",
        "state": "ok",
        "due_at": "2026-11-23T16:00:00+00:00",
        "remaining_seconds": 52 * 3600,
        "business": False,
    }
    assert clocks("2026-11-23T10:45:00Z")["first_reply"]["state"] == "warning"  # 45 min of 4 h left
    monday = clocks("2026-11-23T12:00:00Z")["first_reply"]
    assert (monday["state"], monday["remaining_seconds"]) == ("breached", -1800)
    # The queue shows the same figure, in business time.
    code, out, _ = cli(shop, "--now", "2026-11-21T12:00:00Z", "list", capsys=capsys)
    assert "2h 30m" in out


def test_a_mail_without_a_date_is_reported_as_such_not_as_undecodable(shop, tmp_path, capsys):
    path = tmp_path / "no-date.eml"
    path.write_bytes(b"From: Ann Lee <ann@example.com>\r\nSubject: Hello\r\nMessage-ID: <nd@example.com>\r\n\r\nHi\r\n")
    code, out, err = cli(shop, "ingest", str(path), capsys=capsys)
    assert code == 0, err
    assert "undecodable" not in out and "1 stored with problems noted" in out
    code, out, _ = cli(shop, "list", "--json", capsys=capsys)
    (ticket,) = json.loads(out)
    code, out, _ = cli(shop, "show", str(ticket["id"]), "--json", capsys=capsys)
    assert json.loads(out)["messages"][0]["problems"] == ["no Date header"]
