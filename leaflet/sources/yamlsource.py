"""Parsed YAML as leaflet holds it: the data, the line of every key and item, and the
file's SHA-256; and field paths written as messages show them (`blocks[3].text`).

Shared by `yamlfile` (reading, validating) and `yamlparse` (PyYAML), which imports
PyYAML and is loaded only when a file must be parsed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Content nests a few levels (blocks, a callout, its bullets); this is far above that.
MAX_DEPTH = 50

Path_ = tuple[str | int, ...]


@dataclass
class YamlSource:
    """Parsed YAML data with the line number (1-based) of every key and list item."""

    path: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    sha256: str = ""  # of the file's bytes: what a document was built from

    def line_of(self, loc: Path_) -> int | None:
        """The line of `loc`, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get(())


def format_loc(loc: Path_) -> str:
    """`("blocks", 3, "text")` -> `blocks[3].text`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
