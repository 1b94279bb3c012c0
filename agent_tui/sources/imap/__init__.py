"""A shared IMAP inbox as a ticket source; replies leave over SMTP.

    source      ImapSource: connections, pull, push and claim (compare-and-set), IDLE, delivery
    settings    ImapSettings, from an account's config table
    pull        what changed in each folder since the last sync, then the bodies (a mixin of ImapSource)
    parsing     fetched messages into items, in a helper process for big folders
    fetch       the bulk FETCHes and QRESYNC's VANISHED, read past imapclient
    keywords    ticket state as keywords on INBOX messages, written compare-and-set
    presence    who is viewing or replying, through a small folder of notes
    smtp        a reply as MIME, sent over SMTP

Everything outside this package uses only what is exported here (services never do: they see ``Source``).
"""

from agent_tui.sources.imap.parsing import prepare_parse_helper
from agent_tui.sources.imap.settings import ImapSettings
from agent_tui.sources.imap.source import ImapSource

__all__ = ["ImapSettings", "ImapSource", "prepare_parse_helper"]
