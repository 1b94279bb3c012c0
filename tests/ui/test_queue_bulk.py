"""Bulk in the queue: mark tickets, change them all after a confirmation naming the count; the macro picker;
undo of a bulk change; the assign picker looking up someone typed in off the screen's thread."""

import threading
from datetime import timedelta

from agent_tui.cli import make_app
from agent_tui.domain.models import Priority, Status
from agent_tui.ui.modals import ConfirmModal
from agent_tui.ui.screens.picker import PickerModal
from agent_tui.ui.screens.queue import QueueScreen
from agent_tui.ui.screens.ticket import TicketScreen
from agent_tui.ui.widgets.queue_table import QueueTable
from tests.conftest import NOW, settle
from tests.ui.test_queue_and_ticket import service_for


async def test_mark_two_set_pending_both_pending(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        first = table.current_id
        await pilot.press("space")  # marks and moves down
        await settle(pilot)
        second = table.current_id
        await pilot.press("space")
        await settle(pilot)
        assert set(app.screen.marked) == {first, second}
        assert "2 marked" in str(app.screen.query_one("#count").render())
        assert table._row_segments(table.row_at(0), table.rich_style)[2].text.startswith(f"●{first}")
        await pilot.press("w")  # pending, on the marked ones
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal) and "2 marked tickets" in app.screen._question
        await pilot.press("y")
        await settle(pilot)
        assert app.service.ticket(first).status is Status.PENDING
        assert app.service.ticket(second).status is Status.PENDING
        assert app.screen.marked == {}


async def test_a_ticket_changed_since_it_was_marked_is_refused_and_named(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        first = table.current_id
        await pilot.press("space", "space")
        await settle(pilot)
        second = table.row_at(1).id
        app.service.store.set_tag(second, "vip", True, NOW, "Dana Li")  # a teammate, meanwhile
        notices = []
        app.notify = lambda text, **kw: notices.append(text)  # type: ignore[method-assign]
        app.screen.notify = app.notify  # type: ignore[method-assign]
        await pilot.press("S")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.service.ticket(first).status is Status.SOLVED
        assert app.service.ticket(second).status is not Status.SOLVED
        assert any(
            f"#{second}: not changed: it changed since you marked it (Dana Li tagged it vip" in n for n in notices
        )


async def test_mark_all_clear_and_macro_on_marked(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        await pilot.press("asterisk")
        await settle(pilot)
        assert len(app.screen.marked) == table.total
        await pilot.press("u")
        await settle(pilot)
        assert app.screen.marked == {}
        ids = [table.row_at(0).id, table.row_at(1).id]
        await pilot.press("space", "space", "M")
        await settle(pilot)
        assert isinstance(app.screen, PickerModal)
        await pilot.press(*"late order", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("s")  # apply and send the replies
        await settle(pilot)
        for ticket_id in ids:
            ticket = app.service.ticket(ticket_id)
            assert ticket.status is Status.PENDING and "late-order" in ticket.tags
            assert app.service.store.messages(ticket_id)[-1].author.value == "agent"


# -- undo of a bulk change (ui/undo.py: one entry per action, shared with the ticket screen) -------------------


async def mark_three_and_set_pending(pilot) -> dict[int, Status]:
    """Mark the first three tickets of the queue and set them pending; their statuses before, by id."""
    app = pilot.app
    table = app.screen.query_one(QueueTable)
    await pilot.press("space", "space", "space")
    await settle(pilot)
    before = {ticket_id: app.service.ticket(ticket_id).status for ticket_id in app.screen.marked}
    assert len(before) == 3 and Status.PENDING not in before.values()  # so each one changes
    await pilot.press("w", "y")
    await settle(pilot)
    assert all(app.service.ticket(ticket_id).status is Status.PENDING for ticket_id in before)
    assert isinstance(app.screen, QueueScreen) and table.total
    return before


def notices(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_u_in_the_queue_takes_back_a_bulk_change_on_every_marked_ticket(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        before = await mark_three_and_set_pending(pilot)
        assert "3 tickets: 3 changed (pending). U undoes it." in notices(app)[-1]
        await pilot.press("U")
        await settle(pilot)
        assert {ticket_id: app.service.ticket(ticket_id).status for ticket_id in before} == before
        assert notices(app)[-1] == "Undone on 3 tickets: pending."
        await pilot.press("U")  # one press took back the whole bulk change
        await settle(pilot)
        assert notices(app)[-1] == "Nothing to undo."

    service = service_for(home)  # written to the store, for the team to see
    assert {ticket_id: service.ticket(ticket_id).status for ticket_id in before} == before
    service.close()


async def test_a_ticket_changed_again_since_the_bulk_change_is_not_undone_and_is_named(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        before = await mark_three_and_set_pending(pilot)
        changed, *others = sorted(before)
        team = service_for(home)  # a teammate, in another process, meanwhile
        team.store.set_status(changed, Status.SOLVED, NOW + timedelta(minutes=1), "Dana Li")
        team.close()
        await pilot.press("U")
        await settle(pilot)
        assert app.service.ticket(changed).status is Status.SOLVED  # the teammate's change stands
        assert all(app.service.ticket(ticket_id).status is before[ticket_id] for ticket_id in others)
        assert notices(app)[-1] == (
            f"Undone on 2 tickets: pending; #{changed} not undone (its status was changed again since)."
        )
        assert app._notifications and list(app._notifications)[-1].severity == "warning"


async def test_after_a_bulk_undo_the_ticket_screen_still_undoes_its_own_changes(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        first = table.current_id
        priority = app.service.ticket(first).priority
        await pilot.press("enter")  # the ticket screen: its priority, made urgent
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        await pilot.press("P", "home", "enter")
        await settle(pilot)
        assert app.service.ticket(first).priority is Priority.URGENT is not priority
        await pilot.press("escape")
        await settle(pilot)
        before = await mark_three_and_set_pending(pilot)
        await pilot.press("U")  # the bulk change, the last one
        await settle(pilot)
        assert {ticket_id: app.service.ticket(ticket_id).status for ticket_id in before} == before
        assert app.service.ticket(first).priority is Priority.URGENT

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        opened = app.screen.ticket_id
        status = app.service.ticket(opened).status
        await pilot.press("w")  # a change on the ticket screen after the bulk undo
        await settle(pilot)
        assert app.service.ticket(opened).status is Status.PENDING is not status
        await pilot.press("U")
        await settle(pilot)
        assert app.service.ticket(opened).status is status
        assert notices(app)[-1] == f"Undone on #{opened}: pending; it is {status.value} again."
        await pilot.press("U")  # the one before the bulk change: the priority set on the ticket screen
        await settle(pilot)
        assert app.service.ticket(first).priority is priority
        assert notices(app)[-1] == f"Undone on #{first}: made urgent; it is {priority.label} again."


async def test_the_ticket_screen_u_takes_back_a_bulk_change_made_in_the_queue(home):
    app = make_app(home=home, account="demo", now=NOW, keymap="vim")  # vim: u on a ticket, U in the queue
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert app.keys_in_force["queue.undo"] == "U" and app.keys_in_force["queue.clear_marks"] == "u"
        before = await mark_three_and_set_pending(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        await pilot.press("u")
        await settle(pilot)
        assert {ticket_id: app.service.ticket(ticket_id).status for ticket_id in before} == before
        assert notices(app)[-1] == "Undone on 3 tickets: pending."


async def test_a_macro_applied_in_bulk_is_not_recorded_for_undo(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        ids = [table.row_at(0).id, table.row_at(1).id]
        await pilot.press("space", "space", "M", *"late order", "enter")
        await settle(pilot)
        await pilot.press("d")  # replies as drafts
        await settle(pilot)
        assert all(app.service.ticket(ticket_id).status is Status.PENDING for ticket_id in ids)
        assert "undoes it" not in notices(app)[-1]
        await pilot.press("U")
        await settle(pilot)
        assert notices(app)[-1] == "Nothing to undo."
        assert all(app.service.ticket(ticket_id).status is Status.PENDING for ticket_id in ids)


# -- no I/O on the screen's thread: someone typed in the assign picker is looked up in a worker -----------------


def resolved_on_threads(app) -> list[str]:
    """Watch the service's resolve_agent (it reads the team from the store): the threads it ran on."""
    threads: list[str] = []
    resolve = app.service.resolve_agent

    def watched(text):
        threads.append(threading.current_thread().name)
        return resolve(text)

    app.service.resolve_agent = watched
    return threads


async def test_the_queue_assign_picker_looks_up_someone_typed_in_a_worker(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        threads = resolved_on_threads(app)
        table = app.screen.query_one(QueueTable)
        first = table.current_id
        await pilot.press("A", *"Zed Nobody", "enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert "No one on the team is called 'Zed Nobody'" in notices(app)[-1]
        assert list(app._notifications)[-1].severity == "warning"

        await pilot.press("A", *"Zed New <zed@pineandpebble.example>", "enter")
        await settle(pilot)
        assert app.service.ticket(first).assignee.email == "zed@pineandpebble.example"
        assert len(threads) == 2 and threading.main_thread().name not in threads


async def test_the_ticket_assign_picker_looks_up_someone_typed_in_a_worker(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        threads = resolved_on_threads(app)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        await pilot.press("A", *"Zed Nobody", "enter")
        await settle(pilot)
        assert "No one on the team is called 'Zed Nobody'" in notices(app)[-1]
        await pilot.press("A", *"Zed New <zed@pineandpebble.example>", "enter")
        await settle(pilot)
        assert app.service.ticket(screen.ticket_id).assignee.email == "zed@pineandpebble.example"
        assert len(threads) == 2 and threading.main_thread().name not in threads


async def test_t_in_the_queue_is_undone_by_u_like_a_take_on_the_ticket_screen(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("2")  # Unassigned
        await settle(pilot)
        ticket_id = app.screen.query_one(QueueTable).current_id
        assert ticket_id is not None and app.service.ticket(ticket_id).assignee is None
        await pilot.press("t")
        await settle(pilot)
        assert app.service.ticket(ticket_id).assignee == app.service.me
        assert notices(app)[-1] == f"Ticket {ticket_id} is yours. U undoes it."
        await pilot.press("U")
        await settle(pilot)
        assert app.service.ticket(ticket_id).assignee is None
        assert notices(app)[-1] == f"Undone on #{ticket_id}: taken; it is unassigned again."
