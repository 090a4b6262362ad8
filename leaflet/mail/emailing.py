"""Emailing a day's appointments: build what is missing, then send each pack once.

`email_appointments` is what `leaflet email` does, for any caller: appointments without
an email address are left out of the build and reported as such; the PDFs not built yet
are built (as `build_batch` does); each appointment whose documents were built gets one
message, through SMTP or as `.eml` files in an outbox folder, recorded in the send
ledger beside the documents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from leaflet.mail.delivery import DeliveryReport, deliver, find_packs
from leaflet.mail.ledger import LEDGER_NAME
from leaflet.mail.messages import Pack
from leaflet.mail.transports import OutboxTransport, SmtpTransport, Transport
from leaflet.packs.appointments import Appointment
from leaflet.packs.batch import BatchResult, Progress, build_batch
from leaflet.packs.planner import BatchSettings

#: The outbox folder inside the output folder, unless told otherwise.
OUTBOX_NAME = "outbox"


@dataclass(frozen=True)
class SmtpServer:
    """Where to send through: implicit TLS on port 465, STARTTLS otherwise (see
    `leaflet.mail.transports.SmtpTransport`); the password comes from the environment."""

    host: str
    port: int = 587
    security: str = "auto"
    username: str | None = None
    ca_file: Path | None = None


@dataclass(frozen=True)
class EmailResult:
    """What `email_appointments` did: the build, the delivery, and where `.eml` files
    went (None when sent through SMTP, or on a dry run)."""

    built: BatchResult
    report: DeliveryReport
    outbox: Path | None

    @property
    def ok(self) -> bool:
        """Nothing failed: every file built and nothing left unsent but by design."""
        return not self.built.problems and self.report.ok


def email_appointments(
    appointments: Sequence[Appointment],
    out_dir: Path | str,
    *,
    settings: BatchSettings | None = None,
    smtp: SmtpServer | None = None,
    outbox: Path | str | None = None,
    dry_run: bool = False,
    attempts: int = 3,
    jobs: int | None = None,
    progress: Progress | None = None,
    on_built: Callable[[BatchResult], None] | None = None,
    source: str = "appointments",
    today: dt.date | None = None,
    resend: Collection[str] = (),
) -> EmailResult:
    """Build the missing documents of every appointment with an email address into
    `out_dir`, then email each its pack once (see `leaflet.mail.delivery`).

    With `smtp`, messages go through that server; otherwise they are written to `outbox`
    (default `out_dir/outbox`), as the ledger records: a later run through `smtp` sends
    them. `dry_run` reports who would get what, sending nothing. `on_built` gets the
    build's result before any message is sent. `resend`: appointments to send again
    (only those), as new messages. The rest are as for `build_batch`."""
    out_dir, settings = Path(out_dir), settings or BatchSettings()
    built = build_batch(
        [item for item in appointments if item.email],
        out_dir,
        settings=settings,
        jobs=jobs,
        progress=progress,
        source=source,
        today=today,
    )
    if on_built is not None:
        on_built(built)
    packs = _packs(appointments, built, out_dir, settings)
    transport, written_to = _transport(out_dir, smtp, outbox, dry_run)
    report = deliver(
        packs,
        settings.load_brand(),
        transport=transport,
        ledger_path=out_dir / LEDGER_NAME,
        content_dir=settings.content_dir,
        dry_run=dry_run,
        attempts=attempts,
        via="smtp" if smtp is not None else "outbox",
        resend=resend,
    )
    return EmailResult(built, report, written_to)


def _packs(
    appointments: Sequence[Appointment],
    built: BatchResult,
    out_dir: Path,
    settings: BatchSettings,
) -> list[Pack]:
    """A pack for every appointment whose documents were built; appointments without an
    email address get an empty one, which delivery reports as such."""
    failed = {problem.appointment_id for problem in built.problems}
    # Each email in the language its documents were built in.
    ready = [
        replace(item, language=built.languages.get(item.appointment_id, item.language))
        for item in appointments
        if item.email and item.appointment_id not in failed
    ]
    # Each built one has a pack; its forms are fillable as the batch made them.
    packs, _ = find_packs(ready, out_dir, settings.documents, fillable=settings.fillable)
    return packs + [Pack(item, ()) for item in appointments if not item.email]


def _transport(
    out_dir: Path, smtp: SmtpServer | None, outbox: Path | str | None, dry_run: bool
) -> tuple[Transport | None, Path | None]:
    """The transport to send through, and the outbox folder when it writes to one."""
    if dry_run:
        return None, None
    if smtp is not None:
        transport = SmtpTransport(
            smtp.host,
            smtp.port,
            security=smtp.security,
            username=smtp.username,
            ca_file=smtp.ca_file,
        )
        return transport, None
    folder = Path(outbox) if outbox is not None else out_dir / OUTBOX_NAME
    return OutboxTransport(folder), folder
