"""A content folder's treatments, and a treatment folder's languages: a folder per
language, named by its BCP 47 tag.

`content/<treatment>/en-GB/`, `pl/`, `cy/` each hold the documents in that language. A
folder made before languages holds its documents directly; they are the language their
`meta.language` says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from leaflet.errors import LeafletError, SourceError, display_path
from leaflet.sources.bundled import CONTENT_DIR
from leaflet.sources.documents import DOCUMENTS
from leaflet.sources.languages import is_tag, parse_language
from leaflet.sources.yamlfile import YamlSource, read_yaml

#: The language of documents that do not say, in a folder made before languages.
UNFOLDERED_LANGUAGE = "en-GB"
#: The file that makes a folder of a content folder a treatment.
TREATMENT_FILE = "treatment.yaml"


def known_treatments(content_dir: Path | None = None) -> list[str]:
    """The treatments in a content folder: sub-folders holding a `treatment.yaml`."""
    folder = Path(content_dir) if content_dir is not None else CONTENT_DIR
    return sorted(p.parent.name for p in folder.glob("*/treatment.yaml"))


def find_languages(folder: Path) -> dict[str, Path]:
    """The language folders of a treatment folder, by tag; documents in the folder itself
    (made before languages) are the language their `meta.language` says."""
    languages: dict[str, Path] = {}
    for sub in sorted(path for path in folder.iterdir() if path.is_dir()):
        if not documents_in(sub):
            continue
        try:
            tag = parse_language(sub.name).tag
        except LeafletError as err:
            raise LeafletError(
                f"{display_path(sub)}: a folder of documents is named by its language: "
                f"{err.message}"
            ) from err
        if tag != sub.name:
            raise LeafletError(f"{display_path(sub)}: name the folder {tag}")
        languages[tag] = sub
    if flat := documents_in(folder):
        source = read_yaml(folder / f"{flat[0]}.yaml")
        said = meta_of(source).get("language")
        # A file that does not say is checked when it loads; until then, take English.
        tag = said if isinstance(said, str) and is_tag(said) else UNFOLDERED_LANGUAGE
        if tag in languages:
            raise SourceError(
                source.path,
                f"there is also a {tag} folder; move this file into it",
                line=source.line_of(("meta", "language")),
                field="meta.language",
            )
        languages[tag] = folder
    if not languages:
        raise LeafletError(
            f"{display_path(folder)}: no documents; put them in a folder per language, "
            f"e.g. {display_path(folder / 'en-GB' / 'info.yaml')}"
        )
    return languages


def documents_in(folder: Path) -> list[str]:
    """The documents a language folder holds, by name, in the standard order."""
    return [name for name in DOCUMENTS if (folder / f"{name}.yaml").is_file()]


def first_meta(folder: Path) -> dict[str, Any]:
    """The `meta` mapping, not validated, of the first document in a language folder
    (only `meta` is built: a listing needs no more)."""
    return meta_of(read_yaml(folder / f"{documents_in(folder)[0]}.yaml", only="meta"))


def meta_of(source: YamlSource) -> dict[str, Any]:
    """A document's `meta` mapping as read, not validated; {} when it is not a mapping."""
    meta = source.data.get("meta")
    return meta if isinstance(meta, dict) else {}
