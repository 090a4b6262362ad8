"""The send ledger: which appointment's email went out, in SQLite beside the documents.

Each appointment has one row: its Message-ID (made once, so a message tried again is the
same message to the patient's mail program), recipient, state, attempts, last error and
times. Every change is committed at once, so a run killed between two messages loses
nothing; a re-run never sends a message marked sent and tries every other one again.

States: `queued` (not tried yet), `sending` (being handed to the server), `sent`,
`failed-temporary` (the server may take it later) and `failed-permanent` (the server
refused it, e.g. no such mailbox). A message is marked `sending` before it is handed
over and `sent` once the server has accepted it; a run killed in between leaves it
`sending`, and the next run sends it again (see `leaflet.mail.delivery`).

A sent message also records its `transport`: `smtp` (a mail server accepted it) or
`outbox` (written as a .eml file for a mail program: not yet sent to anyone), so a run
through a server after an outbox run sends what was only written. A ledger made before
transports were recorded has them empty; its sent messages count as sent by a server.

A run holds the ledger locked, so two runs cannot send the same message twice. The file
is readable by its owner only, never opened through a symbolic link, and a database
that is not a leaflet ledger is refused rather than changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from dataclasses import dataclass, fields
from pathlib import Path

from leaflet.errors import Argument, LeafletError, OutputError, display_path
from leaflet.render.output import refuse_link

LEDGER_NAME = "email-ledger.sqlite3"
QUEUED, SENDING, SENT = "queued", "sending", "sent"
FAILED_TEMPORARY, FAILED_PERMANENT = "failed-temporary", "failed-permanent"
STATES = (QUEUED, SENDING, SENT, FAILED_TEMPORARY, FAILED_PERMANENT)
#: How a message went: through a mail server, or into an outbox folder.
SMTP, OUTBOX = "smtp", "outbox"
#: 2 added the `sending` state, 3 the transport; older ledgers are brought up to date
#: when opened.
SCHEMA_VERSION = 3
_SCHEMA = f"""
CREATE TABLE messages (
    appointment_id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    recipient TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ({", ".join(f"'{state}'" for state in STATES)})),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    queued_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT,
    transport TEXT NOT NULL DEFAULT ''
)
"""


@dataclass(frozen=True)
class LedgerEntry:
    """One appointment's email, as the ledger has it. Times are UTC, ISO 8601."""

    appointment_id: str
    message_id: str
    recipient: str
    state: str
    attempts: int
    last_error: str
    queued_at: str
    updated_at: str
    sent_at: str | None
    transport: str = ""  # SMTP or OUTBOX once sent; empty in ledgers made before

    def done_by(self, transport: str) -> bool:
        """Whether the message needs nothing more from `transport`: sent through a
        server, or (for an outbox) already written."""
        return self.state == SENT and (self.transport != OUTBOX or transport == OUTBOX)


COLUMNS = tuple(item.name for item in fields(LedgerEntry))
#: The columns of a version 1 or 2 ledger.
OLD_COLUMNS = COLUMNS[:-1]


class Ledger:
    """A send ledger opened for a run: locked against other runs until `close`."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        refuse_link(self.path, "the send ledger")
        _create_private(self.path)
        self._db = _connect(self.path, read_only=False)
        try:
            # Exclusive locking: after the first write the lock is held until close, so
            # a second run fails at once instead of sending the same messages.
            self._db.execute("PRAGMA locking_mode = EXCLUSIVE")
            self._db.execute("BEGIN EXCLUSIVE")
            _prepare(self._db, self.path)
            self._db.execute("COMMIT")
        except sqlite3.Error as err:
            self._db.close()
            raise _ledger_error(self.path, err) from err
        except LeafletError:
            self._db.close()
            raise

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def entry(self, appointment_id: str) -> LedgerEntry | None:
        """The appointment's entry, or None if it was never queued."""
        row = self._db.execute(
            "SELECT * FROM messages WHERE appointment_id = ?", (appointment_id,)
        ).fetchone()
        return LedgerEntry(*row) if row else None

    def queue(self, appointment_id: str, recipient: str, new_message_id: str) -> LedgerEntry:
        """The appointment's entry, queued with `new_message_id` if it has none yet. An
        unsent entry takes the new recipient (the clinic corrected an address); its
        Message-ID never changes."""
        now = _now()
        self._write(
            "INSERT INTO messages (appointment_id, message_id, recipient, state, "
            "queued_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (appointment_id) DO UPDATE SET recipient = excluded.recipient, "
            "updated_at = excluded.updated_at "
            "WHERE (state != 'sent' OR transport = 'outbox') "
            "AND recipient != excluded.recipient",
            (appointment_id, new_message_id, recipient, QUEUED, now, now),
        )
        entry = self.entry(appointment_id)
        assert entry is not None, "the row was just written"
        return entry

    def record_sending(self, appointment_id: str) -> None:
        """Mark the message as being handed to the server: committed before it is."""
        self._write(
            "UPDATE messages SET state = ?, updated_at = ? WHERE appointment_id = ?",
            (SENDING, _now(), appointment_id),
        )

    def record_sent(self, appointment_id: str, transport: str = SMTP) -> None:
        """Mark the message sent through `transport`: no run through it sends it again
        (and after an outbox, only a run through a server does)."""
        now = _now()
        self._write(
            "UPDATE messages SET state = ?, attempts = attempts + 1, last_error = '', "
            "updated_at = ?, sent_at = ?, transport = ? WHERE appointment_id = ?",
            (SENT, now, now, transport, appointment_id),
        )

    def renew(self, appointment_id: str, new_message_id: str) -> None:
        """Queue the appointment's message again with a new Message-ID: sent again on
        purpose, it is a new message (a mail program would hide one it has seen)."""
        self._write(
            "UPDATE messages SET state = ?, message_id = ?, updated_at = ? "
            "WHERE appointment_id = ?",
            (QUEUED, new_message_id, _now(), appointment_id),
        )

    def record_failure(self, appointment_id: str, reason: str, *, permanent: bool) -> None:
        """Count a failed attempt and why; the message stays to be tried by a later run."""
        state = FAILED_PERMANENT if permanent else FAILED_TEMPORARY
        self._write(
            "UPDATE messages SET state = ?, attempts = attempts + 1, last_error = ?, "
            "updated_at = ? WHERE appointment_id = ?",
            (state, reason, _now(), appointment_id),
        )

    def _write(self, statement: str, values: tuple[object, ...]) -> None:
        try:
            with self._db:  # one transaction, committed before the next message
                self._db.execute(statement, values)
        except sqlite3.Error as err:  # e.g. the disk is full
            raise OutputError(
                f"{display_path(self.path)}: cannot record in the send ledger ({err})"
            ) from err


def read_ledger(path: Path | str) -> dict[str, LedgerEntry]:
    """Every entry of a ledger by appointment id, without changing (or making) the file."""
    path = Path(path)
    if not path.exists():
        return {}
    refuse_link(path, "the send ledger")
    db = _connect(path, read_only=True)
    try:
        _check_version(db, path)
        if not _check_tables(db, path):
            return {}
        rows = db.execute("SELECT * FROM messages ORDER BY queued_at, appointment_id")
        return {row[0]: LedgerEntry(*row) for row in rows}
    except sqlite3.Error as err:
        raise _ledger_error(path, err) from err
    finally:
        db.close()


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    try:
        if read_only:
            return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0)
        # Autocommit: each write is committed by its own `with` block (see `_write`).
        return sqlite3.connect(path, timeout=0, isolation_level=None)
    except sqlite3.Error as err:
        raise _ledger_error(path, err) from err


def _create_private(path: Path) -> None:
    """Make the ledger file, readable by its owner only, if there is none (SQLite would
    make it with the umask's mode; its journal takes the database file's mode)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        os.close(os.open(path, flags, 0o600))
    except FileExistsError:
        with contextlib.suppress(OSError):  # made by an older leaflet, or by hand
            os.chmod(path, 0o600)
    except OSError as err:
        raise LeafletError(
            f"{display_path(path)}: cannot make the send ledger ({err.strerror})"
        ) from err


def _prepare(db: sqlite3.Connection, path: Path) -> None:
    """Make the messages table, or bring an older table up to date (SQLite cannot
    change a CHECK constraint in place, so the table is copied)."""
    _check_version(db, path)
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if not _check_tables(db, path):
        db.execute(_SCHEMA)
    elif version < SCHEMA_VERSION:
        columns = ", ".join(_columns(db))
        db.execute("ALTER TABLE messages RENAME TO messages_old")
        db.execute(_SCHEMA)
        db.execute(f"INSERT INTO messages ({columns}) SELECT {columns} FROM messages_old")
        db.execute("DROP TABLE messages_old")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _check_tables(db: sqlite3.Connection, path: Path) -> bool:
    """Whether the ledger has its messages table; another database is refused."""
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    if "messages" in tables:
        columns = _columns(db)
        if columns in (COLUMNS, OLD_COLUMNS):
            return True
        problem = f"its messages table has the columns {', '.join(columns)}"
    elif tables:
        problem = f"it holds the tables {', '.join(sorted(tables))}"
    else:
        return False
    raise LeafletError(
        f"{display_path(path)}: not a leaflet send ledger ({problem}); move it away or "
        "choose another output folder"
    )


def _columns(db: sqlite3.Connection) -> tuple[str, ...]:
    return tuple(row[1] for row in db.execute("PRAGMA table_info(messages)"))


def _check_version(db: sqlite3.Connection, path: Path) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise LeafletError(
            f"{display_path(path)}: made by a newer version of leaflet "
            f"(ledger version {version}); update leaflet to use it"
        )


def _ledger_error(path: Path, err: sqlite3.Error) -> LeafletError:
    where = display_path(path)
    text = str(err)
    if "locked" in text:
        return LeafletError(
            f"{where}: in use by another ",
            Argument("delivery", "`leaflet email` run"),
            "; wait for it to finish, then run again",
        )
    if "not a database" in text:
        return LeafletError(
            f"{where}: not a send ledger (the file is not an SQLite "
            "database); move it away or choose another output folder"
        )
    return LeafletError(f"{where}: cannot use the send ledger ({text})")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
