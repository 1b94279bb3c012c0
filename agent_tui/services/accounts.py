"""Opening an account: its store, its source, and the tickets facade the CLI and the UI use."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import DEMO_ACCOUNT, Settings, load_settings
from agent_tui.config.settings import add_account as settings_add_account
from agent_tui.config.settings import remove_account as settings_remove_account
from agent_tui.config.sla_policy import load_policy
from agent_tui.domain.queue import QueueQuery, SortKey, View
from agent_tui.domain.sla import DEFAULT_POLICY, Policy
from agent_tui.errors import UsageError
from agent_tui.services.tickets import TicketService
from agent_tui.sources import open_source
from agent_tui.sources.base import Source
from agent_tui.store import Store

_POLICY_KEY = "sla.policy"
# Well-known providers: ``--imap gmail`` fills in both servers and the TLS mode.
IMAP_PRESETS = {
    "gmail": ("imap.gmail.com:993", "smtp.gmail.com:465", "ssl"),
    "fastmail": ("imap.fastmail.com:993", "smtp.fastmail.com:465", "ssl"),
    "outlook": ("outlook.office365.com:993", "smtp.office365.com:587", "starttls"),
}
Table = dict[str, str | int | bool]


def imap_account(
    imap: str,
    smtp: str | None,
    user: str | None,
    *,
    tls: str | None = None,
    name: str | None = None,
    password_command: str | None = None,
    oauth2_command: str | None = None,
) -> Table:
    """The config table of a shared IMAP inbox (``imap`` may be a preset such as ``gmail``)."""
    imap, preset_smtp, preset_tls = IMAP_PRESETS.get(imap, (imap, smtp or "", "ssl"))
    smtp, tls = smtp or preset_smtp, tls or preset_tls
    if not smtp or not user:
        raise UsageError("An IMAP account needs --smtp HOST:PORT and --user USER as well.")
    table: Table = {"kind": "imap", "imap": imap, "smtp": smtp, "user": user, "tls": tls}
    return _given(table, name=name, password_command=password_command, oauth2_command=oauth2_command)


def rt_account(
    url: str,
    user: str | None,
    *,
    queue: str | None = None,
    tags_field: str | None = None,
    password_command: str | None = None,
    token_command: str | None = None,
) -> Table:
    """The config table of a Request Tracker 5 account. It logs in with an API token (RT's advice for REST2) unless
    a password command is given; without a command the secret is kept in the keyring."""
    if not url.startswith(("https://", "http://")):
        raise UsageError(f"--rt {url!r}: give RT's base URL, such as https://rt.shop.example.")
    if not user:
        raise UsageError("An RT account needs --user USER as well.")
    table: Table = {
        "kind": "rt",
        "url": url.rstrip("/"),
        "user": user,
        "auth": "basic" if password_command else "token",
    }
    return _given(
        table, queue=queue, tags_field=tags_field, password_command=password_command, token_command=token_command
    )


def zendesk_account(where: str, user: str | None, *, token_command: str | None = None) -> Table:
    """The config table of a Zendesk Support account, with API-token auth: ``where`` is a subdomain (``shop`` is
    https://shop.zendesk.com) or a base URL used as is (a proxy, a test server)."""
    if not user or "@" not in user:
        raise UsageError("A Zendesk account needs --user EMAIL (the agent's address; the API token goes with it).")
    url = where.rstrip("/") if where.startswith(("https://", "http://")) else f"https://{where}.zendesk.com"
    if "/" in url.split("://", 1)[1] or not url.split("://", 1)[1]:
        raise UsageError(
            f"--zendesk {where!r}: give the subdomain (shop) or a base URL such as https://shop.zendesk.com."
        )
    return _given({"kind": "zendesk", "url": url, "user": user, "auth": "token"}, token_command=token_command)


def _given(table: Table, **optional: str | None) -> Table:
    """``table`` with the optional keys that were given (a config file names only what was chosen)."""
    return table | {key: value for key, value in optional.items() if value}


def needs_password(table: Table) -> bool:
    """Whether the account's secret (a password or an API token) is kept in the keyring, not a command's output."""
    commands = ("password_command", "oauth2_command", "token_command")
    return table.get("kind") in ("imap", "rt", "zendesk") and not any(table.get(key) for key in commands)


def add_account(paths: AppPaths, name: str, table: Table, password: Callable[[], str]) -> bool:
    """Write the account to config.toml, its password (asked for only if needed) to the keyring, never the
    file. Returns whether it became the default account."""
    if needs_password(table):
        from agent_tui.config import credentials  # here: opening an account never needs the keyring's imports

        paths.account_dir(name)  # a bad name is refused before asking for anything
        credentials.store_password(name, str(table["user"]), password())
    return settings_add_account(paths, name, table)


def remove_account(paths: AppPaths, name: str) -> None:
    """Forget the account and its keyring password; its data stays on disk."""
    table = load_settings(paths).accounts.get(name, {})
    if needs_password(table):
        from agent_tui.config import credentials

        credentials.forget_password(name, str(table.get("user", "")))
    settings_remove_account(paths, name)


def source_for(account: str, settings: Settings) -> Source:
    if account == DEMO_ACCOUNT:
        return open_source("demo", account, {})
    table = settings.accounts[account]
    return open_source(str(table.get("kind", "?")), account, table)


def policy_for(paths: AppPaths, source: Source) -> Policy:
    """The user's sla.toml applies to every account; without one, a source's own (the demo's), else the default."""
    if paths.sla_file.is_file():
        return load_policy(paths.sla_file)
    if source.policy_file is not None:
        return load_policy(source.policy_file)
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
    policy = policy_for(paths, source)  # a bad policy file is reported before the store is touched
    store = Store.open(paths.store_file(name))
    address = settings.accounts.get(name, {}).get("address") or source.address
    service = TicketService(
        store,
        settings.agent,
        name,
        policy=policy,
        frozen_now=now,
        source=source,
        own_address=address,
        presence_lease=settings.presence_lease,
        team=settings.team,
    )
    try:
        changes = source.prepare(store, service.source_state, service.now(), settings.agent)
        first = next(changes, None)
        if first is not None:  # most opens have nothing to file: they skip importing the filing machinery
            from agent_tui.services.sync import apply_changes

            apply_changes(service, itertools.chain([first], changes))
        service.wake_snoozed()  # snoozes whose time came while no agent-tui ran
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
