"""Where tickets come from. ``base`` is the contract, ``items`` what every source reports; this module is
the one place that knows every kind of source (imported lazily: a command pays only for the one it opens)."""

from __future__ import annotations

from collections.abc import Mapping

from agent_tui.errors import UsageError
from agent_tui.sources.base import Source


def open_source(kind: str, account: str, table: Mapping[str, object]) -> Source:
    """The source of an account of ``kind``, configured from its ``[accounts.NAME]`` table."""
    if kind == "demo":
        from agent_tui.sources.demo import DemoSource

        return DemoSource()
    if kind == "local":
        from agent_tui.sources.local import LocalSource

        return LocalSource()
    if kind == "imap":
        from agent_tui.sources.imap import ImapSettings, ImapSource

        return ImapSource(ImapSettings.from_config(account, dict(table)))
    if kind == "rt":
        from agent_tui.sources.helpdesk.rt import RtSettings, RtSource

        return RtSource(RtSettings.from_config(account, dict(table)))
    if kind == "zendesk":
        from agent_tui.sources.helpdesk.zendesk import ZendeskSettings, ZendeskSource

        return ZendeskSource(ZendeskSettings.from_config(account, dict(table)))
    raise UsageError(f"Account {account!r} is of kind {kind!r}, which this version of agent-tui cannot open.")
