"""Personal details a document can be prepared with: patient, date of birth, appointment.

Values come from a person (a receptionist typing, a booking system export), so they are
checked here, before they reach a template: dates must be real ISO dates, names must hold
no control characters and only characters the brand fonts can print.

While a document is laid out once for many patients (`leaflet.render.stamp`), each
personal value is stood in for by a placeholder character (`PLACEHOLDERS`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from leaflet.errors import LeafletError
from leaflet.sources import dates
from leaflet.sources.dates import format_date, format_time
from leaflet.sources.fonts import FontChain

Parsed = TypeVar("Parsed")


class PersonalValues(Protocol):
    """What a build asks of personal details: a `Personalisation`, or the placeholders
    that stand in for one while a base is laid out for stamping."""

    def __bool__(self) -> bool: ...

    def check_printable(self, fonts: FontChain) -> None: ...

    def template_values(self, language: str) -> dict[str, dict[str, str]]: ...


@dataclass(frozen=True)
class Personalisation:
    """Who and which appointment a document is for; every field is optional."""

    patient_name: str = ""
    date_of_birth: dt.date | None = None
    appointment: dt.datetime | None = None
    practitioner: str = ""

    @classmethod
    def from_text(
        cls,
        patient_name: str | None = None,
        date_of_birth: str | None = None,
        appointment: str | None = None,
        practitioner: str | None = None,
    ) -> Personalisation:
        """Parse values as typed on a command line or read from a CSV cell."""
        return cls(
            patient_name=parse_name(patient_name, "patient name"),
            date_of_birth=parse_date_of_birth(date_of_birth),
            appointment=parse_appointment(appointment),
            practitioner=parse_name(practitioner, "practitioner"),
        )

    def __bool__(self) -> bool:
        return bool(
            self.patient_name or self.date_of_birth or self.appointment or self.practitioner
        )

    def check_printable(self, fonts: FontChain) -> None:
        """Refuse names the brand fonts cannot print, naming the characters."""
        for label, value in (
            ("patient name", self.patient_name),
            ("practitioner", self.practitioner),
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
            },
            "appointment": {
                "date": format_date(when.date(), language, weekday=True) if when else "",
                "time": format_time(when, language) if when else "",
                "practitioner": self.practitioner,
            },
        }


def parse_name(value: str | None, label: str = "name") -> str:
    """A person's name with runs of white space folded; control characters are refused."""
    value = " ".join((value or "").split())
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in value):
        raise LeafletError(f"{label}: contains a control character")
    if len(value) > 200:
        raise LeafletError(f"{label}: longer than 200 characters")
    return value


def parse_date_of_birth(value: str | None, label: str = "date of birth") -> dt.date | None:
    """An ISO date (YYYY-MM-DD) in the past, or None when empty."""
    day = _parse(value, label, dt.date.fromisoformat, "YYYY-MM-DD, e.g. 1985-04-23")
    if day is not None and day > dates.today():
        raise LeafletError(f"{label}: {value!r} is in the future")
    return day


def parse_appointment(value: str | None, label: str = "appointment") -> dt.datetime | None:
    """An ISO date and time (YYYY-MM-DDTHH:MM or with a space), or None when empty."""
    when = _parse(
        value, label, dt.datetime.fromisoformat, "YYYY-MM-DDTHH:MM, e.g. 2026-12-01T10:30"
    )
    if when is not None and (value or "").strip().count(":") == 0:
        raise LeafletError(
            f"{label}: {value!r} has no time; expected YYYY-MM-DDTHH:MM, e.g. 2026-12-01T10:30"
        )
    return when


def _parse(
    value: str | None, label: str, parse: Callable[[str], Parsed], expected: str
) -> Parsed | None:
    if value is None or not value.strip():
        return None
    try:
        return parse(value.strip())
    except ValueError as err:
        raise LeafletError(f"{label}: {value!r} is not valid; expected {expected}") from err


#: Stand-ins for personal values while a document is laid out once for many patients
#: (see `leaflet.render.stamp`): private-use characters, which no font prints and no one
#: types.
PLACEHOLDERS = {
    ("patient", "name"): "\ue001",
    ("patient", "date_of_birth"): "\ue002",
    ("appointment", "date"): "\ue003",
    ("appointment", "time"): "\ue004",
    ("appointment", "practitioner"): "\ue005",
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
