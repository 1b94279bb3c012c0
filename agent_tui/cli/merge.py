"""``agent-tui merge ID INTO_ID``: one ticket's messages join another's; the first is closed, pointing at it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from agent_tui.cli.parsing import ticket_id
from agent_tui.services.serialize import dumps

if TYPE_CHECKING:
    from agent_tui.services.tickets import TicketService


def add_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    merge = commands.add_parser(
        "merge",
        parents=[common],
        help="merge a ticket into another of the same customer (its messages move there; it is closed)",
    )
    merge.add_argument("id", type=ticket_id, help="the ticket to merge (it is closed, pointing at INTO_ID)")
    merge.add_argument("into", type=ticket_id, metavar="INTO_ID", help="the ticket that receives its messages")
    merge.add_argument("--force", action="store_true", help="merge even though the customers differ")
    merge.add_argument("--json", action="store_true", help="print JSON")


def cmd_merge(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.services.merge import merge_tickets

    moved = service.ticket(args.id).message_count
    target = merge_tickets(service, args.id, args.into, force=args.force)
    result = {
        "merged": args.id,
        "into": target.id,
        "messages_moved": moved,
        "status": service.ticket(args.id).status.value,
        "into_status": target.status.value,
        "into_messages": target.message_count,
    }
    if args.json:
        print(dumps(result))
    else:
        print(f"merged #{args.id} into #{target.id}: {moved} messages moved; #{args.id} is closed.")
    for what, why in service.share():  # saved here all the same; the team's copy follows at the next sync
        print(f"agent-tui: {what}: {why}.", file=sys.stderr)
    return 0


COMMANDS: dict[str, Callable[[TicketService, argparse.Namespace], int]] = {"merge": cmd_merge}
