"""An RT account's settings, read from its ``[accounts.NAME]`` table, and its secret (a command or the keyring)."""

from __future__ import annotations

from dataclasses import dataclass

from agent_tui.config import credentials
from agent_tui.errors import UsageError
from agent_tui.sources.helpdesk.http import base_url


@dataclass(frozen=True)
class RtSettings:
    account: str
    url: str  # the RT base URL, without /REST/2.0 and without a trailing slash
    user: str
    queue: str | None  # None: every queue the user can see
    tags_field: str  # the multi-value custom field that holds the tags
    auth: str  # token | basic
    secret_command: str | None  # prints the token or password; None: the keyring
    timeout: float = 20.0
    verify: bool = True  # TLS certificates are checked

    @classmethod
    def from_config(cls, account: str, table: dict) -> RtSettings:
        url = base_url(account, table, "/REST/2.0", "https://rt.example.com")
        user = str(table.get("user", ""))
        if not user:
            raise UsageError(f"Account {account!r}: an RT account needs user = the RT user name.")
        token_command, password_command = table.get("token_command"), table.get("password_command")
        auth = str(table.get("auth") or ("basic" if password_command and not token_command else "token"))
        if auth not in ("token", "basic"):
            raise UsageError(f"Account {account!r}: auth must be token or basic, not {auth!r}.")
        command = token_command if auth == "token" else password_command
        if command is None and (token_command or password_command):
            wrong = "password_command" if auth == "token" else "token_command"
            raise UsageError(f"Account {account!r}: auth = {auth!r} does not use {wrong}; set auth or rename the key.")
        return cls(
            account,
            url,
            user,
            str(table["queue"]) if table.get("queue") else None,
            str(table.get("tags_field") or "Tags"),
            auth,
            str(command) if command else None,
            float(table.get("timeout", 20.0)),
            bool(table.get("verify_tls", True)),
        )

    def secret(self) -> str:
        """The token or password, from its command or the keyring (SourceError saying what to do)."""
        if self.secret_command:
            return credentials.from_command(
                self.account, self.secret_command, "token" if self.auth == "token" else "password"
            )
        return credentials.password(self.account, self.user, None)
