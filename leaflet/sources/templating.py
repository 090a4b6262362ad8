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

Content wording (`Wording`) is compiled here only when it is more than text with values
put in: `leaflet.sources.wording` renders the rest, as this environment would, without
importing Jinja2.
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

from leaflet.errors import SourceError, display_path
from leaflet.sources.languages import parse_language
from leaflet.sources.reading import MB, UnreadableFile, read_limited
from leaflet.sources.sandbox import Allowed, BoundedSandbox, render_bounded
from leaflet.sources.spelling import did_you_mean
from leaflet.sources.wording import (
    MAX_TEXT,
    Namespace,
    TemplateProblem,
    Templates,
    author_markup,
    make_plural,
    plain,
)
from leaflet.sources.wording import Wording as PlainWording

# With the names `leaflet.sources.wording` holds, which were this module's before it
# rendered plain wording without Jinja2.
__all__ = [
    "CONTENT",
    "EMAIL",
    "MAX_EMAIL",
    "MAX_TEMPLATE_BYTES",
    "MAX_TEXT",
    "BoundedLoader",
    "ContentJinja",
    "Namespace",
    "TemplateProblem",
    "Templates",
    "Wording",
    "author_markup",
    "email_template",
    "make_email_environment",
    "make_environment",
    "make_plural",
    "plain",
]

#: The most an email template may render to (the built-in HTML body is about 4,000).
MAX_EMAIL = 100_000
#: The largest email template file read: a link to /dev/zero is refused, not read until
#: memory runs out.
MAX_TEMPLATE_BYTES = MB
CONTENT = Allowed("content", loops=False, max_output=MAX_TEXT)
EMAIL = Allowed("email", loops=True, max_output=MAX_EMAIL, layouts=True)


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


#: The message of an undefined name that is not in a group: `{{ setings.x }}`.
_UNDEFINED_NAME = re.compile(r"undefined variable '([^'.]+)'")


class ContentJinja:
    """Content wording compiled and rendered in `environment` (`make_environment`), for
    `leaflet.sources.wording`: what goes wrong is a `TemplateProblem`."""

    def __init__(self, environment: BoundedSandbox) -> None:
        self.environment = environment

    def compile(self, source: str) -> Template:
        try:
            return self.environment.from_string(source)
        except TemplateSyntaxError as err:
            raise TemplateProblem(f"template error: {err.message}") from err

    def render(self, template: Template, context: Mapping[str, Any]) -> str:
        try:
            return render_bounded(template, context, MAX_TEXT)
        except Exception as err:  # undefined names and sandbox refusals alike
            message = getattr(err, "message", None) or str(err)
            top = _UNDEFINED_NAME.fullmatch(message)  # a misspelt group, e.g. setings
            if top and (hint := did_you_mean(top[1], context)):
                message += f" ({hint})"
            raise TemplateProblem(message) from err


def content_templates(environment: BoundedSandbox) -> Templates:
    """The templates of wording compiled in `environment`, made already."""
    jinja = ContentJinja(environment)
    return Templates("", lambda: jinja, plural=environment.own_filters["plural"])


class Wording(PlainWording):
    """`leaflet.sources.wording.Wording`, given the environment it compiles in."""

    __slots__ = ()

    def __init__(self, source: str, environment: BoundedSandbox | Templates) -> None:
        if not isinstance(environment, Templates):
            environment = content_templates(environment)
        super().__init__(source, environment)


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
