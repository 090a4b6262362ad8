"""An export file's bytes as CSV records: encoding, separator, and files that are not CSV.

Exports arrive as Excel and booking systems write them:

- UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8"); UTF-16 with its
  byte-order mark (Excel's "Unicode text"); any other encoding only when the clinic
  names it (`ExportFormat.encoding`, e.g. `windows-1252`, Excel's plain "CSV" on
  Windows). Bytes that are not UTF-8 are never guessed at: the error shows how the line
  would read in Windows-1252, so the clinic can tell whether to set it.
- Commas, semicolons (Excel where the decimal mark is a comma) or tabs, whichever the
  header row uses most; an Excel `sep=;` first line says so outright.
- An empty file, a spreadsheet workbook (.xlsx, .xls, .ods), a PDF or other binary data
  is one error saying what the file is and how to export a CSV instead.

A record that is not valid CSV (a stray quote) costs that record only: reading starts
again on the line after the one it began on.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from leaflet.errors import Argument, LeafletError

#: The separators an export may use, in the order a tie is settled.
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
#: File signatures of things that are not CSV, and what they are.
SIGNATURES = (
    (b"PK\x03\x04", "a spreadsheet workbook (.xlsx or .ods), not a CSV file"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls), not a CSV file"),
    (b"%PDF", "a PDF, not a CSV file"),
)
EXPORT_AS_CSV = (
    "export the appointments from the booking system as CSV (in Excel: File > Save As > CSV UTF-8)"
)
ENCODING_ARGUMENT = Argument(
    "ExportFormat(encoding='windows-1252')",
    "encoding: windows-1252 under appointments: in leaflet.yaml",
)


@dataclass(frozen=True)
class ExportText:
    """An export decoded: its text, and how it was written (for `--show-columns`)."""

    text: str
    encoding: str  # "UTF-8 with a byte-order mark", "windows-1252"...


def decode_export(data: bytes, source: str, encoding: str | None = None) -> ExportText:
    """The text of an export file, or one `LeafletError` saying why it has none."""
    if not data.strip():
        raise LeafletError(f"{source}: the file is empty; {EXPORT_AS_CSV}")
    for signature, what in SIGNATURES:
        if data.startswith(signature):
            raise LeafletError(f"{source}: this is {what}; {EXPORT_AS_CSV}")
    for bom, codec, name in (
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with a byte-order mark"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    ):
        if data.startswith(bom):
            return ExportText(_decode(data, codec, source), name)
    if b"\x00" in data[:8192]:
        raise LeafletError(
            f"{source}: this is not a text file (it holds binary data); {EXPORT_AS_CSV}"
        )
    if encoding is not None:
        return ExportText(_decode(data, encoding, source), encoding)
    return ExportText(_decode(data, "utf-8", source), "UTF-8")


def _decode(data: bytes, codec: str, source: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        line_start = data.rfind(b"\n", 0, err.start) + 1
        line = data[:line_start].count(b"\n") + 1
        if codec != "utf-8":
            raise LeafletError(
                f"{source}, line {line}: not {codec} text (byte {err.start + 1}); "
                f"check the export's encoding"
            ) from err
        end = data.find(b"\n", err.start)
        sample = data[line_start : end if end != -1 else len(data)]
        as_1252 = sample.decode("cp1252", "replace").strip()[:60]
        raise LeafletError(
            f"{source}, line {line}: not UTF-8 text (byte {err.start + 1}). If the line "
            f"reads right as Windows-1252 ({as_1252!r}), give ",
            ENCODING_ARGUMENT,
            f"; or {EXPORT_AS_CSV}",
        ) from err


@dataclass(frozen=True)
class Dialect:
    """How records are separated, and the text after any `sep=` line."""

    separator: str
    text: str

    @property
    def description(self) -> str:
        return SEPARATORS[self.separator]


def dialect_of(text: str) -> Dialect:
    """The separator the header row uses most (commas on a tie), or the one an Excel
    `sep=` line names; that line is not a record."""
    text = text.removeprefix("\ufeff")
    first, _, rest = text.partition("\n")
    hint = first.strip().lower()
    if hint.startswith("sep=") and len(hint) == 5 and first.strip()[4] in SEPARATORS:
        return Dialect(first.strip()[4], rest)
    counts = {separator: _count_outside_quotes(first, separator) for separator in SEPARATORS}
    best = max(SEPARATORS, key=lambda separator: counts[separator])
    return Dialect(best if counts[best] else ",", text)


def _count_outside_quotes(line: str, separator: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            count += 1
    return count


@dataclass(frozen=True)
class NotCsv:
    """Why a record is not valid CSV, and the column it went wrong in when that is known
    (counted from 0)."""

    reason: str
    column: int | None = None


def records(text: str, separator: str) -> Iterator[tuple[int, list[str] | NotCsv]]:
    """(row number, cells) for each record of CSV text, or (row number, why it is not
    valid CSV). After a bad record, reading starts again on the line after the one it
    began on, so one stray quote costs one row, not the file (or every row after it)."""
    lines = list(io.StringIO(text, newline=""))  # split as the csv module splits
    position, row = 0, 1
    offsets: list[int] = []  # where each line starts in `text`, once a cell is too long

    def feed() -> Iterator[str]:
        nonlocal position
        while position < len(lines):
            position += 1
            yield lines[position - 1]

    while position < len(lines):
        reader = csv.reader(feed(), delimiter=separator, strict=True)
        start = position
        try:
            for cells in reader:
                yield row, cells
                row, start = row + 1, position
        except csv.Error as err:
            if str(err).startswith("field larger than field limit"):
                offsets = offsets or [0, *itertools.accumulate(map(len, lines))]
                yield row, _too_long(text, offsets[start], separator)
            else:
                yield row, NotCsv(f"not valid CSV ({err}); check the quotes on this row")
            row, position = row + 1, start + 1


def _too_long(text: str, record: int, separator: str) -> NotCsv:
    """Why the record starting at `record` in `text` has a cell longer than the csv
    module takes: a cell that is simply too long, or one a quote opens and never closes
    (or closes many lines later), which takes in the rows after it."""
    limit = csv.field_size_limit()
    column, start = 0, record
    while True:
        cell = _cell_at(text, start, separator)
        if cell.length > limit:
            break
        if cell.end >= len(text) or text[cell.end] in "\r\n":  # no cell was too long
            return NotCsv(f"not valid CSV (a cell is longer than {limit:,} characters)")
        column, start = column + 1, cell.end + 1
    if not cell.closed:
        return NotCsv(
            "a quote opens this cell and nothing closes it; check the quotes on this row", column
        )
    size = f"{cell.length:,} characters"
    if lines := text.count("\n", start, cell.end):
        return NotCsv(
            f"this cell is too long: {size} over {lines + 1:,} lines, where a cell can "
            f"hold at most {limit:,}; if it should end sooner, check the quotes on this row",
            column,
        )
    return NotCsv(f"this cell is too long: {size}, where a cell can hold at most {limit:,}", column)


@dataclass(frozen=True)
class _Cell:
    """Where one cell of a record ends in the text, how long its value is, and (for a
    quoted cell) whether its closing quote was found."""

    end: int  # just after the cell: at its separator, its line end or the text's end
    length: int
    closed: bool = True


def _cell_at(text: str, start: int, separator: str) -> _Cell:
    """The cell starting at `start`, read as the csv module reads it (a quoted cell
    runs to the quote not doubled, line breaks and all)."""
    if not text.startswith('"', start):
        line_end = text.find("\n", start)
        end = len(text) if line_end < 0 else line_end
        # Only within the line: searching the rest of the text for every cell would take
        # a file of many bad rows quadratic time.
        end = min(
            (found for mark in (separator, "\r") if (found := text.find(mark, start, end)) >= 0),
            default=end,
        )
        return _Cell(end, end - start)
    quote = start + 1
    while (quote := text.find('"', quote)) >= 0 and text.startswith('"', quote + 1):
        quote += 2  # a doubled quote is a quote in the text
    if quote < 0:
        return _Cell(len(text), len(text) - start - 1, closed=False)
    doubled = text.count('""', start + 1, quote)
    return _Cell(quote + 1, quote - start - 1 - doubled)
