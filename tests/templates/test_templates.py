"""Reply templates: the shipped library, the sandbox, strict variables, lint, and the reply CLI."""

import json
from pathlib import Path

import pytest

from agent_tui.cli import main
from agent_tui.config.paths import AppPaths
from agent_tui.config.settings import load_settings
from agent_tui.domain.models import Customer
from agent_tui.resources import shipped_dir
from agent_tui.services.replies import Replies, language_of
from agent_tui.services.templates import TemplateError, TemplateLibrary
from tests.conftest import NOW, NOW_ISO
from tests.ui.test_queue_and_ticket import service_for

SHIPPED = shipped_dir("canned")


@pytest.fixture
def replies(home):
    service = service_for(home)
    paths = AppPaths.resolve(home)
    yield Replies(service, paths, load_settings(paths))
    service.close()


def demo_ticket(replies, language):
    for ticket_id in replies.service.queue_ids(
        __import__("agent_tui.domain.queue", fromlist=["QueueQuery"]).QueueQuery()
    ):
        if replies.language(replies.service.detail(ticket_id)) == language:
            return ticket_id
    raise AssertionError(language)


def test_the_shipped_library_passes_its_own_lint():
    library = TemplateLibrary([SHIPPED])
    assert library.check() == []
    names = {t.name for t in library.templates}
    assert {
        "apology-late-order",
        "apology-damaged-package",
        "apology-wrong-item",
        "apology-double-charge",
        "apology-unhappy-product",
        "apology-missing-item",
    } <= names
    assert all({t.language for t in library.templates if t.name == name} == {"en", "zh"} for name in names)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_shipped_template_renders_for_a_demo_ticket(replies, language):
    ticket_id = demo_ticket(replies, language)
    detail = replies.service.detail(ticket_id)
    for template in replies.library.templates:
        text = replies.library.render(template, replies.context(detail))
        assert text.strip() and "{{" not in text and "{%" not in text and "latte:" not in text
        assert replies.service.me.name in text  # signed
        if template.language == "zh":
            assert language_of(text) == "zh"


def test_personalised_from_what_we_know(replies):
    rendered = replies.render("apology-late-order", 1041)  # Lucy Barnes, order PP-10585 in the subject
    assert rendered.template.language == "en"
    assert rendered.text.startswith("Hi Lucy,") and "PP-10585" in rendered.text
    chinese = replies.render("apology-late-order", demo_ticket(replies, "zh"))
    assert chinese.template.language == "zh"
    override = replies.render("apology-late-order", 1041, {"customer.first_name": "Luce"})
    assert override.text.startswith("Hi Luce,")


def test_customer_text_is_data_never_a_template(replies):
    store = replies.service.store
    ticket_id = store.create_ticket(
        subject="{{ 7 * 7 }} {% raw %}", customer=Customer("x@example.com", "{{ shop.name }}\x1b[2J"), created_at=NOW
    )
    library = TemplateLibrary([])
    template = __import__("agent_tui.services.templates", fromlist=["read_template"]).ReplyTemplate(
        name="t",
        language="en",
        title="t",
        tags=(),
        description="",
        latte=(),
        body="{{ ticket.subject }} / {{ customer.name | default('x') }}",
        path=Path("t.en.j2"),
        body_line=1,
    )
    text = library.render(template, replies.context(replies.service.detail(ticket_id)))
    assert text.strip() == "{{ 7 * 7 }} {% raw %} / {{ shop.name }}[2J"  # no evaluation; the escape byte dropped


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ customer.__class__.__init__.__globals__ }}",
        "{{ ticket.tags.pop() }}",
        "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    ],
)
def test_sandbox_escapes_are_refused_with_a_clear_error(replies, tmp_path, body):
    (tmp_path / "evil.en.j2").write_text(body)
    library = TemplateLibrary([tmp_path])
    with pytest.raises(TemplateError) as caught:
        library.render(library.get("evil"), replies.context(replies.service.detail(1041)))
    assert "evil.en.j2, line 1" in str(caught.value) and (
        "unsafe" in str(caught.value) or "sandbox" in str(caught.value)
    )


def test_a_missing_variable_names_template_line_and_variable(replies, tmp_path):
    (tmp_path / "vip.en.j2").write_text('+++\nname = "vip"\n+++\nHello\n\nDear {{ customer.vip_level }}\n')
    library = TemplateLibrary([tmp_path])
    with pytest.raises(TemplateError) as caught:
        library.render(library.get("vip"), replies.context(replies.service.detail(1041)))
    assert str(caught.value).endswith(
        "vip.en.j2, line 6: customer.vip_level is not defined for this ticket (give it a fallback: | default(...))."
    )


def test_a_syntax_error_names_the_line(tmp_path):
    (tmp_path / "broken.en.j2").write_text('+++\nname = "broken"\n+++\nfine\n{% if %}\n')
    library = TemplateLibrary([tmp_path])
    with pytest.raises(TemplateError, match=r"broken.en.j2, line 5: "):
        library.render(library.get("broken"), {})


def test_check_catches_each_kind_of_problem(tmp_path):
    def write(name, text):
        (tmp_path / name).write_text(text)

    write("syntax.en.j2", "{% if x %}")
    write("syntax.zh.j2", "ok")
    write("unknown.en.j2", "{{ customr.name }} {{ ticket.priority }}")
    write("unknown.zh.j2", "ok")
    write("nofallback.en.j2", "Hi {{ customer.first_name }}, {{ ticket.order_number }}")
    write(
        "nofallback.zh.j2",
        "{% if ticket.order_number is defined %}{{ ticket.order_number }}{% endif %}{{ customer.name | default('您') }}",
    )
    write(
        "apology-x.en.j2",
        '+++\nname = "apology-x"\nlatte = ["listen", "acknowledge", "take_action", "thank", "explain"]\n+++\n{# latte:listen #}\nhi\n',
    )
    write("apology-x.zh.j2", '+++\nname = "apology-x"\nlanguage = "zh"\n+++\nhi\n')
    write("onlyenglish.en.j2", "hi")
    write("badfront.en.j2", "+++\nname = \n+++\nhi")
    problems = TemplateLibrary([tmp_path]).check()
    text = "\n".join(problems)
    assert "syntax.en.j2, line 1:" in text
    assert "unknown variable 'customr.name'" in text and "unknown variable 'ticket.priority'" in text
    assert "nofallback.en.j2, line 1: customer.first_name may be missing" in text
    assert "nofallback.en.j2, line 1: ticket.order_number may be missing" in text
    assert "nofallback.zh.j2" not in text
    assert "declares the LATTE part 'acknowledge' but has no {# latte:acknowledge #} marker" in text
    assert "apology-x.zh.j2: an apology declares the LATTE parts it covers" in text
    assert "onlyenglish: no zh version" in text
    assert "badfront.en.j2: the front matter is not valid TOML" in text


def test_user_templates_override_and_extend(home, capsys):
    user = home / "canned"
    user.mkdir(parents=True)
    (user / "apology-late-order.en.j2").write_text(
        '+++\ntitle = "Our own late-order apology"\nlatte = []\n+++\nSorry {{ customer.first_name | default("there") }}!\n'
    )
    (user / "plain.j2").write_text("Just {{ ticket.id }}")
    assert main(["--home", str(home), "--now", NOW_ISO, "templates", "list", "--json"]) == 0
    listed = {(t["name"], t["language"]): t for t in json.loads(capsys.readouterr().out)}
    assert listed[("apology-late-order", "en")]["title"] == "Our own late-order apology"
    assert {"name", "title", "language", "tags"} <= set(listed[("plain", "en")])
    assert main(["--home", str(home), "--now", NOW_ISO, "templates", "render", "plain", "--ticket", "1041"]) == 0
    assert capsys.readouterr().out.strip() == "Just 1041"
    assert main(["--home", str(home), "templates", "check"]) == 2
    err = capsys.readouterr().err
    assert "plain: no zh version" in err and "an apology declares the LATTE parts" in err


def test_reply_draft_then_send_from_the_cli(home, capsys, monkeypatch):
    args = ["--home", str(home), "--now", NOW_ISO]
    assert main([*args, "reply", "1041", "--template", "apology-late-order", "--json"]) == 0
    draft = json.loads(capsys.readouterr().out)
    assert draft["status"] == "draft" and draft["subject"].endswith("[#1041]") and draft["in_reply_to"]
    assert main([*args, "show", "1041", "--json"]) == 0
    before = json.loads(capsys.readouterr().out)["message_count"]
    assert main([*args, "reply", "1041", "--send", "--json"]) == 0  # sends the saved draft
    sent = json.loads(capsys.readouterr().out)
    assert sent["status"] == "sent" and sent["message_id"] == draft["message_id"]
    assert main([*args, "show", "1041", "--json"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert after["message_count"] == before + 1 and after["messages"][-1]["author"] == "agent"
    assert after["messages"][-1]["text"].startswith("Hi Lucy,")
    assert main([*args, "reply", "1041", "--send"]) == 2  # the draft went out with the reply
    assert "no draft" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("Quick note: refund approved.\n"))
    assert main([*args, "reply", "1041", "--body-file", "-", "--send", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["text"] == "Quick note: refund approved.\n"


def test_an_interrupted_send_is_finished_once(replies):
    message = replies.outgoing(1041, "Sent before the crash.", "<crash-1@pineandpebble.example>")
    store = replies.service.store
    row = store.outbox_add(1041, message, NOW)
    store.outbox_mark(row, "sent", NOW)  # the process died after handing it over, before recording it
    count = replies.service.ticket(1041).message_count
    assert replies.flush_outbox() == 1
    assert replies.flush_outbox() == 0
    assert replies.service.ticket(1041).message_count == count + 1
    assert store.outbox_pending() == []


def test_a_draft_whose_reply_was_recorded_never_swallows_the_next_reply(replies):
    first = replies.save_draft(1041, "First answer")
    replies.send(1041)
    # As if an old version crashed after recording the reply but before removing the draft:
    replies.service.store.save_draft(
        first.__class__(
            **{**first.__dict__} if hasattr(first, "__dict__") else {f: getattr(first, f) for f in first.__slots__}
        )
    )
    replies.mark_seen(1041)
    replies.save_draft(1041, "Corrected answer")
    message = replies.send(1041)
    assert message.message_id != first.message_id
    texts = [m.text for m in replies.service.detail(1041).messages]
    assert texts[-2:] == ["First answer\n", "Corrected answer\n"]
    assert replies.draft(1041) is None


def test_lint_follows_scope_and_binding(tmp_path):
    def problems(body):
        (tmp_path / "t.en.j2").write_text(body)
        (tmp_path / "t.zh.j2").write_text("ok")
        return TemplateLibrary([tmp_path]).check()

    assert problems("{% for t in ticket.tags %}{{ t }}{% endfor %}{% set who = agent.name %}{{ who }}") == []
    assert problems("{% if customer.name is defined %}{{ customer.name }}{% endif %}") == []
    assert problems("{{ customer.name if customer.name is defined else 'you' }}") == []
    assert problems("{% if customer.name is defined %}x{% endif %}{{ customer.name }}")  # used outside the if
    assert problems('{{ customer["name"] }}')  # item access is a variable read too
    assert problems('{{ customer.name | upper | default("x") }}')  # upper runs on the missing value first


def test_customer_fields_are_data_not_dict_methods(replies, tmp_path):
    (tmp_path / "f.en.j2").write_text("{{ customer.items | default('no items') }} / {{ customer.email }}")
    library = TemplateLibrary([tmp_path])
    context = replies.context(replies.service.detail(1041))
    assert library.render(library.get("f"), context).strip() == "no items / lucy.barnes@mail.example"
    context["customer"]["items"] = "2 tents"
    assert library.render(library.get("f"), context).strip().startswith("2 tents")


def test_customer_data_file_fields_reach_templates_and_edits_are_picked_up(home, tmp_path):
    import os

    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('[shop]\ncustomer_data = "customers.csv"\n')
    data = home / "customers.csv"
    data.write_text("email,order_status\nlucy.barnes@mail.example,shipped\n")
    (tmp_path / "s.en.j2").write_text("{{ customer.order_status | default('unknown') }}")
    service = service_for(home)
    paths = AppPaths.resolve(home)
    replies = Replies(service, paths, load_settings(paths))
    library = TemplateLibrary([tmp_path])
    render = lambda: library.render(library.get("s"), replies.context(service.detail(1041))).strip()  # noqa: E731
    assert render() == "shipped"
    data.write_text("email,order_status\nlucy.barnes@mail.example,delivered\n")
    os.utime(data, ns=(data.stat().st_atime_ns, data.stat().st_mtime_ns + 10**9))
    assert render() == "delivered"
    service.close()
