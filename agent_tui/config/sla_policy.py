"""``sla.toml``: SLA targets, business hours, holidays. Every error names the file and the line.

    timezone = "Europe/London"
    warning = 0.25                      # share of the target left when a clock turns to warning
    [business_hours]
    mon = ["09:00-12:30", "13:30-17:30"]
    ...
    holidays = ["2026-12-25", "2026-12-28"]
    holidays_ics = "bank-holidays.ics"  # optional: all-day events of an iCalendar file, relative to this file
    [targets.normal]
    first_reply = { within = "4h", hours = "business" }
    next_reply = "8h"                   # shorthand for { within = "8h", hours = "calendar" }
    [tag_targets.vip]                   # a tag's targets win over the priority's (the strictest tag wins)
    first_reply = { within = "1h", hours = "calendar" }

Durations: a number with d (24 hours), h, m or s, combined as in "1h30m". A priority with no target for a
clock uses normal's.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agent_tui.config.settings import read_toml_text
from agent_tui.domain.business_hours import BusinessHours
from agent_tui.domain.models import Priority
from agent_tui.domain.sla import Metric, Policy, Target
from agent_tui.errors import ConfigError

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$")
_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_TOP_KEYS = {"timezone", "warning", "business_hours", "holidays", "targets", "tag_targets"}


class _Locator:
    """Finds the line a setting is on, so errors can name it (tomllib keeps no positions)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def line(self, table: str, key: str | None = None) -> int | None:
        current = ""
        for number, raw in enumerate(self.lines, start=1):
            line = raw.split("#", 1)[0].strip()
            header = re.match(r"^\[\s*([^\]]+?)\s*\]$", line)
            if header:
                current = header.group(1).replace('"', "").replace(" ", "")
                if key is None and current == table:
                    return number
                continue
            if key is not None and current == table and re.match(rf'^"?{re.escape(key)}"?\s*=', line):
                return number
            if (
                key is not None
                and table
                and current == ""
                and re.match(rf"^{re.escape(table)}\.{re.escape(key)}\s*=", line)
            ):
                return number
        return None

    def error(self, message: str, table: str = "", key: str | None = None) -> ConfigError:
        number = self.line(table, key)
        parent, _, last = table.rpartition(".")
        if number is None and last:  # written as an inline table or key of its parent: [targets] normal = {...}
            number = self.line(parent, last) or self.line(table)
        where = f"{self.path}, line {number}" if number else str(self.path)
        return ConfigError(f"{where}: {message}.")


def load_policy(path: Path) -> Policy:
    """Read and check a policy file; raises ConfigError naming the file and line of the first problem."""
    data, text = read_toml_text(path)
    where = _Locator(path, text)
    for key, value in data.get("business_hours", {}).items() if isinstance(data.get("business_hours"), dict) else ():
        if isinstance(value, dict):
            raise where.error(f"business_hours.{key} must be a list of periods, not a table", f"business_hours.{key}")
    for key in data:
        if key not in _TOP_KEYS:
            raise where.error(f"unknown setting {key!r} (known: {', '.join(sorted(_TOP_KEYS))})", "", key)
    tz = _timezone(data.get("timezone", "UTC"), where)
    warning = data.get("warning", 0.25)
    if not isinstance(warning, (int, float)) or not 0 <= warning < 1:
        raise where.error("warning must be a share of the target between 0 and 1, such as 0.25", "", "warning")
    hours_table = data.get("business_hours")
    hours = _business_hours(hours_table, data.get("holidays", []), tz, path, where) if hours_table is not None else None
    targets_table = data.get("targets", {})
    if not isinstance(targets_table, dict):
        raise where.error("targets must be tables such as [targets.normal]", "", "targets")
    targets: dict[Priority, dict[Metric, Target]] = {}
    for name, table in targets_table.items():
        try:
            priority = Priority[name.upper()]
        except KeyError:
            raise where.error(f"unknown priority {name!r} (use low, normal, high, urgent)", f"targets.{name}") from None
        targets[priority] = _targets(table, f"targets.{name}", hours, where)
    tag_table = data.get("tag_targets", {})
    if not isinstance(tag_table, dict):
        raise where.error("tag_targets must be tables such as [tag_targets.vip]", "", "tag_targets")
    tag_targets = {tag.lower(): _targets(table, f"tag_targets.{tag}", hours, where) for tag, table in tag_table.items()}
    return Policy(targets=targets, warning=float(warning), hours=hours, tag_targets=tag_targets or None)


def _timezone(name: Any, where: _Locator) -> ZoneInfo:
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise where.error(f"unknown time zone {name!r} (use a name such as Europe/London)", "", "timezone") from None


def _business_hours(table: Any, top_holidays: Any, tz: ZoneInfo, path: Path, where: _Locator) -> BusinessHours:
    if not isinstance(table, dict):
        raise where.error("business_hours must be a table: [business_hours]", "", "business_hours")
    periods: list[tuple[tuple[time, time], ...]] = []
    for key in table:
        if key not in _DAYS and key not in ("holidays", "holidays_ics"):
            raise where.error(f"unknown day {key!r} (use mon, tue, wed, thu, fri, sat, sun)", "business_hours", key)
    for day in _DAYS:
        spans = table.get(day, [])
        if isinstance(spans, str):
            spans = [spans]
        if not isinstance(spans, list):
            raise where.error(f'{day} must be a list of periods such as ["09:00-17:30"]', "business_hours", day)
        parsed = sorted(_period(span, day, where) for span in spans)
        for (_, first_end), (second_start, _) in pairwise(parsed):
            if _minutes(second_start) < (_minutes(first_end) or 24 * 60):  # an end of 24:00 is time(0)
                raise where.error(f"{day} has overlapping periods", "business_hours", day)
        periods.append(tuple(parsed))
    if not any(periods):
        raise where.error("business_hours needs at least one period on some day", "business_hours")
    holidays = {_date(value, where, "business_hours") for value in _list(table.get("holidays", []), where)}
    holidays |= {_date(value, where, "") for value in _list(top_holidays, where)}
    if table.get("holidays_ics"):
        holidays |= _ics_dates(path.parent / str(table["holidays_ics"]), where)
    return BusinessHours(tz=tz, periods=tuple(periods), holidays=frozenset(holidays))


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _list(value: Any, where: _Locator) -> list:
    if not isinstance(value, list):
        raise where.error('holidays must be a list of dates such as ["2026-12-25"]', "business_hours", "holidays")
    return value


def _period(span: Any, day: str, where: _Locator) -> tuple[time, time]:
    found = _PERIOD.match(span) if isinstance(span, str) else None
    if not found:
        raise where.error(f'{day}: {span!r} is not a period such as "09:00-12:30"', "business_hours", day)
    h1, m1, h2, m2 = map(int, found.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
        raise where.error(f"{day}: {span!r} is not a time of day", "business_hours", day)
    opens, closes = time(h1, m1), time(0) if h2 == 24 else time(h2, m2)
    if closes != time(0) and closes <= opens:
        raise where.error(f"{day}: {span!r} ends before it starts", "business_hours", day)
    return opens, closes


def _date(value: Any, where: _Locator, table: str) -> date:
    if isinstance(value, datetime):
        raise where.error(f"holiday {value} is a time, not a date such as 2026-12-25", table, "holidays")
    if isinstance(value, date):  # TOML's bare dates
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise where.error(f"{value!r} is not a date such as 2026-12-25", table, "holidays") from None


def _ics_dates(path: Path, where: _Locator) -> set[date]:
    """All-day event dates (DTSTART;VALUE=DATE:20261225) of an iCalendar file."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise where.error(
            f"holidays_ics {str(path)!r} could not be read ({error.strerror})", "business_hours", "holidays_ics"
        ) from None
    found = set()
    for match in re.finditer(r"^DTSTART[^:\r\n]*:(\d{8})", text, re.M):
        raw = match.group(1)
        try:
            found.add(date(int(raw[:4]), int(raw[4:6]), int(raw[6:])))
        except ValueError:
            raise where.error(
                f"holidays_ics {str(path)!r} has an impossible date {raw}", "business_hours", "holidays_ics"
            ) from None
    return found


def _targets(table: Any, name: str, hours: BusinessHours | None, where: _Locator) -> dict[Metric, Target]:
    if not isinstance(table, dict):
        raise where.error(f"{name} must be a table of clocks (first_reply, next_reply, resolution)", name)
    targets = {}
    for key, value in table.items():
        try:
            metric = Metric(key)
        except ValueError:
            raise where.error(f"unknown clock {key!r} (use first_reply, next_reply, resolution)", name, key) from None
        if isinstance(value, str):
            value = {"within": value}
        if not isinstance(value, dict) or set(value) - {"within", "hours"} or "within" not in value:
            raise where.error(f'{key} must look like {{ within = "4h", hours = "business" }}', name, key)
        kind = value.get("hours", "calendar")
        if kind not in ("business", "calendar"):
            raise where.error(f'{key}: hours must be "business" or "calendar", not {kind!r}', name, key)
        if kind == "business" and hours is None:
            raise where.error(f"{key} counts business hours, but there is no [business_hours] table", name, key)
        seconds = parse_duration(value["within"])
        if not seconds or seconds > 3650 * 86400:
            raise where.error(f'{key}: {value["within"]!r} is not a duration such as "4h", "30m" or "1h30m"', name, key)
        targets[metric] = Target(seconds, business=kind == "business")
    return targets


def parse_duration(text: Any) -> int | None:
    found = _DURATION.match(text) if isinstance(text, str) and text.strip() else None
    if not found or not any(found.groups()):
        return None
    days, hours, minutes, seconds = (int(g or 0) for g in found.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds
