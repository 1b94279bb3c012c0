"""sla.toml: the issue's example is accepted as is; every mistake is an error naming the file and line."""

import json
from pathlib import Path

import pytest

from agent_tui.cli import main
from agent_tui.config.sla_policy import load_policy, parse_duration
from agent_tui.domain.models import Priority
from agent_tui.domain.sla import Metric, Target
from agent_tui.errors import ConfigError
from tests.conftest import NOW_ISO

EXAMPLE = Path(__file__).resolve().parents[2] / "sla.example.toml"


def test_the_shipped_example_loads():
    policy = load_policy(EXAMPLE)
    assert policy.warning == 0.25
    assert policy.target(Priority.NORMAL, Metric.FIRST_REPLY) == Target(4 * 3600, business=True)
    assert policy.target(Priority.URGENT, Metric.FIRST_REPLY) == Target(1800, business=False)
    assert policy.target(Priority.HIGH, Metric.NEXT_REPLY) == Target(8 * 3600, business=True)  # normal's
    assert str(policy.hours.tz) == "Europe/London" and len(policy.hours.holidays) == 2
    assert [len(day) for day in policy.hours.periods] == [2, 2, 2, 2, 2, 0, 0]


def test_tag_targets_and_shorthand(tmp_path):
    path = tmp_path / "sla.toml"
    path.write_text(
        '[targets.normal]\nfirst_reply = "4h"\n[tag_targets.vip]\nfirst_reply = "1h"\n[tag_targets.press]\nfirst_reply = "30m"\n'
    )
    policy = load_policy(path)
    assert policy.target(Priority.NORMAL, Metric.FIRST_REPLY, ("vip",)).seconds == 3600
    assert policy.target(Priority.NORMAL, Metric.FIRST_REPLY, ("vip", "press")).seconds == 1800
    assert policy.target(Priority.LOW, Metric.FIRST_REPLY).seconds == 4 * 3600


def test_holidays_from_an_ics_file(tmp_path):
    (tmp_path / "bank.ics").write_text(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261226\nSUMMARY:Boxing Day\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    path = tmp_path / "sla.toml"
    path.write_text('[business_hours]\nmon = ["09:00-17:00"]\nholidays_ics = "bank.ics"\n')
    assert [str(d) for d in load_policy(path).hours.holidays] == ["2026-12-26"]


@pytest.mark.parametrize(
    "text, line, wording",
    [
        ('timezone = "Mars/Olympus"\n', 1, "unknown time zone 'Mars/Olympus'"),
        ("warning = 2\n", 1, "warning must be a share"),
        ('[business_hours]\nmon = ["09:00-12:30"]\ntue = ["9 to 5"]\n', 3, "tue: '9 to 5' is not a period"),
        ('[business_hours]\nmon = ["17:00-09:00"]\n', 2, "ends before it starts"),
        ('[business_hours]\nmon = ["09:00-13:00", "12:00-17:00"]\n', 2, "overlapping periods"),
        ('[business_hours]\nmonday = ["09:00-17:00"]\n', 2, "unknown day 'monday'"),
        ('[business_hours]\nmon = ["09:00-17:00"]\nholidays = ["Christmas"]\n', 3, "'Christmas' is not a date"),
        ('[targets.normal]\nfirst_reply = { within = "4 hours" }\n', 2, "'4 hours' is not a duration"),
        (
            '[targets.normal]\nfirst_reply = { within = "4h", hours = "office" }\n',
            2,
            'hours must be "business" or "calendar"',
        ),
        (
            '[targets.normal]\nfirst_reply = { within = "4h", hours = "business" }\n',
            2,
            "there is no [business_hours] table",
        ),
        ('\n[targets.critical]\nfirst_reply = "1h"\n', 2, "unknown priority 'critical'"),
        ('[targets.normal]\nfirst_response = "1h"\n', 2, "unknown clock 'first_response'"),
        ("sla = 1\n", 1, "unknown setting 'sla'"),
        ("[targets.normal\n", 1, "not valid TOML"),
    ],
)
def test_bad_policies_name_the_line(tmp_path, text, line, wording):
    path = tmp_path / "sla.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert wording in message and str(path) in message
    assert f"line {line}" in message


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("4h", 14400),
        ("30m", 1800),
        ("1h30m", 5400),
        ("3d", 259200),
        ("2d 4h", 187200),
        ("45s", 45),
        ("", None),
        ("h", None),
        ("4x", None),
    ],
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


def test_the_users_policy_applies_to_the_demo_and_a_bad_one_stops_every_command(home, capsys):
    home.mkdir(parents=True)
    (home / "sla.toml").write_text('[targets.normal]\nfirst_reply = { within = "1m", hours = "calendar" }\n')
    assert main(["--home", str(home), "--now", NOW_ISO, "list", "--view", "open", "--json"]) == 0
    tickets = json.loads(capsys.readouterr().out)
    firsts = [c for t in tickets if t["priority"] == "normal" for c in t["sla"] if c["metric"] == "first_reply"]
    assert firsts and all(c["state"] in ("breached", "met", "paused") for c in firsts)
    (home / "sla.toml").write_text('[targets.normal]\nfirst_reply = "soon"\n')
    assert main(["--home", str(home), "--now", NOW_ISO, "list"]) == 2
    err = capsys.readouterr().err
    assert "sla.toml, line 2: first_reply: 'soon' is not a duration" in err and err.count("\n") == 1
