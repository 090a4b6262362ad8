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
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from pathlib import Path

from leaflet.errors import LeafletError, display_path
from leaflet.sources.personal import (
    Personalisation,
    parse_appointment,
    parse_date_of_birth,
    parse_name,
)
from leaflet.sources.schema import EMAIL_PATTERN

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
OPTIONAL_COLUMNS = ("layout", "language")
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
_EMAIL = re.compile(EMAIL_PATTERN)


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
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise LeafletError(f"{source}: no such file") from err
    except IsADirectoryError as err:
        raise LeafletError(f"{source}: is a folder, not a CSV file") from err
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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise LeafletError(
                f"{source}: empty; expected a header row with the columns "
                f"{', '.join(REQUIRED_COLUMNS)}"
            )
        columns = _columns(header, source)
        appointments: list[Appointment] = []
        problems: list[RowProblem] = []
        seen: dict[str, int] = {}
        for row_number, cells in enumerate(reader, start=2):
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
    except csv.Error as err:
        raise LeafletError(f"{source}, row {reader.line_num}: not valid CSV ({err})") from err
    return appointments, problems


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
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, IndexError, HeaderParseError):
        parsed = None
    if (
        not _EMAIL.fullmatch(address)
        or parsed is None
        or not parsed.domain
        or parsed.addr_spec != address
    ):
        return f"{address!r} is not an email address"
    return None


def _columns(header: list[str], source: str) -> dict[str, int]:
    """Where each known column is; extra columns are ignored."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = cell.strip().lower()
        if name in positions:
            raise LeafletError(f"{source}: column {name!r} appears twice in the header row")
        if name in REQUIRED_COLUMNS or name in OPTIONAL_COLUMNS:
            positions[name] = index
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
    )
