"""Drawing a patient's values in a base's own fonts, so a stamped copy embeds no fonts.

ReportLab embeds only the glyphs a PDF uses (font subsets) and numbers characters as they
are first drawn. A base laid out for stamping (`leaflet.render.stamp`) reserves, just
before it is saved, the characters its personal values will need (`reserve`), so its
subsets hold their glyphs, and records how each font numbers them (`FontCodes`). Each
patient's text is then drawn on a scratch canvas that numbers characters exactly as the
base does (`scratch_canvas`), and its operators become the contents of the base's slot
forms, which use the base's font resources.

Which characters to reserve is the caller's choice: `leaflet.render.stamp` reserves
exactly the characters beyond ASCII in one patient's values (ReportLab's first subset
always holds the whole of printable ASCII), so a copy holds the same glyphs as a full
build for that patient and nothing from anyone else's name.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # `needed` is used where nothing is drawn (sorting a batch's jobs)
    from reportlab.pdfgen.canvas import Canvas

#: Reserved in every base: no-ops where ReportLab already numbers ASCII as itself (its
#: default), and what makes a base hold every ASCII glyph where it does not.
PRINTABLE_ASCII = "".join(map(chr, range(32, 127)))


@dataclass(frozen=True)
class FontCodes:
    """How one font numbers characters in a finished base: code by character, the
    characters of each subset, the next free code and the font's resource name."""

    assignments: Mapping[int, int]
    subsets: tuple[tuple[int, ...], ...]
    next_code: int
    internal_name: str


def needed(values: Iterable[str]) -> str:
    """The characters beyond ASCII in `values`, sorted: what a base must reserve for them."""
    return "".join(sorted({char for value in values for char in value if ord(char) > 126}))


def reserve(canvas: Canvas, fonts: Iterable[str], characters: str) -> dict[str, FontCodes]:
    """Number `characters` in every font of `fonts` in `canvas`'s document, and return how
    each font numbers characters. Call it just before the document is saved: the subsets
    are then written with these glyphs, and later text keeps its codes."""
    from reportlab.pdfbase import pdfmetrics

    document: Any = canvas._doc  # type: ignore[attr-defined]
    codes: dict[str, FontCodes] = {}
    for name in dict.fromkeys(fonts):
        font: Any = pdfmetrics.getFont(name)
        if not getattr(font, "_dynamicFont", False):
            continue  # a standard PDF font: nothing embedded, nothing to number
        font.splitString(PRINTABLE_ASCII + characters, document)
        state = font.state[document]
        for subset in range(len(state.subsets)):
            font.getSubsetInternalName(subset, document)  # every subset gets written
        codes[name] = FontCodes(
            dict(state.assignments),
            tuple(tuple(subset) for subset in state.subsets),
            state.nextCode,
            state.internalName,
        )
    return codes


def scratch_canvas(page_size: tuple[float, float], codes: Mapping[str, FontCodes]) -> Canvas:
    """A canvas, never saved, that numbers characters as the base with `codes` does.

    The fonts are frozen: a character the base did not reserve is an error rather than a
    code the base's subsets lack."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(io.BytesIO(), pagesize=page_size, invariant=1)
    document: Any = canvas._doc  # type: ignore[attr-defined]
    for name, font_codes in codes.items():
        font: Any = pdfmetrics.getFont(name)
        state = font._assignState(document)
        state.assignments = dict(font_codes.assignments)
        state.subsets = [list(subset) for subset in font_codes.subsets]
        state.nextCode = font_codes.next_code
        state.internalName = font_codes.internal_name
        state.frozen = 1
    return canvas


def take_operators(canvas: Canvas, codes: Mapping[str, FontCodes]) -> bytes:
    """The operators drawn on `canvas` since the last call, as content-stream bytes.

    Text in a font the base has no codes for would show nothing: that is an error (a
    style drawing in a font that is not the brand's, say), never a silent blank."""
    code: list[str] = canvas._code  # type: ignore[attr-defined]
    operators = "\n".join(code)
    code.clear()
    known = {font_codes.internal_name for font_codes in codes.values()}
    if unknown := set(_FONT_RESOURCE.findall(operators)) - known:
        raise ValueError(f"text drawn in fonts the base does not hold: {sorted(unknown)}")
    return operators.encode("latin-1")


#: A font subset's resource name in ReportLab's text operators: /F3+0 12 Tf.
_FONT_RESOURCE = re.compile(r"/(F\d+)\+\d+ ")
