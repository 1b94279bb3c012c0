"""CSAT: ratings read from a customer's answer to a survey (EN and ZH), and the survey line itself."""

import pytest

from agent_tui.domain.csat import SURVEY_LINES, csat_score, has_survey, is_only_a_rating, parse_rating


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("5", 5),
        ("4\n", 4),
        ("  3!  ", 3),
        ("4/5", 4),
        ("4 out of 5", 4),
        ("Rating: 2", 2),
        ("5 stars", 5),
        ("1 star.", 1),
        ("★★★★", 4),
        ("⭐⭐⭐⭐⭐", 5),
        ("Excellent!", 5),
        ("Excellent, thanks a lot", 5),
        ("very satisfied", 5),
        ("Satisfied", 4),
        ("good", 4),
        ("okay", 3),
        ("Not satisfied.", 2),
        ("not satisfied at all", 1),
        ("I'm not happy", 2),
        ("dissatisfied", 2),
        ("very dissatisfied", 1),
        ("terrible", 1),
        ("非常满意", 5),
        ("满意", 4),
        ("很满意！", 5),
        ("一般", 3),
        ("不满意", 2),
        ("非常不满意", 1),
        ("5分", 5),
        ("五星", 5),
        ("给5星", 5),
        # Not ratings: a number in a sentence, an order number, a long message, a quote of our survey.
        ("My order 12345 has not arrived", None),
        ("Order #5 is still missing", None),
        ("I have 2 questions about the refund", None),
        ("PP-10533", None),
        ("6", None),
        ("0", None),
        ("Great, but the parcel still has not arrived and I need it by Friday for my sister", None),
        ("", None),
        ("> How did we do? Just reply with a number from 1 (poor) to 5 (excellent).", None),
        ("On Mon, 2 Nov 2026 Dana wrote:\n> reply with a number from 1 (poor) to 5 (excellent)", None),
        ("Thanks\n\nOn Mon, 2 Nov 2026 Dana wrote:\n> 5", None),
        ("5\n\nOn Mon, 2 Nov 2026 Dana wrote:\n> How did we do? reply with a number from 1 (poor) to 5", 5),
        ("订单PP-10533还没收到", None),
    ],
)
def test_rating_parser(text, rating):
    assert parse_rating(text) == rating


def test_the_shipped_survey_lines_are_recognised_and_ordinary_replies_are_not():
    assert all(has_survey(f"Hi,\n\nAll sorted.\n\n{line}\n\nDana") for line in SURVEY_LINES.values())
    assert not has_survey("Hi, your refund is on its way. Rate 5 stars on our shop page!")


def test_score_is_the_mean_rating_or_none():
    assert csat_score([5, 4, 2]) == 3.67
    assert csat_score([]) is None


@pytest.mark.parametrize(
    "text",
    [
        "5",
        "5 stars, thanks!",
        "4/5",
        "★★★★★",
        "Excellent, thank you.",
        "非常满意，谢谢！",
        "五星",
        "5分",
        "5\n\nOn Mon, Shop wrote:\n> How did we do? Just reply with a number from 1 (poor) to 5 (excellent).",
    ],
)
def test_a_bare_rating_is_only_a_rating(text):
    assert is_only_a_rating(text)


@pytest.mark.parametrize(
    "text",
    [
        "1 - it still hasn't come",
        "5\nBut where is my refund?",
        "great, but it still hasn't arrived",
        "Order 12345",
        "满意，但是还有一个问题",
        "不满意，东西坏了",
        "Hello",
    ],
)
def test_a_rating_with_more_to_say_is_a_message(text):
    assert not is_only_a_rating(text)
