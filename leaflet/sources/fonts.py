"""Registering the brand's TrueType fonts with ReportLab and checking their coverage.

ReportLab has no font fallback: a character missing from the font prints as an empty
box. So we keep each family's character map and refuse text it cannot show, naming the
character. The registry is global to ReportLab, so each file is registered once per
process under a name derived from its path.
"""

from __future__ import annotations

import functools
import hashlib
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from leaflet.sources.reading import MB, UnreadableFile, read_limited

#: Larger than any font a leaflet uses (a whole CJK TrueType font is about 20 MB).
MAX_FONT_BYTES = 50 * MB


@dataclass(frozen=True)
class FontFamily:
    """A registered regular and bold face and the characters both of them can show."""

    regular: str
    bold: str
    coverage: frozenset[int]

    def missing(self, text: str) -> list[str]:
        """Characters of `text` the family cannot print (line breaks and tabs are fine),
        in the order they first appear."""
        absent = set(text) - self.printable
        if not absent:  # the usual case, decided by one set operation
            return []
        return [char for char in dict.fromkeys(text) if char in absent]

    @functools.cached_property
    def printable(self) -> frozenset[str]:
        return frozenset(map(chr, self.coverage)) | frozenset("\n\r\t")


def describe_chars(chars: list[str]) -> str:
    """`['Ж', '☃']` -> `'Ж' (U+0416 CYRILLIC CAPITAL LETTER ZHE), '☃' (U+2603 SNOWMAN)`."""
    return ", ".join(
        f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')})" for c in chars
    )


_registered: dict[tuple[Path, Path], FontFamily] = {}


class FontFileError(Exception):
    """A font file is missing or unusable; the caller names the field that pointed at it."""


def register_family(regular: Path, bold: Path) -> FontFamily:
    """Register a regular and bold TrueType face as one family and return it."""
    key = (regular.resolve(), bold.resolve())
    if key in _registered:
        return _registered[key]
    faces = [_load(path) for path in key]
    for face in faces:
        pdfmetrics.registerFont(face)
    regular_name, bold_name = (face.fontName for face in faces)
    # Italic maps to upright: clear-print guidance rules italics out of patient leaflets.
    addMapping(regular_name, 0, 0, regular_name)
    addMapping(regular_name, 1, 0, bold_name)
    addMapping(regular_name, 0, 1, regular_name)
    addMapping(regular_name, 1, 1, bold_name)
    coverage = frozenset(faces[0].face.charToGlyph) & frozenset(faces[1].face.charToGlyph)
    family = FontFamily(regular_name, bold_name, coverage)
    _registered[key] = family
    return family


def _load(path: Path) -> TTFont:
    try:
        data = read_limited(path, MAX_FONT_BYTES)
    except UnreadableFile as err:
        problem = "font file not found" if str(err) == "file not found" else f"font file {err}"
        raise FontFileError(f"{problem}: {path}") from err
    # Named by content, not location, so output is the same wherever the files are installed.
    name = f"{path.stem}-{hashlib.sha256(data).hexdigest()[:8]}"
    try:
        face = TTFont(name, io.BytesIO(data))
    except Exception as err:  # a damaged file fails in many ways: TTFError, struct.error...
        raise FontFileError(
            f"{path} is not a usable TrueType font ({err}); use a .ttf "
            "file with TrueType (glyf) outlines"
        ) from err
    # A file cut short can load (the table directory is at the start) and fail only when
    # a glyph from its missing end is drawn; every table must lie within the file.
    for tag, table in face.face.table.items():
        if table["offset"] + table["length"] > len(data):
            raise FontFileError(
                f"{path} is cut short: its {tag.strip()} table runs past the end of the file; "
                "copy the font file again"
            )
    return face
