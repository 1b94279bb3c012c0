"""A help desk's ticket keeps the help desk's number in agent-tui, closed or not (a real RT on loopback)."""

from __future__ import annotations

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import add_account, load_settings
from agent_tui.domain.models import Author, Status
from agent_tui.domain.queue import QueueQuery, View, parse_filter
from agent_tui.services.accounts import open_account
from agent_tui.services.replies import Replies
from agent_tui.services.sync import sync
from tests.conftest import NOW
from tests.servers.rt import rt_table
from tests.sources.test_imap import mail


def test_a_closed_rt_ticket_written_to_again_stays_the_same_ticket_and_replies_reach_it(rt, tmp_path, monkeypatch):
    paths = AppPaths.resolve(tmp_path / "dana")
    add_account(paths, "desk", rt_table(rt, "dana"))
    monkeypatch.setenv("AGENT_TUI_AGENT", "Dana Li <dana@shop.example>")
    service = open_account(paths, load_settings(paths), "desk", NOW)
    try:
        ticket = rt.mail(mail("Broken lamp 7f3a", sender="Ann Lee <ann@example.com>", body="It flickers.").as_bytes())
        assert rt.api("PUT", f"/ticket/{ticket}", json={"Status": "rejected"}).status_code == 200
        sync(service)
        assert service.ticket(ticket).status is Status.CLOSED

        rt.reply_by_mail(ticket, mail("Broken lamp 7f3a", sender="Ann Lee <ann@example.com>").as_bytes())
        sync(service)  # RT reopened its ticket: no follow-up with a number of agent-tui's making
        lamps = QueueQuery(view=View.ALL, filter=parse_filter("7f3a"))  # the RT is shared with other tests
        assert service.queue_ids(lamps) == [ticket]
        assert service.ticket(ticket).status is Status.OPEN
        assert [m.author for m in service.store.messages(ticket)] == [Author.CUSTOMER, Author.CUSTOMER]

        Replies(service, paths, load_settings(paths)).send(ticket, "Sorry about that, a new lamp is on its way.")
        replies = [t for t in rt.transactions(ticket, "Correspond") if t["Creator"]["id"] == "agent1"]
        assert len(replies) == 1
    finally:
        service.close()
