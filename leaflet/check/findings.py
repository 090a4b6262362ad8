"""Findings: one problem each, with how bad it is and where (file, line and field)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from leaflet.errors import LeafletError, SourceError, display_path
from leaflet.sources.bundled import CONTENT_DIR, LAYOUTS_DIR
from leaflet.sources.content import find_languages, known_treatments
from leaflet.sources.language_folders import documents_in
from leaflet.sources.layout import known_layouts

ERROR, WARNING = "error", "warning"
#: Not a problem: something the check could not do, and why (e.g. no readability
#: formula for a language). Notes are shown, never counted, never made errors.
NOTE = "note"


@dataclass(frozen=True)
class Finding:
    """One problem: how bad, where (file, line, field) and what is wrong."""

    severity: str  # "error", "warning" or "note"
    path: Path | None
    line: int | None
    field: str | None
    message: str

    @property
    def where(self) -> str:
        if self.path is None:
            return ""
        where = display_path(self.path)
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": {self.field}"
        return where

    def sort_key(self) -> tuple[str, int]:
        return (display_path(self.path) if self.path else "", self.line or 0)

    def __str__(self) -> str:
        where = self.where
        return (
            f"{self.severity}: {where}: {self.message}"
            if where
            else f"{self.severity}: {self.message}"
        )


def summary(
    findings: list[Finding],
    content_dir: Path | str | None = None,
    layouts_dir: Path | None = None,
) -> str:
    """`2 errors, 1 warning`, or what was checked when nothing was found."""
    notes = sum(f.severity == NOTE for f in findings)
    noted = f" ({plural(notes, 'note')})" if notes else ""
    if len(findings) == notes:
        documents = count_documents(content_dir)
        layouts = len(known_layouts(layouts_dir or LAYOUTS_DIR))
        return (
            f"no problems found in {plural(documents, 'document')}, 1 brand and "
            f"{plural(layouts, 'layout')}{noted}"
        )
    errors = sum(f.severity == ERROR for f in findings)
    warnings = len(findings) - errors - notes
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}{noted}"


def count_documents(content_dir: Path | str | None = None) -> int:
    folder = Path(content_dir) if content_dir is not None else CONTENT_DIR
    count = 0
    for slug in known_treatments(folder):
        try:
            languages = find_languages(folder / slug)
        except LeafletError:
            continue
        count += sum(len(documents_in(path)) for path in languages.values())
    return count


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def from_error(err: LeafletError, path: Path | None, severity: str = ERROR) -> list[Finding]:
    """Findings for a loader's error; a multi-problem validation error gives one each."""
    if isinstance(err, SourceError):
        return [Finding(severity, err.path, err.line, err.field, err.problem)]
    lines = [line for line in err.message.splitlines() if line.strip()]
    if path is None:
        return [Finding(severity, None, None, None, line) for line in lines]
    # validate() joins SourceError messages: "<path>[:<line>][: <field>]: <problem>"
    pattern = re.compile(
        re.escape(display_path(path))
        + r"(?::(\d+))?: (?:([A-Za-z_][\w-]*(?:\[\d+\]|\.[\w-]+)*): )?(.*)"
    )
    out = []
    for line in lines:
        if match := pattern.fullmatch(line):
            number, field, problem = match.groups()
            out.append(Finding(severity, path, int(number) if number else None, field, problem))
        else:
            out.append(Finding(severity, path, None, None, line))
    return out
