"""``agent-tui account add|remove|list``: what is asked at the terminal (a password) and printed."""

from __future__ import annotations

import argparse
import sys

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import DEMO_ACCOUNT, load_settings
from agent_tui.errors import UsageError
from agent_tui.services.serialize import dumps


def _read_password(account: str, what: str = "Password") -> str:
    """From a prompt on a terminal, else one line of standard input (for scripts)."""
    import getpass

    secret = getpass.getpass(f"{what} for {account}: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if not secret:
        raise UsageError("No password given; type it at the prompt, pipe it in, or use --password-command.")
    return secret


def cmd_account(paths: AppPaths, args: argparse.Namespace) -> int:
    from agent_tui.services.accounts import (
        Table,
        add_account,
        imap_account,
        remove_account,
        rt_account,
        zendesk_account,
    )

    if args.account_command == "add":
        if [bool(args.local), bool(args.imap), bool(args.rt), bool(args.zendesk)].count(True) != 1:
            raise UsageError(
                "Say what the account is: --local, --imap HOST:PORT --smtp HOST:PORT --user USER, --rt URL --user USER, "
                "or --zendesk SUBDOMAIN --user EMAIL."
            )
        table: Table
        if args.local:
            table = {"kind": "local"}
        elif args.zendesk:
            table = zendesk_account(args.zendesk, args.user, token_command=args.token_command)
        elif args.rt:
            table = rt_account(
                args.rt,
                args.user,
                queue=args.queue,
                tags_field=args.tags_field,
                password_command=args.password_command,
                token_command=args.token_command,
            )
        else:
            table = imap_account(
                args.imap,
                args.smtp,
                args.user,
                tls=args.tls,
                name=args.display_name,
                password_command=args.password_command,
                oauth2_command=args.oauth2_command,
            )
        if args.address:
            table["address"] = args.address
        if table.get("tls") == "none":
            print(
                "agent-tui: warning: --tls none sends the password and mail unencrypted; use it only on a trusted network.",
                file=sys.stderr,
            )
        what = "API token" if table.get("auth") == "token" else "Password"
        is_default = add_account(paths, args.name, table, lambda: _read_password(args.name, what))
        kind = table["kind"]
        if args.json:
            print(dumps({"name": args.name, "kind": kind, "default": is_default}))
        else:
            print(f"Added {kind} account {args.name}" + (", now the default account." if is_default else "."))
        return 0
    if args.account_command == "remove":
        remove_account(paths, args.name)
        print(
            f"Removed account {args.name}; its data stays in {paths.account_dir(args.name)} (delete it to free space)."
        )
        return 0
    settings = load_settings(paths)
    default = settings.account_name(None)
    accounts = [{"name": DEMO_ACCOUNT, "kind": "demo", "default": default == DEMO_ACCOUNT}] + [
        {"name": name, "kind": str(table.get("kind", "?")), "default": name == default}
        for name, table in settings.accounts.items()
    ]
    if args.json:
        print(dumps(accounts))
    else:
        for entry in accounts:
            print(f"{'*' if entry['default'] else ' '} {entry['name']:<20} {entry['kind']}")
    return 0
