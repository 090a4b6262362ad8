"""Personal details a document can be prepared with: patient, date of birth, appointment.

Values come from a person (a receptionist typing, a booking system export), so they are
checked here, before they reach a template: dates must be real ISO dates, names must hold
no control characters and only characters the brand fonts can print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from leaflet.errors import LeafletError
from leaflet.sources.fonts import FontFamily, describe_chars


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

    def check_printable(self, fonts: FontFamily) -> None:
        """Refuse names the brand fonts cannot print, naming the characters."""
        for label, value in (
            ("patient name", self.patient_name),
            ("practitioner", self.practitioner),
        ):
            if missing := fonts.missing(value):
                raise LeafletError(
                    f"{label}: the brand fonts cannot print {describe_chars(missing)}"
                )

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


def format_date(day: dt.date, language: str, weekday: bool = False) -> str:
    """`1 December 2026` (or `December 1, 2026` for en-US), optionally with the weekday."""
    name = f"{day:%A} " if weekday else ""
    if language == "en-US":
        return f"{name.strip()}{', ' if weekday else ''}{day:%B} {day.day}, {day.year}"
    return f"{name}{day.day} {day:%B} {day.year}"


def format_time(when: dt.datetime, language: str) -> str:
    """`14:30`, or `2:30 PM` for en-US."""
    if language == "en-US":
        return f"{when.hour % 12 or 12}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"
    return f"{when:%H:%M}"


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
    if day is not None and day > dt.date.today():
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


def _parse(value: str | None, label: str, parse, expected: str):
    if value is None or not value.strip():
        return None
    try:
        return parse(value.strip())
    except ValueError:
        raise LeafletError(f"{label}: {value!r} is not valid; expected {expected}") from None
