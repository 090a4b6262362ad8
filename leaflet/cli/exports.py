"""Reading a booking system's export for `leaflet batch` and `leaflet email`, and
`--show-columns`: which column feeds what, and how the dates read."""

from __future__ import annotations

from pathlib import Path

import click

import leaflet

DATE_ORDER = click.option(
    "--date-order",
    type=click.Choice(["day-first", "month-first"]),
    is_eager=True,  # read before the dates given as options are
    help="How the export's dates such as 08/05/1966 read [default: leaflet.yaml's "
    "appointments: setting; without one they are refused, never guessed].",
)
SHOW_COLUMNS = click.option(
    "--show-columns",
    is_flag=True,
    help="Show which column of the export feeds what, and how its dates read; build nothing.",
)


def date_order_of(ctx: click.Context) -> str | None:
    """The date order for dates given as options: --date-order, else the workspace's."""
    given = ctx.params.get("date_order")
    return given if isinstance(given, str) else export_format(None).order


def export_format(
    date_order: str | None, brand: leaflet.Brand | None = None
) -> leaflet.ExportFormat:
    """How the export is written: the workspace's settings, --date-order, and the
    clinic's language when its brand file names one."""
    workspace = click.get_current_context().obj
    export = workspace.export if isinstance(workspace, leaflet.Workspace) else None
    export = (export or leaflet.ExportFormat()).with_order(date_order, "--date-order")
    # The example clinic's language is not the clinic's: its dates are not guessed at.
    if brand is not None and not brand.is_example and "language" in brand.spec.model_fields_set:
        export = export.with_clinic_language(brand.spec.language, brand.path.name)
    return export


def show_columns(path: Path, date_order: str | None, brand: leaflet.Brand) -> None:
    """Print how the export is written, which column feeds what, and how the first
    appointment's dates read."""
    export = export_format(date_order, brand)
    report = leaflet.inspect_export(path, export)
    plural = "s" if report.rows != 1 else ""
    click.echo(
        f"{report.source}: {report.encoding}, {report.separator}, {report.rows} row{plural} "
        "below the header"
    )
    columns = report.columns.columns
    width = max((len(cell) for cell in report.columns.header), default=0) + 2
    names = max(len(name) for name in leaflet.EXPORT_FIELDS) + 2
    by_index = {column.index: column for column in columns.values()}
    for index, header in enumerate(report.columns.header):
        column = by_index.get(index)
        if column is None:
            click.echo(f"  {header:<{width}}(not read)")
            continue
        how = " (leaflet.yaml)" if column.mapped else ""
        purpose = leaflet.EXPORT_FIELDS[column.name].purpose
        click.echo(f"  {header:<{width}}-> {column.name:<{names}}{purpose}{how}")
    parts = {
        "patient_name": ("first_name", "last_name"),
        "appointment": ("appointment_date", "appointment_time"),
    }
    unneeded = {
        name
        for whole, pair in parts.items()
        if whole in columns or any(part in columns for part in pair)
        for name in (whole, *pair)
    }
    absent = [name for name in leaflet.EXPORT_FIELDS if name not in {*columns, *unneeded}]
    if absent:
        click.echo(f"Not in this export: {', '.join(absent)}")
    click.echo(f"Dates: {export.describe_order()}")
    _first_reading(path, export)


def _first_reading(path: Path, export: leaflet.ExportFormat) -> None:
    appointments, problems = leaflet.read_appointments(path, export)
    if appointments:
        first = appointments[0]
        personal = first.personal
        born, when = personal.date_of_birth, personal.appointment
        born_text = f"{born.day} {born:%B %Y}" if born else "(empty)"
        when_text = f"{when:%A} {when.day} {when:%B %Y, %H:%M}" if when else ""
        click.echo(
            f"Row {first.row} reads: date of birth {born_text}; appointment {when_text}; "
            f"treatment {first.treatment}"
        )
    if problems:
        rows = len({problem.row for problem in problems})
        click.echo(
            f"{rows} row{'s' if rows != 1 else ''} cannot be used as they are; the first: "
            f"{problems[0].format_message()}"
        )
