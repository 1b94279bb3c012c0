"""Drive the TUI with the keys a user presses, and check both the screen and the store."""

from agent_tui.cli import make_app
from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import load_settings
from agent_tui.domain.models import Address, Author, Customer, Message, Status
from agent_tui.domain.queue import QueueQuery, View, parse_filter
from agent_tui.services.accounts import open_account
from agent_tui.ui.screens.help import HelpScreen
from agent_tui.ui.screens.queue import QueueScreen
from agent_tui.ui.screens.ticket import TicketScreen
from agent_tui.ui.widgets.queue_table import QueueTable
from tests.conftest import NOW, settle


def table_ids(table) -> list[int]:
    """The ids the table holds, in order (the demo fits in the first page, which every load brings)."""
    assert table.total <= 100
    return [table.row_at(i).id for i in range(table.total)]


def service_for(home):
    paths = AppPaths.resolve(home)
    return open_account(paths, load_settings(paths), "demo", NOW)


async def test_demo_opens_on_the_open_queue_sorted_by_sla(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        expected = app.service.queue_ids(QueueQuery(view=View.OPEN))
        assert table_ids(table) == expected and len(expected) >= 40
        rows = app.service.queue_rows(expected[:1])
        assert table.cursor == 0 and table.current_id == rows[0].id
        views = app.screen.query_one("#views")
        labels = [str(views.get_option_at_index(i).prompt) for i in range(6)]
        assert labels[0].startswith("All open") and labels[0].rstrip().endswith(str(len(expected)))
        assert any(label.startswith("Breaching soon") for label in labels)


async def test_move_open_solve_and_come_back(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        await pilot.press("down", "down")
        target = table_ids(table)[2]
        assert table.current_id == target
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.ticket_id == target
        header = app.screen.query_one("#ticket-header").render()
        assert f"#{target}" in str(header)

        await pilot.press("S")  # solve
        await settle(pilot)
        await pilot.press("y")  # the customer spoke last: solve anyway
        await settle(pilot)
        assert app.service.ticket(target).status is Status.SOLVED
        assert "solved" in str(app.screen.query_one("#ticket-header").render())

        await pilot.press("n")  # next ticket without going back
        await settle(pilot)
        following = app.screen.ticket_id
        assert following == table_ids(table)[3]

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert target not in table_ids(table)  # solved tickets leave the open queue
        assert table.current_id == following  # the cursor is on the ticket seen last


async def test_status_priority_assign_and_tags_from_the_ticket_screen(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        ticket_id = app.screen.query_one(QueueTable).current_id
        await pilot.press("enter")
        await settle(pilot)

        await pilot.press("s")  # status picker
        await settle(pilot)
        await pilot.press("home", "down", "down", "enter")  # new, open, pending
        await settle(pilot)
        assert app.service.ticket(ticket_id).status is Status.PENDING

        await pilot.press("P", "home", "enter")  # urgent is first in the list
        await settle(pilot)
        assert app.service.ticket(ticket_id).priority.label == "urgent"

        await pilot.press("t")
        await settle(pilot)
        assert app.service.ticket(ticket_id).assignee.email == "robin@pineandpebble.example"
        await pilot.press("u")
        await settle(pilot)
        assert app.service.ticket(ticket_id).assignee is None

        await pilot.press("plus")
        await settle(pilot)
        await pilot.press(*"needs-photo", "enter")
        await settle(pilot)
        assert "needs-photo" in app.service.ticket(ticket_id).tags
        await pilot.press("minus")
        await settle(pilot)
        tags = app.service.ticket(ticket_id).tags
        await pilot.press("home", *["down"] * tags.index("needs-photo"), "enter")
        await settle(pilot)
        assert "needs-photo" not in app.service.ticket(ticket_id).tags

    # The changes are in the store on disk, seen by a fresh process.
    service = service_for(home)
    ticket = service.ticket(ticket_id)
    assert ticket.status is Status.PENDING and ticket.priority.label == "urgent"
    service.close()


async def test_filter_views_and_sort(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        everything = table_ids(table)
        await pilot.press("slash", *"refund")
        await settle(pilot)
        assert table_ids(table) == app.service.queue_ids(QueueQuery(filter=parse_filter("refund")))
        assert 0 < len(table_ids(table)) < len(everything)
        await pilot.press("escape")  # clears the filter
        await settle(pilot)
        assert table_ids(table) == everything
        await pilot.press("4")  # pending view
        await settle(pilot)
        assert table_ids(table) == app.service.queue_ids(QueueQuery(view=View.PENDING))
        assert all(app.service.ticket(i).status is Status.PENDING for i in table_ids(table))
        await pilot.press("3")  # mine
        await settle(pilot)
        assert all(app.service.ticket(i).assignee.email == "robin@pineandpebble.example" for i in table_ids(table))
        await pilot.press("1", "o")  # all open, sorted by priority
        await settle(pilot)
        priorities = [app.service.ticket(i).priority for i in table_ids(table)]
        assert priorities == sorted(priorities, reverse=True)


async def test_chinese_filter_and_full_text_search(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        await pilot.press("slash", *"?退款")
        await settle(pilot)
        assert table_ids(table)
        for ticket_id in table_ids(table):
            detail = app.service.detail(ticket_id)
            assert any("退款" in m.text or "退款" in m.subject for m in detail.messages)


async def test_hostile_subject_is_shown_literally(home):
    service = service_for(home)
    evil = "[bold red]FREE[/] \x1b[2J\x1b]0;owned\x07 [link=https://evil.example]click[/link]"
    ticket_id = service.store.create_ticket(
        subject=evil, customer=Customer("mallory@evil.example", "[i]Mallory\x1b[31m"), created_at=NOW
    )
    service.store.add_message(
        ticket_id, Message(Author.CUSTOMER, Address("mallory@evil.example"), NOW, "body [b]x[/b] \x1b[5m")
    )
    service.close()
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(200, 45)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"mallory", "enter")
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        assert table_ids(table) == [ticket_id]
        line = "".join(segment.text for segment in table.render_line(1))
        assert "[bold red]FREE[/] ␛[2J␛]0;owned␇ [link=https://evil.example]click[/link]" in line
        assert "[i]Mallory␛[31m" in line
        assert "\x1b" not in line
        await pilot.press("enter")
        await settle(pilot)
        header = str(app.screen.query_one("#ticket-header").render())
        assert "[bold red]FREE[/] ␛[2J" in header
        thread_text = str(app.screen.query_one("MessageView").render())
        assert "body [b]x[/b] ␛[5m" in thread_text


async def open_the_ticket_found_by(pilot, words):
    await settle(pilot)
    await pilot.press("slash", *words, "enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_a_message_filed_from_its_headers_says_its_body_is_coming_then_shows_it(home):
    service = service_for(home)
    ticket_id = service.store.create_ticket(
        subject="Headers first", customer=Customer("hf@example.com"), created_at=NOW
    )
    pending = Message(Author.CUSTOMER, Address("hf@example.com"), NOW, "", subject="Headers first", body_pending=True)
    service.store.add_message(ticket_id, pending, source_ref="INBOX/7/1")
    service.close()
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_the_ticket_found_by(pilot, "hf@example")
        assert "Downloading this message" in str(app.screen.query_one("MessageView").render())
        whole = Message(
            Author.CUSTOMER, Address("hf@example.com"), NOW, "The parcel is [b]late[/b]", subject="Headers first"
        )
        assert app.service.store.fill_body("INBOX/7/1", whole, raw=b"...", problems=[])
        app.store_changed()  # what the sync worker calls after each batch
        await settle(pilot)
        shown = str(app.screen.query_one("MessageView").render())
        assert "The parcel is [b]late[/b]" in shown and "Downloading" not in shown


async def test_help_lists_bindings_in_force_with_their_ids(home):
    app = make_app(home=home, account="demo", now=NOW, keymap="vim")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert ("j, ↓", "Down", "queue.down") in app.screen.rows("queue")
        assert ("?, f1", "Help", "app.help") in app.screen.rows("app")
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)
        table = app.screen.query_one(QueueTable)
        await pilot.press("j", "j")
        assert table.cursor == 2


async def test_long_queue_is_read_a_page_at_a_time(home):
    service = service_for(home)
    with service.store.transaction():
        for number in range(250):
            service.store.create_ticket(
                subject=f"Bulk question {number}", customer=Customer(f"c{number}@example.com", "Bulk"), created_at=NOW
            )
    expected = service.queue_ids(QueueQuery(view=View.OPEN))
    service.close()
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        assert table.total == len(expected) > 250
        assert set(table._pages) == {0}  # only the first page was read
        await pilot.press("end")
        await settle(pilot)
        assert table.cursor == len(expected) - 1
        assert table.current_id == expected[-1]
        assert len(table._pages) <= 3  # the first page and the pages on screen
        await pilot.press("slash", *'"bulk question 24"')
        await settle(pilot)
        assert [table.row_at(i).subject for i in range(table.total)] == [
            f"Bulk question {n}" for n in (24, *range(240, 250))
        ]


async def test_view_keys_before_the_sidebar_has_loaded(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = app.screen
        screen.query_one("#views").clear_options()  # as it is before the first load arrives
        screen.action_next_view()
        screen.action_show_view("pending")
        await settle(pilot)
        assert screen.query_state.view is View.PENDING
        assert table_ids(screen.query_one(QueueTable)) == app.service.queue_ids(QueueQuery(view=View.PENDING))


async def test_a_changed_policy_is_applied_after_the_first_paint(home):
    service_for(home).close()  # the demo exists, its deadlines set by the demo's own policy
    (home / "sla.toml").write_text('[targets.normal]\nfirst_reply = "1m"\nnext_reply = "1m"\nresolution = "1h"\n')
    app = make_app(home=home, account="demo", now=NOW)
    assert app.service.store.get_meta("sla.policy") != app.service.policy.fingerprint()  # not done before drawing
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert app.service.store.get_meta("sla.policy") == app.service.policy.fingerprint()
        table = app.screen.query_one(QueueTable)
        normal = [table.row_at(i) for i in range(table.total) if table.row_at(i).priority.label == "normal"]
        clocks = [app.service.queue_clock(row) for row in normal]
        assert any(clock and clock[1].value == "breached" for clock in clocks)


async def test_what_could_not_be_read_of_a_message_is_said_above_it_and_made_safe(home):
    service = service_for(home)
    ticket_id = service.store.create_ticket(subject="Odd parts", customer=Customer("op@example.com"), created_at=NOW)
    odd = Message(Author.CUSTOMER, Address("op@example.com"), NOW, "Readable part", subject="Odd parts")
    service.store.add_message(ticket_id, odd, problems=["charset 'x-[b]evil[/b]\x1b[31m' unknown, read as Latin-1"])
    service.close()
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_the_ticket_found_by(pilot, "op@example")
        shown = str(app.screen.query_one("MessageView").render())
        assert "⚠ charset 'x-[b]evil[/b]␛[31m' unknown, read as Latin-1" in shown and "Readable part" in shown
        assert "\x1b" not in shown
