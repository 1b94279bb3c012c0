"""The local SQLite store."""

from agent_tui.store.base import from_epoch, to_epoch
from agent_tui.store.db import Store

__all__ = ["Store", "from_epoch", "to_epoch"]
