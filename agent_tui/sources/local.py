"""A local account: no remote source; its tickets come only from `agent-tui ingest`."""

from __future__ import annotations

from datetime import datetime

from agent_tui.domain.models import Agent
from agent_tui.sources.base import Source
from agent_tui.store import Store


class LocalSource(Source):
    kind = "local"

    def prepare(self, store: Store, now: datetime, me: Agent) -> list[int]:
        return []
