"""`leaflet info`, `leaflet consent` and `leaflet aftercare`: one document each."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

import click

import leaflet
from leaflet.cli.exports import DATE_ORDER
from leaflet.cli.options import BRAND, CONTENT_DIR, CONTEXT, brand_note, checked, with_options

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
        help="Patient's date of birth, e.g. 1985-04-23, 23 April 1985, or 23/04/1985 "
        "in the date order.",
    ),
    click.option(
        "--phone",
        callback=checked("parse_phone"),
        help="Patient's phone number, for a form's phone line.",
    ),
    click.option(
        "--email",
        callback=checked("parse_email"),
        help="Patient's email address, for a form's email line.",
    ),
    click.option(
        "--appointment",
        callback=checked("parse_appointment"),
        help="Appointment date and time, e.g. 2026-12-01T10:30 or 1 December 2026 10:30 AM.",
    ),
    click.option(
        "--practitioner", callback=checked("parse_name"), help="Name of the practitioner."
    ),
    DATE_ORDER,
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

    def command(**options: Any) -> None:
        _write(name, options)

    output = click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, allow_dash=True),
        help=f"Where to write the PDF; - for standard output [default: ./<treatment>-{name}.pdf].",
    )
    command.__doc__ = DOCUMENT_HELP[name]
    decorated = with_options([*OPTIONS, output], command)
    return click.command(name, context_settings=CONTEXT, help=DOCUMENT_HELP[name])(decorated)


#: The options that make up the personal details, in `Personalisation`'s order.
PERSONAL = ("patient_name", "date_of_birth", "appointment", "practitioner", "phone", "email")


def _write(name: str, options: dict[str, Any]) -> None:
    """Build document `name` as the command's `options` say, write it, and say where,
    after any warning (built in another language)."""
    brand = leaflet.load_brand(options["brand_path"])
    pdf = leaflet.build_document(
        name,
        treatment=options["treatment"],
        brand=brand,
        layout=options["layout"],
        content_dir=options["content_dir"],
        personal=leaflet.Personalisation(*(options[key] for key in PERSONAL)),
        press=leaflet.PressOptions(options["bleed"], options["crop_marks"]),
        allow_expired=options["allow_expired"],
        fillable=options["fillable"],
        language=options["language"],
    )
    for warning in pdf.warnings:
        click.echo(f"Warning: {warning}", err=True)
    target = options["output"] or Path(f"{options['treatment']}-{name}.pdf")
    pages = f"{pdf.page_count} page{'s' if pdf.page_count != 1 else ''}"
    if str(target) == "-":
        write_to_standard_output(pdf)
        written = f"Wrote {name} PDF to standard output ({pages})"
    else:
        pdf.write(target)
        written = f"Wrote {leaflet.display_path(target)} ({pages})"
    click.echo(written + brand_note(brand), err=True)
