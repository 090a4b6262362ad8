"""The words around the content, in the document's language: labels, footer, About box.

The package ships one strings file per language (`resources/strings/<tag>.yaml`); a
clinic changes any of its keys in `<content folder>/strings/<tag>.yaml`. A request for
`en-GB` finds `en-GB.yaml`, else `en.yaml` (RFC 4647 lookup). A language the package has
no file for needs a complete clinic file: a missing key is an error naming the file and
the key. Dates, times and numbers are written as CLDR says the language writes them.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leaflet.errors import LeafletError
from leaflet.sources import dates, schema
from leaflet.sources.bundled import RESOURCES_DIR
from leaflet.sources.languages import Language, match_language, parse_language
from leaflet.sources.yamlfile import YamlSource, merged, read_yaml, validate

STRINGS_DIR = RESOURCES_DIR / "strings"
#: The folder of a clinic's own strings, in its content folder.
CLINIC_STRINGS = "strings"


@dataclass(frozen=True)
class Strings:
    """The words of one language, and how it writes dates, times and numbers."""

    language: Language
    words: schema.Strings
    files: tuple[Path, ...]  # the package's file and the clinic's, when there is one
    digest: str  # SHA-256 of those files: part of a document's fingerprint

    @property
    def tag(self) -> str:
        return self.language.tag

    def text(self, template: str, **values: Any) -> str:
        """A plain-text string with its values filled in: `Page 2 of 4`."""
        return template.format_map({key: str(value) for key, value in values.items()})

    def markup(self, template: str, **values: Any) -> str:
        """Paragraph markup: the words escaped, `**bold**` made bold, values escaped."""
        # Imported here: `leaflet list` reads strings without Jinja2 (see test_startup).
        from leaflet.sources.wording import author_markup, plain

        return author_markup(template).format_map(
            {key: plain(str(value)) for key, value in values.items()}
        )

    def date(self, day: dt.date, weekday: bool = False) -> str:
        return dates.format_date(day, self.tag, weekday)

    def number(self, value: int | float) -> str:
        return dates.format_number(value, self.tag)


def load_strings(language: str, content_dir: Path | str | None = None) -> Strings:
    """The strings of `language`: the package's, with the clinic's own keys (from the
    content folder `content_dir`) laid over them."""
    lang = parse_language(language)
    package = _lookup(STRINGS_DIR, lang.tag)
    clinic = _lookup(Path(content_dir) / CLINIC_STRINGS, lang.tag) if content_dir else None
    if package is None and clinic is None:
        folder = Path(content_dir) / CLINIC_STRINGS if content_dir else "<content folder>/strings"
        raise LeafletError(
            f"no strings for {lang.name} ({lang.tag}): add {folder}/{lang.tag}.yaml, a "
            f"translation of {STRINGS_DIR / 'en.yaml'} (the words around the content: "
            "labels, footer, About box)"
        )
    files = tuple(path for path in (package, clinic) if path is not None)
    return _load(lang, files, tuple(_stamp(path) for path in files))


def _lookup(folder: Path, tag: str) -> Path | None:
    if not folder.is_dir():
        return None
    found = match_language(tag, [path.stem for path in folder.glob("*.yaml")])
    return folder / f"{found}.yaml" if found else None


def _stamp(path: Path) -> tuple[int, int]:
    """What changes when a file is edited: loaded strings are kept until then."""
    status = path.stat()
    return status.st_mtime_ns, status.st_size


@functools.lru_cache(maxsize=32)
def _load(language: Language, files: tuple[Path, ...], stamps: tuple[Any, ...]) -> Strings:
    sources = [read_yaml(path) for path in files]
    data: dict[str, Any] = {}
    for source in sources:
        if isinstance(source.data, dict):
            data = merged(data, source.data)
    # The last file is the one a problem is in: the package's own files are complete.
    words: schema.Strings = validate(
        "Strings", YamlSource(sources[-1].path, data, sources[-1].lines)
    )
    digest = hashlib.sha256("".join(source.sha256 for source in sources).encode()).hexdigest()
    return Strings(language, words, files, digest)
