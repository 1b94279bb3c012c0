"""Values the command line takes: ticket ids, times, KEY=VALUE pairs (each wrong one is a UsageError sentence)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from agent_tui.errors import UsageError


def parse_now(text: str | None) -> datetime | None:
    """``--now``: an ISO 8601 time; a time without an offset is taken as UTC."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{text!r} is not an ISO 8601 time such as 2026-11-24T09:30:00+00:00.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def ticket_id(text: str) -> int:
    try:
        number = int(text.lstrip("#"))
    except ValueError:
        number = -1
    if not 0 < number < 2**63:
        raise argparse.ArgumentTypeError(f"{text!r} is not a ticket id such as 1042")
    return number


def key_values(pairs: list[str]) -> dict[str, str]:
    found = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--var {pair!r}: use NAME=VALUE, e.g. customer.first_name=Ann.")
        found[key.strip()] = value
    return found
