"""Reply templates: Jinja in a sandbox, front matter, a variable schema, lint, and suggestions.

Templates are ``NAME.LANG.j2`` (or plain ``NAME.j2``) files in the shipped ``canned/`` folder and in the
user's ``canned/`` folder, which wins by name and language. A file may start with TOML front matter::

    +++
    name = "apology-late-order"
    title = "Apology: late or lost order"
    language = "en"
    tags = ["shipping", "late-order"]
    latte = ["listen", "acknowledge", "take_action", "thank", "explain"]
    keywords = ["late", "hasn't arrived"]   # for suggestions (services/suggestions.py), as are:
    offers = ["replacement", "refund"]      # remedies it offers, which a promise already made contradicts
    when = []                               # the stage of the conversation it is for (suggestions.WHEN)
    +++

Templates render in Jinja's ``ImmutableSandboxedEnvironment`` (no mutating lists or dicts either) with
``StrictUndefined``: a missing variable is an error naming the template, line and variable, never a
silent blank. Customer text only ever arrives as
data in the context; nothing from a ticket is compiled as a template.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from agent_tui.config.settings import decode_utf8
from agent_tui.errors import ConfigError, NotFoundError, UsageError
from agent_tui.services.suggestions import REMEDIES, WHEN, Thread, rank

LATTE = ("listen", "acknowledge", "take_action", "thank", "explain")
LANGUAGES = ("en", "zh")
_FRONT_MATTER = re.compile(r"\A\+\+\+\r?\n(.*?)\r?\n\+\+\+\r?\n", re.S)
_FILE = re.compile(r"^(?P<name>[a-z0-9][a-z0-9_-]*)(?:\.(?P<lang>[a-z]{2}(?:-[A-Za-z]+)?))?\.j2$")

# The variables templates can rely on. Required ones are always in the context; optional ones may be
# missing and must be used with a fallback (`| default(...)`, or inside `{% if x is defined %}`).
REQUIRED = {
    "customer": {"email"},
    "ticket": {"id", "subject", "tags", "status"},
    "agent": {"name", "signature"},
    "history": {"count", "returning"},
    "shop": {"name"},
}
OPTIONAL = {
    "customer": {"name", "first_name"},  # and any extra field from the customer data
    "ticket": {"order_number"},
    "history": {"last_subject"},
    "shop": {"url", "csat"},  # csat: set when the shop asks for ratings ([shop] csat = "on")
}


class TemplateError(UsageError):
    """A template could not be read, parsed or rendered; the message names it and the line."""


@dataclass(frozen=True, slots=True)
class ReplyTemplate:
    name: str
    language: str
    title: str
    tags: tuple[str, ...]
    description: str
    latte: tuple[str, ...]
    body: str
    path: Path
    body_line: int  # the file line where the body starts, so errors name file lines
    keywords: tuple[str, ...] = ()  # words in a ticket that point to this template (suggestions)
    offers: tuple[str, ...] = ()  # remedies it offers the customer, of REMEDIES
    when: tuple[str, ...] = ()  # the stage of the conversation it is for, of WHEN

    @property
    def label(self) -> str:
        return f"{self.name}.{self.language}"

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "language": self.language,
            "tags": list(self.tags),
            "description": self.description,
            "latte": list(self.latte),
            "keywords": list(self.keywords),
            "offers": list(self.offers),
            "when": list(self.when),
            "path": str(self.path),
        }


class _Sandbox(ImmutableSandboxedEnvironment):
    """Variables are data: ``customer.items`` is the customer's field "items", never the dict's method."""

    def getattr(self, obj: object, attribute: str) -> object:
        if isinstance(obj, _GROUP_TYPE_TUPLE):
            return obj[attribute] if attribute in obj else self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def read_template(path: Path) -> ReplyTemplate:
    try:
        text = decode_utf8(path, path.read_bytes())
    except OSError as error:
        raise TemplateError(f"{path}: could not be read ({error.strerror}).") from None
    except ConfigError as error:
        raise TemplateError(str(error)) from None
    file_match = _FILE.match(path.name)
    name: str = file_match.group("name") if file_match else path.stem
    language: str = (file_match.group("lang") if file_match else None) or "en"
    front: dict[str, Any] = {}
    body_line = 1
    found = _FRONT_MATTER.match(text)
    if found:
        try:
            front = tomllib.loads(found.group(1))
        except tomllib.TOMLDecodeError as error:
            raise TemplateError(f"{path}: the front matter is not valid TOML ({error}).") from None
        _check_front_matter(path, front, found.group(1))
        body_line = text[: found.end()].count("\n") + 1
        text = text[found.end() :]
    return ReplyTemplate(
        name=front.get("name", name),
        language=front.get("language", language),
        title=front.get("title", name.replace("-", " ").capitalize()),
        tags=tuple(front.get("tags", [])),
        description=front.get("description", ""),
        latte=tuple(front.get("latte", [])),
        body=text,
        path=path,
        body_line=body_line,
        keywords=tuple(front.get("keywords", [])),
        offers=tuple(front.get("offers", [])),
        when=tuple(front.get("when", [])),
    )


# What each front matter setting must be: a text, or a list of texts.
_FRONT_TEXTS = ("name", "title", "language", "description")
_FRONT_LISTS = ("tags", "latte", "keywords", "offers", "when")


def _check_front_matter(path: Path, front: dict[str, Any], source: str) -> None:
    """Settings of the wrong type (``tags = "x"``, ``name = 5``) are an error naming the file and line,
    so one bad template is reported and skipped instead of breaking the library. Unknown settings are
    left alone: they harm nothing."""

    def wrong(key: str, why: str) -> TemplateError:
        lines = source.splitlines()
        number = next((n for n, line in enumerate(lines, start=2) if re.match(rf'\s*"?{key}"?\s*[=.]', line)), None)
        where = f"{path}, line {number}" if number else str(path)
        return TemplateError(f"{where}: the front matter's {key} {why}.")

    for key in _FRONT_TEXTS:
        if key in front and not isinstance(front[key], str):
            raise wrong(key, f'must be a text in quotes, such as {key} = "..."')
    for key in _FRONT_LISTS:
        if key in front and not (isinstance(front[key], list) and all(isinstance(item, str) for item in front[key])):
            raise wrong(key, f'must be a list of texts, such as {key} = ["...", "..."]')
    if "." in front.get("name", "") or not front.get("name", "x").strip():
        raise wrong("name", "may not contain a dot or be empty: templates are named NAME or NAME.LANG")


class TemplateLibrary:
    def __init__(self, folders: Iterable[Path]) -> None:
        """Later folders win: pass the shipped folder first, the user's last."""
        self.env = _Sandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
        found: dict[tuple[str, str], ReplyTemplate] = {}
        self.problems: list[str] = []
        for folder in folders:
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.j2")):
                try:
                    template = read_template(path)
                except TemplateError as error:
                    self.problems.append(str(error))
                    continue
                found[(template.name, template.language)] = template
        self.templates = sorted(found.values(), key=lambda t: (t.name, t.language))

    def get(self, name: str, language: str | None = None) -> ReplyTemplate:
        """A template by name (``NAME`` or ``NAME.LANG``), in ``language`` when it exists in it."""
        if "." in name:
            name, language = name.split(".", 1)
        candidates = [t for t in self.templates if t.name == name]
        if not candidates:
            raise NotFoundError(f"There is no template named {name!r}; `agent-tui templates list` shows them.")
        for template in candidates:
            if template.language == language:
                return template
        return next((t for t in candidates if t.language == "en"), candidates[0])

    # -- rendering -------------------------------------------------------------------------------

    def render(self, template: ReplyTemplate, context: dict) -> str:
        """Render in the sandbox; every failure is one sentence naming the template file and line."""
        try:
            compiled = self.env.from_string(template.body)
        except TemplateSyntaxError as error:
            raise TemplateError(
                f"{template.path}, line {template.body_line + (error.lineno or 1) - 1}: {error.message}."
            ) from None
        try:
            return compiled.render(context).strip() + "\n"
        except UndefinedError as error:
            line = _template_line(error, template)
            raise TemplateError(f"{template.path}{line}: {_undefined_sentence(error)}.") from None
        except SecurityError as error:
            line = _template_line(error, template)
            raise TemplateError(f"{template.path}{line}: refused by the sandbox ({error}).") from None
        except Exception as error:  # noqa: BLE001  # a filter given the wrong type, a division by zero...
            line = _template_line(error, template)
            raise TemplateError(f"{template.path}{line}: {type(error).__name__}: {error}.") from None

    # -- lint ------------------------------------------------------------------------------------

    def check(self, extra_fields: Iterable[str] = ()) -> list[str]:
        """Every problem of every template, one line each (empty when all is well)."""
        problems = list(self.problems)
        extras = set(extra_fields)
        for template in self.templates:
            problems.extend(check_template(self.env, template, extras))
        by_name: dict[str, set[str]] = {}
        for template in self.templates:
            by_name.setdefault(template.name, set()).add(template.language)
        for name, languages in sorted(by_name.items()):
            missing = [language for language in LANGUAGES if language not in languages]
            if missing:
                problems.append(
                    f"{name}: no {' or '.join(missing)} version (every template needs {' and '.join(LANGUAGES)})."
                )
        return problems

    # -- suggestions -----------------------------------------------------------------------------

    def suggest(self, thread: Thread, query: str = "") -> list[ReplyTemplate]:
        """Templates best first for the ticket's thread (see ``services/suggestions.py``): the customer's
        language first, then the ones that fit the whole conversation; ``query`` keeps those whose name, title
        or tags match it fuzzily (in-order letters)."""
        return [t for t in rank(self.templates, thread) if fuzzy(query, f"{t.name} {t.title} {' '.join(t.tags)}")]


def fuzzy(query: str, text: str) -> bool:
    """Every character of the query appears in the text, in order (as in fuzzy finders)."""
    text = text.lower()
    position = 0
    for char in query.lower().replace(" ", ""):
        position = text.find(char, position)
        if position < 0:
            return False
        position += 1
    return True


def check_template(env: ImmutableSandboxedEnvironment, template: ReplyTemplate, extras: set[str]) -> list[str]:
    where = f"{template.path}"
    problems = []
    if template.language not in LANGUAGES:
        problems.append(f"{where}: language {template.language!r} is not one of {', '.join(LANGUAGES)}.")
    try:
        tree = env.parse(template.body)
    except TemplateSyntaxError as error:
        return [f"{where}, line {template.body_line + (error.lineno or 1) - 1}: {error.message}."]
    for lineno, dotted, guarded in _variable_uses(tree):
        root, _, attr = dotted.partition(".")
        line = f"{where}, line {template.body_line + lineno - 1}"
        if root not in REQUIRED:
            problems.append(f"{line}: unknown variable {dotted!r} (known: {', '.join(sorted(REQUIRED))}).")
            continue
        if not attr:
            continue
        optional = attr in OPTIONAL.get(root, set()) or (root == "customer" and attr not in REQUIRED["customer"])
        if attr not in REQUIRED[root] and not optional:
            problems.append(f"{line}: unknown variable {dotted!r}.")
        elif optional and not guarded:
            problems.append(
                f'{line}: {dotted} may be missing: give it a fallback, e.g. {{{{ {dotted} | default("...") }}}}.'
            )
        elif root == "customer" and optional and attr not in OPTIONAL["customer"] and extras and attr not in extras:
            problems.append(f"{line}: customer.{attr} is in no customer data file.")
    for key, values, known in (("when", template.when, WHEN), ("offers", template.offers, REMEDIES)):
        for value in values:
            if value not in known:
                problems.append(f"{where}: unknown {key} {value!r} (use {', '.join(known)}).")
    if template.name.startswith("apology") and not template.latte:
        problems.append(f'{where}: an apology declares the LATTE parts it covers (latte = ["listen", ...]).')
    for part in template.latte:
        if part not in LATTE:
            problems.append(f"{where}: unknown LATTE part {part!r} (use {', '.join(LATTE)}).")
        elif f"{{# latte:{part} #}}" not in template.body:
            problems.append(f"{where}: declares the LATTE part {part!r} but has no {{# latte:{part} #}} marker.")
    return problems


def _variable_uses(tree: nodes.Template) -> Iterator[tuple[int, str, bool]]:
    """(line, dotted name, guarded) for every read of ``a`` or ``a.b`` (``a["b"]`` too). A read is guarded
    when ``default`` wraps it directly, or it sits in the body of an ``if a.b is defined``. Names the
    template binds itself (``for``, ``set``, macro arguments) are not variables of the schema."""
    bound = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}

    def defined_in_own(test: nodes.Node) -> set[str]:
        tests = [test, *test.find_all(nodes.Test)] if isinstance(test, nodes.Test) else list(test.find_all(nodes.Test))
        return {d for t in tests if t.name == "defined" and (d := _dotted(t.node))}

    def walk(node: nodes.Node, guarded: frozenset[str]) -> Iterator[tuple[int, str, bool]]:
        if isinstance(node, nodes.If):
            inside = guarded | defined_in_own(node.test)
            yield from walk(node.test, inside)  # `x is defined and x` is the idiom
            for child in node.body:
                yield from walk(child, inside)
            for child in (*node.elif_, *node.else_):
                yield from walk(child, guarded)
            return
        if isinstance(node, nodes.CondExpr):
            yield from walk(node.test, guarded | defined_in_own(node.test))
            yield from walk(node.expr1, guarded | defined_in_own(node.test))
            if node.expr2 is not None:
                yield from walk(node.expr2, guarded)
            return
        if isinstance(node, nodes.Test) and node.name == "defined":
            return
        if isinstance(node, nodes.Filter) and node.name == "default" and node.node is not None:
            dotted = _dotted(node.node)
            if dotted is not None:
                if dotted.split(".")[0] not in bound:
                    yield node.node.lineno, dotted, True
            else:
                yield from walk(node.node, guarded)
            for child in (*node.args, *[kw.value for kw in node.kwargs]):
                yield from walk(child, guarded)
            return
        dotted = _dotted(node)
        if dotted is not None:
            if dotted.split(".")[0] not in bound:
                yield node.lineno, dotted, dotted in guarded
            return
        for child in node.iter_child_nodes():
            yield from walk(child, guarded)

    for node in tree.body:
        yield from walk(node, frozenset())


def _dotted(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name) and node.ctx == "load":
        return node.name
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
        return f"{node.node.name}.{node.attr}"
    if (
        isinstance(node, nodes.Getitem)
        and isinstance(node.node, nodes.Name)
        and isinstance(node.arg, nodes.Const)
        and isinstance(node.arg.value, str)
    ):
        return f"{node.node.name}.{node.arg.value}"
    return None


def _template_line(error: Exception, template: ReplyTemplate) -> str:
    """The template line a render error happened on, from Jinja's rewritten traceback."""
    tb = error.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return f", line {template.body_line + line - 1}" if line else ""


def _undefined_sentence(error: UndefinedError) -> str:
    found = re.search(r"'(\w+) object' has no attribute '(\w+)'|'(\w+)' is undefined", str(error))
    if found and found.group(2):
        return f"{found.group(1)}.{found.group(2)} is not defined for this ticket (give it a fallback: | default(...))"
    if found and found.group(3):
        return f"the variable {found.group(3)!r} is not defined"
    return str(error)


def variables(**groups: dict) -> dict[str, dict]:
    """The render context: each group a dict whose type is named after it, so that Jinja's error for a
    missing value reads "'customer object' has no attribute 'vip'" and can name customer.vip."""
    return {name: _GROUP_TYPES[name](values) for name, values in groups.items()}


_GROUP_TYPES: dict[str, type[dict[str, Any]]] = {
    name: type(name, (dict,), {"__module__": "builtins"}) for name in REQUIRED
}
_GROUP_TYPE_TUPLE = tuple(_GROUP_TYPES.values())
