"""The manifest of a batch's output folder: every file built, and what it was built from.

`manifest.csv` lists, per file: appointment id, document, language, path, pages, bytes,
SHA-256, content reference and version, and a hash of the inputs. It gains a line as each
file is finished, so an interrupted run loses nothing it finished; at the end it is
rewritten in appointment order. A later run skips every file the manifest shows was built
from the same inputs and is unchanged.

A manifest written before the language column reads as before, its files' language
unknown (empty) until a run fills it in: the language is not what decides whether a file
is still good (the inputs' hash covers it), so resuming is unchanged.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TextIO

from leaflet.render.output import spreadsheet_safe, write_atomically
from leaflet.sources.content import DOCUMENTS

MANIFEST_NAME = "manifest.csv"


def output_name(appointment_id: str, document: str) -> str:
    """The file a document is written to: `A1023-consent.pdf`."""
    return f"{appointment_id}-{document}.pdf"


@dataclass(frozen=True)
class ManifestEntry:
    """One file the batch made, as listed in the manifest."""

    appointment_id: str
    document: str
    language: str  # the content's tag, e.g. pl; empty in a manifest from before it
    path: str  # relative to the output folder
    pages: int
    bytes: int
    sha256: str
    reference: str
    version: str
    inputs: str  # hash of everything the file was made from


MANIFEST_COLUMNS = tuple(item.name for item in fields(ManifestEntry))
#: Columns a manifest from an older leaflet may lack, and the value they then have.
OPTIONAL_COLUMNS = {"language": ""}


def read_manifest(out_dir: Path | str) -> dict[tuple[str, str], ManifestEntry]:
    """The manifest of a batch output folder, by (appointment id, document); lines that
    do not parse (the last line of a run that was killed while writing it) are left out."""
    path = Path(out_dir) / MANIFEST_NAME
    entries: dict[tuple[str, str], ManifestEntry] = {}
    if not path.is_file():
        return entries
    with path.open(newline="", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            if entry := _entry(row):
                entries[entry.appointment_id, entry.document] = entry
    return entries


def _entry(row: dict[str | Any, str | Any]) -> ManifestEntry | None:
    """The manifest entry on a line, or None for a line cut short or with extra cells."""
    values = [row.get(name, OPTIONAL_COLUMNS.get(name)) for name in MANIFEST_COLUMNS]
    if None in row or not all(isinstance(value, str) for value in values):
        return None
    texts: dict[str, Any] = dict(zip(MANIFEST_COLUMNS, values, strict=True))
    try:
        return ManifestEntry(
            **{**texts, "pages": int(texts["pages"]), "bytes": int(texts["bytes"])}
        )
    except ValueError:
        return None


class Manifest:
    """The manifest file: kept entries first, then a line per file as it is finished."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / MANIFEST_NAME
        self.entries = read_manifest(out_dir)
        self._stream: TextIO | None = None

    def still_valid(self, key: tuple[str, str], inputs: str) -> ManifestEntry | None:
        """The entry for `key` (appointment id, document) when its file is there,
        unchanged, and was made from the same `inputs`."""
        entry = self.entries.get(key)
        if entry is None or entry.inputs != inputs:
            return None
        try:
            data = (self.out_dir / entry.path).read_bytes()
        except OSError:
            return None
        return entry if hashlib.sha256(data).hexdigest() == entry.sha256 else None

    def start(self, keep: Sequence[ManifestEntry], batch: set[tuple[str, str]]) -> None:
        """Rewrite the manifest with the entries still true, then append as files finish.

        Files made for appointments not in this batch stay listed while they exist."""
        others = [
            entry
            for key, entry in self.entries.items()
            if key not in batch and (self.out_dir / entry.path).is_file()
        ]
        self.entries = {(e.appointment_id, e.document): e for e in [*others, *keep]}
        self._write(list(self.entries.values()))
        self._stream = self.path.open("a", newline="", encoding="utf-8")
        self._writer = csv.writer(self._stream, lineterminator="\n")

    def add(self, entry: ManifestEntry) -> None:
        self.entries[entry.appointment_id, entry.document] = entry
        assert self._stream is not None, "start() opens the manifest for appending"
        self._writer.writerow(_cells(entry))
        self._stream.flush()

    def close(self, order: Sequence[tuple[str, str]]) -> None:
        """Rewrite the manifest in appointment order (the batch's, then any others)."""
        if self._stream is None:
            return
        self._stream.close()
        rank = {key: index for index, key in enumerate(order)}
        ordered = sorted(
            self.entries.values(),
            key=lambda e: (
                rank.get((e.appointment_id, e.document), len(rank)),
                e.appointment_id,
                DOCUMENTS.index(e.document) if e.document in DOCUMENTS else 0,
            ),
        )
        self._write(ordered)

    def _write(self, entries: list[ManifestEntry]) -> None:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(MANIFEST_COLUMNS)
        for entry in entries:
            writer.writerow(_cells(entry))
        # Appointment ids and a hash of each patient's details: readable by the owner only.
        write_atomically(self.path, text.getvalue().encode("utf-8"), private=True)


def _cells(entry: ManifestEntry) -> list[str]:
    """The manifest line of `entry`, no cell of which a spreadsheet runs as a formula."""
    return [spreadsheet_safe(getattr(entry, name)) for name in MANIFEST_COLUMNS]
