"""Layout files: page size, margins, header, footer, text styles."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from leaflet.sources.schema.common import Length, Strict, Text


class Box(Strict):
    """Four lengths: top, right, bottom, left."""

    top: Length
    right: Length
    bottom: Length
    left: Length


class StyleSpec(Strict):
    """A text style; unset values come from `parent` (or from `body`)."""

    parent: str | None = Field(default=None, description="Style to inherit from.")
    size: float | None = Field(default=None, gt=0, description="Font size in points.")
    leading: float | None = Field(default=None, gt=0, description="Line height in points.")
    bold: bool | None = Field(default=None, description="Bold face.")
    colour: Literal["text", "primary", "muted", "urgent", "on_primary"] | None = Field(
        default=None, description="A brand colour name."
    )
    space_before: float | None = Field(default=None, ge=0, description="Points above.")
    space_after: float | None = Field(default=None, ge=0, description="Points below.")


class Layout(Strict):
    """`layouts/<name>.yaml`: page size, margins, header, footer and text styles."""

    extends: str | None = Field(default=None, description="A layout to start from.")
    description: Text = Field(description="One line shown by `leaflet list`.")
    page_width: Length = Field(description="Page width, e.g. 210mm.")
    page_height: Length = Field(description="Page height, e.g. 297mm.")
    margins: Box = Field(description="Space around the text frame.")
    header_height: Length = Field(description="Height of the header band.")
    header_gap: Length = Field(description="Space between the header band and the text.")
    footer_height: Length = Field(description="Height kept for the footer.")
    footer_size: float = Field(gt=0, description="Footer text size in points.")
    qr_size: Length = Field(description="Side of the QR code.")
    min_body_size: float = Field(default=12, gt=0, description="Smallest allowed body size.")
    styles: dict[str, StyleSpec] = Field(
        description="Named text styles: body, title, subtitle, h2, h3, label, small..."
    )
    format: Literal["pages", "booklet", "trifold"] = Field(
        default="pages",
        description="pages: one page per PDF page; booklet: pages imposed "
        "two to a sheet in saddle-stitch order; trifold: one sheet of six panels.",
    )
    large_print: bool = Field(
        default=False, description="This is the large-print edition (the About box says so)."
    )
    documents: list[Text] | None = Field(
        default=None, description="The documents this layout can hold; none means all."
    )
    sheet_width: Length | None = Field(
        default=None, description="booklet: width of the printed sheet, e.g. 297mm."
    )
    sheet_height: Length | None = Field(
        default=None, description="booklet: height of the printed sheet, e.g. 210mm."
    )
    panels_outside: list[Length] | None = Field(
        default=None,
        description="trifold: panel widths of the outside, left to right "
        "(inner flap back, back panel, cover); right to left in a right-to-left "
        "language, whose sheet is the mirror image.",
    )
    panels_inside: list[Length] | None = Field(
        default=None,
        description="trifold: panel widths of the inside, left to right (right to left "
        "in a right-to-left language).",
    )
