"""The ticket screen: the conversation, a header with status, priority, tags and SLA clocks, and the
customer's earlier tickets. Every change goes through the tickets service, in a worker.

Below 100 columns the customer panel hides, so the conversation has the width (the header then names the
customer); a key shows it again, under the conversation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.keys import format_key
from textual.message import Message
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from agent_tui.display import Wrapped
from agent_tui.domain.models import Agent, Author, Priority, Status
from agent_tui.domain.models import Message as TicketMessage
from agent_tui.domain.presence import Activity
from agent_tui.domain.queue import QueueQuery
from agent_tui.domain.sla import ClockState
from agent_tui.domain.snooze import describe_wake
from agent_tui.domain.text import safe_block, safe_line
from agent_tui.errors import AgentTuiError
from agent_tui.services.tickets import TicketDetail, TicketService
from agent_tui.ui.bindings import bindings
from agent_tui.ui.modals import ChoiceModal, ConfirmModal, PromptModal
from agent_tui.ui.screens.base import AgentScreen
from agent_tui.ui.screens.picker import Picked, PickerItem, PickerModal, picked_tag, tag_picker, team_picker
from agent_tui.ui.undo import change_recorded, session_undo, undo_hint, undo_last
from agent_tui.ui.widgets.presence_line import PresenceLine

if TYPE_CHECKING:
    from agent_tui.services.macros import Macro

_CLOCK_STYLES = {
    ClockState.OK: "green",
    ClockState.WARNING: "yellow",
    ClockState.BREACHED: "bold red",
    ClockState.PAUSED: "dim",
    ClockState.MET: "dim green",
}
_AUTHOR_STYLES = {
    Author.CUSTOMER: "bold cyan",
    Author.AGENT: "bold green",
    Author.NOTE: "bold yellow",
    Author.FORWARD: "bold magenta",
}


_SNOOZE = "snooze"  # the status chooser's "on-hold until…": asks for the wake time


def _shown(value: object) -> str:
    """A customer-data value as an agent reads it: a yes/no for a boolean, not Python's True/False."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _awaits_answer(detail: TicketDetail) -> bool:
    """Whether the customer spoke last: the last message that is not an internal note is theirs."""
    public = [m for m in detail.messages if m.author not in (Author.NOTE, Author.FORWARD)]
    return bool(public) and public[-1].author is Author.CUSTOMER


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
                    yield Label("Earlier tickets" + self._key_hint("ticket.history"), id="history-title")
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
                view.update(Wrapped(self._message_text(now)))

    # -- rendering -------------------------------------------------------------------------------

    def _header_text(self, detail: TicketDetail) -> Text:
        ticket = detail.ticket
        text = Text.assemble((f"#{ticket.id}  ", "bold"), (safe_line(ticket.subject), "bold"), "\n")
        assignee = safe_line(ticket.assignee.name) if ticket.assignee else "unassigned"
        snoozed = f" {describe_wake(ticket.snoozed_until, self.service.tz)}" if ticket.snoozed_until else ""
        text.append_text(
            Text.assemble(
                (ticket.status.value + snoozed, "reverse bold"),
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
        if count:
            text.append(self._key_hint("ticket.history"), style="dim")
        keys = self.app.keys_in_force.get("ticket.sidebar")
        if keys:
            text.append(f"  ({format_key(keys.split(',')[0])} customer and history)", style="dim")
        return text

    def _key_hint(self, binding_id: str) -> str:
        """`` (H)``: the first key of a binding in force, to say how to reach something; empty when it has none."""
        keys = self.app.keys_in_force.get(binding_id)
        return f" ({format_key(keys.split(',')[0])})" if keys else ""

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
            shown = ", ".join(map(_shown, value)) if isinstance(value, list) else _shown(value)
            text.append(f"{safe_line(str(key))}: ", "dim")
            text.append(safe_line(shown) + "\n")
        return text

    def _message_view(self, message: TicketMessage) -> MessageView:
        return MessageView(Wrapped(self._message_text(message)), classes=message.author.value)

    def _message_text(self, message: TicketMessage) -> Text:
        who = safe_line(message.sender.name or message.sender.email)
        head = Text.assemble(
            ("NOTE by " + who if message.author is Author.NOTE else who, _AUTHOR_STYLES[message.author]),
            ("" if message.author is Author.NOTE else f"  <{safe_line(message.sender.email)}>", "dim"),
            (f"  ·  {message.date:%a %d %b %H:%M} UTC", "dim"),
        )
        if message.author is Author.FORWARD:
            head.append("  ·  forwarded", "magenta")
        if message.attachments:
            head.append("  ·  📎 " + ", ".join(safe_line(a.filename) for a in message.attachments), "dim")
        if message.to:  # whom it was written to, and copied to: names from mail, made safe
            head.append("\nTo: " + ", ".join(safe_line(str(a)) for a in message.to), "dim")
        if message.cc:
            head.append("\nCc: " + ", ".join(safe_line(str(a)) for a in message.cc), "dim")
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
    def _change(self, ticket_id: int, field: str, change: Callable[[], object], done: str, said: str) -> None:
        """Make one change (through the service), remember it for undo, and share it with the team."""
        try:
            if change_recorded(self.service, session_undo(self.app), ticket_id, field, change, said):
                done += undo_hint(self.app.keys_in_force, "ticket.undo")
            self.service.share()
        except AgentTuiError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            self.app.call_from_thread(self.load, self.ticket_id)
            return
        self.app.call_from_thread(self.notify, done, markup=False)
        self.app.call_from_thread(self.load, self.ticket_id)

    def action_undo(self) -> None:
        self._undo()

    @work(thread=True, group="ticket-change", exit_on_error=False)
    def _undo(self) -> None:
        """Take back the last change made in this session: on whichever ticket, or a bulk change in the queue."""
        said, severity = undo_last(self.service, session_undo(self.app))
        timeout = None if severity == "information" else 10  # a longer one names what was left alone
        self.app.call_from_thread(self.notify, said, severity=severity, markup=False, timeout=timeout)
        self.app.call_from_thread(self.load, self.ticket_id)

    def action_reply(self) -> None:
        from agent_tui.ui.screens.compose import ComposeScreen

        self.app.push_screen(ComposeScreen(self.app.replies, self.ticket_id), self._replied)

    def _replied(self, sent: bool | None) -> None:
        self.load(self.ticket_id)

    def action_set_status(self, status: str) -> None:
        value = Status(status)
        detail = self.detail
        unanswered = (
            value in (Status.SOLVED, Status.CLOSED)
            and detail is not None
            and detail.ticket.id == self.ticket_id
            and detail.ticket.status is not value
            and _awaits_answer(detail)
        )
        if unanswered:
            verb = "solve" if value is Status.SOLVED else "close"
            self.app.push_screen(
                ConfirmModal(
                    f"The customer's question is unanswered: {verb} anyway?",
                    [(verb, "y", f"{verb.capitalize()} anyway"), ("keep", "n", "Keep it open")],
                    safe="keep",
                    details=[f"#{self.ticket_id}: the last message is from {self._last_writer(detail)}."],
                ),
                lambda answer: self._set_status(value) if answer == verb else None,
            )
            return
        self._set_status(value)

    @staticmethod
    def _last_writer(detail: TicketDetail | None) -> str:
        public = [m for m in detail.messages if m.author is not Author.NOTE] if detail else []
        sender = public[-1].sender if public else None
        return safe_line(sender.name or sender.email) if sender else "the customer"

    def _set_status(self, value: Status) -> None:
        ticket_id = self.ticket_id
        self._change(
            ticket_id,
            "status",
            lambda: self.service.set_status(ticket_id, value),
            f"Ticket {ticket_id} is now {value.value}.",
            value.value,
        )

    def action_choose_status(self) -> None:
        current = self.detail.ticket.status.value if self.detail else None
        choices = [(s.value, s.value) for s in Status]
        choices.insert(choices.index(("on-hold", "on-hold")) + 1, (_SNOOZE, "on-hold until…"))
        self.app.push_screen(ChoiceModal("Set status", choices, current), self._status_chosen)

    def _status_chosen(self, value: str | None) -> None:
        if value == _SNOOZE:
            prompt = PromptModal(
                "On hold until (it reopens then)", "2h, 3d, tomorrow 09:00, mon 09:00, 2026-12-01T09:00"
            )
            self.app.push_screen(prompt, self._snooze_until)
        elif value:
            self.action_set_status(value)

    def _snooze_until(self, text: str | None) -> None:
        """Snooze: on hold until the time typed (read as ``set --until`` reads it), then open again."""
        if not text:
            return
        try:
            until = self.service.parse_until(text)
        except AgentTuiError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        ticket_id = self.ticket_id
        self._change(
            ticket_id,
            "status",
            lambda: self.service.set_status(ticket_id, Status.ON_HOLD, until),
            f"Ticket {ticket_id} is on hold {describe_wake(until, self.service.tz)}; it reopens then.",
            "on-hold",
        )

    def action_choose_priority(self) -> None:
        current = self.detail.ticket.priority.label if self.detail else None
        choices = [(p.label, p.label) for p in sorted(Priority, reverse=True)]
        self.app.push_screen(ChoiceModal("Set priority", choices, current), self._priority_chosen)

    def _priority_chosen(self, value: str | None) -> None:
        if value:
            ticket_id, priority = self.ticket_id, Priority.parse(value)
            self._change(
                ticket_id,
                "priority",
                lambda: self.service.set_priority(ticket_id, priority),
                f"Ticket {ticket_id} is now {value}.",
                f"made {value}",
            )

    def action_take(self) -> None:
        ticket_id = self.ticket_id
        self._change(
            ticket_id,
            "assignee",
            lambda: self.service.take(ticket_id),
            f"Ticket {ticket_id} is yours.",
            "taken",
        )

    def action_unassign(self) -> None:
        ticket_id = self.ticket_id
        self._change(
            ticket_id,
            "assignee",
            lambda: self.service.assign(ticket_id, None),
            f"Ticket {ticket_id} is unassigned.",
            "unassigned",
        )

    # -- pickers ---------------------------------------------------------------------------------

    def action_assign(self) -> None:
        self._open_team_picker()

    @work(thread=True, exclusive=True, group="ticket-picker", exit_on_error=False)
    def _open_team_picker(self) -> None:
        try:
            team = self.service.team()
        except AgentTuiError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self._show_team_picker, team)

    def _show_team_picker(self, team: list[Agent]) -> None:
        holder = self.detail.ticket.assignee if self.detail and self.detail.ticket.id == self.ticket_id else None

        def picked(choice: Picked | None) -> None:
            if choice is None:
                return
            if choice.new:
                self._assign_typed(self.ticket_id, choice.value)
            else:
                self._assign_to(self.ticket_id, team[int(choice.value)])

        self.app.push_screen(team_picker(f"Assign #{self.ticket_id} to", team, self.service.me, holder), picked)

    @work(thread=True, exclusive=True, group="ticket-picker", exit_on_error=False)
    def _assign_typed(self, ticket_id: int, typed: str) -> None:
        """Assign to someone typed in: ``Name <email>``, or a name the team answers to (the team is read from
        the store: in a worker, not on the screen's thread)."""
        try:
            agent = self.service.resolve_agent(typed)
        except AgentTuiError as error:  # no phantom agents: the sentence says how to name someone new
            self.app.call_from_thread(self.notify, str(error), severity="warning", markup=False, timeout=10)
            return
        self.app.call_from_thread(self._assign_to, ticket_id, agent)

    def _assign_to(self, ticket_id: int, agent: Agent) -> None:
        self._change(
            ticket_id,
            "assignee",
            lambda: self.service.assign(ticket_id, agent),
            f"Ticket {ticket_id} assigned to {agent.name}.",
            f"assigned to {agent.name}",
        )

    def action_add_tag(self) -> None:
        self._open_tag_picker()

    @work(thread=True, exclusive=True, group="ticket-picker", exit_on_error=False)
    def _open_tag_picker(self) -> None:
        try:
            counts = self.service.tag_counts(limit=500)  # every tag in use, not just the sidebar's dozen
        except AgentTuiError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self._show_tag_picker, counts)

    def _show_tag_picker(self, counts: list[tuple[str, int]]) -> None:
        has = self.detail.ticket.tags if self.detail else ()
        self.app.push_screen(tag_picker(f"Tag #{self.ticket_id}", counts, leave_out=has), self._tag_picked)

    def _tag_picked(self, choice: Picked | None) -> None:
        tag = picked_tag(choice, lambda why: self.notify(why, severity="warning", markup=False))
        if tag is None:
            return
        ticket_id = self.ticket_id
        self._change(
            ticket_id,
            f"tag:{tag}",
            lambda: self.service.tag(ticket_id, tag, True),
            f"Tagged {ticket_id} with {tag}.",
            f"tagged {tag}",
        )

    def action_remove_tag(self) -> None:
        tags = self.detail.ticket.tags if self.detail else ()
        if not tags:
            self.notify("This ticket has no tags.", markup=False)
            return
        self.app.push_screen(ChoiceModal("Remove tag", [(t, t) for t in tags]), self._untag_chosen)

    def _untag_chosen(self, value: str | None) -> None:
        if value:
            ticket_id = self.ticket_id
            self._change(
                ticket_id,
                f"tag:{value}",
                lambda: self.service.tag(ticket_id, value, False),
                f"Removed tag {value} from {ticket_id}.",
                f"tag {value} removed",
            )

    def action_pick_macro(self) -> None:
        """A macro on this ticket: its fields are set, and its reply opens in the composer to read and send."""
        from agent_tui.services.macros import library
        from agent_tui.ui.screens.queue_bulk import show_macros

        def load() -> None:
            try:
                found = library(self.app.replies)
            except AgentTuiError as error:
                self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
                return
            self.app.call_from_thread(show_macros, self, found, f"#{self.ticket_id}", self._apply_macro)

        self.run_worker(load, thread=True, exclusive=True, group="ticket-picker", exit_on_error=False)

    @work(thread=True, group="ticket-change", exit_on_error=False)
    def _apply_macro(self, macro: Macro) -> None:
        from agent_tui.services.bulk import Target
        from agent_tui.services.macros import apply_macro

        ticket_id = self.ticket_id
        try:
            result = apply_macro(self.app.replies, macro, [Target(ticket_id)])
        except AgentTuiError as error:
            result = None
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
        if result is not None and result.refused:
            self.app.call_from_thread(
                self.notify, "; ".join(result.refusals()), severity="warning", markup=False, timeout=10
            )
        elif result is not None:
            said = f"Macro {macro.title} applied to #{ticket_id}: {macro.describe()}."
            self.app.call_from_thread(self.notify, said, markup=False)
            if macro.template:  # its reply is the draft: read it, then Ctrl+S
                self.app.call_from_thread(self.action_reply)
        self.app.call_from_thread(self.load, ticket_id)

    def action_pick_history(self) -> None:
        """The customer's earlier tickets, from the keyboard (the panel may be hidden): Enter opens one."""
        detail = self.detail
        if detail is None:
            return
        if not detail.history:
            self.notify("This is the customer's first ticket.", markup=False)
            return
        items = [PickerItem(str(row.id), f"#{row.id} {row.subject}", row.status.value) for row in detail.history]
        name = safe_line(detail.ticket.customer.display_name)
        self.app.push_screen(
            PickerModal(
                f"Earlier tickets from {name}", items, placeholder="a number or words of the subject", enter="opens it"
            ),
            lambda choice: self.load(int(choice.value)) if choice is not None else None,
        )

    def action_merge(self) -> None:
        """Merge this ticket into another open one of the same customer (ui/merge.py: picker, then confirmation)."""
        from agent_tui.ui.merge import start_merge

        start_merge(self)

    def action_forward(self) -> None:
        """Forward the conversation with its attachments (ui/attachments.py: the address, a note, then sent)."""
        from agent_tui.ui.attachments import start_forward

        start_forward(self)

    def action_list_attachments(self) -> None:
        """Every attachment of the conversation; on the one picked: save it, open it, or show its message."""
        detail = self.detail
        found = [
            (index, attachment, message)
            for index, message in enumerate(detail.messages if detail else [])
            for attachment in message.attachments
        ]
        if not found:
            self.notify("No attachments in this conversation.", markup=False)
            return
        items = [
            PickerItem(
                f"{number}:{index}",
                attachment.filename,
                f"{attachment.content_type} · {_size(attachment.size)} · "
                f"{message.sender.name or message.sender.email}, {message.date:%d %b}",
            )
            for number, (index, attachment, message) in enumerate(found, 1)
        ]
        self.app.push_screen(
            PickerModal(f"Attachments of #{self.ticket_id}", items, enter="saves, opens or shows it"),
            self._attachment_picked,
        )

    def _attachment_picked(self, choice: Picked | None) -> None:
        if choice is None:
            return
        from agent_tui.ui.attachments import attachment_chosen

        number, _, index = choice.value.partition(":")
        attachment_chosen(self, int(number), int(index))

    def show_message(self, index: int) -> None:
        """Scroll the conversation to its ``index``-th message (from 0)."""
        views = list(self.query_one("#thread", VerticalScroll).query_children(MessageView))
        if index < len(views):
            self.query_one("#thread", VerticalScroll).scroll_to_widget(views[index], animate=False, top=True)


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"
