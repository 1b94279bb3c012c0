"""Full-text search that works for Chinese as well as English.

FTS5's unicode61 tokenizer splits on spaces, so a Chinese sentence would be one huge token and
``退款`` would never match. We index CJK text one character per token and turn each query word
into a phrase of its characters, which matches any run of characters, of any length.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af])")


def index_text(text: str) -> str:
    """Text as it is stored in the FTS table."""
    return _CJK.sub(lambda match: f" {match.group()} ", text)


def match_query(query: str) -> str | None:
    """An FTS5 MATCH expression requiring every word of ``query`` (a prefix match on the last one).

    Words are quoted, so FTS5 operators typed by the user are searched for, never interpreted.
    """
    words = index_text(query).split()
    if not words:
        return None
    grouped = _group_cjk(words)
    phrases = []
    for index, word in enumerate(grouped):
        phrase = '"' + word.replace('"', '""') + '"'
        if index == len(grouped) - 1 and not _CJK.search(word):
            phrase += "*"
        phrases.append(phrase)
    return " AND ".join(phrases)


def _group_cjk(words: list[str]) -> list[str]:
    """Join runs of single CJK characters back into one phrase: 退 款 -> "退 款"."""
    grouped: list[str] = []
    run: list[str] = []
    for word in words:
        if _CJK.fullmatch(word):
            run.append(word)
            continue
        if run:
            grouped.append(" ".join(run))
            run = []
        grouped.append(word)
    if run:
        grouped.append(" ".join(run))
    return grouped
