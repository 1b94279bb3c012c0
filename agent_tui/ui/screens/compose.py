"""The composer: pick a template (suggested for this ticket, fuzzy search), preview it rendered for this
customer, edit in a TextArea or $EDITOR, autosave the draft, send through the outbox.

Below 100 columns the editor has the width: the template picker shows above it only while it has the focus
(as the composer opens with no draft, or on Ctrl+T), and goes when a template is chosen or the editor is."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from agent_tui.display import Wrapped
from agent_tui.domain.models import Address, Attachment, Draft
from agent_tui.domain.presence import Activity
from agent_tui.domain.text import safe_block, safe_line
from agent_tui.errors import AgentTuiError, CollisionError, UsageError
from agent_tui.services.replies import Replies, address_line, parse_addresses
from agent_tui.services.templates import ReplyTemplate
from agent_tui.services.tickets import TicketDetail
from agent_tui.ui.bindings import bindings
from agent_tui.ui.modals import ConfirmModal, PromptModal
from agent_tui.ui.screens.base import AgentScreen
from agent_tui.ui.widgets.presence_line import PresenceLine

AUTOSAVE_SECONDS = 0.5


@dataclass
class ComposerLoaded(Message):
    detail: TicketDetail
    language: str
    suggestions: list[ReplyTemplate]
    draft: Draft | None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()


@dataclass
class PreviewReady(Message):
    template: ReplyTemplate
    text: str | None
    error: str | None


class ComposeScreen(AgentScreen[bool]):
    """Dismisses with True when the reply was sent."""

    CSS_PATH = "compose.tcss"
    BINDINGS = bindings("compose")

    def __init__(self, replies: Replies, ticket_id: int) -> None:
        super().__init__()
        self._showing = False
        self.replies = replies
        self.ticket_id = ticket_id
        self.detail: TicketDetail | None = None
        self.language = "en"
        self.template: str | None = None  # the template the draft started from
        self.seen: tuple[int, int] | None = None  # the ticket as the composer opened on it
        self.previews: dict[str, str] = {}
        self._autosave: Timer | None = None
        self._set_text = ""  # the text the program put in the editor: its Changed event is not an edit
        self.as_note = False  # an internal note for the team instead of a reply to the customer (Ctrl+N)
        self.files: list[tuple[Attachment, bytes]] = []  # attached in the composer, sent with the reply
        self._set_recipients = ("", "")  # the To and Cc lines as the program filled them in: no edit
        self._recipients_edited = False  # the agent changed To or Cc: the lines are kept with the draft

    def compose(self) -> ComposeResult:
        yield Static(id="compose-header")
        yield PresenceLine(id="compose-presence")
        with Horizontal(id="compose-body"):
            with Vertical(id="picker"):
                yield Input(placeholder="Search templates…", id="template-search")
                yield OptionList(id="templates")
            with Vertical(id="writing"):
                with Horizontal(id="recipients"):
                    yield Static("To ", classes="recipient-label")
                    yield Input(id="to", placeholder="the customer")
                    yield Static(" Cc ", classes="recipient-label")
                    yield Input(id="cc", placeholder="nobody")
                yield Static(id="attached")
                yield Static(id="preview")
                yield TextArea(id="body", soft_wrap=True, show_line_numbers=False)
                yield Static(id="draft-state")
        yield Footer()

    def on_mount(self) -> None:
        self._showing = True  # news from workers is shown from here on: is_mounted turns true only after this handler, and news in between was lost
        self._load()
        self.set_interval(1.0, self.presence_changed)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The picker shows while it has the focus (on a narrow screen; on a wide one it always shows)."""
        picker = self.query_one("#picker")
        self.set_class(event.widget is picker or picker in event.widget.ancestors, "-picking")

    def on_screen_resume(self) -> None:
        self.app.announce(self.ticket_id, Activity.REPLYING)
        self.presence_changed()

    def presence_changed(self) -> None:
        """A teammate on the same ticket: say so while the agent writes, before the send-time guard has to."""
        if not self._showing:
            return
        self.query_one(PresenceLine).show(self.app.others_on(self.ticket_id))

    @work(thread=True, exclusive=True, group="compose-load", exit_on_error=False)
    def _load(self) -> None:
        try:
            detail = self.replies.service.detail(self.ticket_id)
            language = self.replies.language(detail)
            suggestions = self.replies.suggestions(detail)
            draft = self.replies.draft(self.ticket_id)
            to, cc = self.replies.recipients(detail)  # reply-all: the customer, and the thread's copies
            self.seen = self.replies.service.store.ticket_marks(self.ticket_id)  # what the agent sees now
        except AgentTuiError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.post_message(ComposerLoaded(detail, language, suggestions, draft, to, cc))

    def on_composer_loaded(self, message: ComposerLoaded) -> None:
        self.detail, self.language = message.detail, message.language
        draft = message.draft
        self._recipients_edited = draft is not None and (draft.to_line is not None or draft.cc_line is not None)
        self._set_recipients = (
            draft.to_line if draft and draft.to_line is not None else address_line(message.to),
            draft.cc_line if draft and draft.cc_line is not None else address_line(message.cc),
        )
        self.query_one("#to", Input).value, self.query_one("#cc", Input).value = self._set_recipients
        self._show_header()
        self._show_templates(message.suggestions)
        if message.draft is not None:
            self.template = message.draft.template
            self._set_body(message.draft.body)
            self._draft_state(f"Draft from {message.draft.updated_at:%H:%M} restored.")
            self.query_one(TextArea).focus()
        else:
            self._draft_state("Pick a template (Enter) or start typing in the editor.")
            self.add_class("-picking")
            self.query_one("#templates", OptionList).focus()

    def _show_header(self) -> None:
        if self.detail is None:
            return
        ticket = self.detail.ticket
        if self.as_note:
            head = Text.assemble(
                ("Internal note on ", "bold"),
                (f"#{ticket.id} ", "bold"),
                safe_line(ticket.subject),
                "\n",
                ("for the team only: never sent to the customer", "bold yellow"),
                "  ·  Ctrl+N: write a reply instead",
            )
        else:
            head = Text.assemble(
                ("Reply to ", "bold"),
                (f"#{ticket.id} ", "bold"),
                safe_line(ticket.subject),
                "\nto ",
                safe_line(str(ticket.customer.name or ticket.customer.email)),
                f"  ·  writing in {'Chinese' if self.language == 'zh' else 'English'}",
            )
        self.query_one("#compose-header", Static).update(head)

    def action_toggle_note(self) -> None:
        self.as_note = not self.as_note
        self.query_one("#recipients").display = not self.as_note  # a note goes to no one
        self._show_attached()
        self._show_header()

    # -- recipients and files ----------------------------------------------------------------------

    def _recipients(self) -> tuple[tuple[Address, ...], tuple[Address, ...]]:
        """The To and Cc typed in the line above the editor (comma-separated), read as `reply --to/--cc`
        reads them; UsageError with one sentence for one that is no address, or for no To at all."""
        to_text = self.query_one("#to", Input).value.strip().strip(",")
        cc_text = self.query_one("#cc", Input).value.strip().strip(",")
        if not to_text:
            raise UsageError("Not sent: the To line is empty; give the customer's address.")
        return parse_addresses([to_text], "To"), parse_addresses([cc_text], "Cc") if cc_text else ()

    @on(Input.Changed, "#to")
    @on(Input.Changed, "#cc")
    def _recipients_changed(self) -> None:
        if self._lines() == self._set_recipients:
            return  # filled in by the program, or edited back to it
        self._recipients_edited = True
        self._schedule_autosave()

    def _lines(self) -> tuple[str, str]:
        return self.query_one("#to", Input).value, self.query_one("#cc", Input).value

    def action_attach(self) -> None:
        """Ask for a file's path, check it can be read, and attach it (sent with the reply, as `reply --attach`)."""
        if self.as_note:
            self.notify("A note has no attachments; attach files to a reply.", markup=False)
            return
        self.app.push_screen(PromptModal("Attach a file", "a path, e.g. ~/Documents/label.pdf"), self._attach_path)

    def _attach_path(self, text: str | None) -> None:
        if not text:
            return
        from agent_tui.services.attachments import read_attachment

        path = Path(text).expanduser()
        if not path.is_file():
            self.notify(f"Not attached: there is no file {safe_line(text)}.", severity="error", markup=False)
            return
        if not os.access(path, os.R_OK):
            self.notify(f"Not attached: {safe_line(text)} can't be read.", severity="error", markup=False)
            return
        try:
            attached = read_attachment(path)
        except AgentTuiError as error:
            self.notify(f"Not attached: {str(error).removeprefix('--attach ')}", severity="error", markup=False)
            return
        self.files.append(attached)
        self._show_attached()
        self.notify(f"Attached {attached[0].filename}.", markup=False)

    def _show_attached(self) -> None:
        line = self.query_one("#attached", Static)
        line.display = bool(self.files) and not self.as_note
        line.update(
            Text.assemble(
                ("📎 ", "dim"),
                "  ".join(f"{safe_line(a.filename)} ({_size(a.size)})" for a, _ in self.files),
            )
        )

    def _show_templates(self, templates: list[ReplyTemplate]) -> None:
        options = self.query_one("#templates", OptionList)
        options.clear_options()
        options.add_options(
            [
                Option(
                    Text.assemble((t.title, "bold"), f"  {t.language}", ("  LATTE" if t.latte else "", "dim")),
                    id=t.label,
                )
                for t in templates
            ]
            or [Option(Text("No template matches.", style="dim"), disabled=True)]
        )
        if templates:
            options.highlighted = 0

    # -- picking ---------------------------------------------------------------------------------

    @on(Input.Changed, "#template-search")
    def _search(self, event: Input.Changed) -> None:
        if self.detail is not None:
            self._show_templates(self.replies.suggestions(self.detail, event.value))

    @on(Input.Submitted, "#template-search")
    def _search_done(self) -> None:
        self.query_one("#templates", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#templates")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self._preview(event.option.id)

    @work(thread=True, exclusive=True, group="compose-preview", exit_on_error=False)
    def _preview(self, label: str) -> None:
        detail = self.detail
        if detail is None:  # the templates are listed once the ticket is loaded
            return
        template = self.replies.library.get(label)
        try:
            text = self.previews.get(label) or self.replies.library.render(template, self.replies.context(detail))
            self.post_message(PreviewReady(template, text, None))
        except AgentTuiError as error:
            self.post_message(PreviewReady(template, None, str(error)))

    def on_preview_ready(self, message: PreviewReady) -> None:
        preview = self.query_one("#preview", Static)
        title = Text.assemble(
            ("Preview · ", "dim"), (message.template.title, "bold"), ("  ·  Enter uses it", "dim"), "\n"
        )
        if message.text is None:
            preview.update(title + Text(message.error or "", style="red"))
            return
        self.previews[message.template.label] = message.text
        preview.update(Wrapped(title + Text(safe_block(message.text))))

    @on(OptionList.OptionSelected, "#templates")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        label = event.option.id
        if not label or self.detail is None:  # the templates are listed once the ticket is loaded
            return
        text = self.previews.get(label)
        if text is None:
            try:
                text = self.replies.library.render(self.replies.library.get(label), self.replies.context(self.detail))
            except AgentTuiError as error:
                self.notify(str(error), severity="error", markup=False)
                return
        self.template = label
        self._set_body(text)
        self._save_now()
        editor = self.query_one(TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)

    def action_pick_template(self) -> None:
        self.add_class("-picking")
        self.query_one("#template-search", Input).focus()

    # -- editing and autosave --------------------------------------------------------------------

    def _set_body(self, text: str) -> None:
        self._set_text = safe_block(text)
        self.query_one(TextArea).load_text(self._set_text)

    @on(TextArea.Changed, "#body")
    def _edited(self) -> None:
        if self.query_one(TextArea).text == self._set_text:
            return
        self._schedule_autosave()

    def _schedule_autosave(self) -> None:
        if self._autosave is not None:
            self._autosave.stop()
        self._autosave = self.set_timer(AUTOSAVE_SECONDS, self._save_now)
        self._draft_state("Editing…")

    def _save_now(self) -> None:
        self._save(self.query_one(TextArea).text, self.template, self._edited_lines())

    def _edited_lines(self) -> tuple[str, str] | None:
        """The To and Cc lines to keep with the draft: None while they are the default the program filled in."""
        return self._lines() if self._recipients_edited else None

    @work(thread=True, exclusive=True, group="compose-save", exit_on_error=False)
    def _save(self, body: str, template: str | None, recipients: tuple[str, str] | None = None) -> None:
        try:
            draft = self.replies.save_draft(self.ticket_id, body, template, self.seen, recipients)
        except AgentTuiError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self._draft_state, f"Draft saved {draft.updated_at:%H:%M:%S}.")

    def _draft_state(self, text: str) -> None:
        self.query_one("#draft-state", Static).update(Text(text, style="dim"))

    def action_external_editor(self) -> None:
        """Edit the draft in $EDITOR (or $VISUAL), then come back to it here."""
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as handle:
            handle.write(self.query_one(TextArea).text)
        path = Path(handle.name)
        try:
            with self.app.suspend():
                result = subprocess.run([*shlex.split(editor), str(path)], check=False)
            if result.returncode == 0:
                self._set_body(path.read_text(encoding="utf-8"))
                self._save_now()
            else:
                self.notify(f"{editor} exited with {result.returncode}; the draft is unchanged.", markup=False)
        except Exception as error:  # noqa: BLE001  # no terminal to suspend to (e.g. in tests), or no such editor
            self.notify(f"Could not run {editor} ({error}); the draft is unchanged.", severity="error", markup=False)
        finally:
            path.unlink(missing_ok=True)

    # -- leaving -----------------------------------------------------------------------------------

    def action_send(self) -> None:
        body = self.query_one(TextArea).text
        if not body.strip():
            self.notify(f"The {'note' if self.as_note else 'reply'} is empty; write something first.", markup=False)
            return
        if self.as_note:
            self._add_note(body)
            return
        try:
            to, cc = self._recipients()
        except UsageError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._send(body, self.template, to, cc, list(self.files), self._edited_lines())

    @work(thread=True, exclusive=True, group="compose-save", exit_on_error=False)
    def _add_note(self, body: str) -> None:
        try:
            self.replies.note(self.ticket_id, body)
            self.replies.discard_draft(self.ticket_id)
        except AgentTuiError as error:
            self.app.call_from_thread(self.notify, f"{error} The text is kept.", severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, "Note added: the team sees it, the customer does not.", markup=False)
        self.app.call_from_thread(self.dismiss, True)

    @work(thread=True, exclusive=True, group="compose-save", exit_on_error=False)
    def _send(
        self,
        body: str,
        template: str | None,
        to: tuple[Address, ...],
        cc: tuple[Address, ...],
        files: list[tuple[Attachment, bytes]],
        recipients: tuple[str, str] | None,
    ) -> None:
        try:
            self.replies.save_draft(self.ticket_id, body, template, self.seen, recipients)
            message = self.replies.send(self.ticket_id, to=to, cc=cc, files=files)
        except CollisionError as error:
            changes = self._changes_since_draft() or [str(error)]
            # Shown now, so counted as seen: "send anyway" (or Ctrl+S later) sends unless more changes come.
            self.replies.mark_seen(self.ticket_id)
            self.app.call_from_thread(self._collided, changes)
            return
        except AgentTuiError as error:
            self.app.call_from_thread(self.notify, f"{error} The draft is kept.", severity="error", markup=False)
            return
        source = self.replies.service.source
        if source is not None and source.capabilities.send:
            said = f"Reply sent to {message.to[0].email}."
        else:  # the demo and local accounts keep replies in the store: nothing left this machine
            said = f"Reply to {message.to[0].email} recorded (this account has no mail server: nothing was sent)."
        self.app.call_from_thread(self.notify, said, markup=False)
        self.app.call_from_thread(self.dismiss, True)

    def _changes_since_draft(self) -> list[str]:
        """What others did to the ticket since the draft began (the send guard's list), one phrase each."""
        return self.replies.changes_since_draft(self.ticket_id)

    def _collided(self, changes: list[str]) -> None:
        self.app.push_screen(
            ConfirmModal(
                f"Not sent: #{self.ticket_id} changed since your draft began",
                [("view", "v", "View the ticket"), ("send", "s", "Send anyway"), ("edit", "e", "Keep editing")],
                safe="edit",
                details=changes,
            ),
            self._after_collision,
        )

    def _after_collision(self, answer: str | None) -> None:
        editor = self.query_one(TextArea)
        if answer == "send":
            self.action_send()
        elif answer == "view":  # back to the ticket, the draft kept for when the agent replies again
            self.action_close()
        else:
            editor.focus()

    def action_close(self) -> None:
        """Keep the draft (if anything was written) and go back to the ticket."""
        body = self.query_one(TextArea).text
        if body.strip():
            self._save(body, self.template, self._edited_lines())
            self.notify("Draft kept.", markup=False)
        self.dismiss(False)

    def action_discard(self) -> None:
        """Throw the draft away: at once when nothing is written, after a question when something is."""
        body = self.query_one(TextArea).text
        if not body.strip():
            self._discard()
            return
        lines = len(body.strip().splitlines())
        self.app.push_screen(
            ConfirmModal(
                f"Discard this {'note' if self.as_note else 'reply'}? Its text is lost.",
                [("discard", "d", "Discard"), ("keep", "k", "Keep writing")],
                safe="keep",
                details=[f"{lines} line{'s' if lines != 1 else ''} written (Escape in the composer keeps a draft)."],
            ),
            self._discard_answered,
        )

    def _discard_answered(self, answer: str | None) -> None:
        if answer == "discard":
            self._discard()
        else:
            self.query_one(TextArea).focus()

    def _discard(self) -> None:
        if self._autosave is not None:
            self._autosave.stop()  # or the last keystrokes would save the draft again
        self.replies.discard_draft(self.ticket_id)
        self.notify("Draft discarded.", markup=False)
        self.dismiss(False)


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"
