from agent_tui.domain.models import Agent, Priority, Status
from agent_tui.domain.queue import Filter, parse_filter
from agent_tui.domain.text import safe_block, safe_line
from agent_tui.store.fts import index_text, match_query


def test_escape_sequences_and_controls_become_visible_symbols():
    hostile = "Hi\x1b[2J\x1b]0;pwned\x07 there\x00\x9b31m"
    shown = safe_line(hostile)
    assert "\x1b" not in shown and "\x07" not in shown and "\x00" not in shown and "\x9b" not in shown
    assert shown.startswith("Hi␛[2J␛]0;pwned␇ there␀")


def test_bidi_overrides_are_shown_not_obeyed():
    assert "\u202e" not in safe_line("invoice\u202efdp.exe")
    assert "<U+202E>" in safe_line("invoice\u202efdp.exe")


def test_block_keeps_newlines_and_tabs_but_not_carriage_returns():
    assert safe_block("a\r\nb\tc\rd") == "a\nb\tc\nd"
    assert safe_line("a\nb") == "a␊b"  # one line stays one line


def test_markup_characters_are_left_alone_for_the_ui_to_show_literally():
    assert safe_line("[bold]x[/bold] [link=http://evil]") == "[bold]x[/bold] [link=http://evil]"


def test_filter_parses_fields_and_words():
    f = parse_filter('refund tag:Damaged status:pending priority:high assignee:dana "two words"')
    assert f.words == ("refund", "two words")
    assert f.tags == ("damaged",)
    assert f.statuses == (Status.PENDING,)
    assert f.priorities == (Priority.HIGH,)
    assert f.assignee == "dana"


def test_half_typed_field_values_are_words_and_quotes_may_be_unbalanced():
    assert parse_filter("status:pen").words == ("status:pen",)
    assert parse_filter('"unclosed').words == ("unclosed",)
    assert parse_filter("").is_empty
    assert parse_filter("?  退款 ").search == "退款"
    assert parse_filter("?") == Filter()


def test_cjk_is_indexed_per_character_and_queried_as_a_phrase():
    assert index_text("我要退款").split() == ["我", "要", "退", "款"]
    assert match_query("退款 order") == '"退 款" AND "order"*'
    assert match_query('a" OR b') == '"a""" AND "OR" AND "b"*'
    assert match_query("   ") is None


def test_agent_parse_and_match():
    dana = Agent.parse("Dana Li <dana@shop.example>")
    assert dana == Agent("Dana Li", "dana@shop.example")
    assert dana.matches("someone else", "DANA@shop.example")
    assert not dana.matches("Dana Li", "other@shop.example")
    assert Agent("sam").matches("Sam", None)
