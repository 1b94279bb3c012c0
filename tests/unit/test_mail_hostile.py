"""Hostile and broken mail (issue 18): an encoded word never supplies an address, no message is lost to the
parser, Chinese and other mislabelled charsets decode with the superset mail in the wild means, and small
MIME oddities still show the text."""

import base64
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.headerregistry import Address as StdlibAddress
from email.message import EmailMessage
from email.utils import formataddr

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from agent_tui.domain.models import Address
from agent_tui.sources.mail import parse_headers, parse_mail

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def parsed(raw: bytes):
    return parse_mail(raw, fallback_date=NOW)


def message(raw: bytes):
    return parsed(raw).message


def b_word(text: str, charset: str = "utf-8") -> str:
    return f"=?{charset}?b?{base64.b64encode(text.encode(charset)).decode()}?="


def q_word(text: str, charset: str = "utf-8") -> str:
    safe = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!*+-/"
    encoded = "".join(
        "_" if byte == 32 else chr(byte) if byte in safe else f"={byte:02X}" for byte in text.encode(charset)
    )
    return f"=?{charset}?q?{encoded}?="


def stdlib_addresses(raw: bytes, header: str) -> list[tuple[str, str]]:
    return [(a.display_name, a.addr_spec) for a in message_from_bytes(raw, policy=policy.default)[header].addresses]


def ours(addresses) -> list[tuple[str, str]]:
    return [(a.name, a.email) for a in addresses]


def squeezed(text: str) -> str:
    return " ".join(text.split())


# -- 1. Sender spoofing ---------------------------------------------------------------------------


SPOOF = (
    b"From: =?utf-8?q?Shop_Support_<support@shop.example>,?= <attacker@evil.example>\n"
    b"To: support@shop.example\nSubject: refund\n\nhi\n"
)


def test_an_address_inside_an_encoded_word_is_part_of_the_name_not_the_sender():
    for parse in (parse_mail, parse_headers):
        sender = parse(SPOOF, fallback_date=NOW).message.sender
        assert sender.email == "attacker@evil.example"
        assert sender.name == "Shop Support <support@shop.example>,"


@pytest.mark.parametrize(
    "name", ["CEO <ceo@shop.example>", "ceo@shop.example", "a@b, ceo@shop.example", '"x" <ceo@shop.example>;']
)
@pytest.mark.parametrize("encode", [b_word, q_word])
def test_no_encoded_name_can_make_a_customer_look_like_the_team(name, encode):
    raw = f"From: {encode(name)} <customer@example.com>\nCc: {encode(name)} <cc@example.com>\n\nhi\n".encode()
    parsed_message = message(raw)
    assert parsed_message.sender == Address("customer@example.com", name)
    assert [a.email for a in parsed_message.cc] == ["cc@example.com"]


def test_an_encoded_comma_stays_in_the_name():
    raw = (
        b"From: =?utf-8?q?M=C3=BCller=2C_Hans?= <hans@example.de>\n"
        b"To: =?utf-8?q?a=2C_b?= <x@example.com>, c@example.com\n\nhi\n"
    )
    parsed_message = message(raw)
    assert (parsed_message.sender.name, parsed_message.sender.email) == ("Müller, Hans", "hans@example.de")
    assert ours(parsed_message.to) == [("a, b", "x@example.com"), ("", "c@example.com")]


def test_address_lists_groups_routes_and_comments():
    raw = (
        b'To: Team: a@example.com, "Doe, J." <j@example.com>;, <@relay.example,@r2.example:k@example.com>,'
        b" old@example.com (Old Style), =?utf-8?b?5byg5LiJ?= =?utf-8?b?5byg5LiJ?= <z@example.cn>\n\n"
    )
    assert ours(message(raw).to) == [
        ("", "a@example.com"),
        ("Doe, J.", "j@example.com"),
        ("", "k@example.com"),
        ("Old Style", "old@example.com"),
        ("张三张三", "z@example.cn"),
    ]


# Any text, heavy in what address syntax is made of (and what an attacker would put in a name).
names = st.text(
    st.one_of(st.sampled_from(list(' <>,;:@()"\\.[]=?_-')), st.characters(blacklist_categories=("Cc", "Cs"))),
    min_size=1,
    max_size=60,
)
addr_specs = st.sampled_from(
    ["a@example.com", "first.last+tag@sub.example.org", "x-y_z@example.cn", '"odd one"@example.com']
)


def _from_header(name: str, addr_spec: str, style: str) -> bytes:
    if style == "headerregistry":
        mail = EmailMessage()
        username, domain = addr_spec.rsplit("@", 1)
        mail["From"] = StdlibAddress(display_name=name, username=username.strip('"'), domain=domain)
        return mail.as_bytes(policy=policy.default)
    charset = "iso-8859-1" if style == "formataddr-q" else "utf-8"
    return f"From: {formataddr((name, addr_spec), charset=charset)}\n\n".encode()


@settings(max_examples=400, deadline=None)
@given(names, addr_specs, st.sampled_from(["formataddr-b", "formataddr-q", "headerregistry"]))
def test_any_display_name_gives_the_address_the_standard_library_gives(name, addr_spec, style):
    if style == "formataddr-q":
        assume(all(ord(char) < 256 for char in name))
    raw = _from_header(name, addr_spec, style)
    expected = stdlib_addresses(raw, "From")
    for parse in (parse_mail, parse_headers):
        sender = parse(raw, fallback_date=NOW).message.sender
        assert sender.email == expected[0][1]
        if "=?" in name:
            continue  # a name that looks encoded is decoded, as by every reader
        if style == "headerregistry":
            # Its folder may put a space of the name between two encoded words, where RFC 2047 6.2 says a
            # reader drops it (and we do): only the spaces can differ.
            assert sender.name.replace(" ", "") == "".join(name.split())
        else:
            assert squeezed(sender.name) == squeezed(name)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(names, st.sampled_from(["b", "q"]), st.sampled_from(["utf-8", "gb18030"])), min_size=1, max_size=4
    ),
    addr_specs,
    st.sampled_from([" ", "\n ", "\r\n\t", ""]),
)
def test_hand_made_encoded_words_decode_into_the_name_only(chunks, addr_spec, separator):
    words = [(b_word if kind == "b" else q_word)(text, charset) for text, kind, charset in chunks]
    raw = f"From: {separator.join(words)} <{addr_spec}>, second@example.com\n\n".encode()
    expected = stdlib_addresses(raw, "From")
    parsed_message = message(raw)
    assert parsed_message.sender.email == expected[0][1]
    as_list = message(raw.replace(b"From:", b"To:")).to
    assert [a.email for a in as_list] == [addr for _, addr in expected]
    # Whitespace between adjacent encoded words is not part of the text (RFC 2047 6.2).
    assert squeezed(parsed_message.sender.name) == squeezed("".join(text for text, _, _ in chunks))


# -- 5. Nothing is lost to the parser --------------------------------------------------------------


def test_a_to_header_of_thousands_of_encoded_words_just_parses():
    words = " ".join(f"=?utf-8?q?=28_{n}?= <r{n}@example.com>," for n in range(2710))
    raw = f"From: a@example.com\nTo: {words}\nSubject: many\nMessage-ID: <many@x>\n\nbody\n".encode()
    result = parsed(raw)
    assert len(result.message.to) == 2710 and result.message.to[7] == Address("r7@example.com", "( 7")
    assert result.message.text == "body\n" and not [p for p in result.problems if "parsed" in p]


def test_deeply_nested_comments_and_quotes_do_not_stop_a_message():
    raw = (
        b"From: "
        + b"(" * 20000
        + b"a@example.com\nTo: "
        + b'"\\' * 5000
        + b"\nSubject: odd\nMessage-ID: <odd@x>\n\nbody\n"
    )
    result = parsed(raw)
    assert (
        result.message.subject == "odd" and result.message.text == "body\n" and result.message.message_id == "<odd@x>"
    )


def _nested(depth: int) -> bytes:
    raw = (
        b"From: Deep <deep@example.com>\nTo: support@shop.example\nSubject: deep\nDate: Mon, 2 Nov 2026 09:00:00 +0000\n"
        b"Message-ID: <deep@x>\nContent-Type: multipart/mixed; boundary=b0\n\n--b0\nContent-Type: text/plain\n\ntop text\n"
        b"--b0\nContent-Type: application/pdf; name=top.pdf\nContent-Transfer-Encoding: base64\n\nJVBERg==\n"
    )
    for level in range(depth):
        raw += b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (level, level + 1)
    raw += b"--b%d\nContent-Type: text/plain\n\ndeepest\n--b%d--\n" % (depth, depth)
    for level in range(depth - 1, -1, -1):
        raw += b"--b%d--\n" % level
    return raw


def test_mime_nested_a_thousand_deep_keeps_what_can_be_read():
    result = parsed(_nested(1000))
    parsed_message = result.message
    assert (parsed_message.sender.email, parsed_message.subject) == ("deep@example.com", "deep")
    assert parsed_message.message_id == "<deep@x>"
    assert parsed_message.date == datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert parsed_message.text.strip() == "top text"
    assert [(a.filename, a.size) for a in parsed_message.attachments] == [("top.pdf", 4)]
    assert "could not be fully parsed (MIME nested too deep)" in result.problems


def test_a_thousand_nested_attached_messages_keep_the_outer_headers():
    raw = b"Subject: inner\n\ninnermost\n"
    for _ in range(1000):
        raw = b"From: x@example.com\nContent-Type: message/rfc822\n\n" + raw
    raw = b"Subject: outer\nMessage-ID: <outer@x>\n" + raw
    result = parsed(raw)
    assert (result.message.subject, result.message.message_id) == ("outer", "<outer@x>")
    assert "could not be fully parsed (MIME nested too deep)" in result.problems


_pieces = st.sampled_from(
    [
        b"From: ",
        b"To: ",
        b"Cc: ",
        b"Subject: ",
        b"Date: ",
        b"Message-ID: ",
        b"Content-Type: ",
        b"multipart/mixed; boundary=b",
        b"text/plain; charset=gb2312",
        b"message/rfc822",
        b"Content-Transfer-Encoding: base64",
        b"\n",
        b"\r\n",
        b" ",
        b"--b",
        b"--b--",
        b"(",
        b")",
        b'"',
        b"\\",
        b"<",
        b">",
        b",",
        b";",
        b":",
        b"@",
        b"=?utf-8?q?",
        b"=?gb2312?b?",
        b"?=",
        b"=C3",
        b"\xef\xbb\xbf",
        b"\xb4\x86",
        b"a@b.c",
        b"x",
        b"=?x-unknown?q?a?=",
        b'name="f.txt"',
        b"Content-Disposition: attachment",
        b"(" * 1000,
        b"=?utf-8?q?=28?= " * 1000,
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_pieces, max_size=60).map(b"".join))
def test_parse_mail_never_raises(raw):
    parse_mail(raw, fallback_date=NOW)
    parse_headers(raw, fallback_date=NOW)


# -- 6. Charsets labelled with their subset ----------------------------------------------------------


def test_gb2312_labelled_mail_holding_a_gbk_character():
    def word(text: str) -> str:  # as labelled by the sender
        return "=?gb2312?b?" + base64.b64encode(text.encode("gbk")).decode() + "?="

    raw = (
        f"From: {word('王喆')} <wang@example.cn>\nSubject: {word('喆的订单')}\nDate: Mon, 2 Nov 2026 09:00:00 +0000\n"
        "Content-Type: text/plain; charset=gb2312\n\n"
    ).encode() + "你好，我是王喆。".encode("gbk")
    result = parsed(raw)
    assert (result.message.sender.name, result.message.subject) == ("王喆", "喆的订单")
    assert result.message.text == "你好，我是王喆。"
    assert result.problems == []


def test_raw_8bit_header_in_the_body_charset_superset():
    raw = (
        b"From: " + "王喆".encode("gbk") + b" <wang@example.cn>\nSubject: " + "喆".encode("gbk") + b"\n"
        b'Date: Mon, 2 Nov 2026 09:00:00 +0000\nContent-Type: text/plain; charset="GB2312"\n\nhi\n'
    )
    result = parsed(raw)
    assert (result.message.sender.name, result.message.subject) == ("王喆", "喆") and result.problems == []
    headers_only = parse_headers(raw.split(b"\n\n")[0] + b"\n\n", fallback_date=NOW).message
    assert (headers_only.sender.name, headers_only.subject) == ("王喆", "喆")


@pytest.mark.parametrize(
    ("label", "codec", "text"),
    [
        ("big5", "big5hkscs", "搭𨋢去九龍"),  # 𨋢 (lift) is Hong Kong Supplementary
        ("ks_c_5601-1987", "cp949", "똠방각하"),  # 똠 is only in the Windows superset (cp949)
        ("iso-8859-1", "cp1252", "Total: 20 €, “quoted”"),  # € is 0x80 in Windows-1252
        ("shift_jis", "cp932", "①髙橋"),  # NEC and IBM extensions
    ],
)
def test_bodies_and_encoded_words_labelled_with_a_subset(label, codec, text):
    word = "=?" + label + "?b?" + base64.b64encode(text.encode(codec)).decode() + "?="
    raw = (
        f"From: {word} <x@example.com>\nSubject: {word}\nDate: Mon, 2 Nov 2026 09:00:00 +0000\n".encode()
        + f"Content-Type: text/plain; charset={label}\nContent-Transfer-Encoding: 8bit\n\n".encode()
        + text.encode(codec)
    )
    result = parsed(raw)
    assert (result.message.sender.name, result.message.subject, result.message.text) == (text, text, text)
    assert result.problems == []


def test_iso_8859_1_keeps_control_bytes_windows_1252_leaves_undefined():
    raw = b"Content-Type: text/plain; charset=iso-8859-1\nFrom: a@example.com\n\ncaf\xe9 \x81\x80\n"
    assert message(raw).text == "café \x81€\n"


def test_ascii_labelled_8bit_body_is_utf8_when_it_can_be():
    assert message(b"From: a@example.com\nContent-Type: text/plain; charset=us-ascii\n\ncaf\xc3\xa9\n").text == "café\n"
    assert (
        message(b"From: a@example.com\nContent-Type: text/plain; charset=us-ascii\n\ncaf\xe9 \x80\n").text == "café €\n"
    )


# -- 12. Smaller ------------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", [b"text", b"text; charset=utf-8", b"TEXT ;charset=utf-8", b"text/"])
def test_a_text_part_without_subtype_is_the_text(content_type):
    """RFC 2045 §5.2: text/plain. (The standard parser already reads it so; this guards it.)"""
    raw = (
        b"From: a@example.com\nContent-Type: multipart/mixed; boundary=zz\n\n--zz\nContent-Type: "
        + content_type
        + b"\n\nhello \xc3\xa9\n--zz\nContent-Type: image/png; name=a.png\n\nPNG\n--zz--\n"
    )
    parsed_message = message(raw)
    assert parsed_message.text == "hello é" and [a.filename for a in parsed_message.attachments] == ["a.png"]


def test_a_bounce_with_its_text_in_the_preamble():
    raw = (
        b"From: MAILER-DAEMON@mx.example\nSubject: Undelivered\nContent-Type: multipart/report; report-type=delivery-status;"
        b" boundary=zz\n\nThis is the mail system at host mx.example.\n\nYour message could not be delivered to"
        b" nobody@example.com.\n--zz\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n"
        b"Final-Recipient: rfc822; nobody@example.com\nAction: failed\n--zz\nContent-Type: text/rfc822-headers\n"
        b"Content-Disposition: attachment\n\nSubject: hello\n--zz--\n"
    )
    text = message(raw).text
    assert text.startswith("This is the mail system at host mx.example.") and "nobody@example.com" in text


def test_the_mime_notice_preamble_is_not_a_body():
    raw = (
        b"From: a@example.com\nContent-Type: multipart/mixed; boundary=zz\n\nThis is a multi-part message in MIME format.\n"
        b"--zz\nContent-Type: image/png; name=a.png\n\nPNG\n--zz--\n"
    )
    assert message(raw).text == ""


def test_a_byte_order_mark_before_the_headers_is_skipped():
    raw = b"\xef\xbb\xbfFrom: Ann <ann@example.com>\r\nSubject: bom\r\nMessage-ID: <bom@x>\r\n\r\nhello\r\n"
    for parse in (parse_mail, parse_headers):
        parsed_message = parse(raw, fallback_date=NOW).message
        assert (parsed_message.sender.email, parsed_message.subject) == ("ann@example.com", "bom")
        assert parsed_message.message_id == "<bom@x>"
    assert message(raw).text == "hello\n"
