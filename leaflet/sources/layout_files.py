"""Which layouts there are, and a layout file's data merged over the layouts it
`extends:`, not validated: what `leaflet list` reads without loading the schema or
ReportLab (`leaflet.sources.layout` builds the layouts themselves)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from leaflet.errors import SourceError
from leaflet.sources.bundled import LAYOUTS_DIR
from leaflet.sources.yamlfile import YamlSource, merged, read_yaml


def known_layouts(layouts_dir: Path = LAYOUTS_DIR) -> list[str]:
    """Names of the layouts in `layouts_dir`, sorted."""
    return sorted(p.stem for p in layouts_dir.glob("*.yaml"))


def read_layout_data(
    name: str, layouts_dir: Path, known: list[str]
) -> tuple[YamlSource, dict[str, Any]]:
    """The layout file and its data merged over the layouts it `extends:`, not yet
    validated (`leaflet list` shows a description without building the schema)."""
    path = layouts_dir / f"{name}.yaml"
    source = read_yaml(path)
    data, seen = dict(source.data), [name]
    while parent := data.pop("extends", None):
        if parent in seen or parent not in known:
            problem = (
                "a loop" if parent in seen else f"not a layout; known layouts: {', '.join(known)}"
            )
            raise SourceError(
                path,
                f"extends {parent!r}, which is {problem}",
                line=source.line_of(("extends",)),
                field="extends",
            )
        seen.append(parent)
        data = merged(read_yaml(layouts_dir / f"{parent}.yaml").data, data)
    return source, data
