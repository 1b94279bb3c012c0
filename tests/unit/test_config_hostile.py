"""Hostile and broken config (issue 18): every bad file is one sentence naming it, exit 2, never an internal error.

Covers bytes that are not UTF-8 in each TOML file, template front matter of the wrong types, key names
Textual doesn't know, and SLA policies the README allows whose deadlines lie centuries away (or past what
a datetime can hold).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_tui.cli import main
from agent_tui.config.keymaps import BINDING_SPECS, load_keymap, normalise_key
from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import read_toml
from agent_tui.config.sla_policy import load_policy
from agent_tui.domain.business_hours import BusinessHours
from agent_tui.errors import ConfigError
from agent_tui.resources import shipped_dir
from agent_tui.services.templates import TemplateError, TemplateLibrary, read_template
from tests.conftest import NOW_ISO

LONDON, NEW_YORK, UTC_ZONE = ZoneInfo("Europe/London"), ZoneInfo("America/New_York"), ZoneInfo("UTC")
NOT_UTF8 = b'# a comment\nname = "caf\xe9 \xff"\n'  # latin-1 bytes on line 2, the first bad byte at offset 23


def run(home, *argv) -> int:
    return main(["--home", str(home), "--now", NOW_ISO, *argv])


# -- bytes that are not UTF-8 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file, argv",
    [("config.toml", ["list"]), ("sla.toml", ["list"]), ("keymap.toml", ["keys"])],
)
def test_a_config_file_that_is_not_utf8_is_one_sentence_naming_it(home, capsys, file, argv):
    home.mkdir(parents=True)
    (home / file).write_bytes(NOT_UTF8)
    assert run(home, *argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" not in err
    assert f"{home / file}, line 2:" in err and "offset 23" in err and "UTF-8" in err


def test_a_byte_order_mark_is_not_an_error(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b'\xef\xbb\xbfdefault_account = "shop"\n')
    assert read_toml(path) == {"default_account": "shop"}


def test_a_keymap_chosen_by_name_that_is_not_utf8_names_it(tmp_path):
    paths = AppPaths.resolve(tmp_path)
    paths.user_keymaps_dir.mkdir()
    (paths.user_keymaps_dir / "mine.toml").write_bytes(b"[queue]\n\xc3(\n")
    with pytest.raises(ConfigError, match=r"mine\.toml, line 2: .*offset 8"):
        load_keymap(paths, "mine")


# -- template front matter -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "front, line, wording",
    [
        ('title = "ok"\nname = 5\n', 3, "name must be a text"),
        ('tags = "x"\n', 2, "tags must be a list of texts"),
        ("tags = 5\n", 2, "tags must be a list of texts"),
        ('tags = ["ok", 3]\n', 2, "tags must be a list of texts"),
        ("latte = 5\n", 2, "latte must be a list of texts"),
        ("title = 5\n", 2, "title must be a text"),
        ('language = ["en"]\n', 2, "language must be a text"),
        ("description = { a = 1 }\n", 2, "description must be a text"),
        ('name = "a.b"\n', 2, "name may not contain"),
    ],
)
def test_front_matter_of_the_wrong_type_names_the_file_and_line(tmp_path, front, line, wording):
    path = tmp_path / "bad.en.j2"
    path.write_text(f"+++\n{front}+++\nHello\n")
    with pytest.raises(TemplateError) as caught:
        read_template(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line {line}: ") and wording in message


def test_a_template_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "bad.en.j2"
    path.write_bytes(b'+++\ntitle = "x"\n+++\nHi \xff\n')
    with pytest.raises(TemplateError, match=r"bad\.en\.j2, line 4: "):
        read_template(path)


def test_a_broken_template_is_reported_and_the_others_still_load(tmp_path):
    (tmp_path / "bad.en.j2").write_text('+++\ntags = "x"\nlatte = 5\n+++\nHello\n')
    (tmp_path / "good.en.j2").write_text('+++\ntags = ["a"]\n+++\nHello\n')
    library = TemplateLibrary([tmp_path])
    assert [t.name for t in library.templates] == ["good"]
    assert any("bad.en.j2, line 2: " in problem for problem in library.check())


def test_templates_list_and_check_survive_bad_front_matter(home, capsys):
    (home / "canned").mkdir(parents=True)
    (home / "canned" / "bad.en.j2").write_text("+++\nname = 5\ntags = 5\n+++\nHello\n")
    assert run(home, "templates", "list", "--json") == 0
    names = {t["name"] for t in json.loads(capsys.readouterr().out)}
    assert "apology-late-order" in names and "5" not in names
    assert run(home, "templates", "check") == 2
    err = capsys.readouterr().err
    assert f"{home / 'canned' / 'bad.en.j2'}, line 2: " in err and "internal error" not in err


# -- key names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, named",
    [
        ("ctrl+t", "ctrl+t"),
        ("J", "J"),
        ("/", "slash"),
        ("question_mark", "question_mark"),
        ("f5", "f5"),
        ("shift+tab", "shift+tab"),
        ("ctrl+d", "ctrl+d"),
        ("+", "plus"),
        ("shift+ctrl+up", "ctrl+shift+up"),
        ("space", "space"),
        ("ctrl+slash", "ctrl+slash"),
        ("é", "é"),
        ("Ctrl+o", "ctrl+o"),
        ("F5", "f5"),
    ],
)
def test_known_keys_are_accepted(written, named):
    assert normalise_key(written, "keymap.toml", "queue.take") == named


@pytest.mark.parametrize(
    "written, wording",
    [
        ("ctrl+alt+super+banana", "'banana' is not a key name"),
        ("snowman", "'snowman' is not a key name"),
        ("ctlr+o", "'ctlr' is not a modifier"),
        ("ctrl+ctrl+o", "'ctrl' twice"),
        ("ctrl+", "an empty key"),
        ("\x07", "'\\x07' is not a key name"),
    ],
)
def test_unknown_keys_are_errors_naming_file_binding_and_key(paths_home, written, wording):
    paths_home.user_keymap_file.write_text(f"[queue]\ntake = {json.dumps(written)}\n")
    with pytest.raises(ConfigError) as caught:
        load_keymap(paths_home, "default")
    message = str(caught.value)
    assert message.startswith(f"{paths_home.user_keymap_file}: queue.take has an unknown key {written!r}")
    assert wording in message and '"ctrl+o"' in message  # a valid example


def test_the_banana_is_refused_by_the_keys_command(home, capsys):
    home.mkdir(parents=True)
    (home / "keymap.toml").write_text('[queue]\ntake = "ctrl+alt+super+banana"\n')
    assert run(home, "keys") == 2
    assert "queue.take has an unknown key 'ctrl+alt+super+banana'" in capsys.readouterr().err


@pytest.fixture
def paths_home(tmp_path):
    return AppPaths.resolve(tmp_path)


@pytest.mark.parametrize("name", ["default", "vim"])
def test_every_shipped_key_validates(paths_home, name):
    keymap = load_keymap(paths_home, name)
    for binding_id, keys in keymap.items():
        for key in keys.split(","):
            assert normalise_key(key, name, binding_id) == key
    shipped = read_toml(shipped_dir("keymaps") / f"{name}.toml")
    assert shipped  # the file itself was read and checked by load_keymap


def test_every_default_binding_key_validates():
    for spec in BINDING_SPECS:
        for key in spec.keys.split(","):
            assert normalise_key(key, "defaults", spec.id) == key


# -- SLA policies with far deadlines -------------------------------------------------------------------

A_MINUTE_A_DAY = "\n".join(f'{day} = ["09:00-09:01"]' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))


def long_policy(timezone: str, days: str, within: str) -> str:
    clocks = "\n".join(
        f'{clock} = {{ within = "{within}", hours = "business" }}'
        for clock in ("first_reply", "next_reply", "resolution")
    )
    return f'timezone = "{timezone}"\n[business_hours]\n{days}\n[targets.normal]\n{clocks}\n' + "".join(
        f"[targets.{p}]\n{clocks}\n" for p in ("low", "high", "urgent")
    )


@pytest.mark.parametrize(
    "text",
    [
        long_policy("UTC", A_MINUTE_A_DAY, "10000h"),  # deadlines in the year 3669
        long_policy("Europe/London", A_MINUTE_A_DAY, "10000h"),
        long_policy("Europe/London", 'mon = ["09:00-09:01"]', "3650d"),  # a minute a week: 100,000 years away
    ],
    ids=["minute-a-day-utc", "minute-a-day-london", "minute-a-week"],
)
def test_a_policy_whose_deadlines_lie_centuries_away_still_works(home, capsys, text):
    home.mkdir(parents=True)
    (home / "sla.toml").write_text(text)
    assert run(home, "list", "--json") == 0
    tickets = json.loads(capsys.readouterr().out)
    assert tickets
    assert run(home, "sla", str(tickets[0]["id"]), "--json") == 0
    clocks = json.loads(capsys.readouterr().out)
    assert clocks and all(c["state"] in ("ok", "met", "paused") for c in clocks)
    assert run(home, "show", str(tickets[0]["id"])) == 0


def test_a_10000_hour_target_at_a_minute_a_day_hand_computed():
    # 10,000 h = 600,000 business minutes = 600,000 days of one minute. Written at 09:30 on Tuesday
    # 24 November 2026, after that day's minute: the first minute is on 25 November, the last one 599,999
    # days later. 2026-11-25 -> 3668-11-25 is 1642 years = 1642 * 365 + 399 leap days = 599,729 days;
    # the other 270 days: 36 to 3668-12-31, 212 to 3669-07-31, 22 into August: 22 August 3669, 09:01.
    cal = BusinessHours(UTC_ZONE, (((time(9), time(9, 1)),),) * 7)
    start = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    assert cal.add(start, 10_000 * 3600) == datetime(3669, 8, 22, 9, 1, tzinfo=UTC)
    assert cal.seconds_between(start, datetime(3669, 8, 22, 9, 1, tzinfo=UTC)) == 10_000 * 3600
    # The same in London: 09:00 is never in a clock change, so the minute is always a minute.
    london = BusinessHours(LONDON, (((time(9), time(9, 1)),),) * 7)
    local_start = datetime(2026, 11, 24, 9, 30, tzinfo=LONDON)
    assert london.add(local_start, 10_000 * 3600) == datetime(3669, 8, 22, 9, 1, tzinfo=LONDON)


def test_business_hours_round_the_clock_count_real_time_across_ten_years_of_clock_changes():
    # 00:00-24:00 every day in London is every real second: 20 clock changes later the deadline is
    # exactly 3650 * 24 real hours on, though the wall clock may read an hour off.
    always = BusinessHours(LONDON, (((time(0), time(0)),),) * 7)
    start = datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert always.add(start, 3650 * 86400) == start + timedelta(days=3650)
    assert always.seconds_between(start, start + timedelta(days=3650)) == 3650 * 86400


def test_holidays_inside_a_long_stretch_are_skipped():
    # Weekdays 09:00-17:00 in UTC: 40 h a week. 400 h is 10 weeks; each holiday on a weekday adds a day.
    weekdays = BusinessHours(
        UTC_ZONE, (((time(9), time(17)),),) * 5 + ((),) * 2, frozenset({date(2027, 1, 6), date(2027, 1, 9)})
    )  # a Wednesday, and a Saturday (no effect)
    start = datetime(2026, 12, 28, 9, tzinfo=UTC)  # a Monday
    assert weekdays.add(start, 400 * 3600) == datetime(2027, 3, 8, 17, tzinfo=UTC)  # 10 weeks on, + 1 day: Mon 17:00


def test_a_deadline_past_what_a_datetime_holds_is_no_deadline():
    weekly = BusinessHours(UTC_ZONE, (((time(9), time(9, 1)),),) + ((),) * 6)
    assert weekly.add(datetime(2026, 11, 24, tzinfo=UTC), 3650 * 86400) is None
    assert weekly.seconds_between(datetime(2026, 11, 24, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)) > 0


def test_a_long_policy_loads_and_its_clocks_have_far_or_no_deadlines(tmp_path):
    path = tmp_path / "sla.toml"
    path.write_text(long_policy("UTC", A_MINUTE_A_DAY, "10000h"))
    policy = load_policy(path)
    assert policy.hours is not None


# -- the fast arithmetic agrees with walking day by day --------------------------------------------------


def walked_seconds(cal: BusinessHours, start: datetime, end: datetime) -> float:
    """Reference: business seconds in [start, end) counted one day at a time, as the old code did."""
    total, day = 0.0, start.astimezone(cal.tz).date() - timedelta(days=1)
    while datetime.combine(day, time(0), cal.tz) < end:
        if day not in cal.holidays:
            for opens, closes in cal.periods[day.weekday()]:
                begin = datetime.combine(day, opens, cal.tz).astimezone(UTC)
                finish = datetime.combine(
                    day if closes != time(0) else day + timedelta(days=1), closes, cal.tz
                ).astimezone(UTC)
                total += max(0.0, (min(finish, end) - max(begin, start)).total_seconds())
        day += timedelta(days=1)
    return total


periods = st.sampled_from(
    [
        ((time(9), time(17)),),
        ((time(0), time(0)),),
        ((time(1), time(3)),),
        ((time(0, 30), time(2, 30)), (time(22), time(0))),
        (),
    ]
)
calendars = st.builds(
    lambda tz, week, holidays: BusinessHours(tz, tuple(week), frozenset(holidays)),
    st.sampled_from([LONDON, NEW_YORK, UTC_ZONE, ZoneInfo("Australia/Lord_Howe"), ZoneInfo("Asia/Gaza")]),
    st.lists(periods, min_size=7, max_size=7).filter(any),
    st.lists(st.dates(date(2026, 1, 1), date(2029, 12, 31)), max_size=20),
)
moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))


@settings(max_examples=150, deadline=None)
@given(cal=calendars, start=moments, span=st.integers(0, 2 * 365 * 86400))
def test_long_spans_agree_with_a_day_by_day_walk(cal, start, span):
    end = start + timedelta(seconds=span)
    assert cal.seconds_between(start, end) == pytest.approx(walked_seconds(cal, start, end), abs=1e-6)


@settings(max_examples=150, deadline=None)
@given(cal=calendars, start=moments, seconds=st.integers(0, 2000 * 3600))
def test_adding_long_business_time_lands_where_the_walk_says(cal, start, seconds):
    due = cal.add(start, seconds)
    assert due is not None
    assert walked_seconds(cal, start, due) == pytest.approx(seconds, abs=1e-6)
    # ...and at the earliest such moment: a second earlier, less time has passed.
    if seconds:
        assert walked_seconds(cal, start, due - timedelta(seconds=1)) < seconds


# -- the TUI starts all the same ---------------------------------------------------------------------------


async def test_the_tui_starts_with_a_broken_template_and_a_far_deadline_policy(home):
    from agent_tui.cli import make_app
    from agent_tui.domain.queue import QueueQuery
    from agent_tui.ui.screens.ticket import TicketScreen
    from tests.conftest import NOW, settle

    (home / "canned").mkdir(parents=True)
    (home / "canned" / "bad.en.j2").write_text("+++\ntags = 5\nlatte = 5\n+++\nHello\n")
    (home / "sla.toml").write_text(long_policy("Europe/London", A_MINUTE_A_DAY, "10000h"))
    app = make_app(home=home, account="demo", now=NOW)
    assert any("bad.en.j2, line 2: " in problem for problem in app.replies.library.problems)
    assert "apology-late-order" in {t.name for t in app.replies.library.templates}
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert any("Template skipped: " in str(n.message) and "bad.en.j2" in str(n.message) for n in app._notifications)
        app.push_screen(TicketScreen(app.service, 1047, QueueQuery(), 0))
        await settle(pilot)
        header = str(app.screen.query_one("#ticket-header").render())
        assert "1047" in header
        assert "3669" in header  # a deadline in another year says which


def test_templates_list_says_which_template_it_left_out(home, capsys):
    (home / "canned").mkdir(parents=True)
    (home / "canned" / "bad.en.j2").write_text("+++\ntags = 5\n+++\nHello\n")
    assert main(["--home", str(home), "templates", "list"]) == 0
    out, err = capsys.readouterr()
    assert "apology-late-order" in out and "bad.en.j2, line 2" in err and err.startswith("agent-tui: skipped ")


def test_adding_an_account_to_a_config_with_a_byte_order_mark_keeps_it_readable(home, capsys):
    home.mkdir(parents=True)
    (home / "config.toml").write_bytes(b'\xef\xbb\xbf[agent]\nname = "Dana"\n')
    assert main(["--home", str(home), "account", "add", "shop", "--local", "--address", "support@shop.example"]) == 0
    assert read_toml(home / "config.toml")["default_account"] == "shop"
