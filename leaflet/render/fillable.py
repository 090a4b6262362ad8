"""Fillable consent forms: PDF form fields laid over the printed boxes and lines.

`render_pdf(..., fillable=True)` gives the build's drawing session a `FormFields`; the
tick rows and write-in lines call it as they draw, so each field sits exactly on what is
printed. Fields are invisible (no border, no fill):
the printed look does not change. Their names come from the content ids:
`contraindication.<id>`, `photo.<id>`, `declaration.<id>`, `field.<id>` and
`signature.<id>`.

ReportLab makes no signature fields, so those positions are recorded while drawing and
added afterwards with pikepdf, as empty /Sig fields any signing tool can fill; the same
pass puts each page's widgets in reading order (see `finish_fields`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pikepdf
from reportlab.lib.colors import black, transparent, white
from reportlab.pdfgen.canvas import Canvas

from leaflet.errors import Argument, LeafletError
from leaflet.story.session import WriteInArea

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
    label: str


class FormFields:
    """Adds the form fields to a canvas while the story draws (it is the drawing
    session's field recorder), and records where the signature fields go."""

    def __init__(self) -> None:
        self.signatures: list[SignatureSpot] = []
        #: Yes/No groups by field name, with the question a person reads.
        self.questions: dict[str, str] = {}
        self._used: dict[str, int] = {}

    def _unique(self, name: str) -> str:
        """The name, or with -2, -3... when an id is used twice in one document."""
        count = self._used[name] = self._used.get(name, 0) + 1
        return name if count == 1 else f"{name}-{count}"

    def ticks(
        self, canvas: Canvas, name: str, xs: list[float], y: float, size: float, label: str
    ) -> None:
        """One checkbox (one box) or a Yes/No radio group (two boxes), at the boxes
        drawn with their lower left corners at (x - size / 2, y). Each widget draws its
        own box in every state, over the printed one; its tooltip is `label` (and, for a
        choice, Yes or No)."""
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
            form.checkbox(name=name, x=xs[0] - size / 2, y=y, tooltip=label, **style)
            return
        self.questions[name] = label
        for value, x in zip((YES, NO), xs, strict=True):
            form.radio(
                name=name,
                value=value,
                x=x - size / 2,
                y=y,
                tooltip=f"{label} {value}",
                **{**style, "fieldFlags": "noToggleToOff radio"},
            )

    def write_in(self, canvas: Canvas, name: str, area: WriteInArea) -> None:
        """A text field over write-in lines whose lowest line is at y = 0, in the size
        the form's text is written in (18 pt in large print), or a signature field when
        `name` is a signature's. A known value fills the field (a value that wrapped onto
        a second line makes it a multi-line field)."""
        height = (area.lines - 1) * area.spacing + area.spacing * 0.8
        name = self._unique(name)
        if name.startswith("signature."):
            x1, y1 = canvas.absolutePosition(0, 0)
            x2, y2 = canvas.absolutePosition(area.width, height)
            spot = SignatureSpot(name, canvas.getPageNumber(), (x1, y1, x2, y2), area.label)
            self.signatures.append(spot)
            return
        form: Any = canvas.acroForm  # see `ticks`
        multiline = area.lines > 1
        form.textfield(
            name=name,
            tooltip=area.label,
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


def finish_fields(data: bytes, fields: FormFields) -> bytes:
    """The form completed after ReportLab: a signature field (/FT /Sig) with a visible
    box at each spot; each Yes/No group's tooltip the question; every page's widgets in
    reading order (top to bottom, left to right) and its tab order following them
    (/Tabs /S, structure order, which the tagged PDF's structure gives)."""
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
            name = str(field.get("/T", ""))
            if name in fields.questions and "/Kids" in field:
                question = fields.questions[name]
                field.TU = pikepdf.String(question)
                for kid in field.Kids:  # each choice says which it is
                    value = next(str(k)[1:] for k in kid.AP.N if k != "/Off")
                    kid.TU = pikepdf.String(f"{question} {value}")
        for page in pdf.pages:
            if "/Annots" in page.obj:
                page.obj.Annots = pikepdf.Array(sorted(page.obj.Annots, key=_reading_order))
                page.obj.Tabs = pikepdf.Name.S
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def _reading_order(annotation: pikepdf.Object) -> tuple[float, float]:
    x1, _, _, y2 = (float(v) for v in annotation.Rect)
    return -round(y2), x1


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
        TU=pikepdf.String(spot.label),
        F=4,  # print
        Rect=pikepdf.Array([round(v, 2) for v in spot.rect]),
        P=page.obj,
        AP=pikepdf.Dictionary(N=appearance),
    )
