"""The lead's dashboard: headline figures against the previous period, volume and backlog as pictures,
what is breaching soon, and the team. Computed in a worker; refreshed when the store changes.

Everything under the title scrolls (arrows, Page up/down, Home/End), so a small window reaches the team too;
below 100 columns the figures go three to a row and the two columns of panels one under the other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Label, Sparkline, Static

from agent_tui.domain.queue import QueueQuery, QueueRow, View
from agent_tui.domain.sla import format_remaining
from agent_tui.domain.text import safe_line
from agent_tui.errors import AgentTuiError
from agent_tui.services.tickets import TicketService
from agent_tui.ui.bindings import bindings
from agent_tui.ui.screens.base import AgentScreen

PERIOD = timedelta(days=7)
_POLL_SECONDS = 2.0


@dataclass
class DashboardLoaded(Message):
    current: dict
    previous: dict
    breaching: list[QueueRow]


@dataclass(frozen=True, slots=True)
class TileSpec:
    key: str
    title: str
    kind: str  # count | seconds | share
    higher_is_better: bool | None  # None: neither (volume)


TILES = (
    TileSpec("tickets_created", "Created", "count", None),
    TileSpec("tickets_solved", "Solved", "count", True),
    TileSpec("first_response.median_seconds", "First response (median)", "seconds", False),
    TileSpec("first_contact_resolution_rate", "First contact resolution", "share", True),
    TileSpec("sla.first_reply.attainment", "First reply SLA met", "share", True),
    TileSpec("backlog.open", "Backlog", "count", False),
)


def lookup(data: dict, dotted: str) -> object:
    value: object = data
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def show_value(value: object, kind: str) -> str:
    if value is None:
        return "n/a"
    if kind == "seconds" and isinstance(value, (int, float)):
        return format_remaining(int(value))
    if kind == "share" and isinstance(value, (int, float)):
        return f"{value * 100:.0f}%"
    return str(value)


def tile_text(spec: TileSpec, current: dict, previous: dict) -> Text:
    now, before = lookup(current, spec.key), lookup(previous, spec.key)
    text = Text(spec.title + "\n", style="dim")
    text.append(show_value(now, spec.kind), style="bold")
    if isinstance(now, (int, float)) and isinstance(before, (int, float)) and now != before:
        rising = now > before
        change = (
            f"{(now - before) * 100:+.0f} pts"
            if spec.kind == "share"
            else (
                f"{'+' if rising else '-'}{format_remaining(int(abs(now - before)))}"
                if spec.kind == "seconds"
                else f"{now - before:+d}"
            )
        )
        good = None if spec.higher_is_better is None else rising == spec.higher_is_better
        text.append(
            f"  {'▲' if rising else '▼'} {change}", style="green" if good else "red" if good is False else "dim"
        )
    elif before is not None:
        text.append("  = last week", style="dim")
    return text


class DashboardScreen(AgentScreen[None]):
    CSS_PATH = "dashboard.tcss"
    BINDINGS = bindings("dashboard")

    def __init__(self, service: TicketService) -> None:
        super().__init__()
        self._showing = False
        self.service = service
        self._data_version: int | None = None
        self.current: dict | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="dash-title")
        with VerticalScroll(id="dash-body"):
            with Horizontal(id="tiles"):
                for spec in TILES:
                    yield Static(classes="tile", id="tile-" + spec.key.replace(".", "-"))
            with Horizontal(id="charts"):
                with Vertical(classes="panel"):
                    yield Label("Tickets created per day")
                    yield Sparkline([], id="volume")
                    yield Static(id="volume-days")
                    yield Label("Backlog by age")
                    yield Static(id="backlog")
                    yield Label("SLA attainment")
                    yield Static(id="sla")
                    yield Label("Satisfaction (CSAT)")
                    yield Static(id="csat")
                with Vertical(classes="panel"):
                    yield Label("Breaching soon")
                    yield Static(id="breaching")
                    yield Label("Team", id="team-title")
                    yield Static(id="agents")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#dash-body").focus()
        self._showing = True  # news from workers is shown from here on: is_mounted turns true only after this handler, and news in between was lost
        self.action_refresh_dashboard()
        self.set_interval(_POLL_SECONDS, self._poll)

    def action_refresh_dashboard(self) -> None:
        self._load()

    def store_changed(self) -> None:
        """This app's own sync wrote to the store (which data_version does not show to the same connection)."""
        if self._showing:
            self._load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_scroll_dashboard(self, lines: int) -> None:
        self.query_one("#dash-body", VerticalScroll).scroll_relative(y=lines, animate=False)

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False)
    def _load(self) -> None:
        service = self.service
        try:
            until = service.now()
            current = service.report(until - PERIOD, until).to_json()
            previous = service.report(until - 2 * PERIOD, until - PERIOD).to_json()
            breaching = service.queue_page(QueueQuery(view=View.BREACHING), 0, 8)
            self._data_version = service.store.data_version()
        except AgentTuiError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.post_message(DashboardLoaded(current, previous, breaching))

    @work(thread=True, exclusive=True, group="dashboard-poll", exit_on_error=False)
    def _poll(self) -> None:
        if self._data_version is not None and self.service.store.data_version() != self._data_version:
            self.app.call_from_thread(self._load)

    def on_dashboard_loaded(self, message: DashboardLoaded) -> None:
        current, previous = message.current, message.previous
        self.current = current
        period = current["period"]
        self.query_one("#dash-title", Static).update(
            Text.assemble(
                ("Queue health", "bold"),
                f"  ·  last 7 days, {period['since'][:16]} .. {period['until'][:16]} UTC"
                "  ·  arrows compare with the 7 days before",
            )
        )
        for spec in TILES:
            self.query_one("#tile-" + spec.key.replace(".", "-"), Static).update(tile_text(spec, current, previous))
        days = current["volume_by_day"]
        self.query_one("#volume", Sparkline).data = list(days.values()) or [0]
        self.query_one("#volume-days", Static).update(
            Text(" · ".join(f"{day[5:]} {count}" for day, count in days.items()), style="dim")
        )
        self.query_one("#backlog", Static).update(_bars(current["backlog"]["age_buckets"]))
        self.query_one("#sla", Static).update(_sla_text(current["sla"]))
        self.query_one("#csat", Static).update(csat_text(current["csat"], previous["csat"]))
        self.query_one("#breaching", Static).update(self._breaching_text(message.breaching))
        self.query_one("#agents", Static).update(_agents_table(current["by_agent"]))

    def _breaching_text(self, rows: list[QueueRow]) -> Text:
        if not rows:
            return Text("Nothing due within the hour.", style="dim")
        text = Text()
        for row in rows:
            clock = self.service.queue_clock(row)
            remaining = format_remaining(clock[0]) if clock else "?"
            text.append(f"{remaining:>8}  ", style="bold red" if clock and clock[0] < 0 else "yellow")
            text.append(f"#{row.id}  ")
            text.append(safe_line(row.subject)[:48] + "\n")
        return text


def _bars(buckets: dict[str, int], width: int = 30) -> Text:
    most = max(buckets.values(), default=0) or 1
    text = Text()
    for name, count in buckets.items():
        text.append(f"{name:>5} ")
        text.append("█" * round(count / most * width), style="cyan")
        text.append(f" {count}\n")
    return text


def _sla_text(sla: dict[str, dict]) -> Text:
    text = Text()
    for metric, counts in sla.items():
        share = counts["attainment"]
        text.append(f"{metric.replace('_', ' '):<12} ")
        text.append("n/a" if share is None else f"{share * 100:3.0f}%", style="bold")
        text.append(f"  ({counts['met']} met, {counts['breached']} breached)\n", style="dim")
    return text


def csat_text(csat: dict, previous: dict) -> Text:
    """The mean rating of the period's answers to surveys, and the week before's."""
    if csat["score"] is None:
        return Text("No ratings in this period (closing replies ask when [shop] csat is on).", style="dim")
    text = Text()
    text.append(f"{csat['score']:.2f} / 5", style="bold")
    text.append(f"  from {csat['responses']} rating{'s' if csat['responses'] != 1 else ''}", style="dim")
    if previous["score"] is not None and previous["score"] != csat["score"]:
        rising = csat["score"] > previous["score"]
        text.append(
            f"  {'▲' if rising else '▼'} {csat['score'] - previous['score']:+.2f}", style="green" if rising else "red"
        )
    return text


def _agents_table(agents: dict[str, dict[str, int]]) -> Table | Text:
    if not agents:
        return Text("No agent activity in this period.", style="dim")
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("Agent")
    for column in ("Assigned", "Replied", "Solved"):
        table.add_column(column, justify="right")
    for name, counts in agents.items():
        table.add_row(Text(safe_line(name)), str(counts["assigned"]), str(counts["replied"]), str(counts["solved"]))
    return table
