"""Content wording as paragraph markup, rendered without Jinja2 where Jinja2 is not needed.

Content text is a Jinja2 template (`leaflet.sources.templating`), but most of it is plain
text, or text with values put in as they are (`{{ clinic.name }}`) or counted
(`{{ settings.days | plural('day') }}`). Such wording is rendered here, exactly as the
sandboxed Jinja2 environment renders it: the author's text through `author_markup`, each
value escaped. Importing Jinja2 and compiling the templates is then left to wording
that needs it (conditions, other filters, expressions), so a batch of documents whose
wording is plain starts without it (about 13 ms of imports). Anything out of the
ordinary goes to Jinja2, which says what is wrong as it always has: a value that is not
text or a number, a name that is not there, a `plural` that refuses its forms, a text
too long. Nothing here imports Jinja2.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple, Protocol

from markupsafe import escape

from leaflet.sources.dates import format_number
from leaflet.sources.languages import Language, parse_language

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
#: All the markup rendered wording may hold: our own bold and the entities escaping
#: makes. Anything else (say a lone `&` sliced from an escaped value) is refused.
_OUR_MARKUP = re.compile(r"(?:[^<>&]|</?b>|&(?:amp|lt|gt|#39|#34);)*")
#: The most one piece of wording (a paragraph, a bullet) may hold, as written and as
#: rendered: 12 times the longest built-in one (about 400), and small enough that laying
#: it out (which takes time with the square of a paragraph's length) stays instant.
MAX_TEXT = 5_000


def too_long(limit: int) -> str:
    """The message for text over `limit` characters."""
    return (
        f"the text is longer than {limit:,} characters (about {limit // 6:,} words), "
        "far more than any leaflet needs in one place; split it up"
    )


def author_markup(text: str) -> str:
    """Escape the author's text and turn `**bold**` into `<b>bold</b>`."""
    converted = _BOLD.sub(lambda m: f"<b>{m.group(1)}</b>", str(escape(text)))
    if "**" in converted:
        raise ValueError(
            "unmatched ** (bold needs ** on both sides, within one sentence "
            "and not around a {{ variable }})"
        )
    return converted


def plain(text: str) -> str:
    """Escape a value (clinic field, patient name) for use inside paragraph markup."""
    return str(escape(text))


class Namespace:
    """A named group of template variables (`clinic`, `settings`...), read-only."""

    def __init__(self, name: str, values: Mapping[str, Any]) -> None:
        self._name = name
        self._values = dict(values)

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(key) from None

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __repr__(self) -> str:  # shown if an author prints a whole group
        return f"<{self._name}>"


class TemplateProblem(Exception):
    """A template that does not compile or render; the caller adds file and field."""


def make_plural(language: Language) -> Callable[..., str]:
    """The `plural` filter for `language`: a number, written as the language writes
    numbers, with the form of its unit that the number takes in CLDR's plural rules.

    Every language gives its forms by CLDR category, all of them, so none is forgotten
    for a number a clinic may set later: `plural(one='dzień', few='dni', many='dni',
    other='dnia')`. English may give just the singular, `plural('hour')`, and an `s` is
    added for every number but 1 (CLDR's `one`). Where any form has a `#`, the number
    goes where `#` is, and a form without one has no number (as in ICU messages): Arabic
    says two weeks in one word, `two='أسبوعين', few='# أسابيع'`."""
    categories = language.plural_categories

    def plural(count: Any, unit: str | None = None, /, **forms: str) -> str:
        value = _number(count)
        if value is None:  # "2 to 3": written as it is, in the `other` form
            number, category = str(count), "other"
        else:
            number, category = format_number(value, language.tag), language.plural_category(value)
        if unit is not None and not forms:
            if language.locale.language != "en":
                raise ValueError(
                    f"plural('{unit}') adds an English 's'; in {language.tag} give every "
                    f"form: plural({', '.join(f'{c}=...' for c in categories)})"
                )
            return f"{number} {unit}" if category == "one" else f"{number} {unit}s"
        missing = [c for c in categories if c not in forms]
        unknown = sorted(set(forms) - set(categories))
        if unit is not None or missing or unknown:
            raise ValueError(
                f"plural in {language.tag} needs the forms {', '.join(categories)} "
                f"(CLDR plural categories) as plural({', '.join(f'{c}=...' for c in categories)})"
                + (f"; missing: {', '.join(missing)}" if missing else "")
                + (f"; not a form of {language.tag}: {', '.join(unknown)}" if unknown else "")
            )
        if any("#" in form for form in forms.values()):
            return forms[category].replace("#", number)
        return f"{number} {forms[category]}"

    return plural


def _number(count: Any) -> int | float | None:
    """`count` as a number, or None when it is text that is not one."""
    if isinstance(count, int | float) and not isinstance(count, bool):
        return count
    for kind in (int, float):
        try:
            return kind(str(count))
        except ValueError:
            pass
    return None


class Jinja(Protocol):
    """Wording compiled and rendered by Jinja2 (`leaflet.sources.templating.ContentJinja`),
    each raising `TemplateProblem` with Jinja2's message."""

    def compile(self, source: str) -> Any: ...

    def render(self, template: Any, context: Mapping[str, Any]) -> str: ...


class Templates:
    """What wording in `language` is rendered with: the `plural` filter, here, and
    Jinja2 (`jinja` makes it) for wording that needs it, made when it first does."""

    def __init__(
        self,
        language: str,
        jinja: Callable[[], Jinja],
        plural: Callable[..., str] | None = None,
    ) -> None:
        self.language = language
        self._make_jinja = jinja
        self._jinja: Jinja | None = None
        self._plural = plural

    @property
    def jinja(self) -> Jinja:
        if self._jinja is None:
            self._jinja = self._make_jinja()
        return self._jinja

    @property
    def plural(self) -> Callable[..., str]:
        if self._plural is None:
            self._plural = make_plural(parse_language(self.language))
        return self._plural


_NAME = r"[A-Za-z][A-Za-z0-9_]*"
_STRING = r"'[^'\\\r\n]*'|\"[^\"\\\r\n]*\""
#: A value put in: `{{ group.name }}`, or `{{ group.name | plural(...) }}` with quoted
#: forms, spaced only with spaces. Text between values holds no braces at all, so that
#: nothing in it can start a tag; carriage returns, which Jinja2 rewrites, go to Jinja2.
_VALUE = re.compile(
    rf"\{{\{{ *(?P<group>{_NAME})\.(?P<name>{_NAME})"
    rf"(?: *\| *plural\((?P<forms>[^()]*)\))? *\}}\}}"
)
_TEXT = re.compile(r"[^{}\r]*")
#: One of the filter's arguments: a quoted text, by keyword or not, and its comma.
_ARGUMENT = re.compile(rf" *(?:(?P<key>{_NAME}) *= *)?(?P<text>{_STRING}) *(?:,|$)")
#: Names Jinja2 reads as constants or operators, and Python's keywords (a keyword
#: argument of the compiled call): such a name goes to Jinja2, to say what it makes of it.
_RESERVED = frozenset(
    {"and", "or", "not", "in", "is", "if", "else", "true", "false", "none"} | set(keyword.kwlist)
)


class _Value(NamedTuple):
    """A value put into wording: `group.name`, counted by `plural(*units, **forms)`
    when `counted`."""

    group: str
    name: str
    counted: bool
    units: tuple[str, ...]
    forms: tuple[tuple[str, str], ...]


def _parse(source: str) -> tuple[tuple[str, ...], tuple[_Value, ...]] | None:
    """`source` as its texts (the author's, not yet marked up) and the values between
    them, when it is only these; else None."""
    texts, values, position = [], [], 0
    for found in _VALUE.finditer(source):
        texts.append(source[position : found.start()])
        position = found.end()
        group, name, forms = found["group"], found["name"], found["forms"]
        if group in _RESERVED or name in _RESERVED:
            return None
        if forms is None:
            values.append(_Value(group, name, False, (), ()))
            continue
        arguments = _arguments(forms)
        if arguments is None:
            return None
        values.append(_Value(group, name, True, *arguments))
    texts.append(source[position:])
    if not all(_TEXT.fullmatch(text) for text in texts):
        return None
    return tuple(texts), tuple(values)


def _arguments(text: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]] | None:
    """`plural`'s arguments: one unit (`'day'`) or forms by keyword (`one='dzień', ...`),
    each written once; else None."""
    units: list[str] = []
    forms: dict[str, str] = {}
    position = 0
    while position < len(text):
        found = _ARGUMENT.match(text, position)
        if found is None or found.end() == position:
            return None
        position = found.end()
        key, value = found["key"], found["text"][1:-1]
        if key is None:
            units.append(value)
        elif key in forms or key in _RESERVED:
            return None
        else:
            forms[key] = value
    if not (len(units) == 1 and not forms) and not (not units and forms):
        return None
    return tuple(units), tuple(forms.items())


_MISSING = object()
#: The values rendered here: any other (a list, a date, a name's Undefined) goes to Jinja2.
_PLAIN_VALUES = (str, int, float)


class Wording:
    """One piece of content text, compiled once and rendered for each build: here when
    it is plain (see the module's docstring), else by Jinja2."""

    __slots__ = ("_source", "_static", "_template", "_templates", "_texts", "_values")

    def __init__(self, source: str, templates: Templates) -> None:
        source = source.strip()
        if len(source) > MAX_TEXT:
            raise TemplateProblem(too_long(MAX_TEXT))
        self._source = source
        self._templates = templates
        self._static: str | None = None
        self._template: Any = None
        self._texts: tuple[str, ...] = ()
        self._values: tuple[_Value, ...] = ()
        if "{{" in source or "{%" in source or "{#" in source:
            parsed = _parse(source)
            try:
                if parsed is None:
                    raise ValueError("not plain")
                self._texts = tuple(author_markup(text) for text in parsed[0])
                self._values = parsed[1]
            except ValueError:  # Jinja2 compiles it now, and says what is wrong
                self._texts, self._values = (), ()
                self._compiled()
        else:
            try:
                self._static = author_markup(source)
            except ValueError as err:
                raise TemplateProblem(str(err)) from err

    def _compiled(self) -> Any:
        """The source as a Jinja2 template, compiled the first time it is asked for."""
        if self._template is None:
            self._template = self._templates.jinja.compile(self._source)
        return self._template

    def render(self, context: Mapping[str, Any]) -> str:
        """The paragraph markup for `context`."""
        if self._static is not None:
            return self._static
        text = self._rendered_here(context) if self._texts else None
        if text is None:
            text = self._rendered_by_jinja(context)
        text = " ".join(text.split())
        if not _OUR_MARKUP.fullmatch(text):
            raise TemplateProblem(
                "the template makes markup of its own (pieces of escaped text put "
                "together); use the values as they are"
            )
        return text

    def _rendered_here(self, context: Mapping[str, Any]) -> str | None:
        """What Jinja2 would render, or None where it might render something else or
        refuse (Jinja2 then renders it, and says why)."""
        parts = [self._texts[0]]
        for value, text in zip(self._values, self._texts[1:], strict=True):
            group = context.get(value.group)
            if type(group) is not Namespace:
                return None
            item = group._values.get(value.name, _MISSING)
            if type(item) not in _PLAIN_VALUES:
                return None
            if value.counted:
                if type(item) is int and abs(item) > MAX_TEXT:  # the sandbox refuses it
                    return None
                try:
                    item = self._templates.plural(item, *value.units, **dict(value.forms))
                except Exception:  # Jinja2 gives the same exception its message
                    return None
            parts += (str(escape(item)), text)
        rendered = "".join(parts)
        return rendered if len(rendered) <= MAX_TEXT else None

    def _rendered_by_jinja(self, context: Mapping[str, Any]) -> str:
        return self._templates.jinja.render(self._compiled(), context)
