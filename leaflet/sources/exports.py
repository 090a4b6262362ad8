"""How a clinic's booking system writes its appointments export: `ExportFormat`.

A workspace's `leaflet.yaml` gives it (`appointments:`), a library caller passes one,
and without either leaflet reads UTF-8 exports with the header names it knows and
refuses any date whose order it cannot tell (see `leaflet.sources.written_dates`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from leaflet.errors import LeafletError
from leaflet.sources.schema.export_fields import EXPORT_FIELDS, column_problem, encoding_problem
from leaflet.sources.written_dates import DATE_ORDERS, describe_order, order_of_locale

if TYPE_CHECKING:  # a workspace's settings are validated where leaflet.yaml is read
    from leaflet.sources.schema.exports import ExportSettings


@dataclass(frozen=True)
class ExportFormat:
    """How an export is written; every setting is optional.

    `columns` maps leaflet's name for a value (`patient_name`, see `EXPORT_FIELDS`) to
    the export's header for it (`Client`). How `08/05/1966` reads: `date_order`
    (`day-first` or `month-first`), else the `locale` the export is written in (`en-GB`),
    else the clinic's language (`clinic_language`, the brand's `language`; plain `en`
    says nothing, as English is written both ways). `encoding` is the text encoding of
    an export that is not UTF-8 (`windows-1252`). `origin` says where the settings came
    from, for messages (`leaflet.yaml`); `order_origin` where `date_order` did, when
    elsewhere (`--date-order`), and `language_origin` where the language did."""

    columns: Mapping[str, str] = field(default_factory=dict)
    date_order: str | None = None
    locale: str | None = None
    encoding: str | None = None
    origin: str = ""
    clinic_language: str | None = None
    order_origin: str = ""
    language_origin: str = ""

    def __post_init__(self) -> None:
        for name, header in self.columns.items():
            if problem := column_problem(name, header):
                raise LeafletError(f"columns: {problem}")
        if self.date_order is not None and self.date_order not in DATE_ORDERS:
            raise LeafletError(
                f"date_order: {self.date_order!r} is not a date order; "
                f"expected {' or '.join(DATE_ORDERS)}"
            )
        for name in ("locale", "clinic_language"):
            if (tag := getattr(self, name)) is not None:
                try:
                    order_of_locale(tag)
                except ValueError as err:
                    raise LeafletError(f"{name}: {err}") from err
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
        """The date order (see the class docstring); None when unknown."""
        if self.date_order is not None:
            return self.date_order
        if self.locale is not None:
            return order_of_locale(self.locale)
        if self.clinic_language is not None and self.clinic_language.lower() != "en":
            return order_of_locale(self.clinic_language)
        return None

    def describe_order(self) -> str:
        """`day first (DD/MM/YYYY...), from the locale en-GB in leaflet.yaml`."""
        order = self.order
        if order is None:
            return "not set: dates such as 08/05/1966 are refused (1966-05-08 and 8 May 1966 read)"
        where = f" in {self.origin}" if self.origin else ""
        if self.date_order is not None:
            source = self.order_origin or f"date_order{where}"
        elif self.locale is not None:
            source = f"the locale {self.locale}{where}"
        else:
            given = f" ({self.language_origin})" if self.language_origin else ""
            source = f"the clinic's language {self.clinic_language}{given}"
        return f"{describe_order(order)}, from {source}"

    def with_order(self, date_order: str | None, origin: str = "") -> ExportFormat:
        """This format with `date_order` instead (given by `origin`, e.g. an option),
        when one is given."""
        if date_order is None:
            return self
        return replace(self, date_order=date_order, order_origin=origin)

    def with_clinic_language(self, language: str | None, origin: str = "") -> ExportFormat:
        """This format with the clinic's language (given by `origin`, e.g. its brand
        file), which sets the date order when nothing else does."""
        return replace(self, clinic_language=language, language_origin=origin)


__all__ = ["EXPORT_FIELDS", "ExportFormat"]
