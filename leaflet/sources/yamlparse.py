"""Parsing YAML text: PyYAML's safe loader, refusing aliases, keys that are not plain
text, duplicate keys and deep nesting, with the line of every key and item recorded.

Its own module so that `leaflet.sources.yamlfile` imports PyYAML only when a file is
parsed: a file read before comes back from the validated-content cache without it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from leaflet.errors import SourceError
from leaflet.sources.yamlsource import MAX_DEPTH, Path_, YamlSource, format_loc

try:  # the C parser is several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _Loader(_BaseLoader):
    """PyYAML's safe loader, with impossible dates reported at their line."""


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as err:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a real date ({err})", node.start_mark
        ) from err


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def parse(text: str, path: Path, only: str | None = None, sha256: str | None = None) -> YamlSource:
    """`parse_yaml`: the text parsed, its lines recorded. `sha256`, of the text's UTF-8
    bytes, when the caller has worked it out already."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SourceError(path, "the file is empty; expected a YAML mapping", line=1)
        if only is not None and isinstance(node, yaml.MappingNode):
            pairs = [
                (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == only
            ]
            node = yaml.MappingNode(node.tag, pairs, node.start_mark, node.end_mark)
        source = YamlSource(
            path, None, sha256=sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
        )
        _record_lines(node, (), source, set())
        source.data = loader.construct_document(node)
    except _AliasFound:
        problem = "YAML aliases (*name) are not allowed: write the value out in full"
        raise SourceError(path, problem, line=_first_alias_line(text)) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = err.problem or err.context or "malformed YAML"
        raise SourceError(
            path, f"malformed YAML: {problem}", line=mark.line + 1 if mark else None
        ) from err
    except yaml.YAMLError as err:
        raise SourceError(path, f"malformed YAML: {err}") from err
    finally:
        loader.dispose()
    if not isinstance(source.data, dict):
        raise SourceError(
            path, "expected a YAML mapping (key: value lines) at the top level", line=1
        )
    return source


def _record_lines(node: yaml.Node, loc: Path_, source: YamlSource, seen: set[int]) -> None:
    """Record the line of every key and item under `node`, refusing aliases, keys that
    are not plain text, duplicate keys and nesting deeper than MAX_DEPTH."""
    if id(node) in seen:  # the composer gives an alias the very node it names
        raise _AliasFound
    seen.add(id(node))
    if len(loc) > MAX_DEPTH:
        raise SourceError(
            source.path, f"nested more than {MAX_DEPTH} levels deep", line=node.start_mark.line + 1
        )
    source.lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            where = format_loc(loc) or None
            if not isinstance(key_node, yaml.ScalarNode):
                problem = "a key must be plain text, not a list or mapping"
                raise SourceError(source.path, problem, line=line, field=where)
            key = key_node.value
            if key in keys:
                raise SourceError(source.path, f"duplicate key {key!r}", line=line, field=where)
            keys.add(key)
            source.lines[loc + (key,)] = line
            _record_lines(value_node, loc + (key,), source, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, loc + (index,), source, seen)


class _AliasFound(Exception):
    """The file uses an alias; `read_yaml` finds its line."""


def _first_alias_line(text: str) -> int | None:
    """The line of the first alias in `text` (events do not expand aliases, so this
    takes time in proportion to the text)."""
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark.line + 1 if event.start_mark else None
    return None
