"""How a clinic's booking system writes its appointments export: `ExportFormat`.

A workspace's `leaflet.yaml` gives it (`appointments:`), a library caller passes one,
and without either leaflet reads UTF-8 exports with the header names it knows and
refuses any date whose order it cannot tell (see `leaflet.sources.written_dates`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from leaflet.errors import LeafletError
from leaflet.sources.schema.exports import (
    EXPORT_FIELDS,
    ExportSettings,
    column_problem,
    encoding_problem,
)
from leaflet.sources.written_dates import DATE_ORDERS, describe_order, order_of_locale


@dataclass(frozen=True)
class ExportFormat:
    """How an export is written; every setting is optional.

    `columns` maps leaflet's name for a value (`patient_name`, see `EXPORT_FIELDS`) to
    the export's header for it (`Client`). `date_order` (`day-first` or `month-first`)
    says how `08/05/1966` reads, or `locale` (`en-GB`) does; `date_order` wins.
    `encoding` is the text encoding of an export that is not UTF-8 (`windows-1252`).
    `origin` says where the settings came from, for messages (`leaflet.yaml`)."""

    columns: Mapping[str, str] = field(default_factory=dict)
    date_order: str | None = None
    locale: str | None = None
    encoding: str | None = None
    origin: str = ""

    def __post_init__(self) -> None:
        for name, header in self.columns.items():
            if problem := column_problem(name, header):
                raise LeafletError(f"columns: {problem}")
        if self.date_order is not None and self.date_order not in DATE_ORDERS:
            raise LeafletError(
                f"date_order: {self.date_order!r} is not a date order; "
                f"expected {' or '.join(DATE_ORDERS)}"
            )
        if self.locale is not None:
            try:
                order_of_locale(self.locale)
            except ValueError as err:
                raise LeafletError(f"locale: {err}") from err
        if self.encoding is not None and (problem := encoding_problem(self.encoding)):
            raise LeafletError(f"encoding: {problem}")

    @classmethod
    def from_settings(cls, settings: ExportSettings | None, origin: str) -> ExportFormat:
        """The format a workspace's `appointments:` section describes."""
        if settings is None:
            return cls(origin=origin)
        return cls(
            dict(settings.columns),
            settings.date_order,
            settings.locale,
            settings.encoding,
            origin,
        )

    @property
    def order(self) -> str | None:
        """The date order: given outright, else the locale's; None when unknown."""
        if self.date_order is not None:
            return self.date_order
        return order_of_locale(self.locale) if self.locale else None

    def describe_order(self) -> str:
        """`day first (DD/MM/YYYY...), from the locale en-GB in leaflet.yaml`."""
        order = self.order
        if order is None:
            return "not set: dates such as 08/05/1966 are refused (1966-05-08 and 8 May 1966 read)"
        if self.date_order is None:
            setting = f"the locale {self.locale}"
        else:
            setting = "date_order" if self.origin.endswith(".yaml") else self.origin
        where = f" in {self.origin}" if self.origin.endswith(".yaml") else ""
        return f"{describe_order(order)}, from {setting or 'date_order'}{where}"

    def with_order(self, date_order: str | None, origin: str = "") -> ExportFormat:
        """This format with `date_order` instead (given by `origin`, e.g. an option),
        when one is given."""
        if date_order is None:
            return self
        return ExportFormat(self.columns, date_order, self.locale, self.encoding, origin)


__all__ = ["EXPORT_FIELDS", "ExportFormat"]
