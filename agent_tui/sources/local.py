"""A local account: no remote source; its tickets come only from `agent-tui ingest`. Every default of the
contract holds: nothing to pull, push, claim or send (replies are kept in the store)."""

from __future__ import annotations

from agent_tui.sources.base import Source


class LocalSource(Source):
    kind = "local"
