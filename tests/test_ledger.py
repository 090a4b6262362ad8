"""The send ledger and the passwords file: what a re-run relies on to send each email once."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from leaflet.errors import LeafletError
from leaflet.mail.encrypt import PasswordFile
from leaflet.mail.ledger import (
    FAILED_PERMANENT,
    FAILED_TEMPORARY,
    OLD_COLUMNS,
    OUTBOX,
    QUEUED,
    SENT,
    SMTP,
    Ledger,
    read_ledger,
)


def test_a_message_id_is_made_once_and_kept(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        first = ledger.queue("A1", "ann@example.org", "<one@example.com>")
        assert (first.message_id, first.state, first.attempts) == ("<one@example.com>", QUEUED, 0)
        ledger.record_failure("A1", "421 busy", permanent=False)
    with Ledger(path) as ledger:  # a later run, with a fresh id it does not need
        again = ledger.queue("A1", "ann@example.org", "<two@example.com>")
    assert (again.message_id, again.state, again.attempts, again.last_error) == (
        "<one@example.com>",
        FAILED_TEMPORARY,
        1,
        "421 busy",
    )


def test_an_unsent_message_takes_a_corrected_address_and_a_sent_one_does_not(tmp_path):
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        ledger.queue("A1", "ann@exmaple.org", "<a1@example.com>")
        ledger.record_failure("A1", "550 no such mailbox", permanent=True)
        assert ledger.entry("A1").state == FAILED_PERMANENT
        assert ledger.queue("A1", "ann@example.org", "<x@example.com>").recipient == (
            "ann@example.org"
        )
        ledger.record_sent("A1")
        sent = ledger.queue("A1", "someone@example.org", "<y@example.com>")
    assert (sent.state, sent.recipient, sent.attempts, sent.last_error) == (
        SENT,
        "ann@example.org",
        2,
        "",
    )
    assert sent.sent_at is not None


def test_two_runs_cannot_use_one_ledger_at_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Ledger("ledger.sqlite3"), pytest.raises(LeafletError) as caught:
        Ledger("ledger.sqlite3")
    assert caught.value.format_message() == (
        "ledger.sqlite3: in use by another `leaflet email` run; "
        "wait for it to finish, then run again"
    )
    assert caught.value.message == (
        "ledger.sqlite3: in use by another delivery; wait for it to finish, then run again"
    )
    Ledger("ledger.sqlite3").close()  # free again once the first run is over


def test_reading_a_ledger_never_makes_or_changes_one(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    assert read_ledger(path) == {} and not path.exists()
    with Ledger(path) as ledger:
        ledger.queue("A1", "ann@example.org", "<a1@example.com>")
    before = path.read_bytes()
    assert list(read_ledger(path)) == ["A1"]
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ledger.sqlite3").write_text("appointment_id,state\n")
    for open_ledger in (Ledger, read_ledger):
        with pytest.raises(LeafletError) as caught:
            open_ledger("ledger.sqlite3")
        assert caught.value.message == (
            "ledger.sqlite3: not a send ledger (the file is not an SQLite database); move it "
            "away or choose another output folder"
        )


def test_a_ledger_from_a_newer_leaflet_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with sqlite3.connect("ledger.sqlite3") as db:
        db.execute("PRAGMA user_version = 7")
    db.close()
    with pytest.raises(LeafletError) as caught:
        Ledger("ledger.sqlite3")
    assert caught.value.message == (
        "ledger.sqlite3: made by a newer version of leaflet "
        "(ledger version 7); update leaflet to use it"
    )


def test_passwords_are_written_before_use_and_kept(tmp_path):
    path = tmp_path / "passwords.csv"
    first = PasswordFile(path).password_for("A1")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # A run killed while writing a line leaves it cut short; that password was never used.
    with path.open("a") as stream:
        stream.write("A2,abc")
    passwords = PasswordFile(path)
    assert passwords.password_for("A1") == first
    second = passwords.password_for("A2")
    assert second != "abc" and len(second) == 12
    assert path.read_text().splitlines() == [
        "appointment_id,password",
        f"A1,{first}",
        "A2,abc",
        f"A2,{second}",
    ]
    assert PasswordFile(path).password_for("A2") == second


def test_a_ledger_from_before_transports_is_brought_up_to_date(tmp_path):
    """Version 2 ledgers recorded no transport: their sent messages went through a server
    (leaflet did not know outboxes apart), so they stay sent for every transport."""
    path = tmp_path / "ledger.sqlite3"
    columns = ", ".join(OLD_COLUMNS)
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE messages (appointment_id TEXT PRIMARY KEY, message_id TEXT NOT NULL "
            "UNIQUE, recipient TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL "
            "DEFAULT 0, last_error TEXT NOT NULL DEFAULT '', queued_at TEXT NOT NULL, "
            "updated_at TEXT NOT NULL, sent_at TEXT)"
        )
        db.execute(
            f"INSERT INTO messages ({columns}) VALUES ('A1', '<a1@x>', 'ann@example.org', "
            "'sent', 1, '', '2026-11-30T09:00:00Z', '2026-11-30T09:00:01Z', "
            "'2026-11-30T09:00:01Z')"
        )
        db.execute("PRAGMA user_version = 2")
    db.close()
    with Ledger(path) as ledger:
        entry = ledger.entry("A1")
    assert entry is not None
    assert (entry.state, entry.transport, entry.message_id) == (SENT, "", "<a1@x>")
    assert entry.done_by(SMTP) and entry.done_by(OUTBOX)
    assert read_ledger(path)["A1"].recipient == "ann@example.org"
