"""Reading a booking system's appointments export (CSV) into checked `Appointment`s.

Exports differ, and a clinic should not have to edit one by hand: the text encoding,
separator and file kind are worked out in `export_text`, which header feeds which value
in `columns`, and dates are read in the clinic's date order
(`leaflet.sources.written_dates`), all as an `ExportFormat` (from the workspace's
`leaflet.yaml`, or a caller) says. A file that cannot be read at all (empty, binary, no
appointments, a required column missing) is one `LeafletError`; a bad row is a
`RowProblem` naming its row and column, and the other rows are still usable.

Row numbers are the ones a spreadsheet shows: the header is row 1.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from leaflet.errors import Argument, LeafletError, display_path
from leaflet.packs.columns import ColumnMap, match_columns
from leaflet.packs.export_text import ExportText, NotCsv, decode_export, dialect_of, records
from leaflet.sources import dates as today_source
from leaflet.sources.exports import ExportFormat
from leaflet.sources.personal import (
    MAX_NAME,
    Personalisation,
    check_name,
    email_address_problem,
    parse_appointment,
    parse_date_of_birth,
    parse_name,
    phone_problem,
)
from leaflet.sources.reading import MB, UnreadableFile, read_limited
from leaflet.sources.schema.checks import has_control_character, plainly_valid
from leaflet.sources.written_dates import (
    DAY_FIRST,
    MONTH_FIRST,
    DateProblem,
    read_date,
    read_datetime,
    written_the_other_way,
)

Parsed = TypeVar("Parsed")
Made = TypeVar("Made")
#: A day's export is a few KB; this is far more than a year of appointments.
MAX_CSV_BYTES = 20 * MB
#: Values holding a date, whose order the file as a whole must agree with.
DATE_VALUES = ("date_of_birth", "appointment")
#: Values whose cells may not be empty.
NON_EMPTY = ("appointment_id", "patient_name", "treatment", "appointment")
#: The most a treatment, layout or language cell holds: far above any real name.
MAX_CHOICE = 200

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


@dataclass(frozen=True)
class Appointment:
    """One appointment: who it is for, what to build for it, and where it came from.

    Made directly (by a booking system calling the library), its fields are checked as
    a CSV row's are, each problem a `LeafletError` naming the field. `mobile` (its last
    digits go into the email password) and `email` also fill the forms' phone and email
    lines, unless `personal` has its own."""

    appointment_id: str
    personal: Personalisation
    treatment: str
    email: str = ""
    layout: str = ""  # empty: the batch's layout
    language: str = ""  # empty: the content's own language
    row: int = 0  # in the CSV file; 0 when built in code
    mobile: str = ""  # as written in the export
    #: The export's header for each value, for problems: {"treatment": "Service"}.
    headers: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.appointment_id, str):
            raise LeafletError(f"appointment_id: {self.appointment_id!r} is not text")
        if reason := check_appointment_id(self.appointment_id):
            raise LeafletError(f"appointment_id: {reason}")
        if not isinstance(self.personal, Personalisation):
            raise LeafletError(
                f"personal: expected a Personalisation, not {type(self.personal).__name__}"
            )
        for name in ("treatment", "layout", "language", "email", "mobile"):
            check_name(getattr(self, name), name)
        if not self.treatment.strip():
            raise LeafletError("treatment: empty; every appointment needs one")
        for name in ("treatment", "layout", "language"):
            if len(getattr(self, name)) > MAX_CHOICE:
                raise LeafletError(f"{name}: longer than {MAX_CHOICE} characters")
        if self.email and (reason := check_email(self.email)):
            raise LeafletError(f"email: {reason}")
        if self.mobile and (reason := phone_problem(self.mobile)):
            raise LeafletError(f"mobile: {reason}")
        if not isinstance(self.row, int) or self.row < 0:
            raise LeafletError(f"row: {self.row!r} is not a row number")
        personal = self.personal  # the forms' phone and email lines, unless it has its own
        if (self.mobile and not personal.phone) or (self.email and not personal.email):
            filled = replace(
                personal, phone=personal.phone or self.mobile, email=personal.email or self.email
            )
            object.__setattr__(self, "personal", filled)

    def label(self, name: str) -> str:
        """How a problem names the column of value `name`: the export's header, with
        leaflet's name when they differ."""
        header = self.headers.get(name)
        return header or name


@dataclass(frozen=True)
class RowProblem:
    """Why one row (or appointment) could not be used. `reason` names what to pass as a
    Python argument; `option_reason`, when given, as the command line's option."""

    source: str  # the file, as shown to the user
    row: int
    column: str
    reason: str
    appointment_id: str = ""
    option_reason: str = field(default="", compare=False)

    def __str__(self) -> str:
        return self._describe(self.reason)

    def format_message(self) -> str:
        """The problem as the command line shows it, naming options and settings."""
        return self._describe(self.option_reason or self.reason)

    def _describe(self, reason: str) -> str:
        if self.row and self.source:
            where = f"{self.source}, row {self.row}"
        else:  # found after reading (sending): the appointment, and its row if known
            row = f" (row {self.row})" if self.row else ""
            where = f"appointment {self.appointment_id or '?'}{row}"
        return f"{where}, column {self.column}: {reason}" if self.column else f"{where}: {reason}"

    @classmethod
    def from_error(
        cls, source: str, row: int, column: str, err: LeafletError, appointment_id: str = ""
    ) -> RowProblem:
        """The problem an error names, without the field name it starts with."""
        prefixes = (f"{column}: ", f"{column.replace('_', ' ')}: ")
        reason, option = err.message, err.format_message()
        for prefix in prefixes:
            reason, option = reason.removeprefix(prefix), option.removeprefix(prefix)
        return cls(source, row, column, reason, appointment_id, option)


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
    reading = _Reading(source, columns, order, labels, today_source.today())
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
        appointment = _read_plain(values, row_number, reading, seen)
        if appointment is None:  # something to say about it, or a value read the long way
            reader = _RowReader(values, row_number, reading)
            appointment = reader.read(seen)
            if appointment is None:
                problems += reader.problems
                continue
        appointments.append(appointment)
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
    """Why `address` cannot be mailed to, or None: one address by the mail standards;
    international characters are fine anywhere (see `leaflet.mail.transports` for the
    servers that take them before the @)."""
    return email_address_problem(address)


def check_mobile(number: str) -> str | None:
    """Why `number` is not a phone number, or None (see `phone_problem`)."""
    return phone_problem(number)


@dataclass(frozen=True)
class _Reading:
    """What every row of one export is read with, worked out once for the file."""

    source: str
    columns: ColumnMap
    order: str | None  # the date order
    headers: Mapping[str, str]  # each appointment's `headers` (one mapping: none changes it)
    today: dt.date  # when the file's reading began: no date of birth may be after it


def _read_plain(
    values: dict[str, str], row: int, reading: _Reading, seen: dict[str, int]
) -> Appointment | None:
    """The row's appointment when each of its values passes every check reading it
    makes, made without `Personalisation`'s and `Appointment`'s own repeat of those
    checks (a third of the time a row took); None for any other row, which `_RowReader`
    then reads from the start, to the same appointment or a problem for each value.

    So that the two readings cannot differ, this reads each value with what the row
    reader uses, and makes the objects only when none of them fails;
    tests/test_exports.py holds the two readings equal."""
    ident, treatment, written = values["appointment_id"], values["treatment"], values["appointment"]
    if not (ident and treatment and written and values["patient_name"]):
        return None
    folded_id = ident.lower()  # file names must differ on any file system
    if check_appointment_id(ident) or folded_id in seen:
        return None
    name = " ".join(values["patient_name"].split())  # as `parse_name` folds them
    practitioner = " ".join(values.get("practitioner", "").split())
    email, mobile = values.get("email", ""), values.get("mobile", "")
    layout, language = values.get("layout", ""), values.get("language", "")
    texts = (name, practitioner, treatment, layout, language, email, mobile)
    if max(map(len, texts)) > _LONGEST:
        return None
    joined = "".join(texts)  # printable text has no control characters: asked first, in C
    if not joined.isprintable() and has_control_character(joined):
        return None
    # A plainly valid address is one `email_address_problem` passes; asked first, it
    # spares each row's new address a miss in that function's cache.
    if email and not plainly_valid(email) and email_address_problem(email):
        return None
    if mobile and phone_problem(mobile):
        return None
    try:
        born_text = values.get("date_of_birth", "")
        born = read_date(born_text, reading.order) if born_text else None
        when = read_datetime(written, reading.order)
    except DateProblem:
        return None
    if born is not None and born > reading.today:  # the row reader says it is in the future
        return None
    seen[folded_id] = row
    personal = _made(
        Personalisation,
        patient_name=name,
        date_of_birth=born,
        appointment=when,
        practitioner=practitioner,
        phone=mobile,  # the forms' phone and email lines, as `Appointment` fills them in
        email=email,
    )
    return _made(
        Appointment,
        appointment_id=ident,
        personal=personal,
        treatment=treatment,
        email=email,
        layout=layout,
        language=language,
        row=row,
        mobile=mobile,
        headers=reading.headers,
    )


#: The longest name, choice (treatment, layout, language), address or number taken.
_LONGEST = min(MAX_NAME, MAX_CHOICE)


def _made(cls: type[Made], **fields: Any) -> Made:
    """An instance of the frozen dataclass `cls` with `fields` (all of them), made
    without its `__post_init__`: for values that have passed its checks already."""
    made = object.__new__(cls)
    made.__dict__.update(fields)
    return made


class _RowReader:
    """Reads one row's values into an `Appointment`, collecting every problem."""

    def __init__(self, values: dict[str, str], row: int, reading: _Reading) -> None:
        self.values, self.row, self.source = values, row, reading.source
        self.columns, self.order, self.headers = reading.columns, reading.order, reading.headers
        self.problems: list[RowProblem] = []

    def problem(self, name: str, reason: str, option_reason: str = "") -> None:
        ident = self.values["appointment_id"]
        label = self.columns.label(name)
        self.problems.append(RowProblem(self.source, self.row, label, reason, ident, option_reason))

    def read(self, seen: dict[str, int]) -> Appointment | None:
        values = self.values
        for name in NON_EMPTY:
            if not values[name]:
                self.problem(name, "empty; every appointment needs one")
        self._check_id(seen)
        details = self._personal()
        for name, check in (("email", check_email), ("mobile", check_mobile)):
            if values.get(name) and (reason := check(values[name])):
                self.problem(name, reason)
        if self.problems:
            return None
        # With the forms' phone and email lines as `Appointment` would fill them in.
        phone, email = values.get("mobile", ""), values.get("email", "")
        personal = Personalisation(*details, phone=phone, email=email)
        try:
            return Appointment(
                values["appointment_id"],
                personal,
                values["treatment"],
                email=values.get("email", ""),
                layout=values.get("layout", ""),
                language=values.get("language", ""),
                row=self.row,
                mobile=values.get("mobile", ""),
                headers=self.headers,
            )
        except LeafletError as err:  # the checks above catch all but overlong choices
            name, _, reason = err.message.partition(": ")
            self.problem(name, reason)
            return None

    def _check_id(self, seen: dict[str, int]) -> None:
        ident = self.values["appointment_id"]
        if not ident:
            return
        if reason := check_appointment_id(ident):
            self.problem("appointment_id", reason)
        elif ident.lower() in seen:  # file names must differ on any file system
            first = seen[ident.lower()]
            self.problem("appointment_id", f"duplicate id {ident!r} (first on row {first})")
        else:
            seen[ident.lower()] = self.row

    def _personal(self) -> tuple[str, dt.date | None, dt.datetime | None, str]:
        """The patient's name, date of birth, appointment and practitioner (a problem
        for each that cannot be read)."""
        order = self.order
        name = self._parse("patient_name", lambda text: parse_name(text, "patient_name"))
        practitioner = self._parse("practitioner", lambda text: parse_name(text, "practitioner"))
        born = self._parse(
            "date_of_birth", lambda text: parse_date_of_birth(text, "date_of_birth", order)
        )
        when = self._parse(
            "appointment", lambda text: parse_appointment(text, "appointment", order)
        )
        return name or "", born, when, practitioner or ""

    def _parse(self, name: str, parse: Callable[[str], Parsed]) -> Parsed | None:
        """`parse` of the value `name`, or None and a problem naming the column."""
        try:
            return parse(self.values.get(name, ""))
        except LeafletError as err:
            problem = RowProblem.from_error(self.source, self.row, name, err)
            self.problem(name, problem.reason, problem.option_reason)
            return None
