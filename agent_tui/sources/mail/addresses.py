"""The addresses of an address header (From, To, Cc), split on its raw value by a tokenizer of its own.

- An address header is split into addresses on its raw value and encoded words are decoded only inside
  display names (RFC 2047 §5). Decoding the whole header first, as ``email.header`` invites, turns
  ``=?utf-8?q?Support_<support@shop.example>,?= <attacker@evil.example>`` into a mail from the shop.
- ``email.utils.getaddresses`` recurses once per nested comment: a To header of a few thousand "(" (or of
  encoded words that decode to them) stopped the whole message. The tokenizer here is a loop.

Apart from the parse because it is the one hand-written grammar in it (RFC 5322 §3.2 and §3.4).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from agent_tui.domain.models import Address
from agent_tui.sources.mail.charsets import _decode_words, _decoded_word

_SIMPLE_ADDRESS = re.compile(
    r'^\s*(?:(?P<name>[^"<>,;:()@\\]*?)\s*<(?P<email>[^<>\s,;:()"@]+@[^<>\s,;:()"@]+)>|(?P<bare>[^<>\s,;:()"@]+@[^<>\s,;:()"@]+))\s*$'
)

# One token of an address header (RFC 5322 §3.2 and §3.4). Comments nest, so _comment_end reads them.
_ADDRESS_TOKEN = re.compile(
    r"""(?P<space>[ \t\r\n]+)
      | (?P<word>=\?[^?]*\?[qQbB]\?[^?]*\?=)              # an encoded word, which is only ever (part of) a name
      | "(?P<quoted>[^"\\]*(?:\\.[^"\\]*)*)(?:"|\\?\Z)    # a quoted string, to the end of the header if unclosed
      | (?P<atom>[^ \t\r\n()<>@,;:\\".\[\]]+)
      | (?P<special>.)""",
    re.VERBOSE | re.DOTALL,
)
_COMMENT_MARK = re.compile(r"\\.|[()]", re.DOTALL)
_QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)
_JOINERS = (("special", "."), ("special", "@"))  # join the words of an address written with spaces
_NEEDS_QUOTES = re.compile(r'[ \t\r\n()<>@,;:\\"\[\]]')  # in a local part; as the standard library's quote_string


def _addresses(value: str | None, problems: list[str], name: str) -> list[Address]:
    """The addresses of an address header, split on the raw value: the address comes only from where an
    address can stand, and encoded words are decoded inside display names alone (RFC 2047 §5)."""
    if not value:
        return []
    simple = _SIMPLE_ADDRESS.match(value)
    if simple:  # "Name <a@b>" or "a@b": the common case. A name holding <, > or a comma (even inside an
        # encoded word, where the fast pattern can't tell) goes to the full parser below.
        email = simple.group("email") or simple.group("bare")
        display = simple.group("name") or ""
        if "=?" in display:
            display = _display_name(list(_tokens(display)), problems, name)
        return [Address(email, " ".join(display.split()))]
    found = [address for address in _address_list(value, problems, name) if _usable(address.email)]
    if not found and value.strip():
        problems.append(f"unparsable {name} address")
    return found


def _tokens(value: str) -> Iterator[tuple[str, str]]:
    """(kind, text) pairs: space, word (encoded), quoted (its content), atom, comment (its content) or special."""
    position = 0
    while position < len(value):
        if value[position] == "(":
            end = _comment_end(value, position)
            yield "comment", value[position + 1 : end - 1]
            position = end
            continue
        found = _ADDRESS_TOKEN.match(value, position)
        assert found is not None and found.lastgroup is not None  # "special" takes any character
        yield found.lastgroup, found.group(found.lastgroup)
        position = found.end()


def _comment_end(value: str, start: int) -> int:
    """Where the comment opening at ``start`` ends, nested comments included; a loop, not a recursion."""
    depth = 0
    for found in _COMMENT_MARK.finditer(value, start):
        mark = found.group()
        if mark == "(":
            depth += 1
        elif mark == ")":
            depth -= 1
            if depth == 0:
                return found.end()
    return len(value)  # unclosed: the rest of the header


def _address_list(value: str, problems: list[str], name: str) -> Iterator[Address]:
    """Mailboxes and the members of groups, in order. What precedes ``<`` is the display name; a second
    angle address in one mailbox is ignored, as the standard library's parser does."""
    phrase: list[tuple[str, str]] = []  # the display name, or an address without angle brackets
    angle: list[tuple[str, str]] | None = None  # inside <...>
    address: list[tuple[str, str]] | None = None  # the first angle address of this mailbox

    def mailbox() -> Address | None:
        if address is not None:
            return Address(_addr_spec(address), _display_name(phrase, problems, name))
        return _bare_mailbox(phrase, problems, name) if phrase else None

    for kind, text in _tokens(value):
        special = text if kind == "special" else ""
        if angle is not None:
            route_so_far = angle[:1] == [("special", "@")]  # "<@relay1,@relay2:a@b>", obsolete
            if special == ">" or (special == "," and not route_so_far):
                address = angle if address is None else address
                angle = None
                if special == ">":
                    continue  # else the comma also ends the mailbox: "<a@b, c@d" lacks its ">"
            elif special == ":":
                angle = []  # the route ends: the address follows
                continue
            else:
                angle.append((kind, text))
                continue
        if special in (",", ";"):
            if (found := mailbox()) is not None:
                yield found
            phrase, address = [], None
        elif special == "<":
            angle = []
        elif special == ":" and address is None:
            phrase = []  # a group's name
        elif address is None:
            phrase.append((kind, text))
    if angle is not None and address is None:
        address = angle
    if (found := mailbox()) is not None:
        yield found


def _bare_mailbox(tokens: list[tuple[str, str]], problems: list[str], header: str) -> Address | None:
    """A mailbox without angle brackets: "a@b", "a@b (Name)" (the old way to name), or words then the
    address ("Big Bug bb@bug.com"). Whitespace ends the address unless a dot or @ joins it to the next word
    ("john . doe @ example . com", obsolete); a second address after it ("a@b c@d") is ignored."""
    words: list[list[tuple[str, str]]] = []
    comments: list[str] = []
    spaced = True
    for token in tokens:
        if token[0] in ("space", "comment"):
            spaced = True
            if token[0] == "comment":
                comments.append(" ".join(_QUOTED_PAIR.sub(r"\1", token[1]).split()))
            continue
        if not words or (spaced and token not in _JOINERS and words[-1][-1] not in _JOINERS):
            words.append([])
        words[-1].append(token)
        spaced = False
    for index, word in enumerate(words):
        if ("special", "@") in word:
            before = [token for earlier in words[:index] for token in (*earlier, ("space", " "))]
            return Address(_addr_spec(word), comments[0] if comments else _display_name(before, problems, header))
    return None


def _usable(email: str) -> bool:
    local, at, domain = email.rpartition("@")
    return bool(local and at and domain)


def _addr_spec(tokens: list[tuple[str, str]]) -> str:
    """local@domain as written, without whitespace and comments; a quoted local part unquoted where it
    needs no quotes, as the standard library's ``addr_spec`` gives it."""
    pieces = []
    for kind, text in tokens:
        if kind == "quoted":
            text = _QUOTED_PAIR.sub(r"\1", text)
            if _NEEDS_QUOTES.search(text) or not text:
                text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        elif kind in ("space", "comment"):
            continue
        pieces.append(text)
    return "".join(pieces)


def _display_name(tokens: list[tuple[str, str]], problems: list[str], name: str) -> str:
    """The words of a display name joined by single spaces; encoded words decoded, the whitespace between
    two of them dropped (RFC 2047 §6.2); quoted strings unquoted."""
    pieces: list[str] = []
    gap = ""  # what separates this word from the previous one: "", " " or "(" for a comment
    after_word = False
    for kind, text in tokens:
        if kind in ("space", "comment"):
            gap = "(" if kind == "comment" else gap or " "
            continue
        is_word = kind == "word"
        if is_word:
            charset, encoding, encoded = text[2:-2].split("?", 2)
            decoded = _decoded_word(charset, encoding, encoded, problems, name)
            text = decoded if decoded is not None else text
        elif kind == "quoted":
            text = _decode_words(_QUOTED_PAIR.sub(r"\1", text), problems, name)
        if pieces and gap and not (gap == " " and is_word and after_word):
            pieces.append(" ")
        pieces.append(text)
        gap, after_word = "", is_word
    return " ".join("".join(pieces).split())
