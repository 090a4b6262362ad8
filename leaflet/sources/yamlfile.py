"""Reading YAML files into typed models, with every problem located by file, line and field.

Content, brand and layout files all come through here: PyYAML parses the text once into
plain data plus a map from field path to line number (`yamlparse`; where the command
line keeps the validated-content cache, a file parsed before comes back from there,
keyed by its bytes, without importing PyYAML), and pydantic validates the data
against a schema from `schema` (imported on first use: `leaflet list` reads files
without validating them). Errors name the file, the line and a readable field
path (`blocks[3].checklist.items[0].text`) and say what is valid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from leaflet.errors import LeafletError, SourceError
from leaflet.sources.reading import MB, UnreadableFile, read_limited
from leaflet.sources.yamlsource import MAX_DEPTH as MAX_DEPTH  # their home; here too
from leaflet.sources.yamlsource import Path_ as Path_
from leaflet.sources.yamlsource import YamlSource as YamlSource
from leaflet.sources.yamlsource import format_loc as format_loc

if TYPE_CHECKING:
    import pydantic
    from pydantic_core import ErrorDetails

#: Far above any leaflet source (the built-in consent form is about 20 KB).
MAX_BYTES = 1 * MB
Model = TypeVar("Model", bound="pydantic.BaseModel")


def read_yaml(path: Path, only: str | None = None) -> YamlSource:
    """Parse a YAML file whose top level is a mapping; malformed YAML names file and line.

    With `only`, the data holds just that top-level key (a listing shows a few fields of
    files it need not build whole): the file is still read and parsed as a whole, but
    the rest is neither built nor checked for aliases and duplicate keys."""
    try:
        raw = read_limited(path, MAX_BYTES)
        text = raw.decode("utf-8")
    except UnreadableFile as err:
        raise SourceError(path, str(err)) from err
    except UnicodeDecodeError as err:
        raise SourceError(path, f"not UTF-8 text ({err.reason} at byte {err.start})") from err
    from leaflet.sources import validated

    # Where the command line keeps the validated-content cache, a file parsed before (the
    # same bytes: keyed by content, never by date) comes back from it without PyYAML.
    # Only a file that parsed is kept, so every error is still the parser's.
    cache = validated.active()
    sha256 = hashlib.sha256(raw).hexdigest()
    key = cache.parsed_key(sha256, only) if cache is not None else None
    if cache is not None and key is not None:
        found = _from_entry(cache.get(key), path, sha256)
        if found is not None:
            return found
    source = parse_yaml(text, path, only, sha256)  # the bytes are hashed once
    if cache is not None and key is not None:
        lines = [[list(loc), line] for loc, line in source.lines.items()]
        cache.keep(key, {"data": source.data, "lines": lines})
    return source


def _from_entry(entry: Any, path: Path, sha256: str) -> YamlSource | None:
    """A parsed file as the cache kept it, or None for an entry not of that shape."""
    try:
        lines = {tuple(loc): line for loc, line in entry["lines"]}
        data = entry["data"]
    except (TypeError, KeyError, ValueError):
        return None
    if not isinstance(data, dict) or not all(type(line) is int for line in lines.values()):
        return None
    return YamlSource(path, data, lines, sha256)


def source_from_data(data: Mapping[str, Any], label: Path) -> YamlSource:
    """Data given as a mapping (a caller's, not a file's), checked as YAML would be and
    copied, so that the caller changing it later changes nothing here. `label` names it
    in messages; its SHA-256 is of its canonical JSON."""
    import json  # only for data given as a mapping

    copied = _plain(data, label, ())
    text = json.dumps(copied, sort_keys=True, ensure_ascii=False, default=str)
    if len(text) > MAX_BYTES:
        raise SourceError(label, f"larger than {MAX_BYTES // MB} MB, far more than it needs")
    return YamlSource(label, copied, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def _plain(value: Any, label: Path, loc: Path_) -> Any:
    """`value` as plain data (dicts, lists, text, numbers, dates), or a `SourceError`."""
    if len(loc) > MAX_DEPTH:
        raise SourceError(label, f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise SourceError(label, f"key {key!r} is not text", field=format_loc(loc) or None)
        return {key: _plain(item, label, (*loc, key)) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item, label, (*loc, index)) for index, item in enumerate(value)]
    if value is None or isinstance(value, str | int | float | bool | dt.date):
        return value
    raise SourceError(
        label,
        f"{type(value).__name__} is not a value a file could hold (text, numbers, dates, "
        "lists and mappings)",
        field=format_loc(loc) or None,
    )


def parse_yaml(
    text: str, path: Path, only: str | None = None, sha256: str | None = None
) -> YamlSource:
    """`read_yaml` for text in hand; `path` names it in messages; `sha256` of the text's
    UTF-8 bytes if known (else worked out here)."""
    from leaflet.sources.yamlparse import parse  # PyYAML, only for a file not read before

    return parse(text, path, only, sha256)


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` laid over `base`, key by key, at every depth (a layout over the one it
    extends, a clinic's strings over the package's)."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


@typing.overload
def validate(
    model: type[Model], source: YamlSource, data: Any = None, *, cached: bool = True
) -> Model: ...
@typing.overload
def validate(model: str, source: YamlSource, data: Any = None, *, cached: bool = True) -> Any: ...
def validate(
    model: type[Model] | str, source: YamlSource, data: Any = None, *, cached: bool = True
) -> Any:
    """Validate `source.data` (or `data`) against `model` (a class, or the name of one in
    `schema`), reporting every problem found.

    Where the command line keeps a validated-content cache (`validated`), data it has
    validated before comes back from there as plain objects, without pydantic; with
    `cached` False (data holding personal details), it is neither looked up nor kept."""
    from leaflet.sources import validated

    value = source.data if data is None else data
    name = model if isinstance(model, str) else model.__name__
    cache = validated.active() if cached else None
    key = cache.key(name, value) if cache is not None else None
    if cache is not None and key is not None:
        found = cache.get(key)
        if found is not None:
            return found
    import pydantic

    if isinstance(model, str):
        from leaflet.sources import schema

        cls: type[pydantic.BaseModel] = getattr(schema, model)
    else:
        cls = model
    try:
        result = cls.model_validate(value)
    except pydantic.ValidationError as err:
        problems = [_describe(cls, source, error) for error in err.errors()]
        if len(problems) == 1:
            raise problems[0] from err
        raise LeafletError("\n".join(p.message for p in problems)) from err
    if cache is not None and key is not None:
        cache.put(key, result)
    return result


def _describe(
    model: type[pydantic.BaseModel], source: YamlSource, error: ErrorDetails
) -> SourceError:
    loc = _clean_loc(error["loc"])
    kind = error["type"]
    if kind == "missing":
        problem = "required field is missing"
    elif kind == "extra_forbidden":
        fields = _fields_at(model, loc[:-1])
        from leaflet.sources.spelling import did_you_mean  # only for a misspelt field

        hint = did_you_mean(str(loc[-1]), fields)
        problem = f"unknown field {loc[-1]!r}" + (f" ({hint})" if hint else "")
        problem += f"; valid fields here: {', '.join(fields)}"
    elif kind in {"string_type", "string_sub_type"}:
        problem = "expected text (put numbers and dates in quotes)"
    elif kind in {"int_type", "int_parsing", "int_from_float"}:
        problem = "expected a whole number"
    elif kind in {"float_type", "float_parsing"}:
        problem = "expected a number"
    elif kind.startswith("date"):
        problem = "expected a date written as YYYY-MM-DD, e.g. 2026-11-01"
    elif kind in {"list_type"}:
        problem = "expected a list (lines starting with '- ')"
    elif kind in {"model_type", "dict_type", "model_attributes_type"}:
        problem = "expected a mapping (key: value lines)"
    elif kind == "bool_type" or kind == "bool_parsing":
        problem = "expected true or false"
    elif kind == "too_short":
        problem = "must not be empty"
    elif kind == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        problem = f"longer than {limit} characters, the most this field takes"
    else:
        problem = error["msg"].removeprefix("Value error, ")
    return SourceError(
        source.path, problem, line=source.line_of(loc), field=format_loc(loc) or None
    )


def _clean_loc(loc: Path_) -> Path_:
    """Drop the tag pydantic repeats for tagged unions (blocks.3.heading.heading)."""
    out: list[str | int] = []
    for part in loc:
        if out and part == out[-1] and isinstance(part, str):
            continue
        out.append(part)
    return tuple(out)


def _fields_at(model: type[pydantic.BaseModel], loc: Path_) -> list[str]:
    """The field names valid at `loc` inside `model`, by following annotations."""
    candidates: list[type[pydantic.BaseModel]] = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        owners = [c for c in candidates if part in c.model_fields]
        candidates = [m for c in owners for m in _models_in(c.model_fields[part].annotation)]
    names = [name for c in candidates for name in c.model_fields]
    return sorted(dict.fromkeys(names))


def _models_in(annotation: Any) -> list[type[pydantic.BaseModel]]:
    import pydantic

    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin is dict:
        return _models_in(typing.get_args(annotation)[1])
    if origin in (list, tuple, typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]
    return []
