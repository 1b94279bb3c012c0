"""Opening an account: its store, its source, and the tickets facade the CLI and the UI use."""

from __future__ import annotations

from datetime import datetime

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import DEMO_ACCOUNT, Settings
from agent_tui.errors import UsageError
from agent_tui.services.tickets import TicketService
from agent_tui.sources.base import Source
from agent_tui.store import Store


def source_for(account: str, settings: Settings) -> Source:
    if account == DEMO_ACCOUNT:
        from agent_tui.sources.demo import DemoSource

        return DemoSource()
    kind = settings.accounts[account].get("kind", "?")
    if kind == "local":
        from agent_tui.sources.local import LocalSource

        return LocalSource()
    raise UsageError(f"Account {account!r} is of kind {kind!r}, which this version of agent-tui cannot open.")


def open_account(paths: AppPaths, settings: Settings, account: str | None, now: datetime | None) -> TicketService:
    """Open the account asked for (else the default, else the demo) and make its store ready."""
    name = settings.account_name(account)
    source = source_for(name, settings)
    store = Store.open(paths.store_file(name))
    address = settings.accounts.get(name, {}).get("address")
    service = TicketService(store, settings.agent, name, frozen_now=now, source=source, own_address=address)
    try:
        changed = source.prepare(store, service.now(), settings.agent)
        with store.transaction():
            for ticket_id in changed:
                service.refresh_sla(ticket_id)
    except BaseException:
        store.close()
        raise
    return service
