"""Hostile and broken mail through `agent-tui ingest`, end to end: every message stored, in the queue, searchable
(issue 18, points 5 and 6; the parser's own tests are tests/unit/test_mail_hostile.py)."""

import base64
import json

from tests.ingest.test_ingest import cli


def _ingested(shop, raw: bytes, monkeypatch, capsys) -> dict:
    code, out, err = cli(shop, "ingest", "--json", "-", stdin=raw, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    report = json.loads(out)
    assert (report["new_tickets"], report["failed"]) == (1, 0)
    code, out, _ = cli(shop, "show", "1001", "--json", capsys=capsys)
    assert code == 0
    return json.loads(out)


def test_mime_nested_a_thousand_deep_is_a_ticket_with_its_headers_and_a_problem_line(shop, monkeypatch, capsys):
    head = (
        b"From: Ann Lee <ann@example.com>\r\nTo: support@shop.example\r\nSubject: Nested\r\n"
        b"Message-ID: <deep@example.com>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n"
    )
    body = b""
    for level in range(1000):
        body += b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (level, level)
    body += b"Content-Type: text/plain\r\n\r\nWhere is my order?\r\n"
    ticket = _ingested(shop, head + body, monkeypatch, capsys)
    assert ticket["subject"] == "Nested" and ticket["customer"]["email"] == "ann@example.com"
    assert any("could not be fully parsed" in problem for problem in ticket["messages"][0]["problems"])
    code, out, _ = cli(shop, "list", "--json", capsys=capsys)
    assert [t["id"] for t in json.loads(out)] == [1001]  # in the queue


def test_a_to_header_of_thousands_of_encoded_words_is_just_mail(shop, monkeypatch, capsys):
    words = b" ".join(b"=?utf-8?q?=28?=" for _ in range(2710))  # each decodes to "(": comments 2,710 deep
    raw = (
        b"From: ann@example.com\r\nTo: " + words + b" <support@shop.example>\r\nSubject: Many words\r\n"
        b"Message-ID: <words@example.com>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\n\r\nHello\r\n"
    )
    ticket = _ingested(shop, raw, monkeypatch, capsys)
    assert ticket["messages"][0]["text"].strip() == "Hello"


def test_gb2312_labelled_mail_with_a_gbk_character_reads_and_is_found(shop, monkeypatch, capsys):
    name = "=?gb2312?b?" + base64.b64encode("王喆".encode("gbk")).decode() + "?="
    raw = (
        f"From: {name} <zhe@example.cn>\r\nTo: support@shop.example\r\nSubject: refund\r\n"
        "Message-ID: <gbk@example.cn>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\n"
        "Content-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode()
    raw += "我是王喆，订单还没到。\r\n".encode("gbk")
    ticket = _ingested(shop, raw, monkeypatch, capsys)
    assert ticket["customer"]["name"] == "王喆"
    assert ticket["messages"][0]["text"].strip() == "我是王喆，订单还没到。"
    code, out, _ = cli(shop, "list", "--search", "王喆", "--json", capsys=capsys)
    assert [t["id"] for t in json.loads(out)] == [1001]
