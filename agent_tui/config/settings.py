"""``config.toml``: who the agent is, which accounts exist, UI preferences.

Example::

    default_account = "shop"

    [agent]
    name = "Dana Li"
    email = "dana@shop.example"
    signature = "Dana, Pine & Pebble"

    [team]                   # whom tickets can be assigned to, besides agents already seen in the store
    members = ["Sam Okafor <sam@shop.example>", "Priya Shah <priya@shop.example>"]

    [ui]
    keymap = "vim"

    [accounts.shop]
    kind = "imap"            # filled in by `agent-tui account add` (a later issue)

Secrets never live here: they are kept in the OS keyring.
"""

from __future__ import annotations

import codecs
import getpass
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from agent_tui.config.paths import AppPaths
from agent_tui.domain.models import Agent
from agent_tui.domain.presence import DEFAULT_LEASE
from agent_tui.errors import ConfigError, UsageError

DEMO_ACCOUNT = "demo"


@dataclass(frozen=True, slots=True)
class Settings:
    agent: Agent
    default_account: str | None = None
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    keymap: str = "default"
    signature: str | None = None  # [agent] signature: how replies are signed
    presence_lease: timedelta = DEFAULT_LEASE  # [agent] presence_lease_seconds: how long a silent client still counts
    shop: dict[str, str] = field(default_factory=dict)  # [shop] name, url, order_pattern, customer_data
    team: tuple[Agent, ...] = ()  # [team] members: whom tickets can be assigned to, besides agents seen
    identity_known: bool = True  # False: no [agent] name and no AGENT_TUI_AGENT, so the login name stands in

    def account_name(self, requested: str | None) -> str:
        """The account a command works on: the one asked for, else the default, else the demo."""
        name = requested or self.default_account or (next(iter(self.accounts)) if self.accounts else DEMO_ACCOUNT)
        if name != DEMO_ACCOUNT and name not in self.accounts:
            known = ", ".join([DEMO_ACCOUNT, *self.accounts])
            raise UsageError(f"There is no account named {name!r}; known accounts: {known}.")
        return name


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a syntax error or bytes that are not UTF-8 name the file and line. Missing: empty."""
    return read_toml_text(path)[0]


def read_toml_text(path: Path) -> tuple[dict[str, Any], str]:
    """The parsed file and its text (for callers that find the line a setting is on)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}, ""
    except OSError as error:
        raise ConfigError(f"{path} could not be read ({error.strerror}).") from None
    text = decode_utf8(path, data)
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}.") from None


def decode_utf8(path: Path, data: bytes) -> str:
    """The text of a file the user wrote. Bytes that are not UTF-8 (a file saved as Latin-1, say) are an
    error naming the line and offset, so the user can find them; a leading byte-order mark is allowed,
    as some editors write one."""
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = len(data) - len(body) + error.start
        line = data.count(b"\n", 0, offset) + 1
        raise ConfigError(
            f"{path}, line {line}: byte 0x{data[offset]:02x} at offset {offset} is not UTF-8 text; save the file as UTF-8."
        ) from None


def load_settings(paths: AppPaths, environ: Mapping[str, str] | None = None) -> Settings:
    env: Mapping[str, str] = os.environ if environ is None else environ
    data = read_toml(paths.config_file)
    agent_table = _table(data, "agent", paths.config_file)
    ui_table = _table(data, "ui", paths.config_file)
    accounts = _table(data, "accounts", paths.config_file)

    identity_known = bool(env.get("AGENT_TUI_AGENT") or agent_table.get("name"))
    if env.get("AGENT_TUI_AGENT"):
        agent = Agent.parse(env["AGENT_TUI_AGENT"])
    else:
        name = agent_table.get("name") or _login_name()
        email = agent_table.get("email") or None
        if not isinstance(name, str) or (email is not None and not isinstance(email, str)):
            raise ConfigError(f"{paths.config_file}: [agent] name and email must be strings.")
        agent = Agent(name=name, email=email)

    for name, table in accounts.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{paths.config_file}: accounts.{name} must be a table ([accounts.{name}]).")
    default = data.get("default_account")
    if default is not None and not isinstance(default, str):
        raise ConfigError(f"{paths.config_file}: default_account must be a string.")
    keymap = ui_table.get("keymap", "default")
    if not isinstance(keymap, str):
        raise ConfigError(f"{paths.config_file}: [ui] keymap must be a string.")
    shop = _table(data, "shop", paths.config_file)
    if any(not isinstance(v, str) for v in shop.values()):
        raise ConfigError(f"{paths.config_file}: [shop] values must be strings.")
    signature = agent_table.get("signature")
    if signature is not None and not isinstance(signature, str):
        raise ConfigError(f"{paths.config_file}: [agent] signature must be a string.")
    lease = agent_table.get("presence_lease_seconds", DEFAULT_LEASE.total_seconds())
    if isinstance(lease, bool) or not isinstance(lease, (int, float)) or not 2 <= lease <= 600:
        raise ConfigError(f"{paths.config_file}: [agent] presence_lease_seconds must be a number from 2 to 600.")
    members = _table(data, "team", paths.config_file).get("members", [])
    if not isinstance(members, list) or any(not isinstance(m, str) or not m.strip() for m in members):
        raise ConfigError(f'{paths.config_file}: [team] members must be a list of "Name <email>" strings.')
    return Settings(
        team=tuple(Agent.parse(m) for m in members),
        identity_known=identity_known,
        agent=agent,
        default_account=default,
        accounts=dict(accounts),
        keymap=keymap,
        signature=signature,
        shop=dict(shop),
        presence_lease=timedelta(seconds=lease),
    )


def _table(data: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: {key} must be a table ([{key}]).")
    return value


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return "agent"


# -- writing accounts ----------------------------------------------------------------------------
# config.toml is the user's file: accounts are added and removed as whole sections of text, so the
# user's comments and layout elsewhere survive.

_SECTION = re.compile(r"^\s*\[")


def add_account(paths: AppPaths, name: str, table: dict[str, str | int | bool]) -> bool:
    """Write ``[accounts.NAME]``; the first account becomes the default. Returns whether it is the default."""
    paths.account_dir(name)  # validates the name
    settings = load_settings(paths)
    if name == DEMO_ACCOUNT or name in settings.accounts:
        raise UsageError(f"An account named {name!r} exists already; pick another name or remove it first.")
    text = _read_config_text(paths)
    make_default = settings.default_account is None and not settings.accounts
    if make_default:
        text = f'default_account = "{name}"\n' + text
    body = "".join(f"{key} = {_toml_value(value)}\n" for key, value in table.items())
    text = text.rstrip("\n") + ("\n\n" if text.strip() else "") + f'[accounts."{name}"]\n{body}'
    _write_config_text(paths, text)
    return make_default


def remove_account(paths: AppPaths, name: str) -> None:
    settings = load_settings(paths)
    if name not in settings.accounts:
        raise UsageError(f"There is no account named {name!r} to remove.")
    kept: list[str] = []
    skipping = False
    for line in _read_config_text(paths).splitlines(keepends=True):
        if _SECTION.match(line):
            header = line.strip().strip("[]").strip()
            skipping = header in (f"accounts.{name}", f'accounts."{name}"')
        elif not skipping and re.match(rf'^\s*default_account\s*=\s*"{re.escape(name)}"', line):
            continue
        if not skipping:
            kept.append(line)
    _write_config_text(paths, "".join(kept).rstrip("\n") + "\n")


def save_identity(paths: AppPaths, name: str, email: str | None, signature: str | None) -> None:
    """Write who the agent is as the ``[agent]`` table (first run), keeping its other keys and the rest of the
    file as they were."""
    name = " ".join(name.split())
    if not name:
        raise UsageError("Give your name: it signs your replies.")
    if email is not None and "@" not in email:
        raise UsageError(f"{email!r} is not an email address.")
    wanted: dict[str, str | None] = {"name": name, "email": email, "signature": signature}
    body = [f"{key} = {_toml_value(value)}\n" for key, value in wanted.items() if value]
    lines = _read_config_text(paths).splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() == "[agent]"), None)
    if start is None:
        text = "".join(lines).rstrip("\n")
        text += ("\n\n" if text else "") + "[agent]\n" + "".join(body)
    else:
        end = next((i for i in range(start + 1, len(lines)) if _SECTION.match(lines[i])), len(lines))
        kept = [line for line in lines[start + 1 : end] if line.split("=", 1)[0].strip() not in wanted]
        text = "".join([*lines[: start + 1], *body, *kept, *lines[end:]])
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:  # the file was broken before: say so rather than add to it
        raise ConfigError(f"{paths.config_file} can't be read ({error}); fix it first.") from None
    _write_config_text(paths, text)


def _toml_value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _read_config_text(paths: AppPaths) -> str:
    try:
        data = paths.config_file.read_bytes()
    except FileNotFoundError:
        return ""
    return decode_utf8(paths.config_file, data)  # without a byte-order mark, which mid-file would break the TOML


def _write_config_text(paths: AppPaths, text: str) -> None:
    """Write through a temporary file, so a full disk can't leave half a config behind."""
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    temporary = paths.config_file.with_suffix(".toml.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, paths.config_file)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ConfigError(
            f"{paths.config_file} could not be written ({error.strerror}); nothing was changed."
        ) from None
