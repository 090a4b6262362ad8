"""Fillable consent forms: PDF form fields laid over the printed boxes and lines.

`render_pdf(..., fillable=True)` gives the build's drawing session a `FormFields`; the
tick rows and write-in lines call it as they draw, so each field sits exactly on what is
printed, and the printed look does not change. Their names come from the content ids:
`contraindication.<id>`, `photo.<id>`, `declaration.<id>`, `field.<id>`,
`signature.<id>` and `table.<id>.<row>.<column id>`. What each field asks (its /TU) and
the tab order come from the structure tree (`leaflet.render.tagged`), declared once
where the form's pieces are made.

Everything is made in ReportLab's own document, with no second pass: check boxes and
Yes/No choices draw their boxes in every state; text fields take the size the form's
text is written in, one-line fields shrink what is typed to fit (a long name is not cut
off) and fields with several lines are multi-line; a pre-filled value shows in the
brand font (`_show_value`). ReportLab has no call for a signature field, so
`FormFields` writes that widget's dictionary itself: an empty /Sig field any signing
tool can fill, showing a box until it is signed.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import black, transparent, white
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFObjectReference,
    PDFString,
)
from reportlab.pdfgen.canvas import Canvas

from leaflet.errors import Argument, LeafletError
from leaflet.story.session import WriteInArea

#: The PDF standard font: ReportLab's form fields allow only the 14 standard fonts.
FIELD_FONT = "Helvetica"
YES, NO = "Yes", "No"
#: A one-line field's default appearance: size 0 fits what is typed to the field.
SHRINK_TO_FIT = "/Helv 0 Tf 0 g"
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
        drawn with their lower left corners at (x - size / 2, y). Each widget draws its
        own box in every state, over the printed one."""
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

    def write_in(self, canvas: Canvas, name: str, area: WriteInArea) -> None:
        """A text field over write-in lines whose lowest line is at y = 0, in the size
        the form's text is written in (18 pt in large print), or a signature field when
        `name` is a signature's. A known value fills the field, shown as `area` draws it
        (in the brand font); a value that wrapped onto a second line makes it a
        multi-line field."""
        height = (area.lines - 1) * area.spacing + area.spacing * 0.8
        name = self._unique(name)
        form: Any = canvas.acroForm  # see `ticks`
        if name.startswith("signature."):
            _signature_field(canvas, form, name, area.width, height)
            return
        multiline = area.lines > 1
        form.textfield(
            name=name,
            tooltip=name,  # what it asks replaces it: `leaflet.render.tagged`
            value="",  # set below: ReportLab would draw it in Helvetica, Latin-1 only
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
        widget = _last_annotation(canvas)
        if not multiline:
            widget.dict["DA"] = PDFString(SHRINK_TO_FIT)
        if area.value:
            widget.dict["V"] = PDFString(area.value)  # any script: UTF-16 where needed
            if area.draw_value is not None:
                _show_value(canvas, widget, name, area, height - 1)


def _last_annotation(canvas: Canvas) -> Any:
    """The annotation just added to the page: ReportLab's own object, which its stubs
    leave out."""
    document: Any = canvas._doc  # type: ignore[attr-defined]
    return document.idToObject[canvas._annotationrefs[-1].name]  # type: ignore[attr-defined]


def _show_value(canvas: Canvas, widget: Any, name: str, area: WriteInArea, height: float) -> None:
    """Make a text field show its value as the page would print it, in the brand font
    (embedded), not in ReportLab's Helvetica (which is not)."""
    form_name = f"LeafletValue.{name}"
    canvas.beginForm(form_name, 0, 0, area.width, height)
    canvas.translate(0, -1)  # the field starts 1 point above the lowest line
    assert area.draw_value is not None
    area.draw_value(canvas)
    canvas.endForm()
    _appearance(canvas, widget, form_name)


def _appearance(canvas: Canvas, widget: Any, form_name: str) -> None:
    """Give `widget` the form `form_name` as its normal appearance."""
    document: Any = canvas._doc  # type: ignore[attr-defined]
    reference = PDFObjectReference(document.getXObjectName(form_name))
    widget.dict["AP"] = PDFDictionary({"N": reference})


def _signature_field(canvas: Canvas, form: Any, name: str, width: float, height: float) -> None:
    """An empty signature field (/FT /Sig) over the box from (0, 0) to (width, height),
    showing a box over its line until it is signed."""
    x1, y1 = canvas.absolutePosition(0, 0)
    x2, y2 = canvas.absolutePosition(width, height)
    form_name = f"LeafletSignature.{name}"
    canvas.beginForm(form_name, 0, 0, x2 - x1, y2 - y1)
    canvas.setStrokeGray(0.35)  # grey, as the printed lines are, in office and press files
    canvas.setLineWidth(0.8)
    canvas.rect(0.4, 0.4, x2 - x1 - 0.8, y2 - y1 - 0.8)
    canvas.endForm()
    document: Any = canvas._doc  # type: ignore[attr-defined]
    widget = PDFDictionary(
        {
            "Type": PDFName("Annot"),
            "Subtype": PDFName("Widget"),
            "FT": PDFName("Sig"),
            "T": PDFString(name),
            "F": 4,  # print
            "Rect": PDFArray([round(value, 2) for value in (x1, y1, x2, y2)]),
            "P": document.thisPageRef(),
        }
    )
    canvas._addAnnotation(widget)  # type: ignore[attr-defined]
    form.fields.append(form.getRef(widget))
    _appearance(canvas, widget, form_name)
