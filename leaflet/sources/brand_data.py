"""A brand given as data: the brand file's fields as a mapping, its files as bytes.

A multi-clinic service keeps each clinic's brand in its own database, not in files:
`load_brand({"clinic": {...}, "colours": {...}, "logo": png_bytes, "fonts": {"regular":
ttf_bytes, "bold": ttf_bytes}})`. `logo` and the fonts may also be paths (relative to
the working folder, as the data has no folder of its own). The mapping is checked as a
brand file is, its problems named by field (there are no lines).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leaflet.errors import LeafletError
from leaflet.sources.yamlfile import YamlSource, read_yaml, source_from_data

#: What a brand given as data is called in messages.
DATA_LABEL = Path("<brand data>")
#: The fields whose value may be a file's bytes.
FILE_FIELDS = ("logo", "fonts.regular", "fonts.bold")


@dataclass(frozen=True)
class BrandFiles:
    """A brand's fields and where its files are: a folder, or bytes given with the data."""

    path: Path  # the brand file, or DATA_LABEL
    source: YamlSource
    base: Path  # relative paths are relative to this folder
    given: dict[str, bytes] = field(default_factory=dict)  # by FILE_FIELDS name
    origin: Path | Mapping[str, Any] = DATA_LABEL


def brand_files(brand: Path | str | Mapping[str, Any]) -> BrandFiles:
    """The fields and files of a brand file, or of a brand given as data."""
    if not isinstance(brand, Mapping):
        path = Path(brand)
        return BrandFiles(path, read_yaml(path), path.parent, origin=path)
    data = {key: value for key, value in brand.items()}
    given: dict[str, bytes] = {}
    for name in FILE_FIELDS:
        holder, key = (data, name) if "." not in name else _nested(data, name)
        value = holder.get(key) if holder is not None else None
        if isinstance(value, bytes | bytearray | memoryview):
            given[name] = bytes(value)
            holder[key] = f"<{name} bytes>"  # type: ignore[index]
        elif value is not None and not isinstance(value, str | Path):
            raise LeafletError(
                f"{DATA_LABEL}: {name}: expected the file's bytes or its path, not "
                f"{type(value).__name__}"
            )
        elif isinstance(value, Path):
            holder[key] = str(value)  # type: ignore[index]
    source = source_from_data(data, DATA_LABEL)
    return BrandFiles(DATA_LABEL, source, Path.cwd(), given, origin=brand)


def _nested(data: dict[str, Any], name: str) -> tuple[dict[str, Any] | None, str]:
    """The (copied) mapping holding the dotted field `name`, and its key there."""
    outer, key = name.split(".")
    inner = data.get(outer)
    if not isinstance(inner, Mapping):
        return None, key
    data[outer] = dict(inner)
    return data[outer], key
