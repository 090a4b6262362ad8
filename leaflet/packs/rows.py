"""One row of an appointments export read into a checked `Appointment`, or the
`RowProblem`s that say why it cannot be one; and the checks an appointment's values get
however it is made (read from a row, or made by a caller).

A row is read the short way when each of its values passes every check (`read_row`):
then `Personalisation` and `Appointment` are made without repeating those checks. Any
other row is read the general way (`_RowReader`), from the start, to the same
appointment or a problem for each value it cannot use.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from leaflet.errors import LeafletError
from leaflet.packs.columns import ColumnMap
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
from leaflet.sources.schema.checks import has_control_character, plainly_valid
from leaflet.sources.written_dates import DateProblem, read_date, read_datetime

Parsed = TypeVar("Parsed")
Made = TypeVar("Made")
#: Values whose cells may not be empty.
NON_EMPTY = ("appointment_id", "patient_name", "treatment", "appointment")
#: The most a treatment, layout or language cell holds: far above any real name.
MAX_CHOICE = 200

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")  # a safe id without dots
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
class Reading:
    """What every row of one export is read with, worked out once for the file."""

    source: str
    columns: ColumnMap
    order: str | None  # the date order
    headers: Mapping[str, str]  # each appointment's `headers` (one mapping: none changes it)
    today: dt.date  # when the file's reading began: no date of birth may be after it


def read_row(
    values: dict[str, str], row: int, reading: Reading, seen: dict[str, int]
) -> Appointment | list[RowProblem]:
    """Row `row`'s appointment, or a problem for each value that cannot be used; `seen`
    holds the ids read so far (lower case) and the row each was on."""
    appointment = _read_plain(values, row, reading, seen)
    if appointment is not None:
        return appointment
    reader = _RowReader(values, row, reading)  # something to say, or a value to read again
    return reader.read(seen) or reader.problems


def _read_plain(
    values: dict[str, str], row: int, reading: Reading, seen: dict[str, int]
) -> Appointment | None:
    """The row's appointment when each of its values passes every check reading it
    makes, made without `Personalisation`'s and `Appointment`'s own repeat of those
    checks (a third of the time a row took); None for any other row, which `_RowReader`
    then reads from the start, to the same appointment or a problem for each value.

    So that the two readings cannot differ, this reads each value with what the row
    reader uses, and makes the objects only when none of them fails;
    tests/test_exports.py holds the two readings equal."""
    ident = values["appointment_id"]
    folded_id = ident.lower()  # file names must differ on any file system
    names = _plain_text(values)
    # An id without dots that `_SAFE_ID` takes needs no more of `check_appointment_id`
    # than the reserved names.
    plain_id = _PLAIN_ID.fullmatch(ident) is not None and folded_id not in _RESERVED
    if names is None or (not plain_id and check_appointment_id(ident)) or folded_id in seen:
        return None
    try:
        born_text = values.get("date_of_birth", "")
        born = read_date(born_text, reading.order) if born_text else None
        when = read_datetime(values["appointment"], reading.order)
    except DateProblem:
        return None
    if born is not None and born > reading.today:  # the row reader says it is in the future
        return None
    seen[folded_id] = row
    email, mobile = values.get("email", ""), values.get("mobile", "")
    personal = _made(
        Personalisation,
        patient_name=names[0],
        date_of_birth=born,
        appointment=when,
        practitioner=names[1],
        phone=mobile,  # the forms' phone and email lines, as `Appointment` fills them in
        email=email,
    )
    return _made(
        Appointment,
        appointment_id=ident,
        personal=personal,
        treatment=values["treatment"],
        email=email,
        layout=values.get("layout", ""),
        language=values.get("language", ""),
        row=row,
        mobile=mobile,
        headers=reading.headers,
    )


def _plain_text(values: dict[str, str]) -> tuple[str, str] | None:
    """The patient's and practitioner's names, as `parse_name` folds them, when a row's
    text values pass every check reading and `Appointment` make: none empty that must be
    filled, none too long, no control characters, a real email address and phone number
    (or none); otherwise None."""
    required = values["appointment_id"], values["treatment"], values["appointment"]
    if not all(required) or not values["patient_name"]:
        return None
    email, mobile = values.get("email", ""), values.get("mobile", "")
    name = " ".join(values["patient_name"].split())
    practitioner = " ".join(values.get("practitioner", "").split())
    texts = (
        name,
        practitioner,
        values["treatment"],
        values.get("layout", ""),
        values.get("language", ""),
        email,
        mobile,
    )
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
    return name, practitioner


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

    def __init__(self, values: dict[str, str], row: int, reading: Reading) -> None:
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
