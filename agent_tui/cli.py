"""The ``agent-tui`` command: the TUI, and a scriptable CLI with JSON output and clear exit codes.

Exit codes: 0 ok, 1 failure, 2 usage or bad input, 3 refused by the collision guard. Errors are one
sentence on stderr; an unexpected crash writes its traceback to the log file, never to the screen.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from agent_tui import __version__
from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import DEMO_ACCOUNT, load_settings
from agent_tui.domain.text import safe_block, safe_line
from agent_tui.errors import AgentTuiError, UsageError
from agent_tui.services.serialize import dumps

if TYPE_CHECKING:
    from agent_tui.services.tickets import TicketService
    from agent_tui.ui.app import AgentTuiApp


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see `agent-tui --help`).")


def parse_now(text: str | None) -> datetime | None:
    """``--now``: an ISO 8601 time; a time without an offset is taken as UTC."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{text!r} is not an ISO 8601 time such as 2026-11-24T09:30:00+00:00.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _ticket_id(text: str) -> int:
    try:
        number = int(text.lstrip("#"))
    except ValueError:
        number = -1
    if not 0 < number < 2**63:
        raise argparse.ArgumentTypeError(f"{text!r} is not a ticket id such as 1042")
    return number


def build_parser() -> argparse.ArgumentParser:
    # Global options are accepted before or after the command: `agent-tui --home X list` and `agent-tui list --home X`.
    # The command's copies default to SUPPRESS so that they never overwrite a value given before the command.
    parser = _Parser(prog="agent-tui", description="A terminal help desk for a shared support inbox.")
    _global_options(parser, default=None)
    parser.add_argument("--version", action="version", version=f"agent-tui {__version__}")
    sub_common = argparse.ArgumentParser(add_help=False)
    _global_options(sub_common, default=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    commands.add_parser("demo", parents=[sub_common], help="open the TUI on the built-in demo inbox")

    listing = commands.add_parser("list", parents=[sub_common], help="list tickets")
    listing.add_argument("--view", default="all", help="all (default), open, unassigned, mine, pending, breaching")
    listing.add_argument("--tag", help="only tickets with this tag")
    listing.add_argument("--filter", default="", help="the TUI's filter syntax: words, tag:x, status:x, ...")
    listing.add_argument("--search", help="full-text search of subjects, messages and customers")
    listing.add_argument("--sort", default="sla", help="sla (default), priority, status, customer, subject, age, assignee, id")
    listing.add_argument("--reverse", action="store_true", help="reverse the sort order")
    listing.add_argument("--limit", type=int, help="at most this many tickets")
    _output_options(listing, jsonl=True)

    show = commands.add_parser("show", parents=[sub_common], help="show one ticket and its conversation")
    show.add_argument("id", type=_ticket_id)
    _output_options(show)

    change = commands.add_parser("set", parents=[sub_common], help="change a ticket's status, assignee, priority or tags")
    change.add_argument("id", type=_ticket_id)
    change.add_argument("--status")
    who = change.add_mutually_exclusive_group()
    who.add_argument("--assign", metavar="AGENT", help="'me', an email, a name or 'Name <email>'")
    who.add_argument("--unassign", action="store_true")
    change.add_argument("--priority")
    change.add_argument("--tag", action="append", default=[], metavar="T")
    change.add_argument("--untag", action="append", default=[], metavar="T")
    _output_options(change)

    take = commands.add_parser("take", parents=[sub_common], help="assign a ticket to me, unless someone holds it (exit 3)")
    take.add_argument("id", type=_ticket_id)
    _output_options(take)

    sla = commands.add_parser("sla", parents=[sub_common], help="a ticket's SLA clocks")
    sla.add_argument("id", type=_ticket_id)
    _output_options(sla)

    report = commands.add_parser("report", parents=[sub_common], help="queue health over a period (default: 7 days)")
    report.add_argument("--since", metavar="DATE", help="start: a date (midnight, in the SLA policy's zone) or a time")
    report.add_argument("--until", metavar="DATE", help="end: a date (counted whole) or a time; default now")
    formats = report.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="print JSON")
    formats.add_argument("--csv", action="store_true", help="print CSV rows of metric,value")

    templates = commands.add_parser("templates", parents=[sub_common], help="list, render and check reply templates")
    template_commands = templates.add_subparsers(dest="templates_command", metavar="ACTION", parser_class=_Parser, required=True)
    template_list = template_commands.add_parser("list", parents=[sub_common], help="the templates in force")
    _output_options(template_list)
    render = template_commands.add_parser("render", parents=[sub_common], help="render a template for a ticket")
    render.add_argument("name")
    render.add_argument("--ticket", type=_ticket_id, required=True)
    _template_options(render)
    _output_options(render)
    template_commands.add_parser("check", parents=[sub_common], help="lint every template; exit 2 on problems")

    reply = commands.add_parser("reply", parents=[sub_common], help="write (draft) or send a reply")
    reply.add_argument("id", type=_ticket_id)
    body = reply.add_mutually_exclusive_group()
    body.add_argument("--template", metavar="NAME", help="start from a reply template")
    body.add_argument("--body-file", metavar="FILE", help="the reply's text, from a file or - for stdin")
    _template_options(reply)
    reply.add_argument("--send", action="store_true", help="send it (without a body: send the saved draft)")
    reply.add_argument("--resend", action="store_true",
                       help="with --send: send the draft even though an interrupted send may have delivered it")
    _output_options(reply)

    keys = commands.add_parser("keys", parents=[sub_common], help="list key bindings by id")
    _output_options(keys)

    ingest = commands.add_parser("ingest", parents=[sub_common], help="read tickets from files or stdin")
    ingest.add_argument("paths", nargs="*", metavar="PATH", help="files or maildir folders; - or nothing for stdin")
    ingest.add_argument("--format", default="auto", help="auto (default), eml, mbox, maildir, jsonl")
    ingest.add_argument("--deliver", action="store_true", help="also hand each message to the account's source")
    ingest.add_argument("--strict", action="store_true", help="stop at the first problem")
    _output_options(ingest)

    account = commands.add_parser("account", parents=[sub_common], help="add, list or remove accounts")
    account_commands = account.add_subparsers(dest="account_command", metavar="ACTION", parser_class=_Parser, required=True)
    add = account_commands.add_parser("add", parents=[sub_common], help="add an account")
    add.add_argument("name")
    add.add_argument("--local", action="store_true", help="no remote source: tickets come from `agent-tui ingest`")
    add.add_argument("--imap", metavar="HOST:PORT", help="the shared inbox's IMAP server (or a preset: gmail, fastmail, outlook)")
    add.add_argument("--smtp", metavar="HOST:PORT", help="the SMTP server replies leave through")
    add.add_argument("--user", help="the login of the shared inbox")
    add.add_argument("--name", dest="display_name", help='the name replies are sent under, e.g. "Shop Support"')
    add.add_argument("--tls", choices=("ssl", "starttls", "none"), help="default ssl (starttls for outlook)")
    secret = add.add_mutually_exclusive_group()
    secret.add_argument("--password-command", metavar="CMD", help="a command that prints the password (instead of the keyring)")
    secret.add_argument("--oauth2-command", metavar="CMD",
                        help="a command that prints a fresh OAuth2 access token: log in with XOAUTH2 (Gmail, Outlook)")
    add.add_argument("--address", help="the shared address mail is sent to, e.g. support@shop.example")
    _output_options(add)
    account_list = account_commands.add_parser("list", parents=[sub_common], help="list accounts")
    _output_options(account_list)
    remove = account_commands.add_parser("remove", parents=[sub_common], help="remove an account (its data stays)")
    remove.add_argument("name")

    sync = commands.add_parser("sync", parents=[sub_common], help="fetch new mail from the account's server")
    _output_options(sync)
    return parser


def _global_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--home", metavar="DIR", default=default, help="keep config and data in DIR (env AGENT_TUI_HOME)")
    parser.add_argument("--account", metavar="NAME", default=default, help="work on this account instead of the default")
    parser.add_argument("--now", metavar="ISO-8601", default=default, help="freeze the clock (env AGENT_TUI_NOW)")
    parser.add_argument("--keymap", metavar="NAME", default=default, help="key bindings: default, vim, or your own")


def _template_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--var", action="append", default=[], metavar="K=V", help="set a variable, e.g. customer.first_name=Ann")
    parser.add_argument("--lang", help="the template's language (default: the customer's)")


def _vars(pairs: list[str]) -> dict[str, str]:
    found = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--var {pair!r}: use NAME=VALUE, e.g. customer.first_name=Ann.")
        found[key.strip()] = value
    return found


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


def _run(args: argparse.Namespace) -> int:
    from agent_tui.services.accounts import open_account

    paths = AppPaths.resolve(args.home)
    settings = load_settings(paths)
    now = parse_now(args.now or os.environ.get("AGENT_TUI_NOW"))
    if args.command in (None, "demo"):
        app = make_app(home=args.home, account=DEMO_ACCOUNT if args.command == "demo" else args.account, now=now, keymap=args.keymap)
        app.run()
        return app.return_code or 0
    if args.command == "account":
        return _cmd_account(paths, args)
    if args.command == "keys":
        from agent_tui.cli_output import print_keys
        from agent_tui.config.keymaps import load_keymap

        print_keys(load_keymap(paths, args.keymap or settings.keymap), as_json=args.json)
        return 0
    service = open_account(paths, settings, args.account, now)
    try:
        return _COMMANDS[args.command](service, args)
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
    if service.source is not None and service.source.kind == "imap":
        from agent_tui.sources.imap import prepare_parse_helper

        prepare_parse_helper()  # before Textual replaces stderr, so a big first sync can parse on a second core
    return AgentTuiApp(service, keys, Replies(service, paths, settings))


def _cmd_list(service: TicketService, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from agent_tui.cli_output import print_queue
    from agent_tui.domain.models import normalise_tag
    from agent_tui.domain.queue import QueueQuery, SortKey, View, parse_filter

    try:
        sort = SortKey(args.sort)
    except ValueError:
        raise UsageError(f"Unknown sort {args.sort!r}: use one of {', '.join(k.value for k in SortKey)}.") from None
    flt = parse_filter(args.filter)
    if args.search:
        flt = replace(flt, search=args.search)
    query = QueueQuery(
        view=View.parse(args.view),
        tag=normalise_tag(args.tag) if args.tag else None,
        filter=flt,
        sort=sort,
        descending=args.reverse,
    )
    ids = service.queue_ids(query)
    if args.limit is not None:
        ids = ids[: max(args.limit, 0)]
    print_queue(service, ids, mode="json" if args.json else "jsonl" if args.jsonl else "text")
    return 0


def _cmd_show(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.cli_output import print_detail

    _replies(service, args).mark_seen(args.id)  # seeing the ticket lets a held-back draft go out
    print_detail(service, service.detail(args.id), as_json=args.json)
    return 0


def _cmd_sla(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.cli_output import print_clocks

    clocks = service.clocks(service.ticket(args.id))
    if args.json:
        print(dumps([clock.to_json() for clock in clocks]))
    else:
        print_clocks(service, clocks)
    return 0


def _cmd_set(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.cli_output import print_detail
    from agent_tui.domain.models import Priority, Status, normalise_tag

    # Parse everything first, so a bad value changes nothing.
    status = Status.parse(args.status) if args.status else None
    priority = Priority.parse(args.priority) if args.priority else None
    assignee = service.resolve_agent(args.assign) if args.assign else None
    tags = [normalise_tag(t) for t in args.tag]
    untags = [normalise_tag(t) for t in args.untag]
    if not any([status, priority is not None, assignee, args.unassign, tags, untags]):
        raise UsageError("Nothing to change: give --status, --assign, --unassign, --priority, --tag or --untag.")
    service.ticket(args.id)  # a missing ticket is reported before anything else
    with service.store.transaction():
        if status:
            service.set_status(args.id, status)
        if priority is not None:
            service.set_priority(args.id, priority)
        if assignee or args.unassign:
            service.assign(args.id, assignee)
        for tag in tags:
            service.tag(args.id, tag, True)
        for tag in untags:
            service.tag(args.id, tag, False)
    print_detail(service, service.detail(args.id), as_json=args.json, with_messages=False)
    service.share()
    return 0


def _cmd_ingest(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.services.ingest import Ingestor
    from agent_tui.sources.pipe import read_inputs

    if args.deliver and (service.source is None or not hasattr(service.source, "deliver_mail")):
        raise UsageError(f"Account {service.account!r} has no remote source to deliver to; drop --deliver.")

    def report_error(origin: str, reason: str) -> None:
        print(f"agent-tui: {origin}: {reason}.", file=sys.stderr)

    items = read_inputs(args.paths, args.format, sys.stdin.buffer, service.now())
    if args.deliver:
        return _deliver(service, items, args, report_error)
    report = Ingestor(service).ingest(items, strict=args.strict, on_error=report_error)
    print(dumps(report.to_json()) if args.json else report.summary())
    return 2 if report.failed else 0


def _deliver(service: TicketService, items, args: argparse.Namespace, report_error) -> int:
    """``ingest --deliver``: put the mail into the shared inbox, then sync, so the tickets get the ids every
    agent's machine gives them. JSON lines are refused: their tags, keys and status have no place in a mailbox."""
    from agent_tui.services.sync import sync
    from agent_tui.sources.pipe import Incoming, Unreadable

    failed = 0

    def mail() -> Iterator[tuple[bytes, datetime]]:
        nonlocal failed
        for item in items:
            if isinstance(item, Incoming) and item.raw:
                yield item.raw, item.message.date
                continue
            if not isinstance(item, Unreadable):
                raise UsageError("--deliver takes mail (eml, mbox, maildir); JSON lines carry ticket fields a mailbox "
                                 "cannot hold, so ingest them without --deliver.")
            failed += 1
            report_error(item.origin, item.reason)
            if args.strict:
                return

    delivered = service.source.deliver_mail(mail())  # type: ignore[union-attr]
    report = sync(service)
    report.failed += failed
    data = report.to_json() | {"delivered": delivered}
    print(dumps(data) if args.json else f"delivered {delivered} to the shared inbox · " + report.summary())
    return 2 if failed else 0


def _imap_table(args: argparse.Namespace) -> dict[str, str | int | bool]:
    from agent_tui.sources.imap import PRESETS

    imap, smtp, tls = PRESETS.get(args.imap, (args.imap, args.smtp, "ssl"))
    smtp, tls = args.smtp or smtp, args.tls or tls
    if not smtp or not args.user:
        raise UsageError("An IMAP account needs --smtp HOST:PORT and --user USER as well.")
    if tls == "none":
        print("agent-tui: warning: --tls none sends the password and mail unencrypted; use it only on a trusted network.",
              file=sys.stderr)
    table: dict[str, str | int | bool] = {"kind": "imap", "imap": imap, "smtp": smtp, "user": args.user, "tls": tls}
    if args.display_name:
        table["name"] = args.display_name
    if args.password_command:
        table["password_command"] = args.password_command
    if args.oauth2_command:
        table["oauth2_command"] = args.oauth2_command
    return table


def _read_password(account: str) -> str:
    """From a prompt on a terminal, else one line of standard input (for scripts)."""
    import getpass

    secret = getpass.getpass(f"Password for {account}: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if not secret:
        raise UsageError("No password given; type it at the prompt, pipe it in, or use --password-command.")
    return secret


def _cmd_sync(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.services.sync import sync

    report = sync(service)
    for origin, reason in report.errors:
        print(f"agent-tui: {origin}: {reason}.", file=sys.stderr)
    print(dumps(report.to_json()) if args.json else report.summary())
    return 0


def _cmd_account(paths: AppPaths, args: argparse.Namespace) -> int:
    from agent_tui.config.settings import add_account, remove_account

    if args.account_command == "add":
        if args.local == bool(args.imap):
            raise UsageError("Say what the account is: --local, or --imap HOST:PORT --smtp HOST:PORT --user USER.")
        table: dict[str, str | int | bool] = {"kind": "local"} if args.local else _imap_table(args)
        if args.address:
            table["address"] = args.address
        if not args.local and not args.password_command and not args.oauth2_command:
            from agent_tui.services import credentials

            paths.account_dir(args.name)  # a bad name is refused before asking for anything
            credentials.store_password(args.name, str(table["user"]), _read_password(args.name))
        is_default = add_account(paths, args.name, table)
        kind = table["kind"]
        if args.json:
            print(dumps({"name": args.name, "kind": kind, "default": is_default}))
        else:
            print(f"Added {kind} account {args.name}" + (", now the default account." if is_default else "."))
        return 0
    if args.account_command == "remove":
        table = load_settings(paths).accounts.get(args.name, {})
        if table.get("kind") == "imap" and not table.get("password_command") and not table.get("oauth2_command"):
            from agent_tui.services import credentials

            credentials.forget_password(args.name, str(table.get("user", "")))
        remove_account(paths, args.name)
        print(f"Removed account {args.name}; its data stays in {paths.account_dir(args.name)} (delete it to free space).")
        return 0
    settings = load_settings(paths)
    default = settings.account_name(None)
    accounts = [{"name": DEMO_ACCOUNT, "kind": "demo", "default": default == DEMO_ACCOUNT}] + [
        {"name": name, "kind": str(table.get("kind", "?")), "default": name == default} for name, table in settings.accounts.items()
    ]
    if args.json:
        print(dumps(accounts))
    else:
        for entry in accounts:
            print(f"{'*' if entry['default'] else ' '} {entry['name']:<20} {entry['kind']}")
    return 0


def _cmd_report(service: TicketService, args: argparse.Namespace) -> int:
    from datetime import timedelta

    from agent_tui.cli_output import print_report

    until = _period_bound(args.until, service, end=True) if args.until else service.now()
    since = _period_bound(args.since, service, end=False) if args.since else until - timedelta(days=7)
    if since >= until:
        raise UsageError("--since must come before --until.")
    print_report(service.report(since, until), "json" if args.json else "csv" if args.csv else "text")
    return 0


def _period_bound(text: str, service: TicketService, *, end: bool) -> datetime:
    """A date means midnight in the policy's zone (for --until, the midnight after: the day counts whole)."""
    from datetime import date, timedelta

    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return parse_now(text)  # type: ignore[return-value]
    try:
        moment = datetime.combine(day + timedelta(days=1 if end else 0), datetime.min.time(), service.tz)
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise UsageError(f"{text!r} is out of range for a report.") from None


def _replies(service: TicketService, args: argparse.Namespace):
    from agent_tui.services.replies import Replies

    paths = AppPaths.resolve(args.home)
    return Replies(service, paths, load_settings(paths))


def _cmd_templates(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.domain.text import fit_cells

    replies = _replies(service, args)
    library = replies.library
    if args.templates_command == "list":
        for problem in library.problems:  # a broken template is left out of the list: say which and why
            print(f"agent-tui: skipped {problem}", file=sys.stderr)
        if args.json:
            print(dumps([t.to_json() for t in library.templates]))
        else:
            for t in library.templates:
                print(f"{t.name:<28} {t.language:<3} {fit_cells(safe_line(t.title), 40)}  {' '.join(t.tags)}")
        return 0
    if args.templates_command == "check":
        problems = library.check(_customer_fields(replies))
        for problem in problems:
            print(problem, file=sys.stderr)
        if not problems:
            print(f"{len(library.templates)} templates, no problems.")
        return 2 if problems else 0
    rendered = replies.render(args.name, args.ticket, _vars(args.var), args.lang)
    if args.json:
        print(dumps({"template": rendered.template.name, "language": rendered.template.language, "text": rendered.text}))
    else:
        sys.stdout.write(safe_block(rendered.text))
    return 0


def _customer_fields(replies) -> set[str]:
    fields: set[str] = set()
    for values in replies.customer_data().values():
        fields.update(values)
    return fields


def _cmd_reply(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.services.replies import read_body
    from agent_tui.services.serialize import message_json

    replies = _replies(service, args)
    if args.template:
        body: str | None = replies.render(args.template, args.id, _vars(args.var), args.lang).text
    elif args.body_file:
        body = read_body(args.body_file, sys.stdin.read() if args.body_file == "-" else "")
    else:
        body = None
    if args.send:
        message = replies.send(args.id, body, resend=args.resend)
        result = {"status": "sent", "ticket": args.id, **message_json(message)}
    else:
        if body is None:
            draft = replies.draft(args.id)
            if draft is None:
                raise UsageError("Give --template NAME or --body-file FILE (or --send to send the saved draft).")
        else:
            draft = replies.save_draft(args.id, body, args.template)
        message = replies.outgoing(args.id, draft.body, draft.message_id)
        result = {"status": "draft", "ticket": args.id, **message_json(message)}
    if args.json:
        print(dumps(result))
    else:
        print(f"{result['status']}: reply to #{args.id} · {safe_line(message.subject)} · to {safe_line(str(message.to[0]))}")
        print()
        sys.stdout.write(safe_block(message.text))
    return 0


def _cmd_take(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.cli_output import print_detail

    service.take(args.id)
    print_detail(service, service.detail(args.id), as_json=args.json, with_messages=False)
    return 0


_COMMANDS = {"list": _cmd_list, "show": _cmd_show, "set": _cmd_set, "ingest": _cmd_ingest, "sla": _cmd_sla, "report": _cmd_report,
             "templates": _cmd_templates, "reply": _cmd_reply, "sync": _cmd_sync, "take": _cmd_take}


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
