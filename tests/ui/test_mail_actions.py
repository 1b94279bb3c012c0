"""The ticket's mail actions with the keys an agent presses: To/Cc and files in the composer, an attachment
saved or opened, a forward, a merge (m) and a macro (M)."""

import json
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from textual.widgets import Input, TextArea

from agent_tui.cli import make_app
from agent_tui.domain.models import Author, Status
from agent_tui.ui.modals import ChoiceModal, ConfirmModal, PromptModal
from agent_tui.ui.screens.compose import ComposeScreen
from agent_tui.ui.screens.picker import PickerModal
from agent_tui.ui.screens.ticket import TicketScreen
from tests.conftest import NOW, settle
from tests.ingest.test_ingest import cli
from tests.ui.test_safety_and_pickers import fits, notices, open_ticket


async def open_composer(pilot, ticket_id: int, body: str = "Thanks, on its way.") -> ComposeScreen:
    await open_ticket(pilot, ticket_id)
    await pilot.press("r")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ComposeScreen)
    editor = screen.query_one(TextArea)
    editor.focus()
    await pilot.press(*body)
    await settle(pilot)
    return screen


async def answer_prompt(pilot, text: str) -> None:
    assert isinstance(pilot.app.screen, PromptModal)
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await settle(pilot)


async def test_to_and_cc_edited_in_the_composer_reach_the_reply(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_composer(pilot, 1047)
        customer = app.service.ticket(1047).customer.email
        to, cc = screen.query_one("#to", Input), screen.query_one("#cc", Input)
        assert customer in to.value and cc.value == ""  # the reply-all defaults, shown
        assert screen.query_one(TextArea).size.width >= 60 and to.region.width > 10  # still fits at 80×24
        cc.value = "boss@example.com, not-an-address"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen  # refused, with one sentence
        assert any("not-an-address" in n and "not an email address" in n for n in notices(app)), notices(app)
        to.value = f"Wang Fang <{customer}>, ops@example.com"
        cc.value = "boss@example.com"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        last = app.service.store.messages(1047)[-1]
        assert last.author is Author.AGENT
        assert [a.email for a in last.to] == [customer, "ops@example.com"]
        assert [a.email for a in last.cc] == ["boss@example.com"]


async def test_to_and_cc_edited_in_the_composer_are_kept_with_the_draft_and_sent_from_the_cli(home, capsys):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_composer(pilot, 1047)
        customer = app.service.ticket(1047).customer.email
        screen.query_one("#cc", Input).value = "boss@example.com"
        await pilot.press("escape")  # closed before the autosave: the draft keeps the edited line all the same
        await settle(pilot)
        draft = app.replies.draft(1047)
        assert draft is not None and draft.cc_line == "boss@example.com" and draft.to_line is not None
        await pilot.press("r")  # opened again: the edited line, not the reply-all default
        await settle(pilot)
        assert pilot.app.screen.query_one("#cc", Input).value == "boss@example.com"
        await pilot.press("escape")
        await settle(pilot)
    code, _, err = cli(home, "reply", "1047", "--send", "--account", "demo", capsys=capsys)
    assert code == 0, err
    code, out, _ = cli(home, "show", "1047", "--json", "--account", "demo", capsys=capsys)
    last = json.loads(out)["messages"][-1]
    assert [a["email"] for a in last["cc"]] == ["boss@example.com"] and last["to"][0]["email"] == customer


async def test_a_file_attached_in_the_composer_goes_with_the_reply(home, tmp_path):
    label = tmp_path / "return label.pdf"
    label.write_bytes(b"%PDF-1.4 label")
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_composer(pilot, 1041)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await answer_prompt(pilot, str(tmp_path / "missing.pdf"))
        assert app.screen is screen and any("no file" in n for n in notices(app))
        await pilot.press("ctrl+l")
        await settle(pilot)
        await answer_prompt(pilot, str(label))
        attached = str(screen.query_one("#attached").render())
        assert "return label.pdf" in attached and screen.query_one("#attached").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        last = app.service.store.messages(1041)[-1]
        assert last.author is Author.AGENT
        assert [(a.filename, a.size) for a in last.attachments] == [("return label.pdf", 14)]


@pytest.fixture
def filed(shop, tmp_path, capsys):
    """The local account shop with ticket 1001: a customer's mail with a file named ../../etc/passwd."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "Ann Lee <ann@example.com>", "support@shop.example", "Files"
    mail["Date"] = format_datetime(NOW)
    mail["Message-ID"] = "<files@example.com>"
    mail.set_content("See attached.")
    mail.add_attachment(b"root:x:0:0", maintype="text", subtype="plain", filename="../../etc/passwd")
    eml = tmp_path / "files.eml"
    eml.write_bytes(mail.as_bytes())
    code, _, err = cli(shop, "ingest", str(eml), capsys=capsys)
    assert code == 0, err
    return shop


async def test_a_saves_an_attachment_under_its_safe_name(filed, tmp_path):
    target = tmp_path / "saved"
    app = make_app(home=filed, account="shop", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, 1001)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, PickerModal)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceModal) and fits(app)
        await pilot.press("enter")  # save to a directory…
        await settle(pilot)
        await answer_prompt(pilot, str(target))
        assert isinstance(app.screen, TicketScreen)
        assert [p.name for p in target.iterdir()] == ["passwd"]
        assert (target / "passwd").read_bytes() == b"root:x:0:0"
        assert not (tmp_path / "etc").exists()
        assert any("Saved" in n and "passwd" in n for n in notices(app))


async def test_open_runs_the_opener_with_an_argument_list_or_says_there_is_none(filed, monkeypatch, tmp_path):
    import tempfile

    import agent_tui.ui.attachments as attachments

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the file handed to the opener stays: not in /tmp
    ran: list[list[str]] = []
    monkeypatch.setattr(attachments, "_opener", lambda: "/usr/bin/xdg-open")
    monkeypatch.setattr(attachments.subprocess, "run", lambda args, **kw: ran.append(args) or _Done())
    app = make_app(home=filed, account="shop", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, 1001)
        await pilot.press("a", "enter")
        await settle(pilot)
        await pilot.press("down", "enter")  # open
        await settle(pilot)
        assert len(ran) == 1 and ran[0][0] == "/usr/bin/xdg-open" and ran[0][1].endswith("/passwd")
        assert any("Opened passwd" in n for n in notices(app)), notices(app)
        monkeypatch.setattr(attachments, "_opener", lambda: None)
        await pilot.press("a", "enter")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert len(ran) == 1 and any("No program to open files" in n for n in notices(app))


class _Done:
    returncode = 0


async def test_f_forwards_the_conversation_and_records_it(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, 1041)
        status = app.service.ticket(1041).status
        await pilot.press("f")
        await settle(pilot)
        await answer_prompt(pilot, "bad address")
        await answer_prompt(pilot, "")
        assert any("not an email address" in n for n in notices(app)), notices(app)
        await pilot.press("f")
        await settle(pilot)
        await answer_prompt(pilot, "Warehouse <warehouse@example.com>")
        await answer_prompt(pilot, "Please check the box.")
        last = app.service.store.messages(1041)[-1]
        assert last.author is Author.FORWARD and [a.email for a in last.to] == ["warehouse@example.com"]
        assert last.text.startswith("Please check the box.") and last.subject.startswith("Fwd:")
        assert app.service.ticket(1041).status is status  # a forward is no reply to the customer
        assert any("Forward of #1041" in n and "recorded" in n for n in notices(app))


async def test_m_merges_into_the_customers_other_open_ticket(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_ticket(pilot, 1034)  # 孙丽: 1028 is on hold, 1020 solved
        moved = app.service.ticket(1034).message_count
        before = app.service.ticket(1028).message_count
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, PickerModal) and fits(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen and screen.ticket_id == 1028
        assert app.service.ticket(1034).status is Status.CLOSED
        assert app.service.ticket(1028).message_count == before + moved
        assert any("Merged #1034 into #1028" in n for n in notices(app))


async def test_M_applies_a_macro_and_opens_its_reply(home):
    app = make_app(home=home, account="demo", now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_ticket(pilot, 1047)  # 王芳: order PP-10533 not received
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, PickerModal)
        await pilot.press(*"late order", "enter")
        await settle(pilot)
        ticket = app.service.ticket(1047)
        assert ticket.status is Status.PENDING and "late-order" in ticket.tags
        assert isinstance(app.screen, ComposeScreen)  # its reply, to read before Ctrl+S
        assert "PP-10533" in app.screen.query_one(TextArea).text
