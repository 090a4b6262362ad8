"""Content wording to ReportLab paragraph markup, through a sandboxed, strict Jinja2.

Content text is a Jinja2 template. The author's own words are escaped and may use one
piece of inline markup, `**bold**`; every value substituted into them (clinic details,
patient name, settings) is escaped by autoescaping. The result is ReportLab paragraph
markup in which the only tags are those we produce, so `Ann <b>O'Brien</b> & Co` prints
exactly as typed. Undefined variables are errors that name the variable.

Templates run in `sandbox.BoundedSandbox`: no way to emit raw markup, no calls, no loops
in content, and every piece of wording at most `MAX_TEXT` characters, before and after
its variables are filled in. Email templates are files, read through `BoundedLoader`:
each one, and the layout it extends, at most `MAX_TEMPLATE_BYTES` of UTF-8 text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    Environment,
    StrictUndefined,
    Template,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.loaders import split_template_path
from jinja2.meta import find_referenced_templates
from markupsafe import escape

from leaflet.errors import SourceError, display_path
from leaflet.sources.dates import format_number
from leaflet.sources.languages import Language, parse_language
from leaflet.sources.reading import MB, UnreadableFile, read_limited
from leaflet.sources.sandbox import Allowed, BoundedSandbox, render_bounded, too_long
from leaflet.sources.spelling import did_you_mean

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
#: All the markup rendered wording may hold: our own bold and the entities escaping
#: makes. Anything else (say a lone `&` sliced from an escaped value) is refused.
_OUR_MARKUP = re.compile(r"(?:[^<>&]|</?b>|&(?:amp|lt|gt|#39|#34);)*")
#: The most one piece of wording (a paragraph, a bullet) may hold, as written and as
#: rendered: 12 times the longest built-in one (about 400), and small enough that laying
#: it out (which takes time with the square of a paragraph's length) stays instant.
MAX_TEXT = 5_000
#: The most an email template may render to (the built-in HTML body is about 4,000).
MAX_EMAIL = 100_000
#: The largest email template file read: a link to /dev/zero is refused, not read until
#: memory runs out.
MAX_TEMPLATE_BYTES = MB
CONTENT = Allowed("content", loops=False, max_output=MAX_TEXT)
EMAIL = Allowed("email", loops=True, max_output=MAX_EMAIL, layouts=True)


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


#: The message of an undefined name that is not in a group: `{{ setings.x }}`.
_UNDEFINED_NAME = re.compile(r"undefined variable '([^'.]+)'")


class _NamedUndefined(StrictUndefined):
    """StrictUndefined whose message names the whole variable and what exists beside it."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        owner = self._undefined_obj
        if isinstance(owner, Namespace):
            name = self._undefined_name or ""
            known = ", ".join(sorted(owner._values)) or "nothing"
            hint = did_you_mean(name, owner._values, prefix=f"{owner._name}.")
            has = f"{hint} {owner._name} has: {known}" if hint else f"{owner._name} has: {known}"
            return f"undefined variable '{owner._name}.{name}' ({has})"
        return f"undefined variable {self._undefined_name!r}"


class _AuthorMarkupExtension(Extension):
    """Applies `author_markup` to the literal text of a template at compile time."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        for token in stream:
            if token.type == "data":
                try:
                    yield Token(token.lineno, "data", author_markup(token.value))
                except ValueError as err:
                    raise TemplateSyntaxError(str(err), token.lineno) from err
            else:
                yield token


class TemplateProblem(Exception):
    """A template that does not compile or render; the caller adds file and field."""


class Wording:
    """One piece of content text, compiled once and rendered for each build."""

    __slots__ = ("_static", "_template")

    def __init__(self, source: str, environment: BoundedSandbox) -> None:
        source = source.strip()
        if len(source) > MAX_TEXT:
            raise TemplateProblem(too_long(MAX_TEXT))
        self._static: str | None = None
        self._template = None
        if "{{" in source or "{%" in source or "{#" in source:
            try:
                self._template = environment.from_string(source)
            except TemplateSyntaxError as err:
                raise TemplateProblem(f"template error: {err.message}") from err
        else:
            try:
                self._static = author_markup(source)
            except ValueError as err:
                raise TemplateProblem(str(err)) from err

    def render(self, context: Mapping[str, Any]) -> str:
        """The paragraph markup for `context`."""
        if self._template is None:
            assert self._static is not None, "a text is compiled or static"
            return self._static
        try:
            text = " ".join(render_bounded(self._template, context, MAX_TEXT).split())
        except Exception as err:  # undefined names and sandbox refusals alike
            message = getattr(err, "message", None) or str(err)
            top = _UNDEFINED_NAME.fullmatch(message)  # a misspelt group, e.g. setings
            if top and (hint := did_you_mean(top[1], context)):
                message += f" ({hint})"
            raise TemplateProblem(message) from err
        if not _OUR_MARKUP.fullmatch(text):
            raise TemplateProblem(
                "the template makes markup of its own (pieces of escaped text put "
                "together); use the values as they are"
            )
        return text


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


def make_environment(language: str = "en-GB") -> BoundedSandbox:
    """The Jinja2 environment content in `language` runs in: sandboxed, bounded, strict
    and autoescaping."""
    environment = BoundedSandbox(
        CONTENT,
        autoescape=True,
        undefined=_NamedUndefined,
        extensions=[_AuthorMarkupExtension],
        keep_trailing_newline=False,
    )
    environment.add_filter("plural", make_plural(parse_language(language)))
    return environment


class BoundedLoader(BaseLoader):
    """Template files from the first of `folders` that has them, each read whole through
    `read_limited` and decoded as UTF-8; a file that is not a regular file, is too large
    or is not UTF-8 is a `SourceError` naming it. Names are relative (`layout.html`):
    none reaches outside the folders."""

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = tuple(folders)

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        parts = split_template_path(template)  # refuses `..`
        for folder in self.folders:
            path = folder.joinpath(*parts)
            try:
                data = read_limited(path, MAX_TEMPLATE_BYTES)
            except UnreadableFile as err:
                if str(err) == "file not found":
                    continue
                raise SourceError(path, str(err)) from err
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as err:
                reason = f"not UTF-8 text ({err.reason} at byte {err.start})"
                raise SourceError(path, reason) from err
            # Each set of templates has its own environment, made for one run: a file is
            # read once, never reloaded.
            return text, str(path), lambda: True
        raise TemplateNotFound(template)


def make_email_environment(folders: Sequence[Path], language: str = "en-GB") -> BoundedSandbox:
    """The Jinja2 environment email templates in `folders` (in `language`, the first
    folder first: a language's own, then the layout shared by all) run in: sandboxed and
    strict like content, but without `**bold**` (emails are not paragraph markup).
    `.html` templates are autoescaped; `.txt` ones are not, as plain text is never read
    as markup and escaping would only show patients `&amp;`."""
    environment = BoundedSandbox(
        EMAIL,
        loader=BoundedLoader(folders),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=_NamedUndefined,
        trim_blocks=True,  # `{% if %}` lines leave no blank lines in the plain text
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    environment.add_filter("plural", make_plural(parse_language(language)))
    return environment


def email_template(environment: Environment, name: str) -> Template:
    """Template `name` of an email environment, compiled together with the layout it
    extends, so that a mistake in either shows before any email is sent. A layout that
    is not there is a `SourceError` naming the template and where it was looked for;
    `TemplateNotFound` (for `name` itself) and `TemplateSyntaxError` pass through.

    The file is read (by `BoundedLoader`) and parsed (in the sandbox) once: what it
    parses to is compiled, as `get_template` would, and names the layout."""
    loader = environment.loader
    assert isinstance(loader, BoundedLoader), "made by make_email_environment"
    source, filename, uptodate = loader.get_source(environment, name)
    parsed = environment.parse(source, name, filename)
    layouts = list(find_referenced_templates(parsed))  # before compiling may fold the tree
    code = environment.compile(parsed, name, filename)
    globals_ = environment.make_globals(None)
    template = environment.template_class.from_code(environment, code, globals_, uptodate)
    for layout in layouts:
        if layout is None:  # the sandbox refuses extends without a file name
            continue
        try:
            environment.get_template(layout)
        except TemplateNotFound as err:
            where = " or ".join(f"{display_path(folder)}/" for folder in loader.folders)
            raise SourceError(
                filename,
                f"extends {layout!r}, which is not in {where}; copy it there from leaflet's "
                f"built-in email templates (email/{layout} in its content folder)",
            ) from err
    return template
