"""Request Tracker 5 (REST2) as a ticket source: ``RtSource(RtSettings.from_config(account, table))``.

    source      RtSource: pull (first: the queue's tickets; then the transaction feed), push and claim with
                If-Match, replies and notes exactly once, polling for news
    records     RT's JSON in agent-tui's terms: statuses, users, ticket state, messages
    client      REST2 over httpx: one-sentence errors, 429 waits, paging
    settings    RtSettings, from an account's config table (kind = "rt")

The account table::

    [accounts.desk]
    kind = "rt"
    url = "https://rt.example.com"       # RT's base address (without /REST/2.0)
    user = "agent1"
    queue = "General"                     # optional: else every queue the user can see
    tags_field = "Tags"                   # optional: the multi-value custom field holding tags
    auth = "token"                        # or "basic"; the default is token
    token_command = "pass show rt/token"  # or password_command (auth = basic); neither: the OS keyring

The mapping (README):

    ids         agent-tui ticket = RT ticket id; a message's ref = rt/<ticket>/<transaction>;
                the ticket key rt-<id> groups a ticket's messages (no threading by headers)
    status      RT new -> new, open -> open, stalled -> pending, resolved -> solved,
                rejected -> closed, deleted -> closed (a custom lifecycle's others -> open);
                back: new -> new, open -> open, pending -> stalled, on-hold -> stalled,
                solved -> resolved, closed -> resolved (new and open are not written over each other;
                read back, resolved leaves a closed ticket closed, stalled an on-hold one on hold: ``reads_back_as``)
    assignee    RT Owner (Nobody = unassigned); an agent is the owner's EmailAddress, lowercased
                (a user without one: the user name); written as the user found by that address
    tags        the custom field tags_field (multi-value) <-> tags, lowercased
    messages    Create and Correspond -> public messages: by the customer when written by a Requestor
                (or an unprivileged user), else by an agent; Comment -> internal note.
                Text from the transaction's attachments (text/plain, else text/html); date = Created;
                Message-ID = agent-tui's own (carried in on replies it posts), else the mail's, else
                <rt-TICKET-TXN@HOST>; the customer = the first Requestor
    merge       a merge made here is PUT {"MergeInto": B}; RT's MergedInto link transaction on A says a
                teammate merged A into B (RT reads A as B and its searches leave A out: A comes with B)
    cursor      the highest ticket transaction id read (state "txn"), never the local clock; the feed reads
                on past transactions RT hides from the user, up to the newest one it shows

Replies (``correspond``) and notes (``comment``) go to the RT ticket of the same id; a reply to a resolved or
rejected ticket carries that status, so RT's auto-open leaves it as agent-tui's workflow does.
"""

from agent_tui.sources.helpdesk.rt.settings import RtSettings
from agent_tui.sources.helpdesk.rt.source import RtSource

__all__ = ["RtSettings", "RtSource"]
