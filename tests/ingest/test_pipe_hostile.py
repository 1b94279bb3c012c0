"""Hostile and broken input to `agent-tui ingest` (issue 18): a JSON line too deep or too long fails alone,
mbox files split as Python's mailbox reads them (and by Content-Length where it is right), and input that
holds nothing is said so rather than read as nothing."""

import io
import json
import mailbox
import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from agent_tui.sources.mail.readers import _split_mbox
from tests.ingest.test_ingest import cli, jsonl, mail, tickets

ONE = {"ticket": "L1", "from": "a@b.c", "subject": "Line one", "text": "x", "date": "2026-11-02T09:00:00Z"}
THREE = {"ticket": "L3", "from": "a@b.c", "subject": "Line three", "text": "y", "date": "2026-11-02T09:00:00Z"}
FROM_LINE = b"From ann@example.com Mon Nov  2 09:00:00 2026\n"
CL = b"Subject: s\nContent-Length: %d\n\n"  # headers of a message whose body is counted


def ingest(home, capsys, *args):
    code, out, err = cli(home, "ingest", "--json", *args, capsys=capsys)
    assert "Traceback" not in err and "internal error" not in err
    return code, json.loads(out), err


def texts(home, capsys, subject):
    _, out, _ = cli(home, "show", str(tickets(home, capsys)[subject]["id"]), "--json", capsys=capsys)
    return [m["text"] for m in json.loads(out)["messages"]]


# -- JSON lines ----------------------------------------------------------------------------------


def test_a_line_nested_too_deeply_fails_alone(shop, tmp_path, capsys):
    path = tmp_path / "deep.jsonl"
    path.write_bytes(jsonl([ONE, '{"a": ' * 2000 + "1" + "}" * 2000, THREE]))
    code, report, err = ingest(shop, capsys, str(path))
    assert code == 2 and report["failed"] == 1
    assert err == f"agent-tui: {path} line 2: is JSON nested too deeply to be a message.\n"
    assert {"Line one", "Line three"} <= set(tickets(shop, capsys))


def test_a_line_over_the_limit_is_refused_and_the_next_line_still_read(shop, tmp_path, capsys):
    path = tmp_path / "long.jsonl"
    huge = json.dumps({**ONE, "ticket": "L2", "subject": "Huge", "text": "x" * (26 << 20)})
    path.write_bytes(jsonl([ONE, huge, THREE]))
    code, report, err = ingest(shop, capsys, str(path))
    assert code == 2 and report["failed"] == 1 and report["read"] == 3
    assert err.startswith(f"agent-tui: {path} line 2: is longer than 25 MB, the most one line may hold")
    assert set(tickets(shop, capsys)) == {"Line one", "Line three"}


# -- mbox ----------------------------------------------------------------------------------------


def test_from_lines_without_a_blank_line_before_them_still_separate(shop, tmp_path, capsys):
    path = tmp_path / "tight.mbox"
    path.write_bytes(
        b"".join(
            FROM_LINE + mail(f"Tight {n}", message_id=f"<t{n}@x>").as_bytes().rstrip(b"\n") + b"\n" for n in range(3)
        )
    )
    code, report, _ = ingest(shop, capsys, str(path))
    assert code == 0 and report["new_messages"] == 3
    assert texts(shop, capsys, "Tight 0") == ["Hello\n"]


def test_a_right_content_length_keeps_unquoted_from_lines_in_the_body(shop, tmp_path, capsys):
    body = b"Before\n\nFrom the depot it went back to the sender.\nAfter\n"
    first = (b"From: ann@example.com\nSubject: Counted\nMessage-ID: <cl1@x>\nContent-Length: %d\n\n" % len(body)) + body
    second = mail("Next one", message_id="<cl2@x>").as_bytes()
    path = tmp_path / "counted.mbox"
    path.write_bytes(FROM_LINE + first + b"\n" + FROM_LINE + second)
    code, report, _ = ingest(shop, capsys, str(path))
    assert code == 0 and report["new_messages"] == 2
    assert [text.rstrip("\n") for text in texts(shop, capsys, "Counted")] == [body.decode().rstrip("\n")]


def test_a_wrong_content_length_is_ignored(shop, tmp_path, capsys):
    first = b"From: ann@example.com\nSubject: Miscounted\nMessage-ID: <w1@x>\nContent-Length: 9999\n\nShort\n"
    path = tmp_path / "miscounted.mbox"
    path.write_bytes(FROM_LINE + first + b"\n" + FROM_LINE + mail("After it", message_id="<w2@x>").as_bytes())
    code, report, _ = ingest(shop, capsys, str(path))
    assert code == 0 and report["new_messages"] == 2
    assert [text.rstrip("\n") for text in texts(shop, capsys, "Miscounted")] == ["Short"]


def test_mboxrd_quoted_from_lines_lose_one_quote(shop, tmp_path, capsys):
    body = b"One\n>From here\n>>From there\n>>>From afar\n"
    path = tmp_path / "rd.mbox"
    path.write_bytes(FROM_LINE + b"From: ann@example.com\nSubject: Quoted\nMessage-ID: <q1@x>\n\n" + body)
    assert ingest(shop, capsys, str(path))[0] == 0
    assert texts(shop, capsys, "Quoted") == ["One\nFrom here\n>From there\n>>From afar\n"]


def _mboxrd_unquoted(data: bytes) -> bytes:
    return re.sub(rb"(?m)^>(>*From )", rb"\1", data)


def _split(data: bytes) -> list[bytes | None]:
    return list(_split_mbox(io.BufferedReader(io.BytesIO(data))))


BODY_LINE = st.one_of(
    st.sampled_from([b"", b"From here", b"From ", b">From quoted", b">>From twice", b"From: x@y", b" From", b"text\r"]),
    st.binary(max_size=20).filter(lambda b: b"\n" not in b),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.lists(BODY_LINE, max_size=8), st.booleans()), min_size=1, max_size=6))
def test_messages_written_by_python_mailbox_read_back_the_same(messages):
    raws = [
        b"Subject: %d\n\n" % n + b"\n".join(lines) + (b"\n" if ends else b"")
        for n, (lines, ends) in enumerate(messages)
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "box.mbox"
        box = mailbox.mbox(path)
        for raw in raws:
            box.add(raw)
        box.flush()
        theirs = [box.get_bytes(key) for key in box.iterkeys()]
        ours = _split(path.read_bytes())
    # Python keeps body lines quoted (">From "); we unquote them, and keep the blank line ending each message.
    assert ours == [_mboxrd_unquoted(message) + b"\n" for message in theirs]
    for raw, read in zip(raws, ours, strict=True):
        if not any(re.match(rb">+From ", line) for line in raw.split(b"\n")):
            assert read == (raw if raw.endswith(b"\n") else raw + b"\n") + b"\n"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(BODY_LINE, st.just(FROM_LINE.rstrip(b"\n"))), max_size=30))
def test_any_mbox_splits_where_python_mailbox_splits_it(lines):
    data = FROM_LINE + b"".join(line + b"\n" for line in lines)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "box.mbox"
        path.write_bytes(data)
        box = mailbox.mbox(path)
        theirs = [box.get_bytes(key) for key in box.iterkeys()]
    ours = _split(data)
    assert len(ours) == len(theirs)
    for read, message in zip(ours, theirs, strict=True):
        # Python drops the blank line before a "From " line (or the end) from the message; we keep it.
        dropped = read == b"\n" or read.endswith(b"\n\n")
        assert read == _mboxrd_unquoted(message) + (b"\n" if dropped else b"")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.lists(BODY_LINE, max_size=8), st.booleans()), min_size=1, max_size=6))
def test_bodies_counted_by_content_length_are_read_back_whole(messages):
    """mboxcl2: From lines in bodies left unquoted, each body's length in its header."""
    bodies = [b"".join(line + b"\n" for line in lines) for lines, _ in messages]
    data = b"".join(
        FROM_LINE + CL % len(body) + body + (b"\n" if blank else b"")
        for body, (_, blank) in zip(bodies, messages, strict=True)
    )
    ours = _split(data)
    expected = [
        CL % len(body) + _mboxrd_unquoted(body) + (b"\n" if blank else b"")
        for body, (_, blank) in zip(bodies, messages, strict=True)
    ]
    assert ours == expected


def test_content_lengths_that_are_wrong_or_at_the_edges():
    body = b"From inside\n"
    assert _split(FROM_LINE + CL % len(body) + body) == [CL % len(body) + body]  # at the end of the file
    crlf = b"Subject: s\r\nContent-Length: 13\r\n\r\nFrom inside\r\n"
    assert _split(FROM_LINE + crlf + b"\r\n" + FROM_LINE) == [crlf + b"\r\n", b""]
    assert _split(FROM_LINE + CL % 0 + FROM_LINE + b"x\n") == [CL % 0, b"x\n"]
    # too short (mid-line), landing on a line that is not "From ", too long: the "From " lines split instead
    for claim in (3, len(body), 10_000):
        data = FROM_LINE + CL % claim + b"one\n" + body + b"\n" + FROM_LINE + CL % len(body) + body
        assert _split(data) == [CL % claim + b"one\n", b"\n", CL % len(body) + body], claim
    assert _split(FROM_LINE + b"Subject: s\nContent-Length: 99999999999999999999\n\n" + body) == [
        b"Subject: s\nContent-Length: 99999999999999999999\n\n",
        b"",
    ]


def test_a_content_length_read_from_a_pipe_is_believed_as_from_a_file(shop, monkeypatch, capsys):
    body = b"From the start of time\n"
    data = (
        FROM_LINE
        + b"From: ann@example.com\nSubject: Piped count\nMessage-ID: <pc1@x>\nContent-Length: %d\n\n" % len(body)
        + body
        + FROM_LINE
        + mail("Piped next", message_id="<pc2@x>").as_bytes()
    )
    code, out, _ = cli(shop, "ingest", "--json", "-", stdin=data, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and json.loads(out)["new_messages"] == 2
    assert texts(shop, capsys, "Piped count") == [body.decode()]


# -- input that holds nothing ----------------------------------------------------------------------


def test_a_folder_that_is_not_a_maildir_is_an_error(shop, tmp_path, capsys):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "cat.jpg").write_bytes(b"\xff\xd8\xff\xe0 not mail")
    code, report, err = ingest(shop, capsys, str(folder))
    assert code == 2 and report["new_messages"] == 0
    assert err.startswith(f"agent-tui: {folder}: is not a maildir (no cur/ or new/ folder) and holds no .eml files")


def test_a_plain_folder_of_eml_files_is_read(shop, tmp_path, capsys):
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "1.eml").write_bytes(mail("Saved one", message_id="<s1@x>").as_bytes())
    (folder / "2.EML").write_bytes(mail("Saved two", message_id="<s2@x>").as_bytes())
    (folder / "notes.txt").write_bytes(b"not mail")
    code, report, _ = ingest(shop, capsys, str(folder))
    assert code == 0 and report["new_messages"] == 2


def test_a_maildir_with_only_new_is_read(shop, tmp_path, capsys):
    (tmp_path / "md" / "new").mkdir(parents=True)
    (tmp_path / "md" / "new" / "1").write_bytes(mail("Only new", message_id="<on1@x>").as_bytes())
    code, report, _ = ingest(shop, capsys, str(tmp_path / "md"))
    assert code == 0 and report["new_messages"] == 1


def test_format_maildir_on_a_file_is_an_error(shop, tmp_path, capsys):
    path = tmp_path / "one.eml"
    path.write_bytes(mail("A file", message_id="<f1@x>").as_bytes())
    code, _, err = ingest(shop, capsys, "--format", "maildir", str(path))
    assert code == 2 and err.startswith(f"agent-tui: {path}: is a file, not a maildir folder")


def test_an_empty_file_is_an_error_under_every_format(shop, tmp_path, capsys):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    blank = tmp_path / "blank"
    blank.write_bytes(b"\n \n")
    for fmt in ("auto", "eml", "mbox", "jsonl"):
        for target in (path, blank):
            code, _, err = ingest(shop, capsys, "--format", fmt, str(target))
            assert (code, err) == (2, f"agent-tui: {target}: is empty.\n"), fmt


def test_empty_stdin_is_an_error(shop, monkeypatch, capsys):
    for fmt in ("auto", "mbox", "jsonl"):
        code, _, err = cli(shop, "ingest", "--format", fmt, "-", stdin=b"", monkeypatch=monkeypatch, capsys=capsys)
        assert (code, err) == (2, "agent-tui: stdin: is empty.\n"), fmt


def test_a_display_name_hiding_the_shops_address_files_a_customer_message_from_the_real_sender(
    shop, monkeypatch, capsys
):
    """Issue 18, point 1, end to end: the spoof used to be filed as an agent reply (the first-reply clock met,
    the ticket opened) from support@shop.example, the real address stored nowhere."""
    from tests.ingest.test_ingest import cli

    spoof = (
        b"From: =?utf-8?q?Shop_Support_<support@shop.example>,?= <attacker@evil.example>\r\n"
        b"To: support@shop.example\r\nSubject: Your refund\r\nMessage-ID: <spoof@evil.example>\r\n"
        b"Date: Mon, 23 Nov 2026 09:00:00 +0000\r\n\r\nClick here to confirm your card.\r\n"
    )
    code, _, err = cli(shop, "ingest", "-", stdin=spoof, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    code, out, _ = cli(shop, "show", "1001", "--json", capsys=capsys)
    ticket = json.loads(out)
    assert ticket["customer"]["email"] == "attacker@evil.example"
    assert ticket["status"] == "new"
    assert [(m["author"], m["from"]["email"]) for m in ticket["messages"]] == [("customer", "attacker@evil.example")]
