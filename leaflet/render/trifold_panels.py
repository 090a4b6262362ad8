"""The six panels of a roll-folded tri-fold sheet and the text area inside each.

Panel widths come from the layout (`panels_outside`, `panels_inside`); text keeps the
layout's margins from the sheet edges and `FOLD_CLEARANCE` from every fold line.

A document read right to left is opened from the other side, so its sheet is the mirror
image of a left-to-right one: the layout's widths run right to left on both sides, the
cover on the left of the outside and the text starting in the right-hand inside panel.
Mirroring both sides keeps which panel backs which, as the sheet is turned over on its
short edge either way (the back of a point x from the left edge is x from the right
edge): the cover still backs the first inside panel, the back panel the middle one, the
narrow flap the narrow inside panel. Folded, the cover then opens on its right-hand
edge, as a book in Arabic or Hebrew does.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Frame

from leaflet.sources.layout import Layout

#: Text keeps this far from a fold line. Print shops ask for at least 3 mm; folding by
#: hand or on an office folder is less exact, and 6 mm still reads as one page when open.
FOLD_CLEARANCE = 5 * mm


@dataclass(frozen=True)
class Panel:
    """One panel of one side of the sheet, and the text area inside it (points)."""

    name: str
    left: float  # the panel's left edge on the sheet
    width: float
    text_x: float  # the text area: clear of the sheet edge and the folds
    text_width: float
    text_y: float
    text_height: float

    def frame(self, bottom: float = 0.0) -> Frame:
        """A frame over the text area, without padding; `bottom` raises its foot."""
        return Frame(
            self.text_x,
            self.text_y + bottom,
            self.text_width,
            self.text_height - bottom,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=self.name,
        )


def panels(layout: Layout, side: str, offset: float = 0.0, rtl: bool = False) -> list[Panel]:
    """The three panels of the `side` ("outside" or "inside") of the sheet in reading
    order: left to right, or right to left when `rtl` (the mirror image).

    `offset` is where the sheet's trimmed area starts on the PDF page (bleed and crop
    marks for a print shop)."""
    names = {"outside": ("A1", "A2", "A3"), "inside": ("B1", "B2", "B3")}[side]
    if rtl:
        names = names[::-1]
    widths = panel_widths(layout, side, rtl)
    out, left = [], offset
    for index, (name, width) in enumerate(zip(names, widths, strict=True)):
        inset_left = layout.margin_left if index == 0 else FOLD_CLEARANCE
        inset_right = layout.margin_right if index == len(widths) - 1 else FOLD_CLEARANCE
        out.append(
            Panel(
                name,
                left,
                width,
                left + inset_left,
                width - inset_left - inset_right,
                offset + layout.margin_bottom,
                layout.page_height - layout.margin_top - layout.margin_bottom,
            )
        )
        left += width
    return out[::-1] if rtl else out


def panel_widths(layout: Layout, side: str, rtl: bool = False) -> tuple[float, ...]:
    """The widths of the panels of `side` as they stand on the sheet, left to right."""
    widths: tuple[float, ...] = getattr(layout, f"panels_{side}")
    return widths[::-1] if rtl else widths
