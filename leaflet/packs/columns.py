"""Which column of an appointments export feeds which value: header matching.

Booking systems name their columns as they like: `Appointment ID`, `appointment-id` and
`APPOINTMENT_ID` are one column here (case, spaces, underscores and punctuation are
ignored), and each value has the names booking systems commonly give it
(`schema.EXPORT_FIELDS`: `Client`, `Service`, `Start time`...). A header that no name
covers is mapped in the workspace's `leaflet.yaml` (`ExportFormat.columns`), which wins.

An export may split a value leaflet reads as one: `first_name` and `last_name` make the
patient's name, `appointment_date` and `appointment_time` the appointment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from leaflet.errors import Argument, LeafletError
from leaflet.sources.exports import ExportFormat
from leaflet.sources.schema.export_fields import EXPORT_FIELDS
from leaflet.sources.spelling import fold

#: What a caller changes to map a column: an argument, or the workspace's setting.
COLUMNS_ARGUMENT = Argument("ExportFormat(columns={...})", "appointments: columns: in leaflet.yaml")
#: Values every export must give, each as one column or as the parts it is split into.
REQUIRED = {
    "appointment_id": (),
    "patient_name": ("first_name", "last_name"),
    "treatment": (),
    "appointment": ("appointment_date", "appointment_time"),
}


def normalise(header: str) -> str:
    """A header as matched: `Appointment ID`, `appointment-id` -> `appointmentid`."""
    return fold(header)


@dataclass(frozen=True)
class Column:
    """One column feeding a value: where it is, its header, and why it was chosen."""

    name: str  # leaflet's name for the value
    index: int
    header: str  # as the export writes it
    mapped: bool  # True: by the workspace's (or caller's) columns setting


@dataclass(frozen=True)
class ColumnMap:
    """The columns of an export's header row that leaflet reads, by value name."""

    header: tuple[str, ...]
    columns: dict[str, Column]

    def values(self, cells: Sequence[str]) -> dict[str, str]:
        """A row's values by name (stripped; empty when the row is short), with split
        names and appointments joined."""
        read, width = self._read
        if len(cells) >= width:  # every column there
            values = {name: cells[index].strip() for name, index in read}
        else:
            values = {
                name: cells[column.index].strip() if column.index < len(cells) else ""
                for name, column in self.columns.items()
            }
        if "patient_name" not in values:
            parts = (values.get("first_name", ""), values.get("last_name", ""))
            values["patient_name"] = " ".join(part for part in parts if part)
        if "appointment" not in values:
            parts = (values.get("appointment_date", ""), values.get("appointment_time", ""))
            values["appointment"] = " ".join(part for part in parts if part)
        return values

    @cached_property
    def _read(self) -> tuple[tuple[tuple[str, int], ...], int]:
        """(name, index) of each value read, and how many cells a row must have to hold
        them all: such a row is read without asking for each cell whether it is there
        (a third less time a row)."""
        read = tuple((name, column.index) for name, column in self.columns.items())
        return read, max((index for _, index in read), default=-1) + 1

    def label_at(self, index: int) -> str:
        """How a problem names the column at `index` (from 0): as `label` does for a
        column leaflet reads; otherwise its header, or its number when it has none."""
        for name, column in self.columns.items():
            if column.index == index:
                return self.label(name)
        header = self.header[index].strip() if index < len(self.header) else ""
        return header or f"{index + 1} (no header)"

    def label(self, name: str) -> str:
        """How a problem names the column of value `name`: its header, with leaflet's
        name when the two differ (`Start time (appointment)`)."""
        parts = {"patient_name": REQUIRED["patient_name"], "appointment": REQUIRED["appointment"]}
        used = [self.columns[n] for n in (name, *parts.get(name, ())) if n in self.columns]
        if not used or (len(used) == 1 and normalise(used[0].header) == normalise(name)):
            return name
        headers = " and ".join(repr(column.header) for column in used)
        return f"{headers} ({name})"

    def labels(self, names: Sequence[str]) -> dict[str, str]:
        """`label` of each of `names`, by name."""
        return {name: self.label(name) for name in names}

    def unused(self) -> list[str]:
        """Headers of columns leaflet does not read."""
        read = {column.index for column in self.columns.values()}
        return [cell for index, cell in enumerate(self.header) if index not in read]


def match_columns(header: Sequence[str], export: ExportFormat, source: str) -> ColumnMap:
    """Which column feeds which value; a required value with no column, or a mapping
    that names no column, is one `LeafletError` naming the header row."""
    cells = tuple(cell.strip() for cell in header)
    positions: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        if cell:
            positions.setdefault(normalise(cell), []).append(index)
    columns: dict[str, Column] = {}
    for name, wanted in export.columns.items():
        found = positions.get(normalise(wanted))
        if not found:
            raise LeafletError(
                f"{source}: no column {wanted!r} for {name} (set in {export.origin or 'columns'}"
                f"); the header row has: {_listed(cells)}"
            )
        columns[name] = _one(name, found, cells, source, mapped=True)
    taken = {column.index for column in columns.values()}
    for name, field in EXPORT_FIELDS.items():
        if name in columns:
            continue
        for usual in field.headers:
            found = [i for i in positions.get(normalise(usual), []) if i not in taken]
            if found:
                columns[name] = _one(name, found, cells, source, mapped=False)
                taken.add(columns[name].index)
                break
    _whole_appointment(columns)
    _check_required(columns, cells, source)
    return ColumnMap(cells, columns)


def _whole_appointment(columns: dict[str, Column]) -> None:
    """A lone date or time column ("Start time" holding `01/12/2026 09:00`) is the whole
    appointment: there is nothing to join it with."""
    if "appointment" in columns:
        return
    parts = [name for name in REQUIRED["appointment"] if name in columns]
    if len(parts) == 1:
        lone = columns.pop(parts[0])
        columns["appointment"] = Column("appointment", lone.index, lone.header, lone.mapped)


def _one(name: str, found: list[int], cells: tuple[str, ...], source: str, mapped: bool) -> Column:
    if len(found) > 1:
        raise LeafletError(
            f"{source}: columns {found[0] + 1} and {found[1] + 1} ({cells[found[0]]!r} and "
            f"{cells[found[1]]!r}) could both be {name}; rename one in the export, or map "
            "the right one with ",
            COLUMNS_ARGUMENT,
        )
    return Column(name, found[0], cells[found[0]], mapped)


def _check_required(columns: dict[str, Column], cells: tuple[str, ...], source: str) -> None:
    missing = []
    for name, parts in REQUIRED.items():
        if name in columns or (parts and parts[0] in columns):
            continue  # a first name alone, or a date holding the time, will do
        alternative = f" (or {' and '.join(parts)})" if parts else ""
        missing.append(f"{name}{alternative}")
    if missing:
        first = missing[0].split()[0]
        raise LeafletError(
            f"{source}: no column for {', '.join(missing)}; the header row has: "
            f"{_listed(cells)}. If the export calls it something else, map it with ",
            COLUMNS_ARGUMENT,
            f" (e.g. {first}: {_EXAMPLES[first]})",
        )


#: Made-up headers for the examples in messages.
_EXAMPLES = {
    "appointment_id": "Visit number",
    "patient_name": "Guest",
    "treatment": "Booked item",
    "appointment": "Slot",
}


def _listed(cells: tuple[str, ...]) -> str:
    return ", ".join(cells) if any(cells) else "nothing"
