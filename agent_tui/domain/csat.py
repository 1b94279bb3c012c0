"""Customer satisfaction (CSAT): the survey line closing replies may carry, and the rating read back from the
customer's answer to it. Pure.

A rating is read only from the customer's own words: the lines before any quote of our mail (a reply quoting
the survey's "1 (poor) to 5 (excellent)" is not a rating of 1 or 5), and only from a short answer, so a
number inside a sentence ("order 12345", "I have 2 questions") or a word in passing ("great, but it still
hasn't arrived") is never taken for one. What counts:

    5   4/5   4 out of 5   rating: 4   5 stars   ★★★★   5分   5星   五星
    excellent, very satisfied, 非常满意 (5) · good, satisfied, 满意 (4) · okay, 一般 (3)
    poor, not satisfied, dissatisfied, 不满意 (2) · terrible, very dissatisfied, 非常不满意 (1)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

# The survey line of the shipped closing templates (behind ``shop.csat``). A reply is read for a rating only
# when the latest agent message before it carries one of these.
SURVEY_LINES = {
    "en": "How did we do? Just reply with a number from 1 (poor) to 5 (excellent).",
    "zh": "您对本次服务满意吗？直接回复 1（很不满意）到 5（非常满意）的数字即可。",
}
_SURVEY = re.compile(r"reply with a number from 1\b.{0,20}\bto 5\b|回复\s*1.{0,12}到\s*5", re.I | re.S)

MAX_WORDS = 8  # a longer first line is a message, not a rating
_QUOTE_START = re.compile(
    r"^\s*(>|on .{0,200} wrote:?\s*$|-{2,}\s*original message|from:\s|在.{0,80}写道|发件人[:：])",
    re.I,
)
_STARS = re.compile(r"^[★⭐☆\s]+$")
_NUMBER = re.compile(
    r"^(?:(?:rating|rate|score|评分|打分)\s*[:：]?\s*)?(?:我?给?(?:您|你们)?打?\s*)?"
    r"([1-5])\s*(?:/\s*5|out of 5|of 5|stars?|分|星|颗星)?(?:\s*(?:stars?|分|星))?$",
    re.I,
)
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CHINESE_NUMBER = re.compile(r"^(?:给?打?)?([一二两三四五])\s*(?:分|星|颗星)$")
# Longest phrases first: "not satisfied" must win over "satisfied", 非常不满意 over 不满意 over 满意.
_WORDS: tuple[tuple[str, int], ...] = (
    ("very dissatisfied", 1),
    ("very unsatisfied", 1),
    ("extremely dissatisfied", 1),
    ("not satisfied at all", 1),
    ("not at all satisfied", 1),
    ("very satisfied", 5),
    ("extremely satisfied", 5),
    ("not very satisfied", 2),
    ("not satisfied", 2),
    ("not happy", 2),
    ("not good", 2),
    ("not great", 2),
    ("not bad", 3),
    ("dissatisfied", 2),
    ("unsatisfied", 2),
    ("satisfied", 4),
    ("excellent", 5),
    ("outstanding", 5),
    ("perfect", 5),
    ("amazing", 5),
    ("fantastic", 5),
    ("great", 5),
    ("very good", 5),
    ("good", 4),
    ("happy", 4),
    ("okay", 3),
    ("ok", 3),
    ("average", 3),
    ("fine", 3),
    ("so-so", 3),
    ("poor", 2),
    ("bad", 2),
    ("very bad", 1),
    ("terrible", 1),
    ("awful", 1),
    ("horrible", 1),
)
_ZH_WORDS: tuple[tuple[str, int], ...] = (
    ("非常不满意", 1),
    ("很不满意", 1),
    ("极不满意", 1),
    ("不太满意", 2),
    ("不满意", 2),
    ("非常满意", 5),
    ("很满意", 5),
    ("特别满意", 5),
    ("比较满意", 4),
    ("满意", 4),
    ("非常好", 5),
    ("很好", 5),
    ("好评", 5),
    ("差评", 1),
    ("很差", 1),
    ("太差", 1),
    ("一般", 3),
    ("还行", 3),
    ("还可以", 3),
    ("不好", 2),
    ("差", 2),
)
_TRAILING = re.compile(r"[\s.!！。,，~～:：;；)）(（\"'“”]+")


def has_survey(text: str) -> bool:
    """Whether an agent's message asks the customer for a rating."""
    return bool(_SURVEY.search(text))


_THANKS = re.compile(r"\b(?:thanks?(?: you)?|thx|cheers)\b|谢谢(?:你们|您)?|多谢|感谢")


def is_only_a_rating(text: str) -> bool:
    """Whether the customer's own words are a rating and nothing more ("5", "5 stars, thanks!", "非常满意，谢谢"):
    such an answer to a survey does not reopen a solved ticket. A rating followed by anything else
    ("1 - it still hasn't come", a second line) is a message too, and does."""
    lines = list(_own_lines(text))
    if len(lines) != 1 or parse_rating(lines[0]) is None:
        return False
    bare = _bare(lines[0])
    compact = bare.replace(" ", "")
    return bool(
        _STARS.match(bare)
        or _NUMBER.match(bare)
        or _CHINESE_NUMBER.match(compact)
        or any(bare == phrase for phrase, _ in _WORDS)
        or any(compact == phrase for phrase, _ in _ZH_WORDS)
    )


def _own_lines(text: str) -> Iterator[str]:
    """The non-empty lines the customer wrote themselves, before any quote of our mail (read as far as asked)."""
    for line in text.splitlines():
        if _QUOTE_START.match(line):
            return
        if line.strip():
            yield line.strip()


def own_words(text: str) -> str:
    """The first non-empty line the customer wrote themselves: nothing from a quote of our mail onwards."""
    return next(_own_lines(text), "")


def _bare(line: str) -> str:
    """A line without thanks and punctuation, lower case: "5, thanks!" is "5"."""
    return _TRAILING.sub(" ", _THANKS.sub(" ", line.lower())).strip()


def parse_rating(text: str) -> int | None:
    """The 1-5 rating a customer's answer to a survey gives, or None when it gives none."""
    line = own_words(text)
    if not line or len(line.split()) > MAX_WORDS:
        return None
    if _STARS.match(line):
        stars = sum(line.count(star) for star in "★⭐")
        return stars if 1 <= stars <= 5 else None
    bare = _bare(line)
    if (match := _NUMBER.match(bare)) is not None:
        return int(match[1])
    if (match := _CHINESE_NUMBER.match(bare.replace(" ", ""))) is not None:
        return _CHINESE_DIGITS[match[1]]
    if re.search(r"\d", bare):
        return None  # a number that is not a rating (an order number, a count): no word counts either
    words = f" {bare} "
    for phrase, rating in sorted(_WORDS, key=lambda item: -len(item[0])):
        if f" {phrase} " in words or f" {phrase}," in words:
            return rating
    compact = bare.replace(" ", "")
    for phrase, rating in _ZH_WORDS:
        if phrase in compact:
            return rating
    return None


def csat_score(ratings: Sequence[int]) -> float | None:
    """The CSAT score: the mean rating, 1-5, to two decimals; None without ratings."""
    return round(sum(ratings) / len(ratings), 2) if ratings else None
