"""The queue screen: views with counts in a sidebar, an instant filter, and the virtual ticket table.

Below 100 columns the sidebar hides (the title then names the view) and the table shows the columns that fit;
a key shows or hides the sidebar at any width."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import TypedDict, Unpack

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.keys import _character_to_key as character_to_key  # "/" -> "slash", as keymaps name it
from textual.keys import format_key
from textual.message import Message
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from agent_tui.display import fit_cells
from agent_tui.domain.presence import marker, on_ticket
from agent_tui.domain.queue import Filter, QueueQuery, QueueRow, SortKey, View, parse_filter
from agent_tui.domain.text import safe_line
from agent_tui.errors import AgentTuiError
from agent_tui.services.tickets import TicketService
from agent_tui.ui.bindings import bindings
from agent_tui.ui.screens import queue_bulk
from agent_tui.ui.screens.base import AgentScreen
from agent_tui.ui.undo import change_recorded, session_undo, undo_hint
from agent_tui.ui.widgets.field_input import FieldInput
from agent_tui.ui.widgets.queue_table import COLUMNS, PAGE_SIZE, QueueTable

# What `o` steps through: every column of the table (a column hidden by the width shows while sorted by it).
_SORT_CYCLE = [
    SortKey.SLA,
    SortKey.PRIORITY,
    SortKey.AGE,
    SortKey.STATUS,
    SortKey.CUSTOMER,
    SortKey.SUBJECT,
    SortKey.ASSIGNEE,
    SortKey.ID,
]
_SORT_TITLES = {**{column.key: column.title for column in COLUMNS}, SortKey.ID: "# (ticket number)"}
_TAG_PREFIX = "tag:"
_MAX_TAGS = 500  # the sidebar lists the tags of unsolved tickets by count, as many as fit, and scrolls to the rest
_DATA_POLL_SECONDS = 2.0
FILTER_PLACEHOLDER = "Filter: #1044, words, tag:x status:x priority:x assignee:me ?text"  # ?: message search


class FilterBox(FieldInput):
    """The filter box: Enter goes back to the table, the clear-filter key (Escape) clears it, both at once, so
    the keys typed behind them in a burst reach the queue (see FieldInput)."""

    def leave(self, key: str) -> bool:
        screen = self.screen
        if not isinstance(screen, QueueScreen):
            return False
        if key in screen.app.keys_in_force.get("queue.clear_filter", "escape").split(","):
            screen.action_clear_filter()
            return True
        if key == "enter":
            screen.set_focus(screen.query_one(QueueTable))
            return True
        return False


class QueryChange(TypedDict, total=False):
    """What ``_set_query`` may change of the QueueQuery: its fields, each with its type."""

    view: View
    tag: str | None
    filter: Filter
    sort: SortKey
    descending: bool


@dataclass
class QueueLoaded(Message):
    """A worker's answer: the queue's length, the page under the cursor, and optionally the counts."""

    load: int  # which load this answers: only the latest one is shown
    query: QueueQuery
    total: int
    cursor: int
    rows: list[QueueRow]
    counts: dict[View, int] | None
    tags: list[tuple[str, int]] | None
    more: bool = False  # the total is the first page's length; the count of a long queue follows


@dataclass
class QueueCounted(Message):
    """The length of a long queue, which follows its first page."""

    load: int
    total: int


class QueueScreen(AgentScreen[None]):
    CSS_PATH = "queue.tcss"
    HAS_PANEL = True  # the views and tags
    BINDINGS = bindings("queue", lambda spec: not spec.action.startswith(("cursor_", "page_")))  # the table has those

    def __init__(self, service: TicketService) -> None:
        super().__init__()
        self._showing = False
        self.service = service
        self.query_state = QueueQuery()
        self._data_version: int | None = None
        # Cancelling a thread worker doesn't stop it: each load is numbered, and only the latest is shown.
        self._load_number = 0
        self._status = ""  # the connection, as the app says it
        self._counts: dict[View, int] = {}
        self._count_text = ""
        self.marked: dict[int, tuple[int, int]] = {}  # marked ticket -> how far the store had it when marked

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="title")
        with Horizontal():
            yield OptionList(id="views")
            with Vertical(id="main"):
                with Horizontal(id="filter-line"):
                    yield FilterBox(
                        placeholder=FILTER_PLACEHOLDER, id="filter", select_on_focus=False
                    )  # a burst types on
                    yield Static("", id="count")
                yield Static("", id="hint")  # what the filter did not understand, and what it could be
                yield QueueTable(self.service.now, self.service.queue_clock, id="table", tz=self.service.tz)
        yield Footer()

    def _title(self) -> Text:
        me = self.service.me
        title = Text.assemble(
            ("agent-tui", "bold"), "  ·  account ", (self.service.account, "bold"), "  ·  you are ", safe_line(me.name)
        )
        if not self.panel_shown:  # the sidebar is hidden: say which view this is
            title.append("  ·  ")
            title.append(self._view_name(), style="bold")
            keys = self.app.keys_in_force.get("queue.sidebar")
            if keys:
                title.append(f"  ({format_key(keys.split(',')[0])} views)", style="dim")
        if self._status:
            title.append(f"  ·  {self._status}", style="bold" if self._status.startswith("offline") else "")
        return title

    def _view_name(self) -> str:
        query = self.query_state
        if query.tag:
            return "# " + safe_line(query.tag)
        count = self._counts.get(query.view)
        return query.view.label + (f" {count}" if count is not None else "")

    def _show_title(self) -> None:
        self.query_one("#title", Static).update(self._title())

    def _connection(self, status: str) -> None:
        self._status = status
        self._show_title()

    def panel_changed(self) -> None:
        views = self.query_one("#views", OptionList)
        if views.has_focus and not self.panel_shown:
            self.query_one(QueueTable).focus()
        self._show_title()

    def store_changed(self) -> None:
        if self._showing:
            self.reload(with_counts=True)

    def presence_changed(self) -> None:
        if self._showing:
            by_ticket: dict[int, list] = {}
            for entry in self.app.presence:
                by_ticket.setdefault(entry.ticket_id, []).append(entry)
            self.query_one(QueueTable).show_presence(
                {ticket_id: marker(on_ticket(entries, ticket_id)) for ticket_id, entries in by_ticket.items()}
            )

    def on_screen_resume(self) -> None:
        self.app.announce(None, None)  # back on the queue: on no ticket

    def on_mount(self) -> None:
        self._showing = True  # news from workers is shown from here on: is_mounted turns true only after this handler, and news in between was lost
        self.watch(self.app, "connection_status", self._connection)
        self.query_one(QueueTable).focus()
        self.reload(with_counts=True)
        self.presence_changed()
        self.set_interval(1.0, self.query_one(QueueTable).tick)
        self.set_interval(_DATA_POLL_SECONDS, self._check_for_changes)

    # -- loading ---------------------------------------------------------------------------------

    def reload(self, *, with_counts: bool = False, keep_id: int | None = None, cursor: int | None = None) -> None:
        """Read the queue again. The cursor stays on ``keep_id`` (default: the current ticket) if still listed,
        else at ``cursor`` (default: where it is)."""
        table = self.query_one(QueueTable)
        keep = keep_id if keep_id is not None else table.current_id if cursor is None else None
        self._load_number += 1
        self._load(self._load_number, self.query_state, keep, table.cursor if cursor is None else cursor, with_counts)

    @work(thread=True, exclusive=True, group="queue-load", exit_on_error=False)
    def _load(self, number: int, query: QueueQuery, keep_id: int | None, cursor: int, with_counts: bool) -> None:
        service = self.service
        try:
            counts = service.view_counts() if with_counts else None
            tags = service.tag_counts(_MAX_TAGS) if with_counts else None
            self._data_version = service.store.data_version()
            if keep_id is None and cursor == 0:
                # From the top (a keystroke in the filter box): show the first page at once; counting a
                # long queue takes longer than reading its first page, so the length follows.
                rows = service.queue_page(query, 0, PAGE_SIZE + 1)
                if len(rows) <= PAGE_SIZE:
                    self.post_message(QueueLoaded(number, query, len(rows), 0, rows, counts, tags))
                    return
                self.post_message(QueueLoaded(number, query, PAGE_SIZE, 0, rows[:PAGE_SIZE], counts, tags, more=True))
                if number == self._load_number:  # not when the user has typed on meanwhile
                    self.post_message(QueueCounted(number, service.queue_count(query)))
                return
            total = service.queue_count(query)
            position = service.queue_position(query, keep_id) if keep_id is not None else None
            cursor = position if position is not None else min(cursor, max(total - 1, 0))
            page = cursor // PAGE_SIZE
            rows = service.queue_page(query, page * PAGE_SIZE, PAGE_SIZE)
        except AgentTuiError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.post_message(QueueLoaded(number, query, total, cursor, rows, counts, tags))

    def on_queue_counted(self, message: QueueCounted) -> None:
        if message.load == self._load_number:
            self.query_one(QueueTable).set_total(message.total)
            self._show_count(message.total, self.query_state)

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        if message.load != self._load_number:
            return  # a newer load is on its way (the user typed on, or something changed)
        query = message.query
        table = self.query_one(QueueTable)
        table.sort_key, table.descending = query.sort, query.descending
        table.empty_text = "No tickets match this filter." if not query.filter.is_empty else "No tickets in this view."
        load_page = partial(self.service.queue_page, query)
        table.show(message.total, message.cursor // PAGE_SIZE, message.rows, message.cursor, load_page)
        self._show_count(message.total, query, more=message.more)
        if message.counts is not None:
            self._counts = message.counts
            self._show_views(message.counts, message.tags or [])
        self._show_title()

    def _show_count(self, total: int, query: QueueQuery, *, more: bool = False) -> None:
        """How many tickets the list holds: the matches while filtering, else the view's length."""
        shown = f"{total:,}{'+' if more else ''}"
        if query.filter.is_empty:
            text = f"{shown} ticket{'' if total == 1 and not more else 's'}"
        else:
            text = f"{shown} match{'' if total == 1 and not more else 'es'}"
        self._count_text = text
        self.query_one("#count", Static).update(text + (f"  ·  {len(self.marked)} marked" if self.marked else ""))

    def _show_hint(self, hint: str | None) -> None:
        self.query_one("#hint", Static).update(Text(safe_line(hint), style="bold") if hint else "")

    def _show_views(self, counts: dict[View, int], tags: list[tuple[str, int]]) -> None:
        views = self.query_one("#views", OptionList)
        highlighted = self._selected_option_id()
        views.clear_options()
        options: list[Option | None] = []
        for view in (View.OPEN, View.UNASSIGNED, View.MINE, View.PENDING, View.BREACHING, View.ALL):
            # 20 cells: the sidebar's 24 less its border, padding and a scrollbar (many tags, a short window)
            label = Text.assemble(f"{view.label:<14}", (f"{counts[view]:>6}", "bold"))
            options.append(Option(label, id=view.value))
        if tags:
            options.append(None)
            for tag, count in tags:
                options.append(Option(Text.assemble(fit_tag(tag), (f"{count:>6}", "bold")), id=_TAG_PREFIX + tag))
        views.add_options(options)
        try:
            views.highlighted = views.get_option_index(highlighted)
        except OptionDoesNotExist:  # the tag it was on has gone
            views.highlighted = 0

    def _selected_option_id(self) -> str:
        return _TAG_PREFIX + self.query_state.tag if self.query_state.tag else self.query_state.view.value

    def _check_for_changes(self) -> None:
        """Another agent-tui or a script wrote to the store: show it without being asked."""
        if self._data_version is not None and self.is_current:
            self._poll_version()

    @work(thread=True, exclusive=True, group="queue-poll", exit_on_error=False)
    def _poll_version(self) -> None:
        woken = self.service.wake_snoozed()  # a snooze whose time came: the ticket reopens, first in the queue
        version = self.service.store.data_version()
        if woken or version != self._data_version:
            self.app.call_from_thread(self.reload, with_counts=True)

    # -- user actions ----------------------------------------------------------------------------

    def _set_query(self, **changes: Unpack[QueryChange]) -> None:
        """A new view, filter or order: the list starts again from its top."""
        self.query_state = replace(self.query_state, **changes)
        self.reload(cursor=0)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        parsed = parse_filter(event.value)
        self._show_hint(parsed.hint)
        self._set_query(filter=parsed)

    # Typed or pasted text goes to the filter box, never to the queue's keys. Keys arrive at the widget that has
    # the focus when they are read; a burst ("/refund" pasted without bracketed paste, or typed fast) is read at
    # once, so what follows the filter key is on its way to the table before the filter box has the focus. Those
    # keys bubble up here: the filter key focuses the box at once, printable keys behind it join its text, and a
    # key that leaves the box (Escape, Enter) acts at once, so that the keys after it are the queue's again.
    def on_key(self, event: events.Key) -> None:
        filter_box = self.query_one("#filter", FilterBox)
        if self.focused is filter_box:
            if event.is_printable and event.character:
                event.stop()
                event.prevent_default()
                filter_box.insert_text_at_cursor(event.character)
            elif filter_box.leave(event.key):  # Escape or Enter in the burst: at once, before the keys behind it
                event.stop()
                event.prevent_default()
        elif self._is_filter_key(event.key):
            event.stop()
            event.prevent_default()
            self.action_focus_filter()

    def on_paste(self, event: events.Paste) -> None:
        """A paste on the queue (bracketed paste) is filter text: a leading filter key is dropped."""
        filter_box = self.query_one("#filter", Input)
        if self.focused is filter_box:
            return  # the box took it itself
        event.stop()
        text = " ".join(event.text.split())
        if text and self._is_filter_key(character_to_key(text[0])):
            text = text[1:].lstrip()
        self.action_focus_filter()
        filter_box.insert_text_at_cursor(text)

    def _is_filter_key(self, key: str) -> bool:
        return key in self.app.keys_in_force.get("queue.filter", "slash").split(",")

    @on(OptionList.OptionSelected, "#views")
    def _view_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or View.OPEN.value
        if option_id.startswith(_TAG_PREFIX):
            self._set_query(view=View.OPEN, tag=option_id[len(_TAG_PREFIX) :])
        else:
            self._set_query(view=View(option_id), tag=None)
        self.query_one(QueueTable).focus()

    def action_show_view(self, view: str) -> None:
        self._set_query(view=View(view), tag=None)
        views = self.query_one("#views", OptionList)
        if views.option_count:  # the sidebar may still be loading; it highlights the view when it comes
            views.highlighted = views.get_option_index(view)

    def action_next_view(self, step: int = 1) -> None:
        views = self.query_one("#views", OptionList)
        count = views.option_count
        if not count:
            return
        index = ((views.highlighted or 0) + step) % count
        while views.get_option_at_index(index).disabled or views.get_option_at_index(index).id is None:
            index = (index + step) % count
        views.highlighted = index
        views.action_select()

    def action_previous_view(self) -> None:
        self.action_next_view(-1)

    def palette_commands(self) -> list[tuple[str, Callable[[], object]]]:
        """Besides the bindings, the palette offers every column to sort by (the column sorted by: reversed)."""
        return [(f"Sort by: {_SORT_TITLES[key]}", partial(self.action_sort_by, key.value)) for key in _SORT_CYCLE]

    def action_sort_by(self, key: str) -> None:
        sort = SortKey(key)
        if sort is self.query_state.sort:
            self.action_reverse_sort()
        else:
            self._set_query(sort=sort, descending=False)

    def action_next_sort(self) -> None:
        current = self.query_state.sort
        following = (
            _SORT_CYCLE[(_SORT_CYCLE.index(current) + 1) % len(_SORT_CYCLE)] if current in _SORT_CYCLE else SortKey.SLA
        )
        self._set_query(sort=following, descending=False)

    def action_reverse_sort(self) -> None:
        self._set_query(descending=not self.query_state.descending)

    @on(QueueTable.SortClicked)
    def _sort_clicked(self, event: QueueTable.SortClicked) -> None:
        if event.key is self.query_state.sort:
            self.action_reverse_sort()
        else:
            self._set_query(sort=event.key, descending=False)

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one("#filter", Input))  # at once: the keys that follow must find it focused

    def action_clear_filter(self) -> None:
        filter_box = self.query_one("#filter", Input)
        if filter_box.value:
            filter_box.value = ""
        self.set_focus(self.query_one(QueueTable))

    def action_refresh_queue(self) -> None:
        self.reload(with_counts=True)

    def action_open_ticket(self) -> None:
        table = self.query_one(QueueTable)
        if table.current_id is not None:
            self._open(table.current_id)

    @on(QueueTable.Opened)
    def _opened(self, event: QueueTable.Opened) -> None:
        self._open(event.ticket_id)

    def _open(self, ticket_id: int) -> None:
        from agent_tui.ui.screens.ticket import TicketScreen

        screen = TicketScreen(self.service, ticket_id, self.query_state, self.query_one(QueueTable).cursor)
        self.app.push_screen(screen, self._back_from_ticket)

    def _back_from_ticket(self, last_seen: int | None) -> None:
        self.reload(with_counts=True, keep_id=last_seen)

    def action_dashboard(self) -> None:
        from agent_tui.ui.screens.dashboard import DashboardScreen

        self.app.push_screen(DashboardScreen(self.service))

    def action_take(self) -> None:
        ticket_id = self.query_one(QueueTable).current_id
        if ticket_id is not None:
            self._take(ticket_id)

    @work(thread=True, group="queue-change", exit_on_error=False)
    def _take(self, ticket_id: int) -> None:
        try:
            taken = change_recorded(
                self.service,
                session_undo(self.app),
                ticket_id,
                "assignee",
                lambda: self.service.take(ticket_id),
                "taken",
            )
        except AgentTuiError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        hint = undo_hint(self.app.keys_in_force, "queue.undo") if taken else ""
        self.app.call_from_thread(self.notify, f"Ticket {ticket_id} is yours.{hint}", markup=False)
        self.app.call_from_thread(self.reload, with_counts=True, keep_id=ticket_id)

    # -- marks and bulk changes (queue_bulk.py) -----------------------------------------------------

    def action_toggle_mark(self) -> None:
        table = self.query_one(QueueTable)
        if table.current_id is None:
            return
        if table.current_id in self.marked:
            del self.marked[table.current_id]
            self._show_marks()
        else:
            self._mark([table.current_id])
        table.action_cursor_down()

    def action_mark_all(self) -> None:
        self._mark(None)

    def action_clear_marks(self) -> None:
        count = len(self.marked)
        self.marked.clear()
        self._show_marks()
        self.notify(f"{count} mark{'s' if count != 1 else ''} cleared." if count else "No ticket is marked.")

    @work(thread=True, group="queue-mark", exit_on_error=False)
    def _mark(self, ids: list[int] | None) -> None:
        """Mark tickets (None: every one shown), remembering how far each was seen, for the collision guard."""
        try:
            ids = self.service.queue_ids(self.query_state) if ids is None else ids
            seen = {ticket_id: self.service.store.ticket_marks(ticket_id) for ticket_id in ids}
        except AgentTuiError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self._marked, seen)

    def _marked(self, seen: dict[int, tuple[int, int]]) -> None:
        self.marked.update(seen)
        self._show_marks()
        if len(seen) > 1:
            self.notify(f"{len(self.marked)} tickets marked.", markup=False)

    def _show_marks(self) -> None:
        self.query_one(QueueTable).show_marks(frozenset(self.marked))
        marked = f"  ·  {len(self.marked)} marked" if self.marked else ""
        self.query_one("#count", Static).update(self._count_text + marked)

    def action_choose_status(self) -> None:
        queue_bulk.choose_status(self)

    def action_set_status(self, status: str) -> None:
        queue_bulk.set_status(self, status)

    def action_choose_priority(self) -> None:
        queue_bulk.choose_priority(self)

    def action_assign(self) -> None:
        queue_bulk.assign(self)

    def action_add_tag(self) -> None:
        queue_bulk.add_tag(self)

    def action_remove_tag(self) -> None:
        queue_bulk.remove_tag(self)

    def action_pick_macro(self) -> None:
        queue_bulk.pick_macro(self)

    def action_undo(self) -> None:
        queue_bulk.undo(self)


def fit_tag(tag: str) -> str:
    return fit_cells("# " + safe_line(tag), 13) + " "
