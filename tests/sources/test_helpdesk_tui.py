"""The TUI on a help-desk account (Zendesk's documented shapes): the queue fills from a sync, and the ticket header
says that the help desk shows no presence, where an IMAP or demo account would show who is on the ticket."""

import json

from agent_tui.cli import main, make_app
from agent_tui.domain.queue import QueueQuery
from agent_tui.ui.screens.ticket import TicketScreen
from tests.conftest import NOW, settle
from tests.sources.test_imap_live import wait_for
from tests.sources.test_zendesk import _fake, cli_account


async def test_zendesk_documented_shapes_the_ticket_header_says_presence_is_not_shown(tmp_path, capsys):
    fake = _fake()
    try:
        home = cli_account(fake, tmp_path / "zd", "<zd-tui@example.com>")
        assert main(["--home", str(home), "sync", "--json"]) == 0
        assert json.loads(capsys.readouterr().out.splitlines()[-1])["new_tickets"] == 1
        app = make_app(home=home, now=NOW)
        async with app.run_test(size=(140, 36)) as pilot:
            # The live worker polls for good: wait for what is asked, never for every worker to end.
            (ticket_id,) = app.service.queue_ids(QueueQuery())
            app.push_screen(TicketScreen(app.service, ticket_id, QueueQuery(), 0))
            assert await wait_for(pilot, lambda: "Where is it?" in str(app.screen.query_one("#ticket-header").render()))
            header = str(app.screen.query_one("#ticket-header").render())
            assert "not shown by this help desk" in header
    finally:
        fake.stop()


async def test_the_demo_which_shows_presence_has_no_such_line(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        app.push_screen(TicketScreen(app.service, 1041, QueueQuery(), 0))
        await settle(pilot)
        assert "not shown by this help desk" not in str(app.screen.query_one("#ticket-header").render())
