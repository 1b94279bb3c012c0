"""The ticket screen: the conversation, a header with status, priority, tags and SLA clocks, and the
customer's earlier tickets. Every change goes through the tickets service, in a worker.

Below 100 columns the customer panel hides, so the conversation has the width (the header then names the
customer); a key shows it again, under the conversation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.keys import format_key
from textual.message import Message
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from agent_tui.domain.models import Author, Priority, Status
from agent_tui.domain.models import Message as TicketMessage
from agent_tui.domain.presence import Activity
from agent_tui.domain.queue import QueueQuery
from agent_tui.domain.sla import ClockState
from agent_tui.domain.text import safe_block, safe_line
from agent_tui.errors import AgentTuiError
from agent_tui.services.tickets import TicketDetail, TicketService
from agent_tui.ui.bindings import bindings
from agent_tui.ui.modals import ChoiceModal, PromptModal
from agent_tui.ui.screens.base import AgentScreen
from agent_tui.ui.widgets.presence_line import PresenceLine

_CLOCK_STYLES = {
    ClockState.OK: "green",
    ClockState.WARNING: "yellow",
    ClockState.BREACHED: "bold red",
    ClockState.PAUSED: "dim",
    ClockState.MET: "dim green",
}
_AUTHOR_STYLES = {Author.CUSTOMER: "bold cyan", Author.AGENT: "bold green", Author.NOTE: "bold yellow"}


@dataclass
class DetailLoaded(Message):
    load: int  # which load this answers: only the latest one is shown
    detail: TicketDetail
    position: int | None  # where the ticket stands in the queue, when the load came from next/previous


class MessageView(Static):
    """One message of the thread; its text is shown literally, never as markup."""


class TicketScreen(AgentScreen[int]):
    CSS_PATH = "ticket.tcss"
    BINDINGS = bindings("ticket")
    HAS_PANEL = True  # the customer and their earlier tickets

    def __init__(self, service: TicketService, ticket_id: int, queue: QueueQuery, position: int) -> None:
        super().__init__()
        self._showing = False
        self.service = service
        self.ticket_id = ticket_id
        self.queue = queue  # the queue it was opened from, for next/previous
        self.position = position
        self.detail: TicketDetail | None = None
        self._load_number = 0

    def compose(self) -> ComposeResult:
        yield Static(id="ticket-header")
        yield PresenceLine(id="ticket-presence")
        with Horizontal(id="ticket-body"):
            yield VerticalScroll(id="thread")
            with Vertical(id="customer"):
                yield Static(id="customer-card")
                with Vertical(id="history-box"):
                    yield Label("Earlier tickets", id="history-title")
                    yield OptionList(id="history")
        yield Footer()

    def on_mount(self) -> None:
        self._showing = True  # news from workers is shown from here on: is_mounted turns true only after this handler, and news in between was lost
        self.query_one("#thread").focus()
        self.load(self.ticket_id)
        self.set_interval(1.0, self.presence_changed)  # "replying, 40 s" counts up

    def on_screen_resume(self) -> None:
        self.app.announce(self.ticket_id, Activity.VIEWING)
        self.presence_changed()

    def presence_changed(self) -> None:
        """Teammates on this ticket, in the header; hidden when there are none."""
        if not self._showing:
            return
        self.query_one(PresenceLine).show(self.app.others_on(self.ticket_id))

    def panel_changed(self) -> None:
        if not self.panel_shown and self.query_one("#history", OptionList).has_focus:
            self.query_one("#thread").focus()
        if self.detail is not None:  # the header names the customer while the panel is hidden
            self.query_one("#ticket-header", Static).update(self._header_text(self.detail))

    def load(self, ticket_id: int, position: int | None = None) -> None:
        self._load_number += 1
        self._load(self._load_number, ticket_id, position)

    @work(thread=True, exclusive=True, group="ticket-load", exit_on_error=False)
    def _load(self, number: int, ticket_id: int, position: int | None) -> None:
        try:
            detail = self.service.detail(ticket_id)
        except AgentTuiError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.post_message(DetailLoaded(number, detail, position))

    async def on_detail_loaded(self, message: DetailLoaded) -> None:
        if message.load != self._load_number:
            return  # a newer load is on its way
        if message.position is not None:
            self.position = message.position
        first_show = self.detail is None or self.detail.ticket.id != message.detail.ticket.id
        previous, self.detail = self.detail, message.detail
        self.ticket_id = message.detail.ticket.id
        if first_show and self.is_current:
            self.app.announce(self.ticket_id, Activity.VIEWING)
            self.presence_changed()
        self.query_one("#ticket-header", Static).update(self._header_text(message.detail))
        self.query_one("#customer-card", Static).update(self._customer_text(message.detail))
        history = self.query_one("#history", OptionList)
        history.clear_options()
        history.add_options(
            [
                Option(
                    Text.assemble((f"#{row.id} ", "bold"), f"{row.status.value:<8} ", safe_line(row.subject)),
                    id=str(row.id),
                )
                for row in message.detail.history
            ]
            or [Option(Text("First ticket from this customer.", style="dim"), disabled=True)]
        )
        thread = self.query_one("#thread", VerticalScroll)
        if first_show or previous is None or len(thread.children) != len(message.detail.messages):
            await thread.remove_children()
            await thread.mount_all([self._message_view(m) for m in message.detail.messages])
            thread.scroll_end(animate=False)
            return
        for view, before, now in zip(
            thread.query_children(MessageView), previous.messages, message.detail.messages, strict=False
        ):
            if before.body_pending and not now.body_pending:  # its body arrived: shown in place, the scroll kept
                view.update(self._message_text(now))

    # -- rendering -------------------------------------------------------------------------------

    def _header_text(self, detail: TicketDetail) -> Text:
        ticket = detail.ticket
        text = Text.assemble((f"#{ticket.id}  ", "bold"), (safe_line(ticket.subject), "bold"), "\n")
        assignee = safe_line(ticket.assignee.name) if ticket.assignee else "unassigned"
        text.append_text(
            Text.assemble(
                (ticket.status.value, "reverse bold"),
                "  ",
                (ticket.priority.label, "bold red" if ticket.priority is Priority.URGENT else "bold"),
                "  ·  ",
                assignee,
                "  ·  tags: ",
                (" ".join(safe_line(t) for t in ticket.tags) or "none", "italic"),
                *self._no_presence(),
                "\n",
            )
        )
        clocks = Text("SLA  ")
        for clock in detail.clocks:
            clocks.append(f"{clock.metric.value.replace('_', ' ')}: ")
            clocks.append(self.service.describe(clock), _CLOCK_STYLES[clock.state])
            clocks.append("   ")
        text.append_text(clocks)
        if not self.panel_shown:
            text.append_text(self._customer_line(detail))
        return text

    def _customer_line(self, detail: TicketDetail) -> Text:
        """The customer panel in one line, while it is hidden."""
        customer, count = detail.ticket.customer, len(detail.history)
        text = Text.assemble(
            "\nfrom ",
            (safe_line(customer.display_name), "bold"),
            f"  ·  {count} earlier ticket{'s' if count != 1 else ''}" if count else "  ·  new customer",
        )
        keys = self.app.keys_in_force.get("ticket.sidebar")
        if keys:
            text.append(f"  ({format_key(keys.split(',')[0])} customer and history)", style="dim")
        return text

    def _no_presence(self) -> tuple[str | tuple[str, str], ...]:
        """A team source that can't show who else is on a ticket says so: the agent must not read silence as
        "nobody is here". The send-time guard still holds a reply when someone answered meanwhile."""
        source = self.service.source
        if source is None or not source.capabilities.pull or source.capabilities.presence:
            return ()
        return ("  ·  ", ("who else is here: not shown by this help desk", "dim"))

    def _customer_text(self, detail: TicketDetail) -> Text:
        customer = detail.ticket.customer
        text = Text.assemble((safe_line(customer.display_name), "bold"), "\n", safe_line(customer.email), "\n")
        count = len(detail.history)
        text.append("Returning customer · " if count else "New customer · ", "italic")
        text.append(f"{count} earlier ticket{'s' if count != 1 else ''}\n")
        for key, value in customer.extra.items():
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            text.append(f"{safe_line(str(key))}: ", "dim")
            text.append(safe_line(shown) + "\n")
        return text

    def _message_view(self, message: TicketMessage) -> MessageView:
        return MessageView(self._message_text(message), classes=message.author.value)

    def _message_text(self, message: TicketMessage) -> Text:
        who = safe_line(message.sender.name or message.sender.email)
        head = Text.assemble(
            ("NOTE by " + who if message.author is Author.NOTE else who, _AUTHOR_STYLES[message.author]),
            ("" if message.author is Author.NOTE else f"  <{safe_line(message.sender.email)}>", "dim"),
            (f"  ·  {message.date:%a %d %b %H:%M} UTC", "dim"),
        )
        if message.attachments:
            head.append("  ·  📎 " + ", ".join(safe_line(a.filename) for a in message.attachments), "dim")
        if message.problems:  # from the mail, so made safe like the rest of it
            head.append("\n⚠ " + "; ".join(safe_line(problem) for problem in message.problems), "yellow")
        if message.body_pending:  # a first sync files headers first: the body follows within the sync
            body = Text("Downloading this message… it appears here as soon as it is in.", "dim italic")
        else:
            body = Text(safe_block(message.text).strip())
        return Text.assemble(head, "\n", body)

    # -- navigation ------------------------------------------------------------------------------

    def store_changed(self) -> None:
        if self._showing:
            self.load(self.ticket_id)

    def action_back(self) -> None:
        self.dismiss(self.ticket_id)  # the queue puts its cursor on the ticket seen last

    @work(thread=True, exclusive=True, group="ticket-step", exit_on_error=False)
    def _step(self, step: int) -> None:
        """Open the next or previous ticket of the queue; a ticket that left it (say, solved) leaves a gap."""
        service = self.service
        try:
            here = service.queue_position(self.queue, self.ticket_id)
            if here is None:
                target = self.position if step > 0 else self.position - 1
            else:
                target = here + step
            rows = service.queue_page(self.queue, target, 1) if target >= 0 else []
        except AgentTuiError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        if not rows:
            last = "No more tickets in this queue." if step > 0 else "This is the first ticket of the queue."
            self.app.call_from_thread(self.notify, last, markup=False)
            return
        self.app.call_from_thread(self.load, rows[0].id, target)

    def action_next_ticket(self) -> None:
        self._step(1)

    def action_previous_ticket(self) -> None:
        self._step(-1)

    def action_scroll_thread(self, lines: int) -> None:
        self.query_one("#thread", VerticalScroll).scroll_relative(y=lines, animate=False)

    @on(OptionList.OptionSelected, "#history")
    def _history_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.load(int(event.option.id))

    # -- changes ---------------------------------------------------------------------------------

    @work(thread=True, group="ticket-change", exit_on_error=False)
    def _change(self, change: Callable[[], object], done: str) -> None:
        try:
            change()
            self.service.share()
        except AgentTuiError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            self.app.call_from_thread(self.load, self.ticket_id)
            return
        self.app.call_from_thread(self.notify, done, markup=False)
        self.app.call_from_thread(self.load, self.ticket_id)

    def action_reply(self) -> None:
        from agent_tui.ui.screens.compose import ComposeScreen

        self.app.push_screen(ComposeScreen(self.app.replies, self.ticket_id), self._replied)

    def _replied(self, sent: bool | None) -> None:
        self.load(self.ticket_id)

    def action_set_status(self, status: str) -> None:
        value = Status(status)
        ticket_id = self.ticket_id
        self._change(lambda: self.service.set_status(ticket_id, value), f"Ticket {ticket_id} is now {value.value}.")

    def action_choose_status(self) -> None:
        current = self.detail.ticket.status.value if self.detail else None
        choices = [(s.value, s.value) for s in Status]
        self.app.push_screen(ChoiceModal("Set status", choices, current), self._status_chosen)

    def _status_chosen(self, value: str | None) -> None:
        if value:
            self.action_set_status(value)

    def action_choose_priority(self) -> None:
        current = self.detail.ticket.priority.label if self.detail else None
        choices = [(p.label, p.label) for p in sorted(Priority, reverse=True)]
        self.app.push_screen(ChoiceModal("Set priority", choices, current), self._priority_chosen)

    def _priority_chosen(self, value: str | None) -> None:
        if value:
            ticket_id, priority = self.ticket_id, Priority.parse(value)
            self._change(lambda: self.service.set_priority(ticket_id, priority), f"Ticket {ticket_id} is now {value}.")

    def action_take(self) -> None:
        ticket_id = self.ticket_id
        self._change(lambda: self.service.take(ticket_id), f"Ticket {ticket_id} is yours.")

    def action_unassign(self) -> None:
        ticket_id = self.ticket_id
        self._change(lambda: self.service.assign(ticket_id, None), f"Ticket {ticket_id} is unassigned.")

    def action_assign(self) -> None:
        self.app.push_screen(
            PromptModal("Assign to", "me, a name, an email or Name <email>; empty to unassign"), self._assign_to
        )

    def _assign_to(self, value: str | None) -> None:
        if value is None:
            return
        ticket_id = self.ticket_id
        agent = self.service.resolve_agent(value) if value else None
        done = f"Ticket {ticket_id} assigned to {agent.name}." if agent else f"Ticket {ticket_id} is unassigned."
        self._change(lambda: self.service.assign(ticket_id, agent), done)

    def action_add_tag(self) -> None:
        self.app.push_screen(PromptModal("Add tag", "e.g. refund"), self._tag_entered)

    def _tag_entered(self, value: str | None) -> None:
        if value:
            ticket_id = self.ticket_id
            self._change(lambda: self.service.tag(ticket_id, value, True), f"Tagged {ticket_id} with {value}.")

    def action_remove_tag(self) -> None:
        tags = self.detail.ticket.tags if self.detail else ()
        if not tags:
            self.notify("This ticket has no tags.", markup=False)
            return
        self.app.push_screen(ChoiceModal("Remove tag", [(t, t) for t in tags]), self._untag_chosen)

    def _untag_chosen(self, value: str | None) -> None:
        if value:
            ticket_id = self.ticket_id
            self._change(lambda: self.service.tag(ticket_id, value, False), f"Removed tag {value} from {ticket_id}.")
