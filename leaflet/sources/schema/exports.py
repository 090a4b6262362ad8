"""The settings for a booking system's appointments export, and the workspace's file.

`ExportSettings` is `appointments:` in the workspace's `leaflet.yaml`: how the clinic's
booking system writes its export, for headers leaflet does not know (`EXPORT_FIELDS`, in
`export_fields`, lists the values and the headers it does know). Its schema, `Workspace`,
is here too: a layout file does not need the export's.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from leaflet.sources.schema.common import Strict
from leaflet.sources.schema.export_fields import EXPORT_FIELDS as EXPORT_FIELDS  # its home
from leaflet.sources.schema.export_fields import ExportField as ExportField
from leaflet.sources.schema.export_fields import column_problem, encoding_problem
from leaflet.sources.written_dates import order_of_locale

DateOrder = Literal["day-first", "month-first"]


def _check_columns(columns: dict[str, str]) -> dict[str, str]:
    for name, header in columns.items():
        if problem := column_problem(name, header):
            raise ValueError(problem)
    return columns


def _check_locale(locale: str) -> str:
    order_of_locale(locale)  # a ValueError says what is wrong
    return locale


def _check_encoding(encoding: str) -> str:
    if problem := encoding_problem(encoding):
        raise ValueError(problem)
    return encoding


class ExportSettings(Strict):
    """`appointments:` in `leaflet.yaml`: how the clinic's booking system writes its
    export, for `leaflet batch` and `leaflet email`."""

    locale: Annotated[str, AfterValidator(_check_locale)] | None = Field(
        default=None,
        description="The locale the export's dates are written in, e.g. en-GB (day first: "
        "08/05/1966) or en-US (month first: 05/08/1966).",
    )
    date_order: DateOrder | None = Field(
        default=None,
        description="day-first or month-first: says outright how dates such as 08/05/1966 "
        "read (wins over locale). Without either, such dates are refused, never guessed.",
    )
    encoding: Annotated[str, AfterValidator(_check_encoding)] | None = Field(
        default=None,
        description="The export's text encoding when it is not UTF-8, e.g. windows-1252 "
        "(Excel's plain CSV on Windows).",
    )
    columns: Annotated[dict[str, str], AfterValidator(_check_columns)] = Field(
        default_factory=dict,
        description="leaflet's name for a value and the export's header for it, for "
        "headers leaflet does not know, e.g. patient_name: Client. Names: "
        + ", ".join(EXPORT_FIELDS)
        + ".",
    )


class Workspace(Strict):
    """`leaflet.yaml` in a clinic's folder: defaults for commands run there."""

    brand: str | None = Field(default=None, description="The brand file, relative to leaflet.yaml.")
    content_dir: str | None = Field(default=None, description="The content folder.")
    layout: str | None = Field(default=None, description="The default layout.")
    appointments: ExportSettings | None = Field(
        default=None,
        description="How the booking system writes its appointments export (see ExportSettings).",
    )
