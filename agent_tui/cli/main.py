"""The ``agent-tui`` command: the TUI, and a scriptable CLI with JSON output and clear exit codes.

This module parses the command line and dispatches; ``commands`` holds the commands (thin, over services),
``account`` the account commands, ``output`` the text and JSON shapes.

Exit codes: 0 ok, 1 failure, 2 usage or bad input, 3 refused by the collision guard. Errors are one
sentence on stderr; an unexpected crash writes its traceback to the log file, never to the screen.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from agent_tui import __version__
from agent_tui.cli.account import cmd_account
from agent_tui.cli.bulk import add_parsers as add_bulk_parsers
from agent_tui.cli.bulk import id_or_stdin
from agent_tui.cli.bulk import sends as bulk_sends
from agent_tui.cli.commands import COMMANDS
from agent_tui.cli.mail import add_parsers as add_mail_parsers
from agent_tui.cli.mail import add_reply_options
from agent_tui.cli.merge import add_parser as add_merge_parser
from agent_tui.cli.parsing import parse_now, ticket_id
from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import DEMO_ACCOUNT, Settings, load_settings
from agent_tui.domain.models import Agent
from agent_tui.errors import AgentTuiError, UsageError

if TYPE_CHECKING:
    from agent_tui.ui.app import AgentTuiApp


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see `agent-tui --help`).")


def build_parser() -> argparse.ArgumentParser:
    # Global options are accepted before or after the command: `agent-tui --home X list` and `agent-tui list --home X`.
    # The command's copies default to SUPPRESS so that they never overwrite a value given before the command.
    parser = _Parser(prog="agent-tui", description="A terminal help desk for a shared support inbox.")
    _global_options(parser, default=None)
    parser.add_argument("--version", action="version", version=f"agent-tui {__version__}")
    sub_common = _Parser(add_help=False)
    _global_options(sub_common, default=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    commands.add_parser("demo", parents=[sub_common], help="open the TUI on the built-in demo inbox")

    listing = commands.add_parser("list", parents=[sub_common], help="list tickets")
    listing.add_argument(
        "--view",
        default="all",
        help="as the TUI names them: everything (default; or all), all-open (open), unassigned, mine, pending,"
        " breaching-soon (breaching)",
    )
    listing.add_argument("--tag", help="only tickets with this tag")
    listing.add_argument("--filter", default="", help="the TUI's filter syntax: words, tag:x, status:x, ...")
    listing.add_argument("--search", help="full-text search of subjects, messages and customers")
    listing.add_argument(
        "--sort", default="sla", help="sla (default), priority, status, customer, subject, age, assignee, id"
    )
    listing.add_argument("--reverse", action="store_true", help="reverse the sort order")
    listing.add_argument("--limit", type=int, help="at most this many tickets")
    _output_options(listing, jsonl=True)

    show = commands.add_parser("show", parents=[sub_common], help="show one ticket and its conversation")
    show.add_argument("id", type=ticket_id)
    _output_options(show)

    change = commands.add_parser(
        "set", parents=[sub_common], help="change a ticket's status, assignee, priority or tags"
    )
    change.add_argument("id", nargs="+", type=id_or_stdin, metavar="ID", help="one or more; - reads ids from stdin")
    change.add_argument("--status")
    change.add_argument(
        "--until",
        metavar="WHEN",
        help="snooze: on hold until WHEN (2h, 3d, tomorrow 09:00, mon 09:00, an ISO time), then open again",
    )
    who = change.add_mutually_exclusive_group()
    who.add_argument("--assign", metavar="AGENT", help="'me', an email, a name or 'Name <email>'")
    who.add_argument("--unassign", action="store_true")
    change.add_argument("--priority")
    change.add_argument("--tag", action="append", default=[], metavar="T")
    change.add_argument("--untag", action="append", default=[], metavar="T")
    _output_options(change)

    take = commands.add_parser(
        "take", parents=[sub_common], help="assign a ticket to me, unless someone holds it (exit 3)"
    )
    take.add_argument("id", type=ticket_id)
    _output_options(take)

    sla = commands.add_parser("sla", parents=[sub_common], help="a ticket's SLA clocks")
    sla.add_argument("id", type=ticket_id)
    _output_options(sla)

    report = commands.add_parser("report", parents=[sub_common], help="queue health over a period (default: 7 days)")
    report.add_argument(
        "--since",
        metavar="DATE",
        help="start: a date (midnight, in the SLA policy's zone), today, yesterday, 7d, 12h, or a time",
    )
    report.add_argument("--until", metavar="DATE", help="end: a date (counted whole) or a time; default now")
    formats = report.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="print JSON")
    formats.add_argument("--csv", action="store_true", help="print CSV rows of metric,value")

    templates = commands.add_parser("templates", parents=[sub_common], help="list, render and check reply templates")
    template_commands = templates.add_subparsers(
        dest="templates_command", metavar="ACTION", parser_class=_Parser, required=True
    )
    template_list = template_commands.add_parser("list", parents=[sub_common], help="the templates in force")
    _output_options(template_list)
    render = template_commands.add_parser("render", parents=[sub_common], help="render a template for a ticket")
    render.add_argument("name")
    render.add_argument("--ticket", type=ticket_id, required=True)
    _template_options(render)
    _output_options(render)
    template_commands.add_parser("check", parents=[sub_common], help="lint every template; exit 2 on problems")

    reply = commands.add_parser("reply", parents=[sub_common], help="write (draft) or send a reply")
    reply.add_argument("id", type=ticket_id)
    body = reply.add_mutually_exclusive_group()
    body.add_argument("--template", metavar="NAME", help="start from a reply template")
    body.add_argument("--body-file", metavar="FILE", help="the reply's text, from a file or - for stdin")
    _template_options(reply)
    reply.add_argument("--send", action="store_true", help="send it (without a body: send the saved draft)")
    reply.add_argument(
        "--resend",
        action="store_true",
        help="with --send: send the draft even though an interrupted send may have delivered it",
    )
    reply.add_argument("--as", dest="as_agent", metavar="'NAME <EMAIL>'", help="sign as this agent")
    add_reply_options(reply)
    _output_options(reply)
    add_mail_parsers(commands, sub_common)

    note = commands.add_parser("note", parents=[sub_common], help="add an internal note (never sent to the customer)")
    note.add_argument("id", type=ticket_id)
    note.add_argument("--body-file", metavar="FILE", required=True, help="the note's text, from a file or - for stdin")
    note.add_argument("--as", dest="as_agent", metavar="'NAME <EMAIL>'", help="sign as this agent")
    _output_options(note)

    outbox = commands.add_parser(
        "outbox", parents=[sub_common], help="replies and notes not yet delivered; settle a held reply"
    )
    outbox_commands = outbox.add_subparsers(
        dest="outbox_command", metavar="ACTION", parser_class=_Parser, required=True
    )
    _output_options(outbox_commands.add_parser("list", parents=[sub_common], help="what is queued or held"))
    for action, text in (
        ("sent", "the ticket's held reply did reach the customer: record it as sent, send nothing"),
        ("drop", "don't send the ticket's unfinished reply: it becomes the draft again"),
    ):
        settle = outbox_commands.add_parser(action, parents=[sub_common], help=text)
        settle.add_argument("id", type=ticket_id)
        _output_options(settle)

    keys = commands.add_parser("keys", parents=[sub_common], help="list key bindings by id")
    _output_options(keys)

    ingest = commands.add_parser("ingest", parents=[sub_common], help="read tickets from files or stdin")
    ingest.add_argument("paths", nargs="*", metavar="PATH", help="files or maildir folders; - or nothing for stdin")
    ingest.add_argument("--format", default="auto", help="auto (default), eml, mbox, maildir, jsonl")
    ingest.add_argument("--deliver", action="store_true", help="also hand each message to the account's source")
    ingest.add_argument("--strict", action="store_true", help="stop at the first problem")
    _output_options(ingest)

    account = commands.add_parser("account", parents=[sub_common], help="add, list or remove accounts")
    account_commands = account.add_subparsers(
        dest="account_command", metavar="ACTION", parser_class=_Parser, required=True
    )
    add = account_commands.add_parser("add", parents=[sub_common], help="add an account")
    add.add_argument("name")
    add.add_argument("--local", action="store_true", help="no remote source: tickets come from `agent-tui ingest`")
    add.add_argument(
        "--imap", metavar="HOST:PORT", help="the shared inbox's IMAP server (or a preset: gmail, fastmail, outlook)"
    )
    add.add_argument(
        "--rt", metavar="URL", help="a Request Tracker 5 (REST2) at this base URL, e.g. https://rt.shop.example"
    )
    add.add_argument(
        "--zendesk", metavar="SUBDOMAIN|URL", help="a Zendesk Support account: its subdomain, or a base URL used as is"
    )
    add.add_argument("--queue", help="with --rt: the RT queue to work (default: every queue the user sees)")
    add.add_argument("--tags-field", metavar="NAME", help='with --rt: the custom field holding tags (default "Tags")')
    add.add_argument("--smtp", metavar="HOST:PORT", help="the SMTP server replies leave through")
    add.add_argument("--user", help="the login of the shared inbox")
    add.add_argument("--name", dest="display_name", help='the name replies are sent under, e.g. "Shop Support"')
    add.add_argument("--tls", choices=("ssl", "starttls", "none"), help="default ssl (starttls for outlook)")
    secret = add.add_mutually_exclusive_group()
    secret.add_argument(
        "--password-command", metavar="CMD", help="a command that prints the password (instead of the keyring)"
    )
    secret.add_argument(
        "--oauth2-command",
        metavar="CMD",
        help="a command that prints a fresh OAuth2 access token: log in with XOAUTH2 (Gmail, Outlook)",
    )
    secret.add_argument(
        "--token-command",
        metavar="CMD",
        help="with --rt or --zendesk: a command that prints the API token (instead of the keyring)",
    )
    add.add_argument("--address", help="the shared address mail is sent to, e.g. support@shop.example")
    _output_options(add)
    account_list = account_commands.add_parser("list", parents=[sub_common], help="list accounts")
    _output_options(account_list)
    remove = account_commands.add_parser("remove", parents=[sub_common], help="remove an account (its data stays)")
    remove.add_argument("name")

    add_merge_parser(commands, sub_common)  # merge ID INTO_ID (cli/merge.py)

    add_bulk_parsers(commands, sub_common)  # macro list|apply (cli/bulk.py)

    sync = commands.add_parser("sync", parents=[sub_common], help="fetch new mail from the account's server")
    _output_options(sync)
    return parser


def _global_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--home", metavar="DIR", default=default, help="keep config and data in DIR (env AGENT_TUI_HOME)"
    )
    parser.add_argument(
        "--account", metavar="NAME", default=default, help="work on this account instead of the default"
    )
    parser.add_argument("--now", metavar="ISO-8601", default=default, help="freeze the clock (env AGENT_TUI_NOW)")
    parser.add_argument("--keymap", metavar="NAME", default=default, help="key bindings: default, vim, or your own")


def _template_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--var", action="append", default=[], metavar="K=V", help="set a variable, e.g. customer.first_name=Ann"
    )
    parser.add_argument("--lang", help="the template's language (default: the customer's)")


def _output_options(parser: argparse.ArgumentParser, jsonl: bool = False) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print JSON")
    if jsonl:
        group.add_argument("--jsonl", action="store_true", help="print one JSON object per line")


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_output()
    home = None
    try:
        args = build_parser().parse_args(argv)
        home = args.home
        return _run(args)
    except AgentTuiError as error:
        print(f"agent-tui: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `agent-tui list | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # noqa: BLE001  # a bug: keep the traceback out of the terminal, in the log
        log = _log_crash(home)
        print(f"agent-tui: internal error ({type(error).__name__}); details are in {log}.", file=sys.stderr)
        return 1


def _signer(settings: Settings, args: argparse.Namespace) -> Settings:
    """Who signs what this command sends: ``--as``, else the configured agent; never a bare login name."""
    if getattr(args, "as_agent", None):
        agent = Agent.parse(args.as_agent)
        return replace(settings, agent=agent, identity_known=True)
    sends = args.command in ("note", "forward") or (args.command == "reply" and args.send)
    sends = sends or bulk_sends(args)  # macro apply --send
    if sends and not settings.identity_known:
        raise UsageError(
            f"Nothing was sent: it would be signed {settings.agent.name!r}, your login name. Say who you are with "
            "[agent] name and email in config.toml (the TUI asks on first run), AGENT_TUI_AGENT, or "
            "--as 'Name <email>'."
        )
    return settings


def _run(args: argparse.Namespace) -> int:
    from agent_tui.services.accounts import open_account

    paths = AppPaths.resolve(args.home)
    settings = load_settings(paths)
    now = parse_now(args.now or os.environ.get("AGENT_TUI_NOW"))
    if args.command in (None, "demo"):
        app = make_app(
            home=args.home,
            account=DEMO_ACCOUNT if args.command == "demo" else args.account,
            now=now,
            keymap=args.keymap,
        )
        app.run()
        return app.return_code or 0
    if args.command == "account":
        return cmd_account(paths, args)
    if args.command == "keys":
        from agent_tui.cli.output import print_keys
        from agent_tui.config.keymaps import load_keymap

        print_keys(load_keymap(paths, args.keymap or settings.keymap), as_json=args.json)
        return 0
    settings = _signer(settings, args)
    service = open_account(paths, settings, args.account, now)
    try:
        return COMMANDS[args.command](service, args)
    finally:
        service.close()


def make_app(
    *,
    home: str | os.PathLike[str] | None = None,
    account: str | None = None,
    now: datetime | None = None,
    keymap: str | None = None,
) -> AgentTuiApp:
    """The TUI, ready to run: shared by the command line and the tests. Config errors raise here, before any drawing."""
    from agent_tui.config.keymaps import load_keymap
    from agent_tui.services.accounts import open_account
    from agent_tui.services.replies import Replies
    from agent_tui.ui.app import AgentTuiApp

    paths = AppPaths.resolve(home)
    settings = load_settings(paths)
    keys = load_keymap(paths, keymap or settings.keymap)
    service = open_account(paths, settings, account, now, policy_later=True)
    if service.source is not None:
        service.source.before_tui()  # before Textual replaces stderr
    return AgentTuiApp(service, keys, Replies(service, paths, settings))


def _utf8_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8", errors="replace")


def _log_crash(home: str | None) -> str:
    paths = AppPaths.resolve(home)
    try:
        paths.log_file.parent.mkdir(parents=True, exist_ok=True)
        with paths.log_file.open("a", encoding="utf-8") as log:
            log.write(f"--- {datetime.now(UTC).isoformat()} agent-tui {__version__}\n")
            log.write(traceback.format_exc())
        return str(paths.log_file)
    except OSError:
        return "an unwritable log file"
