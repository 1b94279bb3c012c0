import pytest

from agent_tui.domain.threading import normalise_subject, ticket_token, with_token


@pytest.mark.parametrize(
    "subject, normal",
    [
        ("Where is my order?", "where is my order?"),
        ("RE: Fwd: re:  Where is   my order?", "where is my order?"),
        ("Re[2]: Where is my order? [#1042]", "where is my order?"),
        ("回复：订单还没收到", "订单还没收到"),
        ("答复: 转发: 退款", "退款"),
        ("AW: WG: Rücksendung", "rücksendung"),
        ("Re:", ""),
        ("Regarding my order", "regarding my order"),  # "Re" only as a prefix with a colon
    ],
)
def test_normalise_subject(subject, normal):
    assert normalise_subject(subject) == normal


def test_ticket_token_round_trip():
    assert ticket_token("Re: Where is it? [#1042]") == 1042
    assert ticket_token("Order #1042") is None
    assert with_token("Re: Where is it? [#1042]", 1042) == "Re: Where is it? [#1042]"
    assert ticket_token(with_token("Refund", 77)) == 77
