"""Bulk commands: ``set`` on several tickets (or ``-``: ids from stdin) and ``macro list|apply``.

Thin: the ids are read by ``services.bulk.read_targets``, the changes made by ``services.bulk`` and
``services.macros``; this module parses, calls, and prints a summary (or per-ticket JSON) with the exit code
the results call for: 0 all applied, 1 the team's server could not be told, 2 bad input, 3 refused by the
collision guard.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from agent_tui.domain.text import safe_line
from agent_tui.errors import UsageError
from agent_tui.services.serialize import dumps

if TYPE_CHECKING:
    from agent_tui.services.bulk import BulkResult, Target, TicketChange
    from agent_tui.services.tickets import TicketService


def id_or_stdin(text: str) -> str:
    """A ticket id (``1042``, ``#1042``) or ``-``, kept as given: ``services.bulk`` parses and names it."""
    from agent_tui.cli.parsing import ticket_id

    return text if text == "-" else str(ticket_id(text))


def is_bulk(args: argparse.Namespace) -> bool:
    """``set`` on more than one ticket, or on ids from stdin (``set`` on one id keeps its own output)."""
    ids = args.id if isinstance(args.id, list) else [args.id]
    return len(ids) != 1 or ids[0] == "-"


def targets(args: argparse.Namespace) -> list[Target]:
    """The tickets named on the command line, ``-`` standing for stdin's (read whole before anything changes)."""
    from agent_tui.services.bulk import Target, parse_id, read_targets

    found: list[Target] = []
    seen: set[int] = set()
    for position, value in enumerate(args.id, start=1):
        batch = read_targets(sys.stdin) if value == "-" else [Target(parse_id(value, f"argument {position}"))]
        for target in batch:
            if target.ticket_id not in seen:
                seen.add(target.ticket_id)
                found.append(target)
    return found


def set_change(service: TicketService, args: argparse.Namespace) -> TicketChange:
    """What `set`'s options ask for, every value parsed first: a bad one changes nothing (UsageError)."""
    from agent_tui.services.bulk import parse_change

    change = parse_change(
        service,
        status=args.status,
        priority=args.priority,
        assign=args.assign,
        unassign=args.unassign,
        tags=args.tag,
        untags=args.untag,
        until=args.until,
    )
    if change.is_empty:
        raise UsageError("Nothing to change: give --status, --assign, --unassign, --priority, --tag or --untag.")
    return change


def cmd_set_many(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.services.bulk import change_many

    change = set_change(service, args)
    result = change_many(service, targets(args), change)
    return print_result(service, result, args.json, change.describe())


def print_result(service: TicketService, result: BulkResult, as_json: bool, what: str) -> int:
    """The summary (text: one line, then a line per ticket left as it was, on stderr) or per-ticket JSON."""
    from agent_tui.services.serialize import ticket_json

    if as_json:
        results = []
        for outcome in result.outcomes:
            data = outcome.to_json()
            if outcome.result == "applied":
                ticket = service.ticket(outcome.ticket_id)
                data["ticket"] = ticket_json(ticket, service.clocks(ticket))
            results.append(data)
        print(
            dumps(
                {
                    "applied": len(result.applied),
                    "refused": len(result.refused),
                    "results": results,
                    "not_shared": [{"ticket": what_, "reason": why} for what_, why in result.not_shared],
                    "exit_code": result.exit_code,
                }
            )
        )
    else:
        changed = " ".join(f"#{o.ticket_id}" for o in result.applied)
        print(f"{result.summary()} ({safe_line(what)}){': ' + changed if changed else ''}")
        for outcome in result.applied:
            if outcome.note:
                print(f"  #{outcome.ticket_id}: {safe_line(outcome.note)}")
    for line in result.refusals():
        print(f"agent-tui: {safe_line(line)}.", file=sys.stderr)
    for what_, why in result.not_shared:  # saved here all the same; the team's copy stays as it was
        print(f"agent-tui: {what_}: {why}.", file=sys.stderr)
    if result.share_error:
        print(f"agent-tui: {result.share_error}", file=sys.stderr)
    return result.exit_code


# -- macros ----------------------------------------------------------------------------------------


def add_parsers(commands: argparse._SubParsersAction, sub_common: argparse.ArgumentParser) -> None:
    """``macro list`` and ``macro apply``, registered by ``cli/main.build_parser``."""
    macro = commands.add_parser(
        "macro", parents=[sub_common], help="list macros, or apply one (a reply, status, assignee, tags, priority)"
    )
    actions = macro.add_subparsers(dest="macro_command", metavar="ACTION", parser_class=type(macro), required=True)
    listing = actions.add_parser("list", parents=[sub_common], help="the macros in force")
    listing.add_argument("--json", action="store_true", help="print JSON")
    apply = actions.add_parser("apply", parents=[sub_common], help="apply a macro to tickets (- reads ids from stdin)")
    apply.add_argument("name", metavar="NAME")
    apply.add_argument("id", nargs="+", type=id_or_stdin, metavar="ID")
    apply.add_argument("--send", action="store_true", help="send the macro's reply (else it is saved as your draft)")
    apply.add_argument("--as", dest="as_agent", metavar="'NAME <EMAIL>'", help="sign as this agent")
    apply.add_argument("--json", action="store_true", help="print JSON")


def sends(args: argparse.Namespace) -> bool:
    """Whether this command sends mail under the agent's name (so it must know who they are)."""
    return args.command == "macro" and getattr(args, "macro_command", None) == "apply" and args.send


def cmd_macro(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.cli.commands import _replies
    from agent_tui.services.macros import apply_macro, library

    replies = _replies(service, args)
    macros = library(replies)
    if args.macro_command == "list":
        for problem in macros.problems:  # a broken macro is left out of the list: say which and why
            print(f"agent-tui: skipped {problem}", file=sys.stderr)
        if args.json:
            print(dumps([m.to_json() for m in macros.macros]))
        else:
            for m in macros.macros:
                print(f"{m.name:<16} {safe_line(m.title)}\n{'':<16} {safe_line(m.describe())}")
        return 0
    macro = macros.get(args.name)
    result = apply_macro(replies, macro, targets(args), send=args.send)
    return print_result(service, result, args.json, f"macro {macro.name}: {macro.describe()}")


COMMANDS: dict[str, Callable[[TicketService, argparse.Namespace], int]] = {"macro": cmd_macro}
