"""The commands that work on an account's tickets: each calls a service and prints what it returns (``output``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from agent_tui.cli.bulk import COMMANDS as BULK_COMMANDS
from agent_tui.cli.bulk import cmd_set_many, is_bulk, set_change
from agent_tui.cli.mail import COMMANDS as MAIL_COMMANDS
from agent_tui.cli.merge import COMMANDS as MERGE_COMMANDS
from agent_tui.cli.parsing import key_values, parse_now
from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import load_settings
from agent_tui.domain.models import Author
from agent_tui.domain.text import safe_block, safe_line
from agent_tui.errors import UsageError
from agent_tui.services.serialize import dumps

if TYPE_CHECKING:
    from agent_tui.services.tickets import TicketService


def cmd_list(service: TicketService, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from agent_tui.cli.output import print_queue
    from agent_tui.domain.models import normalise_tag
    from agent_tui.domain.queue import QueueQuery, SortKey, View, parse_filter

    try:
        sort = SortKey(args.sort)
    except ValueError:
        raise UsageError(f"Unknown sort {args.sort!r}: use one of {', '.join(k.value for k in SortKey)}.") from None
    flt = parse_filter(args.filter)
    if flt.hint is not None:
        raise UsageError(f"--filter {args.filter!r}: {flt.hint}")
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


def cmd_show(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.cli.output import print_detail

    _replies(service, args).mark_seen(args.id)  # seeing the ticket lets a held-back draft go out
    print_detail(service, service.detail(args.id), as_json=args.json)
    return 0


def cmd_sla(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.cli.output import print_clocks

    clocks = service.clocks(service.ticket(args.id))
    if args.json:
        print(dumps([clock.to_json() for clock in clocks]))
    else:
        print_clocks(service, clocks)
    return 0


def cmd_set(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.cli.output import print_detail
    from agent_tui.services.bulk import apply_change

    if is_bulk(args):  # several tickets, or ids from stdin: cli/bulk.py
        return cmd_set_many(service, args)
    args.id = int(args.id[0])
    change = set_change(service, args)
    service.ticket(args.id)  # a missing ticket is reported before anything else
    apply_change(service, args.id, change)
    print_detail(service, service.detail(args.id), as_json=args.json, with_messages=False)
    for what, why in service.share():  # saved here all the same; the team's copy stays as it was
        print(f"agent-tui: {what}: {why}.", file=sys.stderr)
    return 0


def cmd_ingest(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.services.ingest import Ingestor
    from agent_tui.sources.mail import read_inputs

    if args.deliver and (service.source is None or not service.source.capabilities.accepts_mail):
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
    from agent_tui.sources.items import Incoming, Unreadable

    failed = 0

    def mail() -> Iterator[tuple[bytes, datetime]]:
        nonlocal failed
        for item in items:
            if isinstance(item, Incoming) and item.raw:
                yield item.raw, item.message.date
                continue
            if not isinstance(item, Unreadable):
                raise UsageError(
                    "--deliver takes mail (eml, mbox, maildir); JSON lines carry ticket fields a mailbox "
                    "cannot hold, so ingest them without --deliver."
                )
            failed += 1
            report_error(item.origin, item.reason)
            if args.strict:
                return

    assert service.source is not None  # checked by cmd_ingest
    delivered = service.source.deliver_mail(mail())
    report = sync(service)
    report.failed += failed
    data = report.to_json() | {"delivered": delivered}
    print(dumps(data) if args.json else f"delivered {delivered} to the shared inbox · " + report.summary())
    return 2 if failed else 0


def cmd_sync(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.services.sync import sync

    report = sync(service)
    for origin, reason in report.errors:
        print(f"agent-tui: {origin}: {reason}.", file=sys.stderr)
    print(dumps(report.to_json()) if args.json else report.summary())
    return 0


def cmd_report(service: TicketService, args: argparse.Namespace) -> int:
    from datetime import timedelta

    from agent_tui.cli.output import print_report

    until = _period_bound(args.until, service, end=True) if args.until else service.now()
    since = _period_bound(args.since, service, end=False) if args.since else until - timedelta(days=7)
    if since >= until:
        raise UsageError("--since must come before --until.")
    print_report(service.report(since, until), "json" if args.json else "csv" if args.csv else "text")
    return 0


PERIOD_WORDS = "a date (2026-11-24), today, yesterday, a span back from now (7d, 12h) or an ISO 8601 time"


def _period_bound(text: str, service: TicketService, *, end: bool) -> datetime:
    """A date means midnight in the policy's zone (for --until, the midnight after: the day counts whole);
    ``today`` and ``yesterday`` are such dates, in that zone; ``7d`` and ``12h`` are that long before now."""
    import re
    from datetime import date, timedelta

    word = text.strip().lower()
    if span := re.fullmatch(r"(\d{1,5})([dh])", word):
        return service.now() - timedelta(**{"days" if span[2] == "d" else "hours": int(span[1])})
    try:
        if word in ("today", "yesterday"):
            day = service.now().astimezone(service.tz).date() - timedelta(days=word == "yesterday")
        else:
            day = date.fromisoformat(word)
    except ValueError:
        try:
            moment = parse_now(text)
        except UsageError:
            raise UsageError(f"--since and --until take {PERIOD_WORDS}; {text!r} is none of these.") from None
        if moment is None:  # an empty --since or --until
            raise UsageError(f"--since and --until take {PERIOD_WORDS}.") from None
        return moment
    try:
        moment = datetime.combine(day + timedelta(days=1 if end else 0), datetime.min.time(), service.tz)
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise UsageError(f"{text!r} is out of range for a report.") from None


def _replies(service: TicketService, args: argparse.Namespace):
    from agent_tui.services.replies import Replies

    paths = AppPaths.resolve(args.home)
    return Replies(service, paths, load_settings(paths))


def cmd_templates(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.display import fit_cells

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
    rendered = replies.render(args.name, args.ticket, key_values(args.var), args.lang)
    if args.json:
        print(
            dumps({"template": rendered.template.name, "language": rendered.template.language, "text": rendered.text})
        )
    else:
        sys.stdout.write(safe_block(rendered.text))
    return 0


def _customer_fields(replies) -> set[str]:
    fields: set[str] = set()
    for values in replies.customer_data().values():
        fields.update(values)
    return fields


def cmd_reply(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.cli.mail import reply_recipients
    from agent_tui.cli.output import print_recipients
    from agent_tui.services.replies import address_line, read_body
    from agent_tui.services.serialize import message_json

    to, cc, files = reply_recipients(args)  # checked first: a wrong address is named before anything else
    replies = _replies(service, args)
    if args.template:
        body: str | None = replies.render(args.template, args.id, key_values(args.var), args.lang).text
    elif args.body_file:
        body = read_body(args.body_file, sys.stdin.read() if args.body_file == "-" else "")
    else:
        body = None
    if args.send:
        message = replies.send(args.id, body, resend=args.resend, to=to, cc=cc, files=files)
        delivered = service.source is not None and service.source.capabilities.send
        # "status" stays "sent" for the scripts that read it; "delivered" says whether it left this machine.
        result = {"status": "sent", "delivered": delivered, "ticket": args.id, **message_json(message)}
    else:
        if body is None:
            draft = replies.draft(args.id)
            if draft is None:
                raise UsageError("Give --template NAME or --body-file FILE (or --send to send the saved draft).")
        else:  # --to and --cc stay with the draft: a later `reply ID --send` sends to them
            lines = (address_line(to) if to is not None else None, address_line(cc) if cc is not None else None)
            chosen = None if lines == (None, None) else lines  # None: the draft's lines as they were
            draft = replies.save_draft(args.id, body, args.template, recipients=chosen)
        to, cc = replies.chosen_recipients(draft, to, cc)  # as --send would send it
        message = replies.outgoing(args.id, draft.body, draft.message_id, to=to, cc=cc, files=files)
        result = {"status": "draft", "ticket": args.id, **message_json(message)}
    if args.json:
        print(dumps(result))
    else:
        status = str(result["status"])
        if result.get("delivered") is False:
            status = "recorded (this account has no mail server or help desk: nothing was delivered)"
        print(f"{status}: reply to #{args.id} · {safe_line(message.subject)} · to {safe_line(str(message.to[0]))}")
        print_recipients(message)
        print()
        sys.stdout.write(safe_block(message.text))
    return 0


def cmd_note(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.services.replies import read_body
    from agent_tui.services.serialize import message_json

    body = read_body(args.body_file, sys.stdin.read() if args.body_file == "-" else "")
    message = _replies(service, args).note(args.id, body)
    if args.json:
        print(dumps({"status": "noted", "ticket": args.id, **message_json(message)}))
    else:
        print(f"noted on #{args.id} (internal: never sent to the customer)")
    return 0


_OUTBOX_KINDS = {Author.AGENT: "reply", Author.NOTE: "note", Author.FORWARD: "forward"}  # outbox list's "kind"


def cmd_outbox(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.services.serialize import iso, message_json

    replies = _replies(service, args)
    if args.outbox_command == "list":
        entries = [
            {
                "ticket": entry.ticket_id,
                "kind": _OUTBOX_KINDS.get(entry.message.author, "reply"),
                "state": "held" if entry.state == "sending" else entry.state,
                "error": entry.error,
                "updated_at": iso(entry.updated_at),
                **message_json(entry.message),
            }
            for entry in replies.unfinished()
        ]
        if args.json:
            print(dumps(entries))
        for entry in [] if args.json else entries:
            print(f"#{entry['ticket']:<6} {entry['kind']:<7} {entry['state']:<6} {safe_line(str(entry['subject']))}")
            if entry["error"]:
                print(f"        {safe_line(str(entry['error']))}")
        if not entries and not args.json:
            print("The outbox is empty: every reply and note has been delivered.")
        return 0
    went_out = args.outbox_command == "sent"
    message = replies.settle(args.id, went_out=went_out)
    status = "recorded" if went_out else "dropped"
    what = "the forward of" if message.author is Author.FORWARD else "the reply to"
    if args.json:
        print(
            dumps({"status": status, "ticket": args.id, "kind": _OUTBOX_KINDS[message.author], **message_json(message)})
        )
    elif went_out:
        print(f"recorded: {what} #{args.id} is filed as sent; nothing was sent again")
    elif message.author is Author.FORWARD:
        print(f"dropped: {what} #{args.id} was not sent (agent-tui forward {args.id} to send it again)")
    else:
        print(f"dropped: {what} #{args.id} was not sent; its text is your draft again (agent-tui reply {args.id})")
    return 0


def cmd_take(service: TicketService, args: argparse.Namespace) -> int:
    from agent_tui.cli.output import print_detail

    service.take(args.id)
    print_detail(service, service.detail(args.id), as_json=args.json, with_messages=False)
    return 0


COMMANDS: dict[str, Callable[[TicketService, argparse.Namespace], int]] = {
    "list": cmd_list,
    "show": cmd_show,
    "set": cmd_set,
    "ingest": cmd_ingest,
    "sla": cmd_sla,
    "report": cmd_report,
    "templates": cmd_templates,
    "reply": cmd_reply,
    "outbox": cmd_outbox,
    "sync": cmd_sync,
    "take": cmd_take,
    "note": cmd_note,
}
COMMANDS.update(BULK_COMMANDS)  # macro (cli/bulk.py)
COMMANDS.update(MAIL_COMMANDS)  # attachments, forward (cli/mail.py)
COMMANDS.update(MERGE_COMMANDS)  # merge (cli/merge.py)
