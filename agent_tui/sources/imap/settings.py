"""An IMAP account's settings, read from its ``[accounts.NAME]`` table.

Apart from the source so that what only needs the settings (the SMTP delivery in ``smtp``) does not import
the whole source, and the defaults (ports by TLS mode, the address from the user) are in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent_tui.errors import UsageError


def host_port(text: str, default_port: int) -> tuple[str, int]:
    host, _, port = text.rpartition(":") if ":" in text else (text, "", "")
    try:
        return host or text, int(port) if port else default_port
    except ValueError:
        raise UsageError(f"{text!r} is not HOST:PORT.") from None


@dataclass(frozen=True)
class ImapSettings:
    account: str
    imap_host: str
    imap_port: int
    smtp_host: str
    smtp_port: int
    user: str
    address: str
    name: str
    tls: str  # ssl | starttls | none
    password_command: str | None
    oauth2_command: str | None = None  # prints an access token: XOAUTH2 instead of a password

    @classmethod
    def from_config(cls, account: str, table: dict) -> ImapSettings:
        tls = table.get("tls", "ssl")
        imap_host, imap_port = host_port(str(table.get("imap", "")), 993 if tls == "ssl" else 143)
        smtp_host, smtp_port = host_port(str(table.get("smtp", "")), 465 if tls == "ssl" else 587)
        user = str(table.get("user", ""))
        return cls(
            account,
            imap_host,
            imap_port,
            smtp_host,
            smtp_port,
            user,
            str(table.get("address") or user),
            str(table.get("name", "")),
            tls,
            table.get("password_command"),
            table.get("oauth2_command"),
        )
