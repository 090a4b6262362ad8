"""The bounded Jinja2 sandbox that content and email templates run in.

Jinja2's sandbox keeps a template away from Python's internals, but not from raw markup
(`| safe`, `{% autoescape false %}`) or from unbounded work (`{{ 'a' * 10**9 }}`, loops
inside loops). Templates here are checked when they are compiled, against what wording
needs, and bounded when they render:

- Only the statements and expressions in `Allowed` are accepted; there are no calls
  (`range()`, methods, macros), includes or autoescape blocks, and only the filters in
  `FILTERS`, none of which makes markup. So a value reaches the page only escaped.
- Content has no loops or assignments, so a render takes time in proportion to the
  template. Email templates may loop (over their attachments), and a render may take
  at most `MAX_STEPS` loop turns and filter calls. They may also extend a layout named
  in quotes (`{% extends "layout.html" %}`) and fill its blocks: the layout is loaded
  by the same environment, so it runs under the same rules.
- `*` and `%` work on numbers only, `**` takes small exponents, and any value or output
  longer than the environment's `max_output` characters is refused.

A refusal at compile time is a `TemplateSyntaxError` naming the line; at render time a
`SecurityError`. The caller adds the file and field.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from leaflet.sources.wording import too_long

#: Jinja2's own filters templates may use: none makes markup or grows text without
#: bound (`safe`, `urlize`, `xmlattr`, `tojson`, `format`, `center`, `indent` are out).
# fmt: off
FILTERS = frozenset({
    "abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float",
    "forceescape", "int", "join", "last", "length", "list", "lower", "map", "max", "min",
    "reject", "rejectattr", "replace", "reverse", "round", "select", "selectattr", "sort",
    "string", "striptags", "sum", "title", "trim", "truncate", "unique", "upper", "wordcount",
})
# fmt: on
#: Loop turns and filter calls one render may take; an email template takes a few dozen.
MAX_STEPS = 10_000
#: The largest exponent `**` takes: enough for any number wording needs.
MAX_EXPONENT = 100

_EXPRESSIONS: tuple[type[nodes.Node], ...] = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.If,
    nodes.Name,
    nodes.Const,
    nodes.Tuple,
    nodes.List,
    nodes.Dict,
    nodes.Pair,
    nodes.Keyword,
    nodes.CondExpr,
    nodes.Filter,
    nodes.Test,
    nodes.Getitem,
    nodes.Getattr,
    nodes.Slice,
    nodes.Concat,
    nodes.Compare,
    nodes.Operand,
    nodes.BinExpr,
    nodes.UnaryExpr,
)
#: What email templates add: loops over their attachments and `{% set %}`.
_LOOPS: tuple[type[nodes.Node], ...] = (
    nodes.For,
    nodes.Assign,
    nodes.AssignBlock,
    nodes.With,
)
#: What email templates add too: one shared layout whose blocks each language fills.
_LAYOUTS: tuple[type[nodes.Node], ...] = (nodes.Extends, nodes.Block)


@dataclass(frozen=True)
class Allowed:
    """What a kind of template may use, and how long its output may grow."""

    what: str  # "content" or "email": names the templates in messages
    loops: bool
    max_output: int
    layouts: bool = False  # {% extends "a file" %} and {% block %}

    @property
    def nodes(self) -> tuple[type[nodes.Node], ...]:
        return _EXPRESSIONS + (_LOOPS if self.loops else ()) + (_LAYOUTS if self.layouts else ())


class _Steps:
    """The loop turns and filter calls left to one render."""

    def __init__(self) -> None:
        self.left = MAX_STEPS

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise SecurityError(
                f"the template takes more than {MAX_STEPS:,} steps (loop turns and "
                "filters); no wording needs that many"
            )


_steps: contextvars.ContextVar[_Steps] = contextvars.ContextVar("leaflet_template_steps")


class BoundedSandbox(SandboxedEnvironment):
    """A sandboxed environment that checks templates against `allowed` when they compile
    and bounds their work and output when they render (see the module docstring)."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, allowed: Allowed, **options: Any) -> None:
        super().__init__(**options)
        self.allowed = allowed
        self.globals.clear()  # range(), lipsum(), namespace()...: nothing to call
        self.filters = {
            name: _bounded_filter(function, allowed.max_output)
            for name, function in self.filters.items()
            if name in FILTERS
        }
        self.filters["_counted"] = _counted
        #: Our own filters, unbounded: what `leaflet.sources.wording` calls itself.
        self.own_filters: dict[str, Callable[..., Any]] = {}

    def add_filter(self, name: str, function: Callable[..., Any]) -> None:
        """Make one of our own filters available, bounded like Jinja2's."""
        self.filters[name] = _bounded_filter(function, self.allowed.max_output)
        self.own_filters[name] = function

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        template = super()._parse(source, name, filename)
        for node in template.find_all(nodes.Node):
            problem = self._refusal(node)
            if problem:  # a scope node has no line of its own
                raise TemplateSyntaxError(problem, node.lineno or 1, name, filename)
            if isinstance(node, nodes.For):  # every loop turn counts against the steps
                counted = nodes.Filter(node.iter, "_counted", [], [], None, None)
                node.iter = counted.set_lineno(node.lineno).set_environment(self)
        return template

    def _refusal(self, node: nodes.Node) -> str | None:
        """Why `node` is not allowed here, or None."""
        what = self.allowed.what
        if isinstance(node, nodes.Filter) and node.name not in self.filters:
            return (
                f"the filter '{node.name}' is not available in {what} templates; "
                f"filters: {', '.join(sorted(n for n in self.filters if n != '_counted'))}"
            )
        if isinstance(node, nodes.For) and node.recursive:
            return f"recursive loops are not available in {what} templates"
        if isinstance(node, nodes.Extends) and not (
            isinstance(node.template, nodes.Const) and isinstance(node.template.value, str)
        ):
            return 'extends takes a file name in quotes, e.g. {% extends "layout.html" %}'
        if not isinstance(node, self.allowed.nodes):
            return f"{_describe(node)} not available in {what} templates"
        return None

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator in {"*", "%"} and not (_is_number(left) and _is_number(right)):
            raise SecurityError(f"'{operator}' works on numbers only in templates")
        if operator == "**" and _is_number(right) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"'**' takes exponents up to {MAX_EXPONENT} in templates")
        result = super().call_binop(context, operator, left, right)
        _check_size(result, self.allowed.max_output)
        return result


def render_bounded(template: Any, context: Mapping[str, Any], max_output: int) -> str:
    """Render `template` with a fresh step budget, refusing output over `max_output`
    characters as soon as it grows past it."""
    token = _steps.set(_Steps())
    try:
        size, parts = 0, []
        for part in template.generate(context):
            size += len(part)
            if size > max_output:
                raise SecurityError(too_long(max_output))
            parts.append(part)
        return "".join(parts)
    finally:
        _steps.reset(token)


def _spend() -> None:
    steps = _steps.get(None)
    if steps is None:  # rendered without render_bounded: bound this call on its own
        steps = _Steps()
        _steps.set(steps)
    steps.spend()


def _counted(iterable: Iterable[Any]) -> Iterator[Any]:
    for item in iterable:
        _spend()
        yield item


def _bounded_filter(function: Callable[..., Any], max_output: int) -> Callable[..., Any]:
    """`function` counting as a step, refusing sizes (`center(10**9)`) and results over
    `max_output`. `functools.wraps` keeps Jinja2's pass-context markers."""

    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _spend()
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and abs(value) > max_output:
                raise SecurityError(f"{value} is larger than any filter here takes")
        result = function(*args, **kwargs)
        _check_size(result, max_output)
        return result

    return bounded


def _check_size(value: Any, limit: int) -> None:
    if isinstance(value, str | list | tuple) and len(value) > limit:
        raise SecurityError(too_long(limit))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _describe(node: nodes.Node) -> str:
    """How a refused node reads in a message."""
    names = {
        nodes.Call: "calls (name(...))",
        nodes.Macro: "macros",
        nodes.CallBlock: "call blocks",
        nodes.FilterBlock: "filter blocks",
        nodes.Include: "includes",
        nodes.Import: "imports",
        nodes.FromImport: "imports",
        nodes.Extends: "extends",
        nodes.Block: "blocks",
        nodes.For: "loops ({% for %})",
        nodes.Assign: "{% set %}",
        nodes.AssignBlock: "{% set %}",
        nodes.With: "{% with %}",
        nodes.Scope: "{% autoescape %}",  # the only statement the parser wraps in a Scope
        nodes.ScopedEvalContextModifier: "{% autoescape %}",
        nodes.EvalContextModifier: "{% autoescape %}",
    }
    for kind, name in names.items():
        if isinstance(node, kind):
            return f"{name} are" if not name.startswith("{%") else f"{name} is"
    return f"{type(node).__name__} is"
