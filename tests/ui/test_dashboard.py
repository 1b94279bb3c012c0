"""The lead's dashboard, driven with the keys a lead presses."""

import io
from datetime import timedelta

from rich.console import Console

from agent_tui.cli import make_app
from agent_tui.domain.models import Status
from agent_tui.domain.queue import QueueQuery, View
from agent_tui.ui.screens.dashboard import DashboardScreen
from agent_tui.ui.screens.queue import QueueScreen
from tests.conftest import NOW, settle
from tests.ui.test_queue_and_ticket import service_for


async def test_dashboard_shows_the_demo_week_and_follows_the_store(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        expected = app.service.report(NOW - screen_period(), NOW).to_json()
        assert screen.current == expected
        assert expected["tickets_created"] > 20 and expected["tickets_solved"] > 0  # a meaningful week
        solved_tile = str(screen.query_one("#tile-tickets_solved").render())
        assert solved_tile.startswith("Solved") and str(expected["tickets_solved"]) in solved_tile
        team = plain(screen.query_one("#agents").content)
        for name, counts in expected["by_agent"].items():
            assert name in team and f"{counts['replied']}" in team
        breaching = str(screen.query_one("#breaching").render())
        assert "#" in breaching and "overdue" not in breaching

        # Another program solves a ticket: the dashboard follows within a poll.
        other = service_for(home)
        open_id = other.queue_ids(QueueQuery(view=View.OPEN))[0]
        other.store.set_status(open_id, Status.SOLVED, NOW - timedelta(minutes=1), "script")
        other.close()
        await pilot.pause(2.5)
        await settle(pilot)
        assert screen.current["tickets_solved"] == expected["tickets_solved"] + 1

        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)


def plain(renderable) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def screen_period():
    from agent_tui.ui.screens.dashboard import PERIOD

    return PERIOD


async def test_dashboard_follows_this_apps_own_sync(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        solved = app.screen.current["tickets_solved"]
        open_id = app.service.queue_ids(QueueQuery(view=View.OPEN))[0]
        app.service.store.set_status(open_id, Status.SOLVED, NOW - timedelta(minutes=1), "sync")  # same connection
        app.store_changed()  # what the live sync calls after filing new mail
        await settle(pilot)
        assert app.screen.current["tickets_solved"] == solved + 1


async def test_dashboard_shows_csat(home):
    """Two customers answered a survey this week (5 and 2): the CSAT line shows their mean."""
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert "No ratings" in plain(screen.query_one("#csat").content)
        other = service_for(home)
        ids = other.queue_ids(QueueQuery(view=View.OPEN))[:2]
        for ticket_id, rating in zip(ids, ("5", "2"), strict=True):
            other.store.record_event(ticket_id, NOW - timedelta(hours=1), "customer", "csat", rating)
        other.close()
        await pilot.pause(2.5)
        await settle(pilot)
        assert screen.current["csat"] == {"responses": 2, "score": 3.5}
        assert "3.50 / 5" in plain(screen.query_one("#csat").content)
        assert "from 2 ratings" in plain(screen.query_one("#csat").content)
