"""Headers-first sync where mail or the mailbox is awkward (from a review of it): against a real Dovecot,
and, for FETCH answers Dovecot never gives, a scripted server on loopback."""

import json
import socket
import sqlite3
import threading
from contextlib import closing

import pytest
from imapclient import IMAPClient

import tests.servers.dovecot as dovecot_server
from agent_tui.errors import SourceError
from agent_tui.sources.imap import ImapSource
from agent_tui.sources.imap.fetch import WHOLE, fetch
from tests.sources.conftest import Inbox, running_dovecot
from tests.sources.test_imap import add_account, mail, run


def store(home):
    return closing(sqlite3.connect(home / "data" / "accounts" / "shop" / "store.sqlite3"))


def bodies_broken(self, *args):
    raise SourceError("The connection broke during sync; run sync again.")
    yield


def test_a_date_past_year_9999_is_flagged_and_never_stops_the_sync(
    home, dovecot, inbox, memory_keyring, monkeypatch, capsys
):
    add_account(home, dovecot, 25, monkeypatch, capsys)
    inbox.append("INBOX", mail("Fine").as_bytes())
    inbox.append(
        "INBOX",
        b"From: x@example.com\r\nSubject: Far future\r\nMessage-ID: <d@x>\r\n"
        b"Date: Fri, 31 Dec 9999 23:59:59 -0100\r\n\r\nhi\r\n",
    )
    code, out, err = run(home, "sync", "--json", capsys=capsys)
    report = json.loads(out)
    assert code == 0 and (report["read"], report["failed"], report["flagged"]) == (2, 0, 1), err
    assert sorted(t["subject"] for t in json.loads(run(home, "list", "--json", capsys=capsys)[1])) == [
        "Far future",
        "Fine",
    ]


def test_raw_8bit_headers_of_multipart_mail_read_in_the_charset_its_body_declares(
    home, dovecot, inbox, memory_keyring, monkeypatch, capsys
):
    add_account(home, dovecot, 25, monkeypatch, capsys)
    uid = inbox.append(
        "INBOX",
        (
            b"From: \xf0\xc5\xd4\xd2 <petr@example.ru>\r\nSubject: \xf0\xd2\xc9\xd7\xc5\xd4\r\nMessage-ID: <koi@x>\r\n"
            b"Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=BB\r\n\r\n"
            b"--BB\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\n\xf0\xd2\xc9\xd7\xc5\xd4\r\n--BB--\r\n"
        ),
    )
    assert run(home, "sync", capsys=capsys)[0] == 0
    shown = json.loads(run(home, "show", str(1000 + uid), "--json", capsys=capsys)[1])
    assert (shown["subject"], shown["customer"]["name"]) == ("Привет", "Петр")  # what a reply's subject is made from
    assert shown["messages"][0]["subject"] == "Привет"


def test_a_message_with_header_problems_is_flagged_once(home, dovecot, inbox, memory_keyring, monkeypatch, capsys):
    add_account(home, dovecot, 25, monkeypatch, capsys)
    inbox.append("INBOX", b"From: ann@example.com\r\nSubject: No date\r\nMessage-ID: <nd@x>\r\n\r\nhi\r\n")
    report = json.loads(run(home, "sync", "--json", capsys=capsys)[1])
    assert (report["new_messages"], report["bodies"], report["flagged"]) == (1, 1, 1)


def test_bodies_still_come_when_the_folder_is_renumbered_between_the_two_passes(
    home, dovecot, inbox, memory_keyring, monkeypatch, capsys
):
    add_account(home, dovecot, 25, monkeypatch, capsys)
    raw = mail(
        "Reply kept in Sent", sender="support@shop.example", to="ann@example.com", message_id="<s1@x>", body="Sent text"
    ).as_bytes()
    inbox.append("Sent", raw)
    bodies = ImapSource._bodies

    def renumbered_first(self, client, known, state, now, folder, parsing):
        if folder == "Sent":  # another client recreates Sent (a new UIDVALIDITY) between the passes
            inbox.client.delete_folder("Sent")
            inbox.client.create_folder("Sent")
            inbox.append("Sent", raw)
        return bodies(self, client, known, state, now, folder, parsing)

    with monkeypatch.context() as patched:
        patched.setattr(ImapSource, "_bodies", renumbered_first)
        assert run(home, "sync", capsys=capsys)[0] == 0
    report = json.loads(run(home, "sync", "--json", capsys=capsys)[1])
    assert (report["duplicates"], report["bodies"]) == (1, 1)
    with store(home) as db:
        assert db.execute("SELECT body_pending, rtrim(body_text, char(10)), problems FROM messages").fetchone() == (
            0,
            "Sent text",
            "[]",
        )


@pytest.fixture
def dovecot_without_auto_sent():
    with running_dovecot(dovecot_server.CONFIG.replace("auto = subscribe", "auto = no")) as server:
        yield server


def test_a_folder_renamed_while_its_bodies_are_pending_does_not_stop_later_syncs(
    home,
    dovecot_without_auto_sent,
    memory_keyring,
    monkeypatch,
    capsys,
):
    inbox = Inbox(dovecot_without_auto_sent.port)
    add_account(home, dovecot_without_auto_sent, 25, monkeypatch, capsys)
    inbox.client.create_folder("Sent")
    inbox.append("INBOX", mail("Question", message_id="<q@x>").as_bytes())
    inbox.append(
        "Sent",
        mail("Re: Question", sender="support@shop.example", to="ann@example.com", in_reply_to="<q@x>").as_bytes(),
    )
    with monkeypatch.context() as patched:
        patched.setattr(ImapSource, "_bodies", bodies_broken)
        assert run(home, "sync", capsys=capsys)[0] == 1
    inbox.client.rename_folder("Sent", "Sent Items")  # an administrator or another mail client renames it
    code, out, err = run(home, "sync", "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["bodies"] == 1, err  # INBOX's body came; Sent's can't
    with store(home) as db:
        assert json.loads(db.execute("SELECT problems FROM messages WHERE subject = 'Re: Question'").fetchone()[0]) == [
            "its folder Sent is no longer on the server"
        ]
    assert run(home, "sync", capsys=capsys)[0] == 0
    inbox.client.logout()


# -- FETCH answers Dovecot never gives (RFC 3501 allows them): a scripted server ----------------------

_HEADER = b"From: a@b.example\r\nMessage-ID: <m@x>\r\n\r\n"
_FETCH_ANSWER = (
    b"* 1 FETCH (UID 11 FLAGS (\\Seen) BODY[] {%d}\r\n" % len(_HEADER)
    + _HEADER
    + b")\r\n"
    + b"* 2 FETCH (BODY[] {%d}\r\n" % len(_HEADER)
    + _HEADER
    + b" UID 12 FLAGS ($TuiPending))\r\n"  # items after it
    + b"* 3 FETCH (UID 13 FLAGS () BODY[] NIL)\r\n"
    + b'* 4 FETCH (UID 14 FLAGS () BODY[] "")\r\n'
    + b'* 5 FETCH (UID 15 FLAGS () BODY[] "Subject: \\"q\\"")\r\n'
    + b"* 6 FETCH (FLAGS (\\Seen) UID 16)\r\n"  # another session's flag change, no section
)


def _scripted_imap(listener: socket.socket) -> None:
    connection, _ = listener.accept()
    lines = connection.makefile("rb")
    connection.sendall(b"* OK [CAPABILITY IMAP4rev1] ready\r\n")
    while line := lines.readline():
        tag, command = line.strip().split(b" ", 2)[:2]
        answers = {
            b"CAPABILITY": b"* CAPABILITY IMAP4rev1\r\n",
            b"SELECT": b"* 6 EXISTS\r\n* OK [UIDVALIDITY 7] x\r\n* OK [UIDNEXT 17] x\r\n",
            b"EXAMINE": b"* 6 EXISTS\r\n* OK [UIDVALIDITY 7] x\r\n* OK [UIDNEXT 17] x\r\n",
            b"UID": _FETCH_ANSWER,
            b"LOGOUT": b"* BYE\r\n",
        }
        connection.sendall(answers.get(command.upper(), b"") + tag + b" OK done\r\n")
        if command.upper() == b"LOGOUT":
            break
    connection.close()


def test_fetch_reads_nil_and_quoted_sections_and_items_after_the_literal_from_a_scripted_server():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        threading.Thread(target=_scripted_imap, args=(listener,), daemon=True).start()
        client = IMAPClient("127.0.0.1", port=listener.getsockname()[1], ssl=False, timeout=5)
        client.login("u", "p")
        client.select_folder("INBOX", readonly=True)
        got = fetch(client, [11, 12, 13, 14, 15, 16], WHOLE, modseq=False)
        client.logout()
    assert {uid: (f.content, f.flags) for uid, f in got.items()} == {
        11: (_HEADER, (b"\\Seen",)),
        12: (_HEADER, (b"$TuiPending",)),
        13: (b"", ()),  # NIL: filed as "came back empty", never silently skipped
        14: (b"", ()),
        15: (b'Subject: "q"', ()),
    }


def test_parsing_falls_back_to_this_process_when_no_helper_can_start(monkeypatch):
    from datetime import UTC, datetime

    from agent_tui.sources.imap.parsing import _Parsing, parse_header_batch

    def refuse(*args, **kwargs):
        raise ValueError("bad value(s) in fds_to_keep")  # what multiprocessing says under Textual's stderr

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", refuse)
    block = mail("Fallback", message_id="<fb@x>").as_bytes().split(b"\n\n")[0] + b"\n\n"
    now = datetime(2026, 11, 24, tzinfo=UTC)
    with _Parsing() as parsing:
        done = list(parsing.run(parse_header_batch, iter([(("INBOX", [(7, block)], now), "context")]), big=True))
    [(items, context)] = done
    assert context == "context" and [(i.origin, i.message.subject, i.message.body_pending) for i in items] == [
        ("INBOX UID 7", "Fallback", True)
    ]
