"""The queue from the keyboard (issue 16, points 7, 8 and 11): text sent in a burst or pasted goes to the filter box,
which says what it did not understand and how many tickets match; `o` reaches every column and the header keeps the
whole title beside the arrow; the sidebar lists every tag that fits, by count."""

from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input, OptionList, Static

from agent_tui.cli import make_app
from agent_tui.domain.queue import QueueQuery, SortKey, parse_filter
from agent_tui.ui.screens.dashboard import DashboardScreen
from agent_tui.ui.screens.queue import QueueScreen
from agent_tui.ui.widgets.queue_table import COLUMNS, QueueTable
from tests.conftest import NOW, settle
from tests.ui.test_queue_and_ticket import table_ids


def burst(app, text: str) -> None:
    """Keys as a terminal hands over a paste or fast typing: all read at once, each posted without a pause."""
    for character in text:
        key = "enter" if character == "\r" else _character_to_key(character)
        app.post_message(events.Key(key, character))


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_keys_sent_in_a_burst_after_the_filter_key_go_to_the_filter_box(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "/refund")  # "d" used to open the dashboard
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.query_one("#filter", Input).value == "refund"
        table = app.screen.query_one(QueueTable)
        assert table_ids(table) == app.service.queue_ids(QueueQuery(filter=parse_filter("refund")))

        burst(app, " vip")  # more of a burst, once the box has the focus: after what is there
        await settle(pilot)
        assert app.screen.query_one("#filter", Input).value == "refund vip"

        burst(app, "\r" + "o")  # Enter leaves the box at once: the key behind it is the queue's (sort)
        await settle(pilot)
        assert app.screen.query_one("#filter", Input).value == "refund vip"
        assert app.screen.query_state.sort is SortKey.PRIORITY and table.has_focus

        burst(app, "/x")  # back in the box; Escape clears it at once, and "o" behind it sorts again
        app.post_message(events.Key("escape", "\x1b"))
        burst(app, "o")
        await settle(pilot)
        assert app.screen.query_one("#filter", Input).value == ""
        assert app.screen.query_state.sort is SortKey.AGE and table.has_focus


async def test_a_paste_on_the_queue_goes_to_the_filter_box(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(QueueTable).has_focus
        app.post_message(events.Paste("/refund dd\n"))  # bracketed paste: the leading filter key is dropped
        await settle(pilot)
        assert not isinstance(app.screen, DashboardScreen)
        assert app.screen.query_one("#filter", Input).value == "refund dd"
        assert app.screen.query_one("#filter", Input).has_focus


async def test_the_filter_names_a_misspelt_value_counts_its_matches_and_documents_ticket_numbers(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        filter_box = app.screen.query_one("#filter", Input)
        assert "#1044" in filter_box.placeholder
        assert shown(app, "#count") == "44 tickets" and shown(app, "#hint") == ""

        await pilot.press("slash", *"refund")
        await settle(pilot)
        matches = len(app.service.queue_ids(QueueQuery(filter=parse_filter("refund"))))
        assert 1 < matches < 44 and shown(app, "#count") == f"{matches} matches"  # it follows the filter

        await pilot.press(*" priority:urgnet")
        await settle(pilot)
        assert "urgnet" in shown(app, "#hint") and "urgent" in shown(app, "#hint")
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace", "backspace", *"urgent")
        await settle(pilot)
        assert shown(app, "#hint") == ""  # the hint goes once the value is one

        await pilot.press("ctrl+u", *"#1044")  # ctrl+u: Input's "delete to the start"
        await settle(pilot)
        assert table_ids(app.screen.query_one(QueueTable)) == [1044] and shown(app, "#count") == "1 match"


async def test_sort_reaches_every_column_and_the_header_keeps_the_whole_title(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one(QueueTable)
        reached = [screen.query_state.sort]
        for _ in range(len(COLUMNS) - 1):
            await pilot.press("o")
            await settle(pilot)
            reached.append(screen.query_state.sort)
            title = next(c.title for c in COLUMNS if c.key is screen.query_state.sort)
            header = table.render_line(0).text
            assert f"{title} ▲" in header, header  # never "Prior… ▲"
            assert [c.key for c, _ in table.columns][:2] == [SortKey.SLA, SortKey.ID]
        assert set(reached) == {column.key for column in COLUMNS}  # Subject included
        assert screen.query_state.sort is SortKey.ID
        await pilot.press("O")  # reversed
        await settle(pilot)
        assert screen.query_state.descending and "# ▼" in table.render_line(0).text
        await pilot.press("o")  # and round again
        await settle(pilot)
        assert screen.query_state.sort is SortKey.SLA and not screen.query_state.descending


async def test_the_sidebar_lists_every_tag_that_fits_by_count_and_scrolls_to_the_rest(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(220, 60)) as pilot:
        await settle(pilot)
        tags = app.service.store.tag_counts(limit=500)  # every tag of an unsolved ticket, by count
        assert len(tags) > 12
        views = app.screen.query_one("#views", OptionList)
        listed = [views.get_option_at_index(i).id for i in range(views.option_count)]
        assert [i.removeprefix("tag:") for i in listed if i and i.startswith("tag:")] == [t for t, _ in tags]
        counts = [count for _, count in tags]
        assert counts == sorted(counts, reverse=True)
        assert views.max_scroll_y == 0  # all of them fit at 220x60

        await pilot.resize_terminal(80, 24)
        await pilot.press("backslash")  # the views, shown by hand in a small window: the list scrolls
        await settle(pilot)
        assert views.display and views.max_scroll_y > 0
        await pilot.press("shift+tab")  # the last tag, from the keyboard
        await settle(pilot)
        assert app.screen.query_state.tag == tags[-1][0]
