"""Presence as the domain sees it: leases, who is on a ticket, and names made safe to print."""

from datetime import UTC, datetime, timedelta

from agent_tui.domain.models import Agent
from agent_tui.domain.presence import Activity, Presence, describe, marker, on_ticket

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def note(name, ticket_id=1042, activity=Activity.VIEWING, seconds_ago=10, client="c1", renewed=0, lease=45):
    return Presence(
        Agent(name, f"{name.split()[0].lower()}@shop.example"),
        ticket_id,
        activity,
        NOW - timedelta(seconds=seconds_ago),
        client,
        NOW - timedelta(seconds=renewed),
        timedelta(seconds=lease),
    )


def test_a_lease_counts_until_it_runs_out():
    assert note("Dana Li", renewed=45).live_at(NOW)
    assert not note("Dana Li", renewed=46).live_at(NOW)


def test_replying_comes_first_then_the_longest_there_and_my_own_client_is_left_out():
    entries = [
        note("Dana Li", seconds_ago=100, client="a"),
        note("Sam Ortiz", activity=Activity.REPLYING, seconds_ago=5, client="b"),
        note("Lee Wong", seconds_ago=300, client="me"),
        note("Kim Park", ticket_id=7, client="d"),
    ]
    assert [p.agent.name for p in on_ticket(entries, 1042, excluding_client="me")] == ["Sam Ortiz", "Dana Li"]
    assert marker(on_ticket(entries, 1042, excluding_client="me")) == "✎ Sam +1"


def test_describe_counts_seconds_minutes_and_hours():
    assert describe(note("Dana Li", activity=Activity.REPLYING, seconds_ago=40), NOW) == "Dana Li is replying, 40 s"
    assert describe(note("Dana Li", seconds_ago=130), NOW) == "Dana Li is viewing, 2 min"
    assert describe(note("Dana Li", seconds_ago=7300), NOW) == "Dana Li is viewing, 2 h"


def test_a_hostile_name_from_the_mailbox_never_reaches_the_terminal_raw():
    evil = note("\x1b]52;c;ZXZpbA==\x07Dana Li")
    assert "\x1b" not in marker([evil]) and "\x07" not in marker([evil])
    assert "\x1b" not in describe(evil, NOW)
