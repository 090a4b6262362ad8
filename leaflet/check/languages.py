"""Checking what languages add: translations against their sources' versions, strings
files, and the email templates of each language."""

from __future__ import annotations

import re
from pathlib import Path

from leaflet.check.findings import ERROR, WARNING, Finding, from_error
from leaflet.errors import LeafletError
from leaflet.sources.content import ContentDocument
from leaflet.sources.strings import CLINIC_STRINGS, load_strings

_HTML_LANG = re.compile(r"<html\b[^>]*\blang=\"([^\"]*)\"", re.I)


def check_translated_version(document: ContentDocument, findings: list[Finding]) -> None:
    """A warning when the source's version is not the one the translation translates."""
    source = document.meta.source_of_translation
    if source is None or document.original is None:
        return
    language, version = source
    current = document.original.meta.version
    if current == version:
        return
    newer = "newer" if _version_key(current) > _version_key(version) else "different"
    loc = ("meta", "translates")
    findings.append(
        Finding(
            WARNING,
            document.path,
            document.source.line_of(loc),
            "meta.translates",
            f"this translates {language} version {version}, but {document.original.path.name} "
            f"in {language} is now version {current} ({newer}); bring the translation up to "
            f"date, then write translates: {language} {current}",
        )
    )


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def check_strings(content_dir: Path, findings: list[Finding]) -> None:
    """Every strings file of the content folder, laid over the package's: each key it
    lacks (for a language the package has no strings for) or gets wrong is an error."""
    folder = content_dir / CLINIC_STRINGS
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.yaml")):
        try:
            load_strings(path.stem, content_dir)
        except LeafletError as err:
            findings += from_error(err, path)


def check_html_language(html: str, language: str, path: Path) -> Finding | None:
    """An error when the HTML email does not declare its language as `lang`."""
    match = _HTML_LANG.search(html)
    if match and match[1] == language:
        return None
    said = f'says lang="{match[1]}"' if match else "has no lang attribute"
    return Finding(
        ERROR,
        path,
        None,
        None,
        f'<html> {said}; write <html lang="{{{{ language }}}}"> so mail programs and screen '
        f"readers know it is {language}",
    )
