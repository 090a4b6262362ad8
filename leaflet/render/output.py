"""Finished PDFs, and writing files so that nothing half-written is ever left behind.

A file's bytes go to a temporary file in the target's folder, are flushed to disk, and
are then renamed over the target in one step: a crash or Ctrl-C leaves the old file or
none.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm

from leaflet.errors import OutputError


@dataclass(frozen=True)
class RenderedPdf:
    """A finished PDF: its bytes and how many pages it has; for single pages, how far
    each page's text stays above its footer rule (points, as laid out)."""

    data: bytes
    page_count: int
    footer_gaps: tuple[float, ...] = ()

    def collisions(self, least: float) -> list[str]:
        """Pages whose text comes closer than `least` to the footer rule, described."""
        return [
            f"page {number}: body text comes within {gap / mm:.1f} mm of the footer rule "
            f"(it should keep {least / mm:.0f} mm)"
            for number, gap in enumerate(self.footer_gaps, start=1)
            if gap < least
        ]

    def write(self, target: Path | str | BinaryIO) -> None:
        """Write to a path (atomically, via a temporary file) or to a binary stream."""
        if isinstance(target, str | Path):
            write_atomically(target, self.data)
        else:
            target.write(self.data)


def write_atomically(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` via a temporary file and a rename; return the path."""
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        problem = (
            f"{folder} is not a folder" if folder.exists() else (f"folder {folder} does not exist")
        )
        raise OutputError(f"cannot write {path}: {problem}")
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror}") from err
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as err:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise OutputError(f"cannot write {path}: {err.strerror}") from err
        raise
    return path
