"""Finished PDFs, and writing files so that nothing half-written is ever left behind.

A file's bytes go to a temporary file in the target's folder, are flushed to disk, and
are then renamed over the target in one step: a crash or Ctrl-C leaves the old file or
none. Only a file (or a symbolic link, which is replaced, never followed) is replaced:
a device, pipe or socket at the target is refused.

Files holding personal details (a PDF prepared for a patient, an email, a batch's
manifest) are readable by their owner only (mode 0600); other files get the usual mode
the user's umask gives. CSV cells we write never start a spreadsheet formula
(`spreadsheet_safe`).
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm

from leaflet.errors import OutputError, display_path

#: Cells starting with these are formulas to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RenderedPdf:
    """A finished PDF: its bytes, how many pages it has, and whether it holds personal
    details (then `write` makes a file only its owner can read); for single pages, how
    far each page's text stays above its footer rule (points, as laid out)."""

    data: bytes
    page_count: int
    personal: bool = False
    footer_gaps: tuple[float, ...] = ()
    #: What the caller should be told: e.g. that it is not in the language asked for.
    warnings: tuple[str, ...] = ()

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
            write_atomically(target, self.data, private=self.personal)
            return
        try:
            target.write(self.data)
            target.flush()  # so that a full disk or closed pipe shows here, not at exit
        except OSError as err:
            name = getattr(target, "name", None)
            where = "standard output" if name in (None, "<stdout>", 1) else str(name)
            raise OutputError(f"cannot write the PDF to {where}: {_reason(err)}") from err


def write_atomically(path: Path | str, data: bytes, *, private: bool = False) -> Path:
    """Write `data` to `path` via a temporary file and a rename; return the path.

    `private` files are readable by their owner only (0600); others get 0666 less the
    umask, as any new file."""
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        problem = (
            f"{folder} is not a folder" if folder.exists() else (f"folder {folder} does not exist")
        )
        raise OutputError(f"cannot write {path}: {problem}")
    _check_target(path)
    handle, temporary = _create_temporary(path, 0o600 if private else 0o666)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as err:
        temporary.unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise OutputError(f"cannot write {path}: {_reason(err)}") from err
        raise
    return path


def spreadsheet_safe(value: object) -> str:
    """`value` as a CSV cell no spreadsheet runs as a formula: one starting with = + - @
    (or a tab or carriage return) gets a leading apostrophe, as spreadsheets expect."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def refuse_link(path: Path, what: str) -> None:
    """Refuse to read or write `what` (`the send ledger`) through a symbolic link: one
    planted where it belongs would send its contents, or our writes, elsewhere."""
    if path.is_symlink():
        link = Path(display_path(path.parent)) / path.name  # the link, not where it leads
        raise OutputError(
            f"{link}: is a symbolic link; {what} is kept only in a file of its own, never "
            "through a link: remove the link"
        )


def _check_target(path: Path) -> None:
    """Refuse a target that is not a file: replacing a device (as root) would remove it."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        raise OutputError(f"cannot write {path}: {_reason(err)}") from err
    if stat.S_ISDIR(mode):
        raise OutputError(f"cannot write {path}: it is a folder")
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise OutputError(
            f"cannot write {path}: it is a device, pipe or socket, not a file; "
            "leaflet writes only to files"
        )


def _create_temporary(path: Path, mode: int) -> tuple[int, Path]:
    """A new temporary file beside `path`, opened for writing with `mode` (less the
    umask); its name (`.<name>.<random>.part`) tells a later run it is a leftover."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temporary = path.parent / f".{path.name}.{secrets.token_hex(6)}.part"
        try:
            return os.open(temporary, flags, mode), temporary
        except FileExistsError:
            continue
        except OSError as err:
            raise OutputError(f"cannot write {path}: {_reason(err)}") from err
    raise OutputError(f"cannot write {path}: no free name for a temporary file")


def _reason(err: OSError) -> str:
    return err.strerror or str(err)
