"""Writing and sending replies: template variables for a ticket, drafts, and the outbox.

A reply goes: draft (autosaved) -> outbox row (the message, with the Message-ID fixed when the draft
was created) -> the source delivers it -> the store records it and the outbox row is confirmed. A crash
at any step leaves the row to be finished on the next start, and the Message-ID keeps it from being
recorded twice.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from email.utils import make_msgid
from pathlib import Path

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import DEMO_ACCOUNT, Settings
from agent_tui.domain.models import Address, Attachment, Author, Draft, Message
from agent_tui.domain.text import safe_line, strip_controls
from agent_tui.domain.threading import with_token
from agent_tui.domain.workflow import status_after_message
from agent_tui.errors import (
    CollisionError,
    ConfigError,
    DeliveryUncertain,
    SourceError,
    UsageError,
)
from agent_tui.resources import shipped_dir
from agent_tui.services.attachments import mail_bytes
from agent_tui.services.suggestions import Thread
from agent_tui.services.templates import ReplyTemplate, TemplateLibrary, variables
from agent_tui.services.tickets import TicketDetail, TicketService
from agent_tui.store import OutboxEntry

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Not \b: Chinese characters are word characters, so "订单PP-10533还没收到" has no word boundary around the
# number. ASCII lookarounds keep it out of longer words (XPP-10533 whole, never abcPP-10533 or PP-10533x).
_DEFAULT_ORDER_PATTERN = r"(?<![A-Za-z0-9_])[A-Z]{2,4}-\d{3,}(?![A-Za-z0-9_])"
_DEMO_SHOP = {"name": "Pine & Pebble", "url": "https://pineandpebble.example"}


def language_of(text: str) -> str:
    """``zh`` when a good share of the letters are Chinese, else ``en``."""
    letters = [c for c in text if c.isalpha()]
    return "zh" if letters and len(_CJK.findall(text)) / len(letters) > 0.2 else "en"


@dataclass(frozen=True, slots=True)
class Rendered:
    template: ReplyTemplate
    text: str


class Replies:
    def __init__(self, service: TicketService, paths: AppPaths, settings: Settings) -> None:
        self.service = service
        self.paths = paths
        self.settings = settings
        self.shop = {**(_DEMO_SHOP if service.account == DEMO_ACCOUNT else {}), **settings.shop}
        self.library = TemplateLibrary([shipped_dir("canned"), paths.canned_dir])
        self._customer_data: tuple[tuple[Path, int], dict[str, dict[str, object]]] | None = None
        try:
            self.order_pattern = re.compile(self.shop.get("order_pattern", _DEFAULT_ORDER_PATTERN))
        except re.error as error:
            raise ConfigError(f"{paths.config_file}: [shop] order_pattern is not a valid pattern ({error}).") from None

    # -- template variables --------------------------------------------------------------------

    def language(self, detail: TicketDetail) -> str:
        """The customer's language: what they wrote in."""
        written = " ".join(m.text for m in detail.messages if m.author is Author.CUSTOMER) or detail.ticket.subject
        return language_of(written)

    def context(self, detail: TicketDetail, overrides: dict[str, str] | None = None) -> dict:
        ticket, customer = detail.ticket, detail.ticket.customer
        me = self.service.me
        shop_name = self.shop.get("name") or self.service.account
        customer_vars: dict[str, object] = {"email": customer.email}
        if customer.name:
            customer_vars["name"] = customer.name
            customer_vars["first_name"] = customer.name.split()[0] if " " in customer.name else customer.name
        customer_vars.update({k: v for k, v in customer.extra.items() if k not in ("email",)})
        customer_vars.update(self.customer_data().get(customer.email.lower(), {}))
        ticket_vars: dict[str, object] = {
            "id": ticket.id,
            "subject": ticket.subject,
            "tags": list(ticket.tags),
            "status": ticket.status.value,
        }
        order = self.order_number(detail)
        if order:
            ticket_vars["order_number"] = order
        history_vars: dict[str, object] = {"count": len(detail.history), "returning": bool(detail.history)}
        if detail.history:
            history_vars["last_subject"] = detail.history[0].subject
        shop_vars: dict[str, object] = {
            "name": shop_name,
            **({"url": self.shop["url"]} if self.shop.get("url") else {}),
            **({"csat": True} if self.shop.get("csat", "").lower() in ("on", "yes", "true", "1") else {}),
        }
        agent_vars: dict[str, object] = {
            "name": me.name,
            "signature": self.settings.signature or f"{me.name}\n{shop_name}",
        }
        groups: dict[str, dict[str, object]] = {
            "customer": customer_vars,
            "ticket": ticket_vars,
            "agent": agent_vars,
            "history": history_vars,
            "shop": shop_vars,
        }
        for key, value in (overrides or {}).items():
            group, _, field_name = key.partition(".")
            if group not in groups or not field_name:
                raise UsageError(f"--var {key}: use GROUP.FIELD=VALUE with a group of {', '.join(groups)}.")
            groups[group][field_name] = value
        return variables(**{name: {k: _clean(v) for k, v in values.items()} for name, values in groups.items()})

    def order_number(self, detail: TicketDetail) -> str | None:
        pattern = self.order_pattern
        texts = [detail.ticket.subject] + [m.text for m in detail.messages if m.author is Author.CUSTOMER]
        for text in texts:
            found = pattern.search(text)
            if found:
                return found.group()
        return None

    def customer_data(self) -> dict[str, dict[str, object]]:
        """Extra customer fields keyed by email, from [shop] customer_data (CSV with an email column, or JSON)."""
        name = self.shop.get("customer_data")
        if not name:
            return {}
        path = (self.paths.config_dir / name).expanduser()
        try:
            stamp = (path, path.stat().st_mtime_ns)
            if self._customer_data is not None and self._customer_data[0] == stamp:
                return self._customer_data[1]  # every preview in the composer builds a context: read the file once
            self._customer_data = (stamp, self._read_customer_data(path))
            return self._customer_data[1]
        except (OSError, ValueError, KeyError, AttributeError) as error:
            raise ConfigError(
                f"The customer data file {path} could not be read ({error}); check [shop] customer_data."
            ) from None

    @staticmethod
    def _read_customer_data(path: Path) -> dict[str, dict[str, object]]:
        if path.suffix.lower() == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            rows = data.items() if isinstance(data, dict) else ((r.get("email", ""), r) for r in data)
            return {str(email).lower(): {k: v for k, v in fields.items() if k != "email"} for email, fields in rows}
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return {
                row["email"].strip().lower(): {k: v for k, v in row.items() if k != "email" and v not in (None, "")}
                for row in csv.DictReader(handle)
                if row.get("email")
            }

    def render(
        self, name: str, ticket_id: int, overrides: dict[str, str] | None = None, language: str | None = None
    ) -> Rendered:
        detail = self.service.detail(ticket_id)
        template = self.library.get(name, language or self.language(detail))
        return Rendered(template, self.library.render(template, self.context(detail, overrides)))

    def thread(self, detail: TicketDetail) -> Thread:
        """The conversation as the suggestions read it: the customer's words, and the team's replies (for what
        was already promised; internal notes are not promises)."""
        return Thread(
            subject=detail.ticket.subject,
            tags=tuple(detail.ticket.tags),
            customer=tuple(m.text for m in detail.messages if m.author is Author.CUSTOMER),
            agent=tuple(m.text for m in detail.messages if m.author is Author.AGENT),
            returning=bool(detail.history),
            language=self.language(detail),
        )

    def suggestions(self, detail: TicketDetail, query: str = "") -> list[ReplyTemplate]:
        """Templates best first for this ticket, ranked on its whole thread (services/suggestions.py)."""
        return self.library.suggest(self.thread(detail), query)

    # -- drafts ----------------------------------------------------------------------------------

    def draft(self, ticket_id: int) -> Draft | None:
        return self.service.store.draft(ticket_id, self.service.me.name)

    def chosen_recipients(
        self, draft: Draft | None, to: Sequence[Address] | None, cc: Sequence[Address] | None
    ) -> tuple[Sequence[Address] | None, Sequence[Address] | None]:
        """The To and Cc a reply goes to: ``to``/``cc`` when given, else the draft's edited lines, else None (the
        reply-all default). UsageError for a line that holds no address, or a To line left empty."""
        if draft is not None and to is None and draft.to_line is not None:
            if not draft.to_line.strip(" ,"):
                raise UsageError(
                    f"The draft of ticket {draft.ticket_id} has an empty To line; give --to, or fill it in the composer."
                )
            to = parse_addresses([draft.to_line], "The draft's To line")
        if draft is not None and cc is None and draft.cc_line is not None:
            cc = parse_addresses([draft.cc_line], "The draft's Cc line") if draft.cc_line.strip(" ,") else ()
        return to, cc

    def save_draft(
        self,
        ticket_id: int,
        body: str,
        template: str | None = None,
        seen: tuple[int, int] | None = None,
        recipients: tuple[str | None, str | None] | None = None,
    ) -> Draft:
        """Save the draft; ``seen`` is how far the agent had seen the ticket when they began writing (default:
        as it is now), which the send-time guard compares with. ``recipients``: the To and Cc lines as the agent
        chose them (a None line: the reply-all default), sent with the draft wherever it is sent from; None keeps
        the draft's lines as they were."""
        store, now = self.service.store, self.service.now()
        existing = self.draft(ticket_id)
        ticket = self.service.ticket(ticket_id)
        draft = Draft(
            ticket_id=ticket_id,
            agent=self.service.me.name,
            body=body,
            template=template if template is not None else existing.template if existing else None,
            message_id=existing.message_id if existing else make_msgid(domain=self._domain()),
            seen_at=existing.seen_at if existing else ticket.updated_at,
            updated_at=now,
            to_line=recipients[0] if recipients else existing.to_line if existing else None,
            cc_line=recipients[1] if recipients else existing.cc_line if existing else None,
        )
        store.save_draft(draft)
        if existing is None:  # what the agent has seen is fixed when the draft begins
            store.set_draft_marks(ticket_id, draft.agent, seen or store.ticket_marks(ticket_id))
        return draft

    def mark_seen(self, ticket_id: int) -> None:
        """The agent has looked at the ticket as it is now (`show`, or the composer showing the changes)."""
        store = self.service.store
        if store.draft_marks(ticket_id, self.service.me.name) is not None:
            store.set_draft_marks(ticket_id, self.service.me.name, store.ticket_marks(ticket_id))

    def changes_since_draft(self, ticket_id: int) -> list[str]:
        """What others did to the ticket since my draft of it began (or I last looked), one phrase each."""
        marks = self.service.store.draft_marks(ticket_id, self.service.me.name)
        return [] if marks is None else self.service.store.changes_since(ticket_id, marks, self.service.me.name)

    def guard(self, ticket_id: int) -> None:
        """Refuse to send when the ticket changed since the draft's author last looked (exit 3)."""
        changes = self.changes_since_draft(ticket_id)
        if changes:
            raise CollisionError(
                f"Not sent: ticket {ticket_id} changed since your draft was saved ({'; '.join(changes)}); "
                f"review it (agent-tui show {ticket_id}), then send again."
            )

    def _catch_up(self) -> None:
        """With a shared inbox, a teammate's reply from another machine is only known after a sync: do one,
        so the guard sees it. Offline, the guard knows what this machine knows, and delivery will fail anyway."""
        source = self.service.source
        if source is not None and source.capabilities.pull:
            from agent_tui.services.sync import sync

            try:
                sync(self.service)
            except SourceError:
                pass

    def discard_draft(self, ticket_id: int) -> None:
        self.service.store.delete_draft(ticket_id, self.service.me.name)

    # -- sending ---------------------------------------------------------------------------------

    def recipients(self, detail: TicketDetail) -> tuple[tuple[Address, ...], tuple[Address, ...]]:
        """Whom a reply goes to by default: (To, CC). To is the customer; CC keeps the thread's copies (reply-all):
        everyone the latest message of the conversation was written to or copied to, but never the customer
        twice, the shop's own address or one of the team."""
        customer = detail.ticket.customer
        to = (Address(customer.email, " ".join(strip_controls(customer.name).split())),)
        public = [m for m in detail.messages if m.author in (Author.CUSTOMER, Author.AGENT)]
        if not public:
            return to, ()
        last = public[-1]
        copied = (*last.to, *last.cc) if last.author is Author.CUSTOMER else last.cc
        return to, clean_addresses(copied, exclude={customer.email.lower(), *self.service.team_addresses()})

    def outgoing(
        self,
        ticket_id: int,
        body: str,
        message_id: str,
        *,
        to: Sequence[Address] | None = None,
        cc: Sequence[Address] | None = None,
        files: Sequence[tuple[Attachment, bytes]] = (),
    ) -> Message:
        """The reply as it will leave: threaded onto the conversation, with the ticket token in the subject; to
        the customer with the thread's CC unless ``to``/``cc`` say otherwise; ``files`` attached."""
        detail = self.service.detail(ticket_id)
        ticket, me = detail.ticket, self.service.me
        public = [m for m in detail.messages if m.author is not Author.NOTE and m.message_id]
        # The customer wrote the subject and their name: what they hid in them does not go out in our mail.
        subject = " ".join(strip_controls(ticket.subject).split())
        subject = subject if subject.lower().startswith("re:") else f"Re: {subject}"
        shop_address = self.service.own_address or me.email or f"support@{self._domain()}"
        default_to, default_cc = self.recipients(detail)
        to = clean_addresses(to) if to is not None else default_to
        if not to:
            raise UsageError("The reply has no recipient: give --to ADDRESS.")
        cc = clean_addresses(cc, exclude={a.email.lower() for a in to}) if cc is not None else default_cc
        return Message(
            author=Author.AGENT,
            sender=Address(shop_address, me.name),
            to=to,
            cc=tuple(a for a in cc if a.email.lower() not in {t.email.lower() for t in to}),
            date=self.service.now(),
            subject=with_token(subject, ticket.id),
            text=body.rstrip() + "\n",
            attachments=tuple(a for a, _ in files),
            payloads=tuple(data for _, data in files),
            message_id=message_id,
            in_reply_to=public[-1].message_id if public else None,
            references=tuple(m.message_id for m in public[-20:] if m.message_id),
        )

    def forward(
        self,
        ticket_id: int,
        to: Sequence[Address],
        body: str = "",
        *,
        message_index: int | None = None,
        cc: Sequence[Address] = (),
    ) -> Message:
        """Forward the conversation (or its ``message_index``-th message, from 1) with its attachments to
        someone else, through the outbox and the source (SMTP and Sent on IMAP), exactly once like a reply.
        Recorded in the ticket as a forward: an agent's message, but no reply to the customer (SLA, status)."""
        from agent_tui.services.attachments import ticket_files

        source = self.service.source
        if source is not None and source.capabilities.send and source.kind != "imap":
            raise UsageError(
                f"A {source.kind} account can't forward: its help desk would send the mail to the customer."
            )
        to = clean_addresses(to)
        if not to:
            raise UsageError("Forward to whom? Give --to ADDRESS.")
        detail = self.service.detail(ticket_id)
        shown = [m for m in detail.messages if m.author is not Author.NOTE]
        if message_index is not None:
            if not 1 <= message_index <= len(detail.messages):
                raise UsageError(
                    f"Ticket {ticket_id} has {len(detail.messages)} messages: give --message 1 to {len(detail.messages)}."
                )
            shown = [detail.messages[message_index - 1]]
            if shown[0].author is Author.NOTE:
                raise UsageError(
                    f"Message {message_index} of ticket {ticket_id} is an internal note: it is not forwarded."
                )
        files = [
            (replace(f.attachment, filename=f.safe_name), f.data)
            for f in ticket_files(self.service, ticket_id, message_index)
            if f.data is not None and f.message.author is not Author.NOTE
        ]
        quoted = "\n\n".join(_forwarded_text(m) for m in shown)
        subject = " ".join(strip_controls(detail.ticket.subject).split())
        me = self.service.me
        public = [m for m in detail.messages if m.author is not Author.NOTE and m.message_id]
        message = Message(
            author=Author.FORWARD,
            sender=Address(self.service.own_address or me.email or f"support@{self._domain()}", me.name),
            to=to,
            cc=clean_addresses(cc, exclude={a.email.lower() for a in to}),
            date=self.service.now(),
            subject=with_token(f"Fwd: {subject}", detail.ticket.id),
            text=(body.rstrip() + "\n\n" if body.strip() else "") + quoted.rstrip() + "\n",
            attachments=tuple(a for a, _ in files),
            payloads=tuple(data for _, data in files),
            message_id=make_msgid(domain=self._domain()),
            in_reply_to=public[-1].message_id if public else None,
            references=tuple(m.message_id for m in public[-20:] if m.message_id),
        )
        self.service.store.outbox_add(ticket_id, message, self.service.now())
        self._flush_for(message.message_id or "")
        return self.service.store.outbox_message(message.message_id or "")

    def send(
        self,
        ticket_id: int,
        body: str | None = None,
        *,
        resend: bool = False,
        to: Sequence[Address] | None = None,
        cc: Sequence[Address] | None = None,
        files: Sequence[tuple[Attachment, bytes]] = (),
    ) -> Message:
        """Send ``body`` (or the saved draft) through the outbox; the draft is gone once the reply is recorded.
        ``resend``: the agent decided to send again a reply whose earlier delivery was interrupted. ``to`` and
        ``cc`` replace the default recipients (see :meth:`recipients`), as the draft's edited lines do when they
        are not given; ``files`` are attached."""
        draft = self.draft(ticket_id)
        to, cc = self.chosen_recipients(draft, to, cc)
        unfinished = self._unfinished(ticket_id, body if draft is None or body is not None else draft.body)
        if unfinished is not None:
            # An earlier send of this reply did not finish (agent-tui was killed, the server went away): finish
            # that one, with its own Message-ID, so that the customer never gets it twice.
            self._flush_for(unfinished, frozenset({unfinished}) if resend else frozenset())
            return self.service.store.outbox_message(unfinished)
        if body is None:
            if draft is None:
                raise UsageError(f"There is no draft for ticket {ticket_id} to send; give a body or a template.")
            body = draft.body
        if not body.strip():
            raise UsageError("The reply is empty; write something before sending.")
        self._catch_up()
        self.guard(ticket_id)
        store = self.service.store
        message_id = draft.message_id if draft else None
        if message_id is not None and store.outbox_state(message_id) in ("queued", "sending", "sent"):
            # A send that failed earlier: retry that very reply, never a second one.
            self._flush_for(message_id, frozenset({message_id}) if resend else frozenset())
            return self.service.store.outbox_message(message_id)
        if message_id is None or store.has_message(message_id) or store.outbox_state(message_id) is not None:
            message_id = make_msgid(domain=self._domain())  # that id went out already: this is another reply
            if draft is not None:  # the draft now stands for this reply, and goes when it is recorded
                marks = store.draft_marks(ticket_id, draft.agent)
                store.delete_draft(ticket_id, draft.agent)
                store.save_draft(replace(draft, body=body, message_id=message_id))
                if marks is not None:
                    store.set_draft_marks(ticket_id, draft.agent, marks)
        message = self.outgoing(ticket_id, body, message_id, to=to, cc=cc, files=files)
        store.outbox_add(ticket_id, message, self.service.now())
        self._flush_for(message_id)
        return message

    def _flush_for(self, message_id: str, resend: frozenset[str] = frozenset()) -> None:
        """Flush the outbox for this reply or note: another ticket's held reply is not this one's failure."""
        try:
            self.flush_outbox(resend)
        except DeliveryUncertain:
            if self.service.store.outbox_state(message_id) != "confirmed":
                raise

    def note(self, ticket_id: int, body: str) -> Message:
        """An internal note for the team, never sent to the customer and never a reply (SLA, metrics): kept in
        the ticket, and on sources that hold notes (a help desk's internal comment), put there exactly once
        through the outbox, like a reply."""
        if not body.strip():
            raise UsageError("The note is empty; write something first.")
        detail, me = self.service.detail(ticket_id), self.service.me
        public = [m for m in detail.messages if m.author is not Author.NOTE and m.message_id]
        message = Message(
            author=Author.NOTE,
            sender=Address(me.email or self.service.own_address or f"agent@{self._domain()}", me.name),
            date=self.service.now(),
            subject=detail.ticket.subject,
            text=body.rstrip() + "\n",
            message_id=make_msgid(domain=self._domain()),
            # threaded like a reply, so a teammate's machine files a note shared through the mailbox in this ticket
            in_reply_to=public[-1].message_id if public else None,
            references=tuple(m.message_id for m in public[-20:] if m.message_id),
        )
        self.service.store.outbox_add(ticket_id, message, self.service.now())
        self._flush_for(message.message_id or "")
        return message

    def _unfinished(self, ticket_id: int, body: str | None) -> str | None:
        """The Message-ID of this ticket's reply still in the outbox that ``body`` repeats (any, without a body)."""
        for _, outbox_ticket, message, _ in self.service.store.outbox_pending():
            repeated = body is None or message.text.strip() == body.strip()
            if outbox_ticket == ticket_id and message.author is Author.AGENT and message.message_id and repeated:
                return message.message_id
        return None

    def flush_outbox(self, resend: frozenset[str] = frozenset()) -> int:
        """Deliver and record every reply and note not yet confirmed; returns how many were confirmed. A reply
        whose delivery was interrupted while the server took it is held (DeliveryUncertain) unless its Message-ID
        is in ``resend``: the agent's decision. A note goes to the source as a note, never to the customer.
        A held reply does not hold back the others: they go on, and the hold is raised at the end."""
        store, service = self.service.store, self.service
        confirmed = 0
        held: DeliveryUncertain | None = None
        for row_id, ticket_id, message, state in store.outbox_pending():
            if state in ("queued", "sending"):

                def handing_over(row_id: int = row_id) -> None:
                    store.outbox_mark(row_id, "sending", service.now())  # durable before the server may deliver

                try:
                    if service.source is not None and message.author is Author.NOTE:
                        service.source.deliver_note(ticket_id, message)
                    elif service.source is not None:
                        service.source.deliver_reply(
                            ticket_id,
                            message,
                            before_handover=handing_over,
                            uncertain=state == "sending" and message.message_id not in resend,
                        )
                except DeliveryUncertain as error:
                    store.outbox_mark(row_id, "sending", service.now(), str(error))
                    held = held or error
                    continue
                except SourceError as error:
                    store.outbox_mark(row_id, "queued", service.now(), str(error))
                    raise
                store.outbox_mark(row_id, "sent", service.now())
            self._record(row_id, ticket_id, message)
            confirmed += 1
        if held is not None:
            raise held
        return confirmed

    def _record(self, row_id: int, ticket_id: int, message: Message) -> None:
        """File a delivered reply or note in its ticket, with the status it moves, and close its outbox entry."""
        store, service = self.service.store, self.service
        with store.transaction():
            # A no-op if a crash came after the last run recorded it. With files, the mail as built is kept,
            # so its attachments can be saved and forwarded like a customer's.
            raw = mail_bytes(message) if message.payloads else None
            store.add_message(ticket_id, replace(message, payloads=()), raw=raw)
            draft = store.draft(ticket_id, service.me.name)
            if draft is not None and draft.message_id == message.message_id:
                store.delete_draft(ticket_id, service.me.name)  # sent: gone with the same commit
            moved = status_after_message(message.author, store.ticket_status(ticket_id))
            if moved is not None:  # dated no earlier than the last change: this reply is news, whatever --now says
                last = store.last_status_change(ticket_id)
                at = max(message.date, last.at) if last else message.date
                service.record_status(ticket_id, moved, at, service.me.name, refresh=False)
            service.refresh_sla(ticket_id)
            store.outbox_mark(row_id, "confirmed", service.now())

    # -- replies that did not finish -------------------------------------------------------------

    def unfinished(self) -> list[OutboxEntry]:
        """Replies and notes not yet confirmed: queued (the server was away) or held (it may have gone out)."""
        return self.service.store.outbox_unfinished()

    def settle(self, ticket_id: int, *, went_out: bool) -> Message:
        """The agent's decision on the ticket's unfinished reply (else its unfinished forward), without sending
        it: ``went_out`` (they checked that it reached its recipients) records it in the ticket as sent;
        otherwise it is dropped from the outbox, and a reply's text becomes the draft again (with a new
        Message-ID, so a later send is a new mail). UsageError when the ticket has neither."""
        entries = sorted(
            (e for e in self.unfinished() if e.ticket_id == ticket_id and e.message.author in _SETTLED),
            key=lambda e: _SETTLED.index(e.message.author),
        )
        if not entries:
            raise UsageError(f"Ticket {ticket_id} has no unfinished reply in the outbox (agent-tui outbox list).")
        entry, store = entries[0], self.service.store
        if went_out:
            store.outbox_mark(entry.row_id, "sent", self.service.now())
            self._record(entry.row_id, ticket_id, entry.message)
            return entry.message
        if entry.message.author is Author.FORWARD:
            store.outbox_mark(entry.row_id, "dropped", self.service.now(), entry.error)
            return entry.message  # its text was written for someone else: it is no draft of a reply
        with store.transaction():
            store.outbox_mark(entry.row_id, "dropped", self.service.now(), entry.error)
            draft = self.draft(ticket_id)
            if draft is not None and draft.message_id == entry.message.message_id:
                self.discard_draft(ticket_id)  # its Message-ID is spent: the text comes back under a new one
                draft = None
            if draft is None:  # the text comes back with the recipients it was going to
                lines = (address_line(entry.message.to), address_line(entry.message.cc))
                self.save_draft(ticket_id, entry.message.text, recipients=lines)
        return entry.message

    def _domain(self) -> str:
        address = self.service.own_address or self.service.me.email or ""
        return address.split("@", 1)[1] if "@" in address else "agent-tui.invalid"


_SETTLED = (Author.AGENT, Author.FORWARD)  # what ``settle`` decides on, in this order (notes are never held)


def _clean(value: object) -> object:
    """Values from mail and data files are data: no control characters reach our replies."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def clean_addresses(addresses: Iterable[Address], exclude: Iterable[str] = ()) -> tuple[Address, ...]:
    """Addresses fit to send to: each once, well formed (one @, no spaces or controls), their names without
    control characters, none of ``exclude`` (lower-case emails)."""
    seen = {e.lower() for e in exclude}
    kept: list[Address] = []
    for address in addresses:
        email = address.email.strip()
        if not _EMAIL.fullmatch(email) or email.lower() in seen:
            continue
        seen.add(email.lower())
        kept.append(Address(email, " ".join(strip_controls(address.name).split())))
    return tuple(kept)


def parse_addresses(values: Iterable[str], option: str) -> tuple[Address, ...]:
    """``--to``/``--cc`` values: ``addr``, ``Name <addr>``, or several, comma-separated; UsageError for one
    that is no address."""
    from email.utils import getaddresses

    found: list[Address] = []
    for value in values:
        for name, email in getaddresses([value]):
            if not _EMAIL.fullmatch(email.strip()):
                raise UsageError(
                    f"{option} {safe_line(value)!r}: {safe_line(email) or 'that'!s} is not an email address."
                )
            found.append(Address(email.strip(), name))
    return clean_addresses(found)


def address_line(addresses: Sequence[Address]) -> str:
    """Addresses as a To/Cc line shows them, read back the same by ``parse_addresses``: a name with a comma
    (or another special character) quoted."""
    shown = []
    for address in addresses:
        name = safe_line(address.name)
        if any(c in name for c in ',;:"<>()@[]\\'):
            name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
        shown.append(f"{name} <{address.email}>" if name else address.email)
    return ", ".join(shown)


def _forwarded_text(message: Message) -> str:
    """One message as a forward quotes it: who, when, to whom, then its text."""

    def names(addresses: Sequence[Address]) -> str:
        return ", ".join(safe_line(str(a)) for a in addresses)

    lines = [
        "---------- Forwarded message ----------",
        f"From: {safe_line(str(message.sender))}",
        f"Date: {message.date:%Y-%m-%d %H:%M} UTC",
        f"Subject: {safe_line(message.subject)}",
    ]
    if message.to:
        lines.append(f"To: {names(message.to)}")
    if message.cc:
        lines.append(f"Cc: {names(message.cc)}")
    return "\n".join(lines) + "\n\n" + strip_controls(message.text).rstrip()


_EMAIL = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+\.[^@\s<>()\[\],;:\"\\]+")


def read_body(source: str, stdin_text: str) -> str:
    """--body-file: a path, or - for standard input."""
    if source == "-":
        return stdin_text
    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"--body-file {source!r} could not be read ({error}).") from None
