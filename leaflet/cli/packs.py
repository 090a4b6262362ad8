"""`leaflet batch`: every patient's documents for a day's appointments, from an export.

What `leaflet batch` and `leaflet email` share lives here too: the output folder, the
documents option, loading the brand once and the problems each prints."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any, NamedTuple

import click

import leaflet
from leaflet.cli import exports
from leaflet.cli.exports import SHOW_COLUMNS
from leaflet.cli.main import resume_collector
from leaflet.cli.options import (
    CONTEXT,
    Decorator,
    appointment_sources,
    brand_note,
    document_list,
)
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
    help="Folder for the PDFs and manifest.csv (made if missing, for its owner only).  [required]",
)


def documents_option(purpose: str) -> Decorator:
    return click.option(
        "--documents",
        default=",".join(leaflet.DOCUMENTS),
        show_default=True,
        callback=document_list,
        help=f"Which documents to {purpose}, comma-separated.",
    )


def need_out_dir(out_dir: Path | None) -> Path:
    if out_dir is None:
        raise click.UsageError("Missing option '--out-dir'.")
    return out_dir


def settings_of(options: dict[str, Any]) -> tuple[leaflet.BatchSettings, leaflet.Brand]:
    """The batch settings the options give, with the brand loaded once (its name goes on
    the summary line)."""
    brand = leaflet.load_brand(options["brand_path"])
    settings = leaflet.BatchSettings(
        content_dir=options["content_dir"],
        layout=options["layout"],
        documents=options["documents"],
        brand=brand,
        fillable=options["fillable"],
    )
    return settings, brand


class ExportRun(NamedTuple):
    """What `leaflet batch` and `leaflet email` start from: the settings, the brand
    loaded once, the output folder and the export's appointments (unusable rows already
    reported), and the batch's jobs if they were started early (`start_run`)."""

    settings: leaflet.BatchSettings
    brand: leaflet.Brand
    out_dir: Path
    usable: list[leaflet.Appointment]
    problems: list[leaflet.RowProblem]
    jobs: leaflet.ForkedJobs | leaflet.WorkerPool | None = None


def start_run(
    appointments: Path, options: dict[str, Any], *, start_jobs: bool = False
) -> ExportRun | None:
    """The run the options describe; None when --show-columns has said its piece. With
    `start_jobs`, the batch's jobs start once the export is read, before it is parsed
    and planned, when its size (each line an appointment, each document stamped) or
    --jobs says it wants them (`leaflet.packs.batch.start_jobs`); the caller closes
    them."""
    settings, brand = settings_of(options)
    if options["show_columns"]:
        exports.show_columns(appointments, options["date_order"], brand)
        return None
    out_dir = need_out_dir(options["out_dir"])
    export = exports.export_format(options["date_order"], brand)
    text, source = leaflet.read_export_text(appointments, export)
    jobs = None
    # The jobs fork here, not as soon as the command line is parsed: a job forked then
    # would import the batch and rendering code and load the brand itself, which is the
    # work this process has done by now (measured in fresh processes: builder's imports,
    # which a job needs, 0.40 s of the 0.45 s that importing the batch code takes, and
    # loading the brand, 0.11 s); forked here, it inherits them. Forking earlier would
    # spare the other core only the rest (about 0.05 s of imports and reading the
    # export), load the brand twice, and the job would be ready no sooner.
    if start_jobs:
        documents = text.count("\n") * len(settings.documents)
        jobs = leaflet.start_jobs(settings, options["jobs"], stamped=documents)
    try:
        usable, problems = leaflet.parse_appointments(text, source, export)
    except BaseException:
        if jobs is not None:
            jobs.close()
        raise
    echo_errors(problems)
    return ExportRun(settings, brand, out_dir, usable, problems, jobs)


def echo_errors(problems: list[leaflet.RowProblem]) -> None:
    for problem in problems:
        click.echo(f"Error: {problem.format_message()}", err=True)


def echo_problems(result: leaflet.BatchResult) -> None:
    echo_errors(result.problems)
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)


@click.command("batch", context_settings=CONTEXT)
@click.argument("appointments", type=click.Path(path_type=Path))
@OUT_DIR
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes; 1 builds in this process [default: 1 for a small batch, "
    "else the number of CPUs].",
)
@documents_option("build")
@click.option("--force", is_flag=True, help="Build every file again, even if already built.")
@FILLABLE
@SHOW_COLUMNS
@appointment_sources
def batch_command(appointments: Path, **options: Any) -> None:
    """Build every patient's documents for the appointments in a CSV export.

    The export can come straight from the booking system: headers are matched ignoring
    case and punctuation, dates read in the clinic's date order (leaflet.yaml), and
    --show-columns says which column feeds what. Files are named by appointment id and
    document (A1023-consent.pdf), listed in OUT_DIR/manifest.csv. Rows that cannot be
    used are reported and the rest are built; run it again after fixing them (or after
    an interruption) and it builds only what is missing. Exit status 1 when any row
    failed."""
    resume_collector()
    run = start_run(appointments, options, start_jobs=True)
    if run is None:
        return
    _, brand, out_dir, _, problems, jobs = run
    with contextlib.closing(jobs) if jobs is not None else contextlib.nullcontext():
        result = _build(run, appointments, options)
    echo_problems(result)
    failed = result.failed_appointments + len({p.row for p in problems})
    _summary(result, out_dir, failed, brand)
    if failed:
        sys.exit(1)


def _build(run: ExportRun, appointments: Path, options: dict[str, Any]) -> leaflet.BatchResult:
    settings, _, out_dir, usable, _, jobs = run
    with BatchProgress() as progress, terminate_as_interrupt():
        try:
            return leaflet.build_batch(
                usable,
                out_dir,
                settings=settings,
                jobs=options["jobs"],
                force=options["force"],
                progress=progress,
                source=leaflet.display_path(appointments),
                pool=jobs,
            )
        except KeyboardInterrupt:
            progress.finish()
            click.echo(
                f"Interrupted. The files finished so far are in {leaflet.display_path(out_dir)}"
                "; run the same command again to build the rest.",
                err=True,
            )
            sys.exit(130)


def _summary(result: leaflet.BatchResult, out_dir: Path, failed: int, brand: leaflet.Brand) -> None:
    built = len(result.built)
    manifest = leaflet.display_path(result.manifest or out_dir)
    click.echo(
        f"Built {built} file{'s' if built != 1 else ''} in {leaflet.display_path(out_dir)}"
        f" ({len(result.skipped)} already built)"
        f"; {failed} row{'s' if failed != 1 else ''} failed{other_languages(result)}."
        f" Manifest: {manifest}{brand_note(brand)}",
        err=True,
    )


def other_languages(result: leaflet.BatchResult) -> str:
    """`; 2 rows built in English, not the clinic's language` for the summary line."""
    count = len(result.warnings)
    if not count:
        return ""
    return f"; {count} row{'s' if count != 1 else ''} built in English, not the clinic's language"
