"""Chinese text in replies: order numbers found next to it, and lines never broken inside a number and its unit."""

import re

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import load_settings
from agent_tui.display import Wrapped, wrap_cells, wrap_text
from agent_tui.services.replies import Replies
from tests.ui.test_queue_and_ticket import service_for


@pytest.fixture
def replies(home):
    service = service_for(home)
    paths = AppPaths.resolve(home)
    yield Replies(service, paths, load_settings(paths))
    service.close()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("订单PP-10533还没收到", "PP-10533"),
        ("PP-10600能不能改顺丰、改地址", "PP-10600"),
        ("【PP-10574】包裹又破了", "PP-10574"),
        ("我的订单是PP-10533。", "PP-10533"),
        ("Charged twice for PP-10593?!", "PP-10593"),
        ("[Order PP-10602] parcel arrived crushed", "PP-10602"),
        ("Seam coming apart (PP-10466)", "PP-10466"),
        ("see XPP-10533", "XPP-10533"),  # four letters are allowed: the whole of it
        ("abcPP-10533 is a word", None),  # never inside a longer word
        ("PP-10533x2 neither", None),
        ("id_PP-10533", None),
        ("PP-12 is too short", None),
    ],
)
def test_the_default_order_pattern_finds_numbers_next_to_chinese_but_not_inside_words(replies, text, found):
    match = replies.order_pattern.search(text)
    assert (match.group() if match else None) == found


def test_chinese_tickets_get_their_order_number(replies):
    detail = replies.service.detail(1047)  # 王芳: 订单PP-10533还没收到
    assert replies.order_number(detail) == "PP-10533"
    assert "PP-10533" in replies.render("apology-late-order", 1047).text
    assert replies.order_number(replies.service.detail(1050)) == "PP-10600"
    assert replies.order_number(replies.service.detail(1041)) == "PP-10585"  # English as before


_ZH = (
    "我们今天已经向快递公司发起了查件，24 小时内我会把最新进展发邮件告诉您。如果 2 个工作日内包裹还是没有动静，"
    "我们会为您重新补发，或者全额退款。退货请在 30 天内寄回，一般 3-5 个工作日到账，共扣了¥1,268 两次，一两天内处理。"
)
_UNITS = re.compile(r"24 小时|2 个工作日|30 天|3-5 个工作日|一两天")


@pytest.mark.parametrize("width", range(12, 61))  # from the widest, "3-5 个工作日"
def test_numbers_and_their_units_are_never_split_across_lines(width):
    lines = wrap_cells(_ZH, width)
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == _ZH.replace(" ", "")  # nothing lost, only spaces at breaks
    for unit in _UNITS.findall(_ZH):
        assert any(unit in line for line in lines), f"{unit!r} split at width {width}: {lines}"
    assert not any(line[0] in "，。、；：！？）" for line in lines)  # no line starts with closing punctuation


def test_english_wraps_at_spaces_keeps_indentation_and_cuts_only_what_cannot_fit():
    text = "  Refunds take 3-5 working days to appear.\n\nSee https://pineandpebble.example/returns/policy-and-labels"
    lines = wrap_cells(text, 20)
    assert lines[:4] == ["  Refunds take", "3-5 working days to", "appear.", ""]  # "3-5 working days" kept whole
    assert all(cell_len(line) <= 20 for line in lines)
    assert "".join(lines[4:]).replace(" ", "") == "Seehttps://pineandpebble.example/returns/policy-and-labels"


def test_the_wrapped_renderable_keeps_styles_and_draws_at_its_width():
    text = Text("标题\n", style="bold") + Text(_ZH)
    assert wrap_text(text, 30)[0].spans or wrap_text(text, 30)[0].style == "bold"
    console = Console(width=31, record=True, color_system=None)
    console.print(Wrapped(text))
    drawn = console.export_text().splitlines()
    assert drawn[0].rstrip() == "标题" and all(cell_len(line.rstrip()) <= 31 for line in drawn)
    assert any("2 个工作日" in line for line in drawn) and any("24 小时" in line for line in drawn)
