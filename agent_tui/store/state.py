"""A source's own memory in the store: keys under its namespace in the meta table.

This is the one way a source writes to the store (``sources.base.SourceState``): its cursors (an IMAP folder's
UIDVALIDITY, UIDNEXT and MODSEQ; a help desk's last transaction id). Everything else a source reports as
changes, which the services file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent_tui.store.db import Store


class NamespacedState:
    def __init__(self, store: Store, namespace: str) -> None:
        self._store = store
        self._prefix = f"{namespace}."

    def get(self, key: str) -> str | None:
        return self._store.get_meta(self._prefix + key)

    def set(self, key: str, value: str) -> None:
        self._store.set_meta(self._prefix + key, value)
