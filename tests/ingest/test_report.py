"""`agent-tui report` on a dataset built with `agent-tui ingest`, against figures computed by hand.

Policy: the shipped sla.example.toml (London; business hours 09:00-12:30 and 13:30-17:30 on weekdays;
normal first reply 4 h business, next reply 8 h business, resolution 3 d calendar; urgent 30 m / 1 h / 8 h
calendar). Period: Mon 2 Nov 2026 00:00 to Mon 9 Nov 00:00 (London is on UTC then).
"""

import csv
import io
import json
from pathlib import Path

from agent_tui.cli import main
from tests.ingest.test_ingest import cli, jsonl

DANA = {"email": "dana@shop.example", "name": "Dana"}
SAM = {"email": "sam@shop.example", "name": "Sam"}
PRIYA = {"email": "priya@shop.example", "name": "Priya"}


def customer(key, date, text="Hello", **extra):
    return {
        "ticket": key,
        "from": f"{key.lower()}@example.com",
        "subject": f"Ticket {key}",
        "text": text,
        "date": date,
        **extra,
    }


def agent(key, date, who, author="agent"):
    return {"ticket": key, "from": who, "author": author, "text": "Reply", "date": date}


def status(key, date, value):
    return {"ticket": key, "status": value, "date": date}


DATASET = [
    # A: answered in 1 h, solved with one reply.
    customer("A", "2026-11-02T09:00:00Z", tags=["shipping"], assignee="Dana <dana@shop.example>"),
    agent("A", "2026-11-02T10:00:00Z", DANA),
    status("A", "2026-11-02T10:05:00Z", "solved"),
    # B: written at 16:00, a note that is no reply, answered next morning; two more rounds, one while pending.
    customer("B", "2026-11-02T16:00:00Z", tags=["refund"], assignee="Sam <sam@shop.example>"),
    agent("B", "2026-11-02T16:30:00Z", SAM, author="note"),
    agent("B", "2026-11-03T10:00:00Z", SAM),
    customer("B", "2026-11-03T11:00:00Z"),
    agent("B", "2026-11-03T12:00:00Z", SAM),
    status("B", "2026-11-03T12:01:00Z", "pending"),
    customer("B", "2026-11-04T09:00:00Z"),
    agent("B", "2026-11-04T09:30:00Z", SAM),
    status("B", "2026-11-04T09:31:00Z", "solved"),
    # C: urgent, answered after an hour (its 30 m target breached), never solved (its 8 h resolution breached).
    customer("C", "2026-11-03T09:00:00Z", tags=["billing"], priority="urgent"),
    agent("C", "2026-11-03T10:00:00Z", DANA),
    # D: Saturday, no reply yet.
    customer("D", "2026-11-07T10:00:00Z", tags=["shipping"]),
    # E: from before the period, solved in it after 74 h (resolution breached).
    customer("E", "2026-10-30T09:00:00Z", tags=["returns"]),
    agent("E", "2026-10-30T10:00:00Z", DANA),
    status("E", "2026-11-02T11:00:00Z", "solved"),
    # F: solved, reopened by the customer, solved again.
    customer("F", "2026-11-04T09:00:00Z", tags=["shipping"], assignee="Priya <priya@shop.example>"),
    agent("F", "2026-11-04T09:10:00Z", PRIYA),
    status("F", "2026-11-04T09:15:00Z", "solved"),
    customer("F", "2026-11-05T09:00:00Z"),
    agent("F", "2026-11-05T09:20:00Z", PRIYA),
    status("F", "2026-11-05T09:25:00Z", "solved"),
    # G: written and answered in the evening, outside business hours; left open.
    customer("G", "2026-11-04T20:00:00Z", tags=["sizing"]),
    agent("G", "2026-11-04T22:00:00Z", DANA),
]

EXPECTED = {
    "period": {"since": "2026-11-02T00:00:00+00:00", "until": "2026-11-09T00:00:00+00:00"},
    "tickets_created": 6,  # A B C D F G (E is older)
    "tickets_solved": 4,  # A B E F
    # first replies in the period: A 1 h, B 18 h (2.5 business hours), C 1 h, F 10 m, G 2 h (0 business)
    "first_response": {"count": 5, "median_seconds": 3600, "p90_seconds": 64800, "business_median_seconds": 3600},
    "first_contact_resolution_rate": 0.5,  # A and E with one reply; B three, F two
    "replies_per_resolution": 1.75,  # (1 + 3 + 1 + 2) / 4
    "sla": {
        "first_reply": {"met": 4, "breached": 1, "attainment": 0.8},  # C breached; E ended before; D still running
        "next_reply": {"met": 3, "breached": 0, "attainment": 1.0},  # B twice, F once
        "resolution": {"met": 3, "breached": 3, "attainment": 0.5},  # A B F met; C, E, G (open 4 d) breached
    },
    "backlog": {"open": 3, "age_buckets": {"<1d": 0, "1-3d": 1, "3-7d": 2, ">7d": 0}},  # D; C and G
    "by_tag": {"shipping": 3, "billing": 1, "refund": 1, "sizing": 1},
    "by_agent": {
        "Dana": {"assigned": 1, "replied": 3, "solved": 1},
        "Priya": {"assigned": 1, "replied": 2, "solved": 1},
        "Sam": {"assigned": 1, "replied": 3, "solved": 1},  # the note is not a reply
    },
    "csat": {"responses": 0, "score": None},  # no closing reply asked for a rating
}


def build(shop, monkeypatch, capsys):
    (shop / "sla.toml").write_text((Path(__file__).resolve().parents[2] / "sla.example.toml").read_text())
    code, out, err = cli(shop, "ingest", "--json", "-", stdin=jsonl(DATASET), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err


def report(shop, capsys, *extra):
    code = main(
        [
            "--home",
            str(shop),
            "--now",
            "2026-11-20T12:00:00Z",
            "report",
            "--since",
            "2026-11-02",
            "--until",
            "2026-11-08",
            *extra,
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_report_matches_hand_computed_figures(shop, monkeypatch, capsys):
    build(shop, monkeypatch, capsys)
    data = json.loads(report(shop, capsys, "--json"))
    volume = data.pop("volume_by_day")
    assert {key: data[key] for key in EXPECTED} == EXPECTED
    assert volume == {
        "2026-11-02": 2,
        "2026-11-03": 1,
        "2026-11-04": 2,
        "2026-11-05": 0,
        "2026-11-06": 0,
        "2026-11-07": 1,
        "2026-11-08": 0,
    }


def test_csv_and_json_agree(shop, monkeypatch, capsys):
    build(shop, monkeypatch, capsys)
    data = json.loads(report(shop, capsys, "--json"))
    rows = list(csv.reader(io.StringIO(report(shop, capsys, "--csv"))))
    assert rows[0] == ["metric", "value"]
    table = dict(rows[1:])
    assert table["tickets_solved"] == "4" and table["sla.resolution.attainment"] == "0.5"
    assert (
        table["by_agent.Sam.replied"] == "3" and table["backlog.age_buckets.3-7d"] == "2" and table["csat.score"] == ""
    )

    def flat(value, prefix=""):
        if isinstance(value, dict):
            return {k: v for key, sub in value.items() for k, v in flat(sub, f"{prefix}{key}.").items()}
        return {prefix[:-1]: "" if value is None else str(value)}

    assert table == flat(data)


def test_text_report_and_default_period(shop, monkeypatch, capsys):
    build(shop, monkeypatch, capsys)
    text = report(shop, capsys)
    assert "tickets created 6, solved 4" in text and "first contact resolution 50%" in text
    assert "CSAT: no ratings in this period" in text
    code = main(["--home", str(shop), "--now", "2026-11-06T00:00:00Z", "report", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["period"] == {"since": "2026-10-30T00:00:00+00:00", "until": "2026-11-06T00:00:00+00:00"}


def test_a_solve_an_agent_took_back_is_not_counted_as_solved(shop, monkeypatch, capsys):
    dataset = [
        customer("H", "2026-11-03T09:00:00Z"),
        agent("H", "2026-11-03T09:30:00Z", DANA),
        status("H", "2026-11-03T10:00:00Z", "solved"),
        status("H", "2026-11-03T10:05:00Z", "open"),  # a slip of the key, taken back: still unresolved
        customer("I", "2026-11-03T09:00:00Z"),
        agent("I", "2026-11-03T09:30:00Z", DANA),
        status("I", "2026-11-03T10:00:00Z", "solved"),
        customer("I", "2026-11-04T09:00:00Z"),  # the customer writing again reopens it: that solve did resolve
    ]
    code, _, err = cli(shop, "ingest", "--json", "-", stdin=jsonl(dataset), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    data = json.loads(report(shop, capsys, "--json"))
    assert data["tickets_solved"] == 1 and data["by_agent"]["Dana"]["solved"] == 0
    assert data["backlog"]["open"] == 2


SURVEY = "All sorted.\n\nHow did we do? Just reply with a number from 1 (poor) to 5 (excellent).\n\nDana"
CSAT_DATASET = [
    # R: asked, answered "5 stars" (in the period), then changed their mind to 4: one response, the latest.
    customer("R", "2026-11-02T09:00:00Z"),
    {**agent("R", "2026-11-02T10:00:00Z", DANA), "text": SURVEY},
    customer("R", "2026-11-02T11:00:00Z", text="5 stars!"),
    customer("R", "2026-11-03T11:00:00Z", text="Actually 4"),
    customer("R", "2026-11-03T12:00:00Z", text="4"),
    # S: asked, answered in Chinese words.
    customer("S", "2026-11-03T09:00:00Z"),
    {
        **agent("S", "2026-11-03T10:00:00Z", SAM),
        "text": "已处理好。\n\n您对本次服务满意吗？直接回复 1（很不满意）到 5（非常满意）的数字即可。",
    },
    customer("S", "2026-11-03T11:00:00Z", text="不满意"),
    # T: never asked: a bare "5" is no rating.
    customer("T", "2026-11-03T09:00:00Z"),
    agent("T", "2026-11-03T10:00:00Z", DANA),
    customer("T", "2026-11-03T11:00:00Z", text="5"),
    # U: asked, but the customer answered with an order number and a question.
    customer("U", "2026-11-04T09:00:00Z"),
    {**agent("U", "2026-11-04T10:00:00Z", DANA), "text": SURVEY},
    customer("U", "2026-11-04T11:00:00Z", text="Order 12345 is still missing"),
    # V: asked, answered after the period: not counted in it.
    customer("V", "2026-11-04T09:00:00Z"),
    {**agent("V", "2026-11-04T10:00:00Z", DANA), "text": SURVEY},
    customer("V", "2026-11-10T11:00:00Z", text="1"),
]


def test_csat_from_answers_to_surveys(shop, monkeypatch, capsys):
    code, _, err = cli(shop, "ingest", "-", stdin=jsonl(CSAT_DATASET), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    data = json.loads(report(shop, capsys, "--json"))
    assert data["csat"] == {"responses": 2, "score": 3.0}  # R: 4, S: 2 (V answered later, T and U gave none)
    assert "CSAT 3.00 / 5 from 2 ratings" in report(shop, capsys)
    # Ingesting the same history again changes nothing.
    assert cli(shop, "ingest", "-", stdin=jsonl(CSAT_DATASET), monkeypatch=monkeypatch, capsys=capsys)[0] == 0
    assert json.loads(report(shop, capsys, "--json"))["csat"] == {"responses": 2, "score": 3.0}


def test_a_bare_rating_leaves_a_solved_ticket_solved_and_a_rating_with_more_to_say_reopens_it(
    shop, monkeypatch, capsys
):
    dataset = [
        customer("W", "2026-11-03T09:00:00Z"),
        {**agent("W", "2026-11-03T10:00:00Z", DANA), "text": SURVEY},
        status("W", "2026-11-03T10:01:00Z", "solved"),
        customer("W", "2026-11-03T11:00:00Z", text="5, thanks!"),
        customer("X", "2026-11-03T09:00:00Z"),
        {**agent("X", "2026-11-03T10:00:00Z", DANA), "text": SURVEY},
        status("X", "2026-11-03T10:01:00Z", "solved"),
        customer("X", "2026-11-03T11:00:00Z", text="1 - it still hasn't come"),
    ]
    code, _, err = cli(shop, "ingest", "-", stdin=jsonl(dataset), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    data = json.loads(report(shop, capsys, "--json"))
    assert data["csat"] == {"responses": 1, "score": 5.0}  # X's "1 - ..." is a message, not a rating
    assert data["backlog"]["open"] == 1  # X, whose customer had more to say; W stays solved
