from datetime import timedelta

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import load_settings
from agent_tui.domain.models import Agent, Status
from agent_tui.domain.queue import QueueQuery, View
from agent_tui.services.accounts import open_account
from agent_tui.sources.demo import demo_data
from tests.conftest import NOW


def open_demo(home, now):
    paths = AppPaths.resolve(home)
    return open_account(paths, load_settings(paths), None, now)


def test_no_account_means_the_demo_and_home_holds_everything(home):
    service = open_demo(home, NOW)
    assert service.account == "demo"
    assert service.store.path == home / "data" / "accounts" / "demo" / "store.sqlite3"
    assert service.store.ticket_count() == len(demo_data()["scenarios"]) >= 60
    service.close()


def test_demo_changes_persist(home):
    service = open_demo(home, NOW)
    service.set_status(1001, Status.CLOSED)
    service.close()
    again = open_demo(home, NOW + timedelta(minutes=5))
    assert again.ticket(1001).status is Status.CLOSED
    assert again.store.ticket_count() == len(demo_data()["scenarios"])  # not seeded twice
    again.close()


def test_demo_moves_its_clock_forward_on_a_later_day(home):
    first = open_demo(home, NOW)
    before = {v: n for v, n in first.view_counts().items()}
    created = first.ticket(1010).created_at
    first.close()
    later = open_demo(home, NOW + timedelta(days=3))
    assert later.ticket(1010).created_at == created + timedelta(days=3)
    assert later.view_counts()[View.BREACHING] == before[View.BREACHING]
    later.close()


def test_agent_comes_from_config_unless_the_environment_overrides(home, monkeypatch):
    home.mkdir(parents=True)
    (home / "config.toml").write_text('[agent]\nname = "Dana Li"\nemail = "dana@shop.example"\n')
    monkeypatch.delenv("AGENT_TUI_AGENT")
    assert load_settings(AppPaths.resolve(home)).agent == Agent("Dana Li", "dana@shop.example")
    monkeypatch.setenv("AGENT_TUI_AGENT", "Sam <sam@shop.example>")
    assert load_settings(AppPaths.resolve(home)).agent == Agent("Sam", "sam@shop.example")


def test_mine_view_follows_the_agent(home):
    service = open_demo(home, NOW)
    mine = service.queue_ids(QueueQuery(view=View.MINE))
    assert mine and all(service.ticket(i).assignee.email == "robin@pineandpebble.example" for i in mine)
    service.close()
