"""Turning a rendered document into a story: the list of flowables ReportLab lays out.

One method per block type (`_heading`, `_checklist`...), looked up from the block's type
name, so adding a block type is adding a schema model and a method. All text reaching a
Paragraph here is markup produced by `templating` or escaped with `plain`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from leaflet.render.fillable import detail_field_name, field_name, party_field_name
from leaflet.sources import schema
from leaflet.sources.brand import Brand
from leaflet.sources.dates import format_date
from leaflet.sources.layout import Layout
from leaflet.sources.personal import Personalisation
from leaflet.sources.templating import plain
from leaflet.sources.yamlfile import format_loc
from leaflet.story.flowables import (
    Box,
    Columns,
    FieldRow,
    FittedLine,
    KeepGroup,
    Para,
    QrCode,
    StartPageUnlessFits,
    TickRows,
    Unsplittable,
    WriteIn,
)

TICK_COLUMN = 16 * mm
TICK_BOX = 5 * mm
WRITE_IN_SPACING = 9 * mm
SIGNATURE_SPACING = 13 * mm
#: Groups of up to this many fields stay on one page; longer ones may break between fields.
KEEP_FIELDS_TOGETHER = 5
#: Longer field labels go above their line: beside it they would wrap into a tall column.
SIDE_LABEL_CHARACTERS = 40


@dataclass
class StoryBuilder:
    """Builds the flowables of one document for one brand and layout."""

    brand: Brand
    layout: Layout
    styles: dict[str, ParagraphStyle]
    #: The wording is past its review date (built with --allow-expired): the About box says so.
    overdue: bool = False
    #: (width, height) of the frames the story flows into; None: the layout's page frame.
    #: A tri-fold flows into panels, narrower and taller than its sheet's page frame.
    frame: tuple[float, float] | None = None

    @property
    def width(self) -> float:
        return self.frame[0] if self.frame is not None else self.layout.frame_width

    @property
    def page_room(self) -> float:
        """The height of one frame: the most an unsplittable block may take."""
        return self.frame[1] if self.frame is not None else self.layout.frame_height

    def build(
        self,
        document: schema.Document,
        personal: Personalisation,
        origin: str = "",
        *,
        front_matter: bool = True,
        about: bool = True,
        leave_out: Collection[str] = (),
    ) -> list[Flowable]:
        """The whole story: title, personal note, the blocks, then 'About this leaflet'.

        `origin` (the content file) prefixes the names of blocks in layout errors. A
        layout that places some parts elsewhere (a tri-fold's cover and back panel) asks
        for the story without the title and personal note (`front_matter=False`), without
        the About box (`about=False`), or without blocks of the kinds in `leave_out`.
        """
        meta = document.meta
        story: list[Flowable] = []
        if front_matter:
            story += [
                Para(plain(meta.title), self.styles["title"]),
                Para(plain(meta.subtitle), self.styles["subtitle"]),
            ]
            if meta.kind == "leaflet" and personal:
                story += [self._prepared_for(personal, meta.language), Spacer(0, 4 * mm)]
        for index, block in enumerate(document.blocks):
            kind = next(iter(type(block).model_fields))
            if kind in leave_out:
                continue
            handler: Callable = getattr(self, f"_{kind}")
            where = format_loc(("blocks", index, kind))
            story += handler(getattr(block, kind), f"{origin}: {where}" if origin else where)
        if about:
            story.append(self._about(meta))
        return _keep_headings_with_blocks(story, self.page_room)

    def contact_box(self, contact: schema.Contact, where: str) -> list[Flowable]:
        """The clinic's contact details (and QR code) as the `contact` block draws them."""
        return self._contact(contact, where)

    def about_box(self, meta: schema.Meta) -> Flowable:
        """The 'About this leaflet' box that ends the story."""
        return self._about(meta)

    def prepared_for(self, personal: Personalisation, language: str) -> Flowable:
        """The 'Prepared for' note under a leaflet's title."""
        return self._prepared_for(personal, language)

    # --- text ---------------------------------------------------------------------------

    def _heading(self, text: str, where: str) -> list[Flowable]:
        return [Heading(text, self.styles["h2"], level=0)]

    def _subheading(self, text: str, where: str) -> list[Flowable]:
        return [Heading(text, self.styles["h3"], level=1)]

    def _paragraph(self, text: str, where: str) -> list[Flowable]:
        return [Para(text, self.styles["body"])]

    def _bullets(self, items: list[str], where: str) -> list[Flowable]:
        return self._list(items)

    def _list(self, items: list[str]) -> list[Flowable]:
        """A bullet list: one paragraph per item with a hanging bullet, then a little air.

        Plain paragraphs rather than a ListFlowable: lighter, and a page may break
        between any two items."""
        style = _bullet_variant(self.styles["bullet"], self.brand.colour("primary"))
        return [*(Para(text, style, bulletText="\u2022") for text in items), Spacer(0, 4)]

    def _intro(self, title: str | None, intro: str | None) -> list[Flowable]:
        out: list[Flowable] = []
        if title:
            out.append(Heading(title, self.styles["h3"], level=1))
        if intro:
            out.append(KeptWithNext(intro, self.styles["body"]))
        return out

    def _callout(self, callout: schema.Callout, where: str) -> list[Flowable]:
        urgent = callout.style == "urgent"
        title_style = ParagraphStyle(
            "callout-title",
            parent=self.styles["box_title"],
            textColor=self.brand.colour("urgent" if urgent else "primary"),
        )
        content: list[Flowable] = [Para(callout.title, title_style)]
        if callout.text:
            content.append(Para(callout.text, self.styles["body"]))
        if callout.bullets:
            content += self._list(callout.bullets)
        box = Box(
            content,
            self.brand.colour("urgent_tint" if urgent else "tint"),
            bar=self.brand.colour("urgent" if urgent else "primary"),
        )
        return [self._unsplittable([Spacer(0, 2 * mm), box], where), Spacer(0, 4 * mm)]

    # --- forms --------------------------------------------------------------------------

    def _checklist(
        self, checklist: schema.Checklist, where: str, field_prefix: str = "contraindication"
    ) -> list[Flowable]:
        head = self.styles["table_head"]
        on_primary = ParagraphStyle("th", parent=head, textColor=self.brand.colour("on_primary"))
        centred = ParagraphStyle("thc", parent=on_primary, alignment=1)
        header = [
            Para(plain(checklist.title or "Question"), on_primary),
            Para(checklist.yes_label, centred),
            Para(checklist.no_label, centred),
        ]
        rows = self._tick_rows(
            [item.text for item in checklist.items],
            2,
            header,
            [field_name(field_prefix, item.id) for item in checklist.items],
        )
        head = self._intro(None, checklist.intro)
        return [self._unsplittable([*head, rows], where), Spacer(0, 5 * mm)]

    def _photo_consent(self, checklist: schema.Checklist, where: str) -> list[Flowable]:
        return self._checklist(checklist, where, field_prefix="photo")

    def _declarations(self, declarations: schema.ItemList, where: str) -> list[Flowable]:
        rows = self._tick_rows(
            [item.text for item in declarations.items],
            1,
            None,
            [field_name("declaration", item.id) for item in declarations.items],
        )
        head = self._intro(declarations.title, declarations.intro)
        return [self._unsplittable([*head, rows], where), Spacer(0, 5 * mm)]

    def _tick_rows(
        self,
        texts: list[str],
        boxes: int,
        header: list[Flowable] | None = None,
        names: list[str] | None = None,
    ) -> TickRows:
        colour = self.brand.colour
        return TickRows(
            [Para(text, self.styles["table"]) for text in texts],
            boxes,
            TICK_COLUMN,
            TICK_BOX,
            {
                "text": colour("text"),
                "rule": colour("muted"),
                "stripe": colour("tint"),
                "header": colour("primary"),
            },
            header,
            names,
        )

    def _fields(
        self, fields: schema.Fields, where: str, boxed_panel: bool = False
    ) -> list[Flowable]:
        rows = self._field_rows(
            fields.items, WRITE_IN_SPACING, self.width - (8 * mm if boxed_panel else 0)
        )
        head = self._intro(fields.title, fields.intro)
        if boxed_panel:
            content: list[Flowable] = [Box(rows, self.brand.colour("tint"))]
            return head + [self._unsplittable(content, where), Spacer(0, 5 * mm)]
        if len(rows) <= KEEP_FIELDS_TOGETHER:
            return [self._unsplittable(head + rows, where), Spacer(0, 4 * mm)]
        # A long list of fields may run on to the next page between two fields.
        return head + rows + [Spacer(0, 4 * mm)]

    def _patient_details(self, fields: schema.Fields, where: str) -> list[Flowable]:
        return self._fields(fields, where, boxed_panel=True)

    def _signatures(self, signatures: schema.Signatures, where: str) -> list[Flowable]:
        out = self._intro(signatures.title, signatures.intro)
        for index, party in enumerate(signatures.parties):
            content: list[Flowable] = [Para(party.title, self.styles["box_title"])]
            if party.note:
                content.append(Para(party.note, self.styles["small"]))
            content += self._field_rows(
                party.fields, SIGNATURE_SPACING, self.width, party_field_name
            )
            out += [self._unsplittable(content, f"{where}.parties[{index}]"), Spacer(0, 6 * mm)]
        return [StartPageUnlessFits(out, self.page_room), *out]

    def _field_rows(
        self,
        items: list[schema.FormField],
        spacing: float,
        width: float,
        naming: Callable[[str], str] = detail_field_name,
    ) -> list[FieldRow]:
        """One flowable per field, so a page can break between any two fields.

        The label sits beside a single write-in line, and above several lines, which then
        take the full width.
        """
        label_width = min(60 * mm, width * 0.38)
        muted = self.brand.colour("muted")
        rows = []
        for item in items:
            label = Para(item.label, self.styles["table_head"])
            lines = WriteIn(
                item.lines, spacing, muted, item.value, self.styles["table"], naming(item.id)
            )
            beside = item.lines == 1 and len(item.label) <= SIDE_LABEL_CHARACTERS
            rows.append(FieldRow(label, lines, label_width if beside else None, spacing))
        return rows

    # --- leaflets -----------------------------------------------------------------------

    def _timeline(self, timeline: schema.Timeline, where: str) -> list[Flowable]:
        """Each period under a coloured band; its text flows on, so pages fill up."""
        out = self._intro(timeline.title, None)
        band_style = ParagraphStyle(
            "period",
            parent=self.styles["box_title"],
            textColor=self.brand.colour("on_primary"),
            spaceAfter=0,
        )
        for period in timeline.periods:
            band = Box(
                [Para(period.period, band_style)], self.brand.colour("primary"), padding=2.5 * mm
            )
            band.spaceBefore, band.spaceAfter, band.keepWithNext = 3 * mm, 2 * mm, 1
            out.append(band)
            if period.expect:
                out.append(Para(period.expect, self.styles["body"]))
            for label, items in (("Do", period.do), ("Avoid", period.avoid)):
                if items:
                    out += [KeptWithNext(label, self.styles["box_title"]), *self._list(items)]
        return out + [Spacer(0, 2 * mm)]

    def _contact(self, contact: schema.Contact, where: str) -> list[Flowable]:
        clinic = self.brand.clinic
        body, small = self.styles["body"], self.styles["small"]
        link = self.brand.hex("primary")

        def linked(label: str, href: str, text: str) -> Paragraph:
            return Para(f'{label}: <a href="{plain(href)}" color="{link}">{plain(text)}</a>', small)

        details: list[Flowable] = [Para(f"<b>{plain(clinic.name)}</b>", small)]
        details.append(Para(plain(", ".join(clinic.address)), small))
        details.append(linked("Phone", "tel:" + "".join(clinic.phone.split()), clinic.phone))
        details.append(linked("Email", "mailto:" + clinic.email, clinic.email))
        if clinic.website:
            details.append(linked("Website", clinic.website, _display_url(clinic.website)))
        details.append(Spacer(0, 2 * mm))
        details.append(Para(plain(clinic.out_of_hours), small))
        content: list[Flowable] = [Heading(contact.title, self.styles["box_title"], level=0)]
        if contact.text:
            content.append(Para(contact.text, body))
        if contact.qr and clinic.website:
            size = self.layout.qr_size
            qr = [
                QrCode(clinic.website, size, self.brand.colour("text")),
                Para("Scan to visit our website", ParagraphStyle("qr", parent=small, alignment=1)),
            ]
            inner_width = self.width - 8 * mm
            content.append(Columns([(inner_width - size - 8 * mm, details), (size + 8 * mm, qr)]))
        else:
            content += details
        box = Box(content, self.brand.colour("tint"))
        return [self._unsplittable([Spacer(0, 3 * mm), box], where), Spacer(0, 4 * mm)]

    def _prepared_for(self, personal: Personalisation, language: str) -> Flowable:
        """One line each for the patient and the appointment, shrunk rather than wrapped:
        the box is the same height for everyone (see `leaflet.stamp`)."""
        values = personal.template_values(language)
        patient, appointment = values["patient"], values["appointment"]
        lines = []
        if patient["name"]:
            lines.append(f"Prepared for <b>{plain(patient['name'])}</b>")
        with_whom = (
            f" with {plain(appointment['practitioner'])}" if appointment["practitioner"] else ""
        )
        if appointment["date"]:
            when = f"{appointment['date']} at {appointment['time']}"
            lines.append(f"Your appointment: <b>{plain(when)}</b>{with_whom}")
        elif appointment["practitioner"]:
            lines.append(f"Your practitioner: {plain(appointment['practitioner'])}")
        content = [FittedLine(line, self.styles["small"]) for line in lines]
        return Box(content, self.brand.colour("tint"), bar=self.brand.colour("primary"))

    def _about(self, meta: schema.Meta) -> Flowable:
        """The leaflet standards box: reference, dates, approval, sources, large print."""
        clinic = self.brand.clinic
        small = self.styles["small"]
        noun = "form" if meta.kind == "form" else "leaflet"

        def cell(label: str, value: str) -> Paragraph:
            return Para(f"<b>{label}:</b> {plain(value)}", small)

        inner = self.width - 8 * mm
        pairs = [
            (
                cell("Reference", f"{meta.reference}, version {meta.version}"),
                cell("Approved by", meta.approved_by),
            ),
            (
                cell("Published", format_date(meta.published, meta.language)),
                cell("Next review", format_date(meta.review, meta.language)),
            ),
        ]
        short_facts = [
            Columns([(inner / 2, [left]), (inner / 2, [right])]) for left, right in pairs
        ]
        overdue = (
            [
                cell(
                    "Review overdue",
                    f"This wording was due for review on "
                    f"{format_date(meta.review, meta.language)}. Ask us for the "
                    "latest version.",
                )
            ]
            if self.overdue
            else []
        )
        content = [
            Heading(f"About this {noun}", self.styles["box_title"], level=0),
            *overdue,
            *short_facts,
            cell("Sources", "; ".join(meta.sources)),
            cell(
                "Large print",
                f"This is the large-print version of this {noun}."
                if self.layout.spec.large_print
                else f"You can ask us for this {noun} in large print. Call us on {clinic.phone}.",
            ),
            cell("Feedback", clinic.feedback),
        ]
        box = Box(content, self.brand.colour("tint"))
        return self._unsplittable([Spacer(0, 6 * mm), box], "About this document")

    def notes_page(self) -> list[Flowable]:
        """A page headed Notes with ruled lines: padding that is useful, not blank."""
        heading = Heading("Notes", self.styles["h2"], level=0)
        _, used = heading.wrap(self.width, self.layout.frame_height)
        room = self.layout.frame_height - used - heading.getSpaceAfter() - 2 * mm
        lines = max(1, int(room // WRITE_IN_SPACING))
        return [heading, WriteIn(lines, WRITE_IN_SPACING, self.brand.colour("muted"))]

    # --- shared pieces ------------------------------------------------------------------

    def _unsplittable(self, flowables: list[Flowable], where: str) -> Unsplittable:
        return Unsplittable(flowables, where, self.page_room)


class KeptWithNext(Para):
    """A paragraph that always stays on the page of what follows it: a heading or a
    lead-in to a list or table."""

    def __init__(self, text: str | None, style: ParagraphStyle, *args, **kwargs) -> None:
        if not getattr(style, "keepWithNext", 0):
            style = _keeping_variant(style)
        super().__init__(text, style, *args, **kwargs)


def _bullet_variant(style: ParagraphStyle, colour) -> ParagraphStyle:
    """`style` with a hanging bullet in `colour`, made once per style and kept on it."""
    variant = style.__dict__.get("_bullet_variant")
    if variant is None or variant.bulletColor != colour:
        variant = ParagraphStyle(
            f"{style.name}-item",
            parent=style,
            leftIndent=style.fontSize * 1.3,
            bulletIndent=0,
            bulletFontName=style.fontName,
            bulletFontSize=style.fontSize,
            bulletColor=colour,
        )
        style._bullet_variant = variant
    return variant


def _keeping_variant(style: ParagraphStyle) -> ParagraphStyle:
    """`style` with keepWithNext set, made once per style and kept on it."""
    variant = style.__dict__.get("_keeping_variant")
    if variant is None:
        variant = ParagraphStyle(f"{style.name}-keep", parent=style, keepWithNext=1)
        style._keeping_variant = variant
    return variant


class Heading(KeptWithNext):
    """A heading: kept with what follows it and listed in the PDF outline (bookmarks).

    The outline entry is made when the heading is drawn, so headings inside boxes and
    tables are listed too. `level` 0 is a section, 1 a subsection.
    """

    def __init__(
        self, text: str | None, style: ParagraphStyle, level: int = 0, *args, **kwargs
    ) -> None:
        super().__init__(text, style, *args, **kwargs)
        self.outline_level = level

    def draw(self) -> None:
        super().draw()
        canvas = self.canv
        # One counter per document, on the canvas; outlines cannot skip a level.
        outline = canvas.__dict__.setdefault("_leaflet_outline", {"count": 0, "level": -1})
        outline["count"] += 1
        outline["level"] = level = min(self.outline_level, outline["level"] + 1)
        key = f"heading-{outline['count']}"
        canvas.bookmarkHorizontal(key, 0, self.height)
        canvas.addOutlineEntry(self.getPlainText(), key, level=level, closed=level > 0)


def _keep_headings_with_blocks(story: list[Flowable], page_room: float) -> list[Flowable]:
    """Group each heading or lead-in with what follows it, and keep a declaration with
    the signatures that follow it.

    ReportLab's own keepWithNext cannot hold a heading to an unsplittable block and copies
    the frame on every measurement, so the story is grouped here, once. A
    `StartPageUnlessFits` marker only measures its group, so it may list a heading that
    is also folded into the block after it.
    """
    out: list[Flowable] = []  # the story from the end, reversed
    for flowable in reversed(story):
        following = out[-1] if out else None
        if flowable.getKeepWithNext() and following is not None:
            if isinstance(following, KeepGroup):
                out[-1] = following.with_first(flowable)
                continue
            if isinstance(following, StartPageUnlessFits) and isinstance(out[-2], KeepGroup):
                out[-2] = out[-2].with_first(flowable)
                out[-1] = StartPageUnlessFits([flowable, *following.group], following.page_room)
                continue
            if not isinstance(following, Spacer):
                out[-1] = KeepGroup([flowable, following], page_room)
                continue
        if (
            isinstance(flowable, Unsplittable)
            and flowable.what.endswith(".declarations")
            and len(out) >= 2
            and isinstance(out[-2], StartPageUnlessFits)
        ):
            spacer, marker = out.pop(), out.pop()
            out += [
                spacer,
                flowable,
                StartPageUnlessFits([flowable, spacer, *marker.group], marker.page_room),
            ]
            continue
        out.append(flowable)
    return out[::-1]


def _display_url(url: str) -> str:
    for prefix in ("https://", "http://"):
        url = url.removeprefix(prefix)
    return url.rstrip("/")
