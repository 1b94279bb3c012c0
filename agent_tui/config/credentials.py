"""Account passwords: kept in the OS keyring, or produced by a command (like mbsync's PassCmd).

A secret is never written to a config file or a log. Headless machines often have no keyring backend:
there, ``--password-command`` is the way, and the error says so.
"""

from __future__ import annotations

import shlex
import subprocess

from agent_tui.errors import SourceError, UsageError

SERVICE = "agent-tui"


def _key(account: str, user: str) -> str:
    return f"{account}:{user}"


def store_password(account: str, user: str, password: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, _key(account, user), password)
    except (KeyringError, RuntimeError) as error:
        raise UsageError(
            f"The OS keyring could not store the password ({error}); on a machine without a keyring, add the "
            "account with --password-command instead (for example 'pass show shop/support')."
        ) from None


def forget_password(account: str, user: str) -> None:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, _key(account, user))
    except (PasswordDeleteError, KeyringError, RuntimeError):
        pass  # nothing stored, or no keyring: nothing to forget


def from_command(account: str, command: str, what: str = "password") -> str:
    """What a command prints (a password, an OAuth2 access token), without its trailing newline."""
    try:
        result = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=30, check=False)
    except (OSError, ValueError, subprocess.TimeoutExpired) as error:
        raise SourceError(f"The {what} command for account {account!r} could not run ({error}).") from None
    if result.returncode != 0 or not result.stdout.strip():
        raise SourceError(
            f"The {what} command for account {account!r} failed (exit {result.returncode}) or printed nothing."
        )
    return result.stdout.rstrip("\n")


def password(account: str, user: str, command: str | None) -> str:
    """The account's password, from its command or the keyring. Raises SourceError with what to do."""
    if command:
        return from_command(account, command)
    import keyring
    from keyring.errors import KeyringError

    try:
        secret = keyring.get_password(SERVICE, _key(account, user))
    except (KeyringError, RuntimeError) as error:
        raise SourceError(
            f"The OS keyring could not be read ({error}); use --password-command for this account."
        ) from None
    if secret is None:
        raise SourceError(f"No password is stored for account {account!r}; add the account again to set one.")
    return secret
