"""Bulk in the queue: mark tickets, change them all after a confirmation naming the count; the macro picker."""

from agent_tui.cli import make_app
from agent_tui.domain.models import Status
from agent_tui.ui.modals import ConfirmModal
from agent_tui.ui.screens.picker import PickerModal
from agent_tui.ui.widgets.queue_table import QueueTable
from tests.conftest import NOW, settle


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
