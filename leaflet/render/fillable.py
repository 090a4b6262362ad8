"""Fillable consent forms: PDF form fields laid over the printed boxes and lines.

`render_pdf(..., fillable=True)` gives the build's drawing session a `FormFields`; the
tick rows and write-in lines call it as they draw, so each field sits exactly on what is
printed, and the printed look does not change. Their names come from the content ids:
`contraindication.<id>`, `photo.<id>`, `declaration.<id>`, `field.<id>`,
`signature.<id>` and `table.<id>.<row>.<column id>`. What each field asks (its /TU) and
the tab order come from the structure tree (`leaflet.render.tagged`), declared once
where the form's pieces are made.

ReportLab makes no signature fields, so those positions are recorded while drawing and
added afterwards with pikepdf, as empty /Sig fields any signing tool can fill; the same
pass makes one-line fields shrink what is typed to fit (see `finish_fields`). A
pre-filled value shows in the brand font (`_show_value`).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pikepdf
from reportlab.lib.colors import black, transparent, white
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFObjectReference
from reportlab.pdfgen.canvas import Canvas

from leaflet.errors import Argument, LeafletError
from leaflet.story.session import WriteInArea

#: The PDF standard font: ReportLab's form fields allow only the 14 standard fonts.
FIELD_FONT = "Helvetica"
YES, NO = "Yes", "No"
#: A text field's flag for several lines (PDF 32000-1, table 228: bit 13).
MULTILINE = 1 << 12
#: The size in a field's default appearance ("/Helv 12 Tf 0 g").
AUTO_SIZE = re.compile(r"(/\S+) [\d.]+ Tf")
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
        drawn with their lower left corners at (x - size / 2, y). Each widget draws its
        own box in every state, over the printed one. (What each asks, its /TU, comes
        from its structure element: `leaflet.render.tagged`.)"""
        # types-reportlab declares whole points; ReportLab takes any number.
        form: Any = canvas.acroForm
        name = self._unique(name)
        style = {
            "buttonStyle": "check",
            "shape": "square",
            "size": size,
            "fillColor": white,
            "borderColor": black,
            "borderWidth": 1.2,
            "textColor": black,
            "relative": True,
            "fieldFlags": "",
        }
        if len(xs) == 1:
            form.checkbox(name=name, x=xs[0] - size / 2, y=y, **style)
            return
        for value, x in zip((YES, NO), xs, strict=True):
            form.radio(
                name=name,
                value=value,
                x=x - size / 2,
                y=y,
                **{**style, "fieldFlags": "noToggleToOff radio"},
            )

    def write_in(self, canvas: Canvas, name: str, area: WriteInArea) -> None:
        """A text field over write-in lines whose lowest line is at y = 0, in the size
        the form's text is written in (18 pt in large print), or a signature field when
        `name` is a signature's. A known value fills the field, shown as `area` draws it
        (in the brand font); a value that wrapped onto a second line makes it a
        multi-line field."""
        height = (area.lines - 1) * area.spacing + area.spacing * 0.8
        name = self._unique(name)
        if name.startswith("signature."):
            x1, y1 = canvas.absolutePosition(0, 0)
            x2, y2 = canvas.absolutePosition(area.width, height)
            self.signatures.append(SignatureSpot(name, canvas.getPageNumber(), (x1, y1, x2, y2)))
            return
        form: Any = canvas.acroForm  # see `ticks`
        multiline = area.lines > 1
        form.textfield(
            name=name,
            value=area.value,
            x=0,
            y=1,
            width=area.width,
            height=height - 1,
            relative=True,
            fontName=FIELD_FONT,
            fontSize=area.size,
            textColor=black,
            fillColor=transparent,
            borderColor=transparent,
            borderWidth=0,
            fieldFlags="multiline" if multiline else "",
            maxlen=0 if multiline else 200,
        )
        if area.value and area.draw_value is not None:
            _show_value(canvas, name, area, height - 1)


def _show_value(canvas: Canvas, name: str, area: WriteInArea, height: float) -> None:
    """Make the text field just added show its value as the page would print it, in
    the brand font (embedded), not in ReportLab's Helvetica (which is not)."""
    # ReportLab's own objects, left out of its stubs: the document and the page's
    # annotations, the last of them the field just added.
    document: Any = canvas._doc  # type: ignore[attr-defined]
    widget = document.idToObject[canvas._annotationrefs[-1].name]  # type: ignore[attr-defined]
    form_name = f"LeafletValue.{name}"
    canvas.beginForm(form_name, 0, 0, area.width, height)
    canvas.translate(0, -1)  # the field starts 1 point above the lowest line
    assert area.draw_value is not None
    area.draw_value(canvas)
    canvas.endForm()
    reference = PDFObjectReference(document.getXObjectName(form_name))
    widget.dict["AP"] = PDFDictionary({"N": reference})


def finish_fields(data: bytes, fields: FormFields) -> bytes:
    """The form completed after ReportLab: a signature field (/FT /Sig) with a visible
    box at each spot, and one-line text fields that shrink what is typed to fit (font
    size 0: a long name is not cut off). Descriptions (/TU) and tab order come with the
    structure tree (`leaflet.render.tagged`)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        acro_form = pdf.Root.AcroForm
        for spot in fields.signatures:
            page = pdf.pages[spot.page - 1]
            widget = pdf.make_indirect(_signature_widget(pdf, spot, page))
            if "/Annots" not in page.obj:
                page.obj.Annots = pikepdf.Array()
            page.obj.Annots.append(widget)
            acro_form.Fields.append(widget)
        for field in acro_form.Fields:
            if field.get("/FT") == pikepdf.Name.Tx and not int(field.get("/Ff", 0)) & MULTILINE:
                field.DA = pikepdf.String(AUTO_SIZE.sub(r"\1 0 Tf", str(field.DA)))
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def _signature_widget(
    pdf: pikepdf.Pdf, spot: SignatureSpot, page: pikepdf.Page
) -> pikepdf.Dictionary:
    """An empty signature field showing a box over its line until it is signed."""
    x1, y1, x2, y2 = spot.rect
    width, height = x2 - x1, y2 - y1
    box = f"0.29 0.33 0.39 RG 0.8 w 0.4 0.4 {width - 0.8:.2f} {height - 0.8:.2f} re S"
    appearance = pikepdf.Stream(pdf, box.encode("ascii"))
    appearance.Type, appearance.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
    appearance.BBox = pikepdf.Array([0, 0, round(width, 2), round(height, 2)])
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Widget,
        FT=pikepdf.Name.Sig,
        T=pikepdf.String(spot.name),
        F=4,  # print
        Rect=pikepdf.Array([round(v, 2) for v in spot.rect]),
        P=page.obj,
        AP=pikepdf.Dictionary(N=appearance),
    )
