"""A note on a shared IMAP inbox stays with the team: nothing goes out over SMTP, and it is stored in the shared
INBOX (marked as a note) for every teammate's sync (more in ``test_imap_notes.py``)."""

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import load_settings
from agent_tui.domain.models import Author
from agent_tui.domain.queue import QueueQuery
from agent_tui.services.accounts import open_account
from agent_tui.services.replies import Replies
from tests.conftest import NOW
from tests.sources.test_imap import add_account, mail, run


def test_a_note_is_never_mailed_to_the_customer(home, dovecot, inbox, smtp, memory_keyring, monkeypatch, capsys):
    add_account(home, dovecot, smtp.port, monkeypatch, capsys)
    inbox.append("INBOX", mail("Where is my order?").as_bytes())
    assert run(home, "sync", capsys=capsys)[0] == 0
    paths = AppPaths.resolve(home)
    service = open_account(paths, load_settings(paths), None, NOW)
    (ticket_id,) = service.queue_ids(QueueQuery())
    note = Replies(service, paths, load_settings(paths)).note(ticket_id, "Customer is a VIP: refund at once.")
    assert smtp.received == []
    assert [m.message_id for m in service.store.messages(ticket_id) if m.author is Author.NOTE] == [note.message_id]
    service.close()
    inbox.client.select_folder("INBOX")
    (uid,) = inbox.client.search(["HEADER", "Message-ID", note.message_id])  # in the mailbox the team shares
    assert b"$TuiNote" in inbox.client.get_flags([uid])[uid]
    assert smtp.received == []
