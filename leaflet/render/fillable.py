"""Fillable consent forms: PDF form fields laid over the printed boxes and lines.

`render_pdf(..., fillable=True)` gives the build's drawing session a `FormFields`; the
tick rows and write-in lines call it as they draw, so each field sits exactly on what is
printed. Fields are invisible (no border, no fill):
the printed look does not change. Their names come from the content ids:
`contraindication.<id>`, `photo.<id>`, `declaration.<id>`, `field.<id>` and
`signature.<id>`.

ReportLab has no call for a signature field, so `FormFields` writes that widget's
dictionary itself: an empty /Sig field any signing tool can fill.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import black, transparent
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFString
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


class FormFields:
    """Adds the form fields to a canvas while the story draws (it is the drawing
    session's field recorder)."""

    def __init__(self) -> None:
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
        form: Any = canvas.acroForm  # see `ticks`
        if name.startswith("signature."):
            _signature_field(canvas, form, name, width, height)
            return
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


def _signature_field(canvas: Canvas, form: Any, name: str, width: float, height: float) -> None:
    """An empty signature field (/FT /Sig) over the box from (0, 0) to (width, height)."""
    x1, y1 = canvas.absolutePosition(0, 0)
    x2, y2 = canvas.absolutePosition(width, height)
    document: Any = canvas._doc  # type: ignore[attr-defined]
    widget = PDFDictionary(
        {
            "Type": PDFName("Annot"),
            "Subtype": PDFName("Widget"),
            "FT": PDFName("Sig"),
            "T": PDFString(name),
            "TU": PDFString(name),
            "F": 4,  # print
            "Rect": PDFArray([round(value, 2) for value in (x1, y1, x2, y2)]),
            "P": document.thisPageRef(),
        }
    )
    canvas._addAnnotation(widget)  # type: ignore[attr-defined]
    form.fields.append(form.getRef(widget))
