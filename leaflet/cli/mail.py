"""`leaflet email`: send each patient their documents, once, and again when asked."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

import leaflet
from leaflet.cli.exports import SHOW_COLUMNS
from leaflet.cli.main import resume_collector
from leaflet.cli.options import CONTEXT, appointment_sources, brand_note
from leaflet.cli.packs import (
    FILLABLE,
    documents_option,
    echo_problems,
    other_languages,
    start_run,
)
from leaflet.cli.progress import BatchProgress


def _smtp_address(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[str, int] | None:
    if value is None:
        return None
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(
            f"{value!r}; expected HOST:PORT, e.g. smtp.example.com:587", ctx, param
        )
    return host.strip("[]"), int(port)


def _ids(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """`--resend A1 --resend A2,A3` -> ("A1", "A2", "A3")."""
    return tuple(part.strip() for item in value for part in item.split(",") if part.strip())


@click.command("email", context_settings=CONTEXT)
@click.argument("appointments", type=click.Path(path_type=Path))
@click.option(
    "--out-dir",
    type=click.Path(path_type=Path),
    help="The batch folder: PDFs (built here if missing), the send ledger.  [required]",
)
@click.option(
    "--smtp",
    "smtp_server",
    callback=_smtp_address,
    metavar="HOST:PORT",
    help="Send through this SMTP server (TLS: implicit on port 465, else "
    "STARTTLS) instead of writing .eml files.",
)
@click.option(
    "--smtp-security",
    type=click.Choice(["auto", "starttls", "tls", "none"]),
    default="auto",
    show_default=True,
    help="TLS for --smtp; none is allowed only to this computer.",
)
@click.option(
    "--smtp-user",
    help="SMTP user [default: $LEAFLET_SMTP_USER]; the password is "
    "read only from $LEAFLET_SMTP_PASSWORD.",
)
@click.option(
    "--smtp-ca-file",
    type=click.Path(path_type=Path),
    help="Trust the server certificates signed by this CA (PEM) as well as the system's.",
)
@click.option(
    "--outbox",
    type=click.Path(path_type=Path),
    help="Folder for the .eml files [default: OUT_DIR/outbox].",
)
@click.option("--dry-run", is_flag=True, help="List what would be sent to whom; send nothing.")
@click.option(
    "--resend",
    multiple=True,
    callback=_ids,
    metavar="ID",
    help="Send these appointments' messages again, as new messages, although they were "
    "sent (repeat it, or separate ids with commas); only these are sent.",
)
@documents_option("attach")
@click.option(
    "--attempts",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Tries per message after a temporary failure, waiting 2, 4... seconds.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes for building missing PDFs [default: as for batch].",
)
@FILLABLE
@SHOW_COLUMNS
@appointment_sources
def email_command(appointments: Path, **options: Any) -> None:
    """Email each patient with an email address their documents, once.

    Builds any PDFs not yet built (as leaflet batch does), then sends one message per
    appointment: by default as .eml files in OUT_DIR/outbox (written, not sent: open
    them in a mail program), or with --smtp through a mail server. Documents with
    personal details are locked with a password (the brand's email.password setting).
    OUT_DIR/email-ledger.sqlite3 records what went where, so running again sends only
    what is still unsent, and a run through a server sends what was only written to the
    outbox. Exit status 1 when any row or message failed."""
    resume_collector()
    run = start_run(appointments, options)
    if run is None:
        return
    settings, brand, out_dir, usable, problems, _ = run
    smtp = None
    if options["smtp_server"] is not None:
        host, port = options["smtp_server"]
        smtp = leaflet.SmtpServer(
            host, port, options["smtp_security"], options["smtp_user"], options["smtp_ca_file"]
        )
    with BatchProgress() as progress:
        result = leaflet.email_appointments(
            usable,
            out_dir,
            settings=settings,
            smtp=smtp,
            outbox=options["outbox"],
            dry_run=options["dry_run"],
            attempts=options["attempts"],
            jobs=options["jobs"],
            progress=progress,
            on_built=_built(progress),
            source=leaflet.display_path(appointments),
            resend=options["resend"],
        )
    _echo_report(result.report, {item.appointment_id: item for item in usable})
    where = f" (in {leaflet.display_path(result.outbox)})" if result.outbox else ""
    languages = other_languages(result.built)
    click.echo(f"Email: {result.report.summary()}{where}{languages}{brand_note(brand)}.", err=True)
    if problems or not result.ok:
        sys.exit(1)


def _built(progress: BatchProgress) -> Callable[[leaflet.BatchResult], None]:
    """After the build: close the progress bar and report the rows that failed."""

    def report(result: leaflet.BatchResult) -> None:
        progress.finish()
        echo_problems(result)

    return report


def _echo_report(
    report: leaflet.DeliveryReport, appointments: dict[str, leaflet.Appointment]
) -> None:
    for planned in report.planned:
        files = ", ".join(
            f"{name}{' (locked)' if locked else ''}" for name, locked in planned.attachments
        )
        click.echo(f"{planned.appointment_id}: to {planned.recipient}: {files}")
    for ident in report.no_email:
        row = appointments[ident].row if ident in appointments else 0
        where = f" (row {row})" if row else ""
        click.echo(f"{ident}{where}: no email address in the export; nothing sent", err=True)
    _echo_sent(report)
    for outcome in [*report.temporary, *report.permanent]:
        click.echo(
            f"Error: appointment {outcome.appointment_id} ({outcome.recipient}): {outcome.reason}",
            err=True,
        )
    for problem in report.problems:
        click.echo(f"Error: {problem.format_message()}", err=True)


def _echo_sent(report: leaflet.DeliveryReport) -> None:
    resent = {outcome.appointment_id for outcome in report.resent}
    verb = "written to the outbox for" if report.transport == "outbox" else "sent to"
    for outcome in report.sent:
        if outcome.appointment_id in resent:
            again = " again (a run was interrupted while sending it, so it may arrive twice)"
        elif outcome.appointment_id in report.again:
            again = " again, as asked (--resend)"
        else:
            again = ""
        click.echo(f"{outcome.appointment_id}: {verb} {outcome.recipient}{again}", err=True)
