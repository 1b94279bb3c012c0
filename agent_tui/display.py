"""Text laid out in terminal cells, for the screens and the plain CLI output alike.

A CJK character takes two cells, a combining mark none: widths are rich's (``rich.cells``), which Textual draws
with, so a column cut here lines up on screen. Kept out of ``domain``, which imports no UI library.

Wrapping follows Chinese line-breaking habits as well as English ones: a line may break between two Chinese
characters or at a space, never inside a number with its unit ("2 个工作日", "30 天", "24 hours"), never
before closing punctuation (，。！？） or after opening punctuation (（“). Rich's and Textual's own wrapping
break only at spaces and cut Chinese runs anywhere, so "如果 2" ends one line and "个工作日" starts the next.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text


def fit_cells(text: str, width: int) -> str:
    """Pad or cut ``text`` to exactly ``width`` terminal cells (CJK characters take two), marking a cut with …."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


# Units a number is never parted from. Longest first, so "个工作日" wins over "个".
_CHINESE_UNITS = (
    "个工作日 个小时 个星期 个月 工作日 小时 分钟 星期 公斤 千克 厘米 毫米 公里 毫升 英寸 天 日 周 月 年 "
    "时 分 秒 件 个 次 元 块 克 度 根 张 双 条 套 号 码 米 岁 份 箱 瓶 斤 倍 折 人 位 笔 升 寸 层 款"
)
_UNITS_ZH = sorted(_CHINESE_UNITS.split(), key=len, reverse=True)
_UNITS_EN = (
    "working days|working day|days|day|hours|hour|hrs|minutes|mins|weeks|week|months|month|years|kg|cm|mm|km|g|m"
)
_NUMBER = r"(?<![A-Za-z0-9])\d(?:[\d.,:/~\-–]*\d)?%?|[〇零一二两三四五六七八九十百千万几半]+"
_NUMBER_WITH_UNIT = re.compile(rf"(?:{_NUMBER})[ \u00a0]?(?:{'|'.join(_UNITS_ZH)}|(?:{_UNITS_EN})(?![A-Za-z]))")
_NO_BREAK_BEFORE = frozenset("，。、；：！？）】」』》〉”’…%,.;:!?)]}～·")
_NO_BREAK_AFTER = frozenset("（【「『《〈“‘([{")


def wrap_spans(text: str, width: int) -> list[tuple[int, int]]:
    """Where to cut ``text`` into lines of at most ``width`` cells: (start, end) offsets of each line, spaces at
    a break left out. Newlines always break; a word or number wider than the line is cut by cells."""
    spans: list[tuple[int, int]] = []
    start = 0
    for hard_line in text.split("\n"):
        spans.extend(_wrap_line(text, start, start + len(hard_line), max(1, width)))
        start += len(hard_line) + 1
    return spans


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` cells (see :func:`wrap_spans`)."""
    return [text[start:end] for start, end in wrap_spans(text, width)]


def wrap_text(text: Text, width: int) -> list[Text]:
    """A rich ``Text`` cut into lines as :func:`wrap_spans` says, its styles kept."""
    return [text[start:end] for start, end in wrap_spans(text.plain, width)]


class Wrapped:
    """A rich renderable that wraps its text as :func:`wrap_spans` does, at whatever width it is drawn:
    ``Static.update(Wrapped(title + Text(body)))`` in place of ``Static.update(title + Text(body))``."""

    def __init__(self, text: Text | str) -> None:
        self.text = text if isinstance(text, Text) else Text(text)

    def __str__(self) -> str:
        return self.text.plain  # what is shown, as text

    def __repr__(self) -> str:
        return f"<wrapped {self.text.plain!r}>"  # as rich's Text shows itself: a widget's render() names its text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in wrap_text(self.text, options.max_width):
            yield from line.render(console)
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((cell_len(line) for line in self.text.plain.split("\n")), default=0)
        return Measurement(min(longest, 2), longest)


def _wrap_line(text: str, start: int, end: int, width: int) -> Iterable[tuple[int, int]]:
    if start == end:
        yield (start, end)
        return
    line_start, line_width = start, 0
    for piece_start, piece_end in _pieces(text, start, end):
        piece = text[piece_start:piece_end]
        solid = cell_len(piece.rstrip())
        if line_width + solid <= width:
            line_width += cell_len(piece)
            continue
        if line_width:
            yield (line_start, _trimmed(text, line_start, piece_start))
        line_start, line_width = piece_start, cell_len(piece)
        while solid > width:  # wider than a whole line: cut it by cells
            cut = piece_start + len(set_cell_size(piece, width).rstrip()) or piece_start + 1
            cut = max(cut, line_start + 1)
            yield (line_start, cut)
            piece_start = line_start = cut
            piece = text[piece_start:piece_end]
            solid, line_width = cell_len(piece.rstrip()), cell_len(piece)
    yield (line_start, _trimmed(text, line_start, end))


def _pieces(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """The unbreakable pieces of one line, each with the spaces that follow it."""
    glued = [m.span() for m in _NUMBER_WITH_UNIT.finditer(text, start, end)]
    inside = {p for glue_start, glue_end in glued for p in range(glue_start + 1, glue_end)}
    piece_start = start
    for position in range(start + 1, end):
        before, after = text[position - 1], text[position]
        if after.isspace() or position in inside:
            continue
        if after in _NO_BREAK_BEFORE or before in _NO_BREAK_AFTER:
            continue
        if before.isspace() or _wide(before) or _wide(after):
            yield (piece_start, position)
            piece_start = position
    yield (piece_start, end)


def _wide(char: str) -> bool:
    return cell_len(char) == 2


def _trimmed(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
