"""Mail and other input as tickets: raw RFC 5322 parsed into messages, and the files ``ingest`` reads.

    parse       parse_mail and parse_headers: raw mail into a Message, whatever state it is in; its bodies
    headers     header fields as the standard library splits them, and the Date and Message-ID values
    addresses   address headers, tokenized on their raw value
    charsets    bytes into text: charset labels as their supersets, RFC 2047 encoded words
    readers     eml, mbox, maildir and JSON lines, from paths or stdin, as items

Not a source itself: ``ingest`` reads with it, and the IMAP source parses what it fetches with it, so mail
is filed the same whichever way it came.
"""

from agent_tui.sources.mail.headers import header_fields
from agent_tui.sources.mail.parse import MADE_UP_ID_END, ParsedMail, html_to_text, parse_headers, parse_mail
from agent_tui.sources.mail.readers import FORMATS, mail_item, parse_json_line, read_inputs

__all__ = [
    "FORMATS",
    "MADE_UP_ID_END",
    "ParsedMail",
    "header_fields",
    "html_to_text",
    "mail_item",
    "parse_headers",
    "parse_json_line",
    "parse_mail",
    "read_inputs",
]
