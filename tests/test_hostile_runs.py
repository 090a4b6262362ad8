"""Killed runs, full disks, leaked health data: how batches and emails fail safely.

Each test reproduces one attack or fault from issue 18: the batch's main process killed
with SIGKILL, an email run killed while a message was being handed over, a disk that
fills up, special files and symbolic links where our files go, files readable by others.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from conftest import PINNED_MAIN

HEADER = "appointment_id,patient_name,date_of_birth,email,treatment,appointment,practitioner"
Found = TypeVar("Found")


def write_day(folder: Path, count: int) -> Path:
    """A CSV export of `count` appointments."""
    rows = [
        f"A{index:03d},Ann Lee {index},1980-01-0{index % 9 + 1},ann{index}@example.org,"
        "microneedling,2026-12-01T10:30,Dr Sam Lee"
        for index in range(count)
    ]
    path = folder / "day.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def poll(find: Callable[[], Found | None], seconds: float) -> Found | None:
    """`find()`'s first true result, asked every 20 ms for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := find():
            return found
        time.sleep(0.02)
    return find()


# --- High 3: workers of a killed batch ----------------------------------------------------


def children_of(pid: int) -> dict[int, str]:
    """The processes whose parent is `pid`, with their command lines (from /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found[int(entry.name)] = command
    return found


def running(pid: int) -> bool:
    """Whether `pid` is still running (a zombie waiting to be reaped has exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads /proc (Linux)")
def test_workers_exit_when_the_batch_is_killed(tmp_path):
    """SIGKILL of `leaflet batch` (which it cannot catch) used to leave both workers and
    multiprocessing's resource tracker running, about 80 MB each, waiting for work."""
    day = write_day(tmp_path, 60)
    command = [sys.executable, "-c", PINNED_MAIN, "batch", str(day), "--out-dir", "packs"]
    main = subprocess.Popen(
        [*command, "--jobs", "2", "--documents", "info"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def working() -> dict[int, str] | None:
            children = children_of(main.pid)
            workers = [pid for pid, line in children.items() if "spawn_main" in line]
            built = any((tmp_path / "packs").glob("*.pdf"))
            return children if len(workers) == 2 and built else None

        children = poll(working, 120)
        assert children, "the batch never got going"
    finally:
        main.kill()
        main.wait()
    # They are gone in 0.1 to 0.3 s on Linux; 20 s only bounds a failing test.
    gone = poll(lambda: not any(running(pid) for pid in children), 20)
    assert gone, f"still running 20 s after the batch was killed: {children}"
