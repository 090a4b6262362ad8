"""Reading a booking system's appointment export (CSV) into checked `Appointment`s.

Exports differ: UTF-8 with or without a byte-order mark, commas or semicolons, CRLF line
ends, header names in any case, extra columns. A file that cannot be read at all (not
UTF-8, no header, a required column missing) is one `LeafletError`; a bad row is a
`RowProblem` naming its row and column, and the other rows are still usable.

Row numbers are the ones a spreadsheet shows: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from leaflet.errors import LeafletError, display_path
from leaflet.sources.personal import (
    Personalisation,
    parse_appointment,
    parse_date_of_birth,
    parse_name,
)
from leaflet.sources.reading import MB, UnreadableFile, read_limited
from leaflet.sources.schema.common import email_problem

#: Columns every export must have, in the order problems are reported.
REQUIRED_COLUMNS = (
    "appointment_id",
    "patient_name",
    "date_of_birth",
    "email",
    "treatment",
    "appointment",
    "practitioner",
)
OPTIONAL_COLUMNS = ("layout", "language", "mobile")
#: A day's export is a few KB; this is far more than a year of appointments.
MAX_CSV_BYTES = 20 * MB
#: Other names a column goes by in exports (the first one found is used).
COLUMN_ALIASES = {"phone": "mobile"}
#: Columns whose cells may not be empty.
NON_EMPTY = frozenset({"appointment_id", "patient_name", "treatment", "appointment"})

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
#: Names Windows will not use for a file, whatever the extension.
_RESERVED = frozenset(
    {
        "con",
        "prn",
        "aux",
        "nul",
        *(f"com{i}" for i in range(1, 10)),
        *(f"lpt{i}" for i in range(1, 10)),
    }
)
#: A phone number as people write it: digits, spaces and + ( ) - . between them.
_PHONE = re.compile(r"\+?[0-9][0-9 ().-]*")


@dataclass(frozen=True)
class Appointment:
    """One appointment: who it is for, what to build for it, and where it came from."""

    appointment_id: str
    personal: Personalisation
    treatment: str
    email: str = ""
    layout: str = ""  # empty: the batch's layout
    language: str = ""  # empty: the content's own language
    row: int = 0  # in the CSV file; 0 when built in code
    mobile: str = ""  # as written in the export; its last digits go into the password


@dataclass(frozen=True)
class RowProblem:
    """Why one row (or appointment) could not be used."""

    source: str  # the file, as shown to the user
    row: int
    column: str
    reason: str
    appointment_id: str = ""

    def __str__(self) -> str:
        where = (
            f"{self.source}, row {self.row}"
            if self.row
            else (f"appointment {self.appointment_id or '?'}")
        )
        return (
            f"{where}, column {self.column}: {self.reason}"
            if self.column
            else (f"{where}: {self.reason}")
        )


def read_appointments(path: Path | str) -> tuple[list[Appointment], list[RowProblem]]:
    """The usable appointments in a CSV export, and a problem for every row that is not."""
    path = Path(path)
    source = display_path(path)
    try:
        data = read_limited(path, MAX_CSV_BYTES)
    except UnreadableFile as err:
        problem = "no such file" if str(err) == "file not found" else str(err)
        if problem.startswith("is a folder"):
            problem = "is a folder, not a CSV file"
        raise LeafletError(f"{source}: {problem}") from err
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise LeafletError(
            f"{source}, line {line}: not UTF-8 text (byte {err.start + 1}); "
            "export the appointments as CSV in UTF-8"
        ) from err
    return parse_appointments(text, source)


def parse_appointments(
    text: str,
    source: str = "<appointments>",
) -> tuple[list[Appointment], list[RowProblem]]:
    """`read_appointments` for CSV text already in memory."""
    text = text.removeprefix("\ufeff")
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    records = _records(text, delimiter)
    _, header = next(records, (1, []))
    if isinstance(header, str):
        raise LeafletError(f"{source}, row 1: {header}")
    if not header or not any(cell.strip() for cell in header):
        raise LeafletError(
            f"{source}: empty; expected a header row with the columns {', '.join(REQUIRED_COLUMNS)}"
        )
    columns = _columns(header, source)
    appointments: list[Appointment] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for row_number, cells in records:
        if isinstance(cells, str):  # not valid CSV: this row only
            problems.append(RowProblem(source, row_number, "", cells))
            continue
        if not any(cell.strip() for cell in cells):
            continue  # a blank line is not an appointment
        values = {
            name: cells[index].strip() if index < len(cells) else ""
            for name, index in columns.items()
        }
        row_problems = _check_row(values, row_number, source, seen)
        if row_problems:
            problems += row_problems
        else:
            appointments.append(_appointment(values, row_number))
    return appointments, problems


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str] | str]]:
    """(row number, cells) for each record of CSV text, or (row number, why it is not
    valid CSV). After a bad record, reading starts again on the line after the one it
    began on, so one stray quote costs one row, not the file (or every row after it)."""
    lines = list(io.StringIO(text, newline=""))  # split as the csv module splits
    position, row = 0, 1

    def feed() -> Iterator[str]:
        nonlocal position
        while position < len(lines):
            position += 1
            yield lines[position - 1]

    while position < len(lines):
        reader = csv.reader(feed(), delimiter=delimiter, strict=True)
        start = position
        try:
            for cells in reader:
                yield row, cells
                row, start = row + 1, position
        except csv.Error as err:
            yield row, f"not valid CSV ({err}); check the quotes on this row"
            row, position = row + 1, start + 1


def check_appointment_id(value: str) -> str | None:
    """Why `value` cannot name output files, or None when it can."""
    if not value:
        return "empty; every appointment needs an id"
    if not _SAFE_ID.fullmatch(value) or value.endswith(".") or ".." in value:
        return (
            f"{value!r} cannot be used in a file name; use 1 to 64 letters, digits, "
            "'-', '_' or '.', starting with a letter or digit"
        )
    if value.split(".")[0].lower() in _RESERVED:
        return f"{value!r} is a name Windows reserves for devices; it cannot name a file"
    return None


def check_email(address: str) -> str | None:
    """Why `address` cannot be mailed to, or None: it must look like one (the brand
    file's rule) and be a single address a mail header can carry as it is."""
    return email_problem(address)


def check_mobile(number: str) -> str | None:
    """Why `number` is not a phone number, or None: digits (7 to 15 of them, as in any
    country's numbers) with spaces, + ( ) - or . between them."""
    digits = sum(char.isdigit() for char in number)
    if not _PHONE.fullmatch(number) or not 7 <= digits <= 15:
        return (
            f"{number!r} is not a phone number; expected 7 to 15 digits, with spaces, "
            "+ ( ) - if you like, e.g. 07700 900123 or +44 7700 900123"
        )
    return None


def _columns(header: list[str], source: str) -> dict[str, int]:
    """Where each known column is; extra columns are ignored."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = cell.strip().lower()
        if name in positions:
            raise LeafletError(f"{source}: column {name!r} appears twice in the header row")
        if name in REQUIRED_COLUMNS or name in OPTIONAL_COLUMNS or name in COLUMN_ALIASES:
            positions[name] = index
    for alias, name in COLUMN_ALIASES.items():
        if alias in positions:  # the column's own name wins over an alias
            positions.setdefault(name, positions.pop(alias))
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise LeafletError(
            f"{source}: missing required column{plural} "
            f"{', '.join(missing)} (the header row has: "
            f"{', '.join(cell.strip() for cell in header)})"
        )
    return positions


def _check_row(
    values: dict[str, str], row: int, source: str, seen: dict[str, int]
) -> list[RowProblem]:
    ident = values["appointment_id"]
    problems = []

    def problem(column: str, reason: str) -> None:
        problems.append(RowProblem(source, row, column, reason, ident))

    for column in REQUIRED_COLUMNS:
        if column in NON_EMPTY and not values[column]:
            problem(column, "empty; every appointment needs one")
    if ident:
        if reason := check_appointment_id(ident):
            problem("appointment_id", reason)
        elif ident.lower() in seen:  # file names must differ on any file system
            problem(
                "appointment_id", f"duplicate id {ident!r} (first on row {seen[ident.lower()]})"
            )
        else:
            seen[ident.lower()] = row
    checks = (
        ("patient_name", parse_name),
        ("practitioner", parse_name),
        ("date_of_birth", parse_date_of_birth),
        ("appointment", parse_appointment),
    )
    for column, parse in checks:
        try:
            parse(values[column], column)
        except LeafletError as err:
            problem(column, err.message.removeprefix(f"{column}: "))
    if values["email"] and (reason := check_email(values["email"])):
        problem("email", reason)
    if values.get("mobile") and (reason := check_mobile(values["mobile"])):
        problem("mobile", reason)
    return problems


def _appointment(values: dict[str, str], row: int) -> Appointment:
    personal = Personalisation.from_text(
        values["patient_name"],
        values["date_of_birth"],
        values["appointment"],
        values["practitioner"],
    )
    return Appointment(
        values["appointment_id"],
        personal,
        values["treatment"],
        email=values["email"],
        layout=values.get("layout", ""),
        language=values.get("language", ""),
        row=row,
        mobile=values.get("mobile", ""),
    )
