"""The local SQLite store."""

from agent_tui.store.db import Store, from_epoch, to_epoch

__all__ = ["Store", "from_epoch", "to_epoch"]
