"""An 80×24 window (an SSH session, a split pane) keeps the work in sight: the queue's subject, the whole
width for the conversation and the reply, and every part of the dashboard within a scroll."""

from textual.widgets import OptionList, TextArea

from agent_tui.cli import make_app
from agent_tui.ui.screens.compose import ComposeScreen
from agent_tui.ui.screens.dashboard import DashboardScreen
from agent_tui.ui.screens.ticket import TicketScreen
from agent_tui.ui.widgets.queue_table import QueueTable
from tests.conftest import NOW, settle
from tests.ui.test_dashboard import plain


def header(table: QueueTable) -> list[str]:
    """The column titles the table draws on its first line (the sort arrow left out)."""
    return [word for word in table.render_line(0).text.split() if word not in ("▲", "▼")]


async def test_at_80_columns_the_queue_shows_subject_and_customer_and_hides_the_views(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        views = app.screen.query_one("#views", OptionList)
        assert header(table)[:2] == ["SLA", "#"] and {"Subject", "Customer"} <= set(header(table))
        assert not views.display
        assert table.size.width >= 76  # the table has the window
        subject = table.render_line(1).text
        assert "Missing item from order" in subject  # the first ticket's subject, on screen
        assert "All open 44" in str(app.screen.query_one("#title").render())  # the hidden sidebar's view, named

        await pilot.press("backslash")  # show the views
        await settle(pilot)
        assert views.display and views.size.width > 0
        assert "Subject" in header(table)  # still there, narrower
        assert "All open 44" not in str(app.screen.query_one("#title").render())
        await pilot.press("6")  # the views work as ever
        await settle(pilot)
        assert views.highlighted == 5

        await pilot.press("backslash")  # and hide them again
        await settle(pilot)
        assert not views.display
        assert "Everything 66" in str(app.screen.query_one("#title").render())
        await pilot.press("tab")  # views and tags still step with the sidebar hidden
        await settle(pilot)
        assert app.screen.query_state.tag == "shipping"
        assert "# shipping" in str(app.screen.query_one("#title").render())


async def test_the_columns_and_the_views_follow_the_width(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        views = app.screen.query_one("#views", OptionList)
        assert views.display
        wide = ["SLA", "#", "Priority", "Status", "Customer", "Subject", "Age", "Assignee"]
        assert header(table) == wide

        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert not views.display
        narrow = header(table)
        assert narrow[:2] == ["SLA", "#"] and {"Customer", "Subject"} <= set(narrow) and "Assignee" not in narrow

        await pilot.press("o")  # sort by priority: the column sorted by stays in sight
        await settle(pilot)
        assert any(title.startswith("Prior") for title in header(table))  # "Prior… ▲": the arrow has the room

        await pilot.press("backslash")  # shown by hand while narrow...
        await settle(pilot)
        assert views.display
        await pilot.resize_terminal(200, 40)  # ...and wide again: the views follow the width once more
        await settle(pilot)
        assert views.display and [title[:5] for title in header(table)] == [title[:5] for title in wide]


async def test_at_80_columns_the_conversation_has_the_width_and_the_customer_panel_a_key(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        thread, customer = screen.query_one("#thread"), screen.query_one("#customer")
        assert thread.size.width >= 60
        assert not customer.display
        assert "from Lucy Barnes" in str(screen.query_one("#ticket-header").render())  # the panel, in a line

        await pilot.press("backslash")
        await settle(pilot)
        assert customer.display
        assert customer.region.y > thread.region.y  # under the conversation, which keeps its width
        assert thread.size.width >= 60 and customer.size.width >= 60
        assert "Lucy Barnes" in str(screen.query_one("#customer-card").render())
        await pilot.press("backslash")
        await settle(pilot)
        assert not customer.display


async def test_at_80_columns_the_editor_has_the_width(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        picker = screen.query_one("#picker")
        assert picker.display and screen.query_one("#templates", OptionList).has_focus  # no draft yet: pick one

        await pilot.press("enter")  # the suggested template
        await settle(pilot)
        editor = screen.query_one(TextArea)
        assert editor.has_focus and editor.text
        assert not picker.display
        assert editor.size.width >= 60 and editor.size.height >= 10

        await pilot.press("ctrl+t")  # templates again
        await settle(pilot)
        assert picker.display and screen.query_one("#template-search").has_focus


async def test_at_80_by_24_the_dashboard_scrolls_to_the_team(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        agents = screen.query_one("#agents")
        footer_line = app.size.height - 1
        assert agents.region.bottom > footer_line  # below the window at first

        for _ in range(4):
            await pilot.press("pagedown")
        await settle(pilot)
        assert agents.region.y > 0 and agents.region.bottom <= footer_line  # the whole team table in sight
        team = plain(agents.content)
        assert all(name in team for name in screen.current["by_agent"])

        await pilot.press("home")
        await settle(pilot)
        assert screen.query_one("#tile-tickets_created").region.y < footer_line  # and back to the figures


async def test_a_screen_under_another_fits_the_width_it_comes_back_to(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        queue = app.screen
        await pilot.press("enter")
        await settle(pilot)
        await pilot.resize_terminal(80, 24)  # while the ticket is in front
        await settle(pilot)
        assert app.screen.query_one("#thread").size.width >= 60
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is queue
        assert not queue.query_one("#views").display
        assert "Subject" in header(queue.query_one(QueueTable))
