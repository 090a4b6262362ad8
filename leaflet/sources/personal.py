"""Personal details a document can be prepared with: patient, date of birth, phone,
email, appointment.

Values come from a person (a receptionist typing, a booking system export, a booking
system calling the library), so they are checked here, before they reach a template,
the same way whichever way they come: dates must be real dates (written as the clinic
writes them, see `leaflet.sources.written_dates`), names no longer than 200 characters,
with no control characters and only characters the brand fonts can print, a phone number
7 to 15 digits.

While a document is laid out once for many patients (`leaflet.render.stamp`), each
personal value is stood in for by a placeholder character (`PLACEHOLDERS`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Protocol

from leaflet.errors import LeafletError
from leaflet.sources import dates
from leaflet.sources.dates import format_date, format_time
from leaflet.sources.fontchain import FontChain
from leaflet.sources.schema.checks import email_problem, has_control_character
from leaflet.sources.written_dates import DateProblem, read_date, read_datetime

#: The longest name taken: far above any real one, and short enough for a form's line.
MAX_NAME = 200
#: A phone number as people write it: digits, spaces and + ( ) - . between them.
_PHONE = re.compile(r"\+?[0-9(][0-9 ().-]*")
_WITHOUT_MARKS = str.maketrans("", "", "+ ().-")


class PersonalValues(Protocol):
    """What a build asks of personal details: a `Personalisation`, or the placeholders
    that stand in for one while a base is laid out for stamping."""

    def __bool__(self) -> bool: ...

    def check_printable(self, fonts: FontChain) -> None: ...

    def template_values(self, language: str) -> dict[str, dict[str, str]]: ...


@dataclass(frozen=True)
class Personalisation:
    """Who and which appointment a document is for; every field is optional.

    Made directly, its values are checked as a CSV export's are: a `LeafletError` names
    the field and what is valid (a date given as text, a 10,000-character name, a line
    break in a name). `from_text` reads the values as people write them."""

    patient_name: str = ""
    date_of_birth: dt.date | None = None
    appointment: dt.datetime | None = None
    practitioner: str = ""
    phone: str = ""  # fills a form's phone line
    email: str = ""  # fills a form's email line

    def __post_init__(self) -> None:
        for label in ("patient_name", "practitioner"):
            check_name(getattr(self, label), label)
        born, when = self.date_of_birth, self.appointment
        if born is not None:
            if not isinstance(born, dt.date) or isinstance(born, dt.datetime):
                raise LeafletError(
                    f"date_of_birth: {born!r} is a {type(born).__name__}; give a "
                    "datetime.date, e.g. datetime.date(1985, 4, 23), or use "
                    "Personalisation.from_text"
                )
            check_past(born, "date_of_birth")
        if when is not None and not isinstance(when, dt.datetime):
            raise LeafletError(
                f"appointment: {when!r} is a {type(when).__name__}; give a "
                "datetime.datetime, e.g. datetime.datetime(2026, 12, 1, 10, 30), or use "
                "Personalisation.from_text"
            )
        for label, problem_of in (("phone", phone_problem), ("email", email_address_problem)):
            value = getattr(self, label)
            if not isinstance(value, str):
                raise LeafletError(f"{label}: {value!r} is not text")
            if value and (problem := problem_of(value)):
                raise LeafletError(f"{label}: {problem}")

    @classmethod
    def from_text(
        cls,
        patient_name: str | None = None,
        date_of_birth: str | None = None,
        appointment: str | None = None,
        practitioner: str | None = None,
        phone: str | None = None,
        email: str | None = None,
        *,
        date_order: str | None = None,
    ) -> Personalisation:
        """Parse values as typed on a command line or read from a CSV cell; dates whose
        day and month could be swapped are read in `date_order` (`day-first` or
        `month-first`), and refused without one."""
        return cls(
            patient_name=parse_name(patient_name, "patient name"),
            date_of_birth=parse_date_of_birth(date_of_birth, order=date_order),
            appointment=parse_appointment(appointment, order=date_order),
            practitioner=parse_name(practitioner, "practitioner"),
            phone=parse_phone(phone),
            email=parse_email(email),
        )

    def __bool__(self) -> bool:
        return bool(
            self.patient_name
            or self.date_of_birth
            or self.appointment
            or self.practitioner
            or self.phone
            or self.email
        )

    def check_printable(self, fonts: FontChain) -> None:
        """Refuse names (and an email address) the brand fonts cannot print, naming the
        characters."""
        for label, value in (
            ("patient name", self.patient_name),
            ("practitioner", self.practitioner),
            ("email", self.email),
        ):
            if missing := fonts.missing(value):
                raise LeafletError(f"{label}: {fonts.cannot_print(missing)}")

    def template_values(self, language: str) -> dict[str, dict[str, str]]:
        """The `patient` and `appointment` template variables; empty text when unknown."""
        when = self.appointment
        return {
            "patient": {
                "name": self.patient_name,
                "date_of_birth": format_date(self.date_of_birth, language)
                if self.date_of_birth
                else "",
                "phone": self.phone,
                "email": self.email,
            },
            "appointment": {
                "date": format_date(when.date(), language, weekday=True) if when else "",
                "time": format_time(when, language) if when else "",
                "practitioner": self.practitioner,
            },
        }


def parse_name(value: str | None, label: str = "name") -> str:
    """A person's name with runs of white space folded, checked (`check_name`)."""
    value = " ".join((value or "").split())
    check_name(value, label)
    return value


def check_name(value: object, label: str = "name") -> None:
    """Refuse a name that is not text, holds a control character or is over MAX_NAME
    characters."""
    if not isinstance(value, str):
        raise LeafletError(f"{label}: {value!r} is not text")
    if has_control_character(value):
        raise LeafletError(f"{label}: contains a control character")
    if len(value) > MAX_NAME:
        raise LeafletError(f"{label}: longer than {MAX_NAME} characters")


def phone_problem(number: str) -> str | None:
    """Why `number` is not a phone number, or None: digits (7 to 15 of them, as in any
    country's numbers) with spaces, + ( ) - or . between them."""
    # The pattern first: what it matches holds only 0-9 and the marks between them, so
    # its digits are what is left without the marks (a generator testing each character
    # took longer than the rest of the check).
    if not _PHONE.fullmatch(number) or not 7 <= len(number.translate(_WITHOUT_MARKS)) <= 15:
        shown = number if len(number) <= 40 else number[:40] + "..."
        return (
            f"{shown!r} is not a phone number; expected 7 to 15 digits, with spaces, "
            "+ ( ) - if you like, e.g. 07700 900123 or +44 7700 900123"
        )
    return None


@functools.lru_cache(maxsize=64)
def email_address_problem(address: str) -> str | None:
    """Why `address` is not one email address, or None (`schema.checks.email_problem`;
    international characters are fine: it is printed, or sent where a server takes them).
    Kept for the last few addresses: reading an export checks each one three times (the
    row, its appointment, the patient's details), at a tenth of a millisecond each."""
    if has_control_character(address):
        return "contains a control character"
    return email_problem(address, international=True)


def parse_email(value: str | None, label: str = "email") -> str:
    """An email address with white space around it taken off, or empty text."""
    value = (value or "").strip()
    if value and (problem := email_address_problem(value)):
        raise LeafletError(f"{label}: {problem}")
    return value


def parse_phone(value: str | None, label: str = "phone") -> str:
    """A phone number with runs of white space folded, or empty text; see `phone_problem`."""
    value = " ".join((value or "").split())
    if value and (problem := phone_problem(value)):
        raise LeafletError(f"{label}: {problem}")
    return value


def parse_date_of_birth(
    value: str | None, label: str = "date of birth", order: str | None = None
) -> dt.date | None:
    """A date in the past as people write it (1985-04-23, 23/04/1985 in `order`,
    23 April 1985), or None when empty."""
    if value is None or not value.strip():
        return None
    try:
        day = read_date(value, order)
    except DateProblem as err:
        raise LeafletError(f"{label}: ", *err.parts) from err
    check_past(day, label, value.strip())
    return day


def check_past(day: dt.date, label: str, written: str = "") -> None:
    """Refuse a date of birth after today (`written` as it was given)."""
    if day > dates.today():
        raise LeafletError(f"{label}: {written or day.isoformat()!r} is in the future")


def parse_appointment(
    value: str | None, label: str = "appointment", order: str | None = None
) -> dt.datetime | None:
    """A date and time as people write them (2026-12-01T10:30, 01/12/2026 10:30 in
    `order`, 1 December 2026 10:30 AM), or None when empty."""
    if value is None or not value.strip():
        return None
    try:
        return read_datetime(value, order)
    except DateProblem as err:
        raise LeafletError(f"{label}: ", *err.parts) from err


#: Stand-ins for personal values while a document is laid out once for many patients
#: (see `leaflet.render.stamp`): private-use characters, which no font prints and no one
#: types.
PLACEHOLDERS = {
    ("patient", "name"): "\ue001",
    ("patient", "date_of_birth"): "\ue002",
    ("appointment", "date"): "\ue003",
    ("appointment", "time"): "\ue004",
    ("appointment", "practitioner"): "\ue005",
    ("patient", "phone"): "\ue006",
    ("patient", "email"): "\ue007",
}
_PLACEHOLDER_CHARS = frozenset(PLACEHOLDERS.values())


def has_placeholder(text: str) -> bool:
    """Whether `text` holds a stand-in for a personal value."""
    return not _PLACEHOLDER_CHARS.isdisjoint(text)


def without_placeholders(text: str) -> str:
    """The text a font must be able to print: placeholders are never printed."""
    if not has_placeholder(text):
        return text
    return "".join(char for char in text if char not in _PLACEHOLDER_CHARS)
