"""The values leaflet reads from a booking system's appointments export, declared once.

`EXPORT_FIELDS` lists every value leaflet takes from an export, what it is for, and the
header names booking systems give it. Headers match ignoring case, spaces, underscores
and punctuation (`Appointment ID`, `appointment-id` and `APPOINTMENT_ID` are one), so
each name below stands for all its spellings. A header no name covers is mapped in the
workspace's `leaflet.yaml`, whose schema (`ExportSettings`) is in `schema.exports` and
checks its settings with the checks here. This module needs no pydantic: reading an
export (`leaflet.packs.columns`) does not build the workspace's models.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from leaflet.sources.spelling import did_you_mean


@dataclass(frozen=True)
class ExportField:
    """One value an export can hold: what it is for, and its usual header names (the
    first is leaflet's own name; earlier names win when a file has several)."""

    purpose: str
    headers: tuple[str, ...]


EXPORT_FIELDS: dict[str, ExportField] = {
    "appointment_id": ExportField(
        "names the appointment's files (required)",
        (
            "appointment_id",
            "appointment ref",
            "appointment reference",
            "appointment number",
            "booking id",
            "booking ref",
            "booking reference",
            "booking number",
            "ref",
            "reference",
            "id",
        ),
    ),
    "patient_name": ExportField(
        "printed on the documents (required, or first_name and last_name)",
        (
            "patient_name",
            "patient",
            "patient full name",
            "client name",
            "client",
            "client full name",
            "customer name",
            "customer",
            "full name",
            "name",
        ),
    ),
    "first_name": ExportField(
        "with last_name, when the export splits the name",
        ("first_name", "patient first name", "client first name", "forename", "given name"),
    ),
    "last_name": ExportField(
        "with first_name",
        ("last_name", "patient last name", "client last name", "surname", "family name"),
    ),
    "date_of_birth": ExportField(
        "printed on forms; the email password",
        (
            "date_of_birth",
            "patient date of birth",
            "client date of birth",
            "dob",
            "patient dob",
            "client dob",
            "birth date",
            "birthdate",
            "birthday",
        ),
    ),
    "email": ExportField(
        "where leaflet email sends the pack",
        ("email", "email address", "patient email", "client email", "customer email"),
    ),
    "mobile": ExportField(
        "the consent form's phone line; the email password",
        (
            "mobile",
            "mobile number",
            "mobile phone",
            "patient mobile",
            "client mobile",
            "cell",
            "cell phone",
            "phone",
            "phone number",
            "patient phone",
            "client phone",
            "telephone",
            "contact number",
        ),
    ),
    "treatment": ExportField(
        "which treatment's documents (required; names and aliases in treatment.yaml)",
        (
            "treatment",
            "treatment name",
            "service",
            "service name",
            "appointment type",
            "procedure",
        ),
    ),
    "appointment": ExportField(
        "date and time (required, or appointment_date and appointment_time)",
        (
            "appointment",
            "appointment date and time",
            "appointment datetime",
            "appointment start",
            "start",
            "start date and time",
            "starts at",
            "scheduled",
            "date and time",
            "datetime",
        ),
    ),
    "appointment_date": ExportField(
        "with appointment_time, when the export splits them",
        ("appointment_date", "date", "booking date", "scheduled date", "start date"),
    ),
    "appointment_time": ExportField(
        "with appointment_date",
        ("appointment_time", "time", "start time", "booking time", "scheduled time"),
    ),
    "practitioner": ExportField(
        "printed on the documents",
        (
            "practitioner",
            "practitioner name",
            "staff",
            "staff member",
            "staff name",
            "therapist",
            "clinician",
            "provider",
            "team member",
            "employee",
        ),
    ),
    "layout": ExportField("the row's layout, e.g. large-print", ("layout",)),
    "language": ExportField("the row's language", ("language", "preferred language")),
}


def column_problem(name: str, header: object) -> str | None:
    """Why `name: header` cannot be a column mapping, or None."""
    if name not in EXPORT_FIELDS:
        hint = did_you_mean(name, EXPORT_FIELDS)
        return (
            f"{name!r} is not a value leaflet reads" + (f" ({hint})" if hint else "") + "; "
            f"the values are {', '.join(EXPORT_FIELDS)}"
        )
    if not isinstance(header, str) or not header.strip():
        return f"{name}: expected the export's header for it, e.g. {name}: Client"
    return None


def encoding_problem(encoding: str) -> str | None:
    """Why `encoding` names no text encoding Python knows, or None."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        return f"{encoding!r} is not a text encoding; e.g. utf-8 or windows-1252"
    return None
