"""The `leaflet` command line: a thin layer over the library API.

Each command parses options, calls the library and reports one line; errors are
`LeafletError`s, which Click prints without a traceback and turns into a non-zero exit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import click

import leaflet
from leaflet.errors import display_path
from leaflet.render.press import PressOptions
from leaflet.render.provenance import verify
from leaflet.sources.bundled import LAYOUTS_DIR
from leaflet.sources.content import DOCUMENTS
from leaflet.sources.personal import parse_appointment, parse_date_of_birth, parse_name
from leaflet.sources.workspace import find_workspace, init_workspace

CONTEXT = {"help_option_names": ["-h", "--help"]}


def _checked(parse):
    """A Click callback running a library parser, so errors name the option."""

    def callback(ctx: click.Context, param: click.Parameter, value):
        try:
            return parse(value, param.opts[0])
        except leaflet.LeafletError as err:
            message = err.message.removeprefix(f"{param.opts[0]}: ")
            raise click.BadParameter(message, ctx, param) from None

    return callback


DOCUMENT_HELP = {
    "info": "Write the treatment information leaflet.",
    "consent": "Write the consent form (pre-filled when personal details are given).",
    "aftercare": "Write the aftercare leaflet.",
}


@click.group(context_settings=CONTEXT)
@click.version_option(leaflet.__version__, "--version", prog_name="leaflet")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Branded, print-ready PDF patient leaflets from structured clinic content.

    One command per document: info, consent and aftercare. With no options they write
    the microneedling documents for the built-in example clinic on A4. Inside a folder
    made by `leaflet init`, they use that folder's brand, content and layout.
    """
    workspace = find_workspace()
    if workspace is not None:
        # Options given on the command line still win over the workspace's defaults.
        defaults = workspace.defaults()
        ctx.default_map = {
            name: defaults for name in (*DOCUMENTS, "list", "verify", "check", "batch", "email")
        }


@main.command("init", context_settings=CONTEXT)
@click.argument("folder", type=click.Path(path_type=Path))
def init_command(folder: Path) -> None:
    """Make a new clinic workspace in FOLDER: a brand file to fill in, a placeholder
    logo, an editable copy of the content, and leaflet.yaml, which commands run inside
    FOLDER pick up."""
    written = init_workspace(folder)
    click.echo(f"Made a leaflet workspace in {display_path(folder)} ({len(written)} files).")
    click.echo(
        f"Next: edit {display_path(folder / 'brand.yaml')}, replace "
        f"{display_path(folder / 'logo.png')}, then run leaflet info inside "
        f"{display_path(folder)}."
    )


def _document_command(name: str) -> click.Command:
    @click.option(
        "--treatment",
        default="microneedling",
        show_default=True,
        help="Treatment folder in the content folder.",
    )
    @click.option(
        "--brand",
        "brand_path",
        type=click.Path(path_type=Path),
        help="A clinic's brand file (default: the built-in example clinic).",
    )
    @click.option(
        "--layout",
        default="a4",
        show_default=True,
        help="Page layout: a4, letter, large-print, a5, a5-booklet, dl-trifold... "
        "(leaflet list shows them all).",
    )
    @click.option(
        "--content-dir",
        type=click.Path(path_type=Path),
        help="A clinic's own content folder instead of the built-in one.",
    )
    @click.option(
        "--patient-name",
        callback=_checked(parse_name),
        help="Print the patient's name in the document.",
    )
    @click.option(
        "--date-of-birth",
        callback=_checked(parse_date_of_birth),
        help="Patient's date of birth, YYYY-MM-DD.",
    )
    @click.option(
        "--appointment",
        callback=_checked(parse_appointment),
        help="Appointment date and time, e.g. 2026-12-01T10:30.",
    )
    @click.option("--practitioner", callback=_checked(parse_name), help="Name of the practitioner.")
    @click.option(
        "--bleed",
        callback=_checked(PressOptions.parse_bleed),
        help="Print-shop file: bleed around each page, e.g. 3mm or 0.125in; "
        "sets TrimBox and BleedBox.",
    )
    @click.option(
        "--crop-marks", is_flag=True, help="Print-shop file: crop marks outside the trim."
    )
    @click.option(
        "--allow-expired",
        is_flag=True,
        help="Build wording past its review date; the PDF then says so.",
    )
    @click.option(
        "--fillable",
        is_flag=True,
        help="Forms only: add PDF form fields to fill in and sign on screen.",
    )
    @click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, allow_dash=True),
        help=f"Where to write the PDF; - for standard output [default: ./<treatment>-{name}.pdf].",
    )
    def command(
        treatment: str,
        brand_path: Path | None,
        layout: str,
        content_dir: Path | None,
        patient_name: str,
        date_of_birth: dt.date | None,
        appointment: dt.datetime | None,
        practitioner: str,
        bleed: float,
        crop_marks: bool,
        allow_expired: bool,
        fillable: bool,
        output: Path | None,
    ) -> None:
        personal = leaflet.Personalisation(patient_name, date_of_birth, appointment, practitioner)
        document = leaflet.load_treatment(treatment, content_dir).document(name)
        pdf = leaflet.render_pdf(
            document,
            leaflet.load_brand(brand_path),
            leaflet.load_layout(layout),
            personal,
            PressOptions(bleed, crop_marks),
            allow_expired=allow_expired,
            fillable=fillable,
        )
        target = output or Path(f"{treatment}-{name}.pdf")
        pages = f"{pdf.page_count} page{'s' if pdf.page_count != 1 else ''}"
        if str(target) == "-":
            pdf.write(sys.stdout.buffer)
            click.echo(f"Wrote {name} PDF to standard output ({pages})", err=True)
        else:
            pdf.write(target)
            click.echo(f"Wrote {display_path(target)} ({pages})", err=True)

    command.__doc__ = DOCUMENT_HELP[name]
    return click.command(name, context_settings=CONTEXT, help=DOCUMENT_HELP[name])(command)


for _name in DOCUMENTS:
    main.add_command(_document_command(_name))


@main.command("list", context_settings=CONTEXT)
@click.option(
    "--content-dir",
    type=click.Path(path_type=Path),
    help="A clinic's own content folder instead of the built-in one.",
)
def list_command(content_dir: Path | None) -> None:
    """List the treatments, their documents, and the layouts."""
    click.echo("Treatments:")
    for slug in leaflet.known_treatments(content_dir):
        treatment = leaflet.load_treatment(slug, content_dir)
        click.echo(f"  {slug}: {treatment.spec.summary}")
        click.echo(f"    documents: {', '.join(treatment.available())}")
    click.echo("Layouts:")
    for name in leaflet.known_layouts():
        click.echo(f"  {name}: {leaflet.load_layout(name).spec.description}")
    click.echo(f"(layout files in {LAYOUTS_DIR})")


@main.command("check", context_settings=CONTEXT)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--content-dir",
    type=click.Path(path_type=Path),
    help="A clinic's own content folder instead of the built-in one.",
)
@click.option(
    "--brand",
    "brand_path",
    type=click.Path(path_type=Path),
    help="A clinic's brand file (default: the built-in example clinic).",
)
def check_command(strict: bool, content_dir: Path | None, brand_path: Path | None) -> None:
    """Check every document, the brand and every layout, and report every problem
    (exit 1 on any error; with --strict, on any warning too)."""
    from leaflet.check import check_all, summary

    findings = check_all(content_dir, brand_path, strict=strict)
    for finding in findings:
        click.echo(str(finding))
    click.echo(summary(findings, content_dir))
    if any(finding.severity == "error" for finding in findings):
        sys.exit(1)


@main.command("verify", context_settings=CONTEXT)
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option(
    "--brand",
    "brand_path",
    type=click.Path(path_type=Path),
    help="The clinic's brand file (default: the built-in example clinic).",
)
@click.option(
    "--content-dir",
    type=click.Path(path_type=Path),
    help="A clinic's own content folder instead of the built-in one.",
)
def verify_command(pdf: Path, brand_path: Path | None, content_dir: Path | None) -> None:
    """Say which document and version a PDF came from, and whether the current content
    still gives the same wording (exit 1 when it does not)."""
    verdict = verify(pdf, leaflet.load_brand(brand_path), content_dir)
    click.echo(f"{display_path(pdf)}: {verdict.describe()}")
    if not verdict.matches:
        sys.exit(1)


def _document_list(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in DOCUMENTS]
    if unknown or not names:
        raise click.BadParameter(
            f"{', '.join(unknown) or 'none given'}; choose from "
            f"{','.join(DOCUMENTS)} (comma-separated)",
            ctx,
            param,
        )
    return names


def _appointment_sources(command):
    """--layout, --brand and --content-dir, as the commands reading appointments take them."""
    options = [
        click.option(
            "--layout",
            default="a4",
            show_default=True,
            help="Layout for rows whose layout column is empty.",
        ),
        click.option(
            "--brand",
            "brand_path",
            type=click.Path(path_type=Path),
            help="A clinic's brand file (default: the built-in example clinic).",
        ),
        click.option(
            "--content-dir",
            type=click.Path(path_type=Path),
            help="A clinic's own content folder instead of the built-in one.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@main.command("batch", context_settings=CONTEXT)
@click.argument("appointments", type=click.Path(path_type=Path))
@click.option(
    "--out-dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder for the PDFs and manifest.csv (made if missing).",
)
@click.option(
    "--jobs", type=click.IntRange(min=1), help="Worker processes [default: the number of CPUs]."
)
@click.option(
    "--documents",
    default=",".join(DOCUMENTS),
    show_default=True,
    callback=_document_list,
    help="Which documents to build, comma-separated.",
)
@click.option("--force", is_flag=True, help="Build every file again, even if already built.")
@_appointment_sources
def batch_command(
    appointments: Path,
    out_dir: Path,
    jobs: int | None,
    documents: tuple[str, ...],
    force: bool,
    layout: str,
    brand_path: Path | None,
    content_dir: Path | None,
) -> None:
    """Build every patient's documents for the appointments in a CSV export.

    Files are named by appointment id and document (A1023-consent.pdf), listed in
    OUT_DIR/manifest.csv. Rows that cannot be used are reported and the rest are built;
    run it again after fixing them (or after an interruption) and it builds only what is
    missing. Exit status 1 when any row failed."""
    from leaflet.packs.appointments import read_appointments
    from leaflet.packs.batch import BatchSettings, build_batch

    usable, problems = read_appointments(appointments)
    for problem in problems:
        click.echo(f"Error: {problem}", err=True)
    settings = BatchSettings(brand_path, content_dir, layout, documents)
    with _BatchProgress() as progress, _terminate_as_interrupt():
        try:
            result = build_batch(
                usable,
                out_dir,
                settings=settings,
                jobs=jobs,
                force=force,
                progress=progress,
                source=display_path(appointments),
            )
        except KeyboardInterrupt:
            progress.finish()
            click.echo(
                f"Interrupted. The files finished so far are in {display_path(out_dir)}"
                "; run the same command again to build the rest.",
                err=True,
            )
            sys.exit(130)
    for problem in result.problems:
        click.echo(f"Error: {problem}", err=True)
    failed = result.failed_appointments + len({p.row for p in problems})
    built = len(result.built)
    summary = (
        f"Built {built} file{'s' if built != 1 else ''} in {display_path(out_dir)}"
        f" ({len(result.skipped)} already built)"
        f"; {failed} row{'s' if failed != 1 else ''} failed."
        f" Manifest: {display_path(result.manifest)}"
    )
    click.echo(summary, err=True)
    if failed:
        sys.exit(1)


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


@main.command("email", context_settings=CONTEXT)
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
@click.option(
    "--documents",
    default=",".join(DOCUMENTS),
    show_default=True,
    callback=_document_list,
    help="Which documents to attach, comma-separated.",
)
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
    help="Worker processes for building missing PDFs [default: CPUs].",
)
@_appointment_sources
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
    from leaflet.mail.delivery import deliver, find_packs
    from leaflet.mail.ledger import LEDGER_NAME
    from leaflet.mail.messages import Pack
    from leaflet.mail.transports import OutboxTransport, SmtpTransport
    from leaflet.packs.appointments import read_appointments
    from leaflet.packs.batch import BatchSettings, build_batch

    usable, problems = read_appointments(appointments)
    source = display_path(appointments)
    for problem in problems:
        click.echo(f"Error: {problem}", err=True)
    with_email = [item for item in usable if item.email]
    settings = BatchSettings(brand_path, content_dir, layout, documents)
    with _BatchProgress() as progress:
        built = build_batch(
            with_email, out_dir, settings=settings, jobs=jobs, progress=progress, source=source
        )
    for problem in built.problems:
        click.echo(f"Error: {problem}", err=True)
    failed = {problem.appointment_id for problem in built.problems}
    packs, _ = find_packs(
        [item for item in with_email if item.appointment_id not in failed], out_dir, documents
    )
    packs += [Pack(item, ()) for item in usable if not item.email]
    if dry_run:
        transport = None
    elif smtp_server is not None:
        transport = SmtpTransport(
            *smtp_server, security=smtp_security, username=smtp_user, ca_file=smtp_ca_file
        )
    else:
        transport = OutboxTransport(outbox or out_dir / "outbox")
    report = deliver(
        packs,
        leaflet.load_brand(brand_path),
        transport=transport,
        ledger_path=out_dir / LEDGER_NAME,
        content_dir=content_dir,
        dry_run=dry_run,
        attempts=attempts,
    )
    for planned in report.planned:
        files = ", ".join(
            f"{name}{' (locked)' if locked else ''}" for name, locked in planned.attachments
        )
        click.echo(f"{planned.appointment_id}: to {planned.recipient}: {files}")
    for outcome in report.sent:
        click.echo(f"{outcome.appointment_id}: sent to {outcome.recipient}", err=True)
    for outcome in [*report.temporary, *report.permanent]:
        click.echo(
            f"Error: appointment {outcome.appointment_id} ({outcome.recipient}): {outcome.reason}",
            err=True,
        )
    for problem in report.problems:
        click.echo(f"Error: {problem}", err=True)
    where = (
        "" if dry_run or smtp_server else (f" (in {display_path(outbox or out_dir / 'outbox')})")
    )
    click.echo(f"Email: {report.summary()}{where}.", err=True)
    if problems or built.problems or not report.ok:
        sys.exit(1)


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Stop on `kill` (SIGTERM) as on Ctrl-C: cancel what has not started, keep what is
    finished and say so, rather than die between two files."""

    def interrupt(signum, frame) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _BatchProgress:
    """A progress bar on a terminal; otherwise a line at every tenth of the way."""

    def __init__(self) -> None:
        self.bar = None
        self.reported = 0
        self.interactive = sys.stderr.isatty()

    def __enter__(self) -> _BatchProgress:
        return self

    def __exit__(self, *exc_info) -> None:
        self.finish()

    def __call__(self, done: int, total: int) -> None:
        if self.interactive:
            if self.bar is None:
                self.bar = click.progressbar(
                    length=total, label="Building", file=sys.stderr, show_pos=True, show_eta=False
                )
                self.bar.__enter__()
            self.bar.update(done - self.bar.pos)
        elif done and (done * 10 // total > self.reported or done == total):
            self.reported = done * 10 // total
            click.echo(f"Built {done} of {total} files", err=True)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
