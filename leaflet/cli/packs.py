"""`leaflet batch` and `leaflet email`: a day's appointments from a CSV export."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

import leaflet
from leaflet.cli.options import CONTEXT, Decorator, appointment_sources, document_list
from leaflet.cli.progress import BatchProgress, terminate_as_interrupt

FILLABLE = click.option(
    "--fillable",
    is_flag=True,
    help="Make each consent form fillable on a tablet or computer, the patient's details "
    "already in its fields (leaflets are unchanged).",
)
OUT_DIR = click.option(
    "--out-dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder for the PDFs and manifest.csv (made if missing).",
)


def _documents_option(purpose: str) -> Decorator:
    return click.option(
        "--documents",
        default=",".join(leaflet.DOCUMENTS),
        show_default=True,
        callback=document_list,
        help=f"Which documents to {purpose}, comma-separated.",
    )


def _read(appointments: Path) -> tuple[list[leaflet.Appointment], list[leaflet.RowProblem]]:
    """The usable appointments in the CSV file; each unusable row is reported."""
    usable, problems = leaflet.read_appointments(appointments)
    for problem in problems:
        click.echo(f"Error: {problem}", err=True)
    return usable, problems


@click.command("batch", context_settings=CONTEXT)
@click.argument("appointments", type=click.Path(path_type=Path))
@OUT_DIR
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes; 1 builds in this process [default: 1 for a small batch, "
    "else the number of CPUs].",
)
@_documents_option("build")
@click.option("--force", is_flag=True, help="Build every file again, even if already built.")
@FILLABLE
@appointment_sources
def batch_command(
    appointments: Path,
    out_dir: Path,
    jobs: int | None,
    documents: tuple[str, ...],
    force: bool,
    fillable: bool,
    layout: str,
    brand_path: Path | None,
    content_dir: Path | None,
) -> None:
    """Build every patient's documents for the appointments in a CSV export.

    Files are named by appointment id and document (A1023-consent.pdf), listed in
    OUT_DIR/manifest.csv. Rows that cannot be used are reported and the rest are built;
    run it again after fixing them (or after an interruption) and it builds only what is
    missing. Exit status 1 when any row failed."""
    usable, problems = _read(appointments)
    settings = leaflet.BatchSettings(brand_path, content_dir, layout, documents, fillable)
    with BatchProgress() as progress, terminate_as_interrupt():
        try:
            result = leaflet.build_batch(
                usable,
                out_dir,
                settings=settings,
                jobs=jobs,
                force=force,
                progress=progress,
                source=leaflet.display_path(appointments),
            )
        except KeyboardInterrupt:
            progress.finish()
            click.echo(
                f"Interrupted. The files finished so far are in {leaflet.display_path(out_dir)}"
                "; run the same command again to build the rest.",
                err=True,
            )
            sys.exit(130)
    _echo_problems(result)
    failed = result.failed_appointments + len({p.row for p in problems})
    built = len(result.built)
    click.echo(
        f"Built {built} file{'s' if built != 1 else ''} in {leaflet.display_path(out_dir)}"
        f" ({len(result.skipped)} already built)"
        f"; {failed} row{'s' if failed != 1 else ''} failed{_other_languages(result)}."
        f" Manifest: {leaflet.display_path(result.manifest)}",
        err=True,
    )
    if failed:
        sys.exit(1)


def _echo_problems(result: leaflet.BatchResult) -> None:
    for problem in result.problems:
        click.echo(f"Error: {problem}", err=True)
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)


def _other_languages(result: leaflet.BatchResult) -> str:
    """`; 2 rows built in English, not the clinic's language` for the summary line."""
    count = len(result.warnings)
    if not count:
        return ""
    return f"; {count} row{'s' if count != 1 else ''} built in English, not the clinic's language"


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


@click.command("email", context_settings=CONTEXT)
@click.argument("appointments", type=click.Path(path_type=Path))
@click.option(
    "--out-dir",
    type=click.Path(path_type=Path),
    required=True,
    help="The batch folder: PDFs (built here if missing), the send ledger.",
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
@_documents_option("attach")
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
@appointment_sources
def email_command(
    appointments: Path,
    out_dir: Path,
    smtp_server: tuple[str, int] | None,
    smtp_security: str,
    smtp_user: str | None,
    smtp_ca_file: Path | None,
    outbox: Path | None,
    dry_run: bool,
    documents: tuple[str, ...],
    attempts: int,
    jobs: int | None,
    fillable: bool,
    layout: str,
    brand_path: Path | None,
    content_dir: Path | None,
) -> None:
    """Email each patient with an email address their documents, once.

    Builds any PDFs not yet built (as leaflet batch does), then sends one message per
    appointment: by default as .eml files in OUT_DIR/outbox, or with --smtp through a
    mail server. Documents with personal details are locked with a password (the
    brand's email.password setting). OUT_DIR/email-ledger.sqlite3 records what was
    sent, so running again sends only what is still unsent. Exit status 1 when any row
    or message failed."""
    usable, problems = _read(appointments)
    smtp = _smtp(smtp_server, smtp_security, smtp_user, smtp_ca_file)
    with BatchProgress() as progress:
        result = leaflet.email_appointments(
            usable,
            out_dir,
            settings=leaflet.BatchSettings(brand_path, content_dir, layout, documents, fillable),
            smtp=smtp,
            outbox=outbox,
            dry_run=dry_run,
            attempts=attempts,
            jobs=jobs,
            progress=progress,
            on_built=_built(progress),
            source=leaflet.display_path(appointments),
        )
    _echo_report(result.report)
    where = f" (in {leaflet.display_path(result.outbox)})" if result.outbox else ""
    click.echo(
        f"Email: {result.report.summary()}{where}{_other_languages(result.built)}.", err=True
    )
    if problems or not result.ok:
        sys.exit(1)


def _smtp(
    server: tuple[str, int] | None, security: str, user: str | None, ca_file: Path | None
) -> leaflet.SmtpServer | None:
    """The mail server to send through, or None: write .eml files."""
    if server is None:
        return None
    host, port = server
    return leaflet.SmtpServer(host, port, security, user, ca_file)


def _built(progress: BatchProgress) -> Callable[[leaflet.BatchResult], None]:
    """After the build: close the progress bar and report the rows that failed."""

    def report(result: leaflet.BatchResult) -> None:
        progress.finish()
        _echo_problems(result)

    return report


def _echo_report(report: leaflet.DeliveryReport) -> None:
    for planned in report.planned:
        files = ", ".join(
            f"{name}{' (locked)' if locked else ''}" for name, locked in planned.attachments
        )
        click.echo(f"{planned.appointment_id}: to {planned.recipient}: {files}")
    resent = {outcome.appointment_id for outcome in report.resent}
    for outcome in report.sent:
        again = (
            " again (a run was interrupted while sending it, so it may arrive twice)"
            if outcome.appointment_id in resent
            else ""
        )
        click.echo(f"{outcome.appointment_id}: sent to {outcome.recipient}{again}", err=True)
    for outcome in [*report.temporary, *report.permanent]:
        click.echo(
            f"Error: appointment {outcome.appointment_id} ({outcome.recipient}): {outcome.reason}",
            err=True,
        )
    for problem in report.problems:
        click.echo(f"Error: {problem}", err=True)
