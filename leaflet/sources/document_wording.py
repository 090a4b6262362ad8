"""A document's wording, every piece compiled once as the document loads.

Each string in a document's blocks (but identifiers and options) is a piece of wording
(`leaflet.sources.wording.Wording`). Jinja2's environment is made, and Jinja2 imported,
only if some piece needs it: plain wording is rendered without it.
"""

from __future__ import annotations

from typing import Any

from leaflet.errors import SourceError
from leaflet.sources.wording import Jinja, TemplateProblem, Templates, Wording
from leaflet.sources.yamlfile import YamlSource, format_loc

#: Keys whose values are identifiers or options, never wording.
NOT_WORDING = frozenset({"id", "style"})

Loc = tuple[str | int, ...]


def compile_wording(source: YamlSource, language: str) -> dict[Loc, Wording]:
    """Every piece of wording in `source`'s blocks, by where it is; a piece that does
    not compile is a `SourceError` naming its line and field."""
    templates = Templates(language, lambda: _jinja(language))
    wording: dict[Loc, Wording] = {}

    def compile_all(value: Any, loc: Loc) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in NOT_WORDING:
                    compile_all(item, loc + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                compile_all(item, loc + (index,))
        elif isinstance(value, str):
            try:
                wording[loc] = Wording(value, templates)
            except TemplateProblem as err:
                raise SourceError(
                    source.path, str(err), line=source.line_of(loc), field=format_loc(loc)
                ) from err

    compile_all(source.data["blocks"], ("blocks",))
    return wording


def _jinja(language: str) -> Jinja:
    from leaflet.sources.templating import ContentJinja, make_environment

    return ContentJinja(make_environment(language))
