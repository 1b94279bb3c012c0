"""Messages a teammate deletes, or moves out of the shared inbox, on the server: found by QRESYNC's VANISHED,
or without QRESYNC by counting, against a real Dovecot (one with QRESYNC and one that only offers CONDSTORE)."""

import json
import sqlite3
import threading
from contextlib import closing

import pytest
from imapclient import IMAPClient

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import load_settings
from agent_tui.services.accounts import open_account
from tests.servers.dovecot import CONFIG
from tests.sources.conftest import Inbox, running_dovecot
from tests.sources.test_imap import add_account, mail, run


def offering(*extensions: str) -> str:
    """A Dovecot config that advertises only these extensions after login (all a client uses) besides the basics."""
    basics = "IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE UIDPLUS"
    return CONFIG.replace(
        "protocol imap {{\n", f"protocol imap {{{{\n  imap_capability = {' '.join((basics, *extensions))}\n"
    )


CONDSTORE_ONLY = offering("CONDSTORE")  # as Gmail is: CONDSTORE, no QRESYNC


@pytest.fixture(params=["qresync", "condstore only"])
def server(request):
    with running_dovecot(CONFIG if request.param == "qresync" else CONDSTORE_ONLY) as dovecot:
        inbox = Inbox(dovecot.port)
        yield dovecot, inbox, request.param
        inbox.client.logout()


def expunge(inbox, folder, uids):
    """Another mail client deletes these messages for good (or moves them away: the same to this folder)."""
    inbox.client.select_folder(folder)
    inbox.client.delete_messages(uids)
    inbox.client.expunge()


def shown(home, ticket_id, capsys):
    code, out, err = run(home, "show", str(ticket_id), "--json", capsys=capsys)
    assert code == 0, err
    return json.loads(out)


def test_messages_removed_on_the_server_are_reported_kept_here_and_a_ticket_left_with_none_is_solved(
    home,
    server,
    memory_keyring,
    monkeypatch,
    capsys,
):
    dovecot, inbox, kind = server
    add_account(home, dovecot, 25, monkeypatch, capsys)
    assert (b"QRESYNC" in inbox.client.capabilities()) is (kind == "qresync")
    alone = inbox.append("INBOX", mail("Spam offer", sender="spam@example.net", message_id="<spam@x>").as_bytes())
    first = inbox.append("INBOX", mail("Broken zip", message_id="<zip@x>").as_bytes())
    follow_up = inbox.append(
        "INBOX", mail("Re: Broken zip", minutes=5, in_reply_to="<zip@x>", message_id="<zip2@x>").as_bytes()
    )
    asked = inbox.append("INBOX", mail("Invoice", sender="cy@example.com", message_id="<inv@x>").as_bytes())
    answered = inbox.append(
        "Sent",
        mail(
            "Re: Invoice", sender="support@shop.example", to="cy@example.com", minutes=9, in_reply_to="<inv@x>"
        ).as_bytes(),
    )
    run(home, "sync", capsys=capsys)
    assert shown(home, 1000 + asked, capsys)["status"] == "open"  # the agent's answer in Sent opened it

    expunge(inbox, "INBOX", [alone, follow_up])
    expunge(inbox, "Sent", [answered])
    code, out, err = run(home, "sync", "--json", capsys=capsys)
    report = json.loads(out)
    assert code == 0, err
    assert (report["vanished"], report["status_changes"], report["read"]) == (3, 1, 0)

    spam = shown(home, 1000 + alone, capsys)
    assert spam["status"] == "solved"  # nothing of it is left in the shared inbox: the teammate dealt with it
    assert [m["subject"] for m in spam["messages"]] == ["Spam offer"]  # ...and its history stays here
    zip_ticket = shown(home, 1000 + first, capsys)
    assert zip_ticket["status"] == "new" and len(zip_ticket["messages"]) == 2  # its first message is still there
    assert shown(home, 1000 + asked, capsys)["status"] == "open"  # a reply gone from Sent solves nothing
    code, out, _ = run(home, "sync", "--json", capsys=capsys)
    assert (json.loads(out)["vanished"], json.loads(out)["status_changes"]) == (0, 0)  # told once

    # Someone puts the message back: it is the same message, and shared state reaches it in its new place.
    back = inbox.append("INBOX", mail("Spam offer", sender="spam@example.net", message_id="<spam@x>").as_bytes())
    code, out, _ = run(home, "sync", "--json", capsys=capsys)
    assert (json.loads(out)["duplicates"], json.loads(out)["new_tickets"]) == (1, 0)
    code, _, err = run(home, "set", str(1000 + alone), "--status", "open", capsys=capsys)
    assert code == 0 and "could not be told" not in err
    inbox.client.select_folder("INBOX")
    assert b"$TuiOpen" in inbox.client.get_flags([back])[back]

    # The customer writing again reopens a ticket solved this way, as any solved ticket.
    expunge(inbox, "INBOX", [first])
    run(home, "sync", capsys=capsys)
    assert shown(home, 1000 + first, capsys)["status"] == "solved"
    inbox.append("INBOX", mail("Re: Broken zip", minutes=6 * 60, in_reply_to="<zip2@x>").as_bytes())  # after --now
    run(home, "sync", capsys=capsys)
    assert shown(home, 1000 + first, capsys)["status"] == "open"


def test_a_message_removed_before_its_body_came_keeps_its_headers_and_says_why(
    home, server, memory_keyring, monkeypatch, capsys
):
    dovecot, inbox, _ = server
    add_account(home, dovecot, 25, monkeypatch, capsys)
    monkeypatch.setattr(
        "agent_tui.sources.imap.ImapSource._bodies", lambda self, *args: iter(())
    )  # stopped after the headers
    uid = inbox.append("INBOX", mail("Wrong size", message_id="<ws@x>").as_bytes())
    run(home, "sync", capsys=capsys)
    monkeypatch.undo()
    inbox.append("INBOX", mail("Newer").as_bytes())  # something is new, as it usually is
    expunge(inbox, "INBOX", [uid])
    code, out, err = run(home, "sync", "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["vanished"] == 1, err
    with closing(sqlite3.connect(home / "data" / "accounts" / "shop" / "store.sqlite3")) as db:
        assert db.execute(
            "SELECT body_pending, source_ref, problems FROM messages WHERE message_id = '<ws@x>'"
        ).fetchone() == (0, None, '["removed from the server before its body was downloaded"]')
    code, out, _ = run(home, "list", "--search", "wrong size", "--json", capsys=capsys)
    assert [t["id"] for t in json.loads(out)] == [1000 + uid]  # its subject is still found
    [message] = shown(home, 1000 + uid, capsys)["messages"]
    assert (message["body_pending"], message["problems"]) == (
        False,
        ["removed from the server before its body was downloaded"],
    )


def test_messages_not_found_again_in_a_renumbered_folder_are_gone(home, server, memory_keyring, monkeypatch, capsys):
    dovecot, inbox, _ = server
    add_account(home, dovecot, 25, monkeypatch, capsys)
    inbox.append("INBOX", mail("Question", message_id="<q@x>").as_bytes())
    kept = mail("Re: Question", sender="support@shop.example", to="ann@example.com", minutes=5, in_reply_to="<q@x>")
    inbox.append("Sent", kept.as_bytes())
    inbox.append(
        "Sent",
        mail(
            "Re: Question", sender="support@shop.example", to="ann@example.com", minutes=9, in_reply_to="<q@x>"
        ).as_bytes(),
    )
    run(home, "sync", capsys=capsys)
    inbox.client.delete_folder("Sent")  # another client recreates Sent (a new UIDVALIDITY) with one of the two
    inbox.client.create_folder("Sent")
    inbox.append("Sent", kept.as_bytes())
    code, out, err = run(home, "sync", "--json", capsys=capsys)
    report = json.loads(out)
    assert code == 0 and (report["duplicates"], report["vanished"], report["status_changes"]) == (1, 1, 0), err


def test_a_ticket_keeps_its_place_when_a_copy_of_its_message_is_still_there_or_the_customer_wrote_again(
    home,
    server,
    memory_keyring,
    monkeypatch,
    capsys,
):
    """Found by review: each of these once left a ticket solved with its mail still in INBOX."""
    dovecot, inbox, _ = server
    add_account(home, dovecot, 25, monkeypatch, capsys)
    twice = mail("Twice", message_id="<twice@x>").as_bytes()
    first_copy = inbox.append("INBOX", twice)
    second_copy = inbox.append("INBOX", twice)  # delivered twice (an alias, a Cc)
    undo = mail("Undo me", sender="un@example.com", message_id="<undo@x>").as_bytes()
    moved = inbox.append("INBOX", undo)
    archived = inbox.append("INBOX", mail("Broken zip", sender="zi@example.com", message_id="<zip@x>").as_bytes())
    waiting = inbox.append("INBOX", mail("Send the photo", sender="ph@example.com").as_bytes())
    run(home, "sync", capsys=capsys)
    assert run(home, "set", str(1000 + waiting), "--status", "pending", capsys=capsys)[0] == 0

    expunge(inbox, "INBOX", [first_copy, moved, archived, waiting])
    back = inbox.append("INBOX", undo)  # the move undone: the same message, a new UID
    inbox.append("INBOX", mail("Re: Broken zip", sender="zi@example.com", minutes=30, in_reply_to="<zip@x>").as_bytes())
    code, out, err = run(home, "sync", "--json", capsys=capsys)
    report = json.loads(out)
    assert code == 0 and (report["vanished"], report["status_changes"]) == (2, 0), err  # the zip's, and the photo's
    for ticket_id in (first_copy, moved, archived):
        assert shown(home, 1000 + ticket_id, capsys)["status"] == "new"
    assert shown(home, 1000 + waiting, capsys)["status"] == "pending"  # archived while waiting: still waiting
    assert len(shown(home, 1000 + archived, capsys)["messages"]) == 2
    with closing(sqlite3.connect(home / "data" / "accounts" / "shop" / "store.sqlite3")) as db:
        refs = dict(
            db.execute("SELECT message_id, substr(source_ref, instr(substr(source_ref, 7), '/') + 7) FROM messages")
        )
    assert (refs["<twice@x>"], refs["<undo@x>"]) == (str(second_copy), str(back))  # shared state reaches the copies


def test_a_removal_is_found_when_stored_and_server_counts_differ_for_other_reasons(
    home, server, memory_keyring, monkeypatch, capsys
):
    """Two copies are one stored message: counting the store against the server once hid a removal (review)."""
    dovecot, inbox, _ = server
    add_account(home, dovecot, 25, monkeypatch, capsys)
    twice = mail("Twice", message_id="<twice@x>").as_bytes()
    inbox.append("INBOX", twice)
    inbox.append("INBOX", twice)
    spam = inbox.append("INBOX", mail("Spam", sender="spam@example.net").as_bytes())
    run(home, "sync", capsys=capsys)
    expunge(inbox, "INBOX", [spam])
    code, out, _ = run(home, "sync", "--json", capsys=capsys)
    assert json.loads(out)["vanished"] == 1 and shown(home, 1000 + spam, capsys)["status"] == "solved"


def test_removals_from_before_an_upgrade_are_found_once(home, server, memory_keyring, monkeypatch, capsys):
    """A store synced by a version that did not look for removals: its folder state has no "exists", and its
    MODSEQ is past them, so CHANGEDSINCE never names them. Its first sync compares the UID lists once."""
    dovecot, inbox, _ = server
    add_account(home, dovecot, 25, monkeypatch, capsys)
    gone = inbox.append("INBOX", mail("Old spam", sender="spam@example.net").as_bytes())
    inbox.append("INBOX", mail("Still here").as_bytes())
    run(home, "sync", capsys=capsys)
    expunge(inbox, "INBOX", [gone])
    inbox.client.select_folder("INBOX", readonly=True)
    highest = inbox.client.folder_status("INBOX", ["HIGHESTMODSEQ"]).get(b"HIGHESTMODSEQ", 0)
    with closing(sqlite3.connect(home / "data" / "accounts" / "shop" / "store.sqlite3")) as db, db:
        db.execute(
            "UPDATE meta SET value = json_remove(json_set(value, '$.modseq', ?), '$.exists') WHERE key = 'imap.INBOX'",
            (highest,),
        )
    code, out, _ = run(home, "sync", "--json", capsys=capsys)
    assert json.loads(out)["vanished"] == 1
    code, out, _ = run(home, "sync", "--json", capsys=capsys)
    assert json.loads(out)["vanished"] == 0


def test_without_condstore_a_removal_since_the_last_sync_wakes_the_live_sync_at_once(
    home, memory_keyring, monkeypatch, capsys
):
    """IDLE only hears what happens while it waits; a server without MODSEQs shows an earlier removal in EXISTS."""
    with running_dovecot(offering()) as dovecot:
        inbox = Inbox(dovecot.port)
        add_account(home, dovecot, 25, monkeypatch, capsys)
        spam = inbox.append("INBOX", mail("Spam", sender="spam@example.net").as_bytes())
        inbox.append("INBOX", mail("Keep").as_bytes())
        run(home, "sync", capsys=capsys)
        expunge(inbox, "INBOX", [spam])
        idled = []
        monkeypatch.setattr(IMAPClient, "idle", lambda self: idled.append(True))
        paths = AppPaths.resolve(home)
        service = open_account(paths, load_settings(paths), None, None)
        try:
            service.source.wait_for_changes(service.source_state, threading.Event(), seconds=1)
        finally:
            service.close()
        assert idled == []  # it returned before waiting: the live worker syncs now
        inbox.client.logout()
