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
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leaflet.sources.reading import MB, UnreadableFile, read_limited

if TYPE_CHECKING:  # ReportLab loads when a font is registered, not to check a name
    from reportlab.pdfbase.ttfonts import TTFont

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


#: A font file, or its bytes (a brand given as data).
FontSource = Path | bytes
_registered: dict[tuple[Path | str, Path | str], FontFamily] = {}
#: ReportLab's font registry is a process-wide dictionary: registering is done under a
#: lock, so that two threads loading brands at once register each face once, whole.
_REGISTRY_LOCK = threading.Lock()


class FontFileError(Exception):
    """A font file is missing or unusable; the caller names the field that pointed at it
    (`face`: regular or bold)."""

    def __init__(self, message: str, face: str = "regular") -> None:
        super().__init__(message)
        self.face = face


def register_family(regular: FontSource, bold: FontSource) -> FontFamily:
    """Register a regular and bold TrueType face (files, or their bytes) as one family
    and return it."""
    key = (_key(regular), _key(bold))
    with _REGISTRY_LOCK:
        if key not in _registered:
            _registered[key] = _register(regular, bold)
        return _registered[key]


def _key(source: FontSource) -> Path | str:
    return source.resolve() if isinstance(source, Path) else hashlib.sha256(source).hexdigest()


def _register(regular: FontSource, bold: FontSource) -> FontFamily:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    faces: list[TTFont] = []
    for source, kind in ((regular, "regular"), (bold, "bold")):
        try:
            faces.append(_load(source, f"BrandFont-{kind.title()}"))
        except FontFileError as err:
            raise FontFileError(str(err), kind) from err
    for loaded in faces:
        pdfmetrics.registerFont(loaded)
    regular_name, bold_name = (loaded.fontName for loaded in faces)
    # Italic maps to upright: clear-print guidance rules italics out of patient leaflets.
    addMapping(regular_name, 0, 0, regular_name)
    addMapping(regular_name, 1, 0, bold_name)
    addMapping(regular_name, 0, 1, regular_name)
    addMapping(regular_name, 1, 1, bold_name)
    coverage = frozenset(faces[0].face.charToGlyph) & frozenset(faces[1].face.charToGlyph)
    return FontFamily(regular_name, bold_name, coverage)


def _load(source: FontSource, stem: str) -> TTFont:
    """A face from a file or bytes; `stem` names one given as bytes."""
    if isinstance(source, bytes):
        data, path = source, Path(f"<{stem} bytes>")
        if len(data) > MAX_FONT_BYTES:
            raise FontFileError(f"{path} is larger than {MAX_FONT_BYTES // MB} MB")
        stem_name = stem
    else:
        path, stem_name = source, source.stem
        try:
            data = read_limited(path, MAX_FONT_BYTES)
        except UnreadableFile as err:
            problem = "font file not found" if str(err) == "file not found" else f"font file {err}"
            raise FontFileError(f"{problem}: {path}") from err
    # Named by content, not location, so output is the same wherever the files are installed.
    name = f"{stem_name}-{hashlib.sha256(data).hexdigest()[:8]}"
    try:
        face = _subset_keeping_font()(name, io.BytesIO(data))
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


#: Font subsets kept, compressed, by the glyphs they hold: a long-running process (a
#: batch worker, a service) writes the same few subsets build after build. Their
#: Unicode maps and width arrays are kept likewise.
KEPT_SUBSETS = 64


def _kept(store: OrderedDict[Any, Any], key: Any, make: Callable[[], Any]) -> Any:
    """`store[key]`, made by `make()` the first time; past `KEPT_SUBSETS` entries the
    least recently made go first."""
    with _KEPT_LOCK:  # threads share the stores; what is missing is made outside it
        found = store.get(key)
    if found is None:
        found = make()
        with _KEPT_LOCK:
            store[key] = found
            if len(store) > KEPT_SUBSETS:
                store.popitem(last=False)
    return found


_KEPT_LOCK = threading.Lock()


@functools.cache
def _keeping_writers() -> tuple[Any, type]:
    """The Flate filter for a subset's font file and Unicode map, and the writer of its
    /Widths array, each keeping what it wrote (made on first use: see below)."""
    from reportlab.pdfbase import pdfdoc

    compressed: OrderedDict[str | bytes, bytes] = OrderedDict()
    formatted: OrderedDict[tuple[int, ...], bytes] = OrderedDict()

    class KeptFlate(pdfdoc.PDFStreamFilterZCompress):
        """Flate, remembering the subsets and Unicode maps it compressed last."""

        def encode(self, text: Any) -> Any:
            return _kept(compressed, text, lambda: super(KeptFlate, self).encode(text))

    class KeptWidths(pdfdoc.PDFObject):
        """A subset's /Widths array, written as ReportLab writes it, once."""

        def __init__(self, widths: Any) -> None:
            self.widths = widths

        def format(self, document: Any) -> bytes:
            key = tuple(self.widths.sequence)
            return _kept(formatted, key, lambda: self.widths.format(document))  # type: ignore[no-any-return]

    return KeptFlate(), KeptWidths


@functools.cache
def _subset_keeping_font() -> type[TTFont]:
    """ReportLab's TTFont, keeping the subsets it writes (made on first use, so that
    importing this module does not load ReportLab)."""
    from reportlab.pdfbase import pdfdoc
    from reportlab.pdfbase.ttfonts import TTFont

    kept_flate, kept_widths = _keeping_writers()

    class SubsetKeepingFont(TTFont):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            face: Any = self.face
            make_subset = face.makeSubset
            made: OrderedDict[tuple[int, ...], bytes] = OrderedDict()

            def kept_subset(subset: list[int]) -> bytes:
                key = tuple(subset)
                return _kept(made, key, lambda: make_subset(subset))  # type: ignore[no-any-return]

            face.makeSubset = kept_subset

        def addObjects(self, doc: Any) -> None:
            before = set(doc.idToObject)
            super().addObjects(doc)
            for key in doc.idToObject.keys() - before:
                item = doc.idToObject[key]
                if key.startswith(("fontFile:", "toUnicodeCMap:")):
                    getattr(item, "object", item).filters = [kept_flate]
                elif isinstance(item, pdfdoc.PDFTrueTypeFont):
                    font: Any = item  # its entries are set as attributes, untyped
                    font.Widths = kept_widths(font.Widths)

    return SubsetKeepingFont
