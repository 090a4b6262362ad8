"""Killed runs, full disks, leaked health data: how batches and emails fail safely.

Each test reproduces one attack or fault from issue 18: the batch's main process killed
with SIGKILL, an email run killed while a message was being handed over, a disk that
fills up, special files and symbolic links where our files go, files readable by others.
"""

from __future__ import annotations

import email.policy
import io
import os
import resource
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import TypeVar

import pypdf
import pytest
from aiosmtpd.controller import Controller
from conftest import BRAND_NOTE, PINNED_MAIN, invoke, line_number, write_brand

import leaflet
from leaflet.mail.ledger import LEDGER_NAME, Ledger, read_ledger

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


def descendants_of(pid: int) -> dict[int, str]:
    """The processes `pid` started, and the ones they started, with their command lines."""
    found = children_of(pid)
    for child in list(found):
        found.update(descendants_of(child))
    return found


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
            # Spawned workers are its children; the fork server's workers, the fork
            # server's; on Linux, with no thread running, it builds and forks one job.
            children = descendants_of(main.pid)
            direct = children_of(main.pid)
            workers = [
                pid
                for pid, line in children.items()
                if "spawn_main" in line or ("forkserver" in line and pid not in direct)
            ]
            itself = Path(f"/proc/{main.pid}/cmdline").read_bytes().replace(b"\0", b" ")
            forked = [pid for pid, line in direct.items() if line == itself.decode()]
            built = any((tmp_path / "packs").glob("*.pdf"))
            return children if (len(workers) == 2 or forked) and built else None

        children = poll(working, 120)
        assert children, "the batch never got going"
    finally:
        main.kill()
        main.wait()
    # They are gone in 0.1 to 0.3 s on Linux; 20 s only bounds a failing test.
    gone = poll(lambda: not any(running(pid) for pid in children), 20)
    assert gone, f"still running 20 s after the batch was killed: {children}"


# --- Medium 4: passwords that fall to brute force -----------------------------------------


def day_with_mobiles(folder: Path, mobiles: dict[str, str]) -> Path:
    """A CSV export with a `mobile` column (under `header`), one row per appointment."""
    rows = [
        f"{ident},Ann Lee {ident},1985-04-23,{ident.lower()}@example.org,microneedling,"
        f"2026-12-01T10:30,Dr Sam Lee,{mobile}"
        for ident, mobile in mobiles.items()
    ]
    path = folder / "day.csv"
    path.write_text("\n".join([f"{HEADER},mobile", *rows]) + "\n", encoding="utf-8")
    return path


def test_the_default_password_is_not_the_date_of_birth_alone(tmp_path, monkeypatch):
    """32,507 birthdays span ages 18 to 106: about 4 minutes of guessing with pikepdf.
    The default adds the mobile number's last 4 digits: 3.25e8 guesses."""
    monkeypatch.chdir(tmp_path)
    day_with_mobiles(tmp_path, {"A1": "+44 (0)7700 900123", "A2": ""})
    result = invoke(
        ["email", "day.csv", "--out-dir", "out", "--jobs", "1", "--documents", "consent"]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2:] == [
        "Error: appointment A2 (row 3), column mobile: no mobile number to make the password from "
        "(the password is the date of birth and the mobile number's last 4 digits); add "
        "it to the export, or choose another email.password in the brand file",
        f"Email: 1 written to the outbox, not sent yet, 1 with a problem (in out/outbox)"
        f"{BRAND_NOTE}.",
    ]
    message = BytesParser(policy=email.policy.default).parsebytes(
        (tmp_path / "out" / "outbox" / "A1.eml").read_bytes()
    )
    [locked] = [part.get_content() for part in message.iter_attachments()]
    reader = pypdf.PdfReader(io.BytesIO(locked))
    assert reader.decrypt("23041985") == pypdf.PasswordType.NOT_DECRYPTED
    assert reader.decrypt("230419850123") != pypdf.PasswordType.NOT_DECRYPTED
    assert "230419850123" not in message.as_string()
    assert "your mobile number ends in 4821, your password is 070319904821" in (
        message.get_body(("plain",)).get_content()
    )


def test_a_mobile_number_that_is_not_one_is_a_row_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = day_with_mobiles(tmp_path, {"A1": "call me", "A2": "07700 900456"})
    path.write_text(path.read_text().replace(",mobile\n", ",Phone\n", 1))  # another name
    appointments, problems = leaflet.read_appointments(path)
    assert [a.mobile for a in appointments] == ["07700 900456"]
    assert [str(problem) for problem in problems] == [
        "day.csv, row 2, column 'Phone' (mobile): 'call me' is not a phone number; "
        "expected 7 to 15 digits, with spaces, + ( ) - if you like, "
        "e.g. 07700 900123 or +44 7700 900123"
    ]


def test_check_warns_about_date_of_birth_passwords(tmp_path):
    brand = write_brand(tmp_path, {"password: date-of-birth-and-mobile": "password: date-of-birth"})
    result = invoke(["check", "--quick", "--brand", str(brand)])  # a file check
    assert result.exit_code == 0  # a warning; --strict makes it an error
    assert (
        f"warning: {brand}:{line_number(brand, '  password:')}: email.password: "
        "date-of-birth passwords can be guessed in minutes by anyone who has the PDF "
        "(about 32,500 birthdays); use date-of-birth-and-mobile, or random"
    ) in result.stdout.splitlines()


# --- Medium 5 and 6: special files, symbolic links, who can read what ---------------------


def test_writing_over_a_device_is_refused(tmp_path, monkeypatch):
    """As root, `-o /dev/full` printed "Wrote /dev/full" and replaced the device."""
    monkeypatch.chdir(tmp_path)
    result = invoke(["info", "-o", "/dev/full"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot write /dev/full: it is a device, pipe or socket, not a file; "
        "leaflet writes only to files\n"
    )
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_writing_over_a_pipe_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.mkfifo("leaflet.pdf")
    result = invoke(["info", "-o", "leaflet.pdf"])
    assert result.exit_code == 1
    assert "it is a device, pipe or socket, not a file" in result.stderr
    assert stat.S_ISFIFO(os.lstat("leaflet.pdf").st_mode)
    assert os.listdir() == ["leaflet.pdf"]  # no temporary file left either


@pytest.fixture()
def umask_022():
    """The usual umask, whatever the test runner has."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_personal_files_are_readable_by_their_owner_only(tmp_path, monkeypatch, umask_022):
    """Atomic writes forced 0644: names and dates of birth readable by anyone."""
    monkeypatch.chdir(tmp_path)
    assert invoke(["info", "-o", "leaflet.pdf"]).exit_code == 0
    personal = ["consent", "--patient-name", "Ann Lee", "--date-of-birth", "1985-04-23"]
    assert invoke([*personal, "-o", "ann.pdf"]).exit_code == 0
    assert (mode(Path("leaflet.pdf")), mode(Path("ann.pdf"))) == (0o644, 0o600)
    day_with_mobiles(tmp_path, {"A1": "07700 900123"})
    email = ["email", "day.csv", "--out-dir", "out", "--jobs", "1", "--documents", "consent"]
    assert invoke(email).exit_code == 0
    made = ["A1-consent.pdf", "manifest.csv", "email-ledger.sqlite3", "outbox/A1.eml"]
    made.append(".leaflet-batch.lock")  # empty, and left in place (README: Batches)
    assert {name: mode(tmp_path / "out" / name) for name in made} == dict.fromkeys(made, 0o600)
    assert (tmp_path / "out" / ".leaflet-batch.lock").stat().st_size == 0
    # The folders holding them can be entered by their owner only.
    assert (mode(tmp_path / "out"), mode(tmp_path / "out" / "outbox")) == (0o700, 0o700)


def test_new_files_follow_the_umask(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    previous = os.umask(0o027)
    try:
        assert invoke(["info", "-o", "leaflet.pdf"]).exit_code == 0
    finally:
        os.umask(previous)
    assert mode(tmp_path / "leaflet.pdf") == 0o640


@pytest.mark.parametrize("name", ["passwords.csv", "email-ledger.sqlite3"])
def test_a_symbolic_link_where_our_file_belongs_is_refused(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    day_with_mobiles(tmp_path, {"A1": "07700 900123"})
    brand = write_brand(tmp_path, {"password: date-of-birth-and-mobile": "password: random"})
    (tmp_path / "out").mkdir()
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("someone else's file\n")
    (tmp_path / "out" / name).symlink_to(elsewhere)
    args = ["email", "day.csv", "--out-dir", "out", "--jobs", "1", "--documents", "consent"]
    result = invoke([*args, "--brand", str(brand)])
    assert result.exit_code == 1
    what = "the passwords file" if name == "passwords.csv" else "the send ledger"
    assert (
        f"out/{name}: is a symbolic link; {what} is kept only in a file of its own, never "
        "through a link: remove the link"
    ) in result.stderr
    assert elsewhere.read_text() == "someone else's file\n"


# --- Medium 7: an email run killed while a message is handed over ------------------------


class KillingMailbox:
    """An SMTP handler that keeps every message and, on taking the `kill_at`th one, kills
    the sending process before it can read the server's 250 reply: the one moment no
    client can tell whether its message was delivered."""

    def __init__(self, kill_at: int) -> None:
        self.messages: list[EmailMessage] = []
        self.kill_at = kill_at
        self.sender: subprocess.Popen[bytes] | None = None

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(BytesParser(policy=email.policy.default).parsebytes(envelope.content))
        if len(self.messages) == self.kill_at and self.sender is not None:
            self.sender.kill()
            self.sender.wait()  # dead before it hears that the server took the message
        return "250 Message accepted"


def test_a_message_interrupted_mid_send_is_sent_again_once(tmp_path):
    """Six kill -9s during sending gave 203 deliveries for 200 appointments, and the
    README said "never sent again". Now: a killed send is recorded as `sending`, sent
    again by the next run with the same Message-ID, and said so."""
    day_with_mobiles(tmp_path, {"A1": "07700 900111", "A2": "07700 900222", "A3": "07700 900333"})
    mailbox = KillingMailbox(kill_at=2)
    with socket.socket() as probe:  # a port nothing listens on yet
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        command = [sys.executable, "-c", PINNED_MAIN, "email", "day.csv", "--out-dir", "out"]
        command += ["--jobs", "1", "--documents", "consent", "--attempts", "1"]
        command += ["--smtp-security", "none", "--smtp", f"127.0.0.1:{port}"]
        environment = {k: v for k, v in os.environ.items() if not k.startswith("LEAFLET_")}
        mailbox.sender = subprocess.Popen(command, cwd=tmp_path, env=environment)
        assert mailbox.sender.wait(timeout=120) == -signal.SIGKILL
        states = {k: e.state for k, e in read_ledger(tmp_path / "out" / LEDGER_NAME).items()}
        assert states == {"A1": "sent", "A2": "sending", "A3": "queued"}
        mailbox.sender = None
        again = subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True)
    finally:
        controller.stop()
    assert again.returncode == 0, again.stderr
    assert again.stderr.decode().splitlines()[-3:] == [
        "A2: sent to a2@example.org again (a run was interrupted while sending it, so it "
        "may arrive twice)",
        "A3: sent to a3@example.org",
        "Email: 2 sent (1 again after a run was interrupted while sending it: it may "
        f"arrive twice), 1 already sent{BRAND_NOTE}.",
    ]
    delivered = Counter(str(message["To"]) for message in mailbox.messages)
    assert delivered == {"a1@example.org": 1, "a2@example.org": 2, "a3@example.org": 1}
    first, second = [m for m in mailbox.messages if m["To"] == "a2@example.org"]
    assert first["Message-ID"] == second["Message-ID"]  # mail programs show one of them


# --- Low: a full disk, a foreign ledger ---------------------------------------------------


def test_a_full_disk_stops_sending_and_still_sums_up(tmp_path):
    """After a disk-full error, `leaflet email` printed no summary line. The fault is
    real: the kernel refuses to let the process write files over 60 KB."""
    day_with_mobiles(tmp_path, {"A1": "07700 900111", "A2": "07700 900222"})
    base = [sys.executable, "-c", PINNED_MAIN]
    args = ["day.csv", "--out-dir", "out", "--jobs", "1", "--documents", "consent"]
    subprocess.run([*base, "batch", *args], cwd=tmp_path, check=True, capture_output=True)

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, 60_000))

    full = subprocess.run(
        [*base, "email", *args], cwd=tmp_path, capture_output=True, text=True, preexec_fn=small_disk
    )
    assert full.returncode == 1
    assert full.stderr.splitlines() == [
        "Error: appointment A1 (a1@example.org): cannot write out/outbox/A1.eml: File too large",
        "Error: appointment A2 (a2@example.org): not tried: cannot write out/outbox/A1.eml: "
        "File too large",
        f"Email: 2 left queued after a temporary failure (in out/outbox){BRAND_NOTE}.",
    ]
    assert os.listdir(tmp_path / "out" / "outbox") == []  # no half-written message
    again = subprocess.run([*base, "email", *args], cwd=tmp_path, capture_output=True, text=True)
    assert again.stderr.splitlines()[-1] == (
        f"Email: 2 written to the outbox, not sent yet (in out/outbox){BRAND_NOTE}."
    )


def test_a_ledger_with_a_foreign_schema_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    day_with_mobiles(tmp_path, {"A1": "07700 900111"})
    (tmp_path / "out").mkdir()
    with sqlite3.connect(tmp_path / "out" / LEDGER_NAME) as db:
        db.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, body TEXT)")
    result = invoke(["email", "day.csv", "--out-dir", "out", "--jobs", "1"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: out/email-ledger.sqlite3: not a leaflet send ledger (its messages table has "
        "the columns id, body); move it away or choose another output folder"
    )
    with sqlite3.connect(tmp_path / "out" / LEDGER_NAME) as db:  # left as it was
        assert [row[1] for row in db.execute("PRAGMA table_info(messages)")] == ["id", "body"]


def test_a_version_1_ledger_is_brought_up_to_date(tmp_path):
    path = tmp_path / LEDGER_NAME
    with sqlite3.connect(path) as db:
        db.execute(V1_SCHEMA)
        db.execute(
            "INSERT INTO messages VALUES ('A1', '<1@x>', 'a@example.org', 'sent', 1, '', "
            "'2026-01-01', '2026-01-01', '2026-01-01')"
        )
        db.execute("PRAGMA user_version = 1")
    with Ledger(path) as ledger:
        ledger.queue("A2", "b@example.org", "<2@x>")
        ledger.record_sending("A2")
    assert {k: e.state for k, e in read_ledger(path).items()} == {"A1": "sent", "A2": "sending"}


V1_SCHEMA = """
CREATE TABLE messages (
    appointment_id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    recipient TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed-temporary',
        'failed-permanent')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    queued_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT
)
"""
