"""The store's schema, as an ordered list of migrations. ``PRAGMA user_version`` records how many ran.

Append a migration to change the schema; never edit one that has shipped.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: tickets, messages, customers, the event log, full-text search.
    """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE customers (
        id    INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name  TEXT NOT NULL DEFAULT '',
        extra TEXT NOT NULL DEFAULT '{}'          -- JSON object of shop data (orders, city, ...)
    );
    CREATE TABLE tickets (
        id             INTEGER PRIMARY KEY,       -- the short id agents say aloud: 1042
        subject        TEXT NOT NULL,
        status         TEXT NOT NULL,
        priority       INTEGER NOT NULL,          -- 0 low .. 3 urgent, so it sorts
        customer_id    INTEGER NOT NULL REFERENCES customers(id),
        assignee_name  TEXT,
        assignee_email TEXT,
        created_at     INTEGER NOT NULL,          -- epoch seconds, UTC
        updated_at     INTEGER NOT NULL,
        message_count  INTEGER NOT NULL DEFAULT 0,
        tags           TEXT NOT NULL DEFAULT '',  -- space-separated copy of ticket_tags, for display
        sla_due_at     INTEGER,                   -- nearest deadline of a running SLA clock
        sla_metric     TEXT,                      -- which clock that deadline belongs to
        search_key     TEXT NOT NULL DEFAULT '',  -- lower-cased id, subject, customer, tags: the filter box
        -- Stored (not virtual) so that the queue index below covers the queue's filtering and order.
        unsolved       INTEGER GENERATED ALWAYS AS (status NOT IN ('solved', 'closed')) STORED,
        sla_order      INTEGER GENERATED ALWAYS AS (coalesce(sla_due_at, 4611686018427387904)) STORED
    );
    -- The default queue (unsolved, soonest deadline first) and its filter box read only this index.
    CREATE INDEX tickets_queue ON tickets(unsolved, sla_order, priority DESC, id, search_key, assignee_email, assignee_name);
    CREATE INDEX tickets_by_status   ON tickets(status, updated_at);
    CREATE INDEX tickets_by_customer ON tickets(customer_id, created_at);
    CREATE INDEX tickets_by_created  ON tickets(created_at);

    CREATE TABLE ticket_tags (
        tag       TEXT NOT NULL,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        PRIMARY KEY (tag, ticket_id)
    ) WITHOUT ROWID;
    CREATE INDEX ticket_tags_by_ticket ON ticket_tags(ticket_id, tag);

    CREATE TABLE messages (
        id          INTEGER PRIMARY KEY,
        ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        author      TEXT NOT NULL,                -- customer | agent | note
        from_email  TEXT NOT NULL,
        from_name   TEXT NOT NULL DEFAULT '',
        to_addrs    TEXT NOT NULL DEFAULT '[]',   -- JSON [[email, name], ...]
        cc_addrs    TEXT NOT NULL DEFAULT '[]',
        date        INTEGER NOT NULL,
        subject     TEXT NOT NULL DEFAULT '',
        body_text   TEXT NOT NULL DEFAULT '',
        body_html   TEXT,
        attachments TEXT NOT NULL DEFAULT '[]',   -- JSON [[filename, content_type, size], ...]
        message_id  TEXT UNIQUE,
        in_reply_to TEXT,
        refs        TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX messages_by_ticket ON messages(ticket_id, date);

    -- Every change to a ticket, in order: SLA clocks and reports are computed from it.
    CREATE TABLE events (
        id        INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        at        INTEGER NOT NULL,
        actor     TEXT,
        kind      TEXT NOT NULL,                  -- status | assignee | priority | tag | untag
        value     TEXT
    );
    CREATE INDEX events_by_ticket ON events(ticket_id, at);

    -- One row per message. CJK text is indexed one character per token (see store.fts).
    CREATE VIRTUAL TABLE search USING fts5(subject, body, customer, ticket_id UNINDEXED);
    """,
    # 2: what threading and ingest need: a thread subject, external keys, the raw message and its problems.
    """
    ALTER TABLE tickets ADD COLUMN thread_subject TEXT NOT NULL DEFAULT '';
    ALTER TABLE tickets ADD COLUMN external_key TEXT;
    UPDATE tickets SET thread_subject = agent_tui_normalise_subject(subject);
    CREATE UNIQUE INDEX tickets_by_external_key ON tickets(external_key) WHERE external_key IS NOT NULL;
    CREATE INDEX tickets_by_thread ON tickets(customer_id, thread_subject, updated_at);
    -- raw: the message as received, zlib-compressed; problems: a JSON list of what could not be read.
    ALTER TABLE messages ADD COLUMN raw BLOB;
    ALTER TABLE messages ADD COLUMN problems TEXT NOT NULL DEFAULT '[]';
    """,
    # 3: drafts (autosaved, one per ticket and agent) and the outbox replies pass through on their way out.
    """
    CREATE TABLE drafts (
        ticket_id  INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        agent      TEXT NOT NULL,
        body       TEXT NOT NULL,
        template   TEXT,
        message_id TEXT NOT NULL,                 -- fixed when the draft is created: a retry never sends twice
        seen_at    INTEGER NOT NULL,              -- the ticket's updated_at when the draft was opened
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (ticket_id, agent)
    );
    CREATE TABLE outbox (
        id          INTEGER PRIMARY KEY,
        ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        message_id  TEXT NOT NULL UNIQUE,
        message     TEXT NOT NULL,                -- the outgoing message as JSON
        state       TEXT NOT NULL,                -- queued | sending | sent | confirmed | dropped
        attempts    INTEGER NOT NULL DEFAULT 0,
        error       TEXT,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
    );
    CREATE INDEX outbox_by_state ON outbox(state, id);
    """,
    # 4: where a message lives on its source (e.g. "INBOX/1795498753/42"), for sharing ticket state there.
    """
    ALTER TABLE messages ADD COLUMN source_ref TEXT;
    CREATE INDEX messages_by_source_ref ON messages(source_ref);
    """,
    # 5: what the agent had seen of the ticket when writing the draft: the send-time guard compares with it.
    """
    ALTER TABLE drafts ADD COLUMN seen_message INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE drafts ADD COLUMN seen_event INTEGER NOT NULL DEFAULT 0;
    UPDATE drafts SET
        seen_message = (SELECT COALESCE(MAX(id), 0) FROM messages WHERE ticket_id = drafts.ticket_id),
        seen_event = (SELECT COALESCE(MAX(id), 0) FROM events WHERE ticket_id = drafts.ticket_id);
    """,
    # 6: a message filed from its headers alone (an IMAP first sync, headers first), its body still to come.
    """
    ALTER TABLE messages ADD COLUMN body_pending INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX messages_body_pending ON messages(source_ref) WHERE body_pending;
    """,
    # 7: snooze. snoozed_until: when an on-hold ticket reopens by itself; woke_at: when it last did, so the queue
    # shows it first until someone touches it (updated_at moves past woke_at).
    """
    ALTER TABLE tickets ADD COLUMN snoozed_until INTEGER;
    ALTER TABLE tickets ADD COLUMN woke_at INTEGER;
    CREATE INDEX tickets_snoozed ON tickets(snoozed_until) WHERE snoozed_until IS NOT NULL;
    CREATE INDEX tickets_woke ON tickets(woke_at) WHERE woke_at IS NOT NULL;
    """,
    # 8: a draft's To and Cc lines as the agent edited them in the composer (NULL: the reply-all default).
    """
    ALTER TABLE drafts ADD COLUMN to_line TEXT;
    ALTER TABLE drafts ADD COLUMN cc_line TEXT;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
