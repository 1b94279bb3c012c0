"""Issue 16 on the ticket screen and the composer: no one-key accidents (a question before discarding a written
reply or solving an unanswered ticket, and undo), pickers for the team and tags, the send guard as a dialog,
and the customer's earlier tickets and the attachments within reach of the keyboard."""

from datetime import timedelta

from textual.widgets import Input, OptionList, Static, TextArea

from agent_tui.cli import make_app
from agent_tui.domain.models import Address, Attachment, Author, Message, Priority, Status
from agent_tui.domain.queue import QueueQuery
from agent_tui.ui.modals import ChoiceModal, ConfirmModal
from agent_tui.ui.screens.compose import ComposeScreen
from agent_tui.ui.screens.picker import PickerModal, match_score, rank
from agent_tui.ui.screens.ticket import TicketScreen
from tests.conftest import NOW, settle
from tests.ui.test_queue_and_ticket import service_for

LUCY = Address("lucy.barnes@mail.example", "Lucy Barnes")


async def open_ticket(pilot, ticket_id: int) -> TicketScreen:
    pilot.app.push_screen(TicketScreen(pilot.app.service, ticket_id, QueueQuery(), 0))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TicketScreen) and screen.detail is not None
    return screen


def options(screen) -> list[str]:
    listing = screen.query_one(OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


def dialog_text(screen) -> str:
    return " ".join(str(static.render()) for static in screen.query(Static))


def notices(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


def fits(app) -> bool:
    """Every part of the dialog on top is inside the window."""
    width, height = app.size
    return all(
        w.region.right <= width and w.region.bottom <= height for w in app.screen.query("*") if w.display and w.region
    )


async def test_ctrl_g_discards_a_written_reply_only_once_confirmed_and_an_empty_one_at_once(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, 1041)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")  # the suggested template: a written reply, saved as a draft
        await settle(pilot)
        assert app.replies.draft(1041) is not None
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal) and "Discard this reply?" in dialog_text(app.screen)
        assert fits(app)
        await pilot.press("escape")  # kept
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen) and app.replies.draft(1041) is not None
        assert app.screen.query_one(TextArea).has_focus
        await pilot.press("ctrl+g", "d")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.replies.draft(1041) is None

        await pilot.press("r")  # nothing written: Ctrl+G goes at once
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.replies.draft(1041) is None


async def test_solving_an_unanswered_ticket_asks_and_undo_brings_back_status_and_assignee(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, 1041)  # the demo's #1041: Lucy wrote, no one has answered
        await pilot.press("S")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "The customer's question is unanswered: solve anyway?" in dialog_text(app.screen)
        assert fits(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.service.ticket(1041).status is Status.OPEN

        await pilot.press("S", "y")  # confirmed
        await settle(pilot)
        assert app.service.ticket(1041).status is Status.SOLVED
        assert any("U undoes it" in notice for notice in notices(app))
        await pilot.press("U")
        await settle(pilot)
        assert app.service.ticket(1041).status is Status.OPEN
        assert "Undone on #1041: solved; it is open again." in notices(app)

        await open_ticket(pilot, 1044)  # Robin's
        await pilot.press("A", *"dan", "enter")
        await settle(pilot)
        assert app.service.ticket(1044).assignee.name == "Dana Li"
        await pilot.press("U")
        await settle(pilot)
        assert app.service.ticket(1044).assignee.email == "robin@pineandpebble.example"
        await pilot.press("U")  # the one before: #1041's solve was taken back already
        await settle(pilot)
        assert notices(app)[-1] == "Nothing to undo."

    service = service_for(home)  # in the store, for any other process (and the team) to see
    assert service.ticket(1041).status is Status.OPEN
    assert service.ticket(1044).assignee.name == "Robin Ng"
    service.close()


async def test_undo_refuses_when_the_field_changed_again_since(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, 1044)
        await pilot.press("w")  # pending
        await settle(pilot)
        other = service_for(home)
        other.store.set_status(1044, Status.OPEN, NOW + timedelta(minutes=1), "Dana Li")
        other.close()
        await pilot.press("U")
        await settle(pilot)
        assert "changed again since" in notices(app)[-1]
        assert app.service.ticket(1044).status is Status.OPEN


async def test_in_the_vim_keymap_u_is_undo_and_shift_u_unassigns(home):
    app = make_app(home=home, account="demo", now=NOW, keymap="vim")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, 1044)
        await pilot.press("P", "home", "enter")  # urgent
        await settle(pilot)
        assert app.service.ticket(1044).priority is Priority.URGENT
        await pilot.press("u")
        await settle(pilot)
        assert app.service.ticket(1044).priority is Priority.HIGH
        assert app.service.ticket(1044).assignee is not None
        await pilot.press("U")
        await settle(pilot)
        assert app.service.ticket(1044).assignee is None
        assert app.keys_in_force["ticket.undo"] == "u" and app.keys_in_force["ticket.unassign"] == "U"


async def test_assign_picks_from_the_team_and_refuses_a_phantom(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, 1041)
        await pilot.press("A")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerModal) and fits(app)
        assert options(picker)[0].startswith("Robin Ng (me)")  # me first
        await pilot.press(*"dan")
        assert options(picker)[0].startswith("Dana Li")
        await pilot.press("enter")
        await settle(pilot)
        assert app.service.ticket(1041).assignee.name == "Dana Li"

        await pilot.press("A", *"Zed Nobody", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert "No one on the team is called 'Zed Nobody'" in notices(app)[-1]
        assert app.service.ticket(1041).assignee.name == "Dana Li"  # no phantom agent

        await pilot.press("A", *"Zed New <zed@pineandpebble.example>", "enter")  # someone new, as Name <email>
        await settle(pilot)
        assert app.service.ticket(1041).assignee.email == "zed@pineandpebble.example"


async def test_add_tag_suggests_the_tags_in_use_and_takes_a_new_one(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, 1041)
        await pilot.press("plus")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerModal) and fits(app)
        shown = options(picker)
        assert "shipping" in app.service.ticket(1041).tags and not any(o.startswith("shipping") for o in shown)
        assert shown[0] == "billing  6 tickets"  # the most used first, but not those the ticket has
        assert any(option.startswith("refund") for option in shown)
        await pilot.press(*"ref")
        assert options(picker)[0].startswith("refund") and options(picker)[-1] == "+ New tag: ref"
        await pilot.press("enter")
        await settle(pilot)
        assert "refund" in app.service.ticket(1041).tags

        await pilot.press("plus", *"needs-photo")
        await settle(pilot)
        assert app.screen.query_one(Input).value == "needs-photo"
        await pilot.press("enter")
        await settle(pilot)
        assert "needs-photo" in app.service.ticket(1041).tags

        await pilot.press("plus", *"a:b", "enter")  # no tag: a notice says why, nothing changes
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and "a:b" not in app.service.ticket(1041).tags
        assert any("Invalid tag 'a:b'" in n for n in notices(app)), notices(app)


async def test_the_send_guard_is_a_dialog_listing_every_change_and_send_anyway_sends(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, 1041)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")  # the draft begins
        await settle(pilot)
        before = app.service.ticket(1041).message_count
        other = service_for(home)  # a teammate, in another process
        other.store.set_priority(1041, Priority.URGENT, NOW, "Dana Li")
        other.store.set_status(1041, Status.PENDING, NOW, "Dana Li")
        other.store.set_tag(1041, "vip", True, NOW, "Dana Li")
        other.close()
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmModal) and fits(app)
        text = dialog_text(dialog)
        for change in (
            "Dana Li set the priority to urgent",
            "Dana Li set the status to pending",
            "Dana Li tagged it vip",
        ):
            assert change in text
        assert app.service.ticket(1041).message_count == before  # not sent
        await pilot.press("s")  # send anyway
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert app.service.ticket(1041).message_count == before + 1 and app.replies.draft(1041) is None


async def test_view_the_ticket_from_the_guard_keeps_the_draft(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, 1041)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        other = service_for(home)
        other.store.set_assignee(1041, None, NOW, "Dana Li")
        other.store.set_tag(1041, "vip", True, NOW, "Dana Li")
        other.store.set_tag(1041, "vip", False, NOW, "Dana Li")
        other.close()
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = dialog_text(app.screen)
        assert "Dana Li tagged it vip" in text and "Dana Li removed the tag vip" in text
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.replies.draft(1041) is not None


async def test_the_customers_earlier_tickets_open_from_the_keyboard(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_ticket(pilot, 1044)  # Fiona: #1016 and #1011 before
        assert not screen.query_one("#customer").display  # the panel is hidden at 80 columns
        await pilot.press("H")
        await settle(pilot)
        assert isinstance(app.screen, PickerModal) and fits(app)
        assert [option.split()[0] for option in options(app.screen)] == ["#1016", "#1011"]
        await pilot.press(*"1011", "enter")
        await settle(pilot)
        assert app.screen is screen and screen.ticket_id == 1011


async def test_the_attachments_are_listed_with_a_key(home):
    other = service_for(home)
    other.store.add_message(
        1041,
        Message(
            Author.CUSTOMER,
            LUCY,
            NOW,
            "Here is the photo of the box.",
            attachments=(Attachment("box.jpg", "image/jpeg", 48_000),),
            message_id="<photo@example.com>",
        ),
    )
    other.close()
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, 1041)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, PickerModal) and fits(app)
        listed = options(app.screen)
        assert len(listed) == 1 and listed[0].startswith("box.jpg") and "image/jpeg" in listed[0]
        await pilot.press("enter")  # then: save, open, or show its message
        await settle(pilot)
        assert isinstance(app.screen, ChoiceModal) and fits(app)
        await pilot.press("down", "down", "enter")  # show its message
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)


async def test_the_customer_panel_says_yes_or_no_never_false(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = await open_ticket(pilot, 1041)  # Lucy: vip false
        card = str(screen.query_one("#customer-card").render())
        assert "vip: no" in card and "False" not in card
        screen = await open_ticket(pilot, 1044)  # Fiona: vip true
        card = str(screen.query_one("#customer-card").render())
        assert "vip: yes" in card and "True" not in card


def test_fuzzy_matching_ranks_words_before_letters():
    assert match_score("dan", "Dana Li dana@shop.example") == 3
    assert match_score("rfnd", "refund") == 1 and match_score("x", "refund") == 0
    assert [i for i, _ in rank("dan", ["Robin Ng", "Jordan Bell", "Dana Li"])] == [2, 1]
