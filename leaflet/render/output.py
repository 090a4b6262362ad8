"""Finished PDFs, and writing files so that nothing half-written is ever left behind.

A file's bytes go to a temporary file in the target's folder, are flushed to disk, and
are then renamed over the target in one step: a crash or Ctrl-C leaves the old file or
none; `StagedFiles` does this for many files with one flush to disk for all of them,
which can run in a thread while the caller goes on with other work.
Only a file (or a symbolic link, which is replaced, never followed) is replaced: a
device, pipe or socket at the target is refused.

Files holding personal details (a PDF prepared for a patient, an email, a batch's
manifest) are readable by their owner only (mode 0600); other files get the usual mode
the user's umask gives. CSV cells we write never start a spreadsheet formula
(`spreadsheet_safe`).
"""

from __future__ import annotations

import functools
import os
import secrets
import stat
import sys
import threading
from collections.abc import Callable
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
    with StagedFiles(private=private, limit=1) as staged:
        staged.add(path, data)
        staged.sync()
        staged.place(path)
    return path


class StagedFiles:
    """Files written together, each as safely as `write_atomically` writes one, with one
    sync for all of them rather than one per file (a batch's files: an fsync of each
    took 4-7 ms of waiting for the disk, more than building the file).

    `add` writes a file's bytes to a temporary file beside it; `sync` makes every added
    file durable at once (one `syncfs` of their file system on Linux, else, or for one
    file, an fsync of each); `place` then renames one into place. `start_sync` starts
    that sync in a thread, so the caller works on while the disk is written (syncfs and
    fsync release the interpreter); `sync` then waits for it. Leaving the `with` block
    waits for a sync still running and removes the temporary files of those not
    placed, so a failure or Ctrl-C leaves each target as it was or complete, and no
    thread running. At most `limit` files at a time (each holds a file handle until
    `sync`)."""

    def __init__(self, *, private: bool = False, limit: int = 64) -> None:
        self.private = private
        self.limit = limit
        self._staged: dict[Path, tuple[Path, int | None]] = {}  # target: temporary, handle
        self._syncing: threading.Thread | None = None  # `start_sync`'s, until waited for
        self._failed: OSError | None = None  # what the thread's sync raised

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def add(self, path: Path | str, data: bytes) -> None:
        """Write `data` to a temporary file for `path` (not yet durable, nor in place)."""
        path = Path(path)
        if len(self._staged) >= self.limit:
            raise ValueError(f"at most {self.limit} files are staged at a time")
        assert self._syncing is None, "add() before start_sync()"
        _check_folder(path)
        _check_target(path)
        handle, temporary = _create_temporary(path, 0o600 if self.private else 0o666)
        self._staged[path] = (temporary, handle)
        try:
            with os.fdopen(handle, "wb", closefd=False) as stream:
                stream.write(data)
        except OSError as err:
            self._drop(path)
            raise OutputError(f"cannot write {path}: {_reason(err)}") from err

    def start_sync(self) -> None:
        """Start making every added file durable in a thread; `sync` waits for it."""
        assert self._syncing is None, "one sync at a time"
        self._syncing = threading.Thread(
            target=self._sync_in_thread, args=(self._handles(),), name="leaflet-sync"
        )
        self._syncing.start()

    @property
    def synced(self) -> bool:
        """Whether the sync `start_sync` started has returned (`sync` will not wait)."""
        return self._syncing is not None and not self._syncing.is_alive()

    def sync(self) -> None:
        """Make every added file's bytes durable, or wait for `start_sync`'s thread to
        (before any is renamed into place, so a crash never leaves a target holding a
        file the disk has not got)."""
        try:
            if self._syncing is None:
                _make_durable(self._handles())
            else:
                self._wait()
                if self._failed is not None:
                    raise self._failed
        except OSError as err:
            paths = list(self._staged)
            what = paths[0] if len(paths) == 1 else f"{len(paths)} files in {paths[0].parent}"
            raise OutputError(f"cannot write {what}: {_reason(err)}") from err
        finally:
            try:
                self._wait()  # the thread uses the handles until it returns
            finally:
                for path, (temporary, still_open) in self._staged.items():
                    if still_open is not None:
                        os.close(still_open)
                        self._staged[path] = (temporary, None)

    def place(self, path: Path | str) -> None:
        """Rename the synced file for `path` into place."""
        path = Path(path)
        temporary, handle = self._staged.pop(path)
        assert handle is None, "sync() before place()"
        try:
            os.replace(temporary, path)
        except BaseException as err:
            temporary.unlink(missing_ok=True)
            if isinstance(err, OSError):
                raise OutputError(f"cannot write {path}: {_reason(err)}") from err
            raise

    def discard(self) -> None:
        """Remove the temporary files of every file not placed (once a sync started in
        a thread has returned)."""
        try:
            self._wait()
        finally:
            for path in list(self._staged):
                self._drop(path)

    def _handles(self) -> list[int]:
        return [handle for _, handle in self._staged.values() if handle is not None]

    def _sync_in_thread(self, handles: list[int]) -> None:
        try:
            _make_durable(handles)
        except OSError as err:  # raised by `sync`, in the caller's thread
            self._failed = err

    def _wait(self) -> None:
        """Wait for the sync running in a thread, if any, to return. A Ctrl-C meanwhile
        is raised once it has (a sync in this thread could not be interrupted either):
        its file handles must stay open until then, and no thread may outlive a stop."""
        if self._syncing is None:
            return
        interrupted: KeyboardInterrupt | None = None
        while self._syncing.is_alive():
            try:
                self._syncing.join()
            except KeyboardInterrupt as err:
                interrupted = err
        self._syncing = None
        if interrupted is not None:
            raise interrupted

    def _drop(self, path: Path) -> None:
        temporary, handle = self._staged.pop(path)
        if handle is not None:
            os.close(handle)
        temporary.unlink(missing_ok=True)


def _make_durable(handles: list[int]) -> None:
    """Flush the files open as `handles` to disk: one syncfs of their file system for
    several, else an fsync of each."""
    if len(handles) == 1 or not _sync_file_systems(handles):
        for handle in handles:
            os.fsync(handle)


def _sync_file_systems(handles: list[int]) -> bool:
    """Flush the file systems holding `handles` with one `syncfs` each (Linux); False
    where there is no syncfs (the caller fsyncs each file)."""
    syncfs = _syncfs()
    if syncfs is None:
        return False
    devices: dict[int, int] = {}
    for handle in handles:
        devices.setdefault(os.fstat(handle).st_dev, handle)
    for handle in devices.values():
        if syncfs(handle) != 0:
            import ctypes

            number = ctypes.get_errno()
            raise OSError(number, os.strerror(number))
    return True


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    return getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)


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


def _check_folder(path: Path) -> None:
    folder = path.parent
    if not folder.is_dir():
        problem = (
            f"{folder} is not a folder" if folder.exists() else (f"folder {folder} does not exist")
        )
        raise OutputError(f"cannot write {path}: {problem}")


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


def remove_temporaries(folder: Path, pattern: str = "*.pdf") -> None:
    """Remove the temporary files in `folder` of files named like `pattern` that a
    stopped writer left there (see `_create_temporary`)."""
    for leftover in folder.glob(f".{pattern}.*.part"):
        leftover.unlink(missing_ok=True)


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
