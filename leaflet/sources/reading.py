"""Reading the files a user points us at: regular files only, and no larger than any real one.

A path given on the command line or in a brand or content file may name a device
(`/dev/zero` never ends), a pipe (opening it waits for a writer) or a file far larger
than any leaflet source. Each would hang a run or exhaust memory, so files are opened
without blocking, checked to be regular files, and read up to a limit set per kind of
file well above any real one. `UnreadableFile` says what is wrong; callers add where.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MB = 1024 * 1024


class UnreadableFile(Exception):
    """A file that cannot be read as asked; the message says why, without the path."""


def read_limited(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file at `path`, refusing devices, pipes, folders and
    files over `limit` bytes."""
    try:
        # Non-blocking, so that opening a pipe does not wait for a writer; a regular
        # file reads the same either way.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError as err:
        raise UnreadableFile("file not found") from err
    except IsADirectoryError as err:
        raise UnreadableFile("is a folder, not a file") from err
    except OSError as err:
        raise UnreadableFile(f"cannot read: {err.strerror}") from err
    with os.fdopen(handle, "rb") as stream:
        mode = os.fstat(handle).st_mode
        if stat.S_ISDIR(mode):
            raise UnreadableFile("is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise UnreadableFile("is not a regular file (a device, pipe or socket)")
        try:
            data = stream.read(limit + 1)
        except OSError as err:
            raise UnreadableFile(f"cannot read: {err.strerror}") from err
    if len(data) > limit:
        raise UnreadableFile(f"larger than {describe_size(limit)}, far more than this file needs")
    return data


def describe_size(size: int) -> str:
    """`1048576` -> `1 MB`; `300` -> `300 bytes`."""
    if size >= MB:
        return f"{size / MB:g} MB"
    if size >= 1024:
        return f"{size / 1024:g} KB"
    return f"{size} bytes"
