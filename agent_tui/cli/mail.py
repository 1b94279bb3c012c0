"""Mail commands beyond replying: ``attachments`` (list and save a ticket's files) and ``forward``; and the
``reply`` options that name recipients and files (``--to``, ``--cc``, ``--attach``).

Registered by ``main.build_parser`` (:func:`add_parsers`) and ``commands.COMMANDS`` (:data:`COMMANDS`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from agent_tui.cli.output import format_size
from agent_tui.cli.parsing import ticket_id
from agent_tui.domain.text import safe_block, safe_line
from agent_tui.errors import UsageError
from agent_tui.services.serialize import dumps

if TYPE_CHECKING:
    from agent_tui.domain.models import Address, Attachment
    from agent_tui.services.tickets import TicketService


def add_reply_options(reply: argparse.ArgumentParser) -> None:
    """``reply``'s recipients and files."""
    reply.add_argument(
        "--to", action="append", default=None, metavar="ADDR", help="send to ADDR instead of the customer (repeatable)"
    )
    reply.add_argument(
        "--cc", action="append", default=None, metavar="ADDR", help="copy ADDR (repeatable; replaces the thread's CC)"
    )
    reply.add_argument("--attach", action="append", default=[], metavar="FILE", help="attach FILE (repeatable)")


def add_parsers(commands: argparse._SubParsersAction, sub_common: argparse.ArgumentParser) -> None:
    attachments = commands.add_parser(
        "attachments", parents=[sub_common], help="list a ticket's attachments, or save them with --save DIR"
    )
    attachments.add_argument("id", type=ticket_id)
    attachments.add_argument("--save", metavar="DIR", help="write them to DIR under safe names (never overwriting)")
    attachments.add_argument("--message", type=int, metavar="N", help="only the N-th message's (from 1)")
    attachments.add_argument("--json", action="store_true", help="print JSON")

    forward = commands.add_parser(
        "forward", parents=[sub_common], help="forward the conversation (or one message) with its attachments"
    )
    forward.add_argument("id", type=ticket_id)
    forward.add_argument("--to", action="append", required=True, metavar="ADDR", help="forward to ADDR (repeatable)")
    forward.add_argument("--cc", action="append", default=[], metavar="ADDR", help="copy ADDR (repeatable)")
    forward.add_argument("--body-file", metavar="FILE", help="a note above the forwarded text, from a file or -")
    forward.add_argument("--message", type=int, metavar="N", help="forward only the N-th message (from 1)")
    forward.add_argument("--as", dest="as_agent", metavar="'NAME <EMAIL>'", help="sign as this agent")
    forward.add_argument("--json", action="store_true", help="print JSON")


def reply_recipients(
    args: argparse.Namespace,
) -> tuple[tuple[Address, ...] | None, tuple[Address, ...] | None, list[tuple[Attachment, bytes]]]:
    """``reply``'s --to, --cc (None: the defaults) and --attach files, read and checked."""
    from agent_tui.services.attachments import read_attachment
    from agent_tui.services.replies import parse_addresses

    to = parse_addresses(args.to, "--to") if getattr(args, "to", None) else None
    cc = parse_addresses(args.cc, "--cc") if getattr(args, "cc", None) else None
    files = [read_attachment(path) for path in getattr(args, "attach", None) or ()]
    return to, cc, files


def cmd_attachments(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.services.attachments import save_files, ticket_files

    service.ticket(args.id)  # an unknown ticket: exit 2 with its sentence
    files = ticket_files(service, args.id, args.message)
    saved: Sequence[Path | None] = save_files(files, Path(args.save).expanduser()) if args.save else [None] * len(files)
    messages = [m.id for m in service.store.messages(args.id)]
    rows = [
        {
            "number": f.number,
            "message": messages.index(f.message.id) + 1 if f.message.id in messages else None,
            "filename": f.attachment.filename,
            "safe_name": f.safe_name,
            "content_type": f.attachment.content_type,
            "size": f.attachment.size,
            "available": f.data is not None,
            **({"saved_to": str(path) if path else None} if args.save else {}),
        }
        for f, path in zip(files, saved, strict=True)
    ]
    if args.json:
        print(dumps(rows, indent=2))
        return 0
    if not rows:
        print(f"Ticket {args.id} has no attachments.")
    for row, file in zip(rows, files, strict=True):
        line = (
            f"{row['number']:>3}  {safe_line(file.attachment.filename)}  "
            f"{safe_line(file.attachment.content_type)}  {format_size(file.attachment.size)}  (message {row['message']})"
        )
        if args.save:
            where = row["saved_to"]
            line += f"  -> {safe_line(str(where))}" if where else "  (not saved: its content was not kept)"
        elif file.data is None:
            line += "  (content not kept)"
        print(line)
    return 0


def cmd_forward(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.cli.commands import _replies
    from agent_tui.services.replies import parse_addresses, read_body
    from agent_tui.services.serialize import message_json

    to = parse_addresses(args.to, "--to")
    cc = parse_addresses(args.cc, "--cc")
    body = read_body(args.body_file, sys.stdin.read() if args.body_file == "-" else "") if args.body_file else ""
    message = _replies(service, args).forward(args.id, to, body, message_index=args.message, cc=cc)
    delivered = service.source is not None and service.source.capabilities.send
    if args.json:
        print(dumps({"status": "forwarded", "delivered": delivered, "ticket": args.id, **message_json(message)}))
        return 0
    status = "forwarded" if delivered else "recorded (this account has no mail server: nothing was delivered)"
    recipients = ", ".join(safe_line(str(a)) for a in message.to)
    print(f"{status}: #{args.id} · {safe_line(message.subject)} · to {recipients}")
    for attachment in message.attachments:
        print(f"  attached {safe_line(attachment.filename)} ({format_size(attachment.size)})")
    print()
    sys.stdout.write(safe_block(message.text))
    return 0


def _check(args: argparse.Namespace) -> None:
    if getattr(args, "message", None) is not None and args.message < 1:
        raise UsageError("--message counts from 1.")


def _checked(command: Callable[[TicketService, argparse.Namespace], int]):
    def run(service: TicketService, args: argparse.Namespace) -> int:
        _check(args)
        return command(service, args)

    return run


COMMANDS: dict[str, Callable[[TicketService, argparse.Namespace], int]] = {
    "attachments": _checked(cmd_attachments),
    "forward": _checked(cmd_forward),
}
