"""The TUI on a live IMAP account: mail arriving while it runs shows up (IDLE), and a lost server says so."""

import time

from agent_tui.cli import make_app
from agent_tui.domain.queue import QueueQuery, View
from agent_tui.ui.widgets.queue_table import QueueTable
from tests.conftest import NOW
from tests.sources.test_imap import add_account, mail


async def wait_for(pilot, condition, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await pilot.pause(0.1)
        if condition():
            return True
    return False


def subjects(table):
    return [table.row_at(i).subject for i in range(table.total) if table.row_at(i)]


async def test_new_mail_arrives_in_the_open_queue_and_offline_is_shown(
    home, dovecot, inbox, memory_keyring, monkeypatch, capsys
):
    add_account(home, dovecot, 25, monkeypatch, capsys)
    inbox.append("INBOX", mail("Already there").as_bytes())
    app = make_app(home=home, now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        assert await wait_for(pilot, lambda: app.connection_status == "online")
        table = app.screen.query_one(QueueTable)
        assert await wait_for(pilot, lambda: "Already there" in subjects(table))
        started = time.monotonic()
        inbox.append("INBOX", mail("Arrived while open", sender="new@example.com").as_bytes())
        assert await wait_for(pilot, lambda: "Arrived while open" in subjects(table), seconds=10)
        assert time.monotonic() - started < 10
        dovecot.stop()
        assert await wait_for(pilot, lambda: app.connection_status.startswith("offline, retrying"), seconds=20)
        assert "offline, retrying" in str(app.screen.query_one("#title").render())


async def test_a_big_first_sync_in_the_tui_parses_on_a_second_core_and_fills_the_queue_and_the_bodies(
    home,
    dovecot,
    inbox,
    memory_keyring,
    monkeypatch,
    capsys,
):
    """Under Textual, stderr is a stand-in with no file descriptor, and multiprocessing could not start the
    parse helper: make_app prepares it first. (This sync once died quietly with "connecting…" on screen.)"""
    monkeypatch.setattr("agent_tui.sources.imap.pull.PARALLEL_FROM", 3)  # so these few messages take the helper path
    from concurrent.futures import ProcessPoolExecutor

    helpers = []

    class CountingPool(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            helpers.append(self)

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", CountingPool)
    add_account(home, dovecot, 25, monkeypatch, capsys)
    for n in range(6):
        inbox.append("INBOX", mail(f"Big sync {n}", sender=f"b{n}@example.com", body=f"Body {n}").as_bytes())
    app = make_app(home=home, now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        assert await wait_for(pilot, lambda: app.connection_status == "online"), app.connection_status
        table = app.screen.query_one(QueueTable)
        assert await wait_for(pilot, lambda: sorted(subjects(table)) == [f"Big sync {n}" for n in range(6)])
        messages = [
            m
            for ticket_id in app.service.queue_ids(QueueQuery(view=View.ALL))
            for m in app.service.store.messages(ticket_id)
        ]
        assert sorted(m.text.strip() for m in messages) == [f"Body {n}" for n in range(6)]
    assert len(helpers) == 1  # one helper process, started from under Textual


async def test_a_message_a_teammate_deletes_leaves_the_open_queue_within_seconds(
    home, dovecot, inbox, memory_keyring, monkeypatch, capsys
):
    add_account(home, dovecot, 25, monkeypatch, capsys)
    inbox.append("INBOX", mail("Keep me").as_bytes())
    spam = inbox.append("INBOX", mail("Cheap watches", sender="spam@example.net").as_bytes())
    app = make_app(home=home, now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        table = app.screen.query_one(QueueTable)
        assert await wait_for(pilot, lambda: sorted(subjects(table)) == ["Cheap watches", "Keep me"])
        assert await wait_for(pilot, lambda: app.connection_status == "online")
        inbox.client.select_folder("INBOX")
        inbox.client.delete_messages([spam])  # another mail client deletes it, as IDLE hears
        inbox.client.expunge()
        assert await wait_for(pilot, lambda: subjects(table) == ["Keep me"], seconds=10)
        assert app.service.store.ticket_status(1000 + spam).value == "solved"  # kept, with its history
