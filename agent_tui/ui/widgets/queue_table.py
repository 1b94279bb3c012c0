"""The queue table: draws only the rows on screen, whatever the queue's length.

Textual's DataTable builds every row up front (10 s to first paint at 100,000 rows here). This table
holds only the queue's length and the pages it has seen; rows are read from the store a page at a
time (by offset, in a worker) as they scroll into view. The header stays put on line 0. The columns
that fit the width show (see ``fit_columns``); the subject takes the width left. Every cell
of email content is a plain string put into a Segment: never parsed as markup, and made safe by
:func:`safe_line` first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from functools import lru_cache

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from agent_tui.display import fit_cells
from agent_tui.domain.queue import QueueRow, SortKey
from agent_tui.domain.sla import ClockState, format_remaining
from agent_tui.domain.snooze import wake_label
from agent_tui.domain.text import format_age, safe_line
from agent_tui.ui.bindings import bindings

PAGE_SIZE = 100
PageLoader = Callable[[int, int], list[QueueRow]]  # (offset, limit) -> rows
_MAX_CACHED_PAGES = 40


@dataclass(frozen=True, slots=True)
class Column:
    key: SortKey
    title: str
    width: int  # 0: takes the width left over
    drop: int = 0  # 0: always shown; else the columns go as the width shrinks, the highest number first


COLUMNS = (
    Column(SortKey.SLA, "SLA", 9),
    Column(SortKey.ID, "#", 6),
    Column(SortKey.PRIORITY, "Priority", 8, drop=2),
    Column(SortKey.STATUS, "Status", 8, drop=1),
    Column(SortKey.CUSTOMER, "Customer", 20),
    Column(SortKey.SUBJECT, "Subject", 0),
    Column(SortKey.AGE, "Age", 4, drop=3),
    Column(SortKey.ASSIGNEE, "Assignee", 12, drop=4),
)
_GAP = 1
_ARROW_UP, _ARROW_DOWN = " ▲", " ▼"
_MIN_SUBJECT = 28  # a column is dropped before the subject gets narrower than this
_MIN_CUSTOMER = 12  # with only the columns always shown, the customer gives way down to this


@lru_cache(maxsize=32)
def fit_columns(width: int, sort_key: SortKey) -> tuple[tuple[Column, int], ...]:
    """The columns shown in ``width`` cells, in order, each with its width. The droppable columns go one by one
    (Assignee, then Age, Priority, Status) until the subject has ``_MIN_SUBJECT`` cells; the column the queue is
    sorted by stays, so the order is always in sight, and is wide enough for its whole title and the arrow."""
    shown = [
        replace(c, width=max(c.width, cell_len(c.title) + len(_ARROW_UP))) if c.key is sort_key and c.width else c
        for c in COLUMNS
    ]
    droppable = sorted((c for c in shown if c.drop and c.key is not sort_key), key=lambda c: -c.drop)

    def left_for_subject() -> int:
        return width - sum(c.width for c in shown) - _GAP * (len(shown) - 1)

    for column in droppable:
        if left_for_subject() >= _MIN_SUBJECT:
            break
        shown.remove(column)
    short = max(_MIN_SUBJECT - left_for_subject(), 0)
    widths = []
    for column in shown:
        if column.key is SortKey.CUSTOMER and short:  # still short: the customer's name gives way
            widths.append(max(column.width - short, _MIN_CUSTOMER))
        else:
            widths.append(column.width)
    subject = max(width - sum(widths) - _GAP * (len(shown) - 1), _MIN_SUBJECT // 2)
    return tuple((column, w or subject) for column, w in zip(shown, widths, strict=True))


class QueueTable(ScrollView, can_focus=True):
    """A virtual table of tickets: ``show()`` gives it a length and a page loader; it reads the rest as needed."""

    BINDINGS = bindings("queue", lambda spec: spec.action.startswith(("cursor_", "page_")))
    COMPONENT_CLASSES = {
        "queue-table--header",
        "queue-table--cursor",
        "queue-table--breached",
        "queue-table--warning",
        "queue-table--muted",
        "queue-table--urgent",
        "queue-table--presence",
    }
    DEFAULT_CSS = """
    QueueTable { width: 1fr; height: 1fr; overflow-x: hidden; }
    QueueTable > .queue-table--header { text-style: bold; background: $panel; }
    QueueTable > .queue-table--cursor { background: $block-cursor-blurred-background; }
    QueueTable:focus > .queue-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    QueueTable > .queue-table--breached { color: $error; text-style: bold; }
    QueueTable > .queue-table--warning { color: $warning; }
    QueueTable > .queue-table--muted { color: $text-muted; }
    QueueTable > .queue-table--urgent { color: $error; }
    QueueTable > .queue-table--presence { color: $warning; text-style: bold; }
    """

    cursor = reactive(0, always_update=True)

    class Highlighted(Message):
        def __init__(self, ticket_id: int | None) -> None:
            super().__init__()
            self.ticket_id = ticket_id

    class Opened(Message):
        def __init__(self, ticket_id: int) -> None:
            super().__init__()
            self.ticket_id = ticket_id

    class SortClicked(Message):
        def __init__(self, key: SortKey) -> None:
            super().__init__()
            self.key = key

    class _PageLoaded(Message):
        def __init__(self, generation: int, page: int, rows: list[QueueRow]) -> None:
            super().__init__()
            self.generation, self.page, self.rows = generation, page, rows

    def __init__(
        self,
        now: Callable[[], datetime],
        clock_of: Callable[[QueueRow], tuple[int, ClockState] | None],
        *,
        id: str | None = None,
        tz: tzinfo = UTC,
    ) -> None:
        super().__init__(id=id)
        self._now = now
        self._tz = tz  # the agent's zone: a snoozed ticket's wake time is shown in it
        self._clock_of = clock_of  # a row's most urgent running clock: (remaining, state), in its own terms
        self._load_page: PageLoader = lambda offset, limit: []
        self.total = 0
        self._pages: dict[int, list[QueueRow]] = {}
        self._pending: set[int] = set()
        self._generation = 0
        self.sort_key = SortKey.SLA
        self.descending = False
        self.empty_text = "No tickets here."
        self.presence: dict[int, str] = {}  # ticket id -> "✎ Dana": teammates on it (set by the screen)
        self.marked: frozenset[int] = frozenset()  # tickets marked for a bulk change (set by the screen)

    # -- data --------------------------------------------------------------------------------------

    def show(self, total: int, page: int, rows: list[QueueRow], cursor: int, load_page: PageLoader) -> None:
        """Replace the table's contents: ``total`` rows, ``rows`` being page number ``page``."""
        self._generation += 1
        self.total = total
        self._load_page = load_page
        self._pages = {page: rows}
        self._pending.clear()
        self.virtual_size = Size(self._width, total + 1)
        self.cursor = max(0, min(cursor, total - 1))
        self._scroll_cursor_into_view()
        self.refresh()

    def set_total(self, total: int) -> None:
        """The queue's length became known (or changed); the pages read so far stay valid."""
        self.total = total
        self.virtual_size = Size(self._width, total + 1)
        self.refresh()

    @property
    def current_row(self) -> QueueRow | None:
        return self.row_at(self.cursor) if 0 <= self.cursor < self.total else None

    @property
    def current_id(self) -> int | None:
        row = self.current_row
        return row.id if row else None

    def row_at(self, index: int) -> QueueRow | None:
        page = self._pages.get(index // PAGE_SIZE)
        if page is None:
            self._request_page(index // PAGE_SIZE)
            return None
        offset = index % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def _request_page(self, page: int) -> None:
        if page in self._pending:
            return
        self._pending.add(page)
        generation, load_page = self._generation, self._load_page

        def load() -> None:
            self.post_message(self._PageLoaded(generation, page, load_page(page * PAGE_SIZE, PAGE_SIZE)))

        self.run_worker(load, thread=True, group="queue-pages", exit_on_error=False)

    def on_queue_table__page_loaded(self, message: _PageLoaded) -> None:
        if message.generation != self._generation:
            return
        self._pending.discard(message.page)
        if len(self._pages) >= _MAX_CACHED_PAGES:
            visible = {self._top // PAGE_SIZE, (self._top + self.size.height) // PAGE_SIZE}
            self._pages = {p: r for p, r in self._pages.items() if p in visible}
        self._pages[message.page] = message.rows
        self.refresh()
        if message.page == self.cursor // PAGE_SIZE:
            self.post_message(self.Highlighted(self.current_id))

    # -- cursor ----------------------------------------------------------------------------------

    @property
    def _top(self) -> int:
        return int(self.scroll_offset.y)

    @property
    def _body_height(self) -> int:
        return max(self.size.height - 1, 1)

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self.current_id))

    def _scroll_cursor_into_view(self) -> None:
        if self.cursor < self._top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= self._top + self._body_height:
            self.scroll_to(y=self.cursor - self._body_height + 1, animate=False, immediate=True)

    def _move(self, index: int) -> None:
        if self.total:
            self.cursor = max(0, min(index, self.total - 1))

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_page_down(self) -> None:
        self._move(self.cursor + self._body_height)

    def action_page_up(self) -> None:
        self._move(self.cursor - self._body_height)

    def action_cursor_top(self) -> None:
        self._move(0)

    def action_cursor_bottom(self) -> None:
        self._move(self.total - 1)

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            key = self._column_at(event.x)
            if key is not None:
                self.post_message(self.SortClicked(key))
            return
        index = self._top + event.y - 1
        if 0 <= index < self.total:
            self.cursor = index
            if event.chain >= 2 and self.current_id is not None:
                self.post_message(self.Opened(self.current_id))

    def _column_at(self, x: int) -> SortKey | None:
        left = 0
        for column, width in self.columns:
            if left <= x < left + width + _GAP:
                return column.key
            left += width + _GAP
        return None

    # -- drawing ---------------------------------------------------------------------------------

    @property
    def _width(self) -> int:
        return self.scrollable_content_region.width

    def on_resize(self) -> None:
        self.virtual_size = Size(self._width, self.total + 1)

    def tick(self) -> None:
        """Repaint only the SLA column: the countdown moves, nothing else does."""
        self.refresh(Region(0, 1, COLUMNS[0].width, self.size.height))

    def show_marks(self, marked: frozenset[int]) -> None:
        if marked != self.marked:
            self.marked = marked
            self.refresh()

    def show_presence(self, markers: dict[int, str]) -> None:
        if markers != self.presence:
            self.presence = markers
            self.refresh()

    @property
    def columns(self) -> tuple[tuple[Column, int], ...]:
        """The columns shown at the table's width, each with its width."""
        return fit_columns(self._width, self.sort_key)

    def render_line(self, y: int) -> Strip:
        width = self._width
        if y == 0:
            return self._header_strip(width)
        index = self._top + y - 1
        if index >= self.total:
            if not self.total and y == 1:
                return Strip(
                    [
                        Segment(
                            fit_cells("  " + self.empty_text, width),
                            self.get_component_rich_style("queue-table--muted"),
                        )
                    ]
                )
            return Strip.blank(width, self.rich_style)
        row = self.row_at(index)
        base = self.rich_style
        if index == self.cursor:
            base = base + self.get_component_rich_style("queue-table--cursor")
        if row is None:
            return Strip([Segment(fit_cells("  …", width), base)])
        return Strip(self._row_segments(row, base), width).adjust_cell_length(width, base)

    def _header_strip(self, width: int) -> Strip:
        style = self.get_component_rich_style("queue-table--header")
        cells = []
        for column, cell_width in self.columns:
            title = column.title
            if column.key is self.sort_key:  # the column is widened for the arrow (see fit_columns)
                arrow = _ARROW_DOWN if self.descending else _ARROW_UP
                title = fit_cells(title, min(cell_len(title), cell_width - len(arrow))) + arrow
            cells.append(fit_cells(title, cell_width))
        return Strip([Segment(" ".join(cells), style)]).adjust_cell_length(width, style)

    def _row_segments(self, row: QueueRow, base: Style) -> list[Segment]:
        now = int(self._now().timestamp())
        sla_text, sla_style = self._sla_cell(row)
        values = {
            SortKey.SLA: (sla_text, sla_style),
            SortKey.ID: (("●" if row.id in self.marked else "") + str(row.id), None),  # marked for a bulk change
            SortKey.PRIORITY: (row.priority.label, "queue-table--urgent" if row.priority.label == "urgent" else None),
            SortKey.STATUS: (
                "snoozed" if row.snoozed_until is not None else row.status.value,  # on hold until the SLA cell's time
                "queue-table--muted" if not row.status.is_unsolved or row.snoozed_until is not None else None,
            ),
            SortKey.CUSTOMER: (safe_line(row.customer_name or row.customer_email), None),
            SortKey.SUBJECT: (safe_line(row.subject), None),  # a teammate's presence goes in front, below
            SortKey.AGE: (format_age(now, row.created_at), "queue-table--muted"),
            SortKey.ASSIGNEE: (
                safe_line(row.assignee_name) if row.assignee_name else "—",
                None if row.assignee_name else "queue-table--muted",
            ),
        }
        segments = []
        for column, width in self.columns:
            text, component = values[column.key]
            style = base + self.get_component_rich_style(component, partial=True) if component else base
            here = self.presence.get(row.id, "") if column.key is SortKey.SUBJECT else ""
            if here:  # "✎ Dana" in front of the subject: someone else is on this ticket
                here = fit_cells(here, min(cell_len(here), width // 2)) + " "
                segments.append(
                    Segment(here, base + self.get_component_rich_style("queue-table--presence", partial=True))
                )
                width -= cell_len(here)
            segments.append(Segment(fit_cells(text, width), style))
            segments.append(Segment(" " * _GAP, base))
        return segments[:-1]

    def _sla_cell(self, row: QueueRow) -> tuple[str, str | None]:
        if row.snoozed_until is not None:  # snoozed: when it wakes (its clocks are paused meanwhile)
            until = datetime.fromtimestamp(row.snoozed_until, UTC)
            return wake_label(until, self._now(), self._tz), "queue-table--muted"
        clock = self._clock_of(row)
        if clock is None:
            return ("paused" if row.status.pauses_sla else "", "queue-table--muted")
        remaining, state = clock
        style = {ClockState.BREACHED: "queue-table--breached", ClockState.WARNING: "queue-table--warning"}.get(state)
        return format_remaining(remaining), style
