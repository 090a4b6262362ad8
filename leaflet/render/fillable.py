"""Fillable consent forms: PDF form fields laid over the printed boxes and lines.

`render_pdf(..., fillable=True)` gives the build's drawing session a `FormFields`; the
tick rows and write-in lines call it as they draw, so each field sits exactly on what is
printed. Fields are invisible (no border, no fill):
the printed look does not change. Their names come from the content ids:
`contraindication.<id>`, `photo.<id>`, `declaration.<id>`, `field.<id>` and
`signature.<id>`.

ReportLab makes no signature fields, so those positions are recorded while drawing and
added afterwards with pypdf, as empty /Sig fields any signing tool can fill.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, cast

from reportlab.lib.colors import black, transparent
from reportlab.pdfgen.canvas import Canvas

from leaflet.errors import Argument, LeafletError

#: The PDF standard font: ReportLab's form fields allow only the 14 standard fonts.
FIELD_FONT = "Helvetica"
YES, NO = "Yes", "No"
FILLABLE = Argument("fillable=True", "--fillable")


def check_fillable(kind: str, document_name: str, page_format: str) -> None:
    """Refuse a fillable PDF where there are no fields, or where pages are imposed."""
    if kind != "form":
        raise LeafletError(
            FILLABLE, f" applies to forms; the {document_name} document has no fields"
        )
    if page_format != "pages":
        raise LeafletError(
            FILLABLE,
            f" needs a layout of single pages, not a {page_format}; use ",
            Argument("layout", "--layout"),
            " a4, letter, a5 or large-print",
        )


@dataclass(frozen=True)
class SignatureSpot:
    name: str
    page: int  # 1-based
    rect: tuple[float, float, float, float]  # x1, y1, x2, y2 in page coordinates


class FormFields:
    """Adds the form fields to a canvas while the story draws (it is the drawing
    session's field recorder), and records where the signature fields go."""

    def __init__(self) -> None:
        self.signatures: list[SignatureSpot] = []
        self._used: dict[str, int] = {}

    def _unique(self, name: str) -> str:
        """The name, or with -2, -3... when an id is used twice in one document."""
        count = self._used[name] = self._used.get(name, 0) + 1
        return name if count == 1 else f"{name}-{count}"

    def ticks(self, canvas: Canvas, name: str, xs: list[float], y: float, size: float) -> None:
        """One checkbox (one box) or a Yes/No radio group (two boxes), at the boxes
        drawn with their lower left corners at (x - size / 2, y)."""
        # types-reportlab declares whole points; ReportLab takes any number.
        form: Any = canvas.acroForm
        name = self._unique(name)
        style = {
            "buttonStyle": "check",
            "shape": "square",
            "size": size,
            "fillColor": transparent,
            "borderColor": transparent,
            "borderWidth": 0,
            "textColor": black,
            "relative": True,
            "fieldFlags": "",
        }
        if len(xs) == 1:
            form.checkbox(name=name, x=xs[0] - size / 2, y=y, tooltip=name, **style)
            return
        for value, x in zip((YES, NO), xs, strict=True):
            form.radio(
                name=name,
                value=value,
                x=x - size / 2,
                y=y,
                tooltip=name,
                **{**style, "fieldFlags": "noToggleToOff radio"},
            )

    def write_in(self, canvas: Canvas, name: str, lines: int, spacing: float, width: float) -> None:
        """A text field over write-in lines whose lowest line is at y = 0; a signature
        field when `name` is a signature's."""
        height = (lines - 1) * spacing + spacing * 0.8
        name = self._unique(name)
        if name.startswith("signature."):
            x1, y1 = canvas.absolutePosition(0, 0)
            x2, y2 = canvas.absolutePosition(width, height)
            self.signatures.append(SignatureSpot(name, canvas.getPageNumber(), (x1, y1, x2, y2)))
            return
        form: Any = canvas.acroForm  # see `ticks`
        form.textfield(
            name=name,
            tooltip=name,
            x=0,
            y=1,
            width=width,
            height=height - 1,
            relative=True,
            fontName=FIELD_FONT,
            fontSize=min(11.0, spacing * 0.6),
            textColor=black,
            fillColor=transparent,
            borderColor=transparent,
            borderWidth=0,
            fieldFlags="multiline" if lines > 1 else "",
            maxlen=0 if lines > 1 else 200,
        )


def add_signature_fields(data: bytes, spots: list[SignatureSpot]) -> bytes:
    """The PDF with an empty signature field (/FT /Sig) at each spot."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    acro_form = cast(DictionaryObject, writer.root_object["/AcroForm"].get_object())
    fields = cast(ArrayObject, acro_form["/Fields"])
    for spot in spots:
        page = writer.pages[spot.page - 1]
        widget = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Sig"),
                NameObject("/T"): TextStringObject(spot.name),
                NameObject("/TU"): TextStringObject(spot.name),
                NameObject("/F"): NumberObject(4),  # print
                NameObject("/Rect"): ArrayObject([FloatObject(round(v, 2)) for v in spot.rect]),
                NameObject("/P"): page.indirect_reference,
            }
        )
        ref = writer._add_object(widget)
        if "/Annots" not in page:
            page[NameObject("/Annots")] = ArrayObject()
        cast(ArrayObject, page["/Annots"].get_object()).append(ref)
        fields.append(ref)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
