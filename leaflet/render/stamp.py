"""Personalised copies of a document without laying it out again for each patient.

Most of a leaflet is the same for every patient; only a few values differ (name, date of
birth, appointment, practitioner), and they sit in places whose size does not depend on
them: a form's write-in lines and the one-line "Prepared for" notes. So a batch lays a
document out once, with placeholders where the values go (`lay_out_base`), recording
those places as slots; each patient's copy is then the base with its slots filled in on
top (`stamp`): each slot is an empty form in the base's page content, and each patient's
copy swaps in a form holding their text, drawn by ReportLab and copied over by pikepdf.
A value too long for one line wraps onto a second, which moves what follows it: such a
patient's copy is laid out in full.

Wording that puts a personal value into running text (where its length could move
everything after it) cannot be stamped: `lay_out_base` says so, and such documents are
laid out in full for each patient.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pikepdf

from leaflet.render.canvas import BuildCanvas
from leaflet.render.document import render_pdf
from leaflet.render.output import RenderedPdf
from leaflet.render.prepare import Build, fill_in
from leaflet.sources.brand import Brand
from leaflet.sources.content import ContentDocument
from leaflet.sources.fonts import FontFamily
from leaflet.sources.layout import Layout
from leaflet.sources.personal import PLACEHOLDERS, Personalisation, has_placeholder
from leaflet.sources.templating import plain
from leaflet.story.flowables.text import SLOT_DEPTH, draw_value, fit_value
from leaflet.story.session import DrawingSession, Slot


@dataclass(frozen=True)
class Placeholders:
    """Stands in for a `Personalisation` while a base is laid out: each value the patient
    has becomes its placeholder; values they lack stay empty, as they would print."""

    present: frozenset[tuple[str, str]]

    @classmethod
    def shape_of(cls, personal: Personalisation) -> Placeholders:
        """The placeholders for the values `personal` has (its bases' cache key)."""
        values = personal.template_values("en-GB")  # which are empty: any language will do
        return cls(frozenset(key for key in PLACEHOLDERS if values[key[0]][key[1]]))

    def __bool__(self) -> bool:
        return bool(self.present)

    def template_values(self, language: str) -> dict[str, dict[str, str]]:
        values: dict[str, dict[str, str]] = {"patient": {}, "appointment": {}}
        for (group, name), placeholder in PLACEHOLDERS.items():
            values[group][name] = placeholder if (group, name) in self.present else ""
        return values

    def check_printable(self, fonts: FontFamily) -> None:
        """Placeholders are never printed; each patient's values are checked on their own."""


@dataclass(frozen=True)
class Base:
    """A document laid out once, with the slots its personal values fill."""

    data: bytes
    page_count: int
    slots: tuple[Slot, ...]
    page_size: tuple[float, float]


def lay_out_base(
    document: ContentDocument,
    brand: Brand,
    layout: Layout,
    shape: Placeholders,
    today: dt.date | None = None,
) -> Base | None:
    """Lay `document` out with placeholders; None when it cannot be stamped (a tri-fold or
    booklet, or wording that puts a personal value into running text). `today` is as
    for `render_pdf`."""
    if layout.spec.format != "pages" or _in_running_text(document, brand, layout, shape):
        return None
    slots: list[Slot] = []
    pdf = render_pdf(document, brand, layout, shape, slots=slots, today=today)
    return Base(pdf.data, pdf.page_count, tuple(slots), (layout.page_width, layout.page_height))


def stamp(base: Base, personal: Personalisation, language: str) -> RenderedPdf | None:
    """`base` with `personal`'s values filled into its slots; None when a value needs
    more lines than its slot keeps (a long name wraps onto a second line, which moves
    what follows): lay that patient's copy out in full."""
    if not base.slots:
        return RenderedPdf(base.data, base.page_count)
    values = personal.template_values(language)
    markup = {
        placeholder: plain(values[group][name])
        for (group, name), placeholder in PLACEHOLDERS.items()
    }
    overlay_data = io.BytesIO()
    canvas = BuildCanvas(
        overlay_data,
        pagesize=base.page_size,
        invariant=1,
        pageCompression=1,
        initialFontName=base.slots[0].style.fontName,
        session=DrawingSession(),
    )
    texts = ["".join(markup.get(char, char) for char in slot.markup) for slot in base.slots]
    fitted = [
        fit_value(text, slot.style, slot.width, slot.fit)
        for text, slot in zip(texts, base.slots, strict=True)
    ]
    if any(value.lines > slot.lines for value, slot in zip(fitted, base.slots, strict=True)):
        return None
    for text, value, slot in zip(texts, fitted, base.slots, strict=True):
        # one overlay page per slot, drawn as the slot's form
        draw_value(canvas, text, value, 0, SLOT_DEPTH, slot.width, slot.gap)
        canvas.showPage()
    canvas.save()
    # The overlay stays open until the copy is saved: copied streams are read from it then.
    with pikepdf.open(overlay_data) as overlay, pikepdf.open(io.BytesIO(base.data)) as pdf:
        _retag_subsets(overlay)
        for slot, overlay_page in zip(base.slots, overlay.pages, strict=True):
            form = pdf.copy_foreign(overlay_page.as_form_xobject())
            pdf.pages[slot.page].Resources.XObject[slot.form] = form
        output = io.BytesIO()
        # The base's own streams are copied as they are, not compressed again; only its
        # object streams (the structure tree, `leaflet.render.tagged`) are compressed anew.
        pdf.save(
            output,
            deterministic_id=True,
            compress_streams=True,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
        )
    return RenderedPdf(output.getvalue(), base.page_count)


def _in_running_text(
    document: ContentDocument, brand: Brand, layout: Layout, shape: Placeholders
) -> bool:
    """Whether the wording puts a placeholder anywhere but a field's value."""
    rendered, _ = fill_in(Build(document, brand, layout, shape))

    def outside_values(value: Any, key: str) -> bool:
        if isinstance(value, dict):
            return any(outside_values(item, name) for name, item in value.items())
        if isinstance(value, list):
            return any(outside_values(item, key) for item in value)
        return isinstance(value, str) and key != "value" and has_placeholder(value)

    return outside_values(rendered.model_dump(), "")


def _retag_subsets(overlay: pikepdf.Pdf) -> None:
    """Give the overlay's font subsets tags of their own.

    ReportLab tags the first subset of every font AAAAAA, in the base and the overlay
    alike; two different subsets under one name is what print-shop preflight flags."""
    fonts = {
        font.objgen: font
        for page in overlay.pages
        for font in page.Resources.get("/Font", {}).values()
    }
    for index, (_, font) in enumerate(sorted(fonts.items())):
        tag = "LFP" + "".join(chr(ord("A") + int(d)) for d in f"{index:03d}")
        name = pikepdf.Name("/" + tag + "+" + str(font.BaseFont).split("+", 1)[-1])
        font.BaseFont = name
        if "/FontDescriptor" in font:
            font.FontDescriptor.FontName = name
