"""`leaflet info`, `leaflet consent` and `leaflet aftercare`: one document each."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from pathlib import Path

import click

import leaflet
from leaflet.cli.options import BRAND, CONTENT_DIR, CONTEXT, checked, with_options

DOCUMENT_HELP = {
    "info": "Write the treatment information leaflet.",
    "consent": "Write the consent form (pre-filled when personal details are given).",
    "aftercare": "Write the aftercare leaflet.",
}

OPTIONS = [
    click.option(
        "--treatment",
        default="microneedling",
        show_default=True,
        help="Treatment folder in the content folder.",
    ),
    BRAND,
    click.option(
        "--layout",
        default="a4",
        show_default=True,
        help="Page layout: a4, letter, large-print, a5, a5-booklet, dl-trifold... "
        "(leaflet list shows them all).",
    ),
    CONTENT_DIR,
    click.option(
        "--language",
        help="Language of the document, a tag such as en-GB, pl or cy (leaflet list shows "
        "each treatment's) [default: the brand's language].",
    ),
    click.option(
        "--patient-name",
        callback=checked("parse_name"),
        help="Print the patient's name in the document.",
    ),
    click.option(
        "--date-of-birth",
        callback=checked("parse_date_of_birth"),
        help="Patient's date of birth, YYYY-MM-DD.",
    ),
    click.option(
        "--appointment",
        callback=checked("parse_appointment"),
        help="Appointment date and time, e.g. 2026-12-01T10:30.",
    ),
    click.option(
        "--practitioner", callback=checked("parse_name"), help="Name of the practitioner."
    ),
    click.option(
        "--bleed",
        callback=checked("parse_bleed"),
        help="Print-shop file: bleed around each page, e.g. 3mm or 0.125in; "
        "sets TrimBox and BleedBox.",
    ),
    click.option(
        "--crop-marks", is_flag=True, help="Print-shop file: crop marks outside the trim."
    ),
    click.option(
        "--allow-expired",
        is_flag=True,
        help="Build wording past its review date; the PDF then says so.",
    ),
    click.option(
        "--fillable",
        is_flag=True,
        help="Forms only: add PDF form fields to fill in and sign on screen.",
    ),
]


def write_to_standard_output(pdf: leaflet.RenderedPdf) -> None:
    """Write the PDF to standard output; closed (`>&-`), full (`>/dev/full`) or a pipe
    whose reader has gone is one `Error:` line."""
    stream = sys.stdout
    if stream is None:  # Python starts with sys.stdout None when descriptor 1 is closed
        raise leaflet.OutputError("cannot write the PDF to standard output: it is closed")
    try:
        pdf.write(stream.buffer)
    except leaflet.OutputError:
        # What could not be written is still buffered; Python would try again at exit
        # and print a second error. Send it nowhere instead.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        raise


def document_command(name: str) -> click.Command:
    """The command that writes document `name`."""

    def command(
        treatment: str,
        brand_path: Path | None,
        layout: str,
        content_dir: Path | None,
        language: str | None,
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
        pdf = leaflet.build_document(
            name,
            treatment=treatment,
            brand=brand_path,
            layout=layout,
            content_dir=content_dir,
            personal=leaflet.Personalisation(
                patient_name, date_of_birth, appointment, practitioner
            ),
            press=leaflet.PressOptions(bleed, crop_marks),
            allow_expired=allow_expired,
            fillable=fillable,
            language=language,
        )
        _write(pdf, output or Path(f"{treatment}-{name}.pdf"), name)

    output = click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, allow_dash=True),
        help=f"Where to write the PDF; - for standard output [default: ./<treatment>-{name}.pdf].",
    )
    command.__doc__ = DOCUMENT_HELP[name]
    decorated = with_options([*OPTIONS, output], command)
    return click.command(name, context_settings=CONTEXT, help=DOCUMENT_HELP[name])(decorated)


def _write(pdf: leaflet.RenderedPdf, target: Path, name: str) -> None:
    """Write the PDF and say so, after any warning (built in another language)."""
    for warning in pdf.warnings:
        click.echo(f"Warning: {warning}", err=True)
    pages = f"{pdf.page_count} page{'s' if pdf.page_count != 1 else ''}"
    if str(target) == "-":
        write_to_standard_output(pdf)
        click.echo(f"Wrote {name} PDF to standard output ({pages})", err=True)
    else:
        pdf.write(target)
        click.echo(f"Wrote {leaflet.display_path(target)} ({pages})", err=True)
