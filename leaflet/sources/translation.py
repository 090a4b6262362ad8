"""A translation keeps its source's structure: the same blocks, ids and facts.

A consent form in Polish must ask exactly the questions the English one asks, with the
same ids (so its fillable fields have the same names) and the same settings in the same
places (so a number a clinic changes changes in every language). So a translation is
compared with its source, block by block: every mapping has the same keys, every list
the same length, every id and option (`style`, `lines`, `qr`...) the same value, and
every piece of wording uses the same template variables. Only the words differ.
"""

from __future__ import annotations

import re
from typing import Any

from leaflet.errors import SourceError, display_path
from leaflet.sources import schema
from leaflet.sources.yamlfile import YamlSource, format_loc

#: Keys whose values are identifiers or options, the same in every language.
SAME_IN_EVERY_LANGUAGE = frozenset({"id", "style"})
#: Meta fields a translation shares with its source.
SHARED_META = ("reference", "kind")
_VARIABLE = re.compile(r"\b(settings|clinic|patient|appointment|treatment|document)\.(\w+)")
WHY = "a translation keeps its source's blocks, ids and settings; only the words differ"

Loc = tuple[str | int, ...]


def check_translation(
    translation: YamlSource,
    source: YamlSource,
    spec: schema.Document,
    source_spec: schema.Document,
) -> None:
    """Raise a `SourceError` at the first place `translation` departs from `source`."""
    for name in SHARED_META:
        ours, theirs = getattr(spec.meta, name), getattr(source_spec.meta, name)
        if ours != theirs:
            _differs(translation, source, ("meta", name), f"{ours!r}", f"{theirs!r}")
    _compare(translation, source, translation.data["blocks"], source.data["blocks"], ("blocks",))


def _compare(translation: YamlSource, source: YamlSource, ours: Any, theirs: Any, loc: Loc) -> None:
    if isinstance(theirs, dict) and isinstance(ours, dict):
        for key in [*theirs, *(k for k in ours if k not in theirs)]:
            if key not in ours:
                raise _error(translation, source, loc + (key,), "missing; the source has it")
            if key not in theirs:
                raise _error(translation, source, loc + (key,), "not in the source")
            _compare(translation, source, ours[key], theirs[key], loc + (key,))
    elif isinstance(theirs, list) and isinstance(ours, list):
        if len(ours) != len(theirs):
            raise _error(
                translation, source, loc, f"{len(ours)} items where the source has {len(theirs)}"
            )
        for index, (mine, its) in enumerate(zip(ours, theirs, strict=True)):
            _compare(translation, source, mine, its, loc + (index,))
    elif (
        isinstance(theirs, str) and isinstance(ours, str) and loc[-1] not in SAME_IN_EVERY_LANGUAGE
    ):
        mine, its = _variables(ours), _variables(theirs)
        if mine != its:
            raise _error(
                translation,
                source,
                loc,
                f"uses {_listed(mine)} where the source uses {_listed(its)}",
            )
    elif ours != theirs or type(ours) is not type(theirs):
        _differs(translation, source, loc, repr(ours), repr(theirs))


def _variables(text: str) -> set[str]:
    return {".".join(match) for match in _VARIABLE.findall(text)}


def _listed(names: set[str]) -> str:
    return ", ".join(sorted(names)) if names else "no variables"


def _differs(translation: YamlSource, source: YamlSource, loc: Loc, ours: str, theirs: str) -> None:
    raise _error(translation, source, loc, f"{ours} where the source has {theirs}")


def _error(translation: YamlSource, source: YamlSource, loc: Loc, problem: str) -> SourceError:
    line = source.line_of(loc)
    where = display_path(source.path) + (f":{line}" if line else "")
    return SourceError(
        translation.path,
        f"{problem} ({where}); {WHY}",
        line=translation.line_of(loc),
        field=format_loc(loc),
    )
