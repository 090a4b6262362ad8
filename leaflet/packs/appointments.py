"""Reading a booking system's appointments export (CSV) into checked `Appointment`s.

Exports differ, and a clinic should not have to edit one by hand: the text encoding,
separator and file kind are worked out in `export_text`, which header feeds which value
in `columns`, and dates are read in the clinic's date order
(`leaflet.sources.written_dates`), all as an `ExportFormat` (from the workspace's
`leaflet.yaml`, or a caller) says. A file that cannot be read at all (empty, binary, no
appointments, a required column missing) is one `LeafletError`; a bad row is a
`RowProblem` naming its row and column, and the other rows are still usable (each row
is read in `rows`, where `Appointment` and `RowProblem` are defined).

Row numbers are the ones a spreadsheet shows: the header is row 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from leaflet.errors import Argument, LeafletError, display_path
from leaflet.packs.columns import ColumnMap, match_columns
from leaflet.packs.export_text import ExportText, NotCsv, decode_export, dialect_of, records
from leaflet.packs.rows import (
    Appointment,
    Reading,
    RowProblem,
    check_appointment_id,
    check_email,
    check_mobile,
    read_row,
)
from leaflet.sources import dates as today_source
from leaflet.sources.exports import ExportFormat
from leaflet.sources.reading import MB, UnreadableFile, read_limited
from leaflet.sources.written_dates import DAY_FIRST, MONTH_FIRST, written_the_other_way

#: A day's export is a few KB; this is far more than a year of appointments.
MAX_CSV_BYTES = 20 * MB
#: Values holding a date, whose order the file as a whole must agree with.
DATE_VALUES = ("date_of_birth", "appointment")


@dataclass(frozen=True)
class ExportReport:
    """What `inspect_export` found: how the file is written and which column feeds what."""

    source: str
    encoding: str
    separator: str  # "commas", "semicolons" or "tabs"
    columns: ColumnMap
    export: ExportFormat
    rows: int  # appointments (rows with anything in them) below the header


def read_appointments(
    path: Path | str, export: ExportFormat | None = None
) -> tuple[list[Appointment], list[RowProblem]]:
    """The usable appointments in an export, and a problem for every row that is not;
    `export` says how the file is written (default: UTF-8, known headers, no date
    order)."""
    export = export or ExportFormat()
    text, source = read_export_text(path, export)
    return parse_appointments(text, source, export)


def read_export_text(path: Path | str, export: ExportFormat | None = None) -> tuple[str, str]:
    """An export's text, decoded as `export` says, and the file's name for problems:
    `parse_appointments(text, source, export)` gives its appointments. (`leaflet batch`
    counts its lines in between, to start the batch's workers while it parses.)"""
    source, text = _read_text(path, export or ExportFormat())
    return text.text, source


def inspect_export(path: Path | str, export: ExportFormat | None = None) -> ExportReport:
    """How an export is written and which of its columns feeds which value."""
    export = export or ExportFormat()
    source, text = _read_text(path, export)
    dialect = dialect_of(text.text)
    rows = records(dialect.text, dialect.separator)
    columns = _header(next(rows, (1, [])), source, export)
    count = sum(
        1 for _, cells in rows if isinstance(cells, NotCsv) or any(c.strip() for c in cells)
    )
    return ExportReport(source, text.encoding, dialect.description, columns, export, count)


def parse_appointments(
    text: str, source: str = "<appointments>", export: ExportFormat | None = None
) -> tuple[list[Appointment], list[RowProblem]]:
    """`read_appointments` for CSV text already in memory."""
    export = export or ExportFormat()
    dialect = dialect_of(text)
    rows = records(dialect.text, dialect.separator)
    columns = _header(next(rows, (1, [])), source, export)
    appointments: list[Appointment] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    dates: list[tuple[tuple[int, str], str]] = []  # ((row, column), date as written)
    order = export.order
    labels = columns.labels(("treatment", "layout"))
    reading = Reading(source, columns, order, labels, today_source.today())
    for row_number, cells in rows:
        if isinstance(cells, NotCsv):  # this row only
            column = "" if cells.column is None else columns.label_at(cells.column)
            problems.append(RowProblem(source, row_number, column, cells.reason))
            continue
        if not "".join(cells).strip():
            continue  # a blank line is not an appointment
        values = columns.values(cells)
        if order is not None:  # only a known order is checked against the file's dates
            dates += [((row_number, name), values.get(name, "")) for name in DATE_VALUES]
        read = read_row(values, row_number, reading, seen)
        if isinstance(read, Appointment):
            appointments.append(read)
        else:
            problems += read
    if not appointments and not problems:
        raise LeafletError(
            f"{source}: no appointments below the header row; export a day that has "
            "appointments booked"
        )
    _check_order(dates, source, columns, export)
    return appointments, problems


def _check_order(
    dates: list[tuple[tuple[int, str], str]], source: str, columns: ColumnMap, export: ExportFormat
) -> None:
    """Refuse a file whose dates are written in the other order than the one expected:
    read as they are, its dates such as 05/08/1966 would be misread without a word."""
    order = export.order
    if order is None or not (found := written_the_other_way(dates, order)):
        return
    (row, name), text = found
    other = MONTH_FIRST if order == DAY_FIRST else DAY_FIRST
    raise LeafletError(
        f"{source}: this export writes dates {other.replace('-', ' ')}: row {row}, column "
        f"{columns.label(name)} holds {text!r}. Its dates were to be read "
        f"{export.describe_order()}; read that way, dates such as 05/08/1966 would be "
        "misread. Set ",
        Argument(
            f"date_order={other!r}",
            f"date_order: {other} under appointments: in leaflet.yaml, or --date-order {other}",
        ),
    )


def _read_text(path: Path | str, export: ExportFormat) -> tuple[str, ExportText]:
    path = Path(path)
    source = display_path(path)
    try:
        data = read_limited(path, MAX_CSV_BYTES)
    except UnreadableFile as err:
        problem = "no such file" if str(err) == "file not found" else str(err)
        if problem.startswith("is a folder"):
            problem = "is a folder, not a CSV file"
        raise LeafletError(f"{source}: {problem}") from err
    return source, decode_export(data, source, export.encoding)


def _header(first: tuple[int, list[str] | NotCsv], source: str, export: ExportFormat) -> ColumnMap:
    _, header = first
    if isinstance(header, NotCsv):
        raise LeafletError(f"{source}, row 1: {header.reason}")
    if not any(cell.strip() for cell in header):
        raise LeafletError(f"{source}: no header row; the first line is empty")
    return match_columns(header, export, source)


__all__ = [
    "Appointment",
    "ExportReport",
    "RowProblem",
    "check_appointment_id",
    "check_email",
    "check_mobile",
    "inspect_export",
    "parse_appointments",
    "read_appointments",
    "read_export_text",
]
