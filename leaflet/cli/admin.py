"""`leaflet init`, `leaflet list`, `leaflet check` and `leaflet verify`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

import leaflet
from leaflet.cli.main import resume_collector
from leaflet.cli.options import BRAND, CONTENT_DIR, CONTEXT


@click.command("init", context_settings=CONTEXT)
@click.argument("folder", type=click.Path(path_type=Path))
def init_command(folder: Path) -> None:
    """Make a new clinic workspace in FOLDER: a brand file to fill in, a placeholder
    logo, an editable copy of the content, and leaflet.yaml, which commands run inside
    FOLDER pick up."""
    written = leaflet.init_workspace(folder)
    show = leaflet.display_path
    click.echo(f"Made a leaflet workspace in {show(folder)} ({len(written)} files).")
    click.echo(
        f"Next: edit {show(folder / 'brand.yaml')}, replace {show(folder / 'logo.png')}, "
        f"then run leaflet info inside {show(folder)}."
    )


@click.command("list", context_settings=CONTEXT)
@CONTENT_DIR
def list_command(content_dir: Path | None) -> None:
    """List the treatments, their documents, and the layouts."""
    catalogue = leaflet.catalogue(content_dir)
    click.echo("Treatments:")
    for treatment in catalogue.treatments:
        click.echo(f"  {treatment.slug}: {treatment.summary}")
        click.echo(f"    documents: {', '.join(treatment.documents)}")
        click.echo("    languages:")
        for language in treatment.languages:
            click.echo(f"      {language}")
    click.echo("Layouts:")
    for layout in catalogue.layouts:
        click.echo(f"  {layout.name}: {layout.description}")
    click.echo(f"(layout files in {catalogue.layouts_dir})")


@click.command("check", context_settings=CONTEXT)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--quick",
    is_flag=True,
    help="Check the files only; do not lay every document out on every layout.",
)
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per CPU).")
@CONTENT_DIR
@BRAND
def check_command(
    strict: bool, quick: bool, jobs: int | None, content_dir: Path | None, brand_path: Path | None
) -> None:
    """Check every document, the brand and every layout, lay every document out on
    every layout (overflow, text running into the footer, tri-fold misfits), and report
    every problem (exit 1 on any error; with --strict, on any warning too)."""
    resume_collector()
    findings = leaflet.check_all(
        content_dir, brand_path, strict=strict, lay_out=not quick, jobs=jobs
    )
    for finding in findings:
        click.echo(str(finding))
    click.echo(leaflet.check_summary(findings, content_dir))
    if any(finding.severity == "error" for finding in findings):
        sys.exit(1)


@click.command("verify", context_settings=CONTEXT)
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option(
    "--brand",
    "brand_path",
    type=click.Path(path_type=Path),
    help="The clinic's brand file (default: the built-in example clinic).",
)
@click.option(
    "--password",
    help="The password of a locked PDF, as emailed to a patient [default: asked for on "
    "a terminal].",
)
@CONTENT_DIR
def verify_command(
    pdf: Path, brand_path: Path | None, content_dir: Path | None, password: str | None
) -> None:
    """Say which document and version a PDF came from, and whether the current content
    still gives the same wording (exit 1 when it does not). A PDF locked with a password
    opens with --password, or the password typed when asked."""
    try:
        verdict = leaflet.verify(pdf, brand_path, content_dir, password)
    except leaflet.PasswordNeeded:
        if password is not None or not can_ask():
            raise
        typed = click.prompt(f"Password for {leaflet.display_path(pdf)}", hide_input=True, err=True)
        verdict = leaflet.verify(pdf, brand_path, content_dir, typed)
    click.echo(f"{leaflet.display_path(pdf)}: {verdict.describe()}")
    if not verdict.matches:
        sys.exit(1)


def can_ask() -> bool:
    """Whether someone is at a terminal to type a password."""
    return sys.stdin.isatty()
