"""`agent-tui attachments`: hostile file names are saved safely; `show` lists attachments; `reply --attach`."""

import json
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from agent_tui.services.attachments import safe_filename
from tests.conftest import NOW
from tests.ingest.test_ingest import cli

LONG = "é" * 150 + ".pdf"  # 304 bytes of UTF-8
HOSTILE = ["../../etc/passwd", "CON", "", LONG, "invoice\u202egnp.exe", "report.pdf", "report.pdf"]


def _mail_with(names) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "Ann Lee <ann@example.com>", "support@shop.example", "Files"
    mail["Date"] = format_datetime(NOW)
    mail["Message-ID"] = "<files@example.com>"
    mail.set_content("See attached.")
    for index, name in enumerate(names):
        part_data = f"file {index}".encode()
        mail.add_attachment(part_data, maintype="application", subtype="octet-stream", filename=name or None)
    return mail.as_bytes()


@pytest.fixture
def filed(shop, tmp_path, monkeypatch, capsys):
    eml = tmp_path / "files.eml"
    eml.write_bytes(_mail_with(HOSTILE))
    code, _, err = cli(shop, "ingest", str(eml), capsys=capsys)
    assert code == 0, err
    return shop


def test_show_lists_attachments_in_text_and_json(filed, capsys):
    out = cli(filed, "show", "1001", capsys=capsys)[1]
    assert "Attachment: report.pdf (application/octet-stream, 6 B)" in out
    assert "\u202e" not in out and "<U+202E>" in out  # the bidi override is shown, never obeyed
    data = json.loads(cli(filed, "show", "1001", "--json", capsys=capsys)[1])
    assert [a["filename"] for a in data["messages"][0]["attachments"]][:2] == ["../../etc/passwd", "CON"]


def test_hostile_names_are_saved_safely_and_never_overwrite(filed, tmp_path, capsys):
    target = tmp_path / "saved"
    target.mkdir()
    (target / "passwd").write_bytes(b"mine")
    code, out, err = cli(filed, "attachments", "1001", "--save", str(target), "--json", capsys=capsys)
    assert code == 0, err
    rows = json.loads(out)
    names = [row["saved_to"].rsplit("/", 1)[-1] for row in rows]
    assert names[0] == "passwd (2)"  # no path parts, and the file already there is kept
    assert names[1] == "_CON"
    assert names[2] == "attachment-3"  # the mail gave it no name
    assert names[3].endswith(".pdf") and len(names[3].encode()) <= 255 and names[3].startswith("é")
    assert names[4] == "invoicegnp.exe"  # the override is gone: it reads as what it is
    assert names[5:] == ["report.pdf", "report (2).pdf"]
    assert (target / "passwd").read_bytes() == b"mine"
    assert sorted(p.name for p in target.iterdir()) == sorted([*names, "passwd"])
    assert all(p.parent == target for p in target.iterdir())
    assert (target / "report (2).pdf").read_bytes() == b"file 6"
    assert not (tmp_path / "etc").exists()


def test_attachments_text_output_is_safe(filed, capsys):
    code, out, _ = cli(filed, "attachments", "1001", capsys=capsys)
    assert code == 0 and "\u202e" not in out and "invoice<U+202E>gnp.exe" in out


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("COM1", "_COM1"),
        ("", "attachment-4"),
        ("..", "attachment-4"),
        (".bashrc", "bashrc"),
        ("a\x1b[31mred.txt", "a[31mred.txt"),
        ("invoice\u202egnp.exe", "invoicegnp.exe"),
        ("a:b?.txt", "a_b_.txt"),
    ],
)
def test_safe_filename(name, safe):
    assert safe_filename(name, 4) == safe


def test_a_long_name_is_cut_to_255_bytes_keeping_the_extension_and_whole_characters():
    name = safe_filename("文" * 100 + ".tar.gz")
    assert len(name.encode()) <= 255 and name.endswith(".gz") and name.encode().decode() == name


def test_reply_attach_records_the_file_with_the_reply(shop, tmp_path, capsys):
    eml = tmp_path / "one.eml"
    eml.write_bytes(_mail_with([]))
    assert cli(shop, "ingest", str(eml), capsys=capsys)[0] == 0
    (tmp_path / "body.txt").write_text("Here is the label.\n")
    label = tmp_path / "label.pdf"
    label.write_bytes(b"%PDF label")
    code, out, err = cli(
        shop,
        "reply",
        "1001",
        "--body-file",
        str(tmp_path / "body.txt"),
        "--attach",
        str(label),
        "--send",
        "--json",
        capsys=capsys,
    )
    assert code == 0, err
    assert json.loads(out)["attachments"] == [{"filename": "label.pdf", "content_type": "application/pdf", "size": 10}]
    rows = json.loads(cli(shop, "attachments", "1001", "--save", str(tmp_path / "out"), "--json", capsys=capsys)[1])
    assert [r["filename"] for r in rows] == ["label.pdf"]
    assert (tmp_path / "out" / "label.pdf").read_bytes() == b"%PDF label"
    code, _, err = cli(
        shop, "reply", "1001", "--body-file", str(tmp_path / "body.txt"), "--attach", "/nope", capsys=capsys
    )
    assert code == 2 and "no such file" in err
