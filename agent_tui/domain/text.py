"""Make hostile email text safe to show in a terminal.

Mail is written by strangers. A subject can carry ANSI escape sequences (which would move the cursor,
recolour or retitle the terminal), other C0/C1 control characters, or bidirectional overrides that make
text read differently from what it is. We never drop such characters silently: each one is shown as a
visible stand-in, so an agent sees that something odd was sent. Rich/Textual markup is a separate
concern handled by always building ``Text``/``Content`` objects rather than markup strings; this module
only deals with characters.
"""

from __future__ import annotations

import re

# C0 controls except tab/newline, DEL, C1 controls, and the bidi embedding/override/isolate characters.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
# Characters that draw nothing, so a name or subject can hide text or look blank ("Dana\u200bLi" is not "Dana Li";
# a name of Hangul fillers looks empty): zero-width space, word joiner and invisible operators, byte-order mark,
# soft hyphen, combining grapheme joiner, Mongolian vowel separator, Hangul fillers, Khmer inherent vowels,
# interlinear annotation marks and the tag characters. The zero-width (non-)joiners are left alone: Persian,
# Indic scripts and emoji sequences need them.
_INVISIBLE = (
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u2060-\u2064\u3164\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e007f"
)
_UNSAFE = re.compile(f"[{_CONTROLS}]")
_UNSAFE_INLINE = re.compile(f"[\n\t{_CONTROLS}{_INVISIBLE}]")
_UNSAFE_IN_REPLY = re.compile(f"[{_CONTROLS}{_INVISIBLE}]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # U+2400 block: the Control Pictures, e.g. ESC -> ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def safe_line(text: str | None) -> str:
    """One line of untrusted text (subject, name, address): every control and invisible character made visible."""
    if not text:
        return ""
    return _UNSAFE_INLINE.sub(_visible, text)


def strip_controls(text: str) -> str:
    """Untrusted text going into a reply we write: control characters, bidi overrides and invisible characters
    dropped (a customer's name is quoted in our mail, its escape sequences are not)."""
    return _UNSAFE_IN_REPLY.sub("", text)


def safe_block(text: str | None) -> str:
    """Untrusted multi-line text (a message body): newlines and tabs kept, line endings normalised."""
    if not text:
        return ""
    return _UNSAFE.sub(_visible, text.replace("\r\n", "\n").replace("\r", "\n"))


def format_age(now: int, created_at: int) -> str:
    """How long ago, compactly, from epoch seconds: ``3d``, ``5h``, ``12m``, ``now``."""
    seconds = max(0, now - created_at)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return "now"
