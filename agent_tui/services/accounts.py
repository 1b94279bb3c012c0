"""Opening an account: its store, its source, and the tickets facade the CLI and the UI use."""

from __future__ import annotations

from datetime import datetime

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import DEMO_ACCOUNT, Settings
from agent_tui.config.sla_policy import load_policy
from agent_tui.domain.queue import QueueQuery, SortKey, View
from agent_tui.domain.sla import DEFAULT_POLICY, Policy
from agent_tui.errors import UsageError
from agent_tui.services.tickets import TicketService
from agent_tui.sources.base import Source
from agent_tui.store import Store

_POLICY_KEY = "sla.policy"


def source_for(account: str, settings: Settings) -> Source:
    if account == DEMO_ACCOUNT:
        from agent_tui.sources.demo import DemoSource

        return DemoSource()
    kind = settings.accounts[account].get("kind", "?")
    if kind == "local":
        from agent_tui.sources.local import LocalSource

        return LocalSource()
    if kind == "imap":
        from agent_tui.sources.imap import ImapSettings, ImapSource

        return ImapSource(ImapSettings.from_config(account, settings.accounts[account]))
    raise UsageError(f"Account {account!r} is of kind {kind!r}, which this version of agent-tui cannot open.")


def policy_for(paths: AppPaths, account: str) -> Policy:
    """The user's sla.toml applies to every account; without one, the demo has its own and others the default."""
    if paths.sla_file.is_file():
        return load_policy(paths.sla_file)
    if account == DEMO_ACCOUNT:
        from agent_tui.sources.demo import POLICY_FILE

        return load_policy(POLICY_FILE)
    return DEFAULT_POLICY


def open_account(
    paths: AppPaths, settings: Settings, account: str | None, now: datetime | None, *, policy_later: bool = False
) -> TicketService:
    """Open the account asked for (else the default, else the demo) and make its store ready.

    ``policy_later``: leave applying a changed SLA policy to the caller (``apply_policy_changes``), so the
    TUI can draw first and do it in a worker (seconds, at 100,000 tickets).
    """
    name = settings.account_name(account)
    source = source_for(name, settings)
    policy = policy_for(paths, name)  # a bad policy file is reported before the store is touched
    store = Store.open(paths.store_file(name))
    address = settings.accounts.get(name, {}).get("address") or getattr(source, "address", None)
    service = TicketService(store, settings.agent, name, policy=policy, frozen_now=now, source=source, own_address=address,
                            presence_lease=settings.presence_lease)
    try:
        changed = source.prepare(store, service.now(), settings.agent)
        with store.transaction():
            service.refresh_sla_many(changed)
        if not policy_later:
            apply_policy_changes(service)
    except BaseException:
        store.close()
        raise
    return service


def apply_policy_changes(service: TicketService) -> bool:
    """Clocks are computed from the event log, so a new policy applies to open tickets at once; only the
    stored deadlines the queue sorts on need recomputing, once per change of policy."""
    fingerprint = service.policy.fingerprint()
    if service.store.get_meta(_POLICY_KEY) == fingerprint:
        return False
    unsolved = service.store.queue_ids(QueueQuery(view=View.OPEN, sort=SortKey.ID), service.me, service.now())
    for start in range(0, len(unsolved), 1000):
        with service.store.transaction():
            service.refresh_sla_many(unsolved[start : start + 1000])
    service.store.set_meta(_POLICY_KEY, fingerprint)
    return True
