"""What the CLI prints: JSON for scripts, plain aligned text for people.

Plain text passes every piece of email content through :func:`safe_line`/:func:`safe_block`, so a
hostile subject can't move the cursor or recolour the terminal; JSON escapes control characters itself.
Column widths count terminal cells, so Chinese text lines up.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from rich.cells import cell_len

from agent_tui.display import fit_cells
from agent_tui.domain.metrics import Report
from agent_tui.domain.models import Message
from agent_tui.domain.presence import Presence, describe, on_ticket
from agent_tui.domain.queue import QueueRow
from agent_tui.domain.sla import Clock, format_remaining
from agent_tui.domain.snooze import describe_wake, wake_label
from agent_tui.domain.text import format_age, safe_block, safe_line
from agent_tui.errors import AgentTuiError
from agent_tui.services.serialize import dumps, message_json, ticket_json
from agent_tui.services.tickets import TicketDetail, TicketService
from agent_tui.store import from_epoch

_BATCH = 500  # rows read at a time, so listing 100,000 tickets streams in bounded memory


def team_presence(service: TicketService) -> list[Presence]:
    """Who is on which ticket now; unknown (one line on stderr, and nobody listed) when it can't be read."""
    try:
        return service.presence_now()
    except AgentTuiError as error:
        print(f"agent-tui: presence is unknown: {error}", file=sys.stderr)
        return []


def print_queue(service: TicketService, ids: Sequence[int], mode: str) -> None:
    out = sys.stdout
    if mode == "text":
        now = service.now()
        out.write(_row_line(("ID", "SLA", "PRIORITY", "STATUS", "CUSTOMER", "SUBJECT", "AGE", "ASSIGNEE")) + "\n")
        for start in range(0, len(ids), _BATCH):
            for row in service.queue_rows(ids[start : start + _BATCH]):
                out.write(_row_line(_text_cells(service, row, now)) + "\n")
        return
    presence = team_presence(service)
    if mode == "json":
        out.write("[")
    first = True
    for start in range(0, len(ids), _BATCH):
        for ticket, clocks in service.tickets_with_clocks(ids[start : start + _BATCH]):
            line = dumps(ticket_json(ticket, clocks, on_ticket(presence, ticket.id)))
            if mode == "json":
                out.write(("\n  " if first else ",\n  ") + line)
            else:
                out.write(line + "\n")
            first = False
    if mode == "json":
        out.write("\n]\n" if not first else "]\n")


_WIDTHS = (6, 9, 8, 8, 22, 0, 5, 14)  # 0: the subject takes what is left


def _row_line(cells: Sequence[str]) -> str:
    parts = []
    for cell, width in zip(cells, _WIDTHS, strict=True):
        if width == 0:
            parts.append(fit_cells(cell, 48))
        else:
            parts.append(fit_cells(cell, width))
    return "  ".join(parts).rstrip()


def _text_cells(service: TicketService, row: QueueRow, now: datetime) -> tuple[str, ...]:
    clock = service.queue_clock(row)
    sla = format_remaining(clock[0]) if clock else "paused" if row.status.pauses_sla else ""
    if row.snoozed_until is not None:  # snoozed: the SLA cell says when it wakes
        sla = wake_label(from_epoch(row.snoozed_until), now, service.tz)
    return (
        str(row.id),
        sla,
        row.priority.label,
        "snoozed" if row.snoozed_until is not None else row.status.value,
        safe_line(row.customer_name or row.customer_email),
        safe_line(row.subject),
        format_age(int(now.timestamp()), row.created_at),
        safe_line(row.assignee_name or "-"),
    )


def print_clocks(service: TicketService, clocks: Sequence[Clock]) -> None:
    for clock in clocks:
        print(f"sla {clock.metric.value:<12} {clock.state.value:<9} {service.describe(clock)}")


def print_detail(service: TicketService, detail: TicketDetail, *, as_json: bool, with_messages: bool = True) -> None:
    ticket = detail.ticket
    presence = on_ticket(team_presence(service), ticket.id)
    if as_json:
        data = ticket_json(ticket, detail.clocks, presence)
        if with_messages:
            data["messages"] = [message_json(m) for m in detail.messages]
        print(dumps(data, indent=2))
        return
    assignee = safe_line(ticket.assignee.name) if ticket.assignee else "unassigned"
    print(f"#{ticket.id}  {safe_line(ticket.subject)}")
    status = ticket.status.value
    if ticket.snoozed_until is not None:
        status += " " + describe_wake(ticket.snoozed_until, service.tz)
    print(
        f"{status} · {ticket.priority.label} · {assignee} · tags: {' '.join(safe_line(t) for t in ticket.tags) or '-'}"
    )
    print(f"customer: {safe_line(ticket.customer.name)} <{safe_line(ticket.customer.email)}>")
    print_clocks(service, detail.clocks)
    for entry in presence:
        print(safe_line(describe(entry, datetime.now(UTC))))
    if not with_messages:
        return
    for message in detail.messages:
        print()
        who = safe_line(message.sender.name or message.sender.email)
        print(f"── {message.author.value}: {who} · {message.date:%Y-%m-%d %H:%M} UTC")
        print_recipients(message)
        print(safe_block(message.text).rstrip())


def print_recipients(message: Message) -> None:
    """A message's To and CC lines and its attachments (name, type, size), safe for the terminal."""
    if message.to:
        print("To: " + ", ".join(safe_line(str(a)) for a in message.to))
    if message.cc:
        print("Cc: " + ", ".join(safe_line(str(a)) for a in message.cc))
    for attachment in message.attachments:
        print(
            f"Attachment: {safe_line(attachment.filename)} ({safe_line(attachment.content_type)}, "
            f"{format_size(attachment.size)})"
        )


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def print_keys(keymap: dict[str, str], *, as_json: bool) -> None:
    from agent_tui.config.keymaps import SPECS_BY_ID

    if as_json:
        print(
            dumps(
                [{"id": i, "keys": k.split(","), "description": SPECS_BY_ID[i].description} for i, k in keymap.items()]
            )
        )
        return
    width = max(cell_len(i) for i in keymap)
    for binding_id, keys in keymap.items():
        print(f"{binding_id.ljust(width)}  {keys.replace(',', ', '):<24}  {SPECS_BY_ID[binding_id].description}")


def flatten(data: dict, prefix: str = "") -> list[tuple[str, object]]:
    """Nested JSON as (dotted key, value) rows: the CSV form of a report."""
    rows: list[tuple[str, object]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(flatten(value, name + "."))
        else:
            rows.append((name, value))
    return rows


def print_report(report: Report, mode: str) -> None:
    data = report.to_json()
    if mode == "json":
        print(dumps(data, indent=2))
        return
    if mode == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["metric", "value"])
        writer.writerows((key, "" if value is None else value) for key, value in flatten(data))
        return
    for line in report_lines(data):
        print(line)


def report_lines(data: dict) -> list[str]:
    """A report as plain sentences and small tables, for people."""

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{float(value) * 100:.0f}%"

    def dur(value: float | None) -> str:
        return "n/a" if value is None else format_remaining(int(value))

    period, frt = data["period"], data["first_response"]
    lines = [
        f"period {period['since']} .. {period['until']}",
        f"tickets created {data['tickets_created']}, solved {data['tickets_solved']}",
        f"first response  median {dur(frt['median_seconds'])} · p90 {dur(frt['p90_seconds'])} · "
        f"business median {dur(frt['business_median_seconds'])} ({frt['count']} tickets)",
        f"first contact resolution {pct(data['first_contact_resolution_rate'])} · replies per resolution "
        + ("n/a" if data["replies_per_resolution"] is None else f"{data['replies_per_resolution']:.2f}"),
    ]
    for metric, counts in data["sla"].items():
        lines.append(
            f"SLA {metric:<12} {pct(counts['attainment']):>5} met ({counts['met']} met, {counts['breached']} breached)"
        )
    buckets = " · ".join(f"{name} {count}" for name, count in data["backlog"]["age_buckets"].items())
    lines.append(f"backlog {data['backlog']['open']} open: {buckets}")
    lines.append("by tag: " + (", ".join(f"{safe_line(t)} {n}" for t, n in data["by_tag"].items()) or "none"))
    for agent, counts in data["by_agent"].items():
        lines.append(
            f"agent {fit_cells(safe_line(agent), 20)} assigned {counts['assigned']:>4} · replied {counts['replied']:>4} · solved {counts['solved']:>4}"
        )
    csat = data["csat"]
    lines.append(
        f"CSAT {csat['score']:.2f} / 5 from {csat['responses']} ratings"
        if csat["score"] is not None
        else "CSAT: no ratings in this period"
    )
    return lines
