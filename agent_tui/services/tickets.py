"""The tickets facade: what the CLI and the UI call to read and change tickets, and the one writer of ticket state.

It owns the current time (frozen by ``--now`` for scripts and tests), who "me" is, and the SLA
policy. Every change of a ticket's status, assignee, priority or tags goes through it, whoever makes it (an agent, the
ingest rules, a teammate's change seen in a sync), so the SLA deadline is refreshed and a change made here is
queued for the team (``unshared``, pushed to the source by the next sync or ``share``) in one place.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cached_property

from agent_tui.domain.metrics import Report
from agent_tui.domain.metrics import compute as compute_report
from agent_tui.domain.models import (
    Agent,
    Message,
    Priority,
    Status,
    Ticket,
    normalise_tag,
)
from agent_tui.domain.presence import DEFAULT_LEASE, Presence
from agent_tui.domain.queue import QueueQuery, QueueRow, SortKey, View
from agent_tui.domain.sla import (
    DEFAULT_POLICY,
    Clock,
    ClockState,
    Metric,
    Policy,
    describe_clock,
    most_urgent,
    remaining_until,
    running_state,
    ticket_clocks,
)
from agent_tui.domain.snooze import WAKER, parse_when
from agent_tui.errors import CollisionError, SourceError, UsageError
from agent_tui.sources.base import PresenceChannel, Source, SourceState
from agent_tui.sources.items import Push, TeamState, Unshared, agent_key
from agent_tui.store import Store, from_epoch

TEAM_ACTOR = "shared inbox"  # who the event log names for changes a teammate made on another machine


@dataclass(frozen=True, slots=True)
class TicketDetail:
    ticket: Ticket
    messages: list[Message]
    clocks: list[Clock]
    history: list[QueueRow]  # the customer's other tickets, newest first


class TicketService:
    def __init__(
        self,
        store: Store,
        me: Agent,
        account: str,
        *,
        policy: Policy = DEFAULT_POLICY,
        frozen_now: datetime | None = None,
        source: Source | None = None,
        own_address: str | None = None,
        presence_lease: timedelta = DEFAULT_LEASE,
        team: Sequence[Agent] = (),
    ) -> None:
        self.store = store
        self.source = source
        self.own_address = own_address  # the shared inbox's address, e.g. support@shop
        self.me = me
        self.account = account
        self.policy = policy
        self._frozen_now = frozen_now
        self._presence_lease = presence_lease
        self.team_config = tuple(team)  # config.toml's [team] members
        self.sync_lock = threading.Lock()
        # The source's own memory (cursors), and this service's queue of changes to share, in its namespace.
        self.source_state: SourceState = store.source_state(source.kind if source is not None else "none")

    @property
    def shares_state(self) -> bool:
        """Whether ticket state is shared with the team through the source."""
        return self.source is not None and self.source.capabilities.push

    def now(self) -> datetime:
        return self._frozen_now or datetime.now(UTC)

    def close(self) -> None:
        self.store.close()

    # -- reads -----------------------------------------------------------------------------------

    def queue_ids(self, query: QueueQuery) -> list[int]:
        return self.store.queue_ids(query, self.me, self.now())

    def queue_rows(self, ids: Sequence[int]) -> list[QueueRow]:
        return self.store.queue_rows(ids)

    def queue_count(self, query: QueueQuery) -> int:
        return self.store.queue_count(query, self.me, self.now())

    def queue_page(self, query: QueueQuery, offset: int, limit: int) -> list[QueueRow]:
        return self.store.queue_page(query, self.me, self.now(), offset, limit)

    def queue_position(self, query: QueueQuery, ticket_id: int) -> int | None:
        return self.store.queue_position(query, self.me, self.now(), ticket_id)

    def view_counts(self) -> dict[View, int]:
        return self.store.view_counts(self.me, self.now())

    def tag_counts(self, limit: int = 12) -> list[tuple[str, int]]:
        """The most used tags of unsolved tickets, by count: at most ``limit``."""
        return self.store.tag_counts(limit)

    def ticket(self, ticket_id: int) -> Ticket:
        return self.store.ticket(ticket_id)

    def clocks(self, ticket: Ticket) -> list[Clock]:
        return self._clocks(ticket, *self.store.sla_inputs(ticket.id))

    def tickets_with_clocks(self, ids: Sequence[int]) -> list[tuple[Ticket, list[Clock]]]:
        """Many tickets and their clocks in a few queries (listing 100,000 for a script)."""
        inputs = self.store.sla_inputs_many(ids)
        return [(ticket, self._clocks(ticket, *inputs[ticket.id])) for ticket in self.store.tickets(ids)]

    def _clocks(self, ticket: Ticket, messages: list, changes: list) -> list[Clock]:
        return ticket_clocks(
            created_at=ticket.created_at,
            priority=ticket.priority,
            messages=messages,
            status_changes=changes,
            now=self.now(),
            policy=self.policy,
            tags=ticket.tags,
        )

    def detail(self, ticket_id: int) -> TicketDetail:
        ticket = self.store.ticket(ticket_id)
        history = [row for row in self.store.customer_tickets(ticket.customer.email) if row.id != ticket_id]
        return TicketDetail(ticket, self.store.messages(ticket_id), self.clocks(ticket), history)

    # -- changes ---------------------------------------------------------------------------------

    def set_status(self, ticket_id: int, status: Status, until: datetime | None = None) -> Ticket:
        """Change the status; ``until`` (on-hold only) snoozes the ticket: it reopens by itself then. Setting a
        status without ``until`` ends any snooze (on-hold alone holds until someone reopens it)."""
        if until is not None and status is not Status.ON_HOLD:
            raise UsageError(f"A wake time goes with on-hold only, not {status.value}: drop --until or the status.")
        ticket = self.store.ticket(ticket_id)
        with self.store.transaction():
            if ticket.status is not status:
                # Never before the latest change, or it would not be the ticket's status (a frozen --now may lag).
                last = self.store.last_status_change(ticket_id)
                at = max(self.now(), last.at) if last else self.now()
                self.record_status(ticket_id, status, at, self.me.name, share=True)
            if self.store.set_snooze(ticket_id, until):
                self._mark_for_sharing(ticket_id, snooze=True)
        return self.store.ticket(ticket_id)

    def parse_until(self, text: str) -> datetime:
        """A snooze's wake time as an agent types it (``2h``, ``tomorrow 09:00``, ...), in the agent's zone."""
        return parse_when(text, self.now(), self.tz)

    def wake_snoozed(self) -> list[int]:
        """Reopen the on-hold tickets whose wake time has come (called whenever the time is looked at: on
        opening, on sync, on listing, and by the TUI's live tick). Each reopens at its wake time, by "snooze",
        so its SLA clocks resume from then; it shows first in its queue until touched, and the team hears of it
        with the next share. Returns the ids woken."""
        due = self.store.snoozes_due(self.now())
        woken = []
        with self.store.transaction():
            for ticket_id, at in due:
                if self.store.ticket_status(ticket_id) is not Status.ON_HOLD:
                    self.store.set_snooze(ticket_id, None)  # left over: nothing to wake
                    continue
                last = self.store.last_status_change(ticket_id)
                at = max(at, last.at) if last else at
                self.record_status(ticket_id, Status.OPEN, at, WAKER, share=True)
                self.store.mark_woken(ticket_id, at)
                woken.append(ticket_id)
        return woken

    def snooze_from_team(self, ticket_id: int, until: datetime | None) -> bool:
        """Record a snooze a teammate set (or ended) elsewhere; True if it changed."""
        if until is not None and self.store.ticket_status(ticket_id) is not Status.ON_HOLD:
            until = None
        return self.store.set_snooze(ticket_id, until)

    def record_status(
        self,
        ticket_id: int,
        status: Status,
        at: datetime,
        actor: str | None,
        *,
        share: bool = False,
        refresh: bool = True,
    ) -> None:
        """Write a status change at ``at`` (every status write goes through here). ``share``: made here, so the
        team must hear of it; ``refresh``: the caller refreshes the SLA deadline itself (a batch does, once)."""
        with self.store.transaction():
            self.store.set_status(ticket_id, status, at, actor)
            # A snooze holds only while on hold: any other status ends it (a customer writing, a reopen).
            ended = self.store.ticket_status(ticket_id) is not Status.ON_HOLD and self.store.set_snooze(ticket_id, None)
            if refresh:
                self.refresh_sla(ticket_id)
            if share:
                self._mark_for_sharing(ticket_id, status=True, snooze=ended)

    # -- sharing with the team ---------------------------------------------------------------------

    def unshared(self) -> dict[int, Unshared]:
        """Changes made here that the source does not have yet, by ticket (kept in the store: they survive)."""
        return {int(k): Unshared.from_json(v) for k, v in json.loads(self.source_state.get("pending") or "{}").items()}

    def _save_unshared(self, unshared: dict[int, Unshared]) -> None:
        self.source_state.set("pending", json.dumps({str(k): v.to_json() for k, v in sorted(unshared.items())}))

    def _mark_for_sharing(
        self,
        ticket_id: int,
        *,
        status: bool = False,
        assignee: bool = False,
        tag: tuple[str, bool] | None = None,
        priority: bool = False,
        snooze: bool = False,
    ) -> None:
        """Remember that a field of this ticket changed here and must reach the team. Raises UsageError (inside
        the caller's transaction, so the change is undone) for a tag or agent the source could not hold."""
        if not self.shares_state:
            return
        assert self.source is not None
        with self.store.transaction():
            holder = self.store.ticket(ticket_id).assignee if assignee else None
            self.source.validate(tag=tag[0] if tag is not None and tag[1] else None, assignee=holder)
            unshared = self.unshared()
            entry = unshared.setdefault(ticket_id, Unshared())
            entry.status |= status
            entry.assignee |= assignee
            entry.priority |= priority
            entry.snooze |= snooze
            if tag is not None:
                entry.tags[tag[0]] = tag[1]
            entry.generation += 1
            self._save_unshared(unshared)

    def local_state(self, ticket_id: int) -> TeamState:
        ticket = self.store.ticket(ticket_id)
        return TeamState(
            ticket.status,
            agent_key(ticket.assignee) if ticket.assignee else None,
            frozenset(ticket.tags),
            ticket.priority,
            snoozed_until=ticket.snoozed_until,
        )

    def push_unshared(self) -> list[tuple[str, str]]:
        """Hand the changes made here to the source; returns (what, why) for tickets it refused. Only what was
        pushed is cleared: a change marked meanwhile (a newer generation) stays for the next push.
        Raises SourceError when the source can't be reached (nothing is cleared)."""
        pushed = self.unshared() if self.shares_state else {}
        if not pushed:
            return []  # nothing to share: no connection, and no write to the store on every sync
        assert self.source is not None
        # A merged ticket's state is its merge, which goes out with its target (``known.merged_tickets``).
        pushes = [Push(k, v, self.local_state(k)) for k, v in pushed.items() if self.store.merged_into(k) is None]
        problems = self.source.push(pushes, self.store) if pushes else []
        with self.store.transaction():
            self._save_unshared(
                {k: v for k, v in self.unshared().items() if k not in pushed or v.generation != pushed[k].generation}
            )
        return problems

    def share(self) -> list[tuple[str, str]]:
        """Tell the team's source what changed here (after the change is committed); returns (what, why) for
        tickets it refused. Raises SourceError when it can't be reached: the change stays, the next sync shares it."""
        if not self.shares_state:
            return []
        try:
            return self.push_unshared()
        except SourceError as error:
            raise SourceError(f"The change is saved here, but the shared inbox could not be told: {error}") from None

    def set_priority(self, ticket_id: int, priority: Priority) -> Ticket:
        ticket = self.store.ticket(ticket_id)
        if ticket.priority is not priority:
            with self.store.transaction():
                self.store.set_priority(ticket_id, priority, self.now(), self.me.name)
                self.refresh_sla(ticket_id)
                self._mark_for_sharing(ticket_id, priority=True)
        return self.store.ticket(ticket_id)

    def assign(self, ticket_id: int, agent: Agent | None) -> Ticket:
        with self.store.transaction():
            if self._reassign(ticket_id, agent, self.me.name):
                self._mark_for_sharing(ticket_id, assignee=True)
        return self.store.ticket(ticket_id)

    def _reassign(self, ticket_id: int, agent: Agent | None, actor: str | None, at: datetime | None = None) -> bool:
        """Set the assignee unless it already is ``agent``; True if it changed."""
        held = self.store.ticket(ticket_id).assignee
        if (held is None and agent is None) or (held and agent and agent.matches(held.name, held.email)):
            return False
        self.store.set_assignee(ticket_id, agent, at or self.now(), actor)
        return True

    def record_fields(
        self,
        ticket_id: int,
        at: datetime,
        actor: str | None,
        *,
        priority: Priority | None = None,
        assignee: Agent | None = None,
        tags: Sequence[str] = (),
    ) -> None:
        """Fields an input carried with a message (a JSON line's priority, assignee, tags), recorded at the
        message's date. The caller refreshes the SLA deadline (ingest does, once a batch)."""
        with self.store.transaction():
            if priority is not None and self.store.ticket(ticket_id).priority is not priority:
                self.store.set_priority(ticket_id, priority, at, actor)
            if assignee is not None:
                self._reassign(ticket_id, assignee, actor, at)
            for tag in tags:
                self.store.set_tag(ticket_id, tag, True, at, actor)

    def take(self, ticket_id: int) -> Ticket:
        """Assign to me if nobody holds the ticket (compare-and-set: two agents can't both win).

        With a source that holds claims, the source decides (it is what every machine sees); the store follows.
        Raises CollisionError naming the holder, SourceError when the source can't be reached.
        """
        source = self.source
        if source is not None and source.capabilities.claims:
            holder_key = source.claim(
                ticket_id, self.local_state(ticket_id), self.me, self.store
            )  # unknown id: usage error first
            if holder_key is not None:
                holder = self.team_member(holder_key)
                self.assign_from_team(ticket_id, holder)
                raise CollisionError(f"Ticket {ticket_id} is already assigned to {holder.name}; it was not taken.")
            self._reassign(ticket_id, self.me, self.me.name)
            return self.store.ticket(ticket_id)
        held_by = self.store.claim(ticket_id, self.me, self.now())
        if held_by is not None:
            raise CollisionError(f"Ticket {ticket_id} is already assigned to {held_by.name}; it was not taken.")
        return self.store.ticket(ticket_id)

    def assign_from_team(self, ticket_id: int, agent: Agent | None) -> bool:
        """Record an assignment a teammate made elsewhere (seen in the shared source); True if it changed."""
        return self._reassign(ticket_id, agent, TEAM_ACTOR)

    def priority_from_team(self, ticket_id: int, priority: Priority) -> bool:
        """Record a priority a teammate set elsewhere; True if it changed (the caller refreshes the SLA)."""
        if self.store.ticket(ticket_id).priority is priority:
            return False
        self.store.set_priority(ticket_id, priority, self.now(), TEAM_ACTOR)
        return True

    def tag_from_team(self, ticket_id: int, tag: str, present: bool) -> bool:
        """Record a tag a teammate added or removed elsewhere; True if it changed."""
        return self.store.set_tag(ticket_id, tag, present, self.now(), TEAM_ACTOR)

    def team_member(self, key: str) -> Agent:
        """The agent a source names by key (an address), with the name the team knows them by."""
        if "@" not in key:
            return Agent(name=key)
        names = json.loads(self.store.get_meta("team.names") or "{}")
        return Agent(name=names.get(key) or self.store.agent_name(key) or key.split("@", 1)[0], email=key)

    def tag(self, ticket_id: int, tag: str, present: bool = True) -> Ticket:
        tag = normalise_tag(tag)
        with self.store.transaction():
            if self.store.set_tag(ticket_id, tag, present, self.now(), self.me.name):
                self.refresh_sla(ticket_id)  # a tag may carry targets of its own
                self._mark_for_sharing(ticket_id, tag=(tag, present))
        return self.store.ticket(ticket_id)

    @cached_property
    def presence_channel(self) -> PresenceChannel | None:
        """This running agent-tui's presence (made on first use: the source must be prepared first)."""
        return self.source.presence_channel(self.me, self._presence_lease) if self.source is not None else None

    def presence_now(self) -> list[Presence]:
        """Who is viewing or replying to which ticket, read from the team's source now (for the CLI).
        Raises SourceError when it can't be read."""
        if self.presence_channel is None:
            return []
        entries = self.presence_channel.read_once()
        self.remember_names(self.presence_channel.names)
        return entries

    def remember_names(self, names: dict[str, str]) -> None:
        """Agents' names by address, as they announce themselves: the shared source names assignees by address."""
        known = json.loads(self.store.get_meta("team.names") or "{}")
        if names and any(known.get(k) != v for k, v in names.items()):
            self.store.set_meta("team.names", json.dumps(known | names, ensure_ascii=False))

    def team_addresses(self) -> set[str]:
        """Whose mail counts as an agent's: the shared address, me, and everyone who has answered before."""
        return self.store.agent_addresses() | {a.lower() for a in (self.own_address, self.me.email) if a}

    def become(self, agent: Agent) -> int:
        """From now on "me" is ``agent`` (first run: who the login name stood for). Tickets held under the old
        me become theirs, shared like any assignment; returns how many."""
        held = self.queue_ids(QueueQuery(view=View.MINE, sort=SortKey.ID))
        previous, self.me = self.me, agent
        channel = self.__dict__.get("presence_channel")  # made already (cached): the team sees the new name now
        if channel is not None:
            channel.become(agent)
        with self.store.transaction():
            for ticket_id in held:
                if self._reassign(ticket_id, agent, agent.name):
                    self._mark_for_sharing(ticket_id, assignee=True)
        return len(held) if previous != agent else 0

    def team(self) -> list[Agent]:
        """Whom a ticket can be assigned to: me first, then the configured ``[team]``, then everyone who held a
        ticket or replied here (most active first); one entry per address (or name, for one without)."""
        shared = (self.own_address or "").lower()
        seen: dict[str, Agent] = {}
        candidates = [self.me, *self.team_config]
        candidates += [
            Agent(name, email if email and email.lower() != shared else None)
            for name, email in self.store.agents_seen()
        ]
        for agent in candidates:
            key = agent_key(agent).lower()
            by_name = next((k for k, a in seen.items() if a.name.lower() == agent.name.lower()), None)
            if key in seen or (by_name is not None and (agent.email is None or seen[by_name].email is None)):
                continue  # the same agent again (a reply from the shared address names them only)
            seen[key] = agent
        return list(seen.values())

    def resolve_agent(self, text: str) -> Agent:
        """``me``; ``Name <email>`` (anyone: a new teammate); or one of the team by address, name, or the start
        of either (``dan``). UsageError when no one, or more than one, of the team answers to it, so a typo
        never makes a phantom agent."""
        text = text.strip()
        if text.lower() == "me":
            return self.me
        if "<" in text and text.endswith(">"):
            return Agent.parse(text)  # Name <email>: as given (its checks say what is wrong with it)
        wanted = text.lower()
        team = self.team()
        exact = [a for a in team if wanted in (a.name.lower(), (a.email or "").lower())]
        found = exact or [
            a
            for a in team
            if any(
                part.startswith(wanted) for part in (a.name.lower(), *a.name.lower().split(), (a.email or "").lower())
            )
        ]
        if len(found) == 1:
            return found[0]
        names = ", ".join(a.name for a in (found or team)[:8])
        if found:
            raise UsageError(f"{text!r} could be any of {names}; give more of the name or the address.")
        raise UsageError(
            f"No one on the team is called {text!r} (the team: {names}); "
            f"to assign someone new, give them as 'Name <email>'."
        )

    def refresh_sla(self, ticket_id: int) -> None:
        self.refresh_sla_many([ticket_id])

    def refresh_sla_many(self, ids: Sequence[int]) -> None:
        """Store each ticket's nearest running deadline, which the queue sorts on and the breaching view reads."""
        for ticket, clocks in self.tickets_with_clocks(ids):
            clock = most_urgent(clocks)
            self.store.set_sla(ticket.id, clock.due_at if clock else None, clock.metric.value if clock else None)

    def queue_clock(self, row: QueueRow) -> tuple[int, ClockState] | None:
        """The queue row's most urgent running clock: remaining time in its own terms, and its state."""
        if row.sla_due_at is None or row.sla_metric is None:
            return None
        target = self.policy.target(row.priority, Metric(row.sla_metric), row.tags)
        if target is None:
            return None
        remaining = remaining_until(from_epoch(row.sla_due_at), self.now(), target, self.policy)
        return remaining, running_state(remaining, target, self.policy)

    @property
    def tz(self) -> tzinfo:
        """The zone days and deadlines are shown in: the SLA policy's, else UTC."""
        return self.policy.hours.tz if self.policy.hours else UTC

    def report(self, since: datetime, until: datetime) -> Report:
        return compute_report(self.store.metric_facts(since, until), since, until, self.policy, self.tz)

    def describe(self, clock: Clock) -> str:
        """``2h 10m business · due Tue 10:00``: what a clock means, in the policy's time zone."""
        return describe_clock(clock, self.tz)
