"""The composer, driven with the keys an agent presses: pick, preview, edit, autosave, send."""

from textual.widgets import OptionList, Static, TextArea

from agent_tui.cli import make_app
from agent_tui.ui.screens.compose import ComposeScreen
from agent_tui.ui.screens.ticket import TicketScreen
from tests.conftest import NOW, settle


async def open_composer(pilot, ticket_id):
    app = pilot.app
    app.push_screen(
        TicketScreen(
            app.service, ticket_id, __import__("agent_tui.domain.queue", fromlist=["QueueQuery"]).QueueQuery(), 0
        )
    )
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    assert isinstance(app.screen, ComposeScreen)
    return app.screen


async def test_a_latte_apology_in_three_keys_from_the_ticket(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        before = app.service.ticket(1047).message_count  # 王芳: order PP-10533 not received (late-order)
        screen = await open_composer(pilot, 1047)
        options = screen.query_one("#templates", OptionList)
        assert options.get_option_at_index(0).id == "apology-late-order.zh"  # suggested first, in her language
        preview = str(screen.query_one("#preview").render())
        assert "王芳" in preview and "Enter uses it" in preview
        await pilot.press("enter")
        await settle(pilot)
        body = screen.query_one(TextArea).text
        assert body.startswith("王芳，您好") and "PP-10533" in body or "订单" in body
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        detail = app.service.detail(1047)
        assert detail.ticket.message_count == before + 1
        last = detail.messages[-1]
        assert last.author.value == "agent" and last.text.startswith("王芳，您好") and last.subject.endswith("[#1047]")
        assert app.replies.draft(1047) is None and app.service.store.outbox_pending() == []
        said = [str(n.message) for n in app._notifications]
        assert any("recorded (this account has no mail server: nothing was sent)" in m for m in said), said


async def test_typing_autosaves_and_the_draft_survives_quitting(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = await open_composer(pilot, 1041)
        suggested = screen.query_one("#templates", OptionList).get_option_at_index(0).id
        await pilot.press("enter")  # the suggested template
        await settle(pilot)
        editor = screen.query_one(TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)
        await pilot.press(*"PS: tracking TRK-42")
        await pilot.pause(0.8)  # past the autosave delay
        await settle(pilot)
        draft = app.replies.draft(1041)
        assert draft is not None and draft.body.endswith("PS: tracking TRK-42") and draft.template == suggested
        await pilot.press("q")  # quit the whole app without sending
    again = make_app(home=home, account="demo", now=NOW)
    async with again.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = await open_composer(pilot, 1041)
        assert screen.query_one(TextArea).text.endswith("PS: tracking TRK-42")
        assert "restored" in str(screen.query_one("#draft-state").render())
        await pilot.press("escape")  # close, keeping the draft
        await settle(pilot)
        assert isinstance(again.screen, TicketScreen) and again.replies.draft(1041) is not None


async def test_fuzzy_search_and_discard(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = await open_composer(pilot, 1041)
        await pilot.press("ctrl+t", *"dblchg")
        await settle(pilot)
        options = screen.query_one("#templates", OptionList)
        labels = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert labels[0] == "apology-double-charge.en" and all("double-charge" in label for label in labels)
        await pilot.press("enter", "enter")  # to the list, then use the template
        await settle(pilot)
        assert "charged" in screen.query_one(TextArea).text.lower()
        await pilot.press("ctrl+g", "d")  # a written draft: discarded once confirmed
        await settle(pilot)
        assert app.replies.draft(1041) is None and isinstance(app.screen, TicketScreen)


async def test_send_is_held_back_when_the_customer_wrote_meanwhile(home):
    from agent_tui.domain.models import Address, Author, Message
    from tests.ui.test_queue_and_ticket import service_for

    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await open_composer(pilot, 1041)
        await pilot.press("enter")
        await settle(pilot)
        before = app.service.ticket(1041).message_count
        other = service_for(home)  # the customer's new mail, filed by another process
        other.store.add_message(
            1041,
            Message(
                Author.CUSTOMER,
                Address("lucy.barnes@mail.example", "Lucy Barnes"),
                NOW,
                "It just arrived!",
                message_id="<late@example.com>",
            ),
        )
        other.close()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Lucy Barnes wrote again" in str(app.screen.query_one("#details").query_one(Static).render())
        await pilot.press("e")  # held back: keep editing, the draft kept
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        assert app.service.ticket(1041).message_count == before + 1
        assert app.replies.draft(1041) is not None
        await pilot.press("ctrl+s")  # reviewed: send as it is
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert app.service.ticket(1041).message_count == before + 2


async def test_ctrl_n_turns_the_reply_into_an_internal_note_that_is_not_sent(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        status_before = app.service.ticket(1047).status
        screen = await open_composer(pilot, 1047)
        await pilot.press("ctrl+n")
        header = str(screen.query_one("#compose-header").render())
        assert "Internal note" in header and "never sent to the customer" in header
        editor = screen.query_one(TextArea)
        editor.focus()
        await pilot.press(*"Courier confirms loss")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        last = app.service.detail(1047).messages[-1]
        assert last.author.value == "note" and last.text.strip() == "Courier confirms loss"
        assert app.service.ticket(1047).status is status_before  # a note is no reply
        assert app.replies.draft(1047) is None
