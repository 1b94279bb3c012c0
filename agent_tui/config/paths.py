"""Where agent-tui keeps things.

With ``--home DIR`` (or ``$AGENT_TUI_HOME``) everything lives in DIR: the user's files
(``config.toml``, ``sla.toml``, ``canned/``, ``keymaps/``) directly in it, the app's own data in
``DIR/data``. Otherwise the XDG config and data directories are used.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from agent_tui.errors import UsageError

_ACCOUNT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True, slots=True)
class AppPaths:
    config_dir: Path
    data_dir: Path

    @classmethod
    def resolve(cls, home: str | os.PathLike[str] | None = None) -> AppPaths:
        home = home or os.environ.get("AGENT_TUI_HOME") or None
        if home:
            root = Path(home).expanduser()
            return cls(config_dir=root, data_dir=root / "data")
        config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        return cls(config_dir=config / "agent-tui", data_dir=data / "agent-tui")

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def sla_file(self) -> Path:
        return self.config_dir / "sla.toml"

    @property
    def user_keymaps_dir(self) -> Path:
        return self.config_dir / "keymaps"

    @property
    def user_keymap_file(self) -> Path:
        """Overrides applied on top of whichever keymap is chosen."""
        return self.config_dir / "keymap.toml"

    @property
    def canned_dir(self) -> Path:
        return self.config_dir / "canned"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "agent-tui.log"

    def account_dir(self, account: str) -> Path:
        if not _ACCOUNT_NAME.match(account):
            raise UsageError(f"Invalid account name {account!r}: use letters, digits, dots, hyphens and underscores.")
        return self.data_dir / "accounts" / account

    def store_file(self, account: str) -> Path:
        return self.account_dir(account) / "store.sqlite3"
