"""Which reply template fits a ticket best: ranked on the whole thread, negation-aware, and never first when it
contradicts what the team already promised.

A template scores, for the ticket's thread:

- **tags** it shares with the ticket, each worth 1 divided by how many templates carry that tag (``damaged``
  points at one template, ``shipping`` at three);
- **keywords** (front matter ``keywords``) found in the subject and in every customer message, one point each,
  three at most. A keyword with a negation a few words before it in the same clause does not count: "not
  damaged", "wasn't late", "没有损坏", "并没有破损"; nor does one in a clause about an earlier time ("last
  time it was late", "上次少了地钉"). Quoted lines (``> ...``) are left out;
- **the stage** (front matter ``when``): one point when every condition holds, and the template does not fit
  when one fails. Conditions: ``first-reply`` (no agent has replied yet) or ``follow-up``; ``returning`` (the
  customer has earlier tickets) or ``new-customer``; ``promised-refund``, ``promised-replacement``,
  ``promised-exchange`` (an agent's reply in the thread already speaks of it, not negated).

A template *fits* when it scores 1 or more and its ``when`` holds. A fitting template that offers a remedy the
team already promised (front matter ``offers``: a late-order apology offering a first replacement when an agent
already said one is coming) *contradicts* the thread: it ranks after every fitting one. Then the rest. On
equal scores the template for the stage comes first: a single keyword is thin evidence.
Every language version of a name counts together (keywords, tags), so the ranking is the same whichever
language the customer wrote in; the customer's language comes first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent_tui.services.templates import ReplyTemplate

STAGES = ("first-reply", "follow-up", "returning", "new-customer")
REMEDIES = ("refund", "replacement", "exchange")
WHEN = (*STAGES, *(f"promised-{remedy}" for remedy in REMEDIES))
MAX_KEYWORD_POINTS = 3

# How an agent's reply speaks of a remedy (same phrase rules as template keywords).
PROMISES: dict[str, tuple[str, ...]] = {
    "refund": ("refund*", "money back", "退款", "退钱", "原路退回", "退给您"),
    "replacement": (
        "replacement",
        "replace it",
        "replace the",
        "resend",
        "re-send",
        "send another",
        "send a second",
        "second set",
        "send * new",
        "ship * new",
        "补发",
        "重发",
        "重新发",
        "再发一",
        "寄新",
        "发新的",
        "换新",
    ),
    "exchange": ("swap", "exchange", "换货", "换成", "调换", "给您换"),
}

# And every word ending in n't.
_NEGATION_WORDS = frozenset(("not", "no", "never", "without", "nothing", "none", "nor", "neither", "cannot", "nobody"))
_NEGATION_CHARS = frozenset("不没未无")
_WORDS_BEFORE = 3  # an English keyword is negated by a negation among the 3 words before it
_CHARS_BEFORE = 4  # a Chinese one by a negation among the 4 characters before it
_CLAUSE_END = re.compile(r"[.;:!?,\n\"“”，。；：！？、「」]|\bbut\b|但是|可是|不过")
_EARLIER = re.compile(r"\b(?:last time|previously|the previous|the last order)\b|上次|上回", re.I)
_ASCII_WORD = re.compile(r"[A-Za-z0-9']+")
_QUOTED = re.compile(r"^\s*>.*$", re.M)


@dataclass(frozen=True, slots=True)
class Thread:
    """What a ticket's conversation says, for ranking templates. ``customer``: every customer message, oldest
    first; ``agent``: the team's replies to the customer (internal notes are not promises to the customer)."""

    subject: str
    tags: tuple[str, ...] = ()
    customer: tuple[str, ...] = ()
    agent: tuple[str, ...] = ()
    returning: bool = False
    language: str = "en"

    def situation(self) -> frozenset[str]:
        """The ``when`` conditions that hold for this thread."""
        held = {"follow-up" if self.agent else "first-reply", "returning" if self.returning else "new-customer"}
        replies = [_unquoted(text) for text in self.agent]
        for remedy, phrases in PROMISES.items():
            if any(mentions(text, phrase) for text in replies for phrase in phrases):
                held.add(f"promised-{remedy}")
        return frozenset(held)

    def written(self) -> list[str]:
        """The customer's words: the subject and every message, quoted lines left out."""
        return [self.subject, *(_unquoted(text) for text in self.customer)]


@dataclass(frozen=True, slots=True)
class Fit:
    """Why a template name ranks where it does (for tests and for anyone tuning keywords)."""

    name: str
    score: float
    fits: bool
    contradicts: frozenset[str]
    keywords: tuple[str, ...]
    staged: bool = False  # it declares a stage (when) and the thread is at it

    @property
    def band(self) -> int:
        if self.fits and not self.contradicts:
            return 0
        return 1 if self.fits else 2


def rank(templates: Sequence[ReplyTemplate], thread: Thread) -> list[ReplyTemplate]:
    """``templates`` best first for ``thread``: the customer's language first, then fitting, contradicting, the
    rest; by score within each; on a tie the template for the conversation's stage, then the one with more
    keywords found, then by name."""
    fits = assess(templates, thread)
    return sorted(
        templates,
        key=lambda t: (
            t.language != thread.language,
            fits[t.name].band,
            -fits[t.name].score,
            not fits[t.name].staged,  # on a tie, the template for this stage: one keyword is thin evidence
            -len(fits[t.name].keywords),
            t.name,
        ),
    )


def assess(templates: Iterable[ReplyTemplate], thread: Thread) -> dict[str, Fit]:
    """Every template name's fit for the thread."""
    by_name: dict[str, list[ReplyTemplate]] = {}
    for template in templates:
        by_name.setdefault(template.name, []).append(template)
    carriers: dict[str, int] = {}
    for versions in by_name.values():
        for tag in {tag for t in versions for tag in t.tags}:
            carriers[tag] = carriers.get(tag, 0) + 1
    situation = thread.situation()
    written = thread.written()
    result = {}
    for name, versions in by_name.items():
        tags = {tag for t in versions for tag in t.tags}
        keywords = sorted({k for t in versions for k in t.keywords})
        when = {w for t in versions for w in t.when}
        offers = {o for t in versions for o in t.offers}
        found = tuple(k for k in keywords if any(mentions(text, k) for text in written))
        score = sum(1 / carriers[tag] for tag in tags & set(thread.tags))
        score += min(len(found), MAX_KEYWORD_POINTS)
        held = when <= situation
        score += 1 if when and held else 0
        contradicts = frozenset(o for o in offers if f"promised-{o}" in situation)
        result[name] = Fit(name, round(score, 3), held and score >= 1, contradicts, found, bool(when) and held)
    return result


def mentions(text: str, phrase: str) -> bool:
    """``phrase`` is in ``text`` at least once without a negation shortly before it (in the same clause).
    Case does not matter; an English phrase matches whole words; ``*`` ends a word with anything
    (``crush*``: crushed, crushing) or, alone, stands for any one word (``send * new``)."""
    return any(not discounted(text, found.start()) for found in _phrase_pattern(phrase).finditer(text))


def discounted(text: str, start: int) -> bool:
    """What is said at ``start`` doesn't count: a negation shortly before it in the same clause (one of the 3
    words before it: not, no, never, without, nothing, any word ending in n't; in Chinese one of the 4
    characters before it: 不, 没, 未, 无), or the clause is about an earlier time ("last time it was late",
    "上次少了地钉")."""
    clause = text[max(0, start - 80) : start]
    ends = list(_CLAUSE_END.finditer(clause))
    if ends:
        clause = clause[ends[-1].end() :]
    if _EARLIER.search(clause):
        return True
    words = _ASCII_WORD.findall(clause.replace("’", "'"))[-_WORDS_BEFORE:]
    if any(w.lower() in _NEGATION_WORDS or w.lower().endswith("n't") for w in words):
        return True
    tail = clause.rstrip()[-_CHARS_BEFORE:]
    return any(char in _NEGATION_CHARS for char in tail)


@cache
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    parts = []
    for word in phrase.split():
        if word == "*":
            parts.append(r"[\w'-]+")
        elif word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"[\w'-]*")
        else:
            parts.append(re.escape(word))
    body = r"\s+".join(parts)
    # Whole words for English (ASCII lookarounds, so a word next to Chinese text still matches); Chinese
    # phrases match anywhere, since Chinese has no spaces between words.
    before = r"(?<![A-Za-z0-9])" if re.match(r"[A-Za-z0-9]", phrase) else ""
    after = r"(?![A-Za-z0-9])" if re.search(r"[A-Za-z0-9]$", phrase) else ""
    return re.compile(before + body + after, re.I)


def _unquoted(text: str) -> str:
    return _QUOTED.sub("", text)
