"""Registering TrueType fonts with ReportLab, and which font prints which character.

ReportLab has no font fallback: a character missing from the font prints as an empty
box. So text prints in a chain of families (`FontChain`): the brand's, then the bundled
Arabic font, then the brand's fallback fonts (a CJK font for names, say); each run of
characters in the first family that has them. Text no family can show is refused, naming
the character. The registry is global to ReportLab, so each file is registered once per
process under a name derived from its content; fonts other than the brand's are only
read when a character first needs them.
"""

from __future__ import annotations

import functools
import hashlib
import io
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


_registered: dict[tuple[Path, Path], FontFamily] = {}


class FontFileError(Exception):
    """A font file is missing or unusable; the caller names the field that pointed at it."""


def register_family(regular: Path, bold: Path, *, shaping: bool = False) -> FontFamily:
    """Register a regular and bold TrueType face as one family and return it. A family
    for a script that needs shaping (`shaping`) measures text as HarfBuzz shapes it."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    key = (regular.resolve(), bold.resolve())
    if key in _registered:
        return _registered[key]
    faces = [_load(key[0], shaping)]
    faces.append(faces[0] if key[1] == key[0] else _load(key[1], shaping))
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


def _load(path: Path, shaping: bool = False) -> TTFont:
    try:
        data = read_limited(path, MAX_FONT_BYTES)
    except UnreadableFile as err:
        problem = "font file not found" if str(err) == "file not found" else f"font file {err}"
        raise FontFileError(f"{problem}: {path}") from err
    # Named by content, not location, so output is the same wherever the files are installed.
    name = f"{path.stem}-{hashlib.sha256(data).hexdigest()[:8]}"
    try:
        face = _subset_keeping_font(shaping)(name, io.BytesIO(data))
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
    if key not in store:
        store[key] = make()
        if len(store) > KEPT_SUBSETS:
            store.popitem(last=False)
    return store[key]


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
def _subset_keeping_font(shaping: bool = False) -> type[TTFont]:
    """ReportLab's TTFont, or for a script that needs shaping our `ShapingTTFont`,
    keeping the subsets it writes (made on first use, so that importing this module
    loads neither ReportLab nor HarfBuzz)."""
    from reportlab.pdfbase import pdfdoc
    from reportlab.pdfbase.ttfonts import TTFont

    base: type[Any] = TTFont
    if shaping:
        from leaflet.sources.shaping import ShapingTTFont

        base = ShapingTTFont
    kept_flate, kept_widths = _keeping_writers()

    class SubsetKeepingFont(base):  # type: ignore[misc]  # one of two bases
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


#: The bundled family for right-to-left scripts (Arabic, Urdu, Persian): second in every
#: chain, after the brand's own.
ARABIC_FONTS = ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf")
#: Characters that stay in the font of the run they are in when it has them (spaces,
#: punctuation, symbols, digits, marks): a run changes font only for a letter.
_FOLLOWING = frozenset("ZPSNMC")
#: Names of the characters a CJK fallback font prints.
_CJK_NAMES = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO")


@dataclass(frozen=True)
class Fallback:
    """A family read only when a character first needs it. `where` names the brand field
    that lists it, and `note` how to get it (a Debian package)."""

    regular: Path
    bold: Path
    where: str = ""
    note: str = ""
    shaping: bool = True

    def load(self) -> FontFamily | None:
        """The registered family, or None when its files are not on this machine."""
        if not (self.regular.is_file() and self.bold.is_file()):
            return None
        return register_family(self.regular, self.bold, shaping=self.shaping)


class FontChain:
    """The families text prints in, in order: the first (`primary`) gives a style its
    font; each run of characters the primary lacks prints in the first later family that
    has them. Families after the first are read when first needed."""

    def __init__(self, primary: FontFamily, fallbacks: tuple[Fallback, ...]) -> None:
        self.primary = primary
        self.fallbacks = fallbacks
        self._loaded: list[FontFamily] = [primary]
        self._pending = list(fallbacks)
        self._runs: dict[tuple[str, bool], list[tuple[str, str]]] = {}
        self._led: dict[str, FontChain] = {}

    @property
    def key(self) -> tuple[object, ...]:
        """What tells two chains apart: their primary faces and fallback files."""
        return (self.primary.regular, self.primary.bold, self.fallbacks)

    @property
    def regular(self) -> str:
        return self.primary.regular

    @property
    def bold(self) -> str:
        return self.primary.bold

    def __deepcopy__(self, memo: dict[int, object]) -> FontChain:
        return self  # shared by the styles that name it; ReportLab deep-copies styles

    def families(self, text: str = "") -> list[FontFamily]:
        """The families loaded so far, after loading those `text` needs."""
        absent = set(text) - self._loaded[0].printable
        for family in self._loaded[1:]:
            absent -= family.printable
        while absent and self._pending:
            loaded = self._pending.pop(0).load()
            if loaded is not None:
                self._loaded.append(loaded)
                absent -= loaded.printable
        return self._loaded

    def used_by(self, text: str) -> list[FontFamily]:
        """The families `text` prints in: the primary, and for each character it lacks
        the first family that has it; in the chain's order."""
        families = self.families(text)
        used = {id(self.primary)}
        for char in set(text) - self.primary.printable:
            family = next((f for f in families if char in f.printable), None)
            if family is not None:
                used.add(id(family))
        return [family for family in families if id(family) in used]

    def missing(self, text: str) -> list[str]:
        """Characters of `text` no family can print, in the order they first appear."""
        if not (absent := set(text) - self.primary.printable):
            return []
        for family in self.families(text)[1:]:
            absent -= family.printable
        return [char for char in dict.fromkeys(text) if char in absent]

    def cannot_print(self, missing: list[str]) -> str:
        """Why a personal value cannot be printed, and where a font for it is to be had."""
        problem = f"the brand fonts cannot print {describe_chars(missing)}"
        absent = [
            f"{font.where} ({font.regular}{'; ' + font.note if font.note else ''})"
            for font in self.fallbacks
            if font.where.startswith("fonts.") and not font.regular.is_file()
        ]
        if absent:
            return f"{problem}; not on this machine: {', '.join(absent)}"
        hint = "; list a TrueType font that has it under fonts.fallback in the brand file"
        if any(unicodedata.name(char, "").startswith(_CJK_NAMES) for char in missing):
            hint += " (Chinese, Japanese, Korean: Debian's fonts-droid-fallback)"
        return problem + hint

    def led_by(self, text: str) -> FontChain:
        """This chain led by its first family that prints every letter of `text` (the
        Arabic family for an Arabic document), the others after it in their order."""
        families = self.families(text)
        letters = {char for char in text if unicodedata.category(char)[0] == "L"}
        lead = next((f for f in families if letters <= f.printable), self.primary)
        if lead is self.primary:
            return self
        if (chain := self._led.get(lead.regular)) is None:
            chain = FontChain(lead, self.fallbacks)
            chain._loaded = [lead, *(f for f in families if f is not lead)]
            chain._pending = list(self._pending)
            self._led[lead.regular] = chain
        return chain

    def runs(self, text: str, bold: bool) -> list[tuple[str, str]]:
        """`text` cut into (font name, text) runs, each in the regular or bold face of
        the first family that has its letters."""
        key = (text, bold)
        if (cached := self._runs.get(key)) is not None:
            return cached
        families = self.families(text)
        faces = [family.bold if bold else family.regular for family in families]
        runs: list[list[str]] = []
        current: FontFamily | None = None
        for char in text:
            family = self._family_for(char, current, families)
            face = faces[families.index(family)]
            if runs and runs[-1][0] == face:
                runs[-1][1] += char
            else:
                runs.append([face, char])
            current = family
        result = [(face, part) for face, part in runs]
        self._runs[key] = result
        return result

    @staticmethod
    def _family_for(
        char: str, current: FontFamily | None, families: list[FontFamily]
    ) -> FontFamily:
        if (
            current is not None
            and char in current.printable
            and unicodedata.category(char)[0] in _FOLLOWING
        ):
            return current
        return next((f for f in families if char in f.printable), families[0])
