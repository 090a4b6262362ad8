"""Personalised copies of a document without laying it out again for each patient.

Most of a leaflet is the same for every patient; only a few values differ (name, date of
birth, appointment, practitioner), and they sit in places whose size does not depend on
them: a form's write-in lines and the one-line "Prepared for" notes. So a batch lays a
document out once, with placeholders where the values go (`lay_out_base`), recording
those places as slots; each patient's copy is then the base with its slots filled in on
top (`stamp`): each slot is an empty form in the base's page content, and each patient's
copy gives those forms their text, drawn in the base's own fonts (`glyphs`: the base's
font subsets hold the glyphs the patient's values need, so a copy embeds no fonts of its
own) and written in place of the base's empty forms (`revision`). The structure elements
holding a slot get the patient's text in their /ActualText (what screen readers and
copying read, in logical order) the same way. `BaseCache` keeps bases for a process that
builds many personalised documents. A value too long for one line wraps onto a second,
which moves what follows it: such a patient's copy is laid out in full.

Wording that puts a personal value into running text (where its length could move
everything after it) cannot be stamped: `lay_out_base` says so, and such documents are
laid out in full for each patient.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from reportlab.pdfgen.canvas import Canvas

from leaflet.errors import PersonalValueFitError
from leaflet.render import glyphs
from leaflet.render.document import render_pdf
from leaflet.render.glyphs import FontCodes, drawn_forms
from leaflet.render.output import RenderedPdf
from leaflet.render.prepare import Build, fill_in
from leaflet.render.revision import Revisable, filled_form, revisable, revise
from leaflet.sources import dates
from leaflet.sources.brand import Brand
from leaflet.sources.content import ContentDocument
from leaflet.sources.fontchain import FontChain
from leaflet.sources.layout import Layout
from leaflet.sources.personal import PLACEHOLDERS, Personalisation, has_placeholder
from leaflet.sources.review import check_review_date
from leaflet.sources.wording import plain
from leaflet.story.flowables.values import SLOT_DEPTH, draw_value, fit_value
from leaflet.story.session import BaseRecord, Slot


@dataclass(frozen=True)
class Placeholders:
    """Stands in for a `Personalisation` while a base is laid out: each value the patient
    has becomes its placeholder; values they lack stay empty, as they would print."""

    present: frozenset[tuple[str, str]]

    @classmethod
    def shape_of(cls, personal: Personalisation) -> Placeholders:
        """The placeholders for the values `personal` has (its bases' cache key)."""
        return cls.of_values(personal.template_values("en-GB"))  # any language will do

    @classmethod
    def of_values(cls, values: Mapping[str, Mapping[str, str]]) -> Placeholders:
        """The placeholders for the template values that are not empty."""
        return cls(frozenset(key for key in PLACEHOLDERS if values[key[0]][key[1]]))

    def __bool__(self) -> bool:
        return bool(self.present)

    def template_values(self, language: str) -> dict[str, dict[str, str]]:
        values: dict[str, dict[str, str]] = {"patient": {}, "appointment": {}}
        for (group, name), placeholder in PLACEHOLDERS.items():
            values[group][name] = placeholder if (group, name) in self.present else ""
        return values

    def check_printable(self, fonts: FontChain) -> None:
        """Placeholders are never printed; each patient's values are checked on their own."""


@dataclass
class ScratchCanvas:
    """The canvas a base's slot texts are drawn on (`glyphs.scratch_canvas`): made when
    first needed and kept, as making one (every font's numbering set) costs about as much
    as drawing a line of text. Threads sharing a `BaseCache` take turns (`lock`), so it
    draws one text at a time and each takes only its own operators; one that failed
    part-way through a text is dropped (`canvas` None: a new one is made)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    canvas: Canvas | None = None


@dataclass(frozen=True)
class Base:
    """A document laid out once, with the slots its personal values fill and the glyphs
    their characters need."""

    data: bytes
    page_count: int
    slots: tuple[Slot, ...]
    page_size: tuple[float, float]
    glyphs: str  # the characters beyond ASCII its font subsets hold for the values
    font_codes: Mapping[str, FontCodes]
    target: Revisable
    #: Structure elements whose /ActualText holds placeholders: object number,
    #: generation, dictionary without /ActualText, and the text.
    texts: tuple[tuple[int, int, bytes, str], ...] = ()
    #: Each slot's form object with its text drawn (`filled_form`), by the text (None:
    #: it needs more lines than the slot keeps), for the values that come again: the
    #: day's date, a practitioner, a time.
    drawn: dict[tuple[int, str], bytes | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    #: Where slot texts are drawn; its lock also guards `drawn`.
    scratch: ScratchCanvas = field(default_factory=ScratchCanvas, compare=False, repr=False)


def lay_out_base(
    document: ContentDocument,
    brand: Brand,
    layout: Layout,
    shape: Placeholders,
    today: dt.date | None = None,
    glyphs: str = "",
) -> Base | None:
    """Lay `document` out with placeholders; None when it cannot be stamped (a tri-fold or
    booklet, or wording that puts a personal value into running text). Its fonts hold the
    glyphs of `glyphs` (characters beyond ASCII) for the values. `today` is as for
    `render_pdf`."""
    if layout.spec.format != "pages" or _in_running_text(document, brand, layout, shape):
        return None
    fonts = Build(document, brand, layout, shape).fonts
    faces = [face for f in fonts.used_by(glyphs) for face in (f.regular, f.bold)]
    characters = glyphs + drawn_forms(faces, glyphs)
    record = BaseRecord(glyphs=characters, fonts=(brand.fonts.regular, brand.fonts.bold, *faces))
    pdf = render_pdf(document, brand, layout, shape, base=record, today=today)
    slots = tuple(record.slots)
    return Base(
        pdf.data,
        pdf.page_count,
        slots,
        (layout.page_width, layout.page_height),
        glyphs,
        record.font_codes,
        revisable(pdf.data, [(slot.page, slot.form) for slot in slots]),
        _texts_with_placeholders(pdf.data),
    )


def _texts_with_placeholders(data: bytes) -> tuple[tuple[int, int, bytes, str], ...]:
    """The structure elements of `data` whose /ActualText a copy fills in."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/StructElem":
                continue
            text = obj.get("/ActualText")
            if text is not None and has_placeholder(str(text)):
                rest = pikepdf.Dictionary({k: v for k, v in obj.items() if k != "/ActualText"})
                found.append((*obj.objgen, rest.unparse(), str(text)))
    return tuple(sorted(found))


def glyphs_for(personal: Personalisation, language: str) -> str:
    """The characters beyond ASCII that `personal`'s values are printed with: which base
    (`lay_out_base(glyphs=...)`) can take them."""
    return _glyphs_of(personal.template_values(language))


def _glyphs_of(values: Mapping[str, Mapping[str, str]]) -> str:
    return glyphs.needed(value for group in values.values() for value in group.values())


#: Slot texts a base keeps drawn (`Base.drawn`) at most; then it starts again.
DRAWN_SIZE = 512


def stamp(
    base: Base,
    personal: Personalisation,
    language: str,
    values: Mapping[str, Mapping[str, str]] | None = None,
) -> RenderedPdf | None:
    """`base` with `personal`'s values filled into its slots, drawn in the base's fonts;
    None when a value needs more lines than its slot keeps (a long name wraps onto a
    second line, which moves what follows): lay that patient's copy out in full.
    `values`: `personal.template_values(language)`, when the caller has them already.

    The base must hold the glyphs of the values (`glyphs_for`); each slot form gets the
    text's operators, written in place of the empty form (`leaflet.render.revision`)."""
    private = bool(personal)  # a copy with personal details is its owner's only
    if values is None:
        values = personal.template_values(language)
    if not base.slots:
        return RenderedPdf(base.data, base.page_count, personal=private)
    markup = {
        placeholder: plain(values[group][name])
        for (group, name), placeholder in PLACEHOLDERS.items()
    }
    forms: dict[tuple[int, str], bytes] = {}
    with base.scratch.lock:
        for index, slot in enumerate(base.slots):
            text = "".join(markup.get(char, char) for char in slot.markup)
            key = (index, text)
            if key not in base.drawn:
                if len(base.drawn) >= DRAWN_SIZE:
                    base.drawn.clear()
                base.drawn[key] = _drawn(base, slot, text)
            form = base.drawn[key]
            if form is None:
                return None
            forms[slot.page, slot.form] = form
    filled = {ord(p): values[group][name] for (group, name), p in PLACEHOLDERS.items()}
    objects = {
        number: _with_actual_text(number, generation, dictionary, text.translate(filled))
        for number, generation, dictionary, text in base.texts
    }
    data = revise(base.target, forms, objects)
    return RenderedPdf(data, base.page_count, personal=private)


def _drawn(base: Base, slot: Slot, text: str) -> bytes | None:
    """`slot`'s form object with `text` drawn (on the base's scratch canvas, whose lock
    the caller holds); None when it needs more lines than the slot keeps."""
    try:
        value = fit_value(text, slot.style, slot.width, slot.fit)
    except PersonalValueFitError:  # a full build sets such a line's parts apart
        return None
    if value.lines > slot.lines:
        return None
    scratch = base.scratch
    if scratch.canvas is None:
        scratch.canvas = glyphs.scratch_canvas(base.page_size, base.font_codes)
    canvas, scratch.canvas = scratch.canvas, None  # kept again only once drawn in full
    with glyphs.in_base():
        draw_value(canvas, text, value, 0, SLOT_DEPTH, slot.width, slot.gap)
    operators = glyphs.take_operators(canvas, base.font_codes)
    scratch.canvas = canvas
    return filled_form(base.target, (slot.page, slot.form), operators)


def _with_actual_text(number: int, generation: int, dictionary: bytes, text: str) -> bytes:
    """A structure element's object with `text` as its /ActualText (UTF-16, as PDF text
    strings beyond Latin-1 are written)."""
    actual = b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"
    return b"%d %d obj\n%s /ActualText %s >>\nendobj\n" % (
        number,
        generation,
        dictionary.rstrip()[:-2].rstrip(),
        actual,
    )


class BaseCache:
    """Bases kept between personalised builds, for a process that makes many of them (a
    batch worker, or a booking system's service): the first build of a document lays a
    base out; later ones only stamp it.

    A base is kept per treatment, document, language (and every file its wording comes
    from: the document, the treatment's settings and their words in that language, the
    strings), layout, brand (its fingerprint: file, logo, fonts), which values the
    patient has, and the characters beyond ASCII they need; at most `size` of them, the
    least recently used going first. Every build still checks the review date against `today`.
    Threads may share one: two that need the same new base may both lay it out."""

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._bases: OrderedDict[tuple[Any, ...], Base | None] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._bases)

    def render(
        self,
        document: ContentDocument,
        brand: Brand,
        layout: Layout,
        personal: Personalisation,
        *,
        today: dt.date | None = None,
    ) -> RenderedPdf:
        """What `render_pdf(document, brand, layout, personal, today=today)` gives, with
        the same text on every page: stamped on a kept base where the document allows it
        (see `lay_out_base`), laid out in full otherwise."""
        day = today or dates.today()
        check_review_date(document, allow_expired=False, today=day)
        language = document.meta.language
        personal.check_printable(brand.fonts)
        values = personal.template_values(language)
        shape = Placeholders.of_values(values)
        needed = _glyphs_of(values)
        key = (
            document.treatment.folder,
            document.name,
            *document.inputs,  # the wording's files: document, settings, strings
            layout.path,
            layout.spec.model_dump_json(),
            language,
            brand.fingerprint,
            shape,
            needed,
        )
        with self._lock:  # threads share the cache; a base is laid out outside the lock
            known = key in self._bases
            base = self._bases[key] if known else None
            if known:
                self._bases.move_to_end(key)
        if not known:
            base = lay_out_base(document, brand, layout, shape, day, needed)
            with self._lock:
                self._bases[key] = base
                if len(self._bases) > self.size:
                    self._bases.popitem(last=False)
        # No base: a tri-fold, a booklet, or a name in running text; no stamped copy: a
        # value that wraps onto a second line, or a glyph its shaping needs that the base
        # lacks.
        try:
            copy = stamp(base, personal, language, values) if base is not None else None
        except glyphs.NotInBase:
            copy = None
        return copy or render_pdf(document, brand, layout, personal, today=day)


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
